//! The API's resources, typed, as the core reads them: the gift request and the campaign (with its
//! catalogue), each with its JSON text so that nothing the API sent is out of reach.

use std::time::SystemTime;

use crate::http::{saturating, system_time};

/// Where a gift request has got to. The set may grow: a status this SDK does not know is kept as text.
#[derive(Clone, PartialEq, Eq, Hash, Debug, uniffi::Enum)]
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
    /// A status this SDK does not know yet.
    Unknown {
        /// The status as the API wrote it.
        value: String,
    },
}

impl From<&andopen_core::GiftRequestStatus> for GiftRequestStatus {
    fn from(status: &andopen_core::GiftRequestStatus) -> GiftRequestStatus {
        match status {
            andopen_core::GiftRequestStatus::Submitted => GiftRequestStatus::Submitted,
            andopen_core::GiftRequestStatus::Redeemed => GiftRequestStatus::Redeemed,
            andopen_core::GiftRequestStatus::Dispatched => GiftRequestStatus::Dispatched,
            andopen_core::GiftRequestStatus::Delivered => GiftRequestStatus::Delivered,
            andopen_core::GiftRequestStatus::Cancelled => GiftRequestStatus::Cancelled,
            andopen_core::GiftRequestStatus::Unknown(value) => GiftRequestStatus::Unknown { value: value.clone() },
        }
    }
}

impl From<&GiftRequestStatus> for andopen_core::GiftRequestStatus {
    fn from(status: &GiftRequestStatus) -> andopen_core::GiftRequestStatus {
        match status {
            GiftRequestStatus::Submitted => andopen_core::GiftRequestStatus::Submitted,
            GiftRequestStatus::Redeemed => andopen_core::GiftRequestStatus::Redeemed,
            GiftRequestStatus::Dispatched => andopen_core::GiftRequestStatus::Dispatched,
            GiftRequestStatus::Delivered => andopen_core::GiftRequestStatus::Delivered,
            GiftRequestStatus::Cancelled => andopen_core::GiftRequestStatus::Cancelled,
            GiftRequestStatus::Unknown { value } => andopen_core::GiftRequestStatus::from_wire(value),
        }
    }
}

/// The wire text of a status (`submitted`, ...; an unknown status as the API wrote it).
#[uniffi::export]
pub fn gift_request_status_text(status: GiftRequestStatus) -> String {
    andopen_core::GiftRequestStatus::from(&status).as_str().to_owned()
}

/// The status a wire text names (`submitted`, ...); any other text is kept as `Unknown`.
#[uniffi::export]
pub fn gift_request_status_from_text(text: String) -> GiftRequestStatus {
    (&andopen_core::GiftRequestStatus::from_wire(&text)).into()
}

/// One gifting transaction: a campaign, a recipient and, in direct-send, an address and items.
#[derive(Clone, PartialEq, Debug, uniffi::Record)]
pub struct GiftRequest {
    /// The gift request's id.
    pub id: String,
    /// Where the gift has got to.
    pub status: GiftRequestStatus,
    /// The campaign it belongs to.
    pub campaign_id: Option<String>,
    /// The link the recipient follows to redeem; absent until it is generated, shortly after creation.
    pub redemption_url: Option<String>,
    /// Who the gift is for.
    pub recipient: Recipient,
    /// Where it ships: present in direct-send, absent in choice-mode.
    pub shipping_address: Option<ShippingAddress>,
    /// The items once locked (at creation in direct-send, at redemption in choice-mode). Absent means
    /// "not yet locked", never "no items".
    pub line_items: Option<Vec<LineItem>>,
    /// When it was created.
    pub created_at: SystemTime,
    /// When it last changed.
    pub updated_at: SystemTime,
    /// The gift request in the API's JSON form, as the SDK read it (fields it does not model are not kept).
    pub json: String,
}

/// The recipient of a gift request, as returned (with its server-assigned id).
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct Recipient {
    /// The server-assigned id.
    pub id: Option<String>,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email address, when one was given.
    pub email: Option<String>,
}

/// A direct-send shipping address, as returned.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct ShippingAddress {
    /// Street address.
    pub address1: String,
    /// Second address line.
    pub address2: Option<String>,
    /// City.
    pub city: String,
    /// Region.
    pub region: String,
    /// Postal code.
    pub postal_code: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country_code: String,
    /// Contact number for the carrier.
    pub phone: String,
}

/// A locked line item, as returned.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct LineItem {
    /// The variant, as a bare id.
    pub variant_id: Option<String>,
    /// The variant's SKU.
    pub sku: Option<String>,
    /// How many.
    pub quantity: i64,
}

impl From<&andopen_core::GiftRequest> for GiftRequest {
    fn from(g: &andopen_core::GiftRequest) -> GiftRequest {
        GiftRequest {
            id: g.id.to_string(),
            status: (&g.status).into(),
            campaign_id: g.campaign_id.map(|id| id.to_string()),
            redemption_url: g.redemption_url.clone(),
            recipient: Recipient {
                id: g.recipient.id.map(|id| id.to_string()),
                first_name: g.recipient.first_name.clone(),
                last_name: g.recipient.last_name.clone(),
                email: g.recipient.email.clone(),
            },
            shipping_address: g.shipping_address.as_ref().map(|a| ShippingAddress {
                address1: a.address1.clone(),
                address2: a.address2.clone(),
                city: a.city.clone(),
                region: a.region.clone(),
                postal_code: a.postal_code.clone(),
                country_code: a.country_code.to_string(),
                phone: a.phone.clone(),
            }),
            line_items: g.line_items.as_ref().map(|items| {
                items
                    .iter()
                    .map(|i| LineItem {
                        variant_id: i.variant_id.map(|id| id.to_string()),
                        sku: i.sku.clone(),
                        quantity: saturating(i.quantity),
                    })
                    .collect()
            }),
            created_at: system_time(g.created_at),
            updated_at: system_time(g.updated_at),
            // Writing plain data cannot fail.
            json: serde_json::to_string(g).unwrap_or_default(),
        }
    }
}

/// A campaign: a gift catalogue. The documented fields are typed; `raw_json` is the object exactly as the
/// API sent it, undocumented fields included.
#[derive(Clone, PartialEq, Debug, uniffi::Record)]
pub struct Campaign {
    /// The campaign's id (the `campaign_id` of a gift request).
    pub id: String,
    /// Its name.
    pub name: Option<String>,
    /// How recipients are invited (`sender_provided_address`, or another method).
    pub invitation_method: Option<String>,
    /// Whether gift requests against it may be direct-send.
    pub allows_direct_send: bool,
    /// The catalogue.
    pub products: Vec<Product>,
    /// When it was created.
    pub created_at: Option<SystemTime>,
    /// When it last changed.
    pub updated_at: Option<SystemTime>,
    /// The campaign object exactly as received.
    pub raw_json: String,
}

/// A product of a campaign's catalogue.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct Product {
    /// The product's id.
    pub id: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// Its variants.
    pub variants: Vec<Variant>,
}

/// A variant: what a line item names by `variant_id` or `sku`.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct Variant {
    /// The variant's id (a line item's `variant_id`).
    pub id: Option<String>,
    /// Its SKU (a line item's `sku`).
    pub sku: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// Its value, where the API gives one.
    pub price: Option<Money>,
    /// Stock per warehouse.
    pub stock_levels: Vec<StockLevel>,
    /// Units available across all warehouses.
    pub available: i64,
}

/// An amount of money in minor units: `{ amount: 2500, currency: "EUR" }` is 25.00 EUR.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct Money {
    /// The amount in the currency's smallest unit.
    pub amount: i64,
    /// The ISO 4217 code.
    pub currency: String,
}

impl From<andopen_core::Money> for Money {
    fn from(m: andopen_core::Money) -> Money {
        Money { amount: m.amount, currency: m.currency.as_str().to_owned() }
    }
}

/// How much of a variant one warehouse holds.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct StockLevel {
    /// Units available.
    pub available: Option<i64>,
    /// The warehouse.
    pub warehouse: Option<Warehouse>,
}

/// A warehouse holding stock.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct Warehouse {
    /// The warehouse's id.
    pub id: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// Where it is.
    pub country_code: Option<String>,
}

impl From<&andopen_core::Campaign> for Campaign {
    fn from(c: &andopen_core::Campaign) -> Campaign {
        Campaign {
            id: c.id.to_string(),
            name: c.name.clone(),
            invitation_method: c.invitation_method.as_ref().map(|m| m.as_str().to_owned()),
            allows_direct_send: c.allows_direct_send(),
            products: c.products.iter().map(product).collect(),
            created_at: c.created_at.map(system_time),
            updated_at: c.updated_at.map(system_time),
            raw_json: c.raw_json().to_owned(),
        }
    }
}

fn product(p: &andopen_core::Product) -> Product {
    Product { id: p.id.map(|id| id.to_string()), name: p.name.clone(), variants: p.variants.iter().map(variant).collect() }
}

fn variant(v: &andopen_core::Variant) -> Variant {
    Variant {
        id: v.id.map(|id| id.to_string()),
        sku: v.sku.clone(),
        name: v.name.clone(),
        price: v.price.map(Money::from),
        stock_levels: v
            .stock_levels
            .iter()
            .map(|s| StockLevel {
                available: s.available,
                warehouse: s.warehouse.as_ref().map(|w| Warehouse {
                    id: w.id.map(|id| id.to_string()),
                    name: w.name.clone(),
                    country_code: w.country_code.map(|c| c.to_string()),
                }),
            })
            .collect(),
        available: v.available(),
    }
}

/// One page of the campaign list, newest first.
#[derive(Clone, PartialEq, Debug, uniffi::Record)]
pub struct CampaignPage {
    /// The campaigns of this page.
    pub data: Vec<Campaign>,
    /// Whether more pages follow.
    pub has_more: bool,
}

impl From<&andopen_core::Page<andopen_core::Campaign>> for CampaignPage {
    fn from(page: &andopen_core::Page<andopen_core::Campaign>) -> CampaignPage {
        CampaignPage { data: page.data.iter().map(Campaign::from).collect(), has_more: page.has_more }
    }
}
