//! Reading a caller's JSON loosely: every field becomes a [`Slot`] that remembers whether it was absent,
//! `null`, of the wrong JSON type, or a value, so that validation can name each problem the way the server
//! would instead of stopping at the first type mismatch.
//!
//! The [`Scanner`] reads the JSON text in one pass, without a general-purpose deserializer: strings borrow
//! from the input when they hold no escapes, unknown keys keep their raw JSON text, and nothing else is
//! allocated. This is the path a form's every keystroke takes in Python, Kotlin and Swift; the JavaScript
//! package hands objects over as tokens instead ([`crate::tokens`]). Readers are written once, against
//! [`Source`], which both implement.

use std::borrow::Cow;

/// What a field of the caller's JSON held.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(crate) enum Slot<T> {
    /// The key was not there.
    #[default]
    Absent,
    /// The key held `null`.
    Null,
    /// The key held a value of another JSON type than the field takes.
    WrongType,
    /// The key held a value of the right type.
    Value(T),
}

impl<T> Slot<T> {
    /// Whether the key was given with something other than `null`.
    pub(crate) fn is_given(&self) -> bool {
        matches!(self, Slot::Value(_) | Slot::WrongType)
    }
}

/// A JSON integer, as read: any `i64`, or a `u64` beyond it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Integer {
    /// Fits an `i64`.
    Signed(i64),
    /// Above `i64::MAX`.
    Unsigned(u64),
}

impl Integer {
    /// Whether the integer is at least `min`.
    pub(crate) fn is_at_least(self, min: i64) -> bool {
        match self {
            Integer::Signed(v) => v >= min,
            Integer::Unsigned(_) => true,
        }
    }
}

impl std::fmt::Display for Integer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Integer::Signed(v) => write!(f, "{v}"),
            Integer::Unsigned(v) => write!(f, "{v}"),
        }
    }
}

/// Keys the SDK does not model, with their values' JSON text: passed through untouched (as given, or, for a
/// payload read from tokens, as the SDK writes JSON: numbers as written, the same strings), so that an
/// optional parameter the API adds within 2026-05 can be sent before the SDK knows its name.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Extra<'a>(pub(crate) Vec<(Cow<'a, str>, Cow<'a, str>)>);

/// The indexes of the second occurrences of keys given more than once among `n` keys (`key(i)` is the
/// i-th), in ascending order: each repeated key once, at the place a reader meets its first repeat.
/// A few keys are compared pairwise; many are sorted by key (stably, so equal keys keep their order), so that the work stays
/// O(n log n) whatever the keys are (an object with a million unknown keys must not take a million
/// squared comparisons). A merge sort of its own keeps the wasm module small: the standard sorts bring
/// several kilobytes per use.
pub(crate) fn second_occurrences<'k>(n: usize, key: impl Fn(usize) -> &'k str) -> Vec<usize> {
    const PAIRWISE: usize = 16;
    if n <= PAIRWISE {
        return (0..n).filter(|&i| (0..i).filter(|&j| key(j) == key(i)).count() == 1).collect();
    }
    let mut order: Vec<usize> = (0..n).collect();
    merge_sort(&mut order, &|a, b| key(a) < key(b));
    let mut second = vec![false; n];
    let at = |p: usize| order.get(p).copied().unwrap_or(0);
    for p in 1..n {
        let starts_group = p == 1 || key(at(p - 2)) != key(at(p - 1));
        if starts_group && key(at(p - 1)) == key(at(p)) {
            if let Some(flag) = second.get_mut(at(p)) {
                *flag = true;
            }
        }
    }
    (0..n).filter(|&i| second.get(i).copied().unwrap_or(false)).collect()
}

/// Sorts indexes by `less`, stably, in O(n log n) time: a bottom-up merge sort through one buffer.
fn merge_sort(v: &mut Vec<usize>, less: &dyn Fn(usize, usize) -> bool) {
    let n = v.len();
    let mut from = std::mem::take(v);
    let mut to = vec![0usize; n];
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (left, right) = (from.get(start..mid).unwrap_or_default(), from.get(mid..end).unwrap_or_default());
            let (mut l, mut r) = (0, 0);
            for slot in to.get_mut(start..end).unwrap_or_default() {
                let take_right = match (left.get(l), right.get(r)) {
                    (Some(&a), Some(&b)) => less(b, a),
                    (None, Some(_)) => true,
                    _ => false,
                };
                if take_right {
                    *slot = right.get(r).copied().unwrap_or(0);
                    r += 1;
                } else {
                    *slot = left.get(l).copied().unwrap_or(0);
                    l += 1;
                }
            }
            start = end;
        }
        std::mem::swap(&mut from, &mut to);
        width *= 2;
    }
    *v = from;
}

/// The JSON shape a field takes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Shape {
    String,
    Integer,
    Object,
    Array,
}

/// What the next value of a [`Source`] is, before it is read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Next {
    /// `null`.
    Null,
    /// A value of this shape (a number of any kind is [`Shape::Integer`]).
    Shape(Shape),
    /// `true`, `false`, or something that is not a value (reading it fails).
    Other,
}

/// Where loose reading takes its values from: JSON text ([`Scanner`]), or a JSON value a host has already
/// split into tokens ([`crate::tokens::Tokens`]). The readers of a draft are written once, against this.
pub(crate) trait Source<'a>: Sized {
    /// What the next value is, without taking it.
    fn next(&mut self) -> Next;
    /// Reads a string.
    fn string(&mut self) -> Result<Cow<'a, str>, Unreadable>;
    /// Reads a number: `Some` for an integer, `None` for any other number.
    fn number(&mut self) -> Result<Option<Integer>, Unreadable>;
    /// Reads an object, handing each key to `each`, which must read the key's value.
    fn object(&mut self, each: impl FnMut(&mut Self, Cow<'a, str>) -> Result<(), Unreadable>) -> Result<(), Unreadable>;
    /// Reads an array, calling `each` for every element, which must read it.
    fn array(&mut self, each: impl FnMut(&mut Self) -> Result<(), Unreadable>) -> Result<(), Unreadable>;
    /// Reads any value and drops it.
    fn skip(&mut self) -> Result<(), Unreadable>;
    /// Reads any value and returns its JSON text (kept for keys the SDK does not model).
    fn raw(&mut self) -> Result<Cow<'a, str>, Unreadable>;

    /// Reads one field: its slot, whatever the value holds.
    #[inline]
    fn slot<T: Loose<'a>>(&mut self) -> Result<Slot<T>, Unreadable> {
        match self.next() {
            Next::Null => {
                self.skip()?;
                Ok(Slot::Null)
            }
            Next::Shape(shape) if shape == T::SHAPE => Ok(T::read(self)?.map_or(Slot::WrongType, Slot::Value)),
            Next::Shape(_) | Next::Other => {
                self.skip()?;
                Ok(Slot::WrongType)
            }
        }
    }
}

/// A field type a [`Source`] can read into a [`Slot`].
pub(crate) trait Loose<'a>: Sized {
    /// The JSON shape the field takes; any other shape reads as [`Slot::WrongType`].
    const SHAPE: Shape;
    /// Reads a value of that shape (the source stands on it); `None` when it is of the shape but not of
    /// the type (a number that is not an integer).
    fn read<S: Source<'a>>(source: &mut S) -> Result<Option<Self>, Unreadable>;
}

impl<'a> Loose<'a> for Cow<'a, str> {
    const SHAPE: Shape = Shape::String;
    #[inline]
    fn read<S: Source<'a>>(source: &mut S) -> Result<Option<Self>, Unreadable> {
        source.string().map(Some)
    }
}

impl<'a> Loose<'a> for Integer {
    const SHAPE: Shape = Shape::Integer;
    #[inline]
    fn read<S: Source<'a>>(source: &mut S) -> Result<Option<Self>, Unreadable> {
        source.number()
    }
}

impl<'a, T: Loose<'a>> Loose<'a> for Vec<Slot<T>> {
    const SHAPE: Shape = Shape::Array;
    #[inline]
    fn read<S: Source<'a>>(source: &mut S) -> Result<Option<Self>, Unreadable> {
        let mut items = Vec::new();
        source.array(|s| {
            items.push(s.slot()?);
            Ok(())
        })?;
        Ok(Some(items))
    }
}

/// Where the first `"`, `\\` or control character of `bytes` is: what ends the plain run of a string.
/// Eight bytes at a time (one 64-bit word, as WebAssembly has too), then byte by byte.
#[inline]
fn string_end(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    // A byte of `v` is zero (or, for `below`, under `n`) exactly where the lowest set high bit of the
    // result is; higher bits may be set by a borrow, which only the first match matters against.
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let mut at = 0;
    let mut words = bytes.chunks_exact(8);
    for chunk in words.by_ref() {
        let word = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default());
        let found = zero(word ^ (ONES * u64::from(b'"')))
            | zero(word ^ (ONES * u64::from(b'\\')))
            | (word.wrapping_sub(ONES * 0x20) & !word & HIGH);
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    words.remainder().iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20).map(|n| at + n)
}

/// How long the JSON number at the start of `bytes` is; else how far it got and what was expected there.
#[inline]
pub(crate) fn number_len(bytes: &[u8]) -> Result<usize, (usize, &'static str)> {
    let digits = |at: &mut usize| {
        let from = *at;
        while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
            *at += 1;
        }
        *at > from
    };
    let mut at = 0;
    if bytes.first() == Some(&b'-') {
        at += 1;
    }
    match bytes.get(at) {
        Some(b'0') => at += 1,
        Some(b'1'..=b'9') => {
            digits(&mut at);
        }
        _ => return Err((at, "a digit")),
    }
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        if !digits(&mut at) {
            return Err((at, "a digit after the decimal point"));
        }
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(bytes.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        if !digits(&mut at) {
            return Err((at, "a digit in the exponent"));
        }
    }
    Ok(at)
}

/// The integer a JSON number's text stands for: `None` when it has a fraction or an exponent, or does not
/// fit 64 bits.
#[inline]
pub(crate) fn integer(number: &str) -> Option<Integer> {
    if number.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) {
        return None;
    }
    number.parse::<i64>().map(Integer::Signed).ok().or_else(|| number.parse::<u64>().ok().map(Integer::Unsigned))
}

/// Why a body could not be read as JSON at all (the server's 400 `malformed_request`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Unreadable(pub(crate) String);

pub(crate) use crate::limits::MAX_DEPTH;

/// A one-pass reader of JSON text.
pub(crate) struct Scanner<'a> {
    text: &'a str,
    at: usize,
    depth: usize,
}

impl<'a> Scanner<'a> {
    /// A scanner over `bytes`, which must be UTF-8.
    #[inline]
    pub(crate) fn new(bytes: &'a [u8]) -> Result<Scanner<'a>, Unreadable> {
        let text = std::str::from_utf8(bytes).map_err(|e| Unreadable(format!("the body is not UTF-8 (byte {})", e.valid_up_to())))?;
        Ok(Scanner { text, at: 0, depth: 0 })
    }

    fn fail(&self, expected: &str) -> Unreadable {
        match self.text.as_bytes().get(self.at) {
            Some(_) => Unreadable(format!("the body is not valid JSON: expected {expected} at byte {}", self.at)),
            None => Unreadable(format!("the body is not valid JSON: it ends where {expected} was expected")),
        }
    }

    /// The next byte after whitespace, without taking it.
    #[inline]
    pub(crate) fn peek(&mut self) -> Option<u8> {
        let bytes = self.text.as_bytes();
        let mut at = self.at;
        while let Some(&b) = bytes.get(at) {
            if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                self.at = at;
                return Some(b);
            }
            at += 1;
        }
        self.at = at;
        None
    }

    #[inline]
    fn expect(&mut self, byte: u8, what: &str) -> Result<(), Unreadable> {
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.fail(what))
        }
    }

    /// Checks that nothing but whitespace follows the value read.
    #[inline]
    pub(crate) fn end(&mut self) -> Result<(), Unreadable> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.fail("the end of the body")),
        }
    }

    #[inline]
    fn literal(&mut self, word: &str) -> Result<(), Unreadable> {
        self.peek();
        let rest = self.text.get(self.at..).unwrap_or_default();
        if rest.starts_with(word) {
            self.at += word.len();
            Ok(())
        } else {
            self.skip_to_end_if_cut(rest, word);
            Err(self.fail("a value"))
        }
    }

    /// Moves to the end of the text when what is left of it is the start of `expected`, so that a text
    /// cut short there is reported as ending early rather than as holding something else.
    fn skip_to_end_if_cut(&mut self, rest: &str, expected: &str) {
        if expected.starts_with(rest) {
            self.at = self.text.len();
        }
    }

    /// Reads a string, borrowing it when it holds no escape.
    #[inline]
    pub(crate) fn string(&mut self) -> Result<Cow<'a, str>, Unreadable> {
        self.expect(b'"', "a string")?;
        let start = self.at;
        let rest = self.text.as_bytes().get(start..).unwrap_or_default();
        let Some(n) = string_end(rest) else {
            self.at = self.text.len();
            return Err(self.fail("the end of a string"));
        };
        self.at = start + n;
        match rest.get(n) {
            Some(b'"') => {
                self.at += 1;
                Ok(Cow::Borrowed(self.text.get(start..start + n).unwrap_or_default()))
            }
            Some(b'\\') => self.escaped_string(start).map(Cow::Owned),
            _ => Err(self.fail("no control character inside a string")),
        }
    }

    /// The rest of a string that holds escapes, from `start` (its first byte after the quote).
    fn escaped_string(&mut self, start: usize) -> Result<String, Unreadable> {
        let bytes = self.text.as_bytes();
        let mut out = String::from(self.text.get(start..self.at).unwrap_or_default());
        loop {
            let run = self.at;
            while let Some(b) = bytes.get(self.at).filter(|b| !matches!(b, b'"' | b'\\') && **b >= 0x20) {
                let _ = b;
                self.at += 1;
            }
            out.push_str(self.text.get(run..self.at).unwrap_or_default());
            match bytes.get(self.at) {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    let escape = bytes.get(self.at).copied();
                    self.at += 1;
                    match escape {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'u') => out.push(self.unicode_escape()?),
                        _ => return Err(self.fail("a valid escape")),
                    }
                }
                Some(_) => return Err(self.fail("no control character inside a string")),
                None => return Err(self.fail("the end of a string")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, Unreadable> {
        let Some(digits) = self.text.get(self.at..self.at + 4) else {
            let rest = self.text.get(self.at..).unwrap_or_default();
            if rest.bytes().all(|b| b.is_ascii_hexdigit()) {
                self.at = self.text.len();
            }
            return Err(self.fail("four hex digits"));
        };
        let value = u32::from_str_radix(digits, 16).map_err(|_| self.fail("four hex digits"))?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.fail("four hex digits"));
        }
        self.at += 4;
        Ok(value)
    }

    /// A `\uXXXX` escape (the scanner stands after the `u`), joining a surrogate pair.
    fn unicode_escape(&mut self) -> Result<char, Unreadable> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if self.text.get(self.at..self.at + 2) != Some("\\u") {
                    self.skip_to_end_if_cut(self.text.get(self.at..).unwrap_or_default(), "\\u");
                    return Err(self.fail("the second half of a surrogate pair"));
                }
                self.at += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.fail("the second half of a surrogate pair"));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.fail("no lone surrogate")),
            other => other,
        };
        char::from_u32(code).ok_or_else(|| self.fail("a valid character"))
    }

    /// Reads a number: `Some` for an integer, `None` for a number with a fraction or an exponent (or one
    /// beyond 64 bits).
    #[inline]
    pub(crate) fn number(&mut self) -> Result<Option<Integer>, Unreadable> {
        self.peek();
        let rest = self.text.as_bytes().get(self.at..).unwrap_or_default();
        match number_len(rest) {
            Ok(len) => {
                let text = self.text.get(self.at..self.at + len).unwrap_or_default();
                self.at += len;
                Ok(integer(text))
            }
            Err((len, expected)) => {
                self.at += len;
                Err(self.fail(expected))
            }
        }
    }

    #[inline]
    fn enter(&mut self) -> Result<(), Unreadable> {
        self.depth += 1;
        if self.depth > MAX_DEPTH { Err(Unreadable(format!("the body nests objects and arrays deeper than {MAX_DEPTH}"))) } else { Ok(()) }
    }

    /// Reads an object, handing each key to `each`, which must read the key's value.
    #[inline]
    pub(crate) fn object(&mut self, mut each: impl FnMut(&mut Self, Cow<'a, str>) -> Result<(), Unreadable>) -> Result<(), Unreadable> {
        self.expect(b'{', "an object")?;
        self.enter()?;
        if self.peek() == Some(b'}') {
            self.at += 1;
        } else {
            loop {
                if self.peek() != Some(b'"') {
                    return Err(self.fail("a key"));
                }
                let key = self.string()?;
                self.expect(b':', "`:`")?;
                each(self, key)?;
                match self.peek() {
                    Some(b',') => self.at += 1,
                    Some(b'}') => {
                        self.at += 1;
                        break;
                    }
                    _ => return Err(self.fail("`,` or `}`")),
                }
            }
        }
        self.depth -= 1;
        Ok(())
    }

    /// Reads an array, calling `each` for every element, which must read it.
    #[inline]
    pub(crate) fn array(&mut self, mut each: impl FnMut(&mut Self) -> Result<(), Unreadable>) -> Result<(), Unreadable> {
        self.expect(b'[', "an array")?;
        self.enter()?;
        if self.peek() == Some(b']') {
            self.at += 1;
        } else {
            loop {
                each(self)?;
                match self.peek() {
                    Some(b',') => self.at += 1,
                    Some(b']') => {
                        self.at += 1;
                        break;
                    }
                    _ => return Err(self.fail("`,` or `]`")),
                }
            }
        }
        self.depth -= 1;
        Ok(())
    }

    /// Reads any value and returns its JSON text as given.
    #[inline]
    pub(crate) fn skip(&mut self) -> Result<&'a str, Unreadable> {
        let start = match self.peek() {
            Some(_) => self.at,
            None => return Err(self.fail("a value")),
        };
        match self.text.as_bytes().get(self.at) {
            Some(b'"') => drop(self.string()?),
            Some(b'{') => self.object(|s, _| s.skip().map(drop))?,
            Some(b'[') => self.array(|s| s.skip().map(drop))?,
            Some(b'-' | b'0'..=b'9') => drop(self.number()?),
            Some(b't') => self.literal("true")?,
            Some(b'f') => self.literal("false")?,
            Some(b'n') => self.literal("null")?,
            _ => return Err(self.fail("a value")),
        }
        Ok(self.text.get(start..self.at).unwrap_or_default())
    }
}

impl<'a> Source<'a> for Scanner<'a> {
    #[inline]
    fn next(&mut self) -> Next {
        match self.peek() {
            Some(b'n') => Next::Null,
            Some(b'"') => Next::Shape(Shape::String),
            Some(b'{') => Next::Shape(Shape::Object),
            Some(b'[') => Next::Shape(Shape::Array),
            Some(b'-' | b'0'..=b'9') => Next::Shape(Shape::Integer),
            _ => Next::Other,
        }
    }

    #[inline]
    fn string(&mut self) -> Result<Cow<'a, str>, Unreadable> {
        Scanner::string(self)
    }

    #[inline]
    fn number(&mut self) -> Result<Option<Integer>, Unreadable> {
        Scanner::number(self)
    }

    #[inline]
    fn object(&mut self, each: impl FnMut(&mut Self, Cow<'a, str>) -> Result<(), Unreadable>) -> Result<(), Unreadable> {
        Scanner::object(self, each)
    }

    #[inline]
    fn array(&mut self, each: impl FnMut(&mut Self) -> Result<(), Unreadable>) -> Result<(), Unreadable> {
        Scanner::array(self, each)
    }

    #[inline]
    fn skip(&mut self) -> Result<(), Unreadable> {
        Scanner::skip(self).map(drop)
    }

    #[inline]
    fn raw(&mut self) -> Result<Cow<'a, str>, Unreadable> {
        Scanner::skip(self).map(Cow::Borrowed)
    }
}

// ---- reading the API's bodies: the shape checks every reader shares ----

/// Reads one JSON document with `read`, nothing after it.
pub(crate) fn read_whole<'a, T>(body: &'a [u8], read: impl FnOnce(&mut Scanner<'a>) -> Result<T, Unreadable>) -> Result<T, String> {
    let mut s = Scanner::new(body).map_err(|u| u.0)?;
    let value = read(&mut s).map_err(|u| u.0)?;
    s.end().map_err(|u| u.0)?;
    Ok(value)
}

/// Reads a type through its own reader from the JSON text a deserializer holds.
pub(crate) fn deserialize_with<'de, D: serde::Deserializer<'de>, T>(
    deserializer: D,
    read: fn(&mut Scanner<'_>) -> Result<T, Unreadable>,
) -> Result<T, D::Error> {
    let raw = <Box<serde_json::value::RawValue> as serde::Deserialize>::deserialize(deserializer)?;
    read_whole(raw.get().as_bytes(), read).map_err(serde::de::Error::custom)
}

/// The value of `field` is not what the contract says.
pub(crate) fn mismatch(field: &str, expected: &str) -> Unreadable {
    Unreadable(format!("the body does not match the contract: {field} must be {expected}"))
}

/// Reads the members of an object, refusing a key given twice among `known`; other keys are skipped.
///
/// `each` is called through a reference (not made generic): the object loop is compiled once for every
/// reader of the API's bodies, which keeps the WebAssembly module small (the bodies are not a hot path).
pub(crate) fn members<'a>(
    s: &mut Scanner<'a>,
    what: &str,
    known: &[&str],
    each: &mut dyn FnMut(&mut Scanner<'a>, usize) -> Result<(), Unreadable>,
) -> Result<(), Unreadable> {
    if s.peek() != Some(b'{') {
        s.skip()?;
        return Err(mismatch(what, "an object"));
    }
    let mut seen = 0u32;
    s.object(|s, key| match known.iter().position(|k| *k == key) {
        Some(i) => {
            let bit = 1u32 << i;
            if seen & bit != 0 {
                return Err(Unreadable(format!("the body does not match the contract: {what} gives {key} twice")));
            }
            seen |= bit;
            each(s, i)
        }
        None => s.skip().map(drop),
    })
}

/// `null`, or a value read by `read`.
pub(crate) fn nullable<'a, T>(
    s: &mut Scanner<'a>,
    read: impl FnOnce(&mut Scanner<'a>) -> Result<T, Unreadable>,
) -> Result<Option<T>, Unreadable> {
    if s.peek() == Some(b'n') {
        s.skip()?;
        Ok(None)
    } else {
        read(s).map(Some)
    }
}

/// A required member's value, or the error naming it.
pub(crate) fn required<T>(value: Option<T>, field: &str) -> Result<T, Unreadable> {
    value.ok_or_else(|| missing(field))
}

/// The error for the first of `fields` that is absent (`(absent, name)` pairs, in the order the reader
/// reports them). For a reader that matches all its required members at once, so that a missing one drops
/// what was read in one place, not once per member (which keeps the WebAssembly module small).
pub(crate) fn first_missing(fields: &[(bool, &str)]) -> Unreadable {
    missing(fields.iter().find(|(absent, _)| *absent).map_or("a member", |(_, name)| name))
}

fn missing(field: &str) -> Unreadable {
    Unreadable(format!("the body does not match the contract: {field} is missing"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_occurrences_are_those_a_pairwise_scan_finds_whatever_the_size() {
        let naive = |keys: &[String]| -> Vec<usize> {
            (0..keys.len()).filter(|&i| keys.iter().take(i).filter(|k| **k == keys[i]).count() == 1).collect()
        };
        let mut seed = 11u64;
        for len in [0, 1, 2, 3, 15, 16, 17, 18, 40, 200] {
            for alphabet in [1u64, 2, 5, 30, 1000] {
                let keys: Vec<String> = (0..len)
                    .map(|_| {
                        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        format!("k{}", (seed >> 33) % alphabet)
                    })
                    .collect();
                let got = second_occurrences(keys.len(), |i| keys[i].as_str());
                assert_eq!(got, naive(&keys), "{keys:?}");
            }
        }
    }

    #[test]
    fn a_string_ends_at_its_first_quote_backslash_or_control_byte() {
        let naive = |b: &[u8]| b.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20);
        let alphabet: &[u8] = &[b'a', b'"', b'\\', 0x00, 0x1f, 0x20, 0x21, 0x5b, 0x5d, 0x7f, 0x80, 0xa2, 0xdc, 0xff, 0x01];
        let mut seed = 7u64;
        for len in 0..40 {
            for _ in 0..400 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        let pick = (seed >> 33) as usize;
                        // Mostly plain bytes, so that matches fall anywhere in the words.
                        if pick % 8 == 0 {
                            alphabet.get(pick / 8 % alphabet.len()).copied().unwrap_or(b'a')
                        } else {
                            0x21 + (pick % 0x5e) as u8
                        }
                    })
                    .collect();
                assert_eq!(string_end(&bytes), naive(&bytes), "{bytes:?}");
            }
        }
    }

    fn skip_all(text: &str) -> Result<String, Unreadable> {
        let mut s = Scanner::new(text.as_bytes())?;
        let raw = s.skip()?.to_owned();
        s.end()?;
        Ok(raw)
    }

    #[test]
    fn reads_what_json_allows() {
        for ok in [
            "null",
            "true",
            " false ",
            "0",
            "-0",
            "12.5e-3",
            "1E9",
            r#""a\"b\\c\/\b\f\n\r\t\u00e9\ud83d\ude00""#,
            r#"{"a":[1,{"b":null}],"c":{}}"#,
            "[]",
            "\"é😀\"",
        ] {
            assert!(skip_all(ok).is_ok(), "{ok}");
        }
        assert_eq!(skip_all(r#"  {"a" : 1}  "#).unwrap(), r#"{"a" : 1}"#);
    }

    #[test]
    fn refuses_what_json_does_not() {
        for bad in [
            "",
            "nul",
            "01",
            "1.",
            ".5",
            "-",
            "1e",
            "+1",
            r#""abc"#,
            "\"a\u{1}\"",
            r#""\x""#,
            r#""\ud800""#,
            r#""\udc00""#,
            r#""\u12""#,
            "[1,]",
            "[1 2]",
            r#"{"a" 1}"#,
            r#"{"a":1,}"#,
            "{1:2}",
            "[] []",
            "NaN",
            "'a'",
        ] {
            assert!(skip_all(bad).is_err(), "{bad:?}");
        }
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(skip_all(&deep).is_err());
        let fine = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(skip_all(&fine).is_ok());
    }

    #[test]
    fn strings_borrow_unless_escaped() {
        let mut s = Scanner::new(br#""plain""#).unwrap();
        assert!(matches!(s.string().unwrap(), Cow::Borrowed("plain")));
        let mut s = Scanner::new(br#""a\nb""#).unwrap();
        assert_eq!(s.string().unwrap(), "a\nb");
    }

    #[test]
    fn numbers_are_integers_or_not() {
        let read = |t: &str| Scanner::new(t.as_bytes()).unwrap().number().unwrap();
        assert_eq!(read("42"), Some(Integer::Signed(42)));
        assert_eq!(read("-7"), Some(Integer::Signed(-7)));
        assert_eq!(read("18446744073709551615"), Some(Integer::Unsigned(u64::MAX)));
        assert_eq!(read("18446744073709551616"), None);
        assert_eq!(read("1.0"), None);
        assert_eq!(read("1e2"), None);
    }
}
