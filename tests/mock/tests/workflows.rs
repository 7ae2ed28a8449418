//! The gifting workflows against the simulator, at a size fit for every test run: a batch through 30 %
//! injected faults, killed and resumed, and a storm of bad and repeated webhook deliveries. `make
//! bench-workflows` runs the same at full size and prints the figures.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use andopen_mock::scenarios::{faulty_batch, webhook_storm};

#[test]
fn a_faulty_batch_killed_and_resumed_accounts_for_every_row_without_a_duplicate_gift() {
    let figures = faulty_batch(80, 0.3, 11, 30).unwrap();
    assert_eq!(figures.accounted, figures.rows, "{figures:?}");
    assert_eq!(figures.sent + figures.failed + figures.unknown, figures.rows, "{figures:?}");
    assert_eq!(figures.duplicate_gifts, 0, "{figures:?}");
    assert_eq!(figures.sent_confirmed, figures.sent, "every row reported sent exists on the simulator: {figures:?}");
    assert_eq!(figures.killed_after, 30, "{figures:?}");
    assert!(figures.gifts <= figures.rows, "{figures:?}");
    assert!(figures.sent > figures.rows / 2, "most rows go through the faults: {figures:?}");
}

#[test]
fn a_webhook_storm_accepts_each_genuine_event_once_and_nothing_forged() {
    let figures = webhook_storm(10, 2_000, 5).unwrap();
    assert_eq!(figures.genuine_events, 40, "{figures:?}");
    assert_eq!(figures.accepted, figures.genuine_events, "{figures:?}");
    assert_eq!((figures.accepted_twice, figures.accepted_bad), (0, 0), "{figures:?}");
    let refused: usize = figures.refused.iter().map(|(_, n)| n).sum();
    assert_eq!(figures.accepted + figures.duplicates + refused, figures.deliveries, "{figures:?}");
    for code in ["invalid_signature", "outside_tolerance"] {
        assert!(figures.refused.iter().any(|(c, n)| *c == code && *n > 0), "{code}: {figures:?}");
    }
}
