//! Broken requests get a Kling-shaped JSON error, never a 500 or a dropped connection,
//! and the server keeps serving.

use kling_e2e::{TestApp, dev_token};
use reqwest::Method;

/// What is sent, and the expected HTTP status and Kling code.
type Case<'a> = (&'a str, Method, &'a str, Vec<(&'a str, &'a str)>, Option<Vec<u8>>, u16, i64);

#[tokio::test]
async fn each_kind_of_bad_input_has_a_kling_error() {
    let mut config = kling_mock::Config::for_tests();
    config.body_limit = 4096;
    let app = TestApp::spawn_with(config).await;
    let auth = format!("Bearer {}", dev_token());
    let json = [("authorization", auth.as_str()), ("content-type", "application/json")];
    let path = "/v1/videos/text2video";
    let cases: Vec<Case<'_>> = vec![
        ("malformed JSON", Method::POST, path, json.to_vec(), Some(b"{\"prompt\": ".to_vec()), 400, 1200),
        ("empty body", Method::POST, path, json.to_vec(), Some(Vec::new()), 400, 1200),
        ("JSON array", Method::POST, path, json.to_vec(), Some(b"[1, 2]".to_vec()), 400, 1200),
        ("JSON string", Method::POST, path, json.to_vec(), Some(b"\"prompt\"".to_vec()), 400, 1200),
        ("invalid UTF-8", Method::POST, path, json.to_vec(), Some(b"{\"prompt\": \"\xff\xfe\"}".to_vec()), 400, 1200),
        ("wrong type", Method::POST, path, json.to_vec(), Some(br#"{"prompt": ["a"]}"#.to_vec()), 400, 1201),
        (
            "huge number",
            Method::POST,
            path,
            json.to_vec(),
            Some(br#"{"prompt": "a", "cfg_scale": 1e308}"#.to_vec()),
            400,
            1201,
        ),
        (
            "wrong content type",
            Method::POST,
            path,
            vec![("authorization", auth.as_str()), ("content-type", "text/plain")],
            Some(br#"{"prompt": "a"}"#.to_vec()),
            400,
            1200,
        ),
        (
            "no content type",
            Method::POST,
            path,
            vec![("authorization", auth.as_str())],
            Some(br#"{"prompt": "a"}"#.to_vec()),
            400,
            1200,
        ),
        (
            "oversize body",
            Method::POST,
            path,
            json.to_vec(),
            Some(format!("{{\"prompt\": \"{}\"}}", "x".repeat(8000)).into_bytes()),
            413,
            1200,
        ),
        ("unknown path", Method::GET, "/v1/videos/no-such-thing", json.to_vec(), None, 404, 1203),
        ("root", Method::GET, "/", vec![], None, 404, 1203),
        ("wrong method", Method::DELETE, path, json.to_vec(), None, 404, 1202),
        ("wrong method on a task", Method::POST, "/v1/videos/text2video/123", json.to_vec(), None, 404, 1202),
        ("media path traversal", Method::GET, "/media/videos/5s/..%2F..%2Fetc%2Fpasswd", vec![], None, 404, 1203),
        (
            "media unknown length",
            Method::GET,
            "/media/videos/999s/0b8f6b58-5a43-4f4e-9b3e-0d2f1c9b7a11.mp4",
            vec![],
            None,
            404,
            1203,
        ),
        ("unknown task", Method::GET, "/v1/videos/text2video/866889456698785798", json.to_vec(), None, 404, 1203),
    ];
    for (what, method, path, headers, body, status, code) in cases {
        let reply = app.send(method, path, &headers, body).await;
        assert_eq!((reply.status, reply.code()), (status, code), "{what}: {}", reply.text);
        reply.assert_error(status, code);
    }
    app.get("/v1/videos/text2video").await.assert_ok();
}
