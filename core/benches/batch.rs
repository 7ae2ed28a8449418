//! Planning a large batch: 100,000 rows validated, de-duplicated, checked for look-back eligibility and
//! built, against gift histories of 1,000 and 200,000 gifts. Prints the time, the cost per row and the
//! process's peak memory. Run with `make bench-batch`; the goal is at most 1 s and 200 MB for 100,000 rows,
//! with a per-row cost that does not grow with the history.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::time::Instant;

use andopen_core::batch::{BatchRow, BatchSettings, Journal, plan};
use andopen_core::eligibility::LookBack;
use andopen_core::history::GiftHistory;
use andopen_core::{GiftRequest, NewRecipient, Timestamp};

const CAMPAIGN: &str = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
const ROWS: usize = 100_000;
const NOW: i64 = 1_776_335_400;

/// Rows for recipients 0..ROWS, one in ten repeating an earlier row, one in fifty without a last name.
fn rows() -> Vec<BatchRow> {
    (0..ROWS)
        .map(|i| {
            let person = if i % 10 == 9 { i - 1 } else { i };
            let last = if i % 50 == 7 { String::new() } else { format!("Last{person}") };
            BatchRow::new(
                format!("row-{i}"),
                NewRecipient::new(format!("First{person}"), last).email(format!("person{person}@example.com")),
            )
        })
        .collect()
}

/// A history of `size` gifts, to recipients that overlap the rows one in four, sent over the past year.
fn history(size: usize) -> GiftHistory {
    let mut history = GiftHistory::new();
    for i in 0..size {
        let person = i * 4;
        let sent = Timestamp::from_unix_seconds(NOW - (i as i64 % 365) * 86_400).to_string();
        let gift = format!(
            r#"{{"id":"11111111-1111-4111-8111-{i:012}","status":"delivered","campaign_id":"{CAMPAIGN}","redemption_url":null,
            "recipient":{{"id":null,"first_name":"First{person}","last_name":"Last{person}","email":"person{person}@example.com"}},
            "shipping_address":null,"line_items":null,"created_at":"{sent}","updated_at":"{sent}"}}"#
        );
        history.record_gift(&GiftRequest::from_json(gift.as_bytes()).unwrap());
    }
    history
}

/// The process's peak resident memory, from Linux's `/proc/self/status`.
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| status.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l.trim_start_matches("VmHWM:").trim().to_owned()))
        .unwrap_or_else(|| "not available on this system".to_owned())
}

fn main() {
    let rows = rows();
    let settings = BatchSettings { campaign_id: CAMPAIGN.into(), look_back: Some(LookBack::SHORT_CYCLE), default_line_items: Vec::new() };
    let journal = Journal::new();
    let now = Timestamp::from_unix_seconds(NOW);
    println!("planning {ROWS} rows (validate, de-duplicate, look-back eligibility, build)");
    for size in [1_000, 200_000] {
        let history = history(size);
        let mut best = f64::MAX;
        let mut counts = (0, 0);
        for _ in 0..5 {
            let started = Instant::now();
            let planned = plan(&rows, &settings, &history, &journal, now);
            best = best.min(started.elapsed().as_secs_f64());
            counts = (planned.to_send(), planned.rows.len());
            std::hint::black_box(planned);
        }
        println!(
            "history of {size:>7} gifts: {:.0} ms ({:.2} µs a row), {} of {} rows to send; peak memory so far {}",
            best * 1e3,
            best * 1e6 / ROWS as f64,
            counts.0,
            counts.1,
            peak_memory()
        );
    }
}
