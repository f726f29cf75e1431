//! The `kling-mock` command: serve the emulator, or print a token, the OpenAPI document or
//! shell completions.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use std::io::Write as _;

use anyhow::Context as _;
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use kling_api::Dialect;
use kling_api::endpoints::PackType;
use kling_api::history;
use kling_api::rules::{Coercion, ValidationOptions};
use kling_mock::accounts::LimitsConfig;
use kling_mock::config::{AccountKeys, AdminConfig, ApiKey, AuthClock, ClockConfig, DEFAULT_PORT, DEV_API_KEY};
use kling_mock::latency::LatencyProfile;
use kling_mock::persist::RestoreSummary;
use kling_mock::scenario;
use kling_mock::tls::TlsConfig;
use kling_mock::{App, Config};

/// A faithful local emulator of the Kling AI video and image generation HTTP API.
///
/// Every option can also be set through the environment variable shown, or in a TOML
/// file given with --config (keys are the option names with '_' for '-').
/// Precedence: command line, then environment, then file, then defaults.
#[derive(Debug, Parser)]
#[command(version, about, long_about, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check scenario files without starting the server.
    CheckScenario {
        /// Scenario files (TOML).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print a valid token (JWT) for an account, e.g. for curl.
    Token {
        /// ACCESS_KEY:SECRET_KEY to sign for [default: the built-in development account]
        #[arg(long, env = "KLING_MOCK_ACCOUNT")]
        account: Option<AccountKeys>,
        /// Lifetime in seconds.
        #[arg(long, default_value_t = 1800)]
        ttl: i64,
    },
    /// Write the OpenAPI 3.1 document of the emulated API (also served at /__admin/openapi.json).
    Openapi {
        /// File to write [default: standard output].
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Base URL given as the document's server.
        #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8088")]
        server: String,
        /// The API of this day (YYYY-MM-DD) [default: today's].
        #[arg(long, env = "KLING_MOCK_API_VERSION", value_name = "YYYY-MM-DD")]
        api_version: Option<String>,
    },
    /// The API's dated changes (what the emulator serves for each day of `--api-version`).
    Changes {
        /// Only changes from this day on (what an integration written then must adapt to).
        #[arg(long, value_name = "YYYY-MM-DD")]
        since: Option<String>,
        /// Only changes up to this day.
        #[arg(long, value_name = "YYYY-MM-DD")]
        until: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ChangesFormat::Text)]
        format: ChangesFormat,
    },
    /// Print a shell completion script, e.g. `kling-mock completions bash > ~/.local/share/bash-completion/completions/kling-mock`.
    Completions {
        /// Shell to complete for.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
struct ServeArgs {
    /// TOML file with any of these options.
    #[arg(long, env = "KLING_MOCK_CONFIG", value_name = "FILE")]
    #[serde(skip)]
    config: Option<PathBuf>,
    /// Address to bind [default: 127.0.0.1].
    #[arg(long, env = "KLING_MOCK_HOST")]
    host: Option<IpAddr>,
    /// Port to bind; 0 picks a free port and prints it [default: 8088].
    #[arg(long, env = "KLING_MOCK_PORT")]
    port: Option<u16>,
    /// An account as ACCESS_KEY:SECRET_KEY; repeat for more. Replaces the development account.
    #[arg(long = "account", env = "KLING_MOCK_ACCOUNTS", value_delimiter = ',', value_name = "AK:SK")]
    #[serde(default, rename = "accounts", deserialize_with = "accounts_from_strings")]
    accounts: Vec<AccountKeys>,
    /// An API key (the new-standard API takes only these): KEY for an account of its own,
    /// KEY=ACCESS_KEY to share that AK/SK account's tasks, packs and limits; repeatable.
    /// The development account always has the development API key.
    #[arg(
        long = "api-key",
        env = "KLING_MOCK_API_KEYS",
        value_delimiter = ',',
        value_name = "KEY[=AK]",
        hide_env_values = true
    )]
    #[serde(default, rename = "api_keys", deserialize_with = "api_keys_from_strings")]
    api_keys: Vec<ApiKey>,
    /// Serve the API as it stood on this day (YYYY-MM-DD) [default: today's API, the
    /// newest entry of `kling-mock changes`].
    #[arg(long, env = "KLING_MOCK_API_VERSION", value_name = "YYYY-MM-DD")]
    api_version: Option<String>,
    /// `/tasks` shows only tasks created on the new-standard paths, not those of `/v1`
    /// (the docs are silent; by default both are shown, see FIDELITY.md).
    #[arg(long, env = "KLING_MOCK_TASKS_NEW_STANDARD_ONLY")]
    #[serde(default)]
    tasks_new_standard_only: bool,
    /// Try-On 3.0 tasks (`/solutions/virtual_try_on`) answer as the try-on page shows
    /// them: `task_id` in the create answer and status `succeed` (by default `id` and
    /// `succeeded`, as every other Solutions page; see FIDELITY.md).
    #[arg(long, env = "KLING_MOCK_TRY_ON_PAGE_SPELLING")]
    #[serde(default)]
    try_on_page_spelling: bool,
    /// Simulated time runs this many times faster than real time [default: 1].
    #[arg(long, env = "KLING_MOCK_TIME_SCALE", value_name = "F")]
    time_scale: Option<f64>,
    /// Seed for every random decision (ids, latencies) [default: random, printed at start].
    #[arg(long, env = "KLING_MOCK_SEED", value_name = "N")]
    seed: Option<u64>,
    /// How long tasks take [default: realistic].
    #[arg(long, env = "KLING_MOCK_LATENCY", value_enum)]
    latency: Option<LatencyProfile>,
    /// Largest accepted request body in bytes [default: 33554432].
    #[arg(long, env = "KLING_MOCK_BODY_LIMIT", value_name = "BYTES")]
    body_limit: Option<usize>,
    /// Tolerance on token exp/nbf in seconds [default: 5].
    #[arg(long, env = "KLING_MOCK_JWT_LEEWAY", value_name = "SECONDS")]
    jwt_leeway: Option<i64>,
    /// Clock that token exp/nbf are checked against [default: wall].
    #[arg(long, env = "KLING_MOCK_AUTH_CLOCK", value_enum)]
    auth_clock: Option<AuthClock>,
    /// Require exact JSON types (no "5" for 5 or 5 for "5").
    #[arg(long, env = "KLING_MOCK_STRICT_TYPES")]
    #[serde(default)]
    strict_types: bool,
    /// Accept parameters the chosen model does not support instead of rejecting them.
    #[arg(long, env = "KLING_MOCK_LENIENT_MODEL_SUPPORT")]
    #[serde(default)]
    lenient_model_support: bool,
    /// Reject effect scenes outside the emulator's partial scene list (by default any
    /// well-formed unknown name is taken as a single-image scene).
    #[arg(long, env = "KLING_MOCK_STRICT_CATALOGUES")]
    #[serde(default)]
    strict_catalogues: bool,
    /// Base URL for result links in callbacks [default: http://<bound address>].
    #[arg(long, env = "KLING_MOCK_PUBLIC_URL", value_name = "URL")]
    public_url: Option<String>,
    /// Most tasks kept in memory; the oldest finished ones are evicted [default: 100000].
    #[arg(long, env = "KLING_MOCK_TASK_CAPACITY", value_name = "N")]
    task_capacity: Option<usize>,
    /// Timeout of one callback POST in seconds [default: 10].
    #[arg(long, env = "KLING_MOCK_CALLBACK_TIMEOUT", value_name = "SECONDS")]
    callback_timeout: Option<f64>,
    /// Error codes and extra paths: official, or the seed reference's [default: official].
    #[arg(long, env = "KLING_MOCK_DIALECT", value_enum)]
    dialect: Option<DialectArg>,
    /// A scenario file to activate at start; repeat for more (applied in order).
    #[arg(long = "scenario", env = "KLING_MOCK_SCENARIOS", value_delimiter = ',', value_name = "FILE")]
    #[serde(default, rename = "scenarios")]
    scenarios: Vec<PathBuf>,
    /// Units in every account's pack of a type, e.g. video=1000 (repeatable) [default: unlimited].
    #[arg(long = "units", env = "KLING_MOCK_UNITS", value_delimiter = ',', value_name = "TYPE=N")]
    #[serde(skip)]
    units: Vec<PackSetting>,
    /// Concurrency limit of every account per pack type, e.g. video=2 (repeatable) [default: unlimited].
    #[arg(long = "concurrency", env = "KLING_MOCK_CONCURRENCY", value_delimiter = ',', value_name = "TYPE=N")]
    #[serde(skip)]
    concurrency: Vec<PackSetting>,
    /// Cash balance of every account, AMOUNT[:CURRENCY] (USD or CNY), e.g. 100:USD; tasks
    /// a pack cannot cover are paid from it, and packs without --units then hold none.
    #[arg(long, env = "KLING_MOCK_BALANCE", value_name = "AMOUNT[:CURRENCY]")]
    #[serde(default, deserialize_with = "parsed")]
    balance: Option<kling_mock::accounts::CashLimits>,
    /// Test balance of every account (spent before the balance), in its currency.
    #[arg(long, env = "KLING_MOCK_TEST_BALANCE", value_name = "AMOUNT")]
    #[serde(default, deserialize_with = "parsed")]
    test_balance: Option<kling_api::pricing::Money>,
    /// A Webhook Secret (whsec_...) that signs every account's callbacks; repeat for a
    /// rotation (each signs). Per-account secrets: the admin API.
    #[arg(
        long = "webhook-secret",
        env = "KLING_MOCK_WEBHOOK_SECRETS",
        value_delimiter = ',',
        value_name = "whsec_...",
        hide_env_values = true
    )]
    #[serde(default, rename = "webhook_secrets", deserialize_with = "parsed_list")]
    webhook_secrets: Vec<kling_api::webhook::Secret>,
    /// Account limits as in a config file: [limits.default.video] units/concurrency, [limits.accounts."AK".image] ...
    #[arg(skip)]
    #[serde(default)]
    limits: Option<LimitsConfig>,
    /// Simulated Unix time in milliseconds at start; with --seed, runs repeat exactly [default: now].
    #[arg(long, env = "KLING_MOCK_CLOCK_START", value_name = "UNIX_MS")]
    clock_start: Option<i64>,
    /// Simulated time moves only through POST /__admin/clock/advance.
    #[arg(long, env = "KLING_MOCK_MANUAL_CLOCK")]
    #[serde(default)]
    manual_clock: bool,
    /// Require `Authorization: Bearer TOKEN` on the admin API.
    #[arg(long, env = "KLING_MOCK_ADMIN_TOKEN", value_name = "TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
    /// Do not serve the admin API.
    #[arg(long, env = "KLING_MOCK_NO_ADMIN")]
    #[serde(default)]
    no_admin: bool,
    /// Most exchanges kept in the request journal; 0 turns it off [default: 1000].
    #[arg(long, env = "KLING_MOCK_JOURNAL_SIZE", value_name = "N")]
    journal_size: Option<usize>,
    /// Seconds a client has to send a request's headers (and each body chunk); idle
    /// keep-alive connections close after it too [default: 15].
    #[arg(long, env = "KLING_MOCK_HEADER_TIMEOUT", value_name = "SECONDS")]
    header_timeout: Option<f64>,
    /// Connections served at once; more wait in the listen backlog [default: 1024].
    #[arg(long, env = "KLING_MOCK_MAX_CONNECTIONS", value_name = "N")]
    max_connections: Option<usize>,
    /// Serve HTTPS with a self-signed certificate generated at start (its file is printed).
    #[arg(long, env = "KLING_MOCK_TLS")]
    #[serde(default)]
    tls: bool,
    /// Serve HTTPS with this PEM certificate chain (with --tls-key).
    #[arg(long, env = "KLING_MOCK_TLS_CERT", value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key of --tls-cert.
    #[arg(long, env = "KLING_MOCK_TLS_KEY", value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Save tasks, account packs, sessions, selections, each account's voices, elements and
    /// audios, and the clock here (at shutdown and periodically) and restore them at start.
    #[arg(long, env = "KLING_MOCK_STATE_FILE", value_name = "FILE")]
    state_file: Option<PathBuf>,
    /// Real seconds between saves of the state file; 0 saves only at shutdown [default: 30].
    #[arg(long, env = "KLING_MOCK_STATE_SAVE_INTERVAL", value_name = "SECONDS")]
    state_save_interval: Option<f64>,
    /// Log format [default: text].
    #[arg(long, env = "KLING_MOCK_LOG_FORMAT", value_enum)]
    log_format: Option<LogFormat>,
    /// Log filter, e.g. info or kling_mock=debug [default: info].
    #[arg(long, env = "KLING_MOCK_LOG", value_name = "FILTER")]
    log: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
enum DialectArg {
    Official,
    Seed,
}

/// `TYPE=N` for --units and --concurrency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PackSetting {
    pack: PackType,
    value: u64,
}

impl std::str::FromStr for PackSetting {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (kind, value) = s.split_once('=').ok_or("expected TYPE=N, e.g. video=1000")?;
        let pack = match kind {
            "video" => PackType::Video,
            "image" => PackType::Image,
            "virtual_try_on" => PackType::VirtualTryOn,
            other => return Err(format!("unknown pack type {other:?}; use video, image or virtual_try_on")),
        };
        let value = value.parse().map_err(|_| format!("{value:?} is not a whole number"))?;
        Ok(PackSetting { pack, value })
    }
}

/// How `kling-mock changes` writes the entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ChangesFormat {
    /// A readable changelog.
    Text,
    /// A JSON array of entries.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
enum LogFormat {
    Text,
    Json,
}

fn api_keys_from_strings<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<ApiKey>, D::Error> {
    let raw: Vec<String> = serde::Deserialize::deserialize(d)?;
    raw.iter().map(|s| s.parse().map_err(serde::de::Error::custom)).collect()
}

fn parsed<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: std::str::FromStr<Err: std::fmt::Display>,
{
    let raw: Option<toml::Value> = serde::Deserialize::deserialize(d)?;
    let text = match raw {
        None => return Ok(None),
        Some(toml::Value::String(s)) => s,
        Some(other) => other.to_string(),
    };
    text.parse().map(Some).map_err(serde::de::Error::custom)
}

fn parsed_list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: std::str::FromStr<Err: std::fmt::Display>,
{
    let raw: Vec<String> = serde::Deserialize::deserialize(d)?;
    raw.iter().map(|s| s.parse().map_err(serde::de::Error::custom)).collect()
}

fn accounts_from_strings<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<AccountKeys>, D::Error> {
    let raw: Vec<String> = serde::Deserialize::deserialize(d)?;
    raw.iter().map(|s| s.parse().map_err(serde::de::Error::custom)).collect()
}

impl ServeArgs {
    /// Fills every option not given on the command line or in the environment from `file`.
    fn or(self, file: ServeArgs) -> ServeArgs {
        ServeArgs {
            config: self.config,
            host: self.host.or(file.host),
            port: self.port.or(file.port),
            accounts: if self.accounts.is_empty() { file.accounts } else { self.accounts },
            api_keys: if self.api_keys.is_empty() { file.api_keys } else { self.api_keys },
            balance: self.balance.or(file.balance),
            test_balance: self.test_balance.or(file.test_balance),
            webhook_secrets: if self.webhook_secrets.is_empty() { file.webhook_secrets } else { self.webhook_secrets },
            api_version: self.api_version.or(file.api_version),
            tasks_new_standard_only: self.tasks_new_standard_only || file.tasks_new_standard_only,
            try_on_page_spelling: self.try_on_page_spelling || file.try_on_page_spelling,
            time_scale: self.time_scale.or(file.time_scale),
            seed: self.seed.or(file.seed),
            latency: self.latency.or(file.latency),
            body_limit: self.body_limit.or(file.body_limit),
            jwt_leeway: self.jwt_leeway.or(file.jwt_leeway),
            auth_clock: self.auth_clock.or(file.auth_clock),
            strict_types: self.strict_types || file.strict_types,
            lenient_model_support: self.lenient_model_support || file.lenient_model_support,
            strict_catalogues: self.strict_catalogues || file.strict_catalogues,
            public_url: self.public_url.or(file.public_url),
            task_capacity: self.task_capacity.or(file.task_capacity),
            callback_timeout: self.callback_timeout.or(file.callback_timeout),
            dialect: self.dialect.or(file.dialect),
            scenarios: if self.scenarios.is_empty() { file.scenarios } else { self.scenarios },
            units: self.units,
            concurrency: self.concurrency,
            limits: self.limits.or(file.limits),
            manual_clock: self.manual_clock || file.manual_clock,
            clock_start: self.clock_start.or(file.clock_start),
            admin_token: self.admin_token.or(file.admin_token),
            no_admin: self.no_admin || file.no_admin,
            journal_size: self.journal_size.or(file.journal_size),
            header_timeout: self.header_timeout.or(file.header_timeout),
            max_connections: self.max_connections.or(file.max_connections),
            tls: self.tls || file.tls,
            tls_cert: self.tls_cert.or(file.tls_cert),
            tls_key: self.tls_key.or(file.tls_key),
            state_file: self.state_file.or(file.state_file),
            state_save_interval: self.state_save_interval.or(file.state_save_interval),
            log_format: self.log_format.or(file.log_format),
            log: self.log.or(file.log),
        }
    }

    fn into_config(self) -> anyhow::Result<Config> {
        let defaults = Config::default();
        let scale = self.time_scale.unwrap_or(1.0);
        anyhow::ensure!(scale.is_finite() && scale > 0.0, "--time-scale must be a positive number");
        let callback_timeout = seconds("--callback-timeout", self.callback_timeout, defaults.callback_timeout, false)?;
        let state_save_interval =
            seconds("--state-save-interval", self.state_save_interval, defaults.state_save_interval, true)?;
        let header_timeout = seconds("--header-timeout", self.header_timeout, defaults.header_timeout, false)?;
        anyhow::ensure!(self.max_connections != Some(0), "--max-connections must be at least 1");
        let tls = match (self.tls, self.tls_cert, self.tls_key) {
            (_, Some(cert), Some(key)) => Some(TlsConfig::Files { cert, key }),
            (_, Some(_), None) | (_, None, Some(_)) => anyhow::bail!("--tls-cert and --tls-key go together"),
            (true, None, None) => Some(TlsConfig::SelfSigned),
            (false, None, None) => None,
        };
        let mut limits = self.limits.unwrap_or_default();
        for setting in &self.units {
            let mut pack = limits.default.of(setting.pack);
            pack.units = Some(kling_api::pricing::Units::whole(setting.value));
            limits.default.set(setting.pack, pack);
        }
        for setting in &self.concurrency {
            let mut pack = limits.default.of(setting.pack);
            pack.concurrency = Some(u32::try_from(setting.value).context("--concurrency is too large")?);
            limits.default.set(setting.pack, pack);
        }
        if self.balance.is_some() || self.test_balance.is_some() {
            let mut cash = self.balance.or(limits.default.cash).unwrap_or_default();
            if let Some(test) = self.test_balance {
                cash.test_balance = test;
            }
            limits.default.cash = Some(cash);
        }
        let scenarios = self
            .scenarios
            .iter()
            .map(|path| scenario::load(path))
            .collect::<Result<Vec<_>, _>>()
            .map_err(anyhow::Error::msg)?;
        let clock = if self.manual_clock {
            ClockConfig::Manual { start_ms: self.clock_start.unwrap_or_else(kling_mock::clock::wall_ms) }
        } else {
            ClockConfig::System { scale, start_ms: self.clock_start }
        };
        let accounts = if self.accounts.is_empty() { defaults.accounts } else { self.accounts };
        let mut api_keys = self.api_keys;
        if accounts.contains(&AccountKeys::dev()) {
            api_keys.extend(defaults.api_keys);
        }
        Ok(Config {
            host: self.host.unwrap_or(defaults.host),
            port: self.port.unwrap_or(DEFAULT_PORT),
            accounts,
            api_keys,
            tasks_include_legacy: !self.tasks_new_standard_only,
            solution_spelling: if self.try_on_page_spelling {
                kling_api::solutions::Spelling::TryOnPage
            } else {
                kling_api::solutions::Spelling::Uniform
            },
            api_day: api_day(self.api_version.as_deref())?,
            clock,
            seed: self.seed.unwrap_or_else(rand::random),
            latency: self.latency.unwrap_or(defaults.latency),
            body_limit: self.body_limit.unwrap_or(defaults.body_limit),
            jwt_leeway_s: self.jwt_leeway.unwrap_or(defaults.jwt_leeway_s),
            auth_clock: self.auth_clock.unwrap_or(defaults.auth_clock),
            validation: ValidationOptions {
                coercion: if self.strict_types { Coercion::Strict } else { Coercion::Lenient },
                lenient_model_support: self.lenient_model_support,
                seed_fields: false,
                strict_catalogues: self.strict_catalogues,
                // The served day is set per request from `api_day` (one source of truth).
                day: history::Day::latest(),
            },
            public_url: self.public_url,
            task_capacity: self.task_capacity.unwrap_or(defaults.task_capacity),
            callback_timeout,
            dialect: match self.dialect {
                Some(DialectArg::Seed) => Dialect::Seed,
                _ => Dialect::Official,
            },
            scenarios,
            limits,
            admin: AdminConfig { disabled: self.no_admin, token: self.admin_token },
            journal_size: self.journal_size.unwrap_or(defaults.journal_size),
            header_timeout,
            max_connections: self.max_connections.unwrap_or(defaults.max_connections),
            tls,
            state_file: self.state_file,
            webhook_secrets: self.webhook_secrets,
            state_save_interval,
        })
    }
}

fn load_file(path: &Path) -> anyhow::Result<ServeArgs> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read config file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("invalid config file {}", path.display()))
}

fn init_logging(format: LogFormat, filter: &str) {
    let filter =
        tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

fn token_for(keys: &AccountKeys, ttl_s: i64) -> anyhow::Result<String> {
    let now = kling_mock::clock::wall_ms() / 1000;
    let claims = kling_api::wire::Claims { iss: keys.access_key.clone(), exp: now + ttl_s, nbf: now - 5, iat: None };
    let key = jsonwebtoken::EncodingKey::from_secret(keys.secret_key.as_bytes());
    jsonwebtoken::encode(&jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256), &claims, &key)
        .context("cannot sign token")
}

/// A duration flag in seconds: finite, positive (or zero where `zero_allowed`) and under
/// about 30 years, so that no later arithmetic on it can overflow.
fn seconds(flag: &str, value: Option<f64>, default: Duration, zero_allowed: bool) -> anyhow::Result<Duration> {
    let Some(value) = value else { return Ok(default) };
    let least = if zero_allowed { "0 or more" } else { "more than 0" };
    anyhow::ensure!(
        value.is_finite() && value < 1e9 && (value > 0.0 || (zero_allowed && value == 0.0)),
        "{flag} must be a number of seconds, {least} and below 1e9"
    );
    Ok(Duration::from_secs_f64(value))
}

/// The day `--api-version` names, today's API without one.
fn api_day(text: Option<&str>) -> anyhow::Result<history::Day> {
    match text {
        Some(text) => history::parse_day(text).and_then(history::Day::on).map_err(anyhow::Error::msg),
        None => Ok(history::Day::latest()),
    }
}

/// `kling-mock changes`: the dated entries between two days, as text or JSON.
fn print_changes(since: Option<&str>, until: Option<&str>, format: ChangesFormat) -> anyhow::Result<()> {
    let day = |text: Option<&str>| text.map(history::parse_day).transpose().map_err(anyhow::Error::msg);
    let entries: Vec<_> = history::between(day(since)?, day(until)?).map(history::Change::view).collect();
    let text = match format {
        ChangesFormat::Json => serde_json::to_string_pretty(&entries)?,
        ChangesFormat::Text => {
            let mut out = String::new();
            for entry in &entries {
                let kind = serde_json::to_value(entry.kind)?.as_str().unwrap_or_default().to_owned();
                let served = if entry.modelled { "" } else { " (today's side served on every day)" };
                out.push_str(&format!(
                    "{}  {kind}  {}\n    {}{served}\n    source: {} [{:?}]\n",
                    entry.date, entry.subject, entry.summary, entry.source, entry.confidence
                ));
            }
            out.trim_end().to_owned()
        }
    };
    println!("{text}");
    Ok(())
}

fn banner(
    config: &Config,
    base_url: &str,
    certificate: Option<&Path>,
    restored: Option<RestoreSummary>,
) -> anyhow::Result<String> {
    let mut out = format!(
        "kling-mock {} listening on {base_url}\n  API of {}  seed {}  latency {:?}  time scale {}x  dialect {:?}  scenarios {}  admin {}\n",
        env!("CARGO_PKG_VERSION"),
        history::format_day(config.api_day.date()),
        config.seed,
        config.latency,
        match config.clock {
            ClockConfig::System { scale, .. } => scale,
            ClockConfig::Manual { .. } => 0.0,
        },
        config.dialect,
        config.scenarios.len(),
        if config.admin.disabled { "off".to_owned() } else { format!("{base_url}/__admin") },
    );
    let mut curl = "curl -s".to_owned();
    if let Some(path) = certificate {
        out.push_str(&format!("  TLS certificate to trust: {}\n", path.display()));
        curl = format!("curl -s --cacert {}", path.display());
    }
    let dev = AccountKeys::dev();
    if config.accounts.contains(&dev) {
        let token = token_for(&dev, 24 * 3600)?;
        out.push_str(&format!(
            "  development account: access key {}  secret key {}\n\n  try it (token valid 24 h):\n    TOKEN={token}\n    {curl} {base_url}/v1/videos/text2video -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' -d '{{\"prompt\": \"a cat on the beach\"}}'\n",
            dev.access_key, dev.secret_key
        ));
        out.push_str(&format!(
            "\n  development API key (the new-standard API takes only API keys): {DEV_API_KEY}\n    {curl} {base_url}/text-to-video/kling-3.0 -H \"Authorization: Bearer {DEV_API_KEY}\" -H 'Content-Type: application/json' -d '{{\"prompt\": \"a cat on the beach\"}}'\n    {curl} '{base_url}/tasks?task_ids=<id>' -H \"Authorization: Bearer {DEV_API_KEY}\"\n"
        ));
    } else {
        let keys: Vec<&str> = config.accounts.iter().map(|a| a.access_key.as_str()).collect();
        out.push_str(&format!(
            "  accounts (access keys): {}\n  a token for curl: kling-mock token --account AK:SK\n",
            keys.join(", ")
        ));
    }
    let configured: Vec<String> = config
        .api_keys
        .iter()
        .filter(|k| k.key != DEV_API_KEY)
        .map(|k| kling_mock::auth::fingerprint(&k.key))
        .collect();
    if !configured.is_empty() {
        out.push_str(&format!("  API keys (fingerprints): {}\n", configured.join(", ")));
    }
    if let Some(path) = &config.state_file {
        match restored {
            Some(r) => out.push_str(&format!(
                "  state file {}: restored {} tasks ({} unfinished), left out {} of accounts no longer configured\n",
                path.display(),
                r.tasks,
                r.unfinished,
                r.dropped
            )),
            None => out.push_str(&format!("  state file {}: none yet, starting empty\n", path.display())),
        }
    }
    if !config.host.is_loopback() {
        out.push_str("  warning: bound to a non-loopback address; anyone who can reach it can use it\n");
    }
    Ok(out)
}

fn check_scenarios(files: &[PathBuf]) -> anyhow::Result<()> {
    let mut failed = 0;
    for file in files {
        match scenario::load(file) {
            Ok(s) => println!("{}: ok ({} rules)", file.display(), s.rules.len()),
            Err(e) => {
                eprintln!("{e}");
                failed += 1;
            }
        }
    }
    anyhow::ensure!(failed == 0, "{failed} scenario file(s) are invalid");
    Ok(())
}

fn write_openapi(out: Option<&Path>, server: &str, day: history::Day) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(&kling_api::openapi::document_for(day, server))?;
    text.push('\n');
    match out {
        Some(path) => std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display())),
        None => std::io::stdout().write_all(text.as_bytes()).context("cannot write to standard output"),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Token { account, ttl }) => {
            println!("{}", token_for(&account.unwrap_or_else(AccountKeys::dev), ttl)?);
            return Ok(());
        }
        Some(Command::CheckScenario { files }) => return check_scenarios(&files),
        Some(Command::Openapi { out, server, api_version }) => {
            return write_openapi(out.as_deref(), &server, api_day(api_version.as_deref())?);
        }
        Some(Command::Changes { since, until, format }) => {
            return print_changes(since.as_deref(), until.as_deref(), format);
        }
        Some(Command::Completions { shell }) => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "kling-mock", &mut script);
            return std::io::stdout().write_all(&script).context("cannot write to standard output");
        }
        None => {}
    }
    let args = match cli.serve.config.clone() {
        Some(path) => {
            let file = load_file(&path)?;
            cli.serve.or(file)
        }
        None => cli.serve,
    };
    init_logging(args.log_format.unwrap_or(LogFormat::Text), args.log.as_deref().unwrap_or("info"));
    let config = args.into_config()?;
    let app = App::build(config.clone()).await?;
    if !config.host.is_loopback() {
        tracing::warn!(host = %config.host, "bound to a non-loopback address; anyone who can reach it can use it");
    }
    // A closed stdout (a supervisor that read the banner and left) must not stop the server.
    let _ = writeln!(std::io::stdout(), "{}", banner(&config, &app.base_url(), app.tls_certificate(), app.restored())?);
    app.run_until(shutdown_signal()).await.context("server failed")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_banner_warns_when_bound_beyond_loopback() {
        let mut config = Config::default();
        let loopback = banner(&config, "http://127.0.0.1:8088", None, None).unwrap_or_default();
        assert!(!loopback.contains("warning"), "{loopback}");
        config.host = IpAddr::from([0, 0, 0, 0]);
        let everywhere = banner(&config, "http://0.0.0.0:8088", None, None).unwrap_or_default();
        assert!(everywhere.contains("warning: bound to a non-loopback address"), "{everywhere}");
    }

    #[test]
    fn duration_flags_refuse_what_a_duration_cannot_hold() {
        let default = Duration::from_secs(30);
        assert_eq!(seconds("--x", None, default, false).ok(), Some(default));
        assert_eq!(seconds("--x", Some(0.0), default, true).ok(), Some(Duration::ZERO));
        for bad in [0.0, -1.0, 1e20, f64::NAN, f64::INFINITY] {
            let error = seconds("--x", Some(bad), default, false).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(error.starts_with("--x must be a number of seconds"), "{bad}: {error:?}");
        }
    }

    #[test]
    fn the_banner_names_the_certificate_to_trust() {
        let text = banner(&Config::default(), "https://127.0.0.1:8088", Some(Path::new("/tmp/k/cert.pem")), None)
            .unwrap_or_default();
        assert!(text.contains("TLS certificate to trust: /tmp/k/cert.pem"), "{text}");
        assert!(text.contains("curl -s --cacert /tmp/k/cert.pem https://127.0.0.1:8088/"), "{text}");
    }

    #[test]
    fn the_banner_counts_what_the_state_file_left_out() {
        let restored = kling_mock::persist::RestoreSummary { tasks: 3, unfinished: 1, dropped: 2 };
        let config = Config { state_file: Some(PathBuf::from("state.json")), ..Config::default() };
        let text = banner(&config, "http://127.0.0.1:8088", None, Some(restored)).unwrap_or_default();
        assert!(
            text.contains(
                "state file state.json: restored 3 tasks (1 unfinished), left out 2 of accounts no longer configured"
            ),
            "{text}"
        );
    }
}
