//! Client options as the JavaScript package passes them (JSON text, camelCase), read into a core config.
//! Every option is checked for its type; an unknown option is refused rather than ignored.

use std::time::Duration;

use andopen_core::JsonValue as Value;
use andopen_core::limits::quoted;
use andopen_core::{Config, ConfigError, Environment, Region, RetryPolicy, Timestamp};

const KNOWN: [&str; 10] =
    ["apiKey", "environment", "region", "baseUrl", "allowCustomKey", "inBrowser", "allowKeyInBrowser", "retry", "jitterSeed", "timeoutMs"];
const KNOWN_RETRY: [&str; 4] = ["maxAttempts", "baseDelayMs", "maxDelayMs", "maxRetryAfterMs"];

/// A refused option, named in `param` (as the package names it: `environment`, `retry.maxAttempts`).
fn refuse(param: &'static str, message: String) -> ConfigError {
    ConfigError::invalid_named_option(param, message)
}

/// An object of options (`param` names it: `options` or `retry`), none of them unknown.
fn object<'v, 'a>(value: &'v Value<'a>, param: &'static str, name: &str, known: &[&str]) -> Result<&'v Value<'a>, ConfigError> {
    let map = value.as_object().ok_or_else(|| refuse(param, format!("{name} must be an object")))?;
    match map.iter().map(|(k, _)| k).find(|k| !known.contains(&k.as_ref())) {
        Some(unknown) => Err(refuse(param, format!("{name} has no option \"{}\"", quoted(unknown)))),
        None => Ok(value),
    }
}

fn text<'v>(map: &'v Value<'_>, key: &'static str) -> Result<Option<&'v str>, ConfigError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_ref())),
        Some(_) => Err(refuse(key, format!("{key} must be a string"))),
    }
}

fn flag(map: &Value<'_>, key: &'static str) -> Result<bool, ConfigError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(refuse(key, format!("{key} must be true or false"))),
    }
}

/// `retry.{key}` (`param`): a whole number of milliseconds.
fn millis_option(map: &Value<'_>, key: &str, param: &'static str) -> Result<Option<Duration>, ConfigError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => whole(v)
            .map(|ms| Some(Duration::from_millis(ms)))
            .ok_or_else(|| refuse(param, format!("{param} must be a whole number of milliseconds, at least 0"))),
    }
}

/// A JSON number that is a whole number from 0 to `u64::MAX` (`1500`, not `1500.5` nor `1e3`); `None` for
/// anything else, which the caller refuses: a fraction is never dropped silently.
fn whole(v: &Value<'_>) -> Option<u64> {
    v.as_u64()
}

/// Reads the options and builds the configuration (every check of the core runs here).
#[cfg_attr(andopen_optimize_attr, optimize(size), inline(never))]
pub(crate) fn config(options: &str) -> Result<Config, ConfigError> {
    let value = Value::parse(options.as_bytes()).map_err(|e| refuse("options", format!("client options: {e}")))?;
    let o = object(&value, "options", "the client options", &KNOWN)?;
    let seed = match o.get("jitterSeed") {
        None | Some(Value::Null) => 0,
        Some(v) => whole(v).ok_or_else(|| refuse("jitterSeed", "jitterSeed must be a whole number, at least 0".to_owned()))?,
    };
    let mut b = Config::builder()
        .allow_custom_key(flag(o, "allowCustomKey")?)
        .in_browser(flag(o, "inBrowser")?)
        .allow_key_in_browser(flag(o, "allowKeyInBrowser")?)
        .jitter_seed(seed);
    if let Some(key) = text(o, "apiKey")? {
        b = b.api_key(key);
    }
    match text(o, "environment")? {
        None => {}
        Some("production") => b = b.environment(Environment::Production),
        Some("staging") => b = b.environment(Environment::Staging),
        Some(other) => {
            return Err(refuse("environment", format!("environment must be \"production\" or \"staging\", not \"{}\"", quoted(other))));
        }
    }
    match text(o, "region")? {
        None | Some("us") => {}
        Some("eu") => b = b.region(Region::Eu),
        Some(other) => return Err(refuse("region", format!("region must be \"us\" or \"eu\", not \"{}\"", quoted(other)))),
    }
    // The package's transport keeps an exchange's timeout; its bounds are the core's, checked here.
    if let Some(v) = o.get("timeoutMs").filter(|v| !v.is_null()) {
        let ms = whole(v).map_or(f64::NAN, |ms| ms as f64);
        andopen_core::config::checked_timeout(ms, "timeoutMs")?;
    }
    if let Some(url) = text(o, "baseUrl")? {
        b = b.base_url(url);
    }
    if let Some(retry) = o.get("retry").filter(|v| !v.is_null()) {
        let r = object(retry, "retry", "retry", &KNOWN_RETRY)?;
        let mut policy = RetryPolicy::default();
        if let Some(n) = r.get("maxAttempts").filter(|v| !v.is_null()) {
            policy.max_attempts = n
                .as_u64()
                .filter(|n| *n >= 1)
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| refuse("retry.maxAttempts", "retry.maxAttempts must be an integer, at least 1".to_owned()))?;
        }
        if let Some(d) = millis_option(r, "baseDelayMs", "retry.baseDelayMs")? {
            policy.base_delay = d;
        }
        if let Some(d) = millis_option(r, "maxDelayMs", "retry.maxDelayMs")? {
            policy.max_delay = d;
        }
        if let Some(d) = millis_option(r, "maxRetryAfterMs", "retry.maxRetryAfterMs")? {
            policy.max_retry_after = d;
        }
        b = b.retry_policy(policy);
    }
    b.build()
}

/// A JavaScript `Date.now()` as an instant.
#[cfg_attr(andopen_optimize_attr, optimize(size), inline(never))]
pub(crate) fn instant(now_ms: f64) -> Timestamp {
    Timestamp::from_unix_millis(if now_ms.is_finite() { now_ms as i64 } else { 0 })
}

/// Headers as the package passes them (JSON text `[[name, value]…]`); anything else reads as none.
#[cfg_attr(andopen_optimize_attr, optimize(size), inline(never))]
pub(crate) fn headers(text: &str) -> andopen_core::Headers {
    let value = Value::parse(text.as_bytes()).unwrap_or(Value::Null);
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|pair| match pair.as_array() {
            Some([Value::String(name), Value::String(value)]) => Some((name.to_string(), value.to_string())),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_must_be_whole_and_never_lose_a_fraction() {
        let read = |t: &str| whole(&Value::parse(t.as_bytes()).unwrap());
        assert_eq!(read("0"), Some(0));
        assert_eq!(read("1500"), Some(1500));
        assert_eq!(read("18446744073709551615"), Some(u64::MAX));
        for refused in ["1500.9", "0.5", "1e3", "1e+21", "18446744073709551616", "-1", "-0.5", "\"5\"", "true"] {
            assert_eq!(read(refused), None, "{refused}");
        }
        let error = config(r#"{"retry":{"baseDelayMs":250.5}}"#).unwrap_err();
        assert!(error.to_string().contains("retry.baseDelayMs must be a whole number"), "{error}");
    }

    #[test]
    fn a_refused_value_or_name_is_quoted_short() {
        let long = "x".repeat(100_000);
        for options in [format!(r#"{{"environment":"{long}"}}"#), format!(r#"{{"region":"{long}"}}"#), format!(r#"{{"{long}":1}}"#)] {
            let error = config(&options).unwrap_err().to_string();
            assert!(error.len() < 1000, "{} characters", error.len());
            assert!(error.contains('…'), "{error}");
        }
    }
}
