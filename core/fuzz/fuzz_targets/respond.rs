//! Every call kind judges whatever comes back: statuses, headers, bodies and transport failures derived
//! from the input bytes. Nothing may panic, and the rules every step keeps are asserted: a finished call
//! refuses further answers, no wait exceeds the policy, and a gift creation that may have landed is never
//! sent again.
#![no_main]

use std::time::Duration;

use andopen_core::{
    Client, Config, GiftRequestStatus, Headers, HostCall, ListCampaigns, NewGiftRequest, NewRecipient, PollTarget, Response, RetryPolicy,
    StepReport, Timestamp, TransportFailure,
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

/// Judges one event; printing the report as JSON must not panic either.
fn answer(call: &mut HostCall, event: &Event) -> StepReport {
    let report = match event {
        Event::Respond(r, t) => call.handle_response(r, *t),
        Event::Fail(f, t) => call.handle_transport_failure(*f, *t),
    };
    let _ = report.to_json();
    report
}

fn drive(mut call: HostCall, events: &[Event], policy: &RetryPolicy, interval: Duration) {
    let longest_wait = policy.max_retry_after.max(policy.max_delay).max(interval);
    let is_create = matches!(call, HostCall::CreateGiftRequest(_));
    // A poll's waits include its intervals; every other wait is a retry (a list starts each page afresh).
    let waits_are_retries = !matches!(call, HostCall::Poll(_));
    let mut attempts = 1u32;
    for event in events {
        let was_finished = call.is_finished();
        let report = answer(&mut call, event);
        // The error kind of a failed step: `finished`, `outcome_unknown`, `api`, …
        let failure = if let StepReport::Failed { error } = &report { Some(error.kind) } else { None };
        if was_finished {
            assert_eq!(failure, Some("finished"), "a finished call took another answer");
            continue;
        }
        match &report {
            StepReport::Wait { ms } => {
                let delay = Duration::from_millis(*ms);
                assert!(delay <= longest_wait, "waits {delay:?}, more than the policy allows ({longest_wait:?})");
                assert!(!call.is_finished(), "a call that waits is finished");
                attempts += 1;
            }
            StepReport::Done { meta, .. } => {
                attempts = 1;
                let answered_2xx = matches!(event, Event::Respond(r, _) if (200..300).contains(&r.status) && r.status == meta.status);
                assert!(answered_2xx || !is_create, "a create is done without a 2xx answer");
            }
            StepReport::Failed { .. } => assert!(call.is_finished(), "a failed call is not finished"),
        }
        let may_have_landed = is_create
            && match event {
                Event::Respond(r, _) => (500..=599).contains(&r.status) && r.status != 503,
                Event::Fail(f, _) => *f == TransportFailure::MaybeSent,
            };
        if may_have_landed {
            assert_eq!(failure, Some("outcome_unknown"), "a create that may have landed was not reported as such");
        }
        if waits_are_retries {
            assert!(attempts <= policy.max_attempts.max(1), "{attempts} attempts with max {}", policy.max_attempts);
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
    drive(HostCall::CreateGiftRequest(client.create_gift_request(&params).expect("valid")), &events, &policy, Duration::ZERO);
    drive(HostCall::GetGiftRequest(client.get_gift_request(ID).expect("valid")), &events, &policy, Duration::ZERO);
    drive(HostCall::GetCampaign(client.get_campaign(ID).expect("valid")), &events, &policy, Duration::ZERO);
    drive(HostCall::ListCampaigns(client.list_campaigns(&ListCampaigns::default()).expect("valid")), &events, &policy, Duration::ZERO);
    drive(HostCall::Poll(client.wait_for_gift_request(ID, target, interval, timeout).expect("valid")), &events, &policy, interval);
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(data);
});
