//! The gifting flow against a running mock, over real HTTP: what is sent, what comes back, what the SDK
//! decides.
//!
//! ```sh
//! cargo run --release --locked -p andopen-mock --example demo -- http://127.0.0.1:PORT
//! ```
//! The base URL may also come from `ANDOPEN_BASE_URL`; without one, the demo starts a mock in-process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use andopen_core::{
    Campaign, Client, Config, Error, ListCampaigns, NewGiftRequest, NewLineItem, NewRecipient, NewShippingAddress, Operation, PollTarget,
    Request, Response, Step,
};
use andopen_mock::transport::{HttpClient, TransportError, now};
use andopen_mock::{Options, Server};

const KEY: &str = "ao-v1-staging-demo_secret";

/// An HTTP client that prints each exchange.
struct Shown(HttpClient);

impl Shown {
    fn send(&mut self, request: &Request) -> Result<Response, TransportError> {
        let path = request.url.splitn(4, '/').nth(3).map_or("/".to_owned(), |p| format!("/{p}"));
        println!("  → {} {path}", request.method.as_str());
        if let Some(body) = &request.body {
            println!("    {}", short(&String::from_utf8_lossy(body), 110));
        }
        let result = self.0.send(request);
        match &result {
            Ok(r) => println!("  ← {} (Request-Id {})", r.status, r.headers.get("request-id").unwrap_or("-")),
            Err(e) => println!("  ← no answer: {e}"),
        }
        result
    }

    fn run<O: Operation>(&mut self, call: &mut andopen_core::Call<O>) -> Result<O::Output, Error> {
        loop {
            let step = match self.send(call.request()) {
                Ok(response) => call.handle_response(&response, now()),
                Err(e) => call.handle_transport_failure(e.failure(), now()),
            };
            match step {
                Step::Done(reply) => return Ok(reply.value),
                Step::Wait(delay) => wait(delay),
                Step::Failed(error) => return Err(error),
            }
        }
    }
}

fn wait(delay: Duration) {
    println!("  … waiting {} ms, as the SDK says", delay.as_millis());
    std::thread::sleep(delay);
}

fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max { text.to_owned() } else { format!("{}…", text.chars().take(max).collect::<String>()) }
}

fn control(base: &str, path: &str, body: &str) {
    let response =
        HttpClient::new().exchange("POST", &format!("{base}{path}"), &[("Content-Type", "application/json")], Some(body.as_bytes()));
    let status = response.map(|r| r.status).unwrap_or(0);
    println!("  (mock control: POST {path} {body} → {status})");
}

fn address() -> NewShippingAddress {
    NewShippingAddress {
        address1: "12 Merrion Square".into(),
        city: "Dublin".into(),
        region: "Leinster".into(),
        postal_code: "D02 XY45".into(),
        country_code: "IE".into(),
        phone: "+353871234567".into(),
        ..NewShippingAddress::default()
    }
}

fn show_errors(error: &Error) {
    if error.errors().is_empty() {
        println!("  ✗ {error}");
    }
    for e in error.errors() {
        println!("  ✗ {:<32} {} ({})", e.param.as_deref().unwrap_or("-"), e.message, e.code);
    }
}

fn main() {
    let arg = std::env::args().nth(1).or_else(|| std::env::var("ANDOPEN_BASE_URL").ok());
    let (base, _server) = match arg {
        Some(base) => (base.trim_end_matches('/').to_owned(), None),
        None => {
            let server = Server::start(Options { quiet: true, ..Options::default() }).expect("start the mock");
            (server.base_url(), Some(server))
        }
    };
    let client = Client::new(Config::builder().api_key(KEY).base_url(&base).jitter_seed(7).build().expect("configuration"));
    let mut net = Shown(HttpClient::new());
    println!("&Open SDK demo (Rust): the core over real HTTP against the mock at {base}\n");

    println!("1. Every campaign, page by page");
    let mut pages = client.list_campaigns(&ListCampaigns::default()).unwrap();
    let mut campaigns: Vec<Campaign> = Vec::new();
    while let Some(request) = pages.request().cloned() {
        let step = match net.send(&request) {
            Ok(response) => pages.handle_response(&response, now()),
            Err(e) => pages.handle_transport_failure(e.failure(), now()),
        };
        match step {
            Step::Done(page) => {
                println!("    {} campaigns, has_more {}", page.value.data.len(), page.value.has_more);
                campaigns.extend(page.value.data);
            }
            Step::Wait(delay) => wait(delay),
            Step::Failed(e) => panic!("{e}"),
        }
    }
    let find = |name: &str| campaigns.iter().find(|c| c.name.as_deref() == Some(name)).expect(name).clone();
    let choice = find(andopen_mock::seed::CHOICE);
    let direct = find(andopen_mock::seed::DIRECT_SEND);
    println!("  ✓ {} campaigns; using \"{}\" and \"{}\"", campaigns.len(), andopen_mock::seed::CHOICE, andopen_mock::seed::DIRECT_SEND);

    println!("\n2. A form with a blank last name and a lowercase country: refused before sending");
    let bad = NewGiftRequest::direct_send(
        direct.id.to_string(),
        NewRecipient::new("Alice", ""),
        NewShippingAddress { country_code: "ie".into(), ..address() },
        vec![NewLineItem::sku("HOODIE-M-BLK", 1)],
    );
    match client.create_gift_request(&bad) {
        Err(error) => show_errors(&error),
        Ok(_) => panic!("expected validation errors"),
    }

    println!("\n3. A choice-mode gift: the recipient chooses");
    let params = NewGiftRequest::choice_mode(choice.id.to_string(), NewRecipient::new("Alice", "Smith").email("alice@example.com"));
    let gift = net.run(&mut client.create_gift_request(&params).unwrap()).unwrap();
    println!("  ✓ gift request {} is {}, redemption_url {:?}", gift.id, gift.status, gift.redemption_url);

    println!("\n4. Waiting for the redemption URL");
    let mut poll = client
        .wait_for_gift_request(&gift.id.to_string(), PollTarget::RedemptionUrl, Duration::from_millis(150), Duration::from_secs(30))
        .unwrap();
    loop {
        let step = match net.send(poll.request()) {
            Ok(response) => poll.handle_response(&response, now()),
            Err(e) => poll.handle_transport_failure(e.failure(), now()),
        };
        match step {
            Step::Done(reply) => {
                println!("  ✓ redemption URL {}", reply.value.redemption_url.unwrap_or_default());
                break;
            }
            Step::Wait(delay) => wait(delay),
            Step::Failed(e) => panic!("{e}"),
        }
    }

    println!("\n5. A direct-send gift: the items ship to the address given");
    let params = NewGiftRequest::direct_send(
        direct.id.to_string(),
        NewRecipient::new("Bob", "Jones"),
        address(),
        vec![NewLineItem::sku("HOODIE-M-BLK", 1)],
    );
    let sent = net.run(&mut client.create_gift_request(&params).unwrap()).unwrap();
    let items: Vec<String> =
        sent.line_items.unwrap_or_default().iter().map(|i| format!("{} × {}", i.quantity, i.sku.as_deref().unwrap_or("?"))).collect();
    println!("  ✓ gift request {} is {}, items {}", sent.id, sent.status, items.join(", "));

    println!("\n6. An unknown SKU and a variant out of stock: the server's field errors");
    let params = NewGiftRequest::direct_send(
        direct.id.to_string(),
        NewRecipient::new("Bob", "Jones"),
        address(),
        vec![NewLineItem::sku("NO-SUCH-SKU", 1), NewLineItem::sku("TEE-S-WHT", 1)],
    );
    match net.run(&mut client.create_gift_request(&params).unwrap()) {
        Err(error) => show_errors(&error),
        Ok(_) => panic!("expected field errors"),
    }

    println!("\n7. The API is briefly unavailable (an injected 503): the SDK waits Retry-After and reads again");
    control(&base, "/_mock/faults", r#"[{"method":"GET","path":"/gift_requests/","status":503,"retry_after":1}]"#);
    let again = net.run(&mut client.get_gift_request(&sent.id.to_string()).unwrap()).unwrap();
    println!("  ✓ gift request {} read after the 503: {}", again.id, again.status);

    println!("\n8. A 500 on create (the gift did land): the SDK never sends it twice");
    control(&base, "/_mock/faults", r#"[{"method":"POST","path":"/gift_requests","status":500,"after_processing":true}]"#);
    let params = NewGiftRequest::choice_mode(choice.id.to_string(), NewRecipient::new("Carol", "White"));
    match net.run(&mut client.create_gift_request(&params).unwrap()) {
        Err(error) => println!("  ! {}: {error}", error.kind().as_str()),
        Ok(_) => panic!("expected outcome unknown"),
    }

    println!("\nDone: every request above was built, and every answer judged, by the core; the bytes went over HTTP.");
}
