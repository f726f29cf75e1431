//! Token signing (REFERENCE.md §a.1): HS256, `iss` = access key, `nbf` a little in the
//! past to absorb clock skew, `exp` after the configured lifetime. One token is reused
//! until it comes within `renew_before` of expiry: never a token per request, never an
//! expired one.

use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use kling_api::wire::Claims;
use parking_lot::Mutex;

use crate::clock::Clock;
use crate::error::Error;

#[derive(Debug, Clone)]
struct Cached {
    token: String,
    exp: i64,
}

/// Signs and caches tokens.
pub struct TokenSigner {
    access_key: String,
    key: EncodingKey,
    ttl_s: i64,
    renew_before_s: i64,
    skew_s: i64,
    clock: Arc<dyn Clock>,
    cached: Mutex<Option<Cached>>,
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSigner").field("access_key", &self.access_key).finish_non_exhaustive()
    }
}

fn seconds(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

impl TokenSigner {
    /// A signer for these keys.
    pub fn new(
        access_key: &str,
        secret_key: &str,
        ttl: Duration,
        renew_before: Duration,
        skew: Duration,
        clock: Arc<dyn Clock>,
    ) -> TokenSigner {
        TokenSigner {
            access_key: access_key.to_owned(),
            key: EncodingKey::from_secret(secret_key.as_bytes()),
            ttl_s: seconds(ttl).max(1),
            renew_before_s: seconds(renew_before),
            skew_s: seconds(skew),
            clock,
            cached: Mutex::new(None),
        }
    }

    /// A valid token: the cached one, or a fresh one when it is close to expiry.
    pub fn token(&self) -> Result<String, Error> {
        let now = self.clock.now_unix_s();
        let mut cached = self.cached.lock();
        if let Some(c) = cached.as_ref()
            && now < c.exp.saturating_sub(self.renew_before_s)
        {
            return Ok(c.token.clone());
        }
        let exp = now.saturating_add(self.ttl_s);
        let claims = Claims { iss: self.access_key.clone(), exp, nbf: now.saturating_sub(self.skew_s), iat: None };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.key)
            .map_err(|e| Error::Config(format!("cannot sign a token: {e}")))?;
        *cached = Some(Cached { token: token.clone(), exp });
        Ok(token)
    }

    /// Forgets the cached token (after the server refused it).
    pub fn invalidate(&self) {
        *self.cached.lock() = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    #[test]
    fn one_token_is_reused_until_close_to_expiry() {
        let clock = Arc::new(ManualClock::new(1_000_000));
        let signer = TokenSigner::new(
            "ak",
            "sk",
            Duration::from_secs(1800),
            Duration::from_secs(300),
            Duration::from_secs(5),
            clock.clone(),
        );
        let first = signer.token().unwrap_or_default();
        clock.advance(1400);
        assert_eq!(signer.token().unwrap_or_default(), first);
        clock.advance(101);
        assert_ne!(signer.token().unwrap_or_default(), first, "renewed 5 minutes before expiry");
    }
}
