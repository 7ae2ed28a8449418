//! Outcome unknown, resolved: a row whose last creation attempt may have landed (a 500, a dropped
//! connection, a worker killed between announcing the send and recording the answer) is settled as sent
//! when a webhook shows the gift it created.
//!
//! **DECISION** (the matching rule): a gift request heard of by webhook (`gift_request_created`, or any
//! later event of the same gift: each carries the gift request) resolves a row that is outcome unknown when
//! 1. its campaign is the batch's campaign,
//! 2. its recipient is the row's recipient (the [`RecipientKey`]: names and email, compared as the batch
//!    compares them to skip repeats),
//! 3. it was created within [`DEFAULT_RESOLVE_WINDOW`] (or the host's window) of the row's last attempt, on
//!    either side (the server's clock and the host's differ), and
//! 4. it is not already the gift of another row (the host passes the ids it has recorded).
//!
//! The row is then journaled `finished` `sent` with that gift's id, so that a resumed run answers it from
//! the journal and never sends it again. A `GET` settles it the same way where the id is known.
//!
//! Risks, accepted: a second gift **sent on purpose** to the same person from the same campaign within the
//! window (another batch, a gift sent by hand) can be taken for this row's, so the row is reported sent
//! although its own attempt created nothing: the person then has one gift where two were meant. Keep two
//! intended gifts to one person in one campaign further apart than the window, or keep the rows in one
//! batch (a repeat within a batch is skipped, never resolved). A gift created by this attempt that no
//! webhook reports (the receiver was down past the sender's retries) leaves the row outcome unknown, for a
//! person to check.

use std::time::Duration;

use crate::batch::journal::{Journal, JournalEntry, JournalError, JournalEvent, JournalState};
use crate::batch::outcome::{RowOutcome, RowResult};
use crate::gift_request::GiftRequest;
use crate::history::RecipientKey;
use crate::timestamp::Timestamp;

/// How far from a row's last attempt a gift's creation may be to resolve it (15 minutes, on either side).
pub const DEFAULT_RESOLVE_WINDOW: Duration = Duration::from_secs(15 * 60);

/// A row that may be resolved: its keys, its recipient and its batch's campaign.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct UnknownRow<'a> {
    /// The row's position in the batch.
    pub index: usize,
    /// The batch's campaign.
    pub campaign_id: &'a str,
    /// The row's recipient key ([`RecipientKey::as_str`]).
    pub recipient: &'a str,
    /// The row's journal lines, in the order they were appended.
    pub journal_lines: &'a str,
}

/// The journal entry and the row's new result when `gift` resolves `row` by the module's rule (its
/// journal must show it outcome unknown); `None` when it does not. `recorded` says whether a gift id is
/// already the gift of some row. An error names a journal line that cannot be read.
pub fn resolve_unknown(
    row: &UnknownRow<'_>,
    gift: &GiftRequest,
    window: Duration,
    recorded: impl Fn(&str) -> bool,
    now: Timestamp,
) -> Result<Option<(JournalEntry, RowResult)>, JournalError> {
    let mut last: Option<&JournalEntry> = None;
    let entries = read(row.journal_lines)?;
    for entry in &entries {
        if matches!(entry.event, JournalEvent::Sending) {
            last = Some(entry);
        }
    }
    let Some(attempt) = last else { return Ok(None) };
    let journal = Journal::from_json_lines(row.journal_lines)?;
    let unknown = matches!(
        journal.state(&attempt.send_key),
        Some(JournalState::Sending(_) | JournalState::Finished(RowOutcome::OutcomeUnknown { .. }))
    );
    let same_campaign = gift.campaign_id.is_some_and(|id| id.to_string().eq_ignore_ascii_case(row.campaign_id));
    let same_recipient = RecipientKey::of_gift(gift).as_str() == row.recipient;
    let distance = if gift.created_at >= attempt.at { gift.created_at.since(attempt.at) } else { attempt.at.since(gift.created_at) };
    let id = gift.id.to_string();
    if !(unknown && same_campaign && same_recipient && distance <= window) || recorded(&id) {
        return Ok(None);
    }
    let outcome = RowOutcome::Sent { gift_request_id: gift.id, redemption_url: gift.redemption_url.clone(), request_id: None };
    let entry = JournalEntry {
        send_key: attempt.send_key.clone(),
        row_key: attempt.row_key.clone(),
        at: now,
        event: JournalEvent::Finished { outcome: outcome.clone() },
    };
    let result =
        RowResult { index: row.index, row_key: attempt.row_key.clone(), send_key: attempt.send_key.clone(), outcome, from_journal: true };
    Ok(Some((entry, result)))
}

/// Every readable entry of the lines (a line cut short is left out, as [`Journal`] leaves it out).
fn read(lines: &str) -> Result<Vec<JournalEntry>, JournalError> {
    Journal::from_json_lines(lines)?;
    Ok(lines.lines().filter_map(|line| JournalEntry::from_json_line(line).ok()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uuid::Uuid;

    const CAMPAIGN: &str = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
    const AT: i64 = 1_777_636_800;

    /// A gift to Ann `last` (her email `ann@example.com` for Smith, `ann.{last}@example.com` otherwise).
    fn gift(id: u8, campaign: &str, last: &str, created: i64) -> GiftRequest {
        let email = if last == "Smith" { "ann@example.com".to_owned() } else { format!("ann.{last}@example.com") };
        let created = Timestamp::from_unix_seconds(created);
        let json = format!(
            r#"{{"id":"{}","status":"submitted","campaign_id":"{campaign}","redemption_url":null,
            "recipient":{{"id":null,"first_name":"Ann","last_name":"{last}","email":"{email}"}},"shipping_address":null,
            "line_items":null,"created_at":"{created}","updated_at":"{created}"}}"#,
            Uuid::from_bytes([id; 16])
        );
        GiftRequest::from_json(json.as_bytes()).unwrap()
    }

    fn lines(events: &[JournalEvent]) -> String {
        events
            .iter()
            .map(|event| {
                JournalEntry { send_key: "k".into(), row_key: "r1".into(), at: Timestamp::from_unix_seconds(AT), event: event.clone() }
                    .to_json_line()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn resolves(journal: &str, gift: &GiftRequest, recorded: &[&str]) -> bool {
        let recipient = RecipientKey::new("Ann", "Smith", Some("ann@example.com"));
        let row = UnknownRow { index: 3, campaign_id: CAMPAIGN, recipient: recipient.as_str(), journal_lines: journal };
        let found =
            resolve_unknown(&row, gift, DEFAULT_RESOLVE_WINDOW, |id| recorded.contains(&id), Timestamp::from_unix_seconds(AT)).unwrap();
        if let Some((entry, result)) = &found {
            assert_eq!((result.index, result.row_key.as_str()), (3, "r1"));
            assert!(
                matches!(&entry.event, JournalEvent::Finished { outcome: RowOutcome::Sent { gift_request_id, .. } } if *gift_request_id == gift.id)
            );
        }
        found.is_some()
    }

    #[test]
    fn a_gift_for_the_same_campaign_and_recipient_near_the_attempt_resolves_an_unknown_row() {
        let unknown = RowOutcome::OutcomeUnknown { request_id: None, reason: "a 500".into() };
        let after_500 = lines(&[JournalEvent::Sending, JournalEvent::Finished { outcome: unknown }]);
        let killed = lines(&[JournalEvent::Sending]);
        let ours = gift(1, CAMPAIGN, "Smith", AT + 2);
        assert!(resolves(&after_500, &ours, &[]));
        assert!(resolves(&killed, &ours, &[]));
        // The server's clock a little behind the host's.
        assert!(resolves(&killed, &gift(1, CAMPAIGN, "Smith", AT - 60), &[]));

        // Another campaign, another person, too far, already another row's gift.
        assert!(!resolves(&killed, &gift(1, "00000000-0000-4000-8000-000000000000", "Smith", AT), &[]));
        assert!(!resolves(&killed, &gift(1, CAMPAIGN, "Jones", AT), &[]));
        assert!(!resolves(&killed, &gift(1, CAMPAIGN, "Smith", AT + 16 * 60), &[]));
        assert!(!resolves(&killed, &gift(1, CAMPAIGN, "Smith", AT - 16 * 60), &[]));
        assert!(!resolves(&killed, &ours, &[&ours.id.to_string()]));

        // A row that is not outcome unknown is left as it is.
        let not_sent = lines(&[JournalEvent::Sending, JournalEvent::NotSent { status: Some(429) }]);
        assert!(!resolves(&not_sent, &ours, &[]));
        assert!(!resolves("", &ours, &[]));
        let sent = RowOutcome::Sent { gift_request_id: Uuid::from_bytes([9; 16]), redemption_url: None, request_id: None };
        assert!(!resolves(&lines(&[JournalEvent::Sending, JournalEvent::Finished { outcome: sent }]), &ours, &[]));
    }

    #[test]
    fn a_resolved_row_is_answered_from_the_journal_and_never_sent_again() {
        let killed = lines(&[JournalEvent::Sending]);
        let recipient = RecipientKey::new("Ann", "Smith", Some("ann@example.com"));
        let row = UnknownRow { index: 0, campaign_id: CAMPAIGN, recipient: recipient.as_str(), journal_lines: &killed };
        let (entry, _) =
            resolve_unknown(&row, &gift(1, CAMPAIGN, "Smith", AT), DEFAULT_RESOLVE_WINDOW, |_| false, Timestamp::from_unix_seconds(AT))
                .unwrap()
                .unwrap();
        let journal = Journal::from_json_lines(&format!("{killed}\n{}", entry.to_json_line())).unwrap();
        assert!(matches!(journal.state("k"), Some(JournalState::Finished(RowOutcome::Sent { .. }))));
    }
}
