//! Raw HTTP/1.1 over a TCP socket, for requests an HTTP client library refuses to send
//! (unnormalised paths, odd methods, bytes that are not UTF-8) and for slow clients.

use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A response read off the socket.
#[derive(Debug, Clone)]
pub struct RawReply {
    /// HTTP status.
    pub status: u16,
    /// Headers, names in lowercase.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
}

impl RawReply {
    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The body as text, lossily.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Whether this is a Kling error envelope: JSON content type and exactly `code`,
    /// `message` and `request_id`, with a non-zero code.
    pub fn is_error_envelope(&self) -> bool {
        let json = self.json();
        let keys: Vec<&str> = json.as_object().map(|m| m.keys().map(String::as_str).collect()).unwrap_or_default();
        self.header("content-type") == Some("application/json")
            && keys == ["code", "message", "request_id"]
            && json["code"].as_i64().is_some_and(|c| c > 0)
            && json["message"].is_string()
            && json["request_id"].as_str().is_some_and(|id| id.len() == 36)
    }

    /// Asserts a Kling error envelope with this status and code.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: i64) {
        assert_eq!((self.status, self.json()["code"].as_i64()), (status, Some(code)), "answer: {}", self.text());
        assert!(self.is_error_envelope(), "not a Kling error envelope: {:?} {}", self.headers, self.text());
    }
}

/// `host:port` of a base URL.
pub fn authority(base: &str) -> &str {
    base.split_once("://").map_or(base, |(_, rest)| rest).trim_end_matches('/')
}

/// A request with `Host`, `Content-Length` (when there is a body) and `Connection: close`
/// added to `headers`.
pub fn request(method: &str, target: &[u8], headers: &[(&str, &[u8])], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 + body.len());
    out.extend_from_slice(method.as_bytes());
    out.push(b' ');
    out.extend_from_slice(target);
    out.extend_from_slice(b" HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n");
    for (name, value) in headers {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    if !body.is_empty() || method == "POST" || method == "PUT" {
        out.extend_from_slice(format!("content-length: {}\r\n", body.len()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

/// Writes `bytes`, then reads until the server closes the connection, all within
/// `timeout`. The write may fail when the server answers and closes early (oversize
/// input); what was read is still returned.
pub async fn exchange(base: &str, bytes: &[u8], timeout: Duration) -> Result<Vec<u8>, String> {
    let run = async {
        let mut socket = TcpStream::connect(authority(base)).await.map_err(|e| format!("connect: {e}"))?;
        let _ = socket.write_all(bytes).await;
        let mut out = Vec::new();
        match socket.read_to_end(&mut out).await {
            Ok(_) => Ok(out),
            Err(_) if !out.is_empty() => Ok(out),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => Ok(out),
            Err(e) => Err(format!("read: {e}")),
        }
    };
    tokio::time::timeout(timeout, run).await.map_err(|_| format!("no answer within {timeout:?}"))?
}

/// Sends one request and parses the answer; panics when there is none.
pub async fn send(base: &str, bytes: &[u8]) -> RawReply {
    let answer = exchange(base, bytes, Duration::from_secs(5)).await.unwrap_or_else(|e| panic!("{e}"));
    parse(&answer).unwrap_or_else(|| panic!("unparsable answer: {:?}", String::from_utf8_lossy(&answer)))
}

/// Parses one HTTP/1.1 response (Content-Length, chunked, or read to close).
pub fn parse(bytes: &[u8]) -> Option<RawReply> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&bytes[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let rest = &bytes[end + 4..];
    let chunked = headers.iter().any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked { dechunk(rest)? } else { rest.to_vec() };
    Some(RawReply { status, headers, body })
}

fn dechunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n")?;
        let size = usize::from_str_radix(std::str::from_utf8(&rest[..line_end]).ok()?.trim(), 16).ok()?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size + 2..)?;
    }
}
