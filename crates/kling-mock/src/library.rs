//! Each account's library: the custom voices and elements its tasks made and the audios
//! its audio tasks produced, which later requests may name (`voice_id`, `voice_list`,
//! `element_list`, avatar's `audio_id`).
//!
//! Entries appear when their task succeeds (the engine adds them while settling, under
//! the store lock) and voices and elements leave on deletion. Validation reads the
//! library under its own lock, never the store's, so checking references costs a
//! create no contention with the task store.

use std::collections::HashMap;

use kling_api::references::{Known, Presets};
use parking_lot::{RwLock, RwLockReadGuard};

use crate::auth::AccountId;

/// A custom voice or element of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The task that made it.
    pub task_id: u64,
    /// Whether delete-voices / delete-elements removed it.
    pub deleted: bool,
}

/// Every account's library.
#[derive(Debug, Default)]
pub struct Library {
    voices: HashMap<(AccountId, String), Entry>,
    elements: HashMap<(AccountId, u64), Entry>,
    audios: HashMap<(AccountId, String), u64>,
}

/// Why a deletion was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeleteError {
    /// A preset belongs to everyone and cannot be deleted.
    #[error("{0} is a preset and cannot be deleted")]
    Preset(String),
    /// Not an entry of this account.
    #[error("{0} does not exist")]
    Unknown(String),
}

impl Library {
    /// Records a custom voice made by `task_id`.
    pub fn add_voice(&mut self, account: AccountId, voice_id: String, task_id: u64) {
        self.voices.insert((account, voice_id), Entry { task_id, deleted: false });
    }

    /// Records a custom element made by `task_id`.
    pub fn add_element(&mut self, account: AccountId, element_id: u64, task_id: u64) {
        self.elements.insert((account, element_id), Entry { task_id, deleted: false });
    }

    /// Records an audio of `ms` produced for `account`.
    pub fn add_audio(&mut self, account: AccountId, audio_id: String, ms: u64) {
        self.audios.insert((account, audio_id), ms);
    }

    /// Marks a custom voice deleted. Deleting it again succeeds: the voice is gone
    /// either way (FIDELITY.md).
    pub fn delete_voice(&mut self, account: AccountId, voice_id: &str) -> Result<u64, DeleteError> {
        if kling_api::references::is_preset_voice(voice_id) {
            return Err(DeleteError::Preset(format!("voice {voice_id}")));
        }
        let entry = self
            .voices
            .get_mut(&(account, voice_id.to_owned()))
            .ok_or_else(|| DeleteError::Unknown(format!("voice {voice_id}")))?;
        entry.deleted = true;
        Ok(entry.task_id)
    }

    /// Marks a custom element deleted; idempotent like [`Library::delete_voice`].
    pub fn delete_element(&mut self, account: AccountId, element_id: u64) -> Result<u64, DeleteError> {
        if kling_api::references::is_preset_element(element_id) {
            return Err(DeleteError::Preset(format!("element {element_id}")));
        }
        let entry = self
            .elements
            .get_mut(&(account, element_id))
            .ok_or_else(|| DeleteError::Unknown(format!("element {element_id}")))?;
        entry.deleted = true;
        Ok(entry.task_id)
    }

    /// Puts back a voice read from the state file.
    pub fn restore_voice(&mut self, account: AccountId, voice_id: String, entry: Entry) {
        self.voices.insert((account, voice_id), entry);
    }

    /// Puts back an element read from the state file.
    pub fn restore_element(&mut self, account: AccountId, element_id: u64, entry: Entry) {
        self.elements.insert((account, element_id), entry);
    }

    /// Every custom voice, deleted ones included, for the state file.
    pub fn voices(&self) -> impl Iterator<Item = (AccountId, &str, &Entry)> {
        self.voices.iter().map(|((account, id), entry)| (*account, id.as_str(), entry))
    }

    /// Every custom element, deleted ones included, for the state file.
    pub fn elements(&self) -> impl Iterator<Item = (AccountId, u64, &Entry)> {
        self.elements.iter().map(|((account, id), entry)| (*account, *id, entry))
    }

    /// Every audio with its length (ms), for the state file.
    pub fn audios(&self) -> impl Iterator<Item = (AccountId, &str, u64)> {
        self.audios.iter().map(|((account, id), ms)| (*account, id.as_str(), *ms))
    }

    /// Forgets everything (admin reset).
    pub fn clear(&mut self) {
        *self = Library::default();
    }
}

/// What one account may refer to: presets plus its live library entries.
pub struct KnownFor<'a> {
    library: RwLockReadGuard<'a, Library>,
    account: AccountId,
}

impl<'a> KnownFor<'a> {
    /// A view of `library` for `account`, held for one validation.
    pub fn new(library: &'a RwLock<Library>, account: AccountId) -> KnownFor<'a> {
        KnownFor { library: library.read(), account }
    }
}

impl Known for KnownFor<'_> {
    fn voice(&self, voice_id: &str) -> bool {
        Presets.voice(voice_id)
            || self.library.voices.get(&(self.account, voice_id.to_owned())).is_some_and(|e| !e.deleted)
    }

    fn element(&self, element_id: u64) -> bool {
        Presets.element(element_id)
            || self.library.elements.get(&(self.account, element_id)).is_some_and(|e| !e.deleted)
    }

    fn audio_ms(&self, audio_id: &str) -> Option<u64> {
        self.library.audios.get(&(self.account, audio_id.to_owned())).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_belong_to_their_account_and_leave_on_deletion() {
        let library = RwLock::new(Library::default());
        let (mine, theirs) = (AccountId(1), AccountId(2));
        library.write().add_voice(mine, "v1".into(), 10);
        library.write().add_element(mine, 77, 11);
        library.write().add_audio(mine, "a1".into(), 3_000);
        {
            let known = KnownFor::new(&library, mine);
            assert!(known.voice("v1") && known.element(77) && known.audio_ms("a1") == Some(3_000));
            assert!(known.voice("ai_shatang") && known.element(1), "presets exist for everyone");
            let other = KnownFor::new(&library, theirs);
            assert!(!other.voice("v1") && !other.element(77) && other.audio_ms("a1").is_none());
        }
        assert_eq!(library.write().delete_voice(theirs, "v1"), Err(DeleteError::Unknown("voice v1".into())));
        assert_eq!(library.write().delete_voice(mine, "v1"), Ok(10));
        assert_eq!(library.write().delete_voice(mine, "v1"), Ok(10), "deleting twice succeeds");
        assert!(matches!(library.write().delete_element(mine, 1), Err(DeleteError::Preset(_))));
        assert!(!KnownFor::new(&library, mine).voice("v1"));
    }
}
