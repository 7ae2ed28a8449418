//! The control endpoints under `/_mock/`: for tests and demos to steer the mock. They need no version
//! header and no token, never get a fault and do not count towards the rate limit.
//!
//! | endpoint | body | answer |
//! | --- | --- | --- |
//! | `POST /_mock/faults` | a fault object or an array of them (see [`crate::faults::Fault`]) | `{"queued": n}` |
//! | `POST /_mock/maintenance` | `{"on": bool, "retry_after"?: seconds}` | `{"on", "retry_after"}` |
//! | `POST /_mock/gift_requests/{id}/advance` | `{}` (next status) or `{"status": "..."}` | the gift request |
//! | `GET /_mock/gift_requests` | | `{"data": [every gift request, in creation order]}` |
//! | `GET /_mock/requests` | | `{"data": [the latest 10,000 API requests: method, path, status, request_id]}` |
//! | `GET /_mock/webhooks` | | `{"data": [every delivery attempt]}` |
//! | `POST /_mock/webhooks` | `{"url", "secret"?}` | `{"receivers": n}` |
//! | `POST /_mock/reset` | | `{"reset": true}` |
//!
//! A bad body is a 400 (`api_error` / `invalid`), an unknown gift request a 404, a status change that is
//! not possible a 409 (`api_error` / `invalid_transition`).

use serde::Serialize;
use serde_json::Value;

use crate::api::{Answer, errors};
use crate::faults::Fault;
use crate::http::ServerRequest;
use crate::resources::{ErrorItem, to_json};
use crate::server::{Shared, State};
use crate::store::AdvanceError;
use crate::transport::Url;
use crate::webhooks::Receiver;

fn bad(message: impl Into<String>) -> Answer {
    Answer::error(400, ErrorItem::new("api_error", "invalid", message))
}

/// The body as JSON; an empty body reads as `{}`.
fn body_json(request: &ServerRequest) -> Result<Value, Answer> {
    if request.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(serde_json::Map::new()));
    }
    serde_json::from_slice(&request.body)
        .map_err(|_| Answer::error(400, ErrorItem::new("api_error", "malformed_request", "The request body is not valid JSON.")))
}

#[derive(Serialize)]
struct List<T> {
    data: Vec<T>,
}

/// Answers a control request. `now` is Unix milliseconds.
pub fn answer(shared: &Shared, state: &mut State, request: &ServerRequest, now: i64) -> Answer {
    let segments: Vec<&str> = request.path.trim_start_matches('/').split('/').collect();
    let body = match request.method.as_str() {
        "POST" => match body_json(request) {
            Ok(v) => v,
            Err(answer) => return answer,
        },
        _ => Value::Null,
    };
    match (request.method.as_str(), segments.as_slice()) {
        ("POST", ["_mock", "faults"]) => {
            let specs = match &body {
                Value::Array(items) => items.iter().collect::<Vec<_>>(),
                other => vec![other],
            };
            let mut faults = Vec::with_capacity(specs.len());
            for (i, spec) in specs.into_iter().enumerate() {
                match Fault::from_json(spec) {
                    Ok(f) => faults.push(f),
                    Err(why) => return bad(format!("fault {i}: {why}")),
                }
            }
            Answer::json(200, to_json(&serde_json::json!({ "queued": state.faults.push(faults) })))
        }
        ("POST", ["_mock", "maintenance"]) => {
            let Some(on) = body.get("on").and_then(Value::as_bool) else { return bad("on must be true or false") };
            let retry_after = match body.get("retry_after") {
                None | Some(Value::Null) => 1,
                Some(v) => match v.as_u64() {
                    Some(n) => n.max(1),
                    None => return bad("retry_after must be a whole number of seconds"),
                },
            };
            state.maintenance = on.then_some(retry_after);
            Answer::json(200, to_json(&serde_json::json!({ "on": on, "retry_after": retry_after })))
        }
        ("POST", ["_mock", "gift_requests", id, "advance"]) => {
            let target = match body.get("status") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.as_str()),
                Some(_) => return bad("status must be a string"),
            };
            let events = state.store.tick(now);
            shared.deliveries.send(events, &state.receivers);
            let id = andopen_core::Uuid::parse(id).map(|u| u.to_string()).unwrap_or_default();
            match state.store.advance(&id, target, now) {
                Ok((gift, events)) => {
                    shared.deliveries.send(events, &state.receivers);
                    Answer::json(200, to_json(&gift))
                }
                Err(AdvanceError::NotFound) => errors::not_found("No gift request with this id."),
                Err(AdvanceError::Refused(why)) => Answer::error(409, ErrorItem::new("api_error", "invalid_transition", why)),
            }
        }
        ("GET", ["_mock", "gift_requests"]) => {
            let events = state.store.tick(now);
            shared.deliveries.send(events, &state.receivers);
            Answer::json(200, to_json(&List { data: state.store.gifts().collect() }))
        }
        ("GET", ["_mock", "requests"]) => Answer::json(200, to_json(&List { data: state.requests.iter().collect() })),
        ("GET", ["_mock", "webhooks"]) => Answer::json(200, to_json(&List { data: shared.deliveries.log() })),
        ("POST", ["_mock", "webhooks"]) => {
            let Some(url) = body.get("url").and_then(Value::as_str) else { return bad("url is required") };
            if let Err(why) = Url::parse(url) {
                return bad(why);
            }
            let secret = match body.get("secret") {
                None | Some(Value::Null) => shared.options.webhook_secret.clone(),
                Some(Value::String(s)) => s.clone(),
                Some(_) => return bad("secret must be a string"),
            };
            state.receivers.push(Receiver { url: url.to_owned(), secret });
            Answer::json(200, to_json(&serde_json::json!({ "receivers": state.receivers.len() })))
        }
        ("POST", ["_mock", "reset"]) => {
            state.store.reset();
            state.faults.reset();
            state.limiter.reset();
            state.maintenance = None;
            state.requests.clear();
            shared.deliveries.reset();
            Answer::json(200, to_json(&serde_json::json!({ "reset": true })))
        }
        _ => errors::not_found("No such control endpoint."),
    }
}
