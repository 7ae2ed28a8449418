//! Property tests: no input panics, validation is stable, typed parameters agree with the JSON rules, and the API key never leaks.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::collections::HashSet;
use std::time::Duration;

use andopen_core::config::BaseUrl;
use andopen_core::{
    ApiKey, Client, Config, ConfigBuilder, Error, ErrorType, GiftRequestStatus, Headers, HostCall, ListCampaigns, Mode, NewGiftRequest,
    NewLineItem, NewRecipient, NewShippingAddress, PollTarget, Request, Response, RetryPolicy, Step, StepReport, Timestamp,
    TransportFailure, Uuid, gift_request_body_from_json, validate_gift_request_json,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{TestCaseError, TestRunner};
use serde_json::Value;

#[path = "support/json.rs"]
mod json;
use json::json_without_duplicates;

/// `cases` cases, and no regression file written next to this one on failure (a failure prints its input).
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { failure_persistence: None, ..ProptestConfig::with_cases(cases) }
}

// ---------------------------------------------------------------------------------------------------
// JSON-ish text: a tree whose objects may repeat keys, rendered with chosen whitespace.
// ---------------------------------------------------------------------------------------------------

/// A JSON value as text to render: scalars are already JSON tokens; object keys are already quoted (so a
/// key may be written with escapes, `"campaign\u005fid"`); objects may repeat a key.
#[derive(Clone, Debug)]
enum J {
    Raw(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl J {
    fn str(text: &str) -> J {
        J::Raw(quote(text))
    }

    fn render(&self, ws: &str, out: &mut String) {
        match self {
            J::Raw(token) => out.push_str(token),
            J::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(ws);
                    item.render(ws, out);
                }
                out.push_str(ws);
                out.push(']');
            }
            J::Obj(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(ws);
                    out.push_str(key);
                    out.push(':');
                    out.push_str(ws);
                    value.render(ws, out);
                }
                out.push_str(ws);
                out.push('}');
            }
        }
    }

    fn text(&self, ws: &str) -> String {
        let mut out = String::new();
        self.render(ws, &mut out);
        out
    }
}

fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// Every field name the create body knows, at any level (the keys a host may write by their index).
const FIELD_NAMES: &[&str] = &andopen_core::tokens::KEYS;

const COUNTRIES: &[&str] = &["IE", "US", "GB", "DE", "FR", "NL", "ES", "IT", "SE", "JP", "AU", "CA", "AX", "ZW"];

fn uuid_text() -> impl Strategy<Value = String> {
    (any::<[u8; 16]>(), any::<bool>()).prop_map(|(bytes, upper)| {
        let text = Uuid::from_bytes(bytes).to_string();
        if upper { text.to_ascii_uppercase() } else { text }
    })
}

fn email_text() -> impl Strategy<Value = String> {
    "[a-z]{1,8}(\\.[a-z]{1,8})?(\\+[a-z0-9]{1,4})?@(example|mail\\.example)\\.(com|ie|co\\.uk)"
}

fn name_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[A-Z][a-z]{0,12}( [A-Z][a-z'-]{0,10})?",
        1 => ("[A-Za-z]", any::<String>()).prop_map(|(a, b)| format!("{a}{b}")),
        1 => Just("José".to_owned()),
        1 => Just("  Ó Briain ".to_owned()),
    ]
}

fn phone_text() -> impl Strategy<Value = String> {
    "\\+?[0-9]{6,14}"
}

fn sku_text() -> impl Strategy<Value = String> {
    "[A-Z]{2,6}-[A-Z0-9]{1,4}"
}

fn timestamp_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("2026-04-16T10:30:00.000Z".to_owned()),
        "[0-9]{4}-[01][0-9]-[0-3][0-9][Tt ][0-2][0-9]:[0-5][0-9]:[0-6][0-9](\\.[0-9]{0,12})?([Zz]|[+-][0-2][0-9]:[0-6][0-9]|[+-][0-9]{4})?",
        any::<String>(),
    ]
}

/// A JSON number, as text: the edges of every integer type serde_json reads, floats and exponents.
fn number_token() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "0",
            "1",
            "-1",
            "-0",
            "2",
            "100",
            "1.0",
            "1e2",
            "1E+2",
            "0.5",
            "-0.0",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "18446744073709551615",
            "18446744073709551616",
            "1e400",
            "-1e400",
            "123456789012345678901234567890",
        ])
        .prop_map(str::to_owned),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| format!("{f:e}")),
    ]
}

/// A JSON string token: random text, the shapes the rules look for, and escapes (including a lone
/// surrogate, which serde_json refuses).
fn string_token() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>().prop_map(|s| quote(&s)),
        1 => prop::sample::select(vec!["", " ", "\t\n", "Alice", "ie", "IE", "ZZ", "UK", "not-an-email", "a@b", "x@y.io"]).prop_map(quote),
        1 => uuid_text().prop_map(|s| quote(&s)),
        1 => email_text().prop_map(|s| quote(&s)),
        1 => prop::sample::select(vec![
            r#""\u0041\u00e9""#,
            r#""\ud83d\ude00""#,
            r#""\ud800""#,
            r#""\udc00x""#,
            r#""a\/b\"\\""#,
            r#""\u0000""#,
            r#""\u0020""#,
        ])
        .prop_map(str::to_owned),
    ]
}

fn scalar() -> impl Strategy<Value = J> {
    prop_oneof![
        1 => Just(J::Raw("null".to_owned())),
        1 => any::<bool>().prop_map(|b| J::Raw(b.to_string())),
        2 => number_token().prop_map(J::Raw),
        3 => string_token().prop_map(J::Raw),
    ]
}

/// An object key: mostly the body's own field names, sometimes spelt with an escape, sometimes anything.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(FIELD_NAMES).prop_map(quote),
        1 => prop::sample::select(FIELD_NAMES).prop_map(|k| quote(k).replacen('_', "\\u005f", 1)),
        2 => any::<String>().prop_map(|s| quote(&s)),
        1 => "[a-z_]{1,10}".prop_map(|s| quote(&s)),
    ]
}

/// A key beside the modelled ones: mostly one the body does not model, now and then one it does.
fn extra_key() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => "(x_|meta|note)[a-z_]{0,8}".prop_map(|s| quote(&s)),
        3 => any::<String>().prop_map(|s| quote(&s)),
        1 => key(),
    ]
}

/// Any JSON value, nested, objects keyed mostly by the body's field names.
fn any_json() -> impl Strategy<Value = J> {
    scalar().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![vec(inner.clone(), 0..6).prop_map(J::Arr), vec((key(), inner), 0..6).prop_map(J::Obj),]
    })
}

/// A field's value: mostly the good one, sometimes `null`, something random, or an odd typed value.
fn field(good: BoxedStrategy<J>) -> BoxedStrategy<J> {
    prop_oneof![
        60 => good,
        1 => Just(J::Raw("null".to_owned())),
        1 => any_json(),
    ]
    .boxed()
}

fn text_field(good: impl Strategy<Value = String> + 'static) -> BoxedStrategy<J> {
    let blank = prop::sample::select(vec!["", " ", "\u{a0}", "\t"]).prop_map(J::str);
    field(prop_oneof![60 => good.prop_map(|s| J::str(&s)), 1 => blank].boxed())
}

/// An object: each named field present (usually) with its value, plus random extra keys, sometimes a
/// repeated key, in a shuffled order.
fn object(fields: Vec<(&'static str, BoxedStrategy<J>, u32)>) -> BoxedStrategy<J> {
    let present: Vec<BoxedStrategy<Option<(String, J)>>> = fields
        .into_iter()
        .map(|(name, value, absent_weight)| {
            prop_oneof![
                80 => value.prop_map(move |v| Some((quote(name), v))),
                absent_weight => Just(None),
            ]
            .boxed()
        })
        .collect();
    let extras = prop_oneof![3 => Just(Vec::new()), 1 => vec((extra_key(), any_json()), 1..3)];
    let duplicate = prop_oneof![40 => Just(false), 1 => Just(true)];
    (present, extras, duplicate)
        .prop_flat_map(|(present, extras, duplicate)| {
            let mut entries: Vec<(String, J)> = present.into_iter().flatten().collect();
            entries.extend(extras);
            if duplicate {
                if let Some(first) = entries.first().cloned() {
                    entries.push(first);
                }
            }
            Just(entries).prop_shuffle()
        })
        .prop_map(J::Obj)
        .boxed()
}

fn recipient_json() -> BoxedStrategy<J> {
    object(vec![
        ("first_name", text_field(name_text()), 1),
        ("last_name", text_field(name_text()), 1),
        ("email", field(prop_oneof![email_text().prop_map(|s| J::str(&s)), Just(J::Raw("null".to_owned()))].boxed()), 10),
    ])
}

fn address_json() -> BoxedStrategy<J> {
    let country = prop_oneof![
        30 => prop::sample::select(COUNTRIES).prop_map(J::str),
        1 => prop::sample::select(vec!["ie", "Ie", "IRL", "ZZ", "UK", "EU", "1E"]).prop_map(J::str),
    ];
    object(vec![
        ("address1", text_field("[0-9]{1,3} [A-Z][a-z]{2,10} (Street|Road)"), 1),
        ("address2", field(prop_oneof!["(Apt|Unit) [0-9]{1,3}".prop_map(|s| J::str(&s)), Just(J::Raw("null".to_owned()))].boxed()), 10),
        ("city", text_field("[A-Z][a-z]{2,12}"), 1),
        ("region", text_field("[A-Z][a-z]{1,12}"), 1),
        ("postal_code", text_field("[A-Z0-9]{3,4}( [A-Z0-9]{3})?"), 1),
        ("country_code", field(country.boxed()), 1),
        ("phone", text_field(phone_text()), 1),
    ])
}

fn line_item_json() -> BoxedStrategy<J> {
    let quantity = prop_oneof![
        30 => (1i64..100).prop_map(|q| J::Raw(q.to_string())),
        1 => Just(J::Raw("18446744073709551615".to_owned())),
        1 => prop::sample::select(vec!["0", "-1", "1.5", "1e1", "\"3\""]).prop_map(|t| J::Raw(t.to_owned())),
    ];
    object(vec![
        ("sku", field(prop_oneof![30 => sku_text().prop_map(|s| J::str(&s)), 1 => Just(J::str(" "))].boxed()), 6),
        ("variant_id", field(uuid_text().prop_map(|s| J::str(&s)).boxed()), 8),
        ("quantity", field(quantity.boxed()), 1),
    ])
}

/// A create body: mostly valid (both modes), with every kind of fault mixed in at every level.
fn gift_body_json() -> BoxedStrategy<J> {
    let line_items = field(
        prop_oneof![
            30 => vec(line_item_json(), 1..4).prop_map(J::Arr),
            1 => Just(J::Arr(Vec::new())),
            1 => vec(any_json(), 1..3).prop_map(J::Arr),
        ]
        .boxed(),
    );
    // The direct-send pair: both (as a rule), neither, or one without the other.
    let direct_send = prop_oneof![
        6 => Just((true, true)),
        6 => Just((false, false)),
        1 => Just((true, false)),
        1 => Just((false, true)),
    ];
    (
        object(vec![("campaign_id", text_field(uuid_text()), 1), ("recipient", field(recipient_json()), 1)]),
        direct_send,
        field(address_json()),
        line_items,
    )
        .prop_flat_map(|(base, (with_address, with_items), address, items)| {
            let J::Obj(mut entries) = base else { unreachable!() };
            if with_address {
                entries.push((quote("shipping_address"), address));
            }
            if with_items {
                entries.push((quote("line_items"), items));
            }
            Just(entries).prop_shuffle().prop_map(J::Obj)
        })
        .boxed()
}

/// JSON text of a create body, compact or spaced.
fn gift_body_text() -> impl Strategy<Value = String> {
    (gift_body_json(), prop::sample::select(vec!["", " ", "\n  ", "\t"])).prop_map(|(j, ws)| j.text(ws))
}

/// Bytes: random, JSON-ish, or JSON-ish text damaged (cut short, a byte changed, a byte inserted).
fn json_ish_bytes() -> impl Strategy<Value = Vec<u8>> {
    let text = prop_oneof![3 => gift_body_text(), 1 => any_json().prop_map(|j| j.text(""))];
    prop_oneof![
        1 => vec(any::<u8>(), 0..128),
        3 => text.clone().prop_map(String::into_bytes),
        2 => (text, any::<prop::sample::Index>(), any::<u8>(), 0u8..3).prop_map(|(t, at, byte, how)| {
            let mut bytes = t.into_bytes();
            if bytes.is_empty() {
                return bytes;
            }
            let i = at.index(bytes.len());
            match how {
                0 => bytes.truncate(i),
                1 => bytes[i] = byte,
                _ => bytes.insert(i, byte),
            }
            bytes
        }),
    ]
}

fn client() -> Client {
    Client::new(Config::builder().api_key("ao-v1-production-k3y5ecr3t").jitter_seed(7).build().unwrap())
}

// ---------------------------------------------------------------------------------------------------
// a. No input panics.
// ---------------------------------------------------------------------------------------------------

/// What came back from the host: a response, or none.
#[derive(Clone, Debug)]
enum Event {
    Respond(Response, Timestamp),
    Fail(TransportFailure, Timestamp),
}

fn now() -> impl Strategy<Value = Timestamp> {
    prop_oneof![
        3 => (1_776_335_400_000i64..1_776_335_500_000).prop_map(Timestamp::from_unix_millis),
        1 => any::<i64>().prop_map(Timestamp::from_unix_millis),
        1 => prop::sample::select(vec![i64::MIN, -1, 0, i64::MAX]).prop_map(Timestamp::from_unix_millis),
    ]
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        2 => 0u16..=999,
        3 => prop::sample::select(vec![200u16, 201, 204, 299, 400, 401, 403, 404, 409, 422, 429, 500, 501, 502, 503, 504, 599]),
    ]
}

fn header_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| format!(" {n} ")),
        (1_776_335_400i64..1_776_335_600).prop_map(|n| n.to_string()),
        (0u64..120).prop_map(|n| n.to_string()),
        prop::sample::select(vec!["", " ", "-1", "1.5", "18446744073709551616", "99999999999999999999", "Wed, 21 Oct 2015 07:28:00 GMT"])
            .prop_map(str::to_owned),
    ]
}

fn headers() -> impl Strategy<Value = Headers> {
    let name = prop_oneof![
        4 => prop::sample::select(vec![
            "Request-Id",
            "request-id",
            "REQUEST-ID",
            "Retry-After",
            "retry-after",
            "RateLimit-Limit",
            "RateLimit-Remaining",
            "RateLimit-Reset",
            "ratelimit-reset",
            "Content-Type",
        ])
        .prop_map(str::to_owned),
        1 => any::<String>(),
    ];
    vec((name, header_value()), 0..6).prop_map(|pairs| pairs.into_iter().collect())
}

fn gift_response_json() -> impl Strategy<Value = String> {
    let status = prop_oneof![
        4 => prop::sample::select(vec!["submitted", "redeemed", "dispatched", "delivered", "cancelled", "lost"]).prop_map(quote),
        1 => string_token(),
        1 => number_token(),
    ];
    let url = prop_oneof![Just("null".to_owned()), Just(quote("https://gift.example/r/1")), string_token()];
    let opt_uuid = prop_oneof![Just("null".to_owned()), uuid_text().prop_map(|s| quote(&s)), string_token()];
    let items = prop_oneof![
        Just("null".to_owned()),
        Just(r#"[{"variant_id":null,"sku":"HOODIE-L","quantity":1}]"#.to_owned()),
        number_token().prop_map(|q| format!(r#"[{{"sku":"X","quantity":{q}}}]"#)),
    ];
    let address = prop_oneof![
        Just("null".to_owned()),
        string_token().prop_map(|c| format!(
            r#"{{"address1":"1 Main St","address2":null,"city":"Dublin","region":"Dublin","postal_code":"D01","country_code":{c},"phone":"+353"}}"#
        )),
    ];
    (uuid_text(), status, opt_uuid, url, timestamp_text(), timestamp_text(), items, address).prop_map(
        |(id, status, campaign, url, created, updated, items, address)| {
            format!(
                r#"{{"id":"{id}","status":{status},"campaign_id":{campaign},"redemption_url":{url},"recipient":{{"id":null,"first_name":"Alice","last_name":"Smith","email":null}},"shipping_address":{address},"line_items":{items},"created_at":{},"updated_at":{}}}"#,
                quote(&created),
                quote(&updated)
            )
        },
    )
}

fn campaign_json() -> impl Strategy<Value = String> {
    let typed = prop_oneof![
        Just(r#""name":"Box","invitation_method":"sender_provided_address""#.to_owned()),
        (any_json(), any_json()).prop_map(|(a, b)| format!(r#""products":{},"created_at":{}"#, a.text(""), b.text(""))),
        Just(
            r#""products":[{"variants":[{"price":{"amount":1,"currency":"EUR"},"stock_levels":[{"available":9223372036854775807},{"available":9223372036854775807}]}]}]"#
                .to_owned()
        ),
    ];
    (uuid_text(), typed).prop_map(|(id, rest)| format!(r#"{{"id":"{id}",{rest}}}"#))
}

fn page_json() -> impl Strategy<Value = String> {
    (vec(campaign_json(), 0..3), prop_oneof![Just("true".to_owned()), Just("false".to_owned()), number_token()])
        .prop_map(|(data, more)| format!(r#"{{"data":[{}],"has_more":{more}}}"#, data.join(",")))
}

fn error_body_json() -> impl Strategy<Value = String> {
    let item = (
        prop_oneof![string_token(), Just(quote("validation_error")), Just(quote("rate_limit_error"))],
        prop_oneof![string_token(), Just(quote("invalid_token")), Just(quote("required"))],
        string_token(),
        prop_oneof![Just("null".to_owned()), string_token(), Just(quote("line_items[0].sku"))],
    )
        .prop_map(|(t, c, m, p)| format!(r#"{{"type":{t},"code":{c},"message":{m},"param":{p}}}"#));
    prop_oneof![
        4 => vec(item, 0..3).prop_map(|items| format!(r#"{{"errors":[{}]}}"#, items.join(","))),
        1 => Just(r#"{"errors":null}"#.to_owned()),
        1 => Just(r#"{"errors":[{}]}"#.to_owned()),
    ]
}

fn response_body() -> impl Strategy<Value = Vec<u8>> {
    let whole = prop_oneof![
        2 => vec(any::<u8>(), 0..160),
        3 => gift_response_json().prop_map(String::into_bytes),
        2 => page_json().prop_map(String::into_bytes),
        2 => campaign_json().prop_map(String::into_bytes),
        2 => error_body_json().prop_map(String::into_bytes),
        1 => any_json().prop_map(|j| j.text("").into_bytes()),
    ];
    (whole, prop_oneof![5 => Just(None), 1 => any::<prop::sample::Index>().prop_map(Some)]).prop_map(|(mut body, cut)| {
        if let Some(cut) = cut {
            let at = cut.index(body.len() + 1);
            body.truncate(at);
        }
        body
    })
}

fn response() -> impl Strategy<Value = Response> {
    (status(), headers(), response_body()).prop_map(|(status, headers, body)| Response::new(status, headers, body))
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        4 => (response(), now()).prop_map(|(r, t)| Event::Respond(r, t)),
        1 => (prop_oneof![Just(TransportFailure::NotSent), Just(TransportFailure::MaybeSent)], now()).prop_map(|(f, t)| Event::Fail(f, t)),
    ]
}

fn duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        3 => (0u64..120_000).prop_map(Duration::from_millis),
        1 => any::<u64>().prop_map(Duration::from_secs),
        1 => Just(Duration::MAX),
        1 => Just(Duration::ZERO),
    ]
}

fn retry_policy() -> impl Strategy<Value = RetryPolicy> {
    prop_oneof![
        2 => Just(RetryPolicy::default()),
        1 => Just(RetryPolicy::never()),
        2 => (0u32..8, duration(), duration(), duration()).prop_map(|(max_attempts, base_delay, max_delay, max_retry_after)| RetryPolicy {
            max_attempts,
            base_delay,
            max_delay,
            max_retry_after
        }),
    ]
}

fn poll_target() -> impl Strategy<Value = PollTarget> {
    prop_oneof![
        Just(PollTarget::RedemptionUrl),
        prop::sample::select(vec!["submitted", "redeemed", "dispatched", "delivered", "cancelled", "lost"])
            .prop_map(|s| PollTarget::Status(GiftRequestStatus::from_wire(s))),
    ]
}

fn list_params() -> impl Strategy<Value = ListCampaigns> {
    (
        prop_oneof![Just(None), (1i64..30).prop_map(Some), any::<i64>().prop_map(Some)],
        prop_oneof![Just(None), uuid_text().prop_map(Some), any::<String>().prop_map(Some)],
        vec((prop_oneof![Just("sort".to_owned()), Just("limit".to_owned()), any::<String>()], any::<String>()), 0..3),
    )
        .prop_map(|(limit, after, extra_query)| ListCampaigns { limit, after, extra_query })
}

/// What a step was, without its payload.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Done,
    Wait(Duration),
    Failed,
    Finished,
    OutcomeUnknown,
}

impl Kind {
    /// The kind of a step report. Printing the report, as Rust and as JSON, must not panic either (the
    /// report already holds the error's message and every accessor's answer, and the result serialized).
    fn of(report: &StepReport) -> Kind {
        let _ = (format!("{report:?}"), report.to_json());
        match report {
            StepReport::Done { .. } => Kind::Done,
            StepReport::Wait { ms } => Kind::Wait(Duration::from_millis(*ms)),
            StepReport::Failed { error } => match error.kind {
                "finished" => Kind::Finished,
                "outcome_unknown" => Kind::OutcomeUnknown,
                _ => Kind::Failed,
            },
        }
    }
}

/// Drives one call through the events, checking what must hold at every step.
fn drive(mut call: HostCall, events: &[Event], policy: &RetryPolicy, poll_interval: Duration) -> Result<(), TestCaseError> {
    // Printing a call must not panic either.
    let _ = format!("{call:?}");
    let is_create = matches!(call, HostCall::CreateGiftRequest(_));
    // A poll also waits an interval after an answer that misses its target, so not every wait of a poll
    // is a retry; every wait of the others is (a list starts each page afresh).
    let waits_are_retries = !matches!(call, HostCall::Poll(_));
    let longest_wait = policy.max_retry_after.max(policy.max_delay).max(poll_interval);
    // Requests sent again since the last result: one more attempt each.
    let mut retries = 0u32;
    for event in events {
        let was_finished = call.is_finished();
        let report = match event {
            Event::Respond(r, t) => call.handle_response(r, *t),
            Event::Fail(f, t) => call.handle_transport_failure(*f, *t),
        };
        let step = Kind::of(&report);
        if was_finished {
            prop_assert_eq!(step, Kind::Finished, "a finished call must refuse further answers");
            continue;
        }
        match step {
            Kind::Wait(delay) => {
                prop_assert!(delay <= longest_wait, "waits {delay:?}, more than the policy allows ({longest_wait:?})");
                prop_assert!(!call.is_finished());
                retries += 1;
            }
            Kind::Done => retries = 0,
            Kind::Failed | Kind::OutcomeUnknown | Kind::Finished => prop_assert!(call.is_finished(), "a failed call must be finished"),
        }
        prop_assert!(call.is_finished() || call.request().is_some(), "an unfinished call has no request to send");
        if is_create {
            // The create is never sent again once it may have landed.
            let may_have_landed = match event {
                Event::Respond(r, _) => (500..=599).contains(&r.status) && r.status != 503,
                Event::Fail(f, _) => *f == TransportFailure::MaybeSent,
            };
            if may_have_landed {
                prop_assert_eq!(step, Kind::OutcomeUnknown);
                prop_assert!(call.is_finished());
            }
            if let StepReport::Done { meta, .. } = &report {
                prop_assert!(matches!(event, Event::Respond(r, _) if (200..300).contains(&r.status) && r.status == meta.status));
            }
        }
        if waits_are_retries {
            let attempts = retries + 1;
            prop_assert!(attempts <= policy.max_attempts.max(1), "{attempts} attempts with max {}", policy.max_attempts);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn no_body_panics_the_validator(x in json_ish_bytes()) {
        let _ = validate_gift_request_json(&x);
        let _ = gift_request_body_from_json(&x);
        if let Err(e) = client().create_gift_request_json(&x) {
            let _ = (e.to_string(), format!("{e:?}"));
        }
        let _ = ListCampaigns::from_json(&x);
    }

    #[test]
    fn no_text_panics_a_parser(text in prop_oneof![any::<String>(), timestamp_text(), uuid_text(), "(?i)(https?|ftp)://[a-z0-9.:@\\[\\]/?#-]{0,30}"]) {
        let _ = Timestamp::parse(&text).map(|t| t.to_string());
        let _ = Uuid::parse(&text).map(|u| u.to_string());
        if let Ok(url) = BaseUrl::parse(&text) {
            let _ = (url.as_str(), url.is_https(), url.is_loopback(), url.environment());
        }
        let _ = ApiKey::parse(&text).map(|k| format!("{k:?}"));
        let _ = ApiKey::read(&text, true).map(|k| k.stage());
        let _ = ListCampaigns::from_json(text.as_bytes());
        let client = client();
        let _ = client.get_gift_request(&text).map(|c| format!("{:?}", c.request()));
        let _ = client.get_campaign(&text);
        let _ = Config::builder().base_url(text.clone()).build();
        let _ = Config::builder().api_key(text.clone()).allow_custom_key(true).base_url("http://localhost:1").build();
    }

    #[test]
    fn no_timestamp_panics_when_printed(millis in any::<i64>()) {
        let t = Timestamp::from_unix_millis(millis);
        let printed = t.to_string();
        // Within years 0..=9999 the printed form reads back as the same instant.
        if let Some(back) = Timestamp::parse(&printed) {
            prop_assert_eq!(back, t);
        }
        let _ = (t.plus(Duration::MAX), t.since(Timestamp::from_unix_millis(i64::MIN)), Timestamp::from_unix_seconds(millis));
    }

    #[test]
    fn no_answer_panics_a_call(
        events in vec(event(), 1..8),
        policy in retry_policy(),
        seed in any::<u64>(),
        target in poll_target(),
        interval in duration(),
        timeout in duration(),
        list in list_params(),
        create_body in gift_body_text(),
    ) {
        let config = Config::builder().api_key("ao-v1-production-k3y5ecr3t").retry_policy(policy.clone()).jitter_seed(seed).build().unwrap();
        let client = Client::new(config);
        let id = "4fb4cb3f-9666-43b5-8884-7f5194483d1a";
        let create = client.create_gift_request_json(create_body.as_bytes()).ok().or_else(|| {
            let params = NewGiftRequest::choice_mode(id, NewRecipient::new("Alice", "Smith"));
            client.create_gift_request(&params).ok()
        });
        drive(HostCall::CreateGiftRequest(create.unwrap()), &events, &policy, Duration::ZERO)?;
        drive(HostCall::GetGiftRequest(client.get_gift_request(id).unwrap()), &events, &policy, Duration::ZERO)?;
        drive(HostCall::GetCampaign(client.get_campaign(id).unwrap()), &events, &policy, Duration::ZERO)?;
        if let Ok(pages) = client.list_campaigns(&list) {
            drive(HostCall::ListCampaigns(pages), &events, &policy, Duration::ZERO)?;
        }
        drive(HostCall::ListCampaigns(client.list_campaigns(&ListCampaigns::default()).unwrap()), &events, &policy, Duration::ZERO)?;
        // An interval or timeout out of bounds, or a status the contract does not have, is refused.
        if let Ok(poller) = client.wait_for_gift_request(id, target, interval, timeout) {
            drive(HostCall::Poll(poller), &events, &policy, interval)?;
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// b. Validation is stable.
// ---------------------------------------------------------------------------------------------------

/// Property b for one input: the validator and the builder agree; a built body validates to the same
/// mode, builds to itself, and holds the same JSON as the input.
fn check_stable(x: &[u8]) -> Result<(), TestCaseError> {
    let validated = validate_gift_request_json(x);
    let built = gift_request_body_from_json(x);
    match (&validated, &built) {
        (Ok(_), Ok(_)) => {}
        (Err(a), Err(b)) => prop_assert_eq!(a, b, "validate and build report different problems"),
        _ => prop_assert!(false, "validate says {validated:?} but build says {built:?}"),
    }
    let via_client = client().create_gift_request_json(x);
    match (&built, via_client) {
        (Ok(body), Ok(call)) => prop_assert_eq!(call.request().body.as_ref(), Some(body)),
        (Err(errors), Err(Error::Validation(found))) => prop_assert_eq!(errors, &found),
        (built, other) => prop_assert!(false, "build says {built:?} but the client says {other:?}"),
    }
    if let Ok(body) = built {
        let shown = String::from_utf8_lossy(&body);
        prop_assert_eq!(validate_gift_request_json(&body), validated, "the built body {} validates differently", shown);
        prop_assert_eq!(gift_request_body_from_json(&body), Ok(body.clone()), "building {} again changes it", shown);
        if let Some(input) = json_without_duplicates(x) {
            let output = serde_json::from_slice::<Value>(&body);
            prop_assert!(output.is_ok(), "the built body {shown} is not JSON");
            prop_assert_eq!(output.unwrap(), input, "the built body {} holds other JSON than the input", shown);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn validation_is_stable(x in gift_body_text()) {
        check_stable(x.as_bytes())?;
    }

    #[test]
    fn validation_is_stable_on_damaged_input(x in json_ish_bytes()) {
        check_stable(&x)?;
    }
}

/// The generator of property b must reach valid bodies of both modes, or the property says nothing.
#[test]
fn the_body_generator_reaches_both_modes() {
    let mut runner = TestRunner::deterministic();
    let strategy = gift_body_text();
    let (mut choice, mut direct, mut invalid) = (0, 0, 0);
    for _ in 0..200 {
        let x = strategy.new_tree(&mut runner).unwrap().current();
        match validate_gift_request_json(x.as_bytes()) {
            Ok(Mode::ChoiceMode) => choice += 1,
            Ok(Mode::DirectSend) => direct += 1,
            Err(_) => invalid += 1,
        }
    }
    assert!(choice >= 20 && direct >= 10 && invalid >= 20, "choice {choice}, direct {direct}, invalid {invalid}");
}

// ---------------------------------------------------------------------------------------------------
// c. Typed parameters follow the same rules.
// ---------------------------------------------------------------------------------------------------

/// A change that (usually) makes valid parameters invalid.
#[derive(Clone, Debug)]
enum Mutation {
    BlankFirstName(&'static str),
    BlankLastName(&'static str),
    BadEmail(&'static str),
    BadCampaignId(String),
    LowercaseCountry,
    UnassignedCountry(&'static str),
    BlankCity,
    BlankPhone,
    QuantityZero(prop::sample::Index),
    NegativeQuantity(prop::sample::Index, i64),
    NoSkuNorVariant(prop::sample::Index),
    BlankSku(prop::sample::Index),
    BadVariantId(prop::sample::Index),
    NoItems,
    DropAddress,
    DropItems,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let blank = || prop::sample::select(vec!["", " ", "\t\n"]);
    prop_oneof![
        blank().prop_map(Mutation::BlankFirstName),
        blank().prop_map(Mutation::BlankLastName),
        prop::sample::select(vec!["alice", "alice@", "@example.com", "a b@example.com", "a@example", "a..b@example.com", ""])
            .prop_map(Mutation::BadEmail),
        prop_oneof![Just(String::new()), Just("  ".to_owned()), any::<String>(), "[0-9a-f-]{30,40}"].prop_map(Mutation::BadCampaignId),
        Just(Mutation::LowercaseCountry),
        prop::sample::select(vec!["ZZ", "UK", "EU", "IRL", "1E", ""]).prop_map(Mutation::UnassignedCountry),
        Just(Mutation::BlankCity),
        Just(Mutation::BlankPhone),
        any::<prop::sample::Index>().prop_map(Mutation::QuantityZero),
        (any::<prop::sample::Index>(), i64::MIN..0).prop_map(|(i, q)| Mutation::NegativeQuantity(i, q)),
        any::<prop::sample::Index>().prop_map(Mutation::NoSkuNorVariant),
        any::<prop::sample::Index>().prop_map(Mutation::BlankSku),
        any::<prop::sample::Index>().prop_map(Mutation::BadVariantId),
        Just(Mutation::NoItems),
        Just(Mutation::DropAddress),
        Just(Mutation::DropItems),
    ]
}

impl Mutation {
    fn apply(&self, p: &mut NewGiftRequest) {
        match self {
            Mutation::BlankFirstName(b) => p.recipient.first_name = (*b).to_owned(),
            Mutation::BlankLastName(b) => p.recipient.last_name = (*b).to_owned(),
            Mutation::BadEmail(e) => p.recipient.email = Some((*e).to_owned()),
            Mutation::BadCampaignId(id) => p.campaign_id.clone_from(id),
            Mutation::LowercaseCountry => with_address(p, |a| a.country_code = a.country_code.to_ascii_lowercase()),
            Mutation::UnassignedCountry(c) => with_address(p, |a| a.country_code = (*c).to_owned()),
            Mutation::BlankCity => with_address(p, |a| a.city = " ".to_owned()),
            Mutation::BlankPhone => with_address(p, |a| a.phone = String::new()),
            Mutation::QuantityZero(i) => with_item(p, i, |item| item.quantity = 0),
            Mutation::NegativeQuantity(i, q) => with_item(p, i, |item| item.quantity = *q),
            Mutation::NoSkuNorVariant(i) => with_item(p, i, |item| {
                item.sku = None;
                item.variant_id = None;
            }),
            Mutation::BlankSku(i) => with_item(p, i, |item| item.sku = Some("  ".to_owned())),
            Mutation::BadVariantId(i) => with_item(p, i, |item| item.variant_id = Some("not-a-uuid".to_owned())),
            Mutation::NoItems => {
                if let Some(items) = p.line_items.as_mut() {
                    items.clear();
                }
            }
            Mutation::DropAddress => p.shipping_address = None,
            Mutation::DropItems => p.line_items = None,
        }
    }
}

fn with_address(p: &mut NewGiftRequest, change: impl FnOnce(&mut NewShippingAddress)) {
    if let Some(address) = p.shipping_address.as_mut() {
        change(address);
    }
}

fn with_item(p: &mut NewGiftRequest, at: &prop::sample::Index, change: impl FnOnce(&mut NewLineItem)) {
    if let Some(items) = p.line_items.as_mut() {
        if !items.is_empty() {
            let i = at.index(items.len());
            change(&mut items[i]);
        }
    }
}

fn new_line_item() -> impl Strategy<Value = NewLineItem> {
    (prop_oneof![Just(0u8), Just(1), Just(2)], sku_text(), uuid_text(), 1i64..100).prop_map(|(which, sku, variant, quantity)| match which {
        0 => NewLineItem::sku(sku, quantity),
        1 => NewLineItem::variant(variant, quantity),
        _ => NewLineItem { sku: Some(sku), variant_id: Some(variant), quantity, ..NewLineItem::default() },
    })
}

fn new_address() -> impl Strategy<Value = NewShippingAddress> {
    (
        "[0-9]{1,3} [A-Z][a-z]{2,10} Street",
        prop::option::of("Apt [0-9]{1,3}"),
        "[A-Z][a-z]{2,12}",
        "[A-Z][a-z]{1,12}",
        "[A-Z0-9]{3,4}( [A-Z0-9]{3})?",
        prop::sample::select(COUNTRIES),
        phone_text(),
    )
        .prop_map(|(address1, address2, city, region, postal_code, country, phone)| NewShippingAddress {
            address1,
            address2,
            city,
            region,
            postal_code,
            country_code: country.to_owned(),
            phone,
            ..NewShippingAddress::default()
        })
}

/// Valid parameters of either mode, then up to three mutations.
fn new_gift_request() -> impl Strategy<Value = NewGiftRequest> {
    (
        uuid_text(),
        name_text(),
        name_text(),
        prop::option::of(email_text()),
        prop::option::of((new_address(), vec(new_line_item(), 1..4))),
        prop_oneof![3 => Just(Vec::new()), 2 => vec(mutation(), 1..4)],
    )
        .prop_map(|(campaign_id, first, last, email, direct, mutations)| {
            let mut recipient = NewRecipient::new(first, last);
            recipient.email = email;
            let mut params = match direct {
                Some((address, items)) => NewGiftRequest::direct_send(campaign_id, recipient, address, items),
                None => NewGiftRequest::choice_mode(campaign_id, recipient),
            };
            for m in &mutations {
                m.apply(&mut params);
            }
            params
        })
}

const PARAM_ROOTS: &[&str] = &["campaign_id", "recipient", "shipping_address", "line_items"];

fn check_typed(params: &NewGiftRequest) -> Result<(), TestCaseError> {
    let validated = params.validate();
    let json = params.to_json();
    let call = client().create_gift_request(params);
    match &validated {
        Ok(mode) => {
            let expected =
                if params.shipping_address.is_some() || params.line_items.is_some() { Mode::DirectSend } else { Mode::ChoiceMode };
            prop_assert_eq!(*mode, expected);
            let body = json.as_ref().unwrap();
            let shown = String::from_utf8_lossy(body);
            prop_assert_eq!(validate_gift_request_json(body), Ok(*mode), "to_json wrote {} for {:?}", shown, params);
            prop_assert_eq!(gift_request_body_from_json(body), Ok(body.clone()), "to_json wrote {}, which builds differently", shown);
            let call = call.unwrap();
            prop_assert_eq!(call.request().body.as_ref(), Some(body));
        }
        Err(errors) => {
            prop_assert!(!errors.is_empty());
            for e in errors {
                prop_assert_eq!(&e.error_type, &ErrorType::ValidationError, "{}", e);
                let param = e.param.as_deref().unwrap_or_default();
                prop_assert!(!param.is_empty(), "no param in {e}");
                let top_level_extra = params.extra.iter().any(|(name, _)| name == param);
                prop_assert!(
                    top_level_extra || PARAM_ROOTS.iter().any(|root| param.starts_with(root)),
                    "param {param} is neither under the body's fields nor an extra field given"
                );
            }
            prop_assert_eq!(json.as_ref().err(), Some(errors));
            match call {
                Err(Error::Validation(found)) => prop_assert_eq!(&found, errors),
                other => prop_assert!(false, "validate failed with {errors:?} but the client says {other:?}"),
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn typed_parameters_follow_the_json_rules(params in new_gift_request()) {
        check_typed(&params)?;
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn typed_parameters_with_unmodelled_fields_follow_the_json_rules(
        params in new_gift_request(),
        extras in vec((0u8..4, extra_name(false), extra_value()), 1..4),
    ) {
        check_typed(&with_extras(params, &extras))?;
    }

    /// The same, with extra fields that may repeat each other or a modelled field's name.
    #[test]
    fn typed_parameters_with_clashing_unmodelled_fields_follow_the_json_rules(
        params in new_gift_request(),
        extras in vec((0u8..4, extra_name(true), extra_value()), 1..4),
    ) {
        check_typed(&with_extras(params, &extras))?;
    }
}

/// A field name for [`andopen_core::ExtraFields`]: never a modelled name nor one given twice, unless
/// `clashing`.
fn extra_name(clashing: bool) -> BoxedStrategy<String> {
    if clashing {
        prop_oneof![Just("note".to_owned()), prop::sample::select(FIELD_NAMES).prop_map(str::to_owned)].boxed()
    } else {
        prop_oneof!["(x_|meta_)[a-z]{1,8}", any::<String>().prop_map(|s| format!("x-{s}"))].boxed()
    }
}

fn extra_value() -> impl Strategy<Value = Value> {
    any_json().prop_filter_map("valid JSON", |j| serde_json::from_str::<Value>(&j.text("")).ok())
}

/// Adds each extra to the object its number names (top level, recipient, address, first line item);
/// with names that are not clashing, each name is used once in its object.
fn with_extras(mut params: NewGiftRequest, extras: &[(u8, String, Value)]) -> NewGiftRequest {
    let mut used = HashSet::new();
    for (at, name, value) in extras {
        let clashing = name == "note" || FIELD_NAMES.contains(&name.as_str());
        if !clashing && !used.insert((*at, name.clone())) {
            continue;
        }
        let target = match at {
            0 => Some(&mut params.extra),
            1 => Some(&mut params.recipient.extra),
            2 => params.shipping_address.as_mut().map(|a| &mut a.extra),
            _ => params.line_items.as_mut().and_then(|items| items.first_mut()).map(|i| &mut i.extra),
        };
        if let Some(extra) = target {
            extra.insert(name.clone(), value).unwrap();
        }
    }
    params
}

// ---------------------------------------------------------------------------------------------------
// d. The API key never leaks.
// ---------------------------------------------------------------------------------------------------

/// The shapes a key is given in: standard, and malformed in each way the parser knows.
#[derive(Clone, Copy, Debug)]
enum KeyShape {
    Production,
    Staging,
    WrongVersion,
    Bare,
    ShortStage,
    WithSpace,
}

impl KeyShape {
    /// The key text, and the parts of the secret that must never be printed.
    fn key(self, secret: &str) -> (String, Vec<String>) {
        match self {
            KeyShape::Production => (format!("ao-v1-production-{secret}"), vec![secret.to_owned()]),
            KeyShape::Staging => (format!("ao-v1-staging-{secret}"), vec![secret.to_owned()]),
            KeyShape::WrongVersion => (format!("ao-v2-production-{secret}"), vec![secret.to_owned()]),
            KeyShape::Bare => (secret.to_owned(), vec![secret.to_owned()]),
            KeyShape::ShortStage => (format!("ao-v1-prod-{secret}"), vec![secret.to_owned()]),
            KeyShape::WithSpace => {
                let (a, b) = secret.split_at(secret.len() / 2);
                (format!("ao-v1-production-{a} {b}"), vec![format!("{a} {b}"), a.to_owned(), b.to_owned()])
            }
        }
    }
}

fn secret() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9]{12,40}"
}

fn key_shape() -> impl Strategy<Value = KeyShape> {
    prop::sample::select(vec![
        KeyShape::Production,
        KeyShape::Staging,
        KeyShape::WrongVersion,
        KeyShape::Bare,
        KeyShape::ShortStage,
        KeyShape::WithSpace,
    ])
}

fn base_url_choice() -> impl Strategy<Value = Option<&'static str>> {
    prop::sample::select(vec![
        None,
        Some("http://example.com"),
        Some("https://api.andopen.co"),
        Some("https://api.staging.andopen.co"),
        Some("ftp://x"),
        Some("http://127.0.0.1:8080"),
        Some("https://mock.example.com/v1/"),
    ])
}

/// Formats everything a caller could print about a configuration, its client and its calls.
fn printed(builder: &ConfigBuilder, key: &str) -> Vec<String> {
    let mut out = vec![format!("{builder:?}")];
    for allow_custom in [false, true] {
        match ApiKey::read(key, allow_custom) {
            Ok(k) => out.push(format!("{k:?}")),
            Err(e) => out.extend([e.to_string(), format!("{e:?}")]),
        }
    }
    match builder.clone().build() {
        Err(e) => {
            let error = Error::from(e.clone());
            out.extend([e.to_string(), format!("{e:?}"), error.to_string(), format!("{error:?}")]);
        }
        Ok(config) => {
            out.push(format!("{config:?}"));
            out.push(format!("{:?}", config.api_key()));
            let client = Client::new(config);
            out.push(format!("{client:?}"));
            out.extend(printed_calls(&client));
        }
    }
    out
}

fn printed_calls(client: &Client) -> Vec<String> {
    let id = "4fb4cb3f-9666-43b5-8884-7f5194483d1a";
    let params = NewGiftRequest::choice_mode(id, NewRecipient::new("Alice", "Smith").email("alice@example.com"));
    let mut out = Vec::new();
    let request = |out: &mut Vec<String>, r: &Request| out.push(format!("{r:?}"));
    let answers = [
        Response::new(
            401,
            [("Request-Id", "req_1")].into_iter().collect(),
            r#"{"errors":[{"type":"authentication_error","code":"invalid_token","message":"The token is not valid"}]}"#,
        ),
        Response::new(500, [("Request-Id", "req_2")].into_iter().collect(), "<html>oops</html>"),
        Response::new(
            422,
            Headers::new(),
            r#"{"errors":[{"type":"validation_error","code":"required","message":"is required","param":"recipient.first_name"}]}"#,
        ),
    ];
    let mut errors = Vec::new();
    for answer in &answers {
        let now = Timestamp::from_unix_seconds(1_776_335_400);
        let mut create = client.create_gift_request(&params).unwrap();
        request(&mut out, create.request());
        let mut get = client.get_gift_request(id).unwrap();
        request(&mut out, get.request());
        let mut campaign = client.get_campaign(id).unwrap();
        request(&mut out, campaign.request());
        let mut pages = client.list_campaigns(&ListCampaigns { limit: Some(5), ..ListCampaigns::default() }).unwrap();
        request(&mut out, pages.request().unwrap());
        let mut poll = client.wait_for_gift_request(id, PollTarget::RedemptionUrl, Duration::from_secs(1), Duration::from_secs(5)).unwrap();
        request(&mut out, poll.request());
        out.push(format!("{create:?} {get:?} {campaign:?} {pages:?} {poll:?}"));
        // Answer until each call stops (a 500 is retried for reads).
        for _ in 0..6 {
            for step in [
                failed(create.handle_response(answer, now)),
                failed(get.handle_response(answer, now)),
                failed(campaign.handle_response(answer, now)),
                failed(pages.handle_response(answer, now)),
                failed(poll.handle_response(answer, now)),
                failed(create.handle_transport_failure(TransportFailure::MaybeSent, now)),
            ]
            .into_iter()
            .flatten()
            {
                errors.push(step);
            }
        }
    }
    for e in errors {
        out.extend([e.to_string(), format!("{e:?}")]);
    }
    out
}

fn failed<T>(step: Step<T>) -> Option<Error> {
    match step {
        Step::Failed(e) => Some(e),
        Step::Done(_) | Step::Wait(_) => None,
    }
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn the_api_key_never_leaks(
        secret in secret(),
        shape in key_shape(),
        base_url in base_url_choice(),
        allow_custom in any::<bool>(),
        region_eu in any::<bool>(),
        environment in prop_oneof![Just(None), Just(Some(andopen_core::Environment::Production)), Just(Some(andopen_core::Environment::Staging))],
    ) {
        let (key, parts) = shape.key(&secret);
        let mut builder = Config::builder().api_key(key.clone()).allow_custom_key(allow_custom);
        if let Some(url) = base_url {
            builder = builder.base_url(url);
        }
        if region_eu {
            builder = builder.region(andopen_core::Region::Eu);
        }
        if let Some(environment) = environment {
            builder = builder.environment(environment);
        }
        for text in printed(&builder, &key) {
            for part in &parts {
                prop_assert!(!text.contains(part.as_str()), "the secret {part:?} of {key:?} shows in {text}");
            }
        }
    }
}

/// Every configuration error the brief names is reached by the key-leak property's inputs.
#[test]
fn the_key_property_reaches_every_config_error() {
    use andopen_core::ConfigErrorCode as C;
    let secret = "s3cr3tS3CR3Tabc";
    let cases = [
        (format!("ao-v1-production-{secret}"), Some("http://example.com"), C::InsecureTransport),
        (format!("ao-v1-staging-{secret}"), Some("https://api.andopen.co"), C::EnvironmentMismatch),
        (format!("ao-v1-production-{secret}"), Some("ftp://x"), C::InvalidBaseUrl),
        (format!("ao-v2-production-{secret}"), None, C::MalformedApiKey),
        (format!("ao-v1-prod-{secret}"), None, C::MalformedApiKey),
        (secret.to_owned(), None, C::MalformedApiKey),
        (format!("ao-v1-production-{} {}", &secret[..5], &secret[5..]), None, C::MalformedApiKey),
    ];
    for (key, url, code) in cases {
        let mut builder = Config::builder().api_key(key.clone());
        if let Some(url) = url {
            builder = builder.base_url(url);
        }
        assert_eq!(builder.build().unwrap_err().code, code, "{key} {url:?}");
    }
}
