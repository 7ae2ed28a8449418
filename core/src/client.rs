//! The entry point: a [`Client`] holds a checked [`Config`] and makes calls from it. It does no I/O and
//! keeps no state between calls, so one client serves any number of threads.

use std::sync::Arc;
use std::time::Duration;

use crate::call::Call;
use crate::config::{Config, ConfigError};
use crate::draft::{GiftRequestDraft, JsonBody, refuse_over_limit};
use crate::error::Error;
use crate::http::Method;
use crate::operations::{CreateGiftRequest, GetCampaign, GetGiftRequest, ListCampaigns, build, path_id};
use crate::paginate::CampaignPages;
use crate::params::NewGiftRequest;
use crate::poll::{PollTarget, Poller};
use crate::validation::check;

/// Makes calls to the &Open API from one configuration.
#[derive(Clone, Debug)]
pub struct Client {
    config: Arc<Config>,
}

impl Client {
    /// A client for this configuration.
    pub fn new(config: Config) -> Client {
        Client { config: Arc::new(config) }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// `POST /gift_requests` from typed parameters. Validates first: every problem is reported at once
    /// in [`Error::Validation`] and nothing is built.
    pub fn create_gift_request(&self, params: &NewGiftRequest) -> Result<Call<CreateGiftRequest>, Error> {
        let draft = GiftRequestDraft::from_params(params);
        draft.refuse_if_too_large().map_err(|e| Error::Validation(vec![e]))?;
        self.create_from_draft(&draft)
    }

    /// `POST /gift_requests` from a JSON body (a form, a no-code tool, another language). Validates first,
    /// exactly as for typed parameters; unknown fields are sent untouched.
    #[inline]
    pub fn create_gift_request_json(&self, body: &[u8]) -> Result<Call<CreateGiftRequest>, Error> {
        let body = JsonBody::read(body).map_err(|e| Error::Validation(vec![e]))?;
        self.create_from_draft(&body.draft().map_err(|e| Error::Validation(vec![e]))?)
    }

    #[inline]
    fn create_from_draft(&self, draft: &GiftRequestDraft<'_>) -> Result<Call<CreateGiftRequest>, Error> {
        check(draft).map_err(Error::Validation)?;
        let mut body = String::with_capacity(256);
        draft.write(&mut body);
        refuse_over_limit(body.len()).map_err(|e| Error::Validation(vec![e]))?;
        Ok(Call::new(build(&self.config, Method::Post, "/gift_requests", "", Some(body.into_bytes())), &self.config))
    }

    /// `GET /gift_requests/{id}`. The id must be a UUID.
    pub fn get_gift_request(&self, id: &str) -> Result<Call<GetGiftRequest>, Error> {
        let id = path_id(id)?;
        Ok(Call::new(build(&self.config, Method::Get, &format!("/gift_requests/{id}"), "", None), &self.config))
    }

    /// `GET /campaigns/{id}`. The id must be a UUID.
    pub fn get_campaign(&self, id: &str) -> Result<Call<GetCampaign>, Error> {
        let id = path_id(id)?;
        Ok(Call::new(build(&self.config, Method::Get, &format!("/campaigns/{id}"), "", None), &self.config))
    }

    /// `GET /campaigns`, every page: the paginator yields one request per page until `has_more` is false.
    pub fn list_campaigns(&self, params: &ListCampaigns) -> Result<CampaignPages, Error> {
        CampaignPages::new(Arc::clone(&self.config), params.clone())
    }

    /// Polls `GET /gift_requests/{id}` every `interval` until `target` is reached, for at most `timeout`.
    /// Refuses (`config` / `invalid_option`, naming the argument) a target status that is not one of the
    /// contract's (`status`), an `interval` under [`MIN_POLL_INTERVAL_MS`](crate::limits::MIN_POLL_INTERVAL_MS)
    /// and an `interval` or `timeout` of 0 or over [`MAX_TIMEOUT_MS`](crate::limits::MAX_TIMEOUT_MS).
    pub fn wait_for_gift_request(&self, id: &str, target: PollTarget, interval: Duration, timeout: Duration) -> Result<Poller, Error> {
        target.check()?;
        crate::config::checked_interval(millis_of(interval), "interval")?;
        crate::config::checked_timeout(millis_of(timeout), "timeout")?;
        let call = self.get_gift_request(id)?;
        Ok(Poller::new(Arc::clone(&self.config), call, target, interval, timeout))
    }

    /// Whether this client may send: a client that sends requests itself (every binding's `Client`) calls it
    /// before its first request. Without an API key, a request to the &Open API's own URLs (production or
    /// staging) would get a 401: refused here, locally, as `missing_api_key` naming `api_key`, so that
    /// every language refuses the same way. A custom base URL (a backend or relay that adds the key) may be
    /// sent to without one. Building requests (the sans-IO calls) needs no key: a host may add the header.
    pub fn check_can_send(&self) -> Result<(), Error> {
        let to_api = self.config.base_url().environment().is_some();
        match self.config.api_key() {
            None if to_api => Err(Error::Config(ConfigError::missing_api_key())),
            _ => Ok(()),
        }
    }
}

/// A duration in milliseconds as a host gives them (a fraction of a millisecond is refused as one).
fn millis_of(d: Duration) -> f64 {
    if d.subsec_nanos() % 1_000_000 != 0 {
        return f64::NAN;
    }
    // Exact up to 2^53; anything larger is refused as over the limit either way.
    d.as_secs() as f64 * 1000.0 + f64::from(d.subsec_millis())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConfigErrorCode;
    use crate::gift_request::GiftRequestStatus;

    const ID: &str = "4fb4cb3f-9666-43b5-8884-7f5194483d1a";

    fn refusal(result: Result<Poller, Error>) -> (ConfigErrorCode, Option<&'static str>) {
        match result {
            Err(Error::Config(e)) => (e.code, e.param),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_wait_is_refused_for_a_status_the_contract_does_not_have_and_an_interval_too_short() {
        let client = Client::new(Config::from_api_key("ao-v1-production-x").unwrap());
        let (second, minute) = (Duration::from_secs(1), Duration::from_secs(60));
        let shipped = PollTarget::Status(GiftRequestStatus::from_wire("shiped"));
        assert_eq!(refusal(client.wait_for_gift_request(ID, shipped, second, minute)), (ConfigErrorCode::InvalidOption, Some("status")));
        assert_eq!(PollTarget::parse("shiped").unwrap_err().param, Some("status"));
        assert_eq!(PollTarget::parse("unknown").unwrap_err().param, Some("status"));
        assert_eq!(PollTarget::parse("delivered").unwrap(), PollTarget::Status(GiftRequestStatus::Delivered));
        let url = || PollTarget::RedemptionUrl;
        for interval in [Duration::ZERO, Duration::from_millis(99), Duration::from_micros(100_500)] {
            assert_eq!(
                refusal(client.wait_for_gift_request(ID, url(), interval, minute)),
                (ConfigErrorCode::InvalidOption, Some("interval"))
            );
        }
        for timeout in [Duration::ZERO, Duration::from_millis(crate::limits::MAX_TIMEOUT_MS + 1), Duration::MAX] {
            assert_eq!(
                refusal(client.wait_for_gift_request(ID, url(), second, timeout)),
                (ConfigErrorCode::InvalidOption, Some("timeout"))
            );
        }
        assert!(client.wait_for_gift_request(ID, url(), Duration::from_millis(100), minute).is_ok());
    }

    #[test]
    fn a_client_without_a_key_may_not_send_to_the_api_but_may_to_a_custom_backend() {
        let keyless = Client::new(Config::builder().build().unwrap());
        match keyless.check_can_send() {
            Err(Error::Config(c)) => assert_eq!((c.code.as_str(), c.param), ("missing_api_key", Some("api_key"))),
            other => panic!("{other:?}"),
        }
        let staging = Client::new(Config::builder().environment(crate::config::Environment::Staging).build().unwrap());
        assert!(staging.check_can_send().is_err());
        // Building a request needs no key (a host may add the header); a custom backend may be sent to.
        assert!(keyless.get_gift_request(ID).is_ok());
        let backend = Client::new(Config::builder().base_url("https://gifts.example.com/api").build().unwrap());
        assert!(backend.check_can_send().is_ok());
        assert!(Client::new(Config::from_api_key("ao-v1-production-x").unwrap()).check_can_send().is_ok());
    }

    #[test]
    fn a_server_message_that_echoes_the_key_never_carries_it_out() {
        use crate::call::Step;
        use crate::http::{Headers, Response};
        let key = "ao-v1-production-s3cr3tK3yTh4tMustN0tL34k";
        let client = Client::new(Config::from_api_key(key).unwrap());
        let body = format!(
            r#"{{"errors":[{{"type":"authentication_error","code":"invalid_token {key}","message":"token {key} is unknown","param":"{key}"}}]}}"#
        );
        let mut call = client.get_gift_request(ID).unwrap();
        match call.handle_response(&Response::new(401, Headers::new(), body), crate::Timestamp::from_unix_seconds(0)) {
            Step::Failed(error) => {
                let printed = format!("{error} {error:?} {}", crate::report::ErrorReport::of(&error).to_json());
                assert!(!printed.contains(key), "{printed}");
                assert!(printed.contains("token [redacted] is unknown"), "{printed}");
            }
            other => panic!("{other:?}"),
        }
    }
}
