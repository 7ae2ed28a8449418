//! The gift history: every gift the host has heard of, as a timeline per gift and an index per recipient.
//!
//! &Open has no gift-history endpoint yet (the Clay guide: "coming soon"), so the host keeps its own, fed from two
//! sources: verified webhook deliveries ([`GiftHistory::record_delivery`]) and the gift requests its own
//! calls return ([`GiftHistory::record_gift`]). Deliveries may repeat and arrive out of order; folding the
//! same facts twice, or in any order, gives the same timeline. Look-back eligibility
//! ([`crate::eligibility`]) and the CRM projection ([`crate::crm`]) read from it.
//!
//! **DECISIONs** (the sources are silent):
//! - a recipient is known by their email, trimmed and lowercased; without an email, by their first and last
//!   names, trimmed, lowercased and with inner whitespace collapsed ([`RecipientKey`]);
//! - the date of a status is the gift's `updated_at` in the delivery that announces it; a creation's date is
//!   `created_at`;
//! - a timeline's status is the furthest it has reached: delivered wins over everything, cancelled over
//!   submitted, redeemed and dispatched (a gift can be cancelled after redemption, never after delivery);
//! - a webhook delivery is folded by what its signature covers only (the design's "Webhook trust"): the
//!   body's status and dates. The event type header is never read here, so a header changed in transit
//!   cannot cancel a gift, date it, or make its recipient eligible again.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::gift_request::{GiftRequest, GiftRequestStatus, LineItem};
use crate::timestamp::Timestamp;
use crate::uuid::Uuid;
use crate::webhook::{Delivery, EventType};

/// Who a gift was for, in the form the history indexes: the email, else the names (see the module's
/// DECISIONs). Two spellings of one address (`Ann@X.com`, ` ann@x.com`) are one recipient.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RecipientKey(String);

impl RecipientKey {
    /// The key of a recipient from their details: `email:{address}` when an email is given (and not
    /// blank), else `name:{first} {last}`.
    pub fn new(first_name: &str, last_name: &str, email: Option<&str>) -> RecipientKey {
        match email.map(str::trim).filter(|e| !e.is_empty()) {
            Some(email) => RecipientKey(format!("email:{}", email.to_lowercase())),
            None => {
                let names = format!("{first_name} {last_name}");
                let words: Vec<&str> = names.split_whitespace().collect();
                RecipientKey(format!("name:{}", words.join(" ").to_lowercase()))
            }
        }
    }

    /// The key of a gift request's recipient.
    pub fn of_gift(gift: &GiftRequest) -> RecipientKey {
        RecipientKey::new(&gift.recipient.first_name, &gift.recipient.last_name, gift.recipient.email.as_deref())
    }

    /// The key as text (`email:ann@example.com`, `name:ann smith`), for a host's store.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A key read back from a host's store: the text [`RecipientKey::as_str`] gave.
    pub fn from_stored(text: &str) -> RecipientKey {
        RecipientKey(text.to_owned())
    }
}

/// One gift's life: when it was sent, redeemed, dispatched, delivered or cancelled, as far as known.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct GiftTimeline {
    /// The gift request.
    pub gift_request_id: Uuid,
    /// Its campaign, when known.
    pub campaign_id: Option<Uuid>,
    /// Its recipient.
    pub recipient: RecipientKey,
    /// The furthest status reached (see the module's DECISIONs).
    pub status: GiftRequestStatus,
    /// When it was created (the invitation sent).
    pub sent_at: Option<Timestamp>,
    /// When the recipient chose their gift.
    pub redeemed_at: Option<Timestamp>,
    /// When it left the warehouse.
    pub dispatched_at: Option<Timestamp>,
    /// When it arrived.
    pub delivered_at: Option<Timestamp>,
    /// When it was cancelled or expired.
    pub cancelled_at: Option<Timestamp>,
    /// The redemption link, once known.
    pub redemption_url: Option<String>,
    /// The items, once locked.
    pub line_items: Option<Vec<LineItem>>,
    /// The `updated_at` of the newest snapshot folded in.
    pub updated_at: Timestamp,
}

impl GiftTimeline {
    fn start(gift: &GiftRequest) -> GiftTimeline {
        GiftTimeline {
            gift_request_id: gift.id,
            campaign_id: gift.campaign_id,
            recipient: RecipientKey::of_gift(gift),
            status: GiftRequestStatus::Submitted,
            sent_at: Some(gift.created_at),
            redeemed_at: None,
            dispatched_at: None,
            delivered_at: None,
            cancelled_at: None,
            redemption_url: None,
            line_items: None,
            updated_at: gift.updated_at,
        }
    }

    /// Folds a snapshot of the gift in; `reached` is the status it announces and `at` when it was reached.
    fn fold(&mut self, gift: &GiftRequest, reached: &GiftRequestStatus, at: Timestamp) {
        let date = match reached {
            GiftRequestStatus::Redeemed => Some(&mut self.redeemed_at),
            GiftRequestStatus::Dispatched => Some(&mut self.dispatched_at),
            GiftRequestStatus::Delivered => Some(&mut self.delivered_at),
            GiftRequestStatus::Cancelled => Some(&mut self.cancelled_at),
            GiftRequestStatus::Submitted | GiftRequestStatus::Unknown(_) => None,
        };
        if let Some(date) = date {
            // A repeated event keeps the earliest date it was seen with.
            *date = Some(date.map_or(at, |known| known.min(at)));
        }
        self.sent_at = Some(self.sent_at.map_or(gift.created_at, |known| known.min(gift.created_at)));
        if self.campaign_id.is_none() {
            self.campaign_id = gift.campaign_id;
        }
        // Fields that only ever go from null to set: take them from any snapshot that has them.
        if gift.redemption_url.is_some() && (self.redemption_url.is_none() || gift.updated_at >= self.updated_at) {
            self.redemption_url.clone_from(&gift.redemption_url);
        }
        if gift.line_items.is_some() && (self.line_items.is_none() || gift.updated_at >= self.updated_at) {
            self.line_items.clone_from(&gift.line_items);
        }
        self.updated_at = self.updated_at.max(gift.updated_at);
        self.status = self.furthest_status();
    }

    fn furthest_status(&self) -> GiftRequestStatus {
        if self.delivered_at.is_some() {
            GiftRequestStatus::Delivered
        } else if self.cancelled_at.is_some() {
            GiftRequestStatus::Cancelled
        } else if self.dispatched_at.is_some() {
            GiftRequestStatus::Dispatched
        } else if self.redeemed_at.is_some() {
            GiftRequestStatus::Redeemed
        } else {
            GiftRequestStatus::Submitted
        }
    }

    /// Whether this gift counts against a recipient's look-back window: every gift except a cancelled one
    /// (the Clay guide: a cancelled gift "didn't go through").
    pub fn counts_as_gifted(&self) -> bool {
        self.status != GiftRequestStatus::Cancelled
    }
}

/// What [`GiftHistory::record_delivery`] did with an event.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Recorded {
    /// The gift's first appearance in the history.
    NewGift,
    /// An update to a gift already known (possibly a repeat, which changes nothing).
    Updated,
    /// An event type this SDK does not know: the snapshot was folded in by its signed status, as any other.
    UnknownEvent,
}

/// Every gift heard of, by id, with an index by recipient. Memory grows with the number of gifts; the cost
/// of a lookup by recipient does not.
#[derive(Clone, Debug, Default)]
pub struct GiftHistory {
    gifts: HashMap<Uuid, GiftTimeline>,
    by_recipient: HashMap<RecipientKey, Vec<Uuid>>,
}

impl GiftHistory {
    /// An empty history.
    pub fn new() -> GiftHistory {
        GiftHistory::default()
    }

    /// Folds in a verified webhook delivery: its signed body, exactly as [`GiftHistory::record_gift`] does
    /// (the body's status reached at its `updated_at`); the event type header only decides whether
    /// [`Recorded::UnknownEvent`] is answered. Call it after [`crate::webhook::Verifier::verify`] and after
    /// de-duplication (a repeat is harmless here, but the host should not act on it twice).
    pub fn record_delivery(&mut self, delivery: &Delivery) -> Recorded {
        let recorded = self.record_gift(&delivery.gift_request);
        if matches!(delivery.event_type, EventType::Unknown(_)) { Recorded::UnknownEvent } else { recorded }
    }

    /// Folds in a gift request as an API call returned it (a create, a get, a poll). Its current status is
    /// taken as reached at its `updated_at`.
    pub fn record_gift(&mut self, gift: &GiftRequest) -> Recorded {
        self.fold(gift, &gift.status.clone(), gift.updated_at)
    }

    /// Puts back a timeline the host stored earlier (see [`GiftHistory::timelines`]); a timeline for a gift
    /// already held replaces it.
    pub fn restore(&mut self, timeline: GiftTimeline) {
        let id = timeline.gift_request_id;
        if let Some(previous) = self.gifts.get(&id) {
            let previous_key = previous.recipient.clone();
            if let Some(ids) = self.by_recipient.get_mut(&previous_key) {
                ids.retain(|known| *known != id);
            }
        }
        self.by_recipient.entry(timeline.recipient.clone()).or_default().push(id);
        self.gifts.insert(id, timeline);
    }

    fn fold(&mut self, gift: &GiftRequest, reached: &GiftRequestStatus, at: Timestamp) -> Recorded {
        match self.gifts.get_mut(&gift.id) {
            Some(timeline) => {
                timeline.fold(gift, reached, at);
                Recorded::Updated
            }
            None => {
                let mut timeline = GiftTimeline::start(gift);
                timeline.fold(gift, reached, at);
                self.by_recipient.entry(timeline.recipient.clone()).or_default().push(gift.id);
                self.gifts.insert(gift.id, timeline);
                Recorded::NewGift
            }
        }
    }

    /// One gift's timeline.
    pub fn gift(&self, id: &Uuid) -> Option<&GiftTimeline> {
        self.gifts.get(id)
    }

    /// A recipient's gifts, in the order first heard of. Its cost depends on that recipient's gifts only.
    pub fn gifts_for<'a>(&'a self, recipient: &RecipientKey) -> impl Iterator<Item = &'a GiftTimeline> + 'a {
        let ids = self.by_recipient.get(recipient).map(Vec::as_slice).unwrap_or_default();
        ids.iter().filter_map(|id| self.gifts.get(id))
    }

    /// Every recipient the history knows.
    pub fn recipients(&self) -> impl Iterator<Item = &RecipientKey> {
        self.by_recipient.keys()
    }

    /// Every timeline, in no particular order: what a host stores to rebuild the history with
    /// [`GiftHistory::restore`].
    pub fn timelines(&self) -> impl Iterator<Item = &GiftTimeline> {
        self.gifts.values()
    }

    /// How many gifts are held.
    pub fn len(&self) -> usize {
        self.gifts.len()
    }

    /// Whether no gift is held.
    pub fn is_empty(&self) -> bool {
        self.gifts.is_empty()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::webhook::EventType;

    pub(crate) const GIFT: &str = "4fb4cb3f-9666-43b5-8884-7f5194483d1a";

    pub(crate) fn gift(id: &str, email: Option<&str>, status: &str, created: &str, updated: &str) -> GiftRequest {
        let email = email.map_or("null".to_owned(), |e| format!("\"{e}\""));
        let url = if status == "submitted" { "null".to_owned() } else { format!("\"https://gift.andopen.test/r/{id}\"") };
        GiftRequest::from_json(
            format!(
                r#"{{"id":"{id}","status":"{status}","campaign_id":"a1b2c3d4-e5f6-7890-abcd-ef1234567890","redemption_url":{url},
                "recipient":{{"id":null,"first_name":"Ann","last_name":"Smith","email":{email}}},"shipping_address":null,
                "line_items":null,"created_at":"{created}","updated_at":"{updated}"}}"#
            )
            .as_bytes(),
        )
        .unwrap()
    }

    /// A delivery as the verifier would hand it over, whatever its event type says (the verifier refuses a
    /// contradicting one; a host can still build one by hand).
    pub(crate) fn delivery(event: EventType, gift_request: GiftRequest) -> Delivery {
        Delivery {
            event_id: Uuid::parse("0b6f1c1e-2d5a-4c4e-9a57-3f1f3c2a9d10").unwrap(),
            event_type: event,
            dispatched_at: gift_request.updated_at,
            api_version: None,
            body_digest: crate::webhook::BodyDigest::of(gift_request.id.to_string().as_bytes()),
            gift_request,
        }
    }

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    #[test]
    fn recipients_are_known_by_email_else_by_name() {
        assert_eq!(RecipientKey::new("Ann", "Smith", Some(" Ann@Example.COM ")), RecipientKey::new("X", "Y", Some("ann@example.com")));
        assert_eq!(RecipientKey::new(" Ann ", "van  Dijk", None).as_str(), "name:ann van dijk");
        assert_eq!(RecipientKey::new("Ann", "Smith", Some("  ")).as_str(), "name:ann smith");
        assert_ne!(RecipientKey::new("Ann", "Smith", None), RecipientKey::new("Ann", "Smith", Some("ann@example.com")));
    }

    #[test]
    fn folds_events_in_any_order_and_any_number_of_times_to_one_timeline() {
        let created = "2026-05-01T10:00:00.000Z";
        let events = [
            (EventType::Created, gift(GIFT, Some("ann@example.com"), "submitted", created, created)),
            (EventType::Redeemed, gift(GIFT, Some("ann@example.com"), "redeemed", created, "2026-05-02T10:00:00.000Z")),
            (EventType::Dispatched, gift(GIFT, Some("ann@example.com"), "dispatched", created, "2026-05-03T10:00:00.000Z")),
            (EventType::Delivered, gift(GIFT, Some("ann@example.com"), "delivered", created, "2026-05-05T10:00:00.000Z")),
        ];
        let mut in_order = GiftHistory::new();
        for (event, body) in &events {
            in_order.record_delivery(&delivery(event.clone(), body.clone()));
        }
        let mut shuffled = GiftHistory::new();
        for index in [3, 1, 3, 0, 2, 1, 0] {
            let (event, body) = &events[index];
            shuffled.record_delivery(&delivery(event.clone(), body.clone()));
        }
        let id = Uuid::parse(GIFT).unwrap();
        let timeline = in_order.gift(&id).unwrap();
        assert_eq!(timeline, shuffled.gift(&id).unwrap());
        assert_eq!(timeline.status, GiftRequestStatus::Delivered);
        assert_eq!(timeline.sent_at, Some(at(created)));
        assert_eq!(timeline.redeemed_at, Some(at("2026-05-02T10:00:00.000Z")));
        assert_eq!(timeline.dispatched_at, Some(at("2026-05-03T10:00:00.000Z")));
        assert_eq!(timeline.delivered_at, Some(at("2026-05-05T10:00:00.000Z")));
        assert_eq!(timeline.updated_at, at("2026-05-05T10:00:00.000Z"));
        assert!(timeline.redemption_url.is_some());
        assert_eq!(in_order.len(), 1);
        assert_eq!(in_order.gifts_for(&RecipientKey::new("", "", Some("ANN@example.com"))).count(), 1);
    }

    #[test]
    fn a_late_cancellation_wins_over_redemption_but_not_over_delivery() {
        let created = "2026-05-01T10:00:00.000Z";
        let mut history = GiftHistory::new();
        history.record_delivery(&delivery(EventType::Redeemed, gift(GIFT, None, "redeemed", created, "2026-05-02T10:00:00.000Z")));
        let id = Uuid::parse(GIFT).unwrap();
        assert_eq!(history.gift(&id).unwrap().status, GiftRequestStatus::Redeemed);
        history.record_delivery(&delivery(EventType::Cancelled, gift(GIFT, None, "cancelled", created, "2026-05-09T10:00:00.000Z")));
        assert_eq!(history.gift(&id).unwrap().status, GiftRequestStatus::Cancelled);
        assert!(!history.gift(&id).unwrap().counts_as_gifted());
        history.record_delivery(&delivery(EventType::Delivered, gift(GIFT, None, "delivered", created, "2026-05-08T10:00:00.000Z")));
        assert_eq!(history.gift(&id).unwrap().status, GiftRequestStatus::Delivered);
    }

    #[test]
    fn unknown_events_are_kept_without_a_date_and_api_reads_count_too() {
        let created = "2026-05-01T10:00:00.000Z";
        let mut history = GiftHistory::new();
        let unknown = delivery(EventType::Unknown("gift_request_paused".into()), gift(GIFT, None, "submitted", created, created));
        assert_eq!(history.record_delivery(&unknown), Recorded::UnknownEvent);
        let id = Uuid::parse(GIFT).unwrap();
        assert_eq!(history.gift(&id).unwrap().status, GiftRequestStatus::Submitted);
        assert_eq!(history.record_gift(&gift(GIFT, None, "dispatched", created, "2026-05-03T00:00:00.000Z")), Recorded::Updated);
        assert_eq!(history.gift(&id).unwrap().dispatched_at, Some(at("2026-05-03T00:00:00.000Z")));
    }

    #[test]
    fn an_unsigned_event_type_changes_nothing_the_body_does_not_say() {
        let created = "2026-05-01T10:00:00.000Z";
        let mut history = GiftHistory::new();
        let submitted = gift(GIFT, Some("ann@example.com"), "submitted", created, created);
        history.record_delivery(&delivery(EventType::Created, submitted.clone()));
        let before = history.gift(&Uuid::parse(GIFT).unwrap()).unwrap().clone();
        for forged in [EventType::Cancelled, EventType::Delivered, EventType::Redeemed, EventType::Dispatched] {
            history.record_delivery(&delivery(forged, submitted.clone()));
        }
        let after = history.gift(&Uuid::parse(GIFT).unwrap()).unwrap();
        assert_eq!(after, &before);
        assert_eq!((after.status.clone(), after.cancelled_at), (GiftRequestStatus::Submitted, None));
        assert!(after.counts_as_gifted());
    }

    #[test]
    fn restores_what_it_stored() {
        let created = "2026-05-01T10:00:00.000Z";
        let mut history = GiftHistory::new();
        history.record_gift(&gift(GIFT, Some("ann@example.com"), "submitted", created, created));
        let stored: Vec<String> = history.timelines().map(|t| serde_json::to_string(t).unwrap()).collect();
        let mut restored = GiftHistory::new();
        for text in &stored {
            restored.restore(serde_json::from_str(text).unwrap());
        }
        restored.restore(serde_json::from_str(&stored[0]).unwrap());
        let key = RecipientKey::new("", "", Some("ann@example.com"));
        assert_eq!(restored.gifts_for(&key).count(), 1);
        assert_eq!(restored.gift(&Uuid::parse(GIFT).unwrap()), history.gift(&Uuid::parse(GIFT).unwrap()));
    }
}
