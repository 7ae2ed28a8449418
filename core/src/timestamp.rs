//! Timestamps: ISO 8601 in UTC at millisecond precision (`2026-04-16T10:30:00.000Z`).

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

use crate::ascii;

/// An instant, held as milliseconds since the Unix epoch, UTC.
///
/// The API's timestamps parse into it and it prints them back in the API's form. It is also how hosts hand
/// the current time to the core: every decision that depends on time takes a `now: Timestamp`.
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(type = "string"))]
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The instant `millis` milliseconds after the Unix epoch.
    pub const fn from_unix_millis(millis: i64) -> Timestamp {
        Timestamp(millis)
    }

    /// The instant `seconds` seconds after the Unix epoch.
    pub const fn from_unix_seconds(seconds: i64) -> Timestamp {
        Timestamp(seconds.saturating_mul(1000))
    }

    /// Milliseconds since the Unix epoch.
    pub const fn unix_millis(self) -> i64 {
        self.0
    }

    /// Whole seconds since the Unix epoch (rounded down).
    pub const fn unix_seconds(self) -> i64 {
        self.0.div_euclid(1000)
    }

    /// This instant moved forward by `by` (saturating).
    pub fn plus(self, by: Duration) -> Timestamp {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        Timestamp(self.0.saturating_add(ms))
    }

    /// How long after `earlier` this instant is; zero when it is not after it.
    pub fn since(self, earlier: Timestamp) -> Duration {
        let ms = self.0.saturating_sub(earlier.0);
        Duration::from_millis(u64::try_from(ms).unwrap_or(0))
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
    ///
    /// The API sends `Z` and three fraction digits; other offsets are converted to UTC, and fraction digits
    /// beyond the millisecond are dropped, so that a more precise server never breaks a read. Returns `None`
    /// for anything that is not such a timestamp or names a date that does not exist.
    pub fn parse(text: &str) -> Option<Timestamp> {
        let b = text.as_bytes();
        let year = digits(b, 0, 4)?;
        let month = digits(b, 5, 2)?;
        let day = digits(b, 8, 2)?;
        let hour = digits(b, 11, 2)?;
        let minute = digits(b, 14, 2)?;
        let second = digits(b, 17, 2)?;
        if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
            return None;
        }
        if !matches!(b.get(10), Some(b'T' | b't')) {
            return None;
        }
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        let mut at = 19;
        let mut millis = 0i64;
        if b.get(at) == Some(&b'.') {
            at += 1;
            let start = at;
            while let Some(d) = b.get(at).filter(|d| d.is_ascii_digit()) {
                if at - start < 3 {
                    millis = millis * 10 + i64::from(d - b'0');
                }
                at += 1;
            }
            let count = at - start;
            if count == 0 {
                return None;
            }
            for _ in count..3 {
                millis *= 10;
            }
        }
        let offset_minutes = match b.get(at..)? {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), rest @ ..] if rest.len() == 5 && rest.get(2) == Some(&b':') => {
                let h = digits(rest, 0, 2)?;
                let m = digits(rest, 3, 2)?;
                if h > 23 || m > 59 {
                    return None;
                }
                let total = h * 60 + m;
                if *sign == b'+' { total } else { -total }
            }
            _ => return None,
        };
        let days = days_from_civil(year, month, day);
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
        Some(Timestamp(seconds * 1000 + millis))
    }
}

impl Timestamp {
    /// Parses an HTTP date (RFC 9110 §5.6.7), as `Retry-After` may carry one: the preferred IMF-fixdate
    /// `Sun, 06 Nov 1994 08:49:37 GMT`, and the two obsolete forms a recipient must also accept, RFC 850
    /// `Sunday, 06-Nov-94 08:49:37 GMT` and asctime `Sun Nov  6 08:49:37 1994`. The weekday is not checked
    /// against the date. **DECISION**: a two-digit year is 19xx from 70 to 99 and 20xx below 70. Returns
    /// `None` for anything else, or a date that does not exist.
    pub fn from_http_date(text: &str) -> Option<Timestamp> {
        if text.len() > 64 {
            return None;
        }
        let parts: Vec<&str> = text.split_ascii_whitespace().collect();
        let (day, month, year, time) = match parts.as_slice() {
            [weekday, day, month, year, time, "GMT"] if weekday.ends_with(',') && day.len() == 2 && year.len() == 4 => {
                (*day, *month, *year, *time)
            }
            [weekday, date, time, "GMT"] if weekday.ends_with(',') => {
                let mut d = ascii::split(date, b'-');
                let (day, month, year) = (d.next()?, d.next()?, d.next()?);
                if d.next().is_some() || day.len() != 2 || year.len() != 2 {
                    return None;
                }
                (day, month, year, *time)
            }
            [_, month, day, time, year] if !day.is_empty() && day.len() <= 2 && year.len() == 4 => (*day, *month, *year, *time),
            _ => return None,
        };
        let number = |t: &str| digits(t.as_bytes(), 0, t.len());
        let day = number(day)?;
        let month = MONTHS.iter().position(|m| *m == month).and_then(|m| i64::try_from(m).ok())? + 1;
        let year = match number(year)? {
            y if year.len() == 4 => y,
            y if y >= 70 => 1900 + y,
            y => 2000 + y,
        };
        let t = time.as_bytes();
        if t.len() != 8 || t.get(2) != Some(&b':') || t.get(5) != Some(&b':') {
            return None;
        }
        let (hour, minute, second) = (digits(t, 0, 2)?, digits(t, 3, 2)?, digits(t, 6, 2)?);
        if day == 0 || day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
        Some(Timestamp::from_unix_seconds(seconds))
    }
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

fn digits(b: &[u8], at: usize, len: usize) -> Option<i64> {
    let slice = b.get(at..at + len)?;
    slice.iter().try_fold(0i64, |acc, d| d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0')))
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl fmt::Display for Timestamp {
    /// Prints `2026-04-16T10:30:00.000Z`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let millis = self.0.rem_euclid(1000);
        let seconds = self.0.div_euclid(1000);
        let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
        let secs_of_day = seconds.rem_euclid(86_400);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
            secs_of_day / 3600,
            secs_of_day % 3600 / 60,
            secs_of_day % 60
        )
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Timestamp::parse(&text).ok_or_else(|| de::Error::custom(format_args!("not an ISO 8601 UTC timestamp: {text:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_the_api_form() {
        let t = Timestamp::parse("2026-04-16T10:30:00.000Z").unwrap();
        assert_eq!(t.unix_millis(), 1_776_335_400_000);
        assert_eq!(t.to_string(), "2026-04-16T10:30:00.000Z");
        assert_eq!(Timestamp::parse("2024-02-29T23:59:59.999Z").unwrap().to_string(), "2024-02-29T23:59:59.999Z");
        assert_eq!(Timestamp::from_unix_millis(-1).to_string(), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn converts_offsets_and_extra_precision() {
        let a = Timestamp::parse("2026-04-16T12:30:00.5+02:00").unwrap();
        assert_eq!(a.to_string(), "2026-04-16T10:30:00.500Z");
        let b = Timestamp::parse("2026-04-16T10:30:00.123456Z").unwrap();
        assert_eq!(b.to_string(), "2026-04-16T10:30:00.123Z");
        assert_eq!(Timestamp::parse("2026-04-16T10:30:00Z").unwrap().to_string(), "2026-04-16T10:30:00.000Z");
    }

    #[test]
    fn reads_the_three_http_date_forms() {
        // 1994-11-06T08:49:37Z is 784111777 (RFC 9110's example).
        for text in ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"] {
            assert_eq!(Timestamp::from_http_date(text), Some(Timestamp::from_unix_seconds(784_111_777)), "{text}");
        }
        assert_eq!(Timestamp::from_http_date("Thu, 01 Jan 2099 00:00:00 GMT"), Some(Timestamp::from_unix_seconds(4_070_908_800)));
        assert_eq!(Timestamp::from_http_date("Friday, 01-Jan-21 00:00:00 GMT"), Some(Timestamp::from_unix_seconds(1_609_459_200)));
        for bad in [
            "",
            "120",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 31 Feb 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            &"x".repeat(100),
        ] {
            assert_eq!(Timestamp::from_http_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_timestamp() {
        for bad in [
            "",
            "2026-02-30T00:00:00.000Z",
            "2025-02-29T00:00:00.000Z",
            "2026-04-16 10:30:00.000Z",
            "2026-04-16T24:00:00.000Z",
            "2026-04-16T10:30:00.Z",
            "2026-04-16T10:30:00.000",
            "2026-04-16T10:30:00.000+0200",
            "2026-4-16T10:30:00.000Z",
            "2026-04-16T10:30:00.000Zjunk",
        ] {
            assert!(Timestamp::parse(bad).is_none(), "{bad}");
        }
    }
}
