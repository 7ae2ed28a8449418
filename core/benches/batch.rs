//! Large batches, in memory (no network): prints time and peak memory. Run with `make bench-batch`.
//!
//! 1. Planning 100,000 rows (validate, de-duplicate, look-back eligibility, build) against gift histories
//!    of 1,000 and 200,000 gifts: the per-row cost must not grow with the history.
//! 2. A batch of 100,000 and 1,000,000 rows from CSV to results, every row planned and run against an
//!    in-memory server that answers each creation at once, two ways, each in a process of its own so that
//!    its peak memory is its own:
//!    - whole: the text read at once, every row planned, then run, every result kept (`rows_from_csv`,
//!      `plan`, `BatchRun::new`);
//!    - streamed: the file read 64 KiB at a time (`CsvRowReader`), each row planned (`Planner`) when the
//!      run asks (`BatchRun::streaming`), results written out as CSV as they settle.
//!
//!    The goal for streamed: at most 150 MB at 1,000,000 rows, and time linear in rows.
//!
//! The send against the simulator, over HTTP, is `cargo bench -p andopen-mock --bench batch_send`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use andopen_core::batch::{
    BatchAction, BatchRow, BatchRun, BatchSettings, CsvRowReader, Journal, Planner, RunOptions, StreamStep, plan, results_to_csv,
    rows_from_csv,
};
use andopen_core::eligibility::LookBack;
use andopen_core::history::GiftHistory;
use andopen_core::{Client, Config, GiftRequest, Headers, NewRecipient, Response, Timestamp};

const CAMPAIGN: &str = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
const ROWS: usize = 100_000;
const NOW: i64 = 1_776_335_400;
/// How much of the file the streamed run reads at a time.
const PIECE: usize = 64 * 1024;

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

fn planning_against_histories() {
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

/// A CSV of `rows` rows (one in ten repeating the row before, one in fifty without a last name, a column
/// the batch does not read), written once to a temporary file.
fn csv_file(rows: usize) -> PathBuf {
    let path = std::env::temp_dir().join(format!("andopen-bench-batch-{rows}.csv"));
    if std::fs::metadata(&path).is_ok_and(|m| m.len() > 0) {
        return path;
    }
    let mut out = BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(out, "row_key,first_name,last_name,email,company").unwrap();
    for i in 0..rows {
        let person = if i % 10 == 9 { i - 1 } else { i };
        let last = if i % 50 == 7 { String::new() } else { format!("Last{person}") };
        writeln!(out, "row-{i},First{person},{last},person{person}@example.com,\"Company {}, Inc\"", i % 997).unwrap();
    }
    out.flush().unwrap();
    path
}

fn client() -> Client {
    Client::new(Config::builder().api_key("ao-v1-staging-bench").base_url("http://127.0.0.1:9").jitter_seed(7).build().unwrap())
}

fn options() -> RunOptions {
    RunOptions { wait_for_redemption_url: false, ..RunOptions::default() }
}

/// The in-memory server: every creation answered 201 at once, with a gift of its own.
struct Server {
    created: u64,
    headers: Headers,
}

impl Server {
    fn new() -> Server {
        let mut headers = Headers::new();
        headers.push("Request-Id", "6f1c1a52-3a7e-4c56-9a3b-2d1c9b8e7f60");
        Server { created: 0, headers }
    }

    fn create(&mut self) -> Response {
        self.created += 1;
        let body = format!(
            r#"{{"id":"11111111-1111-4111-8111-{:012}","status":"submitted","campaign_id":"{CAMPAIGN}","redemption_url":"https://gift.example/r/{}",
            "recipient":{{"id":null,"first_name":"F","last_name":"L","email":null}},"shipping_address":null,"line_items":null,
            "created_at":"2026-04-16T10:30:00.000Z","updated_at":"2026-04-16T10:30:00.000Z"}}"#,
            self.created, self.created
        );
        Response::new(201, self.headers.clone(), body)
    }
}

/// Carries out a run's actions against `server`; with `input`, a streaming run is fed from it.
fn drive(run: &mut BatchRun, server: &mut Server, mut feed: impl FnMut(&mut BatchRun), mut out: impl FnMut(&mut BatchRun)) -> usize {
    let now = Timestamp::from_unix_seconds(NOW);
    let mut journal_bytes = 0;
    loop {
        match run.next_step(now) {
            StreamStep::Act(BatchAction::Persist(entry)) => journal_bytes += entry.to_json_line().len() + 1,
            StreamStep::Act(BatchAction::Send(_)) => {
                let response = server.create();
                run.handle_response(&response, now);
            }
            StreamStep::Act(BatchAction::Wait(delay)) => panic!("nothing paces this run: {delay:?}"),
            StreamStep::NeedRows => feed(run),
            StreamStep::Act(BatchAction::Done) => return journal_bytes,
        }
        out(run);
    }
}

fn settings() -> BatchSettings {
    BatchSettings { campaign_id: CAMPAIGN.into(), look_back: None, default_line_items: Vec::new() }
}

/// The whole batch at once, as the batch flow did before it streamed.
fn whole(path: &Path) -> (u64, usize, usize) {
    let text = std::fs::read_to_string(path).unwrap();
    let rows = rows_from_csv(&text).unwrap().rows;
    let planned = plan(&rows, &settings(), &GiftHistory::new(), &Journal::new(), Timestamp::from_unix_seconds(NOW));
    let mut run = BatchRun::new(client(), planned, options());
    let mut server = Server::new();
    let journal = drive(&mut run, &mut server, |_| {}, |_| {});
    let csv = results_to_csv(&run.results());
    (server.created, journal, csv.len())
}

/// The batch as a stream: 64 KiB of the file at a time, results written out as they settle.
fn streamed(path: &Path) -> (u64, usize, usize) {
    let mut file = std::fs::File::open(path).unwrap();
    let mut reader = CsvRowReader::new();
    let mut planner = Planner::new(settings());
    let (history, journal, now) = (GiftHistory::new(), Journal::new(), Timestamp::from_unix_seconds(NOW));
    let mut run = BatchRun::streaming(client(), options());
    let mut server = Server::new();
    let mut bytes = vec![0u8; PIECE];
    let mut carry: Vec<u8> = Vec::new();
    // Each take is written without the header line, which comes once.
    let header = results_to_csv(&[]).len();
    let mut written = header;
    let journal_bytes = drive(
        &mut run,
        &mut server,
        |run| loop {
            let n = file.read(&mut bytes).unwrap();
            let rows = if n == 0 {
                reader.finish().unwrap()
            } else {
                carry.extend_from_slice(&bytes[..n]);
                // A piece may end inside a character: the tail waits for the next piece.
                let valid = match std::str::from_utf8(&carry) {
                    Ok(_) => carry.len(),
                    Err(e) => e.valid_up_to(),
                };
                let text = std::str::from_utf8(&carry[..valid]).unwrap().to_owned();
                carry.drain(..valid);
                reader.push(&text).unwrap()
            };
            for row in &rows {
                run.push(planner.plan_row(row, &history, &journal, now));
            }
            if n == 0 {
                run.close();
            }
            if !rows.is_empty() || n == 0 {
                return;
            }
        },
        |run| {
            let taken = run.take_results();
            if !taken.is_empty() {
                written += results_to_csv(&taken).len() - header;
            }
        },
    );
    (server.created, journal_bytes, written)
}

/// Runs one mode in a process of its own and prints its line.
fn child(mode: &str, rows: usize) {
    let path = csv_file(rows);
    let started = Instant::now();
    let (created, journal, results) = match mode {
        "whole" => whole(&path),
        _ => streamed(&path),
    };
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "{mode:>8} {rows:>9} rows: {:>6.2} s ({:.2} µs a row), {created} created, {} MB of journal, {} MB of results; peak memory {}",
        elapsed,
        elapsed * 1e6 / rows as f64,
        journal >> 20,
        results >> 20,
        peak_memory()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("child") {
        child(&args[2], args[3].parse().unwrap());
        return;
    }
    planning_against_histories();
    println!("\nCSV in, every row planned and run against an in-memory server (a process for each line)");
    for rows in [100_000, 1_000_000] {
        for mode in ["whole", "streamed"] {
            let status = Command::new(std::env::current_exe().unwrap()).args(["child", mode, &rows.to_string()]).status().unwrap();
            assert!(status.success(), "{mode} {rows}");
        }
    }
}
