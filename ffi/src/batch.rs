//! Batch send for hosts: rows in, one result per row, a journal the host stores. The planning, pacing and
//! journal rules are the core's ([`andopen_core::batch`]); this is glue.
//!
//! ```text
//! run = BatchRun(client, rows, settings, history, journal_text, now_ms, options)   // plans; sends nothing
//! loop:
//!     action = run.next_action(now_ms)
//!     Persist(line)  -> append line + "\n" to the journal file, flush it, before the next action
//!     Send(request)  -> send; run.handle_response(...) or run.handle_transport_failure(...)
//!     Wait(delay_ms) -> sleep
//!     Done           -> run.results() / run.results_csv()
//! ```

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use andopen_core::batch as core;

use crate::calls::lock;
use crate::client::Client;
use crate::errors::{CoreError, FieldError};
use crate::history::{GiftHistory, LookBackWindow};
use crate::http::{Header, HttpRequest, TransportFailure, millis, now, response, system_time};
use crate::params::{NewGiftRequest, NewLineItem, NewRecipient, NewShippingAddress};

/// One row: who to gift and, for direct-send, where and what.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct BatchRow {
    /// The caller's key for the row (a CRM id, a table row id): part of the row's send key.
    pub row_key: String,
    /// The recipient.
    pub recipient: NewRecipient,
    /// Direct-send: the address.
    #[uniffi(default)]
    pub shipping_address: Option<NewShippingAddress>,
    /// Direct-send: the items; absent takes the batch's default items.
    #[uniffi(default)]
    pub line_items: Option<Vec<NewLineItem>>,
}

/// Rows read from CSV, and the columns the batch does not read.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct CsvRows {
    /// The rows.
    pub rows: Vec<BatchRow>,
    /// Header names that were not used.
    pub ignored_columns: Vec<String>,
}

/// What every row shares.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct BatchSettings {
    /// The campaign.
    pub campaign_id: String,
    /// Skip recipients gifted within this window (against the history given to the run).
    #[uniffi(default)]
    pub look_back: Option<LookBackWindow>,
    /// The items of a direct-send row that names none.
    #[uniffi(default)]
    pub default_line_items: Vec<NewLineItem>,
}

/// Pacing and waiting.
#[derive(Clone, Copy, PartialEq, Eq, Debug, uniffi::Record)]
pub struct BatchOptions {
    /// The least time between two creations, in milliseconds.
    pub min_interval_ms: u64,
    /// The longest wait for a rate-limit window to reset, in milliseconds.
    pub max_pacing_wait_ms: u64,
    /// Poll after each creation until the redemption link appears.
    pub wait_for_redemption_url: bool,
    /// Between polls, in milliseconds.
    pub poll_interval_ms: u64,
    /// How long to wait for a link, in milliseconds.
    pub poll_timeout_ms: u64,
}

/// The defaults: no minimum interval, pacing waits up to 60 s, links polled every 500 ms for up to 30 s.
#[uniffi::export]
pub fn default_batch_options() -> BatchOptions {
    let o = core::RunOptions::default();
    BatchOptions {
        min_interval_ms: duration_ms(o.min_interval),
        max_pacing_wait_ms: duration_ms(o.max_pacing_wait),
        wait_for_redemption_url: o.wait_for_redemption_url,
        poll_interval_ms: duration_ms(o.poll_interval),
        poll_timeout_ms: duration_ms(o.poll_timeout),
    }
}

fn duration_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl BatchOptions {
    /// The core's run options, each held to the core's bounds (a `config` error naming the field:
    /// `poll_interval_ms` of 0, say).
    pub(crate) fn checked(self) -> Result<core::RunOptions, CoreError> {
        let options = core::RunOptions {
            min_interval: Duration::from_millis(self.min_interval_ms),
            max_pacing_wait: Duration::from_millis(self.max_pacing_wait_ms),
            wait_for_redemption_url: self.wait_for_redemption_url,
            poll_interval: Duration::from_millis(self.poll_interval_ms),
            poll_timeout: Duration::from_millis(self.poll_timeout_ms),
        };
        Ok(options.checked(["min_interval_ms", "max_pacing_wait_ms", "poll_interval_ms", "poll_timeout_ms"])?)
    }
}

/// What the host does next.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Enum)]
pub enum BatchAction {
    /// Append this line (and a line break) to the journal, durably, then ask again.
    Persist {
        /// One JSON line.
        line: String,
    },
    /// Send this request, then hand over the answer.
    Send {
        /// The request.
        request: HttpRequest,
    },
    /// Sleep, then ask again.
    Wait {
        /// How long.
        delay_ms: i64,
    },
    /// Every row has its outcome.
    Done,
}

/// Counts of rows by outcome so far.
#[derive(Clone, Copy, PartialEq, Eq, Debug, uniffi::Record)]
pub struct BatchProgress {
    /// Rows in the batch.
    pub total: u64,
    /// Rows with an outcome.
    pub finished: u64,
    /// Sent.
    pub sent: u64,
    /// Skipped.
    pub skipped: u64,
    /// Failed.
    pub failed: u64,
    /// Outcome unknown.
    pub unknown: u64,
}

/// A failed row's error: the first problem's type, code, param and message, and every problem.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct RowError {
    /// `validation`, `api`, `transport`, ...
    pub kind: String,
    /// The error type.
    pub error_type: Option<String>,
    /// The first problem's code.
    pub code: Option<String>,
    /// The first problem's field.
    pub param: Option<String>,
    /// A readable message.
    pub message: String,
    /// The HTTP status, when the server answered.
    pub status: Option<i32>,
    /// The `Request-Id`, when the server answered.
    pub request_id: Option<String>,
    /// Every problem.
    pub errors: Vec<FieldError>,
}

/// What happened to a row.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Enum)]
pub enum RowOutcome {
    /// Created.
    Sent {
        /// The gift request.
        gift_request_id: String,
        /// Its redemption link, when known.
        redemption_url: Option<String>,
        /// The creation's `Request-Id`.
        request_id: Option<String>,
    },
    /// Not sent, on purpose.
    Skipped {
        /// Why.
        reason: String,
        /// The earlier gift behind a look-back skip.
        previous_gift_request_id: Option<String>,
        /// When it was sent.
        previous_sent_at: Option<std::time::SystemTime>,
        /// The row with the same recipient.
        same_as_row: Option<String>,
    },
    /// Refused; nothing created.
    Failed {
        /// The error.
        error: RowError,
    },
    /// Maybe created: never resent automatically; reconcile first.
    OutcomeUnknown {
        /// The `Request-Id`, when a response came.
        request_id: Option<String>,
        /// What happened.
        reason: String,
    },
}

/// One row's result.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct RowResult {
    /// The row's position (0-based).
    pub index: u64,
    /// The caller's key.
    pub row_key: String,
    /// The row's send key.
    pub send_key: String,
    /// What happened.
    pub outcome: RowOutcome,
    /// Read from the journal of an earlier run.
    pub from_journal: bool,
}

impl From<&core::RowResult> for RowResult {
    fn from(r: &core::RowResult) -> RowResult {
        let outcome = match &r.outcome {
            core::RowOutcome::Sent { gift_request_id, redemption_url, request_id } => RowOutcome::Sent {
                gift_request_id: gift_request_id.to_string(),
                redemption_url: redemption_url.clone(),
                request_id: request_id.clone(),
            },
            core::RowOutcome::Skipped { reason, previous_gift_request_id, previous_sent_at, same_as_row } => RowOutcome::Skipped {
                reason: reason.clone(),
                previous_gift_request_id: previous_gift_request_id.map(|id| id.to_string()),
                previous_sent_at: previous_sent_at.map(system_time),
                same_as_row: same_as_row.clone(),
            },
            core::RowOutcome::Failed { error } => RowOutcome::Failed {
                error: RowError {
                    kind: error.kind.clone(),
                    error_type: error.error_type.clone(),
                    code: error.code.clone(),
                    param: error.param.clone(),
                    message: error.message.clone(),
                    status: error.status.map(i32::from),
                    request_id: error.request_id.clone(),
                    errors: error.errors.iter().map(FieldError::from).collect(),
                },
            },
            core::RowOutcome::OutcomeUnknown { request_id, reason } => {
                RowOutcome::OutcomeUnknown { request_id: request_id.clone(), reason: reason.clone() }
            }
        };
        RowResult { index: r.index as u64, row_key: r.row_key.clone(), send_key: r.send_key.clone(), outcome, from_journal: r.from_journal }
    }
}

/// Reads rows from CSV with a header line (`first_name`, `last_name`, `email`, `row_key`, the shipping
/// columns, `sku`, `variant_id`, `quantity`); throws kind `validation` with the line for a CSV that cannot
/// be read. Values are kept as written; a row's own problems surface when the batch is planned.
#[uniffi::export]
pub fn batch_rows_from_csv(text: String) -> Result<CsvRows, CoreError> {
    let read = core::rows_from_csv(&text).map_err(|e| CoreError::invalid_text("csv", e.to_string()))?;
    let rows = read.rows.iter().map(row_to_ffi).collect();
    Ok(CsvRows { rows, ignored_columns: read.ignored_columns })
}

fn row_to_ffi(row: &core::BatchRow) -> BatchRow {
    let r = &row.recipient;
    BatchRow {
        row_key: row.row_key.clone(),
        recipient: NewRecipient { first_name: r.first_name.clone(), last_name: r.last_name.clone(), email: r.email.clone(), extra: vec![] },
        shipping_address: row.shipping_address.as_ref().map(|a| NewShippingAddress {
            address1: a.address1.clone(),
            address2: a.address2.clone(),
            city: a.city.clone(),
            region: a.region.clone(),
            postal_code: a.postal_code.clone(),
            country_code: a.country_code.clone(),
            phone: a.phone.clone(),
            extra: vec![],
        }),
        line_items: row.line_items.as_ref().map(|items| {
            items
                .iter()
                .map(|i| NewLineItem { sku: i.sku.clone(), variant_id: i.variant_id.clone(), quantity: i.quantity, extra: vec![] })
                .collect()
        }),
    }
}

/// A row as the core's, with any problem reading it (an extra field that is not JSON) kept on the row, to
/// be reported with its validation errors.
pub(crate) fn row_to_core(row: BatchRow) -> core::BatchRow {
    let params = NewGiftRequest {
        campaign_id: String::new(),
        recipient: row.recipient,
        shipping_address: row.shipping_address,
        line_items: row.line_items,
        extra: vec![],
    };
    let (converted, problems) = match params.to_core() {
        Ok(converted) => (converted, vec![]),
        Err(error) => {
            let report = error.report();
            let problem = andopen_core::ErrorItem::validation(
                andopen_core::ErrorCode::InvalidFormat,
                report.param.clone().unwrap_or_default(),
                report.message.clone(),
            );
            (without_extra_fields(params).to_core().unwrap_or_default(), vec![problem])
        }
    };
    core::BatchRow {
        row_key: row.row_key,
        recipient: converted.recipient,
        shipping_address: converted.shipping_address,
        line_items: converted.line_items,
        problems,
    }
}

/// The same parameters without their extra fields (the only part a conversion can refuse).
fn without_extra_fields(mut params: NewGiftRequest) -> NewGiftRequest {
    params.recipient.extra.clear();
    if let Some(address) = &mut params.shipping_address {
        address.extra.clear();
    }
    for item in params.line_items.iter_mut().flatten() {
        item.extra.clear();
    }
    params
}

/// The journal text read back by the core's rules; a line that cannot be read is kind `validation`.
pub(crate) fn read_journal(text: &str) -> Result<core::Journal, CoreError> {
    core::Journal::from_json_lines(text).map_err(|e| CoreError::invalid_text("journal", e.to_string()))
}

/// The batch's settings as the core's, the default items checked by the core's rules.
pub(crate) fn core_settings(settings: BatchSettings) -> Result<core::BatchSettings, CoreError> {
    let defaults = NewGiftRequest {
        campaign_id: String::new(),
        recipient: NewRecipient { first_name: String::new(), last_name: String::new(), email: None, extra: vec![] },
        shipping_address: None,
        line_items: Some(settings.default_line_items),
        extra: vec![],
    };
    Ok(core::BatchSettings {
        campaign_id: settings.campaign_id,
        look_back: settings.look_back.map(Into::into),
        default_line_items: defaults.to_core()?.line_items.unwrap_or_default(),
    })
}

impl From<core::Progress> for BatchProgress {
    fn from(p: core::Progress) -> BatchProgress {
        BatchProgress {
            total: p.total as u64,
            finished: p.finished as u64,
            sent: p.sent as u64,
            skipped: p.skipped as u64,
            failed: p.failed as u64,
            unknown: p.unknown as u64,
        }
    }
}

/// A batch being sent. Build it (it plans at once), then loop on [`BatchRun::next_action`].
#[derive(uniffi::Object)]
pub struct BatchRun {
    run: Mutex<core::BatchRun>,
    to_send: u64,
    /// Set by [`BatchRun::stop`]: every later action is `Done`.
    stopped: AtomicBool,
}

impl BatchRun {
    fn planned(
        client: &Client,
        rows: Vec<core::BatchRow>,
        settings: BatchSettings,
        history: Option<&GiftHistory>,
        journal: &str,
        now_unix_ms: i64,
        options: BatchOptions,
    ) -> Result<Arc<BatchRun>, CoreError> {
        let options = options.checked()?;
        let journal = read_journal(journal)?;
        let settings = core_settings(settings)?;
        let now = now(now_unix_ms);
        let plan = match history {
            Some(history) => history.with(|h| core::plan(&rows, &settings, h, &journal, now)),
            None => core::plan(&rows, &settings, &andopen_core::history::GiftHistory::new(), &journal, now),
        };
        let to_send = plan.to_send() as u64;
        Ok(Arc::new(BatchRun {
            run: Mutex::new(core::BatchRun::new(client.core().clone(), plan, options)),
            to_send,
            stopped: AtomicBool::new(false),
        }))
    }
}

#[uniffi::export]
impl BatchRun {
    /// Plans `rows` for `client`: each row validated, repeats within the batch and (with `history` and a
    /// look-back window) recently gifted recipients skipped, rows whose gift exists or may exist according
    /// to `journal` (the text of the journal file so far, empty for a first run) answered from it, rows whose
    /// record proves that nothing was created (`not_sent`, `failed`) planned afresh. Throws kind
    /// `validation` for a journal line that cannot be read, naming the line. Nothing is sent here.
    #[uniffi::constructor]
    pub fn new(
        client: Arc<Client>,
        rows: Vec<BatchRow>,
        settings: BatchSettings,
        history: Option<Arc<GiftHistory>>,
        journal: String,
        now_unix_ms: i64,
        options: BatchOptions,
    ) -> Result<Arc<BatchRun>, CoreError> {
        let rows = rows.into_iter().map(row_to_core).collect();
        BatchRun::planned(&client, rows, settings, history.as_deref(), &journal, now_unix_ms, options)
    }

    /// Like [`BatchRun::new`], with the rows as a JSON array of objects, each a create body without
    /// `campaign_id` plus an optional `row_key` (the fastest way in from Python). Throws kind `validation`
    /// when the text is not such an array; a row's own problems surface in its result.
    #[uniffi::constructor]
    pub fn from_json(
        client: Arc<Client>,
        rows_json: &[u8],
        settings: BatchSettings,
        history: Option<Arc<GiftHistory>>,
        journal: String,
        now_unix_ms: i64,
        options: BatchOptions,
    ) -> Result<Arc<BatchRun>, CoreError> {
        let rows = core::rows_from_json(rows_json).map_err(|e| CoreError::invalid_text("rows", e))?;
        BatchRun::planned(&client, rows, settings, history.as_deref(), &journal, now_unix_ms, options)
    }

    /// Like [`BatchRun::new`], with the rows as CSV (see [`batch_rows_from_csv`]).
    #[uniffi::constructor]
    pub fn from_csv(
        client: Arc<Client>,
        csv: String,
        settings: BatchSettings,
        history: Option<Arc<GiftHistory>>,
        journal: String,
        now_unix_ms: i64,
        options: BatchOptions,
    ) -> Result<Arc<BatchRun>, CoreError> {
        let rows = core::rows_from_csv(&csv).map_err(|e| CoreError::invalid_text("csv", e.to_string()))?.rows;
        BatchRun::planned(&client, rows, settings, history.as_deref(), &journal, now_unix_ms, options)
    }

    /// How many rows the plan sends (the others were skipped, failed validation or came from the journal).
    pub fn rows_to_send(&self) -> u64 {
        self.to_send
    }

    /// What to do next.
    pub fn next_action(&self, now_unix_ms: i64) -> BatchAction {
        if self.stopped.load(Ordering::SeqCst) {
            return BatchAction::Done;
        }
        match lock(&self.run).next_action(now(now_unix_ms)) {
            core::BatchAction::Persist(entry) => BatchAction::Persist { line: entry.to_json_line() },
            core::BatchAction::Send(request) => BatchAction::Send { request: request.into() },
            core::BatchAction::Wait(delay) => BatchAction::Wait { delay_ms: millis(delay) },
            core::BatchAction::Done => BatchAction::Done,
        }
    }

    /// Hands over the answer to the last `Send`.
    pub fn handle_response(&self, status: i64, headers: Vec<Header>, body: &[u8], now_unix_ms: i64) {
        lock(&self.run).handle_response(&response(status, headers, body), now(now_unix_ms));
    }

    /// Reports that the last `Send` got no response.
    pub fn handle_transport_failure(&self, failure: TransportFailure, now_unix_ms: i64) {
        lock(&self.run).handle_transport_failure(failure.into(), now(now_unix_ms));
    }

    /// Ends the run early (the host's task was cancelled, say) and returns the journal lines of outcomes
    /// already known, to append before stopping: call it after handing over the answer (or the failure) of
    /// the last `Send`, never in its place. It starts no row and announces no send; every later action is
    /// `Done`, and a run planned later from the journal takes over where this one stopped.
    pub fn stop(&self, now_unix_ms: i64) -> Vec<String> {
        self.stopped.store(true, Ordering::SeqCst);
        let mut run = lock(&self.run);
        let mut lines = Vec::new();
        while let core::BatchAction::Persist(entry) = run.next_action(now(now_unix_ms)) {
            // A `sending` entry announces a send this run will not make: it is not recorded.
            if matches!(entry.event, core::JournalEvent::Sending) {
                break;
            }
            lines.push(entry.to_json_line());
        }
        lines
    }

    /// Counts by outcome so far.
    pub fn progress(&self) -> BatchProgress {
        lock(&self.run).progress().into()
    }

    /// Every settled row's result, in row order.
    pub fn results(&self) -> Vec<RowResult> {
        lock(&self.run).results().iter().map(RowResult::from).collect()
    }

    /// The results as CSV (`row_key`, `outcome`, `gift_request_id`, `redemption_url`, `request_id`,
    /// `reason`, `error_type`, `error_code`, `error_param`, `error_message`).
    pub fn results_csv(&self) -> String {
        core::results_to_csv(&lock(&self.run).results())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ClientConfig;

    const GIFT: &str = r#"{"id":"4fb4cb3f-9666-43b5-8884-7f5194483d1a","status":"submitted","campaign_id":"a1b2c3d4-e5f6-7890-abcd-ef1234567890","redemption_url":null,"recipient":{"id":null,"first_name":"Ann","last_name":"Smith","email":null},"shipping_address":null,"line_items":null,"created_at":"2026-05-01T12:00:00.000Z","updated_at":"2026-05-01T12:00:00.000Z"}"#;

    fn row(key: &str, first: &str) -> BatchRow {
        BatchRow {
            row_key: key.to_owned(),
            recipient: NewRecipient { first_name: first.to_owned(), last_name: "Smith".to_owned(), email: None, extra: vec![] },
            shipping_address: None,
            line_items: None,
        }
    }

    fn run(journal: &str) -> Arc<BatchRun> {
        let client = Client::new(ClientConfig::default(), Some("ao-v1-production-k3y5ecr3t".to_owned())).unwrap();
        let settings =
            BatchSettings { campaign_id: "a1b2c3d4-e5f6-7890-abcd-ef1234567890".to_owned(), look_back: None, default_line_items: vec![] };
        let options = BatchOptions { wait_for_redemption_url: false, ..default_batch_options() };
        BatchRun::new(client, vec![row("r1", "Ann"), row("r2", "Bob")], settings, None, journal.to_owned(), 0, options).unwrap()
    }

    #[test]
    fn options_out_of_the_core_bounds_are_refused_before_anything_is_planned() {
        let client = Client::new(ClientConfig::default(), Some("ao-v1-production-k3y5ecr3t".to_owned())).unwrap();
        let settings =
            BatchSettings { campaign_id: "a1b2c3d4-e5f6-7890-abcd-ef1234567890".to_owned(), look_back: None, default_line_items: vec![] };
        for (options, field) in [
            (BatchOptions { poll_interval_ms: 0, ..default_batch_options() }, "poll_interval_ms"),
            (BatchOptions { poll_timeout_ms: u64::MAX, ..default_batch_options() }, "poll_timeout_ms"),
            (BatchOptions { min_interval_ms: u64::MAX, ..default_batch_options() }, "min_interval_ms"),
            (BatchOptions { max_pacing_wait_ms: 1 << 60, ..default_batch_options() }, "max_pacing_wait_ms"),
        ] {
            let Err(error) = BatchRun::new(client.clone(), vec![row("r1", "Ann")], settings.clone(), None, String::new(), 0, options)
            else {
                panic!("{field} accepted");
            };
            let report = error.report();
            assert_eq!((report.code.as_deref(), report.param.as_deref()), (Some("invalid_option"), Some(field)), "{}", report.message);
        }
    }

    #[test]
    fn a_stopped_run_records_known_outcomes_and_announces_no_send() {
        let first = run("");
        let BatchAction::Persist { line: sending } = first.next_action(0) else { panic!("a sending line first") };
        assert!(matches!(first.next_action(0), BatchAction::Send { .. }));
        first.handle_response(201, vec![], GIFT.as_bytes(), 0);
        let recorded = first.stop(0);
        assert_eq!(recorded.len(), 1, "{recorded:?}");
        assert!(recorded[0].contains(r#""event":"finished""#) && recorded[0].contains(r#""row_key":"r1""#), "{recorded:?}");
        assert_eq!(first.next_action(0), BatchAction::Done);

        // The next run takes r1 from the journal and sends r2, which the stopped run never announced.
        let next = run(&format!("{sending}\n{}\n", recorded[0]));
        assert_eq!(next.rows_to_send(), 1);
        let BatchAction::Persist { line } = next.next_action(0) else { panic!("r2's sending line") };
        assert!(line.contains(r#""row_key":"r2""#), "{line}");
    }

    #[test]
    fn a_run_stopped_with_a_create_in_flight_records_it_as_outcome_unknown() {
        let first = run("");
        assert!(matches!(first.next_action(0), BatchAction::Persist { .. }));
        assert!(matches!(first.next_action(0), BatchAction::Send { .. }));
        first.handle_transport_failure(TransportFailure::MaybeSent, 0);
        let recorded = first.stop(0);
        assert_eq!(recorded.len(), 1, "{recorded:?}");
        assert!(recorded[0].contains(r#""outcome_unknown""#), "{recorded:?}");
        assert_eq!(first.progress().unknown, 1);
    }
}
