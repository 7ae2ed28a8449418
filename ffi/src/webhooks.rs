//! Receiving webhooks: verify the signature and the replay window, then de-duplicate on the event id. The
//! rules are the core's ([`andopen_core::webhook`], [`andopen_core::dedupe`]); this is glue.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use andopen_core::dedupe::{RecentEvents, SeenEvents};
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
    /// Refused: `code` is `missing_header`, `invalid_signature`, `invalid_timestamp`, `outside_tolerance`,
    /// `invalid_event_id` or `invalid_body`; `detail` names the header or the rule.
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
    /// `true` when this event id was accepted before: do not act on it again, answer 2xx.
    pub duplicate: bool,
    /// The gift request the event is about.
    pub gift_request: GiftRequest,
    /// The body exactly as received, to forward unchanged.
    pub body: Vec<u8>,
}

/// A host's own record of the event ids it has acted on (a database table, a key-value store), for
/// de-duplication that survives restarts and is shared between receivers. Implement it in the host
/// language and pass it to [`WebhookReceiver::with_store`].
#[uniffi::export(with_foreign)]
pub trait EventStore: Send + Sync {
    /// Records `event_id`; `true` when it had not been recorded before (act on the event), `false` for a
    /// repeat. Make it atomic (an insert that fails on a duplicate key) when several receivers share it.
    fn first_sighting(&self, event_id: String) -> Result<bool, StoreError>;
    /// Removes `event_id`, so that its next delivery counts as new.
    fn forget(&self, event_id: String) -> Result<(), StoreError>;
}

/// Where a receiver remembers the event ids it has accepted.
enum Seen {
    /// The most recent ids, in bounded memory.
    Recent(Mutex<RecentEvents>),
    /// The host's store.
    Host(Arc<dyn EventStore>),
}

/// A receiver option the core refuses, as a validation error naming the option.
fn option_error(e: ReceiverOptionError) -> CoreError {
    CoreError::invalid_text(e.option, e.rule.to_owned())
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
    /// `remember_events` event ids (100,000 is about 5 MB). Throws for an empty secret or no room for
    /// event ids.
    #[uniffi::constructor]
    pub fn new(secret: String, tolerance_s: u32, remember_events: u32) -> Result<WebhookReceiver, CoreError> {
        let remember = usize::try_from(remember_events).unwrap_or(usize::MAX);
        check_receiver_options(secret.as_bytes(), Some(remember)).map_err(option_error)?;
        Ok(WebhookReceiver {
            verifier: Verifier::new(secret.into_bytes()).tolerance(Duration::from_secs(u64::from(tolerance_s))),
            seen: Seen::Recent(Mutex::new(RecentEvents::with_capacity(remember))),
        })
    }

    /// A receiver for `secret` that de-duplicates through the host's `store` instead of memory. Throws for
    /// an empty secret.
    #[uniffi::constructor]
    pub fn with_store(secret: String, tolerance_s: u32, store: Arc<dyn EventStore>) -> Result<WebhookReceiver, CoreError> {
        check_receiver_options(secret.as_bytes(), None).map_err(option_error)?;
        Ok(WebhookReceiver {
            verifier: Verifier::new(secret.into_bytes()).tolerance(Duration::from_secs(u64::from(tolerance_s))),
            seen: Seen::Host(store),
        })
    }

    /// Checks one delivery: headers, signature over the raw body, replay window against `now_unix_ms`,
    /// event id, body. Throws [`WebhookError`] when it must be refused; a repeat comes back with
    /// `duplicate` set. Call it before acting on anything in the delivery.
    pub fn receive(&self, headers: Vec<Header>, body: Vec<u8>, now_unix_ms: i64) -> Result<WebhookDelivery, WebhookError> {
        let headers: Headers = headers.into_iter().map(|h| (h.name, h.value)).collect();
        let delivery = self.verifier.verify(&headers, &body, now(now_unix_ms)).map_err(|e| refused(e.code, e.message))?;
        let duplicate = match &self.seen {
            Seen::Recent(seen) => !lock(seen).first_sighting(delivery.event_id),
            Seen::Host(store) => match store.first_sighting(delivery.event_id.to_string()) {
                Ok(first) => !first,
                Err(StoreError::Failed { detail }) => return Err(WebhookError::StoreFailed { detail }),
            },
        };
        Ok(WebhookDelivery {
            event_id: delivery.event_id.to_string(),
            event_type: delivery.event_type.as_str().to_owned(),
            dispatched_at: system_time(delivery.dispatched_at),
            duplicate,
            gift_request: (&delivery.gift_request).into(),
            body,
        })
    }

    /// Forgets an event id, so that its next delivery is accepted as new: call it when you accepted a
    /// delivery but could not act on it (and answered with an error so that it is retried).
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

/// The signature of a delivery (lowercase hex HMAC-SHA256 of `{timestamp}.{body}`), for a service that
/// signs deliveries itself (a relay that re-signs, a test).
#[uniffi::export]
pub fn webhook_signature(secret: String, timestamp: String, body: Vec<u8>) -> String {
    andopen_core::webhook::signature(secret.as_bytes(), &timestamp, &body)
}
