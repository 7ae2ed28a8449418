//! What happened to each row: sent, skipped, failed, or outcome unknown; as records and as CSV.

use serde::{Deserialize, Serialize};

use std::borrow::Cow;

use crate::api_error::{ErrorCode, ErrorItem, ErrorType};
use crate::batch::csv;
use crate::error::Error;
use crate::json::{JsonValue, ObjectWriter, write_str, write_u64};
use crate::report::ErrorReport;
use crate::report::write_errors;
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

impl RowResult {
    /// The result as one JSON object, in the same shape its serde form has (snake_case keys, the outcome
    /// tagged by `outcome`), written by the core's own writer.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(256);
        self.write_json(&mut out);
        out
    }

    /// Appends [`RowResult::to_json`].
    pub fn write_json(&self, out: &mut String) {
        let mut o = ObjectWriter::open(out);
        write_u64(o.key("index"), self.index as u64);
        o.str("row_key", &self.row_key);
        o.str("send_key", &self.send_key);
        self.outcome.write_json(o.key("outcome"));
        o.bool("from_journal", self.from_journal);
        o.close();
    }
}

/// The results as a JSON array of [`RowResult::to_json`] objects.
pub fn results_to_json(results: &[RowResult]) -> String {
    let mut out = String::with_capacity(256 * results.len() + 2);
    out.push('[');
    for (i, result) in results.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        result.write_json(&mut out);
    }
    out.push(']');
    out
}

fn write_display(out: &mut String, value: impl std::fmt::Display) {
    write_str(out, &value.to_string());
}

impl RowOutcome {
    /// Appends the outcome as a JSON object tagged by `outcome` (its serde form).
    pub fn write_json(&self, out: &mut String) {
        let mut o = ObjectWriter::open(out);
        o.str("outcome", self.label());
        match self {
            RowOutcome::Sent { gift_request_id, redemption_url, request_id } => {
                write_display(o.key("gift_request_id"), gift_request_id);
                o.opt_str("redemption_url", redemption_url.as_deref());
                o.opt_str("request_id", request_id.as_deref());
            }
            RowOutcome::Skipped { reason, previous_gift_request_id, previous_sent_at, same_as_row } => {
                o.str("reason", reason);
                o.opt("previous_gift_request_id", previous_gift_request_id.as_ref(), write_display);
                o.opt("previous_sent_at", previous_sent_at.as_ref(), write_display);
                o.opt_str("same_as_row", same_as_row.as_deref());
            }
            RowOutcome::Failed { error } => error.write_json(o.key("error")),
            RowOutcome::OutcomeUnknown { request_id, reason } => {
                o.opt_str("request_id", request_id.as_deref());
                o.str("reason", reason);
            }
        }
        o.close();
    }

    /// Reads an outcome written by [`RowOutcome::write_json`] (or by serde); the error names the field.
    pub fn from_json_value(v: &JsonValue<'_>) -> Result<RowOutcome, String> {
        let text = |key: &str| -> Result<Option<String>, String> {
            match v.get(key) {
                None | Some(JsonValue::Null) => Ok(None),
                Some(JsonValue::String(s)) => Ok(Some(s.to_string())),
                Some(_) => Err(format!("outcome.{key} must be a string")),
            }
        };
        let required = |key: &str| text(key)?.ok_or_else(|| format!("outcome.{key} is required"));
        let uuid = |key: &str| -> Result<Option<Uuid>, String> {
            text(key)?.map(|t| Uuid::parse(&t).ok_or_else(|| format!("outcome.{key} must be a UUID"))).transpose()
        };
        Ok(match v.get("outcome").and_then(JsonValue::as_str) {
            Some("sent") => RowOutcome::Sent {
                gift_request_id: uuid("gift_request_id")?.ok_or("outcome.gift_request_id is required")?,
                redemption_url: text("redemption_url")?,
                request_id: text("request_id")?,
            },
            Some("skipped") => RowOutcome::Skipped {
                reason: required("reason")?,
                previous_gift_request_id: uuid("previous_gift_request_id")?,
                previous_sent_at: text("previous_sent_at")?
                    .map(|t| Timestamp::parse(&t).ok_or("outcome.previous_sent_at must be a timestamp"))
                    .transpose()?,
                same_as_row: text("same_as_row")?,
            },
            Some("failed") => RowOutcome::Failed { error: RowError::from_json_value(v.get("error").unwrap_or(&JsonValue::Null))? },
            Some("outcome_unknown") => RowOutcome::OutcomeUnknown { request_id: text("request_id")?, reason: required("reason")? },
            _ => return Err("outcome must be `sent`, `skipped`, `failed` or `outcome_unknown`".to_owned()),
        })
    }
}

impl RowError {
    /// Appends the error as a JSON object (its serde form).
    pub fn write_json(&self, out: &mut String) {
        let mut o = ObjectWriter::open(out);
        o.str("kind", &self.kind);
        o.opt_str("type", self.error_type.as_deref());
        o.opt_str("code", self.code.as_deref());
        o.opt_str("param", self.param.as_deref());
        o.str("message", &self.message);
        o.opt_u64("status", self.status.map(u64::from));
        o.opt_str("request_id", self.request_id.as_deref());
        write_errors(o.key("errors"), &self.errors);
        o.close();
    }

    fn from_json_value(v: &JsonValue<'_>) -> Result<RowError, String> {
        if !v.is_object() {
            return Err("outcome.error must be an object".to_owned());
        }
        let text = |key: &str| -> Result<Option<String>, String> {
            match v.get(key) {
                None | Some(JsonValue::Null) => Ok(None),
                Some(JsonValue::String(s)) => Ok(Some(s.to_string())),
                Some(_) => Err(format!("outcome.error.{key} must be a string")),
            }
        };
        let status = match v.get("status") {
            None | Some(JsonValue::Null) => None,
            Some(n) => Some(n.as_u64().and_then(|n| u16::try_from(n).ok()).ok_or("outcome.error.status must be an HTTP status")?),
        };
        let errors = match v.get("errors") {
            None | Some(JsonValue::Null) => Vec::new(),
            Some(JsonValue::Array(items)) => items
                .iter()
                .map(|item| {
                    let field = |key: &str| item.get(key).and_then(JsonValue::as_str).map(str::to_owned);
                    if !item.is_object() {
                        return Err("outcome.error.errors must hold objects".to_owned());
                    }
                    Ok(ErrorItem {
                        error_type: ErrorType::from_wire(&field("type").unwrap_or_default()),
                        code: ErrorCode::from_wire(&field("code").unwrap_or_default()),
                        message: Cow::Owned(field("message").unwrap_or_default()),
                        param: field("param"),
                    })
                })
                .collect::<Result<_, String>>()?,
            Some(_) => return Err("outcome.error.errors must be an array".to_owned()),
        };
        Ok(RowError {
            kind: text("kind")?.ok_or("outcome.error.kind is required")?,
            error_type: text("type")?,
            code: text("code")?,
            param: text("param")?,
            message: text("message")?.unwrap_or_default(),
            status,
            request_id: text("request_id")?,
            errors,
        })
    }
}

/// The results as CSV, one line per row after a header: `row_key`, `outcome`, `gift_request_id`,
/// `redemption_url`, `request_id`, `reason`, `error_type`, `error_code`, `error_param`, `error_message`.
/// Call it to write results back to a table (the Clay guide's "Gift request ID", "Redemption URL" and "Send error").
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
