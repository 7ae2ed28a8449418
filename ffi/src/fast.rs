//! The hot calls of hosts whose every crossing is costly (Python's UniFFI calls go through `ctypes`, a few
//! microseconds each, and every returned buffer costs a second call to free it): bodies checked and
//! built with answers shaped so that the common case lifts nothing.
//!
//! - [`gift_request_body_status`] answers one number. A host that encodes its body compactly with the
//!   fields in the contract's order (what a `dict` written in the API's shape gives) usually hears
//!   [`BODY_IS_INPUT`]: the bytes it passed are already the exact body to send, and nothing comes back.
//! - [`gift_request_bodies_spans`] builds a whole batch in one crossing and answers, for each row whose
//!   body is its own text, only where that text lies in the input, so that the host slices its own bytes
//!   instead of decoding a copy; a refused row is located the same way, for its report to be built when
//!   (and if) it is read.

use andopen_core::ErrorItem;
use serde_json::value::RawValue;

use crate::errors::CoreError;

/// [`gift_request_body_status`]: the body is valid and the bytes passed are exactly the body to send.
pub const BODY_IS_INPUT: u32 = 0;
/// [`gift_request_body_status`]: the body is valid, and the body to send differs from the bytes passed
/// (fields reordered, spacing removed): ask [`crate::payload::gift_request_body_if_valid`] for it.
pub const BODY_REWRITTEN: u32 = 1;
/// [`gift_request_body_status`]: the body breaks rules of the contract: ask
/// [`crate::payload::gift_request_body_json`] or [`crate::payload::gift_request_problems_json`] why.
pub const BODY_INVALID: u32 = 2;

/// Checks a JSON body and says in one number what building it gives: [`BODY_IS_INPUT`] (0) when the
/// bytes passed are exactly the body to send, [`BODY_REWRITTEN`] (1) when the body to send differs from
/// them, [`BODY_INVALID`] (2) when it breaks a rule. The cheapest crossing for a host that already holds
/// its body as compact JSON in the contract's order.
#[uniffi::export]
pub fn gift_request_body_status(body: &[u8]) -> u32 {
    match andopen_core::gift_request_body_from_json(body) {
        Ok(built) if built == body => BODY_IS_INPUT,
        Ok(_) => BODY_REWRITTEN,
        Err(_) => BODY_INVALID,
    }
}

/// Builds many JSON bodies in one crossing: `bodies` is a JSON array of bodies; the answer is a JSON
/// array holding, for each:
/// - `[start, end]` when the body is valid and `bodies[start..end]` (byte offsets) is exactly the body to
///   send;
/// - the body to send as a JSON string when it is valid but differs from the row's text;
/// - `[start, end, problems]` when it breaks rules: `problems` is how many, and
///   [`crate::payload::gift_request_body_json`] on `bodies[start..end]` gives the report.
///
/// Throws only when `bodies` is not a JSON array.
#[uniffi::export]
pub fn gift_request_bodies_spans(bodies: &[u8]) -> Result<String, CoreError> {
    let items: Vec<&RawValue> =
        serde_json::from_slice(bodies).map_err(|_| CoreError::invalid_input("bodies", "must be a JSON array of gift-request bodies"))?;
    let base = bodies.as_ptr().addr();
    let mut out = String::with_capacity(items.len() * 16 + 2);
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let text = item.get();
        // The raw value borrows from `bodies`: its offset there is the distance between the two.
        let start = text.as_ptr().addr().saturating_sub(base);
        let end = start.saturating_add(text.len());
        match andopen_core::gift_request_body_from_json(text.as_bytes()) {
            Ok(built) if built == text.as_bytes() => push_span(&mut out, start, end, None),
            // The core writes a body from valid JSON text: it is UTF-8.
            Ok(built) => push_json_string(&mut out, &String::from_utf8_lossy(&built)),
            Err(errors) => push_span(&mut out, start, end, Some(&errors)),
        }
    }
    out.push(']');
    Ok(out)
}

fn push_span(out: &mut String, start: usize, end: usize, errors: Option<&[ErrorItem]>) {
    use std::fmt::Write as _;
    // Writing into a String cannot fail.
    let _ = match errors {
        None => write!(out, "[{start},{end}]"),
        Some(errors) => write!(out, "[{start},{end},{}]", errors.len()),
    };
}

fn push_json_string(out: &mut String, text: &str) {
    // Writing a string as JSON cannot fail.
    out.push_str(&serde_json::to_string(text).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHOICE: &str = r#"{"campaign_id":"a1b2c3d4-e5f6-7890-abcd-ef1234567890","recipient":{"first_name":"Alice","last_name":"Smith"}}"#;
    const REORDERED: &str =
        r#"{"recipient":{"first_name":"Alice","last_name":"Smith"}, "campaign_id":"a1b2c3d4-e5f6-7890-abcd-ef1234567890"}"#;

    #[test]
    fn status_says_whether_the_input_is_the_body() {
        assert_eq!(gift_request_body_status(CHOICE.as_bytes()), BODY_IS_INPUT);
        assert_eq!(gift_request_body_status(REORDERED.as_bytes()), BODY_REWRITTEN);
        assert_eq!(crate::payload::gift_request_body_if_valid(REORDERED.as_bytes()), CHOICE.as_bytes());
        assert_eq!(gift_request_body_status(b"{}"), BODY_INVALID);
        assert_eq!(gift_request_body_status(b""), BODY_INVALID);
        assert_eq!(gift_request_body_status(b"\xff"), BODY_INVALID);
    }

    #[test]
    fn batches_locate_rows_in_the_input() {
        let bodies = format!(r#"[{CHOICE}, {REORDERED} ,{{"recipient":5}}, 3]"#);
        let answer: serde_json::Value = serde_json::from_str(&gift_request_bodies_spans(bodies.as_bytes()).unwrap()).unwrap();
        let span = |v: &serde_json::Value| {
            let (s, e) = (v[0].as_u64().unwrap() as usize, v[1].as_u64().unwrap() as usize);
            bodies.get(s..e).unwrap().to_owned()
        };
        assert_eq!(answer[0].as_array().unwrap().len(), 2);
        assert_eq!(span(&answer[0]), CHOICE);
        assert_eq!(answer[1].as_str().unwrap(), CHOICE);
        assert_eq!(span(&answer[2]), r#"{"recipient":5}"#);
        assert_eq!(answer[2][2], 2);
        assert_eq!(span(&answer[3]), "3");
        assert_eq!(answer[3][2], 1);
        assert_eq!(answer.as_array().unwrap().len(), 4);
        assert_eq!(gift_request_bodies_spans(b"[]").unwrap(), "[]");
        assert!(gift_request_bodies_spans(b"{}").is_err());
        assert!(gift_request_bodies_spans(b"[1,").is_err());
    }
}
