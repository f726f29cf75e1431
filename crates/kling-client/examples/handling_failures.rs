//! What an integration should do when the balance runs out or moderation refuses a
//! prompt, shown against an in-process emulator with a scenario that makes both happen.

use kling_api::requests::Text2VideoRequest;
use kling_client::{Client, Config, Error};

async fn submit(client: &Client, prompt: &str) {
    match client.text2video().create(&Text2VideoRequest::new(prompt)).await {
        Ok(task) => println!("{prompt:?}: accepted as {}", task.task_id),
        Err(e) if e.is_balance() => println!("{prompt:?}: out of credits, top up the resource pack ({e})"),
        Err(e) if e.is_moderation() => println!("{prompt:?}: refused by moderation, change the prompt ({e})"),
        Err(e) if e.is_retryable() => println!("{prompt:?}: still failing after retries, try later ({e})"),
        Err(Error::Api(e)) => println!("{prompt:?}: refused with code {}: {}", e.code, e.message),
        Err(e) => println!("{prompt:?}: {e}"),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let scenario = kling_mock::scenario::parse(
        "example",
        "[limits.video]\nunits = 300\n\n[[rule]]\nprompt = \"(?i)gore\"\nreject = \"content_moderation\"\n",
    )?;
    let mut config = kling_mock::Config::for_tests();
    config.scenarios = vec![scenario];
    let emulator = kling_mock::App::build(config).await?.spawn();
    let client =
        Client::new(Config::new(&emulator.base_url, "kling-mock-dev-access-key", "kling-mock-dev-secret-key"))?;
    for prompt in ["a quiet lake", "a gore scene", "a red kite", "a third video the pack cannot pay for"] {
        submit(&client, prompt).await;
    }
    Ok(())
}
