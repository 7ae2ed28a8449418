//! Enums whose wire form is a string from a set that may grow (statuses, error types and codes, invitation
//! methods): each has `from_wire` and `as_str`, and this module gives it `Display`, `Serialize` and a
//! `Deserialize` that keeps unknown values instead of failing.

/// Implements `Display`, `Serialize` and `Deserialize` through the type's `as_str` and `from_wire`.
macro_rules! wire_string {
    ($t:ty) => {
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                Ok(<$t>::from_wire(&<std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?))
            }
        }
    };
}

pub(crate) use wire_string;
