//! A small blocking HTTP/1.1 client over `std::net::TcpStream`, for plain `http://` on loopback: the
//! transport the end-to-end tests, the demo and the capacity benchmark hand the core's requests to, and
//! the mock's own webhook sender.
//!
//! [`HttpClient::send`] sends one `andopen_core::Request` and returns the `andopen_core::Response`, or a
//! [`TransportError`] that says whether the request may have reached the server (what the core's
//! [`TransportFailure`] needs). [`HttpClient::run`], [`HttpClient::poll`] and [`HttpClient::list_all`]
//! drive a whole call through the sans-IO loop, sleeping when the core says so; [`HttpClient::run_batch`]
//! drives a batch send.
//!
//! One client keeps one keep-alive connection; use one client per thread.

use std::io::{BufReader, ErrorKind};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::time::Duration;

use andopen_core::batch::{BatchAction, BatchRun};
use andopen_core::{
    Call, Campaign, CampaignPages, Error, GiftRequest, Headers, Method, Operation, Page, Poller, Reply, Request, Response, Step, Timestamp,
    TransportFailure,
};

use crate::http::{read_response, write_request};

/// The parts of an `http://host:port/path?query` URL.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Url {
    /// Host name or address.
    pub host: String,
    /// Port (80 when not given).
    pub port: u16,
    /// `host:port`, for the `Host` header and for reusing connections.
    pub authority: String,
    /// The path and query (`/` at least).
    pub target: String,
}

impl Url {
    /// Reads an `http://` URL; anything else (https included) is refused with a reason.
    pub fn parse(url: &str) -> Result<Url, String> {
        let rest = url.strip_prefix("http://").ok_or_else(|| format!("{url}: only http:// URLs are supported"))?;
        let (authority, target) = match rest.find(['/', '?']) {
            Some(at) => rest.split_at(at),
            None => (rest, "/"),
        };
        let target = if target.starts_with('?') { format!("/{target}") } else { target.to_owned() };
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => (h, p.parse::<u16>().map_err(|_| format!("{url}: bad port"))?),
            _ => (authority, 80),
        };
        if host.is_empty() {
            return Err(format!("{url}: no host"));
        }
        Ok(Url { host: host.trim_start_matches('[').trim_end_matches(']').to_owned(), port, authority: authority.to_owned(), target })
    }
}

/// A failed exchange.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TransportError {
    /// Whether the request may have reached the server (it was written before the failure).
    pub maybe_sent: bool,
    /// What went wrong.
    pub message: String,
}

impl TransportError {
    /// The failure as the core's retry table knows it.
    pub fn failure(&self) -> TransportFailure {
        if self.maybe_sent { TransportFailure::MaybeSent } else { TransportFailure::NotSent }
    }
}

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

struct Connection {
    authority: String,
    reader: BufReader<TcpStream>,
}

/// A blocking HTTP/1.1 client with one keep-alive connection.
pub struct HttpClient {
    connection: Option<Connection>,
    timeout: Duration,
}

impl Default for HttpClient {
    fn default() -> HttpClient {
        HttpClient::new()
    }
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient").field("connected", &self.connection.is_some()).field("timeout", &self.timeout).finish()
    }
}

/// The current time, as the core takes it.
pub fn now() -> Timestamp {
    Timestamp::from_unix_millis(crate::rng::now_millis())
}

impl HttpClient {
    /// A client with a 30 s timeout on connecting, reading and writing.
    pub fn new() -> HttpClient {
        HttpClient { connection: None, timeout: Duration::from_secs(30) }
    }

    /// Changes the timeout on connecting, reading and writing.
    pub fn timeout(mut self, timeout: Duration) -> HttpClient {
        self.timeout = timeout;
        self
    }

    /// Sends a request the core built and returns the response as the core takes it.
    pub fn send(&mut self, request: &Request) -> Result<Response, TransportError> {
        let headers: Vec<(&str, &str)> = request.headers.iter().map(|(n, v)| (*n, v.as_ref())).collect();
        self.exchange(request.method.as_str(), &request.url, &headers, request.body.as_deref())
    }

    /// One exchange: `method` to `url` with these headers and body (a `Content-Length` is added).
    pub fn exchange(&mut self, method: &str, url: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Result<Response, TransportError> {
        let url = Url::parse(url).map_err(|message| TransportError { maybe_sent: false, message })?;
        let mut connection = match self.connection.take() {
            Some(c) if c.authority == url.authority && is_open(c.reader.get_ref()) => c,
            _ => self.connect(&url)?,
        };
        let written = write_request(connection.reader.get_mut(), method, &url.target, &url.authority, headers, body, true);
        if let Err(e) = written {
            return Err(TransportError { maybe_sent: false, message: format!("could not send the request: {e}") });
        }
        match read_response(&mut connection.reader) {
            Ok(response) => {
                if response.keep_alive {
                    self.connection = Some(connection);
                } else {
                    let _ = connection.reader.get_ref().shutdown(Shutdown::Both);
                }
                Ok(Response::new(response.status, response.headers.into_iter().collect::<Headers>(), response.body))
            }
            Err(e) => Err(TransportError { maybe_sent: true, message: format!("no response after sending: {e}") }),
        }
    }

    fn connect(&self, url: &Url) -> Result<Connection, TransportError> {
        let not_sent = |message: String| TransportError { maybe_sent: false, message };
        let addresses = (url.host.as_str(), url.port).to_socket_addrs().map_err(|e| not_sent(format!("{}: {e}", url.authority)))?;
        let mut last = format!("{}: no address", url.authority);
        for address in addresses {
            match TcpStream::connect_timeout(&address, self.timeout) {
                Ok(stream) => {
                    let _ = stream.set_nodelay(true);
                    let _ = stream.set_read_timeout(Some(self.timeout));
                    let _ = stream.set_write_timeout(Some(self.timeout));
                    return Ok(Connection { authority: url.authority.clone(), reader: BufReader::new(stream) });
                }
                Err(e) => last = format!("could not connect to {}: {e}", url.authority),
            }
        }
        Err(not_sent(last))
    }

    /// Drives one call to its end: sends, hands each answer (or failure) to the core, and sleeps each
    /// wait the core asks for, after showing it to `on_wait`.
    pub fn run<O: Operation>(&mut self, call: &mut Call<O>, mut on_wait: impl FnMut(Duration)) -> Result<Reply<O::Output>, Error> {
        loop {
            let step = match self.send(call.request()) {
                Ok(response) => call.handle_response(&response, now()),
                Err(e) => call.handle_transport_failure(e.failure(), now()),
            };
            match step {
                Step::Done(reply) => return Ok(reply),
                Step::Wait(delay) => {
                    on_wait(delay);
                    std::thread::sleep(delay);
                }
                Step::Failed(error) => return Err(error),
            }
        }
    }

    /// Drives a poll to its end (see [`HttpClient::run`]).
    pub fn poll(&mut self, poller: &mut Poller, mut on_wait: impl FnMut(Duration)) -> Result<Reply<GiftRequest>, Error> {
        loop {
            let step = match self.send(poller.request()) {
                Ok(response) => poller.handle_response(&response, now()),
                Err(e) => poller.handle_transport_failure(e.failure(), now()),
            };
            match step {
                Step::Done(reply) => return Ok(reply),
                Step::Wait(delay) => {
                    on_wait(delay);
                    std::thread::sleep(delay);
                }
                Step::Failed(error) => return Err(error),
            }
        }
    }

    /// Reads every page of a campaign list; `on_page` sees each page as it comes.
    pub fn list_all(
        &mut self,
        pages: &mut CampaignPages,
        mut on_page: impl FnMut(&Reply<Page<Campaign>>),
        mut on_wait: impl FnMut(Duration),
    ) -> Result<Vec<Campaign>, Error> {
        let mut all = Vec::new();
        while let Some(request) = pages.request().cloned() {
            let step = match self.send(&request) {
                Ok(response) => pages.handle_response(&response, now()),
                Err(e) => pages.handle_transport_failure(e.failure(), now()),
            };
            match step {
                Step::Done(reply) => {
                    on_page(&reply);
                    all.extend(reply.value.data);
                }
                Step::Wait(delay) => {
                    on_wait(delay);
                    std::thread::sleep(delay);
                }
                Step::Failed(error) => return Err(error),
            }
        }
        Ok(all)
    }
}

/// How a batch run ended in [`HttpClient::run_batch`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BatchEnd {
    /// Every row has its outcome.
    Done,
    /// Stopped as if killed: right after handing out the `n`th creation, before its answer was handled.
    Killed,
}

impl HttpClient {
    /// Drives a batch run: appends each journal entry to `journal` (the host's durable file, here a list of
    /// lines), sends, sleeps. With `kill_after` set, stops dead right after that many creations went out,
    /// as a killed process would.
    pub fn run_batch(&mut self, run: &mut BatchRun, journal: &mut Vec<String>, kill_after: Option<usize>) -> BatchEnd {
        let mut creations = 0;
        loop {
            let request = match run.next_action(now()) {
                BatchAction::Persist(entry) => {
                    journal.push(entry.to_json_line());
                    continue;
                }
                BatchAction::Wait(delay) => {
                    std::thread::sleep(delay);
                    continue;
                }
                BatchAction::Done => return BatchEnd::Done,
                BatchAction::Send(request) => request.clone(),
            };
            let answer = self.send(&request);
            if request.method == Method::Post {
                creations += 1;
                if kill_after == Some(creations) {
                    return BatchEnd::Killed;
                }
            }
            match answer {
                Ok(response) => run.handle_response(&response, now()),
                Err(e) => run.handle_transport_failure(e.failure(), now()),
            }
        }
    }
}

/// Whether a kept connection is still usable: the server has not closed it, and no stray bytes wait.
fn is_open(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return false;
    }
    let mut byte = [0u8; 1];
    let open = matches!(stream.peek(&mut byte), Err(e) if e.kind() == ErrorKind::WouldBlock);
    stream.set_nonblocking(false).is_ok() && open
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_http_urls() {
        let u = Url::parse("http://127.0.0.1:8080/campaigns?limit=2").unwrap();
        assert_eq!((u.host.as_str(), u.port, u.target.as_str()), ("127.0.0.1", 8080, "/campaigns?limit=2"));
        let u = Url::parse("http://localhost").unwrap();
        assert_eq!((u.port, u.target.as_str()), (80, "/"));
        assert!(Url::parse("https://api.andopen.co").is_err());
        assert!(Url::parse("http://:80/").is_err());
    }
}
