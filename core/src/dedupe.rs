//! De-duplicating webhook deliveries on their event id (the API's webhook reference: deliveries can repeat).
//!
//! After [`crate::webhook::Verifier::verify`] accepts a delivery, ask the seen-set whether its event id is
//! new; act only on a first sighting. [`RecentEvents`] keeps the most recent ids in bounded memory; a host
//! that must remember every id forever (across restarts, across several receivers) implements [`SeenEvents`]
//! on its own store.
//!
//! If the host cannot act on a first sighting (its downstream is down), it calls [`SeenEvents::forget`] and
//! answers the delivery with an error, so that &Open's retry is accepted instead of dropped as a duplicate.

use std::collections::{HashSet, VecDeque};

use crate::uuid::Uuid;

/// A set of event ids already acted on.
pub trait SeenEvents {
    /// Records `event_id`; `true` when it had not been seen (act on the event), `false` for a repeat.
    fn first_sighting(&mut self, event_id: Uuid) -> bool;

    /// Removes `event_id`, so that the next delivery of it counts as a first sighting again.
    fn forget(&mut self, event_id: Uuid);
}

/// The most recent `capacity` event ids, in bounded memory: the oldest id is dropped when a new one would
/// exceed it. A repeat older than the last `capacity` distinct events would be accepted again, so size it
/// above the number of events a retry can span (a host store has no such limit). `forget` scans the held
/// ids (linear in `capacity`): it is for the rare delivery the host could not act on.
#[derive(Clone, Debug)]
pub struct RecentEvents {
    capacity: usize,
    seen: HashSet<Uuid>,
    order: VecDeque<Uuid>,
}

impl RecentEvents {
    /// Room for `capacity` ids (at least one).
    pub fn with_capacity(capacity: usize) -> RecentEvents {
        let capacity = capacity.max(1);
        RecentEvents { capacity, seen: HashSet::with_capacity(capacity), order: VecDeque::with_capacity(capacity) }
    }

    /// How many ids are held.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// Whether no id is held.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

impl Default for RecentEvents {
    /// Room for 100,000 ids (about 5 MB).
    fn default() -> RecentEvents {
        RecentEvents::with_capacity(100_000)
    }
}

impl SeenEvents for RecentEvents {
    fn first_sighting(&mut self, event_id: Uuid) -> bool {
        if !self.seen.insert(event_id) {
            return false;
        }
        self.order.push_back(event_id);
        while self.order.len() > self.capacity {
            if let Some(oldest) = self.order.pop_front() {
                self.seen.remove(&oldest);
            }
        }
        true
    }

    fn forget(&mut self, event_id: Uuid) {
        if self.seen.remove(&event_id) {
            self.order.retain(|id| *id != event_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> Uuid {
        Uuid::from_bytes([n; 16])
    }

    #[test]
    fn a_repeat_is_not_a_first_sighting() {
        let mut seen = RecentEvents::with_capacity(3);
        assert!(seen.first_sighting(id(1)));
        assert!(!seen.first_sighting(id(1)));
        assert!(seen.first_sighting(id(2)));
        assert_eq!(seen.len(), 2);
    }

    #[test]
    fn memory_stays_bounded_and_the_oldest_goes_first() {
        let mut seen = RecentEvents::with_capacity(3);
        for n in 1..=10 {
            assert!(seen.first_sighting(id(n)));
            assert!(seen.len() <= 3);
        }
        assert!(!seen.first_sighting(id(10)));
        assert!(!seen.first_sighting(id(8)));
        assert!(seen.first_sighting(id(1)), "evicted long ago");
    }

    #[test]
    fn forgetting_lets_a_retry_through() {
        let mut seen = RecentEvents::with_capacity(3);
        assert!(seen.first_sighting(id(1)));
        seen.forget(id(1));
        assert!(seen.first_sighting(id(1)));
        assert!(!seen.first_sighting(id(1)));
        seen.forget(id(9));
        assert_eq!(seen.len(), 1);
    }
}
