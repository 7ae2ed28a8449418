//! One API call as a state machine: it holds the request to send and judges each response (or transport
//! failure) the host reports, deciding whether the call is done, must wait and send again, or has failed.
//!
//! ```text
//! let mut call = client.get_gift_request(id)?;
//! loop {
//!     let reply = transport.send(call.request());          // host: the HTTP exchange
//!     match call.handle_response(&reply, now()) {           // core: the decision
//!         Step::Done(gift) => break,
//!         Step::Wait(delay) => sleep(delay),                // then send call.request() again
//!         Step::Failed(error) => return Err(error),
//!     }
//! }
//! ```

use std::marker::PhantomData;
use std::time::Duration;

use crate::config::Config;
use crate::error::{DecodeError, Error, OutcomeUnknown};
use crate::http::{Request, Response};
use crate::limits::MAX_RESPONSE_BYTES;
use crate::operations::Operation;
use crate::response::{ResponseMeta, describe_unreadable, read_error_body};
use crate::retry::{Attempt, Jitter, ReplaySafety, RetryPolicy, TransportFailure, Verdict, decide};
use crate::timestamp::Timestamp;

/// What the host does next.
#[derive(Debug)]
#[must_use = "a step says what the host must do next"]
pub enum Step<T> {
    /// The call is done: here is its result.
    Done(T),
    /// Sleep this long, then send the call's request again.
    Wait(Duration),
    /// The call failed; it will not send anything more.
    Failed(Error),
}

/// A result with the facts of the response that carried it.
#[derive(Clone, PartialEq, Debug)]
pub struct Reply<T> {
    /// The result.
    pub value: T,
    /// Status, request id, rate-limit figures.
    pub meta: ResponseMeta,
}

/// One call to one endpoint. Send [`Call::request`]; report what came back with
/// [`Call::handle_response`] or [`Call::handle_transport_failure`]; do what the [`Step`] says.
#[derive(Debug)]
pub struct Call<O: Operation> {
    request: Request,
    attempts: Attempts,
    op: PhantomData<O>,
}

/// The part of a call that does not depend on its endpoint: the retry state and every decision short of
/// decoding a success body. Kept apart from [`Call`] so that it is compiled once, not once per endpoint.
#[derive(Debug)]
struct Attempts {
    policy: RetryPolicy,
    count: u32,
    jitter: Jitter,
    finished: bool,
}

/// What an answer comes to before a success body is decoded.
enum Judged {
    /// A 2xx: decode the body.
    Success(ResponseMeta),
    /// Send the request again after this wait.
    Wait(Duration),
    /// The call failed.
    Failed(Error),
}

impl<O: Operation> Call<O> {
    pub(crate) fn new(request: Request, config: &Config) -> Call<O> {
        let seed = config.jitter_seed() ^ fingerprint(&request);
        let attempts = Attempts { policy: config.retry_policy().clone(), count: 1, jitter: Jitter::new(seed), finished: false };
        Call { request, attempts, op: PhantomData }
    }

    /// The request to send now (and again after each [`Step::Wait`]).
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// How many requests this call has asked the host to send so far.
    pub fn attempts(&self) -> u32 {
        self.attempts.count
    }

    /// Whether the call has reached [`Step::Done`] or [`Step::Failed`].
    pub fn is_finished(&self) -> bool {
        self.attempts.finished
    }

    /// Judges the response to the last request sent. `now` is the current time (it turns
    /// `RateLimit-Reset` and a `Retry-After` date into a wait).
    ///
    /// A body longer than [`crate::limits::MAX_RESPONSE_BYTES`] is not read (a transport reads at most one
    /// byte more and hands over what it read). A status outside 100–599 is not an HTTP answer: it counts as
    /// a connection that failed after sending. For a creation, any answer that does not prove that nothing
    /// was created, an unreadable 2xx included, is [`Error::OutcomeUnknown`].
    ///
    /// The client's API key never comes back in a message: a server error that echoes it has it replaced
    /// by `[redacted]` ([`Error::redact`]).
    pub fn handle_response(&mut self, response: &Response, now: Timestamp) -> Step<Reply<O::Output>> {
        let error = match self.attempts.judge(O::SAFETY, response, now) {
            Judged::Success(meta) => {
                let decoded = if response.body.len() > MAX_RESPONSE_BYTES {
                    Err(describe_unreadable(&response.body, ""))
                } else {
                    O::decode(&response.body)
                };
                match decoded {
                    Ok(value) => return Step::Done(Reply { value, meta }),
                    Err(reason) => undecodable(O::SAFETY, meta, reason),
                }
            }
            Judged::Wait(delay) => return Step::Wait(delay),
            Judged::Failed(error) => error,
        };
        Step::Failed(without_key(error, &self.request))
    }

    /// Reports that the last request got no response. `now` is the current time.
    pub fn handle_transport_failure(&mut self, failure: TransportFailure, now: Timestamp) -> Step<Reply<O::Output>> {
        match self.attempts.transport_failure(O::SAFETY, failure, now) {
            Ok(delay) => Step::Wait(delay),
            Err(error) => Step::Failed(error),
        }
    }
}

/// `error` with the API key that `request` carries (if any) replaced by `[redacted]` wherever the server's
/// words or body are quoted ([`Error::redact`]). One function for every kind of call.
fn without_key(mut error: Error, request: &Request) -> Error {
    let key = request
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("authorization"))
        .and_then(|(_, value)| value.strip_prefix("Bearer "));
    if let Some(key) = key {
        error.redact(key);
    }
    error
}

impl Attempts {
    /// [`Call::handle_response`] up to the decoding of a success body.
    fn judge(&mut self, safety: ReplaySafety, response: &Response, now: Timestamp) -> Judged {
        if self.finished {
            return Judged::Failed(Error::Finished);
        }
        if !(100..=599).contains(&response.status) {
            let reason = match response.status {
                0 => "the answer's status is not an HTTP status (100–599)".to_owned(),
                other => format!("the answer's status {other} is not an HTTP status (100–599)"),
            };
            return match self.no_answer(safety, TransportFailure::MaybeSent, now, reason) {
                Ok(delay) => Judged::Wait(delay),
                Err(error) => Judged::Failed(error),
            };
        }
        let meta = ResponseMeta::read(response, now);
        if (200..300).contains(&response.status) {
            self.finished = true;
            return Judged::Success(meta);
        }
        let attempt = Attempt::Status { status: response.status, retry_after: meta.retry_after, reset: meta.rate_limit.reset };
        match decide(&self.policy, safety, self.count, attempt, now, &mut self.jitter) {
            Verdict::Retry(delay) => {
                self.count += 1;
                Judged::Wait(delay)
            }
            Verdict::OutcomeUnknown => {
                self.finished = true;
                Judged::Failed(Error::OutcomeUnknown(Box::new(OutcomeUnknown {
                    status: Some(meta.status),
                    request_id: meta.request_id,
                    reason: format!("the server answered {}", response.status),
                })))
            }
            Verdict::Stop | Verdict::Exhausted | Verdict::WaitTooLong => {
                self.finished = true;
                Judged::Failed(error_from(response, meta))
            }
        }
    }

    /// [`Call::handle_transport_failure`]: the wait before sending again, or the error.
    fn transport_failure(&mut self, safety: ReplaySafety, failure: TransportFailure, now: Timestamp) -> Result<Duration, Error> {
        if self.finished {
            return Err(Error::Finished);
        }
        self.no_answer(safety, failure, now, "the connection failed after the request was sent".to_owned())
    }

    /// Decides after an attempt that brought no usable answer (the wait before sending again, or the
    /// error); `reason` says why, for an outcome unknown.
    fn no_answer(&mut self, safety: ReplaySafety, failure: TransportFailure, now: Timestamp, reason: String) -> Result<Duration, Error> {
        match decide(&self.policy, safety, self.count, Attempt::Transport(failure), now, &mut self.jitter) {
            Verdict::Retry(delay) => {
                self.count += 1;
                Ok(delay)
            }
            Verdict::OutcomeUnknown => {
                self.finished = true;
                Err(Error::OutcomeUnknown(Box::new(OutcomeUnknown { status: None, request_id: None, reason })))
            }
            Verdict::Stop | Verdict::Exhausted | Verdict::WaitTooLong => {
                self.finished = true;
                Err(Error::Transport { attempts: self.count, failure })
            }
        }
    }
}

/// The error a 2xx whose body could not be read stands for: for a creation an outcome unknown (something
/// may have been created), else a decode error.
fn undecodable(safety: ReplaySafety, meta: ResponseMeta, reason: String) -> Error {
    if safety == ReplaySafety::Unsafe {
        Error::OutcomeUnknown(Box::new(OutcomeUnknown {
            status: Some(meta.status),
            request_id: meta.request_id,
            reason: format!("the server answered {} but its body could not be read: {reason}", meta.status),
        }))
    } else {
        Error::Decode(Box::new(DecodeError { meta, reason }))
    }
}

/// The error a non-2xx response stands for: the server's errors, or a decode error naming the status
/// when the body is not the contract's error body.
pub(crate) fn error_from(response: &Response, meta: ResponseMeta) -> Error {
    match read_error_body(&response.body) {
        Some(errors) => Error::Api(Box::new(crate::error::ApiError { meta, errors })),
        None => {
            let reason = describe_unreadable(&response.body, "the error body is not the contract's { \"errors\": [...] }");
            Error::Decode(Box::new(DecodeError { meta, reason }))
        }
    }
}

/// A cheap hash of the request (eight bytes at a time), so that calls made with one seed still jitter apart.
fn fingerprint(request: &Request) -> u64 {
    let mix = |h: u64, bytes: &[u8]| {
        bytes.chunks(8).fold(h, |h, chunk| {
            let mut word = [0u8; 8];
            word.iter_mut().zip(chunk).for_each(|(w, b)| *w = *b);
            (h ^ u64::from_le_bytes(word)).wrapping_mul(0x0100_0000_01b3).rotate_left(29)
        })
    };
    mix(mix(0xcbf2_9ce4_8422_2325, request.url.as_bytes()), request.body.as_deref().unwrap_or_default())
}
