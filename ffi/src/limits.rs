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
    }
}
