//! The journal: what a batch run has started and finished, kept by the host so that an interrupted run
//! resumes without sending any row twice.
//!
//! The run hands the host a [`JournalEntry`] to store **before** each creation is sent (`sending`) and one
//! after its outcome is known (`finished`). The host appends them durably (one JSON line each, flushed)
//! and, on the next run, reads them back with [`Journal::from_json_lines`]. A row whose last entry is
//! `finished` returns its recorded outcome; a row left at `sending` may have been created, so it becomes
//! "outcome unknown" and is never sent again automatically.

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
    /// The creation is about to be sent.
    Sending,
    /// The outcome is known.
    Finished {
        /// The outcome.
        outcome: RowOutcome,
    },
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
            JournalEvent::Finished { outcome } => {
                o.str("event", "finished");
                outcome.write_json(o.key("outcome"));
            }
        }
        o.close();
        out
    }

    /// Reads one line written by [`JournalEntry::to_json_line`]; the error names what is wrong.
    pub fn from_json_line(line: &str) -> Result<JournalEntry, String> {
        let v = JsonValue::parse(line.as_bytes())?;
        let text = |key: &str| v.get(key).and_then(JsonValue::as_str).ok_or_else(|| format!("`{key}` must be a string"));
        let at = Timestamp::parse(text("at")?).ok_or("`at` must be a timestamp")?;
        let event = match text("event")? {
            "sending" => JournalEvent::Sending,
            "finished" => JournalEvent::Finished { outcome: RowOutcome::from_json_value(v.get("outcome").unwrap_or(&JsonValue::Null))? },
            other => return Err(format!("`event` must be `sending` or `finished`, not `{other}`")),
        };
        Ok(JournalEntry { send_key: text("send_key")?.to_owned(), row_key: text("row_key")?.to_owned(), at, event })
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
    /// Sending started at this time and no outcome was recorded.
    Sending(Timestamp),
    /// The recorded outcome.
    Finished(RowOutcome),
}

/// The journal as read back: the last state of every send key.
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

    /// Reads journal lines back. A line that is cut short (the host stopped while writing it; the host
    /// ends it with a newline before it appends again, so it may stand anywhere) is ignored and reported by
    /// [`Journal::had_torn_tail`]: a `sending` line cut short announced a request that was never sent (the
    /// host sends only after storing the line); a `finished` one leaves its row at `sending`, so the row is
    /// reported as outcome unknown and never sent again. Any other unreadable line is an error.
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

    /// Applies one entry (the run calls this for the entries it hands out, so one journal can serve
    /// several runs in a row).
    pub fn record(&mut self, entry: &JournalEntry) {
        let state = match &entry.event {
            JournalEvent::Sending => JournalState::Sending(entry.at),
            JournalEvent::Finished { outcome } => JournalState::Finished(outcome.clone()),
        };
        self.states.insert(entry.send_key.clone(), state);
    }

    /// Where a send key stands.
    pub fn state(&self, send_key: &str) -> Option<&JournalState> {
        self.states.get(send_key)
    }

    /// Whether the last line read was cut short and ignored.
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
        let sending = entry("k", JournalEvent::Sending);
        assert_eq!(sending.to_json_line(), serde_json::to_string(&sending).unwrap());
    }

    #[test]
    fn every_cut_of_a_line_is_a_torn_write() {
        // `null`s, an escape and a non-ASCII character, so that cuts fall inside a literal, an escape
        // sequence and a character too.
        let outcomes = [
            RowOutcome::OutcomeUnknown { request_id: Some("req_1".into()), reason: "a 500".into() },
            RowOutcome::Sent { gift_request_id: Uuid::from_bytes([1; 16]), redemption_url: None, request_id: None },
        ];
        for outcome in outcomes {
            let mut last = entry("a\u{1}é", JournalEvent::Finished { outcome });
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
