//! Walking `GET /campaigns` page by page. The core follows the cursor: the host only sends what
//! [`CampaignPages::request`] returns until it returns nothing.

use std::sync::Mutex;

use crate::calls::{CampaignPageStep, lock};
use crate::http::{Header, HttpRequest, TransportFailure, now, response};

/// Every page of the campaign list. While `request()` returns a request, send it and hand the answer to
/// `handle_response`: each `Done` is one page; `Wait` means sleep, then send `request()` again.
#[derive(uniffi::Object)]
pub struct CampaignPages {
    pages: Mutex<andopen_core::CampaignPages>,
}

impl CampaignPages {
    pub(crate) fn new(pages: andopen_core::CampaignPages) -> CampaignPages {
        CampaignPages { pages: Mutex::new(pages) }
    }
}

#[uniffi::export]
impl CampaignPages {
    /// The request for the current page; absent once the list is finished or a page failed.
    pub fn request(&self) -> Option<HttpRequest> {
        lock(&self.pages).request().map(HttpRequest::from)
    }

    /// Whether every page has been read (or a page failed).
    pub fn is_finished(&self) -> bool {
        lock(&self.pages).is_finished()
    }

    /// Judges the answer for the current page. `now_unix_ms` is the host's clock.
    pub fn handle_response(&self, status: i64, headers: Vec<Header>, body: &[u8], now_unix_ms: i64) -> CampaignPageStep {
        lock(&self.pages).handle_response(&response(status, headers, body), now(now_unix_ms)).into()
    }

    /// Reports that the current page's request got no response.
    pub fn handle_transport_failure(&self, failure: TransportFailure, now_unix_ms: i64) -> CampaignPageStep {
        lock(&self.pages).handle_transport_failure(failure.into(), now(now_unix_ms)).into()
    }
}
