//! Webhook Secrets per account (official callback page): created, rotated (standard: the
//! old secret keeps signing for 7 days of simulated time; emergency: it stops at once),
//! the previous one or all deleted. Secrets from `--webhook-secret` belong to every
//! account until the admin API changes an account's own list.
//!
//! Secrets never leave this module but as signatures and fingerprints.

use std::collections::HashMap;

use kling_api::webhook::{ROTATION_GRACE_MS, Secret};
use serde::Serialize;

use crate::auth::AccountId;

/// One secret of an account.
#[derive(Debug, Clone)]
struct Entry {
    secret: Secret,
    fingerprint: String,
    created_at: i64,
    /// When a standard rotation ends its grace (`None`: current).
    expires_at: Option<i64>,
}

/// A secret as the admin API lists it: never the secret itself.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SecretView {
    /// First 12 hex digits of the secret's SHA-256.
    pub fingerprint: String,
    /// Simulated Unix ms it was added.
    pub created_at: i64,
    /// Simulated Unix ms its grace ends, for a rotated-out secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
}

/// Why a secret operation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// Create on an account that has one: rotate instead.
    #[error("the account has a webhook secret already; rotate it instead")]
    Exists,
    /// Rotate or delete-previous with nothing to act on.
    #[error("the account has no webhook secret")]
    None,
    /// The same secret twice.
    #[error("that webhook secret is already in use")]
    Duplicate,
}

/// Every account's secrets.
#[derive(Debug, Default)]
pub struct WebhookSecrets {
    configured: Vec<(Secret, String)>,
    accounts: HashMap<AccountId, Vec<Entry>>,
}

impl WebhookSecrets {
    /// Secrets every account starts with (`--webhook-secret`).
    pub fn new(configured: Vec<Secret>) -> WebhookSecrets {
        let configured = configured
            .into_iter()
            .map(|s| {
                let f = s.fingerprint();
                (s, f)
            })
            .collect();
        WebhookSecrets { configured, accounts: HashMap::new() }
    }

    /// Back to the configured secrets (`POST /__admin/reset`).
    pub fn reset(&mut self) {
        self.accounts.clear();
    }

    fn entries(&mut self, account: AccountId, now: i64) -> &mut Vec<Entry> {
        let configured = &self.configured;
        let entries = self.accounts.entry(account).or_insert_with(|| {
            configured
                .iter()
                .map(|(secret, fingerprint)| Entry {
                    secret: secret.clone(),
                    fingerprint: fingerprint.clone(),
                    created_at: 0,
                    expires_at: None,
                })
                .collect()
        });
        entries.retain(|e| e.expires_at.is_none_or(|at| at > now));
        entries
    }

    /// The secrets that sign `account`'s callbacks at `now`, newest first.
    pub fn signing(&self, account: AccountId, now: i64) -> Vec<Secret> {
        match self.accounts.get(&account) {
            Some(entries) => entries
                .iter()
                .rev()
                .filter(|e| e.expires_at.is_none_or(|at| at > now))
                .map(|e| e.secret.clone())
                .collect(),
            None => self.configured.iter().rev().map(|(s, _)| s.clone()).collect(),
        }
    }

    /// `account`'s secrets, oldest first.
    pub fn list(&mut self, account: AccountId, now: i64) -> Vec<SecretView> {
        self.entries(account, now)
            .iter()
            .map(|e| SecretView {
                fingerprint: e.fingerprint.clone(),
                created_at: e.created_at,
                expires_at: e.expires_at,
            })
            .collect()
    }

    fn push(&mut self, account: AccountId, secret: Secret, now: i64) -> Result<(), SecretError> {
        let fingerprint = secret.fingerprint();
        let entries = self.entries(account, now);
        if entries.iter().any(|e| e.secret == secret) {
            return Err(SecretError::Duplicate);
        }
        entries.push(Entry { secret, fingerprint, created_at: now, expires_at: None });
        Ok(())
    }

    /// Creates the account's first secret.
    pub fn create(&mut self, account: AccountId, secret: Secret, now: i64) -> Result<(), SecretError> {
        if !self.entries(account, now).is_empty() {
            return Err(SecretError::Exists);
        }
        self.push(account, secret, now)
    }

    /// Replaces the current secret by `secret`: a standard rotation keeps the old ones
    /// signing for the grace period, an emergency rotation drops them at once.
    pub fn rotate(&mut self, account: AccountId, secret: Secret, emergency: bool, now: i64) -> Result<(), SecretError> {
        let entries = self.entries(account, now);
        if entries.is_empty() {
            return Err(SecretError::None);
        }
        if entries.iter().any(|e| e.secret == secret) {
            return Err(SecretError::Duplicate);
        }
        if emergency {
            entries.clear();
        } else {
            let ends = now.saturating_add(ROTATION_GRACE_MS);
            for entry in entries.iter_mut() {
                entry.expires_at = Some(entry.expires_at.map_or(ends, |at| at.min(ends)));
            }
        }
        self.push(account, secret, now)
    }

    /// Deletes the rotated-out secrets; the current one stays.
    pub fn delete_previous(&mut self, account: AccountId, now: i64) -> Result<(), SecretError> {
        let entries = self.entries(account, now);
        if entries.is_empty() {
            return Err(SecretError::None);
        }
        entries.retain(|e| e.expires_at.is_none());
        Ok(())
    }

    /// Deletes every secret: callbacks go unsigned.
    pub fn delete_all(&mut self, account: AccountId, now: i64) {
        self.entries(account, now).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(n: u8) -> Secret {
        use base64::Engine as _;
        let text = format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode([n; 24]));
        text.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_standard_rotation_signs_with_both_until_the_grace_ends() {
        let mut secrets = WebhookSecrets::new(vec![secret(1)]);
        let account = AccountId(0);
        assert_eq!(secrets.signing(account, 0), vec![secret(1)]);
        assert_eq!(secrets.create(account, secret(2), 0), Err(SecretError::Exists));
        assert_eq!(secrets.rotate(account, secret(2), false, 1000), Ok(()));
        assert_eq!(secrets.signing(account, 1000), vec![secret(2), secret(1)]);
        assert_eq!(secrets.signing(account, 1000 + ROTATION_GRACE_MS), vec![secret(2)]);
        assert_eq!(secrets.rotate(account, secret(3), true, 2000), Ok(()));
        assert_eq!(secrets.signing(account, 2000), vec![secret(3)], "an emergency rotation drops the old at once");
        secrets.delete_all(account, 2000);
        assert!(secrets.signing(account, 2000).is_empty());
        secrets.reset();
        assert_eq!(secrets.signing(account, 0), vec![secret(1)]);
    }
}
