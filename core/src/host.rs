//! Every kind of call behind one type, with results as JSON: what a binding holds when its language
//! cannot hold the core's generic [`Call`]s. The JavaScript layer and the conformance replayer use it.
//!
//! A [`HostCall`] is driven like any call: send [`HostCall::request`], hand the answer to
//! [`HostCall::handle_response`] (or [`HostCall::handle_transport_failure`]), do what the
//! [`StepReport`] says.

use serde::Serialize;

use crate::call::{Call, Reply, Step};
use crate::campaign::Campaign;
use crate::error::Error;
use crate::http::{Request, Response};
use crate::json::{ObjectWriter, RawJson, write_str, write_u64};
use crate::operations::{CreateGiftRequest, GetCampaign, GetGiftRequest};
use crate::page::Page;
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
        value: RawJson,
        /// Status, request id, rate-limit figures.
        meta: MetaReport,
        /// For a gift request whose status this SDK does not know: that status's text. The binding reports
        /// the gift with `status: "unknown"` and this text in `unknown_status`, so that its status type stays
        /// the closed set of [`crate::GiftRequestStatus`]; which statuses are known is the core's to say.
        #[serde(skip_serializing_if = "Option::is_none")]
        unknown_status: Option<String>,
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
        let mut out = String::with_capacity(256);
        let mut o = ObjectWriter::open(&mut out);
        match self {
            StepReport::Done { value, meta, unknown_status } => {
                o.str("step", "done");
                o.raw("value", value.get());
                meta.write_json(o.key("meta"));
                if let Some(text) = unknown_status {
                    o.str("unknown_status", text);
                }
            }
            StepReport::Wait { ms } => {
                o.str("step", "wait");
                write_u64(o.key("ms"), *ms);
            }
            StepReport::Failed { error } => {
                o.str("step", "failed");
                error.write_json(o.key("error"));
            }
        }
        o.close();
        out
    }
}

impl MetaReport {
    fn write_json(&self, out: &mut String) {
        let mut o = ObjectWriter::open(out);
        o.opt_u64("status", Some(u64::from(self.status)));
        o.opt_str("request_id", self.request_id.as_deref());
        self.rate_limit.write_json(o.key("rate_limit"));
        o.close();
    }
}

/// A page of campaigns as JSON: `{ "data": [each campaign as received…], "has_more" }`.
fn page_json(page: &Page<Campaign>) -> RawJson {
    let mut out = String::with_capacity(page.data.iter().map(|c| c.raw_json().len() + 1).sum::<usize>() + 32);
    out.push_str("{\"data\":[");
    for (i, campaign) in page.data.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(campaign.raw_json());
    }
    out.push_str(if page.has_more { "],\"has_more\":true}" } else { "],\"has_more\":false}" });
    RawJson::new(out)
}

/// Reports a step; `value` writes a result as JSON (`None` when it cannot, which reports a decode error).
fn report<T>(step: Step<Reply<T>>, value: impl FnOnce(&T) -> Option<RawJson>) -> StepReport {
    match step {
        Step::Done(reply) => done(value(&reply.value), reply.meta),
        Step::Wait(delay) => StepReport::Wait { ms: u64::try_from(delay.as_millis()).unwrap_or(u64::MAX) },
        Step::Failed(error) => failed(&error),
    }
}

/// [`report`] of a result written as JSON (or not): apart from it, so that it is compiled once, not once
/// per kind of result.
fn done(value: Option<RawJson>, meta: ResponseMeta) -> StepReport {
    match value {
        Some(value) => StepReport::Done { value, meta: MetaReport::from(&meta), unknown_status: None },
        None => failed(&Error::Decode(Box::new(crate::error::DecodeError {
            meta,
            reason: "the result could not be written as JSON".to_owned(),
        }))),
    }
}

/// [`report`] of an error.
fn failed(error: &Error) -> StepReport {
    StepReport::Failed { error: ErrorReport::of(error) }
}

/// A gift request is reported as the body that carried it: every field the API sent is kept, those this
/// SDK does not model included (the core has read it, so it is the contract's shape). A status this SDK
/// does not know is named beside it, in the step's `unknown_status`.
fn gift_report(step: Step<Reply<crate::GiftRequest>>, body: &[u8]) -> StepReport {
    let unknown = match &step {
        Step::Done(reply) => match &reply.value.status {
            crate::GiftRequestStatus::Unknown(text) => Some(text.clone()),
            _ => None,
        },
        _ => None,
    };
    let mut report = report(step, |_| std::str::from_utf8(body).ok().map(|text| RawJson::new(text.trim_ascii().to_owned())));
    if let StepReport::Done { unknown_status, .. } = &mut report {
        *unknown_status = unknown;
    }
    report
}

/// No result comes from a transport failure.
fn none<T>(_: &T) -> Option<RawJson> {
    None
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
            HostCall::CreateGiftRequest(c) => gift_report(c.handle_response(response, now), &response.body),
            HostCall::GetGiftRequest(c) => gift_report(c.handle_response(response, now), &response.body),
            HostCall::GetCampaign(c) => report(c.handle_response(response, now), |c| Some(RawJson::new(c.raw_json().to_owned()))),
            HostCall::ListCampaigns(p) => report(p.handle_response(response, now), |p| Some(page_json(p))),
            HostCall::Poll(p) => gift_report(p.handle_response(response, now), &response.body),
        }
    }

    /// Reports that the last request got no response.
    pub fn handle_transport_failure(&mut self, failure: TransportFailure, now: Timestamp) -> StepReport {
        match self {
            HostCall::CreateGiftRequest(c) => report(c.handle_transport_failure(failure, now), none),
            HostCall::GetGiftRequest(c) => report(c.handle_transport_failure(failure, now), none),
            HostCall::GetCampaign(c) => report(c.handle_transport_failure(failure, now), none),
            HostCall::ListCampaigns(p) => report(p.handle_transport_failure(failure, now), none),
            HostCall::Poll(p) => report(p.handle_transport_failure(failure, now), none),
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
        let mut out = String::with_capacity(self.url.len() + self.body.map_or(0, str::len) + 192);
        let mut o = ObjectWriter::open(&mut out);
        o.str("method", self.method);
        o.str("url", self.url);
        let list = o.key("headers");
        list.push('[');
        for (i, (name, value)) in self.headers.iter().enumerate() {
            if i > 0 {
                list.push(',');
            }
            list.push('[');
            write_str(list, name);
            list.push(',');
            write_str(list, value);
            list.push(']');
        }
        list.push(']');
        o.opt_str("body", self.body);
        o.close();
        out
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

    #[test]
    fn a_status_this_sdk_does_not_know_is_reported_as_unknown_with_its_text() {
        let client = Client::new(Config::from_api_key("ao-v1-production-x").unwrap());
        let id = "4fb4cb3f-9666-43b5-8884-7f5194483d1a";
        let body = |status: &str| {
            format!(
                r#"{{"id":"{id}","status":"{status}","campaign_id":null,"redemption_url":null,
                "recipient":{{"id":null,"first_name":"A","last_name":"B","email":null}},"shipping_address":null,"line_items":null,
                "created_at":"2026-04-16T10:30:00.000Z","updated_at":"2026-04-16T10:30:00.000Z","extra":1}}"#
            )
        };
        let value = |status: &str| {
            let mut call = HostCall::GetGiftRequest(client.get_gift_request(id).unwrap());
            call.handle_response(&Response::new(200, Headers::new(), body(status)), Timestamp::from_unix_seconds(0)).to_json()
        };
        let unknown = value("on_hold");
        let parsed = crate::json::JsonValue::parse(unknown.as_bytes()).unwrap();
        assert_eq!(parsed.get("unknown_status").and_then(crate::json::JsonValue::as_str), Some("on_hold"), "{unknown}");
        assert!(unknown.contains(r#""extra":1"#), "the body is kept: {unknown}");
        let known = value("redeemed");
        assert!(known.contains(r#""status":"redeemed""#) && !known.contains("unknown_status"), "{known}");
    }
}
