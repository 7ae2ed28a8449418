//! What a caller sends to create a gift request, typed: [`NewGiftRequest`] and its parts.
//!
//! These types hold what the caller said, unchecked; [`NewGiftRequest::validate`] (or any call that
//! sends it) applies the contract's rules and reports every problem at once. A body that arrives as JSON
//! (from a form, a no-code tool, another language) goes through the same rules without these types: see
//! [`crate::validate_gift_request_json`].

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

use crate::api_error::ErrorItem;
use crate::draft::GiftRequestDraft;
use crate::loose::Extra;
use crate::validation::{self, Mode};

/// The body of `POST /gift_requests`. Leave `shipping_address` and `line_items` both `None` for a
/// choice-mode gift (the recipient picks), or set both for direct-send.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewGiftRequest {
    /// The campaign (a UUID).
    pub campaign_id: String,
    /// Who the gift is for.
    pub recipient: NewRecipient,
    /// Direct-send: where to ship. Requires `line_items`.
    pub shipping_address: Option<NewShippingAddress>,
    /// Direct-send: what to ship. Requires `shipping_address`.
    pub line_items: Option<Vec<NewLineItem>>,
    /// Fields this SDK does not model, sent as given.
    pub extra: ExtraFields,
}

impl NewGiftRequest {
    /// A choice-mode gift request: the recipient chooses their gift.
    pub fn choice_mode(campaign_id: impl Into<String>, recipient: NewRecipient) -> NewGiftRequest {
        NewGiftRequest { campaign_id: campaign_id.into(), recipient, ..NewGiftRequest::default() }
    }

    /// A direct-send gift request: these items to this address.
    pub fn direct_send(
        campaign_id: impl Into<String>,
        recipient: NewRecipient,
        shipping_address: NewShippingAddress,
        line_items: Vec<NewLineItem>,
    ) -> NewGiftRequest {
        NewGiftRequest {
            campaign_id: campaign_id.into(),
            recipient,
            shipping_address: Some(shipping_address),
            line_items: Some(line_items),
            extra: ExtraFields::default(),
        }
    }

    /// Checks every rule of the contract and returns every problem found, in the server's words. A body
    /// that would be over [`crate::limits::MAX_BODY_BYTES`] is refused as `body_too_large`, as its JSON text
    /// would be.
    pub fn validate(&self) -> Result<Mode, Vec<ErrorItem>> {
        let draft = GiftRequestDraft::from_params(self);
        draft.refuse_if_too_large().map_err(|e| vec![e])?;
        validation::check(&draft)
    }

    /// The JSON body, after validation.
    pub fn to_json(&self) -> Result<Vec<u8>, Vec<ErrorItem>> {
        let draft = GiftRequestDraft::from_params(self);
        draft.refuse_if_too_large().map_err(|e| vec![e])?;
        validation::check(&draft)?;
        let mut out = String::with_capacity(256);
        draft.write(&mut out);
        Ok(out.into_bytes())
    }
}

/// The recipient, supplied by value (without an id).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewRecipient {
    /// First name (required).
    pub first_name: String,
    /// Last name (required).
    pub last_name: String,
    /// Email address (optional; some campaigns require it server-side).
    pub email: Option<String>,
    /// Fields this SDK does not model, sent as given.
    pub extra: ExtraFields,
}

impl NewRecipient {
    /// A recipient by name.
    pub fn new(first_name: impl Into<String>, last_name: impl Into<String>) -> NewRecipient {
        NewRecipient { first_name: first_name.into(), last_name: last_name.into(), ..NewRecipient::default() }
    }

    /// With an email address.
    pub fn email(mut self, email: impl Into<String>) -> NewRecipient {
        self.email = Some(email.into());
        self
    }
}

/// A direct-send address. No name fields: the label uses the recipient's.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewShippingAddress {
    /// Street address (required).
    pub address1: String,
    /// Second line (optional).
    pub address2: Option<String>,
    /// City (required).
    pub city: String,
    /// Region (required, even where the country has none).
    pub region: String,
    /// Postal code (required).
    pub postal_code: String,
    /// ISO 3166-1 alpha-2, uppercase (required): `IE`, not `ie`.
    pub country_code: String,
    /// Contact number for the carrier (required); E.164 for a number outside the destination country.
    pub phone: String,
    /// Fields this SDK does not model, sent as given.
    pub extra: ExtraFields,
}

/// A direct-send item: a variant by `sku` and/or `variant_id`, and a quantity of at least 1.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewLineItem {
    /// The variant's SKU.
    pub sku: Option<String>,
    /// The variant's id (a UUID).
    pub variant_id: Option<String>,
    /// How many (at least 1).
    pub quantity: i64,
    /// Fields this SDK does not model, sent as given.
    pub extra: ExtraFields,
}

impl NewLineItem {
    /// `quantity` of the variant with this SKU.
    pub fn sku(sku: impl Into<String>, quantity: i64) -> NewLineItem {
        NewLineItem { sku: Some(sku.into()), quantity, ..NewLineItem::default() }
    }

    /// `quantity` of the variant with this id.
    pub fn variant(variant_id: impl Into<String>, quantity: i64) -> NewLineItem {
        NewLineItem { variant_id: Some(variant_id.into()), quantity, ..NewLineItem::default() }
    }
}

/// Fields the SDK does not model, each with its JSON value, sent after the modelled ones as given.
#[derive(Clone, Default)]
pub struct ExtraFields(Vec<(String, Box<str>)>);

impl ExtraFields {
    /// Adds a field. Fails only if `value` cannot be written as JSON.
    pub fn insert(&mut self, name: impl Into<String>, value: &impl Serialize) -> Result<(), serde_json::Error> {
        let raw = serde_json::to_string(value)?;
        self.0.push((name.into(), raw.into_boxed_str()));
        Ok(())
    }

    /// Adds a field whose value is already read as JSON (no serializer involved).
    pub fn insert_json(&mut self, name: impl Into<String>, value: &crate::json::JsonValue<'_>) {
        self.0.push((name.into(), value.to_json().into_boxed_str()));
    }

    /// The fields, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), &**v))
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The names that would appear twice in the body: first the extra fields named like a modelled one, then
    /// the extra names given more than once (in the order of their first repeat), as validation reports them
    /// for a JSON body. O(n log n) in the number of extra fields.
    pub(crate) fn clashes(&self, modelled: &[&str]) -> Vec<Cow<'_, str>> {
        let mut clashes: Vec<Cow<'_, str>> = Vec::new();
        for (name, _) in &self.0 {
            if modelled.contains(&name.as_str()) && !clashes.iter().any(|c| c == name) {
                clashes.push(Cow::Borrowed(name.as_str()));
            }
        }
        let key = |i: usize| self.0.get(i).map_or("", |(k, _)| k.as_str());
        for i in crate::loose::second_occurrences(self.0.len(), key) {
            if let Some((name, _)) = self.0.get(i) {
                if !modelled.contains(&name.as_str()) {
                    clashes.push(Cow::Borrowed(name.as_str()));
                }
            }
        }
        clashes
    }

    pub(crate) fn borrowed(&self) -> Extra<'_> {
        Extra(self.0.iter().map(|(k, v)| (Cow::Borrowed(k.as_str()), Cow::Borrowed(&**v))).collect())
    }
}

impl PartialEq for ExtraFields {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl fmt::Debug for ExtraFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}
