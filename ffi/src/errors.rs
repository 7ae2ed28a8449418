//! Errors as plain data: every failure of the core reaches the host as one [`ErrorReport`], thrown as
//! [`CoreError`] by the functions that refuse to start, or carried by the `Failed` variant of a step.
//! Each binding turns the report into its own exception type; the fields mean the same everywhere.

use crate::http::{RateLimit, saturating};

/// The kind of failure, as the core classifies it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, uniffi::Enum)]
pub enum ErrorKind {
    /// The configuration was refused before anything was sent.
    Config,
    /// The input was refused before anything was sent; `errors` lists every problem.
    Validation,
    /// The server answered with an error.
    Api,
    /// A gift creation may or may not have happened; it was not sent again. Reconcile before resending.
    OutcomeUnknown,
    /// Every attempt failed without a response.
    Transport,
    /// A response could not be read as the contract says.
    Decode,
    /// A wait ran past its deadline.
    Timeout,
    /// A wait's target can no longer be reached (the gift request was cancelled).
    Unreachable,
    /// A call was handed a response after it had finished.
    Finished,
}

impl From<andopen_core::ErrorKind> for ErrorKind {
    fn from(kind: andopen_core::ErrorKind) -> ErrorKind {
        match kind {
            andopen_core::ErrorKind::Config => ErrorKind::Config,
            andopen_core::ErrorKind::Validation => ErrorKind::Validation,
            andopen_core::ErrorKind::Api => ErrorKind::Api,
            andopen_core::ErrorKind::OutcomeUnknown => ErrorKind::OutcomeUnknown,
            andopen_core::ErrorKind::Transport => ErrorKind::Transport,
            andopen_core::ErrorKind::Decode => ErrorKind::Decode,
            andopen_core::ErrorKind::Timeout => ErrorKind::Timeout,
            andopen_core::ErrorKind::Unreachable => ErrorKind::Unreachable,
            andopen_core::ErrorKind::Finished => ErrorKind::Finished,
        }
    }
}

/// One problem in the server's words (`{ type, code, message, param }`), whichever side found it: put
/// `message` under the form field named by `param`.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct FieldError {
    /// The category (`validation_error`, `api_error`, ...): the wire key `type`.
    pub error_type: String,
    /// The machine-readable code (`required`, `invalid_format`, ...).
    pub code: String,
    /// A readable explanation.
    pub message: String,
    /// The field at fault in dot notation (`line_items[0].quantity`); absent when no field is.
    pub param: Option<String>,
}

impl From<&andopen_core::ErrorItem> for FieldError {
    fn from(item: &andopen_core::ErrorItem) -> FieldError {
        FieldError {
            error_type: item.error_type.as_str().to_owned(),
            code: item.code.as_str().to_owned(),
            message: item.message.to_string(),
            param: item.param.clone(),
        }
    }
}

/// A failure, flattened: what each binding's exception carries.
#[derive(Clone, PartialEq, Eq, Debug, uniffi::Record)]
pub struct ErrorReport {
    /// What kind of failure.
    pub kind: ErrorKind,
    /// A readable sentence (never the API key).
    pub message: String,
    /// The first problem's category (`validation_error`, ...), falling back on the HTTP status.
    pub error_type: Option<String>,
    /// The first problem's code, or the configuration problem's code (`malformed_api_key`, ...).
    pub code: Option<String>,
    /// The first problem's field, in dot notation.
    pub param: Option<String>,
    /// The HTTP status behind the failure.
    pub status: Option<i32>,
    /// The `Request-Id` behind the failure: quote it to support.
    pub request_id: Option<String>,
    /// `Retry-After`, in seconds, when the response carried one.
    pub retry_after_s: Option<i64>,
    /// The rate-limit figures of the response behind the failure.
    pub rate_limit: Option<RateLimit>,
    /// Requests sent, for a transport failure.
    pub attempts: Option<i32>,
    /// Every problem, in the server's words.
    pub errors: Vec<FieldError>,
}

impl From<&andopen_core::Error> for ErrorReport {
    fn from(error: &andopen_core::Error) -> ErrorReport {
        let flat = andopen_core::ErrorReport::of(error);
        ErrorReport {
            kind: error.kind().into(),
            message: flat.message,
            error_type: flat.error_type,
            code: flat.code,
            param: flat.param,
            status: flat.status.map(i32::from),
            request_id: flat.request_id,
            retry_after_s: flat.retry_after_s.map(saturating),
            rate_limit: flat.rate_limit.map(RateLimit::from),
            attempts: flat.attempts.map(|a| i32::try_from(a).unwrap_or(i32::MAX)),
            errors: flat.errors.iter().map(FieldError::from).collect(),
        }
    }
}

/// What the functions that refuse to start a call throw: the report says why.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error, uniffi::Error)]
pub enum CoreError {
    /// The core refused: see the report.
    #[error("{}", report.message)]
    Refused {
        /// Why.
        report: Box<ErrorReport>,
    },
}

impl From<andopen_core::Error> for CoreError {
    fn from(error: andopen_core::Error) -> CoreError {
        CoreError::Refused { report: Box::new(ErrorReport::from(&error)) }
    }
}

impl From<andopen_core::ConfigError> for CoreError {
    fn from(error: andopen_core::ConfigError) -> CoreError {
        CoreError::from(andopen_core::Error::Config(error))
    }
}

impl CoreError {
    /// A validation failure of the binding's own input (a parameter this layer could not read).
    pub(crate) fn invalid_input(param: impl Into<String>, message: &'static str) -> CoreError {
        CoreError::from(andopen_core::Error::Validation(vec![andopen_core::ErrorItem::validation(
            andopen_core::ErrorCode::InvalidFormat,
            param,
            message,
        )]))
    }

    /// A validation failure of a text the binding was given (a CSV, a journal), with the reader's message.
    pub(crate) fn invalid_text(param: impl Into<String>, message: String) -> CoreError {
        CoreError::from(andopen_core::Error::Validation(vec![andopen_core::ErrorItem::validation(
            andopen_core::ErrorCode::InvalidFormat,
            param,
            message,
        )]))
    }

    /// The report.
    pub fn report(&self) -> &ErrorReport {
        match self {
            CoreError::Refused { report } => report,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_keeps_every_field_of_the_core_error() {
        let error = andopen_core::validate_gift_request_json(br#"{"recipient":{"first_name":"A"}}"#).unwrap_err();
        let report = ErrorReport::from(&andopen_core::Error::Validation(error));
        assert_eq!(report.kind, ErrorKind::Validation);
        assert_eq!(report.error_type.as_deref(), Some("validation_error"));
        assert_eq!(report.code.as_deref(), Some("required"));
        assert_eq!(report.param.as_deref(), Some("campaign_id"));
        assert_eq!(report.errors.len(), 2);
        assert!(report.message.contains("recipient.last_name: is required"), "{}", report.message);
    }
}
