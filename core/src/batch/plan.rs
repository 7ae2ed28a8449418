//! Planning a batch: every row validated, de-duplicated, checked for eligibility and matched against the
//! journal, before anything is sent.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::batch::journal::{Journal, JournalState};
use crate::batch::outcome::{RowError, RowOutcome};
use crate::batch::rows::BatchRow;
use crate::eligibility::{self, Eligibility, LookBack};
use crate::history::{GiftHistory, RecipientKey};
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
/// 1. a send key recorded as finished in the journal returns the recorded outcome; one recorded as
///    sending (an interrupted run) becomes "outcome unknown", never sent again;
/// 2. a row that fails reading or validation fails with every problem;
/// 3. a recipient already in an earlier row of the batch is skipped, naming that row;
/// 4. a recipient gifted within the look-back window is skipped, with the earlier gift and its date;
/// 5. the rest are sent.
///
/// Call it once per run with the history and journal as they are now; it sends nothing.
pub fn plan(rows: &[BatchRow], settings: &BatchSettings, history: &GiftHistory, journal: &Journal, now: Timestamp) -> Plan {
    let context = Context { settings, history, journal, now };
    let mut first_row_of: HashMap<RecipientKey, usize> = HashMap::with_capacity(rows.len());
    let planned = rows
        .iter()
        .enumerate()
        .map(|(index, row)| {
            let recipient = RecipientKey::new(&row.recipient.first_name, &row.recipient.last_name, row.recipient.email.as_deref());
            let send_key = send_key(&settings.campaign_id, &recipient, &row.row_key);
            let earlier = first_row_of.get(&recipient).copied();
            let action = context.decide(row, &send_key, &recipient, earlier.and_then(|i| rows.get(i)));
            let counts_as_gifting = match &action {
                PlannedAction::Send { .. } => true,
                PlannedAction::Known { outcome, .. } => matches!(outcome, RowOutcome::Sent { .. } | RowOutcome::OutcomeUnknown { .. }),
            };
            if counts_as_gifting && earlier.is_none() {
                first_row_of.insert(recipient.clone(), index);
            }
            PlannedRow { index, row_key: row.row_key.clone(), send_key, recipient, action }
        })
        .collect();
    Plan { rows: planned }
}

/// What every row's decision reads.
struct Context<'a> {
    settings: &'a BatchSettings,
    history: &'a GiftHistory,
    journal: &'a Journal,
    now: Timestamp,
}

impl Context<'_> {
    fn decide(&self, row: &BatchRow, send_key: &str, recipient: &RecipientKey, earlier_row: Option<&BatchRow>) -> PlannedAction {
        let Context { settings, history, journal, now } = *self;
        let known = |outcome| PlannedAction::Known { outcome, from_journal: false };
        match journal.state(send_key) {
            Some(JournalState::Finished(outcome)) => return PlannedAction::Known { outcome: outcome.clone(), from_journal: true },
            Some(JournalState::Sending(at)) => {
                return PlannedAction::Known {
                    outcome: RowOutcome::OutcomeUnknown {
                        request_id: None,
                        reason: format!(
                            "an earlier run started sending this row at {at} and stopped before recording the answer: \
                         check whether the gift exists before sending it again"
                        ),
                    },
                    from_journal: true,
                };
            }
            None => {}
        }
        let params = row.gift_request(&settings.campaign_id, &settings.default_line_items);
        let mut problems = row.problems.clone();
        let body = match params.to_json() {
            Ok(body) => Some(body),
            Err(errors) => {
                problems.extend(errors);
                None
            }
        };
        let Some(body) = body.filter(|_| problems.is_empty()) else {
            return known(RowOutcome::Failed { error: RowError::invalid(problems) });
        };
        if let Some(earlier) = earlier_row {
            return known(RowOutcome::Skipped {
                reason: format!("the same recipient as row {}", earlier.row_key),
                previous_gift_request_id: None,
                previous_sent_at: None,
                same_as_row: Some(earlier.row_key.clone()),
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
