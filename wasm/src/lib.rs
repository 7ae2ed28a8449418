//! The JavaScript and TypeScript layer of the &Open SDK: [`andopen_core`] through wasm-bindgen.
//!
//! The boundary is shaped for speed and size: plain data in, JSON text out. A payload object to validate
//! crosses as tokens ([`andopen_core::tokens`]): the package writes its walk into the tag area
//! ([`tag_area`]) and the UTF-8 of all its keys, strings and numbers at once into the input area
//! ([`input_area`]), so that nothing is quoted, escaped or scanned for quotes on either side. Everything
//! else (options, JSON payloads, responses) crosses as JSON text. Results and errors come back as one JSON
//! string, and a valid payload costs no result at all (`undefined`). The core reads and writes that JSON
//! itself (no serde_json in the module). No rule of the contract is written on the JavaScript side: the package in `bindings/js` only
//! moves bytes, sleeps and turns error reports into `Error` subclasses.
//!
//! Errors are thrown as the JSON text of an [`andopen_core::ErrorReport`]; the package rethrows them as
//! `AndOpenError` subclasses.
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod options;
/// The workflows: in the `workflows` build of the module only (always compiled natively, for the checks).
#[cfg(any(feature = "workflows", not(target_arch = "wasm32")))]
pub mod workflows;

use andopen_core::{ErrorCode, ErrorItem, ErrorReport, HostCall, ListCampaigns, PollTarget, RequestReport, Response, TransportFailure};
use std::cell::RefCell;

use wasm_bindgen::prelude::*;

fn thrown(error: &andopen_core::Error) -> JsValue {
    JsValue::from_str(&ErrorReport::of(error).to_json())
}

/// The SDK's limits ([`andopen_core::limits`]) as JSON text: `{ "max_body_bytes", "max_depth",
/// "max_problems", "max_response_bytes", "max_quoted_chars", "max_webhook_body_bytes",
/// "max_remembered_events", "default_remembered_events" }`. The package reads them once, so that its
/// transport and payload writer stop where the core does.
#[wasm_bindgen]
pub fn limits() -> String {
    use andopen_core::limits::*;
    format!(
        "{{\"max_body_bytes\":{MAX_BODY_BYTES},\"max_depth\":{MAX_DEPTH},\"max_problems\":{MAX_PROBLEMS},\"max_response_bytes\":{MAX_RESPONSE_BYTES},\"max_quoted_chars\":{MAX_QUOTED_CHARS},\"max_webhook_body_bytes\":{MAX_WEBHOOK_BODY_BYTES},\"max_remembered_events\":{MAX_REMEMBERED_EVENTS},\"default_remembered_events\":{DEFAULT_REMEMBERED_EVENTS}}}"
    )
}

/// Checks a gift-request body (JSON text) against every rule of the contract. Returns `undefined` when it
/// is valid, else the JSON text of every field error, in the server's words.
#[wasm_bindgen(js_name = validateGiftRequest)]
pub fn validate_gift_request(body: &str) -> Option<String> {
    validate(body.as_bytes())
}

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

/// [`validate_gift_request`] on the first `len` bytes of the input area.
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

/// [`validate_gift_request`] on a payload given as tokens: the first `tag_count` tags of the tag area and
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
/// reads from them. For the package's tests of its writer; throws the reason when they are malformed.
#[wasm_bindgen(js_name = tokensText)]
pub fn tokens_text(tag_count: usize, text_len: usize) -> Result<String, JsValue> {
    TAGS.with_borrow(|tags| {
        INPUT.with_borrow(|input| {
            andopen_core::tokens::to_json(tags.get(..tag_count).unwrap_or_default(), input.get(..text_len).unwrap_or_default())
                .map_err(|reason| JsValue::from_str(&reason))
        })
    })
}

/// The exact body to send for a gift-request payload (JSON text); throws its field errors.
#[wasm_bindgen(js_name = giftRequestBody)]
pub fn gift_request_body(body: &str) -> Result<String, JsValue> {
    andopen_core::gift_request_body_from_json(body.as_bytes())
        .map(|bytes| String::from_utf8(bytes).unwrap_or_default())
        .map_err(|errors| thrown(&andopen_core::Error::Validation(errors)))
}

/// A configured client: makes calls, does no I/O.
#[wasm_bindgen]
pub struct CoreClient {
    inner: andopen_core::Client,
}

#[wasm_bindgen]
impl CoreClient {
    /// Builds a client from options (JSON text: `apiKey`, `environment`, `region`, `baseUrl`,
    /// `allowCustomKey`, `inBrowser`, `allowKeyInBrowser`, `retry`, `jitterSeed`); throws a `config` error.
    #[wasm_bindgen(constructor)]
    pub fn new(options: &str) -> Result<CoreClient, JsValue> {
        let config = options::config(options).map_err(|e| thrown(&andopen_core::Error::Config(e)))?;
        Ok(CoreClient { inner: andopen_core::Client::new(config) })
    }

    /// The base URL requests go to.
    #[wasm_bindgen(js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.inner.config().base_url().as_str().to_owned()
    }

    /// `POST /gift_requests` for a payload (JSON text); throws its field errors.
    #[wasm_bindgen(js_name = createGiftRequest)]
    pub fn create_gift_request(&self, body: &str) -> Result<CoreCall, JsValue> {
        self.inner
            .create_gift_request_json(body.as_bytes())
            .map(|c| CoreCall { inner: HostCall::CreateGiftRequest(c) })
            .map_err(|e| thrown(&e))
    }

    /// `GET /gift_requests/{id}`.
    #[wasm_bindgen(js_name = getGiftRequest)]
    pub fn get_gift_request(&self, id: &str) -> Result<CoreCall, JsValue> {
        self.inner.get_gift_request(id).map(|c| CoreCall { inner: HostCall::GetGiftRequest(c) }).map_err(|e| thrown(&e))
    }

    /// `GET /campaigns/{id}`.
    #[wasm_bindgen(js_name = getCampaign)]
    pub fn get_campaign(&self, id: &str) -> Result<CoreCall, JsValue> {
        self.inner.get_campaign(id).map(|c| CoreCall { inner: HostCall::GetCampaign(c) }).map_err(|e| thrown(&e))
    }

    /// `GET /campaigns`, every page; `params` is JSON text `{ limit?, after?, extra_query? }`.
    #[wasm_bindgen(js_name = listCampaigns)]
    pub fn list_campaigns(&self, params: &str) -> Result<CoreCall, JsValue> {
        let params = ListCampaigns::from_json(params.as_bytes()).map_err(|e| thrown(&e))?;
        self.inner.list_campaigns(&params).map(|p| CoreCall { inner: HostCall::ListCampaigns(p) }).map_err(|e| thrown(&e))
    }

    /// Polls a gift request until `until` (`"redemption_url"` or a status) is reached.
    #[wasm_bindgen(js_name = waitForGiftRequest)]
    pub fn wait_for_gift_request(&self, id: &str, until: &str, interval_ms: f64, timeout_ms: f64) -> Result<CoreCall, JsValue> {
        let target = match until {
            "redemption_url" => PollTarget::RedemptionUrl,
            status => PollTarget::Status(andopen_core::GiftRequestStatus::from_wire(status)),
        };
        let (Some(interval), Some(timeout)) = (options::checked_millis(interval_ms), options::checked_millis(timeout_ms)) else {
            let problem = ErrorItem::validation(
                ErrorCode::Invalid,
                "intervalMs",
                "intervalMs and timeoutMs must be numbers of milliseconds, at least 0",
            );
            return Err(thrown(&andopen_core::Error::Validation(vec![problem])));
        };
        self.inner
            .wait_for_gift_request(id, target, interval, timeout)
            .map(|p| CoreCall { inner: HostCall::Poll(p) })
            .map_err(|e| thrown(&e))
    }
}

/// One call in progress: send [`CoreCall::request`], report the answer, do what the step says.
#[wasm_bindgen]
pub struct CoreCall {
    inner: HostCall,
}

#[wasm_bindgen]
impl CoreCall {
    /// The request to send now as JSON text (`{ method, url, headers: [[name, value]…], body }`), or
    /// `undefined` when a list is finished.
    pub fn request(&self) -> Option<String> {
        self.inner.request().map(|r| RequestReport::of(r).to_json())
    }

    /// Judges the answer: `headers` is JSON text `[[name, value]…]`, `now_ms` the current time in Unix
    /// milliseconds. Returns the step as JSON text (`{ step: "done", value, meta }`, `{ step: "wait", ms }`
    /// or `{ step: "failed", error }`).
    #[wasm_bindgen(js_name = handleResponse)]
    pub fn handle_response(&mut self, status: f64, headers: &str, body: &[u8], now_ms: f64) -> String {
        let response = Response::new(andopen_core::http::status_from_host(status), options::headers(headers), body);
        self.inner.handle_response(&response, options::instant(now_ms)).to_json()
    }

    /// Reports that the request got no response; `maybe_sent` says whether it may have reached the server.
    #[wasm_bindgen(js_name = handleTransportFailure)]
    pub fn handle_transport_failure(&mut self, maybe_sent: bool, now_ms: f64) -> String {
        let failure = if maybe_sent { TransportFailure::MaybeSent } else { TransportFailure::NotSent };
        self.inner.handle_transport_failure(failure, options::instant(now_ms)).to_json()
    }
}
