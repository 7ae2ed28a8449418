//! Capacity of the mock: N concurrent keep-alive clients doing a mix of list/get/create through the
//! core's requests, for a few seconds per case; prints requests per second and latency percentiles.
//!
//! ```sh
//! cargo bench -p andopen-mock --bench capacity            # CAPACITY_SECONDS=2 per case by default
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use andopen_core::{Client, Config, ListCampaigns, NewGiftRequest, NewRecipient, Request};
use andopen_mock::rng::SplitMix64;
use andopen_mock::transport::HttpClient;
use andopen_mock::{Options, Server};

#[derive(Clone, Copy)]
enum Mix {
    Get,
    List,
    Create,
    Mixed,
}

impl Mix {
    fn name(self) -> &'static str {
        match self {
            Mix::Get => "get (gift request, campaign)",
            Mix::List => "list (page of 25 campaigns)",
            Mix::Create => "create (choice-mode)",
            Mix::Mixed => "mixed (60% get, 20% list, 20% create)",
        }
    }
}

struct Fixture {
    client: Client,
    campaign: String,
    gift: String,
}

impl Fixture {
    fn request(&self, mix: Mix, rng: &mut SplitMix64) -> Request {
        let op = match mix {
            Mix::Get => rng.below(2),
            Mix::List => 2,
            Mix::Create => 3,
            Mix::Mixed => [0, 0, 0, 1, 1, 1, 2, 2, 3, 3][usize::try_from(rng.below(10)).unwrap()],
        };
        match op {
            0 => self.client.get_gift_request(&self.gift).unwrap().request().clone(),
            1 => self.client.get_campaign(&self.campaign).unwrap().request().clone(),
            2 => self.client.list_campaigns(&ListCampaigns::default()).unwrap().request().unwrap().clone(),
            _ => {
                let params = NewGiftRequest::choice_mode(&self.campaign, NewRecipient::new("Load", "Test").email("load@example.com"));
                self.client.create_gift_request(&params).unwrap().request().clone()
            }
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

fn main() {
    // `cargo bench` passes `--bench`; ignore every argument.
    let seconds: f64 = std::env::var("CAPACITY_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(2.0);
    let server = Server::start(Options { quiet: true, ..Options::default() }).unwrap();
    let client = Client::new(Config::builder().api_key("ao-v1-staging-bench").base_url(server.base_url()).build().unwrap());
    let mut http = HttpClient::new();
    let mut pages = client.list_campaigns(&ListCampaigns::default()).unwrap();
    let campaigns = http.list_all(&mut pages, |_| {}, |_| {}).unwrap();
    let campaign = campaigns.iter().find(|c| c.name.as_deref() == Some(andopen_mock::seed::CHOICE)).unwrap().id.to_string();
    let params = NewGiftRequest::choice_mode(&campaign, NewRecipient::new("Load", "Test"));
    let gift = http.run(&mut client.create_gift_request(&params).unwrap(), |_| {}).unwrap().value.id.to_string();
    let fixture = Arc::new(Fixture { client, campaign, gift });

    println!(
        "andopen-mock capacity: {seconds} s per case, keep-alive clients, on {} cores",
        std::thread::available_parallelism().map_or(0, usize::from)
    );
    println!("{:<40} {:>7} {:>10} {:>9} {:>9} {:>9} {:>7}", "mix", "clients", "req/s", "p50", "p90", "p99", "errors");
    for mix in [Mix::Get, Mix::List, Mix::Create, Mix::Mixed] {
        for clients in [1usize, 8, 32] {
            let deadline = Instant::now() + Duration::from_secs_f64(seconds);
            let started = Instant::now();
            let threads: Vec<_> = (0..clients)
                .map(|n| {
                    let fixture = Arc::clone(&fixture);
                    std::thread::spawn(move || {
                        let mut http = HttpClient::new();
                        let mut rng = SplitMix64::new(n as u64 + 1);
                        let mut latencies = Vec::new();
                        let mut errors = 0u64;
                        while Instant::now() < deadline {
                            let request = fixture.request(mix, &mut rng);
                            let t = Instant::now();
                            match http.send(&request) {
                                Ok(r) if (200..300).contains(&r.status) => latencies.push(t.elapsed()),
                                _ => errors += 1,
                            }
                        }
                        (latencies, errors)
                    })
                })
                .collect();
            let mut all = Vec::new();
            let mut errors = 0;
            for t in threads {
                let (l, e) = t.join().unwrap();
                all.extend(l);
                errors += e;
            }
            let elapsed = started.elapsed().as_secs_f64();
            all.sort();
            let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
            println!(
                "{:<40} {:>7} {:>10.0} {:>9} {:>9} {:>9} {:>7}",
                mix.name(),
                clients,
                all.len() as f64 / elapsed,
                ms(percentile(&all, 0.50)),
                ms(percentile(&all, 0.90)),
                ms(percentile(&all, 0.99)),
                errors
            );
        }
    }
    heavy_bodies(&fixture, seconds);
    server.stop();
}

/// Two clients sending creates of almost 1 MiB (25,000 line items naming no variant, so that every item is
/// judged) while one client reads: the reads' latency shows whether a large body holds up other clients
/// (the mock reads and validates a body outside its lock).
fn heavy_bodies(fixture: &Arc<Fixture>, seconds: f64) {
    let items: Vec<String> = (0..25_000).map(|i| format!(r#"{{"sku":"NO-SUCH-{i}","quantity":1}}"#)).collect();
    let body = format!(
        r#"{{"campaign_id":"{}","recipient":{{"first_name":"Heavy","last_name":"Body"}},"shipping_address":{{"address1":"1 Main St","city":"Springfield","region":"IL","postal_code":"62701","country_code":"US","phone":"+12175550100"}},"line_items":[{}]}}"#,
        fixture.campaign,
        items.join(",")
    );
    let heavy = fixture.client.create_gift_request_json(body.as_bytes()).unwrap().request().clone();
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let senders: Vec<_> = (0..2)
        .map(|_| {
            let heavy = heavy.clone();
            std::thread::spawn(move || {
                let mut http = HttpClient::new();
                let mut times = Vec::new();
                while Instant::now() < deadline {
                    let t = Instant::now();
                    let answer = http.send(&heavy).unwrap();
                    assert_eq!(answer.status, 422, "every line item names no variant");
                    times.push(t.elapsed());
                }
                times
            })
        })
        .collect();
    let mut http = HttpClient::new();
    let mut rng = SplitMix64::new(99);
    let mut reads = Vec::new();
    while Instant::now() < deadline {
        let request = fixture.request(Mix::Get, &mut rng);
        let t = Instant::now();
        if http.send(&request).is_ok_and(|r| r.status == 200) {
            reads.push(t.elapsed());
        }
    }
    let mut creates: Vec<Duration> = senders.into_iter().flat_map(|t| t.join().unwrap()).collect();
    creates.sort();
    reads.sort();
    let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
    println!(
        "heavy bodies ({} KB, 25,000 line items): {} creates, p50 {}; reads beside them: {}, p50 {}, p99 {}",
        body.len() / 1024,
        creates.len(),
        ms(percentile(&creates, 0.5)),
        reads.len(),
        ms(percentile(&reads, 0.5)),
        ms(percentile(&reads, 0.99))
    );
}
