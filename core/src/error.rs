//! The one error type of the SDK: what went wrong, with the request id and the server's own words
//! wherever there are some.

use std::time::Duration;

use crate::api_error::{ErrorCode, ErrorItem, ErrorType};
use crate::config::ConfigError;
use crate::gift_request::GiftRequestStatus;
use crate::limits::quoted;
use crate::response::{RateLimit, ResponseMeta};
use crate::retry::TransportFailure;

/// Everything that can stop a call. Match on it, or read it through the accessors ([`Error::kind`],
/// [`Error::status`], [`Error::request_id`], [`Error::errors`], …) that every binding exposes.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum Error {
    /// The configuration was refused before anything was sent.
    #[error("configuration refused: {0}")]
    Config(#[from] ConfigError),
    /// The input was refused before anything was sent; every problem is listed.
    #[error("{}", list("the request was not sent", .0))]
    Validation(Vec<ErrorItem>),
    /// The server answered with an error.
    #[error("{}", api_message(.0))]
    Api(Box<ApiError>),
    /// A gift creation may or may not have happened. It is never sent again automatically: look the gift
    /// up (the request id helps support) before deciding to send another.
    #[error("{}", unknown_message(.0))]
    OutcomeUnknown(Box<OutcomeUnknown>),
    /// Every attempt failed without a response.
    #[error("no response after {attempts} attempt(s): {}", transport_message(*.failure))]
    Transport {
        /// Requests sent.
        attempts: u32,
        /// The last failure.
        failure: TransportFailure,
    },
    /// A response that cannot be read as the contract says.
    #[error("{}", decode_message(.0))]
    Decode(Box<DecodeError>),
    /// A poll ran past its deadline.
    #[error("gave up waiting after {} s", .waited.as_secs())]
    Timeout {
        /// How long the poll waited.
        waited: Duration,
    },
    /// A poll's target can no longer be reached.
    #[error("the gift request is {status}: what was waited for will not happen")]
    Unreachable {
        /// The status that ended the wait.
        status: GiftRequestStatus,
    },
    /// A call was handed a response after it had already finished.
    #[error("this call has already finished: start a new one")]
    Finished,
}

/// The server's error answer.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ApiError {
    /// Status, request id, rate-limit figures, `Retry-After`.
    pub meta: ResponseMeta,
    /// The problems, in the server's words (empty only when the body listed none).
    pub errors: Vec<ErrorItem>,
}

impl ApiError {
    /// The category: the first error's type when the SDK knows it, else the type the status implies.
    pub fn error_type(&self) -> ErrorType {
        match self.errors.first().map(|e| &e.error_type) {
            Some(t) if !matches!(t, ErrorType::Unknown(_)) => t.clone(),
            _ => ErrorType::for_status(self.meta.status),
        }
    }
}

/// Why a create's outcome is unknown.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct OutcomeUnknown {
    /// The status of the last response, if one came (`None` after a transport failure).
    pub status: Option<u16>,
    /// Its request id.
    pub request_id: Option<String>,
    /// What happened.
    pub reason: String,
}

/// A response the SDK could not read.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct DecodeError {
    /// Status and headers of the response.
    pub meta: ResponseMeta,
    /// What was wrong with the body.
    pub reason: String,
}

/// The kinds of [`Error`], as text for bindings and logs.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum ErrorKind {
    /// [`Error::Config`].
    Config,
    /// [`Error::Validation`].
    Validation,
    /// [`Error::Api`].
    Api,
    /// [`Error::OutcomeUnknown`].
    OutcomeUnknown,
    /// [`Error::Transport`].
    Transport,
    /// [`Error::Decode`].
    Decode,
    /// [`Error::Timeout`].
    Timeout,
    /// [`Error::Unreachable`].
    Unreachable,
    /// [`Error::Finished`].
    Finished,
}

impl ErrorKind {
    /// `config`, `validation`, `api`, `outcome_unknown`, `transport`, `decode`, `timeout`,
    /// `unreachable` or `finished`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Config => "config",
            ErrorKind::Validation => "validation",
            ErrorKind::Api => "api",
            ErrorKind::OutcomeUnknown => "outcome_unknown",
            ErrorKind::Transport => "transport",
            ErrorKind::Decode => "decode",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Unreachable => "unreachable",
            ErrorKind::Finished => "finished",
        }
    }
}

impl Error {
    /// The kind of error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Config(_) => ErrorKind::Config,
            Error::Validation(_) => ErrorKind::Validation,
            Error::Api(_) => ErrorKind::Api,
            Error::OutcomeUnknown(_) => ErrorKind::OutcomeUnknown,
            Error::Transport { .. } => ErrorKind::Transport,
            Error::Decode(_) => ErrorKind::Decode,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::Unreachable { .. } => ErrorKind::Unreachable,
            Error::Finished => ErrorKind::Finished,
        }
    }

    /// The problems in the server's words: the server's for [`Error::Api`], the SDK's own for
    /// [`Error::Validation`]; empty otherwise.
    pub fn errors(&self) -> &[ErrorItem] {
        match self {
            Error::Validation(errors) => errors,
            Error::Api(api) => &api.errors,
            _ => &[],
        }
    }

    /// The category (`validation_error`, …): the first problem's, falling back on the status.
    pub fn error_type(&self) -> Option<ErrorType> {
        match self {
            Error::Api(api) => Some(api.error_type()),
            _ => self.errors().first().map(|e| e.error_type.clone()),
        }
    }

    /// Replaces every occurrence of `secret` (the client's API key) in the texts that came from the
    /// server (each problem's message, field and code, a decode or outcome reason) by `[redacted]`, so that
    /// a server echoing the key never gets it printed. Linear in the texts' length.
    pub fn redact(&mut self, secret: &str) {
        match self {
            Error::Api(api) => {
                for item in &mut api.errors {
                    if let Some(clean) = redacted(&item.message, secret) {
                        item.message = std::borrow::Cow::Owned(clean);
                    }
                    if let Some(param) = item.param.as_mut() {
                        redact_in(param, secret);
                    }
                    if let ErrorCode::Other(code) = &mut item.code {
                        redact_in(code, secret);
                    }
                    if let ErrorType::Unknown(kind) = &mut item.error_type {
                        redact_in(kind, secret);
                    }
                }
            }
            Error::Decode(decode) => redact_in(&mut decode.reason, secret),
            Error::OutcomeUnknown(unknown) => redact_in(&mut unknown.reason, secret),
            _ => {}
        }
    }

    /// The first problem's code.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.errors().first().map(|e| &e.code)
    }

    /// The first problem's field, in dot notation.
    pub fn param(&self) -> Option<&str> {
        match self {
            Error::Config(c) => c.param,
            _ => self.errors().first().and_then(|e| e.param.as_deref()),
        }
    }

    /// The HTTP status of the response behind the error, when there was one.
    pub fn status(&self) -> Option<u16> {
        self.meta().map(|m| m.status).or(match self {
            Error::OutcomeUnknown(o) => o.status,
            _ => None,
        })
    }

    /// The `Request-Id` of the response behind the error: quote it to support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::OutcomeUnknown(o) => o.request_id.as_deref(),
            _ => self.meta().and_then(|m| m.request_id.as_deref()),
        }
    }

    /// `Retry-After`, when the response carried one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.meta().and_then(|m| m.retry_after)
    }

    /// The rate-limit figures of the response behind the error.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.meta().map(|m| m.rate_limit)
    }

    fn meta(&self) -> Option<&ResponseMeta> {
        match self {
            Error::Api(api) => Some(&api.meta),
            Error::Decode(d) => Some(&d.meta),
            _ => None,
        }
    }
}

/// Problems listed in an error's message at most; every problem stays in [`Error::errors`].
const LISTED_IN_MESSAGE: usize = 10;

/// `head: p1; p2; …`, each problem's param and message quoted ([`quoted`]), at most
/// [`LISTED_IN_MESSAGE`] of them, then how many more there are.
fn list(head: &str, errors: &[ErrorItem]) -> String {
    let mut out = format!("{head}: ");
    for (i, e) in errors.iter().take(LISTED_IN_MESSAGE).enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        if let Some(param) = &e.param {
            out.push_str(&quoted(param));
            out.push_str(": ");
        }
        out.push_str(&format!("{} ({})", quoted(&e.message), quoted(e.code.as_str())));
    }
    if errors.len() > LISTED_IN_MESSAGE {
        out.push_str(&format!("; and {} more in the error's list", errors.len() - LISTED_IN_MESSAGE));
    }
    out
}

fn with_request_id(mut text: String, meta: &ResponseMeta) -> String {
    if let Some(id) = &meta.request_id {
        text.push_str(&format!(" [request id {}]", quoted(id)));
    }
    text
}

fn api_message(api: &ApiError) -> String {
    let head = format!("the API answered {} {}", api.meta.status, quoted(api.error_type().as_str()));
    let mut text = if api.errors.is_empty() { head } else { list(&head, &api.errors) };
    if let Some(after) = api.meta.retry_after {
        text.push_str(&format!(" (retry after {} s)", after.as_secs()));
    }
    with_request_id(text, &api.meta)
}

fn unknown_message(o: &OutcomeUnknown) -> String {
    let mut text = format!("the gift request may or may not have been created ({}); it was not sent again", o.reason);
    if let Some(id) = &o.request_id {
        text.push_str(&format!(" [request id {}]", quoted(id)));
    }
    text
}

fn transport_message(failure: TransportFailure) -> &'static str {
    match failure {
        TransportFailure::NotSent => "the request could not be sent",
        TransportFailure::MaybeSent => "the connection failed after the request was sent",
    }
}

fn decode_message(d: &DecodeError) -> String {
    with_request_id(format!("could not read the {} response: {}", d.meta.status, d.reason), &d.meta)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{Headers, Response};
    use crate::timestamp::Timestamp;

    #[test]
    fn a_message_quotes_long_values_cut_and_lists_ten_problems_at_most() {
        let huge_id = "r".repeat(10_000_000);
        let response = Response::new(422, [("Request-Id", huge_id.as_str())].into_iter().collect::<Headers>(), Vec::new());
        let meta = ResponseMeta::read(&response, Timestamp::from_unix_seconds(0));
        let item = ErrorItem::validation(ErrorCode::Invalid, "p".repeat(50_000), "m".repeat(50_000));
        let error = Error::Api(Box::new(ApiError { meta, errors: vec![item; 1_000] }));
        let message = error.to_string();
        assert!(message.len() < 10_000, "{} bytes", message.len());
        assert!(message.contains("and 990 more"), "{message}");
        assert!(message.contains(&format!("{}…", "r".repeat(crate::limits::MAX_QUOTED_CHARS))));
        assert_eq!(error.request_id().map(str::len), Some(10_000_000), "the field keeps the whole id");
    }
}

fn redact_in(text: &mut String, secret: &str) {
    if let Some(clean) = redacted(text, secret) {
        *text = clean;
    }
}

/// `text` with every occurrence of `secret` replaced by `[redacted]`, or `None` when there is none.
/// Knuth–Morris–Pratt: one pass over `text` whatever the two hold (a hostile message of megabytes against
/// a key of hundreds of characters), and one small function rather than the standard library's searcher.
/// `secret` is visible ASCII (an API key), so every match starts and ends on a character boundary.
fn redacted(text: &str, secret: &str) -> Option<String> {
    let (t, s) = (text.as_bytes(), secret.as_bytes());
    let n = s.len();
    if n == 0 || t.len() < n {
        return None;
    }
    let at = |i: usize| s.get(i).copied();
    // fail[i]: the length of the longest proper prefix of s[..=i] that is also its suffix.
    let mut fail = vec![0usize; n];
    let mut k = 0;
    for i in 1..n {
        while k > 0 && at(i) != at(k) {
            k = fail.get(k - 1).copied().unwrap_or(0);
        }
        if at(i) == at(k) {
            k += 1;
        }
        if let Some(f) = fail.get_mut(i) {
            *f = k;
        }
    }
    let mut out: Option<String> = None;
    let (mut copied, mut k) = (0, 0);
    for (i, &b) in t.iter().enumerate() {
        while k > 0 && Some(b) != at(k) {
            k = fail.get(k - 1).copied().unwrap_or(0);
        }
        if Some(b) == at(k) {
            k += 1;
        }
        if k == n {
            let o = out.get_or_insert_with(|| String::with_capacity(t.len()));
            o.push_str(text.get(copied..i + 1 - n).unwrap_or_default());
            o.push_str("[redacted]");
            copied = i + 1;
            k = 0;
        }
    }
    let mut o = out?;
    o.push_str(text.get(copied..).unwrap_or_default());
    Some(o)
}

#[cfg(test)]
mod redaction_tests {
    use super::redacted;

    #[test]
    fn every_occurrence_is_replaced_in_one_pass() {
        assert_eq!(redacted("no key here", "ao-v1-x"), None);
        assert_eq!(redacted("ao-v1-x", "ao-v1-x").as_deref(), Some("[redacted]"));
        assert_eq!(redacted("é ao-v1-x, aao-v1-xao-v1-x!", "ao-v1-x").as_deref(), Some("é [redacted], a[redacted][redacted]!"));
        assert_eq!(redacted("aaab", "aab").as_deref(), Some("a[redacted]"));
        assert_eq!(redacted("abababc", "ababc").as_deref(), Some("ab[redacted]"));
        assert_eq!(redacted("", "k"), None);
        let long = "ab".repeat(1 << 20) + "abc";
        assert_eq!(redacted(&long, "abc").map(|r| r.len()), Some(long.len() - 3 + "[redacted]".len()));
    }
}
