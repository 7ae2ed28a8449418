//! The gift history a host keeps from webhooks and its own calls, with look-back eligibility and the CRM
//! projection. The rules are the core's ([`andopen_core::history`], [`andopen_core::eligibility`],
//! [`andopen_core::crm`]); this is glue.

use std::sync::Mutex;

use andopen_core::crm::{self, Prices};
use andopen_core::eligibility::{self, Eligibility as CoreEligibility, LookBack};
use andopen_core::history::{GiftHistory as CoreHistory, RecipientKey};
use andopen_core::webhook::{BodyDigest, Delivery, EventType};
use andopen_core::{Timestamp, Uuid};

use crate::calls::lock;
use crate::http::{now, system_time};
use crate::resources::{GiftRequestStatus, Money};
use crate::webhooks::WebhookDelivery;

/// Who a gift is for, as the history knows them: by email when given, else by name.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct RecipientRef {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email, when known.
    pub email: Option<String>,
}

impl RecipientRef {
    fn key(&self) -> RecipientKey {
        RecipientKey::new(&self.first_name, &self.last_name, self.email.as_deref())
    }
}

/// How far back an earlier gift makes a recipient ineligible (the presets of &Open's Clay batch-sending guide).
#[derive(Clone, Copy, PartialEq, Eq, Debug, uniffi::Enum)]
pub enum LookBackWindow {
    /// Gifts sent within this many days (30 for short-cycle sends, 60 to 90 for longer cycles, 365 for
    /// renewals).
    Days {
        /// The window's length.
        days: u32,
    },
    /// Any earlier gift (one-shot win-back).
    Forever,
}

impl From<LookBackWindow> for LookBack {
    fn from(window: LookBackWindow) -> LookBack {
        match window {
            LookBackWindow::Days { days } => LookBack::Days(days),
            LookBackWindow::Forever => LookBack::Forever,
        }
    }
}

/// Whether to gift a recipient now.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Enum)]
pub enum Eligibility {
    /// No counted gift within the window.
    Eligible,
    /// Gifted within the window: do not send.
    Skip {
        /// The earlier gift.
        gift_request_id: String,
        /// When it was sent.
        sent_at: std::time::SystemTime,
        /// A readable reason with the date and the window.
        reason: String,
    },
}

/// A campaign member's status (Pending → Invited → Completed, or Cancelled).
#[derive(Clone, Copy, PartialEq, Eq, Debug, uniffi::Enum)]
pub enum MemberStatus {
    /// No gift sent yet for the campaign.
    Pending,
    /// The invitation is out.
    Invited,
    /// Redeemed, dispatched or delivered.
    Completed,
    /// Cancelled or expired.
    Cancelled,
}

/// One gift's timeline.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct GiftTimeline {
    /// The gift request.
    pub gift_request_id: String,
    /// Its campaign, when known.
    pub campaign_id: Option<String>,
    /// The furthest status reached.
    pub status: GiftRequestStatus,
    /// When it was sent.
    pub sent_at: Option<std::time::SystemTime>,
    /// When it was redeemed.
    pub redeemed_at: Option<std::time::SystemTime>,
    /// When it was dispatched.
    pub dispatched_at: Option<std::time::SystemTime>,
    /// When it was delivered.
    pub delivered_at: Option<std::time::SystemTime>,
    /// When it was cancelled.
    pub cancelled_at: Option<std::time::SystemTime>,
    /// Its redemption link, once known.
    pub redemption_url: Option<String>,
}

/// What a CRM record shows about one recipient.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct RecipientSummary {
    /// Gifts sent, cancelled ones included.
    pub gift_count: u32,
    /// When the latest gift was sent.
    pub last_sent_at: Option<std::time::SystemTime>,
    /// When the latest redemption happened.
    pub last_redeemed_at: Option<std::time::SystemTime>,
    /// When the latest delivery happened.
    pub last_delivered_at: Option<std::time::SystemTime>,
    /// The latest gift's value, when known.
    pub last_gift_value: Option<Money>,
    /// Lifetime value of priced, not cancelled gifts, one sum per currency.
    pub lifetime_value: Vec<Money>,
    /// Gifts left out of the values (items not locked or not priced).
    pub unpriced_gifts: u32,
}

/// Every gift heard of, fed from webhook deliveries and from the client's results. Share one between
/// threads.
#[derive(uniffi::Object)]
pub struct GiftHistory {
    history: Mutex<CoreHistory>,
    prices: Mutex<Prices>,
}

impl GiftHistory {
    /// Runs `read` on the core's history (for planning a batch against it).
    pub(crate) fn with<T>(&self, read: impl FnOnce(&CoreHistory) -> T) -> T {
        read(&lock(&self.history))
    }
}

#[uniffi::export]
impl GiftHistory {
    /// An empty history.
    #[uniffi::constructor]
    pub fn new() -> GiftHistory {
        GiftHistory { history: Mutex::new(CoreHistory::new()), prices: Mutex::new(Prices::default()) }
    }

    /// Folds in a verified delivery (from `WebhookReceiver.receive`) by its signed body: its status and
    /// dates, never its event type header. Repeats and any order give the same timeline. Returns `false`
    /// when the body could not be read again (it was read once already, so this does not happen in
    /// practice).
    pub fn record_delivery(&self, delivery: WebhookDelivery) -> bool {
        let (Some(event_id), Ok(gift_request)) = (Uuid::parse(&delivery.event_id), andopen_core::GiftRequest::from_json(&delivery.body))
        else {
            return false;
        };
        let delivery = Delivery {
            event_id,
            event_type: EventType::from_wire(&delivery.event_type),
            // The history reads the event's type and body only; the attempt's dispatch time is not kept.
            dispatched_at: Timestamp::from_unix_millis(0),
            api_version: None,
            body_digest: BodyDigest::of(&delivery.body),
            gift_request,
        };
        lock(&self.history).record_delivery(&delivery);
        true
    }

    /// Folds in a gift request a call returned (a create, a get, a poll), by its `json` (the field every
    /// package's gift request carries). Returns `false` for a text that is not a gift request.
    pub fn record_gift_json(&self, json: String) -> bool {
        match andopen_core::GiftRequest::from_json(json.as_bytes()) {
            Ok(gift) => {
                lock(&self.history).record_gift(&gift);
                true
            }
            Err(_) => false,
        }
    }

    /// Uses these campaigns' catalogues (their `raw_json`) to value gifts in
    /// [`GiftHistory::recipient_summary`]. Returns how many of the texts were campaigns.
    pub fn set_prices(&self, campaigns_json: Vec<String>) -> u32 {
        let parsed: Vec<andopen_core::Campaign> = campaigns_json.iter().filter_map(|c| andopen_core::Campaign::from_json(c).ok()).collect();
        *lock(&self.prices) = Prices::from_campaigns(&parsed);
        u32::try_from(parsed.len()).unwrap_or(u32::MAX)
    }

    /// How many gifts are held.
    pub fn len(&self) -> u64 {
        lock(&self.history).len() as u64
    }

    /// Whether no gift is held.
    pub fn is_empty(&self) -> bool {
        lock(&self.history).is_empty()
    }

    /// One gift's timeline.
    pub fn timeline(&self, gift_request_id: String) -> Option<GiftTimeline> {
        let id = Uuid::parse(&gift_request_id)?;
        let history = lock(&self.history);
        let t = history.gift(&id)?;
        Some(GiftTimeline {
            gift_request_id: t.gift_request_id.to_string(),
            campaign_id: t.campaign_id.map(|id| id.to_string()),
            status: (&t.status).into(),
            sent_at: t.sent_at.map(system_time),
            redeemed_at: t.redeemed_at.map(system_time),
            dispatched_at: t.dispatched_at.map(system_time),
            delivered_at: t.delivered_at.map(system_time),
            cancelled_at: t.cancelled_at.map(system_time),
            redemption_url: t.redemption_url.clone(),
        })
    }

    /// Whether `recipient` may be gifted at `now_unix_ms` under `window`.
    pub fn eligibility(&self, recipient: RecipientRef, window: LookBackWindow, now_unix_ms: i64) -> Eligibility {
        match eligibility::check(&lock(&self.history), &recipient.key(), window.into(), now(now_unix_ms)) {
            CoreEligibility::Eligible => Eligibility::Eligible,
            CoreEligibility::Skip(recent) => Eligibility::Skip {
                gift_request_id: recent.gift_request_id.to_string(),
                sent_at: system_time(recent.sent_at),
                reason: recent.reason,
            },
        }
    }

    /// The recipient's CRM fields.
    pub fn recipient_summary(&self, recipient: RecipientRef) -> RecipientSummary {
        let summary = crm::recipient_summary(&lock(&self.history), &recipient.key(), &lock(&self.prices));
        RecipientSummary {
            gift_count: summary.gift_count,
            last_sent_at: summary.last_sent_at.map(system_time),
            last_redeemed_at: summary.last_redeemed_at.map(system_time),
            last_delivered_at: summary.last_delivered_at.map(system_time),
            last_gift_value: summary.last_gift_value.map(Money::from),
            lifetime_value: summary.lifetime_value.into_iter().map(Money::from).collect(),
            unpriced_gifts: summary.unpriced_gifts,
        }
    }

    /// The recipient's status as a member of a campaign.
    pub fn member_status(&self, recipient: RecipientRef, campaign_id: String) -> MemberStatus {
        let Some(campaign) = Uuid::parse(&campaign_id) else { return MemberStatus::Pending };
        match crm::member_status(&lock(&self.history), &recipient.key(), &campaign) {
            crm::MemberStatus::Pending => MemberStatus::Pending,
            crm::MemberStatus::Invited => MemberStatus::Invited,
            crm::MemberStatus::Completed => MemberStatus::Completed,
            crm::MemberStatus::Cancelled => MemberStatus::Cancelled,
        }
    }
}

impl Default for GiftHistory {
    fn default() -> GiftHistory {
        GiftHistory::new()
    }
}
