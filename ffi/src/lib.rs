//! # andopen-ffi
//!
//! The Python, Kotlin and Swift layer of the &Open SDK: [`andopen_core`] exposed through UniFFI
//! (proc-macros, library mode). It is glue only: every rule of the contract (validation, URLs, retries,
//! pagination cursors, poll decisions) is the core's; this crate converts types and never panics across
//! the boundary (bad input of any kind comes back as a [`CoreError`] or a `Failed` step).
//!
//! ## The loop a host runs
//! ```text
//! client = Client(ClientConfig(...), api_key)           // throws CoreError (kind config) when refused
//! call   = client.create_gift_request(params)           // throws CoreError (kind validation): nothing sent
//! loop:
//!     request = call.request()                           // method, url, headers, body
//!     step = call.handle_response(status, headers, body, now_unix_ms)
//!         // or call.handle_transport_failure(NotSent | MaybeSent, now_unix_ms) when nothing came back
//!     Done(value, meta) -> stop | Wait(delay_ms) -> sleep, send again | Failed(report) -> stop
//! ```
//! Pagination ([`CampaignPages`]) and polling ([`Poller`]) are driven the same way.
//!
//! ## Where each part lives
//! | part | module |
//! | --- | --- |
//! | the client, its configuration and retry policy | [`client`] |
//! | calls and the steps they answer with | [`calls`] |
//! | the campaign list, page by page | [`pages`] |
//! | waiting for a redemption URL or a status | [`poll`] |
//! | typed parameters | [`params`] |
//! | bodies checked and built from JSON bytes or typed parameters, one or many at once | [`payload`] |
//! | the same, shaped for hosts whose crossings are costly (answers that lift nothing in the common case) | [`fast`] |
//! | resources (gift request, campaign) | [`resources`] |
//! | requests, response facts, transport failures | [`http`] |
//! | the SDK's limits, for the hosts' transports and writers | [`mod@limits`] |
//! | errors as plain data | [`errors`] |
//! | batch send: rows, plan, journal, pacing, results | [`batch`] |
//! | batch send of any size, streamed | [`batch_stream`] |
//! | a batch shared by several workers through a database | [`batch_shared`] |
//! | receiving webhooks: verify, de-duplicate | [`webhooks`] |
//! | the gift history, look-back eligibility, CRM fields | [`history`] |
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

uniffi::setup_scaffolding!();

pub mod batch;
pub mod batch_shared;
pub mod batch_stream;
pub mod calls;
pub mod client;
pub mod errors;
pub mod fast;
pub mod history;
pub mod http;
pub mod limits;
pub mod pages;
pub mod params;
pub mod payload;
pub mod poll;
pub mod resources;
pub mod webhooks;

pub use batch::{
    BatchAction, BatchOptions, BatchProgress, BatchRow, BatchRun, BatchSettings, CsvRows, RowError, RowOutcome, RowResult,
    batch_rows_from_csv, default_batch_options,
};
pub use batch_shared::{BatchPlanner, Resolution, StoredRow, UnknownResolver};
pub use batch_stream::{BatchStream, StreamAction, TakenResults, batch_results_header};
pub use calls::{CampaignCall, CampaignPageStep, CampaignStep, GiftRequestCall, GiftRequestStep};
pub use client::{Client, ClientConfig, Environment, Region, RetryPolicy, default_retry_policy, never_retry_policy};
pub use errors::{CoreError, ErrorKind, ErrorReport, FieldError};
pub use fast::{BODY_INVALID, BODY_IS_INPUT, BODY_REWRITTEN, gift_request_bodies_spans, gift_request_body_status};
pub use history::{Eligibility, GiftHistory, GiftTimeline, LookBackWindow, MemberStatus, RecipientRef, RecipientSummary};
pub use http::{Header, HttpRequest, RateLimit, ResponseMeta, TransportFailure};
pub use limits::{Limits, limits};
pub use pages::CampaignPages;
pub use params::{ExtraField, ListCampaignsParams, NewGiftRequest, NewLineItem, NewRecipient, NewShippingAddress, QueryParam};
pub use payload::{
    BodyOutcome, CheckOutcome, Mode, check_gift_request_json, gift_request_bodies_json, gift_request_body, gift_request_body_json,
    gift_request_problem_count, validate_gift_request, validate_gift_request_json, validate_gift_requests_json,
};
pub use poll::{PollTarget, Poller};
pub use resources::{
    Campaign, CampaignPage, GiftRequest, GiftRequestStatus, LineItem, Money, Product, Recipient, ShippingAddress, StockLevel, Variant,
    Warehouse, gift_request_status_from_text, gift_request_status_text,
};

pub use webhooks::{EventStore, StoreError, WebhookDelivery, WebhookError, WebhookReceiver, webhook_signature};

/// The API version every request carries (`AndOpen-API-Version`).
#[uniffi::export]
pub fn api_version() -> String {
    andopen_core::API_VERSION.to_owned()
}
