//! The billing exports streamed by cursor, and received callbacks verified and read,
//! against the in-process emulator.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::HeaderMap;
use futures_util::TryStreamExt as _;
use kling_api::requests::Text2VideoRequest;
use kling_api::requests_standard::StandardRequest;
use kling_api::wire_billing::ExportQuery;
use kling_client::webhook::{Callback, Verifier, WebhookError, event_id};
use kling_client::{Client, Config, ManualClock, WaitOptions};
use kling_mock::accounts::CashLimits;
use kling_mock::config::{DEV_ACCESS_KEY, DEV_API_KEY};
use kling_mock::{App, Running};
use tokio::sync::mpsc;

const FAST: WaitOptions = WaitOptions { interval: Duration::from_millis(5), deadline: Duration::from_secs(10) };
const SECRET: &str = "whsec_dGVzdHNlY3JldHRlc3RzZWNyZXR0ZXN0c2VjcmV0MTI=";
const OTHER: &str = "whsec_bmV3c2VjcmV0bmV3c2VjcmV0bmV3c2VjcmV0IQ==";

async fn emulator(config: kling_mock::Config) -> Running {
    App::build(config).await.unwrap_or_else(|e| panic!("emulator: {e}")).spawn()
}

fn client(running: &Running) -> Client {
    Client::new(Config::with_api_key(&running.base_url, DEV_API_KEY)).unwrap_or_else(|e| panic!("client: {e}"))
}

fn drive(running: &Running) -> impl FnMut(&kling_api::wire::Task) + '_ {
    move |_| running.clock().advance(Duration::from_secs(3600))
}

fn everything() -> ExportQuery {
    ExportQuery::default().window(0, 9_999_999_999_999)
}

#[tokio::test]
async fn both_exports_stream_every_deduction_once_newest_first() {
    let mut config = kling_mock::Config::for_tests();
    let dev = config.limits.accounts.entry(DEV_ACCESS_KEY.to_owned()).or_default();
    dev.video.units = Some("3".parse().unwrap_or_else(|e| panic!("{e}")));
    dev.cash = Some(CashLimits { balance: "10".parse().unwrap_or_else(|e| panic!("{e}")), ..CashLimits::default() });
    let running = emulator(config).await;
    let client = client(&running);
    let mut ids = Vec::new();
    for prompt in ["one", "two", "three", "four", "five"] {
        let task = client.text2video().run(&Text2VideoRequest::new(prompt), FAST, drive(&running)).await;
        ids.push(task.unwrap_or_else(|e| panic!("{prompt}: {e}")).task_id);
    }
    // 1.5 units each: the pack of 3 pays for two, cash for the other three.
    let units: Vec<_> =
        client.package_deductions(everything().limit(1)).try_collect().await.unwrap_or_else(|e| panic!("{e}"));
    let cash: Vec<_> =
        client.balance_deductions(everything().limit(2)).try_collect().await.unwrap_or_else(|e| panic!("{e}"));
    let unit_ids: Vec<&str> = units.iter().map(|d| d.task.task_id.as_str()).collect();
    let cash_ids: Vec<&str> = cash.iter().map(|d| d.task.task_id.as_str()).collect();
    assert_eq!(unit_ids, [ids[1].as_str(), ids[0].as_str()]);
    assert_eq!(cash_ids, [ids[4].as_str(), ids[3].as_str(), ids[2].as_str()]);
    assert!(units.iter().all(|d| d.deduction_amount == 1.5 && d.product_type == "video"));
    let after: Vec<f64> = cash.iter().map(|d| d.balance_after_deduction).collect();
    let price = cash[0].deduction_amount;
    assert!(price > 0.0 && cash.iter().all(|d| d.deduction_amount == price && d.currency == "USD"));
    assert!(after.windows(2).all(|w| (w[1] - w[0] - price).abs() < 1e-9), "balances step down by the price: {after:?}");
    let first = client.balance_export(&everything().limit(2)).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((first.result.count, first.has_more, first.next_cursor.is_some()), (2, true, true));
    let bad = client.balance_export(&ExportQuery::default()).await.err();
    assert!(bad.as_ref().is_some_and(kling_client::Error::is_invalid_request), "a window is required: {bad:?}");
}

/// A receiver that hands every callback to the test as it arrived.
async fn receiver() -> (String, mpsc::UnboundedReceiver<(HeaderMap, Bytes)>) {
    let (sender, received) = mpsc::unbounded_channel();
    let sender = Arc::new(sender);
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let sender = sender.clone();
            async move {
                let _ = sender.send((headers, body));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("bind: {e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("addr: {e}"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/hook"), received)
}

async fn next(received: &mut mpsc::UnboundedReceiver<(HeaderMap, Bytes)>) -> (HeaderMap, Bytes) {
    tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no callback arrived"))
}

#[tokio::test]
async fn callbacks_of_both_surfaces_verify_and_read_as_their_tasks() {
    let mut config = kling_mock::Config::for_tests();
    config.webhook_secrets = vec![SECRET.parse().unwrap_or_else(|e| panic!("{e:?}"))];
    let running = emulator(config).await;
    let client = client(&running);
    let (url, mut received) = receiver().await;
    let emulator_now = || ManualClock::new(running.clock().now_ms() / 1000);

    let legacy = client.text2video().create(&Text2VideoRequest::new("a kite").callback_url(&url)).await;
    let legacy = legacy.unwrap_or_else(|e| panic!("{e}")).task_id;
    running.clock().advance(Duration::from_secs(3600));
    let (headers, body) = next(&mut received).await;
    let verifier = Verifier::new([OTHER, SECRET]).unwrap_or_else(|e| panic!("{e}")).clock(emulator_now());
    let callback = verifier.receive(&headers, &body).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(&callback, Callback::Legacy(t) if t.task_id == legacy), "{callback:?}");
    assert!(!callback.is_finished(), "processing first");
    let (headers_done, body_done) = next(&mut received).await;
    let done = Verifier::new([SECRET]).unwrap_or_else(|e| panic!("{e}")).clock(emulator_now());
    let callback = done.receive(&headers_done, &body_done).unwrap_or_else(|e| panic!("{e}"));
    assert!(callback.is_finished() && callback.task_id() == legacy);
    assert_ne!(event_id(&headers), event_id(&headers_done), "one webhook-id per event");

    let request = StandardRequest::text("a kite").callback_url(&url);
    let standard = client.text_to_video_30().create(&request).await.unwrap_or_else(|e| panic!("{e}")).id;
    running.clock().advance(Duration::from_secs(3600));
    let (headers, body) = next(&mut received).await;
    let now = Verifier::new([SECRET]).unwrap_or_else(|e| panic!("{e}")).clock(emulator_now());
    let callback = now.receive(&headers, &body).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(&callback, Callback::Standard(t) if t.id == standard), "{callback:?}");

    let wrong = Verifier::new([OTHER]).unwrap_or_else(|e| panic!("{e}")).clock(emulator_now());
    assert!(matches!(wrong.verify(&headers, &body), Err(WebhookError::Rejected(_))), "another secret");
    let mut tampered = body.to_vec();
    tampered.extend_from_slice(b" ");
    assert!(now.verify(&headers, &tampered).is_err(), "a changed body");
    let later = ManualClock::new(running.clock().now_ms() / 1000 + 301);
    let late = Verifier::new([SECRET]).unwrap_or_else(|e| panic!("{e}")).clock(later);
    assert!(late.verify(&headers, &body).is_err(), "a replay after the tolerance");
    let mut unsigned = headers.clone();
    unsigned.remove(kling_api::webhook::HEADER_SIGNATURE);
    assert!(now.verify(&unsigned, &body).is_err(), "no signature");
    assert!(matches!(Verifier::new(["nope"]), Err(WebhookError::BadSecret(0))));
    assert!(matches!(Verifier::new(Vec::<String>::new()), Err(WebhookError::NoSecret)));
}
