//! The error body every non-2xx response carries, and the field errors the SDK reports in the same words.
//!
//! `{ "errors": [ { "type", "code", "message", "param"? } ] }`: `type` is a closed set, `code` an open
//! one, `param` dot notation with array indexes (`line_items[0].sku`) present only for field errors.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The category of an error: the closed set of the contract, plus the text of a type this SDK does not
/// know yet (kept, never dropped).
#[cfg_attr(
    feature = "typescript",
    derive(ts_rs::TS),
    ts(
        type = r#""validation_error" | "authentication_error" | "authorization_error" | "not_found_error" | "rate_limit_error" | "api_error" | (string & {})"#
    )
)]
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum ErrorType {
    /// 422: the body was understood but a value was not accepted.
    ValidationError,
    /// 401: missing, malformed or unknown token (or a token of another environment or region).
    AuthenticationError,
    /// 403: authenticated but not permitted.
    AuthorizationError,
    /// 404: no such resource in the tenant.
    NotFoundError,
    /// 429: rate limited.
    RateLimitError,
    /// 400 and 5xx: the request could not be processed.
    ApiError,
    /// A type this SDK does not know.
    Unknown(String),
}

impl ErrorType {
    /// Parses the wire text; an unknown text is kept in [`ErrorType::Unknown`].
    pub fn from_wire(text: &str) -> ErrorType {
        match text {
            "validation_error" => ErrorType::ValidationError,
            "authentication_error" => ErrorType::AuthenticationError,
            "authorization_error" => ErrorType::AuthorizationError,
            "not_found_error" => ErrorType::NotFoundError,
            "rate_limit_error" => ErrorType::RateLimitError,
            "api_error" => ErrorType::ApiError,
            other => ErrorType::Unknown(other.to_owned()),
        }
    }

    /// The wire text.
    pub fn as_str(&self) -> &str {
        match self {
            ErrorType::ValidationError => "validation_error",
            ErrorType::AuthenticationError => "authentication_error",
            ErrorType::AuthorizationError => "authorization_error",
            ErrorType::NotFoundError => "not_found_error",
            ErrorType::RateLimitError => "rate_limit_error",
            ErrorType::ApiError => "api_error",
            ErrorType::Unknown(other) => other,
        }
    }

    /// The type an HTTP status implies: the fallback when a body names no type or one this SDK does not
    /// know (400 and 5xx `api_error`, 401 `authentication_error`, 403 `authorization_error`, 404
    /// `not_found_error`, 422 `validation_error`, 429 `rate_limit_error`).
    pub fn for_status(status: u16) -> ErrorType {
        match status {
            401 => ErrorType::AuthenticationError,
            403 => ErrorType::AuthorizationError,
            404 => ErrorType::NotFoundError,
            422 => ErrorType::ValidationError,
            429 => ErrorType::RateLimitError,
            _ => ErrorType::ApiError,
        }
    }
}

/// A machine-readable error code: an open set. Known codes have variants; any other is kept as text.
#[cfg_attr(
    feature = "typescript",
    derive(ts_rs::TS),
    ts(
        type = r#""required" | "invalid_format" | "invalid" | "invalid_reference" | "out_of_stock" | "malformed_request" | "unsupported_api_version" | "invalid_token" | "body_too_large" | "too_many_problems" | (string & {})"#
    )
)]
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum ErrorCode {
    /// A required field is missing or empty.
    Required,
    /// A value is the right kind of thing but malformed (or of the wrong JSON type).
    InvalidFormat,
    /// A value is well-formed but not accepted.
    Invalid,
    /// A reference (sku, variant, campaign) matches nothing.
    InvalidReference,
    /// A line item's variant has no stock.
    OutOfStock,
    /// The body is not JSON.
    MalformedRequest,
    /// The `AndOpen-API-Version` header is missing or unknown.
    UnsupportedApiVersion,
    /// The token is missing, malformed, unknown or of another environment.
    InvalidToken,
    /// The SDK's own: the body is larger than [`crate::limits::MAX_BODY_BYTES`]; nothing of it was read.
    BodyTooLarge,
    /// The SDK's own: more problems than [`crate::limits::MAX_PROBLEMS`]; this last entry counts the rest.
    TooManyProblems,
    /// A code this SDK does not know.
    Other(String),
}

impl ErrorCode {
    /// Parses the wire text; an unknown text is kept in [`ErrorCode::Other`].
    pub fn from_wire(text: &str) -> ErrorCode {
        match text {
            "required" => ErrorCode::Required,
            "invalid_format" => ErrorCode::InvalidFormat,
            "invalid" => ErrorCode::Invalid,
            "invalid_reference" => ErrorCode::InvalidReference,
            "out_of_stock" => ErrorCode::OutOfStock,
            "malformed_request" => ErrorCode::MalformedRequest,
            "unsupported_api_version" => ErrorCode::UnsupportedApiVersion,
            "invalid_token" => ErrorCode::InvalidToken,
            "body_too_large" => ErrorCode::BodyTooLarge,
            "too_many_problems" => ErrorCode::TooManyProblems,
            other => ErrorCode::Other(other.to_owned()),
        }
    }

    /// The wire text.
    pub fn as_str(&self) -> &str {
        match self {
            ErrorCode::Required => "required",
            ErrorCode::InvalidFormat => "invalid_format",
            ErrorCode::Invalid => "invalid",
            ErrorCode::InvalidReference => "invalid_reference",
            ErrorCode::OutOfStock => "out_of_stock",
            ErrorCode::MalformedRequest => "malformed_request",
            ErrorCode::UnsupportedApiVersion => "unsupported_api_version",
            ErrorCode::InvalidToken => "invalid_token",
            ErrorCode::BodyTooLarge => "body_too_large",
            ErrorCode::TooManyProblems => "too_many_problems",
            ErrorCode::Other(other) => other,
        }
    }
}

crate::wire::wire_string!(ErrorType);
crate::wire::wire_string!(ErrorCode);

/// One problem, in the server's words: `{ "type", "code", "message", "param"? }`.
///
/// The server sends these in every error body, and the SDK's own validation reports its findings in the
/// same shape, so a form can put each `message` under the field named by `param` whichever side found it.
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct ErrorItem {
    /// The category.
    #[serde(rename = "type", default = "unknown_type")]
    pub error_type: ErrorType,
    /// The machine-readable code.
    #[serde(default = "unknown_code")]
    pub code: ErrorCode,
    /// A human-readable explanation of this occurrence, for developers.
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(as = "String"))]
    pub message: Cow<'static, str>,
    /// The field at fault in dot notation with indexes (`line_items[0].sku`); `None` when no field is.
    #[serde(default)]
    pub param: Option<String>,
}

fn unknown_type() -> ErrorType {
    ErrorType::Unknown(String::new())
}

fn unknown_code() -> ErrorCode {
    ErrorCode::Other(String::new())
}

impl ErrorItem {
    /// A `validation_error` at `param`.
    pub fn validation(code: ErrorCode, param: impl Into<String>, message: impl Into<Cow<'static, str>>) -> ErrorItem {
        ErrorItem { error_type: ErrorType::ValidationError, code, message: message.into(), param: Some(param.into()) }
    }
}

impl fmt::Display for ErrorItem {
    /// `recipient.last_name: is required (required)`, or `message (code)` without a param.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.param {
            Some(param) => write!(f, "{param}: {} ({})", self.message, self.code),
            None => write!(f, "{} ({})", self.message, self.code),
        }
    }
}

/// The body of a non-2xx response.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Every problem, always an array.
    pub errors: Vec<ErrorItem>,
}
