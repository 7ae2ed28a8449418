//! The SDK's limits, as a server has them: every one is defined here, once, and every language enforces
//! the same figure (the bindings read them from the core, never from a copy).
//!
//! | limit | figure | what happens beyond it |
//! | --- | --- | --- |
//! | [`MAX_BODY_BYTES`] | 1 MiB | a create body (JSON text, tokens' text, a CSV or JSON row) is refused as `body_too_large` before it is read |
//! | [`MAX_DEPTH`] | 128 | objects and arrays nested deeper are refused as unreadable |
//! | [`MAX_PROBLEMS`] | 100 | the first 100 problems are reported, the rest only counted |
//! | [`MAX_RESPONSE_BYTES`] | 4 MiB | a transport stops reading; the response is unreadable (outcome unknown for a create) |
//! | [`MAX_QUOTED_CHARS`] | 200 | a header value or a server's text quoted in a message is cut there, with `…` |
//! | [`MAX_WEBHOOK_BODY_BYTES`] | 1 MiB | a webhook delivery is refused before its signature is computed |
//! | [`MAX_SIGNATURES`] | 8 | a signature header listing more is refused |
//! | [`MAX_REMEMBERED_EVENTS`] | 1,000,000 | the largest `remember` an in-memory de-duplication store takes |
//! | [`DEFAULT_REMEMBERED_EVENTS`] | 100,000 | what it remembers when not told |
//! | [`MAX_TIMEOUT_MS`] | 24 days | a timeout or a poll interval longer is refused (`invalid_option`, naming it) |
//! | [`MIN_POLL_INTERVAL_MS`] | 100 ms | a poll interval shorter is refused (`invalid_option`, naming `interval`) |
//! | [`MAX_API_KEY_CHARS`] | 512 | a longer API key is refused (`malformed_api_key`, naming `api_key`) |
//!
//! Memory grows with use, never with an option's value: a store sized for a million events holds nothing
//! until events arrive. Every reader of the core is linear in the size of its input.

/// The largest create body the SDK validates or sends, in bytes of JSON text (1 MiB). A gift request with
/// every field filled and a hundred line items is under 20 KB.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// Objects and arrays nested deeper than this are refused rather than followed.
pub const MAX_DEPTH: usize = 128;

/// Problems reported at most, for a body or an error response: the first ones in order, then one last entry
/// with the code `too_many_problems` that counts the rest.
pub const MAX_PROBLEMS: usize = 100;

/// The largest response body a transport reads, in bytes (4 MiB). A transport reads at most one byte more
/// and hands what it read to the core, which judges the response unreadable.
pub const MAX_RESPONSE_BYTES: usize = 4 << 20;

/// The most bytes of one CSV record a streamed batch holds while it waits for the record's end (8 MiB): a
/// quote left open stops the stream here, naming its line, instead of buffering the rest of the file. A
/// record over [`MAX_BODY_BYTES`] but under this fails on its own row, as in a whole text.
pub const MAX_CSV_RECORD_BYTES: usize = 8 << 20;

/// The longest header value or server text quoted in an error message, in characters; longer ones are cut
/// and end with `…`. The values themselves (a request id, say) are kept whole in their fields.
pub const MAX_QUOTED_CHARS: usize = 200;

/// The largest webhook body verified, in bytes (1 MiB).
pub const MAX_WEBHOOK_BODY_BYTES: usize = 1 << 20;

/// The most signatures one delivery's signature header may list (secret rotation).
pub const MAX_SIGNATURES: usize = 8;

/// The most event ids (and signed deliveries) an in-memory de-duplication store can be asked to remember.
pub const MAX_REMEMBERED_EVENTS: usize = 1_000_000;

/// How many event ids an in-memory de-duplication store remembers by default.
pub const DEFAULT_REMEMBERED_EVENTS: usize = 100_000;

/// The longest timeout or wait any option may give, in milliseconds (24 days). It is under what a
/// JavaScript timer holds (2^31 - 1 ms, about 24.8 days: a longer one fires at once), and longer is no
/// deadline at all. Every language refuses a longer one with the same error: see
/// [`crate::config::checked_timeout`].
pub const MAX_TIMEOUT_MS: u64 = 24 * 86_400_000;

/// The shortest interval between two polls of a gift request, in milliseconds. Shorter would poll as fast
/// as the network answers (thousands of requests a second) and spend the account's rate limit.
pub const MIN_POLL_INTERVAL_MS: u64 = 100;

/// The longest API key the SDK accepts, in characters. Keys are about 50; a longer text is not a key (and
/// would go into every request's header).
pub const MAX_API_KEY_CHARS: usize = 512;

/// `text` quoted for a message: whole when it is at most [`MAX_QUOTED_CHARS`] characters, else its first
/// ones and `…`. Cuts on a character boundary.
pub fn quoted(text: &str) -> std::borrow::Cow<'_, str> {
    // A plain walk: `nth` on the characters pulls in the standard library's bulk character counter, a
    // kilobyte of the wasm module.
    for (seen, (at, _)) in text.char_indices().enumerate() {
        if seen == MAX_QUOTED_CHARS {
            return std::borrow::Cow::Owned(format!("{}…", text.get(..at).unwrap_or_default()));
        }
    }
    std::borrow::Cow::Borrowed(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_short_text_whole_and_cuts_long_text_on_a_character() {
        assert_eq!(quoted("req_123"), "req_123");
        let long = "é".repeat(MAX_QUOTED_CHARS + 5);
        let cut = quoted(&long);
        assert_eq!(cut.chars().count(), MAX_QUOTED_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(quoted(&"a".repeat(MAX_QUOTED_CHARS)).len(), MAX_QUOTED_CHARS);
    }
}
