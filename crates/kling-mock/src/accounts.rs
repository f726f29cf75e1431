//! Account simulation: resource packs with remaining units and a concurrency limit per
//! pack type (REFERENCE.md §f).
//!
//! A task reserves its cost and its slots when it is accepted; it gives its slots back
//! when it ends and its units back when it fails (failed tasks are not charged). Both
//! limits are optional: by default an account has unlimited units and concurrency.

use std::collections::HashMap;

use kling_api::ErrorKind;
use kling_api::endpoints::PackType;
use kling_api::pricing::Units;
use serde::{Deserialize, Serialize};

/// Limits of one pack type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackLimits {
    /// Units in the pack; `None` is unlimited.
    pub units: Option<Units>,
    /// Most running tasks (slots); `None` is unlimited.
    pub concurrency: Option<u32>,
}

/// Limits of every pack type of an account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Video generation pack.
    #[serde(default)]
    pub video: PackLimits,
    /// Image generation pack.
    #[serde(default)]
    pub image: PackLimits,
    /// Virtual try-on pack.
    #[serde(default)]
    pub virtual_try_on: PackLimits,
}

impl Limits {
    /// The limits of `pack`.
    pub fn of(&self, pack: PackType) -> PackLimits {
        match pack {
            PackType::Video => self.video,
            PackType::Image => self.image,
            PackType::VirtualTryOn => self.virtual_try_on,
        }
    }

    /// Sets the limits of `pack`.
    pub fn set(&mut self, pack: PackType, limits: PackLimits) {
        match pack {
            PackType::Video => self.video = limits,
            PackType::Image => self.image = limits,
            PackType::VirtualTryOn => self.virtual_try_on = limits,
        }
    }
}

/// The live state of one pack type of one account.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PackState {
    /// Pack type.
    pub pack_type: PackType,
    /// Units at the start; `None` is unlimited.
    pub total: Option<Units>,
    /// Units left; `None` is unlimited.
    pub remaining: Option<Units>,
    /// Units charged so far.
    pub used: Units,
    /// Slot limit; `None` is unlimited.
    pub concurrency: Option<u32>,
    /// Slots taken by running tasks.
    pub running: u32,
}

impl PackState {
    fn new(pack_type: PackType, limits: PackLimits) -> PackState {
        PackState {
            pack_type,
            total: limits.units,
            remaining: limits.units,
            used: Units::ZERO,
            concurrency: limits.concurrency,
            running: 0,
        }
    }

    /// `remaining` is always `total - used`, so changing limits or refunding can never
    /// leave more units than the pack holds.
    fn recount(&mut self) {
        self.remaining = self.total.map(|total| total.saturating_sub(self.used));
    }
}

/// An account's packs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountState {
    /// One entry per pack type.
    pub packs: Vec<PackState>,
}

const PACK_TYPES: [PackType; 3] = [PackType::Video, PackType::Image, PackType::VirtualTryOn];

impl AccountState {
    /// Fresh packs with `limits`.
    pub fn new(limits: &Limits) -> AccountState {
        AccountState { packs: PACK_TYPES.iter().map(|t| PackState::new(*t, limits.of(*t))).collect() }
    }

    fn pack_mut(&mut self, pack: PackType) -> Option<&mut PackState> {
        self.packs.iter_mut().find(|p| p.pack_type == pack)
    }

    /// The pack of `pack` type.
    pub fn pack(&self, pack: PackType) -> Option<&PackState> {
        self.packs.iter().find(|p| p.pack_type == pack)
    }

    /// Reserves `cost` units and `slots` slots, or says which limit forbids it: the
    /// balance is checked before concurrency.
    pub fn reserve(&mut self, pack: PackType, cost: Units, slots: u32) -> Result<(), ErrorKind> {
        let Some(state) = self.pack_mut(pack) else { return Ok(()) };
        if state.remaining.is_some_and(|left| left < cost) {
            return Err(ErrorKind::InsufficientBalance);
        }
        if state.concurrency.is_some_and(|limit| state.running.saturating_add(slots) > limit) {
            return Err(ErrorKind::ConcurrencyLimit);
        }
        state.used = state.used.saturating_add(cost);
        state.running = state.running.saturating_add(slots);
        state.recount();
        Ok(())
    }

    /// Gives back the slots of an ended task, and its units when it failed.
    pub fn finish(&mut self, pack: PackType, cost: Units, slots: u32, succeeded: bool) {
        let Some(state) = self.pack_mut(pack) else { return };
        state.running = state.running.saturating_sub(slots);
        if !succeeded {
            state.used = state.used.saturating_sub(cost);
        }
        state.recount();
    }

    /// Replaces the limits of `pack`. What running tasks hold and what was already
    /// charged stay: the remaining units are the new total minus the units used.
    pub fn set_limits(&mut self, pack: PackType, limits: PackLimits) {
        if let Some(state) = self.pack_mut(pack) {
            state.total = limits.units;
            state.concurrency = limits.concurrency;
            state.recount();
        }
    }
}

/// Limits per account: a default for every account and overrides by access key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    /// Applies to every account without an override.
    #[serde(default)]
    pub default: Limits,
    /// Overrides by access key.
    #[serde(default)]
    pub accounts: HashMap<String, Limits>,
}

impl LimitsConfig {
    /// The limits of the account with `access_key`.
    pub fn for_account(&self, access_key: &str) -> Limits {
        self.accounts.get(access_key).copied().unwrap_or(self.default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balance_and_concurrency_are_reserved_and_released() {
        let limits =
            Limits { video: PackLimits { units: Some(Units::whole(300)), concurrency: Some(1) }, ..Limits::default() };
        let mut account = AccountState::new(&limits);
        assert_eq!(account.reserve(PackType::Video, Units::whole(150), 1), Ok(()));
        assert_eq!(account.reserve(PackType::Video, Units::whole(150), 1), Err(ErrorKind::ConcurrencyLimit));
        account.finish(PackType::Video, Units::whole(150), 1, false);
        assert_eq!(
            account.pack(PackType::Video).and_then(|p| p.remaining),
            Some(Units::whole(300)),
            "failed tasks are refunded"
        );
        assert_eq!(account.reserve(PackType::Video, Units::whole(200), 1), Ok(()));
        account.finish(PackType::Video, Units::whole(200), 1, true);
        assert_eq!(account.reserve(PackType::Video, Units::whole(150), 1), Err(ErrorKind::InsufficientBalance));
        assert_eq!(account.reserve(PackType::Image, Units::whole(10_000), 9), Ok(()), "other packs are unlimited");
    }

    #[test]
    fn changing_limits_keeps_what_was_used_and_refunds_never_overflow() {
        let limits =
            Limits { video: PackLimits { units: Some(Units::whole(1000)), concurrency: None }, ..Limits::default() };
        let mut account = AccountState::new(&limits);
        assert_eq!(account.reserve(PackType::Video, Units::whole(150), 1), Ok(()));
        account.set_limits(PackType::Video, PackLimits { units: Some(Units::whole(300)), concurrency: Some(2) });
        assert_eq!(account.pack(PackType::Video).and_then(|p| p.remaining), Some(Units::whole(150)));
        account.finish(PackType::Video, Units::whole(150), 1, false);
        assert_eq!(account.pack(PackType::Video).and_then(|p| p.remaining), Some(Units::whole(300)));
        assert_eq!(account.pack(PackType::Video).map(|p| p.running), Some(0));
    }
}
