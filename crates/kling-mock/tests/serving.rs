//! The `kling-mock` process as users run it: its logs never hold a secret key, a bearer
//! token or the admin token, and `--tls` serves HTTPS with the certificate the banner names.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_kling-mock");

/// A running process, its banner, and its stderr collected until it is stopped.
struct Process {
    child: Child,
    banner: Vec<String>,
    stderr: Option<JoinHandle<String>>,
}

impl Process {
    fn start(args: &[&str]) -> Process {
        let mut child = Command::new(BIN)
            .args(["--port", "0", "--seed", "1"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {BIN}: {e}"));
        let mut stderr = child.stderr.take().unwrap_or_else(|| panic!("no stderr"));
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let mut banner = Vec::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let last = line.contains("curl");
            banner.push(line);
            if last {
                break;
            }
        }
        Process { child, banner, stderr: Some(stderr) }
    }

    fn base_url(&self) -> String {
        let first = self.banner.first().cloned().unwrap_or_default();
        first.rsplit(' ').next().unwrap_or_default().to_owned()
    }

    /// Stops the process and returns everything it wrote to stderr.
    fn logs(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.stderr.take().and_then(|h| h.join().ok()).unwrap_or_default()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap_or_else(|e| panic!("{e}"))
}

fn sign(claims: &serde_json::Value, secret: &str) -> String {
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(secret.as_bytes()))
        .unwrap_or_default()
}

fn now_s() -> i64 {
    kling_mock::clock::wall_ms() / 1000
}

#[test]
fn debug_logs_hold_no_secret_and_no_token() {
    const SECRET: &str = "sk-log-never-shown-5d1e";
    const ADMIN: &str = "admin-log-never-shown-8b2f";
    let account = format!("ak-log:{SECRET}");
    let process =
        Process::start(&["--account", &account, "--admin-token", ADMIN, "--log", "debug", "--log-format", "json"]);
    let base = process.base_url();
    let valid = sign(&json!({"iss": "ak-log", "exp": now_s() + 600, "nbf": now_s() - 5}), SECRET);
    let expired = sign(&json!({"iss": "ak-log", "exp": now_s() - 600}), SECRET);
    let forged = sign(&json!({"iss": "ak-log", "exp": now_s() + 600}), "guess");
    let client = reqwest::Client::new();
    let answers = runtime().block_on(async {
        let mut answers = Vec::new();
        for token in [&valid, &expired, &forged, &SECRET.to_owned(), &ADMIN.to_owned()] {
            for path in ["/v1/videos/text2video", "/v1/videos/text2video/1", "/__admin/journal", "/nowhere"] {
                let body = json!({"prompt": "logged?", "callback_url": "http://127.0.0.1:9/hook"});
                let response = client.post(format!("{base}{path}")).bearer_auth(token).json(&body).send().await;
                let response = response.unwrap_or_else(|e| panic!("{path}: {e}"));
                answers.push(response.text().await.unwrap_or_default());
            }
        }
        answers
    });
    let logs = process.logs();
    assert!(logs.matches("\"answered\"").count() >= 20, "each request is logged at debug level: {logs}");
    for (what, secret) in
        [("secret key", SECRET), ("admin token", ADMIN), ("token", &valid), ("expired", &expired), ("forged", &forged)]
    {
        assert!(!logs.contains(secret), "the {what} is in the logs: {logs}");
        assert!(answers.iter().all(|a| !a.contains(secret)), "the {what} is in an answer: {answers:?}");
    }
    assert!(!logs.contains("eyJ"), "a JWT is in the logs: {logs}");
}

#[test]
fn tls_from_the_command_line_serves_https_with_the_certificate_in_the_banner() {
    let process = Process::start(&["--tls", "--manual-clock"]);
    let base = process.base_url();
    assert!(base.starts_with("https://127.0.0.1:"), "{:?}", process.banner);
    let line = process.banner.iter().find(|l| l.contains("TLS certificate to trust: ")).cloned().unwrap_or_default();
    let path = line.split("TLS certificate to trust: ").nth(1).unwrap_or_default().trim().to_owned();
    let pem = std::fs::read(&path).unwrap_or_else(|e| panic!("{path:?} from {:?}: {e}", process.banner));
    let root = reqwest::Certificate::from_pem(&pem).unwrap_or_else(|e| panic!("{e}"));
    let client = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(root)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let token = sign(
        &json!({"iss": kling_mock::config::DEV_ACCESS_KEY, "exp": now_s() + 600}),
        kling_mock::config::DEV_SECRET_KEY,
    );
    let status = runtime().block_on(async {
        let response = client.get(format!("{base}/v1/videos/text2video")).bearer_auth(&token).send().await;
        response.map(|r| r.status().as_u16()).unwrap_or_else(|e| panic!("{e:?}"))
    });
    assert_eq!(status, 200);
}
