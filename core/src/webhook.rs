//! Webhook deliveries (the API's webhook reference): the headers, the signature, the replay window and the event.
//!
//! A receiver calls [`Verifier::verify`] with the delivery's headers, its **raw body bytes** (as read from
//! the socket, never re-serialised) and the current time. Only a delivery that passes every check comes
//! back as a [`Delivery`]; the caller then de-duplicates on [`Delivery::event_id`], since &Open may deliver
//! the same event more than once. A sender (the local simulator) signs with [`signature`].
//!
//! The signed string is the `AndOpen-Webhook-Dispatch-Timestamp` header's text, a `.`, then the body bytes;
//! the signature is HMAC-SHA256 keyed with the webhook secret's bytes, in hex. **DECISION**: upper- and
//! lowercase hex are both accepted. Signatures are compared in constant time.

use std::fmt;
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::gift_request::GiftRequest;
use crate::http::Headers;
use crate::timestamp::Timestamp;
use crate::uuid::Uuid;

/// The signature header: lowercase hex HMAC-SHA256 of `{timestamp}.{body}`.
pub const SIGNATURE_HEADER: &str = "AndOpen-Webhook-Signature";
/// The dispatch time in Unix seconds, fresh on every attempt; part of the signed string.
pub const TIMESTAMP_HEADER: &str = "AndOpen-Webhook-Dispatch-Timestamp";
/// The event's id, stable across attempts: the de-duplication key.
pub const EVENT_ID_HEADER: &str = "AndOpen-Webhook-Event-Id";
/// The event's type (see [`EventType`]).
pub const EVENT_TYPE_HEADER: &str = "AndOpen-Webhook-Event-Type";
/// The API version the body is written in.
pub const API_VERSION_HEADER: &str = "AndOpen-Webhook-API-Version";

/// How far the dispatch timestamp may be from `now` by default, either way: 300 seconds.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// What happened to a gift request. Unknown types are kept as their text.
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(type = "string"))]
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum EventType {
    /// `gift_request_created`.
    Created,
    /// `gift_request_redeemed`.
    Redeemed,
    /// `gift_request_dispatched`.
    Dispatched,
    /// `gift_request_delivered`.
    Delivered,
    /// `gift_request_cancelled`.
    Cancelled,
    /// An event type this SDK does not know.
    Unknown(String),
}

impl EventType {
    /// Parses the wire text; an unknown text is kept in [`EventType::Unknown`].
    pub fn from_wire(text: &str) -> EventType {
        match text {
            "gift_request_created" => EventType::Created,
            "gift_request_redeemed" => EventType::Redeemed,
            "gift_request_dispatched" => EventType::Dispatched,
            "gift_request_delivered" => EventType::Delivered,
            "gift_request_cancelled" => EventType::Cancelled,
            other => EventType::Unknown(other.to_owned()),
        }
    }

    /// The wire text.
    pub fn as_str(&self) -> &str {
        match self {
            EventType::Created => "gift_request_created",
            EventType::Redeemed => "gift_request_redeemed",
            EventType::Dispatched => "gift_request_dispatched",
            EventType::Delivered => "gift_request_delivered",
            EventType::Cancelled => "gift_request_cancelled",
            EventType::Unknown(other) => other,
        }
    }
}

crate::wire::wire_string!(EventType);

/// The signature of a delivery, in lowercase hex: HMAC-SHA256 of `{timestamp}.{body}` keyed with `secret`.
///
/// `timestamp` is the exact text sent in [`TIMESTAMP_HEADER`]. Call it to sign a delivery (a simulator, a
/// relay that re-signs); receivers call [`Verifier::verify`] instead.
pub fn signature(secret: &[u8], timestamp: &str, body: &[u8]) -> String {
    let tag = mac(secret, timestamp, body).finalize().into_bytes();
    let mut hex = String::with_capacity(tag.len() * 2);
    for byte in tag {
        hex.push(hex_digit(byte >> 4));
        hex.push(hex_digit(byte & 0x0f));
    }
    hex
}

/// The lowercase hex digit of a nibble (0 to 15).
fn hex_digit(nibble: u8) -> char {
    char::from(if nibble < 10 { b'0' + nibble } else { b'a' + (nibble - 10) })
}

fn mac(secret: &[u8], timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length (RFC 2104): longer keys are hashed, shorter ones padded.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).unwrap_or_else(|_| unreachable_key());
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

#[cold]
fn unreachable_key() -> Hmac<Sha256> {
    // `new_from_slice` only fails for fixed-size keys; HMAC's key is variable-size. An empty key is a valid
    // HMAC key too, so this branch never runs, and if it did it would sign with the empty key.
    <Hmac<Sha256> as KeyInit>::new(&Default::default())
}

/// A delivery that passed every check.
#[derive(Clone, PartialEq, Debug)]
pub struct Delivery {
    /// The event's id: the de-duplication key, stable across attempts.
    pub event_id: Uuid,
    /// What happened.
    pub event_type: EventType,
    /// When this attempt was dispatched.
    pub dispatched_at: Timestamp,
    /// The API version of the body, when the header is present.
    pub api_version: Option<String>,
    /// The gift request, in the same shape the API returns.
    pub gift_request: GiftRequest,
}

/// Why a delivery was refused. It never holds the secret.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
#[error("{message}")]
pub struct WebhookError {
    /// What kind of problem.
    pub code: WebhookErrorCode,
    /// A readable explanation naming the header or the rule.
    pub message: String,
}

/// The kinds of refused delivery. A receiver answers every one of them with a 4xx and does not act on the
/// event.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum WebhookErrorCode {
    /// A required header is absent or empty.
    MissingHeader,
    /// The signature header is not 64 hex digits, or does not match the body: forged or tampered.
    InvalidSignature,
    /// The timestamp header is not whole Unix seconds.
    InvalidTimestamp,
    /// The timestamp is further from `now` than the tolerance: a replay, or a badly wrong clock.
    OutsideTolerance,
    /// The event id header is not a UUID.
    InvalidEventId,
    /// The body is signed but is not a gift request.
    InvalidBody,
}

impl WebhookErrorCode {
    /// A stable snake_case name, for bindings and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookErrorCode::MissingHeader => "missing_header",
            WebhookErrorCode::InvalidSignature => "invalid_signature",
            WebhookErrorCode::InvalidTimestamp => "invalid_timestamp",
            WebhookErrorCode::OutsideTolerance => "outside_tolerance",
            WebhookErrorCode::InvalidEventId => "invalid_event_id",
            WebhookErrorCode::InvalidBody => "invalid_body",
        }
    }
}

fn refuse(code: WebhookErrorCode, message: impl Into<String>) -> WebhookError {
    WebhookError { code, message: message.into() }
}

/// An option a webhook receiver cannot take: which one, and the rule it breaks.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
#[error("{option}: {rule}")]
pub struct ReceiverOptionError {
    /// The option (`secret`, `remember`).
    pub option: &'static str,
    /// The rule.
    pub rule: &'static str,
}

/// Checks the options of a webhook receiver before one is built, so that every binding refuses the same:
/// the secret must not be empty (a signature keyed with nothing proves nothing), and a receiver that
/// de-duplicates in memory must remember at least one event id (`remember` is `None` for a host's store).
pub fn check_receiver_options(secret: &[u8], remember: Option<usize>) -> Result<(), ReceiverOptionError> {
    if secret.is_empty() {
        return Err(ReceiverOptionError { option: "secret", rule: "must not be empty: it is the webhook secret of the &Open dashboard" });
    }
    if remember == Some(0) {
        return Err(ReceiverOptionError { option: "remember", rule: "must be at least 1 event id" });
    }
    Ok(())
}

/// Checks deliveries against one webhook secret. Build it once and share it.
///
/// `Debug` does not show the secret.
#[derive(Clone)]
pub struct Verifier {
    secret: Vec<u8>,
    tolerance: Duration,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier").field("secret", &"<redacted>").field("tolerance", &self.tolerance).finish()
    }
}

impl Verifier {
    /// A verifier for this secret (its bytes as given), with the default tolerance of 300 s.
    pub fn new(secret: impl Into<Vec<u8>>) -> Verifier {
        Verifier { secret: secret.into(), tolerance: DEFAULT_TOLERANCE }
    }

    /// Changes how far the dispatch timestamp may be from `now`, either way.
    pub fn tolerance(mut self, tolerance: Duration) -> Verifier {
        self.tolerance = tolerance;
        self
    }

    /// Checks one delivery, in this order: the headers are present, the signature matches the raw body
    /// (constant-time), the timestamp is within the tolerance of `now`, the event id is a UUID, the body is
    /// a gift request. Call it before acting on anything in the delivery, then de-duplicate on
    /// [`Delivery::event_id`].
    pub fn verify(&self, headers: &Headers, body: &[u8], now: Timestamp) -> Result<Delivery, WebhookError> {
        let given = required(headers, SIGNATURE_HEADER)?;
        let timestamp = required(headers, TIMESTAMP_HEADER)?;
        let event_id = required(headers, EVENT_ID_HEADER)?;
        let event_type = required(headers, EVENT_TYPE_HEADER)?;

        let tag = decode_hex(given)
            .ok_or_else(|| refuse(WebhookErrorCode::InvalidSignature, format!("{SIGNATURE_HEADER} must be 64 hexadecimal digits")))?;
        if mac(&self.secret, timestamp, body).verify_slice(&tag).is_err() {
            return Err(refuse(
                WebhookErrorCode::InvalidSignature,
                format!("{SIGNATURE_HEADER} does not match the body: the delivery is forged or was altered"),
            ));
        }

        let seconds = whole_seconds(timestamp)
            .ok_or_else(|| refuse(WebhookErrorCode::InvalidTimestamp, format!("{TIMESTAMP_HEADER} must be whole Unix seconds")))?;
        let dispatched_at = Timestamp::from_unix_seconds(seconds);
        let drift = now.since(dispatched_at).max(dispatched_at.since(now));
        if drift > self.tolerance {
            return Err(refuse(
                WebhookErrorCode::OutsideTolerance,
                format!(
                    "{TIMESTAMP_HEADER} is {} s from now, beyond the tolerance of {} s: a replayed or delayed delivery",
                    drift.as_secs(),
                    self.tolerance.as_secs()
                ),
            ));
        }

        let event_id =
            Uuid::parse(event_id).ok_or_else(|| refuse(WebhookErrorCode::InvalidEventId, format!("{EVENT_ID_HEADER} must be a UUID")))?;
        let gift_request = GiftRequest::read_json(body)
            .map_err(|e| refuse(WebhookErrorCode::InvalidBody, format!("the body is not a gift request: {e}")))?;
        Ok(Delivery {
            event_id,
            event_type: EventType::from_wire(event_type),
            dispatched_at,
            api_version: headers.get(API_VERSION_HEADER).filter(|v| !v.is_empty()).map(str::to_owned),
            gift_request,
        })
    }
}

fn required<'h>(headers: &'h Headers, name: &str) -> Result<&'h str, WebhookError> {
    match headers.get(name) {
        Some(value) if !value.is_empty() => Ok(value),
        _ => Err(refuse(WebhookErrorCode::MissingHeader, format!("{name} is required"))),
    }
}

fn decode_hex(text: &str) -> Option<[u8; 32]> {
    let digits = text.as_bytes();
    if digits.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        let [high, low] = pair else { return None };
        *byte = (hex_value(*high)? << 4) | hex_value(*low)?;
    }
    Some(out)
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

fn whole_seconds(text: &str) -> Option<i64> {
    if text.is_empty() || text.len() > 12 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"whsec_test";
    const BODY: &str = r#"{"id":"4fb4cb3f-9666-43b5-8884-7f5194483d1a","status":"redeemed","campaign_id":null,"redemption_url":"https://gift.andopen.co/r/abc","recipient":{"id":null,"first_name":"Alice","last_name":"Smith","email":null},"shipping_address":null,"line_items":null,"created_at":"2026-04-16T10:30:00.000Z","updated_at":"2026-04-16T10:31:00.000Z"}"#;
    const NOW: i64 = 1_776_335_400;

    fn delivery(signature_text: &str, timestamp: &str) -> Headers {
        [
            (SIGNATURE_HEADER, signature_text),
            (TIMESTAMP_HEADER, timestamp),
            (EVENT_ID_HEADER, "0b6f1c1e-2d5a-4c4e-9a57-3f1f3c2a9d10"),
            (EVENT_TYPE_HEADER, "gift_request_redeemed"),
            (API_VERSION_HEADER, "2026-05"),
        ]
        .into_iter()
        .collect()
    }

    fn signed(timestamp: &str, body: &str) -> Headers {
        delivery(&signature(SECRET, timestamp, body.as_bytes()), timestamp)
    }

    #[test]
    fn signs_timestamp_dot_body() {
        // Computed independently: HMAC-SHA256(b"whsec_test", b"1776335400.{\"id\":1}") in Python's hmac module.
        assert_eq!(signature(SECRET, "1776335400", br#"{"id":1}"#), "087f012b745d49be282a10be145546c1ff7d43701847491d414f1b61586d46df");
        // The key's bytes are used as given, whatever their length (RFC 4231 test case 2's key).
        assert_eq!(signature(b"Jefe", "what do ya want for nothing?", b"").len(), 64);
    }

    #[test]
    fn accepts_a_fresh_signed_delivery_in_either_case_of_hex() {
        let verifier = Verifier::new(SECRET);
        let now = Timestamp::from_unix_seconds(NOW + 299);
        let delivery_ = verifier.verify(&signed(&NOW.to_string(), BODY), BODY.as_bytes(), now).unwrap();
        assert_eq!(delivery_.event_type, EventType::Redeemed);
        assert_eq!(delivery_.event_id.to_string(), "0b6f1c1e-2d5a-4c4e-9a57-3f1f3c2a9d10");
        assert_eq!(delivery_.dispatched_at, Timestamp::from_unix_seconds(NOW));
        assert_eq!(delivery_.api_version.as_deref(), Some("2026-05"));
        assert_eq!(delivery_.gift_request.status.as_str(), "redeemed");

        let upper = signature(SECRET, &NOW.to_string(), BODY.as_bytes()).to_uppercase();
        assert!(verifier.verify(&delivery(&upper, &NOW.to_string()), BODY.as_bytes(), now).is_ok());
    }

    #[test]
    fn refuses_tampered_forged_and_replayed_deliveries() {
        let verifier = Verifier::new(SECRET);
        let now = Timestamp::from_unix_seconds(NOW);
        let headers = signed(&NOW.to_string(), BODY);
        let tampered = BODY.replace("Alice", "Alicf");
        let code = |r: Result<Delivery, WebhookError>| r.unwrap_err().code;

        assert_eq!(code(verifier.verify(&headers, tampered.as_bytes(), now)), WebhookErrorCode::InvalidSignature);
        assert_eq!(code(Verifier::new("other").verify(&headers, BODY.as_bytes(), now)), WebhookErrorCode::InvalidSignature);
        // Re-serialised JSON (a space added) is a different body.
        let reserialised = BODY.replacen(':', ": ", 1);
        assert_eq!(code(verifier.verify(&headers, reserialised.as_bytes(), now)), WebhookErrorCode::InvalidSignature);
        // The timestamp is part of the signed string: a fresh timestamp on an old signature fails.
        let moved = delivery(&signature(SECRET, &NOW.to_string(), BODY.as_bytes()), &(NOW + 1).to_string());
        assert_eq!(code(verifier.verify(&moved, BODY.as_bytes(), now)), WebhookErrorCode::InvalidSignature);
        // Replays beyond 300 s either way.
        for late in [NOW + 301, NOW - 301] {
            let at = Timestamp::from_unix_seconds(late);
            assert_eq!(code(verifier.verify(&headers, BODY.as_bytes(), at)), WebhookErrorCode::OutsideTolerance);
        }
        let strict = Verifier::new(SECRET).tolerance(Duration::from_secs(10));
        let at = Timestamp::from_unix_seconds(NOW + 11);
        assert_eq!(code(strict.verify(&headers, BODY.as_bytes(), at)), WebhookErrorCode::OutsideTolerance);
    }

    #[test]
    fn names_what_is_missing_or_malformed() {
        let verifier = Verifier::new(SECRET);
        let now = Timestamp::from_unix_seconds(NOW);
        let mut headers = Headers::new();
        headers.push(TIMESTAMP_HEADER, NOW.to_string());
        let error = verifier.verify(&headers, BODY.as_bytes(), now).unwrap_err();
        assert_eq!(error.code, WebhookErrorCode::MissingHeader);
        assert!(error.message.contains(SIGNATURE_HEADER));

        let short = delivery("abc", &NOW.to_string());
        assert_eq!(verifier.verify(&short, BODY.as_bytes(), now).unwrap_err().code, WebhookErrorCode::InvalidSignature);
        let not_seconds = signed("2026-04-16T10:30:00Z", BODY);
        assert_eq!(verifier.verify(&not_seconds, BODY.as_bytes(), now).unwrap_err().code, WebhookErrorCode::InvalidTimestamp);
        let not_json = signed(&NOW.to_string(), "not json");
        assert_eq!(verifier.verify(&not_json, b"not json", now).unwrap_err().code, WebhookErrorCode::InvalidBody);
    }

    #[test]
    fn never_shows_the_secret() {
        let verifier = Verifier::new("whsec_do_not_print");
        assert!(!format!("{verifier:?}").contains("do_not_print"));
    }

    #[test]
    fn a_receiver_needs_a_secret_and_room_for_one_event_id() {
        assert_eq!(check_receiver_options(b"", Some(10)).unwrap_err().option, "secret");
        assert_eq!(check_receiver_options(b"", None).unwrap_err().option, "secret");
        assert_eq!(check_receiver_options(b"s", Some(0)).unwrap_err().option, "remember");
        assert!(check_receiver_options(b"s", Some(1)).is_ok());
        assert!(check_receiver_options(b"s", None).is_ok());
    }
}
