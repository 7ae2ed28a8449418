//! The four documented endpoints: how each request is built and how each success body is read.

use std::borrow::Cow;
use std::marker::PhantomData;

use crate::api_error::{ErrorCode, ErrorItem};
use crate::campaign::Campaign;
use crate::config::Config;
use crate::error::Error;
use crate::gift_request::GiftRequest;
use crate::http::{API_VERSION, Method, Request, percent_encode};
use crate::page::Page;
use crate::retry::ReplaySafety;
use crate::uuid::Uuid;

/// An endpoint: whether its request may be replayed, and how its success body reads.
pub trait Operation {
    /// What a success yields.
    type Output;
    /// Whether sending the request twice can do harm.
    const SAFETY: ReplaySafety;
    /// Reads a 2xx body; the error says what was wrong with it.
    fn decode(body: &[u8]) -> Result<Self::Output, String>;
}

/// `POST /gift_requests` → 201, the new gift request. Never replayed once it may have landed.
#[derive(Debug)]
pub struct CreateGiftRequest(PhantomData<()>);

/// `GET /gift_requests/{id}` → 200, the gift request.
#[derive(Debug)]
pub struct GetGiftRequest(PhantomData<()>);

/// `GET /campaigns/{id}` → 200, the campaign with its catalogue.
#[derive(Debug)]
pub struct GetCampaign(PhantomData<()>);

/// `GET /campaigns` → 200, one page of campaigns, newest first.
#[derive(Debug)]
pub struct ListCampaignsPage(PhantomData<()>);

fn decode_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    if body.is_empty() {
        return Err("the body is empty".to_owned());
    }
    serde_json::from_slice(body).map_err(|e| {
        if e.is_eof() {
            format!("the body is cut short ({} bytes): {e}", body.len())
        } else {
            format!("the body does not match the contract: {e}")
        }
    })
}

impl Operation for CreateGiftRequest {
    type Output = GiftRequest;
    const SAFETY: ReplaySafety = ReplaySafety::Unsafe;
    fn decode(body: &[u8]) -> Result<GiftRequest, String> {
        decode_json(body)
    }
}

impl Operation for GetGiftRequest {
    type Output = GiftRequest;
    const SAFETY: ReplaySafety = ReplaySafety::Safe;
    fn decode(body: &[u8]) -> Result<GiftRequest, String> {
        decode_json(body)
    }
}

impl Operation for GetCampaign {
    type Output = Campaign;
    const SAFETY: ReplaySafety = ReplaySafety::Safe;
    fn decode(body: &[u8]) -> Result<Campaign, String> {
        decode_json(body)
    }
}

impl Operation for ListCampaignsPage {
    type Output = Page<Campaign>;
    const SAFETY: ReplaySafety = ReplaySafety::Safe;
    fn decode(body: &[u8]) -> Result<Page<Campaign>, String> {
        decode_json(body)
    }
}

/// Builds a request: the base URL, the path, the query; the key, the version and the JSON headers.
pub(crate) fn build(config: &Config, method: Method, path: &str, query: &str, body: Option<Vec<u8>>) -> Request {
    let base = config.base_url().as_str();
    let mut url = String::with_capacity(base.len() + path.len() + query.len() + 1);
    url.push_str(base);
    url.push_str(path);
    if !query.is_empty() {
        url.push('?');
        url.push_str(query);
    }
    let mut headers = Vec::with_capacity(4);
    if let Some(key) = config.api_key() {
        headers.push(("Authorization", Cow::Owned(format!("Bearer {}", key.expose()))));
    }
    headers.push(("AndOpen-API-Version", Cow::Borrowed(API_VERSION)));
    headers.push(("Accept", Cow::Borrowed("application/json")));
    if body.is_some() {
        headers.push(("Content-Type", Cow::Borrowed("application/json")));
    }
    Request { method, url, headers, body }
}

/// Checks an id bound for a path: only a UUID can reach the URL, so no path can be smuggled in.
pub(crate) fn path_id(id: &str) -> Result<Uuid, Error> {
    Uuid::parse(id).ok_or_else(|| Error::Validation(vec![ErrorItem::validation(ErrorCode::InvalidFormat, "id", "must be a UUID")]))
}

/// The query of `GET /campaigns`: `limit`, `after`, then the caller's extra parameters.
///
/// `limit` is checked to be at least 1 and otherwise sent as given: the server clamps values above 25
/// itself. `after` must be an id (a UUID). The API documents a sort and a filter parameter without
/// naming them: pass them in `extra_query`; they are sent untouched, percent-encoded, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListCampaigns {
    /// Page size (the server's default and maximum is 25).
    pub limit: Option<i64>,
    /// The id of the last campaign of the previous page.
    pub after: Option<String>,
    /// Further query parameters, sent as given.
    pub extra_query: Vec<(String, String)>,
}

impl ListCampaigns {
    /// Reads `{ "limit"?, "after"?, "extra_query"? }` (`extra_query` a list of `[name, value]` pairs or an
    /// object of strings), reporting wrong types as field errors.
    pub fn from_json(text: &[u8]) -> Result<ListCampaigns, Error> {
        let invalid = |code, param: &str, message: &'static str| Error::Validation(vec![ErrorItem::validation(code, param, message)]);
        let value: serde_json::Value =
            serde_json::from_slice(text).map_err(|_| invalid(ErrorCode::InvalidFormat, "params", "must be a JSON object"))?;
        let serde_json::Value::Object(map) = value else {
            return Err(invalid(ErrorCode::InvalidFormat, "params", "must be a JSON object"));
        };
        let mut params = ListCampaigns::default();
        match map.get("limit") {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::Number(n)) if n.as_i64().is_some() => params.limit = n.as_i64(),
            Some(serde_json::Value::Number(n)) if n.as_u64().is_some() => return Err(invalid(ErrorCode::Invalid, "limit", "is too large")),
            Some(_) => return Err(invalid(ErrorCode::InvalidFormat, "limit", "must be an integer")),
        }
        match map.get("after") {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::String(s)) => params.after = Some(s.clone()),
            Some(_) => return Err(invalid(ErrorCode::InvalidFormat, "after", "must be a string")),
        }
        let pair_error = || invalid(ErrorCode::InvalidFormat, "extra_query", "must be a list of [name, value] string pairs");
        match map.get("extra_query") {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::Array(pairs)) => {
                for pair in pairs {
                    match pair.as_array().map(Vec::as_slice) {
                        Some([serde_json::Value::String(k), serde_json::Value::String(v)]) => {
                            params.extra_query.push((k.clone(), v.clone()))
                        }
                        _ => return Err(pair_error()),
                    }
                }
            }
            Some(serde_json::Value::Object(pairs)) => {
                for (k, v) in pairs {
                    let serde_json::Value::String(v) = v else { return Err(pair_error()) };
                    params.extra_query.push((k.clone(), v.clone()));
                }
            }
            Some(_) => return Err(pair_error()),
        }
        Ok(params)
    }

    /// Checks the parameters and writes the query string.
    pub(crate) fn query(&self) -> Result<String, Error> {
        let mut problems = Vec::new();
        if self.limit.is_some_and(|l| l < 1) {
            problems.push(ErrorItem::validation(ErrorCode::Invalid, "limit", "must be at least 1"));
        }
        if self.after.as_deref().is_some_and(|a| !Uuid::is_valid(a)) {
            problems.push(ErrorItem::validation(ErrorCode::InvalidFormat, "after", "must be a campaign id (a UUID)"));
        }
        for (name, _) in &self.extra_query {
            if name.is_empty() {
                problems.push(ErrorItem::validation(ErrorCode::Required, "extra_query", "parameter names must not be empty"));
            } else if name == "limit" || name == "after" {
                problems.push(ErrorItem::validation(ErrorCode::Invalid, "extra_query", "limit and after have their own fields"));
            }
        }
        if !problems.is_empty() {
            return Err(Error::Validation(problems));
        }
        let mut query = String::new();
        let mut add = |name: &str, value: &str| {
            if !query.is_empty() {
                query.push('&');
            }
            percent_encode(&mut query, name);
            query.push('=');
            percent_encode(&mut query, value);
        };
        if let Some(limit) = self.limit {
            add("limit", &limit.to_string());
        }
        if let Some(after) = &self.after {
            add("after", after);
        }
        for (name, value) in &self.extra_query {
            add(name, value);
        }
        Ok(query)
    }
}
