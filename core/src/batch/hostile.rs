//! The hostile journal suite every language replays (`tests/hostile/journal.json`): journals written from
//! the journal's documented events and reading rules, with send keys computed outside the SDK.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use serde_json::Value;

use crate::batch::{BatchRow, BatchSettings, Journal, PlannedAction, RowOutcome, plan};
use crate::history::GiftHistory;
use crate::params::NewRecipient;
use crate::timestamp::Timestamp;

fn suite() -> Value {
    serde_json::from_str(include_str!("../../../tests/hostile/journal.json")).unwrap()
}

fn rows(suite: &Value) -> Vec<BatchRow> {
    let rows = suite["rows"].as_array().unwrap();
    rows.iter()
        .map(|row| {
            let r = &row["recipient"];
            let mut recipient = NewRecipient::new(r["first_name"].as_str().unwrap(), r["last_name"].as_str().unwrap());
            recipient.email = r["email"].as_str().map(str::to_owned);
            BatchRow::new(row["row_key"].as_str().unwrap(), recipient)
        })
        .collect()
}

/// What the plan does with a row, in the suite's words.
fn decision(action: &PlannedAction) -> &'static str {
    match action {
        PlannedAction::Send { .. } => "send",
        PlannedAction::Known { outcome: RowOutcome::Sent { .. }, from_journal: true } => "sent",
        PlannedAction::Known { outcome: RowOutcome::OutcomeUnknown { .. }, from_journal: true } => "outcome_unknown",
        PlannedAction::Known { .. } => "something else",
    }
}

#[test]
fn replays_the_hostile_journal_suite() {
    let suite = suite();
    let rows = rows(&suite);
    let settings = BatchSettings { campaign_id: suite["campaign_id"].as_str().unwrap().into(), ..BatchSettings::default() };
    let now = Timestamp::from_unix_seconds(1_777_636_800);
    let cases = suite["cases"].as_array().unwrap();
    assert!(cases.len() >= 20);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let read = Journal::from_json_lines(case["journal"].as_str().unwrap());
        if let Some(error) = case.get("error") {
            let refused = read.expect_err(name);
            assert_eq!(refused.line as u64, error["line"].as_u64().unwrap(), "{name}: {refused}");
            assert!(refused.message.contains(error["mentions"].as_str().unwrap()), "{name}: {refused}");
            continue;
        }
        let journal = read.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(journal.had_torn_tail(), case["torn"].as_bool().unwrap_or(false), "{name}");
        let planned = plan(&rows, &settings, &GiftHistory::new(), &journal, now);
        for (row, expected) in planned.rows.iter().zip(suite["rows"].as_array().unwrap()) {
            assert_eq!(row.send_key, expected["send_key"].as_str().unwrap(), "{name}: the send key of {}", row.row_key);
            let want = case["expect"][&row.row_key].as_str().unwrap();
            assert_eq!(decision(&row.action), want, "{name}: row {}", row.row_key);
        }
    }
}
