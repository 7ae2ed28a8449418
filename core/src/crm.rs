//! The gift history projected onto CRM records (as &Open's Salesforce integration does): the fields a Contact or Lead carries (gift sent,
//! redeemed and delivered dates, gift count, value and lifetime cost) and a campaign member's status
//! (Pending → Invited → Completed, or Cancelled).
//!
//! Call [`recipient_summary`] to fill a record's fields and [`member_status`] for a campaign member, after
//! folding events into the [`GiftHistory`]. Values come from campaign catalogues ([`Prices`]); a gift whose
//! items are not locked yet, or not priced, has no known value and is left out of the sums, and
//! [`RecipientSummary::unpriced_gifts`] says how many were.
//!
//! Only signed facts reach it: the history folds a webhook delivery by its signed body, never by its event
//! type header (the design's "Webhook trust"), so an unsigned header cannot turn a member `Cancelled`.
//!
//! **DECISIONs**: a member is `Invited` once a gift is sent and `Completed` once the recipient has redeemed
//! (or the gift is dispatched or delivered); the latest gift of the campaign decides; cancelled gifts count
//! in `gift_count` but not in values.

use std::collections::{BTreeMap, HashMap};

use crate::campaign::Campaign;
use crate::gift_request::{GiftRequestStatus, LineItem};
use crate::history::{GiftHistory, GiftTimeline, RecipientKey};
use crate::money::{Currency, Money};
use crate::timestamp::Timestamp;
use crate::uuid::Uuid;

/// Unit prices by variant id and by SKU, read from campaign catalogues.
#[derive(Clone, Debug, Default)]
pub struct Prices {
    by_variant: HashMap<Uuid, Money>,
    by_sku: HashMap<String, Money>,
}

impl Prices {
    /// The prices of every priced variant in these campaigns.
    pub fn from_campaigns<'a>(campaigns: impl IntoIterator<Item = &'a Campaign>) -> Prices {
        let mut prices = Prices::default();
        for variant in campaigns.into_iter().flat_map(|c| &c.products).flat_map(|p| &p.variants) {
            let Some(price) = variant.price else { continue };
            if let Some(id) = variant.id {
                prices.by_variant.insert(id, price);
            }
            if let Some(sku) = &variant.sku {
                prices.by_sku.insert(sku.clone(), price);
            }
        }
        prices
    }

    /// The value of locked items: `None` when one is unpriced, the currencies differ or the sum overflows.
    pub fn value_of(&self, items: &[LineItem]) -> Option<Money> {
        let mut total: Option<Money> = None;
        for item in items {
            let unit = item
                .variant_id
                .and_then(|id| self.by_variant.get(&id))
                .or_else(|| item.sku.as_ref().and_then(|sku| self.by_sku.get(sku)))?;
            let amount = unit.amount.checked_mul(i64::try_from(item.quantity).ok()?)?;
            total = Some(match total {
                None => Money { amount, currency: unit.currency },
                Some(sum) if sum.currency == unit.currency => Money { amount: sum.amount.checked_add(amount)?, currency: sum.currency },
                Some(_) => return None,
            });
        }
        total
    }
}

/// What a CRM record shows about one recipient's gifting.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RecipientSummary {
    /// The recipient.
    pub recipient: RecipientKey,
    /// Gifts sent, cancelled ones included.
    pub gift_count: u32,
    /// When the latest gift was sent.
    pub last_sent_at: Option<Timestamp>,
    /// When the latest redeemed gift was redeemed.
    pub last_redeemed_at: Option<Timestamp>,
    /// When the latest delivered gift arrived.
    pub last_delivered_at: Option<Timestamp>,
    /// The value of the latest gift, when it is priced and was not cancelled (a cancelled gift has none).
    pub last_gift_value: Option<Money>,
    /// The lifetime value of every priced, not cancelled gift, one sum per currency.
    pub lifetime_value: Vec<Money>,
    /// Gifts left out of the values: items not locked yet, or not priced.
    pub unpriced_gifts: u32,
}

/// Summarises one recipient's gifts. Its cost depends on that recipient's gifts only.
pub fn recipient_summary(history: &GiftHistory, recipient: &RecipientKey, prices: &Prices) -> RecipientSummary {
    let mut summary = RecipientSummary {
        recipient: recipient.clone(),
        gift_count: 0,
        last_sent_at: None,
        last_redeemed_at: None,
        last_delivered_at: None,
        last_gift_value: None,
        lifetime_value: Vec::new(),
        unpriced_gifts: 0,
    };
    let mut lifetime: BTreeMap<Currency, i64> = BTreeMap::new();
    let mut latest: Option<&GiftTimeline> = None;
    for gift in history.gifts_for(recipient) {
        summary.gift_count = summary.gift_count.saturating_add(1);
        summary.last_sent_at = summary.last_sent_at.max(gift.sent_at);
        summary.last_redeemed_at = summary.last_redeemed_at.max(gift.redeemed_at);
        summary.last_delivered_at = summary.last_delivered_at.max(gift.delivered_at);
        if latest.is_none_or(|l| gift.sent_at > l.sent_at) {
            latest = Some(gift);
        }
        if gift.status == GiftRequestStatus::Cancelled {
            continue;
        }
        match gift.line_items.as_deref().and_then(|items| prices.value_of(items)) {
            Some(value) => {
                let sum = lifetime.entry(value.currency).or_insert(0);
                *sum = sum.saturating_add(value.amount);
            }
            None => summary.unpriced_gifts = summary.unpriced_gifts.saturating_add(1),
        }
    }
    summary.last_gift_value = latest
        .filter(|gift| gift.status != GiftRequestStatus::Cancelled)
        .and_then(|gift| gift.line_items.as_deref())
        .and_then(|items| prices.value_of(items));
    summary.lifetime_value = lifetime.into_iter().map(|(currency, amount)| Money { amount, currency }).collect();
    summary
}

/// A campaign member's status (as in &Open's Salesforce integration).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum MemberStatus {
    /// No gift sent yet for this campaign.
    Pending,
    /// The gift invitation is out.
    Invited,
    /// The recipient has redeemed, or the gift is on its way or arrived.
    Completed,
    /// The gift was cancelled or expired.
    Cancelled,
}

impl MemberStatus {
    /// The label a CRM shows: `Pending`, `Invited`, `Completed`, `Cancelled`.
    pub fn label(self) -> &'static str {
        match self {
            MemberStatus::Pending => "Pending",
            MemberStatus::Invited => "Invited",
            MemberStatus::Completed => "Completed",
            MemberStatus::Cancelled => "Cancelled",
        }
    }
}

/// The status of a recipient as a member of a campaign, from the latest gift of that campaign.
pub fn member_status(history: &GiftHistory, recipient: &RecipientKey, campaign_id: &Uuid) -> MemberStatus {
    let latest = history.gifts_for(recipient).filter(|gift| gift.campaign_id.as_ref() == Some(campaign_id)).max_by_key(|gift| gift.sent_at);
    match latest.map(|gift| &gift.status) {
        None => MemberStatus::Pending,
        Some(GiftRequestStatus::Cancelled) => MemberStatus::Cancelled,
        Some(GiftRequestStatus::Redeemed | GiftRequestStatus::Dispatched | GiftRequestStatus::Delivered) => MemberStatus::Completed,
        Some(GiftRequestStatus::Submitted | GiftRequestStatus::Unknown(_)) => MemberStatus::Invited,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gift_request::GiftRequest;

    const CAMPAIGN: &str = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
    const VARIANT: &str = "6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b";

    fn campaign() -> Campaign {
        Campaign::from_json(&format!(
            r#"{{"id":"{CAMPAIGN}","name":"Welcome","invitation_method":"email_link","created_at":null,"updated_at":null,
            "products":[{{"id":null,"name":"Mug","variants":[
              {{"id":"{VARIANT}","sku":"MUG-1","name":"Blue","price":{{"amount":2500,"currency":"EUR"}},"stock_levels":[]}},
              {{"id":null,"sku":"PEN-1","name":"Pen","price":{{"amount":300,"currency":"EUR"}},"stock_levels":[]}},
              {{"id":null,"sku":"HAT-1","name":"Hat","price":{{"amount":900,"currency":"USD"}},"stock_levels":[]}},
              {{"id":null,"sku":"FREE","name":"Card","price":null,"stock_levels":[]}}]}}]}}"#
        ))
        .unwrap()
    }

    fn gift(id: &str, status: &str, sent: &str, updated: &str, items: &str) -> GiftRequest {
        GiftRequest::from_json(
            format!(
                r#"{{"id":"{id}","status":"{status}","campaign_id":"{CAMPAIGN}","redemption_url":null,
                "recipient":{{"id":null,"first_name":"Ann","last_name":"Smith","email":"ann@example.com"}},"shipping_address":null,
                "line_items":{items},"created_at":"{sent}","updated_at":"{updated}"}}"#
            )
            .as_bytes(),
        )
        .unwrap()
    }

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    #[test]
    fn prices_locked_items_from_the_catalogue() {
        let prices = Prices::from_campaigns([&campaign()]);
        let item = |variant: Option<&str>, sku: Option<&str>, quantity: u64| LineItem {
            variant_id: variant.map(|v| Uuid::parse(v).unwrap()),
            sku: sku.map(str::to_owned),
            quantity,
        };
        let eur = Currency::parse("EUR").unwrap();
        assert_eq!(
            prices.value_of(&[item(Some(VARIANT), None, 2), item(None, Some("PEN-1"), 1)]),
            Some(Money { amount: 5300, currency: eur })
        );
        assert_eq!(prices.value_of(&[item(None, Some("MUG-1"), 1), item(None, Some("HAT-1"), 1)]), None, "two currencies");
        assert_eq!(prices.value_of(&[item(None, Some("FREE"), 1)]), None, "unpriced");
        assert_eq!(prices.value_of(&[item(None, Some("MUG-1"), u64::MAX)]), None, "overflow");
    }

    #[test]
    fn summarises_a_recipient_and_their_membership() {
        let prices = Prices::from_campaigns([&campaign()]);
        let mut history = GiftHistory::new();
        let ann = RecipientKey::new("Ann", "Smith", Some("ann@example.com"));
        let campaign_id = Uuid::parse(CAMPAIGN).unwrap();
        assert_eq!(member_status(&history, &ann, &campaign_id), MemberStatus::Pending);

        let first = "11111111-1111-4111-8111-111111111111";
        let second = "22222222-2222-4222-8222-222222222222";
        let items = r#"[{"variant_id":null,"sku":"MUG-1","quantity":1}]"#;
        history.record_gift(&gift(first, "delivered", "2026-01-01T00:00:00.000Z", "2026-01-05T00:00:00.000Z", items));
        history.record_gift(&gift(second, "submitted", "2026-03-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z", "null"));
        assert_eq!(member_status(&history, &ann, &campaign_id), MemberStatus::Invited);

        let summary = recipient_summary(&history, &ann, &prices);
        assert_eq!(summary.gift_count, 2);
        assert_eq!(summary.last_sent_at, Some(at("2026-03-01T00:00:00.000Z")));
        assert_eq!(summary.last_delivered_at, Some(at("2026-01-05T00:00:00.000Z")));
        assert_eq!(summary.last_redeemed_at, None);
        assert_eq!(summary.last_gift_value, None, "the latest gift's items are not locked yet");
        assert_eq!(summary.lifetime_value, vec![Money { amount: 2500, currency: Currency::parse("EUR").unwrap() }]);
        assert_eq!(summary.unpriced_gifts, 1);

        history.record_gift(&gift(second, "redeemed", "2026-03-01T00:00:00.000Z", "2026-03-02T00:00:00.000Z", items));
        assert_eq!(member_status(&history, &ann, &campaign_id), MemberStatus::Completed);
        assert_eq!(recipient_summary(&history, &ann, &prices).lifetime_value[0].amount, 5000);
        assert_eq!(recipient_summary(&history, &ann, &prices).last_gift_value.map(|m| m.amount), Some(2500));

        history.record_gift(&gift(second, "cancelled", "2026-03-01T00:00:00.000Z", "2026-03-09T00:00:00.000Z", items));
        assert_eq!(member_status(&history, &ann, &campaign_id), MemberStatus::Cancelled);
        assert_eq!(MemberStatus::Cancelled.label(), "Cancelled");
        assert_eq!(recipient_summary(&history, &ann, &prices).lifetime_value[0].amount, 2500);
        assert_eq!(recipient_summary(&history, &ann, &prices).last_gift_value, None, "the latest gift was cancelled");
        assert_eq!(member_status(&history, &ann, &Uuid::from_bytes([7; 16])), MemberStatus::Pending);
    }

    #[test]
    fn an_unsigned_cancelled_header_does_not_cancel_a_member() {
        use crate::history::tests::delivery;
        use crate::webhook::EventType;
        let mut history = GiftHistory::new();
        let ann = RecipientKey::new("Ann", "Smith", Some("ann@example.com"));
        let campaign_id = Uuid::parse(CAMPAIGN).unwrap();
        let sent = "2026-03-01T00:00:00.000Z";
        let submitted = gift("22222222-2222-4222-8222-222222222222", "submitted", sent, sent, "null");
        history.record_delivery(&delivery(EventType::Created, submitted.clone()));
        history.record_delivery(&delivery(EventType::Cancelled, submitted));
        assert_eq!(member_status(&history, &ann, &campaign_id), MemberStatus::Invited);
        assert_eq!(recipient_summary(&history, &ann, &Prices::default()).unpriced_gifts, 1, "still counted as a live gift");
    }
}
