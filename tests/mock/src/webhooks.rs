//! Webhook deliveries (as the API reference describes them), on a background thread that never blocks an API response.
//!
//! Each [`Event`] goes to every receiver configured when it happened, signed with
//! `andopen_core::webhook::signature` over `{timestamp}.{body}`. A non-2xx answer or a connection failure
//! is retried with a fresh timestamp and signature and the same event id, after `backoff` doubling on each
//! attempt, up to `max_attempts` attempts. Every attempt is logged (`GET /_mock/webhooks`).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use andopen_core::API_VERSION;
use andopen_core::webhook::{API_VERSION_HEADER, EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signature};
use serde::Serialize;

use crate::rng::{iso, now_millis};
use crate::store::Event;
use crate::transport::HttpClient;

/// Where events go.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct Receiver {
    /// An `http://` URL.
    pub url: String,
    /// The signing secret.
    #[serde(skip)]
    pub secret: String,
}

/// One delivery attempt, as `GET /_mock/webhooks` lists it.
#[derive(Clone, Debug, Serialize)]
pub struct Attempt {
    /// The event's id (the same on every attempt).
    pub event_id: String,
    /// The event's type.
    pub event_type: &'static str,
    /// The gift request the event is about.
    pub gift_request_id: String,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// The receiver.
    pub url: String,
    /// The `AndOpen-Webhook-Dispatch-Timestamp` sent.
    pub timestamp: String,
    /// When the attempt was made.
    pub attempted_at: String,
    /// The receiver's status, when it answered.
    pub status: Option<u16>,
    /// What went wrong, when it did not answer.
    pub error: Option<String>,
    /// Whether the attempt succeeded (a 2xx).
    pub delivered: bool,
}

/// How deliveries are retried.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct RetrySchedule {
    /// Attempts at most, the first included.
    pub max_attempts: u32,
    /// The wait before the second attempt; it doubles after each further failure.
    pub backoff: Duration,
}

enum Job {
    Deliver(Event, Vec<Receiver>, u64),
    Stop,
}

struct Pending {
    event: Arc<Event>,
    receiver: Receiver,
    attempt: u32,
    generation: u64,
}

/// The delivery thread's handle: hand it events, read its log, clear it.
pub struct Deliveries {
    jobs: Mutex<mpsc::Sender<Job>>,
    log: Arc<Mutex<Vec<Attempt>>>,
    generation: Arc<AtomicU64>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl std::fmt::Debug for Deliveries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deliveries").finish_non_exhaustive()
    }
}

impl Deliveries {
    /// Starts the delivery thread.
    pub fn start(schedule: RetrySchedule) -> std::io::Result<Deliveries> {
        let (tx, rx) = mpsc::channel();
        let log = Arc::new(Mutex::new(Vec::new()));
        let generation = Arc::new(AtomicU64::new(0));
        let (thread_log, thread_generation) = (Arc::clone(&log), Arc::clone(&generation));
        let thread = std::thread::Builder::new()
            .name("andopen-mock-webhooks".to_owned())
            .spawn(move || deliver_loop(&rx, &thread_log, &thread_generation, schedule))?;
        Ok(Deliveries { jobs: Mutex::new(tx), log, generation, thread: Mutex::new(Some(thread)) })
    }

    /// Queues events for delivery to `receivers` (nothing happens without receivers).
    pub fn send(&self, events: Vec<Event>, receivers: &[Receiver]) {
        if receivers.is_empty() || events.is_empty() {
            return;
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let jobs = self.jobs.lock().unwrap_or_else(PoisonError::into_inner);
        for event in events {
            let _ = jobs.send(Job::Deliver(event, receivers.to_vec(), generation));
        }
    }

    /// Every attempt so far, oldest first.
    pub fn log(&self) -> Vec<Attempt> {
        self.log.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Clears the log and abandons every delivery not yet made.
    pub fn reset(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.log.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }

    /// Stops the thread (pending retries are abandoned) and waits for it.
    pub fn stop(&self) {
        let _ = self.jobs.lock().unwrap_or_else(PoisonError::into_inner).send(Job::Stop);
        if let Some(thread) = self.thread.lock().unwrap_or_else(PoisonError::into_inner).take() {
            let _ = thread.join();
        }
    }
}

fn deliver_loop(jobs: &mpsc::Receiver<Job>, log: &Mutex<Vec<Attempt>>, generation: &AtomicU64, schedule: RetrySchedule) {
    let mut queue: BinaryHeap<Reverse<(i64, u64)>> = BinaryHeap::new();
    let mut pending: std::collections::HashMap<u64, Pending> = std::collections::HashMap::new();
    let mut sequence = 0u64;
    let mut schedule_at = |queue: &mut BinaryHeap<Reverse<(i64, u64)>>, pending: &mut std::collections::HashMap<u64, Pending>, due, p| {
        sequence += 1;
        queue.push(Reverse((due, sequence)));
        pending.insert(sequence, p);
    };
    loop {
        let now = now_millis();
        let wait = queue.peek().map_or(Duration::from_secs(3600), |Reverse((due, _))| {
            Duration::from_millis(u64::try_from(due.saturating_sub(now)).unwrap_or(0))
        });
        match jobs.recv_timeout(wait) {
            Ok(Job::Deliver(event, receivers, event_generation)) => {
                let event = Arc::new(event);
                for receiver in receivers {
                    let p = Pending { event: Arc::clone(&event), receiver, attempt: 1, generation: event_generation };
                    schedule_at(&mut queue, &mut pending, now_millis(), p);
                }
            }
            Ok(Job::Stop) | Err(RecvTimeoutError::Disconnected) => return,
            Err(RecvTimeoutError::Timeout) => {}
        }
        while let Some(Reverse((due, key))) = queue.peek().copied() {
            if due > now_millis() {
                break;
            }
            queue.pop();
            let Some(p) = pending.remove(&key) else { continue };
            if p.generation != generation.load(Ordering::SeqCst) {
                continue;
            }
            let record = attempt(&p);
            let failed = !record.delivered;
            {
                let mut log = log.lock().unwrap_or_else(PoisonError::into_inner);
                if p.generation == generation.load(Ordering::SeqCst) {
                    log.push(record);
                }
            }
            if failed && p.attempt < schedule.max_attempts {
                let factor = 1u32.checked_shl(p.attempt.saturating_sub(1).min(20)).unwrap_or(u32::MAX);
                let delay = schedule.backoff.saturating_mul(factor);
                let due = now_millis().saturating_add(i64::try_from(delay.as_millis()).unwrap_or(i64::MAX));
                schedule_at(&mut queue, &mut pending, due, Pending { attempt: p.attempt + 1, ..p });
            }
        }
    }
}

/// One attempt: a fresh timestamp and signature, the same event id and body.
fn attempt(p: &Pending) -> Attempt {
    let now = now_millis();
    let timestamp = now.div_euclid(1000).to_string();
    let signed = signature(p.receiver.secret.as_bytes(), &timestamp, &p.event.body);
    let headers = [
        ("Content-Type", "application/json"),
        (SIGNATURE_HEADER, signed.as_str()),
        (TIMESTAMP_HEADER, timestamp.as_str()),
        (EVENT_ID_HEADER, p.event.event_id.as_str()),
        (EVENT_TYPE_HEADER, p.event.event_type),
        (API_VERSION_HEADER, API_VERSION),
    ];
    let result = HttpClient::new().timeout(Duration::from_secs(5)).exchange("POST", &p.receiver.url, &headers, Some(&p.event.body));
    let (status, error) = match result {
        Ok(response) => (Some(response.status), None),
        Err(e) => (None, Some(e.message)),
    };
    Attempt {
        event_id: p.event.event_id.clone(),
        event_type: p.event.event_type,
        gift_request_id: p.event.gift_request_id.clone(),
        attempt: p.attempt,
        url: p.receiver.url.clone(),
        timestamp,
        attempted_at: iso(now),
        status,
        error,
        delivered: status.is_some_and(|s| (200..300).contains(&s)),
    }
}
