//! A body given as tokens (`andopen_core::tokens`) is read without a panic, and exactly as its JSON text
//! would be: whenever the tokens stand for JSON text, validating the tokens and validating that text give
//! the same answer.
//!
//! The input is cut in two at its first 0xFF byte: each byte before it is one tag (so that counts and
//! lengths stay small enough to meet the text), and the bytes after it are the text.
#![no_main]

use andopen_core::{tokens, validate_gift_request_json, validate_gift_request_tokens};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (tags, text) = match data.iter().position(|&b| b == 0xff) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let tags: Vec<u32> = tags.iter().map(|&b| u32::from(b)).collect();
    let validated = validate_gift_request_tokens(&tags, text);
    if let Ok(json) = tokens::to_json(&tags, text) {
        assert_eq!(validate_gift_request_json(json.as_bytes()), validated, "the tokens of {json} validate unlike their text");
    }
});
