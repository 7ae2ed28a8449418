//! The journal: what a batch run has tried and learnt, kept by the host so that an interrupted run resumes
//! without sending any row twice, and without calling a row "outcome unknown" when an answer proved that
//! nothing was created.
//!
//! The run hands the host [`JournalEntry`] values to store ([`crate::batch::BatchAction::Persist`]); the host
//! appends each durably (one JSON line, flushed) before it asks for the next action, and on the next run
//! reads them back with [`Journal::from_json_lines`]. Three events:
//!
//! | `event` | when the run writes it | fields | a row whose last entry it is, on the next run |
//! | --- | --- | --- | --- |
//! | `sending` | right before each attempt of a creation is handed to the host, after any wait | none | outcome unknown: the request may have reached the server; never sent again |
//! | `not_sent` | after an attempt whose answer proves that nothing was created and that will be tried again (429, 503, a connection that never sent), **before** the run waits | `status`: the HTTP status, or `null` when the request never left the machine | sent again |
//! | `finished` | once the outcome is known | `outcome` ([`RowOutcome`]'s JSON form) | `sent`, `outcome_unknown`: returned as recorded; `failed`, `skipped` (nothing was created): planned afresh, so sent again if the row is valid |
//!
//! One attempt is therefore `sending` then `not_sent` or `finished`; a retry writes `sending` again. Only a
//! row killed between its `sending` and the answer (the request may have been sent) is outcome unknown.
//! Every line also has `send_key`, `row_key` and `at` (ISO 8601, UTC, milliseconds):
//! `{"send_key":"…","row_key":"r1","at":"2026-04-16T10:30:00.000Z","event":"not_sent","status":429}`.
//!
//! Reading rules, for journals written by several runs (or by several processes, or edited by hand):
//! - a gift that may exist stays so: after a `finished` `sent`, only another `finished` `sent` (the same
//!   gift with its redemption link) changes the row; after a `finished` `outcome_unknown`, only a
//!   `finished` `sent` (the gift found) does;
//! - two `sending` entries with no answer between them: the first attempt may have landed, so the row is
//!   outcome unknown, for good;
//! - a `not_sent` status that does not prove that nothing was created (anything but 4xx and 503) is an
//!   error naming the line and the field, as is any line that is not an entry;
//! - a line cut short (the host stopped while writing it) is ignored and reported by
//!   [`Journal::had_torn_tail`]: a torn `sending` announced a request that was never sent; a torn
//!   `not_sent` or `finished` leaves its row at `sending`, outcome unknown.
//!
//! Older journals (only `sending` and `finished`) read as they always did, except that a row recorded as
//! `failed` is now planned afresh: its answer proved that nothing was created.
//!
//! Reading is linear in the text: each line is parsed once (twice when it is cut short).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::batch::outcome::RowOutcome;
use crate::json::{JsonValue, ObjectWriter};
use crate::timestamp::Timestamp;

/// One line of the journal.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct JournalEntry {
    /// The row's send key.
    pub send_key: String,
    /// The caller's key for the row.
    pub row_key: String,
    /// When the entry was made.
    pub at: Timestamp,
    /// What happened.
    #[serde(flatten)]
    pub event: JournalEvent,
}

/// What a journal line records.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum JournalEvent {
    /// An attempt of the creation is about to be sent.
    Sending,
    /// The last attempt's answer proves that nothing was created; the run will try again after a wait.
    NotSent {
        /// The answer's HTTP status (429, 503, another 4xx), or `None` when the request never left the
        /// machine (connection refused, name not resolved).
        status: Option<u16>,
    },
    /// The outcome is known.
    Finished {
        /// The outcome.
        outcome: RowOutcome,
    },
}

/// Whether an answer with this status proves that the server created nothing: a 4xx (429 included) or a
/// 503 (maintenance). Any other status may come after the gift was created.
pub(crate) fn status_proves_nothing_created(status: u16) -> bool {
    (400..500).contains(&status) || status == 503
}

impl JournalEntry {
    /// The entry as one line of JSON, without the line break.
    pub fn to_json_line(&self) -> String {
        let mut out = String::with_capacity(160);
        let mut o = ObjectWriter::open(&mut out);
        o.str("send_key", &self.send_key);
        o.str("row_key", &self.row_key);
        o.str("at", &self.at.to_string());
        match &self.event {
            JournalEvent::Sending => o.str("event", "sending"),
            JournalEvent::NotSent { status } => {
                o.str("event", "not_sent");
                o.opt_u64("status", status.map(u64::from));
            }
            JournalEvent::Finished { outcome } => {
                o.str("event", "finished");
                outcome.write_json(o.key("outcome"));
            }
        }
        o.close();
        out
    }

    /// Reads one line written by [`JournalEntry::to_json_line`]; the error names the field and the rule.
    pub fn from_json_line(line: &str) -> Result<JournalEntry, String> {
        let v = JsonValue::parse(line.as_bytes())?;
        let text = |key: &str| v.get(key).and_then(JsonValue::as_str).ok_or_else(|| format!("`{key}` must be a string"));
        let at = Timestamp::parse(text("at")?).ok_or("`at` must be a timestamp")?;
        let event = match text("event")? {
            "sending" => JournalEvent::Sending,
            "not_sent" => JournalEvent::NotSent { status: not_sent_status(v.get("status"))? },
            "finished" => JournalEvent::Finished { outcome: RowOutcome::from_json_value(v.get("outcome").unwrap_or(&JsonValue::Null))? },
            other => {
                let other = crate::limits::quoted(other);
                return Err(format!("`event` must be `sending`, `not_sent` or `finished`, not `{other}`"));
            }
        };
        Ok(JournalEntry { send_key: text("send_key")?.to_owned(), row_key: text("row_key")?.to_owned(), at, event })
    }
}

/// The `status` of a `not_sent` line: `null` (or absent), or a status that proves nothing was created.
fn not_sent_status(value: Option<&JsonValue<'_>>) -> Result<Option<u16>, String> {
    let status = match value {
        None | Some(JsonValue::Null) => return Ok(None),
        Some(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
    };
    match status {
        Some(status) if status_proves_nothing_created(status) => Ok(Some(status)),
        Some(status) => Err(format!("`status` of a `not_sent` entry must prove that nothing was created (4xx or 503), not {status}")),
        None => Err("`status` of a `not_sent` entry must be null or an HTTP status".to_owned()),
    }
}

/// Whether a line is the start of a JSON text that stops before its end (a write cut short).
fn cut_short(line: &str) -> bool {
    JsonValue::parse(line.as_bytes()).is_err_and(|e| e.contains("it ends where"))
}

/// A journal line that cannot be read.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
#[error("journal line {line}: {message}")]
pub struct JournalError {
    /// The 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Where a send key stands in the journal.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum JournalState {
    /// An attempt started at this time and no answer was recorded: it may have created the gift.
    Sending(Timestamp),
    /// The last attempt's answer proved that nothing was created.
    NotSent {
        /// When the answer was recorded.
        at: Timestamp,
        /// Its status; `None` when the request never left the machine.
        status: Option<u16>,
    },
    /// The recorded outcome.
    Finished(RowOutcome),
}

impl JournalState {
    /// Whether the recorded entries prove that no gift exists for the key (`not_sent`, or a `failed` or
    /// `skipped` outcome), so that a new run plans the row afresh and may send it. `false` when a gift
    /// exists or may exist (`sending`, `sent`, `outcome_unknown`).
    pub fn proves_nothing_created(&self) -> bool {
        match self {
            JournalState::Sending(_) => false,
            JournalState::NotSent { .. } => true,
            JournalState::Finished(outcome) => matches!(outcome, RowOutcome::Failed { .. } | RowOutcome::Skipped { .. }),
        }
    }

    fn of(entry: &JournalEntry) -> JournalState {
        match &entry.event {
            JournalEvent::Sending => JournalState::Sending(entry.at),
            JournalEvent::NotSent { status } => JournalState::NotSent { at: entry.at, status: *status },
            JournalEvent::Finished { outcome } => JournalState::Finished(outcome.clone()),
        }
    }

    /// The state after `entry`, or `None` when the entry leaves this state as it is (see the module's
    /// reading rules).
    fn then(&self, entry: &JournalEntry) -> Option<JournalState> {
        let found_sent = matches!(&entry.event, JournalEvent::Finished { outcome: RowOutcome::Sent { .. } });
        match (self, &entry.event) {
            (JournalState::Finished(RowOutcome::Sent { .. } | RowOutcome::OutcomeUnknown { .. }), _) if !found_sent => None,
            (JournalState::Sending(first), JournalEvent::Sending) => Some(JournalState::Finished(RowOutcome::OutcomeUnknown {
                request_id: None,
                reason: format!(
                    "two attempts were journaled, at {first} and at {}, with no answer to the first: it may have created the gift",
                    entry.at
                ),
            })),
            _ => Some(JournalState::of(entry)),
        }
    }
}

/// The journal as read back: the state of every send key.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Journal {
    states: HashMap<String, JournalState>,
    torn_tail: bool,
}

impl Journal {
    /// An empty journal (a first run).
    pub fn new() -> Journal {
        Journal::default()
    }

    /// Reads journal lines back, by the module's reading rules. A line that is cut short (the host stopped
    /// while writing it; the host ends it with a newline before it appends again, so it may stand
    /// anywhere) is ignored and reported by [`Journal::had_torn_tail`]. Any other unreadable line is an
    /// error naming the line and what is wrong with it.
    pub fn from_json_lines(text: &str) -> Result<Journal, JournalError> {
        let mut journal = Journal::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match JournalEntry::from_json_line(line) {
                Ok(entry) => journal.record(&entry),
                Err(_) if cut_short(line) => journal.torn_tail = true,
                Err(message) => return Err(JournalError { line: i + 1, message }),
            }
        }
        Ok(journal)
    }

    /// Applies one entry, by the module's reading rules (the same a read-back applies, so one journal can
    /// follow several runs in a row).
    pub fn record(&mut self, entry: &JournalEntry) {
        let next = match self.states.get(&entry.send_key) {
            Some(current) => current.then(entry),
            None => Some(JournalState::of(entry)),
        };
        if let Some(next) = next {
            self.states.insert(entry.send_key.clone(), next);
        }
    }

    /// Where a send key stands.
    pub fn state(&self, send_key: &str) -> Option<&JournalState> {
        self.states.get(send_key)
    }

    /// Whether a line read was cut short and ignored.
    pub fn had_torn_tail(&self) -> bool {
        self.torn_tail
    }

    /// How many send keys are recorded.
    pub fn len(&self) -> usize {
        self.states.len()
    }

    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uuid::Uuid;

    fn entry(key: &str, event: JournalEvent) -> JournalEntry {
        JournalEntry { send_key: key.into(), row_key: "r1".into(), at: Timestamp::from_unix_seconds(1_776_335_400), event }
    }

    #[test]
    fn reads_back_the_last_state_of_each_key() {
        let sent = RowOutcome::Sent { gift_request_id: Uuid::from_bytes([1; 16]), redemption_url: None, request_id: Some("req".into()) };
        let lines = [
            entry("a", JournalEvent::Sending).to_json_line(),
            entry("b", JournalEvent::Sending).to_json_line(),
            entry("a", JournalEvent::Finished { outcome: sent.clone() }).to_json_line(),
        ]
        .join("\n");
        let journal = Journal::from_json_lines(&format!("{lines}\n")).unwrap();
        assert_eq!(journal.state("a"), Some(&JournalState::Finished(sent)));
        assert!(matches!(journal.state("b"), Some(JournalState::Sending(_))));
        assert_eq!(journal.state("c"), None);
        assert!(!journal.had_torn_tail());
        assert!(lines.contains(r#""event":"sending""#), "{lines}");
    }

    #[test]
    fn writes_and_reads_the_serde_form() {
        let at = Timestamp::from_unix_seconds(1_776_335_400);
        let outcomes = [
            RowOutcome::Sent { gift_request_id: Uuid::from_bytes([1; 16]), redemption_url: Some("https://x/\"r".into()), request_id: None },
            RowOutcome::Skipped {
                reason: "gifted".into(),
                previous_gift_request_id: Some(Uuid::from_bytes([2; 16])),
                previous_sent_at: Some(at),
                same_as_row: None,
            },
            RowOutcome::Skipped {
                reason: "same".into(),
                previous_gift_request_id: None,
                previous_sent_at: None,
                same_as_row: Some("r0".into()),
            },
            RowOutcome::Failed {
                error: crate::batch::RowError::from(&crate::Error::Validation(vec![crate::ErrorItem::validation(
                    crate::ErrorCode::Required,
                    "recipient.last_name",
                    "is required",
                )])),
            },
            RowOutcome::OutcomeUnknown { request_id: Some("req_1".into()), reason: "a 500".into() },
        ];
        for outcome in outcomes {
            let entry = entry("k", JournalEvent::Finished { outcome: outcome.clone() });
            let line = entry.to_json_line();
            assert_eq!(line, serde_json::to_string(&entry).unwrap());
            assert_eq!(JournalEntry::from_json_line(&line).unwrap(), entry);
            assert_eq!(serde_json::from_str::<JournalEntry>(&line).unwrap(), entry);
            let result = crate::batch::RowResult { index: 3, row_key: "r".into(), send_key: "k".into(), outcome, from_journal: true };
            assert_eq!(result.to_json(), serde_json::to_string(&result).unwrap());
        }
        for event in [JournalEvent::Sending, JournalEvent::NotSent { status: Some(429) }, JournalEvent::NotSent { status: None }] {
            let entry = entry("k", event);
            let line = entry.to_json_line();
            assert_eq!(line, serde_json::to_string(&entry).unwrap());
            assert_eq!(JournalEntry::from_json_line(&line).unwrap(), entry);
        }
        assert!(entry("k", JournalEvent::NotSent { status: Some(503) }).to_json_line().ends_with(r#""event":"not_sent","status":503}"#));
    }

    fn state_after(events: Vec<JournalEvent>) -> Option<JournalState> {
        let text: Vec<String> = events.into_iter().map(|e| entry("k", e).to_json_line()).collect();
        Journal::from_json_lines(&text.join("\n")).unwrap().state("k").cloned()
    }

    #[test]
    fn only_an_unanswered_attempt_or_a_recorded_gift_keeps_a_row_from_being_sent_again() {
        use JournalEvent::{Finished, NotSent, Sending};
        let sent = RowOutcome::Sent { gift_request_id: Uuid::from_bytes([1; 16]), redemption_url: None, request_id: None };
        let unknown = RowOutcome::OutcomeUnknown { request_id: None, reason: "a 500".into() };
        let failed = RowOutcome::Failed {
            error: crate::batch::RowError::from(&crate::Error::Validation(vec![crate::ErrorItem::validation(
                crate::ErrorCode::Required,
                "recipient.last_name",
                "is required",
            )])),
        };
        let resendable = |events: Vec<JournalEvent>| state_after(events).is_some_and(|s| s.proves_nothing_created());
        assert!(resendable(vec![Sending, NotSent { status: Some(429) }]));
        assert!(resendable(vec![Sending, NotSent { status: None }]));
        assert!(resendable(vec![Sending, NotSent { status: Some(503) }, Sending, NotSent { status: Some(429) }]));
        assert!(resendable(vec![Sending, Finished { outcome: failed.clone() }]));
        assert!(!resendable(vec![Sending]));
        assert!(!resendable(vec![Sending, NotSent { status: Some(429) }, Sending]));
        assert!(!resendable(vec![Sending, Finished { outcome: unknown.clone() }]));
        // A recorded gift stays recorded whatever follows it, except the same gift with its link.
        assert!(!resendable(vec![Sending, Finished { outcome: sent.clone() }, Sending, NotSent { status: Some(429) }]));
        assert!(!resendable(vec![Sending, Finished { outcome: unknown.clone() }, Finished { outcome: failed.clone() }]));
        assert_eq!(
            state_after(vec![Sending, Finished { outcome: sent.clone() }, Finished { outcome: failed }]),
            Some(JournalState::Finished(sent.clone()))
        );
        assert_eq!(
            state_after(vec![Sending, Finished { outcome: unknown }, Finished { outcome: sent.clone() }]),
            Some(JournalState::Finished(sent))
        );
        // Two attempts with no answer between them: the first may have landed, for good.
        let twice = state_after(vec![Sending, Sending, NotSent { status: Some(429) }]);
        assert!(
            matches!(&twice, Some(JournalState::Finished(RowOutcome::OutcomeUnknown { reason, .. })) if reason.contains("two attempts")),
            "{twice:?}"
        );
    }

    #[test]
    fn a_not_sent_status_must_prove_that_nothing_was_created() {
        let line = |status: &str| {
            format!(r#"{{"send_key":"k","row_key":"r","at":"2026-04-16T10:30:00.000Z","event":"not_sent","status":{status}}}"#)
        };
        for (status, expected) in [("429", Some(429)), ("503", Some(503)), ("422", Some(422)), ("null", None)] {
            assert_eq!(JournalEntry::from_json_line(&line(status)).unwrap().event, JournalEvent::NotSent { status: expected });
        }
        for status in ["500", "502", "201", "0", "70000", "\"429\"", "-1", "4.5e2"] {
            let error = Journal::from_json_lines(&format!("{}\n", line(status))).unwrap_err();
            assert_eq!(error.line, 1);
            assert!(error.message.contains("`status`"), "{status}: {error}");
        }
        let absent = r#"{"send_key":"k","row_key":"r","at":"2026-04-16T10:30:00.000Z","event":"not_sent"}"#;
        assert_eq!(JournalEntry::from_json_line(absent).unwrap().event, JournalEvent::NotSent { status: None });
        let unknown = r#"{"send_key":"k","row_key":"r","at":"2026-04-16T10:30:00.000Z","event":"resent"}"#;
        assert!(JournalEntry::from_json_line(unknown).unwrap_err().contains("`not_sent`"));
    }

    #[test]
    fn every_cut_of_a_line_is_a_torn_write() {
        // `null`s, an escape and a non-ASCII character, so that cuts fall inside a literal, an escape
        // sequence and a character too.
        let outcomes = [
            RowOutcome::OutcomeUnknown { request_id: Some("req_1".into()), reason: "a 500".into() },
            RowOutcome::Sent { gift_request_id: Uuid::from_bytes([1; 16]), redemption_url: None, request_id: None },
        ];
        let events =
            outcomes.into_iter().map(|outcome| JournalEvent::Finished { outcome }).chain([JournalEvent::NotSent { status: Some(429) }]);
        for event in events {
            let mut last = entry("a\u{1}é", event);
            last.row_key = "row \"1\"\u{1}".into();
            let whole = last.to_json_line();
            let cuts = (1..whole.len()).filter(|&cut| whole.is_char_boundary(cut));
            for cut in cuts {
                let torn = &whole[..cut];
                // Last, as the host left it; then ended and followed by more lines, as the next run leaves it.
                for text in [format!("{whole}\n{torn}"), format!("{whole}\n{torn}\n{whole}\n")] {
                    let journal = Journal::from_json_lines(&text).unwrap_or_else(|e| panic!("cut at {cut} ({torn}): {e}"));
                    assert!(journal.had_torn_tail(), "cut at {cut}");
                    assert_eq!(journal.len(), 1);
                }
            }
        }
    }

    #[test]
    fn refuses_a_line_that_is_not_a_cut_entry() {
        let whole = entry("a", JournalEvent::Sending).to_json_line();
        let error = Journal::from_json_lines(&format!("{whole}\n{{\"send_key\":1}}\n{whole}\n")).unwrap_err();
        assert_eq!(error.line, 2);
        assert!(Journal::from_json_lines("{\"send_key\":1}\n").is_err());
        assert!(Journal::from_json_lines("not json\n").is_err());
        assert!(Journal::from_json_lines("{\"send_key\":\"a\"}x\n").is_err(), "text after a value is no cut");
    }
}
