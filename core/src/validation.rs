//! Every rule `POST /gift_requests` applies to its body (the API reference of the endpoint), in one place, worded as the
//! server words them: each problem is an [`ErrorItem`] with `type` `validation_error`, a `code` and a
//! `param` in dot notation with indexes. All problems are reported together, as the server does.
//!
//! | field | problem | code | message |
//! | --- | --- | --- | --- |
//! | any required text | missing, `null`, empty or blank | `required` | `is required` |
//! | any field | wrong JSON type | `invalid_format` | `must be a string` (object, array, integer) |
//! | `campaign_id` | not a UUID (**DECISION**: no id can match it) | `invalid_format` | `must be a UUID` |
//! | `recipient.email` | not an address ([`crate::email`]) | `invalid_format` | `must be a valid email address` |
//! | `shipping_address.country_code` | not two uppercase letters | `invalid_format` | `must be an ISO 3166-1 alpha-2 country code in uppercase` |
//! | `shipping_address.country_code` | two letters, not assigned | `invalid` | `is not an assigned ISO 3166-1 alpha-2 country code` |
//! | `shipping_address` / `line_items` | given without the other | `required` at the missing one | `is required with …` |
//! | `shipping_address` / `line_items` | explicit `null` | `invalid` | `must not be null` |
//! | `line_items` | empty array | `required` | `must contain at least one item` |
//! | `line_items[i]` | neither `sku` nor `variant_id` (a blank `sku` names nothing) | `required` at `line_items[i].sku` | `sku or variant_id is required` |
//! | `line_items[i].sku` | blank beside a `variant_id` | `invalid_format` | `must not be blank` |
//! | `line_items[i].variant_id` | not a UUID | `invalid_format` | `must be a UUID` |
//! | `line_items[i].quantity` | missing / not an integer / below 1 | `required` / `invalid_format` / `invalid` | `is required` / `must be an integer` / `must be at least 1` |
//! | any key | given twice in one object | `invalid` | `is given more than once` |
//! | the body | over [`crate::limits::MAX_BODY_BYTES`] (nothing else is read) | `body_too_large` (`api_error`, no param) | `the body is … bytes, over the SDK's limit …` |
//! | the list | more than [`MAX_PROBLEMS`] problems | `too_many_problems` (last entry, no param) | `… more problems are not listed …` |
//!
//! What only the server can judge stays with it: whether the campaign exists and allows direct-send,
//! whether a SKU or variant exists and has stock, whether a phone suits its country, whether a campaign
//! requires an email. A body that is not a JSON object is reported as the server would: `api_error` /
//! `malformed_request`, without a param.

use std::borrow::Cow;

use crate::api_error::{ErrorCode, ErrorItem, ErrorType};
use crate::country::{CountryCode, CountryCodeProblem};
use crate::draft::{AddressDraft, GiftRequestDraft, JsonBody, LineItemDraft, RecipientDraft};
use crate::email::is_email_address;
use crate::limits::MAX_PROBLEMS;
use crate::loose::Slot;
use crate::loose::Unreadable;
use crate::uuid::Uuid;

/// The server's message for a country code that is not two uppercase letters.
pub const COUNTRY_CODE_MESSAGE: &str = "must be an ISO 3166-1 alpha-2 country code in uppercase";

/// Which kind of gift request a valid body creates.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Mode {
    /// The recipient chooses their gift when they redeem.
    ChoiceMode,
    /// The items ship straight to the address given.
    DirectSend,
}

/// Collects problems while walking a draft: the first [`MAX_PROBLEMS`], and a count of the rest.
struct Findings(Vec<ErrorItem>, usize);

impl Findings {
    /// Notes a problem at `param`. Out of line: problems are the rare path, and every rule calls it.
    #[cold]
    #[inline(never)]
    fn add(&mut self, code: ErrorCode, param: &str, message: &'static str) {
        if self.0.len() < MAX_PROBLEMS {
            self.0.push(ErrorItem {
                error_type: ErrorType::ValidationError,
                code,
                message: Cow::Borrowed(message),
                param: Some(param.to_owned()),
            });
        } else {
            self.1 += 1;
        }
    }

    /// The problems found, the last entry counting those beyond [`MAX_PROBLEMS`]; `None` when there are none.
    fn into_problems(self) -> Option<Vec<ErrorItem>> {
        let Findings(mut items, omitted) = self;
        if omitted > 0 {
            items.push(too_many(omitted));
        }
        if items.is_empty() { None } else { Some(items) }
    }

    #[inline]
    fn duplicates(&mut self, prefix: impl FnOnce() -> String, keys: &[Cow<'_, str>]) {
        if keys.is_empty() {
            return;
        }
        let prefix = prefix();
        for key in keys {
            self.add(ErrorCode::Invalid, &join(&prefix, key), "is given more than once");
        }
    }

    /// A required text: present, a string, not blank. Returns the text when it is one.
    #[inline]
    fn required_text<'s>(&mut self, slot: &'s Slot<Cow<'_, str>>, param: impl FnOnce() -> String) -> Option<&'s str> {
        match slot {
            Slot::Absent | Slot::Null => self.add(ErrorCode::Required, &param(), "is required"),
            Slot::WrongType => self.add(ErrorCode::InvalidFormat, &param(), "must be a string"),
            Slot::Value(v) if is_blank(v) => self.add(ErrorCode::Required, &param(), "is required"),
            Slot::Value(v) => return Some(v),
        }
        None
    }

    /// An optional text: absent, `null` or a string. Returns the text when it is one.
    #[inline]
    fn optional_text<'s>(&mut self, slot: &'s Slot<Cow<'_, str>>, param: impl FnOnce() -> String) -> Option<&'s str> {
        match slot {
            Slot::WrongType => self.add(ErrorCode::InvalidFormat, &param(), "must be a string"),
            Slot::Value(v) => return Some(v),
            Slot::Absent | Slot::Null => {}
        }
        None
    }
}

/// Whether `text` is empty or only whitespace (as `str::trim` counts it), deciding on the first byte in
/// the common case.
#[inline]
fn is_blank(text: &str) -> bool {
    match text.bytes().position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)) {
        None => true,
        Some(i) => !text.as_bytes().get(i).is_some_and(u8::is_ascii) && text.get(i..).is_some_and(|rest| rest.trim_start().is_empty()),
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() { key.to_owned() } else { format!("{prefix}.{key}") }
}

/// Checks a draft against every rule; returns the mode, or every problem found in body order.
#[inline]
pub(crate) fn check(draft: &GiftRequestDraft<'_>) -> Result<Mode, Vec<ErrorItem>> {
    let mut f = Findings(Vec::new(), 0);
    f.duplicates(String::new, &draft.duplicates);
    if let Some(id) = f.required_text(&draft.campaign_id, || "campaign_id".to_owned()) {
        if !Uuid::is_valid(id) {
            f.add(ErrorCode::InvalidFormat, "campaign_id", "must be a UUID");
        }
    }
    match &draft.recipient {
        Slot::Absent | Slot::Null => f.add(ErrorCode::Required, "recipient", "is required"),
        Slot::WrongType => f.add(ErrorCode::InvalidFormat, "recipient", "must be an object"),
        Slot::Value(r) => check_recipient(&mut f, r),
    }
    let mode = check_direct_send_pair(&mut f, draft);
    match &draft.shipping_address {
        Slot::WrongType => f.add(ErrorCode::InvalidFormat, "shipping_address", "must be an object"),
        Slot::Value(a) => check_address(&mut f, a),
        Slot::Absent | Slot::Null => {}
    }
    match &draft.line_items {
        Slot::WrongType => f.add(ErrorCode::InvalidFormat, "line_items", "must be an array"),
        Slot::Value(items) if items.is_empty() => f.add(ErrorCode::Required, "line_items", "must contain at least one item"),
        Slot::Value(items) => {
            for (i, item) in items.iter().enumerate() {
                check_line_item(&mut f, i, item);
            }
        }
        Slot::Absent | Slot::Null => {}
    }
    match f.into_problems() {
        None => Ok(mode),
        Some(problems) => Err(problems),
    }
}

#[inline]
fn check_recipient(f: &mut Findings, r: &RecipientDraft<'_>) {
    f.duplicates(|| "recipient".to_owned(), &r.duplicates);
    f.required_text(&r.first_name, || "recipient.first_name".to_owned());
    f.required_text(&r.last_name, || "recipient.last_name".to_owned());
    if let Some(email) = f.optional_text(&r.email, || "recipient.email".to_owned()) {
        if !is_email_address(email) {
            f.add(ErrorCode::InvalidFormat, "recipient.email", "must be a valid email address");
        }
    }
}

/// `shipping_address` and `line_items`: both or neither, and never an explicit `null`.
#[inline]
fn check_direct_send_pair(f: &mut Findings, draft: &GiftRequestDraft<'_>) -> Mode {
    let address = &draft.shipping_address;
    let items = &draft.line_items;
    if matches!(address, Slot::Null) {
        f.add(ErrorCode::Invalid, "shipping_address", "must not be null");
    }
    if matches!(items, Slot::Null) {
        f.add(ErrorCode::Invalid, "line_items", "must not be null");
    }
    match (address.is_given(), items.is_given()) {
        (true, false) if matches!(items, Slot::Absent) => {
            f.add(ErrorCode::Required, "line_items", "is required with shipping_address");
        }
        (false, true) if matches!(address, Slot::Absent) => {
            f.add(ErrorCode::Required, "shipping_address", "is required with line_items");
        }
        _ => {}
    }
    if address.is_given() || items.is_given() { Mode::DirectSend } else { Mode::ChoiceMode }
}

#[inline]
fn check_address(f: &mut Findings, a: &AddressDraft<'_>) {
    f.duplicates(|| "shipping_address".to_owned(), &a.duplicates);
    f.required_text(&a.address1, || "shipping_address.address1".to_owned());
    f.optional_text(&a.address2, || "shipping_address.address2".to_owned());
    f.required_text(&a.city, || "shipping_address.city".to_owned());
    f.required_text(&a.region, || "shipping_address.region".to_owned());
    f.required_text(&a.postal_code, || "shipping_address.postal_code".to_owned());
    if let Some(code) = f.required_text(&a.country_code, || "shipping_address.country_code".to_owned()) {
        match CountryCode::parse(code) {
            Ok(_) => {}
            Err(CountryCodeProblem::NotTwoUppercaseLetters) => {
                f.add(ErrorCode::InvalidFormat, "shipping_address.country_code", COUNTRY_CODE_MESSAGE);
            }
            Err(CountryCodeProblem::NotAssigned) => {
                f.add(ErrorCode::Invalid, "shipping_address.country_code", "is not an assigned ISO 3166-1 alpha-2 country code");
            }
        }
    }
    f.required_text(&a.phone, || "shipping_address.phone".to_owned());
}

#[inline]
fn check_line_item(f: &mut Findings, i: usize, slot: &Slot<LineItemDraft<'_>>) {
    let at = || format!("line_items[{i}]");
    let item = match slot {
        Slot::Value(item) => item,
        Slot::Absent | Slot::Null | Slot::WrongType => {
            f.add(ErrorCode::InvalidFormat, &at(), "must be an object");
            return;
        }
    };
    f.duplicates(at, &item.duplicates);
    let sku = f.optional_text(&item.sku, || format!("line_items[{i}].sku"));
    let variant = f.optional_text(&item.variant_id, || format!("line_items[{i}].variant_id"));
    let blank_sku = sku.is_some_and(is_blank);
    let names_sku = matches!(item.sku, Slot::WrongType) || (sku.is_some() && !blank_sku);
    let names_variant = matches!(item.variant_id, Slot::WrongType | Slot::Value(_));
    if !names_sku && !names_variant {
        f.add(ErrorCode::Required, &format!("line_items[{i}].sku"), "sku or variant_id is required");
    } else if blank_sku {
        f.add(ErrorCode::InvalidFormat, &format!("line_items[{i}].sku"), "must not be blank");
    }
    if variant.is_some_and(|v| !Uuid::is_valid(v)) {
        f.add(ErrorCode::InvalidFormat, &format!("line_items[{i}].variant_id"), "must be a UUID");
    }
    match item.quantity {
        Slot::Absent | Slot::Null => f.add(ErrorCode::Required, &format!("line_items[{i}].quantity"), "is required"),
        Slot::WrongType => f.add(ErrorCode::InvalidFormat, &format!("line_items[{i}].quantity"), "must be an integer"),
        Slot::Value(q) if !q.is_at_least(1) => f.add(ErrorCode::Invalid, &format!("line_items[{i}].quantity"), "must be at least 1"),
        Slot::Value(_) => {}
    }
}

pub use crate::draft::body_too_large;

/// The entry that ends a list cut at [`MAX_PROBLEMS`]: how many more problems there were.
pub fn too_many(omitted: usize) -> ErrorItem {
    ErrorItem {
        error_type: ErrorType::ValidationError,
        code: ErrorCode::TooManyProblems,
        message: Cow::Owned(format!("{omitted} more problems are not listed: the SDK reports the first {MAX_PROBLEMS} (MAX_PROBLEMS)")),
        param: None,
    }
}

/// The problem of a body that is not a JSON object, as the server reports it.
pub(crate) fn malformed(unreadable: Unreadable) -> ErrorItem {
    ErrorItem { error_type: ErrorType::ApiError, code: ErrorCode::MalformedRequest, message: Cow::Owned(unreadable.0), param: None }
}

/// Checks a create body given as JSON bytes: every problem at once, or the mode it would create.
///
/// Call it as a form changes, before anything is sent; it needs no key and no client.
#[inline]
pub fn validate_gift_request_json(body: &[u8]) -> Result<Mode, Vec<ErrorItem>> {
    check(&JsonBody::read(body).map_err(|e| vec![e])?.draft().map_err(|e| vec![e])?)
}

/// [`validate_gift_request_json`] for a body a host has split into tokens ([`crate::tokens`]): the same
/// answer as for the body's JSON text, without reading JSON, for tokens that cannot stand for more than
/// [`crate::limits::MAX_BODY_BYTES`] of it (see [`crate::tokens::MOST_PER_TAG`]). Larger tokens are only
/// refused when their text and tags alone are over the limit: send such a body as JSON text, which is
/// measured exactly. The JavaScript package validates objects this way, and larger ones as JSON text.
#[inline]
pub fn validate_gift_request_tokens(tags: &[u32], text: &[u8]) -> Result<Mode, Vec<ErrorItem>> {
    check(&GiftRequestDraft::from_tokens(tags, text).map_err(|e| vec![e])?)
}

/// Checks a create body given as JSON bytes and returns the exact body to send: the caller's fields in
/// the contract's order, unknown fields passed through untouched.
#[inline]
pub fn gift_request_body_from_json(body: &[u8]) -> Result<Vec<u8>, Vec<ErrorItem>> {
    let split = JsonBody::read(body).map_err(|e| vec![e])?;
    let draft = split.draft().map_err(|e| vec![e])?;
    check(&draft)?;
    let mut out = String::with_capacity(body.len() + 16);
    draft.write(&mut out);
    Ok(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_is_what_trim_empties() {
        for text in ["", " ", "\t\n\r\u{b}\u{c}", "\u{a0}", " \u{2003} ", "a", " a", "\u{a0}a", "é", "\u{1c}", "\u{85}", " \u{85}x"] {
            assert_eq!(is_blank(text), text.trim().is_empty(), "{text:?}");
        }
    }
}
