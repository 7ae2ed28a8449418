//! The gift request as the API returns it (create, get, and webhook bodies).

use std::borrow::Cow;

use serde::{Deserialize, Deserializer, Serialize};

use crate::country::CountryCode;
use crate::loose::{Integer, Scanner, Unreadable, deserialize_with, first_missing, members, mismatch, nullable, read_whole, required};
use crate::timestamp::Timestamp;
use crate::uuid::Uuid;

/// One gifting transaction: a campaign, a recipient and, in direct-send, an address and items.
///
/// Unknown fields are ignored; keys documented as always present but missing read as `null`.
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct GiftRequest {
    /// The gift request's id.
    pub id: Uuid,
    /// Where the gift has got to.
    pub status: GiftRequestStatus,
    /// The campaign it belongs to.
    pub campaign_id: Option<Uuid>,
    /// The link the recipient follows to redeem; `None` until it is generated, shortly after creation.
    pub redemption_url: Option<String>,
    /// Who the gift is for.
    pub recipient: Recipient,
    /// Where it ships: present in direct-send, `None` in choice-mode.
    pub shipping_address: Option<ShippingAddress>,
    /// The items, once locked (at creation in direct-send, at redemption in choice-mode). `None` means
    /// "not yet locked", never "no items".
    pub line_items: Option<Vec<LineItem>>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// The recipient of a gift request, as returned (with its server-assigned id).
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct Recipient {
    /// The server-assigned id.
    pub id: Option<Uuid>,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email address, when one was given.
    pub email: Option<String>,
}

/// A direct-send shipping address, as returned. It carries no name: the label uses the recipient's.
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct ShippingAddress {
    /// Street address.
    pub address1: String,
    /// Second address line.
    pub address2: Option<String>,
    /// City.
    pub city: String,
    /// Region (required even where the country has none).
    pub region: String,
    /// Postal code.
    pub postal_code: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country_code: CountryCode,
    /// Contact number for the carrier.
    pub phone: String,
}

/// A locked line item, as returned: a variant (bare id and/or sku) and a quantity.
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct LineItem {
    /// The variant, as a bare id.
    pub variant_id: Option<Uuid>,
    /// The variant's SKU.
    pub sku: Option<String>,
    /// How many.
    pub quantity: u64,
}

/// Where a gift request has got to. The set may grow: an unknown status is kept as text.
///
/// In TypeScript the statuses are a closed union: the JavaScript package reports a status it does not know
/// as `"unknown"`, with its text beside it, rather than widening the type to `string`.
#[cfg_attr(
    feature = "typescript",
    derive(ts_rs::TS),
    ts(type = r#""submitted" | "redeemed" | "dispatched" | "delivered" | "cancelled" | "unknown""#)
)]
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum GiftRequestStatus {
    /// Created; the invitation has been sent.
    Submitted,
    /// The recipient has chosen their gift.
    Redeemed,
    /// The gift is on its way.
    Dispatched,
    /// The gift has arrived.
    Delivered,
    /// Cancelled, or expired.
    Cancelled,
    /// A status this SDK does not know.
    Unknown(String),
}

impl GiftRequestStatus {
    /// Parses the wire text; an unknown text is kept in [`GiftRequestStatus::Unknown`].
    pub fn from_wire(text: &str) -> GiftRequestStatus {
        match text {
            "submitted" => GiftRequestStatus::Submitted,
            "redeemed" => GiftRequestStatus::Redeemed,
            "dispatched" => GiftRequestStatus::Dispatched,
            "delivered" => GiftRequestStatus::Delivered,
            "cancelled" => GiftRequestStatus::Cancelled,
            other => GiftRequestStatus::Unknown(other.to_owned()),
        }
    }

    /// The wire text.
    pub fn as_str(&self) -> &str {
        match self {
            GiftRequestStatus::Submitted => "submitted",
            GiftRequestStatus::Redeemed => "redeemed",
            GiftRequestStatus::Dispatched => "dispatched",
            GiftRequestStatus::Delivered => "delivered",
            GiftRequestStatus::Cancelled => "cancelled",
            GiftRequestStatus::Unknown(other) => other,
        }
    }

    /// The position on the way to delivery (`submitted` 0 … `delivered` 3); `None` for `cancelled` and
    /// unknown statuses, which are off that path.
    pub fn progress(&self) -> Option<u8> {
        match self {
            GiftRequestStatus::Submitted => Some(0),
            GiftRequestStatus::Redeemed => Some(1),
            GiftRequestStatus::Dispatched => Some(2),
            GiftRequestStatus::Delivered => Some(3),
            GiftRequestStatus::Cancelled | GiftRequestStatus::Unknown(_) => None,
        }
    }

    /// Whether the status can no longer change (`delivered`, `cancelled`).
    pub fn is_final(&self) -> bool {
        matches!(self, GiftRequestStatus::Delivered | GiftRequestStatus::Cancelled)
    }
}

crate::wire::wire_string!(GiftRequestStatus);

impl GiftRequest {
    /// Reads a gift request from JSON bytes (a response body, a webhook body); the error names what is
    /// wrong.
    pub fn from_json(body: &[u8]) -> Result<GiftRequest, serde_json::Error> {
        GiftRequest::read_json(body).map_err(serde::de::Error::custom)
    }

    /// Reads a gift request from JSON bytes: unknown fields are skipped, documented nullable fields may be
    /// absent, anything else out of shape is refused with a sentence naming the field.
    pub fn read_json(body: &[u8]) -> Result<GiftRequest, String> {
        read_whole(body, read_gift_request)
    }
}

/// The string the scanner stands on; anything else is skipped and refused as not `expected`. One copy
/// for every field of every reader (not generic, not inlined), which keeps the WebAssembly module small.
#[inline(never)]
fn string_of<'a>(s: &mut Scanner<'a>, field: &str, expected: &str) -> Result<Cow<'a, str>, Unreadable> {
    if s.peek() != Some(b'"') {
        s.skip()?;
        return Err(mismatch(field, expected));
    }
    s.string()
}

fn text(s: &mut Scanner<'_>, field: &str) -> Result<String, Unreadable> {
    string_of(s, field, "a string").map(Cow::into_owned)
}

fn parsed<T>(s: &mut Scanner<'_>, field: &str, expected: &str, parse: fn(&str) -> Option<T>) -> Result<T, Unreadable> {
    parse(&string_of(s, field, expected)?).ok_or_else(|| mismatch(field, expected))
}

pub(crate) fn read_gift_request(s: &mut Scanner<'_>) -> Result<GiftRequest, Unreadable> {
    const KEYS: [&str; 9] =
        ["id", "status", "campaign_id", "redemption_url", "recipient", "shipping_address", "line_items", "created_at", "updated_at"];
    let (mut id, mut status, mut campaign_id, mut redemption_url, mut recipient) = (None, None, None, None, None);
    let (mut shipping_address, mut line_items, mut created_at, mut updated_at) = (None, None, None, None);
    members(s, "the gift request", &KEYS, &mut |s, i| {
        match i {
            0 => id = Some(parsed(s, "id", "a UUID", Uuid::parse)?),
            1 => status = Some(GiftRequestStatus::from_wire(&text(s, "status")?)),
            2 => campaign_id = nullable(s, |s| parsed(s, "campaign_id", "a UUID", Uuid::parse))?,
            3 => redemption_url = nullable(s, |s| text(s, "redemption_url"))?,
            4 => recipient = Some(read_recipient(s)?),
            5 => shipping_address = nullable(s, read_address)?,
            6 => line_items = nullable(s, read_line_items)?,
            7 => created_at = Some(parsed(s, "created_at", "an ISO 8601 UTC timestamp", Timestamp::parse)?),
            _ => updated_at = Some(parsed(s, "updated_at", "an ISO 8601 UTC timestamp", Timestamp::parse)?),
        }
        Ok(())
    })?;
    match (id, status, recipient, created_at, updated_at) {
        (Some(id), Some(status), Some(recipient), Some(created_at), Some(updated_at)) => {
            Ok(GiftRequest { id, status, campaign_id, redemption_url, recipient, shipping_address, line_items, created_at, updated_at })
        }
        (id, status, recipient, created_at, _) => Err(first_missing(&[
            (id.is_none(), "id"),
            (status.is_none(), "status"),
            (recipient.is_none(), "recipient"),
            (created_at.is_none(), "created_at"),
            (true, "updated_at"),
        ])),
    }
}

fn read_recipient(s: &mut Scanner<'_>) -> Result<Recipient, Unreadable> {
    let (mut id, mut first_name, mut last_name, mut email) = (None, None, None, None);
    members(s, "recipient", &["id", "first_name", "last_name", "email"], &mut |s, i| {
        match i {
            0 => id = nullable(s, |s| parsed(s, "recipient.id", "a UUID", Uuid::parse))?,
            1 => first_name = Some(text(s, "recipient.first_name")?),
            2 => last_name = Some(text(s, "recipient.last_name")?),
            _ => email = nullable(s, |s| text(s, "recipient.email"))?,
        }
        Ok(())
    })?;
    match (first_name, last_name) {
        (Some(first_name), Some(last_name)) => Ok(Recipient { id, first_name, last_name, email }),
        (first_name, _) => Err(first_missing(&[(first_name.is_none(), "recipient.first_name"), (true, "recipient.last_name")])),
    }
}

fn read_address(s: &mut Scanner<'_>) -> Result<ShippingAddress, Unreadable> {
    const KEYS: [&str; 7] = ["address1", "address2", "city", "region", "postal_code", "country_code", "phone"];
    let (mut address1, mut address2, mut city, mut region) = (None, None, None, None);
    let (mut postal_code, mut country_code, mut phone) = (None, None, None);
    members(s, "shipping_address", &KEYS, &mut |s, i| {
        match i {
            0 => address1 = Some(text(s, "shipping_address.address1")?),
            1 => address2 = nullable(s, |s| text(s, "shipping_address.address2"))?,
            2 => city = Some(text(s, "shipping_address.city")?),
            3 => region = Some(text(s, "shipping_address.region")?),
            4 => postal_code = Some(text(s, "shipping_address.postal_code")?),
            5 => country_code = Some(parsed(s, "shipping_address.country_code", "two uppercase letters", CountryCode::parse_any)?),
            _ => phone = Some(text(s, "shipping_address.phone")?),
        }
        Ok(())
    })?;
    match (address1, city, region, postal_code, country_code, phone) {
        (Some(address1), Some(city), Some(region), Some(postal_code), Some(country_code), Some(phone)) => {
            Ok(ShippingAddress { address1, address2, city, region, postal_code, country_code, phone })
        }
        (address1, city, region, postal_code, country_code, _) => Err(first_missing(&[
            (address1.is_none(), "shipping_address.address1"),
            (city.is_none(), "shipping_address.city"),
            (region.is_none(), "shipping_address.region"),
            (postal_code.is_none(), "shipping_address.postal_code"),
            (country_code.is_none(), "shipping_address.country_code"),
            (true, "shipping_address.phone"),
        ])),
    }
}

fn read_line_items(s: &mut Scanner<'_>) -> Result<Vec<LineItem>, Unreadable> {
    if s.peek() != Some(b'[') {
        s.skip()?;
        return Err(mismatch("line_items", "an array"));
    }
    let mut items = Vec::new();
    s.array(|s| {
        items.push(read_line_item(s)?);
        Ok(())
    })?;
    Ok(items)
}

fn read_line_item(s: &mut Scanner<'_>) -> Result<LineItem, Unreadable> {
    let (mut variant_id, mut sku, mut quantity) = (None, None, None);
    members(s, "a line item", &["variant_id", "sku", "quantity"], &mut |s, i| {
        match i {
            0 => variant_id = nullable(s, |s| parsed(s, "line_items[].variant_id", "a UUID", Uuid::parse))?,
            1 => sku = nullable(s, |s| text(s, "line_items[].sku"))?,
            _ => {
                let n = match s.peek() {
                    Some(b'-' | b'0'..=b'9') => s.number()?,
                    _ => {
                        s.skip()?;
                        None
                    }
                };
                quantity = Some(match n {
                    Some(Integer::Signed(q)) => {
                        u64::try_from(q).map_err(|_| mismatch("line_items[].quantity", "an integer, at least 0"))?
                    }
                    Some(Integer::Unsigned(q)) => q,
                    None => return Err(mismatch("line_items[].quantity", "an integer, at least 0")),
                });
            }
        }
        Ok(())
    })?;
    Ok(LineItem { variant_id, sku, quantity: required(quantity, "line_items[].quantity")? })
}

impl<'de> Deserialize<'de> for GiftRequest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_with(deserializer, read_gift_request)
    }
}

impl<'de> Deserialize<'de> for Recipient {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_with(deserializer, read_recipient)
    }
}

impl<'de> Deserialize<'de> for ShippingAddress {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_with(deserializer, read_address)
    }
}

impl<'de> Deserialize<'de> for LineItem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_with(deserializer, read_line_item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = r#"{"id":"7f1c2a4e-9b3d-4c8e-a1f2-3d4e5f6a7b8c","status":"submitted","campaign_id":null,"redemption_url":null,
        "recipient":{"id":null,"first_name":"Ada","last_name":"Lovelace","email":null},
        "shipping_address":{"address1":"1 Main St","address2":null,"city":"Springfield","region":"IL","postal_code":"62701","country_code":"US","phone":"+15555550100"},
        "line_items":[{"variant_id":null,"sku":"MUG-1","quantity":1}],
        "created_at":"2026-05-01T12:00:00Z","updated_at":"2026-05-01T12:00:00Z"}"#;

    #[test]
    fn a_body_missing_a_required_member_names_the_first_one_missing() {
        assert!(GiftRequest::read_json(BODY.as_bytes()).is_ok());
        let cases = [
            (vec![r#""id":"7f1c2a4e-9b3d-4c8e-a1f2-3d4e5f6a7b8c","#], "id"),
            (vec![r#""status":"submitted","#, r#","updated_at":"2026-05-01T12:00:00Z""#], "status"),
            (vec![r#""created_at":"2026-05-01T12:00:00Z","#], "created_at"),
            (vec![r#","updated_at":"2026-05-01T12:00:00Z""#], "updated_at"),
            (vec![r#""first_name":"Ada","#, r#","email":null"#], "recipient.first_name"),
            (vec![r#","last_name":"Lovelace""#], "recipient.last_name"),
            (vec![r#""city":"Springfield","#, r#""postal_code":"62701","#], "shipping_address.city"),
            (vec![r#""postal_code":"62701","#], "shipping_address.postal_code"),
            (vec![r#""country_code":"US","#], "shipping_address.country_code"),
            (vec![r#","phone":"+15555550100""#], "shipping_address.phone"),
        ];
        for (cut, field) in cases {
            let body = cut.iter().fold(BODY.to_owned(), |body, piece| {
                assert!(body.contains(piece), "{piece}");
                body.replacen(piece, "", 1)
            });
            let error = GiftRequest::read_json(body.as_bytes()).unwrap_err();
            assert_eq!(error, format!("the body does not match the contract: {field} is missing"), "{body}");
        }
    }
}
