//! Webhook deliveries, headers and body, derived from the input bytes: signatures valid, listed, cased,
//! forged or garbage; headers repeated, listed, missing or made up; bodies shaped like gift requests with
//! holes the input fills, or raw bytes. Nothing may panic, and the rules of "Webhook trust" are asserted:
//! an accepted delivery's signature really matches one of the secrets, its event type agrees with its
//! signed status, a repeat of its signed body is never new again whatever its event id, the history folds
//! the signed body only, and no message quotes a secret or grows with the input.
#![no_main]

use andopen_core::dedupe::{DeliveryKey, RecentEvents, SeenEvents};
use andopen_core::history::GiftHistory;
use andopen_core::limits::{MAX_QUOTED_CHARS, MAX_WEBHOOK_BODY_BYTES};
use andopen_core::webhook::{
    API_VERSION_HEADER, EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, Verifier, WebhookError, signature,
};
use andopen_core::{Headers, Timestamp, Uuid};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

const SECRETS: [&str; 2] = ["whsec_fuzz_current", "whsec_fuzz_previous"];
const NOW: i64 = 1_776_335_400;

const EVENT_TYPES: &[&str] = &[
    "gift_request_created",
    "gift_request_redeemed",
    "gift_request_dispatched",
    "gift_request_delivered",
    "gift_request_cancelled",
    "gift_request_paused",
];

const STATUSES: &[&str] = &["submitted", "redeemed", "dispatched", "delivered", "cancelled", "on_hold"];

const HEADER_NAMES: &[&str] = &[
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    EVENT_ID_HEADER,
    EVENT_TYPE_HEADER,
    API_VERSION_HEADER,
    "andopen-webhook-signature",
    "Content-Type",
];

/// A gift request with holes: the status, then bytes the input fills (unescaped, so that it can break the
/// structure too).
const BODY: [&str; 3] = [
    r#"{"id":"4fb4cb3f-9666-43b5-8884-7f5194483d1a","status":""#,
    r#"","campaign_id":null,"redemption_url":null,"recipient":{"id":null,"first_name":"Ann","last_name":"Smith","email":"#,
    r#"},"shipping_address":null,"line_items":null,"created_at":"2026-04-16T10:30:00.000Z","updated_at":"2026-04-16T10:30:00.000Z"}"#,
];

fn body(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    if u.ratio(1, 8)? {
        return Ok(u.arbitrary::<&[u8]>()?.to_vec());
    }
    let status = if u.ratio(1, 8)? { u.arbitrary::<&str>()?.to_owned() } else { (*u.choose(STATUSES)?).to_owned() };
    let email: &str = if u.arbitrary()? { "null" } else { r#""ann@example.com""# };
    let hole = if u.ratio(1, 8)? { u.arbitrary::<&str>()? } else { "" };
    Ok(format!("{}{status}{}{email}{hole}{}", BODY[0], BODY[1], BODY[2]).into_bytes())
}

fn timestamp(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(match u.int_in_range(0..=4u8)? {
        0 => u.arbitrary::<&str>()?.to_owned(),
        1 => u.arbitrary::<i64>()?.to_string(),
        2 => (NOW + i64::from(u.int_in_range(-400..=400i16)?)).to_string(),
        _ => NOW.to_string(),
    })
}

/// The signature header's value: valid under one of the secrets, listed among others, upper-cased, forged
/// or garbage.
fn signature_value(u: &mut Unstructured<'_>, ts: &str, body: &[u8]) -> Result<String> {
    let valid = signature(u.choose(&SECRETS)?.as_bytes(), ts, body);
    Ok(match u.int_in_range(0..=5u8)? {
        0 => valid.to_uppercase(),
        1 => {
            let mut entries: Vec<String> = (0..u.int_in_range(0..=10u8)?).map(|i| format!("{i:064x}")).collect();
            let at = u.int_in_range(0..=entries.len())?;
            entries.insert(at, valid);
            entries.join(if u.arbitrary()? { "," } else { ", " })
        }
        2 => signature(b"whsec_guessed", ts, body),
        3 => u.arbitrary::<&str>()?.to_owned(),
        _ => valid,
    })
}

fn headers(u: &mut Unstructured<'_>, body: &[u8]) -> Result<Headers> {
    let ts = timestamp(u)?;
    let mut headers = Headers::new();
    let event_id = if u.ratio(1, 8)? {
        u.arbitrary::<&str>()?.to_owned()
    } else {
        format!("0b6f1c1e-2d5a-4c4e-9a57-{:012x}", u.int_in_range(0..=7u8)?)
    };
    let event_type = if u.ratio(1, 8)? { u.arbitrary::<&str>()?.to_owned() } else { (*u.choose(EVENT_TYPES)?).to_owned() };
    let signed = signature_value(u, &ts, body)?;
    for (name, value) in [(SIGNATURE_HEADER, signed), (TIMESTAMP_HEADER, ts), (EVENT_ID_HEADER, event_id), (EVENT_TYPE_HEADER, event_type)]
    {
        if !u.ratio(1, 16)? {
            headers.push(name, value);
        }
    }
    if u.arbitrary()? {
        headers.push(API_VERSION_HEADER, "2026-05");
    }
    for _ in 0..u.int_in_range(0..=3u8)? {
        let name = if u.ratio(1, 4)? { u.arbitrary::<&str>()?.to_owned() } else { (*u.choose(HEADER_NAMES)?).to_owned() };
        headers.push(name, u.arbitrary::<&str>()?.to_owned());
    }
    Ok(headers)
}

/// What an accepted delivery must satisfy, checked independently of the verifier.
fn check_accepted(headers: &Headers, body: &[u8], delivery: &andopen_core::Delivery, now: Timestamp) {
    assert!(body.len() <= MAX_WEBHOOK_BODY_BYTES);
    // The signed text is the header's own (leading zeros and all); every copy of it agrees.
    let ts = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(TIMESTAMP_HEADER))
        .and_then(|(_, v)| v.split(',').next())
        .map(|v| v.trim_matches([' ', '\t']).to_owned())
        .expect("an accepted delivery has a timestamp");
    let expected: Vec<String> = SECRETS.iter().map(|s| signature(s.as_bytes(), &ts, body)).collect();
    let listed = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(SIGNATURE_HEADER))
        .flat_map(|(_, v)| v.split(','))
        .any(|entry| expected.iter().any(|e| e.eq_ignore_ascii_case(entry.trim())));
    assert!(listed, "accepted without a matching signature");
    assert!(delivery.event_type.agrees_with(&delivery.gift_request.status), "accepted a contradicting event type");
    assert!((delivery.dispatched_at.unix_seconds() - now.unix_seconds()).abs() <= 300, "accepted outside the tolerance");
}

/// A refusal's message names the rule without a secret and without quoting more than the limit.
fn check_refused(error: &WebhookError) {
    for secret in SECRETS {
        assert!(!error.message.contains(secret), "a message quotes the secret");
    }
    assert!(error.message.chars().count() <= 3 * MAX_QUOTED_CHARS + 400, "a message grows with the input");
}

fn run(data: &[u8]) -> Result<()> {
    let mut u = Unstructured::new(data);
    let verifier = Verifier::new(SECRETS[0]).also_accepting(SECRETS[1]);
    let mut seen = RecentEvents::new(u.int_in_range(1..=4)?).expect("a remember within the limit");
    let mut history = GiftHistory::new();
    let mut by_body = GiftHistory::new();
    for _ in 0..u.int_in_range(1..=6u8)? {
        let body = body(&mut u)?;
        let headers = headers(&mut u, &body)?;
        let now = Timestamp::from_unix_seconds(NOW + i64::from(u.int_in_range(-5..=5i8)?));
        match verifier.verify(&headers, &body, now) {
            Ok(delivery) => {
                check_accepted(&headers, &body, &delivery, now);
                let key = delivery.key();
                if seen.first_sighting(&key) {
                    assert!(!seen.first_sighting(&key), "a first sighting twice");
                    let renamed = DeliveryKey { event_id: Uuid::from_bytes([0xee; 16]), ..key };
                    assert!(!seen.first_sighting(&renamed), "the same signed body under a new event id is new");
                    history.record_delivery(&delivery);
                    by_body.record_gift(&delivery.gift_request);
                    let id = delivery.gift_request.id;
                    assert_eq!(history.gift(&id), by_body.gift(&id), "the history read more than the signed body");
                }
            }
            Err(error) => check_refused(&error),
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(data);
});
