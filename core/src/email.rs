//! The rule for what counts as an email address.
//!
//! The API validates emails "as email addresses" without naming a grammar. This is the SDK's rule
//! (**DECISION**), chosen to refuse what no mail server accepts while letting every deliverable
//! address through:
//! - one `@`, with 1–64 bytes before it and at most 254 bytes in all;
//! - the local part: printable characters other than whitespace, `@`, `"`, `(`, `)`, `,`, `:`, `;`,
//!   `<`, `>`, `[`, `\`, `]`; no leading, trailing or doubled `.`;
//! - the domain: at least two dot-separated labels of 1–63 bytes each, made of letters, digits, `-` or
//!   non-ASCII characters (internationalised names), neither starting nor ending with `-`; the last
//!   label is not all digits.

use crate::ascii;

/// Whether `text` is an email address by the rule above.
#[inline]
pub fn is_email_address(text: &str) -> bool {
    if text.len() > 254 {
        return false;
    }
    // The first `@`, found byte by byte: cheaper than a general search on addresses this short.
    let Some(at) = text.bytes().position(|b| b == b'@') else {
        return false;
    };
    let (Some(local), Some(domain)) = (text.get(..at), text.get(at + 1..)) else {
        return false;
    };
    local_part_ok(local) && domain_ok(domain)
}

#[inline]
fn local_part_ok(local: &str) -> bool {
    let bytes = local.as_bytes();
    if bytes.is_empty() || bytes.len() > 64 || bytes.first() == Some(&b'.') || bytes.last() == Some(&b'.') {
        return false;
    }
    if bytes.windows(2).any(|pair| pair == b"..") {
        return false;
    }
    let forbidden = |c: char| matches!(c, '@' | '"' | '(' | ')' | ',' | ':' | ';' | '<' | '>' | '[' | '\\' | ']');
    if local.is_ascii() {
        return bytes.iter().all(|&b| b.is_ascii_graphic() && !forbidden(char::from(b)));
    }
    local.chars().all(|c| !c.is_whitespace() && !c.is_control() && !forbidden(c))
}

#[inline]
fn domain_ok(domain: &str) -> bool {
    let mut labels = 0;
    let mut last = "";
    for label in ascii::split(domain, b'.') {
        let b = label.as_bytes();
        let label_ok = !b.is_empty()
            && b.len() <= 63
            && b.first() != Some(&b'-')
            && b.last() != Some(&b'-')
            && (b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
                || label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || (!c.is_ascii() && !c.is_whitespace() && !c.is_control())));
        if !label_ok {
            return false;
        }
        labels += 1;
        last = label;
    }
    labels >= 2 && !last.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_deliverable_addresses() {
        for ok in [
            "alice@example.com",
            "a.b+tag@mail.example.co.uk",
            "o'brien@example.ie",
            "user_name-1@sub-domain.example",
            "josé@exámple.com",
            "x@y.io",
        ] {
            assert!(is_email_address(ok), "{ok}");
        }
    }

    #[test]
    fn refuses_what_is_not_an_address() {
        for bad in [
            "",
            "alice",
            "alice@",
            "@example.com",
            "alice@example",
            "alice@@example.com",
            "al ice@example.com",
            "alice@exa mple.com",
            ".alice@example.com",
            "alice.@example.com",
            "al..ice@example.com",
            "alice@-example.com",
            "alice@example-.com",
            "alice@example..com",
            "alice@.example.com",
            "alice@127.0.0.1",
            "alice@example.com\n",
            "alice<x>@example.com",
        ] {
            assert!(!is_email_address(bad), "{bad:?}");
        }
        assert!(!is_email_address(&format!("{}@example.com", "a".repeat(65))));
        assert!(!is_email_address(&format!("a@{}.com", "b".repeat(64))));
    }
}
