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
use crate::net::{ConnectionHandle, FaultListener};
use crate::routes;
use crate::scenario::Scenarios;
use crate::state::{AppState, Stats};
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
}

/// A bound, ready-to-serve emulator.
#[derive(Debug)]
pub struct App {
    listener: TcpListener,
    state: Arc<AppState>,
}

impl App {
    /// Binds the socket and builds the state.
    pub async fn build(mut config: Config) -> Result<App, StartError> {
        config.validation.seed_fields = config.dialect == kling_api::Dialect::Seed;
        if config.accounts.is_empty() {
            return Err(StartError::NoAccount);
        }
        let addr = SocketAddr::new(config.host, config.port);
        let listener = TcpListener::bind(addr).await.map_err(|source| StartError::Bind { addr, source })?;
        let local = listener.local_addr().map_err(|source| StartError::Bind { addr, source })?;
        let clock = Arc::new(match config.clock {
            ClockConfig::System { scale, start_ms } => Clock::system(scale, start_ms),
            ClockConfig::Manual { start_ms } => Clock::manual(start_ms),
        });
        let ids = Arc::new(Ids::new(config.seed));
        let media = Arc::new(Media::load()?);
        let public_url =
            config.public_url.clone().map_or_else(|| format!("http://{local}"), |u| u.trim_end_matches('/').to_owned());
        let engine = Arc::new(Engine::new(EngineParts {
            clock: clock.clone(),
            ids: ids.clone(),
            media: media.clone(),
            callbacks: Callbacks::new(config.callback_timeout),
            latency: config.latency,
            seed: config.seed,
            capacity: config.task_capacity,
            limits: config.limits.clone(),
        }));
        engine.set_public_url(public_url.clone());
        let accounts = Accounts::new(config.accounts.iter().map(|a| (a.access_key.as_str(), a.secret_key.as_str())));
        let started_ms = clock.now_ms();
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
        for scenario in initial {
            state.activate(scenario);
        }
        Ok(App { listener, state })
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().unwrap_or_else(|_| SocketAddr::new(self.state.config.host, self.state.config.port))
    }

    /// `http://<bound address>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.local_addr())
    }

    /// The shared state (clock, engine, configuration).
    pub fn state(&self) -> &Arc<AppState> {
        &self.state
    }

    /// Serves until `shutdown` completes, then lets in-flight requests finish.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let (stop_tx, stop_rx) = watch::channel(false);
        let driver = tokio::spawn(self.state.engine.clone().drive(wait_for(stop_rx)));
        let router = routes::router(self.state.clone());
        let service = router.into_make_service_with_connect_info::<ConnectionHandle>();
        let state = self.state.clone();
        let shutdown = async move {
            shutdown.await;
            state.closing.send_replace(true);
        };
        let served = axum::serve(FaultListener::new(self.listener), service).with_graceful_shutdown(shutdown).await;
        let _ = stop_tx.send(true);
        let _ = driver.await;
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
    /// `http://127.0.0.1:<port>`.
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
