//! A JSON value that a host has already split into tokens: the fast way in for a payload that is a
//! JavaScript object, which the package can hand over without building its JSON text (no quoting and no
//! escaping on the JavaScript side, no scanning for quotes here). It reads into the same drafts as JSON
//! text, so every rule applies to both alike.
//!
//! The format is two arrays:
//! - `tags`, a walk of the value in JSON order, each value one of
//!   - [`OBJECT`] `n`, then `n` members, each its key followed by its value: the key as the length of its
//!     text, or, for a key of [`KEYS`], as `KEY | i` for `KEYS[i]` (with no text: a host that knows the keys
//!     of a gift request need not copy or encode them, nor the core measure them);
//!   - [`ARRAY`] `n`, then `n` values;
//!   - [`STRING`] `length`; [`NUMBER`] `length` (its text in JSON's number grammar);
//!   - [`TRUE`], [`FALSE`], [`NULL`];
//! - `text`, the UTF-8 of every key, string and number in the same order, back to back.
//!
//! Lengths count UTF-16 code units (what a JavaScript string's `length` gives), so the host need not
//! encode each string on its own: it encodes them all at once. For text that is all ASCII they are bytes.
//!
//! A walk that does not match its text (a length past its end or inside a character, a number that is not
//! one, a tag that is none, anything left over) is refused like a body that is not JSON; nothing panics.

use std::borrow::Cow;

use crate::json::write_str;
#[cfg(any(target_arch = "wasm32", test))]
use crate::loose::Scanner;
use crate::loose::{Integer, MAX_DEPTH, Next, Shape, Source, Unreadable, integer, number_len};

/// An object: its member count follows.
pub const OBJECT: u32 = 1;
/// An array: its length follows.
pub const ARRAY: u32 = 2;
/// A string: its length follows.
pub const STRING: u32 = 3;
/// A number: the length of its text follows.
pub const NUMBER: u32 = 4;
/// `true`.
pub const TRUE: u32 = 5;
/// `false`.
pub const FALSE: u32 = 6;
/// `null`.
pub const NULL: u32 = 7;

/// Marks a key written as its index in [`KEYS`] (`KEY | i`) rather than as the length of its text. No text
/// is that long: a body's text is at most [`crate::limits::MAX_BODY_BYTES`].
pub const KEY: u32 = 1 << 31;

/// The keys a host may write as `KEY | i`: every key of a gift-request body the SDK models (what
/// the drafts read). Any key may also go as text; the two read alike.
pub const KEYS: [&str; 17] = [
    "campaign_id",
    "recipient",
    "first_name",
    "last_name",
    "email",
    "shipping_address",
    "address1",
    "address2",
    "city",
    "region",
    "postal_code",
    "country_code",
    "phone",
    "line_items",
    "sku",
    "variant_id",
    "quantity",
];

/// The JSON text a host's tokens stand for: what the core reads from them. For a host's tests of its
/// writer; validation reads tokens without it.
pub fn to_json(tags: &[u32], text: &[u8]) -> Result<String, String> {
    let mut tokens = Tokens::new(tags, text).map_err(|u| u.0)?;
    let mut out = String::new();
    tokens.walk(Some(&mut out)).map_err(|u| u.0)?;
    tokens.end().map_err(|u| u.0)?;
    Ok(out)
}

/// The most bytes of JSON text one tag stands for, beside the text it takes: a key of [`KEYS`] (sixteen
/// bytes at most) with its quotes, colon and comma. Each byte of text is at most six bytes of JSON (an
/// escape such as `\u001f`), so tokens stand for at most `6 × text + MOST_PER_TAG × tags` bytes: a host
/// sends a payload whose bound is over [`crate::limits::MAX_BODY_BYTES`] as JSON text, which is measured
/// exactly (the tokens' own measure is a lower bound: see `validate_gift_request_tokens`).
pub const MOST_PER_TAG: usize = 20;

/// JSON text split into tokens (every key as text): how a body given as JSON text reaches the reader of a
/// host's tokens in the WebAssembly module, so that it holds one reader of drafts (see
/// [`crate::draft::JsonBody`]). Fails where the text is not JSON, with the reason the [`Scanner`] gives
/// (the same, word for word, as reading the text itself would give).
#[cfg(any(target_arch = "wasm32", test))]
pub(crate) fn split_json(body: &[u8]) -> Result<(Vec<u32>, String), Unreadable> {
    let mut scanner = Scanner::new(body)?;
    let mut split = Split { tags: Vec::with_capacity(body.len() / 4), text: String::with_capacity(body.len()) };
    split.value(&mut scanner)?;
    scanner.end()?;
    Ok((split.tags, split.text))
}

/// The tokens written so far by [`split_json`].
#[cfg(any(target_arch = "wasm32", test))]
struct Split {
    tags: Vec<u32>,
    text: String,
}

#[cfg(any(target_arch = "wasm32", test))]
impl Split {
    /// Writes the value the scanner stands on (its depth is the scanner's to bound).
    fn value(&mut self, s: &mut Scanner<'_>) -> Result<(), Unreadable> {
        match s.peek() {
            Some(b'{') => {
                let count_at = self.open(OBJECT);
                let mut n = 0;
                s.object(|s, key| {
                    self.tags.push(units(&key));
                    self.text.push_str(&key);
                    n += 1;
                    self.value(s)
                })?;
                self.close(count_at, n);
            }
            Some(b'[') => {
                let count_at = self.open(ARRAY);
                let mut n = 0;
                s.array(|s| {
                    n += 1;
                    self.value(s)
                })?;
                self.close(count_at, n);
            }
            Some(b'"') => {
                let string = s.string()?;
                self.text_token(STRING, &string);
            }
            _ => match s.skip()? {
                "true" => self.tags.push(TRUE),
                "false" => self.tags.push(FALSE),
                "null" => self.tags.push(NULL),
                number => self.text_token(NUMBER, number),
            },
        }
        Ok(())
    }

    /// Starts an object or an array; returns where its count goes.
    fn open(&mut self, tag: u32) -> usize {
        self.tags.extend([tag, 0]);
        self.tags.len() - 1
    }

    fn close(&mut self, count_at: usize, n: u32) {
        if let Some(count) = self.tags.get_mut(count_at) {
            *count = n;
        }
    }

    fn text_token(&mut self, tag: u32, text: &str) {
        self.tags.extend([tag, units(text)]);
        self.text.push_str(text);
    }
}

/// The length of `text` in UTF-16 code units, as the format counts it.
#[cfg(any(target_arch = "wasm32", test))]
fn units(text: &str) -> u32 {
    let units = if text.is_ascii() { text.len() } else { text.encode_utf16().count() };
    u32::try_from(units).unwrap_or(u32::MAX)
}

/// A reader over a host's tokens, for the drafts (see the module's doc for the format).
pub(crate) struct Tokens<'a> {
    tags: &'a [u32],
    at: usize,
    text: &'a str,
    pos: usize,
    ascii: bool,
    depth: usize,
}

impl<'a> Tokens<'a> {
    /// A reader over `tags` and `text`, which must be UTF-8.
    #[inline]
    pub(crate) fn new(tags: &'a [u32], text: &'a [u8]) -> Result<Tokens<'a>, Unreadable> {
        let text = std::str::from_utf8(text).map_err(|e| Unreadable(format!("the payload is not UTF-8 (byte {})", e.valid_up_to())))?;
        Ok(Tokens { tags, at: 0, text, pos: 0, ascii: text.is_ascii(), depth: 0 })
    }

    fn broken(&self, what: &str) -> Unreadable {
        Unreadable(format!("the payload's tokens are malformed: {what} (tag {})", self.at))
    }

    /// Checks that every tag and every byte of text was read.
    #[inline]
    pub(crate) fn end(&self) -> Result<(), Unreadable> {
        if self.at == self.tags.len() && self.pos == self.text.len() { Ok(()) } else { Err(self.broken("tokens follow the value")) }
    }

    #[inline]
    fn tag(&mut self) -> Result<u32, Unreadable> {
        let tag = self.tags.get(self.at).copied().ok_or_else(|| self.broken("the tags end early"))?;
        self.at += 1;
        Ok(tag)
    }

    /// Takes the next `units` UTF-16 code units of text.
    #[inline]
    fn take(&mut self, units: u32) -> Result<&'a str, Unreadable> {
        let rest = self.text.get(self.pos..).unwrap_or_default();
        let units = usize::try_from(units).unwrap_or(usize::MAX);
        let len = if self.ascii || rest.as_bytes().get(..units).is_some_and(<[u8]>::is_ascii) { units } else { utf8_len(rest, units) };
        let taken = rest.get(..len).ok_or_else(|| self.broken("a length runs past the text or ends inside a character"))?;
        self.pos += len;
        Ok(taken)
    }

    /// Takes a member's key: one of [`KEYS`] by its index, or the text of the length its tag gives.
    #[inline(never)]
    fn key(&mut self) -> Result<&'a str, Unreadable> {
        let tag = self.tag()?;
        if tag & KEY == 0 {
            return self.take(tag);
        }
        let known = usize::try_from(tag & !KEY).ok().and_then(|i| KEYS.get(i));
        known.copied().ok_or_else(|| self.broken("a key's index is past the known keys"))
    }

    #[inline]
    fn expect(&mut self, tag: u32, what: &str) -> Result<(), Unreadable> {
        if self.tag()? == tag { Ok(()) } else { Err(self.broken(what)) }
    }

    #[inline]
    fn enter(&mut self) -> Result<(), Unreadable> {
        self.depth += 1;
        if self.depth > MAX_DEPTH { Err(Unreadable(format!("the body nests objects and arrays deeper than {MAX_DEPTH}"))) } else { Ok(()) }
    }

    /// Reads the value the reader stands on, writing it as JSON text into `out` when there is one.
    fn walk(&mut self, mut out: Option<&mut String>) -> Result<(), Unreadable> {
        let push = |out: &mut Option<&mut String>, text: &str| {
            if let Some(out) = out.as_deref_mut() {
                out.push_str(text);
            }
        };
        let string = |out: &mut Option<&mut String>, text: &str| {
            if let Some(out) = out.as_deref_mut() {
                write_str(out, text);
            }
        };
        match self.tags.get(self.at).copied() {
            Some(OBJECT) => {
                self.at += 1;
                let n = self.tag()?;
                self.enter()?;
                push(&mut out, "{");
                for i in 0..n {
                    push(&mut out, if i > 0 { "," } else { "" });
                    string(&mut out, self.key()?);
                    push(&mut out, ":");
                    self.walk(out.as_deref_mut())?;
                }
                push(&mut out, "}");
                self.depth -= 1;
            }
            Some(ARRAY) => {
                self.at += 1;
                let n = self.tag()?;
                self.enter()?;
                push(&mut out, "[");
                for i in 0..n {
                    push(&mut out, if i > 0 { "," } else { "" });
                    self.walk(out.as_deref_mut())?;
                }
                push(&mut out, "]");
                self.depth -= 1;
            }
            Some(STRING) => {
                let text = self.string()?;
                string(&mut out, &text);
            }
            Some(NUMBER) => {
                let text = self.number_text()?;
                push(&mut out, text);
            }
            Some(TRUE) => {
                self.at += 1;
                push(&mut out, "true");
            }
            Some(FALSE) => {
                self.at += 1;
                push(&mut out, "false");
            }
            Some(NULL) => {
                self.at += 1;
                push(&mut out, "null");
            }
            Some(_) => return Err(self.broken("an unknown tag")),
            None => return Err(self.broken("the tags end early")),
        }
        Ok(())
    }

    /// Takes a number's text, checked against JSON's number grammar.
    #[inline]
    fn number_text(&mut self) -> Result<&'a str, Unreadable> {
        self.expect(NUMBER, "a number was expected")?;
        let units = self.tag()?;
        let text = self.take(units)?;
        match number_len(text.as_bytes()) {
            Ok(len) if len == text.len() => Ok(text),
            _ => Err(self.broken("a number's text is not a JSON number")),
        }
    }
}

/// How many bytes of `text` hold its first `units` UTF-16 code units (every character is one unit but
/// those of four bytes, which are two); past the end, or inside a character, when there are not that many.
#[inline]
fn utf8_len(text: &str, units: usize) -> usize {
    let mut counted = 0;
    for (at, b) in text.bytes().enumerate() {
        let starts_char = b & 0xc0 != 0x80;
        if starts_char && counted >= units {
            return if counted == units { at } else { usize::MAX };
        }
        counted += usize::from(starts_char) + usize::from(b >= 0xf0);
    }
    if counted == units { text.len() } else { usize::MAX }
}

impl<'a> Source<'a> for Tokens<'a> {
    #[inline]
    fn next(&mut self) -> Next {
        match self.tags.get(self.at) {
            Some(&NULL) => Next::Null,
            Some(&STRING) => Next::Shape(Shape::String),
            Some(&OBJECT) => Next::Shape(Shape::Object),
            Some(&ARRAY) => Next::Shape(Shape::Array),
            Some(&NUMBER) => Next::Shape(Shape::Integer),
            _ => Next::Other,
        }
    }

    #[inline]
    fn string(&mut self) -> Result<Cow<'a, str>, Unreadable> {
        self.expect(STRING, "a string was expected")?;
        let units = self.tag()?;
        self.take(units).map(Cow::Borrowed)
    }

    #[inline]
    fn number(&mut self) -> Result<Option<Integer>, Unreadable> {
        self.number_text().map(integer)
    }

    #[inline]
    fn object(&mut self, mut each: impl FnMut(&mut Self, Cow<'a, str>) -> Result<(), Unreadable>) -> Result<(), Unreadable> {
        self.expect(OBJECT, "an object was expected")?;
        let n = self.tag()?;
        self.enter()?;
        for _ in 0..n {
            let key = self.key()?;
            each(self, Cow::Borrowed(key))?;
        }
        self.depth -= 1;
        Ok(())
    }

    #[inline]
    fn array(&mut self, mut each: impl FnMut(&mut Self) -> Result<(), Unreadable>) -> Result<(), Unreadable> {
        self.expect(ARRAY, "an array was expected")?;
        let n = self.tag()?;
        self.enter()?;
        for _ in 0..n {
            each(self)?;
        }
        self.depth -= 1;
        Ok(())
    }

    #[inline]
    fn skip(&mut self) -> Result<(), Unreadable> {
        self.walk(None)
    }

    fn raw(&mut self) -> Result<Cow<'a, str>, Unreadable> {
        let mut out = String::new();
        self.walk(Some(&mut out))?;
        Ok(Cow::Owned(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits JSON text into tokens the way the JavaScript package does (lengths in UTF-16 code units).
    fn split(json: &str) -> (Vec<u32>, String) {
        split_json(json.as_bytes()).unwrap()
    }

    fn render(tags: &[u32], text: &str) -> Result<String, String> {
        to_json(tags, text.as_bytes())
    }

    #[test]
    fn tokens_render_back_to_the_json_they_came_from() {
        for json in [
            r#"{"a":[1,-0.5,2e21,true,false,null],"b":{},"c":[],"d":"x"}"#,
            r#"{"name":"Ní Bhriain 😀 中文","q":"say \"hi\"\\ \n\u0001"}"#,
            "[{\"😀\":\"\u{2028}\"},\"é\"]",
            r#""alone""#,
            "18446744073709551616",
        ] {
            let (tags, text) = split(json);
            assert_eq!(render(&tags, &text).unwrap(), json);
        }
    }

    /// The tokens of a JSON value as the JavaScript package writes them: every key of [`KEYS`] by its index.
    fn coded(value: &serde_json::Value, tags: &mut Vec<u32>, text: &mut String) {
        let mut text_token = |tag: u32, t: &str, tags: &mut Vec<u32>| {
            tags.extend([tag, units(t)]);
            text.push_str(t);
        };
        match value {
            serde_json::Value::Object(members) => {
                tags.extend([OBJECT, members.len() as u32]);
                for (key, value) in members {
                    match KEYS.iter().position(|k| k == key) {
                        Some(i) => tags.push(KEY | i as u32),
                        None => {
                            tags.push(units(key));
                            text.push_str(key);
                        }
                    }
                    coded(value, tags, text);
                }
            }
            serde_json::Value::Array(items) => {
                tags.extend([ARRAY, items.len() as u32]);
                for item in items {
                    coded(item, tags, text);
                }
            }
            serde_json::Value::String(s) => text_token(STRING, s, tags),
            serde_json::Value::Number(n) => text_token(NUMBER, &n.to_string(), tags),
            serde_json::Value::Bool(b) => tags.push(if *b { TRUE } else { FALSE }),
            serde_json::Value::Null => tags.push(NULL),
        }
    }

    #[test]
    fn known_keys_go_by_their_index_and_read_as_their_text() {
        let mut tags = Vec::new();
        let mut text = String::new();
        coded(&serde_json::json!({"campaign_id": 1, "quantityx": {"quantity": 2}}), &mut tags, &mut text);
        assert_eq!(tags, [OBJECT, 2, KEY, NUMBER, 1, 9, OBJECT, 1, KEY | 16, NUMBER, 1]);
        assert_eq!(text, "1quantityx2");
        assert_eq!(render(&[OBJECT, 2, KEY | 11, STRING, 2, 1, NULL], "IEa").unwrap(), r#"{"country_code":"IE","a":null}"#);
        assert_eq!(render(&[OBJECT, 1, 12, STRING, 2], "country_codeIE").unwrap(), r#"{"country_code":"IE"}"#, "or as text");
        for (i, key) in KEYS.iter().enumerate() {
            assert_eq!(KEYS.iter().position(|k| k == key), Some(i), "{key} is listed once");
        }
    }

    #[test]
    fn the_json_of_tokens_is_within_the_bound_on_it() {
        for key in KEYS {
            assert!(key.len() + 4 <= MOST_PER_TAG, "{key} with its quotes, colon and comma");
        }
        let escapes: String = (0u8..0x80).map(char::from).collect();
        let bodies = [
            serde_json::json!({"a": [1, -0.5, 2e21, true, false, null], "b": {}, "c": [], "d": "x"}),
            serde_json::json!({"name": "Ní Bhriain 😀 中文", "q": escapes, "shipping_address": {"country_code": "IE"}}),
            serde_json::json!([{"😀": "\u{2028}"}, "é", [[]], {"quantity": [null, false]}, {"\u{1}": "\u{1}"}]),
            serde_json::json!({"shipping_address": {"shipping_address": {"shipping_address": false}}}),
            serde_json::json!("alone"),
            serde_json::json!(false),
        ];
        for body in &bodies {
            let json = body.to_string();
            let (tags, text) = split(&json);
            let (mut coded_tags, mut coded_text) = (Vec::new(), String::new());
            coded(body, &mut coded_tags, &mut coded_text);
            for (tags, text) in [(tags, text), (coded_tags, coded_text)] {
                assert_eq!(render(&tags, &text).unwrap(), json);
                assert!(json.len() <= 6 * text.len() + MOST_PER_TAG * tags.len(), "{json}");
            }
        }
    }

    #[test]
    fn lengths_count_utf16_units_and_must_fall_between_characters() {
        // "😀" is two UTF-16 units and four bytes; "é" one unit and two bytes.
        assert!(render(&[STRING, 2, STRING, 1], "😀é").is_err(), "a value left over is refused");
        assert_eq!(render(&[ARRAY, 2, STRING, 2, STRING, 1], "😀é").unwrap(), r#"["😀","é"]"#);
        assert!(render(&[STRING, 1], "😀").is_err(), "half a surrogate pair");
        assert!(render(&[STRING, 3], "é").is_err(), "past the text");
        assert!(render(&[STRING, 3], "ab").is_err(), "past ASCII text");
    }

    #[test]
    fn utf16_lengths_become_byte_lengths() {
        let text = "aé中😀b\u{2028}😀";
        let mut units = 0;
        let mut bytes = 0;
        assert_eq!(utf8_len(text, 0), 0);
        for c in text.chars() {
            units += c.len_utf16();
            bytes += c.len_utf8();
            assert_eq!(utf8_len(text, units), bytes, "{units} units");
            if c.len_utf16() == 2 {
                assert_eq!(utf8_len(text, units - 1), usize::MAX, "half of a pair");
            }
        }
        assert_eq!(utf8_len(text, units + 1), usize::MAX, "past the end");
    }

    #[test]
    fn a_malformed_walk_is_refused_not_followed() {
        for (tags, text) in [
            (&[][..], ""),
            (&[OBJECT][..], ""),
            (&[OBJECT, 1][..], ""),
            (&[OBJECT, 1, 1][..], "a"),
            (&[OBJECT, u32::MAX, 1, NULL][..], "a"),
            (&[OBJECT, 1, KEY | 17, NULL][..], ""),
            (&[OBJECT, 1, u32::MAX, NULL][..], ""),
            (&[ARRAY, u32::MAX][..], ""),
            (&[99][..], ""),
            (&[NUMBER, 2][..], "1x"),
            (&[NUMBER, 2][..], "01"),
            (&[NUMBER, 0][..], ""),
            (&[STRING, 1][..], "ab"),
            (&[NULL, NULL][..], ""),
        ] {
            assert!(render(tags, text).is_err(), "{tags:?} {text:?}");
        }
        let deep: Vec<u32> = std::iter::repeat_n([ARRAY, 1], MAX_DEPTH + 1).flatten().chain([NULL]).collect();
        assert!(render(&deep, "").is_err());
        assert!(Tokens::new(&[STRING, 1], &[0xff]).is_err(), "text that is not UTF-8");
    }

    #[test]
    fn numbers_read_as_integers_as_from_json() {
        let read = |t: &str| {
            let units = t.len() as u32;
            Tokens::new(&[NUMBER, units], t.as_bytes()).unwrap().number().unwrap()
        };
        assert_eq!(read("42"), Some(Integer::Signed(42)));
        assert_eq!(read("-7"), Some(Integer::Signed(-7)));
        assert_eq!(read("18446744073709551615"), Some(Integer::Unsigned(u64::MAX)));
        assert_eq!(read("1e+21"), None);
        assert_eq!(read("1.5"), None);
    }

    #[test]
    fn validation_answers_alike_from_tokens_and_from_json() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/validation.json");
        let vectors: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut bodies: Vec<String> = vectors["cases"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|case| case["call"].get("params"))
            .map(|params| params.to_string())
            .collect();
        assert!(bodies.len() > 20, "the vectors hold the validation cases");
        bodies.extend([
            r#"{"campaign_id":"a1b2c3d4-e5f6-7890-abcd-ef1234567890","recipient":{"first_name":"Ní","last_name":"😀","x":[1,{"y":null}]},"z":true}"#.to_owned(),
            r#"{"campaign_id":7,"recipient":"Alice","line_items":[{"quantity":1.5,"sku":false},null,[]],"shipping_address":null}"#.to_owned(),
            r#"[]"#.to_owned(),
            r#""text""#.to_owned(),
        ]);
        for body in &bodies {
            let (tags, text) = split(body);
            assert_eq!(
                crate::validate_gift_request_tokens(&tags, text.as_bytes()),
                crate::validate_gift_request_json(body.as_bytes()),
                "{body}"
            );
            // With the known keys by their index (of the value as parsed: a repeated key is kept once).
            let value: serde_json::Value = serde_json::from_str(body).unwrap();
            let (mut tags, mut text) = (Vec::new(), String::new());
            coded(&value, &mut tags, &mut text);
            assert!(tags.iter().any(|t| t & KEY != 0) || !body.contains("campaign_id"), "{body}");
            assert_eq!(
                crate::validate_gift_request_tokens(&tags, text.as_bytes()),
                crate::validate_gift_request_json(value.to_string().as_bytes()),
                "{body}"
            );
        }
    }

    #[test]
    fn json_text_split_into_tokens_is_refused_in_the_words_of_reading_it() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let mut bodies: Vec<&[u8]> = vec![
            b"",
            b" ",
            b"{",
            b"{\"a\":}",
            b"[1,]",
            b"{\"a\" 1}",
            b"{\"a\":1 \"b\":2}",
            b"{\"a\":tru}",
            b"{\"a\":1}x",
            b"{\"a\":\"\\ud800\"}",
            b"{\"a\":\"\\x\"}",
            b"{\"a\":\"\x07\"}",
            b"{\"a\":01}",
            b"{\"a\":-}",
            b"{\"a\":1e}",
            b"{\"a\":\"cut",
            b"\xff{}",
            b"{\"recipient\":{\"first_name\":[1,2,}}",
            b"nul",
            b"{,}",
        ];
        bodies.push(deep.as_bytes());
        for body in bodies {
            let direct = crate::validate_gift_request_json(body);
            let split = split_json(body)
                .map_err(|u| vec![crate::validation::malformed(u)])
                .and_then(|(tags, text)| crate::validate_gift_request_tokens(&tags, text.as_bytes()));
            assert_eq!(split, direct, "{}", String::from_utf8_lossy(body));
            assert!(direct.is_err(), "{}", String::from_utf8_lossy(body));
        }
    }
}
