//! HTTPS: a generated certificate or PEM files; result links use `https://` and the host
//! the client used; connection faults still break connections over TLS.

use std::path::Path;
use std::time::Duration;

use kling_e2e::dev_token;
use kling_mock::tls::TlsConfig;
use kling_mock::{App, Config, Running};
use serde_json::{Value, json};

const T2V: &str = "/v1/videos/text2video";

/// An HTTPS emulator and a client that trusts `certificate` (read after the start).
async fn https(tls: TlsConfig) -> (Running, reqwest::Client, String) {
    let mut config = Config::for_tests();
    config.tls = Some(tls);
    let app = App::build(config).await.unwrap_or_else(|e| panic!("emulator did not start: {e}"));
    let certificate = app.tls_certificate().unwrap_or_else(|| panic!("no certificate")).to_owned();
    assert!(app.base_url().starts_with("https://127.0.0.1:"), "{}", app.base_url());
    let port = app.local_addr().port();
    let running = app.spawn();
    let client = trusting(&certificate);
    (running, client, format!("https://localhost:{port}"))
}

fn trusting(certificate: &Path) -> reqwest::Client {
    let pem = std::fs::read(certificate).unwrap_or_else(|e| panic!("{}: {e}", certificate.display()));
    let root = reqwest::Certificate::from_pem(&pem).unwrap_or_else(|e| panic!("certificate: {e}"));
    reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(root)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_else(|e| panic!("client: {e}"))
}

async fn json_of(response: Result<reqwest::Response, reqwest::Error>) -> Value {
    let response = response.unwrap_or_else(|e| panic!("request failed: {e:?}"));
    response.json().await.unwrap_or_else(|e| panic!("not JSON: {e}"))
}

/// Creates a task, lets it finish, queries it and downloads its video over HTTPS.
async fn round_trip(running: &Running, client: &reqwest::Client, base: &str) {
    let created = json_of(
        client.post(format!("{base}{T2V}")).bearer_auth(dev_token()).json(&json!({"prompt": "tls"})).send().await,
    )
    .await;
    assert_eq!(created["code"], 0, "{created}");
    let id = created["data"]["task_id"].as_str().unwrap_or_default().to_owned();
    running.clock().advance(Duration::from_secs(3600));
    let task = json_of(client.get(format!("{base}{T2V}/{id}")).bearer_auth(dev_token()).send().await).await;
    assert_eq!(task["data"]["task_status"], "succeed", "{task}");
    let url = task["data"]["task_result"]["videos"][0]["url"].as_str().unwrap_or_default().to_owned();
    assert!(url.starts_with(&format!("{base}/media/videos/")), "the link uses the client's scheme and host: {url}");
    let video = client.get(&url).send().await.unwrap_or_else(|e| panic!("download: {e}"));
    assert_eq!(video.status(), 200);
    let bytes = video.bytes().await.unwrap_or_default();
    assert_eq!(bytes.get(4..8), Some(&b"ftyp"[..]), "an MP4 file");
}

#[tokio::test]
async fn a_generated_certificate_serves_tasks_and_media_over_https() {
    let (running, client, base) = https(TlsConfig::SelfSigned).await;
    round_trip(&running, &client, &base).await;

    let untrusting = reqwest::Client::builder().use_rustls_tls().build().unwrap_or_else(|e| panic!("{e}"));
    let refused = untrusting.get(format!("{base}{T2V}")).bearer_auth(dev_token()).send().await;
    assert!(refused.is_err(), "a client that does not trust the certificate cannot connect");
    let plain = reqwest::get(format!("{}{T2V}", base.replace("https://", "http://"))).await;
    assert!(plain.is_err(), "plain HTTP on the HTTPS port gets no HTTP answer");
    round_trip(&running, &client, &base).await;
}

#[tokio::test]
async fn pem_files_given_on_the_command_line_are_served() {
    let generated =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap_or_else(|e| panic!("rcgen: {e}"));
    let dir = std::env::temp_dir().join(format!("kling-mock-e2e-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, generated.cert.pem()).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&key, generated.signing_key.serialize_pem()).unwrap_or_else(|e| panic!("{e}"));
    let (running, client, base) = https(TlsConfig::Files { cert: cert.clone(), key }).await;
    round_trip(&running, &client, &base).await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn connection_faults_break_connections_over_tls_too() {
    let (running, client, base) = https(TlsConfig::SelfSigned).await;
    let scenario = "[[rule]]\nnth = 1\nconnection = \"drop\"\n[[rule]]\nnth = 2\nconnection = \"reset\"\n";
    let loaded = client
        .put(format!("{base}/__admin/scenarios"))
        .header("content-type", "application/toml")
        .body(scenario)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded.status(), 200);
    for fault in ["drop", "reset"] {
        let sent =
            client.post(format!("{base}{T2V}")).bearer_auth(dev_token()).json(&json!({"prompt": "a"})).send().await;
        assert!(sent.is_err(), "{fault}: the connection was not broken: {sent:?}");
    }
    let created = json_of(
        client.post(format!("{base}{T2V}")).bearer_auth(dev_token()).json(&json!({"prompt": "a"})).send().await,
    )
    .await;
    assert_eq!(created["code"], 0, "{created}");
    drop(running);
}
