//! HTTP/1.1 on the wire, both ways: reading a request (the server) or a response (the clients of
//! [`crate::transport`] and the webhook sender), and writing them.
//!
//! Only what the mock and its clients need: `Content-Length` and `Transfer-Encoding: chunked` bodies,
//! keep-alive, `Expect: 100-continue`, header names in any case. Every limit is checked, so garbage input
//! is an error value, never a panic.

use std::io::{self, BufRead, Read, Write};

/// The longest request line, status line or header line read (16 KiB).
pub const MAX_LINE: usize = 16 * 1024;
/// The most header lines one message may carry.
pub const MAX_HEADERS: usize = 100;
/// The largest body read (4 MiB).
pub const MAX_BODY: usize = 4 * 1024 * 1024;

/// Why a message could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The peer closed the connection before the first byte of a message.
    Closed,
    /// The bytes are not an HTTP/1.x message, or exceed a limit.
    Malformed(&'static str),
    /// The socket failed, or timed out, mid-message.
    Io(io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Closed => f.write_str("the connection was closed"),
            ReadError::Malformed(why) => write!(f, "not an HTTP/1.1 message: {why}"),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> ReadError {
        ReadError::Io(e)
    }
}

/// Header name and value pairs, in the order received. Lookups ignore the case of names.
pub type HeaderList = Vec<(String, String)>;

/// The first value of header `name` (any case), trimmed.
pub fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim())
}

/// One line without its `\r\n`. `first` says whether a clean end of stream here means "closed".
fn read_line(reader: &mut impl BufRead, first: bool) -> Result<String, ReadError> {
    let mut buf = Vec::with_capacity(64);
    let limit = u64::try_from(MAX_LINE).unwrap_or(u64::MAX);
    reader.by_ref().take(limit).read_until(b'\n', &mut buf)?;
    if buf.is_empty() {
        return Err(if first { ReadError::Closed } else { ReadError::Malformed("the message is cut short") });
    }
    if buf.last() != Some(&b'\n') {
        return Err(ReadError::Malformed(if buf.len() >= MAX_LINE { "a line is too long" } else { "the message is cut short" }));
    }
    buf.pop();
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    String::from_utf8(buf).map_err(|_| ReadError::Malformed("a line is not UTF-8"))
}

/// The start line and the headers of a message.
fn read_head(reader: &mut impl BufRead) -> Result<(String, HeaderList), ReadError> {
    let mut start = read_line(reader, true)?;
    // A client may send a stray CRLF between messages (RFC 9112 §2.2): skip a few.
    let mut blanks = 0;
    while start.is_empty() {
        blanks += 1;
        if blanks > 4 {
            return Err(ReadError::Malformed("empty lines instead of a start line"));
        }
        start = read_line(reader, true)?;
    }
    let mut headers = HeaderList::new();
    loop {
        let line = read_line(reader, false)?;
        if line.is_empty() {
            break;
        }
        if headers.len() >= MAX_HEADERS {
            return Err(ReadError::Malformed("too many headers"));
        }
        if line.starts_with([' ', '\t']) {
            return Err(ReadError::Malformed("folded header lines are not accepted"));
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(ReadError::Malformed("a header line has no colon"));
        };
        if name.is_empty() || !name.bytes().all(is_token_byte) {
            return Err(ReadError::Malformed("a header name is not a token"));
        }
        headers.push((name.to_owned(), value.trim().to_owned()));
    }
    Ok((start, headers))
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// How a body is framed.
enum Framing {
    Length(usize),
    Chunked,
    UntilClose,
}

fn framing(headers: &[(String, String)], until_close_by_default: bool) -> Result<Framing, ReadError> {
    if let Some(te) = header(headers, "transfer-encoding") {
        let last = te.rsplit(',').next().unwrap_or_default().trim();
        if last.eq_ignore_ascii_case("chunked") {
            return Ok(Framing::Chunked);
        }
        return Err(ReadError::Malformed("a transfer coding other than chunked"));
    }
    let mut length: Option<usize> = None;
    for (_, value) in headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case("content-length")) {
        let value = value.trim();
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ReadError::Malformed("Content-Length is not a number"));
        }
        let n: usize = value.parse().map_err(|_| ReadError::Malformed("Content-Length is too large"))?;
        if length.is_some_and(|l| l != n) {
            return Err(ReadError::Malformed("two different Content-Length values"));
        }
        length = Some(n);
    }
    Ok(match length {
        Some(n) => Framing::Length(n),
        None if until_close_by_default => Framing::UntilClose,
        None => Framing::Length(0),
    })
}

fn read_body(reader: &mut impl BufRead, framing: Framing) -> Result<Vec<u8>, ReadError> {
    match framing {
        Framing::Length(n) => {
            if n > MAX_BODY {
                return Err(ReadError::Malformed("the body is too large"));
            }
            let mut body = vec![0u8; n];
            reader.read_exact(&mut body).map_err(|e| {
                if e.kind() == io::ErrorKind::UnexpectedEof { ReadError::Malformed("the body is cut short") } else { ReadError::Io(e) }
            })?;
            Ok(body)
        }
        Framing::UntilClose => {
            let mut body = Vec::new();
            let limit = u64::try_from(MAX_BODY).unwrap_or(u64::MAX) + 1;
            reader.by_ref().take(limit).read_to_end(&mut body)?;
            if body.len() > MAX_BODY {
                return Err(ReadError::Malformed("the body is too large"));
            }
            Ok(body)
        }
        Framing::Chunked => {
            let mut body = Vec::new();
            loop {
                let line = read_line(reader, false)?;
                let size_text = line.split(';').next().unwrap_or_default().trim();
                if size_text.is_empty() || size_text.len() > 8 || !size_text.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(ReadError::Malformed("a chunk size is not hexadecimal"));
                }
                let size = usize::from_str_radix(size_text, 16).map_err(|_| ReadError::Malformed("a chunk size is not hexadecimal"))?;
                if size == 0 {
                    // Trailers, then the empty line.
                    let mut trailers = 0;
                    while !read_line(reader, false)?.is_empty() {
                        trailers += 1;
                        if trailers > MAX_HEADERS {
                            return Err(ReadError::Malformed("too many trailers"));
                        }
                    }
                    return Ok(body);
                }
                if body.len().saturating_add(size) > MAX_BODY {
                    return Err(ReadError::Malformed("the body is too large"));
                }
                let start = body.len();
                body.resize(start + size, 0);
                let chunk = body.get_mut(start..).unwrap_or_default();
                reader.read_exact(chunk).map_err(|e| {
                    if e.kind() == io::ErrorKind::UnexpectedEof { ReadError::Malformed("a chunk is cut short") } else { ReadError::Io(e) }
                })?;
                if !read_line(reader, false)?.is_empty() {
                    return Err(ReadError::Malformed("a chunk does not end with CRLF"));
                }
            }
        }
    }
}

/// A request as the server read it.
#[derive(Clone, Debug)]
pub struct ServerRequest {
    /// The method, as sent (`GET`, `POST`, …).
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query parameters, percent-decoded, in order.
    pub query: Vec<(String, String)>,
    /// The headers.
    pub headers: HeaderList,
    /// The body (de-chunked).
    pub body: Vec<u8>,
    /// Whether the connection stays open after the response.
    pub keep_alive: bool,
}

impl ServerRequest {
    /// The first value of a header, by name in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
}

/// Reads one request. `interim` receives `100 Continue` when the client asks for it before its body.
pub fn read_request(reader: &mut impl BufRead, interim: &mut impl Write) -> Result<ServerRequest, ReadError> {
    let (start, headers) = read_head(reader)?;
    let mut parts = start.split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(ReadError::Malformed("the request line is not METHOD TARGET VERSION"));
    };
    if method.is_empty() || !method.bytes().all(is_token_byte) {
        return Err(ReadError::Malformed("the method is not a token"));
    }
    let http11 = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        _ => return Err(ReadError::Malformed("the version is not HTTP/1.1 or HTTP/1.0")),
    };
    if !target.starts_with('/') || !target.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ReadError::Malformed("the target is not an absolute path"));
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let connection = header(&headers, "connection").unwrap_or_default().to_ascii_lowercase();
    let keep_alive = if http11 { !connection.contains("close") } else { connection.contains("keep-alive") };
    let framing = framing(&headers, false)?;
    if header(&headers, "expect").is_some_and(|e| e.eq_ignore_ascii_case("100-continue")) {
        interim.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        interim.flush()?;
    }
    let body = read_body(reader, framing)?;
    Ok(ServerRequest { method: method.to_owned(), path: path.to_owned(), query: parse_query(query), headers, body, keep_alive })
}

/// Splits `a=1&b=x%20y` into decoded pairs (`+` is a space; a name without `=` has an empty value).
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

/// Decodes `%XX` escapes and `+`; a malformed escape is kept as it is.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            _ => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A response as a client read it.
#[derive(Clone, Debug)]
pub struct ClientResponse {
    /// The status code.
    pub status: u16,
    /// The headers.
    pub headers: HeaderList,
    /// The body (de-chunked).
    pub body: Vec<u8>,
    /// Whether the server keeps the connection open.
    pub keep_alive: bool,
}

/// Reads one response, skipping `1xx` interim responses.
pub fn read_response(reader: &mut impl BufRead) -> Result<ClientResponse, ReadError> {
    loop {
        let (start, headers) = read_head(reader)?;
        let mut parts = start.splitn(3, ' ');
        let (Some(version), Some(code)) = (parts.next(), parts.next()) else {
            return Err(ReadError::Malformed("the status line is not VERSION STATUS REASON"));
        };
        if !version.starts_with("HTTP/1.") || code.len() != 3 {
            return Err(ReadError::Malformed("the status line is not VERSION STATUS REASON"));
        }
        let status: u16 = code.parse().map_err(|_| ReadError::Malformed("the status is not a number"))?;
        if (100..200).contains(&status) {
            continue;
        }
        let connection = header(&headers, "connection").unwrap_or_default().to_ascii_lowercase();
        let mut keep_alive = version == "HTTP/1.1" && !connection.contains("close");
        let body = if status == 204 || status == 304 {
            Vec::new()
        } else {
            let framing = framing(&headers, true)?;
            if matches!(framing, Framing::UntilClose) {
                keep_alive = false;
            }
            read_body(reader, framing)?
        };
        return Ok(ClientResponse { status, headers, body, keep_alive });
    }
}

/// The reason phrase of the statuses the mock sends.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Content Too Large",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// Writes a whole response with a `Content-Length` body, in one write.
pub fn write_response(out: &mut impl Write, status: u16, headers: &[(String, String)], body: &[u8], keep_alive: bool) -> io::Result<()> {
    let mut head = String::with_capacity(256);
    head.push_str("HTTP/1.1 ");
    head.push_str(&status.to_string());
    head.push(' ');
    head.push_str(reason(status));
    head.push_str("\r\n");
    for (name, value) in headers {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str("Content-Length: ");
    head.push_str(&body.len().to_string());
    head.push_str(if keep_alive { "\r\nConnection: keep-alive\r\n\r\n" } else { "\r\nConnection: close\r\n\r\n" });
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    out.write_all(&bytes)?;
    out.flush()
}

/// Writes a whole request with a `Content-Length` body (when there is one), in one write.
pub fn write_request(
    out: &mut impl Write,
    method: &str,
    target: &str,
    host: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
    keep_alive: bool,
) -> io::Result<()> {
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {host}\r\n");
    for (name, value) in headers {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    if let Some(body) = body {
        head.push_str("Content-Length: ");
        head.push_str(&body.len().to_string());
        head.push_str("\r\n");
    }
    head.push_str(if keep_alive { "Connection: keep-alive\r\n\r\n" } else { "Connection: close\r\n\r\n" });
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body.unwrap_or_default());
    out.write_all(&bytes)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &[u8]) -> Result<ServerRequest, ReadError> {
        read_request(&mut io::BufReader::new(raw), &mut Vec::new())
    }

    #[test]
    fn reads_content_length_and_chunked_bodies() {
        let r = parse(b"POST /gift_requests?x=1&y=a%20b HTTP/1.1\r\ncontent-LENGTH: 2\r\n\r\n{}").unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(r.path, "/gift_requests");
        assert_eq!(r.query, vec![("x".to_owned(), "1".to_owned()), ("y".to_owned(), "a b".to_owned())]);
        assert_eq!(r.body, b"{}");
        assert!(r.keep_alive);
        let r =
            parse(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: 1\r\n\r\n").unwrap();
        assert_eq!(r.body, b"abcde");
        let r = parse(b"GET / HTTP/1.0\r\n\r\n").unwrap();
        assert!(!r.keep_alive);
    }

    #[test]
    fn refuses_garbage_without_panicking() {
        for raw in [
            &b"\x00\x01\x02\r\n\r\n"[..],
            b"GET\r\n\r\n",
            b"GET / HTTP/2\r\n\r\n",
            b"GET nope HTTP/1.1\r\n\r\n",
            b"GET / HTTP/1.1\r\nNo colon\r\n\r\n",
            b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n",
            b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc",
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        ] {
            assert!(matches!(parse(raw), Err(ReadError::Malformed(_))), "{}", String::from_utf8_lossy(raw));
        }
        assert!(matches!(parse(b""), Err(ReadError::Closed)));
    }

    #[test]
    fn answers_expect_continue() {
        let mut interim = Vec::new();
        let r = read_request(
            &mut io::BufReader::new(&b"POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx"[..]),
            &mut interim,
        )
        .unwrap();
        assert_eq!(r.body, b"x");
        assert_eq!(interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    }

    #[test]
    fn reads_responses() {
        let raw = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}";
        let r = read_response(&mut io::BufReader::new(&raw[..])).unwrap();
        assert_eq!((r.status, r.body.as_slice(), r.keep_alive), (201, &b"{}"[..], true));
        let raw = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end";
        let r = read_response(&mut io::BufReader::new(&raw[..])).unwrap();
        assert_eq!((r.body.as_slice(), r.keep_alive), (&b"until the end"[..], false));
    }
}
