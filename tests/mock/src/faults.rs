//! Injected faults: the queue filled through `POST /_mock/faults`, and the seeded random faults of
//! `--fault-rate`. A fault is drawn once per API request, before it is processed; the server then applies
//! it (see [`Fault`]). Control endpoints never get a fault.

use std::collections::VecDeque;

use serde_json::Value;

use crate::rng::SplitMix64;

/// One fault, as queued (`{"method"?, "path"?, "status"?, "after_processing"?, "retry_after"?, "drop"?,
/// "delay_ms"?}`) or drawn.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Fault {
    /// Only requests with this method (any case) match; `None` matches any.
    pub method: Option<String>,
    /// Only requests whose path starts with this match; `None` matches any.
    pub path: Option<String>,
    /// Answer with this status (400–599) instead of the real answer.
    pub status: Option<u16>,
    /// Process the request first (a create lands), then answer `status` or drop.
    pub after_processing: bool,
    /// The `Retry-After` of the answer, in seconds (429 and 503 get 1 when not given).
    pub retry_after: Option<u64>,
    /// Close the connection without answering.
    pub drop: bool,
    /// Wait this long before processing.
    pub delay_ms: u64,
}

impl Fault {
    /// Reads one fault from its JSON object; the error names the field at fault.
    pub fn from_json(value: &Value) -> Result<Fault, String> {
        let Value::Object(map) = value else { return Err("each fault must be a JSON object".to_owned()) };
        let text = |key: &str| -> Result<Option<String>, String> {
            match map.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(format!("{key} must be a string")),
            }
        };
        let number = |key: &str| -> Result<Option<u64>, String> {
            match map.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => v.as_u64().map(Some).ok_or_else(|| format!("{key} must be a non-negative integer")),
            }
        };
        let flag = |key: &str| -> Result<bool, String> {
            match map.get(key) {
                None | Some(Value::Null) => Ok(false),
                Some(Value::Bool(b)) => Ok(*b),
                Some(_) => Err(format!("{key} must be true or false")),
            }
        };
        for key in map.keys() {
            if !matches!(key.as_str(), "method" | "path" | "status" | "after_processing" | "retry_after" | "drop" | "delay_ms") {
                return Err(format!("{key} is not a fault field (method, path, status, after_processing, retry_after, drop, delay_ms)"));
            }
        }
        let status = match number("status")? {
            None => None,
            Some(s @ 400..=599) => u16::try_from(s).ok(),
            Some(_) => return Err("status must be between 400 and 599".to_owned()),
        };
        let fault = Fault {
            method: text("method")?,
            path: text("path")?,
            status,
            after_processing: flag("after_processing")?,
            retry_after: number("retry_after")?,
            drop: flag("drop")?,
            delay_ms: number("delay_ms")?.unwrap_or(0).min(60_000),
        };
        if fault.status.is_some() && fault.drop {
            return Err("a fault either answers a status or drops the connection, not both".to_owned());
        }
        if fault.status.is_none() && !fault.drop && fault.delay_ms == 0 {
            return Err("a fault needs status, drop or delay_ms".to_owned());
        }
        Ok(fault)
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method)) && self.path.as_deref().is_none_or(|p| path.starts_with(p))
    }

    /// The `Retry-After` to send with this fault's status, if any.
    pub fn retry_after_seconds(&self) -> Option<u64> {
        match self.status {
            Some(429 | 503) => Some(self.retry_after.unwrap_or(1).max(1)),
            Some(_) => self.retry_after,
            None => None,
        }
    }
}

/// The fault queue and the seeded random draw.
#[derive(Debug)]
pub struct Faults {
    queue: VecDeque<Fault>,
    rate: f64,
    seed: u64,
    rng: SplitMix64,
}

impl Faults {
    /// No queued fault; `rate` (0 to 1) of API requests get a random one, drawn from `seed`.
    pub fn new(rate: f64, seed: u64) -> Faults {
        let rate = if rate.is_finite() { rate.clamp(0.0, 1.0) } else { 0.0 };
        Faults { queue: VecDeque::new(), rate, seed, rng: SplitMix64::new(seed ^ 0xFA_0175) }
    }

    /// Empties the queue and restarts the random draw from the seed.
    pub fn reset(&mut self) {
        *self = Faults::new(self.rate, self.seed);
    }

    /// Appends faults to the queue; returns its length.
    pub fn push(&mut self, faults: Vec<Fault>) -> usize {
        self.queue.extend(faults);
        self.queue.len()
    }

    /// The fault for this API request, if any: the first queued fault that matches (taken off the queue),
    /// else a random one at the configured rate.
    pub fn draw(&mut self, method: &str, path: &str) -> Option<Fault> {
        if let Some(at) = self.queue.iter().position(|f| f.matches(method, path)) {
            return self.queue.remove(at);
        }
        if self.rate <= 0.0 || self.rng.unit() >= self.rate {
            return None;
        }
        let fault = match self.rng.below(7) {
            0 => Fault { status: Some(500), ..Fault::default() },
            1 => Fault { status: Some(500), after_processing: true, ..Fault::default() },
            2 => Fault { status: Some(503), retry_after: Some(1), ..Fault::default() },
            3 => Fault { status: Some(429), retry_after: Some(1), ..Fault::default() },
            4 => Fault { drop: true, ..Fault::default() },
            5 => Fault { drop: true, after_processing: true, ..Fault::default() },
            _ => Fault { delay_ms: 100 + self.rng.below(400), ..Fault::default() },
        };
        Some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_matches_in_order_by_method_and_path_prefix() {
        let mut f = Faults::new(0.0, 1);
        let specs: Value = serde_json::from_str(
            r#"[{"method":"POST","path":"/gift_requests","status":500,"after_processing":true},{"status":429,"retry_after":2},{"drop":true}]"#,
        )
        .unwrap();
        let faults: Vec<Fault> = specs.as_array().unwrap().iter().map(|v| Fault::from_json(v).unwrap()).collect();
        assert_eq!(f.push(faults), 3);
        assert_eq!(f.draw("GET", "/campaigns").unwrap().status, Some(429));
        assert!(f.draw("GET", "/campaigns").unwrap().drop);
        assert!(f.draw("GET", "/campaigns").is_none());
        let create = f.draw("post", "/gift_requests").unwrap();
        assert!(create.after_processing);
        assert!(f.draw("POST", "/gift_requests").is_none());
    }

    #[test]
    fn refuses_bad_specs() {
        for bad in [r#"[]"#, r#"{}"#, r#"{"status":200}"#, r#"{"status":500,"drop":true}"#, r#"{"drop":"yes"}"#, r#"{"bogus":1}"#] {
            let v: Value = serde_json::from_str(bad).unwrap();
            assert!(Fault::from_json(&v).is_err(), "{bad}");
        }
    }

    #[test]
    fn random_faults_are_reproducible() {
        let draws = |seed| {
            let mut f = Faults::new(0.5, seed);
            (0..200).map(|_| f.draw("GET", "/campaigns")).collect::<Vec<_>>()
        };
        assert_eq!(draws(3), draws(3));
        assert_ne!(draws(3), draws(4));
        let hits = draws(3).iter().filter(|d| d.is_some()).count();
        assert!((60..140).contains(&hits), "{hits}");
    }
}
