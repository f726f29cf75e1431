//! The `kling-mock` process under signals: SIGTERM and Ctrl-C (SIGINT) drain in-flight
//! requests, save the state file and exit 0; a restarted process serves the same tasks;
//! a broken state file stops the start with its path and the reason.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use common::{BIN, Server, token};
use serde_json::{Value, json};

const CLOCK_START: &str = "1790000000000";

impl Server {
    /// Starts the binary on a free port; its banner ends with the state file's line.
    fn start_serving(args: &[&str]) -> Server {
        let all = [&["--port", "0", "--seed", "3", "--log", "warn"], args].concat();
        Server::start(&all, &[], "state file")
    }

    /// Sends `signal` (`TERM`, `INT`) through kill(1).
    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status()
            .unwrap_or_else(|e| panic!("kill: {e}"));
        assert!(status.success(), "kill -{signal} failed");
    }

    /// Waits (at most 10 s) for the process to exit.
    fn wait(&mut self) -> ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap_or_else(|e| panic!("wait: {e}")) {
                return status;
            }
            assert!(Instant::now() < deadline, "kling-mock did not exit within 10 s of the signal");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap_or_else(|e| panic!("{e}"))
}

/// Sends one request and returns the envelope (status, JSON body).
async fn call(method: reqwest::Method, url: String, body: Option<Value>) -> (u16, Value) {
    let mut request = reqwest::Client::new().request(method, url).bearer_auth(token(&[]));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap_or_else(|e| panic!("request failed: {e}"));
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// `data` of a GET, with the server's own address replaced (it changes on restart).
fn get(server: &Server, path: &str) -> Value {
    let (status, body) = runtime().block_on(call(reqwest::Method::GET, format!("{}{path}", server.base_url), None));
    assert_eq!(status, 200, "GET {path}: {body}");
    let text = body["data"].to_string().replace(&server.base_url, "http://emulator");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"))
}

fn create(server: &Server, body: Value) -> String {
    let url = format!("{}/v1/videos/text2video", server.base_url);
    let (status, reply) = runtime().block_on(call(reqwest::Method::POST, url, Some(body)));
    assert_eq!(status, 200, "create: {reply}");
    reply["data"]["task_id"].as_str().unwrap_or_default().to_owned()
}

fn advance(server: &Server, seconds: u64) {
    let url = format!("{}/__admin/clock/advance", server.base_url);
    let (status, reply) = runtime().block_on(call(reqwest::Method::POST, url, Some(json!({"seconds": seconds}))));
    assert_eq!(status, 200, "advance: {reply}");
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kling-mock-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn text(path: &Path) -> &str {
    path.to_str().unwrap_or_else(|| panic!("non-UTF-8 temp path"))
}

#[test]
fn sigterm_saves_the_state_and_a_restarted_process_serves_the_same_tasks() {
    let dir = temp_dir("sigterm");
    let state = dir.join("state.json");
    let args = ["--manual-clock", "--clock-start", CLOCK_START, "--state-file", text(&state)];

    let mut first = Server::start_serving(&args);
    assert!(first.banner.contains("none yet"), "{}", first.banner);
    let done = create(&first, json!({"prompt": "finished before the restart", "external_task_id": "ext-done"}));
    advance(&first, 3600);
    let running = create(&first, json!({"prompt": "still running at the restart", "external_task_id": "ext-run"}));
    let before_done = get(&first, &format!("/v1/videos/text2video/{done}"));
    let before_running = get(&first, &format!("/v1/videos/text2video/{running}"));
    let before_list = get(&first, "/v1/videos/text2video?pageNum=1&pageSize=30");
    assert_eq!(before_done["task_status"], "succeed");
    assert_eq!(before_running["task_status"], "submitted");
    first.signal("TERM");
    assert!(first.wait().success(), "SIGTERM must end kling-mock with status 0");

    let saved = std::fs::read_to_string(&state).unwrap_or_else(|e| panic!("no state file after SIGTERM: {e}"));
    assert!(saved.contains("\"version\":1"), "format version missing");
    assert!(!saved.contains("kling-mock-dev-secret-key"), "a secret key was written to the state file");

    let second = Server::start_serving(&args);
    assert!(second.banner.contains("restored 2 tasks (1 unfinished)"), "{}", second.banner);
    assert_eq!(get(&second, &format!("/v1/videos/text2video/{done}")), before_done);
    assert_eq!(get(&second, "/v1/videos/text2video/ext-done"), before_done, "external ids survive");
    assert_eq!(get(&second, &format!("/v1/videos/text2video/{running}")), before_running);
    assert_eq!(get(&second, "/v1/videos/text2video?pageNum=1&pageSize=30"), before_list);

    // The unfinished task continues on the restored clock, and new ids stay unique.
    advance(&second, 3600);
    let resumed = get(&second, "/v1/videos/text2video/ext-run");
    assert_eq!(resumed["task_status"], "succeed", "{resumed}");
    assert!(resumed["updated_at"].as_i64() > before_running["updated_at"].as_i64());
    let new = create(&second, json!({"prompt": "after the restart"}));
    let id = |s: &str| s.parse::<u64>().unwrap_or_else(|e| panic!("{s}: {e}"));
    assert!(id(&new) > id(&running) && id(&running) > id(&done), "task ids must keep growing: {done} {running} {new}");
    advance(&second, 3600);
    let new_task = get(&second, &format!("/v1/videos/text2video/{new}"));
    let video = |t: &Value| t["task_result"]["videos"][0]["id"].clone();
    assert_ne!(video(&new_task), video(&before_done), "video ids must not repeat after a restart");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ctrl_c_lets_an_in_flight_request_finish_before_exiting() {
    let dir = temp_dir("sigint");
    let state = dir.join("state.json");
    let scenario = dir.join("slow-create.toml");
    std::fs::write(&scenario, "[[rule]]\nname = \"slow-create\"\ndelay = 1500\n").unwrap_or_else(|e| panic!("{e}"));
    // Real time: the delay must pass while the process is shutting down.
    let mut server = Server::start_serving(&["--state-file", text(&state), "--scenario", text(&scenario)]);
    let url = format!("{}/v1/videos/text2video", server.base_url);
    let in_flight = std::thread::spawn(move || {
        runtime().block_on(call(reqwest::Method::POST, url, Some(json!({"prompt": "answered during shutdown"}))))
    });
    std::thread::sleep(Duration::from_millis(400));
    let signalled = Instant::now();
    server.signal("INT");
    let (status, reply) = in_flight.join().unwrap_or_else(|_| panic!("request thread panicked"));
    assert_eq!(status, 200, "the in-flight create was cut: {reply}");
    let task_id = reply["data"]["task_id"].as_str().unwrap_or_default().to_owned();
    assert!(server.wait().success(), "Ctrl-C must end kling-mock with status 0");
    assert!(signalled.elapsed() >= Duration::from_millis(500), "exited before the slow request was answered");

    let restarted = Server::start_serving(&["--state-file", text(&state)]);
    let task = get(&restarted, &format!("/v1/videos/text2video/{task_id}"));
    assert_eq!(task["task_id"], task_id.as_str(), "the task created during shutdown was saved");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs kling-mock with `args` expecting it to refuse to start because of `state`;
/// returns its stderr.
fn refused_with(state: &Path, args: &[&str]) -> String {
    let mut child = Command::new(BIN)
        .args(["--port", "0"])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {BIN}: {e}"));
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap_or_else(|e| panic!("{e}")) {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("kling-mock started with a broken state file instead of refusing");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(!status.success(), "a broken state file must give a non-zero exit");
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
    }
    assert!(stderr.contains(text(state)), "the error names the file: {stderr}");
    stderr
}

fn refused(state: &Path) -> String {
    refused_with(state, &["--state-file", text(state)])
}

#[test]
fn a_corrupt_or_foreign_state_file_stops_the_start_with_the_path_and_the_reason() {
    let dir = temp_dir("corrupt");
    let state = dir.join("state.json");
    std::fs::write(&state, "{\"format\": \"kling-mock-state\", \"version\": 1, \"clock_ms\": 12").unwrap_or_default();
    assert!(refused(&state).contains("invalid JSON"));
    std::fs::write(&state, "{\"format\": \"kling-mock-state\", \"version\": 99}").unwrap_or_default();
    assert!(refused(&state).contains("format version 99 is not supported"));
    std::fs::write(&state, "{\"tasks\": []}").unwrap_or_default();
    assert!(refused(&state).contains("not a kling-mock state file"));
    // The same through a config file.
    let config = dir.join("kling-mock.toml");
    std::fs::write(&config, format!("state_file = {:?}\nstate_save_interval = 5\n", text(&state))).unwrap_or_default();
    assert!(refused_with(&state, &["--config", text(&config)]).contains("not a kling-mock state file"));
    let _ = std::fs::remove_dir_all(&dir);
}
