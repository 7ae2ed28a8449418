//! Every kind of call behind one type, with results as JSON: what a binding holds when its language
//! cannot hold the core's generic [`Call`]s. The JavaScript layer and the conformance replayer use it.
//!
//! A [`HostCall`] is driven like any call: send [`HostCall::request`], hand the answer to
//! [`HostCall::handle_response`] (or [`HostCall::handle_transport_failure`]), do what the
//! [`StepReport`] says.

use serde::Serialize;
use serde_json::value::RawValue;

use crate::call::{Call, Reply, Step};
use crate::error::Error;
use crate::http::{Request, Response};
use crate::operations::{CreateGiftRequest, GetCampaign, GetGiftRequest};
use crate::paginate::CampaignPages;
use crate::poll::Poller;
use crate::report::ErrorReport;
use crate::response::ResponseMeta;
use crate::retry::TransportFailure;
use crate::timestamp::Timestamp;

/// Any call the client makes.
#[derive(Debug)]
pub enum HostCall {
    /// `POST /gift_requests`.
    CreateGiftRequest(Call<CreateGiftRequest>),
    /// `GET /gift_requests/{id}`.
    GetGiftRequest(Call<GetGiftRequest>),
    /// `GET /campaigns/{id}`.
    GetCampaign(Call<GetCampaign>),
    /// `GET /campaigns`, page after page.
    ListCampaigns(CampaignPages),
    /// `GET /gift_requests/{id}` until a target is reached.
    Poll(Poller),
}

/// What the host does next, with the result as JSON in its wire shape.
#[derive(Debug, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum StepReport {
    /// Done: `value` is the result (a gift request, a campaign, a page) in its wire shape, as the API sent
    /// it: fields this SDK does not model are kept.
    Done {
        /// The result, as JSON.
        value: Box<RawValue>,
        /// Status, request id, rate-limit figures.
        meta: MetaReport,
    },
    /// Sleep `ms` milliseconds, then send the call's request again.
    Wait {
        /// How long to wait.
        ms: u64,
    },
    /// The call failed.
    Failed {
        /// What went wrong.
        error: ErrorReport,
    },
}

/// [`ResponseMeta`] as plain data.
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct MetaReport {
    /// The HTTP status.
    pub status: u16,
    /// `Request-Id`.
    pub request_id: Option<String>,
    /// The `RateLimit-*` figures.
    pub rate_limit: crate::response::RateLimit,
}

impl From<&ResponseMeta> for MetaReport {
    fn from(meta: &ResponseMeta) -> MetaReport {
        MetaReport { status: meta.status, request_id: meta.request_id.clone(), rate_limit: meta.rate_limit }
    }
}

impl StepReport {
    /// The report as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!(r#"{{"step":"failed","error":{{"kind":"decode","message":"{e}"}}}}"#))
    }
}

fn report<T: Serialize>(step: Step<Reply<T>>) -> StepReport {
    match step {
        Step::Done(reply) => match serde_json::value::to_raw_value(&reply.value) {
            Ok(value) => StepReport::Done { value, meta: MetaReport::from(&reply.meta) },
            Err(e) => StepReport::Failed {
                error: ErrorReport::of(&Error::Decode(Box::new(crate::error::DecodeError { meta: reply.meta, reason: e.to_string() }))),
            },
        },
        Step::Wait(delay) => StepReport::Wait { ms: u64::try_from(delay.as_millis()).unwrap_or(u64::MAX) },
        Step::Failed(error) => StepReport::Failed { error: ErrorReport::of(&error) },
    }
}

/// Like [`report`], but a result is reported as the body that carried it: a gift request keeps every
/// field the API sent, those this SDK does not model included (the core has read it, so it is the
/// contract's shape). Falls back to the core's own writing should the body not be kept as text.
fn report_as_received<T: Serialize>(step: Step<Reply<T>>, body: &[u8]) -> StepReport {
    match step {
        Step::Done(reply) => {
            let received = std::str::from_utf8(body).ok().and_then(|text| RawValue::from_string(text.trim().to_owned()).ok());
            match received {
                Some(value) => StepReport::Done { value, meta: MetaReport::from(&reply.meta) },
                None => report(Step::Done(reply)),
            }
        }
        other => report(other),
    }
}

impl HostCall {
    /// The request to send now; `None` once a list is finished.
    pub fn request(&self) -> Option<&Request> {
        match self {
            HostCall::CreateGiftRequest(c) => Some(c.request()),
            HostCall::GetGiftRequest(c) => Some(c.request()),
            HostCall::GetCampaign(c) => Some(c.request()),
            HostCall::ListCampaigns(p) => p.request(),
            HostCall::Poll(p) => Some(p.request()),
        }
    }

    /// Whether the call has ended (done, failed, or a list read to its end).
    pub fn is_finished(&self) -> bool {
        match self {
            HostCall::CreateGiftRequest(c) => c.is_finished(),
            HostCall::GetGiftRequest(c) => c.is_finished(),
            HostCall::GetCampaign(c) => c.is_finished(),
            HostCall::ListCampaigns(p) => p.is_finished(),
            HostCall::Poll(p) => p.is_finished(),
        }
    }

    /// Judges the answer to the last request sent.
    pub fn handle_response(&mut self, response: &Response, now: Timestamp) -> StepReport {
        match self {
            HostCall::CreateGiftRequest(c) => report_as_received(c.handle_response(response, now), &response.body),
            HostCall::GetGiftRequest(c) => report_as_received(c.handle_response(response, now), &response.body),
            HostCall::GetCampaign(c) => report(c.handle_response(response, now)),
            HostCall::ListCampaigns(p) => report(p.handle_response(response, now)),
            HostCall::Poll(p) => report_as_received(p.handle_response(response, now), &response.body),
        }
    }

    /// Reports that the last request got no response.
    pub fn handle_transport_failure(&mut self, failure: TransportFailure, now: Timestamp) -> StepReport {
        match self {
            HostCall::CreateGiftRequest(c) => report(c.handle_transport_failure(failure, now)),
            HostCall::GetGiftRequest(c) => report(c.handle_transport_failure(failure, now)),
            HostCall::GetCampaign(c) => report(c.handle_transport_failure(failure, now)),
            HostCall::ListCampaigns(p) => report(p.handle_transport_failure(failure, now)),
            HostCall::Poll(p) => report(p.handle_transport_failure(failure, now)),
        }
    }
}

/// A request as plain data: `{ "method", "url", "headers": [[name, value]…], "body": text or null }`.
/// The `Authorization` header is included: this is what the host sends.
#[derive(Serialize)]
pub struct RequestReport<'a> {
    method: &'static str,
    url: &'a str,
    headers: Vec<(&'static str, &'a str)>,
    body: Option<&'a str>,
}

impl<'a> RequestReport<'a> {
    /// The plain-data view of `request`.
    pub fn of(request: &'a Request) -> RequestReport<'a> {
        RequestReport {
            method: request.method.as_str(),
            url: &request.url,
            headers: request.headers.iter().map(|(n, v)| (*n, v.as_ref())).collect(),
            // Bodies are built by the core from UTF-8 JSON.
            body: request.body.as_deref().and_then(|b| std::str::from_utf8(b).ok()),
        }
    }

    /// The request as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Client, Config, Headers};

    #[test]
    fn a_gift_request_is_reported_with_every_field_the_api_sent() {
        let client = Client::new(Config::from_api_key("ao-v1-production-x").unwrap());
        let mut call = HostCall::GetGiftRequest(client.get_gift_request("4fb4cb3f-9666-43b5-8884-7f5194483d1a").unwrap());
        let body = r#"{"id":"4fb4cb3f-9666-43b5-8884-7f5194483d1a","status":"submitted","campaign_id":null,"redemption_url":null,
            "recipient":{"id":null,"first_name":"A","last_name":"B","email":null},"shipping_address":null,"line_items":null,
            "created_at":"2026-04-16T10:30:00.000Z","updated_at":"2026-04-16T10:30:00.000Z","gift_note":{"text":"thanks"}}"#;
        let step = call.handle_response(&Response::new(200, Headers::new(), body), Timestamp::from_unix_seconds(0));
        match step {
            StepReport::Done { value, .. } => assert!(value.get().contains(r#""gift_note":{"text":"thanks"}"#)),
            other => panic!("{other:?}"),
        }
    }
}
