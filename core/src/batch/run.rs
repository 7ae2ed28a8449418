//! Running a planned batch: one creation at a time, paced by the rate-limit headers, journaled before and
//! after every send.

use std::collections::VecDeque;
use std::time::Duration;

use crate::batch::journal::{JournalEntry, JournalEvent};
use crate::batch::outcome::{RowError, RowOutcome, RowResult};
use crate::batch::plan::{Plan, PlannedAction, PlannedRow};
use crate::call::{Call, Reply, Step};
use crate::client::Client;
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
    /// Every row has its outcome: read [`BatchRun::results`].
    Done,
}

/// Counts of rows by outcome so far.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Progress {
    /// Rows in the batch.
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
    Create { index: usize, call: Box<Call<CreateGiftRequest>>, handed_out: bool },
    Poll { index: usize, poller: Box<Poller> },
}

/// A planned batch being sent: a sans-IO state machine. Loop on [`BatchRun::next_action`] and do what it
/// says: persist, send, wait; stop at [`BatchAction::Done`].
///
/// ```text
/// loop {
///     match run.next_action(now()) {
///         BatchAction::Persist(entry) => journal.append_line(entry.to_json_line()),   // durably
///         BatchAction::Send(request) => match transport.send(request) {
///             Ok(response) => run.handle_response(&response, now()),
///             Err(failure) => run.handle_transport_failure(failure, now()),
///         },
///         BatchAction::Wait(delay) => sleep(delay),
///         BatchAction::Done => break,
///     }
/// }
/// ```
/// A gift creation is journaled as `sending` before it is handed out and as `finished` after: a run killed
/// at any point and planned again from its journal sends no row twice.
#[derive(Debug)]
pub struct BatchRun {
    client: Client,
    options: RunOptions,
    rows: Vec<PlannedRow>,
    results: Vec<Option<RowResult>>,
    progress: Progress,
    next_row: usize,
    active: Option<Active>,
    to_persist: VecDeque<JournalEntry>,
    not_before: Option<Timestamp>,
    last_create_sent: Option<Timestamp>,
}

impl BatchRun {
    /// A run of `plan` through `client`.
    pub fn new(client: Client, plan: Plan, options: RunOptions) -> BatchRun {
        let total = plan.rows.len();
        BatchRun {
            client,
            options,
            results: vec![None; total],
            rows: plan.rows,
            progress: Progress { total, ..Progress::default() },
            next_row: 0,
            active: None,
            to_persist: VecDeque::new(),
            not_before: None,
            last_create_sent: None,
        }
    }

    /// What to do next. Rows whose outcome the plan already knows are settled here without any I/O.
    pub fn next_action(&mut self, now: Timestamp) -> BatchAction<'_> {
        if let Some(entry) = self.to_persist.pop_front() {
            return BatchAction::Persist(Box::new(entry));
        }
        if self.active.is_none() {
            self.start_next_row(now);
            if let Some(entry) = self.to_persist.pop_front() {
                return BatchAction::Persist(Box::new(entry));
            }
        }
        if self.active.is_none() {
            return BatchAction::Done;
        }
        if let Some(at) = self.not_before.filter(|at| *at > now) {
            return BatchAction::Wait(at.since(now));
        }
        if let Some(Active::Create { handed_out, .. }) = &mut self.active {
            if !*handed_out {
                *handed_out = true;
                self.last_create_sent = Some(now);
            }
        }
        match &self.active {
            Some(Active::Create { call, .. }) => BatchAction::Send(call.request()),
            Some(Active::Poll { poller, .. }) => BatchAction::Send(poller.request()),
            None => BatchAction::Done,
        }
    }

    /// Hands over the answer to the request of the last [`BatchAction::Send`].
    pub fn handle_response(&mut self, response: &Response, now: Timestamp) {
        self.pace(&ResponseMeta::read(response, now), now);
        match self.active.take() {
            Some(Active::Create { index, mut call, .. }) => {
                let step = call.handle_response(response, now);
                self.after_create(index, call, step, now);
            }
            Some(Active::Poll { index, mut poller }) => {
                let step = poller.handle_response(response, now);
                self.after_poll(index, poller, step, now);
            }
            None => {}
        }
    }

    /// Hands over a failure to get an answer to the last [`BatchAction::Send`].
    pub fn handle_transport_failure(&mut self, failure: TransportFailure, now: Timestamp) {
        match self.active.take() {
            Some(Active::Create { index, mut call, .. }) => {
                let step = call.handle_transport_failure(failure, now);
                self.after_create(index, call, step, now);
            }
            Some(Active::Poll { index, mut poller }) => {
                let step = poller.handle_transport_failure(failure, now);
                self.after_poll(index, poller, step, now);
            }
            None => {}
        }
    }

    /// Counts by outcome so far: for a progress bar.
    pub fn progress(&self) -> Progress {
        self.progress
    }

    /// The outcome of every row settled so far, in row order.
    pub fn results(&self) -> Vec<RowResult> {
        self.results.iter().flatten().cloned().collect()
    }

    fn start_next_row(&mut self, now: Timestamp) {
        while let Some(row) = self.rows.get(self.next_row) {
            let index = self.next_row;
            self.next_row += 1;
            match &row.action {
                PlannedAction::Known { outcome, from_journal } => {
                    let (outcome, from_journal) = (outcome.clone(), *from_journal);
                    self.settle(index, outcome, from_journal);
                }
                PlannedAction::Send { body } => match self.client.create_gift_request_json(body) {
                    Ok(call) => {
                        let entry = self.journal_entry(index, JournalEvent::Sending, now);
                        self.to_persist.push_back(entry);
                        self.active = Some(Active::Create { index, call: Box::new(call), handed_out: false });
                        if let Some(previous) = self.last_create_sent {
                            self.not_before = self.not_before.max(Some(previous.plus(self.options.min_interval)));
                        }
                        return;
                    }
                    Err(error) => self.settle(index, RowOutcome::Failed { error: RowError::from(&error) }, false),
                },
            }
        }
    }

    fn after_create(&mut self, index: usize, call: Box<Call<CreateGiftRequest>>, step: Step<Reply<GiftRequest>>, now: Timestamp) {
        match step {
            Step::Wait(delay) => {
                self.not_before = self.not_before.max(Some(now.plus(delay)));
                self.active = Some(Active::Create { index, call, handed_out: true });
            }
            Step::Done(reply) => {
                let gift = reply.value;
                let outcome = RowOutcome::Sent {
                    gift_request_id: gift.id,
                    redemption_url: gift.redemption_url.clone(),
                    request_id: reply.meta.request_id,
                };
                self.finish(index, outcome, now);
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
                        self.active = Some(Active::Poll { index, poller: Box::new(poller) });
                    }
                }
            }
            Step::Failed(error) => {
                let outcome = match &error {
                    Error::OutcomeUnknown(unknown) => {
                        RowOutcome::OutcomeUnknown { request_id: unknown.request_id.clone(), reason: error.to_string() }
                    }
                    _ => RowOutcome::Failed { error: RowError::from(&error) },
                };
                self.finish(index, outcome, now);
            }
        }
    }

    fn after_poll(&mut self, index: usize, poller: Box<Poller>, step: Step<Reply<GiftRequest>>, now: Timestamp) {
        match step {
            Step::Wait(delay) => {
                self.not_before = self.not_before.max(Some(now.plus(delay)));
                self.active = Some(Active::Poll { index, poller });
            }
            Step::Done(reply) => {
                let recorded = self.results.get(index).and_then(|r| r.as_ref()).map(|r| r.outcome.clone());
                if let Some(RowOutcome::Sent { gift_request_id, request_id, .. }) = recorded {
                    let outcome = RowOutcome::Sent { gift_request_id, redemption_url: reply.value.redemption_url, request_id };
                    self.finish(index, outcome, now);
                }
            }
            // The gift exists; only its link is missing (a timeout, a cancellation): the row stays sent.
            Step::Failed(_) => {}
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

    fn journal_entry(&self, index: usize, event: JournalEvent, now: Timestamp) -> JournalEntry {
        let row = self.rows.get(index);
        JournalEntry {
            send_key: row.map(|r| r.send_key.clone()).unwrap_or_default(),
            row_key: row.map(|r| r.row_key.clone()).unwrap_or_default(),
            at: now,
            event,
        }
    }

    /// Records a row's outcome from a send: journaled, then settled.
    fn finish(&mut self, index: usize, outcome: RowOutcome, now: Timestamp) {
        let entry = self.journal_entry(index, JournalEvent::Finished { outcome: outcome.clone() }, now);
        self.to_persist.push_back(entry);
        self.settle(index, outcome, false);
    }

    fn settle(&mut self, index: usize, outcome: RowOutcome, from_journal: bool) {
        let Some(row) = self.rows.get(index) else { return };
        let Some(slot) = self.results.get_mut(index) else { return };
        if slot.is_none() {
            let progress = &mut self.progress;
            progress.finished += 1;
            match outcome {
                RowOutcome::Sent { .. } => progress.sent += 1,
                RowOutcome::Skipped { .. } => progress.skipped += 1,
                RowOutcome::Failed { .. } => progress.failed += 1,
                RowOutcome::OutcomeUnknown { .. } => progress.unknown += 1,
            }
        }
        *slot = Some(RowResult { index, row_key: row.row_key.clone(), send_key: row.send_key.clone(), outcome, from_journal });
    }
}
