//! UUIDs, the form of every id in the API (no prefix, `8-4-4-4-12` hex digits).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// A UUID as the API writes ids: `4fb4cb3f-9666-43b5-8884-7f5194483d1a`.
///
/// Parsing accepts upper- or lowercase hex in the hyphenated form only; printing is always lowercase.
/// Use [`Uuid::parse`] on any id before it goes into a path: nothing else can reach the URL.
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(type = "string"))]
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uuid([u8; 16]);

impl Uuid {
    /// Parses the hyphenated form (`8-4-4-4-12` hex digits); returns `None` for anything else.
    pub fn parse(text: &str) -> Option<Uuid> {
        let bytes = text.as_bytes();
        if bytes.len() != 36 {
            return None;
        }
        let mut out = [0u8; 16];
        let mut nibbles = 0usize;
        for (i, &b) in bytes.iter().enumerate() {
            if matches!(i, 8 | 13 | 18 | 23) {
                if b != b'-' {
                    return None;
                }
                continue;
            }
            let v = hex_value(b)?;
            let slot = out.get_mut(nibbles / 2)?;
            *slot = (*slot << 4) | v;
            nibbles += 1;
        }
        Some(Uuid(out))
    }

    /// The sixteen bytes.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// Builds a UUID from its sixteen bytes.
    pub fn from_bytes(bytes: [u8; 16]) -> Uuid {
        Uuid(bytes)
    }

    /// Whether `text` is a UUID in the hyphenated form.
    #[inline]
    pub fn is_valid(text: &str) -> bool {
        let bytes = text.as_bytes();
        bytes.len() == 36
            && bytes.iter().enumerate().all(|(i, &b)| if matches!(i, 8 | 13 | 18 | 23) { b == b'-' } else { b.is_ascii_hexdigit() })
    }
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, byte) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                f.write_str("-")?;
            }
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::str::FromStr for Uuid {
    type Err = InvalidUuid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse(s).ok_or(InvalidUuid)
    }
}

/// The error of [`Uuid`]'s `FromStr`: the text is not a hyphenated UUID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("must be a UUID (8-4-4-4-12 hex digits)")]
pub struct InvalidUuid;

impl Serialize for Uuid {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Uuid {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Uuid::parse(&text).ok_or_else(|| de::Error::custom(format_args!("not a UUID: {text:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_valid_agrees_with_parse() {
        let good = "4fb4cb3f-9666-43b5-8884-7F5194483D1A";
        assert!(Uuid::is_valid(good));
        for i in 0..good.len() {
            for c in ['-', '0', 'a', 'F', 'g', 'G', ' ', 'é'] {
                let mut text = good.to_owned();
                text.replace_range(i..=i, &c.to_string());
                assert_eq!(Uuid::is_valid(&text), Uuid::parse(&text).is_some(), "{text}");
            }
        }
        for text in ["", "4fb4cb3f96664", "4fb4cb3f-9666-43b5-8884-7f5194483d1", "4fb4cb3f-9666-43b5-8884-7f5194483d1a0"] {
            assert!(!Uuid::is_valid(text), "{text}");
        }
    }

    #[test]
    fn parses_and_prints_lowercase() {
        let id = Uuid::parse("4FB4CB3F-9666-43b5-8884-7f5194483d1a").unwrap();
        assert_eq!(id.to_string(), "4fb4cb3f-9666-43b5-8884-7f5194483d1a");
    }

    #[test]
    fn refuses_other_shapes() {
        for bad in [
            "",
            "4fb4cb3f96664 3b58884-7f5194483d1a",
            "4fb4cb3f966643b588847f5194483d1a",
            "{4fb4cb3f-9666-43b5-8884-7f5194483d1a}",
            "4fb4cb3f-9666-43b5-8884-7f5194483d1g",
            "4fb4cb3f-9666-43b5-8884-7f5194483d1a/..",
            "../campaigns",
            "4fb4cb3f+9666-43b5-8884-7f5194483d1a",
        ] {
            assert!(Uuid::parse(bad).is_none(), "{bad}");
        }
    }
}
