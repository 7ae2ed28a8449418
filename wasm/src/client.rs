//! The client's calls: `CoreClient` makes them, `CoreCall` carries one through its requests and
//! answers. Every decision is the core's; the package sends, sleeps and reports what came back.
//!
//! The crate is compiled for speed (the validation path); these functions, and the core code they pull
//! in, are compiled for size where the compiler allows it (`optimize(size)`, set by the wasm build), and
//! kept out of the export wrappers wasm-bindgen writes around them (`inline(never)`: the wrappers are
//! compiled for speed with the crate): a call waits on the network, never on them.

use andopen_core::{HostCall, ListCampaigns, PollTarget, RequestReport, Response, TransportFailure};
use wasm_bindgen::prelude::*;

use crate::{options, thrown};

/// The exact body to send for a gift-request payload (JSON text); throws its field errors.
#[wasm_bindgen(js_name = giftRequestBody)]
#[cfg_attr(andopen_optimize_attr, optimize(size), inline(never))]
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
    /// `allowCustomKey`, `inBrowser`, `allowKeyInBrowser`, `retry`, `jitterSeed`, `timeoutMs`); throws a
    /// `config` error.
    #[wasm_bindgen(constructor)]
    #[cfg_attr(andopen_optimize_attr, optimize(size), inline(never))]
    pub fn new(options: &str) -> Result<CoreClient, JsValue> {
        let config = options::config(options).map_err(|e| thrown(&andopen_core::Error::Config(e)))?;
        Ok(CoreClient { inner: andopen_core::Client::new(config) })
    }

    /// The base URL requests go to.
    #[wasm_bindgen(js_name = baseUrl)]
    #[cfg_attr(andopen_optimize_attr, optimize(size), inline(never))]
    pub fn base_url(&self) -> String {
        self.inner.config().base_url().as_str().to_owned()
    }

    /// Throws `config` / `missing_api_key` when a request to the API would go without a key (the check
    /// every call makes: call it before a run of calls, a batch say).
    #[wasm_bindgen(js_name = checkCanSend)]
    #[cfg_attr(andopen_optimize_attr, optimize(size), inline(never))]
    pub fn check_can_send(&self) -> Result<(), JsValue> {
        self.inner.check_can_send().map_err(|e| thrown(&e))
    }

    /// `POST /gift_requests` for a payload (JSON text); throws its field errors.
    #[wasm_bindgen(js_name = createGiftRequest)]
    #[cfg_attr(andopen_optimize_attr, optimize(size), inline(never))]
    pub fn create_gift_request(&self, body: &str) -> Result<CoreCall, JsValue> {
        self.inner
            .create_gift_request_json(body.as_bytes())
            .map(|c| CoreCall { inner: HostCall::CreateGiftRequest(c) })
            .map_err(|e| thrown(&e))
    }

    /// `GET /gift_requests/{id}`.
    #[wasm_bindgen(js_name = getGiftRequest)]
    #[cfg_attr(andopen_optimize_attr, optimize(size), inline(never))]
    pub fn get_gift_request(&self, id: &str) -> Result<CoreCall, JsValue> {
        self.inner.get_gift_request(id).map(|c| CoreCall { inner: HostCall::GetGiftRequest(c) }).map_err(|e| thrown(&e))
    }

    /// `GET /campaigns/{id}`.
    #[wasm_bindgen(js_name = getCampaign)]
    #[cfg_attr(andopen_optimize_attr, optimize(size), inline(never))]
    pub fn get_campaign(&self, id: &str) -> Result<CoreCall, JsValue> {
        self.inner.get_campaign(id).map(|c| CoreCall { inner: HostCall::GetCampaign(c) }).map_err(|e| thrown(&e))
    }

    /// `GET /campaigns`, every page; `params` is JSON text `{ limit?, after?, extra_query? }`.
    #[wasm_bindgen(js_name = listCampaigns)]
    #[cfg_attr(andopen_optimize_attr, optimize(size), inline(never))]
    pub fn list_campaigns(&self, params: &str) -> Result<CoreCall, JsValue> {
        let params = ListCampaigns::from_json(params.as_bytes()).map_err(|e| thrown(&e))?;
        self.inner.list_campaigns(&params).map(|p| CoreCall { inner: HostCall::ListCampaigns(p) }).map_err(|e| thrown(&e))
    }

    /// Polls a gift request until `until` (`"redemption_url"` or a contract status) is reached, every
    /// `interval_ms` for at most `timeout_ms`; throws a `config` error naming `status`, `intervalMs` or
    /// `timeoutMs` for a value the core refuses.
    #[wasm_bindgen(js_name = waitForGiftRequest)]
    #[cfg_attr(andopen_optimize_attr, optimize(size), inline(never))]
    pub fn wait_for_gift_request(&self, id: &str, until: &str, interval_ms: f64, timeout_ms: f64) -> Result<CoreCall, JsValue> {
        let config = |e: andopen_core::ConfigError| thrown(&andopen_core::Error::Config(e));
        let target = PollTarget::parse(until).map_err(config)?;
        let interval = andopen_core::config::checked_interval(interval_ms, "intervalMs").map_err(config)?;
        let timeout = andopen_core::config::checked_timeout(timeout_ms, "timeoutMs").map_err(config)?;
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
    #[cfg_attr(andopen_optimize_attr, optimize(size), inline(never))]
    pub fn request(&self) -> Option<String> {
        self.inner.request().map(|r| RequestReport::of(r).to_json())
    }

    /// Judges the answer: `headers` is JSON text `[[name, value]…]`, `now_ms` the current time in Unix
    /// milliseconds. Returns the step as JSON text (`{ step: "done", value, meta }`, `{ step: "wait", ms }`
    /// or `{ step: "failed", error }`).
    #[wasm_bindgen(js_name = handleResponse)]
    #[cfg_attr(andopen_optimize_attr, optimize(size), inline(never))]
    pub fn handle_response(&mut self, status: f64, headers: &str, body: &[u8], now_ms: f64) -> String {
        let response = Response::new(andopen_core::http::status_from_host(status), options::headers(headers), body);
        self.inner.handle_response(&response, options::instant(now_ms)).to_json()
    }

    /// Reports that the request got no response; `maybe_sent` says whether it may have reached the server.
    #[wasm_bindgen(js_name = handleTransportFailure)]
    #[cfg_attr(andopen_optimize_attr, optimize(size), inline(never))]
    pub fn handle_transport_failure(&mut self, maybe_sent: bool, now_ms: f64) -> String {
        let failure = if maybe_sent { TransportFailure::MaybeSent } else { TransportFailure::NotSent };
        self.inner.handle_transport_failure(failure, options::instant(now_ms)).to_json()
    }
}
