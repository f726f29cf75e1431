//! Scenario-file parsing (`kling_mock::scenario::parse`) on arbitrary text: it loads or
//! names the line and field of the problem; it never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(error) = kling_mock::scenario::parse("fuzz.toml", text) {
        assert!(!error.message.is_empty(), "an error explains itself");
    }
});
