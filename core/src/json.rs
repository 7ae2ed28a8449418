//! The core's own JSON: a writer for what it reports (errors, steps, requests, bodies) and a small
//! document reader for the bodies and options it reads whole (campaigns, error bodies, list parameters).
//! Both stand on the one-pass scanner of `loose.rs`, so that no general-purpose serializer is needed on
//! the paths the bindings take, and the WebAssembly module stays small.

use std::borrow::Cow;

use crate::loose::{Scanner, Unreadable};

/// Appends `text` as a JSON string: quotes, `\"`, `\\`, and control characters escaped (`\n`, `\u001f`…),
/// everything else as it is.
pub fn write_str(out: &mut String, text: &str) {
    out.push('"');
    let bytes = text.as_bytes();
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(text.get(run..i).unwrap_or_default());
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0')));
            out.push(char::from(HEX.get(usize::from(b & 0xf)).copied().unwrap_or(b'0')));
        } else {
            out.push_str(escape);
        }
        run = i + 1;
    }
    out.push_str(text.get(run..).unwrap_or_default());
    out.push('"');
}

/// Appends an unsigned integer in decimal.
pub fn write_u64(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        if let Some(d) = digits.get_mut(at) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || at == 0 {
            break;
        }
    }
    for d in digits.get(at..).unwrap_or_default() {
        out.push(char::from(*d));
    }
}

/// Appends a signed integer in decimal.
pub fn write_i64(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    write_u64(out, n.unsigned_abs());
}

/// Writes one JSON object, key by key.
pub struct ObjectWriter<'w> {
    /// Where the object is written.
    pub out: &'w mut String,
    first: bool,
}

impl<'w> ObjectWriter<'w> {
    /// Opens an object.
    pub fn open(out: &'w mut String) -> ObjectWriter<'w> {
        out.push('{');
        ObjectWriter { out, first: true }
    }

    /// Writes a key; the caller writes its value next.
    pub fn key(&mut self, key: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        write_str(self.out, key);
        self.out.push(':');
        self.out
    }

    /// A key with a string value.
    pub fn str(&mut self, key: &str, value: &str) {
        write_str(self.key(key), value);
    }

    /// A key with a string value or `null`.
    pub fn opt_str(&mut self, key: &str, value: Option<&str>) {
        match value {
            Some(v) => self.str(key, v),
            None => self.raw(key, "null"),
        }
    }

    /// A key with an unsigned integer or `null`.
    pub fn opt_u64(&mut self, key: &str, value: Option<u64>) {
        match value {
            Some(v) => write_u64(self.key(key), v),
            None => self.raw(key, "null"),
        }
    }

    /// A key with `true` or `false`.
    pub fn bool(&mut self, key: &str, value: bool) {
        self.raw(key, if value { "true" } else { "false" });
    }

    /// A key with a signed integer.
    pub fn i64(&mut self, key: &str, value: i64) {
        write_i64(self.key(key), value);
    }

    /// A key with a value written by `write`, or `null` when there is none.
    pub fn opt<T>(&mut self, key: &str, value: Option<T>, write: impl FnOnce(&mut String, T)) {
        match value {
            Some(v) => write(self.key(key), v),
            None => self.raw(key, "null"),
        }
    }

    /// A key with JSON text written as it is.
    pub fn raw(&mut self, key: &str, raw: &str) {
        self.key(key).push_str(raw);
    }

    /// Closes the object.
    pub fn close(self) {
        self.out.push('}');
    }
}

/// JSON text the core has written or read (a result, as the API sent it); [`RawJson::get`] gives the text.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RawJson(Box<str>);

impl RawJson {
    /// Wraps text that is one JSON value.
    pub(crate) fn new(text: String) -> RawJson {
        RawJson(text.into_boxed_str())
    }

    /// The JSON text.
    pub fn get(&self) -> &str {
        &self.0
    }
}

impl serde::Serialize for RawJson {
    /// Writes the JSON text as it is.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_raw(&self.0, serializer)
    }
}

/// Hands JSON text to a serializer as it is (for what the core keeps as received).
pub(crate) fn serialize_raw<S: serde::Serializer>(text: &str, serializer: S) -> Result<S::Ok, S::Error> {
    use serde::Serialize;
    let raw = serde_json::value::RawValue::from_string(text.to_owned()).map_err(serde::ser::Error::custom)?;
    raw.serialize(serializer)
}

/// A JSON document read whole, borrowing from its text: strings without escapes and numbers (kept as
/// their text) are not copied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JsonValue<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written.
    Number(&'a str),
    /// A string.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<JsonValue<'a>>),
    /// An object's members, in order (a key given twice appears twice; [`JsonValue::get`] takes the last).
    Object(Vec<(Cow<'a, str>, JsonValue<'a>)>),
}

impl<'a> JsonValue<'a> {
    /// Reads one JSON document (surrounding whitespace allowed). The error says where the text stops
    /// being JSON.
    pub fn parse(text: &'a [u8]) -> Result<JsonValue<'a>, String> {
        crate::loose::read_whole(text, JsonValue::read)
    }

    /// Reads the value the scanner stands on.
    pub(crate) fn read(s: &mut Scanner<'a>) -> Result<JsonValue<'a>, Unreadable> {
        Ok(match s.peek() {
            Some(b'"') => JsonValue::String(s.string()?),
            Some(b'{') => {
                let mut members = Vec::new();
                s.object(|s, key| {
                    members.push((key, JsonValue::read(s)?));
                    Ok(())
                })?;
                JsonValue::Object(members)
            }
            Some(b'[') => {
                let mut items = Vec::new();
                s.array(|s| {
                    items.push(JsonValue::read(s)?);
                    Ok(())
                })?;
                JsonValue::Array(items)
            }
            _ => match s.skip()? {
                "null" => JsonValue::Null,
                "true" => JsonValue::Bool(true),
                "false" => JsonValue::Bool(false),
                number => JsonValue::Number(number),
            },
        })
    }

    /// The value of `key` when this is an object that has it (the last one when given twice).
    pub fn get(&self, key: &str) -> Option<&JsonValue<'a>> {
        match self {
            JsonValue::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text, when this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            JsonValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The items, when this is an array.
    pub fn as_array(&self) -> Option<&[JsonValue<'a>]> {
        match self {
            JsonValue::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members, when this is an object.
    pub fn as_object(&self) -> Option<&[(Cow<'a, str>, JsonValue<'a>)]> {
        match self {
            JsonValue::Object(members) => Some(members),
            _ => None,
        }
    }

    /// Whether this is an object.
    pub fn is_object(&self) -> bool {
        matches!(self, JsonValue::Object(_))
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, JsonValue::Null)
    }

    /// The number, when this is an integer that fits an `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            JsonValue::Number(n) => n.parse().ok(),
            _ => None,
        }
    }

    /// The number, when this is an integer that fits a `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            JsonValue::Number(n) => n.parse().ok(),
            _ => None,
        }
    }

    /// The number, when this is one (integers and decimals alike).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            JsonValue::Number(n) => n.parse().ok(),
            _ => None,
        }
    }

    /// The boolean, when this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            JsonValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Appends the value as compact JSON text (numbers as they were written).
    pub fn write(&self, out: &mut String) {
        match self {
            JsonValue::Null => out.push_str("null"),
            JsonValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            JsonValue::Number(n) => out.push_str(n),
            JsonValue::String(s) => write_str(out, s),
            JsonValue::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            JsonValue::Object(members) => {
                let mut o = ObjectWriter::open(out);
                for (key, value) in members {
                    value.write(o.key(key));
                }
                o.close();
            }
        }
    }

    /// The value as compact JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_json_requires() {
        let mut out = String::new();
        write_str(&mut out, "a\"b\\c\n\u{1}é/😀");
        assert_eq!(out, r#""a\"b\\c\n\u0001é/😀""#);
        for text in ["", "plain", "\u{1f}\u{7f}\t\r\u{8}\u{c}", "\"\"", "end\\"] {
            let mut out = String::new();
            write_str(&mut out, text);
            assert_eq!(out, serde_json::to_string(text).unwrap());
        }
    }

    #[test]
    fn integers_are_written_in_decimal() {
        for n in [0, 7, 10, 1234567890, i64::MAX, i64::MIN, -1] {
            let mut out = String::new();
            write_i64(&mut out, n);
            assert_eq!(out, n.to_string());
        }
        let mut out = String::new();
        write_u64(&mut out, u64::MAX);
        assert_eq!(out, u64::MAX.to_string());
    }

    #[test]
    fn documents_are_read_whole() {
        let v = JsonValue::parse(br#" {"a":[1,-2.5e3,"x\n"],"b":{"c":null,"d":true},"a":false} "#).unwrap();
        assert_eq!(v.get("a"), Some(&JsonValue::Bool(false)));
        assert_eq!(v.get("b").and_then(|b| b.get("d")).and_then(JsonValue::as_bool), Some(true));
        let first = &v.as_object().unwrap()[0].1;
        assert_eq!(first.as_array().unwrap()[0].as_i64(), Some(1));
        assert_eq!(first.as_array().unwrap()[1].as_f64(), Some(-2500.0));
        assert_eq!(first.as_array().unwrap()[2].as_str(), Some("x\n"));
        assert!(JsonValue::parse(b"{\"a\":1} x").is_err());
        let text = r#"{"a":[1,-2.5e3,"x\n",null,true,{}],"b":{"c":"\u00e9"}}"#;
        assert_eq!(JsonValue::parse(text.as_bytes()).unwrap().to_json(), r#"{"a":[1,-2.5e3,"x\n",null,true,{}],"b":{"c":"é"}}"#);
        assert!(JsonValue::parse(b"").is_err());
    }
}
