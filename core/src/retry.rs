//! When to send a request again, and when never to (DESIGN "Retries without duplicate gifts").
//!
//! | situation | GET | POST /gift_requests |
//! | --- | --- | --- |
//! | 429 | wait `Retry-After` (else until `RateLimit-Reset`, else back off) | same: the server did not process it |
//! | 503 | wait `Retry-After`, else back off | same |
//! | 500, 502, 504 | back off (or `Retry-After`) | **never again**: outcome unknown, reported with the request id |
//! | other 5xx | stop | outcome unknown |
//! | nothing sent (connection refused, name not resolved) | back off | back off |
//! | maybe sent (timeout or connection lost after sending) | back off | **never again**: outcome unknown |
//! | other 4xx | stop | stop |
//!
//! Backoff: the n-th retry waits between d/2 and d, d = min(`max_delay`, `base_delay` × 2^(n−1)), the
//! point in that range drawn from a seeded generator. A server-directed wait (`Retry-After`,
//! `RateLimit-Reset`) is waited exactly, unless it exceeds `max_retry_after`: then the call stops and
//! reports it rather than sleeping through it. `max_attempts` counts every request, the first included.

use std::time::Duration;

use crate::timestamp::Timestamp;

/// The figures of the retry policy. Every one is configurable; the defaults suit interactive and batch
/// use alike.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RetryPolicy {
    /// Requests sent at most, the first included (default 4).
    pub max_attempts: u32,
    /// The first backoff's upper bound (default 500 ms).
    pub base_delay: Duration,
    /// The largest backoff (default 8 s).
    pub max_delay: Duration,
    /// The longest server-directed wait the SDK sleeps through (default 60 s); longer ones are reported.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn never() -> RetryPolicy {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
    }

    /// The upper bound of the n-th retry's backoff (n ≥ 1).
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.saturating_sub(1).min(31)).unwrap_or(u32::MAX);
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }
}

/// Whether sending a request twice can do harm.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum ReplaySafety {
    /// A read: sending it again changes nothing.
    Safe,
    /// A gift creation: sending it again may send a second gift.
    Unsafe,
}

/// A failure to get a response, as the host's transport saw it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum TransportFailure {
    /// The request never left the machine: connection refused, name not resolved, TLS setup failed.
    NotSent,
    /// The request may have reached the server: timeout, or connection lost after sending.
    MaybeSent,
}

/// What happened to one attempt, as far as retrying is concerned.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Attempt {
    /// The server answered with a non-2xx status.
    Status { status: u16, retry_after: Option<Duration>, reset: Option<i64> },
    /// No response.
    Transport(TransportFailure),
}

/// The verdict on a failed attempt.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Verdict {
    /// Send the same request again after this long.
    Retry(Duration),
    /// Do not retry: the failure is final.
    Stop,
    /// Would retry, but every attempt is used.
    Exhausted,
    /// Would retry, but the server asks for a longer wait than the policy sleeps through.
    WaitTooLong,
    /// A create may have happened: never replay it.
    OutcomeUnknown,
}

/// A small deterministic generator (SplitMix64) for jitter: same seed, same waits.
#[derive(Clone, Debug)]
pub(crate) struct Jitter(u64);

impl Jitter {
    pub(crate) fn new(seed: u64) -> Jitter {
        Jitter(seed)
    }

    /// The next value, uniform in `0..=bound`.
    fn up_to(&mut self, bound: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        z % bound.saturating_add(1).max(1)
    }

    /// A wait for the n-th retry: between half the ceiling and the ceiling.
    fn backoff(&mut self, policy: &RetryPolicy, retry: u32) -> Duration {
        let ceiling = u64::try_from(policy.backoff_ceiling(retry).as_millis()).unwrap_or(u64::MAX);
        let half = ceiling / 2;
        Duration::from_millis(half + self.up_to(ceiling - half))
    }
}

/// Decides what follows a failed attempt. `attempts` is how many requests have been sent so far.
pub(crate) fn decide(
    policy: &RetryPolicy,
    safety: ReplaySafety,
    attempts: u32,
    attempt: Attempt,
    now: Timestamp,
    jitter: &mut Jitter,
) -> Verdict {
    let wait = match attempt {
        Attempt::Transport(TransportFailure::MaybeSent) if safety == ReplaySafety::Unsafe => return Verdict::OutcomeUnknown,
        Attempt::Transport(_) => Wait::Backoff,
        Attempt::Status { status, retry_after, reset } => match status {
            429 => match (retry_after, reset.map(|r| Timestamp::from_unix_seconds(r).since(now))) {
                (Some(after), _) => Wait::Directed(after),
                (None, Some(until_reset)) if !until_reset.is_zero() => Wait::Directed(until_reset),
                _ => Wait::Backoff,
            },
            503 => retry_after.map_or(Wait::Backoff, Wait::Directed),
            500 | 502 | 504 if safety == ReplaySafety::Safe => retry_after.map_or(Wait::Backoff, Wait::Directed),
            500..=599 if safety == ReplaySafety::Unsafe => return Verdict::OutcomeUnknown,
            _ => return Verdict::Stop,
        },
    };
    if attempts >= policy.max_attempts {
        return Verdict::Exhausted;
    }
    match wait {
        Wait::Directed(after) if after > policy.max_retry_after => Verdict::WaitTooLong,
        Wait::Directed(after) => Verdict::Retry(after),
        Wait::Backoff => Verdict::Retry(jitter.backoff(policy, attempts)),
    }
}

enum Wait {
    Directed(Duration),
    Backoff,
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp::from_unix_seconds(1_777_000_000);

    fn verdict(safety: ReplaySafety, attempts: u32, attempt: Attempt) -> Verdict {
        decide(&RetryPolicy::default(), safety, attempts, attempt, NOW, &mut Jitter::new(7))
    }

    fn status(status: u16) -> Attempt {
        Attempt::Status { status, retry_after: None, reset: None }
    }

    #[test]
    fn creates_are_never_replayed_when_they_may_have_landed() {
        for s in [500, 502, 504, 501, 599] {
            assert_eq!(verdict(ReplaySafety::Unsafe, 1, status(s)), Verdict::OutcomeUnknown, "{s}");
        }
        assert_eq!(verdict(ReplaySafety::Unsafe, 1, Attempt::Transport(TransportFailure::MaybeSent)), Verdict::OutcomeUnknown);
        assert!(matches!(verdict(ReplaySafety::Unsafe, 1, Attempt::Transport(TransportFailure::NotSent)), Verdict::Retry(_)));
        assert!(matches!(verdict(ReplaySafety::Unsafe, 1, status(503)), Verdict::Retry(_)));
        assert!(matches!(verdict(ReplaySafety::Unsafe, 1, status(429)), Verdict::Retry(_)));
    }

    #[test]
    fn backoff_grows_within_its_bounds() {
        let policy = RetryPolicy::default();
        let mut jitter = Jitter::new(42);
        for (retry, lo, hi) in [(1, 250, 500), (2, 500, 1000), (3, 1000, 2000), (5, 4000, 8000), (9, 4000, 8000)] {
            for _ in 0..200 {
                let ms = jitter.backoff(&policy, retry).as_millis();
                assert!((lo..=hi).contains(&ms), "retry {retry}: {ms}");
            }
        }
    }

    #[test]
    fn server_directed_waits() {
        let a = Attempt::Status { status: 429, retry_after: Some(Duration::from_secs(2)), reset: None };
        assert_eq!(verdict(ReplaySafety::Safe, 1, a), Verdict::Retry(Duration::from_secs(2)));
        let a = Attempt::Status { status: 429, retry_after: None, reset: Some(NOW.unix_seconds() + 10) };
        assert_eq!(verdict(ReplaySafety::Safe, 1, a), Verdict::Retry(Duration::from_secs(10)));
        let a = Attempt::Status { status: 503, retry_after: Some(Duration::from_secs(61)), reset: None };
        assert_eq!(verdict(ReplaySafety::Safe, 1, a), Verdict::WaitTooLong);
        assert_eq!(verdict(ReplaySafety::Safe, 4, status(503)), Verdict::Exhausted);
        for s in [400, 401, 403, 404, 409, 422] {
            assert_eq!(verdict(ReplaySafety::Safe, 1, status(s)), Verdict::Stop);
        }
    }
}
