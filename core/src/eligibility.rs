//! Look-back eligibility (&Open's Clay batch-sending guide): skip a recipient gifted within a window, with the reason and the date of the
//! earlier gift.
//!
//! Call [`check`] for each candidate before sending, with the host's [`GiftHistory`] and the current time.
//! Its cost depends on the candidate's own gifts only, never on the size of the history.
//!
//! Only signed facts reach it: a gift counts as cancelled when a signed body said so, never because an
//! event type header did (the history's rule, the design's "Webhook trust").
//!
//! **DECISIONs**: a cancelled gift does not count (the Clay guide: it "didn't go through"); a gift counts from the day it
//! was sent, whatever its status; "12 months" is 365 days; a gift sent after `now` (clock skew) counts as
//! within every window.

use std::time::Duration;

use crate::history::{GiftHistory, RecipientKey};
use crate::timestamp::Timestamp;
use crate::uuid::Uuid;

/// How far back an earlier gift makes a recipient ineligible. The presets are the Clay guide's suggestions.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum LookBack {
    /// Gifts sent within this many days.
    Days(u32),
    /// Any earlier gift: gift only once (one-shot win-back).
    Forever,
}

impl LookBack {
    /// Short-cycle sends (post-meeting follow-up, expansion): 30 days.
    pub const SHORT_CYCLE: LookBack = LookBack::Days(30);
    /// Longer-cycle sends (deal revival, churn re-engagement), at the long end of the Clay guide's 60 to 90 days.
    pub const LONGER_CYCLE: LookBack = LookBack::Days(90);
    /// Renewal incentives: 12 months, as 365 days.
    pub const RENEWAL: LookBack = LookBack::Days(365);
    /// One-shot win-back: forever.
    pub const ONE_SHOT: LookBack = LookBack::Forever;

    /// Whether a gift sent at `sent_at` falls inside the window ending at `now`.
    pub fn covers(self, sent_at: Timestamp, now: Timestamp) -> bool {
        match self {
            LookBack::Forever => true,
            LookBack::Days(days) => now.since(sent_at) < Duration::from_secs(u64::from(days) * 86_400),
        }
    }

    /// A readable name of the window, for reasons shown to people: `30 days`, `forever`.
    pub fn describe(self) -> String {
        match self {
            LookBack::Days(1) => "1 day".to_owned(),
            LookBack::Days(days) => format!("{days} days"),
            LookBack::Forever => "forever".to_owned(),
        }
    }
}

/// Whether to gift a recipient now.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Eligibility {
    /// No counted gift within the window.
    Eligible,
    /// Gifted within the window: do not send.
    Skip(RecentGift),
}

/// The earlier gift that makes a recipient ineligible: the most recent one within the window.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RecentGift {
    /// The earlier gift request.
    pub gift_request_id: Uuid,
    /// When it was sent.
    pub sent_at: Timestamp,
    /// A readable reason: `gifted on 2026-05-01 (gift request …), within the look-back window of 30 days`.
    pub reason: String,
}

impl Eligibility {
    /// Whether the recipient may be gifted.
    pub fn is_eligible(&self) -> bool {
        matches!(self, Eligibility::Eligible)
    }
}

/// Checks one recipient against the history: [`Eligibility::Skip`] with the most recent counted gift inside
/// `window`, else [`Eligibility::Eligible`].
pub fn check(history: &GiftHistory, recipient: &RecipientKey, window: LookBack, now: Timestamp) -> Eligibility {
    let latest = history
        .gifts_for(recipient)
        .filter(|gift| gift.counts_as_gifted())
        .filter_map(|gift| gift.sent_at.map(|sent| (sent, gift.gift_request_id)))
        .filter(|(sent, _)| window.covers(*sent, now))
        .max();
    match latest {
        None => Eligibility::Eligible,
        Some((sent_at, gift_request_id)) => {
            let day = sent_at.to_string();
            let day = day.get(..10).unwrap_or(&day);
            Eligibility::Skip(RecentGift {
                gift_request_id,
                sent_at,
                reason: format!("gifted on {day} (gift request {gift_request_id}), within the look-back window of {}", window.describe()),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::tests::gift;

    const EARLIER: &str = "9d1c7a52-3c1e-4d8e-8f57-1f0f6b2c4a11";
    const LATER: &str = "2e7f4b19-5a6c-4f3d-9b8e-7c1d2a3b4c5d";

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    fn history() -> GiftHistory {
        let mut history = GiftHistory::new();
        let sent = "2026-01-10T09:00:00.000Z";
        history.record_gift(&gift(EARLIER, Some("ann@example.com"), "delivered", sent, "2026-01-15T09:00:00.000Z"));
        let sent = "2026-04-20T09:00:00.000Z";
        history.record_gift(&gift(LATER, Some("ann@example.com"), "submitted", sent, sent));
        history
    }

    #[test]
    fn each_window_of_002() {
        let ann = RecipientKey::new("Ann", "Smith", Some("ann@example.com"));
        let now = at("2026-05-15T09:00:00.000Z"); // 25 days after the later gift, 125 after the earlier
        let history = history();

        let Eligibility::Skip(recent) = check(&history, &ann, LookBack::SHORT_CYCLE, now) else { panic!("within 30 days") };
        assert_eq!(recent.gift_request_id, Uuid::parse(LATER).unwrap());
        assert_eq!(recent.sent_at, at("2026-04-20T09:00:00.000Z"));
        assert!(recent.reason.contains("2026-04-20") && recent.reason.contains("30 days"), "{}", recent.reason);

        assert!(check(&history, &ann, LookBack::Days(20), now).is_eligible());
        assert!(!check(&history, &ann, LookBack::LONGER_CYCLE, now).is_eligible());
        assert!(!check(&history, &ann, LookBack::RENEWAL, now).is_eligible());
        assert!(!check(&history, &ann, LookBack::ONE_SHOT, now).is_eligible());

        let bob = RecipientKey::new("Bob", "Jones", Some("bob@example.com"));
        assert!(check(&history, &bob, LookBack::ONE_SHOT, now).is_eligible());
    }

    #[test]
    fn window_edges_and_cancelled_gifts() {
        let sent = at("2026-04-20T09:00:00.000Z");
        assert!(LookBack::Days(30).covers(sent, at("2026-05-20T08:59:59.999Z")));
        assert!(!LookBack::Days(30).covers(sent, at("2026-05-20T09:00:00.000Z")));
        assert!(LookBack::Days(30).covers(sent, at("2026-04-01T00:00:00.000Z")), "a gift dated after now counts");

        let mut history = history();
        let cancelled = "2026-04-21T09:00:00.000Z";
        history.record_gift(&gift(LATER, Some("ann@example.com"), "cancelled", "2026-04-20T09:00:00.000Z", cancelled));
        let ann = RecipientKey::new("Ann", "Smith", Some("ann@example.com"));
        let now = at("2026-05-15T09:00:00.000Z");
        assert!(check(&history, &ann, LookBack::SHORT_CYCLE, now).is_eligible());
        let Eligibility::Skip(recent) = check(&history, &ann, LookBack::ONE_SHOT, now) else { panic!("gifted in January") };
        assert_eq!(recent.gift_request_id, Uuid::parse(EARLIER).unwrap());
        assert!(recent.reason.ends_with("forever"));
    }

    #[test]
    fn an_unsigned_cancelled_header_does_not_make_a_recipient_eligible_again() {
        use crate::history::tests::delivery;
        use crate::webhook::EventType;
        let mut history = GiftHistory::new();
        let sent = "2026-04-20T09:00:00.000Z";
        let submitted = gift(LATER, Some("ann@example.com"), "submitted", sent, sent);
        history.record_delivery(&delivery(EventType::Created, submitted.clone()));
        history.record_delivery(&delivery(EventType::Cancelled, submitted));
        let ann = RecipientKey::new("Ann", "Smith", Some("ann@example.com"));
        let Eligibility::Skip(recent) = check(&history, &ann, LookBack::SHORT_CYCLE, at("2026-05-01T09:00:00.000Z")) else {
            panic!("the signed body says submitted: the gift still counts")
        };
        assert_eq!(recent.gift_request_id, Uuid::parse(LATER).unwrap());
    }
}
