//! The resources the mock holds, in exactly the shapes it sends (as the API reference gives them): every field present,
//! `null` never omitted, timestamps with milliseconds and `Z`. The mock writes its own JSON rather than
//! the SDK's, so that a client bug and a server bug cannot cancel out.

use serde::Serialize;

/// A campaign in the modelled shape `andopen_core::Campaign::from_json` reads, plus one field of the
/// mock's own (`requires_recipient_email`), which clients keep in the raw object.
#[derive(Clone, Debug, Serialize)]
pub struct Campaign {
    /// A UUID.
    pub id: String,
    /// Its name; the fixtures have fixed names (see the README).
    pub name: String,
    /// `email_link` (choice-mode only) or `sender_provided_address` (direct-send allowed).
    pub invitation_method: String,
    /// Whether a gift request must give `recipient.email` (a server-only rule).
    pub requires_recipient_email: bool,
    /// The catalogue.
    pub products: Vec<Product>,
    /// ISO 8601 with milliseconds.
    pub created_at: String,
    /// ISO 8601 with milliseconds.
    pub updated_at: String,
    #[serde(skip)]
    pub(crate) created_ms: i64,
}

impl Campaign {
    /// Whether direct-send gift requests are accepted.
    pub fn allows_direct_send(&self) -> bool {
        self.invitation_method == "sender_provided_address"
    }

    /// Every variant of the catalogue, with its product.
    pub fn variants(&self) -> impl Iterator<Item = &Variant> {
        self.products.iter().flat_map(|p| p.variants.iter())
    }

    /// The variant with this SKU.
    pub fn variant_by_sku(&self, sku: &str) -> Option<&Variant> {
        self.variants().find(|v| v.sku == sku)
    }

    /// The variant with this id (compared as lowercase text).
    pub fn variant_by_id(&self, id: &str) -> Option<&Variant> {
        self.variants().find(|v| v.id.eq_ignore_ascii_case(id))
    }

    /// Takes `quantity` units of variant `variant_id` from its warehouses, in order. Returns whether there
    /// was enough (nothing is taken when there was not).
    pub fn take_stock(&mut self, variant_id: &str, quantity: i64) -> bool {
        let Some(variant) = self.products.iter_mut().flat_map(|p| p.variants.iter_mut()).find(|v| v.id == variant_id) else {
            return false;
        };
        if variant.available() < quantity {
            return false;
        }
        let mut left = quantity;
        for level in &mut variant.stock_levels {
            let take = left.min(level.available.max(0));
            level.available -= take;
            left -= take;
        }
        true
    }
}

/// A product of a catalogue.
#[derive(Clone, Debug, Serialize)]
pub struct Product {
    /// A UUID.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its variants.
    pub variants: Vec<Variant>,
}

/// A variant: what a line item names by `sku` or `variant_id`.
#[derive(Clone, Debug, Serialize)]
pub struct Variant {
    /// A UUID (a line item's `variant_id`).
    pub id: String,
    /// Its SKU, unique within its campaign.
    pub sku: String,
    /// Its name.
    pub name: String,
    /// Its value.
    pub price: Money,
    /// Stock per warehouse.
    pub stock_levels: Vec<StockLevel>,
}

impl Variant {
    /// Units available across every warehouse.
    pub fn available(&self) -> i64 {
        self.stock_levels.iter().map(|s| s.available.max(0)).sum()
    }
}

/// An amount in minor units and an ISO 4217 code.
#[derive(Clone, Debug, Serialize)]
pub struct Money {
    /// Minor units.
    pub amount: i64,
    /// ISO 4217.
    pub currency: String,
}

/// Units of a variant one warehouse holds.
#[derive(Clone, Debug, Serialize)]
pub struct StockLevel {
    /// Units available.
    pub available: i64,
    /// The warehouse.
    pub warehouse: Warehouse,
}

/// A warehouse.
#[derive(Clone, Debug, Serialize)]
pub struct Warehouse {
    /// A UUID.
    pub id: String,
    /// Its name.
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country_code: String,
}

/// A gift request, as the API returns it (create, get, webhook bodies).
#[derive(Clone, Debug, Serialize)]
pub struct GiftRequest {
    /// A UUID.
    pub id: String,
    /// `submitted`, `redeemed`, `dispatched`, `delivered` or `cancelled`.
    pub status: &'static str,
    /// The campaign.
    pub campaign_id: Option<String>,
    /// `https://gift.andopen.test/r/{id}`, once generated.
    pub redemption_url: Option<String>,
    /// The recipient, with its server-assigned id.
    pub recipient: Recipient,
    /// Direct-send only.
    pub shipping_address: Option<ShippingAddress>,
    /// Locked at creation (direct-send) or at redemption (choice-mode); `null` until then.
    pub line_items: Option<Vec<LineItem>>,
    /// ISO 8601 with milliseconds.
    pub created_at: String,
    /// ISO 8601 with milliseconds.
    pub updated_at: String,
}

/// The recipient of a gift request.
#[derive(Clone, Debug, Serialize)]
pub struct Recipient {
    /// Server-assigned UUID.
    pub id: Option<String>,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email, when given.
    pub email: Option<String>,
}

/// A direct-send address.
#[derive(Clone, Debug, Serialize)]
pub struct ShippingAddress {
    /// Street.
    pub address1: String,
    /// Second line.
    pub address2: Option<String>,
    /// City.
    pub city: String,
    /// Region.
    pub region: String,
    /// Postal code.
    pub postal_code: String,
    /// ISO 3166-1 alpha-2, uppercase.
    pub country_code: String,
    /// Phone.
    pub phone: String,
}

/// A locked line item: both the variant's id and its SKU.
#[derive(Clone, Debug, Serialize)]
pub struct LineItem {
    /// The variant's id.
    pub variant_id: Option<String>,
    /// The variant's SKU.
    pub sku: Option<String>,
    /// How many.
    pub quantity: i64,
}

/// One error of an error body.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ErrorItem {
    /// The closed set the API reference gives.
    #[serde(rename = "type")]
    pub error_type: String,
    /// The code.
    pub code: String,
    /// For developers.
    pub message: String,
    /// Present only for field errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
}

impl ErrorItem {
    /// An error without a param.
    pub fn new(error_type: &str, code: &str, message: impl Into<String>) -> ErrorItem {
        ErrorItem { error_type: error_type.to_owned(), code: code.to_owned(), message: message.into(), param: None }
    }

    /// A `validation_error` at `param`.
    pub fn field(code: &str, param: impl Into<String>, message: impl Into<String>) -> ErrorItem {
        ErrorItem { error_type: "validation_error".to_owned(), code: code.to_owned(), message: message.into(), param: Some(param.into()) }
    }

    /// The same error from the core's validator, in the core's words.
    pub fn from_core(item: &andopen_core::ErrorItem) -> ErrorItem {
        ErrorItem {
            error_type: item.error_type.as_str().to_owned(),
            code: item.code.as_str().to_owned(),
            message: item.message.to_string(),
            param: item.param.clone(),
        }
    }
}

/// `{ "errors": [...] }` as bytes.
pub fn error_body(errors: &[ErrorItem]) -> Vec<u8> {
    #[derive(Serialize)]
    struct Body<'a> {
        errors: &'a [ErrorItem],
    }
    to_json(&Body { errors })
}

/// Any value as JSON bytes (`{}` should serialisation ever fail, which plain structs never do).
pub fn to_json(value: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec())
}
