//! What crosses the wire, as plain data: the request the host sends and the response it hands back.

use std::borrow::Cow;
use std::fmt;

/// The API's version, sent on every request as `AndOpen-API-Version`.
pub const API_VERSION: &str = "2026-05";

/// An HTTP method.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
}

impl Method {
    /// `GET` or `POST`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// A request for the host to send, exactly as built: method, absolute URL, headers and body bytes.
///
/// `Debug` hides the `Authorization` header's value.
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// The absolute URL, query included.
    pub url: String,
    /// The headers, in the order to send them.
    pub headers: Vec<(&'static str, Cow<'static, str>)>,
    /// The body, for a POST.
    pub body: Option<Vec<u8>>,
}

impl Request {
    /// The value of a header, by name without regard to case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_ref())
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (*n, if n.eq_ignore_ascii_case("authorization") { "Bearer <redacted>" } else { v.as_ref() }))
            .collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &self.body.as_deref().map(String::from_utf8_lossy))
            .finish()
    }
}

/// Response headers: name and value pairs as received. Lookups ignore the case of names.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Headers(Vec<(String, String)>);

impl Headers {
    /// No headers.
    pub fn new() -> Headers {
        Headers(Vec::new())
    }

    /// Adds a header (a repeated name keeps every value; lookups return the first).
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.push((name.into(), value.into()));
    }

    /// The first value of a header, by name without regard to case, trimmed of surrounding whitespace (HTTP's
    /// optional whitespace is ASCII: RFC 9110 §5.6.3; a value never holds a line break).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim_ascii())
    }

    /// Every header, in the order received.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}

impl<N: Into<String>, V: Into<String>> FromIterator<(N, V)> for Headers {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Headers {
        Headers(iter.into_iter().map(|(n, v)| (n.into(), v.into())).collect())
    }
}

/// A response as the host received it: status, headers and the body's bytes, unparsed.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Response {
    /// The HTTP status.
    pub status: u16,
    /// The headers.
    pub headers: Headers,
    /// The body bytes, exactly as received (possibly empty, possibly cut short).
    pub body: Vec<u8>,
}

impl Response {
    /// A response from its parts.
    pub fn new(status: u16, headers: Headers, body: impl Into<Vec<u8>>) -> Response {
        Response { status, headers, body: body.into() }
    }
}

/// A status a host reports, as the core takes it: a number in 1–65535 as it is, anything else (0, a
/// negative number, 65,536 and beyond, a fraction, NaN) as 0. The calls judge every status outside
/// 100–599 as no HTTP answer at all (see [`crate::Call::handle_response`]), so a host never wraps or
/// rounds a status into one that means something else.
pub fn status_from_host(value: f64) -> u16 {
    if value.fract() == 0.0 && (1.0..=65535.0).contains(&value) { value as u16 } else { 0 }
}

/// Appends `text` to `out` percent-encoded: every byte outside `A-Z a-z 0-9 - . _ ~` becomes `%XX`.
pub(crate) fn percent_encode(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0')));
            out.push(char::from(HEX.get(usize::from(b & 0xf)).copied().unwrap_or(b'0')));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_everything_but_unreserved() {
        let mut out = String::new();
        percent_encode(&mut out, "filter[state]=a b&c/é~._-");
        assert_eq!(out, "filter%5Bstate%5D%3Da%20b%26c%2F%C3%A9~._-");
    }

    #[test]
    fn a_host_status_is_never_wrapped_or_rounded() {
        assert_eq!(status_from_host(201.0), 201);
        assert_eq!(status_from_host(600.0), 600);
        for bad in [65_736.0, 65_536.0, -1.0, 0.0, 200.5, f64::NAN, f64::INFINITY] {
            assert_eq!(status_from_host(bad), 0, "{bad}");
        }
    }

    #[test]
    fn header_lookup_ignores_case() {
        let h: Headers = [("REQUEST-ID", " abc ")].into_iter().collect();
        assert_eq!(h.get("request-id"), Some("abc"));
        assert_eq!(h.get("Request-Id"), Some("abc"));
    }
}
