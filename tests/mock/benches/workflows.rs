//! The gifting workflows' figures, against the simulator: a 1,000-row batch through 30 % injected faults
//! (429, 503, 500 before and after processing, dropped connections, delays) killed after 500 creations and
//! resumed from its journal; and 10,000 webhook deliveries built from the simulator's real ones (genuine,
//! repeated, forged, tampered, replayed an hour late). Run with `make bench-workflows`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use andopen_mock::scenarios::{faulty_batch, webhook_storm};

fn main() {
    let batch = faulty_batch(1_000, 0.3, 2026, 500).expect("the batch scenario ran");
    println!("batch of {} rows, 30 % injected faults, killed after {} creations and resumed:", batch.rows, batch.killed_after);
    println!(
        "  accounted {} of {} rows: {} sent, {} failed, {} outcome unknown ({} of them landed)",
        batch.accounted, batch.rows, batch.sent, batch.failed, batch.unknown, batch.unknown_landed
    );
    println!(
        "  simulator holds {} gifts, {} recipients gifted twice; every sent row confirmed: {}",
        batch.gifts,
        batch.duplicate_gifts,
        batch.sent_confirmed == batch.sent
    );
    println!("  {} API requests in {:.1} s (mostly Retry-After and backoff waits)", batch.requests, batch.elapsed.as_secs_f64());

    let storm = webhook_storm(100, 10_000, 2026).expect("the webhook scenario ran");
    println!("webhook storm of {} deliveries built from {} genuine events:", storm.deliveries, storm.genuine_events);
    println!(
        "  accepted {} (each genuine event once), {} accepted twice, {} forged/tampered/replayed accepted",
        storm.accepted, storm.accepted_twice, storm.accepted_bad
    );
    let refused: Vec<String> = storm.refused.iter().map(|(code, n)| format!("{code} {n}")).collect();
    println!("  {} repeats recognised; refused: {}", storm.duplicates, refused.join(", "));
    println!("  {:.0} deliveries verified per second", storm.per_second);
}
