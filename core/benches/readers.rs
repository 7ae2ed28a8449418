//! Objects with many unknown keys, the input that once made the readers quadratic: the time to validate a
//! body with 10,000, 100,000 and 1,000,000 unknown keys, as JSON text, as tokens and as typed parameters,
//! and how each grows per tenfold. Run with `make bench-readers`; linear readers grow about 10× per step.
//! A body over `MAX_BODY_BYTES` is refused before it is read: the JSON and token rows show that answer's
//! time for 1,000,000 keys, the typed row (which has no size to refuse) shows the reader's own.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::time::{Duration, Instant};

use andopen_core::tokens::{NUMBER, OBJECT};
use andopen_core::{NewGiftRequest, NewRecipient, validate_gift_request_json, validate_gift_request_tokens};

const CAMPAIGN: &str = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
const SIZES: [usize; 3] = [10_000, 100_000, 1_000_000];

/// A short distinct key for every `i`, in base 36.
fn key(mut i: usize) -> String {
    let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = vec![b'k'];
    loop {
        out.push(digits[i % 36]);
        i /= 36;
        if i == 0 {
            break;
        }
    }
    String::from_utf8(out).unwrap()
}

fn json_body(n: usize) -> Vec<u8> {
    let mut out = format!(r#"{{"campaign_id":"{CAMPAIGN}","recipient":{{"first_name":"A","last_name":"B"}}"#);
    for i in 0..n {
        out.push_str(&format!(r#","{}":1"#, key(i)));
    }
    out.push('}');
    out.into_bytes()
}

/// The same object as tokens: only the unknown keys (the campaign and recipient are left out, which adds
/// two problems and changes nothing in the reading).
fn tokens_body(n: usize) -> (Vec<u32>, Vec<u8>) {
    let mut tags = vec![OBJECT, u32::try_from(n).unwrap()];
    let mut text = String::new();
    for i in 0..n {
        let k = key(i);
        tags.extend([u32::try_from(k.len()).unwrap(), NUMBER, 1]);
        text.push_str(&k);
        text.push('1');
    }
    (tags, text.into_bytes())
}

fn typed_body(n: usize) -> NewGiftRequest {
    let mut params = NewGiftRequest::choice_mode(CAMPAIGN, NewRecipient::new("A", "B"));
    for i in 0..n {
        params.extra.insert(key(i), &1).unwrap();
    }
    params
}

/// The least of three timings (the others are the machine's noise).
fn time(mut f: impl FnMut()) -> Duration {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap()
}

fn row(name: &str, times: &[(usize, Duration, &str)]) {
    print!("{name:<8}");
    let mut last: Option<Duration> = None;
    for (n, t, note) in times {
        let growth = last.map_or(String::new(), |l| format!(" (×{:.1})", t.as_secs_f64() / l.as_secs_f64().max(1e-9)));
        print!("  {n:>9} keys: {:>9.3} ms{growth}{note}", t.as_secs_f64() * 1e3);
        last = Some(*t);
    }
    println!();
}

fn main() {
    println!("validating a body of unknown keys (least of 3 runs):");
    let mut json = Vec::new();
    let mut tokens = Vec::new();
    let mut typed = Vec::new();
    for n in SIZES {
        let body = json_body(n);
        let refused = validate_gift_request_json(&body).is_err_and(|e| e[0].code.as_str() == "body_too_large");
        json.push((
            n,
            time(|| drop(validate_gift_request_json(&body))),
            if refused { " [over MAX_BODY_BYTES: refused unread]" } else { "" },
        ));
        let (tags, text) = tokens_body(n);
        let refused = validate_gift_request_tokens(&tags, &text).is_err_and(|e| e[0].code.as_str() == "body_too_large");
        tokens.push((
            n,
            time(|| drop(validate_gift_request_tokens(&tags, &text))),
            if refused { " [over MAX_BODY_BYTES: refused unread]" } else { "" },
        ));
        let params = typed_body(n);
        typed.push((n, time(|| drop(params.validate())), ""));
    }
    row("json", &json);
    row("tokens", &tokens);
    row("typed", &typed);
}
