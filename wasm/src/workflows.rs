//! The gifting workflows for JavaScript: webhook receiving, the gift history with look-back eligibility and
//! the CRM projection, and batch send. Every rule is the core's ([`andopen_core::webhook`],
//! [`andopen_core::dedupe`], [`andopen_core::history`], [`andopen_core::eligibility`], [`andopen_core::crm`],
//! [`andopen_core::batch`]); this module only moves JSON text across the boundary, written and read by the
//! core's own JSON (no serde_json in the module).
//!
//! Objects the SDK makes (deliveries, timelines, summaries, results) come out with camelCase keys, as
//! JavaScript names things; what the API defines (gift requests, rows in the create body's shape, line
//! items) keeps its snake_case wire keys. Bad input throws an error report naming the option and the rule.
//!
//! Built into the package's second module (`andopen_workflows_bg.wasm`, the `workflows` feature), so that
//! pages that only validate do not load it.

use std::time::Duration;

use andopen_core::batch::{self, BatchAction, BatchRow, BatchSettings, Journal, Progress, RowOutcome, RowResult, RunOptions};
use andopen_core::crm::{self, MemberStatus, Prices};
use andopen_core::dedupe::{RecentEvents, SeenEvents};
use andopen_core::eligibility::{self, Eligibility, LookBack};
use andopen_core::history::{GiftHistory, GiftTimeline, RecipientKey, Recorded};
use andopen_core::json::{ObjectWriter, write_i64, write_str, write_u64};
use andopen_core::webhook::{self, EventType, Verifier};
use andopen_core::{
    Campaign, Delivery, ErrorCode, ErrorItem, GiftRequest, JsonValue as Value, LineItem, Money, NewLineItem, RequestReport, Response,
    Timestamp, TransportFailure, Uuid,
};
use wasm_bindgen::prelude::*;

use crate::options;

/// An input refused: a validation error report naming `param` and the rule.
fn refuse(param: &str, message: impl Into<String>) -> JsValue {
    let item = ErrorItem::validation(ErrorCode::Invalid, param, message.into());
    crate::thrown(&andopen_core::Error::Validation(vec![item]))
}

fn parse<'a>(text: &'a str, param: &str) -> Result<Value<'a>, JsValue> {
    Value::parse(text.as_bytes()).map_err(|e| refuse(param, format!("must be JSON: {e}")))
}

fn write_display(out: &mut String, value: impl std::fmt::Display) {
    write_str(out, &value.to_string());
}

fn write_money(out: &mut String, money: &Money) {
    let mut o = ObjectWriter::open(out);
    write_i64(o.key("amount"), money.amount);
    o.str("currency", money.currency.as_str());
    o.close();
}

fn write_line_items(out: &mut String, items: &[LineItem]) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let mut o = ObjectWriter::open(out);
        o.opt("variant_id", item.variant_id.as_ref(), write_display);
        o.opt_str("sku", item.sku.as_deref());
        write_u64(o.key("quantity"), item.quantity);
        o.close();
    }
    out.push(']');
}

fn time(out: &mut String, at: &Timestamp) {
    write_display(out, at);
}

/// A count that fits a JavaScript number.
fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// A JavaScript number of seconds or items given as an option: a whole number, at least 0.
fn whole(value: f64, param: &str) -> Result<u64, JsValue> {
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= 9_007_199_254_740_991.0 {
        Ok(value as u64)
    } else {
        Err(refuse(param, "must be a whole number, at least 0"))
    }
}

// ---------------------------------------------------------------------------------------------------------
// Webhooks

/// Checks and de-duplicates webhook deliveries for one secret, or several during a rotation.
#[wasm_bindgen]
pub struct WebhookReceiverCore {
    verifier: Verifier,
    seen: RecentEvents,
}

/// The tolerance in whole seconds, at most `u32::MAX` (as in every other language); `None` is the
/// contract's 300 s.
fn tolerance(value: Option<f64>) -> Result<Duration, JsValue> {
    match value {
        None => Ok(webhook::DEFAULT_TOLERANCE),
        Some(seconds) => match whole(seconds, "toleranceSeconds")? {
            s if s <= u64::from(u32::MAX) => Ok(Duration::from_secs(s)),
            _ => Err(refuse("toleranceSeconds", format!("must be a whole number of seconds from 0 to {}", u32::MAX))),
        },
    }
}

/// `remember` as a count; `None` is the core's default. A figure beyond the address space reads as the
/// largest, which the core then refuses with its maximum.
fn remember(value: Option<f64>) -> Result<usize, JsValue> {
    match value {
        None => Ok(andopen_core::limits::DEFAULT_REMEMBERED_EVENTS),
        Some(n) => Ok(usize::try_from(whole(n, "remember")?).unwrap_or(usize::MAX)),
    }
}

/// A refused delivery as the package reads it: `{ kind: "webhook_refused", code, status, message }`.
fn webhook_refused(e: &webhook::WebhookError) -> JsValue {
    let mut out = String::new();
    let mut o = ObjectWriter::open(&mut out);
    o.str("kind", "webhook_refused");
    o.str("code", e.code.as_str());
    write_u64(o.key("status"), u64::from(e.code.http_status()));
    o.str("message", &e.message);
    o.close();
    JsValue::from_str(&out)
}

#[wasm_bindgen]
impl WebhookReceiverCore {
    /// A receiver for `secrets` (their UTF-8 bytes; one, or several during a rotation, the newest first),
    /// accepting dispatch timestamps within `tolerance_s` of now (300 when `undefined`, at most
    /// 4294967295) and remembering the last `remember` first sightings (the core's default when
    /// `undefined`, at most its `MAX_REMEMBERED_EVENTS`). Memory grows with use. Throws an error report
    /// naming `secret`, `toleranceSeconds` or `remember`; the package checks the JavaScript types first.
    #[wasm_bindgen(constructor)]
    pub fn new(secrets: Vec<String>, tolerance_s: Option<f64>, remember_events: Option<f64>) -> Result<WebhookReceiverCore, JsValue> {
        let tolerance = tolerance(tolerance_s)?;
        let remember = remember(remember_events)?;
        webhook::check_receiver_options(&secrets, Some(remember)).map_err(|e| refuse(e.option, e.rule))?;
        let seen = RecentEvents::new(remember).map_err(|e| refuse(e.option, e.rule))?;
        let mut secrets = secrets.into_iter().map(String::into_bytes);
        let mut verifier = Verifier::new(secrets.next().unwrap_or_default());
        for secret in secrets {
            verifier = verifier.also_accepting(secret);
        }
        Ok(WebhookReceiverCore { verifier: verifier.tolerance(tolerance), seen })
    }

    /// Checks one delivery (`headers` as JSON text `[[name, value]…]`, the raw body, the time in Unix
    /// milliseconds). Returns `{ eventId, eventType, dispatchedAt, apiVersion, duplicate, bodyDigest }` as
    /// JSON text; throws `{ kind: "webhook_refused", code, status, message }` for a delivery to refuse.
    pub fn receive(&mut self, headers: &str, body: &[u8], now_ms: f64) -> Result<String, JsValue> {
        let delivery = self.verifier.verify(&options::headers(headers), body, options::instant(now_ms)).map_err(|e| webhook_refused(&e))?;
        let duplicate = !self.seen.first_sighting(&delivery.key());
        let mut out = String::with_capacity(256);
        let mut o = ObjectWriter::open(&mut out);
        write_display(o.key("eventId"), delivery.event_id);
        o.str("eventType", delivery.event_type.as_str());
        time(o.key("dispatchedAt"), &delivery.dispatched_at);
        o.opt_str("apiVersion", delivery.api_version.as_deref());
        o.bool("duplicate", duplicate);
        write_display(o.key("bodyDigest"), delivery.body_digest);
        if let andopen_core::GiftRequestStatus::Unknown(text) = &delivery.gift_request.status {
            o.str("unknownStatus", text);
        }
        o.close();
        Ok(out)
    }

    /// Forgets the delivery accepted under an event id (its body digest with it), so that its next delivery
    /// counts as new; `false` when it is not a UUID.
    pub fn forget(&mut self, event_id: &str) -> bool {
        match Uuid::parse(event_id) {
            Some(id) => {
                self.seen.forget(id);
                true
            }
            None => false,
        }
    }
}

/// The signature of a delivery: lowercase hex HMAC-SHA256 of `{timestamp}.{body}` keyed with `secret`.
#[wasm_bindgen(js_name = webhookSignature)]
pub fn webhook_signature(secret: &str, timestamp: &str, body: &[u8]) -> String {
    andopen_core::webhook::signature(secret.as_bytes(), timestamp, body)
}

// ---------------------------------------------------------------------------------------------------------
// Gift history

/// Every gift heard of, with the catalogue prices that value them.
#[wasm_bindgen]
pub struct GiftHistoryCore {
    history: GiftHistory,
    prices: Prices,
}

fn recorded(r: Recorded) -> String {
    match r {
        Recorded::NewGift => "new_gift",
        Recorded::Updated => "updated",
        Recorded::UnknownEvent => "unknown_event",
    }
    .to_owned()
}

/// A recipient as JSON text `{ first_name, last_name, email? }` (the API's recipient shape).
fn recipient_key(text: &str) -> Result<RecipientKey, JsValue> {
    let v = parse(text, "recipient")?;
    if !v.is_object() {
        return Err(refuse("recipient", "must be an object with first_name, last_name and email"));
    }
    let field = |key: &str| -> Result<Option<&str>, JsValue> {
        match v.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_ref())),
            Some(_) => Err(refuse(&format!("recipient.{key}"), "must be a string")),
        }
    };
    let (first, last, email) = (field("first_name")?, field("last_name")?, field("email")?);
    if email.is_none_or(|e| e.trim().is_empty())
        && first.unwrap_or_default().trim().is_empty()
        && last.unwrap_or_default().trim().is_empty()
    {
        return Err(refuse("recipient", "needs an email or a name"));
    }
    Ok(RecipientKey::new(first.unwrap_or_default(), last.unwrap_or_default(), email))
}

/// A look-back window as JSON text: `{ "days": 30 }` or `"forever"`.
fn look_back(v: &Value<'_>, param: &str) -> Result<LookBack, JsValue> {
    match v {
        Value::String(s) if s == "forever" => Ok(LookBack::Forever),
        Value::Object(_) => v
            .get("days")
            .and_then(Value::as_u64)
            .and_then(|d| u32::try_from(d).ok())
            .map(LookBack::Days)
            .ok_or_else(|| refuse(&format!("{param}.days"), "must be a whole number of days, at least 0")),
        _ => Err(refuse(param, "must be { days: n } or \"forever\"")),
    }
}

fn write_timeline(out: &mut String, t: &GiftTimeline) {
    let mut o = ObjectWriter::open(out);
    write_display(o.key("giftRequestId"), t.gift_request_id);
    o.opt("campaignId", t.campaign_id.as_ref(), write_display);
    o.str("recipient", t.recipient.as_str());
    o.str("status", t.status.as_str());
    o.opt("sentAt", t.sent_at.as_ref(), time);
    o.opt("redeemedAt", t.redeemed_at.as_ref(), time);
    o.opt("dispatchedAt", t.dispatched_at.as_ref(), time);
    o.opt("deliveredAt", t.delivered_at.as_ref(), time);
    o.opt("cancelledAt", t.cancelled_at.as_ref(), time);
    o.opt_str("redemptionUrl", t.redemption_url.as_deref());
    o.opt("lineItems", t.line_items.as_deref(), write_line_items);
    time(o.key("updatedAt"), &t.updated_at);
    o.close();
}

#[wasm_bindgen]
impl GiftHistoryCore {
    /// An empty history.
    #[wasm_bindgen(constructor)]
    pub fn new() -> GiftHistoryCore {
        GiftHistoryCore { history: GiftHistory::new(), prices: Prices::default() }
    }

    /// Folds in a verified delivery by its signed raw body (its status and dates; the event type only picks
    /// `unknown_event` as the answer). Returns `new_gift`, `updated` or `unknown_event`; throws for a body
    /// that is not a gift request.
    #[wasm_bindgen(js_name = recordDelivery)]
    pub fn record_delivery(&mut self, event_type: &str, body: &[u8]) -> Result<String, JsValue> {
        let gift_request = GiftRequest::read_json(body).map_err(|e| refuse("delivery.body", e))?;
        let delivery = Delivery {
            event_id: Uuid::from_bytes([0; 16]),
            event_type: EventType::from_wire(event_type),
            dispatched_at: gift_request.updated_at,
            api_version: None,
            body_digest: webhook::BodyDigest::of(body),
            gift_request,
        };
        Ok(recorded(self.history.record_delivery(&delivery)))
    }

    /// Folds in a gift request a call returned (JSON text).
    #[wasm_bindgen(js_name = recordGift)]
    pub fn record_gift(&mut self, json: &str) -> Result<String, JsValue> {
        let gift = GiftRequest::read_json(json.as_bytes()).map_err(|e| refuse("giftRequest", e))?;
        Ok(recorded(self.history.record_gift(&gift)))
    }

    /// Values gifts from these campaigns' catalogues (a JSON array of campaigns); returns how many.
    #[wasm_bindgen(js_name = setPrices)]
    pub fn set_prices(&mut self, campaigns: &str) -> Result<u32, JsValue> {
        let campaigns = Campaign::list_from_json(campaigns.as_bytes()).map_err(|e| refuse("campaigns", e))?;
        self.prices = Prices::from_campaigns(&campaigns);
        Ok(u32::try_from(campaigns.len()).unwrap_or(u32::MAX))
    }

    /// How many gifts are held.
    pub fn size(&self) -> u32 {
        u32::try_from(self.history.len()).unwrap_or(u32::MAX)
    }

    /// One gift's timeline as JSON text, or `undefined`.
    pub fn timeline(&self, gift_request_id: &str) -> Option<String> {
        let t = self.history.gift(&Uuid::parse(gift_request_id)?)?;
        let mut out = String::with_capacity(320);
        write_timeline(&mut out, t);
        Some(out)
    }

    /// Every timeline of a recipient (JSON text of the recipient), as a JSON array.
    #[wasm_bindgen(js_name = giftsFor)]
    pub fn gifts_for(&self, recipient: &str) -> Result<String, JsValue> {
        let key = recipient_key(recipient)?;
        let mut out = String::from("[");
        for (i, t) in self.history.gifts_for(&key).enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_timeline(&mut out, t);
        }
        out.push(']');
        Ok(out)
    }

    /// Whether the recipient may be gifted at `now_ms` under the window (JSON text), as JSON text:
    /// `{ eligible: true }` or `{ eligible: false, giftRequestId, sentAt, reason }`.
    pub fn eligibility(&self, recipient: &str, window: &str, now_ms: f64) -> Result<String, JsValue> {
        let key = recipient_key(recipient)?;
        let window = look_back(&parse(window, "lookBack")?, "lookBack")?;
        let mut out = String::with_capacity(192);
        let mut o = ObjectWriter::open(&mut out);
        match eligibility::check(&self.history, &key, window, options::instant(now_ms)) {
            Eligibility::Eligible => o.bool("eligible", true),
            Eligibility::Skip(recent) => {
                o.bool("eligible", false);
                write_display(o.key("giftRequestId"), recent.gift_request_id);
                time(o.key("sentAt"), &recent.sent_at);
                o.str("reason", &recent.reason);
            }
        }
        o.close();
        Ok(out)
    }

    /// The recipient's status as a member of the campaign: `Pending`, `Invited`, `Completed`, `Cancelled`.
    #[wasm_bindgen(js_name = memberStatus)]
    pub fn member_status(&self, recipient: &str, campaign_id: &str) -> Result<String, JsValue> {
        let key = recipient_key(recipient)?;
        let campaign = Uuid::parse(campaign_id).ok_or_else(|| refuse("campaignId", "must be a UUID"))?;
        let status: MemberStatus = crm::member_status(&self.history, &key, &campaign);
        Ok(status.label().to_owned())
    }

    /// The recipient's CRM fields as JSON text.
    #[wasm_bindgen(js_name = recipientSummary)]
    pub fn recipient_summary(&self, recipient: &str) -> Result<String, JsValue> {
        let key = recipient_key(recipient)?;
        let s = crm::recipient_summary(&self.history, &key, &self.prices);
        let mut out = String::with_capacity(256);
        let mut o = ObjectWriter::open(&mut out);
        o.str("recipient", s.recipient.as_str());
        write_u64(o.key("giftCount"), u64::from(s.gift_count));
        o.opt("lastSentAt", s.last_sent_at.as_ref(), time);
        o.opt("lastRedeemedAt", s.last_redeemed_at.as_ref(), time);
        o.opt("lastDeliveredAt", s.last_delivered_at.as_ref(), time);
        o.opt("lastGiftValue", s.last_gift_value.as_ref(), write_money);
        let lifetime = o.key("lifetimeValue");
        lifetime.push('[');
        for (i, money) in s.lifetime_value.iter().enumerate() {
            if i > 0 {
                lifetime.push(',');
            }
            write_money(lifetime, money);
        }
        lifetime.push(']');
        write_u64(o.key("unpricedGifts"), u64::from(s.unpriced_gifts));
        o.close();
        Ok(out)
    }
}

impl Default for GiftHistoryCore {
    fn default() -> GiftHistoryCore {
        GiftHistoryCore::new()
    }
}

// ---------------------------------------------------------------------------------------------------------
// Batch send

const KNOWN_BATCH: [&str; 8] = [
    "campaignId",
    "lookBack",
    "defaultLineItems",
    "minIntervalMs",
    "maxPacingWaitMs",
    "waitForRedemptionUrl",
    "pollIntervalMs",
    "pollTimeoutMs",
];

/// A wait of the batch (`key`, in milliseconds): a whole number from 0, else a `config` refusal naming it,
/// as [`RunOptions::checked`] refuses one out of its bounds.
fn millis(v: &Value<'_>, key: &'static str, default: Duration) -> Result<Duration, JsValue> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(n) => n.as_u64().map(Duration::from_millis).ok_or_else(|| {
            let refusal = andopen_core::ConfigError::invalid_named_option(key, format!("{key} must be a whole number of milliseconds"));
            crate::thrown(&andopen_core::Error::Config(refusal))
        }),
    }
}

/// The batch settings and run options as JSON text (camelCase, see [`KNOWN_BATCH`]).
fn batch_settings(text: &str) -> Result<(BatchSettings, RunOptions), JsValue> {
    let v = parse(text, "options")?;
    let Some(members) = v.as_object() else { return Err(refuse("options", "must be an object")) };
    if let Some((unknown, _)) = members.iter().find(|(k, _)| !KNOWN_BATCH.contains(&k.as_ref())) {
        return Err(refuse(unknown, "is not an option of a batch"));
    }
    let campaign_id = v.get("campaignId").and_then(Value::as_str).ok_or_else(|| refuse("campaignId", "is required (a UUID)"))?;
    let look_back = match v.get("lookBack") {
        None | Some(Value::Null) => None,
        Some(w) => Some(look_back(w, "lookBack")?),
    };
    let mut default_line_items = Vec::new();
    match v.get("defaultLineItems") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let param = format!("defaultLineItems[{i}]");
                let text = |key: &str| -> Result<Option<String>, JsValue> {
                    match item.get(key) {
                        None | Some(Value::Null) => Ok(None),
                        Some(Value::String(s)) => Ok(Some(s.to_string())),
                        Some(_) => Err(refuse(&format!("{param}.{key}"), "must be a string")),
                    }
                };
                if !item.is_object() {
                    return Err(refuse(&param, "must be an object with sku or variant_id, and quantity"));
                }
                let quantity = item
                    .get("quantity")
                    .and_then(Value::as_i64)
                    .ok_or_else(|| refuse(&format!("{param}.quantity"), "must be a whole number"))?;
                default_line_items.push(NewLineItem {
                    sku: text("sku")?,
                    variant_id: text("variant_id")?,
                    quantity,
                    ..NewLineItem::default()
                });
            }
        }
        Some(_) => return Err(refuse("defaultLineItems", "must be an array")),
    }
    let defaults = RunOptions::default();
    let wait_for_redemption_url = match v.get("waitForRedemptionUrl") {
        None | Some(Value::Null) => defaults.wait_for_redemption_url,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(refuse("waitForRedemptionUrl", "must be true or false")),
    };
    let run = RunOptions {
        min_interval: millis(&v, "minIntervalMs", defaults.min_interval)?,
        max_pacing_wait: millis(&v, "maxPacingWaitMs", defaults.max_pacing_wait)?,
        wait_for_redemption_url,
        poll_interval: millis(&v, "pollIntervalMs", defaults.poll_interval)?,
        poll_timeout: millis(&v, "pollTimeoutMs", defaults.poll_timeout)?,
    }
    .checked(["minIntervalMs", "maxPacingWaitMs", "pollIntervalMs", "pollTimeoutMs"])
    .map_err(|e| crate::thrown(&andopen_core::Error::Config(e)))?;
    Ok((BatchSettings { campaign_id: campaign_id.to_owned(), look_back, default_line_items }, run))
}

fn write_progress(out: &mut String, p: &Progress) {
    let mut o = ObjectWriter::open(out);
    write_u64(o.key("total"), count(p.total));
    write_u64(o.key("finished"), count(p.finished));
    write_u64(o.key("sent"), count(p.sent));
    write_u64(o.key("skipped"), count(p.skipped));
    write_u64(o.key("failed"), count(p.failed));
    write_u64(o.key("unknown"), count(p.unknown));
    o.close();
}

/// One row's result, its outcome flattened in: `{ index, rowKey, sendKey, fromJournal, outcome, … }`.
fn write_result(out: &mut String, r: &RowResult) {
    let mut o = ObjectWriter::open(out);
    write_u64(o.key("index"), count(r.index));
    o.str("rowKey", &r.row_key);
    o.str("sendKey", &r.send_key);
    o.bool("fromJournal", r.from_journal);
    o.str("outcome", r.outcome.label());
    match &r.outcome {
        RowOutcome::Sent { gift_request_id, redemption_url, request_id } => {
            write_display(o.key("giftRequestId"), gift_request_id);
            o.opt_str("redemptionUrl", redemption_url.as_deref());
            o.opt_str("requestId", request_id.as_deref());
        }
        RowOutcome::Skipped { reason, previous_gift_request_id, previous_sent_at, same_as_row } => {
            o.str("reason", reason);
            o.opt("previousGiftRequestId", previous_gift_request_id.as_ref(), write_display);
            o.opt("previousSentAt", previous_sent_at.as_ref(), time);
            o.opt_str("sameAsRow", same_as_row.as_deref());
        }
        RowOutcome::Failed { error } => {
            // The shape of the core's error reports, which the package turns into `AndOpenError`s.
            let mut e = ObjectWriter::open(o.key("error"));
            e.str("kind", &error.kind);
            e.opt_str("type", error.error_type.as_deref());
            e.opt_str("code", error.code.as_deref());
            e.opt_str("param", error.param.as_deref());
            e.str("message", &error.message);
            e.opt_u64("status", error.status.map(u64::from));
            e.opt_str("request_id", error.request_id.as_deref());
            e.raw("retry_after_s", "null");
            e.raw("rate_limit", "null");
            e.raw("attempts", "null");
            e.raw("errors", &andopen_core::errors_to_json(&error.errors));
            e.close();
        }
        RowOutcome::OutcomeUnknown { request_id, reason } => {
            o.opt_str("requestId", request_id.as_deref());
            o.str("reason", reason);
        }
    }
    o.close();
}

/// A batch being sent: plans at once, then hands out actions until done.
#[wasm_bindgen]
pub struct BatchRunCore {
    run: batch::BatchRun,
    to_send: u32,
    ignored_columns: Vec<String>,
}

#[wasm_bindgen]
impl BatchRunCore {
    /// Plans a batch: `client` the client options (JSON text, as for `CoreClient`), `rows` a JSON array of
    /// rows (or CSV text when `csv`), `options` the batch options (JSON text), the history to check
    /// look-back windows against, the journal's text so far, the time in Unix milliseconds. Nothing is
    /// sent here; throws for options, rows or a journal that cannot be read.
    #[wasm_bindgen(constructor)]
    pub fn new(
        client: &str,
        rows: &str,
        csv: bool,
        options: &str,
        history: &GiftHistoryCore,
        journal: &str,
        now_ms: f64,
    ) -> Result<BatchRunCore, JsValue> {
        let config = options::config(client).map_err(|e| crate::thrown(&andopen_core::Error::Config(e)))?;
        let (settings, run_options) = batch_settings(options)?;
        let (rows, ignored_columns): (Vec<BatchRow>, Vec<String>) = if csv {
            let read = batch::rows_from_csv(rows).map_err(|e| refuse("csv", e.to_string()))?;
            (read.rows, read.ignored_columns)
        } else {
            (batch::rows_from_json(rows.as_bytes()).map_err(|e| refuse("rows", e))?, Vec::new())
        };
        let journal = Journal::from_json_lines(journal).map_err(|e| refuse("journal", e.to_string()))?;
        let plan = batch::plan(&rows, &settings, &history.history, &journal, options::instant(now_ms));
        let to_send = u32::try_from(plan.to_send()).unwrap_or(u32::MAX);
        let run = batch::BatchRun::new(andopen_core::Client::new(config), plan, run_options);
        Ok(BatchRunCore { run, to_send, ignored_columns })
    }

    /// How many rows the plan sends.
    #[wasm_bindgen(js_name = rowsToSend)]
    pub fn rows_to_send(&self) -> u32 {
        self.to_send
    }

    /// CSV header names the batch does not read, as a JSON array.
    #[wasm_bindgen(js_name = ignoredColumns)]
    pub fn ignored_columns(&self) -> String {
        let mut out = String::from("[");
        for (i, c) in self.ignored_columns.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_str(&mut out, c);
        }
        out.push(']');
        out
    }

    /// What to do next, as JSON text: `{ action: "persist", line }`, `{ action: "send", request }`,
    /// `{ action: "wait", ms }` or `{ action: "done" }`.
    #[wasm_bindgen(js_name = nextAction)]
    pub fn next_action(&mut self, now_ms: f64) -> String {
        let mut out = String::with_capacity(256);
        let mut o = ObjectWriter::open(&mut out);
        match self.run.next_action(options::instant(now_ms)) {
            BatchAction::Persist(entry) => {
                o.str("action", "persist");
                o.str("line", &entry.to_json_line());
            }
            BatchAction::Send(request) => {
                o.str("action", "send");
                o.raw("request", &RequestReport::of(request).to_json());
            }
            BatchAction::Wait(delay) => {
                o.str("action", "wait");
                write_u64(o.key("ms"), u64::try_from(delay.as_millis()).unwrap_or(u64::MAX));
            }
            BatchAction::Done => o.str("action", "done"),
        }
        o.close();
        out
    }

    /// Hands over the answer to the last send (`headers` as JSON text `[[name, value]…]`).
    #[wasm_bindgen(js_name = handleResponse)]
    pub fn handle_response(&mut self, status: u16, headers: &str, body: &[u8], now_ms: f64) {
        let response = Response::new(status, options::headers(headers), body);
        self.run.handle_response(&response, options::instant(now_ms));
    }

    /// Reports that the last send got no response; `maybe_sent` says whether it may have reached the server.
    #[wasm_bindgen(js_name = handleTransportFailure)]
    pub fn handle_transport_failure(&mut self, maybe_sent: bool, now_ms: f64) {
        let failure = if maybe_sent { TransportFailure::MaybeSent } else { TransportFailure::NotSent };
        self.run.handle_transport_failure(failure, options::instant(now_ms));
    }

    /// Counts by outcome so far, as JSON text.
    pub fn progress(&self) -> String {
        let mut out = String::with_capacity(96);
        write_progress(&mut out, &self.run.progress());
        out
    }

    /// Every settled row's result, in row order, as a JSON array.
    pub fn results(&self) -> String {
        let results = self.run.results();
        let mut out = String::with_capacity(200 * results.len() + 2);
        out.push('[');
        for (i, r) in results.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_result(&mut out, r);
        }
        out.push(']');
        out
    }

    /// The results as CSV (`row_key`, `outcome`, `gift_request_id`, `redemption_url`, `request_id`,
    /// `reason`, `error_type`, `error_code`, `error_param`, `error_message`).
    #[wasm_bindgen(js_name = resultsCsv)]
    pub fn results_csv(&self) -> String {
        batch::results_to_csv(&self.run.results())
    }
}
