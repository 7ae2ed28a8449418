//! The JavaScript and TypeScript layer of the &Open SDK.
//!
//! It will expose [`andopen_core`] through wasm-bindgen; until then it only re-exports the core so that the
//! workspace builds as laid out.

pub use andopen_core as core;
