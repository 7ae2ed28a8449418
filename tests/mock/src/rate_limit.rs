//! The rate limit: fixed windows of `--rate-window-seconds`, at most `--rate-limit` API requests per
//! window per token (the `Authorization` header's text). Every response reports the window in
//! `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (absolute Unix seconds).
//!
//! **Mock decision**: with no limit (`--rate-limit 0`) the headers still come, with a limit of 1,000,000,
//! so that clients pacing on them are exercised without ever being held back.

use std::collections::HashMap;

/// The limit advertised when none is configured.
pub const UNLIMITED: u64 = 1_000_000;

/// The figures of one response's `RateLimit-*` headers, and whether the request may proceed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Window {
    /// `RateLimit-Limit`.
    pub limit: u64,
    /// `RateLimit-Remaining`, after this request.
    pub remaining: u64,
    /// `RateLimit-Reset`: Unix seconds when the window ends.
    pub reset: i64,
    /// `None` when the request may proceed; else the `Retry-After` seconds of the 429.
    pub refused: Option<u64>,
}

/// Per-token counters.
#[derive(Debug)]
pub struct RateLimiter {
    limit: u64,
    window_seconds: i64,
    counters: HashMap<String, (i64, u64)>,
}

impl RateLimiter {
    /// `limit` requests per `window_seconds` (at least 1) per token; 0 is unlimited.
    pub fn new(limit: u64, window_seconds: u64) -> RateLimiter {
        RateLimiter { limit, window_seconds: i64::try_from(window_seconds.max(1)).unwrap_or(1), counters: HashMap::new() }
    }

    /// Forgets every counter.
    pub fn reset(&mut self) {
        self.counters.clear();
    }

    fn window_of(&self, now_ms: i64) -> (i64, i64) {
        let index = now_ms.div_euclid(1000).div_euclid(self.window_seconds);
        (index, (index + 1) * self.window_seconds)
    }

    /// Counts one request by `token` at `now_ms`, unless it is over the limit (a refused request is not
    /// counted).
    pub fn check(&mut self, token: &str, now_ms: i64) -> Window {
        let (index, reset) = self.window_of(now_ms);
        let limit = if self.limit == 0 { UNLIMITED } else { self.limit };
        // Bound the memory a client cycling through tokens can take.
        if self.counters.len() > 10_000 {
            self.counters.retain(|_, (w, _)| *w == index);
        }
        let counter = self.counters.entry(token.to_owned()).or_insert((index, 0));
        if counter.0 != index {
            *counter = (index, 0);
        }
        if self.limit > 0 && counter.1 >= self.limit {
            let wait_ms = reset.saturating_mul(1000) - now_ms;
            let retry_after = u64::try_from((wait_ms + 999) / 1000).unwrap_or(1).max(1);
            return Window { limit, remaining: 0, reset, refused: Some(retry_after) };
        }
        counter.1 += 1;
        Window { limit, remaining: limit.saturating_sub(counter.1), reset, refused: None }
    }

    /// The figures for a response that does not count (control endpoints): a full window.
    pub fn peek(&self, now_ms: i64) -> Window {
        let (_, reset) = self.window_of(now_ms);
        let limit = if self.limit == 0 { UNLIMITED } else { self.limit };
        Window { limit, remaining: limit, reset, refused: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_over_the_limit_until_the_window_ends() {
        let mut r = RateLimiter::new(2, 1);
        let t = 1_777_000_000_250;
        assert_eq!(r.check("a", t).remaining, 1);
        assert_eq!(r.check("a", t).remaining, 0);
        let refused = r.check("a", t + 100);
        assert_eq!(refused.refused, Some(1));
        assert_eq!(refused.reset, 1_777_000_001);
        assert_eq!(r.check("b", t).refused, None);
        assert_eq!(r.check("a", t + 750).refused, None);
        let mut unlimited = RateLimiter::new(0, 1);
        assert_eq!(unlimited.check("a", t).limit, UNLIMITED);
    }
}
