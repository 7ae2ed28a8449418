//! A batch shared by several workers through a database the host keeps: rows planned once and stored
//! ([`BatchPlanner`]), then claimed one at a time by the workers, each pushing its claimed row with its
//! journal lines into a [`crate::batch_stream::BatchStream`] ([`BatchStream::push_claimed`]). The rules
//! are the core's ([`andopen_core::batch::claimed_row`]: what a claimed row's journal allows); the SQL is
//! the host's.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use andopen_core::batch as core;

use crate::batch::{BatchSettings, core_settings};
use crate::batch_stream::BatchStream;
use crate::calls::lock;
use crate::errors::CoreError;
use crate::history::GiftHistory;
use crate::http::now;

/// A planned row as the database keeps it.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct StoredRow {
    /// The row's position in the batch (0-based).
    pub index: u64,
    /// The caller's key for the row.
    pub row_key: String,
    /// The row's send key.
    pub send_key: String,
    /// The create body of a row to send; absent for a row whose outcome the plan knew.
    pub body: Option<Vec<u8>>,
    /// The outcome the plan knew, as JSON; absent for a row to send.
    pub known: Option<String>,
    /// The row's recipient key (`email:…` or `name:…`), to match a webhook's gift to the row.
    pub recipient: String,
}

impl From<core::StoredRow> for StoredRow {
    fn from(row: core::StoredRow) -> StoredRow {
        StoredRow {
            index: row.index as u64,
            row_key: row.row_key,
            send_key: row.send_key,
            body: row.body,
            known: row.known,
            recipient: row.recipient,
        }
    }
}

impl From<StoredRow> for core::StoredRow {
    fn from(row: StoredRow) -> core::StoredRow {
        let index = usize::try_from(row.index).unwrap_or(usize::MAX);
        core::StoredRow { index, row_key: row.row_key, send_key: row.send_key, body: row.body, known: row.known, recipient: row.recipient }
    }
}

struct Planning {
    planner: core::Planner,
    reader: core::CsvRowReader,
    history: Option<Arc<GiftHistory>>,
}

impl Planning {
    fn plan(&mut self, rows: &[core::BatchRow], now_unix_ms: i64) -> Vec<StoredRow> {
        let now = now(now_unix_ms);
        let Planning { planner, history, .. } = self;
        // The rows are planned with an empty journal: the database's journal is read row by row when a
        // worker claims one.
        let journal = core::Journal::new();
        let mut plan = |history: &andopen_core::history::GiftHistory| {
            rows.iter().map(|row| core::StoredRow::of(&planner.plan_row(row, history, &journal, now)).into()).collect()
        };
        match history {
            Some(history) => history.with(plan),
            None => plan(&andopen_core::history::GiftHistory::new()),
        }
    }
}

/// Whether a row another worker claimed may be taken over, on a database without row locks (SQLite): its
/// worker is known gone (`worker_gone`: `true` for a process of this machine that no longer runs, `false`
/// for one that runs, absent when the host cannot tell), or its lease, renewed at `renewed_unix_ms` by each
/// journal line, ran out (`claim_lease_ms`, 15 minutes).
#[uniffi::export]
pub fn claim_abandoned(renewed_unix_ms: i64, now_unix_ms: i64, worker_gone: Option<bool>) -> bool {
    core::claim_abandoned(renewed_unix_ms, now_unix_ms, worker_gone)
}

/// How long a claim holds without a journal line on a database without row locks, in ms (the core's
/// `CLAIM_LEASE_MS`).
#[uniffi::export]
pub fn claim_lease_ms() -> u64 {
    core::CLAIM_LEASE_MS
}

/// Plans the rows of a shared batch, a piece of CSV at a time, for the host to store (load them once; a
/// second load of the same rows must add nothing, e.g. `INSERT … ON CONFLICT DO NOTHING` on the index).
#[derive(uniffi::Object)]
pub struct BatchPlanner {
    inner: Mutex<Planning>,
}

#[uniffi::export]
impl BatchPlanner {
    /// A planner with the batch's settings, skipping recipients gifted within the look-back window of
    /// `history` (when given) and repeats anywhere in the batch.
    #[uniffi::constructor]
    pub fn new(settings: BatchSettings, history: Option<Arc<GiftHistory>>) -> Result<Arc<BatchPlanner>, CoreError> {
        let settings = core_settings(settings)?;
        let inner = Planning { planner: core::Planner::new(settings), reader: core::CsvRowReader::new(), history };
        Ok(Arc::new(BatchPlanner { inner: Mutex::new(inner) }))
    }

    /// Reads the next piece of the CSV text and returns the rows it completes, planned.
    pub fn plan_csv(&self, piece: String, now_unix_ms: i64) -> Result<Vec<StoredRow>, CoreError> {
        let mut inner = lock(&self.inner);
        let rows = inner.reader.push(&piece).map_err(|e| CoreError::invalid_text("csv", e.to_string()))?;
        Ok(inner.plan(&rows, now_unix_ms))
    }

    /// Reads the end of the CSV text and returns its last rows, planned.
    pub fn finish_csv(&self, now_unix_ms: i64) -> Result<Vec<StoredRow>, CoreError> {
        let mut inner = lock(&self.inner);
        let rows = inner.reader.finish().map_err(|e| CoreError::invalid_text("csv", e.to_string()))?;
        Ok(inner.plan(&rows, now_unix_ms))
    }

    /// The CSV header names the batch does not read, once the header has been read.
    pub fn ignored_columns(&self) -> Vec<String> {
        lock(&self.inner).reader.ignored_columns()
    }
}

#[uniffi::export]
impl BatchStream {
    /// Pushes a row this worker claimed from the shared batch, with the row's journal lines (in the order
    /// they were appended): settled from them when they show that the gift exists or may exist, sent when
    /// they prove that nothing was created. A journal line that cannot be read makes the row outcome
    /// unknown, its reason naming the row and the line (the other rows go on).
    pub fn push_claimed(&self, row: StoredRow, journal_lines: String) {
        self.push_planned(core::claimed_row(&row.into(), &journal_lines));
    }
}

/// A row settled as sent by a webhook's gift: the journal line to append and the row's result.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct Resolution {
    /// The `finished` `sent` journal line.
    pub line: String,
    /// The gift request's id.
    pub gift_request_id: String,
    /// The row's result as one results CSV line (no header).
    pub result_csv: String,
}

/// Settles the outcome-unknown rows of one batch from the gifts webhooks report, by the core's matching
/// rule ([`andopen_core::batch::resolve_unknown`]: the same campaign and recipient, created within the
/// window of the row's last attempt, not already another row's gift).
#[derive(uniffi::Object)]
pub struct UnknownResolver {
    campaign_id: String,
    window: Duration,
    /// The gift ids already the gift of a row.
    recorded: Mutex<HashSet<String>>,
}

#[uniffi::export]
impl UnknownResolver {
    /// A resolver for the batch of `campaign_id`; `recorded_gift_ids` are the gifts its rows already have
    /// (none of them resolves another row); `window_ms` of 0 takes the core's default (15 minutes).
    #[uniffi::constructor]
    pub fn new(campaign_id: String, window_ms: u64, recorded_gift_ids: Vec<String>) -> Arc<UnknownResolver> {
        let window = if window_ms == 0 { core::DEFAULT_RESOLVE_WINDOW } else { Duration::from_millis(window_ms) };
        let recorded = recorded_gift_ids.into_iter().map(|id| id.to_ascii_lowercase()).collect();
        Arc::new(UnknownResolver { campaign_id, window, recorded: Mutex::new(recorded) })
    }

    /// The recipient key of a gift (its JSON, a webhook's body): the rows of that key are the only ones it
    /// may resolve.
    pub fn recipient_of(&self, gift_json: &[u8]) -> Result<String, CoreError> {
        let gift = andopen_core::GiftRequest::from_json(gift_json).map_err(|e| CoreError::invalid_text("gift", e.to_string()))?;
        Ok(andopen_core::history::RecipientKey::of_gift(&gift).as_str().to_owned())
    }

    /// Whether the gift (its JSON, a webhook's body) resolves the row (its index, recipient key and
    /// journal lines); when it does, the gift counts as recorded from then on. Throws kind `validation`
    /// for a gift or a journal line that cannot be read.
    pub fn resolve(
        &self,
        index: u64,
        recipient: String,
        journal_lines: String,
        gift_json: &[u8],
        now_unix_ms: i64,
    ) -> Result<Option<Resolution>, CoreError> {
        let gift = andopen_core::GiftRequest::from_json(gift_json).map_err(|e| CoreError::invalid_text("gift", e.to_string()))?;
        let row = core::UnknownRow {
            index: usize::try_from(index).unwrap_or(usize::MAX),
            campaign_id: &self.campaign_id,
            recipient: &recipient,
            journal_lines: &journal_lines,
        };
        let mut recorded = lock(&self.recorded);
        let found = core::resolve_unknown(&row, &gift, self.window, |id| recorded.contains(&id.to_ascii_lowercase()), now(now_unix_ms))
            .map_err(|e| CoreError::invalid_text("journal", e.to_string()))?;
        Ok(found.map(|(entry, result)| {
            let id = gift.id.to_string();
            recorded.insert(id.to_ascii_lowercase());
            let csv = core::results_to_csv(std::slice::from_ref(&result));
            let result_csv = csv.split_once("\r\n").map(|(_, row)| row.to_owned()).unwrap_or_default();
            Resolution { line: entry.to_json_line(), gift_request_id: id, result_csv }
        }))
    }
}
