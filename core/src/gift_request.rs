//! The gift request as the API returns it (create, get, and webhook bodies).

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};
use serde_json::Value;

use crate::country::CountryCode;
use crate::read::Fields;
use crate::timestamp::Timestamp;
use crate::uuid::Uuid;

/// One gifting transaction: a campaign, a recipient and, in direct-send, an address and items.
///
/// Unknown fields are ignored; keys documented as always present but missing read as `null`. Reading fails,
/// naming the field, when a required field is missing or a value has another form than the contract's.
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

impl fmt::Display for GiftRequestStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for GiftRequestStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for GiftRequestStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(GiftRequestStatus::from_wire(&<Cow<'de, str>>::deserialize(deserializer)?))
    }
}

impl GiftRequest {
    /// Reads a gift request from a parsed JSON value; the error names the field at fault.
    pub fn from_value(value: &Value) -> Result<GiftRequest, String> {
        let f = Fields::of(value, "")?;
        Ok(GiftRequest {
            id: f.uuid("id")?,
            status: GiftRequestStatus::from_wire(&f.string("status")?),
            campaign_id: f.optional_uuid("campaign_id")?,
            redemption_url: f.optional_string("redemption_url")?,
            recipient: Recipient::from_value(f.required("recipient")?, &f.path_of("recipient"))?,
            shipping_address: f
                .optional("shipping_address")
                .map(|a| ShippingAddress::from_value(a, &f.path_of("shipping_address")))
                .transpose()?,
            line_items: match f.optional("line_items") {
                None => None,
                Some(Value::Array(items)) => Some(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| LineItem::from_value(item, &format!("line_items[{i}]")))
                        .collect::<Result<_, _>>()?,
                ),
                Some(other) => return Err(format!("line_items must be an array, not {other}")),
            },
            created_at: f.timestamp("created_at")?,
            updated_at: f.timestamp("updated_at")?,
        })
    }
}

impl Recipient {
    fn from_value(value: &Value, path: &str) -> Result<Recipient, String> {
        let f = Fields::of(value, path)?;
        Ok(Recipient {
            id: f.optional_uuid("id")?,
            first_name: f.string("first_name")?,
            last_name: f.string("last_name")?,
            email: f.optional_string("email")?,
        })
    }
}

impl ShippingAddress {
    fn from_value(value: &Value, path: &str) -> Result<ShippingAddress, String> {
        let f = Fields::of(value, path)?;
        Ok(ShippingAddress {
            address1: f.string("address1")?,
            address2: f.optional_string("address2")?,
            city: f.string("city")?,
            region: f.string("region")?,
            postal_code: f.string("postal_code")?,
            country_code: f.parsed("country_code", "an ISO 3166-1 alpha-2 code", CountryCode::parse_any)?,
            phone: f.string("phone")?,
        })
    }
}

impl LineItem {
    fn from_value(value: &Value, path: &str) -> Result<LineItem, String> {
        let f = Fields::of(value, path)?;
        Ok(LineItem { variant_id: f.optional_uuid("variant_id")?, sku: f.optional_string("sku")?, quantity: f.unsigned("quantity")? })
    }
}

impl<'de> Deserialize<'de> for GiftRequest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        GiftRequest::from_value(&Value::deserialize(deserializer)?).map_err(de::Error::custom)
    }
}
