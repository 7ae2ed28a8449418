//! Batch send end to end against an in-memory server: planning, pacing, journaling, kill and resume.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use andopen_core::batch::{
    BatchAction, BatchRun, BatchSettings, Journal, PlannedAction, RowOutcome, RunOptions, plan, results_to_csv, rows_from_csv,
};
use andopen_core::eligibility::LookBack;
use andopen_core::history::GiftHistory;
use andopen_core::{Client, Config, GiftRequest, Headers, Method, Request, Response, Timestamp, TransportFailure};

const CAMPAIGN: &str = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
const START: i64 = 1_776_335_400;

/// What the fake server does to the next create requests, in order.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// 500 after creating the gift (it landed).
    ServerErrorAfterCreate,
    /// 429 with `Retry-After: 2` (nothing created).
    RateLimited,
    /// The connection drops after the gift is created.
    DropAfterCreate,
}

/// A gift server in memory: creates gifts, answers polls, counts creations per recipient.
struct Server {
    gifts: Vec<GiftRequest>,
    faults: VecDeque<Fault>,
    creates_seen: usize,
    remaining: u64,
    next_id: u32,
}

impl Server {
    fn new() -> Server {
        Server { gifts: Vec::new(), faults: VecDeque::new(), creates_seen: 0, remaining: 100, next_id: 1 }
    }

    fn headers(&mut self, now: Timestamp) -> Headers {
        self.remaining = self.remaining.saturating_sub(1);
        let mut headers = Headers::new();
        headers.push("Request-Id", format!("00000000-0000-4000-8000-{:012}", self.creates_seen));
        headers.push("RateLimit-Limit", "100");
        headers.push("RateLimit-Remaining", self.remaining.to_string());
        headers.push("RateLimit-Reset", (now.unix_seconds() + 2).to_string());
        headers
    }

    fn create(&mut self, body: &[u8], now: Timestamp) -> GiftRequest {
        let value: serde_json::Value = serde_json::from_slice(body).unwrap();
        let id = format!("11111111-1111-4111-8111-{:012}", self.next_id);
        self.next_id += 1;
        let recipient = &value["recipient"];
        let gift = serde_json::json!({
            "id": id, "status": "submitted", "campaign_id": value["campaign_id"], "redemption_url": null,
            "recipient": {"id": null, "first_name": recipient["first_name"], "last_name": recipient["last_name"], "email": recipient["email"]},
            "shipping_address": null, "line_items": null, "created_at": now.to_string(), "updated_at": now.to_string(),
        });
        let gift = GiftRequest::from_json(gift.to_string().as_bytes()).unwrap();
        self.gifts.push(gift.clone());
        gift
    }

    /// Answers a request, or fails to (a dropped connection).
    fn answer(&mut self, request: &Request, now: Timestamp) -> Result<Response, TransportFailure> {
        if request.method == Method::Post {
            self.creates_seen += 1;
            let body = request.body.as_deref().unwrap();
            match self.faults.pop_front() {
                Some(Fault::RateLimited) => {
                    let mut headers = self.headers(now);
                    headers.push("Retry-After", "2");
                    return Ok(Response::new(
                        429,
                        headers,
                        r#"{"errors":[{"type":"rate_limit_error","code":"rate_limited","message":"slow down"}]}"#,
                    ));
                }
                Some(Fault::ServerErrorAfterCreate) => {
                    self.create(body, now);
                    let headers = self.headers(now);
                    return Ok(Response::new(500, headers, r#"{"errors":[{"type":"api_error","code":"internal","message":"oops"}]}"#));
                }
                Some(Fault::DropAfterCreate) => {
                    self.create(body, now);
                    return Err(TransportFailure::MaybeSent);
                }
                None => {}
            }
            let gift = self.create(body, now);
            let headers = self.headers(now);
            return Ok(Response::new(201, headers, serde_json::to_vec(&gift).unwrap()));
        }
        // GET /gift_requests/{id}: the redemption link appears on the first poll.
        let id = request.url.rsplit('/').next().unwrap();
        let gift = self.gifts.iter_mut().find(|g| g.id.to_string() == id).unwrap();
        gift.redemption_url = Some(format!("https://gift.andopen.test/r/{id}"));
        let body = serde_json::to_vec(gift).unwrap();
        Ok(Response::new(200, self.headers(now), body))
    }

    fn creations_per_recipient(&self) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for gift in &self.gifts {
            *counts.entry(format!("{} {}", gift.recipient.first_name, gift.recipient.last_name)).or_insert(0) += 1;
        }
        counts
    }
}

fn client() -> Client {
    Client::new(Config::builder().api_key("ao-v1-staging-batch").base_url("http://127.0.0.1:9").jitter_seed(7).build().unwrap())
}

/// Runs to the end, or until `stop_after_sends` creations have been handed out (a kill: the run is dropped
/// right after that send, before its answer is handled). Returns the journal lines written and the waits.
fn drive(
    run: &mut BatchRun,
    server: &mut Server,
    now: &mut Timestamp,
    journal: &mut Vec<String>,
    stop_after_sends: Option<usize>,
) -> Vec<Duration> {
    let mut waits = Vec::new();
    let mut creates_sent = 0;
    loop {
        let current = *now;
        match run.next_action(current) {
            BatchAction::Persist(entry) => journal.push(entry.to_json_line()),
            BatchAction::Send(request) => {
                let request = request.clone();
                let answer = server.answer(&request, current);
                if request.method == Method::Post {
                    creates_sent += 1;
                    if stop_after_sends == Some(creates_sent) {
                        return waits;
                    }
                }
                *now = now.plus(Duration::from_millis(20));
                match answer {
                    Ok(response) => run.handle_response(&response, *now),
                    Err(failure) => run.handle_transport_failure(failure, *now),
                }
            }
            BatchAction::Wait(delay) => {
                assert!(delay > Duration::ZERO && delay <= Duration::from_secs(60), "{delay:?}");
                waits.push(delay);
                *now = now.plus(delay);
            }
            BatchAction::Done => return waits,
        }
    }
}

const ROWS: &str = "row_key,first_name,last_name,email,company\n\
    r1,Ann,Smith,ann@example.com,Acme\n\
    r2,Ann,Smith,ANN@example.com,Acme\n\
    r3,Bob,,bob@example.com,Acme\n\
    r4,Cat,Jones,cat@example.com,Acme\n\
    r5,Dan,Brown,dan@example.com,Acme\n\
    r6,Eve,White,eve@example.com,Acme\n";

fn settings() -> BatchSettings {
    BatchSettings { campaign_id: CAMPAIGN.into(), look_back: Some(LookBack::SHORT_CYCLE), default_line_items: Vec::new() }
}

/// Dan was gifted ten days ago.
fn history() -> GiftHistory {
    let mut history = GiftHistory::new();
    let sent = Timestamp::from_unix_seconds(START - 10 * 86_400).to_string();
    let gift = format!(
        r#"{{"id":"99999999-9999-4999-8999-999999999999","status":"delivered","campaign_id":"{CAMPAIGN}","redemption_url":null,
        "recipient":{{"id":null,"first_name":"Dan","last_name":"Brown","email":"dan@example.com"}},"shipping_address":null,
        "line_items":null,"created_at":"{sent}","updated_at":"{sent}"}}"#
    );
    history.record_gift(&GiftRequest::from_json(gift.as_bytes()).unwrap());
    history
}

#[test]
fn one_result_per_row_with_the_reason() {
    let rows = rows_from_csv(ROWS).unwrap();
    assert_eq!(rows.ignored_columns, vec!["company"]);
    let now = Timestamp::from_unix_seconds(START);
    let planned = plan(&rows.rows, &settings(), &history(), &Journal::new(), now);
    assert_eq!(planned.to_send(), 3);

    let mut server = Server::new();
    let mut run = BatchRun::new(client(), planned, RunOptions::default());
    let (mut clock, mut journal) = (now, Vec::new());
    drive(&mut run, &mut server, &mut clock, &mut journal, None);

    let results = run.results();
    let labels: Vec<&str> = results.iter().map(|r| r.outcome.label()).collect();
    assert_eq!(labels, ["sent", "skipped", "failed", "sent", "skipped", "sent"]);
    let RowOutcome::Sent { redemption_url, request_id, .. } = &results[0].outcome else { panic!() };
    assert!(redemption_url.as_deref().unwrap().starts_with("https://gift.andopen.test/r/"), "the link was polled for");
    assert!(request_id.is_some());
    let RowOutcome::Skipped { same_as_row, .. } = &results[1].outcome else { panic!() };
    assert_eq!(same_as_row.as_deref(), Some("r1"));
    let RowOutcome::Failed { error } = &results[2].outcome else { panic!() };
    assert_eq!((error.param.as_deref(), error.code.as_deref()), (Some("recipient.last_name"), Some("required")));
    let RowOutcome::Skipped { previous_gift_request_id, reason, .. } = &results[4].outcome else { panic!() };
    assert_eq!(previous_gift_request_id.unwrap().to_string(), "99999999-9999-4999-8999-999999999999");
    assert!(reason.contains("30 days"), "{reason}");

    let progress = run.progress();
    assert_eq!((progress.total, progress.finished, progress.sent, progress.skipped, progress.failed), (6, 6, 3, 2, 1));
    assert_eq!(server.gifts.len(), 3);
    // Two journal lines per creation, plus one when the polled link arrives.
    assert_eq!(journal.len(), 9);

    let csv = results_to_csv(&results);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "row_key,outcome,gift_request_id,redemption_url,request_id,reason,error_type,error_code,error_param,error_message"
    );
    assert!(lines[3].starts_with("r3,failed,,,,,validation_error,required,recipient.last_name,"), "{}", lines[3]);
    assert!(lines[2].contains("the same recipient as row r1"));
}

#[test]
fn a_create_that_may_have_landed_is_reported_not_resent_and_429_is_waited_out() {
    let rows = rows_from_csv(ROWS).unwrap();
    let now = Timestamp::from_unix_seconds(START);
    let planned = plan(&rows.rows, &settings(), &GiftHistory::new(), &Journal::new(), now);
    let mut server = Server::new();
    server.faults.extend([Fault::RateLimited, Fault::ServerErrorAfterCreate, Fault::DropAfterCreate]);
    let options = RunOptions { wait_for_redemption_url: false, ..RunOptions::default() };
    let mut run = BatchRun::new(client(), planned, options);
    let (mut clock, mut journal) = (now, Vec::new());
    let waits = drive(&mut run, &mut server, &mut clock, &mut journal, None);

    assert!(waits.contains(&Duration::from_secs(2)), "Retry-After is slept: {waits:?}");
    let labels: Vec<&str> = run.results().iter().map(|r| r.outcome.label()).collect();
    // r1: 429, waited out, then a 500 after landing; r4: dropped after landing; r5 and r6 sent.
    assert_eq!(labels, ["outcome_unknown", "skipped", "failed", "outcome_unknown", "sent", "sent"]);
    let RowOutcome::OutcomeUnknown { request_id, .. } = &run.results()[0].outcome else { panic!() };
    assert!(request_id.is_some(), "the 500's request id is kept");
    // One creation attempt per row after the 429: nothing was sent twice, no gift exists twice.
    assert_eq!(server.creates_seen, 5);
    assert!(server.creations_per_recipient().values().all(|n| *n == 1), "{:?}", server.creations_per_recipient());
}

#[test]
fn killed_and_resumed_it_sends_no_row_twice_and_reports_every_row() {
    let rows = rows_from_csv(ROWS).unwrap();
    let now = Timestamp::from_unix_seconds(START);
    let mut server = Server::new();
    let mut journal = Vec::new();
    let mut clock = now;

    // First run: killed right after the second creation left, before its answer was recorded.
    let planned = plan(&rows.rows, &settings(), &GiftHistory::new(), &Journal::new(), now);
    let mut run = BatchRun::new(client(), planned, RunOptions { wait_for_redemption_url: false, ..RunOptions::default() });
    drive(&mut run, &mut server, &mut clock, &mut journal, Some(2));
    drop(run);
    assert_eq!(server.gifts.len(), 2);
    // The host's file may end in a line cut short: it was never acted on.
    let mut text = journal.join("\n");
    text.push_str("\n{\"send_key\":\"abc");

    // Second run, planned from the journal.
    let read = Journal::from_json_lines(&text).unwrap();
    assert!(read.had_torn_tail());
    let planned = plan(&rows.rows, &settings(), &GiftHistory::new(), &read, clock);
    let from_journal: Vec<bool> =
        planned.rows.iter().map(|r| matches!(r.action, PlannedAction::Known { from_journal: true, .. })).collect();
    assert_eq!(from_journal, [true, false, false, true, false, false]);
    let mut run = BatchRun::new(client(), planned, RunOptions { wait_for_redemption_url: false, ..RunOptions::default() });
    drive(&mut run, &mut server, &mut clock, &mut journal, None);

    let results = run.results();
    assert_eq!(results.len(), 6, "every row accounted for");
    let labels: Vec<&str> = results.iter().map(|r| r.outcome.label()).collect();
    assert_eq!(labels, ["sent", "skipped", "failed", "outcome_unknown", "sent", "sent"]);
    assert!(results[0].from_journal && results[3].from_journal);
    assert_eq!(server.gifts.len(), 4);
    assert!(server.creations_per_recipient().values().all(|n| *n == 1));

    // A third run of the same rows sends nothing and returns the recorded results.
    let read = Journal::from_json_lines(&journal.join("\n")).unwrap();
    let planned = plan(&rows.rows, &settings(), &GiftHistory::new(), &read, clock);
    assert_eq!(planned.to_send(), 0);
    let finished = journal.iter().filter(|l| l.contains(r#""event":"finished""#)).count();
    let sending = journal.iter().filter(|l| l.contains(r#""event":"sending""#)).count();
    assert_eq!((sending, finished), (4, 3));
}

#[test]
fn paces_sends_by_the_rate_limit_window_and_the_minimum_interval() {
    let rows = rows_from_csv(ROWS).unwrap();
    let now = Timestamp::from_unix_seconds(START);
    let planned = plan(&rows.rows, &BatchSettings { look_back: None, ..settings() }, &GiftHistory::new(), &Journal::new(), now);
    let mut server = Server::new();
    server.remaining = 2; // the window is used up after the first creation
    let options = RunOptions { wait_for_redemption_url: false, min_interval: Duration::from_millis(250), ..RunOptions::default() };
    let mut run = BatchRun::new(client(), planned, options);
    let (mut clock, mut journal) = (now, Vec::new());
    let waits = drive(&mut run, &mut server, &mut clock, &mut journal, None);
    // After the window empties, the run waits until its reset (1 to 2 s later); between
    // creations it never goes faster than the minimum interval.
    assert!(waits.iter().any(|w| *w > Duration::from_secs(1)), "{waits:?}");
    assert!(waits.iter().filter(|w| **w == Duration::from_millis(230)).count() >= 1, "{waits:?}");
    assert_eq!(run.progress().sent, 4);
}
