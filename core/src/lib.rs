//! # andopen-core
//!
//! The &Open gifting API, version 2026-05, as a sans-IO core: it builds every request and judges every
//! response, and never touches the network, the clock or a random source. The host sends the bytes,
//! sleeps when told to, and passes the current time in. Every binding of the SDK (JavaScript, Python,
//! Kotlin, Swift) stands on this crate, so every rule of the contract lives here, once.
//!
//! ## The loop
//! ```
//! use andopen_core::{Client, Config, Headers, NewGiftRequest, NewRecipient, Response, Step, Timestamp};
//!
//! let client = Client::new(Config::from_api_key("ao-v1-staging-s3cr3t")?);
//! let params = NewGiftRequest::choice_mode(
//!     "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
//!     NewRecipient::new("Alice", "Smith").email("alice@example.com"),
//! );
//! let mut call = client.create_gift_request(&params)?; // validated here: all field errors at once
//! # let mut send = |_: &andopen_core::Request| Response::new(201, Headers::new(), r#"{"id":"4fb4cb3f-9666-43b5-8884-7f5194483d1a","status":"submitted","campaign_id":null,"redemption_url":null,"recipient":{"id":null,"first_name":"Alice","last_name":"Smith","email":null},"shipping_address":null,"line_items":null,"created_at":"2026-04-16T10:30:00.000Z","updated_at":"2026-04-16T10:30:00.000Z"}"#);
//! let gift = loop {
//!     let response = send(call.request()); // the host's HTTP transport
//!     match call.handle_response(&response, Timestamp::from_unix_seconds(1_776_335_400)) {
//!         Step::Done(reply) => break reply.value,
//!         Step::Wait(delay) => { /* sleep `delay`, then send `call.request()` again */ }
//!         Step::Failed(error) => return Err(error.into()),
//!     }
//! };
//! assert_eq!(gift.status.as_str(), "submitted");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A gift creation that may have reached the server (a 500, 502 or 504, a timeout after sending) is never
//! sent again: it fails with [`Error::OutcomeUnknown`] and the request id, for the caller to reconcile.
//!
//! ## Where each rule lives
//! | rule | module |
//! | --- | --- |
//! | keys, environments, regions, base URLs | [`config`] |
//! | the create body's field rules, in the server's words | [`validation`] |
//! | building requests, path ids, list query | [`operations`] |
//! | response headers (request id, rate limits, `Retry-After`) | [`response`] |
//! | the retry table | [`retry`] |
//! | one call as a state machine; every page; polling | [`call`], [`paginate`], [`poll`] |
//! | the error body, types and codes | [`api_error`] |
//! | calls and errors as plain data, for bindings | [`host`], [`report`] |
//! | the SDK's limits (body sizes, depth, problems reported, store capacities) | [`limits`] |
//! | JSON written and read by the core itself (no serde_json on the bindings' paths) | [`json`] |
//! | resources | [`gift_request`], [`campaign`], [`page`] |
//! | webhook headers, signatures, the replay window | [`webhook`] |
//! | de-duplicating deliveries on the event id | [`dedupe`] |
//! | the gift history and each gift's timeline | [`history`] |
//! | look-back eligibility | [`eligibility`] |
//! | batch send: rows, plan, journal, run, results | [`batch`] |
//! | CRM fields and campaign-member statuses | [`crm`] |
//! | ids, timestamps, money, countries, emails | [`uuid`], [`timestamp`], [`money`], [`country`], [`email`] |
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

pub mod api_error;
mod ascii;
pub mod batch;
pub mod call;
pub mod campaign;
pub mod client;
pub mod config;
pub mod country;
pub mod crm;
pub mod dedupe;
mod draft;
pub mod eligibility;
pub mod email;
pub mod error;
pub mod gift_request;
pub mod history;
pub mod host;
pub mod http;
pub mod json;
pub mod limits;
mod loose;
pub mod money;
pub mod operations;
pub mod page;
pub mod paginate;
pub mod params;
pub mod poll;
pub mod report;
pub mod response;
pub mod retry;
pub mod timestamp;
pub mod tokens;
pub mod uuid;
pub mod validation;
pub mod webhook;
mod wire;

pub use api_error::{ErrorBody, ErrorCode, ErrorItem, ErrorType};
pub use call::{Call, Reply, Step};
pub use campaign::{Campaign, InvitationMethod, Product, StockLevel, Variant, Warehouse};
pub use client::Client;
pub use config::{ApiKey, BaseUrl, Config, ConfigBuilder, ConfigError, ConfigErrorCode, Environment, Region};
pub use country::CountryCode;
pub use error::{ApiError, DecodeError, Error, ErrorKind, OutcomeUnknown};
pub use gift_request::{GiftRequest, GiftRequestStatus, LineItem, Recipient, ShippingAddress};
pub use host::{HostCall, MetaReport, RequestReport, StepReport};
pub use http::{API_VERSION, Headers, Method, Request, Response};
pub use json::{JsonValue, RawJson};
pub use money::{Currency, Money};
pub use operations::{CreateGiftRequest, GetCampaign, GetGiftRequest, ListCampaigns, ListCampaignsPage, Operation};
pub use page::Page;
pub use paginate::CampaignPages;
pub use params::{ExtraFields, NewGiftRequest, NewLineItem, NewRecipient, NewShippingAddress};
pub use poll::{PollTarget, Poller};
pub use report::{ErrorReport, errors_to_json};
pub use response::{RateLimit, ResponseMeta};
pub use retry::{ReplaySafety, RetryPolicy, TransportFailure};
pub use timestamp::Timestamp;
pub use uuid::Uuid;
pub use validation::{Mode, gift_request_body_from_json, validate_gift_request_json, validate_gift_request_tokens};
pub use webhook::{Delivery, EventType, Verifier, WebhookError, WebhookErrorCode};
