//! Benchmarks of the hot paths (criterion): validating and building create requests, reading a gift
//! request and a full page of campaigns. `make bench` runs them and prints the figures.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use andopen_core::{
    Client, Config, GetGiftRequest, Headers, ListCampaignsPage, NewGiftRequest, NewLineItem, NewRecipient, NewShippingAddress, Operation,
    Response, Timestamp,
};
use criterion::{Criterion, criterion_group, criterion_main};

const CAMPAIGN: &str = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";

fn choice_mode() -> NewGiftRequest {
    NewGiftRequest::choice_mode(CAMPAIGN, NewRecipient::new("Alice", "Smith").email("alice@example.com"))
}

fn direct_send() -> NewGiftRequest {
    NewGiftRequest::direct_send(
        CAMPAIGN,
        NewRecipient::new("Alice", "Smith").email("alice@example.com"),
        NewShippingAddress {
            address1: "12 Merrion Square".into(),
            city: "Dublin".into(),
            region: "Leinster".into(),
            postal_code: "D02 XY45".into(),
            country_code: "IE".into(),
            phone: "+353871234567".into(),
            ..NewShippingAddress::default()
        },
        vec![NewLineItem::sku("HOODIE-L-BLK", 1), NewLineItem::variant("9c1f5e2a-7b3d-4e8f-a6c2-d4b8e0f13a57", 2)],
    )
}

const GIFT_REQUEST: &str = r#"{"id":"4fb4cb3f-9666-43b5-8884-7f5194483d1a","status":"submitted","campaign_id":"a1b2c3d4-e5f6-7890-abcd-ef1234567890","redemption_url":"https://gift.andopen.co/r/abc123","recipient":{"id":"b2c3d4e5-f6a7-8901-bcde-f01234567890","first_name":"Alice","last_name":"Smith","email":"alice@example.com"},"shipping_address":null,"line_items":null,"created_at":"2026-04-16T10:30:00.000Z","updated_at":"2026-04-16T10:30:00.000Z"}"#;

fn campaign(i: usize) -> String {
    format!(
        r#"{{"id":"a1b2c3d4-e5f6-7890-abcd-{i:012}","name":"Campaign {i}","invitation_method":"sender_provided_address","theme":{{"color":"teal"}},"products":[{{"id":"b1b2c3d4-e5f6-7890-abcd-ef1234567890","name":"Hoodie","variants":[{{"id":"c1b2c3d4-e5f6-7890-abcd-ef1234567890","sku":"HOODIE-L-BLK","name":"Large / Black","price":{{"amount":4500,"currency":"EUR"}},"stock_levels":[{{"available":42,"warehouse":{{"id":"d1b2c3d4-e5f6-7890-abcd-ef1234567890","name":"Dublin","country_code":"IE"}}}}]}},{{"id":"c2b2c3d4-e5f6-7890-abcd-ef1234567890","sku":"HOODIE-M-BLK","name":"Medium / Black","price":{{"amount":4500,"currency":"EUR"}},"stock_levels":[{{"available":7,"warehouse":{{"id":"d1b2c3d4-e5f6-7890-abcd-ef1234567890","name":"Dublin","country_code":"IE"}}}}]}}]}}],"created_at":"2026-04-01T09:00:00.000Z","updated_at":"2026-04-20T15:30:00.000Z"}}"#
    )
}

fn benches(c: &mut Criterion) {
    let client = Client::new(Config::from_api_key("ao-v1-production-benchsecret").unwrap());
    let choice = choice_mode();
    let direct = direct_send();
    c.bench_function("validate+build choice-mode (typed)", |b| b.iter(|| client.create_gift_request(black_box(&choice)).unwrap()));
    c.bench_function("validate+build direct-send (typed)", |b| b.iter(|| client.create_gift_request(black_box(&direct)).unwrap()));
    let choice_json = choice.to_json().unwrap();
    let direct_json = direct.to_json().unwrap();
    c.bench_function("validate+build choice-mode (JSON)", |b| b.iter(|| client.create_gift_request_json(black_box(&choice_json)).unwrap()));
    c.bench_function("validate+build direct-send (JSON)", |b| b.iter(|| client.create_gift_request_json(black_box(&direct_json)).unwrap()));
    c.bench_function("parse gift request", |b| b.iter(|| GetGiftRequest::decode(black_box(GIFT_REQUEST.as_bytes())).unwrap()));
    let page = format!(r#"{{"data":[{}],"has_more":true}}"#, (0..25).map(campaign).collect::<Vec<_>>().join(","));
    c.bench_function("parse 25-campaign page", |b| b.iter(|| ListCampaignsPage::decode(black_box(page.as_bytes())).unwrap()));
    let response =
        Response::new(200, [("Request-Id", "6f1c1c52-3a61-4c1e-9a51-0d2b8d6f2a10")].into_iter().collect::<Headers>(), GIFT_REQUEST);
    let now = Timestamp::from_unix_seconds(1_777_636_800);
    c.bench_function("get gift request: build + handle 200", |b| {
        b.iter(|| {
            let mut call = client.get_gift_request("4fb4cb3f-9666-43b5-8884-7f5194483d1a").unwrap();
            black_box(call.handle_response(black_box(&response), now))
        })
    });
}

criterion_group!(core, benches);
criterion_main!(core);
