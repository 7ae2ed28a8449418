//! A page of a collection: `{ "data": [...], "has_more": bool }`.

use serde::{Deserialize, Serialize};

/// One page of a list. When `has_more` is true, the id of the last item of `data` is the cursor of the
/// next page; [`crate::CampaignPages`] follows it for you.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Page<T> {
    /// The items, in the collection's order.
    pub data: Vec<T>,
    /// Whether more items follow.
    pub has_more: bool,
}
