//! Where checks run: the in-process emulator (default), any base URL, or the real API.

use std::time::Duration;

use kling_api::Dialect;
use kling_api::history::Day;
use kling_mock::config::{DEV_ACCESS_KEY, DEV_SECRET_KEY};
use kling_mock::{App, Running};

/// What kind of server a target is; decides what may be done to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    /// An emulator this process started: its clock can be driven, nothing costs.
    InProcess,
    /// Some server at a URL (an emulator elsewhere, a proxy): treated as real for safety.
    Url,
    /// The real Kling API: billable calls need a budget.
    Real,
}

/// A server and the keys to use with it.
pub struct Target {
    /// API root without a trailing slash.
    pub base_url: String,
    /// Access key.
    pub access_key: String,
    /// Secret key (never printed).
    pub secret_key: String,
    /// API key (never printed): the new-standard paths take nothing else. From
    /// `KLING_API_KEY` when set; the development key for emulators.
    pub api_key: Option<String>,
    /// What kind of server it is.
    pub kind: TargetKind,
    /// The emulator, when in-process.
    pub emulator: Option<Running>,
    /// Whether to create the ids stateful checks need on a target that is not in-process
    /// (billable, and a real video takes minutes); in-process targets always get them.
    pub make_prerequisites: bool,
    /// The API day it serves, when known (an in-process emulator's): differences between
    /// two known days are explained by the dated entries between them.
    pub api_day: Option<Day>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target").field("base_url", &self.base_url).field("kind", &self.kind).finish_non_exhaustive()
    }
}

impl Target {
    /// Starts an emulator in-process with `dialect`, instant tasks and a manual clock,
    /// serving today's API.
    pub async fn emulator(dialect: Dialect) -> anyhow::Result<Target> {
        Target::emulator_on(dialect, Day::latest()).await
    }

    /// [`Target::emulator`] serving the API of `day`.
    pub async fn emulator_on(dialect: Dialect, day: Day) -> anyhow::Result<Target> {
        let mut config = kling_mock::Config::for_tests();
        config.dialect = dialect;
        config.api_day = day;
        config.journal_size = 0;
        let running = App::build(config).await?.spawn();
        Ok(Target {
            base_url: running.base_url.clone(),
            access_key: DEV_ACCESS_KEY.to_owned(),
            secret_key: DEV_SECRET_KEY.to_owned(),
            api_key: Some(kling_mock::config::DEV_API_KEY.to_owned()),
            kind: TargetKind::InProcess,
            emulator: Some(running),
            make_prerequisites: true,
            api_day: Some(day),
        })
    }

    /// A server at `base_url` with these keys.
    pub fn url(base_url: &str, access_key: &str, secret_key: &str, kind: TargetKind) -> Target {
        Target {
            base_url: base_url.trim_end_matches('/').to_owned(),
            access_key: access_key.to_owned(),
            secret_key: secret_key.to_owned(),
            api_key: std::env::var("KLING_API_KEY")
                .ok()
                .filter(|k| !k.is_empty())
                .or_else(|| (kind != TargetKind::Real).then(|| kling_mock::config::DEV_API_KEY.to_owned())),
            kind,
            emulator: None,
            make_prerequisites: false,
            api_day: None,
        }
    }

    /// The real API: `KLING_AI_ACCESS_KEY` / `KLING_AI_SECRET_KEY` for the legacy checks
    /// (both required), `KLING_API_KEY` for the new-standard ones.
    pub fn real() -> anyhow::Result<Target> {
        let config = kling_client::Config::from_env()?;
        anyhow::ensure!(
            !config.access_key.is_empty() && !config.secret_key.is_empty(),
            "the real API's legacy checks need KLING_AI_ACCESS_KEY and KLING_AI_SECRET_KEY"
        );
        Ok(Target::url(&config.base_url, &config.access_key, &config.secret_key, TargetKind::Real))
    }

    /// Moves simulated time when the target allows it; returns whether it did.
    pub fn advance(&self, by: Duration) -> bool {
        match &self.emulator {
            Some(running) => {
                running.clock().advance(by);
                true
            }
            None => false,
        }
    }
}
