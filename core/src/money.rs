//! Money: integer minor units with an ISO 4217 currency code.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// An amount of money: `{ "amount": 2500, "currency": "EUR" }` is €25.00.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub struct Money {
    /// The amount in the currency's smallest unit (cents for EUR and USD, pence for GBP).
    pub amount: i64,
    /// The ISO 4217 currency code.
    pub currency: Currency,
}

/// An ISO 4217 currency code: three uppercase ASCII letters such as `EUR`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

impl Currency {
    /// Parses three uppercase ASCII letters; returns `None` for anything else.
    pub fn parse(text: &str) -> Option<Currency> {
        match text.as_bytes() {
            &[a, b, c] if [a, b, c].iter().all(u8::is_ascii_uppercase) => Some(Currency([a, b, c])),
            _ => None,
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // Only ASCII uppercase letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Currency::parse(&text).ok_or_else(|| de::Error::custom(format_args!("not an ISO 4217 currency code: {text:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_api_form() {
        let m: Money = serde_json::from_str(r#"{"amount":2500,"currency":"EUR"}"#).unwrap();
        assert_eq!(m.amount, 2500);
        assert_eq!(m.currency.as_str(), "EUR");
        assert!(serde_json::from_str::<Money>(r#"{"amount":25.5,"currency":"EUR"}"#).is_err());
        assert!(Currency::parse("eur").is_none());
        assert!(Currency::parse("EURO").is_none());
    }
}
