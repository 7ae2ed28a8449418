//! The entry point: a [`Client`] holds a checked configuration and starts calls from it. It does no I/O
//! and keeps no state between calls, so one client serves any number of threads.

use std::sync::Arc;
use std::time::Duration;

use crate::calls::{CampaignCall, GiftRequestCall};
use crate::errors::CoreError;
use crate::pages::CampaignPages;
use crate::params::{ListCampaignsParams, NewGiftRequest};
use crate::poll::{PollTarget, Poller};

/// The environment a key was issued for.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, uniffi::Enum)]
pub enum Environment {
    /// Real gifts, real money.
    Production,
    /// A separate environment with its own data and keys.
    Staging,
}

/// The production region an account was provisioned in.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, uniffi::Enum)]
pub enum Region {
    /// US / global.
    Us,
    /// EU.
    Eu,
}

/// When to send a request again. Get the defaults from [`default_retry_policy`] and change what you need.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct RetryPolicy {
    /// Requests sent at most, the first included.
    pub max_attempts: i32,
    /// The first backoff's upper bound, in milliseconds.
    pub base_delay_ms: i64,
    /// The largest backoff, in milliseconds.
    pub max_delay_ms: i64,
    /// The longest server-directed wait (`Retry-After`) slept through, in milliseconds; a longer one is
    /// reported as an error instead.
    pub max_retry_after_ms: i64,
}

impl From<andopen_core::RetryPolicy> for RetryPolicy {
    fn from(p: andopen_core::RetryPolicy) -> RetryPolicy {
        RetryPolicy {
            max_attempts: i32::try_from(p.max_attempts).unwrap_or(i32::MAX),
            base_delay_ms: crate::http::millis(p.base_delay),
            max_delay_ms: crate::http::millis(p.max_delay),
            max_retry_after_ms: crate::http::millis(p.max_retry_after),
        }
    }
}

impl TryFrom<&RetryPolicy> for andopen_core::RetryPolicy {
    type Error = CoreError;

    /// Refuses negative figures, naming the field.
    fn try_from(p: &RetryPolicy) -> Result<andopen_core::RetryPolicy, CoreError> {
        Ok(andopen_core::RetryPolicy {
            max_attempts: u32::try_from(p.max_attempts).map_err(|_| not_negative("retry_policy.max_attempts"))?,
            base_delay: duration_ms(p.base_delay_ms, "retry_policy.base_delay_ms")?,
            max_delay: duration_ms(p.max_delay_ms, "retry_policy.max_delay_ms")?,
            max_retry_after: duration_ms(p.max_retry_after_ms, "retry_policy.max_retry_after_ms")?,
        })
    }
}

fn not_negative(param: &str) -> CoreError {
    CoreError::invalid_input(param, "must not be negative")
}

/// Milliseconds from the host as a duration; negative values are refused, naming the field.
fn duration_ms(ms: i64, param: &str) -> Result<Duration, CoreError> {
    u64::try_from(ms).map(Duration::from_millis).map_err(|_| not_negative(param))
}

/// Checks a timeout (of one exchange) as the core bounds every timeout: above 0 and at most
/// `limits().max_timeout_ms` (24 days). Throws kind `config`, code `invalid_option`, param `timeout`
/// otherwise. Call it where the host takes the option, so that every language refuses the same values.
#[uniffi::export]
pub fn check_timeout_ms(timeout_ms: i64) -> Result<(), CoreError> {
    andopen_core::config::checked_timeout(timeout_ms as f64, "timeout")?;
    Ok(())
}

/// Checks a pause (between two sends of a batch, say) as the core bounds every pause: from 0 to
/// `limits().max_timeout_ms` (24 days). Throws kind `config`, code `invalid_option`, param `pause`
/// otherwise. Call it where the host takes the option, as [`check_timeout_ms`] for a timeout.
#[uniffi::export]
pub fn check_pause_ms(pause_ms: i64) -> Result<(), CoreError> {
    andopen_core::config::checked_pause(pause_ms as f64, "pause")?;
    Ok(())
}

/// The core's default retry policy.
#[uniffi::export]
pub fn default_retry_policy() -> RetryPolicy {
    andopen_core::RetryPolicy::default().into()
}

/// A policy that never retries.
#[uniffi::export]
pub fn never_retry_policy() -> RetryPolicy {
    andopen_core::RetryPolicy::never().into()
}

/// Where requests go. Everything is optional. The API key is not part of it: it is passed to
/// [`Client::new`] on its own, so that no record a host can print (a Kotlin `toString`, a Python `repr`, a
/// Swift `description`) ever holds it.
#[derive(Clone, PartialEq, Eq, Debug, Default, uniffi::Record)]
pub struct ClientConfig {
    /// The environment; it must agree with the key's stage.
    #[uniffi(default)]
    pub environment: Option<Environment>,
    /// The production region (US when absent).
    #[uniffi(default)]
    pub region: Option<Region>,
    /// Send to this base URL instead (a local server, a custom deployment).
    #[uniffi(default)]
    pub base_url: Option<String>,
    /// Accept a key that does not have the standard shape (custom deployments).
    #[uniffi(default)]
    pub allow_custom_key: bool,
    /// The retry policy (the core's default when absent).
    #[uniffi(default)]
    pub retry_policy: Option<RetryPolicy>,
    /// The seed retry jitter is derived from (any 64 bits): pass a random value (tests pass a fixed one).
    #[uniffi(default)]
    pub jitter_seed: i64,
    /// The host runs inside a web page (Python on Pyodide, say): a key is then refused unless
    /// `allow_key_in_browser` is set, since anyone who loads the page can read it.
    #[uniffi(default)]
    pub in_browser: bool,
    /// Accept a key inside a web page anyway (a private internal tool only).
    #[uniffi(default)]
    pub allow_key_in_browser: bool,
}

impl ClientConfig {
    fn build(&self, api_key: Option<String>) -> Result<andopen_core::Config, CoreError> {
        let seed = u64::from_ne_bytes(self.jitter_seed.to_ne_bytes());
        let mut b = andopen_core::Config::builder()
            .allow_custom_key(self.allow_custom_key)
            .in_browser(self.in_browser)
            .allow_key_in_browser(self.allow_key_in_browser)
            .jitter_seed(seed);
        if let Some(key) = api_key {
            b = b.api_key(key);
        }
        match self.environment {
            Some(Environment::Production) => b = b.environment(andopen_core::Environment::Production),
            Some(Environment::Staging) => b = b.environment(andopen_core::Environment::Staging),
            None => {}
        }
        match self.region {
            Some(Region::Eu) => b = b.region(andopen_core::Region::Eu),
            Some(Region::Us) => b = b.region(andopen_core::Region::Us),
            None => {}
        }
        if let Some(url) = &self.base_url {
            b = b.base_url(url.clone());
        }
        if let Some(policy) = &self.retry_policy {
            b = b.retry_policy(policy.try_into()?);
        }
        Ok(b.build()?)
    }
}

/// Makes calls to the &Open API from one configuration. Each method checks its input and returns a call
/// for the host to drive, or throws [`CoreError`] with every problem at once and nothing sent.
#[derive(uniffi::Object)]
pub struct Client {
    client: andopen_core::Client,
}

impl Client {
    /// The core's client, for the layers that drive several calls (batch send).
    pub(crate) fn core(&self) -> &andopen_core::Client {
        &self.client
    }
}

#[uniffi::export]
impl Client {
    /// A client for this configuration and API key (`ao-v1-{staging|production}-{secret}`, whose stage
    /// picks the environment; without one the client validates and builds requests without an
    /// `Authorization` header). Throws kind `config` when refused (a malformed key, a staging key against
    /// production, a key over plain http to a remote host, ...). The key is kept by the core alone.
    #[uniffi::constructor]
    pub fn new(config: ClientConfig, api_key: Option<String>) -> Result<Arc<Client>, CoreError> {
        Ok(Arc::new(Client { client: andopen_core::Client::new(config.build(api_key)?) }))
    }

    /// Where requests go (without a trailing slash).
    pub fn base_url(&self) -> String {
        self.client.config().base_url().as_str().to_owned()
    }

    /// Whether requests carry an API key.
    pub fn has_api_key(&self) -> bool {
        self.client.config().api_key().is_some()
    }

    /// Throws kind `config`, code `missing_api_key` (param `api_key`) when this client has no key and its
    /// requests go to the &Open API itself (they would get a 401). A client that sends calls it before
    /// sending; a custom base URL (a backend that adds the key) passes.
    pub fn check_can_send(&self) -> Result<(), CoreError> {
        Ok(self.client.check_can_send()?)
    }

    /// `POST /gift_requests` from typed parameters. Validates first: throws kind `validation` with every
    /// problem and builds nothing.
    pub fn create_gift_request(&self, params: NewGiftRequest) -> Result<Arc<GiftRequestCall>, CoreError> {
        let call = self.client.create_gift_request(&params.to_core()?)?;
        Ok(Arc::new(GiftRequestCall::create(call)))
    }

    /// `POST /gift_requests` from a JSON body (a form, a no-code tool). Validates exactly as the typed
    /// form does; unknown fields are sent untouched.
    pub fn create_gift_request_json(&self, body: &[u8]) -> Result<Arc<GiftRequestCall>, CoreError> {
        Ok(Arc::new(GiftRequestCall::create(self.client.create_gift_request_json(body)?)))
    }

    /// `GET /gift_requests/{id}`. The id must be a UUID.
    pub fn get_gift_request(&self, id: String) -> Result<Arc<GiftRequestCall>, CoreError> {
        Ok(Arc::new(GiftRequestCall::get(self.client.get_gift_request(&id)?)))
    }

    /// `GET /campaigns/{id}`. The id must be a UUID.
    pub fn get_campaign(&self, id: String) -> Result<Arc<CampaignCall>, CoreError> {
        Ok(Arc::new(CampaignCall::new(self.client.get_campaign(&id)?)))
    }

    /// `GET /campaigns`, every page.
    pub fn list_campaigns(&self, params: ListCampaignsParams) -> Result<Arc<CampaignPages>, CoreError> {
        Ok(Arc::new(CampaignPages::new(self.client.list_campaigns(&params.into())?)))
    }

    /// `GET /campaigns`, every page, from `{ "limit"?, "after"?, "extra_query"? }` as JSON (`extra_query` a
    /// list of `[name, value]` pairs or an object of strings). Wrong types are reported as field errors.
    pub fn list_campaigns_json(&self, params: &[u8]) -> Result<Arc<CampaignPages>, CoreError> {
        let params = andopen_core::ListCampaigns::from_json(params)?;
        Ok(Arc::new(CampaignPages::new(self.client.list_campaigns(&params)?)))
    }

    /// Polls `GET /gift_requests/{id}` every `interval_ms` until `target` is reached, for at most
    /// `timeout_ms`. Throws kind `config` (`invalid_option`) naming `interval` for an interval under
    /// `limits().min_poll_interval_ms`, `timeout` for a timeout of 0 or over `limits().max_timeout_ms`
    /// (an interval too), `status` for a target status the contract does not have.
    pub fn wait_for_gift_request(
        &self,
        id: String,
        target: PollTarget,
        interval_ms: i64,
        timeout_ms: i64,
    ) -> Result<Arc<Poller>, CoreError> {
        let interval = andopen_core::config::checked_interval(interval_ms as f64, "interval")?;
        let timeout = andopen_core::config::checked_timeout(timeout_ms as f64, "timeout")?;
        let poller = self.client.wait_for_gift_request(&id, (&target).into(), interval, timeout)?;
        Ok(Arc::new(Poller::new(poller)))
    }
}
