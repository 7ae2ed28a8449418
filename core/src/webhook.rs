//! Webhook deliveries (the API's webhook reference): the headers, the signature, the replay window and the event.
//!
//! A receiver checks its options once with [`check_receiver_options`], then calls [`Verifier::verify`] with
//! each delivery's headers, its **raw body bytes** (as read from the socket, never re-serialised) and the
//! current time. Only a delivery that passes every check comes back as a [`Delivery`]; the caller then
//! de-duplicates on [`Delivery::key`] ([`crate::dedupe`]), since &Open may deliver the same event more than
//! once and a captured delivery may be sent again. A sender (the local simulator) signs with [`signature`].
//!
//! The signed string is the `AndOpen-Webhook-Dispatch-Timestamp` header's text, a `.`, then the body bytes;
//! the signature is HMAC-SHA256 keyed with the webhook secret's bytes, in hex, compared in constant time.
//!
//! ## What is trusted
//! Only what the signature covers is a fact: the timestamp and the raw body. The event id and the event type
//! headers are hints: the event type must agree with the signed body's status (below), and a delivery whose
//! signed body was already accepted is a repeat whatever its event id ([`crate::dedupe`]).
//!
//! ## The checks, in order
//! | what | problem | code |
//! | --- | --- | --- |
//! | the body | over [`MAX_WEBHOOK_BODY_BYTES`] (nothing is read or signed) | `body_too_large` |
//! | each required header | absent, or empty | `missing_header` |
//! | a single-valued header | copies (repeated lines, or a list) that differ | `repeated_header` |
//! | `AndOpen-Webhook-Signature` | more than [`MAX_SIGNATURES`] entries, an entry that is not 64 hex digits | `invalid_signature` |
//! | `AndOpen-Webhook-Signature` | no entry matches the body under any of the receiver's secrets | `invalid_signature` |
//! | `AndOpen-Webhook-Dispatch-Timestamp` | not whole Unix seconds | `invalid_timestamp` |
//! | `AndOpen-Webhook-Dispatch-Timestamp` | further from `now` than the tolerance (300 s by default) | `outside_tolerance` |
//! | `AndOpen-Webhook-Event-Id` | not a UUID | `invalid_event_id` |
//! | `AndOpen-Webhook-Event-Type` | not lowercase snake_case (`[a-z0-9_]`) | `invalid_event_type` |
//! | the body | signed, but not a gift request | `invalid_body` |
//! | `AndOpen-Webhook-Event-Type` | contradicts the signed body's status (table below) | `event_type_mismatch` |
//!
//! ## Event type and status
//! **DECISION**: each known event type announces one status, and the signed body must carry it: the body
//! is the gift request as the event left it (the history's dates rest on that too). Unknown event types and
//! unknown statuses are accepted (the API may add both within 2026-05); the history then folds the body's
//! status, which is signed, and never the type.
//!
//! | event type | the body's status must be |
//! | --- | --- |
//! | `gift_request_created` | `submitted` |
//! | `gift_request_redeemed` | `redeemed` |
//! | `gift_request_dispatched` | `dispatched` |
//! | `gift_request_delivered` | `delivered` |
//! | `gift_request_cancelled` | `cancelled` |
//! | a type this SDK does not know | any status |
//! | any type | or a status this SDK does not know |
//!
//! ## Header formats the reference leaves open
//! - **DECISION**: upper- and lowercase hex are both accepted.
//! - **DECISION** (secret rotation): `AndOpen-Webhook-Signature` may list several hex signatures separated by
//!   commas (spaces around each are ignored), at most [`MAX_SIGNATURES`]; the delivery is authentic when any
//!   of them matches under any of the receiver's secrets (a receiver holds at most [`MAX_SIGNATURES`]
//!   secrets, the newest first). An empty entry (`a,,b`, a trailing comma) is malformed.
//! - **DECISION**: a repeated signature header is one list, its lines joined in order, as HTTP combines the
//!   lines of a field (a fetch `Headers` object joins them with `, ` before the SDK sees them); the limit
//!   counts the joined list.
//! - **DECISION**: the timestamp, event id, event type and API version headers carry one value. Repeated
//!   lines, or a comma-separated list in one line (how a fetch `Headers` object hands repeated lines over),
//!   are accepted when every copy is the same and refused as `repeated_header` when copies differ, so that
//!   pairs, maps and joined values are judged alike in every language.
//! - **DECISION**: a secret that is empty or only whitespace is refused ([`check_receiver_options`]): a
//!   signature keyed with it proves nothing.

use std::fmt;
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::ascii;
use crate::dedupe::DeliveryKey;
use crate::gift_request::{GiftRequest, GiftRequestStatus};
use crate::http::Headers;
use crate::limits::{MAX_REMEMBERED_EVENTS, MAX_SIGNATURES, MAX_WEBHOOK_BODY_BYTES, quoted};
use crate::timestamp::Timestamp;
use crate::uuid::Uuid;

/// The signature header: hex HMAC-SHA256 of `{timestamp}.{body}`, or several separated by commas.
pub const SIGNATURE_HEADER: &str = "AndOpen-Webhook-Signature";
/// The dispatch time in Unix seconds, fresh on every attempt; part of the signed string.
pub const TIMESTAMP_HEADER: &str = "AndOpen-Webhook-Dispatch-Timestamp";
/// The event's id, stable across attempts. Not signed: one of the two de-duplication keys.
pub const EVENT_ID_HEADER: &str = "AndOpen-Webhook-Event-Id";
/// The event's type (see [`EventType`]). Not signed: it must agree with the signed body's status.
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

    /// The status a known event type announces; `None` for a type this SDK does not know.
    pub fn announced_status(&self) -> Option<GiftRequestStatus> {
        match self {
            EventType::Created => Some(GiftRequestStatus::Submitted),
            EventType::Redeemed => Some(GiftRequestStatus::Redeemed),
            EventType::Dispatched => Some(GiftRequestStatus::Dispatched),
            EventType::Delivered => Some(GiftRequestStatus::Delivered),
            EventType::Cancelled => Some(GiftRequestStatus::Cancelled),
            EventType::Unknown(_) => None,
        }
    }

    /// Whether this event type may carry a body with `status` (the module's table): a known type its own
    /// status only; an unknown type, or an unknown status, always.
    pub fn agrees_with(&self, status: &GiftRequestStatus) -> bool {
        match (self.announced_status(), status) {
            (None, _) | (_, GiftRequestStatus::Unknown(_)) => true,
            (Some(announced), status) => announced == *status,
        }
    }
}

crate::wire::wire_string!(EventType);

/// The SHA-256 digest of a delivery's raw body: the signed content's key for de-duplication
/// ([`crate::dedupe`]). Written as 64 lowercase hex digits for a host's store.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BodyDigest([u8; 32]);

impl BodyDigest {
    /// The digest of `body`, as received.
    pub fn of(body: &[u8]) -> BodyDigest {
        BodyDigest(Sha256::digest(body).into())
    }

    /// The digest from its 64 hex digits (either case), as a host's store wrote it.
    pub fn parse(text: &str) -> Option<BodyDigest> {
        decode_hex(text).map(BodyDigest)
    }

    /// The digest's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for BodyDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex(&self.0))
    }
}

impl fmt::Debug for BodyDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BodyDigest({self})")
    }
}

/// The signature of a delivery, in lowercase hex: HMAC-SHA256 of `{timestamp}.{body}` keyed with `secret`.
///
/// `timestamp` is the exact text sent in [`TIMESTAMP_HEADER`]. Call it to sign a delivery (a simulator, a
/// relay that re-signs); receivers call [`Verifier::verify`] instead.
pub fn signature(secret: &[u8], timestamp: &str, body: &[u8]) -> String {
    hex(&mac(secret, timestamp, body).finalize().into_bytes())
}

/// Bytes as lowercase hex.
fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(hex_digit(byte >> 4));
        out.push(hex_digit(byte & 0x0f));
    }
    out
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
    /// The event's id, stable across attempts. Not signed.
    pub event_id: Uuid,
    /// What happened, as the header says; it agrees with the body's status (see the module's table).
    pub event_type: EventType,
    /// When this attempt was dispatched (signed).
    pub dispatched_at: Timestamp,
    /// The API version of the body, when the header is present.
    pub api_version: Option<String>,
    /// The gift request, in the same shape the API returns (signed).
    pub gift_request: GiftRequest,
    /// The digest of the raw body (signed content).
    pub body_digest: BodyDigest,
}

impl Delivery {
    /// What a de-duplication store records: the event id and the signed body's digest
    /// ([`crate::dedupe::SeenEvents::first_sighting`]).
    pub fn key(&self) -> DeliveryKey {
        DeliveryKey { event_id: self.event_id, body_digest: self.body_digest }
    }
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

/// The kinds of refused delivery (the module's table). A receiver answers every one of them with a 4xx
/// (413 for [`WebhookErrorCode::BodyTooLarge`]) and does not act on the event.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum WebhookErrorCode {
    /// The body is over [`MAX_WEBHOOK_BODY_BYTES`].
    BodyTooLarge,
    /// A required header is absent or empty.
    MissingHeader,
    /// A header that carries one value carries several different ones.
    RepeatedHeader,
    /// The signature header is malformed, lists too many signatures, or none matches the body: forged or
    /// tampered.
    InvalidSignature,
    /// The timestamp header is not whole Unix seconds.
    InvalidTimestamp,
    /// The timestamp is further from `now` than the tolerance: a replay, or a badly wrong clock.
    OutsideTolerance,
    /// The event id header is not a UUID.
    InvalidEventId,
    /// The event type header is not lowercase snake_case.
    InvalidEventType,
    /// The body is signed but is not a gift request.
    InvalidBody,
    /// The event type header contradicts the signed body's status.
    EventTypeMismatch,
}

impl WebhookErrorCode {
    /// Every code, in the order of the module's table.
    pub const ALL: [WebhookErrorCode; 10] = [
        WebhookErrorCode::BodyTooLarge,
        WebhookErrorCode::MissingHeader,
        WebhookErrorCode::RepeatedHeader,
        WebhookErrorCode::InvalidSignature,
        WebhookErrorCode::InvalidTimestamp,
        WebhookErrorCode::OutsideTolerance,
        WebhookErrorCode::InvalidEventId,
        WebhookErrorCode::InvalidEventType,
        WebhookErrorCode::InvalidBody,
        WebhookErrorCode::EventTypeMismatch,
    ];

    /// A stable snake_case name, for bindings and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookErrorCode::BodyTooLarge => "body_too_large",
            WebhookErrorCode::MissingHeader => "missing_header",
            WebhookErrorCode::RepeatedHeader => "repeated_header",
            WebhookErrorCode::InvalidSignature => "invalid_signature",
            WebhookErrorCode::InvalidTimestamp => "invalid_timestamp",
            WebhookErrorCode::OutsideTolerance => "outside_tolerance",
            WebhookErrorCode::InvalidEventId => "invalid_event_id",
            WebhookErrorCode::InvalidEventType => "invalid_event_type",
            WebhookErrorCode::InvalidBody => "invalid_body",
            WebhookErrorCode::EventTypeMismatch => "event_type_mismatch",
        }
    }

    /// The HTTP status a receiver answers with: 413 for a body too large, else 400.
    pub fn http_status(self) -> u16 {
        if self == WebhookErrorCode::BodyTooLarge { 413 } else { 400 }
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
    /// The rule, with its figure.
    pub rule: String,
}

/// Checks the options of a webhook receiver before one is built, so that every binding refuses the same:
///
/// | option | rule |
/// | --- | --- |
/// | `secret` | one at least, at most [`MAX_SIGNATURES`] (rotation); none empty or only whitespace |
/// | `remember` | from 1 to [`MAX_REMEMBERED_EVENTS`] deliveries (`None` for a host's store) |
///
/// Call it with every secret the receiver accepts, the newest first. The error never holds a secret.
pub fn check_receiver_options<S: AsRef<[u8]>>(secrets: &[S], remember: Option<usize>) -> Result<(), ReceiverOptionError> {
    let secret_error = |rule: String| ReceiverOptionError { option: "secret", rule };
    if secrets.is_empty() {
        return Err(secret_error("is required: the webhook secret of the &Open dashboard".to_owned()));
    }
    if secrets.len() > MAX_SIGNATURES {
        return Err(secret_error(format!(
            "at most {MAX_SIGNATURES} secrets may be accepted at once (rotation); {} were given",
            secrets.len()
        )));
    }
    for (i, secret) in secrets.iter().enumerate() {
        if is_blank(secret.as_ref()) {
            let which = if secrets.len() == 1 { String::new() } else { format!(" (secret {} of {})", i + 1, secrets.len()) };
            return Err(secret_error(format!(
                "must not be empty or only whitespace{which}: it is the webhook secret of the &Open dashboard"
            )));
        }
    }
    check_remember(remember)
}

/// The `remember` rule of [`check_receiver_options`] alone (an in-memory store checks it too).
pub(crate) fn check_remember(remember: Option<usize>) -> Result<(), ReceiverOptionError> {
    match remember {
        Some(n) if n == 0 || n > MAX_REMEMBERED_EVENTS => Err(ReceiverOptionError {
            option: "remember",
            rule: format!(
                "must be from 1 to {MAX_REMEMBERED_EVENTS} deliveries (the most an in-memory store holds; use a host store beyond)"
            ),
        }),
        _ => Ok(()),
    }
}

/// Whether a secret is empty or only whitespace (ASCII, or any Unicode whitespace when it is UTF-8).
fn is_blank(secret: &[u8]) -> bool {
    match std::str::from_utf8(secret) {
        Ok(text) => text.trim().is_empty(),
        Err(_) => secret.iter().all(u8::is_ascii_whitespace),
    }
}

/// Checks deliveries against one webhook secret, or several during a rotation. Build it once (after
/// [`check_receiver_options`]) and share it.
///
/// `Debug` does not show the secrets.
#[derive(Clone)]
pub struct Verifier {
    secrets: Vec<Vec<u8>>,
    tolerance: Duration,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier").field("secrets", &self.secrets.len()).field("tolerance", &self.tolerance).finish()
    }
}

impl Verifier {
    /// A verifier for this secret (its bytes as given), with the default tolerance of 300 s.
    pub fn new(secret: impl Into<Vec<u8>>) -> Verifier {
        Verifier { secrets: vec![secret.into()], tolerance: DEFAULT_TOLERANCE }
    }

    /// A verifier that also accepts signatures made with `secret`: during a rotation, the old and the new
    /// secret are both valid. [`check_receiver_options`] refuses more than [`MAX_SIGNATURES`] of them.
    pub fn also_accepting(mut self, secret: impl Into<Vec<u8>>) -> Verifier {
        self.secrets.push(secret.into());
        self
    }

    /// Changes how far the dispatch timestamp may be from `now`, either way.
    pub fn tolerance(mut self, tolerance: Duration) -> Verifier {
        self.tolerance = tolerance;
        self
    }

    /// Checks one delivery in the order of the module's table; its cost is linear in the headers and the
    /// body. Call it before acting on anything in the delivery, then de-duplicate on [`Delivery::key`].
    pub fn verify(&self, headers: &Headers, body: &[u8], now: Timestamp) -> Result<Delivery, WebhookError> {
        if body.len() > MAX_WEBHOOK_BODY_BYTES {
            return Err(refuse(
                WebhookErrorCode::BodyTooLarge,
                format!("the body is {} bytes, over the limit of {MAX_WEBHOOK_BODY_BYTES} bytes", body.len()),
            ));
        }
        let tags = signatures(headers)?;
        let timestamp = required(single(headers, TIMESTAMP_HEADER)?, TIMESTAMP_HEADER)?;
        let event_id = required(single(headers, EVENT_ID_HEADER)?, EVENT_ID_HEADER)?;
        let event_type = required(single(headers, EVENT_TYPE_HEADER)?, EVENT_TYPE_HEADER)?;
        let api_version = single(headers, API_VERSION_HEADER)?;

        self.check_signature(&tags, timestamp, body)?;
        let dispatched_at = self.check_timestamp(timestamp, now)?;
        let event_id = Uuid::parse(event_id).ok_or_else(|| {
            refuse(WebhookErrorCode::InvalidEventId, format!("{EVENT_ID_HEADER} must be a UUID, not {}", quoted(event_id)))
        })?;
        let event_type = read_event_type(event_type)?;
        let gift_request = GiftRequest::read_json(body)
            .map_err(|e| refuse(WebhookErrorCode::InvalidBody, format!("the body is not a gift request: {e}")))?;
        if !event_type.agrees_with(&gift_request.status) {
            return Err(refuse(
                WebhookErrorCode::EventTypeMismatch,
                format!(
                    "{EVENT_TYPE_HEADER} {} contradicts the signed body, whose status is {}: the header is not signed, the body is",
                    quoted(event_type.as_str()),
                    quoted(gift_request.status.as_str())
                ),
            ));
        }
        Ok(Delivery {
            event_id,
            event_type,
            dispatched_at,
            api_version: api_version.map(str::to_owned),
            gift_request,
            body_digest: BodyDigest::of(body),
        })
    }

    /// Whether any listed signature matches the signed string under any secret, each compared in constant
    /// time.
    fn check_signature(&self, tags: &[[u8; 32]], timestamp: &str, body: &[u8]) -> Result<(), WebhookError> {
        let matches = self.secrets.iter().any(|secret| {
            let expected = mac(secret, timestamp, body);
            tags.iter().any(|tag| expected.clone().verify_slice(tag).is_ok())
        });
        if matches {
            Ok(())
        } else {
            Err(refuse(
                WebhookErrorCode::InvalidSignature,
                format!("{SIGNATURE_HEADER} does not match the body: the delivery is forged or was altered"),
            ))
        }
    }

    /// The dispatch time, when it is whole seconds within the tolerance of `now`.
    fn check_timestamp(&self, timestamp: &str, now: Timestamp) -> Result<Timestamp, WebhookError> {
        let seconds = whole_seconds(timestamp).ok_or_else(|| {
            refuse(WebhookErrorCode::InvalidTimestamp, format!("{TIMESTAMP_HEADER} must be whole Unix seconds, not {}", quoted(timestamp)))
        })?;
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
        Ok(dispatched_at)
    }
}

/// The values of a header, every line split on commas and trimmed of spaces and tabs, in order.
fn values<'h>(headers: &'h Headers, name: &'h str) -> impl Iterator<Item = &'h str> + 'h {
    headers
        .iter()
        .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
        .flat_map(|(_, line)| ascii::split(line, b','))
        .map(|value| value.trim_matches([' ', '\t']))
}

/// A header that carries one value: `None` when absent or empty, the value when every copy is the same.
fn single<'h>(headers: &'h Headers, name: &'h str) -> Result<Option<&'h str>, WebhookError> {
    let mut found: Option<&str> = None;
    for value in values(headers, name) {
        match found {
            None => found = Some(value),
            Some(first) if first == value => {}
            Some(_) => {
                return Err(refuse(
                    WebhookErrorCode::RepeatedHeader,
                    format!("{name} must carry one value; it carries several different ones (repeated lines or a list)"),
                ));
            }
        }
    }
    Ok(found.filter(|value| !value.is_empty()))
}

fn required<'h>(value: Option<&'h str>, name: &str) -> Result<&'h str, WebhookError> {
    value.ok_or_else(|| refuse(WebhookErrorCode::MissingHeader, format!("{name} is required")))
}

/// The signatures listed in every line of the signature header: at most [`MAX_SIGNATURES`], each 64 hex
/// digits. Reading stops at the first entry over the limit.
fn signatures(headers: &Headers) -> Result<Vec<[u8; 32]>, WebhookError> {
    let missing = || refuse(WebhookErrorCode::MissingHeader, format!("{SIGNATURE_HEADER} is required"));
    let mut entries = values(headers, SIGNATURE_HEADER).peekable();
    match entries.peek() {
        None => return Err(missing()),
        Some(first) if first.is_empty() && values(headers, SIGNATURE_HEADER).nth(1).is_none() => return Err(missing()),
        Some(_) => {}
    }
    let mut tags = Vec::new();
    for (i, entry) in entries.enumerate() {
        if i >= MAX_SIGNATURES {
            return Err(refuse(
                WebhookErrorCode::InvalidSignature,
                format!("{SIGNATURE_HEADER} lists more than {MAX_SIGNATURES} signatures (the most a delivery may carry)"),
            ));
        }
        let tag = decode_hex(entry).ok_or_else(|| {
            refuse(
                WebhookErrorCode::InvalidSignature,
                format!("{SIGNATURE_HEADER} entry {} must be 64 hexadecimal digits, not {}", i + 1, quoted(entry)),
            )
        })?;
        tags.push(tag);
    }
    Ok(tags)
}

/// The event type, when it is lowercase snake_case (the contract's enum format); a list or any other text
/// is refused rather than kept as an unknown type.
fn read_event_type(text: &str) -> Result<EventType, WebhookError> {
    if text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
        Ok(EventType::from_wire(text))
    } else {
        Err(refuse(WebhookErrorCode::InvalidEventType, format!("{EVENT_TYPE_HEADER} must be lowercase snake_case, not {}", quoted(text))))
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
    use crate::dedupe::{RecentEvents, SeenEvents};
    use crate::history::GiftHistory;
    use serde_json::Value;

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

    fn code(result: Result<Delivery, WebhookError>) -> WebhookErrorCode {
        result.unwrap_err().code
    }

    #[test]
    fn signs_timestamp_dot_body() {
        // Computed independently: HMAC-SHA256(b"whsec_test", b"1776335400.{\"id\":1}") in Python's hmac module.
        assert_eq!(signature(SECRET, "1776335400", br#"{"id":1}"#), "087f012b745d49be282a10be145546c1ff7d43701847491d414f1b61586d46df");
        // The key's bytes are used as given, whatever their length (RFC 4231 test case 2's key).
        assert_eq!(signature(b"Jefe", "what do ya want for nothing?", b"").len(), 64);
        // The body's digest, as `sha256sum` prints it for the three bytes `abc`.
        assert_eq!(BodyDigest::of(b"abc").to_string(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(BodyDigest::parse(&BodyDigest::of(b"abc").to_string().to_uppercase()), Some(BodyDigest::of(b"abc")));
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
        assert_eq!(delivery_.key().body_digest, BodyDigest::of(BODY.as_bytes()));

        let upper = signature(SECRET, &NOW.to_string(), BODY.as_bytes()).to_uppercase();
        assert!(verifier.verify(&delivery(&upper, &NOW.to_string()), BODY.as_bytes(), now).is_ok());
    }

    #[test]
    fn refuses_tampered_forged_and_replayed_deliveries() {
        let verifier = Verifier::new(SECRET);
        let now = Timestamp::from_unix_seconds(NOW);
        let headers = signed(&NOW.to_string(), BODY);
        let tampered = BODY.replace("Alice", "Alicf");

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
        assert_eq!(code(verifier.verify(&short, BODY.as_bytes(), now)), WebhookErrorCode::InvalidSignature);
        let not_seconds = signed("2026-04-16T10:30:00Z", BODY);
        assert_eq!(code(verifier.verify(&not_seconds, BODY.as_bytes(), now)), WebhookErrorCode::InvalidTimestamp);
        let not_json = signed(&NOW.to_string(), "not json");
        assert_eq!(code(verifier.verify(&not_json, b"not json", now)), WebhookErrorCode::InvalidBody);
    }

    #[test]
    fn an_event_type_that_contradicts_the_signed_status_is_refused_with_its_own_code() {
        let verifier = Verifier::new(SECRET);
        let now = Timestamp::from_unix_seconds(NOW);
        let mut headers = signed(&NOW.to_string(), BODY);
        headers = headers.iter().map(|(n, v)| (n, if n == EVENT_TYPE_HEADER { "gift_request_cancelled" } else { v })).collect();
        let error = verifier.verify(&headers, BODY.as_bytes(), now).unwrap_err();
        assert_eq!(error.code, WebhookErrorCode::EventTypeMismatch);
        assert!(error.message.contains("gift_request_cancelled") && error.message.contains("redeemed"), "{}", error.message);
        assert!(EventType::Unknown("gift_request_paused".into()).agrees_with(&GiftRequestStatus::Cancelled));
        assert!(EventType::Cancelled.agrees_with(&GiftRequestStatus::Unknown("expired".into())));
        assert!(!EventType::Created.agrees_with(&GiftRequestStatus::Redeemed));
    }

    #[test]
    fn a_quoted_header_value_is_cut_and_a_huge_signature_list_is_read_only_to_its_limit() {
        let verifier = Verifier::new(SECRET);
        let now = Timestamp::from_unix_seconds(NOW);
        let long_id = "x".repeat(10_000);
        let mut headers = signed(&NOW.to_string(), BODY);
        headers = headers.iter().map(|(n, v)| (n, if n == EVENT_ID_HEADER { long_id.as_str() } else { v })).collect();
        let error = verifier.verify(&headers, BODY.as_bytes(), now).unwrap_err();
        assert_eq!(error.code, WebhookErrorCode::InvalidEventId);
        assert!(error.message.len() < 400, "{}", error.message.len());

        let many = vec!["0".repeat(64); 100_000].join(",");
        let error = verifier.verify(&delivery(&many, &NOW.to_string()), BODY.as_bytes(), now).unwrap_err();
        assert_eq!(error.code, WebhookErrorCode::InvalidSignature);
        assert!(error.message.contains(&MAX_SIGNATURES.to_string()), "{}", error.message);
    }

    #[test]
    fn never_shows_the_secret() {
        let verifier = Verifier::new("whsec_do_not_print").also_accepting("whsec_old_do_not_print");
        assert!(!format!("{verifier:?}").contains("do_not_print"));
        let error = check_receiver_options(&["whsec_do_not_print", " "], Some(10)).unwrap_err();
        assert!(!error.to_string().contains("do_not_print"), "{error}");
    }

    #[test]
    fn every_code_has_its_name_and_status() {
        let names: Vec<&str> = WebhookErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), names.iter().collect::<std::collections::HashSet<_>>().len());
        assert_eq!(WebhookErrorCode::BodyTooLarge.http_status(), 413);
        assert_eq!(WebhookErrorCode::EventTypeMismatch.http_status(), 400);
    }

    // ----- The hostile suite every language replays (tests/hostile/webhooks.json).

    fn hostile() -> Value {
        serde_json::from_str(include_str!("../../tests/hostile/webhooks.json")).unwrap()
    }

    fn body_of(suite: &Value, name: &str) -> Vec<u8> {
        match &suite["bodies"][name] {
            Value::String(text) => text.as_bytes().to_vec(),
            built => {
                let times = usize::try_from(built["times"].as_u64().unwrap()).unwrap();
                let mut out = built["prefix"].as_str().unwrap().to_owned();
                out.push_str(&built["repeat"].as_str().unwrap().repeat(times));
                out.push_str(built["suffix"].as_str().unwrap());
                out.into_bytes()
            }
        }
    }

    fn receiver_of(suite: &Value, case: &Value) -> (Verifier, RecentEvents) {
        let secrets: Vec<String> = match case["receiver"]["secrets"].as_array() {
            Some(list) => list.iter().map(|s| s.as_str().unwrap().to_owned()).collect(),
            None => vec![suite["secret"].as_str().unwrap().to_owned()],
        };
        let remember = case["receiver"]["remember"].as_u64().map(|n| usize::try_from(n).unwrap());
        check_receiver_options(&secrets, remember).unwrap();
        let mut verifier = Verifier::new(secrets[0].as_bytes());
        for secret in &secrets[1..] {
            verifier = verifier.also_accepting(secret.as_bytes());
        }
        let seen = remember.map_or_else(RecentEvents::default, |n| RecentEvents::new(n).unwrap());
        (verifier, seen)
    }

    fn outcome(verifier: &Verifier, seen: &mut RecentEvents, history: &mut GiftHistory, delivery: &Value, body: &[u8]) -> Value {
        let headers: Headers = delivery["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|pair| (pair[0].as_str().unwrap().to_owned(), pair[1].as_str().unwrap().to_owned()))
            .collect();
        let now = Timestamp::from_unix_seconds(delivery["now"].as_i64().unwrap());
        match verifier.verify(&headers, body, now) {
            Ok(d) if seen.first_sighting(&d.key()) => {
                history.record_delivery(&d);
                Value::from("accepted")
            }
            Ok(_) => Value::from("duplicate"),
            Err(e) => serde_json::json!({ "refused": e.code.as_str() }),
        }
    }

    #[test]
    fn replays_the_hostile_webhook_suite() {
        let suite = hostile();
        let gift = Uuid::parse(suite["gift_request_id"].as_str().unwrap()).unwrap();
        let cases = suite["cases"].as_array().unwrap();
        assert!(cases.len() >= 50);
        for case in cases {
            let name = case["name"].as_str().unwrap();
            let (verifier, mut seen) = receiver_of(&suite, case);
            let mut history = GiftHistory::new();
            for (i, delivery) in case["deliveries"].as_array().unwrap().iter().enumerate() {
                let body = body_of(&suite, delivery["body"].as_str().unwrap());
                let got = outcome(&verifier, &mut seen, &mut history, delivery, &body);
                assert_eq!(got, delivery["expect"], "{name}, delivery {i}");
            }
            if let Some(expected) = case.get("history_status") {
                let status = history.gift(&gift).map(|t| t.status.as_str().to_owned());
                assert_eq!(status.as_deref(), expected.as_str(), "{name}: the history");
            }
        }
    }

    #[test]
    fn replays_the_hostile_receiver_options() {
        let suite = hostile();
        for option in suite["options"].as_array().unwrap() {
            let secrets: Vec<&str> = option["secrets"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
            let remember = option["remember"].as_u64().map(|n| usize::try_from(n).unwrap_or(usize::MAX));
            let got = match check_receiver_options(&secrets, remember) {
                Ok(()) => Value::from("ok"),
                Err(e) => serde_json::json!({ "refused": e.option }),
            };
            assert_eq!(got, option["expect"], "{option}");
        }
        assert_eq!(check_receiver_options::<&str>(&[], None).unwrap_err().option, "secret");
    }
}
