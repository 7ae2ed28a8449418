//! Errors as plain data, for hosts that cross a language boundary: every binding turns an [`Error`] into
//! its own exception type from one [`ErrorReport`], so that the fields mean the same everywhere.

use serde::Serialize;

use crate::api_error::ErrorItem;
use crate::error::Error;
use crate::json::ObjectWriter;
use crate::response::RateLimit;

/// An [`Error`] flattened: what a JavaScript `Error`, a Python exception or a Kotlin exception carries.
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct ErrorReport {
    /// [`crate::ErrorKind`] as text: `config`, `validation`, `api`, `outcome_unknown`, `transport`,
    /// `decode`, `timeout`, `unreachable`, `finished`.
    #[cfg_attr(
        feature = "typescript",
        ts(
            type = r#""config" | "validation" | "api" | "outcome_unknown" | "transport" | "decode" | "timeout" | "unreachable" | "finished""#
        )
    )]
    pub kind: &'static str,
    /// A readable sentence (the error's `Display`): never the API key.
    pub message: String,
    /// The category of the first problem (`validation_error`, …), falling back on the status.
    #[serde(rename = "type")]
    pub error_type: Option<String>,
    /// The first problem's code, or the configuration problem's code.
    pub code: Option<String>,
    /// The first problem's field, in dot notation.
    pub param: Option<String>,
    /// The HTTP status behind the error.
    pub status: Option<u16>,
    /// The `Request-Id` behind the error.
    pub request_id: Option<String>,
    /// `Retry-After`, in seconds.
    pub retry_after_s: Option<u64>,
    /// The rate-limit figures of the response behind the error.
    pub rate_limit: Option<RateLimit>,
    /// Requests sent, for a transport failure.
    pub attempts: Option<u32>,
    /// Every problem, in the server's words.
    pub errors: Vec<ErrorItem>,
}

impl ErrorReport {
    /// Flattens an error.
    pub fn of(error: &Error) -> ErrorReport {
        let code = match error {
            Error::Config(c) => Some(c.code.as_str().to_owned()),
            _ => error.code().map(|c| c.as_str().to_owned()),
        };
        ErrorReport {
            kind: error.kind().as_str(),
            message: error.to_string(),
            error_type: error.error_type().map(|t| t.as_str().to_owned()),
            code,
            param: error.param().map(str::to_owned),
            status: error.status(),
            request_id: error.request_id().map(str::to_owned),
            retry_after_s: error.retry_after().map(|d| d.as_secs()),
            rate_limit: error.rate_limit().filter(|r| !r.is_empty()),
            attempts: match error {
                Error::Transport { attempts, .. } => Some(*attempts),
                _ => None,
            },
            errors: error.errors().to_vec(),
        }
    }

    /// The report as JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(256);
        self.write_json(&mut out);
        out
    }

    /// Appends the report as JSON text.
    pub(crate) fn write_json(&self, out: &mut String) {
        let mut o = ObjectWriter::open(out);
        o.str("kind", self.kind);
        o.str("message", &self.message);
        o.opt_str("type", self.error_type.as_deref());
        o.opt_str("code", self.code.as_deref());
        o.opt_str("param", self.param.as_deref());
        o.opt_u64("status", self.status.map(u64::from));
        o.opt_str("request_id", self.request_id.as_deref());
        o.opt_u64("retry_after_s", self.retry_after_s);
        match &self.rate_limit {
            Some(r) => r.write_json(o.key("rate_limit")),
            None => o.raw("rate_limit", "null"),
        }
        o.opt_u64("attempts", self.attempts.map(u64::from));
        write_errors(o.key("errors"), &self.errors);
        o.close();
    }
}

/// Appends problems as a JSON array of `{ "type", "code", "message", "param" }`.
pub(crate) fn write_errors(out: &mut String, errors: &[ErrorItem]) {
    out.push('[');
    for (i, e) in errors.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let mut o = ObjectWriter::open(out);
        o.str("type", e.error_type.as_str());
        o.str("code", e.code.as_str());
        o.str("message", &e.message);
        o.opt_str("param", e.param.as_deref());
        o.close();
    }
    out.push(']');
}

/// Problems as JSON text: an array of `{ "type", "code", "message", "param" }`, the shape of the server's
/// error body entries (what the bindings hand a form).
pub fn errors_to_json(errors: &[ErrorItem]) -> String {
    let mut out = String::with_capacity(96 * errors.len() + 2);
    write_errors(&mut out, errors);
    out
}

impl From<&Error> for ErrorReport {
    fn from(error: &Error) -> ErrorReport {
        ErrorReport::of(error)
    }
}
