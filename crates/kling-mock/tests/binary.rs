//! The `kling-mock` command itself: flags, environment, config file, banner, token.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::{BIN, Server, token};

/// Starts the binary; both banner variants end with a line that mentions curl.
fn start(args: &[&str], env: &[(&str, &str)]) -> Server {
    Server::start(args, env, "curl")
}

fn list(server: &Server, token: &str) -> u16 {
    list_at(&server.base_url, token)
}

fn list_at(base_url: &str, token: &str) -> u16 {
    let url = format!("{base_url}/v1/videos/text2video");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap_or_else(|e| panic!("{e}"));
    runtime.block_on(async {
        let response = reqwest::Client::new().get(url).bearer_auth(token).send().await;
        response.map(|r| r.status().as_u16()).unwrap_or_else(|e| panic!("request failed: {e}"))
    })
}

#[test]
fn port_zero_picks_a_free_port_and_the_banner_shows_keys_and_a_curl_example() {
    let server = start(&["--port", "0", "--seed", "7", "--latency", "instant"], &[]);
    assert!(server.banner.contains("kling-mock-dev-access-key"), "{}", server.banner);
    assert!(server.banner.contains("kling-mock-dev-secret-key"), "{}", server.banner);
    assert!(server.banner.contains("curl -s"), "{}", server.banner);
    assert!(server.banner.contains("seed 7"), "{}", server.banner);
    assert_eq!(list(&server, &token(&[])), 200);
}

#[test]
fn accounts_come_from_flags_environment_or_a_config_file() {
    let from_flag = start(&["--port", "0", "--account", "ak1:sk1"], &[]);
    assert!(!from_flag.banner.contains("sk1"), "secrets never printed: {}", from_flag.banner);
    assert_eq!(list(&from_flag, &token(&["--account", "ak1:sk1"])), 200);
    assert_eq!(list(&from_flag, &token(&[])), 401);

    let from_env = start(&[], &[("KLING_MOCK_PORT", "0"), ("KLING_MOCK_ACCOUNTS", "ak2:sk2,ak3:sk3")]);
    assert_eq!(list(&from_env, &token(&["--account", "ak3:sk3"])), 200);

    let dir = std::env::temp_dir().join(format!("kling-mock-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let file = dir.join("kling-mock.toml");
    std::fs::write(&file, "port = 0\naccounts = [\"ak4:sk4\"]\nlatency = \"fast\"\n").unwrap_or_else(|e| panic!("{e}"));
    let from_file = start(&["--config", file.to_str().unwrap_or_default()], &[]);
    assert!(from_file.banner.contains("Fast"), "{}", from_file.banner);
    assert_eq!(list(&from_file, &token(&["--account", "ak4:sk4"])), 200);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn help_documents_every_option_and_bad_config_is_refused() {
    let help = Command::new(BIN).arg("--help").output().unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&help.stdout);
    for option in [
        "--host",
        "--port",
        "--account",
        "--time-scale",
        "--seed",
        "--latency",
        "--body-limit",
        "--jwt-leeway",
        "--auth-clock",
        "--strict-types",
        "--lenient-model-support",
        "--public-url",
        "--task-capacity",
        "--callback-timeout",
        "--log-format",
        "--log",
        "--config",
        "--tls",
        "--tls-cert",
        "--tls-key",
        "--header-timeout",
        "--max-connections",
        "KLING_MOCK_PORT",
    ] {
        assert!(text.contains(option), "--help lacks {option}");
    }
    let dir = std::env::temp_dir().join(format!("kling-mock-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let file = dir.join("bad.toml");
    std::fs::write(&file, "prot = 0\n").unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new(BIN)
        .args(["--config", file.to_str().unwrap_or_default()])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("prot"), "the error names the unknown key");
}

#[test]
fn check_scenario_validates_files_without_starting_a_server() {
    let dir = std::env::temp_dir().join(format!("kling-mock-scenarios-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let good = dir.join("good.toml");
    let bad = dir.join("bad.toml");
    std::fs::write(&good, "[[rule]]\nreject = \"service_busy\"\n").unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        &bad,
        "[[rule]]\nreject = \"service_busy\"\n\n[[rule]]\nendpoint = \"text2vide\"\nreject = \"service_busy\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let ok = Command::new(BIN).arg("check-scenario").arg(&good).output().unwrap_or_else(|e| panic!("{e}"));
    assert!(ok.status.success());
    let broken =
        Command::new(BIN).arg("check-scenario").arg(&good).arg(&bad).output().unwrap_or_else(|e| panic!("{e}"));
    assert!(!broken.status.success());
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(stderr.contains(&format!("{}:5: rule[1].endpoint:", bad.display())), "{stderr}");

    let refused =
        Command::new(BIN).args(["--port", "0", "--scenario"]).arg(&bad).output().unwrap_or_else(|e| panic!("{e}"));
    assert!(!refused.status.success(), "a broken scenario stops the start");
    let server = start(&["--port", "0", "--dialect", "seed", "--scenario", good.to_str().unwrap_or_default()], &[]);
    assert!(server.banner.contains("dialect Seed") && server.banner.contains("scenarios 1"), "{}", server.banner);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn openapi_writes_the_document_the_server_serves() {
    let dir = std::env::temp_dir().join(format!("kling-mock-openapi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let file = dir.join("openapi.json");
    let out = Command::new(BIN)
        .args(["openapi", "--server", "http://127.0.0.1:9999", "--out"])
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).unwrap_or_default()).unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(written["openapi"], "3.1.0");
    assert_eq!(written["servers"][0]["url"], "http://127.0.0.1:9999");

    let server = start(&["--port", "0"], &[]);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap_or_else(|e| panic!("{e}"));
    let mut served: serde_json::Value = runtime.block_on(async {
        let response = reqwest::get(format!("{}/__admin/openapi.json", server.base_url)).await;
        response.unwrap_or_else(|e| panic!("{e}")).json().await.unwrap_or_else(|e| panic!("{e}"))
    });
    assert_eq!(served["servers"][0]["url"], server.base_url.as_str());
    served["servers"] = written["servers"].clone();
    assert_eq!(served, written, "one document, whichever way it is obtained");

    let stdout = Command::new(BIN).arg("openapi").output().unwrap_or_else(|e| panic!("{e}"));
    let printed: serde_json::Value = serde_json::from_slice(&stdout.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(printed["servers"][0]["url"], "http://127.0.0.1:8088", "stdout by default");
}

#[test]
fn completions_cover_subcommands_and_options_for_each_shell() {
    for (shell, marker) in [("bash", "complete -F"), ("zsh", "#compdef kling-mock"), ("fish", "complete -c kling-mock")]
    {
        let out = Command::new(BIN).args(["completions", shell]).output().unwrap_or_else(|e| panic!("{e}"));
        assert!(out.status.success(), "{shell}: {}", String::from_utf8_lossy(&out.stderr));
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(script.contains(marker), "{shell} script lacks {marker:?}");
        for word in ["check-scenario", "openapi", "completions", "manual-clock", "log-format"] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
    let bad = Command::new(BIN).args(["completions", "tcsh"]).output().unwrap_or_else(|e| panic!("{e}"));
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("bash"), "the error lists the shells");
}

#[test]
fn bash_completion_script_loads_and_completes_subcommands() {
    let out = Command::new(BIN).args(["completions", "bash"]).output().unwrap_or_else(|e| panic!("{e}"));
    let dir = std::env::temp_dir().join(format!("kling-mock-completion-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let script = dir.join("kling-mock.bash");
    std::fs::write(&script, &out.stdout).unwrap_or_else(|e| panic!("{e}"));
    // Source the script and ask its completion function what follows `kling-mock che`, as
    // bash would on TAB.
    let probe = format!(
        "source {}; f=$(complete -p kling-mock | sed 's/.*-F \\([^ ]*\\).*/\\1/'); \
         COMP_WORDS=(kling-mock che); COMP_CWORD=1; COMP_LINE='kling-mock che'; COMP_POINT=14; \
         \"$f\" kling-mock che kling-mock; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display()
    );
    let run = Command::new("bash").args(["--norc", "-c", &probe]).output().unwrap_or_else(|e| panic!("bash: {e}"));
    let _ = std::fs::remove_dir_all(&dir);
    let replies = String::from_utf8_lossy(&run.stdout);
    assert_eq!(replies.trim(), "check-scenario", "stderr: {}", String::from_utf8_lossy(&run.stderr));
}

#[test]
fn curl_walk_through_runs_against_the_binary() {
    let have_curl = Command::new("curl").arg("--version").output().is_ok_and(|o| o.status.success());
    if !have_curl {
        assert!(std::env::var("KLING_MOCK_REQUIRE_TOOLS").as_deref() != Ok("1"), "curl is required");
        eprintln!("skipped: curl is not installed");
        return;
    }
    let server = start(&["--port", "0", "--seed", "7", "--manual-clock"], &[]);
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/curl.sh");
    let dir = std::env::temp_dir().join(format!("kling-mock-curl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new("bash")
        .arg(&script)
        .arg(&server.base_url)
        .env("KLING_MOCK", BIN)
        .env("KLING_MOCK_ADVANCE", "60")
        .current_dir(&dir)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let video = std::fs::read(dir.join("result.mp4")).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains(": succeed"), "{stdout}");
    assert!(video.len() > 1000 && &video[4..8] == b"ftyp", "a real MP4 was downloaded: {stdout}");
}

#[test]
fn log_format_json_writes_one_json_object_per_line() {
    let mut child = Command::new(BIN)
        .args(["--port", "0", "--log-format", "json", "--log", "debug"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let first = BufReader::new(stdout).lines().next().and_then(Result::ok).unwrap_or_default();
    let base_url = first.rsplit(' ').next().unwrap_or_default();
    assert_eq!(list_at(base_url, "not-a-token"), 401);
    let term = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap_or_else(|e| panic!("{e}"));
    assert!(term.success());
    let output = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    let logs = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<serde_json::Value> = logs
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(lines.iter().all(|l| l["level"].is_string() && l["timestamp"].is_string()), "{logs}");
    assert!(lines.iter().any(|l| l["fields"]["message"] == "shutting down"), "{logs}");
}

#[test]
fn changes_lists_the_dated_entries_and_api_version_picks_the_day_served() {
    let out = Command::new(BIN).args(["changes", "--since", "2026-06-01", "--format", "json"]).output();
    let out = out.unwrap_or_else(|e| panic!("{e}"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let entries: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON: {e}"));
    let entries = entries.as_array().cloned().unwrap_or_default();
    assert!(entries.iter().all(|e| e["date"].as_str().is_some_and(|d| d >= "2026-06-01")), "nothing before June");
    assert!(entries.iter().all(|e| e["kind"].is_string() && e["summary"].is_string() && e["source"].is_string()));
    let has = |kind: &str, date: &str| entries.iter().any(|e| e["kind"] == kind && e["date"] == date);
    assert!(has("auth", "2026-06-17"), "the API-key launch");
    assert!(has("model-retired", "2026-09-15"), "the retirement");

    let text = Command::new(BIN).args(["changes", "--until", "2024-12-31"]).output().unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.starts_with("2024-09-19") && !text.contains("2025-"), "{text}");

    let older = start(&["--port", "0", "--api-version", "2025-06-01"], &[]);
    assert!(older.banner.contains("API of 2025-06-01"), "{}", older.banner);
    let today = start(&["--port", "0"], &[]);
    let latest = kling_api::history::format_day(kling_api::history::Day::latest().date());
    assert!(today.banner.contains(&format!("API of {latest}")), "{}", today.banner);
    for bad in ["2024-01-01", "2026-02-30", "last tuesday"] {
        let out =
            Command::new(BIN).args(["--port", "0", "--api-version", bad]).output().unwrap_or_else(|e| panic!("{e}"));
        assert!(!out.status.success(), "--api-version {bad} was accepted");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(bad), "{bad}: {stderr}");
    }
}
