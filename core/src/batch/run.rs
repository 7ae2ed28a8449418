//! Running a planned batch: one creation at a time, paced by the rate-limit headers, every attempt
//! journaled before it is sent and its answer journaled before the run waits or moves on (see
//! [`crate::batch::Journal`] for the events).
//!
//! A run takes its rows whole ([`BatchRun::new`] with a [`Plan`]) or as a stream ([`BatchRun::streaming`]:
//! rows pushed as the run asks for them, results taken as they settle), so that a batch of any size is sent
//! in memory bounded by the rows the host pushes at a time.

use std::collections::VecDeque;
use std::time::Duration;

use crate::batch::journal::{JournalEntry, JournalEvent};
use crate::batch::outcome::{RowError, RowOutcome, RowResult};
use crate::batch::plan::{Plan, PlannedAction, PlannedRow};
use crate::call::{Call, Reply, Step};
use crate::client::Client;
use crate::config::{ConfigError, checked_interval, checked_pause, checked_timeout};
use crate::error::Error;
use crate::gift_request::GiftRequest;
use crate::http::{Request, Response};
use crate::operations::CreateGiftRequest;
use crate::poll::{PollTarget, Poller};
use crate::response::ResponseMeta;
use crate::retry::TransportFailure;
use crate::timestamp::Timestamp;

/// How a run paces itself and whether it waits for redemption links.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RunOptions {
    /// The least time between two creations (the Clay guide: "a short delay between rows"). Default 0: the
    /// rate-limit headers alone pace the run.
    pub min_interval: Duration,
    /// The longest the run waits for a rate-limit window to reset before sending again (a `RateLimit-Reset`
    /// further away is treated as this far). Default 60 s.
    pub max_pacing_wait: Duration,
    /// After each creation, poll until the redemption link appears, so each sent row carries it. Default on.
    pub wait_for_redemption_url: bool,
    /// Between polls. Default 500 ms.
    pub poll_interval: Duration,
    /// How long to wait for a redemption link before leaving it empty. Default 30 s.
    pub poll_timeout: Duration,
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            min_interval: Duration::ZERO,
            max_pacing_wait: Duration::from_secs(60),
            wait_for_redemption_url: true,
            poll_interval: Duration::from_millis(500),
            poll_timeout: Duration::from_secs(30),
        }
    }
}

impl RunOptions {
    /// The options, each held to the core's bounds (see [`crate::config`]): `min_interval` and
    /// `max_pacing_wait` from 0, `poll_interval` from
    /// [`MIN_POLL_INTERVAL_MS`](crate::limits::MIN_POLL_INTERVAL_MS) and `poll_timeout` from 1 ms, all to
    /// [`MAX_TIMEOUT_MS`](crate::limits::MAX_TIMEOUT_MS) (24 days), in whole milliseconds. `names` are those
    /// four options as the host names them, in that order, for the refusal's `param`. Every host checks its
    /// options here before it starts a run, so that no value (a poll interval of 0, a pause of a thousand
    /// years) reaches one.
    pub fn checked(self, names: [&'static str; 4]) -> Result<RunOptions, ConfigError> {
        let [min_interval, max_pacing_wait, poll_interval, poll_timeout] = names;
        let ms = |d: Duration| if d.subsec_nanos() % 1_000_000 == 0 { d.as_millis() as f64 } else { f64::NAN };
        Ok(RunOptions {
            min_interval: checked_pause(ms(self.min_interval), min_interval)?,
            max_pacing_wait: checked_pause(ms(self.max_pacing_wait), max_pacing_wait)?,
            wait_for_redemption_url: self.wait_for_redemption_url,
            poll_interval: checked_interval(ms(self.poll_interval), poll_interval)?,
            poll_timeout: checked_timeout(ms(self.poll_timeout), poll_timeout)?,
        })
    }
}

/// What the host does next for a [`BatchRun`].
#[derive(Debug)]
pub enum BatchAction<'a> {
    /// Append this entry to the journal, durably, before asking for the next action.
    Persist(Box<JournalEntry>),
    /// Send this request, then hand the answer to [`BatchRun::handle_response`] (or the failure to
    /// [`BatchRun::handle_transport_failure`]).
    Send(&'a Request),
    /// Sleep this long, then ask again.
    Wait(Duration),
    /// Every row has its outcome: read [`BatchRun::results`] (or [`BatchRun::take_results`]).
    Done,
}

/// What the host of a streaming run does next ([`BatchRun::next_step`]).
#[derive(Debug)]
pub enum StreamStep<'a> {
    /// Carry out this action, as from [`BatchRun::next_action`].
    Act(BatchAction<'a>),
    /// The run has sent every row pushed so far: [`BatchRun::push`] the next rows (as many as the host
    /// wants to hold at once), or [`BatchRun::close`] the run when there are no more, then ask again.
    NeedRows,
}

/// Counts of rows by outcome so far. Every count only grows.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Progress {
    /// Rows in the batch (of a streaming run: the rows pushed so far).
    pub total: usize,
    /// Rows with an outcome.
    pub finished: usize,
    /// Sent.
    pub sent: usize,
    /// Skipped.
    pub skipped: usize,
    /// Failed.
    pub failed: usize,
    /// Outcome unknown.
    pub unknown: usize,
}

#[derive(Debug)]
enum Active {
    /// `journaled`: the `sending` entry of the attempt about to go out has been handed to the host.
    Create { call: Box<Call<CreateGiftRequest>>, journaled: bool },
    /// Waiting for the link of the gift the row created (its result is held until the wait ends).
    Poll { poller: Box<Poller>, result: Box<RowResult> },
}

/// A planned batch being sent: a sans-IO state machine. Loop on [`BatchRun::next_action`] (a streaming
/// run: [`BatchRun::next_step`]) and do what it says: persist, send, wait, push rows; stop at
/// [`BatchAction::Done`].
///
/// ```text
/// loop {
///     match run.next_step(now()) {                                        // whole plan: next_action
///         StreamStep::Act(BatchAction::Persist(entry)) => journal.append_line(entry.to_json_line()), // durably
///         StreamStep::Act(BatchAction::Send(request)) => match transport.send(request) {
///             Ok(response) => run.handle_response(&response, now()),
///             Err(failure) => run.handle_transport_failure(failure, now()),
///         },
///         StreamStep::Act(BatchAction::Wait(delay)) => sleep(delay),
///         StreamStep::NeedRows => match next_rows() {
///             Some(rows) => rows.into_iter().for_each(|row| run.push(planner.plan_row(&row, ...))),
///             None => run.close(),
///         },
///         StreamStep::Act(BatchAction::Done) => break,
///     }
///     write_out(run.take_results());                                      // as rows settle
/// }
/// ```
/// Each attempt of a gift creation is journaled as `sending` right before it is handed out (after any wait,
/// so that a run killed while waiting has not claimed a request it never sent). Its answer is journaled
/// before the run waits or moves on: `not_sent` when it proves that nothing was created and the attempt
/// will be repeated (429, 503, a connection that never sent), `finished` with the outcome otherwise. A run
/// killed at any point and planned again from its journal sends no row twice, and reports as outcome
/// unknown only a row whose last request may have reached the server.
///
/// Memory: the rows pushed and not yet started, the row being sent, and the results not yet taken.
#[derive(Debug)]
pub struct BatchRun {
    client: Client,
    options: RunOptions,
    /// Planned rows not started yet.
    queue: VecDeque<PlannedRow>,
    /// Whether no more rows will be pushed.
    closed: bool,
    /// The row being sent (with `active`).
    current: Option<PlannedRow>,
    active: Option<Active>,
    /// Results settled and not taken yet, in row order.
    settled: VecDeque<RowResult>,
    progress: Progress,
    to_persist: VecDeque<JournalEntry>,
    not_before: Option<Timestamp>,
    last_create_sent: Option<Timestamp>,
}

impl BatchRun {
    /// A run of a whole `plan` through `client`: every row is there from the start, and every result stays
    /// until the run is dropped (or taken).
    pub fn new(client: Client, plan: Plan, options: RunOptions) -> BatchRun {
        let mut run = BatchRun::streaming(client, options);
        for row in plan.rows {
            run.push(row);
        }
        run.close();
        run
    }

    /// A run that takes its rows as they come: it asks for them with [`StreamStep::NeedRows`] from [`BatchRun::next_step`]; push them
    /// in order (each planned by one [`crate::batch::Planner`]) and close the run after the last.
    pub fn streaming(client: Client, options: RunOptions) -> BatchRun {
        BatchRun {
            client,
            options,
            queue: VecDeque::new(),
            closed: false,
            current: None,
            active: None,
            settled: VecDeque::new(),
            progress: Progress::default(),
            to_persist: VecDeque::new(),
            not_before: None,
            last_create_sent: None,
        }
    }

    /// Adds a planned row after those pushed before. A row pushed after [`BatchRun::close`] is ignored.
    pub fn push(&mut self, row: PlannedRow) {
        if self.closed {
            return;
        }
        self.progress.total += 1;
        self.queue.push_back(row);
    }

    /// Says that no more rows will be pushed: once those pushed are settled, the run is done.
    pub fn close(&mut self) {
        self.closed = true;
    }

    /// How many pushed rows have not started yet.
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// What to do next, for a run of a whole plan: call it first, and again after carrying out each action.
    /// Rows whose outcome the plan already knows are settled here without any I/O. (A streaming run's host
    /// calls [`BatchRun::next_step`], which also asks for rows; here a streaming run with no row left to
    /// start answers `Done` until it gets more.)
    pub fn next_action(&mut self, now: Timestamp) -> BatchAction<'_> {
        if let Some(entry) = self.to_persist.pop_front() {
            return BatchAction::Persist(Box::new(entry));
        }
        if self.active.is_none() {
            self.start_next_row();
        }
        if self.active.is_none() {
            return BatchAction::Done;
        }
        if let Some(at) = self.not_before.filter(|at| *at > now) {
            return BatchAction::Wait(at.since(now));
        }
        if let Some(entry) = self.journal_attempt(now) {
            return BatchAction::Persist(Box::new(entry));
        }
        match &self.active {
            Some(Active::Create { call, .. }) => {
                self.last_create_sent = Some(now);
                BatchAction::Send(call.request())
            }
            Some(Active::Poll { poller, .. }) => BatchAction::Send(poller.request()),
            None => BatchAction::Done,
        }
    }

    /// What to do next, for a streaming run: an action, or [`StreamStep::NeedRows`] when every row pushed so
    /// far is sent and the run is not closed.
    pub fn next_step(&mut self, now: Timestamp) -> StreamStep<'_> {
        if self.to_persist.is_empty() && self.active.is_none() {
            self.start_next_row();
            if self.to_persist.is_empty() && self.active.is_none() && !self.closed {
                return StreamStep::NeedRows;
            }
        }
        StreamStep::Act(self.next_action(now))
    }

    /// The `sending` entry of a creation attempt about to be handed out, once per attempt.
    fn journal_attempt(&mut self, now: Timestamp) -> Option<JournalEntry> {
        let Some(Active::Create { journaled, .. }) = &mut self.active else { return None };
        if *journaled {
            return None;
        }
        *journaled = true;
        Some(self.journal_entry(JournalEvent::Sending, now))
    }

    /// Hands over the answer to the request of the last [`BatchAction::Send`].
    pub fn handle_response(&mut self, response: &Response, now: Timestamp) {
        self.pace(&ResponseMeta::read(response, now), now);
        match self.active.take() {
            Some(Active::Create { mut call, .. }) => {
                let step = call.handle_response(response, now);
                self.after_create(call, step, Some(response.status), now);
            }
            Some(Active::Poll { mut poller, result }) => {
                let step = poller.handle_response(response, now);
                self.after_poll(poller, result, step, now);
            }
            None => {}
        }
    }

    /// Hands over a failure to get an answer to the last [`BatchAction::Send`].
    pub fn handle_transport_failure(&mut self, failure: TransportFailure, now: Timestamp) {
        match self.active.take() {
            Some(Active::Create { mut call, .. }) => {
                let step = call.handle_transport_failure(failure, now);
                self.after_create(call, step, None, now);
            }
            Some(Active::Poll { mut poller, result }) => {
                let step = poller.handle_transport_failure(failure, now);
                self.after_poll(poller, result, step, now);
            }
            None => {}
        }
    }

    /// Counts by outcome so far: for a progress bar. A row is counted once, when its outcome is first
    /// known, so every count only grows.
    pub fn progress(&self) -> Progress {
        self.progress
    }

    /// The results settled and not taken yet, in row order (of a run that no one takes from: every row
    /// settled so far).
    pub fn results(&self) -> Vec<RowResult> {
        self.settled.iter().cloned().collect()
    }

    /// Takes the results settled since the last take, in row order: a streaming host writes them out and
    /// forgets them. A sent row waiting for its redemption link comes once the wait ends.
    pub fn take_results(&mut self) -> Vec<RowResult> {
        self.settled.drain(..).collect()
    }

    fn start_next_row(&mut self) {
        while let Some(row) = self.queue.pop_front() {
            match &row.action {
                PlannedAction::Known { outcome, from_journal } => {
                    let (outcome, from_journal) = (outcome.clone(), *from_journal);
                    let result = self.settle(&row, outcome, from_journal);
                    self.settled.push_back(result);
                }
                PlannedAction::Send { body } => match self.client.create_gift_request_json(body) {
                    Ok(call) => {
                        self.active = Some(Active::Create { call: Box::new(call), journaled: false });
                        self.current = Some(row);
                        if let Some(previous) = self.last_create_sent {
                            self.not_before = self.not_before.max(Some(previous.plus(self.options.min_interval)));
                        }
                        return;
                    }
                    Err(error) => {
                        let result = self.settle(&row, RowOutcome::Failed { error: RowError::from(&error) }, false);
                        self.settled.push_back(result);
                    }
                },
            }
        }
    }

    /// Acts on the verdict on a creation attempt; `status` is its answer's, `None` when none came.
    fn after_create(&mut self, call: Box<Call<CreateGiftRequest>>, step: Step<Reply<GiftRequest>>, status: Option<u16>, now: Timestamp) {
        match step {
            // A creation is only ever retried after an answer that proves nothing was created (see
            // `crate::retry`): journaled as such before the wait, so that a run killed while waiting
            // sends the row again.
            Step::Wait(delay) => {
                let entry = self.journal_entry(JournalEvent::NotSent { status }, now);
                self.to_persist.push_back(entry);
                self.not_before = self.not_before.max(Some(now.plus(delay)));
                self.active = Some(Active::Create { call, journaled: false });
            }
            Step::Done(reply) => {
                let gift = reply.value;
                let outcome = RowOutcome::Sent {
                    gift_request_id: gift.id,
                    redemption_url: gift.redemption_url.clone(),
                    request_id: reply.meta.request_id,
                };
                let result = self.finish(outcome, now);
                if self.options.wait_for_redemption_url && gift.redemption_url.is_none() {
                    let id = gift.id.to_string();
                    let wait = self.client.wait_for_gift_request(
                        &id,
                        PollTarget::RedemptionUrl,
                        self.options.poll_interval,
                        self.options.poll_timeout,
                    );
                    if let Ok(poller) = wait {
                        self.not_before = self.not_before.max(Some(now.plus(self.options.poll_interval)));
                        self.active = Some(Active::Poll { poller: Box::new(poller), result: Box::new(result) });
                        return;
                    }
                }
                self.release(result);
            }
            Step::Failed(error) => {
                let outcome = match &error {
                    Error::OutcomeUnknown(unknown) => {
                        RowOutcome::OutcomeUnknown { request_id: unknown.request_id.clone(), reason: error.to_string() }
                    }
                    _ => RowOutcome::Failed { error: RowError::from(&error) },
                };
                let result = self.finish(outcome, now);
                self.release(result);
            }
        }
    }

    fn after_poll(&mut self, poller: Box<Poller>, mut result: Box<RowResult>, step: Step<Reply<GiftRequest>>, now: Timestamp) {
        match step {
            Step::Wait(delay) => {
                self.not_before = self.not_before.max(Some(now.plus(delay)));
                self.active = Some(Active::Poll { poller, result });
            }
            Step::Done(reply) => {
                if let RowOutcome::Sent { gift_request_id, request_id, .. } = &result.outcome {
                    let outcome = RowOutcome::Sent {
                        gift_request_id: *gift_request_id,
                        redemption_url: reply.value.redemption_url,
                        request_id: request_id.clone(),
                    };
                    self.to_persist.push_back(self.journal_entry(JournalEvent::Finished { outcome: outcome.clone() }, now));
                    result.outcome = outcome;
                }
                self.release(*result);
            }
            // The gift exists; only its link is missing (a timeout, a cancellation): the row stays sent.
            Step::Failed(_) => self.release(*result),
        }
    }

    /// Slows down when the window's requests are used up, until the window resets.
    fn pace(&mut self, meta: &ResponseMeta, now: Timestamp) {
        if meta.rate_limit.remaining != Some(0) {
            return;
        }
        if let Some(reset) = meta.rate_limit.reset {
            let until = Timestamp::from_unix_seconds(reset).min(now.plus(self.options.max_pacing_wait));
            if until > now {
                self.not_before = self.not_before.max(Some(until));
            }
        }
    }

    /// An entry about the row being sent.
    fn journal_entry(&self, event: JournalEvent, now: Timestamp) -> JournalEntry {
        let row = self.current.as_ref();
        JournalEntry {
            send_key: row.map(|r| r.send_key.clone()).unwrap_or_default(),
            row_key: row.map(|r| r.row_key.clone()).unwrap_or_default(),
            at: now,
            event,
        }
    }

    /// Records the outcome of the row being sent: journaled and counted; its result is returned, to be
    /// released once nothing more is awaited for it.
    fn finish(&mut self, outcome: RowOutcome, now: Timestamp) -> RowResult {
        let entry = self.journal_entry(JournalEvent::Finished { outcome: outcome.clone() }, now);
        self.to_persist.push_back(entry);
        let Some(row) = self.current.take() else {
            return RowResult { index: 0, row_key: String::new(), send_key: String::new(), outcome, from_journal: false };
        };
        let result = self.settle(&row, outcome, false);
        self.current = Some(row);
        result
    }

    /// Hands the result of the row being sent to the host, and lets the row go.
    fn release(&mut self, result: RowResult) {
        self.current = None;
        self.settled.push_back(result);
    }

    /// Counts a row's outcome and makes its result.
    fn settle(&mut self, row: &PlannedRow, outcome: RowOutcome, from_journal: bool) -> RowResult {
        let progress = &mut self.progress;
        progress.finished += 1;
        match outcome {
            RowOutcome::Sent { .. } => progress.sent += 1,
            RowOutcome::Skipped { .. } => progress.skipped += 1,
            RowOutcome::Failed { .. } => progress.failed += 1,
            RowOutcome::OutcomeUnknown { .. } => progress.unknown += 1,
        }
        RowResult { index: row.index, row_key: row.row_key.clone(), send_key: row.send_key.clone(), outcome, from_journal }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use super::*;
    use crate::batch::{BatchRow, BatchSettings, Journal, JournalState, plan};
    use crate::history::GiftHistory;
    use crate::http::Headers;
    use crate::params::NewRecipient;
    use crate::{Config, Method};

    const CAMPAIGN: &str = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
    const START: Timestamp = Timestamp::from_unix_seconds(1_776_335_400);

    /// What the scripted server does with one creation attempt.
    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    enum Answer {
        /// 201, the gift created; with `RateLimit-Remaining: 0` when `last_in_window`.
        Created { last_in_window: bool },
        /// This status, nothing created (429 and 503 carry `Retry-After: 2`).
        Refused(u16),
        /// 500 after creating the gift.
        ErrorAfterCreate,
        /// The connection never opened: nothing arrived.
        NotSent,
        /// The connection dropped after the gift was created.
        DroppedAfterCreate,
    }

    const CREATED: Answer = Answer::Created { last_in_window: false };

    /// One thing the host did, for a row: what a kill right after it may leave unrecorded.
    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    enum Step {
        /// Stored a journal line.
        Stored,
        /// Sent a creation (it arrived, unless the answer is `NotSent`).
        Sent,
        /// Handed the answer to the run.
        Answered,
        /// Slept.
        Waited,
    }

    /// The host and the server, step by step, so that a test can stop (kill) the host after any step.
    struct World {
        journal: Vec<String>,
        /// Every step done, with the row it concerned.
        steps: Vec<(Step, Option<usize>)>,
        /// Gifts created, per row.
        created: Vec<usize>,
        /// Rows whose last attempt got an answer that does not prove nothing was created.
        maybe_created: Vec<usize>,
        script: VecDeque<Answer>,
        now: Timestamp,
    }

    impl World {
        fn new(script: &[Answer]) -> World {
            let (journal, steps, created, maybe_created) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            World { journal, steps, created, maybe_created, script: script.iter().copied().collect(), now: START }
        }

        fn row_of(request: &Request) -> usize {
            let body: serde_json::Value = serde_json::from_slice(request.body.as_deref().unwrap_or_default()).unwrap_or_default();
            body["recipient"]["last_name"].as_str().and_then(|n| n.strip_prefix('N')).and_then(|n| n.parse().ok()).unwrap_or(usize::MAX)
        }

        fn headers(&self, remaining: u32) -> Headers {
            let mut headers = Headers::new();
            headers.push("Request-Id", "6f1c1a52-3a7e-4c56-9a3b-2d1c9b8e7f60");
            headers.push("RateLimit-Remaining", remaining.to_string());
            headers.push("RateLimit-Reset", (self.now.unix_seconds() + 1).to_string());
            headers
        }

        fn created_response(&mut self, row: usize, remaining: u32) -> Response {
            self.created.push(row);
            let id = format!("11111111-1111-4111-8111-{row:012}");
            let body = format!(
                r#"{{"id":"{id}","status":"submitted","campaign_id":"{CAMPAIGN}","redemption_url":null,
                "recipient":{{"id":null,"first_name":"F{row}","last_name":"N{row}","email":null}},"shipping_address":null,
                "line_items":null,"created_at":"{0}","updated_at":"{0}"}}"#,
                self.now
            );
            Response::new(201, self.headers(remaining), body)
        }

        /// The server's side of one creation attempt.
        fn arrive(&mut self, row: usize) -> Result<Response, TransportFailure> {
            let error = |code: &str| format!(r#"{{"errors":[{{"type":"api_error","code":"{code}","message":"no"}}]}}"#);
            let answer = self.script.pop_front().unwrap_or(CREATED);
            self.maybe_created.retain(|r| *r != row);
            match answer {
                Answer::Created { last_in_window } => Ok(self.created_response(row, if last_in_window { 0 } else { 50 })),
                Answer::Refused(status) => {
                    let mut headers = self.headers(50);
                    headers.push("Retry-After", "2");
                    Ok(Response::new(status, headers, error("refused")))
                }
                Answer::ErrorAfterCreate => {
                    self.created_response(row, 50);
                    self.maybe_created.push(row);
                    Ok(Response::new(500, self.headers(50), error("internal")))
                }
                Answer::NotSent => Err(TransportFailure::NotSent),
                Answer::DroppedAfterCreate => {
                    self.created_response(row, 50);
                    self.maybe_created.push(row);
                    Err(TransportFailure::MaybeSent)
                }
            }
        }

        /// Carries out the run's actions until it is done or `kill_after` steps are done. Returns whether
        /// the run was killed.
        fn drive(&mut self, run: &mut BatchRun, kill_after: Option<usize>) -> bool {
            let mut pending: Option<(usize, Result<Response, TransportFailure>)> = None;
            loop {
                if kill_after.is_some_and(|k| self.steps.len() >= k) {
                    return true;
                }
                if let Some((row, answer)) = pending.take() {
                    self.now = self.now.plus(Duration::from_millis(20));
                    match answer {
                        Ok(response) => run.handle_response(&response, self.now),
                        Err(failure) => run.handle_transport_failure(failure, self.now),
                    }
                    self.steps.push((Step::Answered, Some(row)));
                    continue;
                }
                match run.next_action(self.now) {
                    BatchAction::Persist(entry) => {
                        let row = entry.row_key.strip_prefix('r').and_then(|r| r.parse().ok());
                        self.journal.push(entry.to_json_line());
                        self.steps.push((Step::Stored, row));
                    }
                    BatchAction::Send(request) if request.method == Method::Post => {
                        let row = World::row_of(request);
                        pending = Some((row, self.arrive(row)));
                        self.steps.push((Step::Sent, Some(row)));
                    }
                    BatchAction::Send(request) => panic!("only creations are sent here: {request:?}"),
                    BatchAction::Wait(delay) => {
                        self.now = self.now.plus(delay);
                        self.steps.push((Step::Waited, None));
                    }
                    BatchAction::Done => return false,
                }
            }
        }

        /// Whether a kill right now leaves `row` in doubt: its last step (storing its `sending` line,
        /// sending, or taking the answer) is the last step done, with nothing recorded since.
        fn in_flight(&self, row: usize) -> bool {
            matches!(self.steps.last(), Some((Step::Stored | Step::Sent | Step::Answered, Some(r))) if *r == row)
                && !self.journal.last().is_some_and(|line| line.contains(r#""event":"not_sent""#) || line.contains(r#""event":"finished""#))
        }
    }

    fn rows(n: usize) -> Vec<BatchRow> {
        (0..n).map(|i| BatchRow::new(format!("r{i}"), NewRecipient::new(format!("F{i}"), format!("N{i}")))).collect()
    }

    fn client() -> Client {
        Client::new(Config::builder().api_key("ao-v1-staging-batch").base_url("http://127.0.0.1:9").jitter_seed(7).build().unwrap())
    }

    fn planned(rows: &[BatchRow], journal: &Journal) -> Plan {
        plan(rows, &BatchSettings { campaign_id: CAMPAIGN.into(), ..BatchSettings::default() }, &GiftHistory::new(), journal, START)
    }

    fn options() -> RunOptions {
        RunOptions { wait_for_redemption_url: false, min_interval: Duration::from_millis(100), ..RunOptions::default() }
    }

    fn events(journal: &[String]) -> Vec<String> {
        journal
            .iter()
            .map(|line| {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                match v["status"].as_u64() {
                    Some(status) => format!("{} {} {status}", v["row_key"].as_str().unwrap(), v["event"].as_str().unwrap()),
                    None => format!("{} {}", v["row_key"].as_str().unwrap(), v["event"].as_str().unwrap()),
                }
            })
            .collect()
    }

    #[test]
    fn run_options_are_held_to_the_core_bounds_naming_the_host_s_field() {
        const NAMES: [&str; 4] = ["min", "pacing", "poll", "timeout"];
        let defaults = RunOptions::default();
        assert_eq!(defaults.clone().checked(NAMES).unwrap(), defaults);
        let ms = Duration::from_millis;
        let max = crate::limits::MAX_TIMEOUT_MS;
        let zero_pauses = RunOptions { min_interval: Duration::ZERO, max_pacing_wait: Duration::ZERO, ..RunOptions::default() };
        assert!(zero_pauses.checked(NAMES).is_ok(), "no pause is a pause");
        let refused = [
            (RunOptions { poll_interval: Duration::ZERO, ..RunOptions::default() }, "poll"),
            (RunOptions { poll_interval: ms(crate::limits::MIN_POLL_INTERVAL_MS - 1), ..RunOptions::default() }, "poll"),
            (RunOptions { poll_timeout: Duration::ZERO, ..RunOptions::default() }, "timeout"),
            (RunOptions { poll_timeout: ms(max + 1), ..RunOptions::default() }, "timeout"),
            (RunOptions { min_interval: ms(max + 1), ..RunOptions::default() }, "min"),
            (RunOptions { min_interval: Duration::from_micros(1500), ..RunOptions::default() }, "min"),
            (RunOptions { max_pacing_wait: Duration::MAX, ..RunOptions::default() }, "pacing"),
        ];
        for (options, field) in refused {
            let error = options.clone().checked(NAMES).unwrap_err();
            assert_eq!((error.code, error.param), (crate::config::ConfigErrorCode::InvalidOption, Some(field)), "{options:?}");
        }
        assert_eq!(
            RunOptions { poll_timeout: ms(max), min_interval: ms(max), ..RunOptions::default() }.checked(NAMES).unwrap().poll_timeout,
            ms(max)
        );
    }

    #[test]
    fn an_answer_that_proves_nothing_was_created_is_journaled_before_the_wait() {
        let rows = rows(2);
        let mut world = World::new(&[Answer::Refused(429), Answer::NotSent, Answer::Refused(503), CREATED, CREATED]);
        let mut run = BatchRun::new(client(), planned(&rows, &Journal::new()), options());
        assert!(!world.drive(&mut run, None));
        assert_eq!(
            events(&world.journal),
            [
                "r0 sending",
                "r0 not_sent 429",
                "r0 sending",
                "r0 not_sent",
                "r0 sending",
                "r0 not_sent 503",
                "r0 sending",
                "r0 finished",
                "r1 sending",
                "r1 finished"
            ]
        );
        // Each `not_sent` is stored before the wait it announces; each `sending` right before its send.
        let kinds: Vec<Step> = world.steps.iter().map(|(s, _)| *s).collect();
        for (i, window) in kinds.windows(2).enumerate() {
            if window[1] == Step::Sent {
                assert_eq!(window[0], Step::Stored, "step {i}: a send follows its `sending` line at once");
            }
            if window[1] == Step::Waited {
                assert_ne!(window[0], Step::Answered, "step {i}: an answer is journaled before the wait");
            }
        }
        assert_eq!(world.created, [0, 1]);
    }

    #[test]
    fn a_pacing_wait_comes_before_the_sending_line() {
        let rows = rows(2);
        let mut world = World::new(&[Answer::Created { last_in_window: true }, CREATED]);
        let mut run = BatchRun::new(client(), planned(&rows, &Journal::new()), options());
        assert!(!world.drive(&mut run, None));
        let r1_sending = world.journal.iter().position(|l| l.contains(r#""row_key":"r1","#) && l.contains("sending")).unwrap();
        let kinds: Vec<Step> = world.steps.iter().map(|(s, _)| *s).collect();
        let stored_at: Vec<usize> = kinds.iter().enumerate().filter(|(_, s)| **s == Step::Stored).map(|(i, _)| i).collect();
        let step_of_r1_sending = stored_at[r1_sending];
        assert_eq!(kinds[step_of_r1_sending - 1], Step::Waited, "{kinds:?}");
        assert_eq!(kinds[step_of_r1_sending + 1], Step::Sent, "{kinds:?}");
    }

    /// Kills the host after every step of a run that meets every kind of answer, plans again from the
    /// journal, and checks that only the row in flight (or one whose gift may exist) is outcome unknown,
    /// that a row planned to be sent has no gift, and that the resumed run creates no gift twice.
    #[test]
    fn killed_after_any_step_only_a_row_in_flight_is_outcome_unknown() {
        let script = [
            Answer::Refused(429),
            CREATED,
            Answer::NotSent,
            Answer::Refused(503),
            Answer::Created { last_in_window: true },
            Answer::Refused(422),
            Answer::ErrorAfterCreate,
            Answer::DroppedAfterCreate,
            Answer::Refused(429),
            CREATED,
        ];
        let rows = rows(6);
        let mut full = World::new(&script);
        assert!(!full.drive(&mut BatchRun::new(client(), planned(&rows, &Journal::new()), options()), None));
        let total = full.steps.len();
        assert!(total > 30, "{total}");
        for kill_after in 0..=total {
            let mut world = World::new(&script);
            let mut run = BatchRun::new(client(), planned(&rows, &Journal::new()), options());
            world.drive(&mut run, Some(kill_after));
            drop(run);
            let may_be_unknown: Vec<usize> = (0..rows.len()).filter(|r| world.in_flight(*r) || world.maybe_created.contains(r)).collect();
            let journal = Journal::from_json_lines(&world.journal.join("\n")).unwrap();
            let replanned = planned(&rows, &journal);
            for (row, planned_row) in replanned.rows.iter().enumerate() {
                let gifts = world.created.iter().filter(|r| **r == row).count();
                let recorded = journal.state(&planned_row.send_key);
                match &planned_row.action {
                    PlannedAction::Send { .. } => assert_eq!(gifts, 0, "kill after {kill_after}: row {row} would be sent again"),
                    PlannedAction::Known { outcome: RowOutcome::OutcomeUnknown { .. }, .. } => assert!(
                        may_be_unknown.contains(&row),
                        "kill after {kill_after}: row {row} is outcome unknown, but its last answer proved nothing was created \
                         or it was never sent ({recorded:?}; last steps {:?})",
                        world.steps.iter().rev().take(3).collect::<Vec<_>>()
                    ),
                    PlannedAction::Known { outcome: RowOutcome::Sent { .. }, .. } => {
                        assert_eq!(gifts, 1, "kill after {kill_after}: row {row}")
                    }
                    PlannedAction::Known { outcome, .. } => panic!("kill after {kill_after}: row {row} is {outcome:?}"),
                }
            }
            // Resumed (meeting the rest of the script), no gift is created twice and every row is accounted for.
            let mut run = BatchRun::new(client(), replanned, options());
            assert!(!world.drive(&mut run, None));
            assert_eq!(run.results().len(), rows.len());
            for row in 0..rows.len() {
                assert!(world.created.iter().filter(|r| **r == row).count() <= 1, "kill after {kill_after}: row {row} created twice");
            }
            for result in run.results() {
                if matches!(result.outcome, RowOutcome::OutcomeUnknown { .. }) {
                    let allowed = may_be_unknown.contains(&result.index) || world.maybe_created.contains(&result.index);
                    assert!(allowed, "kill after {kill_after}: {result:?}");
                }
            }
        }
    }

    #[test]
    fn a_streamed_run_asks_for_rows_holds_a_window_and_gives_the_results_of_a_whole_run() {
        use crate::batch::Planner;
        let rows = rows(10);
        let script = [CREATED, Answer::Refused(429), CREATED, Answer::Refused(422), Answer::ErrorAfterCreate];
        let mut whole = BatchRun::new(client(), planned(&rows, &Journal::new()), options());
        let mut whole_world = World::new(&script);
        whole_world.drive(&mut whole, None);

        let mut world = World::new(&script);
        let mut planner = Planner::new(BatchSettings { campaign_id: CAMPAIGN.into(), ..BatchSettings::default() });
        let mut run = BatchRun::streaming(client(), options());
        let (mut next, mut asked, mut taken, mut last) = (0, 0, Vec::new(), Progress::default());
        loop {
            let progress = run.progress();
            assert!(progress.finished >= last.finished && progress.total >= last.total, "{last:?} then {progress:?}");
            last = progress;
            assert!(run.queued() <= 3, "the run holds at most the window pushed");
            let pending = match run.next_step(world.now) {
                StreamStep::NeedRows => {
                    asked += 1;
                    for row in rows.iter().skip(next).take(3) {
                        run.push(planner.plan_row(row, &GiftHistory::new(), &Journal::new(), START));
                    }
                    next += 3;
                    if next >= rows.len() {
                        run.close();
                    }
                    None
                }
                StreamStep::Act(BatchAction::Persist(entry)) => {
                    world.journal.push(entry.to_json_line());
                    None
                }
                StreamStep::Act(BatchAction::Send(request)) => {
                    let row = World::row_of(request);
                    Some(world.arrive(row))
                }
                StreamStep::Act(BatchAction::Wait(delay)) => {
                    world.now = world.now.plus(delay);
                    None
                }
                StreamStep::Act(BatchAction::Done) => break,
            };
            match pending {
                Some(Ok(response)) => run.handle_response(&response, world.now),
                Some(Err(failure)) => run.handle_transport_failure(failure, world.now),
                None => {}
            }
            taken.extend(run.take_results());
        }
        assert_eq!(asked, 4, "10 rows pushed 3 at a time");
        assert!(run.results().is_empty(), "every result was taken");
        assert_eq!(taken, whole.results());
        assert_eq!(run.progress(), whole.progress());
        assert_eq!(events(&world.journal), events(&whole_world.journal));
        assert_eq!(world.created, whole_world.created);
    }

    #[test]
    fn a_row_refused_with_a_4xx_is_planned_afresh() {
        let rows = rows(1);
        let mut world = World::new(&[Answer::Refused(422)]);
        let mut run = BatchRun::new(client(), planned(&rows, &Journal::new()), options());
        world.drive(&mut run, None);
        assert!(matches!(run.results()[0].outcome, RowOutcome::Failed { .. }));
        let journal = Journal::from_json_lines(&world.journal.join("\n")).unwrap();
        let state = journal.state(&run.results()[0].send_key).unwrap();
        assert!(matches!(state, JournalState::Finished(RowOutcome::Failed { .. })) && state.proves_nothing_created());
        assert!(matches!(planned(&rows, &journal).rows[0].action, PlannedAction::Send { .. }));
    }
}
