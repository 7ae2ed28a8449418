//! What a caller sends, typed: the body of a gift request and the campaign list's parameters. These hold
//! what the caller said, unchecked; the core applies the contract's rules when a call is made from them.

use andopen_core::ExtraFields;
use serde_json::value::RawValue;

use crate::errors::CoreError;

/// A field this SDK does not model, with its value as JSON text (`"42"`, `"\"text\""`, `"{...}"`); it is
/// sent as given, after the modelled fields.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct ExtraField {
    /// The key.
    pub name: String,
    /// The value, as JSON text.
    pub json: String,
}

/// The body of `POST /gift_requests`. Leave `shipping_address` and `line_items` both absent for a
/// choice-mode gift (the recipient picks), or give both for direct-send.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct NewGiftRequest {
    /// The campaign (a UUID).
    pub campaign_id: String,
    /// Who the gift is for.
    pub recipient: NewRecipient,
    /// Direct-send: where to ship. Requires `line_items`.
    #[uniffi(default)]
    pub shipping_address: Option<NewShippingAddress>,
    /// Direct-send: what to ship. Requires `shipping_address`.
    #[uniffi(default)]
    pub line_items: Option<Vec<NewLineItem>>,
    /// Fields this SDK does not model, sent as given.
    #[uniffi(default)]
    pub extra: Vec<ExtraField>,
}

/// The recipient, supplied by value (without an id).
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct NewRecipient {
    /// First name (required).
    pub first_name: String,
    /// Last name (required).
    pub last_name: String,
    /// Email address (optional; some campaigns require it, which only the server knows).
    #[uniffi(default)]
    pub email: Option<String>,
    /// Fields this SDK does not model, sent as given.
    #[uniffi(default)]
    pub extra: Vec<ExtraField>,
}

/// A direct-send address. No name fields: the label uses the recipient's.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct NewShippingAddress {
    /// Street address (required).
    pub address1: String,
    /// Second line (optional).
    #[uniffi(default)]
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
    #[uniffi(default)]
    pub extra: Vec<ExtraField>,
}

/// A direct-send item: a variant by `sku` and/or `variant_id`, and a quantity of at least 1.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct NewLineItem {
    /// The variant's SKU.
    #[uniffi(default)]
    pub sku: Option<String>,
    /// The variant's id (a UUID).
    #[uniffi(default)]
    pub variant_id: Option<String>,
    /// How many (at least 1).
    pub quantity: i64,
    /// Fields this SDK does not model, sent as given.
    #[uniffi(default)]
    pub extra: Vec<ExtraField>,
}

/// One query parameter, sent untouched (percent-encoded) after `limit` and `after`.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct QueryParam {
    /// The name.
    pub name: String,
    /// The value.
    pub value: String,
}

/// The parameters of `GET /campaigns`. The API sorts and filters the list with two parameters it does not
/// name: pass them in `extra_query`.
#[derive(Clone, PartialEq, Eq, Debug, Default, uniffi::Record)]
pub struct ListCampaignsParams {
    /// Page size (the server's default and maximum is 25; larger values are clamped by the server).
    #[uniffi(default)]
    pub limit: Option<i64>,
    /// Start after this campaign id (the last one of a previous page).
    #[uniffi(default)]
    pub after: Option<String>,
    /// Further query parameters, sent as given, in order.
    #[uniffi(default)]
    pub extra_query: Vec<QueryParam>,
}

impl From<ListCampaignsParams> for andopen_core::ListCampaigns {
    fn from(p: ListCampaignsParams) -> andopen_core::ListCampaigns {
        andopen_core::ListCampaigns {
            limit: p.limit,
            after: p.after,
            extra_query: p.extra_query.into_iter().map(|q| (q.name, q.value)).collect(),
        }
    }
}

/// Reads the extra fields of the object at `at` (`""` for the body itself); a value that is not JSON
/// text is refused, naming the field.
fn extra_fields(extra: &[ExtraField], at: &str) -> Result<ExtraFields, CoreError> {
    let mut fields = ExtraFields::default();
    for field in extra {
        let param = if at.is_empty() { field.name.clone() } else { format!("{at}.{}", field.name) };
        let value: Box<RawValue> = serde_json::from_str(&field.json)
            .map_err(|_| CoreError::invalid_input(param.clone(), "must be JSON text (an extra field's value)"))?;
        fields
            .insert(field.name.clone(), &value)
            .map_err(|_| CoreError::invalid_input(param, "must be JSON text (an extra field's value)"))?;
    }
    Ok(fields)
}

impl NewGiftRequest {
    /// The core's parameters. Only the extra fields' JSON text can be refused here; the contract's
    /// rules apply when a call is made.
    pub(crate) fn to_core(&self) -> Result<andopen_core::NewGiftRequest, CoreError> {
        let r = &self.recipient;
        let recipient = andopen_core::NewRecipient {
            first_name: r.first_name.clone(),
            last_name: r.last_name.clone(),
            email: r.email.clone(),
            extra: extra_fields(&r.extra, "recipient")?,
        };
        let shipping_address = match &self.shipping_address {
            None => None,
            Some(a) => Some(andopen_core::NewShippingAddress {
                address1: a.address1.clone(),
                address2: a.address2.clone(),
                city: a.city.clone(),
                region: a.region.clone(),
                postal_code: a.postal_code.clone(),
                country_code: a.country_code.clone(),
                phone: a.phone.clone(),
                extra: extra_fields(&a.extra, "shipping_address")?,
            }),
        };
        let line_items = match &self.line_items {
            None => None,
            Some(items) => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        Ok(andopen_core::NewLineItem {
                            sku: item.sku.clone(),
                            variant_id: item.variant_id.clone(),
                            quantity: item.quantity,
                            extra: extra_fields(&item.extra, &format!("line_items[{i}]"))?,
                        })
                    })
                    .collect::<Result<Vec<_>, CoreError>>()?,
            ),
        };
        Ok(andopen_core::NewGiftRequest {
            campaign_id: self.campaign_id.clone(),
            recipient,
            shipping_address,
            line_items,
            extra: extra_fields(&self.extra, "")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_fields_must_be_json_text() {
        let params = NewGiftRequest {
            campaign_id: "a1b2c3d4-e5f6-7890-abcd-ef1234567890".to_owned(),
            recipient: NewRecipient {
                first_name: "Alice".to_owned(),
                last_name: "Smith".to_owned(),
                email: None,
                extra: vec![ExtraField { name: "nickname".to_owned(), json: "not json".to_owned() }],
            },
            shipping_address: None,
            line_items: None,
            extra: vec![],
        };
        let report = params.to_core().unwrap_err().report().clone();
        assert_eq!(report.param.as_deref(), Some("recipient.nickname"));
        assert_eq!(report.code.as_deref(), Some("invalid_format"));
    }
}
