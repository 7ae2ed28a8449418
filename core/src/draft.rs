//! A gift-request body as the caller gave it, field by field ([`Slot`]s), before any rule is applied;
//! and the writer that turns an accepted draft back into body bytes, unknown keys included.
//!
//! Every way in leads here: a host's tokens ([`GiftRequestDraft::from_tokens`]), JSON bytes (split into
//! tokens first: [`JsonBody`]) and the typed [`NewGiftRequest`] ([`GiftRequestDraft::from_params`]), so
//! that one reader and one validator serve them all.

use std::borrow::Cow;

use crate::api_error::{ErrorCode, ErrorItem, ErrorType};
use crate::json::{ObjectWriter, write_i64, write_u64};
use crate::limits::MAX_BODY_BYTES;
use crate::loose::{Extra, Integer, Loose, Shape, Slot, Source, Unreadable, second_occurrences};
use crate::params::{NewGiftRequest, NewLineItem, NewRecipient, NewShippingAddress};
use crate::tokens::Tokens;
use crate::validation::malformed;

/// A create body, read loosely.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct GiftRequestDraft<'a> {
    pub(crate) campaign_id: Slot<Cow<'a, str>>,
    pub(crate) recipient: Slot<RecipientDraft<'a>>,
    pub(crate) shipping_address: Slot<Box<AddressDraft<'a>>>,
    pub(crate) line_items: Slot<Vec<Slot<LineItemDraft<'a>>>>,
    pub(crate) extra: Extra<'a>,
    pub(crate) duplicates: Vec<Cow<'a, str>>,
}

/// `recipient`, read loosely.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct RecipientDraft<'a> {
    pub(crate) first_name: Slot<Cow<'a, str>>,
    pub(crate) last_name: Slot<Cow<'a, str>>,
    pub(crate) email: Slot<Cow<'a, str>>,
    pub(crate) extra: Extra<'a>,
    pub(crate) duplicates: Vec<Cow<'a, str>>,
}

/// `shipping_address`, read loosely.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct AddressDraft<'a> {
    pub(crate) address1: Slot<Cow<'a, str>>,
    pub(crate) address2: Slot<Cow<'a, str>>,
    pub(crate) city: Slot<Cow<'a, str>>,
    pub(crate) region: Slot<Cow<'a, str>>,
    pub(crate) postal_code: Slot<Cow<'a, str>>,
    pub(crate) country_code: Slot<Cow<'a, str>>,
    pub(crate) phone: Slot<Cow<'a, str>>,
    pub(crate) extra: Extra<'a>,
    pub(crate) duplicates: Vec<Cow<'a, str>>,
}

/// One entry of `line_items`, read loosely.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct LineItemDraft<'a> {
    pub(crate) sku: Slot<Cow<'a, str>>,
    pub(crate) variant_id: Slot<Cow<'a, str>>,
    pub(crate) quantity: Slot<Integer>,
    pub(crate) extra: Extra<'a>,
    pub(crate) duplicates: Vec<Cow<'a, str>>,
}

impl<'a> GiftRequestDraft<'a> {
    /// Reads a body a host has split into tokens ([`crate::tokens`]): the same draft as from its JSON text.
    /// Its size is taken as at least the text's bytes plus one for every two tags, which never exceeds the
    /// length of the same body as JSON text (a host sends a body that may be longer as JSON text: see
    /// [`crate::tokens::MOST_PER_TAG`]).
    #[inline]
    pub(crate) fn from_tokens(tags: &'a [u32], text: &'a [u8]) -> Result<GiftRequestDraft<'a>, ErrorItem> {
        let least = text.len().saturating_add(tags.len() / 2);
        if least > MAX_BODY_BYTES {
            return Err(body_too_large(least, true));
        }
        Self::read_tokens(tags, text)
    }

    #[inline]
    fn read_tokens(tags: &'a [u32], text: &'a [u8]) -> Result<GiftRequestDraft<'a>, ErrorItem> {
        let read = || {
            let mut tokens = Tokens::new(tags, text)?;
            let slot: Slot<GiftRequestDraft<'a>> = tokens.slot()?;
            tokens.end()?;
            object(slot)
        };
        read().map_err(malformed)
    }

    /// Views typed parameters as a draft, borrowing every string.
    pub(crate) fn from_params(params: &'a NewGiftRequest) -> GiftRequestDraft<'a> {
        GiftRequestDraft {
            campaign_id: text(&params.campaign_id),
            recipient: Slot::Value(RecipientDraft::from_params(&params.recipient)),
            shipping_address: params
                .shipping_address
                .as_ref()
                .map_or(Slot::Absent, |a| Slot::Value(Box::new(AddressDraft::from_params(a)))),
            line_items: params
                .line_items
                .as_ref()
                .map_or(Slot::Absent, |items| Slot::Value(items.iter().map(|i| Slot::Value(LineItemDraft::from_params(i))).collect())),
            extra: params.extra.borrowed(),
            duplicates: params.extra.clashes(&["campaign_id", "recipient", "shipping_address", "line_items"]),
        }
    }
}

/// A body given as JSON text. Read it with [`JsonBody::read`], then take its [`JsonBody::draft`].
///
/// In the WebAssembly module the text is split into tokens first ([`crate::tokens::split_json`]) and read
/// by the reader of a host's tokens, so that the module holds one reader of drafts (2 KB gzipped less).
/// Natively the text is read as it is, which is 30 to 40 % faster (`cargo bench -p andopen-core --bench
/// core -- JSON`). Both give the same draft and the same problems, in the same words: the JavaScript
/// package's tests replay every create vector through both ways in.
pub(crate) struct JsonBody<'a> {
    #[cfg(target_arch = "wasm32")]
    split: (Vec<u32>, String),
    #[cfg(target_arch = "wasm32")]
    body: std::marker::PhantomData<&'a [u8]>,
    #[cfg(not(target_arch = "wasm32"))]
    body: &'a [u8],
}

impl<'a> JsonBody<'a> {
    /// Takes a body. Fails when it is larger than [`MAX_BODY_BYTES`] (before reading any of it), and in
    /// the WebAssembly module when it is not JSON, with the problem as the server words it.
    pub(crate) fn read(body: &'a [u8]) -> Result<JsonBody<'a>, ErrorItem> {
        refuse_over_limit(body.len())?;
        #[cfg(target_arch = "wasm32")]
        return Ok(JsonBody { split: crate::tokens::split_json(body).map_err(malformed)?, body: std::marker::PhantomData });
        #[cfg(not(target_arch = "wasm32"))]
        Ok(JsonBody { body })
    }

    /// The draft: fails when the body is not one JSON object.
    #[inline]
    pub(crate) fn draft(&self) -> Result<GiftRequestDraft<'_>, ErrorItem> {
        #[cfg(target_arch = "wasm32")]
        return GiftRequestDraft::read_tokens(&self.split.0, self.split.1.as_bytes());
        #[cfg(not(target_arch = "wasm32"))]
        {
            let read = || {
                let mut scanner = crate::loose::Scanner::new(self.body)?;
                let slot: Slot<GiftRequestDraft<'_>> = scanner.slot()?;
                scanner.end()?;
                object(slot)
            };
            read().map_err(malformed)
        }
    }
}

/// Refuses a body of `len` bytes when it is over [`MAX_BODY_BYTES`].
pub(crate) fn refuse_over_limit(len: usize) -> Result<(), ErrorItem> {
    if len <= MAX_BODY_BYTES { Ok(()) } else { Err(body_too_large(len, false)) }
}

/// The problem of a body over [`MAX_BODY_BYTES`]: `api_error` / `body_too_large`, no param. `at_least`
/// when `len` is only what is known of the size (a host that stopped measuring there). The one wording of
/// this refusal, for the core and for the hosts that refuse a body before handing it over.
pub fn body_too_large(len: usize, at_least: bool) -> ErrorItem {
    let size = if at_least { format!("at least {len} bytes") } else { format!("{len} bytes") };
    ErrorItem {
        error_type: ErrorType::ApiError,
        code: ErrorCode::BodyTooLarge,
        message: Cow::Owned(format!("the body is {size}, over the SDK's limit of {MAX_BODY_BYTES} bytes (MAX_BODY_BYTES)")),
        param: None,
    }
}

/// Bounds on the length of a draft's JSON text, without writing it: every text counted as its bytes (the
/// least) and as six bytes each plus quotes (the most an escape takes), each key and its punctuation as
/// [`KEY_MOST`] at most.
#[derive(Clone, Copy, Default)]
struct Size {
    least: usize,
    most: usize,
}

/// The most a modelled key, its quotes, colon and comma take.
const KEY_MOST: usize = 24;

impl Size {
    fn text(&mut self, slot: &Slot<Cow<'_, str>>) {
        if let Slot::Value(v) = slot {
            self.least = self.least.saturating_add(v.len());
            self.most = self.most.saturating_add(v.len().saturating_mul(6)).saturating_add(2);
        }
        self.most = self.most.saturating_add(KEY_MOST);
    }

    fn extra(&mut self, extra: &Extra<'_>) {
        for (key, raw) in &extra.0 {
            self.least = self.least.saturating_add(key.len()).saturating_add(raw.len());
            self.most = self.most.saturating_add(key.len().saturating_mul(6)).saturating_add(raw.len()).saturating_add(4);
        }
    }

    fn of(d: &GiftRequestDraft<'_>) -> Size {
        let mut size = Size { least: 2, most: 2 + 4 * KEY_MOST };
        size.text(&d.campaign_id);
        if let Slot::Value(r) = &d.recipient {
            for t in [&r.first_name, &r.last_name, &r.email] {
                size.text(t);
            }
            size.extra(&r.extra);
        }
        if let Slot::Value(a) = &d.shipping_address {
            for t in [&a.address1, &a.address2, &a.city, &a.region, &a.postal_code, &a.country_code, &a.phone] {
                size.text(t);
            }
            size.extra(&a.extra);
        }
        if let Slot::Value(items) = &d.line_items {
            for item in items.iter().filter_map(|i| if let Slot::Value(i) = i { Some(i) } else { None }) {
                size.text(&item.sku);
                size.text(&item.variant_id);
                size.least = size.least.saturating_add(1);
                size.most = size.most.saturating_add(KEY_MOST + 20 + 4);
                size.extra(&item.extra);
            }
        }
        size.extra(&d.extra);
        size
    }
}

impl GiftRequestDraft<'_> {
    /// Refuses a draft whose body would be over [`MAX_BODY_BYTES`], writing it only when its bounds do not
    /// settle the question (a draft from typed parameters, which has no text to measure).
    pub(crate) fn refuse_if_too_large(&self) -> Result<(), ErrorItem> {
        let size = Size::of(self);
        if size.most <= MAX_BODY_BYTES {
            return Ok(());
        }
        if size.least > MAX_BODY_BYTES {
            return Err(body_too_large(size.least, true));
        }
        let mut body = String::with_capacity(size.least);
        self.write(&mut body);
        refuse_over_limit(body.len())
    }
}

/// The draft, when the body was an object.
#[inline]
fn object(slot: Slot<GiftRequestDraft<'_>>) -> Result<GiftRequestDraft<'_>, Unreadable> {
    match slot {
        Slot::Value(draft) => Ok(draft),
        _ => Err(Unreadable("the body must be a JSON object".to_owned())),
    }
}

fn text(value: &str) -> Slot<Cow<'_, str>> {
    Slot::Value(Cow::Borrowed(value))
}

fn optional_text(value: Option<&String>) -> Slot<Cow<'_, str>> {
    value.map_or(Slot::Absent, |v| text(v))
}

impl<'a> RecipientDraft<'a> {
    fn from_params(p: &'a NewRecipient) -> RecipientDraft<'a> {
        RecipientDraft {
            first_name: text(&p.first_name),
            last_name: text(&p.last_name),
            email: optional_text(p.email.as_ref()),
            extra: p.extra.borrowed(),
            duplicates: p.extra.clashes(&["first_name", "last_name", "email"]),
        }
    }
}

impl<'a> AddressDraft<'a> {
    fn from_params(p: &'a NewShippingAddress) -> AddressDraft<'a> {
        AddressDraft {
            address1: text(&p.address1),
            address2: optional_text(p.address2.as_ref()),
            city: text(&p.city),
            region: text(&p.region),
            postal_code: text(&p.postal_code),
            country_code: text(&p.country_code),
            phone: text(&p.phone),
            extra: p.extra.borrowed(),
            duplicates: p.extra.clashes(&["address1", "address2", "city", "region", "postal_code", "country_code", "phone"]),
        }
    }
}

impl<'a> LineItemDraft<'a> {
    fn from_params(p: &'a NewLineItem) -> LineItemDraft<'a> {
        LineItemDraft {
            sku: optional_text(p.sku.as_ref()),
            variant_id: optional_text(p.variant_id.as_ref()),
            quantity: Slot::Value(Integer::Signed(p.quantity)),
            extra: p.extra.borrowed(),
            duplicates: p.extra.clashes(&["sku", "variant_id", "quantity"]),
        }
    }
}

/// Reads the value of `key` into `slot`, noting the key when the object already had it.
#[inline]
fn fill<'a, T: Loose<'a>, S: Source<'a>>(
    slot: &mut Slot<T>,
    key: Cow<'a, str>,
    s: &mut S,
    duplicates: &mut Vec<Cow<'a, str>>,
) -> Result<(), Unreadable> {
    let value = s.slot()?;
    if !matches!(slot, Slot::Absent) {
        note_repeat(key, duplicates);
    }
    *slot = value;
    Ok(())
}

/// Notes `key` as given more than once (once, however many times it is repeated).
#[cold]
#[inline(never)]
fn note_repeat<'a>(key: Cow<'a, str>, duplicates: &mut Vec<Cow<'a, str>>) {
    if !duplicates.contains(&key) {
        duplicates.push(key);
    }
}

/// Keeps an unknown key with its value's text. Repeats among unknown keys are found once the object is
/// read ([`repeated_extra`]), so that an object of many unknown keys costs no more than sorting them.
#[inline]
fn keep<'a, S: Source<'a>>(extra: &mut Extra<'a>, key: Cow<'a, str>, s: &mut S) -> Result<(), Unreadable> {
    let raw = s.raw()?;
    extra.0.push((key, raw));
    Ok(())
}

/// Notes the unknown keys given more than once, after the modelled ones, in the order of their first
/// repeat. Call it once an object is read. Out of line: it is compiled once for every way in.
#[inline(never)]
fn repeated_extra<'a>(extra: &Extra<'a>, duplicates: &mut Vec<Cow<'a, str>>) {
    if extra.0.len() < 2 {
        return;
    }
    let key = |i: usize| extra.0.get(i).map_or("", |(k, _)| k.as_ref());
    for i in second_occurrences(extra.0.len(), key) {
        if let Some((k, _)) = extra.0.get(i) {
            duplicates.push(k.clone());
        }
    }
}

impl<'a> Loose<'a> for GiftRequestDraft<'a> {
    const SHAPE: Shape = Shape::Object;
    #[inline]
    fn read<S: Source<'a>>(source: &mut S) -> Result<Option<Self>, Unreadable> {
        let mut d = GiftRequestDraft::default();
        source.object(|s, key| match key.as_ref() {
            "campaign_id" => fill(&mut d.campaign_id, key, s, &mut d.duplicates),
            "recipient" => fill(&mut d.recipient, key, s, &mut d.duplicates),
            "shipping_address" => fill(&mut d.shipping_address, key, s, &mut d.duplicates),
            "line_items" => fill(&mut d.line_items, key, s, &mut d.duplicates),
            _ => keep(&mut d.extra, key, s),
        })?;
        repeated_extra(&d.extra, &mut d.duplicates);
        Ok(Some(d))
    }
}

impl<'a> Loose<'a> for RecipientDraft<'a> {
    const SHAPE: Shape = Shape::Object;
    #[inline]
    fn read<S: Source<'a>>(source: &mut S) -> Result<Option<Self>, Unreadable> {
        let mut d = RecipientDraft::default();
        source.object(|s, key| match key.as_ref() {
            "first_name" => fill(&mut d.first_name, key, s, &mut d.duplicates),
            "last_name" => fill(&mut d.last_name, key, s, &mut d.duplicates),
            "email" => fill(&mut d.email, key, s, &mut d.duplicates),
            _ => keep(&mut d.extra, key, s),
        })?;
        repeated_extra(&d.extra, &mut d.duplicates);
        Ok(Some(d))
    }
}

impl<'a> Loose<'a> for Box<AddressDraft<'a>> {
    const SHAPE: Shape = Shape::Object;
    #[inline]
    fn read<S: Source<'a>>(source: &mut S) -> Result<Option<Self>, Unreadable> {
        let mut d = Box::<AddressDraft<'a>>::default();
        source.object(|s, key| {
            let slot = match key.as_ref() {
                "address1" => &mut d.address1,
                "address2" => &mut d.address2,
                "city" => &mut d.city,
                "region" => &mut d.region,
                "postal_code" => &mut d.postal_code,
                "country_code" => &mut d.country_code,
                "phone" => &mut d.phone,
                _ => return keep(&mut d.extra, key, s),
            };
            fill(slot, key, s, &mut d.duplicates)
        })?;
        repeated_extra(&d.extra, &mut d.duplicates);
        Ok(Some(d))
    }
}

impl<'a> Loose<'a> for LineItemDraft<'a> {
    const SHAPE: Shape = Shape::Object;
    #[inline]
    fn read<S: Source<'a>>(source: &mut S) -> Result<Option<Self>, Unreadable> {
        let mut d = LineItemDraft::default();
        source.object(|s, key| match key.as_ref() {
            "sku" => fill(&mut d.sku, key, s, &mut d.duplicates),
            "variant_id" => fill(&mut d.variant_id, key, s, &mut d.duplicates),
            "quantity" => fill(&mut d.quantity, key, s, &mut d.duplicates),
            _ => keep(&mut d.extra, key, s),
        })?;
        repeated_extra(&d.extra, &mut d.duplicates);
        Ok(Some(d))
    }
}

/// Writes a text slot: absent keys stay absent, `null` stays `null`.
fn text_slot(o: &mut ObjectWriter<'_>, key: &str, slot: &Slot<Cow<'_, str>>) {
    match slot {
        Slot::Absent | Slot::WrongType => {}
        Slot::Null => o.raw(key, "null"),
        Slot::Value(v) => o.str(key, v),
    }
}

/// Writes keys the SDK does not model, with their values as given (see [`Extra`]).
fn extra(o: &mut ObjectWriter<'_>, extra: &Extra<'_>) {
    for (key, raw) in &extra.0 {
        o.raw(key, raw);
    }
}

impl GiftRequestDraft<'_> {
    /// Writes the body to send: the caller's fields in the contract's order, then unknown keys as given.
    /// Call it only on a draft the validator accepted.
    pub(crate) fn write(&self, out: &mut String) {
        let mut w = ObjectWriter::open(out);
        text_slot(&mut w, "campaign_id", &self.campaign_id);
        if let Slot::Value(r) = &self.recipient {
            let mut o = ObjectWriter::open(w.key("recipient"));
            text_slot(&mut o, "first_name", &r.first_name);
            text_slot(&mut o, "last_name", &r.last_name);
            text_slot(&mut o, "email", &r.email);
            extra(&mut o, &r.extra);
            o.close();
        }
        if let Slot::Value(a) = &self.shipping_address {
            let mut o = ObjectWriter::open(w.key("shipping_address"));
            text_slot(&mut o, "address1", &a.address1);
            text_slot(&mut o, "address2", &a.address2);
            text_slot(&mut o, "city", &a.city);
            text_slot(&mut o, "region", &a.region);
            text_slot(&mut o, "postal_code", &a.postal_code);
            text_slot(&mut o, "country_code", &a.country_code);
            text_slot(&mut o, "phone", &a.phone);
            extra(&mut o, &a.extra);
            o.close();
        }
        if let Slot::Value(items) = &self.line_items {
            w.key("line_items");
            w.out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    w.out.push(',');
                }
                if let Slot::Value(item) = item {
                    let mut o = ObjectWriter::open(w.out);
                    text_slot(&mut o, "sku", &item.sku);
                    text_slot(&mut o, "variant_id", &item.variant_id);
                    match item.quantity {
                        Slot::Value(Integer::Signed(q)) => write_i64(o.key("quantity"), q),
                        Slot::Value(Integer::Unsigned(q)) => write_u64(o.key("quantity"), q),
                        Slot::Absent | Slot::Null | Slot::WrongType => {}
                    }
                    extra(&mut o, &item.extra);
                    o.close();
                }
            }
            w.out.push(']');
        }
        extra(&mut w, &self.extra);
        w.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::{NewGiftRequest, NewLineItem, NewRecipient, NewShippingAddress};

    const CAMPAIGN: &str = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";

    fn direct_send(items: usize, sku: &str) -> NewGiftRequest {
        let text = |t: &str| t.to_owned();
        let address = NewShippingAddress {
            address1: text("1 Main St"),
            city: text("Springfield"),
            region: text("IL"),
            postal_code: text("62701"),
            country_code: text("US"),
            phone: text("+12175550100"),
            ..NewShippingAddress::default()
        };
        NewGiftRequest::direct_send(CAMPAIGN, NewRecipient::new("A", "B"), address, vec![NewLineItem::sku(sku, 1); items])
    }

    #[test]
    fn typed_parameters_are_held_to_the_body_limit_as_their_json_text_is() {
        // Each item `{"sku":"…","quantity":1}` is 24 bytes plus the sku and a comma; find counts on both
        // sides of the limit, measured by the written body itself.
        for (sku, quote) in [("MUG", ""), ("\u{1}\"", "escaped")] {
            let per_item = direct_send(2, sku).to_json().map(|b| b.len()).unwrap_or_default()
                - direct_send(1, sku).to_json().map(|b| b.len()).unwrap_or_default();
            let base = direct_send(1, sku).to_json().unwrap().len() - per_item;
            let fitting = (MAX_BODY_BYTES - base) / per_item;
            let at_limit = direct_send(fitting, sku);
            assert!(at_limit.validate().is_ok(), "{quote} {fitting} items fit");
            assert!(at_limit.to_json().unwrap().len() <= MAX_BODY_BYTES);
            for over in [direct_send(fitting + 1, sku), direct_send(10 * fitting, sku)] {
                let refused = over.validate().unwrap_err();
                assert_eq!(refused.len(), 1);
                assert_eq!(refused[0].code, ErrorCode::BodyTooLarge, "{quote}");
                assert_eq!(over.to_json().unwrap_err()[0].code, ErrorCode::BodyTooLarge);
            }
        }
    }
}
