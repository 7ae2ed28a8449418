//! The SDK's limits ([`andopen_core::limits`]), for the hosts' own code: a transport stops reading a
//! response at `max_response_bytes + 1`, a payload writer stops at `max_body_bytes`. The figures are the
//! core's; a host never keeps a copy of its own.

/// The SDK's limits, each the core's named constant.
#[derive(Clone, Copy, PartialEq, Eq, Debug, uniffi::Record)]
pub struct Limits {
    /// `MAX_BODY_BYTES`: the largest create body validated or sent.
    pub max_body_bytes: u64,
    /// `MAX_DEPTH`: how deep objects and arrays may nest.
    pub max_depth: u64,
    /// `MAX_PROBLEMS`: problems listed before the rest are only counted.
    pub max_problems: u64,
    /// `MAX_RESPONSE_BYTES`: the largest response body a transport reads.
    pub max_response_bytes: u64,
    /// `MAX_QUOTED_CHARS`: the longest header value or server text quoted in a message.
    pub max_quoted_chars: u64,
    /// `MAX_WEBHOOK_BODY_BYTES`: the largest webhook body verified.
    pub max_webhook_body_bytes: u64,
    /// `MAX_REMEMBERED_EVENTS`: the largest `remember` of an in-memory de-duplication store.
    pub max_remembered_events: u64,
    /// `DEFAULT_REMEMBERED_EVENTS`: what such a store remembers when not told.
    pub default_remembered_events: u64,
    /// `MAX_TIMEOUT_MS`: the longest timeout (of an exchange or a whole wait) or poll interval, in ms.
    pub max_timeout_ms: u64,
    /// `MIN_POLL_INTERVAL_MS`: the shortest interval between two polls, in ms.
    pub min_poll_interval_ms: u64,
    /// `MAX_API_KEY_CHARS`: the longest API key accepted.
    pub max_api_key_chars: u64,
}

/// The SDK's limits.
#[uniffi::export]
pub fn limits() -> Limits {
    use andopen_core::limits::*;
    let n = |v: usize| u64::try_from(v).unwrap_or(u64::MAX);
    Limits {
        max_body_bytes: n(MAX_BODY_BYTES),
        max_depth: n(MAX_DEPTH),
        max_problems: n(MAX_PROBLEMS),
        max_response_bytes: n(MAX_RESPONSE_BYTES),
        max_quoted_chars: n(MAX_QUOTED_CHARS),
        max_webhook_body_bytes: n(MAX_WEBHOOK_BODY_BYTES),
        max_remembered_events: n(MAX_REMEMBERED_EVENTS),
        default_remembered_events: n(DEFAULT_REMEMBERED_EVENTS),
        max_timeout_ms: MAX_TIMEOUT_MS,
        min_poll_interval_ms: MIN_POLL_INTERVAL_MS,
        max_api_key_chars: n(MAX_API_KEY_CHARS),
    }
}

/// The refusal of a create body a host stopped writing as soon as it was over `MAX_BODY_BYTES` (a Python
/// `dict` of three million line items, say), so that it never builds the whole text: the same problem the
/// core reports for a body over the limit (`api_error` / `body_too_large`, no param), in the core's words:
/// `size_bytes` is the body's size, or what the host knows it to hold at least when `at_least` is set.
#[uniffi::export]
pub fn body_too_large(size_bytes: u64, at_least: bool) -> crate::errors::ErrorReport {
    let size = usize::try_from(size_bytes).unwrap_or(usize::MAX);
    let item = andopen_core::validation::body_too_large(size, at_least);
    crate::errors::ErrorReport::from(&andopen_core::Error::Validation(vec![item]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_too_large_is_the_cores_problem_for_one() {
        let over = vec![b' '; andopen_core::limits::MAX_BODY_BYTES + 1];
        let core = andopen_core::validate_gift_request_json(&over).unwrap_err();
        let report = body_too_large(5_000_000, true);
        assert_eq!(report.kind, crate::errors::ErrorKind::Validation);
        assert_eq!(report.errors.len(), 1);
        let (ours, theirs) = (&report.errors[0], crate::errors::FieldError::from(&core[0]));
        assert_eq!((&ours.error_type, &ours.code, &ours.param), (&theirs.error_type, &theirs.code, &theirs.param));
        assert!(ours.message.contains("at least 5000000 bytes"), "{}", ours.message);
        assert_eq!(limits().max_body_bytes, 1 << 20);
    }
}
