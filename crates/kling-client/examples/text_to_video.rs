//! Text to video end to end: submit, wait, download.
//!
//! Against the emulator: `cargo run -p kling-mock -- --latency fast` in one terminal, then
//! `KLING_BASE_URL=http://127.0.0.1:8088 KLING_AI_ACCESS_KEY=kling-mock-dev-access-key \
//!  KLING_AI_SECRET_KEY=kling-mock-dev-secret-key cargo run -p kling-client --example text_to_video`.
//! Without `KLING_BASE_URL` and keys it starts an emulator in-process.
//! Against the real API: set your keys (and no base URL). That task is billed.

use std::time::Duration;

use kling_api::requests::Text2VideoRequest;
use kling_client::{Client, Config, WaitOptions};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = match Config::from_env() {
        Ok(config) => (Client::new(config)?, None),
        Err(_) => {
            let mut config = kling_mock::Config::for_tests();
            config.clock = kling_mock::config::ClockConfig::System { scale: 60.0, start_ms: None };
            let emulator = kling_mock::App::build(config).await?.spawn();
            let config = Config::new(&emulator.base_url, "kling-mock-dev-access-key", "kling-mock-dev-secret-key");
            println!("no keys in the environment: using an in-process emulator at {}", emulator.base_url);
            (Client::new(config)?, Some(emulator))
        }
    };
    let request = Text2VideoRequest::new("A calm sunrise over the ocean, cinematic")
        .duration("5")
        .mode("std")
        .external_task_id(format!("example-{}", std::process::id()));
    let created = client.text2video().create(&request).await?;
    println!("submitted task {}", created.task_id);
    let options = WaitOptions { interval: Duration::from_secs(1), deadline: Duration::from_secs(15 * 60) };
    let task =
        client.text2video().wait(&created.task_id, options, |t| println!("  {}", t.task_status.as_str())).await?;
    let video = task.task_result.as_ref().and_then(|r| r.videos.first()).ok_or("no video in the result")?;
    let path = std::env::temp_dir().join(format!("{}.mp4", video.id));
    let bytes = client.download_to_file(&video.url, &path).await?;
    println!("downloaded {} s of video ({bytes} bytes) to {}", video.duration, path.display());
    Ok(())
}
