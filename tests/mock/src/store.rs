//! What the mock holds: the seeded campaigns with their live stock, and the gift requests with their
//! schedule (the redemption URL appears `redemption_delay` after creation; with an advance period the
//! status then moves redeemed → dispatched → delivered on its own).
//!
//! Time is always an argument (`now`, Unix milliseconds): call [`Store::tick`] before reading anything, so
//! that what is due has happened. Every change returns the webhook [`Event`]s it raises, for the caller to
//! hand to the delivery thread.

use std::collections::HashMap;

use crate::resources::{Campaign, GiftRequest, LineItem, Recipient, ShippingAddress, to_json};
use crate::rng::{SplitMix64, iso};
use crate::seed;

/// Where a gift request has got to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Status {
    /// Created; the invitation is out.
    Submitted,
    /// The recipient has chosen.
    Redeemed,
    /// On its way.
    Dispatched,
    /// Arrived.
    Delivered,
    /// Cancelled or expired.
    Cancelled,
}

impl Status {
    /// The wire text.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Redeemed => "redeemed",
            Status::Dispatched => "dispatched",
            Status::Delivered => "delivered",
            Status::Cancelled => "cancelled",
        }
    }

    /// Parses the wire text.
    pub fn parse(text: &str) -> Option<Status> {
        [Status::Submitted, Status::Redeemed, Status::Dispatched, Status::Delivered, Status::Cancelled]
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    /// The next status on the way to delivery; `None` from `delivered` and `cancelled`.
    pub fn next(self) -> Option<Status> {
        match self {
            Status::Submitted => Some(Status::Redeemed),
            Status::Redeemed => Some(Status::Dispatched),
            Status::Dispatched => Some(Status::Delivered),
            Status::Delivered | Status::Cancelled => None,
        }
    }

    /// Whether the status can no longer change.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Delivered | Status::Cancelled)
    }

    /// The webhook event a change to this status raises.
    pub fn event_type(self) -> &'static str {
        match self {
            Status::Submitted => "gift_request_created",
            Status::Redeemed => "gift_request_redeemed",
            Status::Dispatched => "gift_request_dispatched",
            Status::Delivered => "gift_request_delivered",
            Status::Cancelled => "gift_request_cancelled",
        }
    }
}

/// A webhook event: its id (stable across delivery attempts), its type and the gift request's JSON at the
/// moment it happened, exactly as the API returns it.
#[derive(Clone, Debug)]
pub struct Event {
    /// A UUID.
    pub event_id: String,
    /// `gift_request_created`, …
    pub event_type: &'static str,
    /// The gift request the event is about.
    pub gift_request_id: String,
    /// The body to deliver.
    pub body: Vec<u8>,
}

/// A gift request and its schedule.
#[derive(Clone, Debug)]
struct Gift {
    resource: GiftRequest,
    status: Status,
    campaign: usize,
    url_due_ms: i64,
    next_advance_ms: Option<i64>,
}

/// What a new gift request is made of, once every check has passed.
#[derive(Clone, Debug)]
pub struct NewGift {
    /// The campaign's index in [`Store::campaigns`].
    pub campaign: usize,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email.
    pub email: Option<String>,
    /// Direct-send: the address.
    pub shipping_address: Option<ShippingAddress>,
    /// Direct-send: (variant id, quantity) per item, stock already checked.
    pub items: Option<Vec<(String, i64)>>,
}

/// Why a control-endpoint status change was refused.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum AdvanceError {
    /// No gift request with this id.
    NotFound,
    /// Not a status, or not reachable from the current one.
    Refused(String),
}

/// Every campaign and gift request.
#[derive(Debug)]
pub struct Store {
    seed: u64,
    campaigns: Vec<Campaign>,
    campaign_index: HashMap<String, usize>,
    gifts: Vec<Gift>,
    gift_index: HashMap<String, usize>,
    /// Gifts with something still scheduled.
    active: Vec<usize>,
    ids: SplitMix64,
    redemption_delay_ms: i64,
    advance_ms: Option<i64>,
}

impl Store {
    /// The seeded state. `advance_ms` of `None` (or 0) means statuses move only through the control
    /// endpoint. The catalogue comes from `seed`; the ids handed out later (gift requests, recipients,
    /// events, requests) come from `id_seed`, which the server draws from the clock so that no two runs
    /// hand out the same ids.
    pub fn new(seed: u64, id_seed: u64, redemption_delay_ms: i64, advance_ms: Option<i64>) -> Store {
        let campaigns = seed::campaigns(seed);
        let campaign_index = campaigns.iter().enumerate().map(|(i, c)| (c.id.clone(), i)).collect();
        Store {
            seed,
            campaigns,
            campaign_index,
            gifts: Vec::new(),
            gift_index: HashMap::new(),
            active: Vec::new(),
            ids: SplitMix64::new(id_seed),
            redemption_delay_ms: redemption_delay_ms.max(0),
            advance_ms: advance_ms.filter(|a| *a > 0),
        }
    }

    /// Back to the seeded campaigns and stock, with no gift request. The id generator keeps going, so
    /// that no id (and no webhook event id) is ever handed out twice by one process.
    pub fn reset(&mut self) {
        let ids = self.ids.clone();
        *self = Store::new(self.seed, 0, self.redemption_delay_ms, self.advance_ms);
        self.ids = ids;
    }

    /// A fresh UUID from the seeded generator.
    pub fn new_id(&mut self) -> String {
        self.ids.uuid_string()
    }

    /// The campaigns, oldest first.
    pub fn campaigns(&self) -> &[Campaign] {
        &self.campaigns
    }

    /// The index of the campaign with this id (canonical lowercase text).
    pub fn campaign_position(&self, id: &str) -> Option<usize> {
        self.campaign_index.get(id).copied()
    }

    /// A campaign by index.
    pub fn campaign(&self, index: usize) -> Option<&Campaign> {
        self.campaigns.get(index)
    }

    /// A gift request by id (canonical lowercase text).
    pub fn gift(&self, id: &str) -> Option<&GiftRequest> {
        self.gift_index.get(id).and_then(|i| self.gifts.get(*i)).map(|g| &g.resource)
    }

    /// Every gift request, in creation order.
    pub fn gifts(&self) -> impl Iterator<Item = &GiftRequest> {
        self.gifts.iter().map(|g| &g.resource)
    }

    /// Creates a gift request (stock is taken for direct-send items) and raises `gift_request_created`.
    pub fn create(&mut self, new: NewGift, now: i64) -> (GiftRequest, Vec<Event>) {
        let id = self.new_id();
        let recipient_id = self.new_id();
        let line_items = new.items.map(|items| {
            items
                .into_iter()
                .map(|(variant_id, quantity)| {
                    let campaign = self.campaigns.get_mut(new.campaign);
                    let sku = campaign.as_ref().and_then(|c| c.variant_by_id(&variant_id)).map(|v| v.sku.clone());
                    if let Some(c) = campaign {
                        c.take_stock(&variant_id, quantity);
                    }
                    LineItem { variant_id: Some(variant_id), sku, quantity }
                })
                .collect()
        });
        let resource = GiftRequest {
            id: id.clone(),
            status: Status::Submitted.as_str(),
            campaign_id: self.campaigns.get(new.campaign).map(|c| c.id.clone()),
            redemption_url: None,
            recipient: Recipient { id: Some(recipient_id), first_name: new.first_name, last_name: new.last_name, email: new.email },
            shipping_address: new.shipping_address,
            line_items,
            created_at: iso(now),
            updated_at: iso(now),
        };
        let url_due_ms = now + self.redemption_delay_ms;
        let next_advance_ms = self.advance_ms.map(|a| (now + a).max(url_due_ms));
        let index = self.gifts.len();
        self.gifts.push(Gift {
            resource: resource.clone(),
            status: Status::Submitted,
            campaign: new.campaign,
            url_due_ms,
            next_advance_ms,
        });
        self.gift_index.insert(id, index);
        self.active.push(index);
        let event = self.event(index, Status::Submitted);
        (resource, event.into_iter().collect())
    }

    /// Makes due what is due at `now`: redemption URLs, and scheduled status changes.
    pub fn tick(&mut self, now: i64) -> Vec<Event> {
        let mut events = Vec::new();
        if self.active.is_empty() {
            return events;
        }
        let active = std::mem::take(&mut self.active);
        let mut still = Vec::with_capacity(active.len());
        for index in active {
            let Some(gift) = self.gifts.get_mut(index) else { continue };
            if gift.resource.redemption_url.is_none() && gift.status != Status::Cancelled && now >= gift.url_due_ms {
                gift.resource.redemption_url = Some(redemption_url(&gift.resource.id));
                gift.resource.updated_at = iso(now);
            }
            while let (Some(due), Some(next)) = (self.gifts.get(index).and_then(|g| g.next_advance_ms), self.status_of(index).next()) {
                if due > now {
                    break;
                }
                events.extend(self.change(index, next, now));
                if let Some(gift) = self.gifts.get_mut(index) {
                    gift.next_advance_ms = self.advance_ms.map(|a| due + a);
                }
            }
            let Some(gift) = self.gifts.get(index) else { continue };
            let url_pending = gift.resource.redemption_url.is_none() && gift.status != Status::Cancelled;
            let advance_pending = self.advance_ms.is_some() && !gift.status.is_final();
            if url_pending || advance_pending {
                still.push(index);
            }
        }
        self.active = still;
        events
    }

    /// The control endpoint's status change: to the next status (`target` `None`), to `cancelled` from
    /// any status that is not final, or forward along the way to delivery, one status at a time (an event
    /// for each).
    pub fn advance(&mut self, id: &str, target: Option<&str>, now: i64) -> Result<(GiftRequest, Vec<Event>), AdvanceError> {
        let index = *self.gift_index.get(id).ok_or(AdvanceError::NotFound)?;
        let current = self.status_of(index);
        let target = match target {
            None => current
                .next()
                .ok_or_else(|| AdvanceError::Refused(format!("the gift request is {} and has no next status", current.as_str())))?,
            Some(text) => Status::parse(text).ok_or_else(|| {
                AdvanceError::Refused(format!("{text:?} is not one of submitted, redeemed, dispatched, delivered, cancelled"))
            })?,
        };
        let mut events = Vec::new();
        if target == Status::Cancelled {
            if current.is_final() {
                return Err(AdvanceError::Refused(format!("the gift request is {} and cannot be cancelled", current.as_str())));
            }
            events.extend(self.change(index, Status::Cancelled, now));
        } else {
            let mut path = Vec::new();
            let mut at = current;
            while let Some(next) = at.next() {
                path.push(next);
                if next == target {
                    break;
                }
                at = next;
            }
            if path.last() != Some(&target) {
                return Err(AdvanceError::Refused(format!(
                    "the gift request is {} and cannot move to {}",
                    current.as_str(),
                    target.as_str()
                )));
            }
            for status in path {
                events.extend(self.change(index, status, now));
            }
        }
        let resource = self.gifts.get(index).map(|g| g.resource.clone()).ok_or(AdvanceError::NotFound)?;
        Ok((resource, events))
    }

    fn status_of(&self, index: usize) -> Status {
        self.gifts.get(index).map_or(Status::Cancelled, |g| g.status)
    }

    /// One status change: redeeming sets the URL if it is not there yet and locks a choice-mode gift's
    /// items (the first variant in stock, one unit).
    fn change(&mut self, index: usize, status: Status, now: i64) -> Option<Event> {
        let campaign = self.gifts.get(index)?.campaign;
        let needs_items = status == Status::Redeemed && self.gifts.get(index)?.resource.line_items.is_none();
        let chosen = if needs_items { self.choose_item(campaign) } else { None };
        let gift = self.gifts.get_mut(index)?;
        gift.status = status;
        gift.resource.status = status.as_str();
        gift.resource.updated_at = iso(now);
        if status == Status::Redeemed && gift.resource.redemption_url.is_none() {
            gift.resource.redemption_url = Some(redemption_url(&gift.resource.id));
        }
        if let Some(item) = chosen {
            gift.resource.line_items = Some(vec![item]);
        }
        self.event(index, status)
    }

    /// What a recipient "chooses" on redemption: the first variant with stock (taken), else the first.
    fn choose_item(&mut self, campaign: usize) -> Option<LineItem> {
        let c = self.campaigns.get_mut(campaign)?;
        let pick = c.variants().find(|v| v.available() > 0).or_else(|| c.variants().next()).map(|v| (v.id.clone(), v.sku.clone()))?;
        c.take_stock(&pick.0, 1);
        Some(LineItem { variant_id: Some(pick.0), sku: Some(pick.1), quantity: 1 })
    }

    fn event(&mut self, index: usize, status: Status) -> Option<Event> {
        let event_id = self.new_id();
        let gift = self.gifts.get(index)?;
        Some(Event { event_id, event_type: status.event_type(), gift_request_id: gift.resource.id.clone(), body: to_json(&gift.resource) })
    }
}

/// The redemption URL of a gift request.
pub fn redemption_url(id: &str) -> String {
    format!("https://gift.andopen.test/r/{id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(store: &Store) -> NewGift {
        let campaign = store.campaigns().iter().position(|c| c.name == seed::CHOICE).unwrap();
        NewGift { campaign, first_name: "Alice".into(), last_name: "Smith".into(), email: None, shipping_address: None, items: None }
    }

    #[test]
    fn url_appears_after_the_delay_and_statuses_advance_on_schedule() {
        let mut store = Store::new(1, 2, 200, Some(1000));
        let (gift, events) = store.create(choice(&store), 10_000);
        assert_eq!(events.len(), 1);
        assert!(store.tick(10_199).is_empty());
        assert!(store.gift(&gift.id).unwrap().redemption_url.is_none());
        store.tick(10_200);
        assert!(store.gift(&gift.id).unwrap().redemption_url.is_some());
        let events = store.tick(13_500);
        let types: Vec<_> = events.iter().map(|e| e.event_type).collect();
        assert_eq!(types, ["gift_request_redeemed", "gift_request_dispatched", "gift_request_delivered"]);
        let g = store.gift(&gift.id).unwrap();
        assert_eq!(g.status, "delivered");
        assert_eq!(g.line_items.as_ref().unwrap().len(), 1);
        assert!(store.tick(20_000).is_empty());
    }

    #[test]
    fn control_changes_and_refusals() {
        let mut store = Store::new(1, 2, 200, None);
        let (gift, _) = store.create(choice(&store), 0);
        let (g, events) = store.advance(&gift.id, None, 5).unwrap();
        assert_eq!((g.status, events.len()), ("redeemed", 1));
        assert!(g.redemption_url.is_some());
        let (g, events) = store.advance(&gift.id, Some("delivered"), 6).unwrap();
        assert_eq!((g.status, events.len()), ("delivered", 2));
        assert!(matches!(store.advance(&gift.id, Some("cancelled"), 7), Err(AdvanceError::Refused(_))));
        assert!(matches!(store.advance(&gift.id, None, 7), Err(AdvanceError::Refused(_))));
        assert!(matches!(store.advance("nope", None, 7), Err(AdvanceError::NotFound)));
        let (other, _) = store.create(choice(&store), 0);
        let (g, _) = store.advance(&other.id, Some("cancelled"), 8).unwrap();
        assert_eq!(g.status, "cancelled");
        store.reset();
        assert_eq!(store.gifts().count(), 0);
    }
}
