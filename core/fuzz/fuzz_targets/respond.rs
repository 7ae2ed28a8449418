//! Every call kind judges whatever comes back: statuses, headers, bodies and transport failures derived
//! from the input bytes. Nothing may panic, and the rules every step keeps are asserted: a finished call
//! refuses further answers, no wait exceeds the policy, and a gift creation that may have landed is never
//! sent again.
#![no_main]

use std::time::Duration;

use andopen_core::{
    Call, CampaignPages, Client, Config, CreateGiftRequest, Error, GetCampaign, GetGiftRequest, GiftRequestStatus, Headers, ListCampaigns,
    NewGiftRequest, NewRecipient, PollTarget, Poller, Reply, Response, RetryPolicy, Step, Timestamp, TransportFailure,
};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

const ID: &str = "4fb4cb3f-9666-43b5-8884-7f5194483d1a";

const STATUSES: &[u16] = &[200, 201, 204, 400, 401, 403, 404, 409, 422, 429, 500, 501, 502, 503, 504];

const HEADER_NAMES: &[&str] =
    &["Request-Id", "request-id", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Content-Type"];

/// Bodies shaped like the contract's, each with holes the input fills (unescaped, so the input can also
/// break the structure). With every hole empty, each is a body the contract allows.
const BODIES: &[&[&str]] = &[
    &[
        r#"{"id":"4fb4cb3f-9666-43b5-8884-7f5194483d1a","status":""#,
        r#"","campaign_id":null,"redemption_url":null"#,
        r#","recipient":{"id":null,"first_name":"Alice","last_name":"Smith","email":null},"shipping_address":null,"line_items":null"#,
        r#","created_at":"2026-04-16T10:30:00.000Z","updated_at":"2026-04-16T10:30:00"#,
        r#".000Z"}"#,
    ],
    &[
        r#"{"id":"4fb4cb3f-9666-43b5-8884-7f5194483d1a","status":""#,
        r#"","campaign_id":null,"redemption_url":"https://gift.example/r/"#,
        r#"","recipient":{"id":null,"first_name":"Alice","last_name":"Smith","email":null}"#,
        r#","created_at":"2026-04-16T10:30:00.000Z","updated_at":"2026-04-16T10:30:00.000Z"}"#,
    ],
    &[r#"{"data":[{"id":"a1b2c3d4-e5f6-7890-abcd-ef1234567890""#, r#"}"#, r#"],"has_more":true"#, r#"}"#],
    &[r#"{"data":["#, r#"],"has_more":false"#, r#"}"#],
    &[
        r#"{"id":"a1b2c3d4-e5f6-7890-abcd-ef1234567890","products":[{"variants":[{"price":{"amount":1,"currency":"EUR"}"#,
        r#","stock_levels":[{"available":1}"#,
        r#"]}]}]"#,
        r#"}"#,
    ],
    &[r#"{"errors":[{"type":""#, r#"","code":""#, r#"","message":""#, r#"","param":null"#, r#"}"#, r#"]}"#],
];

enum Event {
    Respond(Response, Timestamp),
    Fail(TransportFailure, Timestamp),
}

fn now(u: &mut Unstructured<'_>) -> Result<Timestamp> {
    Ok(if u.arbitrary::<bool>()? {
        Timestamp::from_unix_millis(1_776_335_400_000 + i64::from(u.arbitrary::<u32>()?))
    } else {
        Timestamp::from_unix_millis(u.arbitrary()?)
    })
}

fn header_value(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(match u.int_in_range(0..=3u8)? {
        0 => u.arbitrary::<&str>()?.to_owned(),
        1 => u.arbitrary::<i64>()?.to_string(),
        2 => u.int_in_range(0..=120u64)?.to_string(),
        _ => (1_776_335_400 + i64::from(u.arbitrary::<u16>()?)).to_string(),
    })
}

fn body(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    let choice = u.int_in_range(0..=BODIES.len())?;
    let Some(template) = BODIES.get(choice) else {
        return Ok(u.arbitrary::<&[u8]>()?.to_vec());
    };
    let mut out = Vec::new();
    for (i, part) in template.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(u.arbitrary::<&[u8]>()?);
        }
        out.extend_from_slice(part.as_bytes());
    }
    Ok(out)
}

fn event(u: &mut Unstructured<'_>) -> Result<Event> {
    if u.ratio(1, 5)? {
        let failure = if u.arbitrary()? { TransportFailure::MaybeSent } else { TransportFailure::NotSent };
        return Ok(Event::Fail(failure, now(u)?));
    }
    let status = if u.arbitrary()? { *u.choose(STATUSES)? } else { u.int_in_range(0..=999)? };
    let mut headers = Headers::new();
    for _ in 0..u.int_in_range(0..=4u8)? {
        let name = if u.ratio(1, 5)? { u.arbitrary::<&str>()?.to_owned() } else { (*u.choose(HEADER_NAMES)?).to_owned() };
        headers.push(name, header_value(u)?);
    }
    let body = body(u)?;
    Ok(Event::Respond(Response::new(status, headers, body), now(u)?))
}

fn duration(u: &mut Unstructured<'_>) -> Result<Duration> {
    Ok(match u.int_in_range(0..=3u8)? {
        0 => Duration::from_millis(u.int_in_range(0..=120_000)?),
        1 => Duration::from_secs(u.arbitrary()?),
        2 => Duration::MAX,
        _ => Duration::ZERO,
    })
}

enum Machine {
    Create(Call<CreateGiftRequest>),
    GetGift(Call<GetGiftRequest>),
    GetCampaign(Call<GetCampaign>),
    Pages(CampaignPages),
    Poll(Poller),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Done,
    Wait(Duration),
    Failed,
    Finished,
    OutcomeUnknown,
}

fn kind<T: std::fmt::Debug>(step: Step<Reply<T>>) -> Kind {
    match step {
        Step::Done(reply) => {
            let _ = format!("{reply:?}");
            Kind::Done
        }
        Step::Wait(delay) => Kind::Wait(delay),
        Step::Failed(error) => {
            let _ = (error.to_string(), format!("{error:?}"), error.status(), error.request_id(), error.error_type());
            match error {
                Error::Finished => Kind::Finished,
                Error::OutcomeUnknown(_) => Kind::OutcomeUnknown,
                _ => Kind::Failed,
            }
        }
    }
}

impl Machine {
    fn step(&mut self, event: &Event) -> Kind {
        match (self, event) {
            (Machine::Create(c), Event::Respond(r, t)) => kind(c.handle_response(r, *t)),
            (Machine::Create(c), Event::Fail(f, t)) => kind(c.handle_transport_failure(*f, *t)),
            (Machine::GetGift(c), Event::Respond(r, t)) => kind(c.handle_response(r, *t)),
            (Machine::GetGift(c), Event::Fail(f, t)) => kind(c.handle_transport_failure(*f, *t)),
            (Machine::GetCampaign(c), Event::Respond(r, t)) => kind(c.handle_response(r, *t)),
            (Machine::GetCampaign(c), Event::Fail(f, t)) => kind(c.handle_transport_failure(*f, *t)),
            (Machine::Pages(p), Event::Respond(r, t)) => kind(p.handle_response(r, *t)),
            (Machine::Pages(p), Event::Fail(f, t)) => kind(p.handle_transport_failure(*f, *t)),
            (Machine::Poll(p), Event::Respond(r, t)) => kind(p.handle_response(r, *t)),
            (Machine::Poll(p), Event::Fail(f, t)) => kind(p.handle_transport_failure(*f, *t)),
        }
    }

    fn is_finished(&self) -> bool {
        match self {
            Machine::Create(c) => c.is_finished(),
            Machine::GetGift(c) => c.is_finished(),
            Machine::GetCampaign(c) => c.is_finished(),
            Machine::Pages(p) => p.is_finished(),
            Machine::Poll(p) => p.is_finished(),
        }
    }
}

fn drive(mut machine: Machine, events: &[Event], policy: &RetryPolicy, interval: Duration) {
    let longest_wait = policy.max_retry_after.max(policy.max_delay).max(interval);
    for event in events {
        let was_finished = machine.is_finished();
        let step = machine.step(event);
        if was_finished {
            assert_eq!(step, Kind::Finished, "a finished call took another answer");
            continue;
        }
        if let Kind::Wait(delay) = step {
            assert!(delay <= longest_wait, "waits {delay:?}, more than the policy allows ({longest_wait:?})");
        }
        if matches!(step, Kind::Failed | Kind::OutcomeUnknown | Kind::Finished) {
            assert!(machine.is_finished(), "a failed call is not finished");
        }
        if let Machine::Create(call) = &machine {
            let may_have_landed = match event {
                Event::Respond(r, _) => (500..=599).contains(&r.status) && r.status != 503,
                Event::Fail(f, _) => *f == TransportFailure::MaybeSent,
            };
            if may_have_landed {
                assert_eq!(step, Kind::OutcomeUnknown, "a create that may have landed was not reported as such");
            }
            assert!(call.attempts() <= policy.max_attempts.max(1));
        }
    }
}

fn run(data: &[u8]) -> Result<()> {
    let mut u = Unstructured::new(data);
    let policy = if u.arbitrary()? {
        RetryPolicy::default()
    } else {
        RetryPolicy {
            max_attempts: u.int_in_range(0..=6)?,
            base_delay: duration(&mut u)?,
            max_delay: duration(&mut u)?,
            max_retry_after: duration(&mut u)?,
        }
    };
    let seed = u.arbitrary()?;
    let target = match u.int_in_range(0..=6u8)? {
        0 => PollTarget::RedemptionUrl,
        n => PollTarget::Status(GiftRequestStatus::from_wire(
            ["submitted", "redeemed", "dispatched", "delivered", "cancelled", "lost"][usize::from(n - 1)],
        )),
    };
    let (interval, timeout) = (duration(&mut u)?, duration(&mut u)?);
    let mut events = Vec::new();
    while !u.is_empty() && events.len() < 16 {
        events.push(event(&mut u)?);
    }
    let config = Config::builder().api_key("ao-v1-production-k3y5ecr3t").retry_policy(policy.clone()).jitter_seed(seed).build();
    let client = Client::new(config.expect("a fixed, valid configuration"));
    let params = NewGiftRequest::choice_mode(ID, NewRecipient::new("Alice", "Smith"));
    drive(Machine::Create(client.create_gift_request(&params).expect("valid")), &events, &policy, Duration::ZERO);
    drive(Machine::GetGift(client.get_gift_request(ID).expect("valid")), &events, &policy, Duration::ZERO);
    drive(Machine::GetCampaign(client.get_campaign(ID).expect("valid")), &events, &policy, Duration::ZERO);
    drive(Machine::Pages(client.list_campaigns(&ListCampaigns::default()).expect("valid")), &events, &policy, Duration::ZERO);
    drive(Machine::Poll(client.wait_for_gift_request(ID, target, interval, timeout).expect("valid")), &events, &policy, interval);
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(data);
});
