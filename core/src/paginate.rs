//! Walking `GET /campaigns` page by page: the cursor of each page is the id of its last campaign.

use std::sync::Arc;

use crate::call::{Call, Reply, Step};
use crate::campaign::Campaign;
use crate::config::Config;
use crate::error::{DecodeError, Error};
use crate::http::{Method, Request, Response};
use crate::operations::{ListCampaigns, ListCampaignsPage, build};
use crate::page::Page;
use crate::retry::TransportFailure;
use crate::timestamp::Timestamp;

/// Every page of the campaign list. While [`CampaignPages::request`] returns a request, send it and hand
/// the answer to [`CampaignPages::handle_response`]: each [`Step::Done`] is one page; retries happen
/// inside a page exactly as for a single call.
#[derive(Debug)]
pub struct CampaignPages {
    config: Arc<Config>,
    params: ListCampaigns,
    call: Option<Call<ListCampaignsPage>>,
}

impl CampaignPages {
    pub(crate) fn new(config: Arc<Config>, params: ListCampaigns) -> Result<CampaignPages, Error> {
        let call = page_call(&config, &params)?;
        Ok(CampaignPages { config, params, call: Some(call) })
    }

    /// The request for the current page; `None` once the list is finished or a page failed.
    pub fn request(&self) -> Option<&Request> {
        self.call.as_ref().map(Call::request)
    }

    /// Whether every page has been read (or a page failed).
    pub fn is_finished(&self) -> bool {
        self.call.is_none()
    }

    /// Judges the answer for the current page. A [`Step::Done`] page readies the next page's request
    /// when `has_more` is true.
    pub fn handle_response(&mut self, response: &Response, now: Timestamp) -> Step<Reply<Page<Campaign>>> {
        let Some(call) = self.call.as_mut() else {
            return Step::Failed(Error::Finished);
        };
        let step = call.handle_response(response, now);
        self.advance(step)
    }

    /// Reports that the current page's request got no response.
    pub fn handle_transport_failure(&mut self, failure: TransportFailure, now: Timestamp) -> Step<Reply<Page<Campaign>>> {
        let Some(call) = self.call.as_mut() else {
            return Step::Failed(Error::Finished);
        };
        let step = call.handle_transport_failure(failure, now);
        self.advance(step)
    }

    fn advance(&mut self, step: Step<Reply<Page<Campaign>>>) -> Step<Reply<Page<Campaign>>> {
        match step {
            Step::Wait(delay) => Step::Wait(delay),
            Step::Failed(error) => {
                self.call = None;
                Step::Failed(error)
            }
            Step::Done(reply) if !reply.value.has_more => {
                self.call = None;
                Step::Done(reply)
            }
            Step::Done(reply) => {
                let Some(last) = reply.value.data.last() else {
                    self.call = None;
                    return Step::Failed(Error::Decode(Box::new(DecodeError {
                        meta: reply.meta,
                        reason: "the page says has_more but holds no campaign to continue after".to_owned(),
                    })));
                };
                self.params.after = Some(last.id.to_string());
                match page_call(&self.config, &self.params) {
                    Ok(next) => {
                        self.call = Some(next);
                        Step::Done(reply)
                    }
                    Err(error) => {
                        self.call = None;
                        Step::Failed(error)
                    }
                }
            }
        }
    }
}

fn page_call(config: &Config, params: &ListCampaigns) -> Result<Call<ListCampaignsPage>, Error> {
    let query = params.query()?;
    Ok(Call::new(build(config, Method::Get, "/campaigns", &query, None), config))
}
