//! Against the real API, only when `KLING_AI_ACCESS_KEY` and `KLING_AI_SECRET_KEY` are set;
//! otherwise each test says it was skipped. These checks cost nothing; set
//! `KLING_ALLOW_SPEND=1` to also create one std 5 s text2video task (it is billed).

use kling_api::requests::Text2VideoRequest;
use kling_client::{Client, Config};

fn real_client() -> Option<Client> {
    match Config::from_env() {
        Ok(config) => Client::new(config).ok(),
        Err(_) => {
            eprintln!("skipped: KLING_AI_ACCESS_KEY / KLING_AI_SECRET_KEY are not set");
            None
        }
    }
}

#[tokio::test]
async fn free_calls_against_the_real_api() {
    let Some(client) = real_client() else { return };
    let tasks = client.text2video().list(1, 5).await.unwrap_or_else(|e| panic!("list: {e}"));
    assert!(tasks.len() <= 5);
    let missing = client.text2video().get("000000000000000001").await.err();
    assert!(missing.is_some(), "a made-up id was found");
    let bad = Config::from_env().map(|c| Config { secret_key: "wrong".into(), api_key: None, ..c });
    let error = bad.and_then(Client::new).map(|c| async move { c.text2video().list(1, 1).await.err() });
    if let Ok(pending) = error {
        assert!(pending.await.is_some_and(|e| e.is_auth()));
    }
}

#[tokio::test]
async fn one_billable_task_when_allowed() {
    let Some(client) = real_client() else { return };
    if std::env::var("KLING_ALLOW_SPEND").as_deref() != Ok("1") {
        eprintln!("skipped: set KLING_ALLOW_SPEND=1 to create a billed task");
        return;
    }
    let created = client
        .text2video()
        .create(&Text2VideoRequest::new("a calm sunrise over the ocean").duration("5").mode("std"))
        .await;
    assert!(created.is_ok(), "{created:?}");
}
