//! Request validation (`kling_api::rules::validate`) of every endpoint on arbitrary JSON.
//!
//! The first byte picks the endpoint and the options (strict or lenient types, lenient
//! model support, seed fields, strict catalogues); the rest is the body. Validation accepts or returns a
//! violation with a Kling error kind; it never panics.
#![no_main]

use kling_api::ENDPOINTS;
use kling_api::rules::{Coercion, ValidationOptions, validate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else { return };
    let spec = &ENDPOINTS[usize::from(pick) % ENDPOINTS.len()];
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else { return };
    let options = ValidationOptions {
        coercion: if pick & 0x80 == 0 { Coercion::Lenient } else { Coercion::Strict },
        lenient_model_support: pick & 0x40 != 0,
        seed_fields: pick & 0x20 != 0,
        strict_catalogues: pick & 0x10 != 0,
        day: match pick & 0x08 {
            0 => kling_api::history::CHANGES.last().map_or_else(kling_api::history::Day::latest, kling_api::history::Day::before),
            _ => kling_api::history::Day::latest(),
        },
    };
    if let Err(violation) = validate(spec, &value, &options) {
        assert!(!violation.message.is_empty(), "a violation explains itself");
    }
});
