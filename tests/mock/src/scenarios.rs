//! The gifting workflows measured against the simulator (issue figures): a batch sent through injected
//! faults and killed and resumed mid-run, and a storm of forged, tampered, replayed, renamed, retyped and
//! repeated webhook deliveries. The end-to-end tests run them small; `cargo bench -p andopen-mock --bench gifting` runs them
//! at full size and prints the figures.

use std::collections::{HashMap, HashSet};
use std::io::BufReader;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use andopen_core::batch::{self, BatchRow, BatchRun, BatchSettings, Journal, RowOutcome, RunOptions};
use andopen_core::dedupe::{RecentEvents, SeenEvents};
use andopen_core::history::GiftHistory;
use andopen_core::webhook::{EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, Verifier, signature};
use andopen_core::{Client, Config, Headers, NewRecipient, Timestamp};
use serde_json::Value;

use crate::http::{read_request, write_response};
use crate::rng::SplitMix64;
use crate::transport::{BatchEnd, HttpClient, now};
use crate::{Options, RetrySchedule, RunningServer, Server};

const KEY: &str = "ao-v1-staging-figures";
const SECRET: &str = "whsec_figures";

/// What a faulty batch run ended with.
#[derive(Clone, Debug, Default)]
pub struct BatchFigures {
    /// Rows in the batch.
    pub rows: usize,
    /// Rows with a result after the resume.
    pub accounted: usize,
    /// Sent.
    pub sent: usize,
    /// Failed (refused, nothing created).
    pub failed: usize,
    /// Outcome unknown (reported, never resent).
    pub unknown: usize,
    /// Of those, how many did land on the simulator.
    pub unknown_landed: usize,
    /// Sent rows whose gift the simulator holds for that recipient.
    pub sent_confirmed: usize,
    /// Gift requests the simulator holds.
    pub gifts: usize,
    /// Recipients the simulator holds more than one gift for.
    pub duplicate_gifts: usize,
    /// API requests the simulator answered (or dropped).
    pub requests: usize,
    /// Creations handed out before the kill.
    pub killed_after: usize,
    /// Wall time of both runs.
    pub elapsed: Duration,
}

/// Sends `rows` choice-mode gifts to distinct recipients through a simulator injecting faults at
/// `fault_rate` (429, 503, 500 before and after processing, dropped connections, delays), kills the run
/// right after the `kill_after`th creation left, plans it again from its journal, and finishes it.
pub fn faulty_batch(rows: usize, fault_rate: f64, seed: u64, kill_after: usize) -> Result<BatchFigures, String> {
    let server = Server::start(Options { quiet: true, seed, fault_rate, redemption_delay: Duration::from_millis(5), ..Options::default() })
        .map_err(|e| format!("the simulator did not start: {e}"))?;
    let campaign = choice_campaign(&server)?;
    let client =
        Client::new(Config::builder().api_key(KEY).base_url(server.base_url()).jitter_seed(seed).build().map_err(|e| e.to_string())?);
    let batch_rows: Vec<BatchRow> = (0..rows)
        .map(|i| {
            BatchRow::new(
                format!("row-{i}"),
                NewRecipient::new(format!("First{i}"), format!("Last{i}")).email(format!("person{i}@example.com")),
            )
        })
        .collect();
    let settings = BatchSettings { campaign_id: campaign, ..BatchSettings::default() };
    let options = RunOptions { poll_interval: Duration::from_millis(20), poll_timeout: Duration::from_secs(20), ..RunOptions::default() };
    let started = Instant::now();
    let mut journal = Vec::new();
    let mut http = HttpClient::new().timeout(Duration::from_secs(10));

    let plan = batch::plan(&batch_rows, &settings, &GiftHistory::new(), &Journal::new(), now());
    let mut run = BatchRun::new(client.clone(), plan, options.clone());
    let end = http.run_batch(&mut run, &mut journal, Some(kill_after));
    drop(run);

    let journal_text = journal.join("\n");
    let read = Journal::from_json_lines(&journal_text).map_err(|e| e.to_string())?;
    let plan = batch::plan(&batch_rows, &settings, &GiftHistory::new(), &read, now());
    let mut run = BatchRun::new(client, plan, options);
    let mut http = HttpClient::new().timeout(Duration::from_secs(10));
    if http.run_batch(&mut run, &mut journal, None) != BatchEnd::Done {
        return Err("the resumed run did not finish".into());
    }
    let elapsed = started.elapsed();

    let gifts = control(&server, "/_mock/gift_requests")?;
    let mut per_recipient: HashMap<String, usize> = HashMap::new();
    for gift in &gifts {
        let email = gift.pointer("/recipient/email").and_then(Value::as_str).unwrap_or_default().to_owned();
        *per_recipient.entry(email).or_default() += 1;
    }
    let mut figures = BatchFigures {
        rows,
        gifts: gifts.len(),
        duplicate_gifts: per_recipient.values().filter(|n| **n > 1).count(),
        requests: control(&server, "/_mock/requests")?.len(),
        killed_after: if end == BatchEnd::Killed { kill_after } else { 0 },
        elapsed,
        ..BatchFigures::default()
    };
    for result in run.results() {
        figures.accounted += 1;
        let email = format!("person{}@example.com", result.index);
        let landed = per_recipient.get(&email).copied().unwrap_or(0) > 0;
        match result.outcome {
            RowOutcome::Sent { .. } => {
                figures.sent += 1;
                figures.sent_confirmed += usize::from(landed);
            }
            RowOutcome::Failed { .. } => figures.failed += 1,
            RowOutcome::OutcomeUnknown { .. } => {
                figures.unknown += 1;
                figures.unknown_landed += usize::from(landed);
            }
            RowOutcome::Skipped { .. } => {}
        }
    }
    server.stop();
    Ok(figures)
}

/// One webhook delivery as received: its headers and raw body.
type Delivered = (Headers, Vec<u8>);

/// What a storm of webhook deliveries ended with.
#[derive(Clone, Debug, Default)]
pub struct StormFigures {
    /// Deliveries fed to the receiver.
    pub deliveries: usize,
    /// Distinct genuine events the simulator delivered (the most that may be accepted).
    pub genuine_events: usize,
    /// Deliveries accepted as new events.
    pub accepted: usize,
    /// Genuine events accepted more than once, whatever event id each copy carried.
    pub accepted_twice: usize,
    /// Forged, tampered, late or retyped deliveries accepted (each must be refused, whenever it arrives).
    pub accepted_bad: usize,
    /// Captured deliveries re-sent within the window under a new event id.
    pub renamed_replays: usize,
    /// Captured deliveries re-sent within the window under a new event id with an event type that
    /// contradicts the signed body.
    pub retyped_replays: usize,
    /// Gifts whose timeline, folded from the accepted deliveries, differs from the one folded from the
    /// genuine events alone (an unsigned header that changed a history).
    pub histories_changed: usize,
    /// Refusals by code.
    pub refused: Vec<(&'static str, usize)>,
    /// Repeats of genuine deliveries recognised as duplicates.
    pub duplicates: usize,
    /// Verification throughput.
    pub per_second: f64,
}

/// Collects the simulator's real, signed deliveries for `gifts` gift requests (each created and advanced to
/// delivered, the receiver failing one attempt in ten so that some arrive twice), then feeds `total`
/// deliveries built from them (genuine, repeated, forged, tampered, replayed late, re-sent at once under a
/// new event id, re-sent with a contradicting event type) to the core's verifier and a bounded seen-set,
/// in a seeded order, folding every first sighting into a gift history.
pub fn webhook_storm(gifts: usize, total: usize, seed: u64) -> Result<StormFigures, String> {
    let genuine = collect_deliveries(gifts, seed)?;
    let verifier = Verifier::new(SECRET);
    let mut seen = RecentEvents::default();
    let mut history = GiftHistory::new();
    let mut figures = StormFigures { deliveries: total, ..StormFigures::default() };
    figures.genuine_events = genuine.iter().filter_map(|(h, _)| h.get(EVENT_ID_HEADER)).collect::<HashSet<_>>().len();
    let mut accepted_origins: HashMap<String, usize> = HashMap::new();
    let mut refused: HashMap<&'static str, usize> = HashMap::new();
    let storm = storm_of(&genuine, total, seed);
    figures.renamed_replays = storm.iter().filter(|(_, kind, _)| *kind == Kind::Renamed).count();
    figures.retyped_replays = storm.iter().filter(|(_, kind, _)| *kind == Kind::Retyped).count();
    let started = Instant::now();
    for (origin, kind, (headers, body)) in &storm {
        let dispatched = headers.get(TIMESTAMP_HEADER).and_then(|t| t.parse::<i64>().ok()).unwrap_or(0);
        // Received a few seconds after dispatch; a late replay arrives long after.
        let at = if *kind == Kind::Late { dispatched + 301 + 3600 } else { dispatched + 2 };
        match verifier.verify(headers, body, Timestamp::from_unix_seconds(at)) {
            Ok(delivery) if seen.first_sighting(&delivery.key()) => {
                figures.accepted += 1;
                history.record_delivery(&delivery);
                let origin_id = genuine.get(*origin).and_then(|(h, _)| h.get(EVENT_ID_HEADER)).unwrap_or_default();
                *accepted_origins.entry(origin_id.to_owned()).or_default() += 1;
                figures.accepted_bad += usize::from(kind.must_be_refused());
            }
            Ok(_) => figures.duplicates += 1,
            Err(error) => *refused.entry(error.code.as_str()).or_default() += 1,
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    figures.per_second = if seconds > 0.0 { total as f64 / seconds } else { 0.0 };
    figures.accepted_twice = accepted_origins.values().filter(|n| **n > 1).count();
    figures.histories_changed = histories_changed(&history, &genuine);
    let mut refused: Vec<(&'static str, usize)> = refused.into_iter().collect();
    refused.sort();
    figures.refused = refused;
    Ok(figures)
}

/// The simulator's real deliveries for `gifts` gift requests, each created and advanced to delivered, the
/// receiver failing one attempt in ten so that some events arrive more than once.
fn collect_deliveries(gifts: usize, seed: u64) -> Result<Vec<Delivered>, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let url = format!("http://127.0.0.1:{}/hooks", listener.local_addr().map_err(|e| e.to_string())?.port());
    let received: Arc<Mutex<Vec<Delivered>>> = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&received);
    std::thread::spawn(move || {
        let mut rng = SplitMix64::new(seed);
        for stream in listener.incoming().flatten() {
            let Ok(mut writer) = stream.try_clone() else { continue };
            let mut reader = BufReader::new(stream);
            while let Ok(request) = read_request(&mut reader, &mut writer) {
                let status = if rng.below(10) == 0 { 500 } else { 204 };
                if let Ok(mut seen) = sink.lock() {
                    seen.push((request.headers.iter().cloned().collect::<Headers>(), request.body.clone()));
                }
                if write_response(&mut writer, status, &[], b"", request.keep_alive).is_err() || !request.keep_alive {
                    break;
                }
            }
        }
    });
    let server = Server::start(Options {
        quiet: true,
        seed,
        redemption_delay: Duration::from_millis(5),
        advance: Some(Duration::from_millis(10)),
        webhooks: vec![url],
        webhook_secret: SECRET.into(),
        webhook_retry: RetrySchedule { max_attempts: 5, backoff: Duration::from_millis(20) },
        ..Options::default()
    })
    .map_err(|e| format!("the simulator did not start: {e}"))?;
    let campaign = choice_campaign(&server)?;
    let mut http = HttpClient::new();
    for i in 0..gifts {
        let body = format!(r#"{{"campaign_id":"{campaign}","recipient":{{"first_name":"Storm{i}","last_name":"Test"}}}}"#);
        let headers =
            [("AndOpen-API-Version", "2026-05"), ("Authorization", "Bearer ao-v1-staging-figures"), ("Content-Type", "application/json")];
        let response = http
            .exchange("POST", &format!("{}/gift_requests", server.base_url()), &headers, Some(body.as_bytes()))
            .map_err(|e| e.message)?;
        if response.status != 201 {
            return Err(format!("a creation answered {}", response.status));
        }
    }
    // Four events a gift (created, redeemed, dispatched, delivered), each delivered until it succeeds.
    let deadline = Instant::now() + Duration::from_secs(60);
    let genuine = loop {
        let delivered = received.lock().map(|r| r.clone()).unwrap_or_default();
        let ids: HashSet<String> = delivered.iter().filter_map(|(h, _)| h.get(EVENT_ID_HEADER).map(str::to_owned)).collect();
        if ids.len() >= gifts * 4 {
            std::thread::sleep(Duration::from_millis(300));
            break received.lock().map(|r| r.clone()).unwrap_or_default();
        }
        if Instant::now() > deadline {
            return Err(format!("only {} of {} events were delivered", ids.len(), gifts * 4));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    server.stop();
    Ok(genuine)
}

/// `total` deliveries: every genuine one once, then the rest drawn at random and made into one of each
/// [`Kind`], in a seeded shuffle so that repeats and forgeries arrive before and after the genuine ones.
/// Each comes with the index of the genuine delivery it was made from.
fn storm_of(genuine: &[Delivered], total: usize, seed: u64) -> Vec<(usize, Kind, Delivered)> {
    let mut rng = SplitMix64::new(seed ^ 0x5707);
    let mut storm = Vec::with_capacity(total);
    for (i, delivery) in genuine.iter().enumerate().take(total) {
        storm.push((i, Kind::Genuine, delivery.clone()));
    }
    while storm.len() < total && !genuine.is_empty() {
        let pick = usize::try_from(rng.below(genuine.len() as u64)).unwrap_or(0);
        let Some((headers, body)) = genuine.get(pick).cloned() else { break };
        let kind = Kind::ALL.get(usize::try_from(rng.below(Kind::ALL.len() as u64)).unwrap_or(0)).copied().unwrap_or(Kind::Genuine);
        storm.push((pick, kind, mutate(kind, headers, body, &mut rng)));
    }
    for i in (1..storm.len()).rev() {
        let j = usize::try_from(rng.below(i as u64 + 1)).unwrap_or(0);
        storm.swap(i, j);
    }
    storm
}

/// How many gifts' timelines differ between `history` and the one folded from each genuine event once.
fn histories_changed(history: &GiftHistory, genuine: &[Delivered]) -> usize {
    let verifier = Verifier::new(SECRET);
    let mut reference = GiftHistory::new();
    for (headers, body) in genuine {
        let at = headers.get(TIMESTAMP_HEADER).and_then(|t| t.parse::<i64>().ok()).unwrap_or(0) + 2;
        if let Ok(delivery) = verifier.verify(headers, body, Timestamp::from_unix_seconds(at)) {
            reference.record_delivery(&delivery);
        }
    }
    let ids: HashSet<_> = history.timelines().chain(reference.timelines()).map(|t| t.gift_request_id).collect();
    ids.iter().filter(|id| history.gift(id) != reference.gift(id)).count()
}

/// How a delivery of the storm was made from a genuine one.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// As delivered (a repeat when drawn again).
    Genuine,
    /// Signed with another secret, or a made-up signature.
    Forged,
    /// One byte of the body changed, or the timestamp moved, under the genuine signature.
    Tampered,
    /// The genuine delivery, received an hour after dispatch.
    Late,
    /// The genuine delivery re-sent at once under a new event id.
    Renamed,
    /// The genuine delivery re-sent at once under a new event id, its event type header changed to one that
    /// contradicts the signed body.
    Retyped,
}

impl Kind {
    const ALL: [Kind; 6] = [Kind::Genuine, Kind::Forged, Kind::Tampered, Kind::Late, Kind::Renamed, Kind::Retyped];

    /// Whether a receiver must refuse every delivery of this kind, whenever it arrives. A renamed replay
    /// that arrives before its genuine copy is accepted once, in its place: it carries the same signed
    /// facts.
    fn must_be_refused(self) -> bool {
        matches!(self, Kind::Forged | Kind::Tampered | Kind::Late | Kind::Retyped)
    }
}

/// The five event types of the contract.
const EVENT_TYPES: [&str; 5] =
    ["gift_request_created", "gift_request_redeemed", "gift_request_dispatched", "gift_request_delivered", "gift_request_cancelled"];

fn replace(headers: &Headers, name: &str, value: &str) -> Headers {
    headers
        .iter()
        .map(|(n, v)| if n.eq_ignore_ascii_case(name) { (n.to_owned(), value.to_owned()) } else { (n.to_owned(), v.to_owned()) })
        .collect()
}

/// A made-up event id (a UUID v4 shape from the seeded generator).
fn new_event_id(rng: &mut SplitMix64) -> String {
    let (high, low) = (rng.next_u64(), rng.next_u64());
    let hex = format!("{high:016x}{low:016x}");
    format!("{}-{}-4{}-8{}-{}", &hex[..8], &hex[8..12], &hex[13..16], &hex[17..20], &hex[20..32])
}

fn mutate(kind: Kind, headers: Headers, mut body: Vec<u8>, rng: &mut SplitMix64) -> Delivered {
    match kind {
        Kind::Genuine | Kind::Late => (headers, body),
        Kind::Renamed => (replace(&headers, EVENT_ID_HEADER, &new_event_id(rng)), body),
        Kind::Retyped => {
            let original = headers.get(EVENT_TYPE_HEADER).unwrap_or_default().to_owned();
            let others: Vec<&str> = EVENT_TYPES.iter().copied().filter(|t| *t != original).collect();
            let other =
                others.get(usize::try_from(rng.below(others.len() as u64)).unwrap_or(0)).copied().unwrap_or("gift_request_cancelled");
            (replace(&replace(&headers, EVENT_ID_HEADER, &new_event_id(rng)), EVENT_TYPE_HEADER, other), body)
        }
        Kind::Forged => {
            let timestamp = headers.get(TIMESTAMP_HEADER).unwrap_or_default().to_owned();
            let forged = if rng.below(2) == 0 {
                signature(b"whsec_guessed", &timestamp, &body)
            } else {
                (0..4).map(|_| format!("{:016x}", rng.next_u64())).collect()
            };
            (replace(&headers, SIGNATURE_HEADER, &forged), body)
        }
        Kind::Tampered => {
            if rng.below(2) == 0 && !body.is_empty() {
                let at = usize::try_from(rng.below(body.len() as u64)).unwrap_or(0);
                if let Some(byte) = body.get_mut(at) {
                    *byte = if *byte == b'x' { b'y' } else { b'x' };
                }
                (headers, body)
            } else {
                let moved = headers.get(TIMESTAMP_HEADER).and_then(|t| t.parse::<i64>().ok()).unwrap_or(0) + 1;
                (replace(&headers, TIMESTAMP_HEADER, &moved.to_string()), body)
            }
        }
    }
}

/// The id of the seeded choice-mode fixture, read through the API.
fn choice_campaign(server: &RunningServer) -> Result<String, String> {
    let client = Client::new(Config::builder().api_key(KEY).base_url(server.base_url()).build().map_err(|e| e.to_string())?);
    let mut pages = client.list_campaigns(&andopen_core::ListCampaigns::default()).map_err(|e| e.to_string())?;
    let all = HttpClient::new().list_all(&mut pages, |_| {}, |_| {}).map_err(|e| e.to_string())?;
    all.iter()
        .find(|c| c.name.as_deref() == Some(crate::seed::CHOICE))
        .map(|c| c.id.to_string())
        .ok_or_else(|| "the choice-mode fixture is missing".to_owned())
}

/// A control endpoint's `data` array.
fn control(server: &RunningServer, path: &str) -> Result<Vec<Value>, String> {
    let response = HttpClient::new().exchange("GET", &format!("{}{path}", server.base_url()), &[], None).map_err(|e| e.message)?;
    let value: Value = serde_json::from_slice(&response.body).map_err(|e| e.to_string())?;
    match value.get("data") {
        Some(Value::Array(items)) => Ok(items.clone()),
        _ => Err(format!("{path} has no data array")),
    }
}
