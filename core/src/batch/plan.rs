//! Planning a batch: every row validated, de-duplicated, checked for eligibility and matched against the
//! journal, before anything is sent.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::api_error::{ErrorCode, ErrorItem};
use crate::batch::journal::{Journal, JournalState};
use crate::batch::outcome::{RowError, RowOutcome};
use crate::batch::rows::BatchRow;
use crate::draft::refuse_over_limit;
use crate::eligibility::{self, Eligibility, LookBack};
use crate::history::{GiftHistory, RecipientKey};
use crate::limits::MAX_PROBLEMS;
use crate::params::NewLineItem;
use crate::timestamp::Timestamp;

/// What every row of a batch shares.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct BatchSettings {
    /// The campaign every row is gifted from.
    pub campaign_id: String,
    /// Skip recipients gifted within this window (against the history passed to [`plan`]); `None` checks
    /// only for repeats within the batch.
    pub look_back: Option<LookBack>,
    /// The items of a direct-send row that names none.
    pub default_line_items: Vec<NewLineItem>,
}

/// A batch, planned: one entry per row, in the rows' order.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Plan {
    /// The rows.
    pub rows: Vec<PlannedRow>,
}

/// One planned row.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PlannedRow {
    /// The row's position (0-based).
    pub index: usize,
    /// The caller's key for the row.
    pub row_key: String,
    /// The row's send key.
    pub send_key: String,
    /// The recipient.
    pub recipient: RecipientKey,
    /// What to do.
    pub action: PlannedAction,
}

/// What to do with a planned row.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum PlannedAction {
    /// Create a gift request with this body (validated, ready to send).
    Send {
        /// The request body.
        body: Vec<u8>,
    },
    /// Nothing to send: the outcome is already known (skipped, failed validation, or recorded in the
    /// journal).
    Known {
        /// The outcome.
        outcome: RowOutcome,
        /// Whether it was read from the journal.
        from_journal: bool,
    },
}

impl Plan {
    /// How many rows will be sent.
    pub fn to_send(&self) -> usize {
        self.rows.iter().filter(|r| matches!(r.action, PlannedAction::Send { .. })).count()
    }
}

/// The deterministic key of a row's send: the same campaign, recipient and row key always give the same
/// key, so a row run again finds its recorded outcome in the journal. 32 hex digits (128 bits of SHA-256).
pub fn send_key(campaign_id: &str, recipient: &RecipientKey, row_key: &str) -> String {
    let mut hash = Sha256::new();
    for part in ["andopen-batch-v1", campaign_id, recipient.as_str(), row_key] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part.as_bytes());
    }
    hash.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// Plans a batch. For each row, in order:
/// 1. a send key whose gift exists or may exist in the journal returns the recorded outcome (`sent`,
///    `outcome_unknown`), or becomes "outcome unknown" when an attempt was left unanswered (`sending`: an
///    interrupted run), never sent again; a key whose record proves that nothing was created (`not_sent`,
///    `failed`) is planned afresh, as is a key the journal does not know (see [`Journal`]);
/// 2. a row that fails reading or validation fails with every problem (the first
///    [`MAX_PROBLEMS`], then one `too_many_problems` entry counting the rest); a row whose text or create
///    body is over [`crate::limits::MAX_BODY_BYTES`] fails with `body_too_large`;
/// 3. a recipient already in an earlier row of the batch is skipped, naming that row;
/// 4. a recipient gifted within the look-back window is skipped, with the earlier gift and its date;
/// 5. the rest are sent.
///
/// Call it once per run with the history and journal as they are now; it sends nothing. It holds every
/// row's plan at once: for a large batch, plan row by row with a [`Planner`] instead.
pub fn plan(rows: &[BatchRow], settings: &BatchSettings, history: &GiftHistory, journal: &Journal, now: Timestamp) -> Plan {
    let mut planner = Planner::new(settings.clone());
    Plan { rows: rows.iter().map(|row| planner.plan_row(row, history, journal, now)).collect() }
}

/// Plans a batch one row at a time, by the rules of [`plan`], for a batch streamed through a
/// [`crate::batch::BatchRun::streaming`] run. Give it every row of the batch, in order: it remembers the
/// recipients of the rows that send (or may have sent) a gift, so that a later row for the same person is
/// skipped. That memory is the only one that grows with the batch: 16 bytes of digest and the row key of
/// each such recipient.
#[derive(Clone, Debug)]
pub struct Planner {
    settings: BatchSettings,
    /// The row key of the first gifting row of each recipient, by the recipient's digest.
    first_row_of: HashMap<[u8; 16], Box<str>>,
    next_index: usize,
}

impl Planner {
    /// A planner for a batch with these settings; the first row it plans is row 0.
    pub fn new(settings: BatchSettings) -> Planner {
        Planner { settings, first_row_of: HashMap::new(), next_index: 0 }
    }

    /// The send key `row` has in this batch: the key to look up in a journal store before planning it.
    pub fn send_key_of(&self, row: &BatchRow) -> String {
        send_key(&self.settings.campaign_id, &recipient_of(row), &row.row_key)
    }

    /// How many rows were planned.
    pub fn planned(&self) -> usize {
        self.next_index
    }

    /// Plans the next row against the history and the journal (a host-store may hand over a journal of
    /// just this row's, or this window's, send keys).
    pub fn plan_row(&mut self, row: &BatchRow, history: &GiftHistory, journal: &Journal, now: Timestamp) -> PlannedRow {
        let index = self.next_index;
        self.next_index += 1;
        let recipient = recipient_of(row);
        let send_key = send_key(&self.settings.campaign_id, &recipient, &row.row_key);
        let digest = digest_of(&recipient);
        let earlier = self.first_row_of.get(&digest).map(|key| &**key);
        let context = Context { settings: &self.settings, history, journal, now };
        let action = context.decide(row, &send_key, &recipient, earlier);
        let counts_as_gifting = match &action {
            PlannedAction::Send { .. } => true,
            PlannedAction::Known { outcome, .. } => matches!(outcome, RowOutcome::Sent { .. } | RowOutcome::OutcomeUnknown { .. }),
        };
        if counts_as_gifting && earlier.is_none() {
            self.first_row_of.insert(digest, row.row_key.clone().into_boxed_str());
        }
        PlannedRow { index, row_key: row.row_key.clone(), send_key, recipient, action }
    }
}

fn recipient_of(row: &BatchRow) -> RecipientKey {
    RecipientKey::new(&row.recipient.first_name, &row.recipient.last_name, row.recipient.email.as_deref())
}

/// 128 bits of SHA-256 of a recipient key: two people share one by chance with odds of about 2^-128 a pair.
fn digest_of(recipient: &RecipientKey) -> [u8; 16] {
    let hash = Sha256::digest(recipient.as_str().as_bytes());
    let mut digest = [0; 16];
    digest.copy_from_slice(hash.get(..16).unwrap_or(&[0; 16]));
    digest
}

/// What every row's decision reads.
struct Context<'a> {
    settings: &'a BatchSettings,
    history: &'a GiftHistory,
    journal: &'a Journal,
    now: Timestamp,
}

impl Context<'_> {
    fn decide(&self, row: &BatchRow, send_key: &str, recipient: &RecipientKey, earlier_row: Option<&str>) -> PlannedAction {
        let Context { settings, history, journal, now } = *self;
        let known = |outcome| PlannedAction::Known { outcome, from_journal: false };
        if let Some(recorded) = decide_from_journal(journal.state(send_key)) {
            return recorded;
        }
        if row.problems.iter().any(|p| p.code == ErrorCode::BodyTooLarge) {
            // Too large to be read: its other fields were not looked at.
            return known(RowOutcome::Failed { error: RowError::invalid(row.problems.clone()) });
        }
        let params = row.gift_request(&settings.campaign_id, &settings.default_line_items);
        let mut problems = row.problems.clone();
        let body = match params.to_json() {
            Ok(body) => match refuse_over_limit(body.len()) {
                Ok(()) => Some(body),
                Err(too_large) => {
                    problems.push(too_large);
                    None
                }
            },
            Err(errors) => {
                problems.extend(errors);
                None
            }
        };
        let Some(body) = body.filter(|_| problems.is_empty()) else {
            return known(RowOutcome::Failed { error: RowError::invalid(capped(problems)) });
        };
        if let Some(earlier) = earlier_row {
            return known(RowOutcome::Skipped {
                reason: format!("the same recipient as row {earlier}"),
                previous_gift_request_id: None,
                previous_sent_at: None,
                same_as_row: Some(earlier.to_owned()),
            });
        }
        if let Some(window) = settings.look_back {
            if let Eligibility::Skip(recent) = eligibility::check(history, recipient, window, now) {
                return known(RowOutcome::Skipped {
                    reason: recent.reason,
                    previous_gift_request_id: Some(recent.gift_request_id),
                    previous_sent_at: Some(recent.sent_at),
                    same_as_row: None,
                });
            }
        }
        PlannedAction::Send { body }
    }
}

/// What a row's journal record decides on its own: the recorded outcome when a gift exists or may exist
/// (`sent`, `outcome_unknown`, or an unanswered `sending`, which becomes outcome unknown); `None` when
/// nothing is recorded or the record proves that nothing was created, so that the row is planned afresh.
pub(crate) fn decide_from_journal(state: Option<&JournalState>) -> Option<PlannedAction> {
    match state {
        None => None,
        Some(state) if state.proves_nothing_created() => None,
        Some(JournalState::Finished(outcome)) => Some(PlannedAction::Known { outcome: outcome.clone(), from_journal: true }),
        Some(JournalState::Sending(at)) => Some(PlannedAction::Known { outcome: unanswered(*at), from_journal: true }),
        Some(JournalState::NotSent { .. }) => None,
    }
}

/// The outcome of a row left at `sending` by a run that stopped at `at`.
fn unanswered(at: Timestamp) -> RowOutcome {
    RowOutcome::OutcomeUnknown {
        request_id: None,
        reason: format!(
            "an earlier run sent this row at {at} and stopped before recording the answer: check whether the gift exists before \
             sending it again"
        ),
    }
}

/// The first [`MAX_PROBLEMS`] problems, then one `too_many_problems` entry counting the rest (those cut
/// here and those an earlier cut counted).
fn capped(problems: Vec<ErrorItem>) -> Vec<ErrorItem> {
    let cut_before: usize = problems.iter().filter(|p| p.code == ErrorCode::TooManyProblems).map(counted).sum();
    let mut kept: Vec<ErrorItem> = problems.into_iter().filter(|p| p.code != ErrorCode::TooManyProblems).collect();
    let omitted = cut_before + kept.len().saturating_sub(MAX_PROBLEMS);
    kept.truncate(MAX_PROBLEMS);
    if omitted > 0 {
        kept.push(crate::validation::too_many(omitted));
    }
    kept
}

/// How many problems a `too_many_problems` entry counts (its message starts with the number).
fn counted(entry: &ErrorItem) -> usize {
    let digits: String = entry.message.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::rows_from_json;
    use crate::params::NewRecipient;

    fn settings() -> BatchSettings {
        BatchSettings { campaign_id: "a1b2c3d4-e5f6-7890-abcd-ef1234567890".into(), ..BatchSettings::default() }
    }

    fn failed(planned: &PlannedRow) -> &RowError {
        match &planned.action {
            PlannedAction::Known { outcome: RowOutcome::Failed { error }, .. } => error,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn problems_are_cut_at_the_limit_and_counted() {
        let mut row = BatchRow::new("r1", NewRecipient::new("", ""));
        for i in 0..150 {
            row.problems.push(ErrorItem::validation(ErrorCode::InvalidFormat, format!("extra_{i}"), "is not a field of a batch row"));
        }
        let planned = plan(&[row], &settings(), &GiftHistory::new(), &Journal::new(), Timestamp::from_unix_seconds(0));
        let error = failed(&planned.rows[0]);
        assert_eq!(error.errors.len(), MAX_PROBLEMS + 1);
        assert_eq!(error.errors[0].param.as_deref(), Some("extra_0"));
        let last = &error.errors[MAX_PROBLEMS];
        assert_eq!(last.code, ErrorCode::TooManyProblems);
        // 50 reading problems beyond the limit, and the two names that are required.
        assert!(last.message.starts_with("52 more problems"), "{}", last.message);
    }

    #[test]
    fn a_row_over_the_body_limit_fails_naming_the_limit() {
        let json =
            format!(r#"[{{"row_key":"big","recipient":{{"first_name":"Ann","last_name":"Smith","note":"{}"}}}}]"#, "x".repeat(1 << 20));
        let rows = rows_from_json(json.as_bytes()).unwrap();
        let planned = plan(&rows, &settings(), &GiftHistory::new(), &Journal::new(), Timestamp::from_unix_seconds(0));
        let error = failed(&planned.rows[0]);
        assert_eq!(error.code.as_deref(), Some("body_too_large"));
        assert_eq!(error.param.as_deref(), Some("recipient"));
        assert_eq!(error.errors.len(), 1, "{:?}", error.errors);
        // Given as a record (no text to measure), the create body is measured.
        let mut record = BatchRow::new("big", NewRecipient::new("Ann", "x".repeat(1 << 20)));
        record.row_key = "record".into();
        let planned = plan(&[record], &settings(), &GiftHistory::new(), &Journal::new(), Timestamp::from_unix_seconds(0));
        assert_eq!(failed(&planned.rows[0]).code.as_deref(), Some("body_too_large"));
    }
}
