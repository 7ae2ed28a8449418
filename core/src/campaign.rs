//! The campaign: a gift catalogue with its products, variants, stock levels and warehouses inline.
//!
//! Only prose documents the campaign, so the SDK types the fields it can name (**DECISION**: `id`, `name`,
//! `invitation_method`, `products` → `variants` → `stock_levels` → `warehouse`, timestamps) and keeps the
//! whole object as received in [`Campaign::raw_json`], so that no field the API sends is ever lost.
//! A typed field whose value has another shape than modelled reads as absent (a list keeps its items that
//! are objects) rather than failing the read; only the campaign's `id` is required.

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

use crate::country::CountryCode;
use crate::json::JsonValue as Value;
use crate::loose::{Scanner, Unreadable};
use crate::money::{Currency, Money};
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
    raw: Box<str>,
}

impl Campaign {
    /// The campaign object exactly as the API sent it, undocumented fields included.
    pub fn raw_json(&self) -> &str {
        &self.raw
    }

    /// Whether gift requests against this campaign may be direct-send.
    pub fn allows_direct_send(&self) -> bool {
        self.invitation_method == Some(InvitationMethod::SenderProvidedAddress)
    }

    /// Reads a campaign from its JSON text.
    pub fn from_json(text: &str) -> Result<Campaign, serde_json::Error> {
        crate::loose::read_whole(text.as_bytes(), Campaign::read).map_err(de::Error::custom)
    }

    /// Reads campaigns from a JSON array of campaign objects (no serde_json on this path); the error names
    /// what is wrong.
    pub fn list_from_json(text: &[u8]) -> Result<Vec<Campaign>, String> {
        crate::loose::read_whole(text, |s| {
            let mut campaigns = Vec::new();
            s.array(|s| {
                campaigns.push(Campaign::read(s)?);
                Ok(())
            })?;
            Ok(campaigns)
        })
    }

    /// Reads the campaign the scanner stands on, keeping its text.
    pub(crate) fn read(s: &mut Scanner<'_>) -> Result<Campaign, Unreadable> {
        let raw = s.skip()?;
        let mut inner = Scanner::new(raw.as_bytes())?;
        let v = Value::read(&mut inner)?;
        let id = parsed(&v, "id", Uuid::parse)
            .ok_or_else(|| Unreadable("the body does not match the contract: a campaign needs an id (a UUID)".to_owned()))?;
        Ok(Campaign {
            id,
            name: text(&v, "name"),
            invitation_method: parsed(&v, "invitation_method", |m| Some(InvitationMethod::from_wire(m))),
            products: objects(&v, "products").map(Product::read).collect(),
            created_at: parsed(&v, "created_at", Timestamp::parse),
            updated_at: parsed(&v, "updated_at", Timestamp::parse),
            raw: raw.into(),
        })
    }
}

impl PartialEq for Campaign {
    fn eq(&self, other: &Campaign) -> bool {
        self.raw == other.raw
    }
}

/// A product of a campaign's catalogue.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct Product {
    /// The product's id.
    pub id: Option<Uuid>,
    /// Its name.
    pub name: Option<String>,
    /// Its variants.
    pub variants: Vec<Variant>,
}

/// A variant: what a line item names by `variant_id` or `sku`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct Variant {
    /// The variant's id (a line item's `variant_id`).
    pub id: Option<Uuid>,
    /// Its SKU (a line item's `sku`).
    pub sku: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// Its value, where the API gives one.
    pub price: Option<Money>,
    /// Stock per warehouse.
    pub stock_levels: Vec<StockLevel>,
}

impl Variant {
    /// Units available across all warehouses.
    pub fn available(&self) -> i64 {
        self.stock_levels.iter().filter_map(|s| s.available).fold(0i64, i64::saturating_add)
    }
}

/// How much of a variant one warehouse holds.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct StockLevel {
    /// Units available.
    pub available: Option<i64>,
    /// The warehouse.
    pub warehouse: Option<Warehouse>,
}

/// A warehouse holding stock.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct Warehouse {
    /// The warehouse's id.
    pub id: Option<Uuid>,
    /// Its name.
    pub name: Option<String>,
    /// Where it is.
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

crate::wire::wire_string!(InvitationMethod);

fn text(v: &Value<'_>, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn parsed<T>(v: &Value<'_>, key: &str, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
    v.get(key).and_then(Value::as_str).and_then(parse)
}

/// The objects of a list field; anything else reads as empty.
fn objects<'v, 'a>(v: &'v Value<'a>, key: &str) -> impl Iterator<Item = &'v Value<'a>> {
    v.get(key).and_then(Value::as_array).into_iter().flatten().filter(|item| item.is_object())
}

impl Product {
    fn read(v: &Value<'_>) -> Product {
        Product { id: parsed(v, "id", Uuid::parse), name: text(v, "name"), variants: objects(v, "variants").map(Variant::read).collect() }
    }
}

impl Variant {
    fn read(v: &Value<'_>) -> Variant {
        let price = v.get("price").and_then(|p| {
            let amount = p.get("amount").and_then(Value::as_i64)?;
            let currency = parsed(p, "currency", Currency::parse)?;
            Some(Money { amount, currency })
        });
        Variant {
            id: parsed(v, "id", Uuid::parse),
            sku: text(v, "sku"),
            name: text(v, "name"),
            price,
            stock_levels: objects(v, "stock_levels").map(StockLevel::read).collect(),
        }
    }
}

impl StockLevel {
    fn read(v: &Value<'_>) -> StockLevel {
        StockLevel {
            available: v.get("available").and_then(Value::as_i64),
            warehouse: v.get("warehouse").filter(|w| w.is_object()).map(Warehouse::read),
        }
    }
}

impl Warehouse {
    fn read(v: &Value<'_>) -> Warehouse {
        Warehouse {
            id: parsed(v, "id", Uuid::parse),
            name: text(v, "name"),
            country_code: parsed(v, "country_code", CountryCode::parse_any),
        }
    }
}

impl<'de> Deserialize<'de> for Campaign {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::loose::deserialize_with(deserializer, Campaign::read)
    }
}

impl Serialize for Campaign {
    /// Writes the campaign exactly as it was received.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        crate::json::serialize_raw(&self.raw, serializer)
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
        assert_eq!(c.raw_json(), text);
        assert_eq!(serde_json::to_string(&c).unwrap(), text);
    }

    #[test]
    fn needs_an_id() {
        assert!(Campaign::from_json(r#"{"name":"x"}"#).is_err());
        assert!(Campaign::from_json(r#"{"id":"nope"}"#).is_err());
    }
}
