//! What happened to each row: sent, skipped, failed, or outcome unknown; as records and as CSV.

use serde::{Deserialize, Serialize};

use crate::api_error::ErrorItem;
use crate::batch::csv;
use crate::error::Error;
use crate::report::ErrorReport;
use crate::timestamp::Timestamp;
use crate::uuid::Uuid;

/// The result of one row.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct RowResult {
    /// The row's position in the batch (0-based).
    pub index: usize,
    /// The caller's key for the row.
    pub row_key: String,
    /// The row's send key (see [`crate::batch::send_key`]).
    pub send_key: String,
    /// What happened.
    pub outcome: RowOutcome,
    /// Whether the outcome was read from the journal of an earlier run instead of happening in this one.
    pub from_journal: bool,
}

/// What happened to a row.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RowOutcome {
    /// The gift request was created.
    Sent {
        /// The new gift request.
        gift_request_id: Uuid,
        /// Its redemption link, when known (it is generated shortly after creation).
        redemption_url: Option<String>,
        /// The creation's `Request-Id`.
        request_id: Option<String>,
    },
    /// Not sent, on purpose.
    Skipped {
        /// Why, in words: the same recipient as another row, or gifted within the look-back window.
        reason: String,
        /// The earlier gift that made the recipient ineligible.
        previous_gift_request_id: Option<Uuid>,
        /// When that gift was sent.
        previous_sent_at: Option<Timestamp>,
        /// The row of this batch with the same recipient.
        same_as_row: Option<String>,
    },
    /// Refused, by the SDK's validation or by the server: nothing was created. Fix the row and run it
    /// again.
    Failed {
        /// The error, flattened.
        error: RowError,
    },
    /// The creation may or may not have happened: never sent again automatically. Look the gift up (the
    /// request id helps support) or wait for its `gift_request_created` webhook.
    OutcomeUnknown {
        /// The last attempt's `Request-Id`, when a response was received.
        request_id: Option<String>,
        /// What happened.
        reason: String,
    },
}

impl RowOutcome {
    /// `sent`, `skipped`, `failed` or `outcome_unknown`.
    pub fn label(&self) -> &'static str {
        match self {
            RowOutcome::Sent { .. } => "sent",
            RowOutcome::Skipped { .. } => "skipped",
            RowOutcome::Failed { .. } => "failed",
            RowOutcome::OutcomeUnknown { .. } => "outcome_unknown",
        }
    }
}

/// A failed row's error: the first problem's type, code, param and message for a "Send error" column,
/// and every problem.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct RowError {
    /// The error kind (`validation`, `api`, `transport`, …).
    pub kind: String,
    /// The error type, when the error names one.
    #[serde(rename = "type")]
    pub error_type: Option<String>,
    /// The first problem's code.
    pub code: Option<String>,
    /// The first problem's field.
    pub param: Option<String>,
    /// A readable message.
    pub message: String,
    /// The HTTP status, when the server answered.
    pub status: Option<u16>,
    /// The `Request-Id`, when the server answered.
    pub request_id: Option<String>,
    /// Every problem, in the server's words.
    pub errors: Vec<ErrorItem>,
}

impl RowError {
    /// The row's problems found before sending (reading and validation).
    pub(crate) fn invalid(errors: Vec<ErrorItem>) -> RowError {
        RowError::from(&Error::Validation(errors))
    }
}

impl From<&Error> for RowError {
    fn from(error: &Error) -> RowError {
        let report = ErrorReport::of(error);
        RowError {
            kind: report.kind.to_owned(),
            error_type: report.error_type,
            code: report.code,
            param: report.param,
            message: report.message,
            status: report.status,
            request_id: report.request_id,
            errors: report.errors,
        }
    }
}

/// The results as CSV, one line per row after a header: `row_key`, `outcome`, `gift_request_id`,
/// `redemption_url`, `request_id`, `reason`, `error_type`, `error_code`, `error_param`, `error_message`.
/// Call it to write results back to a table (002's "Gift request ID", "Redemption URL" and "Send error").
pub fn results_to_csv(results: &[RowResult]) -> String {
    let mut out = String::new();
    let header = [
        "row_key",
        "outcome",
        "gift_request_id",
        "redemption_url",
        "request_id",
        "reason",
        "error_type",
        "error_code",
        "error_param",
        "error_message",
    ];
    csv::write_record(&mut out, header);
    for result in results {
        let mut fields: [String; 10] = Default::default();
        let [row_key, outcome, gift_id, url, request_id, reason, error_type, code, param, message] = &mut fields;
        row_key.clone_from(&result.row_key);
        *outcome = result.outcome.label().to_owned();
        match &result.outcome {
            RowOutcome::Sent { gift_request_id, redemption_url, request_id: id } => {
                *gift_id = gift_request_id.to_string();
                *url = redemption_url.clone().unwrap_or_default();
                *request_id = id.clone().unwrap_or_default();
            }
            RowOutcome::Skipped { reason: why, .. } => reason.clone_from(why),
            RowOutcome::Failed { error } => {
                *error_type = error.error_type.clone().unwrap_or_default();
                *code = error.code.clone().unwrap_or_default();
                *param = error.param.clone().unwrap_or_default();
                *message = match error.errors.len() {
                    0 | 1 => error.errors.first().map_or_else(|| error.message.clone(), |e| e.message.to_string()),
                    _ => error.errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
                };
                *request_id = error.request_id.clone().unwrap_or_default();
            }
            RowOutcome::OutcomeUnknown { request_id: id, reason: why } => {
                *request_id = id.clone().unwrap_or_default();
                reason.clone_from(why);
            }
        }
        csv::write_record(&mut out, fields.iter().map(String::as_str));
    }
    out
}
