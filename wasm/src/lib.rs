//! The JavaScript and TypeScript layer of the &Open SDK: [`andopen_core`] through wasm-bindgen.
//!
//! The boundary is shaped for speed and size: plain data in, JSON text out. A payload object to validate
//! crosses as tokens ([`andopen_core::tokens`]): the package writes its walk into the tag area
//! ([`tag_area`]), the gift request's own keys as numbers there, and the UTF-8 of its strings, numbers and
//! other keys at once into the input area ([`input_area`]), so that nothing is quoted, escaped or scanned
//! for quotes on either side. Everything
//! else (options, JSON payloads, responses) crosses as JSON text. Results and errors come back as one JSON
//! string, and a valid payload costs no result at all (`undefined`). The core reads and writes that JSON
//! itself (no serde_json in the module). No rule of the contract is written on the JavaScript side: the package in `bindings/js` only
//! moves bytes, sleeps and turns error reports into `Error` subclasses.
//!
//! Errors are thrown as the JSON text of an [`andopen_core::ErrorReport`]; the package rethrows them as
//! `AndOpenError` subclasses.
#![cfg_attr(all(andopen_optimize_attr, feature = "client"), feature(optimize_attribute))]
#![cfg_attr(test, allow(clippy::unwrap_used))]

/// The client: calls built and judged by the core (in the module of the full package; the validation-only
/// module, built without the `client` feature, leaves it out).
#[cfg(any(feature = "client", not(target_arch = "wasm32")))]
pub mod client;
#[cfg(any(feature = "client", not(target_arch = "wasm32")))]
mod options;
/// The workflows: in the `workflows` build of the module only (always compiled natively, for the checks).
#[cfg(any(feature = "workflows", not(target_arch = "wasm32")))]
pub mod workflows;

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

#[cfg(any(feature = "client", not(target_arch = "wasm32")))]
fn thrown(error: &andopen_core::Error) -> JsValue {
    JsValue::from_str(&andopen_core::ErrorReport::of(error).to_json())
}

/// The SDK's limits ([`andopen_core::limits`]) as JSON text, named as the package's `Limits` names them:
/// `{ "maxBodyBytes", "maxDepth", "maxProblems", "maxResponseBytes", "maxQuotedChars",
/// "maxWebhookBodyBytes", "maxRememberedEvents", "defaultRememberedEvents", "maxTimeoutMs",
/// "minPollIntervalMs", "maxApiKeyChars" }`. The package reads them once, so that its transport and
/// payload writer stop where the core does.
#[wasm_bindgen]
pub fn limits() -> String {
    use andopen_core::limits::*;
    format!(
        "{{\"maxBodyBytes\":{MAX_BODY_BYTES},\"maxDepth\":{MAX_DEPTH},\"maxProblems\":{MAX_PROBLEMS},\"maxResponseBytes\":{MAX_RESPONSE_BYTES},\"maxQuotedChars\":{MAX_QUOTED_CHARS},\"maxWebhookBodyBytes\":{MAX_WEBHOOK_BODY_BYTES},\"maxRememberedEvents\":{MAX_REMEMBERED_EVENTS},\"defaultRememberedEvents\":{DEFAULT_REMEMBERED_EVENTS},\"maxTimeoutMs\":{MAX_TIMEOUT_MS},\"minPollIntervalMs\":{MIN_POLL_INTERVAL_MS},\"maxApiKeyChars\":{MAX_API_KEY_CHARS}}}"
    )
}

/// Checks a gift-request body (JSON text) against every rule of the contract: `None` when it is valid, else
/// the JSON text of every field error, in the server's words. The package passes text through the input
/// area ([`validate_input`]), so that it is copied once.
fn validate(body: &[u8]) -> Option<String> {
    andopen_core::validate_gift_request_json(body).err().map(|errors| andopen_core::errors_to_json(&errors))
}

thread_local! {
    /// The input area: the package writes a payload's UTF-8 here (with `TextEncoder.encodeInto`) and calls
    /// [`validate_input`] or [`validate_tokens`], so that validating costs no allocation on either side.
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// The tag area: the walk of a payload's tokens, for [`validate_tokens`].
    static TAGS: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
}

/// Makes the input area hold at least `capacity` bytes and returns where it starts in the module's memory.
/// Call it again whenever a payload may be longer than the last capacity asked for.
#[wasm_bindgen(js_name = inputArea)]
pub fn input_area(capacity: usize) -> *const u8 {
    reserve(&INPUT, capacity)
}

/// The most items an area holds: room for the UTF-8 of a body of `MAX_BODY_BYTES` UTF-16 units (three
/// bytes each at most), and as many tags. A larger payload is over the SDK's limit whatever it holds.
const AREA_LIMIT: usize = 3 * andopen_core::limits::MAX_BODY_BYTES;

/// Makes an area hold `capacity` zeroed items and returns where they start; null (allocating nothing)
/// when `capacity` is over [`AREA_LIMIT`], so that no payload's size can exhaust the module's memory.
fn reserve<T: Copy + Default>(area: &'static std::thread::LocalKey<RefCell<Vec<T>>>, capacity: usize) -> *const T {
    if capacity > AREA_LIMIT {
        return std::ptr::null();
    }
    area.with_borrow_mut(|items| {
        items.clear();
        items.resize(capacity, T::default());
        items.as_ptr()
    })
}

/// Checks the first `len` bytes of the input area, a gift-request body (JSON text), against every rule of
/// the contract: `undefined` when it is valid, else the JSON text of every field error, in the server's words.
#[wasm_bindgen(js_name = validateInput)]
pub fn validate_input(len: usize) -> Option<String> {
    INPUT.with_borrow(|input| match input.get(..len) {
        Some(body) => validate(body),
        None => validate(b""),
    })
}

/// Makes the tag area hold at least `capacity` tags and returns where it starts in the module's memory (a
/// multiple of 4). Call it again whenever a walk may be longer than the last capacity asked for.
#[wasm_bindgen(js_name = tagArea)]
pub fn tag_area(capacity: usize) -> *const u32 {
    reserve(&TAGS, capacity)
}

/// [`validate_input`] on a payload given as tokens: the first `tag_count` tags of the tag area and
/// the first `text_len` bytes of the input area.
#[wasm_bindgen(js_name = validateTokens)]
pub fn validate_tokens(tag_count: usize, text_len: usize) -> Option<String> {
    TAGS.with_borrow(|tags| {
        INPUT.with_borrow(|input| {
            let tags = tags.get(..tag_count).unwrap_or_default();
            let text = input.get(..text_len).unwrap_or_default();
            andopen_core::validate_gift_request_tokens(tags, text).err().map(|errors| andopen_core::errors_to_json(&errors))
        })
    })
}

/// The JSON text the tokens in the two areas stand for (`tag_count` tags, `text_len` bytes): what the core
/// reads from them. For the package's tests of its writer, which is the same in every module: so only in
/// the validation-only module, the smallest. Throws the reason when they are malformed.
#[cfg(any(not(feature = "client"), not(target_arch = "wasm32")))]
#[wasm_bindgen(js_name = tokensText)]
pub fn tokens_text(tag_count: usize, text_len: usize) -> Result<String, JsValue> {
    TAGS.with_borrow(|tags| {
        INPUT.with_borrow(|input| {
            andopen_core::tokens::to_json(tags.get(..tag_count).unwrap_or_default(), input.get(..text_len).unwrap_or_default())
                .map_err(|reason| JsValue::from_str(&reason))
        })
    })
}

/// The module's allocator (see `Cargo.toml`): it grows the module's memory as it needs.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
