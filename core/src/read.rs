//! Reading the JSON values the API sends, field by field, with a message that names the field when a value
//! is not what the contract says. Resources read through here instead of derived deserializers: one JSON
//! parser instance serves them all, which keeps the WebAssembly build small.

use serde_json::{Map, Value};

use crate::timestamp::Timestamp;
use crate::uuid::Uuid;

/// The fields of one JSON object, read with the path of the object for messages.
pub(crate) struct Fields<'v> {
    object: &'v Map<String, Value>,
    path: &'v str,
}

impl<'v> Fields<'v> {
    /// The fields of `value`, which must be an object.
    pub(crate) fn of(value: &'v Value, path: &'v str) -> Result<Fields<'v>, String> {
        match value {
            Value::Object(object) => Ok(Fields { object, path }),
            _ => Err(format!("{} must be an object", if path.is_empty() { "the body" } else { path })),
        }
    }

    fn name(&self, key: &str) -> String {
        if self.path.is_empty() { key.to_owned() } else { format!("{}.{key}", self.path) }
    }

    /// A value that may be absent or `null`.
    pub(crate) fn optional(&self, key: &str) -> Option<&'v Value> {
        self.object.get(key).filter(|v| !v.is_null())
    }

    /// A value that must be present and not `null`.
    pub(crate) fn required(&self, key: &str) -> Result<&'v Value, String> {
        self.optional(key).ok_or_else(|| format!("{} is missing", self.name(key)))
    }

    /// A required string.
    pub(crate) fn string(&self, key: &str) -> Result<String, String> {
        let v = self.required(key)?;
        v.as_str().map(str::to_owned).ok_or_else(|| format!("{} must be a string", self.name(key)))
    }

    /// An optional string (`null` or absent is `None`).
    pub(crate) fn optional_string(&self, key: &str) -> Result<Option<String>, String> {
        self.optional(key).map(|v| v.as_str().map(str::to_owned).ok_or_else(|| format!("{} must be a string", self.name(key)))).transpose()
    }

    /// A required value read from a string by `parse`, which names the expected form.
    pub(crate) fn parsed<T>(&self, key: &str, form: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T, String> {
        let v = self.required(key)?;
        v.as_str().and_then(&parse).ok_or_else(|| format!("{} must be {form}, not {v}", self.name(key)))
    }

    /// An optional value read from a string by `parse`.
    pub(crate) fn optional_parsed<T>(&self, key: &str, form: &str, parse: impl Fn(&str) -> Option<T>) -> Result<Option<T>, String> {
        self.optional(key)
            .map(|v| v.as_str().and_then(&parse).ok_or_else(|| format!("{} must be {form}, not {v}", self.name(key))))
            .transpose()
    }

    /// A required UUID.
    pub(crate) fn uuid(&self, key: &str) -> Result<Uuid, String> {
        self.parsed(key, "a UUID", Uuid::parse)
    }

    /// An optional UUID.
    pub(crate) fn optional_uuid(&self, key: &str) -> Result<Option<Uuid>, String> {
        self.optional_parsed(key, "a UUID", Uuid::parse)
    }

    /// A required timestamp.
    pub(crate) fn timestamp(&self, key: &str) -> Result<Timestamp, String> {
        self.parsed(key, "an ISO 8601 UTC timestamp", Timestamp::parse)
    }

    /// A required unsigned integer.
    pub(crate) fn unsigned(&self, key: &str) -> Result<u64, String> {
        let v = self.required(key)?;
        v.as_u64().ok_or_else(|| format!("{} must be a non-negative integer, not {v}", self.name(key)))
    }

    /// The path of a nested field, for reading it.
    pub(crate) fn path_of(&self, key: &str) -> String {
        self.name(key)
    }
}
