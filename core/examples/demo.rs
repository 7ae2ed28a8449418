//! The gifting flow against canned responses: what the SDK sends, what comes back, what it decides.
//!
//! Run it with `cargo run -p andopen-core --example demo` (`make demo` runs the flow against the local
//! simulator in every language instead). No network is used here: a small
//! scripted transport answers each request the way the &Open API would.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::VecDeque;
use std::time::Duration;

use andopen_core::{
    Client, Config, Error, Headers, ListCampaigns, NewGiftRequest, NewLineItem, NewRecipient, NewShippingAddress, PollTarget, Request,
    Response, Step, Timestamp,
};

const CAMPAIGN: &str = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
const GIFT: &str = "4fb4cb3f-9666-43b5-8884-7f5194483d1a";

/// A transport that answers from a script and keeps a clock that only moves when told to sleep.
struct Scripted {
    answers: VecDeque<Response>,
    now: Timestamp,
    request_counter: u32,
}

impl Scripted {
    fn new() -> Scripted {
        Scripted { answers: VecDeque::new(), now: Timestamp::parse("2026-05-01T12:00:00.000Z").unwrap(), request_counter: 0 }
    }

    fn answer(&mut self, status: u16, extra_headers: &[(&str, &str)], body: &str) {
        self.request_counter += 1;
        let mut headers = Headers::new();
        headers.push("Request-Id", format!("00000000-0000-4000-8000-{:012}", self.request_counter));
        headers.push("RateLimit-Limit", "100");
        headers.push("RateLimit-Remaining", (100 - self.request_counter).to_string());
        headers.push("RateLimit-Reset", (self.now.unix_seconds() + 60).to_string());
        for (name, value) in extra_headers {
            headers.push(*name, *value);
        }
        self.answers.push_back(Response::new(status, headers, body));
    }

    fn send(&mut self, request: &Request) -> Response {
        println!("  → {} {}", request.method.as_str(), request.url);
        if let Some(body) = &request.body {
            println!("    {}", String::from_utf8_lossy(body));
        }
        let response = self.answers.pop_front().expect("the script ran out of answers");
        println!("  ← {} (Request-Id {})", response.status, response.headers.get("request-id").unwrap_or("-"));
        response
    }

    fn sleep(&mut self, delay: Duration) {
        println!("  … waiting {} ms, as the SDK says", delay.as_millis());
        self.now = self.now.plus(delay);
    }
}

fn gift_json(status: &str, redemption_url: Option<&str>) -> String {
    let url = redemption_url.map_or("null".to_owned(), |u| format!("\"{u}\""));
    format!(
        r#"{{"id":"{GIFT}","status":"{status}","campaign_id":"{CAMPAIGN}","redemption_url":{url},"recipient":{{"id":"b2c3d4e5-f6a7-8901-bcde-f01234567890","first_name":"Alice","last_name":"Smith","email":"alice@example.com"}},"shipping_address":null,"line_items":null,"created_at":"2026-05-01T12:00:00.000Z","updated_at":"2026-05-01T12:00:00.000Z"}}"#
    )
}

fn campaign_json(id: &str, name: &str) -> String {
    format!(r#"{{"id":"{id}","name":"{name}","invitation_method":"sender_provided_address","products":[]}}"#)
}

fn direct_send(country: &str, last_name: &str) -> NewGiftRequest {
    NewGiftRequest::direct_send(
        CAMPAIGN,
        NewRecipient::new("Alice", last_name).email("alice@example.com"),
        NewShippingAddress {
            address1: "12 Merrion Square".into(),
            city: "Dublin".into(),
            region: "Leinster".into(),
            postal_code: "D02 XY45".into(),
            country_code: country.into(),
            phone: "+353871234567".into(),
            ..NewShippingAddress::default()
        },
        vec![NewLineItem::sku("HOODIE-L-BLK", 1)],
    )
}

fn main() {
    let client = Client::new(Config::builder().api_key("ao-v1-staging-demo_secret").jitter_seed(7).build().unwrap());
    let mut net = Scripted::new();
    println!("&Open SDK demo: sans-IO core, scripted transport, base URL {}\n", client.config().base_url().as_str());

    println!("1. A form with a blank last name and a lowercase country: refused before sending, in the server's words");
    match client.create_gift_request(&direct_send("ie", "")) {
        Err(Error::Validation(errors)) => {
            for e in errors {
                println!("  ✗ {:<32} {} ({})", e.param.as_deref().unwrap_or("-"), e.message, e.code);
            }
        }
        other => panic!("expected validation errors, got {other:?}"),
    }

    println!("\n2. Choice-mode gift request: the recipient chooses their gift");
    let params = NewGiftRequest::choice_mode(CAMPAIGN, NewRecipient::new("Alice", "Smith").email("alice@example.com"));
    let mut call = client.create_gift_request(&params).unwrap();
    net.answer(201, &[], &gift_json("submitted", None));
    match call.handle_response(&net.send(call.request()), net.now) {
        Step::Done(reply) => {
            println!("  ✓ created {} ({}), request id {}", reply.value.id, reply.value.status, reply.meta.request_id.unwrap())
        }
        other => panic!("{other:?}"),
    }

    println!("\n3. Direct-send, rate limited first: the SDK waits Retry-After, then sends again");
    let mut call = client.create_gift_request(&direct_send("IE", "Smith")).unwrap();
    net.answer(
        429,
        &[("Retry-After", "2")],
        r#"{"errors":[{"type":"rate_limit_error","code":"rate_limited","message":"Too many requests"}]}"#,
    );
    net.answer(201, &[], &gift_json("submitted", Some("https://gift.andopen.co/r/abc123")));
    loop {
        let response = net.send(call.request());
        match call.handle_response(&response, net.now) {
            Step::Done(reply) => {
                println!("  ✓ created {} after {} attempts", reply.value.id, call.attempts());
                break;
            }
            Step::Wait(delay) => net.sleep(delay),
            Step::Failed(e) => panic!("{e}"),
        }
    }

    println!("\n4. A 500 on create: the gift may exist, so the SDK never sends it again");
    let mut call = client.create_gift_request(&params).unwrap();
    net.answer(500, &[], r#"{"errors":[{"type":"api_error","code":"internal_error","message":"Internal server error"}]}"#);
    match call.handle_response(&net.send(call.request()), net.now) {
        Step::Failed(e) => println!("  ! {} → {e}", e.kind().as_str()),
        other => panic!("{other:?}"),
    }

    println!("\n5. Every campaign, page by page (limit 2)");
    let mut pages = client.list_campaigns(&ListCampaigns { limit: Some(2), ..ListCampaigns::default() }).unwrap();
    net.answer(
        200,
        &[],
        &format!(
            r#"{{"data":[{},{}],"has_more":true}}"#,
            campaign_json("11111111-1111-4111-8111-111111111111", "Welcome box"),
            campaign_json("22222222-2222-4222-8222-222222222222", "Renewal thank-you")
        ),
    );
    net.answer(
        200,
        &[],
        &format!(r#"{{"data":[{}],"has_more":false}}"#, campaign_json("33333333-3333-4333-8333-333333333333", "Win-back")),
    );
    while let Some(request) = pages.request().cloned() {
        match pages.handle_response(&net.send(&request), net.now) {
            Step::Done(page) => {
                for c in &page.value.data {
                    println!("  ✓ {} {}", c.id, c.name.as_deref().unwrap_or("(no name)"));
                }
            }
            Step::Wait(delay) => net.sleep(delay),
            Step::Failed(e) => panic!("{e}"),
        }
    }

    println!("\n6. Waiting for the redemption URL");
    let mut poll = client.wait_for_gift_request(GIFT, PollTarget::RedemptionUrl, Duration::from_secs(2), Duration::from_secs(30)).unwrap();
    net.answer(200, &[], &gift_json("submitted", None));
    net.answer(200, &[], &gift_json("submitted", Some("https://gift.andopen.co/r/abc123")));
    loop {
        let response = net.send(poll.request());
        match poll.handle_response(&response, net.now) {
            Step::Done(reply) => {
                println!("  ✓ redemption URL {}", reply.value.redemption_url.unwrap());
                break;
            }
            Step::Wait(delay) => net.sleep(delay),
            Step::Failed(e) => panic!("{e}"),
        }
    }
    println!("\nDone: every request above was built, and every answer judged, by the core alone.");
}
