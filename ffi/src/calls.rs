//! One API call as a state machine the host drives: send [`GiftRequestCall::request`], report what came
//! back with `handle_response` (or `handle_transport_failure` when nothing did), then do what the step
//! says: `Done` (the result), `Wait` (sleep `delay_ms`, then send `request()` again) or `Failed`.
//!
//! Every decision (retry or not, how long to wait, whether a create may be replayed) is the core's.

use std::sync::{Mutex, MutexGuard, PoisonError};

use andopen_core::{Call, CreateGiftRequest, GetCampaign, GetGiftRequest, Reply, Step};

use crate::errors::ErrorReport;
use crate::http::{Header, HttpRequest, ResponseMeta, TransportFailure, millis, now, response};
use crate::resources::{Campaign, CampaignPage, GiftRequest};

/// What to do after a call that yields a gift request.
#[derive(Clone, PartialEq, Debug, uniffi::Enum)]
pub enum GiftRequestStep {
    /// The call is done.
    Done {
        /// The gift request.
        gift_request: Box<GiftRequest>,
        /// Status, request id, rate-limit figures of the response.
        meta: ResponseMeta,
    },
    /// Sleep this long, then send the call's request again.
    Wait {
        /// How long, in milliseconds.
        delay_ms: i64,
    },
    /// The call failed; it will send nothing more.
    Failed {
        /// Why.
        error: Box<ErrorReport>,
    },
}

/// What to do after a call that yields a campaign.
#[derive(Clone, PartialEq, Debug, uniffi::Enum)]
pub enum CampaignStep {
    /// The call is done.
    Done {
        /// The campaign.
        campaign: Box<Campaign>,
        /// Status, request id, rate-limit figures of the response.
        meta: ResponseMeta,
    },
    /// Sleep this long, then send the call's request again.
    Wait {
        /// How long, in milliseconds.
        delay_ms: i64,
    },
    /// The call failed; it will send nothing more.
    Failed {
        /// Why.
        error: Box<ErrorReport>,
    },
}

/// What to do after a request for one page of campaigns.
#[derive(Clone, PartialEq, Debug, uniffi::Enum)]
pub enum CampaignPageStep {
    /// One page: the paginator has readied the next page's request, if there is one.
    Done {
        /// The page.
        page: CampaignPage,
        /// Status, request id, rate-limit figures of the response.
        meta: ResponseMeta,
    },
    /// Sleep this long, then send the paginator's request again.
    Wait {
        /// How long, in milliseconds.
        delay_ms: i64,
    },
    /// The listing failed; it will send nothing more.
    Failed {
        /// Why.
        error: Box<ErrorReport>,
    },
}

impl From<Step<Reply<andopen_core::GiftRequest>>> for GiftRequestStep {
    fn from(step: Step<Reply<andopen_core::GiftRequest>>) -> GiftRequestStep {
        match step {
            Step::Done(reply) => GiftRequestStep::Done { gift_request: Box::new(GiftRequest::from(&reply.value)), meta: reply.meta.into() },
            Step::Wait(delay) => GiftRequestStep::Wait { delay_ms: millis(delay) },
            Step::Failed(error) => GiftRequestStep::Failed { error: Box::new(ErrorReport::from(&error)) },
        }
    }
}

impl From<Step<Reply<andopen_core::Campaign>>> for CampaignStep {
    fn from(step: Step<Reply<andopen_core::Campaign>>) -> CampaignStep {
        match step {
            Step::Done(reply) => CampaignStep::Done { campaign: Box::new(Campaign::from(&reply.value)), meta: reply.meta.into() },
            Step::Wait(delay) => CampaignStep::Wait { delay_ms: millis(delay) },
            Step::Failed(error) => CampaignStep::Failed { error: Box::new(ErrorReport::from(&error)) },
        }
    }
}

impl From<Step<Reply<andopen_core::Page<andopen_core::Campaign>>>> for CampaignPageStep {
    fn from(step: Step<Reply<andopen_core::Page<andopen_core::Campaign>>>) -> CampaignPageStep {
        match step {
            Step::Done(reply) => CampaignPageStep::Done { page: CampaignPage::from(&reply.value), meta: reply.meta.into() },
            Step::Wait(delay) => CampaignPageStep::Wait { delay_ms: millis(delay) },
            Step::Failed(error) => CampaignPageStep::Failed { error: Box::new(ErrorReport::from(&error)) },
        }
    }
}

/// Locks a call's state. A lock is only poisoned by a panic, which this crate does not raise; the state
/// is taken as it is either way.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

enum GiftCall {
    Create(Call<CreateGiftRequest>),
    Get(Call<GetGiftRequest>),
}

/// A call that yields a gift request: `POST /gift_requests` or `GET /gift_requests/{id}`.
///
/// A creation that may have reached the server (a 500, 502 or 504, a timeout after sending) is never
/// sent again: it fails with kind `outcome_unknown` and the request id, for the caller to reconcile.
#[derive(uniffi::Object)]
pub struct GiftRequestCall {
    call: Mutex<GiftCall>,
}

impl GiftRequestCall {
    pub(crate) fn create(call: Call<CreateGiftRequest>) -> GiftRequestCall {
        GiftRequestCall { call: Mutex::new(GiftCall::Create(call)) }
    }

    pub(crate) fn get(call: Call<GetGiftRequest>) -> GiftRequestCall {
        GiftRequestCall { call: Mutex::new(GiftCall::Get(call)) }
    }
}

#[uniffi::export]
impl GiftRequestCall {
    /// The request to send now (and again after each `Wait`).
    pub fn request(&self) -> HttpRequest {
        match &*lock(&self.call) {
            GiftCall::Create(c) => c.request().into(),
            GiftCall::Get(c) => c.request().into(),
        }
    }

    /// How many requests the call has asked the host to send so far.
    pub fn attempts(&self) -> i32 {
        let attempts = match &*lock(&self.call) {
            GiftCall::Create(c) => c.attempts(),
            GiftCall::Get(c) => c.attempts(),
        };
        i32::try_from(attempts).unwrap_or(i32::MAX)
    }

    /// Whether the call has reached `Done` or `Failed`.
    pub fn is_finished(&self) -> bool {
        match &*lock(&self.call) {
            GiftCall::Create(c) => c.is_finished(),
            GiftCall::Get(c) => c.is_finished(),
        }
    }

    /// Judges the response to the last request sent. `now_unix_ms` is the host's clock, in milliseconds
    /// since the Unix epoch.
    pub fn handle_response(&self, status: i64, headers: Vec<Header>, body: &[u8], now_unix_ms: i64) -> GiftRequestStep {
        let response = response(status, headers, body);
        match &mut *lock(&self.call) {
            GiftCall::Create(c) => c.handle_response(&response, now(now_unix_ms)).into(),
            GiftCall::Get(c) => c.handle_response(&response, now(now_unix_ms)).into(),
        }
    }

    /// Reports that the last request got no response.
    pub fn handle_transport_failure(&self, failure: TransportFailure, now_unix_ms: i64) -> GiftRequestStep {
        match &mut *lock(&self.call) {
            GiftCall::Create(c) => c.handle_transport_failure(failure.into(), now(now_unix_ms)).into(),
            GiftCall::Get(c) => c.handle_transport_failure(failure.into(), now(now_unix_ms)).into(),
        }
    }
}

/// A call that yields a campaign: `GET /campaigns/{id}`.
#[derive(uniffi::Object)]
pub struct CampaignCall {
    call: Mutex<Call<GetCampaign>>,
}

impl CampaignCall {
    pub(crate) fn new(call: Call<GetCampaign>) -> CampaignCall {
        CampaignCall { call: Mutex::new(call) }
    }
}

#[uniffi::export]
impl CampaignCall {
    /// The request to send now (and again after each `Wait`).
    pub fn request(&self) -> HttpRequest {
        lock(&self.call).request().into()
    }

    /// How many requests the call has asked the host to send so far.
    pub fn attempts(&self) -> i32 {
        i32::try_from(lock(&self.call).attempts()).unwrap_or(i32::MAX)
    }

    /// Whether the call has reached `Done` or `Failed`.
    pub fn is_finished(&self) -> bool {
        lock(&self.call).is_finished()
    }

    /// Judges the response to the last request sent. `now_unix_ms` is the host's clock.
    pub fn handle_response(&self, status: i64, headers: Vec<Header>, body: &[u8], now_unix_ms: i64) -> CampaignStep {
        lock(&self.call).handle_response(&response(status, headers, body), now(now_unix_ms)).into()
    }

    /// Reports that the last request got no response.
    pub fn handle_transport_failure(&self, failure: TransportFailure, now_unix_ms: i64) -> CampaignStep {
        lock(&self.call).handle_transport_failure(failure.into(), now(now_unix_ms)).into()
    }
}
