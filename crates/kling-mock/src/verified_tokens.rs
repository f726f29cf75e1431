//! Tokens whose signature has already been verified. A client signs one token and sends
//! it for its whole life (30 minutes for the official SDKs), so under load the same few
//! tokens arrive thousands of times a second; remembering that a token's HS256 signature
//! is good saves the HMAC and the JSON decoding of its header and claims on every later
//! request. Only what cannot change is remembered: the account the signature verified
//! against and the token's `exp` and `nbf`. The times are checked against the clock and
//! the leeway on every use, so a remembered token expires exactly when an unremembered one
//! would.

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::RwLock;

use crate::auth::Account;

/// How many tokens are remembered; when full, the memory starts over (a client that
/// cycles through more tokens than this only loses the shortcut, never a check).
pub const CAPACITY: usize = 4096;

/// What a verified token says, once its signature is known to be good.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The account whose secret verified the signature.
    pub account: Arc<Account>,
    /// `exp`, in Unix seconds.
    pub exp: i64,
    /// `nbf`, in Unix seconds, when the token has one.
    pub nbf: Option<i64>,
}

/// A bounded memory of verified tokens, keyed by the token itself.
#[derive(Debug, Default)]
pub struct VerifiedTokens {
    tokens: RwLock<HashMap<Box<str>, Verified>>,
}

impl VerifiedTokens {
    /// What `token` was verified as, if it was.
    pub fn get(&self, token: &str) -> Option<Verified> {
        self.tokens.read().get(token).cloned()
    }

    /// Remembers a token whose signature verified.
    pub fn remember(&self, token: &str, verified: Verified) {
        let mut tokens = self.tokens.write();
        if tokens.len() >= CAPACITY && !tokens.contains_key(token) {
            tokens.clear();
        }
        tokens.insert(token.into(), verified);
    }

    /// How many tokens are remembered.
    pub fn len(&self) -> usize {
        self.tokens.read().len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
