//! The campaign: a gift catalogue with its products, variants, stock levels and warehouses inline.
//!
//! Only prose documents the campaign, so the SDK types the fields it can name (**DECISION**: `id`, `name`,
//! `invitation_method`, `products` → `variants` → `stock_levels` → `warehouse`, timestamps) and keeps the
//! whole object as received in [`Campaign::raw_json`], so that no field the API sends is ever lost.
//! A typed field whose value has another shape than modelled reads as absent rather than failing the read.

use std::borrow::Cow;
use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};
use serde_json::value::RawValue;

use crate::country::CountryCode;
use crate::money::Money;
use crate::timestamp::Timestamp;
use crate::uuid::Uuid;

/// A campaign, typed where the SDK can name its fields, whole in [`Campaign::raw_json`].
#[derive(Clone, Debug)]
pub struct Campaign {
    /// The campaign's id (the `campaign_id` of a gift request).
    pub id: Uuid,
    /// Its name.
    pub name: Option<String>,
    /// How recipients are invited; `sender_provided_address` allows direct-send.
    pub invitation_method: Option<InvitationMethod>,
    /// The catalogue.
    pub products: Vec<Product>,
    /// When it was created.
    pub created_at: Option<Timestamp>,
    /// When it last changed.
    pub updated_at: Option<Timestamp>,
    raw: Box<RawValue>,
}

impl Campaign {
    /// The campaign object exactly as the API sent it, undocumented fields included.
    pub fn raw_json(&self) -> &str {
        self.raw.get()
    }

    /// Whether gift requests against this campaign may be direct-send.
    pub fn allows_direct_send(&self) -> bool {
        self.invitation_method == Some(InvitationMethod::SenderProvidedAddress)
    }

    /// Reads a campaign from its JSON text.
    pub fn from_json(text: &str) -> Result<Campaign, serde_json::Error> {
        serde_json::from_str(text)
    }
}

impl PartialEq for Campaign {
    fn eq(&self, other: &Campaign) -> bool {
        self.raw.get() == other.raw.get()
    }
}

/// A product of a campaign's catalogue.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Product {
    /// The product's id.
    #[serde(default, deserialize_with = "lenient")]
    pub id: Option<Uuid>,
    /// Its name.
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
    /// Its variants.
    #[serde(default, deserialize_with = "lenient_list")]
    pub variants: Vec<Variant>,
}

/// A variant: what a line item names by `variant_id` or `sku`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Variant {
    /// The variant's id (a line item's `variant_id`).
    #[serde(default, deserialize_with = "lenient")]
    pub id: Option<Uuid>,
    /// Its SKU (a line item's `sku`).
    #[serde(default, deserialize_with = "lenient")]
    pub sku: Option<String>,
    /// Its name.
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
    /// Its value, where the API gives one.
    #[serde(default, deserialize_with = "lenient")]
    pub price: Option<Money>,
    /// Stock per warehouse.
    #[serde(default, deserialize_with = "lenient_list")]
    pub stock_levels: Vec<StockLevel>,
}

impl Variant {
    /// Units available across all warehouses.
    pub fn available(&self) -> i64 {
        self.stock_levels.iter().filter_map(|s| s.available).fold(0i64, i64::saturating_add)
    }
}

/// How much of a variant one warehouse holds.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct StockLevel {
    /// Units available.
    #[serde(default, deserialize_with = "lenient")]
    pub available: Option<i64>,
    /// The warehouse.
    #[serde(default, deserialize_with = "lenient")]
    pub warehouse: Option<Warehouse>,
}

/// A warehouse holding stock.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Warehouse {
    /// The warehouse's id.
    #[serde(default, deserialize_with = "lenient")]
    pub id: Option<Uuid>,
    /// Its name.
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
    /// Where it is.
    #[serde(default, deserialize_with = "lenient")]
    pub country_code: Option<CountryCode>,
}

/// How a campaign invites its recipients. Only `sender_provided_address` is documented; any other value
/// is kept as text.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum InvitationMethod {
    /// The sender provides the address: the campaign takes direct-send gift requests.
    SenderProvidedAddress,
    /// Another method (the recipient is invited to choose and give an address).
    Other(String),
}

impl InvitationMethod {
    /// Parses the wire text.
    pub fn from_wire(text: &str) -> InvitationMethod {
        match text {
            "sender_provided_address" => InvitationMethod::SenderProvidedAddress,
            other => InvitationMethod::Other(other.to_owned()),
        }
    }

    /// The wire text.
    pub fn as_str(&self) -> &str {
        match self {
            InvitationMethod::SenderProvidedAddress => "sender_provided_address",
            InvitationMethod::Other(other) => other,
        }
    }
}

impl fmt::Display for InvitationMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for InvitationMethod {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for InvitationMethod {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(InvitationMethod::from_wire(&<Cow<'de, str>>::deserialize(deserializer)?))
    }
}

/// Reads a value of the modelled shape, or `None` when the API sent another shape.
fn lenient<'de, D: Deserializer<'de>, T: DeserializeOwned>(deserializer: D) -> Result<Option<T>, D::Error> {
    let raw = <&'de RawValue>::deserialize(deserializer)?;
    Ok(serde_json::from_str(raw.get()).ok())
}

/// Reads a list, keeping the items of the modelled shape.
fn lenient_list<'de, D: Deserializer<'de>, T: DeserializeOwned>(deserializer: D) -> Result<Vec<T>, D::Error> {
    let raw = <&'de RawValue>::deserialize(deserializer)?;
    let items: Vec<&RawValue> = serde_json::from_str(raw.get()).unwrap_or_default();
    Ok(items.into_iter().filter_map(|item| serde_json::from_str(item.get()).ok()).collect())
}

#[derive(Deserialize)]
struct CampaignFields {
    id: Uuid,
    #[serde(default, deserialize_with = "lenient")]
    name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    invitation_method: Option<InvitationMethod>,
    #[serde(default, deserialize_with = "lenient_list")]
    products: Vec<Product>,
    #[serde(default, deserialize_with = "lenient")]
    created_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "lenient")]
    updated_at: Option<Timestamp>,
}

impl<'de> Deserialize<'de> for Campaign {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        let fields: CampaignFields = serde_json::from_str(raw.get()).map_err(de::Error::custom)?;
        Ok(Campaign {
            id: fields.id,
            name: fields.name,
            invitation_method: fields.invitation_method,
            products: fields.products,
            created_at: fields.created_at,
            updated_at: fields.updated_at,
            raw,
        })
    }
}

impl Serialize for Campaign {
    /// Writes the campaign exactly as it was received.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_what_it_knows_and_keeps_the_rest() {
        let text = r#"{"id":"a1b2c3d4-e5f6-7890-abcd-ef1234567890","name":"Thank-you box",
            "invitation_method":"sender_provided_address","theme":{"color":"teal"},
            "products":[{"id":"b1b2c3d4-e5f6-7890-abcd-ef1234567890","name":"Hoodie","variants":[
              {"id":"c1b2c3d4-e5f6-7890-abcd-ef1234567890","sku":"HOODIE-L-BLK","price":{"amount":4500,"currency":"EUR"},
               "stock_levels":[{"available":3,"warehouse":{"id":"d1b2c3d4-e5f6-7890-abcd-ef1234567890","name":"Dublin","country_code":"IE"}},
                               {"available":"lots"}]}]}],
            "created_at":"2026-04-16T10:30:00.000Z","updated_at":"yesterday"}"#;
        let c = Campaign::from_json(text).unwrap();
        assert!(c.allows_direct_send());
        assert_eq!(c.name.as_deref(), Some("Thank-you box"));
        let variant = &c.products[0].variants[0];
        assert_eq!(variant.sku.as_deref(), Some("HOODIE-L-BLK"));
        assert_eq!(variant.available(), 3);
        assert_eq!(variant.stock_levels[1].available, None);
        assert_eq!(c.updated_at, None);
        assert!(c.raw_json().contains(r#""theme":{"color":"teal"}"#));
        assert_eq!(serde_json::to_string(&c).unwrap(), text);
    }

    #[test]
    fn needs_an_id() {
        assert!(Campaign::from_json(r#"{"name":"x"}"#).is_err());
        assert!(Campaign::from_json(r#"{"id":"nope"}"#).is_err());
    }
}
