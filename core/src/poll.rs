//! Waiting for a gift request to reach something: its redemption URL, or a status.

use std::sync::Arc;
use std::time::Duration;

use crate::call::{Call, Reply, Step};
use crate::config::{Config, ConfigError};
use crate::error::Error;
use crate::gift_request::{GiftRequest, GiftRequestStatus};
use crate::http::{Request, Response};
use crate::operations::GetGiftRequest;
use crate::retry::TransportFailure;
use crate::timestamp::Timestamp;

/// What a poll waits for.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum PollTarget {
    /// `redemption_url` is set (it is generated shortly after creation) on a gift that is not cancelled.
    RedemptionUrl,
    /// The status is this one or later on the way `submitted` → `redeemed` → `dispatched` →
    /// `delivered`. `cancelled` is reached only when it is the target itself.
    Status(GiftRequestStatus),
}

impl PollTarget {
    /// The target for a host's text: `redemption_url`, or a contract status (`submitted`, `redeemed`,
    /// `dispatched`, `delivered`, `cancelled`). Anything else (`"shiped"`) is refused naming `status`:
    /// the poll would never end before its timeout.
    pub fn parse(text: &str) -> Result<PollTarget, ConfigError> {
        let target = match text {
            "redemption_url" => PollTarget::RedemptionUrl,
            status => PollTarget::Status(GiftRequestStatus::from_wire(status)),
        };
        target.check().map(|()| target)
    }

    /// Refuses a target status that is not one of the contract's.
    pub fn check(&self) -> Result<(), ConfigError> {
        match self {
            PollTarget::Status(GiftRequestStatus::Unknown(text)) => Err(ConfigError::invalid_named_option(
                "status",
                format!(
                    "status must be redemption_url, submitted, redeemed, dispatched, delivered or cancelled, not \"{}\"",
                    crate::limits::quoted(text)
                ),
            )),
            _ => Ok(()),
        }
    }

    /// Whether `gift` has reached the target.
    pub fn is_reached(&self, gift: &GiftRequest) -> bool {
        match self {
            PollTarget::RedemptionUrl => gift.redemption_url.is_some() && gift.status != GiftRequestStatus::Cancelled,
            PollTarget::Status(target) => match (gift.status.progress(), target.progress()) {
                (Some(now), Some(wanted)) => now >= wanted,
                _ => gift.status == *target,
            },
        }
    }

    /// Whether `gift` can no longer reach the target (it was cancelled, or delivered without it).
    pub fn is_unreachable(&self, gift: &GiftRequest) -> bool {
        !self.is_reached(gift) && gift.status.is_final()
    }
}

/// Polls one gift request. Send [`Poller::request`]; hand each answer to [`Poller::handle_response`];
/// [`Step::Wait`] means sleep, then send again. The deadline runs from the first answer's `now`.
#[derive(Debug)]
pub struct Poller {
    config: Arc<Config>,
    call: Call<GetGiftRequest>,
    target: PollTarget,
    interval: Duration,
    timeout: Duration,
    started: Option<Timestamp>,
    finished: bool,
}

impl Poller {
    pub(crate) fn new(
        config: Arc<Config>,
        call: Call<GetGiftRequest>,
        target: PollTarget,
        interval: Duration,
        timeout: Duration,
    ) -> Poller {
        Poller { config, call, target, interval, timeout, started: None, finished: false }
    }

    /// The request to send now.
    pub fn request(&self) -> &Request {
        self.call.request()
    }

    /// Whether the poll has ended.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Judges an answer: done when the target is reached, a wait of one interval when not yet, a failure
    /// when the target is unreachable or the deadline would pass.
    pub fn handle_response(&mut self, response: &Response, now: Timestamp) -> Step<Reply<GiftRequest>> {
        if self.finished {
            return Step::Failed(Error::Finished);
        }
        let step = self.call.handle_response(response, now);
        self.judge(step, now)
    }

    /// Reports that the last request got no response.
    pub fn handle_transport_failure(&mut self, failure: TransportFailure, now: Timestamp) -> Step<Reply<GiftRequest>> {
        if self.finished {
            return Step::Failed(Error::Finished);
        }
        let step = self.call.handle_transport_failure(failure, now);
        self.judge(step, now)
    }

    fn judge(&mut self, step: Step<Reply<GiftRequest>>, now: Timestamp) -> Step<Reply<GiftRequest>> {
        let started = *self.started.get_or_insert(now);
        let deadline = started.plus(self.timeout);
        let wait = match step {
            Step::Failed(error) => return self.end(Step::Failed(error)),
            Step::Wait(delay) => delay,
            Step::Done(reply) if self.target.is_reached(&reply.value) => return self.end(Step::Done(reply)),
            Step::Done(reply) if self.target.is_unreachable(&reply.value) => {
                return self.end(Step::Failed(Error::Unreachable { status: reply.value.status }));
            }
            Step::Done(_) => {
                // Not yet: a fresh call, so each poll has its own retry budget.
                self.call = Call::new(self.call.request().clone(), &self.config);
                self.interval
            }
        };
        if now.plus(wait) > deadline {
            return self.end(Step::Failed(Error::Timeout { waited: now.since(started) }));
        }
        Step::Wait(wait)
    }

    fn end(&mut self, step: Step<Reply<GiftRequest>>) -> Step<Reply<GiftRequest>> {
        self.finished = true;
        step
    }
}
