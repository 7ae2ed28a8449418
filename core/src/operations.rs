//! The four documented endpoints: how each request is built and how each success body is read.

use std::borrow::Cow;
use std::marker::PhantomData;

use crate::api_error::{ErrorCode, ErrorItem};
use crate::campaign::Campaign;
use crate::config::Config;
use crate::error::Error;
use crate::gift_request::GiftRequest;
use crate::http::{API_VERSION, Method, Request, percent_encode};
use crate::json::JsonValue;
use crate::loose::{Scanner, Unreadable, members, mismatch, read_whole, required};
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

/// Reads a 2xx body with `read`; the error says whether the body is empty, cut short or out of shape.
fn decode<'a, T>(body: &'a [u8], read: impl FnOnce(&mut Scanner<'a>) -> Result<T, Unreadable>) -> Result<T, String> {
    if body.is_empty() {
        return Err("the body is empty".to_owned());
    }
    read_whole(body, read).map_err(|e| format!("{e} ({} bytes)", body.len()))
}

fn read_gift_request(s: &mut Scanner<'_>) -> Result<GiftRequest, Unreadable> {
    crate::gift_request::read_gift_request(s)
}

/// `{ "data": [campaign…], "has_more": bool }`.
fn read_campaign_page(s: &mut Scanner<'_>) -> Result<Page<Campaign>, Unreadable> {
    let (mut data, mut has_more) = (None, None);
    members(s, "the page", &["data", "has_more"], &mut |s, i| {
        if i == 0 {
            if s.peek() != Some(b'[') {
                s.skip()?;
                return Err(mismatch("data", "an array"));
            }
            let mut campaigns = Vec::new();
            s.array(|s| {
                campaigns.push(Campaign::read(s)?);
                Ok(())
            })?;
            data = Some(campaigns);
        } else {
            has_more = Some(match s.skip()? {
                "true" => true,
                "false" => false,
                _ => return Err(mismatch("has_more", "true or false")),
            });
        }
        Ok(())
    })?;
    Ok(Page { data: required(data, "data")?, has_more: required(has_more, "has_more")? })
}

impl Operation for CreateGiftRequest {
    type Output = GiftRequest;
    const SAFETY: ReplaySafety = ReplaySafety::Unsafe;
    fn decode(body: &[u8]) -> Result<GiftRequest, String> {
        decode(body, read_gift_request)
    }
}

impl Operation for GetGiftRequest {
    type Output = GiftRequest;
    const SAFETY: ReplaySafety = ReplaySafety::Safe;
    fn decode(body: &[u8]) -> Result<GiftRequest, String> {
        decode(body, read_gift_request)
    }
}

impl Operation for GetCampaign {
    type Output = Campaign;
    const SAFETY: ReplaySafety = ReplaySafety::Safe;
    fn decode(body: &[u8]) -> Result<Campaign, String> {
        decode(body, Campaign::read)
    }
}

impl Operation for ListCampaignsPage {
    type Output = Page<Campaign>;
    const SAFETY: ReplaySafety = ReplaySafety::Safe;
    fn decode(body: &[u8]) -> Result<Page<Campaign>, String> {
        decode(body, read_campaign_page)
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
        let value = JsonValue::parse(text).map_err(|_| invalid(ErrorCode::InvalidFormat, "params", "must be a JSON object"))?;
        let JsonValue::Object(_) = value else {
            return Err(invalid(ErrorCode::InvalidFormat, "params", "must be a JSON object"));
        };
        let mut params = ListCampaigns::default();
        match value.get("limit") {
            None | Some(JsonValue::Null) => {}
            Some(n @ JsonValue::Number(_)) if n.as_i64().is_some() => params.limit = n.as_i64(),
            Some(n @ JsonValue::Number(_)) if n.as_u64().is_some() => return Err(invalid(ErrorCode::Invalid, "limit", "is too large")),
            Some(_) => return Err(invalid(ErrorCode::InvalidFormat, "limit", "must be an integer")),
        }
        match value.get("after") {
            None | Some(JsonValue::Null) => {}
            Some(JsonValue::String(s)) => params.after = Some(s.clone().into_owned()),
            Some(_) => return Err(invalid(ErrorCode::InvalidFormat, "after", "must be a string")),
        }
        let pair_error = || invalid(ErrorCode::InvalidFormat, "extra_query", "must be a list of [name, value] string pairs");
        match value.get("extra_query") {
            None | Some(JsonValue::Null) => {}
            Some(JsonValue::Array(pairs)) => {
                for pair in pairs {
                    match pair.as_array() {
                        Some([JsonValue::String(k), JsonValue::String(v)]) => params.extra_query.push((k.to_string(), v.to_string())),
                        _ => return Err(pair_error()),
                    }
                }
            }
            Some(JsonValue::Object(pairs)) => {
                // An object's keys once each, the last value winning, in the order first given.
                for (i, (k, _)) in pairs.iter().enumerate() {
                    if pairs.iter().take(i).any(|(earlier, _)| earlier == k) {
                        continue;
                    }
                    let Some(JsonValue::String(v)) = pairs.iter().rev().find(|(key, _)| key == k).map(|(_, v)| v) else {
                        return Err(pair_error());
                    };
                    params.extra_query.push((k.to_string(), v.to_string()));
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
