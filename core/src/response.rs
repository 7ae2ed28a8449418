//! What every response says besides its body: the request id, the rate-limit figures, `Retry-After`.

use std::time::Duration;

use serde::Serialize;

use crate::api_error::{ErrorCode, ErrorItem, ErrorType};
use crate::http::Response;
use crate::json::{JsonValue, ObjectWriter, write_i64};
use crate::limits::{MAX_PROBLEMS, MAX_RESPONSE_BYTES};
use crate::timestamp::Timestamp;
use crate::validation::too_many;

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
    /// `Retry-After`: the seconds sent, or the time until the date sent.
    pub retry_after: Option<Duration>,
}

impl ResponseMeta {
    /// Reads the headers of `response` (names without regard to case). Unreadable figures are `None`.
    /// `Retry-After` is read in both of its forms: whole seconds, or an HTTP date, which becomes the time
    /// from `now` until then (zero for a date already past).
    pub fn read(response: &Response, now: Timestamp) -> ResponseMeta {
        let h = &response.headers;
        ResponseMeta {
            status: response.status,
            request_id: h.get("request-id").filter(|v| !v.is_empty()).map(str::to_owned),
            rate_limit: RateLimit {
                limit: h.get("ratelimit-limit").and_then(|v| v.parse().ok()),
                remaining: h.get("ratelimit-remaining").and_then(|v| v.parse().ok()),
                reset: h.get("ratelimit-reset").and_then(|v| v.parse().ok()),
            },
            retry_after: h.get("retry-after").and_then(|v| retry_after(v, now)),
        }
    }
}

/// `Retry-After`'s value as a wait: `delay-seconds` or an `HTTP-date` (RFC 9110 §10.2.3).
fn retry_after(value: &str, now: Timestamp) -> Option<Duration> {
    let value = value.trim_ascii();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    Timestamp::from_http_date(value).map(|at| at.since(now))
}

/// Reads an error body; `None` when it is not `{ "errors": [...] }` or is larger than
/// [`MAX_RESPONSE_BYTES`]. Entries are read leniently: a missing `type` or `code` reads as empty text (the
/// type then falls back on the status), entries that are not objects are skipped. The first
/// [`MAX_PROBLEMS`] are kept; one last `too_many_problems` entry counts the rest.
pub(crate) fn read_error_body(body: &[u8]) -> Option<Vec<ErrorItem>> {
    if body.len() > MAX_RESPONSE_BYTES {
        return None;
    }
    let value = JsonValue::parse(body).ok()?;
    let entries = value.get("errors")?.as_array()?;
    let text = |entry: &JsonValue<'_>, key: &str| entry.get(key).and_then(JsonValue::as_str).map(str::to_owned);
    let objects = entries.iter().filter(|entry| entry.is_object());
    let mut items: Vec<ErrorItem> = objects
        .clone()
        .take(MAX_PROBLEMS)
        .map(|entry| ErrorItem {
            error_type: ErrorType::from_wire(entry.get("type").and_then(JsonValue::as_str).unwrap_or_default()),
            code: ErrorCode::from_wire(entry.get("code").and_then(JsonValue::as_str).unwrap_or_default()),
            message: text(entry, "message").unwrap_or_default().into(),
            param: text(entry, "param"),
        })
        .collect();
    let omitted = objects.skip(MAX_PROBLEMS).count();
    if omitted > 0 {
        items.push(too_many(omitted));
    }
    Some(items)
}

/// A short description of a body that could not be read, for error messages.
pub(crate) fn describe_unreadable(body: &[u8], problem: &str) -> String {
    if body.is_empty() {
        "the body is empty".to_owned()
    } else if body.len() > MAX_RESPONSE_BYTES {
        format!("the body is over the SDK's limit of {MAX_RESPONSE_BYTES} bytes (MAX_RESPONSE_BYTES), so it was not read")
    } else {
        format!("{problem} ({} bytes)", body.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Headers;

    #[test]
    fn an_error_body_keeps_the_first_problems_and_counts_the_rest() {
        let mut body = String::from(r#"{"errors":["#);
        for i in 0..150_000 {
            body.push_str(&format!(r#"{{"code":"c{i}"}},"#));
        }
        body.push_str("{}]}");
        let items = read_error_body(body.as_bytes()).unwrap();
        assert_eq!(items.len(), MAX_PROBLEMS + 1);
        assert_eq!(items[0].code.as_str(), "c0");
        let last = items.last().unwrap();
        assert_eq!(last.code.as_str(), "too_many_problems");
        assert!(last.message.starts_with("149901 more problems"), "{}", last.message);
        let over = format!(r#"{{"errors":[],"pad":"{}"}}"#, "x".repeat(MAX_RESPONSE_BYTES));
        assert_eq!(read_error_body(over.as_bytes()), None);
    }

    #[test]
    fn retry_after_is_seconds_or_a_date_from_now() {
        let now = Timestamp::from_unix_seconds(784_111_777);
        let meta = |value: &str| {
            let r = Response::new(429, [("Retry-After", value)].into_iter().collect::<Headers>(), Vec::new());
            ResponseMeta::read(&r, now).retry_after
        };
        assert_eq!(meta("120"), Some(Duration::from_secs(120)));
        assert_eq!(meta("Sun, 06 Nov 1994 08:50:37 GMT"), Some(Duration::from_secs(60)));
        assert_eq!(meta("Sun, 06 Nov 1994 08:48:37 GMT"), Some(Duration::ZERO));
        assert_eq!(meta("-5"), None);
        assert_eq!(meta("soon"), None);
        // HTTP's optional whitespace (space and tab) around a value is not part of it; other whitespace is.
        assert_eq!(meta(" \t120\t "), Some(Duration::from_secs(120)));
        assert_eq!(meta("\u{a0}120"), None);
        assert_eq!(meta("Sunday, 06-Nov-94 08:50:37 GMT"), Some(Duration::from_secs(60)));
        assert_eq!(meta("Sunday, 06-Nov-94-1 08:50:37 GMT"), None);
    }
}
