//! End to end: the SDK core, driven through its sans-IO loop over a real HTTP transport, against the mock
//! running in-process; then targeted tests of the mock itself.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]

use std::collections::VecDeque;
use std::io::BufReader;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use andopen_core::webhook::{EVENT_ID_HEADER, TIMESTAMP_HEADER, Verifier};
use andopen_core::{
    Campaign, Client, Config, Error, ErrorKind, EventType, Headers, ListCampaigns, NewGiftRequest, NewLineItem, NewRecipient,
    NewShippingAddress, PollTarget, Timestamp,
};
use andopen_mock::http::{read_request, write_response};
use andopen_mock::transport::{HttpClient, now};
use andopen_mock::{Options, RetrySchedule, RunningServer, Server};
use serde_json::Value;

const KEY: &str = "ao-v1-staging-e2e_secret";
const SECRET: &str = "whsec_e2e";

fn start(options: Options) -> RunningServer {
    Server::start(Options { quiet: true, ..options }).unwrap()
}

fn client(server: &RunningServer) -> Client {
    Client::new(Config::builder().api_key(KEY).base_url(server.base_url()).jitter_seed(1).build().unwrap())
}

/// A control call; the JSON answer.
fn control(server: &RunningServer, method: &str, path: &str, body: &str) -> Value {
    let url = format!("{}{path}", server.base_url());
    let body = (method == "POST").then_some(body.as_bytes());
    let response = HttpClient::new().exchange(method, &url, &[("Content-Type", "application/json")], body).unwrap();
    assert!((200..300).contains(&response.status), "{method} {path}: {} {}", response.status, String::from_utf8_lossy(&response.body));
    serde_json::from_slice(&response.body).unwrap()
}

/// The API requests the mock has answered.
fn requests(server: &RunningServer) -> Vec<Value> {
    control(server, "GET", "/_mock/requests", "")["data"].as_array().unwrap().clone()
}

/// A raw API request with the version and the key (unless told otherwise).
fn raw(server: &RunningServer, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&str>) -> andopen_core::Response {
    let url = format!("{}{path}", server.base_url());
    HttpClient::new().exchange(method, &url, headers, body.map(str::as_bytes)).unwrap()
}

const API: [(&str, &str); 2] = [("AndOpen-API-Version", "2026-05"), ("Authorization", "Bearer ao-v1-staging-e2e_secret")];

fn errors_of(response: &andopen_core::Response) -> Vec<Value> {
    let body: Value = serde_json::from_slice(&response.body).unwrap();
    body["errors"].as_array().unwrap().clone()
}

/// Every campaign, through the core's paginator; also the number of pages.
fn all_campaigns(server: &RunningServer) -> (Vec<Campaign>, usize) {
    let mut pages = client(server).list_campaigns(&ListCampaigns::default()).unwrap();
    let mut count = 0;
    let all = HttpClient::new().list_all(&mut pages, |_| count += 1, |_| {}).unwrap();
    (all, count)
}

fn named<'c>(campaigns: &'c [Campaign], name: &str) -> &'c Campaign {
    campaigns.iter().find(|c| c.name.as_deref() == Some(name)).unwrap()
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

fn direct_send(campaign: &Campaign, sku: &str) -> NewGiftRequest {
    NewGiftRequest::direct_send(campaign.id.to_string(), NewRecipient::new("Bob", "Jones"), address(), vec![NewLineItem::sku(sku, 1)])
}

/// A webhook receiver on a local listener: answers the queued statuses first, then 200; keeps every
/// delivery's headers and raw body.
struct Receiver {
    url: String,
    deliveries: Arc<Mutex<Vec<Delivered>>>,
}

/// One delivery as received: its headers and raw body.
type Delivered = (Headers, Vec<u8>);

fn receiver(mut statuses: VecDeque<u16>) -> Receiver {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}/hooks", listener.local_addr().unwrap().port());
    let deliveries = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&deliveries);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let mut writer = stream.try_clone().unwrap();
            let mut reader = BufReader::new(stream);
            while let Ok(request) = read_request(&mut reader, &mut writer) {
                seen.lock().unwrap().push((request.headers.iter().cloned().collect::<Headers>(), request.body.clone()));
                let status = statuses.pop_front().unwrap_or(200);
                if write_response(&mut writer, status, &[], b"", request.keep_alive).is_err() || !request.keep_alive {
                    break;
                }
            }
        }
    });
    Receiver { url, deliveries }
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_whole_gifting_flow() {
    let hooks = receiver(VecDeque::new());
    let server = start(Options { webhooks: vec![hooks.url.clone()], webhook_secret: SECRET.into(), ..Options::default() });
    let sdk = client(&server);
    let mut http = HttpClient::new();

    // Every campaign, across pages.
    let (campaigns, pages) = all_campaigns(&server);
    assert!(campaigns.len() >= 30 && pages >= 2, "{} campaigns on {pages} pages", campaigns.len());
    let choice = named(&campaigns, "Welcome box (choice)");
    let direct = named(&campaigns, "Welcome box (direct send)");
    assert!(direct.allows_direct_send() && !choice.allows_direct_send());

    // Client-side validation: refused before sending, so the mock sees nothing.
    let before = requests(&server).len();
    let bad = NewGiftRequest::direct_send(
        direct.id.to_string(),
        NewRecipient::new("Bob", ""),
        NewShippingAddress { country_code: "ie".into(), ..address() },
        vec![NewLineItem::sku("HOODIE-M-BLK", 1)],
    );
    let Err(Error::Validation(problems)) = sdk.create_gift_request(&bad) else { panic!("expected validation errors") };
    let params: Vec<_> = problems.iter().filter_map(|p| p.param.as_deref()).collect();
    assert_eq!(params, ["recipient.last_name", "shipping_address.country_code"]);
    assert_eq!(requests(&server).len(), before);

    // A choice-mode gift, then its redemption URL through the core's poller.
    let params = NewGiftRequest::choice_mode(choice.id.to_string(), NewRecipient::new("Alice", "Smith").email("alice@example.com"));
    let created = http.run(&mut sdk.create_gift_request(&params).unwrap(), |_| {}).unwrap();
    assert_eq!(created.meta.status, 201);
    assert!(created.meta.request_id.is_some());
    let gift = created.value;
    assert_eq!((gift.status.as_str(), gift.redemption_url.as_deref(), gift.line_items.as_ref()), ("submitted", None, None));
    let mut poll = sdk
        .wait_for_gift_request(&gift.id.to_string(), PollTarget::RedemptionUrl, Duration::from_millis(100), Duration::from_secs(10))
        .unwrap();
    let mut waits = 0;
    let ready = http.poll(&mut poll, |_| waits += 1).unwrap();
    assert!(ready.value.redemption_url.unwrap().starts_with("https://gift.andopen.test/r/"));
    assert!(waits >= 1, "the URL appears after a delay, which the poller waits out");

    // A direct-send gift: its items are locked at creation.
    let sent = http.run(&mut sdk.create_gift_request(&direct_send(direct, "HOODIE-M-BLK")).unwrap(), |_| {}).unwrap().value;
    let items = sent.line_items.unwrap();
    assert_eq!((items[0].sku.as_deref(), items[0].quantity), (Some("HOODIE-M-BLK"), 1));
    assert_eq!(sent.shipping_address.unwrap().country_code.as_str(), "IE");

    // Server-side validation comes back as field errors.
    let mut unknown = direct_send(direct, "NO-SUCH-SKU");
    unknown.line_items.as_mut().unwrap().push(NewLineItem::sku("TEE-S-WHT", 1));
    let error = http.run(&mut sdk.create_gift_request(&unknown).unwrap(), |_| {}).unwrap_err();
    assert_eq!(error.status(), Some(422));
    let found: Vec<_> = error.errors().iter().map(|e| (e.code.as_str().to_owned(), e.param.clone().unwrap_or_default())).collect();
    assert_eq!(
        found,
        [("invalid_reference".to_owned(), "line_items[0].sku".to_owned()), ("out_of_stock".to_owned(), "line_items[1]".to_owned())]
    );

    // Injected 429 then 503: retried after the waits the core asks for.
    control(
        &server,
        "POST",
        "/_mock/faults",
        r#"[{"path":"/campaigns/","status":429,"retry_after":1},{"path":"/campaigns/","status":503,"retry_after":1}]"#,
    );
    let mut slept = Vec::new();
    let mut call = sdk.get_campaign(&direct.id.to_string()).unwrap();
    let campaign = http.run(&mut call, |d| slept.push(d)).unwrap();
    assert_eq!(campaign.value.id, direct.id);
    assert_eq!((call.attempts(), slept), (3, vec![Duration::from_secs(1), Duration::from_secs(1)]));

    // A 500 on create after the gift landed: outcome unknown with the request id, one attempt only.
    let gifts_before = control(&server, "GET", "/_mock/gift_requests", "")["data"].as_array().unwrap().len();
    let posts_before = requests(&server).iter().filter(|r| r["method"] == "POST").count();
    control(&server, "POST", "/_mock/faults", r#"[{"method":"POST","path":"/gift_requests","status":500,"after_processing":true}]"#);
    let error = http.run(&mut sdk.create_gift_request(&params).unwrap(), |_| panic!("a create must not be retried")).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OutcomeUnknown);
    let log = requests(&server);
    let posts: Vec<_> = log.iter().filter(|r| r["method"] == "POST").collect();
    assert_eq!(posts.len(), posts_before + 1, "exactly one attempt");
    assert_eq!(error.request_id(), posts.last().unwrap()["request_id"].as_str());
    let gifts_after = control(&server, "GET", "/_mock/gift_requests", "")["data"].as_array().unwrap().len();
    assert_eq!(gifts_after, gifts_before + 1, "the create did land");

    // The webhook for the first gift, verified as a receiver would.
    wait_until("the created event", || hooks.deliveries.lock().unwrap().len() >= 3);
    let verifier = Verifier::new(SECRET);
    let deliveries = hooks.deliveries.lock().unwrap().clone();
    let verified: Vec<_> = deliveries.iter().map(|(headers, body)| verifier.verify(headers, body, now()).unwrap()).collect();
    let first = verified.iter().find(|d| d.gift_request.id == gift.id).unwrap();
    assert_eq!(first.event_type, EventType::Created);
    assert_eq!(first.api_version.as_deref(), Some("2026-05"));
}

#[test]
fn version_is_checked_before_the_token() {
    let server = start(Options::default());
    let r = raw(&server, "GET", "/campaigns", &[("Authorization", "Bearer nonsense")], None);
    assert_eq!((r.status, errors_of(&r)[0]["code"].as_str()), (400, Some("unsupported_api_version")));
    let r = raw(&server, "GET", "/campaigns", &[("AndOpen-API-Version", "2025-10"), ("Authorization", "Bearer nonsense")], None);
    assert_eq!(r.status, 400);
    let r = raw(&server, "GET", "/campaigns", &[("AndOpen-API-Version", "2026-05"), ("Authorization", "Bearer nonsense")], None);
    assert_eq!((r.status, errors_of(&r)[0]["type"].as_str()), (401, Some("authentication_error")));
    let production = [("AndOpen-API-Version", "2026-05"), ("Authorization", "Bearer ao-v1-production-e2e_secret")];
    assert_eq!(raw(&server, "GET", "/campaigns", &production, None).status, 401);
    let r = raw(&server, "GET", "/campaigns", &API, None);
    assert_eq!(r.status, 200);
    for name in ["Request-Id", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Content-Type"] {
        assert!(r.headers.get(name).is_some(), "{name}");
    }
    let reset: i64 = r.headers.get("RateLimit-Reset").unwrap().parse().unwrap();
    assert!(reset >= now().unix_seconds(), "absolute Unix seconds");
    // Control endpoints carry the headers too, without a version or a token.
    let c = HttpClient::new().exchange("GET", &format!("{}/_mock/webhooks", server.base_url()), &[], None).unwrap();
    assert!(c.status == 200 && c.headers.get("Request-Id").is_some() && c.headers.get("RateLimit-Limit").is_some());
}

#[test]
fn pagination_rules() {
    let server = start(Options::default());
    for bad in ["0", "-1", "abc", ""] {
        let r = raw(&server, "GET", &format!("/campaigns?limit={bad}"), &API, None);
        assert_eq!((r.status, errors_of(&r)[0]["param"].as_str()), (400, Some("limit")), "limit={bad}");
    }
    let r = raw(&server, "GET", "/campaigns?after=00000000-0000-4000-8000-000000000000", &API, None);
    assert_eq!((r.status, errors_of(&r)[0]["param"].as_str()), (400, Some("after")));
    let r = raw(&server, "GET", "/campaigns?after=not-an-id", &API, None);
    assert_eq!(r.status, 400);

    let page: Value = serde_json::from_slice(&raw(&server, "GET", "/campaigns?limit=100&sort=whatever", &API, None).body).unwrap();
    let data = page["data"].as_array().unwrap();
    assert_eq!((data.len(), page["has_more"].as_bool()), (25, Some(true)));
    let dates: Vec<_> = data.iter().map(|c| c["created_at"].as_str().unwrap().to_owned()).collect();
    assert!(dates.windows(2).all(|w| w[0] > w[1]), "newest first");
    let last = data.last().unwrap()["id"].as_str().unwrap();
    let next: Value = serde_json::from_slice(&raw(&server, "GET", &format!("/campaigns?after={last}"), &API, None).body).unwrap();
    assert_eq!(next["has_more"].as_bool(), Some(false));
    assert_eq!(next["data"].as_array().unwrap().len(), andopen_mock::seed::CAMPAIGN_COUNT - 25);
}

#[test]
fn campaigns_round_trip_through_the_core_with_every_typed_field() {
    let server = start(Options::default());
    let (campaigns, _) = all_campaigns(&server);
    for c in &campaigns {
        assert!(c.name.is_some() && c.invitation_method.is_some() && c.created_at.is_some() && c.updated_at.is_some());
        assert!(!c.products.is_empty());
        for p in &c.products {
            assert!(p.id.is_some() && p.name.is_some() && !p.variants.is_empty());
            for v in &p.variants {
                assert!(v.id.is_some() && v.sku.is_some() && v.name.is_some() && v.price.is_some() && !v.stock_levels.is_empty());
                for s in &v.stock_levels {
                    let w = s.warehouse.as_ref().unwrap();
                    assert!(s.available.is_some() && w.id.is_some() && w.name.is_some() && w.country_code.is_some());
                }
            }
        }
        let one = raw(&server, "GET", &format!("/campaigns/{}", c.id), &API, None);
        let again = Campaign::from_json(std::str::from_utf8(&one.body).unwrap()).unwrap();
        assert_eq!(again.raw_json(), c.raw_json());
    }
    assert!(campaigns.iter().any(|c| c.raw_json().contains(r#""requires_recipient_email":true"#)));
}

#[test]
fn not_found_and_garbage() {
    let server = start(Options::default());
    for path in ["/gift_requests/4fb4cb3f-9666-43b5-8884-7f5194483d1a", "/gift_requests/nope", "/campaigns/nope", "/nowhere"] {
        let r = raw(&server, "GET", path, &API, None);
        assert_eq!((r.status, errors_of(&r)[0]["type"].as_str()), (404, Some("not_found_error")), "{path}");
    }
    let r = raw(&server, "POST", "/gift_requests", &API, Some("{not json"));
    assert_eq!((r.status, errors_of(&r)[0]["code"].as_str()), (400, Some("malformed_request")));
    // Bytes that are not HTTP: a 400, and the server goes on.
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", server.port())).unwrap();
    s.write_all(b"\x16\x03\x01 garbage\r\n\r\n").unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert_eq!(raw(&server, "GET", "/campaigns", &API, None).status, 200);
}

#[test]
fn server_side_validation_and_stock() {
    let server = start(Options::default());
    let (campaigns, _) = all_campaigns(&server);
    let direct = named(&campaigns, "Welcome box (direct send)");
    let choice = named(&campaigns, "Welcome box (choice)");
    let vip = named(&campaigns, "VIP thank-you (email required)");
    let body = |v: &NewGiftRequest| String::from_utf8(v.to_json().unwrap()).unwrap();

    // The last unit of MUG-LTD, then out of stock.
    let r = raw(&server, "POST", "/gift_requests", &API, Some(&body(&direct_send(direct, "MUG-LTD"))));
    assert_eq!(r.status, 201);
    let r = raw(&server, "POST", "/gift_requests", &API, Some(&body(&direct_send(direct, "MUG-LTD"))));
    assert_eq!(
        (r.status, errors_of(&r)[0]["code"].as_str(), errors_of(&r)[0]["param"].as_str()),
        (422, Some("out_of_stock"), Some("line_items[0]"))
    );
    let c: Value = serde_json::from_slice(&raw(&server, "GET", &format!("/campaigns/{}", direct.id), &API, None).body).unwrap();
    assert!(c.to_string().contains(r#""sku":"MUG-LTD""#));

    // Unknown campaign: no param. Direct-send on a choice-mode campaign. Email required.
    let unknown = NewGiftRequest::choice_mode("4fb4cb3f-9666-43b5-8884-7f5194483d1a", NewRecipient::new("A", "B"));
    let r = raw(&server, "POST", "/gift_requests", &API, Some(&body(&unknown)));
    let e = &errors_of(&r)[0];
    assert_eq!(
        (r.status, e["code"].as_str(), e["message"].as_str(), e.get("param")),
        (422, Some("invalid"), Some("campaign_id does not exist"), None)
    );
    let r = raw(&server, "POST", "/gift_requests", &API, Some(&body(&direct_send(choice, "HOODIE-M-BLK"))));
    assert_eq!((r.status, errors_of(&r)[0]["param"].as_str()), (422, Some("shipping_address")));
    let no_email = NewGiftRequest::choice_mode(vip.id.to_string(), NewRecipient::new("A", "B"));
    let r = raw(&server, "POST", "/gift_requests", &API, Some(&body(&no_email)));
    assert_eq!(
        (r.status, errors_of(&r)[0]["code"].as_str(), errors_of(&r)[0]["param"].as_str()),
        (422, Some("required"), Some("recipient.email"))
    );

    // sku and variant_id naming different variants; client and server errors together in one 422.
    let hoodie = direct.products[0].variants[0].id.unwrap().to_string();
    let mixed = format!(
        r#"{{"campaign_id":"{}","recipient":{{"first_name":"A","last_name":""}},"shipping_address":{{"address1":"x","city":"D","region":"L","postal_code":"1","country_code":"IE","phone":"+353871234567"}},"line_items":[{{"sku":"MUG-LTD","variant_id":"{hoodie}","quantity":1}}]}}"#,
        direct.id
    );
    let r = raw(&server, "POST", "/gift_requests", &API, Some(&mixed));
    let found: Vec<_> =
        errors_of(&r).iter().map(|e| (e["code"].as_str().unwrap().to_owned(), e["param"].as_str().unwrap().to_owned())).collect();
    assert_eq!(
        found,
        [
            ("required".to_owned(), "recipient.last_name".to_owned()),
            ("invalid_reference".to_owned(), "line_items[0].variant_id".to_owned())
        ]
    );
}

#[test]
fn rate_limit_answers_429_with_retry_after() {
    let server = start(Options { rate_limit: 2, rate_window: Duration::from_secs(60), ..Options::default() });
    let first = raw(&server, "GET", "/campaigns?limit=1", &API, None);
    assert_eq!((first.headers.get("RateLimit-Limit"), first.headers.get("RateLimit-Remaining")), (Some("2"), Some("1")));
    assert_eq!(raw(&server, "GET", "/campaigns?limit=1", &API, None).status, 200);
    let r = raw(&server, "GET", "/campaigns?limit=1", &API, None);
    assert_eq!(
        (r.status, errors_of(&r)[0]["type"].as_str(), r.headers.get("RateLimit-Remaining")),
        (429, Some("rate_limit_error"), Some("0"))
    );
    let after: u64 = r.headers.get("Retry-After").unwrap().parse().unwrap();
    assert!((1..=60).contains(&after));
    // Another token has its own window; a reset clears the counters.
    let other = [("AndOpen-API-Version", "2026-05"), ("Authorization", "Bearer ao-v1-staging-other")];
    assert_eq!(raw(&server, "GET", "/campaigns?limit=1", &other, None).status, 200);
    control(&server, "POST", "/_mock/reset", "");
    assert_eq!(raw(&server, "GET", "/campaigns?limit=1", &API, None).status, 200);
}

#[test]
fn maintenance_answers_503_until_switched_off() {
    let server = start(Options::default());
    control(&server, "POST", "/_mock/maintenance", r#"{"on":true,"retry_after":2}"#);
    let r = raw(&server, "GET", "/campaigns", &API, None);
    assert_eq!((r.status, r.headers.get("Retry-After"), r.headers.get("Request-Id").is_some()), (503, Some("2"), true));
    control(&server, "POST", "/_mock/maintenance", r#"{"on":false}"#);
    assert_eq!(raw(&server, "GET", "/campaigns", &API, None).status, 200);
}

#[test]
fn random_faults_are_reproducible_for_a_seed() {
    let run = |seed| {
        let server = start(Options { seed, fault_rate: 0.5, ..Options::default() });
        let mut outcomes = Vec::new();
        for _ in 0..30 {
            // A fresh client each time: a dropped connection must not spill over.
            let url = format!("{}/campaigns?limit=1", server.base_url());
            match HttpClient::new().exchange("GET", &url, &API, None) {
                Ok(r) => outcomes.push(r.status.to_string()),
                Err(_) => outcomes.push("dropped".to_owned()),
            }
        }
        outcomes
    };
    let a = run(5);
    assert_eq!(a, run(5));
    assert_ne!(a, run(6));
    assert!(a.iter().any(|o| o != "200"), "{a:?}");
}

#[test]
fn queued_faults_drop_and_delay() {
    let server = start(Options::default());
    control(&server, "POST", "/_mock/faults", r#"[{"drop":true},{"delay_ms":300}]"#);
    let url = format!("{}/campaigns?limit=1", server.base_url());
    let error = HttpClient::new().exchange("GET", &url, &API, None).unwrap_err();
    assert!(error.maybe_sent);
    let started = Instant::now();
    assert_eq!(HttpClient::new().exchange("GET", &url, &API, None).unwrap().status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    // A drop after processing: the gift exists though no answer came.
    let (campaigns, _) = all_campaigns(&server);
    let choice = named(&campaigns, "Welcome box (choice)");
    control(&server, "POST", "/_mock/faults", r#"{"method":"POST","drop":true,"after_processing":true}"#);
    let body = format!(r#"{{"campaign_id":"{}","recipient":{{"first_name":"A","last_name":"B"}}}}"#, choice.id);
    let sdk = client(&server);
    let error = HttpClient::new().run(&mut sdk.create_gift_request_json(body.as_bytes()).unwrap(), |_| {}).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(control(&server, "GET", "/_mock/gift_requests", "")["data"].as_array().unwrap().len(), 1);
}

#[test]
fn statuses_advance_and_raise_every_event() {
    let hooks = receiver(VecDeque::new());
    let server = start(Options { webhooks: vec![hooks.url.clone()], ..Options::default() });
    let (campaigns, _) = all_campaigns(&server);
    let choice = named(&campaigns, "Welcome box (choice)");
    let body = format!(r#"{{"campaign_id":"{}","recipient":{{"first_name":"A","last_name":"B"}}}}"#, choice.id);
    let gift: Value = serde_json::from_slice(&raw(&server, "POST", "/gift_requests", &API, Some(&body)).body).unwrap();
    let id = gift["id"].as_str().unwrap();
    let advanced = control(&server, "POST", &format!("/_mock/gift_requests/{id}/advance"), "{}");
    assert_eq!(advanced["status"], "redeemed");
    assert!(advanced["line_items"].is_array() && advanced["redemption_url"].is_string());
    control(&server, "POST", &format!("/_mock/gift_requests/{id}/advance"), r#"{"status":"delivered"}"#);
    let other: Value = serde_json::from_slice(&raw(&server, "POST", "/gift_requests", &API, Some(&body)).body).unwrap();
    control(&server, "POST", &format!("/_mock/gift_requests/{}/advance", other["id"].as_str().unwrap()), r#"{"status":"cancelled"}"#);
    wait_until("six events", || hooks.deliveries.lock().unwrap().len() >= 6);
    let types: Vec<String> =
        hooks.deliveries.lock().unwrap().iter().map(|(h, _)| h.get("AndOpen-Webhook-Event-Type").unwrap().to_owned()).collect();
    for t in ["created", "redeemed", "dispatched", "delivered", "cancelled"] {
        assert!(types.contains(&format!("gift_request_{t}")), "{t}: {types:?}");
    }
    let got: Value = serde_json::from_slice(&raw(&server, "GET", &format!("/gift_requests/{id}"), &API, None).body).unwrap();
    assert_eq!(got["status"], "delivered");
}

#[test]
fn scheduled_advance() {
    let server =
        start(Options { redemption_delay: Duration::from_millis(50), advance: Some(Duration::from_millis(100)), ..Options::default() });
    let (campaigns, _) = all_campaigns(&server);
    let choice = named(&campaigns, "Welcome box (choice)");
    let sdk = client(&server);
    let params = NewGiftRequest::choice_mode(choice.id.to_string(), NewRecipient::new("A", "B"));
    let mut http = HttpClient::new();
    let gift = http.run(&mut sdk.create_gift_request(&params).unwrap(), |_| {}).unwrap().value;
    let target = PollTarget::Status(andopen_core::GiftRequestStatus::Delivered);
    let mut poll = sdk.wait_for_gift_request(&gift.id.to_string(), target, Duration::from_millis(100), Duration::from_secs(10)).unwrap();
    let done = http.poll(&mut poll, |_| {}).unwrap().value;
    assert_eq!(done.status.as_str(), "delivered");
    assert!(done.line_items.is_some());
}

#[test]
fn webhook_retries_carry_a_fresh_timestamp_and_the_same_event_id() {
    let hooks = receiver(VecDeque::from([500, 500]));
    let server = start(Options {
        webhooks: vec![hooks.url.clone()],
        webhook_secret: SECRET.into(),
        webhook_retry: RetrySchedule { max_attempts: 5, backoff: Duration::from_millis(600) },
        ..Options::default()
    });
    let (campaigns, _) = all_campaigns(&server);
    let body =
        format!(r#"{{"campaign_id":"{}","recipient":{{"first_name":"A","last_name":"B"}}}}"#, named(&campaigns, "Welcome box (choice)").id);
    assert_eq!(raw(&server, "POST", "/gift_requests", &API, Some(&body)).status, 201);
    wait_until("three attempts", || hooks.deliveries.lock().unwrap().len() >= 3);
    let deliveries = hooks.deliveries.lock().unwrap().clone();
    let ids: Vec<_> = deliveries.iter().map(|(h, _)| h.get(EVENT_ID_HEADER).unwrap().to_owned()).collect();
    assert!(ids.iter().all(|i| *i == ids[0]));
    let stamps: Vec<i64> = deliveries.iter().map(|(h, _)| h.get(TIMESTAMP_HEADER).unwrap().parse().unwrap()).collect();
    assert!(stamps[2] > stamps[0], "{stamps:?}");
    let verifier = Verifier::new(SECRET);
    for (headers, body) in &deliveries {
        verifier.verify(headers, body, Timestamp::from_unix_seconds(now().unix_seconds())).unwrap();
    }
    wait_until("the log", || control(&server, "GET", "/_mock/webhooks", "")["data"].as_array().unwrap().len() >= 3);
    let log = control(&server, "GET", "/_mock/webhooks", "");
    let attempts: Vec<_> = log["data"].as_array().unwrap().iter().map(|a| (a["attempt"].as_u64().unwrap(), a["status"].as_u64())).collect();
    assert_eq!(attempts, [(1, Some(500)), (2, Some(500)), (3, Some(200))]);
}

#[test]
fn reset_restores_the_seeded_state() {
    let server = start(Options::default());
    let (campaigns, _) = all_campaigns(&server);
    let direct = named(&campaigns, "Welcome box (direct send)");
    let body = String::from_utf8(direct_send(direct, "MUG-LTD").to_json().unwrap()).unwrap();
    assert_eq!(raw(&server, "POST", "/gift_requests", &API, Some(&body)).status, 201);
    assert_eq!(raw(&server, "POST", "/gift_requests", &API, Some(&body)).status, 422);
    control(&server, "POST", "/_mock/faults", r#"{"status":500}"#);
    control(&server, "POST", "/_mock/maintenance", r#"{"on":true}"#);
    control(&server, "POST", "/_mock/reset", "");
    assert_eq!(control(&server, "GET", "/_mock/gift_requests", "")["data"].as_array().unwrap().len(), 0);
    assert_eq!(raw(&server, "POST", "/gift_requests", &API, Some(&body)).status, 201);
    // Chunked bodies are read too.
    use std::io::{BufRead, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", server.port())).unwrap();
    let chunked = format!(
        "POST /gift_requests HTTP/1.1\r\nHost: x\r\nandopen-api-version: 2026-05\r\nauthorization: Bearer {KEY}\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
        body.len()
    );
    s.write_all(chunked.as_bytes()).unwrap();
    let mut status = String::new();
    BufReader::new(s).read_line(&mut status).unwrap();
    assert!(status.starts_with("HTTP/1.1 422"), "{status}");
}

#[test]
fn the_binary_prints_its_address_first_and_stops_when_stdin_closes() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_andopen-mock"))
        .args(["--port", "0", "--seed", "3", "--quiet", "--exit-on-stdin-eof"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let base = line.trim().strip_prefix("andopen-mock listening on ").unwrap().to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{line}");
    let r = HttpClient::new().exchange("GET", &format!("{base}/campaigns?limit=1"), &API, None).unwrap();
    assert_eq!(r.status, 200);
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());
}
