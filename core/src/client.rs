//! The entry point: a [`Client`] holds a checked [`Config`] and makes calls from it. It does no I/O and
//! keeps no state between calls, so one client serves any number of threads.

use std::sync::Arc;
use std::time::Duration;

use crate::call::Call;
use crate::config::Config;
use crate::draft::{GiftRequestDraft, refuse_over_limit};
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
        let draft = GiftRequestDraft::from_json(body).map_err(|e| Error::Validation(vec![e]))?;
        self.create_from_draft(&draft)
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
    pub fn wait_for_gift_request(&self, id: &str, target: PollTarget, interval: Duration, timeout: Duration) -> Result<Poller, Error> {
        let call = self.get_gift_request(id)?;
        Ok(Poller::new(Arc::clone(&self.config), call, target, interval, timeout))
    }
}
