//! Start-up as a value: [`App::build`] binds the socket and assembles the state,
//! [`App::run_until`] serves until a shutdown signal. `main`, the tests and other crates
//! share this one path.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::auth::Accounts;
use crate::callbacks::Callbacks;
use crate::clock::Clock;
use crate::config::{ClockConfig, Config};
use crate::engine::{Engine, EngineParts};
use crate::ids::Ids;
use crate::journal::Journal;
use crate::media::{FixtureError, Media};
use crate::net::FaultListener;
use crate::persist::{self, RestoreSummary};
use crate::routes;
use crate::scenario::Scenarios;
use crate::server::{self, ConnectionLimits};
use crate::state::{AppState, Stats};
use crate::tls::{Tls, TlsError};
use parking_lot::RwLock;

/// Why the emulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A compiled-in fixture is broken.
    #[error(transparent)]
    Fixture(#[from] FixtureError),
    /// The configuration has no account.
    #[error("at least one account is required")]
    NoAccount,
    /// An API key is bound to an access key no account has.
    #[error("{0}")]
    ApiKey(String),
    /// HTTPS was asked for but its certificate could not be set up.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// The state file cannot be restored.
    #[error(transparent)]
    State(#[from] crate::persist::StateError),
}

/// The configured API keys, less the development key when the development account is
/// not configured (a configuration that replaces the accounts drops its key with it).
fn api_keys_for(config: &Config) -> Vec<crate::auth::ApiKey> {
    let dev_present = config.accounts.iter().any(|a| a.access_key == crate::config::DEV_ACCESS_KEY);
    let is_dev_key = |k: &crate::auth::ApiKey| {
        k.key == crate::config::DEV_API_KEY && k.bound_to.as_deref() == Some(crate::config::DEV_ACCESS_KEY)
    };
    config.api_keys.iter().filter(|k| dev_present || !is_dev_key(k)).cloned().collect()
}

/// A bound, ready-to-serve emulator.
#[derive(Debug)]
pub struct App {
    listener: TcpListener,
    state: Arc<AppState>,
    tls: Option<Tls>,
    restored: Option<RestoreSummary>,
}

impl App {
    /// Binds the socket and builds the state.
    pub async fn build(mut config: Config) -> Result<App, StartError> {
        config.validation.seed_fields = config.dialect == kling_api::Dialect::Seed;
        if config.accounts.is_empty() {
            return Err(StartError::NoAccount);
        }
        let restored = match &config.state_file {
            Some(path) => persist::load(path)?,
            None => None,
        };
        let addr = SocketAddr::new(config.host, config.port);
        let listener = TcpListener::bind(addr).await.map_err(|source| StartError::Bind { addr, source })?;
        let local = listener.local_addr().map_err(|source| StartError::Bind { addr, source })?;
        let tls = config.tls.as_ref().map(|tls| Tls::prepare(tls, local)).transpose()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        // A restored emulator resumes its own clock, so saved tasks keep their times.
        let resume_at = restored.as_ref().map(|r| r.clock_ms);
        let clock = Arc::new(match config.clock {
            ClockConfig::System { scale, start_ms } => Clock::system(scale, resume_at.or(start_ms)),
            ClockConfig::Manual { start_ms } => Clock::manual(resume_at.unwrap_or(start_ms)),
        });
        let ids = Arc::new(Ids::new(config.seed));
        let media = Arc::new(Media::load()?);
        let public_url = config
            .public_url
            .clone()
            .map_or_else(|| format!("{scheme}://{local}"), |u| u.trim_end_matches('/').to_owned());
        let engine = Arc::new(Engine::new(EngineParts {
            clock: clock.clone(),
            ids: ids.clone(),
            media: media.clone(),
            callbacks: Callbacks::new(config.callback_timeout),
            latency: config.latency,
            seed: config.seed,
            capacity: config.task_capacity,
            limits: config.limits.clone(),
            webhook_secrets: crate::webhooks::WebhookSecrets::new(config.webhook_secrets.clone()),
            spelling: config.solution_spelling,
            prices: if config.dialect == kling_api::Dialect::Seed {
                crate::engine::Prices::Seed
            } else {
                crate::engine::Prices::Official
            },
        }));
        engine.set_public_url(public_url.clone());
        let accounts = Accounts::new(config.accounts.iter().map(|a| (a.access_key.as_str(), a.secret_key.as_str())))
            .with_api_keys(&api_keys_for(&config))
            .map_err(StartError::ApiKey)?;
        engine.name_accounts(accounts.iter().map(|a| a.as_ref()));
        let started_ms = restored.as_ref().map_or_else(|| clock.now_ms(), |r| r.packs_started_ms);
        let scenarios = Scenarios::new(config.seed);
        let initial = config.scenarios.clone();
        let journal = Journal::new(config.journal_size);
        let state = Arc::new(AppState {
            config,
            accounts,
            engine,
            ids,
            clock,
            media,
            public_url,
            scenarios: RwLock::new(scenarios),
            journal,
            stats: Stats::default(),
            started_ms,
            closing: watch::channel(false).0,
        });
        let restored = restored.map(|r| r.apply(&state.accounts, &state.engine, &state.ids));
        for scenario in initial {
            state.activate(scenario);
        }
        Ok(App { listener, state, tls, restored })
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().unwrap_or_else(|_| SocketAddr::new(self.state.config.host, self.state.config.port))
    }

    /// `http://<bound address>`, or `https://` with TLS.
    pub fn base_url(&self) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.local_addr())
    }

    /// The PEM certificate file clients should trust, when serving HTTPS.
    pub fn tls_certificate(&self) -> Option<&std::path::Path> {
        self.tls.as_ref().map(|tls| tls.certificate.as_path())
    }

    /// What the state file brought back, when there was one.
    pub fn restored(&self) -> Option<RestoreSummary> {
        self.restored
    }

    /// The shared state (clock, engine, configuration).
    pub fn state(&self) -> &Arc<AppState> {
        &self.state
    }

    /// Serves until `shutdown` completes, then lets in-flight requests finish and, with a
    /// state file, saves the state once nothing can change it any more.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let (stop_tx, stop_rx) = watch::channel(false);
        let driver = tokio::spawn(self.state.engine.clone().drive(wait_for(stop_rx.clone())));
        let state_file = self.state.config.state_file.clone();
        let every = self.state.config.state_save_interval;
        let saver = state_file
            .clone()
            .filter(|_| !every.is_zero())
            .map(|path| tokio::spawn(persist::save_periodically(self.state.clone(), path, every, wait_for(stop_rx))));
        let router = routes::router(self.state.clone());
        let limits = ConnectionLimits {
            header_timeout: self.state.config.header_timeout,
            max_connections: self.state.config.max_connections,
        };
        // Dashboard event streams end when the server starts closing, so draining can finish.
        let state = self.state.clone();
        let shutdown = async move {
            shutdown.await;
            state.closing.send_replace(true);
        };
        let served = server::serve(FaultListener::new(self.listener), router, limits, self.tls, shutdown).await;
        let _ = stop_tx.send(true);
        let _ = driver.await;
        if let Some(saver) = saver {
            let _ = saver.await;
        }
        if let Some(path) = state_file {
            let tasks = persist::save(&self.state, &path).await.map_err(std::io::Error::other)?;
            tracing::info!(path = %path.display(), tasks, "state saved");
        }
        served
    }

    /// Serves in the background; the returned handle stops the server when dropped.
    pub fn spawn(self) -> Running {
        let base_url = self.base_url();
        let state = self.state.clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(self.run_until(async move {
            let _ = stopped.await;
        }));
        Running { base_url, state, stop: Some(stop), task: Some(task) }
    }
}

async fn wait_for(mut stop: watch::Receiver<bool>) {
    let _ = stop.wait_for(|stopped| *stopped).await;
}

/// An emulator serving in the background.
#[derive(Debug)]
pub struct Running {
    /// `http://127.0.0.1:<port>` (`https://` with TLS).
    pub base_url: String,
    /// Shared state: drive `state.clock` to move simulated time.
    pub state: Arc<AppState>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Running {
    /// The simulated clock.
    pub fn clock(&self) -> &Arc<Clock> {
        &self.state.clock
    }

    /// Stops serving and waits for in-flight requests.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task.await.unwrap_or_else(|e| Err(std::io::Error::other(e))),
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
