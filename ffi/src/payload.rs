//! Gift-request bodies checked and built without a client or a key: typed, or as JSON bytes for hosts
//! that already hold JSON (a form, a no-code tool, a Python dict). The JSON forms are the fast path across
//! the boundary: bytes in, and out either the body to send or the errors as one JSON text, so that a host
//! decodes them with its own JSON parser instead of field by field.

use andopen_core::{Error, ErrorReport as CoreReport};
use serde_json::value::RawValue;

use crate::errors::{CoreError, FieldError};
use crate::params::NewGiftRequest;

/// Which kind of gift request a valid body creates.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, uniffi::Enum)]
pub enum Mode {
    /// The recipient chooses their gift when they redeem.
    ChoiceMode,
    /// The items ship straight to the address given.
    DirectSend,
}

impl From<andopen_core::Mode> for Mode {
    fn from(mode: andopen_core::Mode) -> Mode {
        match mode {
            andopen_core::Mode::ChoiceMode => Mode::ChoiceMode,
            andopen_core::Mode::DirectSend => Mode::DirectSend,
        }
    }
}

/// Checks typed parameters against every rule of the contract: every problem, in the server's words;
/// empty when the body would be accepted.
#[uniffi::export]
pub fn validate_gift_request(params: NewGiftRequest) -> Vec<FieldError> {
    let result = params.to_core().and_then(|p| p.validate().map_err(|e| CoreError::from(Error::Validation(e))));
    match result {
        Ok(_) => Vec::new(),
        Err(error) => error.report().errors.clone(),
    }
}

/// Checks a JSON body against every rule of the contract: every problem, in the server's words; empty
/// when the body would be accepted. (Hosts with a fast JSON parser can use [`check_gift_request_json`].)
#[uniffi::export]
pub fn validate_gift_request_json(body: &[u8]) -> Vec<FieldError> {
    match andopen_core::validate_gift_request_json(body) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.iter().map(FieldError::from).collect(),
    }
}

/// The JSON body `POST /gift_requests` sends for typed parameters, after validation (throws kind
/// `validation` with every problem).
#[uniffi::export]
pub fn gift_request_body(params: NewGiftRequest) -> Result<Vec<u8>, CoreError> {
    params.to_core()?.to_json().map_err(|e| Error::Validation(e).into())
}

/// How many problems a JSON body has (0 when it would be accepted): the cheapest check across the
/// boundary, a number and no buffer. Ask [`check_gift_request_json`] for the problems themselves.
#[uniffi::export]
pub fn gift_request_problem_count(body: &[u8]) -> u32 {
    match andopen_core::validate_gift_request_json(body) {
        Ok(_) => 0,
        Err(errors) => u32::try_from(errors.len()).unwrap_or(u32::MAX),
    }
}

/// The problems of a JSON body as compact JSON text, `[[type, code, message, param], ...]` (`[]` when it
/// would be accepted): what a form needs, in a form any host decodes quickly.
#[uniffi::export]
pub fn gift_request_problems_json(body: &[u8]) -> String {
    let mut out = String::new();
    match andopen_core::validate_gift_request_json(body) {
        Ok(_) => out.push_str("[]"),
        Err(errors) => push_problems(&mut out, &errors),
    }
    out
}

/// The mode a JSON body creates, or the validation report as JSON text (`{ kind, message, type, code,
/// param, errors: [...] }`). Call it as a form changes; it needs no key and no client.
#[uniffi::export]
pub fn check_gift_request_json(body: &[u8]) -> CheckOutcome {
    match andopen_core::validate_gift_request_json(body) {
        Ok(mode) => CheckOutcome::Valid { mode: mode.into() },
        Err(errors) => CheckOutcome::Invalid { report_json: report_json(errors) },
    }
}

/// The outcome of checking a body.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Enum)]
pub enum CheckOutcome {
    /// The body would be accepted.
    Valid {
        /// The kind of gift request it creates.
        mode: Mode,
    },
    /// The body breaks rules of the contract.
    Invalid {
        /// The validation report as JSON text: `{ kind, message, type, code, param, errors: [...] }`.
        report_json: String,
    },
}

/// The outcome of building a body.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Enum)]
pub enum BodyOutcome {
    /// The body to send: the caller's fields in the contract's order, unknown fields untouched.
    Body {
        /// The JSON bytes.
        body: Vec<u8>,
    },
    /// The body breaks rules of the contract.
    Invalid {
        /// The validation report as JSON text: `{ kind, message, type, code, param, errors: [...] }`.
        report_json: String,
    },
}

/// Checks a JSON body and returns the exact body to send, or the validation report as JSON text.
#[uniffi::export]
pub fn gift_request_body_json(body: &[u8]) -> BodyOutcome {
    match andopen_core::gift_request_body_from_json(body) {
        Ok(body) => BodyOutcome::Body { body },
        Err(errors) => BodyOutcome::Invalid { report_json: report_json(errors) },
    }
}

/// The exact body to send for a JSON body, or nothing (an empty buffer) when it breaks a rule: the
/// cheapest crossing for a host that asks why ([`gift_request_body_json`]) only when it needs to. A body
/// the core writes is never empty.
#[uniffi::export]
pub fn gift_request_body_if_valid(body: &[u8]) -> Vec<u8> {
    andopen_core::gift_request_body_from_json(body).unwrap_or_default()
}

/// Checks many JSON bodies in one crossing: `bodies` is a JSON array of bodies; the answer is a JSON array
/// holding, for each, `null` when it would be accepted or its problems as `[type, code, message, param]`
/// arrays (compact, so that a host decodes thousands of rows quickly). Throws only when `bodies` is not a
/// JSON array.
#[uniffi::export]
pub fn validate_gift_requests_json(bodies: &[u8]) -> Result<String, CoreError> {
    let items = array_items(bodies)?;
    let mut out = String::with_capacity(items.len() * 8 + 2);
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match andopen_core::validate_gift_request_json(item.get().as_bytes()) {
            Ok(_) => out.push_str("null"),
            Err(errors) => push_problems(&mut out, &errors),
        }
    }
    out.push(']');
    Ok(out)
}

/// Builds many JSON bodies in one crossing: `bodies` is a JSON array of bodies; the answer is a JSON array
/// holding, for each, the body to send as a JSON string, or its validation report (an object). Throws only
/// when `bodies` is not a JSON array.
#[uniffi::export]
pub fn gift_request_bodies_json(bodies: &[u8]) -> Result<String, CoreError> {
    let items = array_items(bodies)?;
    let mut out = String::with_capacity(bodies.len() + items.len() * 16 + 2);
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match andopen_core::gift_request_body_from_json(item.get().as_bytes()) {
            // The core writes a body from valid JSON text: it is UTF-8.
            Ok(body) => push_json_string(&mut out, &String::from_utf8_lossy(&body)),
            Err(errors) => out.push_str(&report_json(errors)),
        }
    }
    out.push(']');
    Ok(out)
}

fn report_json(errors: Vec<andopen_core::ErrorItem>) -> String {
    CoreReport::of(&Error::Validation(errors)).to_json()
}

fn array_items(bodies: &[u8]) -> Result<Vec<&RawValue>, CoreError> {
    serde_json::from_slice(bodies).map_err(|_| CoreError::invalid_input("bodies", "must be a JSON array of gift-request bodies"))
}

/// `[[type, code, message, param], ...]`.
fn push_problems(out: &mut String, errors: &[andopen_core::ErrorItem]) {
    let rows: Vec<(&str, &str, &str, Option<&str>)> =
        errors.iter().map(|e| (e.error_type.as_str(), e.code.as_str(), e.message.as_ref(), e.param.as_deref())).collect();
    // Writing strings as JSON cannot fail.
    out.push_str(&serde_json::to_string(&rows).unwrap_or_default());
}

fn push_json_string(out: &mut String, text: &str) {
    // Writing a string as JSON cannot fail.
    out.push_str(&serde_json::to_string(text).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHOICE: &str = r#"{"campaign_id":"a1b2c3d4-e5f6-7890-abcd-ef1234567890","recipient":{"first_name":"Alice","last_name":"Smith"}}"#;

    #[test]
    fn batches_answer_item_by_item() {
        let bodies = format!(r#"[{CHOICE}, {{"recipient":5}}, 3]"#);
        let checked: serde_json::Value = serde_json::from_str(&validate_gift_requests_json(bodies.as_bytes()).unwrap()).unwrap();
        assert!(checked[0].is_null());
        assert_eq!(checked[1][0], serde_json::json!(["validation_error", "required", "is required", "campaign_id"]));
        assert_eq!(checked[1].as_array().unwrap().len(), 2);
        assert_eq!(checked[2][0][1], "malformed_request");
        assert!(checked[2][0][3].is_null());
        let built: serde_json::Value = serde_json::from_str(&gift_request_bodies_json(bodies.as_bytes()).unwrap()).unwrap();
        let body: serde_json::Value = serde_json::from_str(built[0].as_str().unwrap()).unwrap();
        assert_eq!(body["recipient"]["last_name"], "Smith");
        assert_eq!(built[1]["param"], "campaign_id");
        assert!(validate_gift_requests_json(b"{}").is_err());
    }

    #[test]
    fn single_bodies() {
        assert_eq!(check_gift_request_json(CHOICE.as_bytes()), CheckOutcome::Valid { mode: Mode::ChoiceMode });
        assert!(validate_gift_request_json(CHOICE.as_bytes()).is_empty());
        assert_eq!(gift_request_problem_count(CHOICE.as_bytes()), 0);
        assert_eq!(gift_request_problem_count(b"{}"), 2);
        assert_eq!(gift_request_problems_json(CHOICE.as_bytes()), "[]");
        assert!(gift_request_problems_json(b"{}").starts_with(r#"[["validation_error","required","is required","campaign_id"]"#));
        assert_eq!(validate_gift_request_json(b"{}").len(), 2);
        assert!(gift_request_body_if_valid(b"[]").is_empty());
        assert!(gift_request_body_if_valid(CHOICE.as_bytes()).starts_with(br#"{"campaign_id":"#));
        match gift_request_body_json(b"[]") {
            BodyOutcome::Invalid { report_json } => assert!(report_json.contains("malformed_request"), "{report_json}"),
            other => panic!("{other:?}"),
        }
    }
}
