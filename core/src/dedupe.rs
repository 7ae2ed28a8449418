//! De-duplicating webhook deliveries (the API's webhook reference: deliveries can repeat; the design's
//! "Webhook trust": a captured delivery can be sent again under another event id).
//!
//! After [`crate::webhook::Verifier::verify`] accepts a delivery, ask the seen-set whether its
//! [`DeliveryKey`] is new; act only on a first sighting. [`RecentEvents`] keeps the most recent keys in
//! memory that grows with use, up to its `remember` figure; a host that must remember every delivery
//! (across restarts, across several receivers) implements [`SeenEvents`] on its own store.
//!
//! | the delivery's | already recorded | it is |
//! | --- | --- | --- |
//! | event id | yes | a repeat (the same event, delivered again) |
//! | body digest | yes | a repeat, whatever its event id (the same signed content) |
//! | both | no | a first sighting: both are recorded, together |
//!
//! **DECISIONs**:
//! - the signed-content key is the SHA-256 of the raw body ([`BodyDigest`]), not of the signature: &Open's
//!   retries carry a fresh timestamp (a new signature) over the same body, so a capture of any attempt,
//!   re-sent under a made-up event id, still matches. Two distinct events with byte-identical bodies carry
//!   the same signed facts; the second is a repeat;
//! - a repeat records nothing, so that an event id or a body seen only in a refused or repeated delivery
//!   cannot make a later genuine delivery a repeat;
//! - a host's store holds one row per first sighting, `(event_id, body_digest)`, both unique: an insert that
//!   fails on either key is a repeat (atomic where several receivers share the store), and forgetting
//!   deletes the row by its event id.
//!
//! If the host cannot act on a first sighting (its downstream is down), it calls [`SeenEvents::forget`]
//! with the event id and answers the delivery with an error, so that &Open's retry is accepted instead of
//! dropped as a repeat.

use std::collections::{HashSet, VecDeque};

use crate::limits::DEFAULT_REMEMBERED_EVENTS;
use crate::uuid::Uuid;
use crate::webhook::{BodyDigest, ReceiverOptionError, check_remember};

/// What a seen-set records of a first sighting: the event id (a header, not signed) and the digest of the
/// signed body. Take it from [`crate::webhook::Delivery::key`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct DeliveryKey {
    /// The event id header.
    pub event_id: Uuid,
    /// The SHA-256 of the raw body.
    pub body_digest: BodyDigest,
}

/// A set of deliveries already acted on.
pub trait SeenEvents {
    /// `true` when neither the event id nor the body digest was recorded (act on the event): both are
    /// recorded then. `false` for a repeat, which records nothing (the module's table).
    fn first_sighting(&mut self, key: &DeliveryKey) -> bool;

    /// Removes the first sighting recorded under `event_id` (its body digest with it), so that the next
    /// delivery of the event counts as new again.
    fn forget(&mut self, event_id: Uuid);
}

/// The most recent first sightings, at most `remember` of them: the oldest is dropped when a new one would
/// exceed it. Memory grows with the deliveries seen (about 150 bytes each), never with `remember`. A repeat
/// older than the last `remember` first sightings would be accepted again, so size it above the number of
/// events a retry can span (a host store has no such limit). `forget` scans the held keys (linear in their
/// number): it is for the rare delivery the host could not act on.
#[derive(Clone, Debug)]
pub struct RecentEvents {
    remember: usize,
    ids: HashSet<Uuid>,
    digests: HashSet<BodyDigest>,
    order: VecDeque<DeliveryKey>,
}

impl RecentEvents {
    /// Room for `remember` first sightings, from 1 to [`crate::limits::MAX_REMEMBERED_EVENTS`]; nothing is
    /// allocated until deliveries arrive. The error names `remember` and the maximum.
    pub fn new(remember: usize) -> Result<RecentEvents, ReceiverOptionError> {
        check_remember(Some(remember))?;
        Ok(RecentEvents { remember, ids: HashSet::new(), digests: HashSet::new(), order: VecDeque::new() })
    }

    /// How many first sightings it can hold.
    pub fn remember(&self) -> usize {
        self.remember
    }

    /// How many first sightings are held.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether none is held.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    fn drop_oldest(&mut self) {
        if let Some(oldest) = self.order.pop_front() {
            self.ids.remove(&oldest.event_id);
            self.digests.remove(&oldest.body_digest);
        }
    }
}

impl Default for RecentEvents {
    /// Room for [`DEFAULT_REMEMBERED_EVENTS`] first sightings (100,000: about 15 MB once full).
    fn default() -> RecentEvents {
        RecentEvents { remember: DEFAULT_REMEMBERED_EVENTS, ids: HashSet::new(), digests: HashSet::new(), order: VecDeque::new() }
    }
}

impl SeenEvents for RecentEvents {
    fn first_sighting(&mut self, key: &DeliveryKey) -> bool {
        if self.ids.contains(&key.event_id) || self.digests.contains(&key.body_digest) {
            return false;
        }
        self.ids.insert(key.event_id);
        self.digests.insert(key.body_digest);
        self.order.push_back(*key);
        while self.order.len() > self.remember {
            self.drop_oldest();
        }
        true
    }

    fn forget(&mut self, event_id: Uuid) {
        if !self.ids.remove(&event_id) {
            return;
        }
        if let Some(at) = self.order.iter().position(|key| key.event_id == event_id) {
            if let Some(key) = self.order.remove(at) {
                self.digests.remove(&key.body_digest);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::MAX_REMEMBERED_EVENTS;

    fn id(n: u8) -> Uuid {
        Uuid::from_bytes([n; 16])
    }

    fn key(event: u8, body: u8) -> DeliveryKey {
        DeliveryKey { event_id: id(event), body_digest: BodyDigest::of(&[body]) }
    }

    fn seen(remember: usize) -> RecentEvents {
        RecentEvents::new(remember).unwrap()
    }

    #[test]
    fn a_repeat_is_not_a_first_sighting() {
        let mut seen = seen(3);
        assert!(seen.first_sighting(&key(1, 1)));
        assert!(!seen.first_sighting(&key(1, 1)));
        assert!(seen.first_sighting(&key(2, 2)));
        assert_eq!(seen.len(), 2);
    }

    #[test]
    fn the_same_signed_body_under_a_new_event_id_is_a_repeat() {
        let mut seen = seen(10);
        assert!(seen.first_sighting(&key(1, 1)));
        assert!(!seen.first_sighting(&key(2, 1)), "a captured body re-sent under a made-up event id");
        assert!(!seen.first_sighting(&key(1, 2)), "a known event id over another body");
        // A repeat records nothing: neither the made-up id nor the other body blocks a later delivery.
        assert!(seen.first_sighting(&key(2, 2)));
        assert_eq!(seen.len(), 2);
    }

    #[test]
    fn memory_stays_bounded_and_the_oldest_goes_first() {
        let mut seen = seen(3);
        for n in 1..=10 {
            assert!(seen.first_sighting(&key(n, n)));
            assert!(seen.len() <= 3);
        }
        assert!(!seen.first_sighting(&key(10, 10)));
        assert!(!seen.first_sighting(&key(30, 8)), "the body of a held delivery");
        assert!(seen.first_sighting(&key(1, 1)), "evicted long ago, id and body both");
    }

    #[test]
    fn forgetting_lets_a_retry_through() {
        let mut seen = seen(3);
        assert!(seen.first_sighting(&key(1, 1)));
        seen.forget(id(1));
        assert!(seen.first_sighting(&key(1, 1)), "the retry has the same id and body");
        assert!(!seen.first_sighting(&key(1, 1)));
        seen.forget(id(9));
        assert_eq!(seen.len(), 1);
    }

    #[test]
    fn remember_is_refused_outside_its_range_and_allocates_nothing_up_front() {
        for bad in [0, MAX_REMEMBERED_EVENTS + 1, usize::MAX] {
            let error = RecentEvents::new(bad).unwrap_err();
            assert_eq!(error.option, "remember");
            assert!(error.rule.contains(&MAX_REMEMBERED_EVENTS.to_string()), "{}", error.rule);
        }
        let largest = seen(MAX_REMEMBERED_EVENTS);
        assert_eq!((largest.ids.capacity(), largest.digests.capacity(), largest.order.capacity()), (0, 0, 0));
        assert_eq!(RecentEvents::default().remember(), DEFAULT_REMEMBERED_EVENTS);
        assert_eq!(RecentEvents::default().order.capacity(), 0);
    }
}
