//! The server: the listener, one thread per connection (HTTP/1.1 keep-alive), a ticker thread that makes
//! scheduled changes happen on time, and the path every request takes.
//!
//! An API request goes: due changes applied → maintenance (503) → a fault drawn (delay, drop, or a status
//! answered before processing) → the rate limit (429) → [`crate::api::answer`] → a fault applied after
//! processing (drop, or the status replacing the real answer). Control requests (`/_mock/…`) skip all of
//! that. Every answer gets `Request-Id`, `RateLimit-*` and `Content-Type`.

use std::collections::{HashMap, VecDeque};
use std::io::{BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use serde::Serialize;

use crate::Options;
use crate::api::{self, Answer, errors};
use crate::control;
use crate::faults::Faults;
use crate::http::{ReadError, ServerRequest, read_request, write_response};
use crate::rate_limit::{RateLimiter, Window};
use crate::resources::{ErrorItem, error_body};
use crate::rng::now_millis;
use crate::store::Store;
use crate::webhooks::{Deliveries, Receiver};

/// Everything that changes, behind one lock.
#[derive(Debug)]
pub struct State {
    /// Campaigns and gift requests.
    pub store: Store,
    /// The fault queue and draw.
    pub faults: Faults,
    /// Per-token counters.
    pub limiter: RateLimiter,
    /// `Some(retry_after)` while in maintenance.
    pub maintenance: Option<u64>,
    /// Where webhook events go.
    pub receivers: Vec<Receiver>,
    /// The latest API requests (at most [`REQUEST_LOG_SIZE`]), oldest first.
    pub requests: VecDeque<RequestRecord>,
}

/// How many API requests `GET /_mock/requests` remembers.
pub const REQUEST_LOG_SIZE: usize = 10_000;

/// One API request as the mock answered it.
#[derive(Clone, Debug, Serialize)]
pub struct RequestRecord {
    /// The method.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The status answered; `None` when the connection was dropped.
    pub status: Option<u16>,
    /// The `Request-Id` (also kept for a dropped connection, which sent none).
    pub request_id: String,
}

impl State {
    /// The state at start: seeded, no fault queued, no maintenance, the configured receivers.
    pub fn new(options: &Options) -> State {
        State {
            store: Store::new(options.seed, id_seed(options.seed), millis(options.redemption_delay), options.advance.map(millis)),
            faults: Faults::new(options.fault_rate, options.seed),
            limiter: RateLimiter::new(options.rate_limit, options.rate_window.as_secs()),
            maintenance: None,
            receivers: options.webhooks.iter().map(|url| Receiver { url: url.clone(), secret: options.webhook_secret.clone() }).collect(),
            requests: VecDeque::new(),
        }
    }
}

/// The seed of the ids handed out at run time: the catalogue's seed mixed with the clock's nanoseconds.
fn id_seed(seed: u64) -> u64 {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
    seed.rotate_left(32) ^ u64::try_from(nanos & u128::from(u64::MAX)).unwrap_or(0)
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// What the threads share.
#[derive(Debug)]
pub struct Shared {
    /// The options the server started with.
    pub options: Options,
    /// The state.
    pub state: Mutex<State>,
    /// The webhook delivery thread.
    pub deliveries: Deliveries,
    stopping: AtomicBool,
    connections: Mutex<HashMap<u64, TcpStream>>,
    next_connection: AtomicU64,
}

impl Shared {
    /// Locks the state (a panic elsewhere never makes it unusable).
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A server running on its threads.
pub struct Running {
    pub(crate) shared: Arc<Shared>,
    pub(crate) port: u16,
    threads: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Running").field("port", &self.port).finish_non_exhaustive()
    }
}

/// Binds 127.0.0.1 and starts the accept and ticker threads.
pub fn start(options: Options) -> std::io::Result<Running> {
    let listener = TcpListener::bind(("127.0.0.1", options.port))?;
    let port = listener.local_addr()?.port();
    let deliveries = Deliveries::start(options.webhook_retry)?;
    let shared = Arc::new(Shared {
        state: Mutex::new(State::new(&options)),
        options,
        deliveries,
        stopping: AtomicBool::new(false),
        connections: Mutex::new(HashMap::new()),
        next_connection: AtomicU64::new(0),
    });
    let accept_shared = Arc::clone(&shared);
    let accept =
        std::thread::Builder::new().name("andopen-mock-accept".to_owned()).spawn(move || accept_loop(&listener, &accept_shared))?;
    let tick_shared = Arc::clone(&shared);
    let ticker = std::thread::Builder::new().name("andopen-mock-ticker".to_owned()).spawn(move || tick_loop(&tick_shared))?;
    Ok(Running { shared, port, threads: vec![accept, ticker] })
}

impl Running {
    /// Stops accepting, closes every connection, stops the threads and waits for them.
    pub fn stop(&mut self) {
        if self.shared.stopping.swap(true, Ordering::SeqCst) {
            return;
        }
        // Wake the accept loop with a connection of our own.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        for (_, stream) in self.shared.connections.lock().unwrap_or_else(PoisonError::into_inner).drain() {
            let _ = stream.shutdown(Shutdown::Both);
        }
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
        self.shared.deliveries.stop();
    }

    /// Whether [`Running::stop`] has been called.
    pub fn is_stopping(&self) -> bool {
        self.shared.stopping.load(Ordering::SeqCst)
    }
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else {
            // Out of descriptors or similar: breathe, then go on.
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        let id = shared.next_connection.fetch_add(1, Ordering::SeqCst);
        if let Ok(clone) = stream.try_clone() {
            shared.connections.lock().unwrap_or_else(PoisonError::into_inner).insert(id, clone);
        }
        let connection_shared = Arc::clone(shared);
        let spawned = std::thread::Builder::new().name("andopen-mock-connection".to_owned()).spawn(move || {
            serve(stream, &connection_shared);
            connection_shared.connections.lock().unwrap_or_else(PoisonError::into_inner).remove(&id);
        });
        if spawned.is_err() {
            shared.connections.lock().unwrap_or_else(PoisonError::into_inner).remove(&id);
        }
    }
}

fn tick_loop(shared: &Shared) {
    while !shared.stopping.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(10));
        let mut state = shared.lock();
        let events = state.store.tick(now_millis());
        if !events.is_empty() {
            shared.deliveries.send(events, &state.receivers);
        }
    }
}

/// What to do with a request.
enum Outcome {
    Answer(Answer, String, Window),
    Drop(String),
}

/// Serves one connection until it closes, a read fails, or the server stops.
fn serve(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_nodelay(true);
    // An idle keep-alive connection is closed after a minute.
    let _ = stream.set_read_timeout(Some(Duration::from_secs(60)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(30)));
    let Ok(mut writer) = stream.try_clone() else { return };
    let mut reader = BufReader::new(stream);
    while !shared.stopping.load(Ordering::SeqCst) {
        let request = match read_request(&mut reader, &mut writer) {
            Ok(request) => request,
            Err(ReadError::Closed | ReadError::Io(_)) => return,
            Err(ReadError::Malformed(why)) => {
                let item = ErrorItem::new("api_error", "malformed_request", format!("The request could not be read as HTTP/1.1: {why}."));
                let (request_id, window) = {
                    let mut state = shared.lock();
                    (state.store.new_id(), state.limiter.peek(now_millis()))
                };
                let headers = common_headers(&request_id, &window, &[]);
                let _ = write_response(&mut writer, 400, &headers, &error_body(&[item]), false);
                log(shared, "?", "?", "400", &request_id);
                return;
            }
        };
        let keep_alive = request.keep_alive;
        let outcome = handle(shared, &request);
        if !request.path.starts_with("/_mock") {
            record(shared, &request, &outcome);
        }
        match outcome {
            Outcome::Answer(answer, request_id, window) => {
                let headers = common_headers(&request_id, &window, &answer.headers);
                log(shared, &request.method, &request.path, &answer.status.to_string(), &request_id);
                if write_response(&mut writer, answer.status, &headers, &answer.body, keep_alive).is_err() || !keep_alive {
                    return;
                }
            }
            Outcome::Drop(request_id) => {
                log(shared, &request.method, &request.path, "dropped", &request_id);
                let _ = writer.flush();
                let _ = writer.shutdown(Shutdown::Both);
                return;
            }
        }
    }
}

fn record(shared: &Shared, request: &ServerRequest, outcome: &Outcome) {
    let (status, request_id) = match outcome {
        Outcome::Answer(answer, request_id, _) => (Some(answer.status), request_id.clone()),
        Outcome::Drop(request_id) => (None, request_id.clone()),
    };
    let mut state = shared.lock();
    if state.requests.len() >= REQUEST_LOG_SIZE {
        state.requests.pop_front();
    }
    state.requests.push_back(RequestRecord { method: request.method.clone(), path: request.path.clone(), status, request_id });
}

fn log(shared: &Shared, method: &str, path: &str, status: &str, request_id: &str) {
    if !shared.options.quiet {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{method} {path} {status} {request_id}");
    }
}

fn common_headers(request_id: &str, window: &Window, extra: &[(String, String)]) -> Vec<(String, String)> {
    let mut headers = vec![
        ("Content-Type".to_owned(), "application/json".to_owned()),
        ("Request-Id".to_owned(), request_id.to_owned()),
        ("RateLimit-Limit".to_owned(), window.limit.to_string()),
        ("RateLimit-Remaining".to_owned(), window.remaining.to_string()),
        ("RateLimit-Reset".to_owned(), window.reset.to_string()),
    ];
    headers.extend(extra.iter().cloned());
    headers
}

/// The path every request takes (see the module's doc).
fn handle(shared: &Shared, request: &ServerRequest) -> Outcome {
    if request.path == "/_mock" || request.path.starts_with("/_mock/") {
        let now = now_millis();
        let (answer, request_id, window) = {
            let mut state = shared.lock();
            let request_id = state.store.new_id();
            let answer = control::answer(shared, &mut state, request, now);
            let window = state.limiter.peek(now);
            (answer, request_id, window)
        };
        return Outcome::Answer(answer, request_id, window);
    }

    // Before processing: due changes, maintenance, the fault draw.
    let now = now_millis();
    let (request_id, maintenance, fault, window) = {
        let mut state = shared.lock();
        let events = state.store.tick(now);
        shared.deliveries.send(events, &state.receivers);
        let request_id = state.store.new_id();
        let maintenance = state.maintenance;
        let fault = if maintenance.is_none() { state.faults.draw(&request.method, &request.path) } else { None };
        (request_id, maintenance, fault, state.limiter.peek(now))
    };
    if let Some(retry_after) = maintenance {
        return Outcome::Answer(errors::unavailable("The tenant is under maintenance.", retry_after.max(1)), request_id, window);
    }
    if let Some(f) = &fault {
        if f.delay_ms > 0 {
            std::thread::sleep(Duration::from_millis(f.delay_ms));
        }
        if !f.after_processing {
            if f.drop {
                return Outcome::Drop(request_id);
            }
            if let Some(status) = f.status {
                let window = injected_window(window, status, f.retry_after_seconds(), now);
                return Outcome::Answer(errors::injected(status, f.retry_after_seconds()), request_id, window);
            }
        }
    }

    // Processing: the rate limit, then the API; a create's body is read before the lock is taken.
    let prepared = api::prepare(request);
    let now = now_millis();
    let (answer, window) = {
        let mut state = shared.lock();
        let events = state.store.tick(now);
        shared.deliveries.send(events, &state.receivers);
        let token = request.header("authorization").unwrap_or_default().to_owned();
        let window = state.limiter.check(&token, now);
        let answer = match window.refused {
            Some(retry_after) => errors::rate_limited(retry_after),
            None => {
                let mut answer = api::answer(&mut state.store, request, &shared.options.stage, now, prepared);
                let events = std::mem::take(&mut answer.events);
                shared.deliveries.send(events, &state.receivers);
                answer
            }
        };
        (answer, window)
    };

    // After processing: the fault replaces the answer.
    match fault {
        Some(f) if f.after_processing && f.drop => Outcome::Drop(request_id),
        Some(f) if f.after_processing && f.status.is_some() => {
            let status = f.status.unwrap_or(500);
            let window = injected_window(window, status, f.retry_after_seconds(), now);
            Outcome::Answer(errors::injected(status, f.retry_after_seconds()), request_id, window)
        }
        _ => Outcome::Answer(answer, request_id, window),
    }
}

/// An injected 429 reports an empty window that resets after its `Retry-After`.
fn injected_window(window: Window, status: u16, retry_after: Option<u64>, now: i64) -> Window {
    if status != 429 {
        return window;
    }
    let after = i64::try_from(retry_after.unwrap_or(1)).unwrap_or(1);
    Window { remaining: 0, reset: now.div_euclid(1000) + after, ..window }
}
