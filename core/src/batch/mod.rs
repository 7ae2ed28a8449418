//! Batch send (the flow of &Open's Clay batch-sending guide): many rows in, one gift request per eligible row, one result per row.
//!
//! 1. Read the rows: records ([`BatchRow`]), JSON ([`rows_from_json`]) or CSV ([`rows_from_csv`]).
//! 2. [`plan`] them against the host's [`GiftHistory`](crate::history::GiftHistory) and
//!    [`Journal`]: each row validated, repeats within the batch and recipients gifted within the look-back
//!    window skipped with the reason, rows the journal already knows answered from it. Nothing is sent.
//! 3. Send with a [`BatchRun`]: a sans-IO loop that hands the host journal entries to store, requests to
//!    send and waits to sleep (paced by `RateLimit-*` and `Retry-After`), and reports [`Progress`].
//! 4. Read the results: [`RowResult`] records, or CSV with [`results_to_csv`].
//!
//! A batch of any size streams through the same steps: read it with a [`CsvRowReader`] a piece at a time,
//! plan each row with a [`Planner`], push it into a [`BatchRun::streaming`] run when the run asks
//! ([`StreamStep::NeedRows`]), and take the results as they settle ([`BatchRun::take_results`]). Memory is
//! then bounded by the rows the host holds at a time, plus the planner's 16-byte digest and row key of
//! each recipient gifted (to skip a repeat anywhere in the batch).
//!
//! Several workers share one batch through a database the host keeps ([`StoredRow`], [`claimed_row`]: the
//! rules of claiming), and a row whose outcome is unknown is settled by the gift a webhook reports
//! ([`resolve_unknown`], with the matching rule written down as a DECISION).
//!
//! No row is ever sent twice by the SDK: each row has a deterministic [`send_key`] (campaign, recipient,
//! the caller's row key); each attempt of a creation is journaled right before it is sent, and its answer
//! before the run waits or moves on; a row whose last attempt has no recorded answer (an interrupted run)
//! comes back as outcome unknown, for the caller to reconcile, never resent; a row whose recorded answer
//! proves that nothing was created (429, 503, another 4xx, a request that never left) is sent again; and a
//! creation that may have reached the server is never retried (see [`crate::retry`] and [`Journal`]).
//!
//! The send key holds only as long as a row keeps its identity between runs: give every row a stable
//! `row_key` (an id from the source). Without one, a row's key is its position (`line 7` in CSV, `row 7`
//! in JSON), so inserting or reordering rows, or correcting a recipient's name or email, before a resume
//! makes a new key, and that row is sent again.

mod csv;
#[cfg(test)]
mod hostile;
mod journal;
mod outcome;
mod plan;
mod resolve;
mod rows;
mod run;
mod shared;

pub use csv::CsvError;
pub use journal::{Journal, JournalEntry, JournalError, JournalEvent, JournalState};
pub use outcome::{RowError, RowOutcome, RowResult, results_to_csv, results_to_json};
pub use plan::{BatchSettings, Plan, PlannedAction, PlannedRow, Planner, plan, send_key};
pub use resolve::{DEFAULT_RESOLVE_WINDOW, UnknownRow, resolve_unknown};
pub use rows::{BatchRow, CsvRowReader, CsvRows, rows_from_csv, rows_from_json};
pub use run::{BatchAction, BatchRun, Progress, RunOptions, StreamStep};
pub use shared::{CLAIM_LEASE_MS, StoredRow, claim_abandoned, claimed_row};
