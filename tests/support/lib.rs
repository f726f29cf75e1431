//! Test harness: start the emulator in-process on a free port and talk to it over a real
//! socket, with helpers for tokens, requests and simulated time.

pub mod callbacks;
pub mod raw;

pub use callbacks::{CallbackSink, RawCallback};

/// The test configuration serving the last day `kling-v1` was offered (the day before the
/// entry that withdraws it, from the history table).
pub fn config_before_retirement() -> Config {
    let spec = kling_api::endpoints::spec(kling_api::EndpointId::Text2Video);
    let mut config = Config::for_tests();
    if let kling_api::history::Offered::Retired(change) =
        kling_api::history::Day::latest().value(spec.id, "model_name", "kling-v1")
    {
        config.api_day = kling_api::history::Day::before(change);
    }
    config
}

use std::time::Duration;

use kling_mock::config::{DEV_ACCESS_KEY, DEV_SECRET_KEY};
use kling_mock::{App, Config, Running};
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::Value;

/// A running emulator and a client for it.
pub struct TestApp {
    /// The emulator.
    pub running: Running,
    /// Its base URL.
    pub base: String,
    /// A plain HTTP client.
    pub http: reqwest::Client,
}

/// A response, decoded.
#[derive(Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// The raw body.
    pub text: String,
    /// The body as JSON (`Null` when it is not JSON).
    pub json: Value,
}

impl Reply {
    /// `code` of the envelope.
    pub fn code(&self) -> i64 {
        self.json["code"].as_i64().unwrap_or(-1)
    }

    /// `message` of the envelope.
    pub fn message(&self) -> &str {
        self.json["message"].as_str().unwrap_or("")
    }

    /// Asserts a Kling error envelope with this status and code, and returns its message.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: i64) -> &str {
        assert_eq!((self.status, self.code()), (status, code), "unexpected answer: {}", self.text);
        assert_eq!(
            self.headers.get("content-type").and_then(|v| v.to_str().ok()),
            Some("application/json"),
            "error without JSON content type: {}",
            self.text
        );
        let keys: Vec<&str> = self.json.as_object().map(|m| m.keys().map(String::as_str).collect()).unwrap_or_default();
        assert_eq!(keys, ["code", "message", "request_id"], "error envelope keys: {}", self.text);
        assert_uuid_v4(self.json["request_id"].as_str().unwrap_or(""));
        self.message()
    }

    /// Asserts success and returns `data`.
    #[track_caller]
    pub fn assert_ok(&self) -> &Value {
        assert_eq!((self.status, self.code()), (200, 0), "unexpected answer: {}", self.text);
        assert_eq!(self.message(), "SUCCEED");
        assert_uuid_v4(self.json["request_id"].as_str().unwrap_or(""));
        &self.json["data"]
    }
}

/// Asserts a lowercase hyphenated UUID v4.
#[track_caller]
pub fn assert_uuid_v4(text: &str) {
    let parts: Vec<&str> = text.split('-').collect();
    let lengths: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    assert_eq!(lengths, [8, 4, 4, 4, 12], "not a UUID: {text:?}");
    assert!(text.chars().all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()), "not a UUID: {text:?}");
    assert!(parts[2].starts_with('4'), "not version 4: {text:?}");
}

/// Ids that exist in one emulator, for the placeholders of the rule tables (`$video_id`,
/// `$session_id`, ...), made by the kling-api prerequisite steps.
#[derive(Debug, Clone)]
pub struct Sources(pub kling_api::prerequisites::Placeholders);

impl Sources {
    /// Replaces the placeholders in `value`; panics on one no step made.
    pub fn fill(&self, value: &mut Value) {
        let missing = kling_api::prerequisites::fill(value, &self.0);
        assert!(missing.is_empty(), "no prerequisite step makes {missing:?}");
    }

    /// The value of one placeholder (`"$video_id"`).
    pub fn get(&self, placeholder: &str) -> &str {
        self.0.get(placeholder).map_or("", String::as_str)
    }
}

/// Signs `claims` with `secret` using `alg`.
pub fn sign(claims: &Value, secret: &str, alg: jsonwebtoken::Algorithm) -> String {
    let key = jsonwebtoken::EncodingKey::from_secret(secret.as_bytes());
    jsonwebtoken::encode(&jsonwebtoken::Header::new(alg), claims, &key).unwrap_or_default()
}

/// The real Unix time in seconds (tokens are checked against the wall clock by default).
pub fn now_s() -> i64 {
    kling_mock::clock::wall_ms() / 1000
}

/// The endpoint's base request of its table, `$image:` placeholders made real images.
pub fn base_body(spec: &kling_api::EndpointSpec) -> Value {
    let mut body: Value = serde_json::from_str(spec.base).unwrap_or_else(|e| panic!("{}: {e}", spec.name));
    kling_api::samples::materialize(&mut body);
    body
}

/// A valid token for the development account.
pub fn dev_token() -> String {
    token(DEV_ACCESS_KEY, DEV_SECRET_KEY)
}

/// What the development account sends on `path`: its API key on the new-standard and
/// Solutions surfaces, a token elsewhere.
pub fn dev_credential(path: &str) -> String {
    let path = path.split('?').next().unwrap_or(path);
    if kling_api::standard::is_api_key_only_path(path) {
        kling_mock::config::DEV_API_KEY.to_owned()
    } else {
        dev_token()
    }
}

/// A valid token for an account.
pub fn token(access_key: &str, secret_key: &str) -> String {
    let now = now_s();
    sign(
        &serde_json::json!({"iss": access_key, "exp": now + 1800, "nbf": now - 5}),
        secret_key,
        jsonwebtoken::Algorithm::HS256,
    )
}

impl TestApp {
    /// The emulator with [`Config::for_tests`].
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(Config::for_tests()).await
    }

    /// The emulator serving the last day `kling-v1` was offered (2026-09-14): for tests of
    /// the 2025 models and of video-extend, which takes their videos only.
    pub async fn spawn_before_retirement() -> TestApp {
        TestApp::spawn_with(config_before_retirement()).await
    }

    /// The emulator with `config`.
    pub async fn spawn_with(config: Config) -> TestApp {
        let app = App::build(config).await.unwrap_or_else(|e| panic!("emulator did not start: {e}"));
        TestApp::serve(app)
    }

    /// Serves an emulator already built (to look at it before it serves, e.g. what a state
    /// file restored).
    pub fn serve(app: App) -> TestApp {
        let running = app.spawn();
        let base = running.base_url.clone();
        let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap_or_default();
        TestApp { running, base, http }
    }

    /// Moves simulated time forward.
    pub fn advance(&self, seconds: u64) {
        self.running.clock().advance(Duration::from_secs(seconds));
    }

    /// Sends a request with optional headers and body.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Reply {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(*name, HeaderValue::from_str(value).unwrap_or(HeaderValue::from_static("")));
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request.send().await.unwrap_or_else(|e| panic!("request to {path} failed: {e}"));
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap_or_default();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply { status, headers, text, json }
    }

    /// POSTs JSON with `token`.
    pub async fn post_as(&self, token: &str, path: &str, body: &Value) -> Reply {
        let auth = format!("Bearer {token}");
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        self.send(
            reqwest::Method::POST,
            path,
            &[("authorization", &auth), ("content-type", "application/json")],
            Some(bytes),
        )
        .await
    }

    /// POSTs JSON as the development account: with its token on the legacy surface, its
    /// API key on the new-standard one (which takes nothing else).
    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.post_as(&dev_credential(path), path, body).await
    }

    /// GETs with `token`.
    pub async fn get_as(&self, token: &str, path: &str) -> Reply {
        let auth = format!("Bearer {token}");
        self.send(reqwest::Method::GET, path, &[("authorization", &auth)], None).await
    }

    /// GETs as the development account (token or API key, as for [`TestApp::post`]).
    pub async fn get(&self, path: &str) -> Reply {
        self.get_as(&dev_credential(path), path).await
    }

    /// Sends a JSON request to the admin API.
    pub async fn admin(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> Reply {
        let bytes = body.map(|b| serde_json::to_vec(b).unwrap_or_default());
        self.send(method, &format!("/__admin{path}"), &[("content-type", "application/json")], bytes).await
    }

    /// Replaces the active scenarios with `toml` (through the admin API).
    pub async fn scenario(&self, toml: &str) {
        let reply = self
            .send(
                reqwest::Method::PUT,
                "/__admin/scenarios",
                &[("content-type", "application/toml")],
                Some(toml.as_bytes().to_vec()),
            )
            .await;
        assert_eq!(reply.status, 200, "scenario rejected: {}", reply.text);
    }

    /// Makes the ids stateful endpoints need (a finished kling-v1 video, sessions, a
    /// custom voice and element, an audio) with the kling-api prerequisite steps.
    pub async fn sources(&self) -> Sources {
        let pace = kling_contract::prepare::Pace::Driven(self.running.clock().clone());
        let made = kling_contract::prepare::run(&self.http, &self.base, &dev_token(), &pace).await;
        Sources(made.unwrap_or_else(|e| panic!("prerequisites: {e}")))
    }

    /// Creates a text2video task and returns its id.
    pub async fn create_text2video(&self, body: &Value) -> String {
        let reply = self.post("/v1/videos/text2video", body).await;
        reply.assert_ok()["task_id"].as_str().unwrap_or_default().to_owned()
    }
}
