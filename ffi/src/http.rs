//! What crosses the wire, as plain data: the request the host sends, the response headers it hands back,
//! how a send can fail, and the facts every response carries.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use andopen_core::Timestamp;

/// One HTTP header.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct Header {
    /// The name, as sent or received.
    pub name: String,
    /// The value.
    pub value: String,
}

/// A request for the host to send exactly as built: method, absolute URL, headers (in order) and body.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct HttpRequest {
    /// `GET` or `POST`.
    pub method: String,
    /// The absolute URL, query included.
    pub url: String,
    /// The headers, in the order to send them (the API key among them when the client has one).
    pub headers: Vec<Header>,
    /// The body, for a POST.
    pub body: Option<Vec<u8>>,
}

impl From<&andopen_core::Request> for HttpRequest {
    fn from(request: &andopen_core::Request) -> HttpRequest {
        HttpRequest {
            method: request.method.as_str().to_owned(),
            url: request.url.clone(),
            headers: request.headers.iter().map(|(name, value)| Header { name: (*name).to_owned(), value: value.to_string() }).collect(),
            body: request.body.clone(),
        }
    }
}

/// Why a request got no response, as the host's transport saw it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, uniffi::Enum)]
pub enum TransportFailure {
    /// The request never left the machine: connection refused, name not resolved, TLS setup failed.
    NotSent,
    /// The request may have reached the server: a timeout, or the connection lost after sending.
    MaybeSent,
}

impl From<TransportFailure> for andopen_core::TransportFailure {
    fn from(failure: TransportFailure) -> andopen_core::TransportFailure {
        match failure {
            TransportFailure::NotSent => andopen_core::TransportFailure::NotSent,
            TransportFailure::MaybeSent => andopen_core::TransportFailure::MaybeSent,
        }
    }
}

/// The rate-limit headers of a response, each as received when it could be read.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, uniffi::Record)]
pub struct RateLimit {
    /// `RateLimit-Limit`: the ceiling for the current window.
    pub limit: Option<i64>,
    /// `RateLimit-Remaining`: requests left in the window.
    pub remaining: Option<i64>,
    /// `RateLimit-Reset`: when the window resets, in absolute Unix seconds.
    pub reset: Option<i64>,
}

impl From<andopen_core::RateLimit> for RateLimit {
    fn from(r: andopen_core::RateLimit) -> RateLimit {
        RateLimit { limit: r.limit.map(saturating), remaining: r.remaining.map(saturating), reset: r.reset }
    }
}

/// The facts of a response whatever its body: keep them with the result.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct ResponseMeta {
    /// The HTTP status.
    pub status: i32,
    /// `Request-Id`: quote it to support.
    pub request_id: Option<String>,
    /// The `RateLimit-*` figures.
    pub rate_limit: RateLimit,
    /// `Retry-After`, in seconds.
    pub retry_after_s: Option<i64>,
}

impl From<andopen_core::ResponseMeta> for ResponseMeta {
    fn from(meta: andopen_core::ResponseMeta) -> ResponseMeta {
        ResponseMeta {
            status: i32::from(meta.status),
            request_id: meta.request_id,
            rate_limit: meta.rate_limit.into(),
            retry_after_s: meta.retry_after.map(|d| saturating(d.as_secs())),
        }
    }
}

/// A response as the core reads it, from the parts the host passes. The status is taken as any integer,
/// so that none is wrapped into another: one outside 1–65535 reaches the core as 0, and the core judges
/// every status outside 100–599 as no HTTP answer at all.
pub(crate) fn response(status: i64, headers: Vec<Header>, body: &[u8]) -> andopen_core::Response {
    let headers = headers.into_iter().map(|h| (h.name, h.value)).collect();
    andopen_core::Response::new(u16::try_from(status).unwrap_or(0), headers, body)
}

/// The host's clock reading, in milliseconds since the Unix epoch.
pub(crate) fn now(unix_ms: i64) -> Timestamp {
    Timestamp::from_unix_millis(unix_ms)
}

/// A core timestamp as the host's instant type.
pub(crate) fn system_time(t: Timestamp) -> SystemTime {
    let ms = t.unix_millis();
    let offset = Duration::from_millis(ms.unsigned_abs());
    let at = if ms >= 0 { UNIX_EPOCH.checked_add(offset) } else { UNIX_EPOCH.checked_sub(offset) };
    // Every timestamp the core parses (years 0 to 9999) is representable; the fallback is unreachable.
    at.unwrap_or(UNIX_EPOCH)
}

/// A duration in whole milliseconds, saturating.
pub(crate) fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// An unsigned count as the hosts' signed 64-bit integer, saturating.
pub(crate) fn saturating(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
