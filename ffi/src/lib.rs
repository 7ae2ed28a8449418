//! The Python, Kotlin and Swift layer of the &Open SDK.
//!
//! It will expose [`andopen_core`] through UniFFI; until then it only re-exports the core so that the
//! workspace builds as laid out.

pub use andopen_core as core;
