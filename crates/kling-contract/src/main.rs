//! The `kling-contract` command.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand, ValueEnum};
use kling_api::Dialect;
use kling_api::history::{self, Day};
use kling_contract::drift::{Budget, Report, drift};
use kling_contract::target::{Target, TargetKind};
use kling_contract::{checks, replay};

/// Contract kit: the same checks against the emulator and the real Kling API.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
enum TargetArg {
    /// An emulator started in this process.
    Emulator,
    /// The real API (KLING_AI_ACCESS_KEY / KLING_AI_SECRET_KEY, and KLING_API_KEY for the new-standard checks).
    Real,
}

#[derive(Debug, Args)]
struct TargetArgs {
    /// Which target to check.
    #[arg(long, value_enum, default_value = "emulator")]
    target: TargetArg,
    /// Check a server at this URL instead (an emulator elsewhere, a proxy).
    #[arg(long, env = "KLING_CONTRACT_BASE_URL")]
    base_url: Option<String>,
    /// Access key for --base-url [default: the emulator's development key].
    #[arg(long, default_value = kling_mock::config::DEV_ACCESS_KEY)]
    access_key: String,
    /// Secret key for --base-url [default: the emulator's development key].
    #[arg(long, env = "KLING_CONTRACT_SECRET_KEY", hide_env_values = true, default_value = kling_mock::config::DEV_SECRET_KEY)]
    secret_key: String,
    /// Dialect of the in-process emulator target.
    #[arg(long, value_enum, default_value = "official")]
    dialect: DialectArg,
    /// The API day (YYYY-MM-DD) the in-process emulator target serves [default: today's].
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    target_version: Option<Day>,
    /// Units billable checks may spend on a real or URL target [default: 0, free checks only].
    #[arg(long, value_name = "UNITS")]
    allow_spend: Option<u32>,
    /// On a real or URL target, first create the ids stateful checks need (a video, a
    /// voice, an element, sessions), within --allow-spend; a real video takes minutes.
    #[arg(long)]
    make_prerequisites: bool,
    /// Only checks whose id contains this.
    #[arg(long)]
    filter: Option<String>,
    /// Print nothing but the result.
    #[arg(long)]
    quiet: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
enum DialectArg {
    Official,
    Seed,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Compare a target with the reference; write drift.md and drift.json; exit 1 on drift.
    Drift {
        #[command(flatten)]
        target: TargetArgs,
        /// The API day (YYYY-MM-DD) the reference emulator serves [default: today's]; with
        /// --target-version, the report names the dated change behind each difference.
        #[arg(long, value_name = "DATE", value_parser = parse_day)]
        reference_version: Option<Day>,
        /// Directory for the reports.
        #[arg(long, default_value = "target/contract")]
        out: PathBuf,
    },
    /// Replay recorded exchanges against a target and report differences.
    Replay {
        /// Directory of recordings.
        dir: PathBuf,
        #[command(flatten)]
        target: TargetArgs,
        /// Directory for the reports.
        #[arg(long, default_value = "target/contract")]
        out: PathBuf,
    },
    /// Record new exchanges through a forwarding proxy (Authorization is never written).
    Record {
        /// Where to forward (e.g. https://api-singapore.klingai.com).
        #[arg(long)]
        upstream: String,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8099")]
        listen: String,
        /// Directory for the recordings.
        #[arg(long, default_value = "fixtures/recordings/new")]
        out: PathBuf,
    },
    /// List the checks with whether they are billable.
    List,
}

/// A `--*-version` value: a day the history describes.
fn parse_day(text: &str) -> Result<Day, String> {
    history::parse_day(text).and_then(Day::on)
}

async fn build_target(args: &TargetArgs) -> anyhow::Result<(Target, Budget)> {
    let budget = Budget::units(args.allow_spend.unwrap_or(0));
    if let Some(url) = &args.base_url {
        let mut target = Target::url(url, &args.access_key, &args.secret_key, TargetKind::Url);
        target.make_prerequisites = args.make_prerequisites;
        return Ok((target, budget));
    }
    match args.target {
        TargetArg::Real => {
            let mut target =
                Target::real().context("--target real needs KLING_AI_ACCESS_KEY and KLING_AI_SECRET_KEY")?;
            target.make_prerequisites = args.make_prerequisites;
            Ok((target, budget))
        }
        TargetArg::Emulator => {
            let dialect = if args.dialect == DialectArg::Seed { Dialect::Seed } else { Dialect::Official };
            let day = args.target_version.unwrap_or_else(Day::latest);
            Ok((Target::emulator_on(dialect, day).await?, Budget::unlimited()))
        }
    }
}

fn write_reports(report: &Report, out: &PathBuf, name: &str) -> anyhow::Result<()> {
    std::fs::create_dir_all(out)?;
    std::fs::write(out.join(format!("{name}.md")), report.markdown())?;
    std::fs::write(out.join(format!("{name}.json")), serde_json::to_vec_pretty(report)?)?;
    let drifted = report.entries.iter().filter(|e| !e.differences.is_empty()).count();
    println!(
        "{} checks, {drifted} differ, {} skipped; units spent at most {}; reports in {}",
        report.entries.len(),
        report.skipped.len(),
        report.spent,
        out.display()
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<std::process::ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Drift { target, reference_version, out } => {
            let (subject, mut budget) = build_target(&target).await?;
            let reference_day = reference_version.unwrap_or_else(Day::latest);
            let reference = Target::emulator_on(Dialect::Official, reference_day).await?;
            let checks: Vec<_> = checks::for_day(reference_day)
                .into_iter()
                .filter(|c| target.filter.as_ref().is_none_or(|f| c.id.contains(f.as_str())))
                .collect();
            let report = drift(&reference, &subject, &checks, &mut budget, target.quiet).await;
            write_reports(&report, &out, "drift")?;
            Ok(if report.drifted() { std::process::ExitCode::FAILURE } else { std::process::ExitCode::SUCCESS })
        }
        Command::Replay { dir, target, out } => {
            let (subject, mut budget) = build_target(&target).await?;
            let report = replay::replay(&dir, &subject, &mut budget).await?;
            write_reports(&report, &out, "replay")?;
            Ok(if report.drifted() { std::process::ExitCode::FAILURE } else { std::process::ExitCode::SUCCESS })
        }
        Command::Record { upstream, listen, out } => {
            let listener = tokio::net::TcpListener::bind(&listen).await?;
            eprintln!("recording {upstream} through http://{listen} into {}", out.display());
            replay::record(listener, &upstream, &out).await?;
            Ok(std::process::ExitCode::SUCCESS)
        }
        Command::List => {
            for check in checks::all() {
                println!("{}\t{}\t{}", check.id, if check.billable { "billable" } else { "free" }, check.cost);
            }
            Ok(std::process::ExitCode::SUCCESS)
        }
    }
}
