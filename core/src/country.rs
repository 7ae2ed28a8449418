//! Country codes: ISO 3166-1 alpha-2, uppercase, officially assigned.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// Every officially assigned ISO 3166-1 alpha-2 code (249 of them). User-assigned and reserved codes
/// (`XK`, `EU`, `UK`, …) are not in it.
const ASSIGNED: &str = "\
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ \
BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ \
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ \
DE DJ DK DM DO DZ \
EC EE EG EH ER ES ET \
FI FJ FK FM FO FR \
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY \
HK HM HN HR HT HU \
ID IE IL IM IN IO IQ IR IS IT \
JE JM JO JP \
KE KG KH KI KM KN KP KR KW KY KZ \
LA LB LC LI LK LR LS LT LU LV LY \
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ \
NA NC NE NF NG NI NL NO NP NR NU NZ \
OM \
PA PE PF PG PH PK PL PM PN PR PS PT PW PY \
QA \
RE RO RS RU RW \
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ \
TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ \
UA UG UM US UY UZ \
VA VC VE VG VI VN VU \
WF WS \
YE YT \
ZA ZM ZW";

/// One bit per two-letter combination `AA`..`ZZ`, set for the assigned ones.
const TABLE: [u64; 11] = build_table();

// Indexes stay in bounds: both letters are checked to be `A`..`Z`, so `index < 676 = 11 * 64 - 28`.
#[allow(clippy::indexing_slicing)]
const fn build_table() -> [u64; 11] {
    let mut table = [0u64; 11];
    let bytes = ASSIGNED.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i].is_ascii_uppercase() && bytes[i + 1].is_ascii_uppercase() {
            let index = (bytes[i] - b'A') as usize * 26 + (bytes[i + 1] - b'A') as usize;
            table[index / 64] |= 1 << (index % 64);
            i += 3;
        } else {
            i += 1;
        }
    }
    table
}

/// What is wrong with a text offered as a country code.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CountryCodeProblem {
    /// Not two uppercase ASCII letters (`ie`, `IRL`, `1E`): the server's `invalid_format`.
    NotTwoUppercaseLetters,
    /// Two uppercase letters that name no assigned country (`ZZ`): the server's `invalid`.
    NotAssigned,
}

/// An ISO 3166-1 alpha-2 country code such as `IE`.
///
/// [`CountryCode::parse`] is the rule for what a caller may send: two uppercase letters naming an
/// assigned country. Codes read from the API are kept if they are two uppercase letters, assigned or not,
/// so that a country added after this table never breaks a read.
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(type = "string"))]
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Parses a code a caller wants to send. Lowercase is refused, never corrected.
    #[inline]
    pub fn parse(text: &str) -> Result<CountryCode, CountryCodeProblem> {
        let code = CountryCode::parse_shape(text).ok_or(CountryCodeProblem::NotTwoUppercaseLetters)?;
        if code.is_assigned() { Ok(code) } else { Err(CountryCodeProblem::NotAssigned) }
    }

    /// Reads a code received from the API: two uppercase letters, assigned or not.
    pub fn parse_any(text: &str) -> Option<CountryCode> {
        CountryCode::parse_shape(text)
    }

    #[inline]
    fn parse_shape(text: &str) -> Option<CountryCode> {
        match text.as_bytes() {
            &[a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase() => Some(CountryCode([a, b])),
            _ => None,
        }
    }

    /// Whether this code is officially assigned in ISO 3166-1.
    #[inline]
    pub fn is_assigned(&self) -> bool {
        let index = usize::from(self.0[0] - b'A') * 26 + usize::from(self.0[1] - b'A');
        TABLE.get(index / 64).is_some_and(|word| word & (1 << (index % 64)) != 0)
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CountryCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CountryCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        CountryCode::parse_shape(&text).ok_or_else(|| de::Error::custom(format_args!("not an ISO 3166-1 alpha-2 code: {text:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_exactly_the_assigned_codes() {
        let count: u32 = TABLE.iter().map(|w| w.count_ones()).sum();
        assert_eq!(count, 249);
        for ok in ["IE", "US", "GB", "AX", "ZW", "SS", "BQ"] {
            assert!(CountryCode::parse(ok).is_ok(), "{ok}");
        }
        for (bad, problem) in [
            ("ie", CountryCodeProblem::NotTwoUppercaseLetters),
            ("Ie", CountryCodeProblem::NotTwoUppercaseLetters),
            ("IRL", CountryCodeProblem::NotTwoUppercaseLetters),
            ("I", CountryCodeProblem::NotTwoUppercaseLetters),
            ("", CountryCodeProblem::NotTwoUppercaseLetters),
            ("1E", CountryCodeProblem::NotTwoUppercaseLetters),
            ("ÍE", CountryCodeProblem::NotTwoUppercaseLetters),
            ("ZZ", CountryCodeProblem::NotAssigned),
            ("UK", CountryCodeProblem::NotAssigned),
            ("XK", CountryCodeProblem::NotAssigned),
            ("EU", CountryCodeProblem::NotAssigned),
        ] {
            assert_eq!(CountryCode::parse(bad), Err(problem), "{bad}");
        }
    }
}
