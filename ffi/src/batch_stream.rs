//! A batch of any size, streamed: rows pushed a piece at a time as the run asks for them, results taken as
//! they settle, so that memory is bounded by what the host pushes at once, not by the batch. The rules are
//! the core's ([`andopen_core::batch::CsvRowReader`], [`andopen_core::batch::Planner`],
//! [`andopen_core::batch::BatchRun::streaming`]); this is glue.
//!
//! ```text
//! stream = BatchStream(client, settings, history, journal_text, now_ms, options)
//! loop:
//!     action = stream.next_action(now_ms)
//!     Persist(line)  -> append line + "\n" to the journal, durably, before the next action
//!     Send(request)  -> send; stream.handle_response(...) or stream.handle_transport_failure(...)
//!     Wait(delay_ms) -> sleep
//!     NeedRows       -> stream.push_csv(next 64 KiB of the file), or stream.finish_csv() at its end
//!                       (records: stream.push_rows(next rows), or stream.end_rows())
//!     Done           -> stop
//!     write out stream.take_results_csv(false)
//! ```

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use andopen_core::batch as core;

use crate::batch::{BatchOptions, BatchProgress, BatchRow, BatchSettings, RowResult, core_settings, read_journal, row_to_core};
use crate::calls::lock;
use crate::client::Client;
use crate::errors::CoreError;
use crate::history::GiftHistory;
use crate::http::{Header, HttpRequest, TransportFailure, millis, now, response};

/// What the host does next for a [`BatchStream`].
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Enum)]
pub enum StreamAction {
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
    /// Every row pushed so far is sent: push the next piece of the rows, or finish them, then ask again.
    NeedRows,
    /// Every row has its outcome.
    Done,
}

struct Streamed {
    run: core::BatchRun,
    planner: core::Planner,
    reader: core::CsvRowReader,
    history: Option<Arc<GiftHistory>>,
    journal: core::Journal,
}

impl Streamed {
    /// Plans `rows` (the next rows of the batch, in order) and queues them on the run.
    fn push(&mut self, rows: &[core::BatchRow], now_unix_ms: i64) -> u64 {
        let now = now(now_unix_ms);
        let Streamed { run, planner, history, journal, .. } = self;
        let mut plan = |history: &andopen_core::history::GiftHistory| {
            for row in rows {
                run.push(planner.plan_row(row, history, journal, now));
            }
        };
        match history {
            Some(history) => history.with(plan),
            None => plan(&andopen_core::history::GiftHistory::new()),
        }
        rows.len() as u64
    }
}

/// A batch sent as a stream. Build it (nothing is read or sent yet), then loop on
/// [`BatchStream::next_action`], pushing rows when it says [`StreamAction::NeedRows`].
#[derive(uniffi::Object)]
pub struct BatchStream {
    inner: Mutex<Streamed>,
    /// Set by [`BatchStream::stop`]: every later action is `Done`.
    stopped: AtomicBool,
}

impl BatchStream {
    /// Queues one planned row.
    pub(crate) fn push_planned(&self, row: core::PlannedRow) {
        lock(&self.inner).run.push(row);
    }
}

#[uniffi::export]
impl BatchStream {
    /// A stream for `client`, with the rules of `BatchRun`: rows validated, repeats anywhere in the batch
    /// and (with `history` and a look-back window) recently gifted recipients skipped, rows the `journal`
    /// (its text so far, empty for a first run) records as sent or maybe sent answered from it. Throws kind
    /// `validation` for a journal line that cannot be read, naming the line.
    #[uniffi::constructor]
    pub fn new(
        client: Arc<Client>,
        settings: BatchSettings,
        history: Option<Arc<GiftHistory>>,
        journal: String,
        options: BatchOptions,
    ) -> Result<Arc<BatchStream>, CoreError> {
        let options = options.checked()?;
        let journal = read_journal(&journal)?;
        let settings = core_settings(settings)?;
        let inner = Streamed {
            run: core::BatchRun::streaming(client.core().clone(), options),
            planner: core::Planner::new(settings),
            reader: core::CsvRowReader::new(),
            history,
            journal,
        };
        Ok(Arc::new(BatchStream { inner: Mutex::new(inner), stopped: AtomicBool::new(false) }))
    }

    /// Reads the next piece of a CSV text (any size; the header comes first) and queues the rows it
    /// completes; returns how many. Throws kind `validation` naming the line for a CSV that cannot be read.
    pub fn push_csv(&self, piece: String, now_unix_ms: i64) -> Result<u64, CoreError> {
        let mut inner = lock(&self.inner);
        let rows = inner.reader.push(&piece).map_err(|e| CoreError::invalid_text("csv", e.to_string()))?;
        Ok(inner.push(&rows, now_unix_ms))
    }

    /// Reads the end of the CSV text, queues its last row and closes the stream; returns how many rows it
    /// queued.
    pub fn finish_csv(&self, now_unix_ms: i64) -> Result<u64, CoreError> {
        let mut inner = lock(&self.inner);
        let rows = inner.reader.finish().map_err(|e| CoreError::invalid_text("csv", e.to_string()))?;
        let pushed = inner.push(&rows, now_unix_ms);
        inner.run.close();
        Ok(pushed)
    }

    /// Queues the next rows, as records.
    pub fn push_rows(&self, rows: Vec<BatchRow>, now_unix_ms: i64) -> u64 {
        let rows: Vec<core::BatchRow> = rows.into_iter().map(row_to_core).collect();
        lock(&self.inner).push(&rows, now_unix_ms)
    }

    /// Queues the next rows, as a JSON array of objects (see `BatchRun.from_json`).
    pub fn push_rows_json(&self, rows_json: &[u8], now_unix_ms: i64) -> Result<u64, CoreError> {
        let rows = core::rows_from_json(rows_json).map_err(|e| CoreError::invalid_text("rows", e))?;
        Ok(lock(&self.inner).push(&rows, now_unix_ms))
    }

    /// Says that no more rows come (after the last `push_rows`; `finish_csv` ends them by itself). Named
    /// so as not to stand for the `close` of the objects the bindings free.
    pub fn end_rows(&self) {
        lock(&self.inner).run.close();
    }

    /// The CSV header names the batch does not read, once the header has been pushed.
    pub fn ignored_columns(&self) -> Vec<String> {
        lock(&self.inner).reader.ignored_columns()
    }

    /// Rows queued and not started yet.
    pub fn queued(&self) -> u64 {
        lock(&self.inner).run.queued() as u64
    }

    /// What to do next.
    pub fn next_action(&self, now_unix_ms: i64) -> StreamAction {
        if self.stopped.load(Ordering::SeqCst) {
            return StreamAction::Done;
        }
        match lock(&self.inner).run.next_step(now(now_unix_ms)) {
            core::StreamStep::Act(core::BatchAction::Persist(entry)) => StreamAction::Persist { line: entry.to_json_line() },
            core::StreamStep::Act(core::BatchAction::Send(request)) => StreamAction::Send { request: request.into() },
            core::StreamStep::Act(core::BatchAction::Wait(delay)) => StreamAction::Wait { delay_ms: millis(delay) },
            core::StreamStep::NeedRows => StreamAction::NeedRows,
            core::StreamStep::Act(core::BatchAction::Done) => StreamAction::Done,
        }
    }

    /// Hands over the answer to the last `Send`.
    pub fn handle_response(&self, status: i64, headers: Vec<Header>, body: &[u8], now_unix_ms: i64) {
        lock(&self.inner).run.handle_response(&response(status, headers, body), now(now_unix_ms));
    }

    /// Reports that the last `Send` got no response.
    pub fn handle_transport_failure(&self, failure: TransportFailure, now_unix_ms: i64) {
        lock(&self.inner).run.handle_transport_failure(failure.into(), now(now_unix_ms));
    }

    /// Ends the stream early, as `BatchRun.stop` does: returns the journal lines of outcomes already known,
    /// to append before stopping; every later action is `Done`.
    pub fn stop(&self, now_unix_ms: i64) -> Vec<String> {
        self.stopped.store(true, Ordering::SeqCst);
        let mut inner = lock(&self.inner);
        let mut lines = Vec::new();
        while let core::BatchAction::Persist(entry) = inner.run.next_action(now(now_unix_ms)) {
            // A `sending` entry announces a send this stream will not make: it is not recorded.
            if matches!(entry.event, core::JournalEvent::Sending) {
                break;
            }
            lines.push(entry.to_json_line());
        }
        lines
    }

    /// Counts by outcome so far (of the rows pushed so far); every count only grows.
    pub fn progress(&self) -> BatchProgress {
        lock(&self.inner).run.progress().into()
    }

    /// Takes the results settled since the last take, in row order.
    pub fn take_results(&self) -> Vec<RowResult> {
        lock(&self.inner).run.take_results().iter().map(RowResult::from).collect()
    }

    /// Takes the results settled since the last take, both as records and as CSV lines (see
    /// [`BatchStream::take_results_csv`]), for a host that keeps both.
    pub fn take_results_with_csv(&self, header: bool) -> TakenResults {
        let taken = lock(&self.inner).run.take_results();
        let csv = results_csv(&taken, header);
        TakenResults { results: taken.iter().map(RowResult::from).collect(), csv }
    }

    /// Takes the results settled since the last take as CSV lines (the columns of `BatchRun.results_csv`),
    /// with the header line when `header` is set (the first take) and an empty text when none settled.
    pub fn take_results_csv(&self, header: bool) -> String {
        results_csv(&lock(&self.inner).run.take_results(), header)
    }
}

/// The header line of the results CSV, line break included: for a host that writes results taken a part
/// at a time.
#[uniffi::export]
pub fn batch_results_header() -> String {
    core::results_to_csv(&[])
}

/// Results taken from a [`BatchStream`], as records and as CSV lines.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct TakenResults {
    /// The results, in row order.
    pub results: Vec<RowResult>,
    /// The same as CSV lines (with the header line when asked for).
    pub csv: String,
}

/// `taken` as results CSV, with or without the header line; empty when nothing was taken and no header is
/// asked for.
fn results_csv(taken: &[core::RowResult], header: bool) -> String {
    if taken.is_empty() && !header {
        return String::new();
    }
    let csv = core::results_to_csv(taken);
    if header {
        return csv;
    }
    match csv.split_once("\r\n") {
        Some((_, rows)) => rows.to_owned(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::default_batch_options;
    use crate::client::ClientConfig;

    const GIFT: &str = r#"{"id":"4fb4cb3f-9666-43b5-8884-7f5194483d1a","status":"submitted","campaign_id":"a1b2c3d4-e5f6-7890-abcd-ef1234567890","redemption_url":null,"recipient":{"id":null,"first_name":"Ann","last_name":"Smith","email":null},"shipping_address":null,"line_items":null,"created_at":"2026-05-01T12:00:00.000Z","updated_at":"2026-05-01T12:00:00.000Z"}"#;

    fn stream() -> Arc<BatchStream> {
        let client = Client::new(ClientConfig::default(), Some("ao-v1-production-k3y5ecr3t".to_owned())).unwrap();
        let settings =
            BatchSettings { campaign_id: "a1b2c3d4-e5f6-7890-abcd-ef1234567890".to_owned(), look_back: None, default_line_items: vec![] };
        let options = BatchOptions { wait_for_redemption_url: false, ..default_batch_options() };
        BatchStream::new(client, settings, None, String::new(), options).unwrap()
    }

    #[test]
    fn asks_for_rows_reads_csv_in_pieces_and_hands_results_over_as_they_settle() {
        let stream = stream();
        assert_eq!(stream.next_action(0), StreamAction::NeedRows);
        assert_eq!(stream.push_csv("row_key,first_name,last_na".to_owned(), 0).unwrap(), 0);
        assert_eq!(stream.push_csv("me,company\nr1,Ann,Smith,Acme\nr2,Ann,Smith,Acme\nr3,Bob".to_owned(), 0).unwrap(), 2);
        assert_eq!(stream.ignored_columns(), vec!["company"]);
        assert!(matches!(stream.next_action(0), StreamAction::Persist { .. }));
        assert!(matches!(stream.next_action(0), StreamAction::Send { .. }));
        stream.handle_response(201, vec![], GIFT.as_bytes(), 0);
        assert!(matches!(stream.next_action(0), StreamAction::Persist { .. }));
        assert_eq!(stream.take_results().len(), 1, "r1, sent");
        // r2 repeats r1: skipped without a send; then the stream wants more.
        assert_eq!(stream.next_action(0), StreamAction::NeedRows);
        let csv = stream.take_results_csv(false);
        assert!(csv.starts_with("r2,skipped,") && csv.lines().count() == 1, "{csv}");
        assert_eq!(stream.finish_csv(0).unwrap(), 1, "r3, without its last name");
        assert_eq!(stream.next_action(0), StreamAction::Done);
        let last = stream.take_results();
        assert_eq!(last.len(), 1);
        assert!(matches!(&last[0].outcome, crate::batch::RowOutcome::Failed { .. }));
        assert_eq!((stream.progress().total, stream.progress().finished), (3, 3));
    }

    #[test]
    fn a_csv_that_cannot_be_read_names_its_line() {
        let stream = stream();
        // A quote opened inside a field leaves the record open until the text ends: the error comes then.
        assert_eq!(stream.push_csv("first_name,last_name\nAnn,Smith\nB\"ob,Jones\n".to_owned(), 0).unwrap(), 1);
        let error = stream.finish_csv(0).unwrap_err();
        assert!(error.to_string().contains("line 3"), "{error}");
    }
}
