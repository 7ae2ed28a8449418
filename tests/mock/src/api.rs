//! The four endpoints of the API, as the API answers them once a request has passed maintenance,
//! faults and the rate limit: the version header first (400), then the token and its stage (401), then
//! the route.
//!
//! `POST /gift_requests` judges its body with the core's own validator
//! (`andopen_core::validate_gift_request_json`), so that the SDK and the mock cannot drift, then adds the
//! checks only a server can make (see [`create`]); every problem comes back together in one 422, the
//! first `MAX_PROBLEMS` of them and one entry counting the rest, as the SDK reports its own. The body is
//! read ([`read_create`]) before the server takes its lock, so that one large body never stalls the
//! other clients; a body over `MAX_BODY_BYTES` is a 413 `body_too_large` (**mock decision**: the SDK
//! refuses such a body before sending it, so only a client of its own meets this answer).

use std::collections::HashMap;

use andopen_core::limits::MAX_PROBLEMS;
use andopen_core::{API_VERSION, Uuid};
use serde::Serialize;
use serde_json::Value;

use crate::http::ServerRequest;
use crate::resources::{ErrorItem, ShippingAddress, error_body, to_json};
use crate::store::{Event, NewGift, Store};

/// The largest page of campaigns, and the default.
pub const PAGE_LIMIT: usize = 25;

/// An answer: status, body, extra headers, and the webhook events the request raised.
#[derive(Debug, Default)]
pub struct Answer {
    /// The status.
    pub status: u16,
    /// The JSON body.
    pub body: Vec<u8>,
    /// Headers beyond the ones every response gets.
    pub headers: Vec<(String, String)>,
    /// Events to deliver.
    pub events: Vec<Event>,
}

impl Answer {
    /// A JSON answer.
    pub fn json(status: u16, body: Vec<u8>) -> Answer {
        Answer { status, body, ..Answer::default() }
    }

    /// An error answer with one error.
    pub fn error(status: u16, item: ErrorItem) -> Answer {
        Answer::json(status, error_body(&[item]))
    }
}

/// The error answers the mock gives, in one place.
pub mod errors {
    use super::{Answer, ErrorItem};

    /// 400 `unsupported_api_version`.
    pub fn unsupported_version() -> Answer {
        Answer::error(
            400,
            ErrorItem::new("api_error", "unsupported_api_version", "The AndOpen-API-Version header is missing or unsupported."),
        )
    }

    /// 401 `invalid_token`.
    pub fn invalid_token() -> Answer {
        Answer::error(401, ErrorItem::new("authentication_error", "invalid_token", "The access token provided is invalid or has expired."))
    }

    /// 404 `not_found`.
    pub fn not_found(message: &str) -> Answer {
        Answer::error(404, ErrorItem::new("not_found_error", "not_found", message))
    }

    /// 429 `rate_limit_exceeded`, with `Retry-After`.
    pub fn rate_limited(retry_after: u64) -> Answer {
        let mut a = Answer::error(429, ErrorItem::new("rate_limit_error", "rate_limit_exceeded", "Too many requests."));
        a.headers.push(("Retry-After".to_owned(), retry_after.to_string()));
        a
    }

    /// 503 `service_unavailable`, with `Retry-After`.
    pub fn unavailable(message: &str, retry_after: u64) -> Answer {
        let mut a = Answer::error(503, ErrorItem::new("api_error", "service_unavailable", message));
        a.headers.push(("Retry-After".to_owned(), retry_after.to_string()));
        a
    }

    /// An injected failure with this status (and `Retry-After` when given).
    pub fn injected(status: u16, retry_after: Option<u64>) -> Answer {
        let mut a = match status {
            429 => rate_limited(retry_after.unwrap_or(1)),
            503 => unavailable("The service is temporarily unavailable.", retry_after.unwrap_or(1)),
            _ => {
                let (error_type, code, message) = match status {
                    500 => ("api_error", "internal_error", "Something went wrong on our side."),
                    502 => ("api_error", "bad_gateway", "Bad gateway."),
                    504 => ("api_error", "gateway_timeout", "Gateway timeout."),
                    401 => ("authentication_error", "invalid_token", "The access token provided is invalid or has expired."),
                    403 => ("authorization_error", "forbidden", "Not permitted."),
                    404 => ("not_found_error", "not_found", "Not found."),
                    422 => ("validation_error", "invalid", "Injected validation failure."),
                    _ => ("api_error", "injected_fault", "An injected failure."),
                };
                let mut a = Answer::error(status, ErrorItem::new(error_type, code, message));
                if let Some(after) = retry_after {
                    a.headers.push(("Retry-After".to_owned(), after.to_string()));
                }
                return a;
            }
        };
        a.headers.retain(|(n, _)| n != "Retry-After");
        a.headers.push(("Retry-After".to_owned(), retry_after.unwrap_or(1).max(1).to_string()));
        a
    }
}

/// Whether `Authorization` carries `Bearer ao-v1-{stage}-{secret}` for this stage.
pub fn token_ok(request: &ServerRequest, stage: &str) -> bool {
    let Some((scheme, token)) = request.header("authorization").and_then(|v| v.split_once(' ')) else { return false };
    let Some((token_stage, secret)) = token.trim().strip_prefix("ao-v1-").and_then(|rest| rest.split_once('-')) else { return false };
    scheme.eq_ignore_ascii_case("bearer") && token_stage == stage && !secret.is_empty() && secret.bytes().all(|b| b.is_ascii_graphic())
}

/// Reads the body of `POST /gift_requests`, which needs no store: call it before taking the server's
/// lock and hand the result to [`answer`]. `None` for any other request.
pub fn prepare(request: &ServerRequest) -> Option<Result<CreateBody, Answer>> {
    (request.method == "POST" && request.path.trim_matches('/') == "gift_requests").then(|| read_create(&request.body))
}

/// Answers an API request (version, token, route). `now` is Unix milliseconds; `prepared` is what
/// [`prepare`] made of the request outside the lock.
pub fn answer(store: &mut Store, request: &ServerRequest, stage: &str, now: i64, prepared: Option<Result<CreateBody, Answer>>) -> Answer {
    if request.header("andopen-api-version") != Some(API_VERSION) {
        return errors::unsupported_version();
    }
    if !token_ok(request, stage) {
        return errors::invalid_token();
    }
    let segments: Vec<&str> = request.path.trim_start_matches('/').split('/').collect();
    match (request.method.as_str(), segments.as_slice()) {
        ("POST", ["gift_requests"]) => match prepared.unwrap_or_else(|| read_create(&request.body)) {
            Ok(body) => create(store, body, now),
            Err(refused) => refused,
        },
        ("GET", ["gift_requests", id]) => match canonical(id).and_then(|id| store.gift(&id)) {
            Some(gift) => Answer::json(200, to_json(gift)),
            None => errors::not_found("No gift request with this id."),
        },
        ("GET", ["campaigns"]) => list_campaigns(store, &request.query),
        ("GET", ["campaigns", id]) => match canonical(id).and_then(|id| store.campaign_position(&id)).and_then(|i| store.campaign(i)) {
            Some(campaign) => Answer::json(200, to_json(campaign)),
            None => errors::not_found("No campaign with this id."),
        },
        (_, ["gift_requests"] | ["gift_requests", _] | ["campaigns"] | ["campaigns", _]) => {
            let allow = if segments.as_slice() == ["gift_requests"] { "POST" } else { "GET" };
            let mut a = Answer::error(405, ErrorItem::new("api_error", "method_not_allowed", format!("Use {allow} on {}.", request.path)));
            a.headers.push(("Allow".to_owned(), allow.to_owned()));
            a
        }
        _ => errors::not_found("No such endpoint."),
    }
}

/// An id in canonical (lowercase) form, when it is a UUID.
fn canonical(id: &str) -> Option<String> {
    Uuid::parse(id).map(|u| u.to_string())
}

/// `GET /campaigns`: newest first, `limit` 1 to 25 (larger clamped; default 25), `after` the id of the
/// last campaign of the previous page. A bad `limit` or an `after` naming no campaign is a 400
/// (`api_error` / `invalid`, with the query parameter as `param`). Other parameters are ignored.
fn list_campaigns(store: &Store, query: &[(String, String)]) -> Answer {
    let first = |name: &str| query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    let bad = |param: &str, message: &str| {
        Answer::error(400, ErrorItem { param: Some(param.to_owned()), ..ErrorItem::new("api_error", "invalid", message) })
    };
    let limit = match first("limit") {
        None => PAGE_LIMIT,
        Some(text) => match text.trim().parse::<i64>() {
            Ok(n) if n >= 1 => usize::try_from(n).unwrap_or(PAGE_LIMIT).min(PAGE_LIMIT),
            _ => return bad("limit", "must be a positive integer"),
        },
    };
    let mut order: Vec<usize> = (0..store.campaigns().len()).collect();
    order.sort_by_key(|i| std::cmp::Reverse(store.campaign(*i).map_or(0, |c| c.created_ms)));
    let start = match first("after") {
        None => 0,
        Some(after) => {
            match canonical(after).and_then(|id| store.campaign_position(&id)).and_then(|i| order.iter().position(|o| *o == i)) {
                Some(at) => at + 1,
                None => return bad("after", "after does not reference an existing record"),
            }
        }
    };
    let data: Vec<_> = order.iter().skip(start).take(limit).filter_map(|i| store.campaign(*i)).collect();
    let has_more = start + data.len() < order.len();
    #[derive(Serialize)]
    struct Page<'a, T> {
        data: &'a [T],
        has_more: bool,
    }
    Answer::json(200, to_json(&Page { data: &data, has_more }))
}

/// Whether a problem is already reported at `param` or at a field containing it.
fn flagged(errors: &[ErrorItem], param: &str) -> bool {
    errors
        .iter()
        .filter_map(|e| e.param.as_deref())
        .any(|p| param == p || param.strip_prefix(p).is_some_and(|rest| rest.starts_with('.') || rest.starts_with('[')))
}

fn text<'v>(value: &'v Value, key: &str) -> Option<&'v str> {
    value.get(key).and_then(Value::as_str)
}

fn given(value: &Value, key: &str) -> bool {
    value.get(key).is_some_and(|v| !v.is_null())
}

/// A lenient phone check: 6 to 15 digits, with `+` only first and spaces, dots, dashes and parentheses
/// between. (**Mock decision**: the real API checks the number against the destination country.)
fn is_phone(text: &str) -> bool {
    let digits = text.bytes().filter(u8::is_ascii_digit).count();
    let body = text.strip_prefix('+').unwrap_or(text);
    (6..=15).contains(&digits) && body.bytes().all(|b| b.is_ascii_digit() || b" .-()".contains(&b))
}

/// A create body read and judged by the core's rules, before the store is consulted.
#[derive(Debug)]
pub struct CreateBody {
    /// The core's problems (at most `MAX_PROBLEMS` and a count).
    errors: Vec<ErrorItem>,
    /// The body as JSON.
    value: Value,
}

/// Reads a create body: over `MAX_BODY_BYTES` a 413, not JSON a 400, else the core's verdict and the
/// value for [`create`]. Touches no state: the server calls it outside its lock.
pub fn read_create(body: &[u8]) -> Result<CreateBody, Answer> {
    let core = andopen_core::validate_gift_request_json(body);
    let errors: Vec<ErrorItem> = core.as_ref().err().map(|items| items.iter().map(ErrorItem::from_core).collect()).unwrap_or_default();
    if let Some(too_large) = errors.iter().find(|e| e.code == "body_too_large") {
        return Err(Answer::error(413, too_large.clone()));
    }
    if let Some(malformed) = errors.iter().find(|e| e.code == "malformed_request") {
        return Err(Answer::error(400, malformed.clone()));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(value) => Ok(CreateBody { errors, value }),
        Err(_) => Err(Answer::error(400, ErrorItem::new("api_error", "malformed_request", "The request body is not valid JSON."))),
    }
}

/// `POST /gift_requests`. After the core's rules, the server's own:
///
/// | check | code | param |
/// | --- | --- | --- |
/// | `campaign_id` names no campaign | `invalid` (`campaign_id does not exist`) | none |
/// | the campaign requires an email and none is given | `required` | `recipient.email` |
/// | direct-send on a campaign whose invitation method is not `sender_provided_address` | `invalid` | `shipping_address` |
/// | a phone that is not a phone number | `invalid_format` | `shipping_address.phone` |
/// | a `sku` / `variant_id` the campaign does not have | `invalid_reference` | `line_items[i].sku` / `.variant_id` |
/// | `sku` and `variant_id` naming different variants | `invalid_reference` | `line_items[i].variant_id` |
/// | not enough stock (counting earlier items of the body) | `out_of_stock` | `line_items[i]` |
///
/// A server check is skipped where the core already reported a problem at that field or above it.
pub fn create(store: &mut Store, body: CreateBody, now: i64) -> Answer {
    let CreateBody { mut errors, value } = body;
    // The core's problems end in a count when there were too many; the server's own are counted the same.
    let mut omitted = errors.iter().position(|e| e.code == "too_many_problems").map_or(0, |at| {
        let counted = errors.get(at).and_then(|e| e.message.split(' ').next()).and_then(|n| n.parse().ok()).unwrap_or(0);
        errors.truncate(at);
        counted
    });
    let core_count = errors.len();
    let mut add = |errors: &mut Vec<ErrorItem>, item: ErrorItem| {
        let core_errors = errors.get(..core_count).unwrap_or_default();
        if item.param.as_deref().is_some_and(|p| flagged(core_errors, p)) {
            return;
        }
        if errors.len() < MAX_PROBLEMS {
            errors.push(item);
        } else {
            omitted += 1;
        }
    };
    let campaign_text = text(&value, "campaign_id").and_then(canonical);
    let position = campaign_text.as_deref().and_then(|id| store.campaign_position(id));
    if campaign_text.is_some() && position.is_none() {
        add(&mut errors, ErrorItem::new("validation_error", "invalid", "campaign_id does not exist"));
    }
    let recipient = value.get("recipient").cloned().unwrap_or(Value::Null);
    let direct = given(&value, "shipping_address") || given(&value, "line_items");
    let mut resolved: Vec<(String, i64)> = Vec::new();
    if let Some(campaign) = position.and_then(|i| store.campaign(i)) {
        let email = text(&recipient, "email").map(str::trim).filter(|e| !e.is_empty());
        if campaign.requires_recipient_email && email.is_none() && recipient.is_object() {
            add(&mut errors, ErrorItem::field("required", "recipient.email", "is required by this campaign"));
        }
        if direct && !campaign.allows_direct_send() {
            let message =
                format!("is not accepted: the campaign's invitation method is {}, not sender_provided_address", campaign.invitation_method);
            add(&mut errors, ErrorItem::field("invalid", "shipping_address", message));
        } else if direct {
            let address = value.get("shipping_address").cloned().unwrap_or(Value::Null);
            if let Some(phone) = text(&address, "phone").filter(|p| !p.trim().is_empty()) {
                if !is_phone(phone) {
                    add(&mut errors, ErrorItem::field("invalid_format", "shipping_address.phone", "must be a phone number"));
                }
            }
            let items = value.get("line_items").and_then(Value::as_array).cloned().unwrap_or_default();
            let mut demand: HashMap<String, i64> = HashMap::new();
            for (i, item) in items.iter().enumerate() {
                let sku = text(item, "sku").filter(|s| !s.trim().is_empty());
                let variant = text(item, "variant_id").and_then(canonical);
                let by_sku = sku.map(|s| campaign.variant_by_sku(s));
                let by_id = variant.as_deref().map(|v| campaign.variant_by_id(v));
                let mut broken = false;
                if let Some(None) = by_sku {
                    add(&mut errors, ErrorItem::field("invalid_reference", format!("line_items[{i}].sku"), "matches no enabled variant"));
                    broken = true;
                }
                if let Some(None) = by_id {
                    add(
                        &mut errors,
                        ErrorItem::field("invalid_reference", format!("line_items[{i}].variant_id"), "matches no enabled variant"),
                    );
                    broken = true;
                }
                if let (Some(Some(a)), Some(Some(b))) = (by_sku, by_id) {
                    if a.id != b.id {
                        let message = "names another variant than sku";
                        add(&mut errors, ErrorItem::field("invalid_reference", format!("line_items[{i}].variant_id"), message));
                        broken = true;
                    }
                }
                let quantity = item.get("quantity").and_then(Value::as_i64).filter(|q| *q >= 1);
                let target = by_id.flatten().or(by_sku.flatten());
                if let (false, Some(v), Some(q)) = (broken, target, quantity) {
                    let wanted = demand.entry(v.id.clone()).or_insert(0);
                    *wanted = wanted.saturating_add(q);
                    let available = v.available();
                    if *wanted > available {
                        let message =
                            if available == 0 { "has no available stock".to_owned() } else { format!("has only {available} available") };
                        add(&mut errors, ErrorItem::field("out_of_stock", format!("line_items[{i}]"), message));
                    }
                    resolved.push((v.id.clone(), q));
                }
            }
        }
    }
    if omitted > 0 {
        errors.push(ErrorItem::from_core(&andopen_core::validation::too_many(omitted)));
    }
    if !errors.is_empty() {
        return Answer::json(422, error_body(&errors));
    }
    let (Some(campaign), Some(first_name), Some(last_name)) = (position, text(&recipient, "first_name"), text(&recipient, "last_name"))
    else {
        // The core's rules guarantee these; answer as the server would should they ever not.
        return Answer::error(422, ErrorItem::new("validation_error", "invalid", "the gift request could not be read"));
    };
    let shipping_address = value.get("shipping_address").filter(|a| a.is_object()).map(|a| ShippingAddress {
        address1: text(a, "address1").unwrap_or_default().to_owned(),
        address2: text(a, "address2").map(str::to_owned),
        city: text(a, "city").unwrap_or_default().to_owned(),
        region: text(a, "region").unwrap_or_default().to_owned(),
        postal_code: text(a, "postal_code").unwrap_or_default().to_owned(),
        country_code: text(a, "country_code").unwrap_or_default().to_owned(),
        phone: text(a, "phone").unwrap_or_default().to_owned(),
    });
    let new = NewGift {
        campaign,
        first_name: first_name.to_owned(),
        last_name: last_name.to_owned(),
        email: text(&recipient, "email").map(str::to_owned),
        items: direct.then_some(resolved),
        shipping_address,
    };
    let (gift, events) = store.create(new, now);
    Answer { status: 201, body: to_json(&gift), headers: Vec::new(), events }
}
