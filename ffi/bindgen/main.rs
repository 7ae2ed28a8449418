//! `uniffi-bindgen`, pinned to the UniFFI version of `andopen-ffi`. Run it from the workspace:
//!
//! ```text
//! cargo run --bin uniffi-bindgen -- generate --library target/release/libandopen_ffi.so --language kotlin --out-dir out
//! ```

fn main() {
    uniffi::uniffi_bindgen_main()
}
