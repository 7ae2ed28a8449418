//! Receiving webhooks: verify the signature, the replay window and the event type against the signed body,
//! then de-duplicate on the event id and the signed body's digest. The rules are the core's
//! ([`andopen_core::webhook`], [`andopen_core::dedupe`]); this is glue.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use andopen_core::dedupe::{DeliveryKey, RecentEvents, SeenEvents};
use andopen_core::webhook::{ReceiverOptionError, Verifier, WebhookErrorCode, check_receiver_options};
use andopen_core::{Headers, Uuid};

use crate::calls::lock;
use crate::errors::CoreError;
use crate::http::{Header, now, system_time};
use crate::resources::GiftRequest;

/// Why a delivery was refused: answer it with a 4xx and do not act on it.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error, uniffi::Error)]
pub enum WebhookError {
    /// The host's event store failed, so whether the event is new is not known: answer with a 5xx, so that
    /// the delivery is retried, and do not act on it.
    #[error("the event store failed: {detail}")]
    StoreFailed {
        /// What the store reported.
        detail: String,
    },
    /// Refused: `code` is `body_too_large` (answer 413), `missing_header`, `repeated_header`,
    /// `invalid_signature`, `invalid_timestamp`, `outside_tolerance`, `invalid_event_id`,
    /// `invalid_event_type`, `invalid_body` or `event_type_mismatch` (answer 400); `detail` names the header
    /// or the rule.
    #[error("{detail}")]
    Refused {
        /// The kind of problem.
        code: String,
        /// A readable explanation (named so that it does not hide the exception's own `message`).
        detail: String,
    },
}

/// The host's event store could not answer (see [`EventStore`]).
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error, uniffi::Error)]
pub enum StoreError {
    /// The store failed; `detail` says how.
    #[error("{detail}")]
    Failed {
        /// What went wrong.
        detail: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for StoreError {
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> StoreError {
        StoreError::Failed { detail: error.reason }
    }
}

fn refused(code: WebhookErrorCode, message: String) -> WebhookError {
    WebhookError::Refused { code: code.as_str().to_owned(), detail: message }
}

/// A delivery that passed every check.
#[derive(Clone, PartialEq, Debug, uniffi::Record)]
pub struct WebhookDelivery {
    /// The event's id, stable across attempts.
    pub event_id: String,
    /// `gift_request_created`, `gift_request_redeemed`, `gift_request_dispatched`,
    /// `gift_request_delivered`, `gift_request_cancelled`, or a type this SDK does not know.
    pub event_type: String,
    /// When this attempt was dispatched.
    pub dispatched_at: std::time::SystemTime,
    /// The `AndOpen-Webhook-API-Version` header, when present.
    pub api_version: Option<String>,
    /// `true` when this event id, or this signed body under any event id, was accepted before: do not act
    /// on it again, answer 2xx.
    pub duplicate: bool,
    /// The SHA-256 of the body, in lowercase hex: the signed content's de-duplication key.
    pub body_digest: String,
    /// The gift request the event is about.
    pub gift_request: GiftRequest,
    /// The body exactly as received, to forward unchanged.
    pub body: Vec<u8>,
}

/// A host's own record of the deliveries it has acted on (a database table, a key-value store), for
/// de-duplication that survives restarts and is shared between receivers. Implement it in the host
/// language and pass it to [`WebhookReceiver::with_store`].
///
/// Keep one row per first sighting, `(event_id, body_digest)`, each column unique: the delivery is new only
/// when neither is recorded. An `INSERT` that fails on either unique key does exactly that, atomically.
#[uniffi::export(with_foreign)]
pub trait EventStore: Send + Sync {
    /// Records `(event_id, body_digest)` and returns `true` when neither was recorded before (act on the
    /// event); returns `false`, recording nothing, when either was (a repeat: the same event again, or the
    /// same signed body under another event id). Make it atomic when several receivers share the store.
    fn first_sighting(&self, event_id: String, body_digest: String) -> Result<bool, StoreError>;
    /// Removes the row recorded under `event_id` (its body digest with it), so that its next delivery
    /// counts as new.
    fn forget(&self, event_id: String) -> Result<(), StoreError>;
}

/// Where a receiver remembers the event ids it has accepted.
enum Seen {
    /// The most recent first sightings, in memory that grows with use up to `remember`.
    Recent(Mutex<RecentEvents>),
    /// The host's store.
    Host(Arc<dyn EventStore>),
}

/// A receiver option the core refuses, as a validation error naming the option.
fn option_error(e: ReceiverOptionError) -> CoreError {
    CoreError::invalid_text(e.option, e.rule)
}

/// Checks and de-duplicates webhook deliveries for one secret. Share one receiver between threads.
#[derive(uniffi::Object)]
pub struct WebhookReceiver {
    verifier: Verifier,
    seen: Seen,
}

#[uniffi::export]
impl WebhookReceiver {
    /// A receiver for `secret` (its UTF-8 bytes, as given), accepting dispatch timestamps within
    /// `tolerance_s` seconds of now (300 is the contract's default) and remembering the last
    /// `remember_events` first sightings (from 1 to the core's `MAX_REMEMBERED_EVENTS`, 1,000,000; the
    /// default is `limits().default_remembered_events`; memory grows with use, about 150 bytes each).
    /// Throws a validation error naming `secret` (empty or only whitespace) or `remember`.
    #[uniffi::constructor]
    pub fn new(secret: String, tolerance_s: u32, remember_events: u32) -> Result<WebhookReceiver, CoreError> {
        WebhookReceiver::with_secrets(vec![secret], tolerance_s, remember_events)
    }

    /// A receiver that accepts a signature made with any of `secrets` (a rotation: the newest first, at
    /// most `MAX_SIGNATURES`, 8), otherwise as [`WebhookReceiver::new`].
    #[uniffi::constructor]
    pub fn with_secrets(secrets: Vec<String>, tolerance_s: u32, remember_events: u32) -> Result<WebhookReceiver, CoreError> {
        let remember = usize::try_from(remember_events).unwrap_or(usize::MAX);
        check_receiver_options(&secrets, Some(remember)).map_err(option_error)?;
        let seen = RecentEvents::new(remember).map_err(option_error)?;
        Ok(WebhookReceiver { verifier: verifier(secrets, tolerance_s), seen: Seen::Recent(Mutex::new(seen)) })
    }

    /// A receiver for `secret` that de-duplicates through the host's `store` instead of memory. Throws for
    /// a secret that is empty or only whitespace.
    #[uniffi::constructor]
    pub fn with_store(secret: String, tolerance_s: u32, store: Arc<dyn EventStore>) -> Result<WebhookReceiver, CoreError> {
        WebhookReceiver::with_secrets_and_store(vec![secret], tolerance_s, store)
    }

    /// A receiver for several `secrets` (a rotation) that de-duplicates through the host's `store`.
    #[uniffi::constructor]
    pub fn with_secrets_and_store(
        secrets: Vec<String>,
        tolerance_s: u32,
        store: Arc<dyn EventStore>,
    ) -> Result<WebhookReceiver, CoreError> {
        check_receiver_options(&secrets, None).map_err(option_error)?;
        Ok(WebhookReceiver { verifier: verifier(secrets, tolerance_s), seen: Seen::Host(store) })
    }

    /// Checks one delivery: headers, signature over the raw body, replay window against `now_unix_ms`,
    /// event id, body. Throws [`WebhookError`] when it must be refused; a repeat comes back with
    /// `duplicate` set. Call it before acting on anything in the delivery.
    pub fn receive(&self, headers: Vec<Header>, body: Vec<u8>, now_unix_ms: i64) -> Result<WebhookDelivery, WebhookError> {
        let headers: Headers = headers.into_iter().map(|h| (h.name, h.value)).collect();
        let delivery = self.verifier.verify(&headers, &body, now(now_unix_ms)).map_err(|e| refused(e.code, e.message))?;
        let duplicate = !self.first_sighting(&delivery.key())?;
        Ok(WebhookDelivery {
            event_id: delivery.event_id.to_string(),
            event_type: delivery.event_type.as_str().to_owned(),
            dispatched_at: system_time(delivery.dispatched_at),
            api_version: delivery.api_version,
            duplicate,
            body_digest: delivery.body_digest.to_string(),
            gift_request: (&delivery.gift_request).into(),
            body,
        })
    }

    /// Forgets the delivery accepted under `event_id` (its body digest with it), so that its next delivery
    /// is accepted as new: call it when you accepted a delivery but could not act on it (and answered with an
    /// error so that it is retried). An id that is not a UUID was never recorded: nothing to forget.
    pub fn forget(&self, event_id: String) -> Result<(), WebhookError> {
        match &self.seen {
            Seen::Recent(seen) => {
                if let Some(id) = Uuid::parse(&event_id) {
                    lock(seen).forget(id);
                }
                Ok(())
            }
            Seen::Host(store) => store.forget(event_id).map_err(|StoreError::Failed { detail }| WebhookError::StoreFailed { detail }),
        }
    }
}

impl WebhookReceiver {
    /// Asks the receiver's store whether the delivery is new (recording it when it is).
    fn first_sighting(&self, key: &DeliveryKey) -> Result<bool, WebhookError> {
        match &self.seen {
            Seen::Recent(seen) => Ok(lock(seen).first_sighting(key)),
            Seen::Host(store) => store
                .first_sighting(key.event_id.to_string(), key.body_digest.to_string())
                .map_err(|StoreError::Failed { detail }| WebhookError::StoreFailed { detail }),
        }
    }
}

/// The core's verifier for these secrets (already checked) and tolerance.
fn verifier(secrets: Vec<String>, tolerance_s: u32) -> Verifier {
    let mut secrets = secrets.into_iter().map(String::into_bytes);
    let mut verifier = Verifier::new(secrets.next().unwrap_or_default());
    for secret in secrets {
        verifier = verifier.also_accepting(secret);
    }
    verifier.tolerance(Duration::from_secs(u64::from(tolerance_s)))
}

/// The HTTP status to answer a refused delivery with, by its `code`: 413 for `body_too_large`, 400 for every
/// other refusal (the core's rule, so that no host keeps its own copy).
#[uniffi::export]
pub fn webhook_refusal_status(code: String) -> u16 {
    WebhookErrorCode::ALL.iter().find(|c| c.as_str() == code).map_or(400, |c| c.http_status())
}

/// The signature of a delivery (lowercase hex HMAC-SHA256 of `{timestamp}.{body}`), for a service that
/// signs deliveries itself (a relay that re-signs, a test).
#[uniffi::export]
pub fn webhook_signature(secret: String, timestamp: String, body: Vec<u8>) -> String {
    andopen_core::webhook::signature(secret.as_bytes(), &timestamp, &body)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]
    use std::collections::HashMap;

    use serde_json::Value;

    use super::*;

    /// A host store as the trait documents it: one row per first sighting, both keys unique.
    #[derive(Default)]
    struct Rows(Mutex<HashMap<String, String>>);

    impl EventStore for Rows {
        fn first_sighting(&self, event_id: String, body_digest: String) -> Result<bool, StoreError> {
            let mut rows = lock(&self.0);
            if rows.contains_key(&event_id) || rows.values().any(|d| *d == body_digest) {
                return Ok(false);
            }
            rows.insert(event_id, body_digest);
            Ok(true)
        }

        fn forget(&self, event_id: String) -> Result<(), StoreError> {
            lock(&self.0).remove(&event_id);
            Ok(())
        }
    }

    fn suite() -> Value {
        serde_json::from_str(include_str!("../../tests/hostile/webhooks.json")).unwrap()
    }

    fn body_of(suite: &Value, name: &str) -> Vec<u8> {
        match &suite["bodies"][name] {
            Value::String(text) => text.as_bytes().to_vec(),
            built => {
                let text = built["repeat"].as_str().unwrap().repeat(usize::try_from(built["times"].as_u64().unwrap()).unwrap());
                format!("{}{text}{}", built["prefix"].as_str().unwrap(), built["suffix"].as_str().unwrap()).into_bytes()
            }
        }
    }

    fn receiver(suite: &Value, case: &Value, host_store: bool) -> WebhookReceiver {
        let secrets: Vec<String> = case["receiver"]["secrets"].as_array().map_or_else(
            || vec![suite["secret"].as_str().unwrap().to_owned()],
            |l| l.iter().map(|s| s.as_str().unwrap().to_owned()).collect(),
        );
        let remember = case["receiver"]["remember"].as_u64().map(|n| u32::try_from(n).unwrap());
        match (host_store, remember) {
            // A host store has no `remember`: cases that test the in-memory bound run in memory only.
            (true, None) => WebhookReceiver::with_secrets_and_store(secrets, 300, Arc::new(Rows::default())).unwrap(),
            (_, remember) => WebhookReceiver::with_secrets(secrets, 300, remember.unwrap_or(100_000)).unwrap(),
        }
    }

    fn replay(host_store: bool) {
        let suite = suite();
        let gift = suite["gift_request_id"].as_str().unwrap();
        for case in suite["cases"].as_array().unwrap() {
            let name = case["name"].as_str().unwrap();
            let receiver = receiver(&suite, case, host_store);
            let history = crate::history::GiftHistory::new();
            for (i, d) in case["deliveries"].as_array().unwrap().iter().enumerate() {
                let headers = d["headers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| Header { name: p[0].as_str().unwrap().to_owned(), value: p[1].as_str().unwrap().to_owned() })
                    .collect();
                let body = body_of(&suite, d["body"].as_str().unwrap());
                let got = match receiver.receive(headers, body, d["now"].as_i64().unwrap() * 1000) {
                    Ok(delivery) if !delivery.duplicate => {
                        assert!(history.record_delivery(delivery));
                        Value::from("accepted")
                    }
                    Ok(_) => Value::from("duplicate"),
                    Err(WebhookError::Refused { code, .. }) => serde_json::json!({ "refused": code }),
                    Err(e) => panic!("{name}: {e}"),
                };
                assert_eq!(got, d["expect"], "{name}, delivery {i}, host store {host_store}");
            }
            if let Some(expected) = case.get("history_status") {
                let status =
                    history.timeline(gift.to_owned()).map(|t| andopen_core::GiftRequestStatus::from(&t.status).as_str().to_owned());
                assert_eq!(status.as_deref(), expected.as_str(), "{name}: the history");
            }
        }
    }

    #[test]
    fn replays_the_hostile_suite_in_memory() {
        replay(false);
    }

    #[test]
    fn replays_the_hostile_suite_through_a_host_store() {
        replay(true);
    }

    #[test]
    fn refuses_every_hostile_option_naming_it() {
        for option in suite()["options"].as_array().unwrap() {
            let secrets = option["secrets"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()).collect();
            let remember = option["remember"].as_u64().map_or(100_000, |n| u32::try_from(n).unwrap());
            let got = match WebhookReceiver::with_secrets(secrets, 300, remember) {
                Ok(_) => Value::from("ok"),
                Err(e) => serde_json::json!({ "refused": e.report().param.clone().unwrap() }),
            };
            assert_eq!(got, option["expect"], "{option}");
        }
        assert_eq!((webhook_refusal_status("body_too_large".into()), webhook_refusal_status("event_type_mismatch".into())), (413, 400));
        let error = WebhookReceiver::new("s".into(), 300, u32::MAX).err().unwrap();
        assert!(error.report().message.contains("1000000"), "{}", error.report().message);
    }

    #[test]
    fn a_host_store_sees_both_keys_and_forgets_by_event_id() {
        let rows = Arc::new(Rows::default());
        let receiver = WebhookReceiver::with_store("whsec".into(), 300, rows.clone()).unwrap();
        let body = suite()["bodies"]["submitted"].as_str().unwrap().as_bytes().to_vec();
        let headers = |id: &str| {
            vec![
                Header {
                    name: "AndOpen-Webhook-Signature".into(),
                    value: webhook_signature("whsec".into(), "1776335400".into(), body.clone()),
                },
                Header { name: "AndOpen-Webhook-Dispatch-Timestamp".into(), value: "1776335400".into() },
                Header { name: "AndOpen-Webhook-Event-Id".into(), value: id.into() },
                Header { name: "AndOpen-Webhook-Event-Type".into(), value: "gift_request_created".into() },
            ]
        };
        let first = receiver.receive(headers("0b6f1c1e-2d5a-4c4e-9a57-3f1f3c2a9d10"), body.clone(), 1_776_335_400_000).unwrap();
        assert!(!first.duplicate);
        assert_eq!(lock(&rows.0).get(&first.event_id), Some(&first.body_digest));
        assert_eq!(first.body_digest.len(), 64);
        let replay = receiver.receive(headers("1b6f1c1e-2d5a-4c4e-9a57-3f1f3c2a9d10"), body.clone(), 1_776_335_400_000).unwrap();
        assert!(replay.duplicate, "the same signed body under a new event id");
        receiver.forget(first.event_id.clone()).unwrap();
        assert!(lock(&rows.0).is_empty());
        assert!(!receiver.receive(headers(&first.event_id), body, 1_776_335_400_000).unwrap().duplicate);
    }
}
