//! Emulator configuration as a value: `main` builds it from flags, environment and an
//! optional file; tests build it in code. [`Config::default`] is what `kling-mock` with no
//! arguments runs.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::time::Duration;

use kling_api::Dialect;
use kling_api::rules::ValidationOptions;

use crate::accounts::LimitsConfig;
pub use crate::auth::ApiKey;
use crate::latency::LatencyProfile;
use crate::scenario::Scenario;
use crate::tls::TlsConfig;

/// Access key of the built-in development account.
pub const DEV_ACCESS_KEY: &str = "kling-mock-dev-access-key";
/// Secret key of the built-in development account.
pub const DEV_SECRET_KEY: &str = "kling-mock-dev-secret-key";
/// API key of the built-in development account (a development key, public like its
/// secret key).
pub const DEV_API_KEY: &str = "kling-mock-dev-api-key";
/// Port used when none is given.
pub const DEFAULT_PORT: u16 = 8088;

/// An access key and its secret. `Debug` never prints the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct AccountKeys {
    /// The access key (`iss` of its tokens).
    pub access_key: String,
    /// The HMAC secret.
    pub secret_key: String,
}

impl AccountKeys {
    /// A pair of keys.
    pub fn new(access_key: impl Into<String>, secret_key: impl Into<String>) -> AccountKeys {
        AccountKeys { access_key: access_key.into(), secret_key: secret_key.into() }
    }

    /// The built-in development account.
    pub fn dev() -> AccountKeys {
        AccountKeys::new(DEV_ACCESS_KEY, DEV_SECRET_KEY)
    }
}

impl std::fmt::Debug for AccountKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountKeys").field("access_key", &self.access_key).field("secret_key", &"<redacted>").finish()
    }
}

impl std::str::FromStr for AccountKeys {
    type Err = String;

    /// Parses `ACCESS_KEY:SECRET_KEY`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once(':') {
            Some((ak, sk)) if !ak.is_empty() && !sk.is_empty() => Ok(AccountKeys::new(ak, sk)),
            _ => Err("expected ACCESS_KEY:SECRET_KEY with both parts non-empty".to_owned()),
        }
    }
}

/// Which clock drives simulated time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ClockConfig {
    /// Real time sped up by `scale`.
    System {
        /// Simulated seconds per real second.
        scale: f64,
        /// Unix milliseconds at start; the real time when `None`.
        start_ms: Option<i64>,
    },
    /// Time moves only when advanced (tests, the admin API).
    Manual {
        /// Unix milliseconds at start.
        start_ms: i64,
    },
}

/// Which clock token `exp`/`nbf` are checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthClock {
    /// The machine's real time: clients sign tokens with their wall clock, so this keeps
    /// their tokens valid when simulated time runs faster.
    #[default]
    Wall,
    /// The emulator's simulated clock, to test token expiry by advancing time.
    Simulated,
}

/// Everything that shapes a running emulator.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to bind.
    pub host: IpAddr,
    /// Port to bind; 0 picks a free one.
    pub port: u16,
    /// Accounts whose tokens are accepted.
    pub accounts: Vec<AccountKeys>,
    /// API keys: of their own accounts, or bound to one of `accounts`.
    pub api_keys: Vec<ApiKey>,
    /// Simulated time source.
    pub clock: ClockConfig,
    /// Seed for every random decision (ids, latencies).
    pub seed: u64,
    /// How long tasks take.
    pub latency: LatencyProfile,
    /// Largest accepted request body in bytes.
    pub body_limit: usize,
    /// Tolerance on `exp` and `nbf`, in seconds.
    pub jwt_leeway_s: i64,
    /// Clock used for token times.
    pub auth_clock: AuthClock,
    /// Type coercion and model-support strictness.
    pub validation: ValidationOptions,
    /// Base URL put in result links when no request tells the host (callbacks);
    /// defaults to `http://<bound address>`.
    pub public_url: Option<String>,
    /// Whether `/tasks` shows tasks created on the legacy surface too (FIDELITY.md).
    pub tasks_include_legacy: bool,
    /// How Solutions answers spell a try-on task's id and success (FIDELITY.md).
    pub solution_spelling: kling_api::solutions::Spelling,
    /// The day whose API is served (`--api-version`): which endpoints and routes exist.
    pub api_day: kling_api::history::Day,
    /// Most tasks kept; beyond it the oldest finished tasks are evicted.
    pub task_capacity: usize,
    /// How long one callback POST may take.
    pub callback_timeout: Duration,
    /// Error vocabulary and extra paths.
    pub dialect: Dialect,
    /// Scenarios active from the start, in order.
    pub scenarios: Vec<Scenario>,
    /// Account limits (units and concurrency per pack type).
    pub limits: LimitsConfig,
    /// The admin API.
    pub admin: AdminConfig,
    /// Most exchanges the request journal keeps (0 turns it off).
    pub journal_size: usize,
    /// Time a client has to send a request's headers (and a TLS handshake, and each body
    /// chunk); a keep-alive connection idle this long is closed.
    pub header_timeout: Duration,
    /// Connections served at once; further clients wait in the listen backlog.
    pub max_connections: usize,
    /// Serve HTTPS instead of HTTP.
    pub tls: Option<TlsConfig>,
    /// Where tasks, accounts and the clock are saved and restored from (`persist.rs`).
    pub state_file: Option<PathBuf>,
    /// Real time between saves of the state file; zero saves only at shutdown.
    pub state_save_interval: Duration,
    /// Webhook Secrets that sign every account's callbacks (`--webhook-secret`).
    pub webhook_secrets: Vec<kling_api::webhook::Secret>,
}

/// Whether and how the admin API is served.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct AdminConfig {
    /// Serve `/__admin` at all.
    pub disabled: bool,
    /// When set, admin requests must carry `Authorization: Bearer <token>`.
    pub token: Option<String>,
}

impl std::fmt::Debug for AdminConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminConfig")
            .field("disabled", &self.disabled)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            accounts: vec![AccountKeys::dev()],
            api_keys: vec![ApiKey::bound(DEV_API_KEY, DEV_ACCESS_KEY)],
            clock: ClockConfig::System { scale: 1.0, start_ms: None },
            seed: 0,
            latency: LatencyProfile::Realistic,
            body_limit: 32 * 1024 * 1024,
            jwt_leeway_s: 5,
            auth_clock: AuthClock::Wall,
            validation: ValidationOptions::default(),
            public_url: None,
            tasks_include_legacy: true,
            solution_spelling: kling_api::solutions::Spelling::Uniform,
            api_day: kling_api::history::Day::latest(),
            task_capacity: 100_000,
            callback_timeout: Duration::from_secs(10),
            dialect: Dialect::Official,
            scenarios: Vec::new(),
            limits: LimitsConfig::default(),
            admin: AdminConfig::default(),
            journal_size: 1000,
            header_timeout: Duration::from_secs(15),
            max_connections: 1024,
            tls: None,
            state_file: None,
            state_save_interval: Duration::from_secs(30),
            webhook_secrets: Vec::new(),
        }
    }
}

impl Config {
    /// A configuration for tests: a free port, the dev account, a manual clock starting
    /// at the current real time, and fixed seed 42.
    pub fn for_tests() -> Config {
        Config {
            port: 0,
            clock: ClockConfig::Manual { start_ms: crate::clock::wall_ms() },
            seed: 42,
            ..Config::default()
        }
    }
}
