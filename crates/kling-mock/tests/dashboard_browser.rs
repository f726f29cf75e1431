//! The dashboard in a real headless browser: runs `tests/browser` (node's test runner,
//! playwright-core, Debian's chromium) against this build's `kling-mock` binary. The
//! screenshot lands in `<target>/browser-artifacts/dashboard.png`.
//!
//! Without node, chromium or `npm ci` in `tests/browser` the test says so and passes,
//! unless `KLING_MOCK_REQUIRE_TOOLS=1` (set by CI), where it fails.

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_kling-mock");
const CHROMIUM: &str = "/usr/bin/chromium";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn the_dashboard_follows_a_task_live_in_headless_chromium() {
    let suite = workspace().join("tests/browser");
    let node = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    let missing: Vec<&str> = [
        (!node).then_some("node"),
        (!Path::new(CHROMIUM).exists()).then_some("chromium (apt-get install chromium)"),
        (!suite.join("node_modules/playwright-core").exists()).then_some("playwright-core (npm ci in tests/browser)"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !missing.is_empty() {
        let required = std::env::var("KLING_MOCK_REQUIRE_TOOLS").is_ok_and(|v| v == "1");
        assert!(!required, "KLING_MOCK_REQUIRE_TOOLS=1 but missing: {}", missing.join(", "));
        eprintln!("browser test not run, missing: {}", missing.join(", "));
        return;
    }
    // <target>/debug/kling-mock -> <target>/browser-artifacts
    let artifacts = Path::new(BIN)
        .parent()
        .and_then(Path::parent)
        .map_or_else(|| workspace().join("target"), Path::to_path_buf)
        .join("browser-artifacts");
    let output = Command::new("node")
        .args(["--test", "--test-reporter=spec", "dashboard.test.mjs"])
        .current_dir(&suite)
        .env("KLING_MOCK_BIN", BIN)
        .env("KLING_MOCK_CHROMIUM", CHROMIUM)
        .env("KLING_MOCK_ARTIFACTS", &artifacts)
        .env("KLING_MOCK_REQUIRE_TOOLS", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run node: {e}"));
    let report = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "browser test failed:\n{report}");
    assert!(report.contains("pass 1") && report.contains("skipped 0"), "browser test did not run:\n{report}");
    assert!(artifacts.join("dashboard.png").exists(), "no screenshot in {}", artifacts.display());
}
