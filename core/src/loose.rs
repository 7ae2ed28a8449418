//! Reading JSON loosely: every field of a caller's body becomes a [`Slot`] that remembers whether it was
//! absent, `null`, of the wrong JSON type, or a value, so that validation can name each problem the way
//! the server would instead of stopping at the first type mismatch.
//!
//! Strings borrow from the input when they hold no escapes; unknown keys keep their raw JSON text.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

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

/// The JSON shapes a slot can take. Each implementation accepts one shape; the defaults refuse.
pub(crate) trait Loose<'de>: Sized {
    /// Accepts a string.
    fn from_str(_text: Cow<'de, str>) -> Option<Self> {
        None
    }
    /// Accepts an integer.
    fn from_int(_value: Integer) -> Option<Self> {
        None
    }
    /// Accepts an object.
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Option<Self>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    /// Accepts an array.
    fn from_seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

impl<'de> Loose<'de> for Cow<'de, str> {
    fn from_str(text: Cow<'de, str>) -> Option<Self> {
        Some(text)
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

impl<'de> Loose<'de> for Integer {
    fn from_int(value: Integer) -> Option<Self> {
        Some(value)
    }
}

impl<'de, T: Loose<'de>> Loose<'de> for Vec<Slot<T>> {
    fn from_seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(1).min(64));
        while let Some(item) = seq.next_element::<Slot<T>>()? {
            items.push(item);
        }
        Ok(Some(items))
    }
}

impl<'de, T: Loose<'de>> Deserialize<'de> for Slot<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SlotVisitor(PhantomData))
    }
}

struct SlotVisitor<T>(PhantomData<T>);

fn slot<T>(value: Option<T>) -> Slot<T> {
    value.map_or(Slot::WrongType, Slot::Value)
}

impl<'de, T: Loose<'de>> Visitor<'de> for SlotVisitor<T> {
    type Value = Slot<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Slot::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Slot::Null)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Slot::WrongType)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(slot(T::from_int(Integer::Signed(v))))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(slot(T::from_int(i64::try_from(v).map_or(Integer::Unsigned(v), Integer::Signed))))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Slot::WrongType)
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(slot(T::from_str(Cow::Borrowed(v))))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(slot(T::from_str(Cow::Owned(v.to_owned()))))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(slot(T::from_str(Cow::Owned(v))))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Ok(slot(T::from_map(map)?))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Ok(slot(T::from_seq(seq)?))
    }
}

/// An object key, borrowed from the input when it holds no escapes.
pub(crate) struct Key<'de>(pub(crate) Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Keys the SDK does not model, with their JSON text as given: passed through untouched, so that an
/// optional parameter the API adds within 2026-05 can be sent before the SDK knows its name.
#[derive(Clone, Debug, Default)]
pub(crate) struct Extra<'de>(pub(crate) Vec<(Cow<'de, str>, Cow<'de, RawValue>)>);

impl<'de> Extra<'de> {
    /// Reads the value of an unknown key and keeps it.
    pub(crate) fn keep<A: MapAccess<'de>>(&mut self, key: Cow<'de, str>, map: &mut A) -> Result<(), A::Error> {
        let raw: &'de RawValue = map.next_value()?;
        self.0.push((key, Cow::Borrowed(raw)));
        Ok(())
    }
}

impl PartialEq for Extra<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len() && self.0.iter().zip(&other.0).all(|((ka, va), (kb, vb))| ka == kb && va.get() == vb.get())
    }
}
