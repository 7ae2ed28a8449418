//! A batch shared by several workers through a database the host keeps (SQLite for one machine,
//! PostgreSQL for several): the rules of loading, claiming and settling its rows. The host runs the SQL;
//! every decision is made here.
//!
//! The host keeps two tables:
//! - the batch's rows, loaded once from the plan ([`StoredRow`], inserted so that loading twice adds
//!   nothing), each with a `done` mark and, once done, its result;
//! - the journal, one line per entry ([`crate::batch::JournalEntry::to_json_line`]), appended (never
//!   updated) and committed before the worker goes on, as a journal file is.
//!
//! A worker claims one row that is not done with the database's own row locking (PostgreSQL:
//! `SELECT … FOR UPDATE SKIP LOCKED` in a transaction it keeps open while it works on the row: another
//! worker skips a locked row, and the lock goes with the worker's connection when it dies). It then reads
//! the row's journal lines and asks [`claimed_row`] what to do:
//! - the journal shows that the gift exists or may exist (a `finished` `sent` or `outcome_unknown`, or a
//!   `sending` with no answer: a worker died between announcing the send and recording the answer): the
//!   row is settled from it, never sent again;
//! - the journal proves that nothing was created (no line, `not_sent`, a `failed` answer): the row is sent.
//!
//! The worker pushes the claimed row into a [`crate::batch::BatchRun::streaming`] run, appends (and commits)
//! each journal entry the run hands over, and when the row's result comes, writes it and marks the row
//! done in the claiming transaction, then commits it. A worker killed at any point leaves the row not done,
//! its lock released and its journal saying how far it got: the next claimer settles or sends it by the
//! rules above, so no row is sent twice and every row gets a result.

use crate::batch::journal::Journal;
use crate::batch::outcome::RowOutcome;
use crate::batch::plan::{PlannedAction, PlannedRow, decide_from_journal};
use crate::history::RecipientKey;
use crate::json::JsonValue;

/// A planned row as a database keeps it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct StoredRow {
    /// The row's position in the batch (0-based).
    pub index: usize,
    /// The caller's key for the row.
    pub row_key: String,
    /// The row's send key.
    pub send_key: String,
    /// The create body of a row to send; `None` for a row whose outcome the plan already knew.
    pub body: Option<Vec<u8>>,
    /// The outcome the plan knew (skipped, failed validation), as JSON; `None` for a row to send.
    pub known: Option<String>,
    /// The row's recipient key ([`RecipientKey::as_str`]): to match a webhook's gift to the row when its
    /// outcome is unknown (see [`crate::batch::resolve_unknown`]).
    pub recipient: String,
}

impl StoredRow {
    /// The row as loaded from the plan.
    pub fn of(row: &PlannedRow) -> StoredRow {
        let (body, known) = match &row.action {
            PlannedAction::Send { body } => (Some(body.clone()), None),
            PlannedAction::Known { outcome, .. } => {
                let mut json = String::new();
                outcome.write_json(&mut json);
                (None, Some(json))
            }
        };
        StoredRow {
            index: row.index,
            row_key: row.row_key.clone(),
            send_key: row.send_key.clone(),
            body,
            known,
            recipient: row.recipient.as_str().to_owned(),
        }
    }
}

/// How long a claim holds without a journal line before another worker may take the row over, where the
/// database has no row locks that go with a dead worker's connection (SQLite): longer than any one
/// exchange of a row (its attempts and their `Retry-After` waits), so that only a stalled or dead worker
/// loses its row. 15 minutes.
pub const CLAIM_LEASE_MS: u64 = 15 * 60 * 1000;

/// Whether a row another worker claimed may be taken over (a database without row locks; see
/// [`CLAIM_LEASE_MS`]): its worker is known to be gone (`Some(true)`: a process of this machine that no
/// longer runs), or its lease, renewed at `renewed_unix_ms` by each journal line, ran out by `now_unix_ms`.
/// A worker known to run (`Some(false)`) keeps the row until its lease runs out too: a stalled worker
/// loses it. The host writes each journal line only while its lease is its own, checked in the same
/// transaction, so that a worker whose row was taken over never announces a send.
pub fn claim_abandoned(renewed_unix_ms: i64, now_unix_ms: i64, worker_gone: Option<bool>) -> bool {
    worker_gone == Some(true) || now_unix_ms.saturating_sub(renewed_unix_ms) > i64::try_from(CLAIM_LEASE_MS).unwrap_or(i64::MAX)
}

/// What a worker does with a row it claimed, given the row and its journal lines (in the order they were
/// appended): the planned row to push into its run. A journal line that cannot be read (or a stored row
/// with neither a body nor an outcome that can be read) makes the row **outcome unknown**, its reason
/// naming the row and the line: a send may be behind it, so the row is never sent and never called failed,
/// and the other rows go on.
pub fn claimed_row(row: &StoredRow, journal_lines: &str) -> PlannedRow {
    let unreadable = |message: String| PlannedAction::Known {
        outcome: RowOutcome::OutcomeUnknown { request_id: None, reason: format!("row {}: {message}: check it by hand", row.index) },
        from_journal: true,
    };
    let action = match (&row.body, &row.known, Journal::from_json_lines(journal_lines)) {
        (_, _, Err(e)) => unreadable(format!("its journal cannot be read ({e})")),
        (_, Some(known), Ok(_)) => match JsonValue::parse(known.as_bytes()).and_then(|v| RowOutcome::from_json_value(&v)) {
            Ok(outcome) => PlannedAction::Known { outcome, from_journal: false },
            Err(message) => unreadable(format!("its stored outcome cannot be read ({message})")),
        },
        (Some(body), None, Ok(journal)) => {
            decide_from_journal(journal.state(&row.send_key)).unwrap_or_else(|| PlannedAction::Send { body: body.clone() })
        }
        (None, None, Ok(_)) => unreadable("its stored row has neither a body nor an outcome".to_owned()),
    };
    PlannedRow {
        index: row.index,
        row_key: row.row_key.clone(),
        send_key: row.send_key.clone(),
        recipient: RecipientKey::from_stored(&row.recipient),
        action,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::{BatchRow, BatchSettings, JournalEntry, JournalEvent, Planner};
    use crate::history::GiftHistory;
    use crate::params::NewRecipient;
    use crate::timestamp::Timestamp;

    fn stored(rows: &[(&str, &str)]) -> Vec<StoredRow> {
        let mut planner = Planner::new(BatchSettings { campaign_id: "a1b2c3d4-e5f6-7890-abcd-ef1234567890".into(), ..Default::default() });
        rows.iter()
            .map(|(key, last)| {
                let row = BatchRow::new(*key, NewRecipient::new("Ann", *last));
                StoredRow::of(&planner.plan_row(&row, &GiftHistory::new(), &Journal::new(), Timestamp::from_unix_seconds(0)))
            })
            .collect()
    }

    fn line(row: &StoredRow, event: JournalEvent) -> String {
        JournalEntry { send_key: row.send_key.clone(), row_key: row.row_key.clone(), at: Timestamp::from_unix_seconds(0), event }
            .to_json_line()
    }

    #[test]
    fn a_claim_is_taken_over_when_its_worker_is_gone_or_its_lease_ran_out() {
        let lease = i64::try_from(CLAIM_LEASE_MS).unwrap();
        assert!(!claim_abandoned(1_000, 1_000 + lease, None));
        assert!(!claim_abandoned(1_000, 1_000 + lease, Some(false)));
        assert!(claim_abandoned(1_000, 1_001 + lease, Some(false)), "a stalled worker loses its row");
        assert!(claim_abandoned(1_000, 1_000, Some(true)), "a dead worker's row is taken over at once");
        assert!(!claim_abandoned(i64::MAX, i64::MIN, None), "a clock gone backwards takes nothing over");
        assert!(claim_abandoned(i64::MIN, i64::MAX, None));
    }

    #[test]
    fn a_claimed_row_is_sent_only_when_its_journal_proves_nothing_was_created() {
        let rows = stored(&[("r1", "Smith"), ("r2", "Smith"), ("r3", "")]);
        assert!(rows[0].body.is_some() && rows[0].known.is_none());
        // r2 repeats r1 and r3 has no last name: known when loaded, settled as planned.
        for row in &rows[1..] {
            let claimed = claimed_row(row, "");
            assert!(matches!(claimed.action, PlannedAction::Known { from_journal: false, .. }), "{claimed:?}");
        }
        let r1 = &rows[0];
        let send = |lines: &[JournalEvent]| {
            let text: Vec<String> = lines.iter().map(|e| line(r1, e.clone())).collect();
            matches!(claimed_row(r1, &text.join("\n")).action, PlannedAction::Send { .. })
        };
        assert!(send(&[]));
        assert!(send(&[JournalEvent::Sending, JournalEvent::NotSent { status: Some(429) }]));
        // A worker died after announcing the send: the gift may exist.
        assert!(!send(&[JournalEvent::Sending]));
        let unknown = claimed_row(r1, &line(r1, JournalEvent::Sending));
        assert!(matches!(unknown.action, PlannedAction::Known { outcome: RowOutcome::OutcomeUnknown { .. }, from_journal: true }));
        let sent = RowOutcome::Sent { gift_request_id: crate::uuid::Uuid::from_bytes([1; 16]), redemption_url: None, request_id: None };
        assert!(!send(&[JournalEvent::Sending, JournalEvent::Finished { outcome: sent }]));
    }

    #[test]
    fn a_journal_or_a_stored_row_that_cannot_be_read_makes_the_row_outcome_unknown_naming_it() {
        let rows = stored(&[("r1", "Smith")]);
        let reason = |row: &StoredRow, lines: &str| match claimed_row(row, lines).action {
            PlannedAction::Known { outcome: RowOutcome::OutcomeUnknown { reason, .. }, from_journal: true } => reason,
            other => panic!("{other:?}"),
        };
        // A line that is not a journal entry, after the send was announced: never sent again, never failed.
        let garbage = format!("{}\n{{\"send_key\":1}}\n", line(&rows[0], JournalEvent::Sending));
        let text = reason(&rows[0], &garbage);
        assert!(text.starts_with("row 0: its journal cannot be read (") && text.contains("line 2"), "{text}");
        assert!(reason(&rows[0], "\u{0}\u{ffff}not json").contains("row 0"));
        let broken = StoredRow { body: None, known: Some("{".into()), ..rows[0].clone() };
        assert!(reason(&broken, "").contains("its stored outcome cannot be read"));
        let empty = StoredRow { body: None, known: None, ..rows[0].clone() };
        assert!(reason(&empty, "").contains("neither a body nor an outcome"));
    }
}
