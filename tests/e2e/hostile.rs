//! Hostile clients over a real socket: oversize bodies and headers, slow and idle
//! connections, path tricks on the media route, forged tokens. Each gets its exact
//! answer within a bounded time, and the server keeps serving.

use std::time::{Duration, Instant};

use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey};
use kling_e2e::raw::{self, RawReply};
use kling_e2e::{TestApp, dev_token, now_s};
use kling_mock::config::{DEV_ACCESS_KEY, DEV_SECRET_KEY};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const T2V: &str = "/v1/videos/text2video";

/// An emulator whose connection timeouts are short enough to observe.
async fn quick_timeouts(max_connections: usize) -> TestApp {
    let mut config = kling_mock::Config::for_tests();
    config.header_timeout = Duration::from_millis(400);
    config.max_connections = max_connections;
    config.body_limit = 4096;
    TestApp::spawn_with(config).await
}

/// Reads until the server closes the connection; `None` if it is still open after `limit`.
async fn closed_within(socket: &mut TcpStream, limit: Duration) -> Option<Vec<u8>> {
    let mut seen = Vec::new();
    let read = tokio::time::timeout(limit, async {
        let mut buf = [0u8; 4096];
        loop {
            match socket.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    read.ok().map(|()| seen)
}

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(raw::authority(&app.base)).await.unwrap_or_else(|e| panic!("connect: {e}"))
}

fn create_request(body: &[u8]) -> Vec<u8> {
    let auth = format!("Bearer {}", dev_token());
    raw::request(
        "POST",
        T2V.as_bytes(),
        &[("authorization", auth.as_bytes()), ("content-type", b"application/json")],
        body,
    )
}

#[tokio::test]
async fn a_body_announced_over_the_limit_is_refused_before_it_is_sent() {
    let app = quick_timeouts(64).await;
    let auth = format!("Bearer {}", dev_token());
    let head = format!(
        "POST {T2V} HTTP/1.1\r\nhost: localhost\r\nauthorization: {auth}\r\ncontent-type: application/json\r\ncontent-length: 1073741824\r\nconnection: close\r\n\r\n{{\"prompt\": \""
    );
    let answer =
        raw::exchange(&app.base, head.as_bytes(), Duration::from_secs(2)).await.unwrap_or_else(|e| panic!("{e}"));
    let reply = raw::parse(&answer).unwrap_or_else(|| panic!("no answer: {answer:?}"));
    reply.assert_error(413, 1200);

    // Chunked, without a length: read up to the limit, then refused.
    let chunk = format!("{:x}\r\n{}\r\n", 8000, "x".repeat(8000));
    let chunked = format!(
        "POST {T2V} HTTP/1.1\r\nhost: localhost\r\nauthorization: {auth}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n{chunk}{chunk}0\r\n\r\n"
    );
    raw::send(&app.base, chunked.as_bytes()).await.assert_error(413, 1200);
    app.post(T2V, &json!({"prompt": "still serving"})).await.assert_ok();
}

#[tokio::test]
async fn a_client_that_trickles_its_headers_is_cut_off_after_the_header_timeout() {
    let app = quick_timeouts(64).await;
    let mut socket = connect(&app).await;
    let started = Instant::now();
    socket.write_all(b"GET /v1/videos/text2video HTTP/1.1\r\nhost: localhost\r\n").await.unwrap_or_default();
    let mut cut_off = false;
    for i in 0..20 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if socket.write_all(format!("x-trickle-{i}: 1\r\n").as_bytes()).await.is_err() {
            cut_off = true;
            break;
        }
        if closed_within(&mut socket, Duration::from_millis(1)).await.is_some() {
            cut_off = true;
            break;
        }
    }
    let elapsed = started.elapsed();
    assert!(cut_off, "still connected after {elapsed:?}");
    assert!(elapsed >= Duration::from_millis(350) && elapsed < Duration::from_secs(3), "cut off after {elapsed:?}");
    app.get(T2V).await.assert_ok();
}

#[tokio::test]
async fn a_body_that_stops_arriving_gets_an_error_after_the_timeout() {
    let app = quick_timeouts(64).await;
    let mut socket = connect(&app).await;
    let mut request = create_request(br#"{"prompt": "a cat on the beach, slowly"}"#);
    request.truncate(request.len() - 20);
    socket.write_all(&request).await.unwrap_or_default();
    let started = Instant::now();
    let answer = closed_within(&mut socket, Duration::from_secs(2)).await.unwrap_or_else(|| panic!("no answer"));
    assert!(started.elapsed() >= Duration::from_millis(350), "answered after {:?}", started.elapsed());
    let reply = raw::parse(&answer).unwrap_or_else(|| panic!("unparsable: {answer:?}"));
    reply.assert_error(400, 1200);
}

#[tokio::test]
async fn idle_connections_are_bounded_and_closed() {
    let app = quick_timeouts(4).await;
    let mut idle = Vec::new();
    for _ in 0..4 {
        idle.push(connect(&app).await);
    }
    // Every slot is held by a silent client: the next request waits until they time out.
    let started = Instant::now();
    app.get(T2V).await.assert_ok();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(300) && waited < Duration::from_secs(3), "served after {waited:?}");
    for socket in &mut idle {
        let left = closed_within(socket, Duration::from_millis(100)).await;
        assert_eq!(left, Some(Vec::new()), "an idle connection is closed without an answer");
    }

    // A keep-alive connection that goes quiet after a request is closed too.
    let mut socket = connect(&app).await;
    let auth = format!("Bearer {}", dev_token());
    let request = format!("GET {T2V} HTTP/1.1\r\nhost: localhost\r\nauthorization: {auth}\r\n\r\n");
    socket.write_all(request.as_bytes()).await.unwrap_or_default();
    let started = Instant::now();
    let answer = closed_within(&mut socket, Duration::from_secs(2)).await.unwrap_or_else(|| panic!("kept open"));
    assert!(started.elapsed() >= Duration::from_millis(350), "closed after {:?}", started.elapsed());
    let reply = raw::parse(&answer).unwrap_or_else(|| panic!("unparsable: {answer:?}"));
    assert_eq!((reply.status, reply.json()["code"].as_i64()), (200, Some(0)), "{}", reply.text());
}

#[tokio::test]
async fn oversize_headers_are_refused_and_the_server_keeps_serving() {
    let app = TestApp::spawn().await;
    let big = "a".repeat(40 * 1024);
    let reply = raw::send(&app.base, &raw::request("GET", T2V.as_bytes(), &[("x-big", big.as_bytes())], b"")).await;
    reply.assert_error(431, 1200);
    assert!(reply.json()["message"].as_str().unwrap_or_default().contains("too large"), "{}", reply.text());

    // Beyond what the server reads at all: a bare 431, and the connection is closed.
    let huge = "a".repeat(1024 * 1024);
    let reply = raw::send(&app.base, &raw::request("GET", T2V.as_bytes(), &[("x-huge", huge.as_bytes())], b"")).await;
    assert_eq!((reply.status, reply.body.len()), (431, 0), "{reply:?}");
    let many: Vec<(String, Vec<u8>)> = (0..150).map(|i| (format!("x-h{i}"), b"1".to_vec())).collect();
    let many: Vec<(&str, &[u8])> = many.iter().map(|(n, v)| (n.as_str(), v.as_slice())).collect();
    let reply = raw::send(&app.base, &raw::request("GET", T2V.as_bytes(), &many, b"")).await;
    assert_eq!(reply.status, 431, "{reply:?}");
    app.get(T2V).await.assert_ok();
}

#[tokio::test]
async fn path_tricks_on_the_media_route_never_leave_the_media() {
    let app = TestApp::spawn().await;
    let tricks: [&[u8]; 16] = [
        b"/media/videos/5s/../../../../etc/passwd",
        b"/media/videos/5s/..%2F..%2F..%2Fetc%2Fpasswd",
        b"/media/videos/5s/%2e%2e%2f%2e%2e%2fCargo.toml",
        b"/media/%2e%2e/%2e%2e/etc/passwd",
        b"/media/images/..%2f..%2fCargo.toml",
        b"/media/images/%2Fetc%2Fpasswd",
        b"/media/images/%2Fetc%2Fpasswd.png",
        b"/media/images/..%5c..%5cCargo.toml.png",
        b"/media/images/....//....//etc/passwd.png",
        b"/media/videos/5s//etc/passwd.mp4",
        b"/media/videos/..%2F5s/x.mp4",
        b"/media/videos/5s/%00.mp4",
        b"/media/images/%252e%252e%252fCargo.toml",
        b"/media/../Cargo.toml",
        b"http://localhost/media/../../etc/passwd",
        b"/media/images/\xc0\xae\xc0\xae/etc/passwd",
    ];
    for target in tricks {
        let reply = raw::send(&app.base, &raw::request("GET", target, &[], b"")).await;
        let shown = String::from_utf8_lossy(target);
        assert!(!reply.text().contains("root:") && !reply.text().contains("[workspace]"), "{shown} leaked a file");
        if reply.status == 400 && reply.body.is_empty() {
            // hyper refuses bytes that are not allowed in a request target before routing.
            assert_eq!(target, b"/media/images/\xc0\xae\xc0\xae/etc/passwd", "{shown}");
            continue;
        }
        reply.assert_error(404, 1203);
    }
    let image =
        raw::send(&app.base, &raw::request("GET", b"/media/images/0b8f6b58-5a43-4f4e-9b3e-0d2f1c9b7a11.png", &[], b""))
            .await;
    assert_eq!((image.status, image.header("content-type")), (200, Some("image/png")), "a real media path still works");
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A token with exactly this header, signed with HMAC-SHA256 under `secret`.
fn forge(header: &serde_json::Value, secret: &[u8]) -> String {
    let claims = json!({"iss": DEV_ACCESS_KEY, "exp": now_s() + 1800, "nbf": now_s() - 5});
    let message = format!("{}.{}", b64(header.to_string().as_bytes()), b64(claims.to_string().as_bytes()));
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &EncodingKey::from_secret(secret), Algorithm::HS256)
        .unwrap_or_default();
    format!("{message}.{signature}")
}

#[tokio::test]
async fn forged_algorithms_are_refused() {
    let app = TestApp::spawn().await;
    let secret = DEV_SECRET_KEY.as_bytes();
    let claims = json!({"iss": DEV_ACCESS_KEY, "exp": now_s() + 1800, "nbf": now_s() - 5});
    let unsigned = |alg: &str| {
        format!(
            "{}.{}.",
            b64(json!({"alg": alg, "typ": "JWT"}).to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        )
    };
    let es256 = {
        let key = rcgen::KeyPair::generate().unwrap_or_else(|e| panic!("key: {e}"));
        let key = EncodingKey::from_ec_der(&key.serialize_der());
        jsonwebtoken::encode(&jsonwebtoken::Header::new(Algorithm::ES256), &claims, &key).unwrap_or_default()
    };
    let cases: Vec<(&str, String, &str)> = vec![
        ("alg none, no signature", unsigned("none"), ""),
        ("alg None", unsigned("None"), ""),
        ("alg NONE", unsigned("NONE"), ""),
        ("alg none with a valid HMAC", forge(&json!({"alg": "none"}), secret), ""),
        ("RS256 header over an HMAC signature", forge(&json!({"alg": "RS256", "typ": "JWT"}), secret), "algorithm"),
        ("ES256 header over an HMAC signature", forge(&json!({"alg": "ES256", "typ": "JWT"}), secret), "algorithm"),
        ("a real ES256 token", es256, "algorithm"),
        ("HS256 under another key", forge(&json!({"alg": "HS256"}), b"attacker"), ""),
        (
            "an embedded key",
            forge(&json!({"alg": "HS256", "jwk": {"kty": "oct", "k": b64(b"attacker")}}), b"attacker"),
            "",
        ),
        ("lowercase hs256", forge(&json!({"alg": "hs256"}), secret), ""),
    ];
    for (what, token, mentions) in cases {
        let reply = app.get_as(&token, T2V).await;
        let message = reply.assert_error(401, 1002);
        assert!(message.contains(mentions), "{what}: {message}");
    }
    let genuine = forge(&json!({"alg": "HS256", "typ": "JWT"}), secret);
    app.get_as(&genuine, T2V).await.assert_ok();
}

#[tokio::test]
async fn a_crowd_of_silent_connections_delays_a_client_only_boundedly() {
    let app = quick_timeouts(16).await;
    // Many silent connections at once never stop well-behaved clients for long.
    let mut silent = Vec::new();
    for _ in 0..64 {
        if let Ok(socket) = TcpStream::connect(raw::authority(&app.base)).await {
            silent.push(socket);
        }
    }
    let started = Instant::now();
    let reply: RawReply = raw::send(&app.base, &create_request(br#"{"prompt": "through the crowd"}"#)).await;
    assert_eq!((reply.status, reply.json()["code"].as_i64()), (200, Some(0)), "{}", reply.text());
    assert!(started.elapsed() < Duration::from_secs(5), "served after {:?}", started.elapsed());
}
