//! Client configuration: from code, or from the environment variables every Kling tool
//! uses (`KLING_API_KEY`, or `KLING_AI_ACCESS_KEY` and `KLING_AI_SECRET_KEY`; and
//! `KLING_BASE_URL`).

use std::time::Duration;

use kling_api::Dialect;

use crate::error::Error;
use crate::retry::RetryPolicy;

/// The official international endpoint (REFERENCE.md, header).
pub const DEFAULT_BASE_URL: &str = "https://api-singapore.klingai.com";

/// Everything a [`crate::Client`] needs.
#[derive(Clone)]
pub struct Config {
    /// API root, without a trailing slash.
    pub base_url: String,
    /// Access key (the token's `iss`).
    pub access_key: String,
    /// Secret key (signs tokens). Never printed.
    pub secret_key: String,
    /// An API key (since 2026-06-17): sent as it is instead of a signed token, on every
    /// surface. The new-standard API and `/tasks` take nothing else. Never printed.
    pub api_key: Option<String>,
    /// Timeout of one HTTP request.
    pub request_timeout: Duration,
    /// Timeout of establishing a connection.
    pub connect_timeout: Duration,
    /// `User-Agent` header.
    pub user_agent: String,
    /// Lifetime of each token (the official sample uses 30 minutes).
    pub token_ttl: Duration,
    /// Renew a token this long before it expires.
    pub token_renew_before: Duration,
    /// How far the server's clock may lag ours: tokens are valid from `now - skew`.
    pub clock_skew: Duration,
    /// Which error vocabulary the server speaks (for classification).
    pub dialect: Dialect,
    /// Retries of retryable failures.
    pub retry: RetryPolicy,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("base_url", &self.base_url)
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("request_timeout", &self.request_timeout)
            .field("dialect", &self.dialect)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// A configuration for `base_url` with these keys and the defaults.
    pub fn new(base_url: impl Into<String>, access_key: impl Into<String>, secret_key: impl Into<String>) -> Config {
        Config {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            access_key: access_key.into(),
            secret_key: secret_key.into(),
            api_key: None,
            request_timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            user_agent: concat!("kling-client/", env!("CARGO_PKG_VERSION")).to_owned(),
            token_ttl: Duration::from_secs(1800),
            token_renew_before: Duration::from_secs(300),
            clock_skew: Duration::from_secs(5),
            dialect: Dialect::Official,
            retry: RetryPolicy::default(),
        }
    }

    /// A configuration for `base_url` that authenticates with an API key.
    pub fn with_api_key(base_url: impl Into<String>, api_key: impl Into<String>) -> Config {
        Config { api_key: Some(api_key.into()), ..Config::new(base_url, "", "") }
    }

    /// Reads `KLING_API_KEY`, or else `KLING_AI_ACCESS_KEY` and `KLING_AI_SECRET_KEY`;
    /// and, optionally, `KLING_BASE_URL`. With an API key, access and secret keys that are
    /// set as well are kept (an API key is sent whenever there is one).
    pub fn from_env() -> Result<Config, Error> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        if let Some(api_key) = var("KLING_API_KEY") {
            let base = var("KLING_BASE_URL").unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
            let mut config = Config::with_api_key(base, api_key);
            config.access_key = var("KLING_AI_ACCESS_KEY").unwrap_or_default();
            config.secret_key = var("KLING_AI_SECRET_KEY").unwrap_or_default();
            return Ok(config);
        }
        let access = var("KLING_AI_ACCESS_KEY")
            .ok_or_else(|| Error::Config("neither KLING_API_KEY nor KLING_AI_ACCESS_KEY is set".into()))?;
        let secret =
            var("KLING_AI_SECRET_KEY").ok_or_else(|| Error::Config("KLING_AI_SECRET_KEY is not set".into()))?;
        let base = var("KLING_BASE_URL").unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
        Ok(Config::new(base, access, secret))
    }

    /// The same configuration for another dialect.
    pub fn with_dialect(mut self, dialect: Dialect) -> Config {
        self.dialect = dialect;
        self
    }

    /// The same configuration with another retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Config {
        self.retry = retry;
        self
    }
}
