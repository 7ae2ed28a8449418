//! A create body from the input bytes is validated and built, and validation must be stable: the
//! validator, the builder and the client agree; a built body validates to the same mode, builds to
//! itself, and holds the same JSON as the input (when the input is JSON without a repeated key).
//!
//! The first byte picks how the body is made: odd, the rest of the input is the body; even, the rest is
//! cut at each 0xFF byte (never found in UTF-8) and the pieces fill the holes of a valid body, unescaped
//! (with every hole empty the body is accepted), so the fuzzer starts from bodies the validator accepts
//! and can still change or break any part of them.
#![no_main]

use andopen_core::{Client, Config, Error, gift_request_body_from_json, validate_gift_request_json};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

#[path = "../../tests/support/json.rs"]
mod json;
use json::json_without_duplicates;

/// Valid bodies with holes: with every hole empty, each is accepted.
const TEMPLATES: &[&[&str]] = &[
    // Choice mode.
    &[
        r#"{"campaign_id":"a1b2c3d4-e5f6-7890-abcd-ef1234567890"#,
        r#"","recipient":{"first_name":"Alice"#,
        r#"","last_name":"Smith"#,
        r#"","email":"alice@example.com"#,
        r#"""#,
        r#"}"#,
        r#"}"#,
    ],
    // Direct send.
    &[
        r#"{"campaign_id":"a1b2c3d4-e5f6-7890-abcd-ef1234567890","recipient":{"first_name":"Alice","last_name":"Smith"},"shipping_address":{"address1":"1 Main St"#,
        r#"","address2":null"#,
        r#","city":"Dublin","region":"Dublin","postal_code":"D01 F5P2","country_code":"IE"#,
        r#"","phone":"+353 1 555 0100""#,
        r#"},"line_items":[{"sku":"HOODIE-L"#,
        r#"","variant_id":"c1b2c3d4-e5f6-7890-abcd-ef1234567890","quantity":1"#,
        r#"}"#,
        r#"]"#,
        r#"}"#,
    ],
];

/// The body to check: the input itself, or the input's pieces in a template.
fn body(data: &[u8]) -> Vec<u8> {
    let Some((&mode, rest)) = data.split_first() else {
        return Vec::new();
    };
    if mode & 1 == 1 {
        return rest.to_vec();
    }
    let template = TEMPLATES[usize::from(mode >> 1) % TEMPLATES.len()];
    let mut pieces = rest.split(|&b| b == 0xff);
    let mut out = Vec::with_capacity(data.len() + 256);
    for (i, part) in template.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(pieces.next().unwrap_or_default());
        }
        out.extend_from_slice(part.as_bytes());
    }
    out
}

fn check(x: &[u8], client: &Client) {
    let validated = validate_gift_request_json(x);
    let built = gift_request_body_from_json(x);
    match (&validated, &built) {
        (Ok(_), Ok(_)) => {}
        (Err(a), Err(b)) => assert_eq!(a, b, "validate and build report different problems"),
        _ => panic!("validate says {validated:?} but build says {built:?}"),
    }
    match (&built, client.create_gift_request_json(x)) {
        (Ok(body), Ok(call)) => assert_eq!(call.request().body.as_ref(), Some(body), "the client sends another body"),
        (Err(errors), Err(Error::Validation(found))) => assert_eq!(errors, &found, "the client reports other problems"),
        (built, other) => panic!("build says {built:?} but the client says {other:?}"),
    }
    let Ok(body) = built else { return };
    let shown = String::from_utf8_lossy(&body);
    assert_eq!(validate_gift_request_json(&body), validated, "the built body {shown} validates differently");
    assert_eq!(gift_request_body_from_json(&body).as_ref(), Ok(&body), "building {shown} again changes it");
    if let Some(input) = json_without_duplicates(x) {
        let output = serde_json::from_slice::<Value>(&body);
        assert!(output.is_ok(), "the built body {shown} is not JSON: {output:?}");
        assert_eq!(output.ok(), Some(input), "the built body {shown} holds other JSON than the input");
    }
}

fuzz_target!(|data: &[u8]| {
    thread_local! {
        static CLIENT: Client = Client::new(Config::from_api_key("ao-v1-production-k3y5ecr3t").expect("a valid key"));
    }
    let x = body(data);
    CLIENT.with(|client| check(&x, client));
});
