//! What every response says besides its body: the request id, the rate-limit figures, `Retry-After`.

use std::time::Duration;

use serde::Serialize;

use crate::api_error::{ErrorCode, ErrorItem, ErrorType};
use crate::http::Response;
use crate::json::{JsonValue, ObjectWriter, write_i64};

/// The rate-limit headers of a response, each as received when it could be read.
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize)]
pub struct RateLimit {
    /// `RateLimit-Limit`: the ceiling for the current window.
    pub limit: Option<u64>,
    /// `RateLimit-Remaining`: requests left in the window.
    pub remaining: Option<u64>,
    /// `RateLimit-Reset`: when the window resets, in absolute Unix seconds (not a delay).
    pub reset: Option<i64>,
}

impl RateLimit {
    /// Whether no rate-limit header could be read.
    pub fn is_empty(&self) -> bool {
        self.limit.is_none() && self.remaining.is_none() && self.reset.is_none()
    }

    /// Appends `{ "limit", "remaining", "reset" }`.
    pub(crate) fn write_json(&self, out: &mut String) {
        let mut o = ObjectWriter::open(out);
        o.opt_u64("limit", self.limit);
        o.opt_u64("remaining", self.remaining);
        match self.reset {
            Some(reset) => write_i64(o.key("reset"), reset),
            None => o.raw("reset", "null"),
        }
        o.close();
    }
}

/// The facts of a response that matter whatever its body: keep them with results and errors alike.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ResponseMeta {
    /// The HTTP status.
    pub status: u16,
    /// `Request-Id`: quote it to support.
    pub request_id: Option<String>,
    /// The `RateLimit-*` figures.
    pub rate_limit: RateLimit,
    /// `Retry-After`, in whole seconds as sent.
    pub retry_after: Option<Duration>,
}

impl ResponseMeta {
    /// Reads the headers of `response` (names without regard to case). Unreadable figures are `None`.
    pub fn read(response: &Response) -> ResponseMeta {
        let h = &response.headers;
        ResponseMeta {
            status: response.status,
            request_id: h.get("request-id").filter(|v| !v.is_empty()).map(str::to_owned),
            rate_limit: RateLimit {
                limit: h.get("ratelimit-limit").and_then(|v| v.parse().ok()),
                remaining: h.get("ratelimit-remaining").and_then(|v| v.parse().ok()),
                reset: h.get("ratelimit-reset").and_then(|v| v.parse().ok()),
            },
            retry_after: h.get("retry-after").and_then(|v| v.parse::<u64>().ok()).map(Duration::from_secs),
        }
    }
}

/// Reads an error body; `None` when it is not `{ "errors": [...] }`. Entries are read leniently: a missing
/// `type` or `code` reads as empty text (the type then falls back on the status), entries that are not
/// objects are skipped.
pub(crate) fn read_error_body(body: &[u8]) -> Option<Vec<ErrorItem>> {
    let value = JsonValue::parse(body).ok()?;
    let entries = value.get("errors")?.as_array()?;
    let text = |entry: &JsonValue<'_>, key: &str| entry.get(key).and_then(JsonValue::as_str).map(str::to_owned);
    Some(
        entries
            .iter()
            .filter(|entry| entry.is_object())
            .map(|entry| ErrorItem {
                error_type: ErrorType::from_wire(entry.get("type").and_then(JsonValue::as_str).unwrap_or_default()),
                code: ErrorCode::from_wire(entry.get("code").and_then(JsonValue::as_str).unwrap_or_default()),
                message: text(entry, "message").unwrap_or_default().into(),
                param: text(entry, "param"),
            })
            .collect(),
    )
}

/// A short description of a body that could not be read, for error messages.
pub(crate) fn describe_unreadable(body: &[u8], problem: &str) -> String {
    if body.is_empty() { "the body is empty".to_owned() } else { format!("{problem} ({} bytes)", body.len()) }
}
