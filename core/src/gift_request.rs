//! The gift request as the API returns it (create, get, and webhook bodies).

use serde::{Deserialize, Serialize};

use crate::country::CountryCode;
use crate::timestamp::Timestamp;
use crate::uuid::Uuid;

/// One gifting transaction: a campaign, a recipient and, in direct-send, an address and items.
///
/// Unknown fields are ignored; keys documented as always present but missing read as `null`.
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct GiftRequest {
    /// The gift request's id.
    pub id: Uuid,
    /// Where the gift has got to.
    pub status: GiftRequestStatus,
    /// The campaign it belongs to.
    #[serde(default)]
    pub campaign_id: Option<Uuid>,
    /// The link the recipient follows to redeem; `None` until it is generated, shortly after creation.
    #[serde(default)]
    pub redemption_url: Option<String>,
    /// Who the gift is for.
    pub recipient: Recipient,
    /// Where it ships: present in direct-send, `None` in choice-mode.
    #[serde(default)]
    pub shipping_address: Option<ShippingAddress>,
    /// The items, once locked (at creation in direct-send, at redemption in choice-mode). `None` means
    /// "not yet locked", never "no items".
    #[serde(default)]
    pub line_items: Option<Vec<LineItem>>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// The recipient of a gift request, as returned (with its server-assigned id).
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Recipient {
    /// The server-assigned id.
    #[serde(default)]
    pub id: Option<Uuid>,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email address, when one was given.
    #[serde(default)]
    pub email: Option<String>,
}

/// A direct-send shipping address, as returned. It carries no name: the label uses the recipient's.
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct ShippingAddress {
    /// Street address.
    pub address1: String,
    /// Second address line.
    #[serde(default)]
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
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct LineItem {
    /// The variant, as a bare id.
    #[serde(default)]
    pub variant_id: Option<Uuid>,
    /// The variant's SKU.
    #[serde(default)]
    pub sku: Option<String>,
    /// How many.
    pub quantity: u64,
}

/// Where a gift request has got to. The set may grow: an unknown status is kept as text.
#[cfg_attr(
    feature = "typescript",
    derive(ts_rs::TS),
    ts(type = r#""submitted" | "redeemed" | "dispatched" | "delivered" | "cancelled" | (string & {})"#)
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
        serde_json::from_slice(body)
    }
}
