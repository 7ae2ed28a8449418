//! The batch journal reader takes any text without a panic, in time linear in its size, and reads
//! consistently: every line it accepts, written back, reads as the same entry; a send key with a recorded
//! gift (a `finished` `sent` line) never reads as resendable; and a key whose last readable line is a
//! `sending` with nothing after it never does either.
#![no_main]

use andopen_core::batch::{Journal, JournalEntry, JournalEvent, RowOutcome};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let read = Journal::from_json_lines(text);
    let entries: Vec<JournalEntry> = text.lines().filter_map(|line| JournalEntry::from_json_line(line).ok()).collect();
    for entry in &entries {
        let again = entry.to_json_line();
        assert_eq!(JournalEntry::from_json_line(&again).as_ref(), Ok(entry), "{again}");
    }
    let Ok(journal) = read else { return };
    for (i, entry) in entries.iter().enumerate() {
        let state = journal.state(&entry.send_key).expect("every readable entry's key is known");
        if matches!(entry.event, JournalEvent::Finished { outcome: RowOutcome::Sent { .. } }) {
            assert!(!state.proves_nothing_created(), "a recorded gift became resendable: {state:?}");
        }
        let last_of_key = !entries[i + 1..].iter().any(|later| later.send_key == entry.send_key);
        if last_of_key && entry.event == JournalEvent::Sending {
            assert!(!state.proves_nothing_created(), "an unanswered attempt became resendable: {state:?}");
        }
    }
});
