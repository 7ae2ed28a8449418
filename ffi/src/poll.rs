//! Waiting for a gift request to reach something: its redemption URL, or a status. The core decides
//! when the target is reached, when it never will be, and how long to wait between polls.

use std::sync::Mutex;

use crate::calls::{GiftRequestStep, lock};
use crate::http::{Header, HttpRequest, TransportFailure, now, response};
use crate::resources::GiftRequestStatus;

/// What a poll waits for.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Enum)]
pub enum PollTarget {
    /// The redemption URL is set on a gift request that is not cancelled.
    RedemptionUrl,
    /// The status is this one or later on the way `submitted` → `redeemed` → `dispatched` → `delivered`;
    /// `cancelled` is reached only when it is the target itself.
    Status {
        /// The status waited for.
        status: GiftRequestStatus,
    },
}

impl From<&PollTarget> for andopen_core::PollTarget {
    fn from(target: &PollTarget) -> andopen_core::PollTarget {
        match target {
            PollTarget::RedemptionUrl => andopen_core::PollTarget::RedemptionUrl,
            PollTarget::Status { status } => andopen_core::PollTarget::Status(status.into()),
        }
    }
}

/// Polls one gift request. Send `request()`; hand each answer to `handle_response`; `Wait` means sleep
/// `delay_ms`, then send `request()` again. The deadline runs from the first answer's `now_unix_ms`.
#[derive(uniffi::Object)]
pub struct Poller {
    poller: Mutex<andopen_core::Poller>,
}

impl Poller {
    pub(crate) fn new(poller: andopen_core::Poller) -> Poller {
        Poller { poller: Mutex::new(poller) }
    }
}

#[uniffi::export]
impl Poller {
    /// The request to send now.
    pub fn request(&self) -> HttpRequest {
        lock(&self.poller).request().into()
    }

    /// Whether the poll has ended.
    pub fn is_finished(&self) -> bool {
        lock(&self.poller).is_finished()
    }

    /// Judges an answer: `Done` when the target is reached, `Wait` when not yet, `Failed` when it cannot
    /// be reached or the deadline would pass. `now_unix_ms` is the host's clock.
    pub fn handle_response(&self, status: i64, headers: Vec<Header>, body: &[u8], now_unix_ms: i64) -> GiftRequestStep {
        lock(&self.poller).handle_response(&response(status, headers, body), now(now_unix_ms)).into()
    }

    /// Reports that the last request got no response.
    pub fn handle_transport_failure(&self, failure: TransportFailure, now_unix_ms: i64) -> GiftRequestStep {
        lock(&self.poller).handle_transport_failure(failure.into(), now(now_unix_ms)).into()
    }
}
