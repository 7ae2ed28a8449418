//! Where requests go and with which key: environments, regions, base URLs and the API key.
//!
//! Every check here runs once, when the [`Config`] is built, before anything can be sent:
//! - the key must read `ao-v1-{stage}-{secret}` with `stage` `staging` or `production`, unless the
//!   caller opts out for a custom deployment ([`ConfigBuilder::allow_custom_key`]);
//! - a staging key is refused against a production base URL and the reverse (**DECISION**: the server
//!   would answer 401; refusing first keeps a production key off staging and tells the caller why);
//! - a key is refused over plain `http://` unless the host is loopback (**DECISION**);
//! - a key is refused in a web browser unless the caller opts in ([`ConfigBuilder::allow_key_in_browser`]):
//!   the key has admin-level access, and a page's code is readable by anyone who loads it.
//!
//! The key never appears in `Debug` or `Display` output, in an error value or in a panic message.

use std::fmt;

use crate::ascii;
use crate::retry::RetryPolicy;

/// The production US/global base URL (the default).
pub const PRODUCTION_US: &str = "https://api.andopen.co";
/// The production EU base URL.
pub const PRODUCTION_EU: &str = "https://api.eu.andopen.co";
/// The staging base URL.
pub const STAGING: &str = "https://api.staging.andopen.co";

/// The environment a key was issued for, and a base URL serves.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Environment {
    /// Real gifts, real money.
    Production,
    /// A separate environment with its own data and keys.
    Staging,
}

impl Environment {
    /// The wire text (`production`, `staging`), as in the key.
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Production => "production",
            Environment::Staging => "staging",
        }
    }
}

/// The production region an account was provisioned in.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub enum Region {
    /// US / global (the default).
    #[default]
    Us,
    /// EU.
    Eu,
}

/// Why a configuration was refused. It never holds the key.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    /// What kind of problem.
    pub code: ConfigErrorCode,
    /// A readable explanation (without the key).
    pub message: String,
    /// The option refused, by its core name (`api_key`, `base_url`, `timeout`, `interval`, `status`, …),
    /// when one option is to blame.
    pub param: Option<&'static str>,
}

/// The kinds of configuration problem.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum ConfigErrorCode {
    /// The key does not read `ao-v1-{staging|production}-{secret}`, or cannot go in a header.
    MalformedApiKey,
    /// The key's environment, the chosen environment and the base URL do not agree.
    EnvironmentMismatch,
    /// A key would travel over plain http to a host that is not loopback.
    InsecureTransport,
    /// The base URL override is not an absolute http(s) URL without query, fragment or credentials.
    InvalidBaseUrl,
    /// A key was given in a web browser without the caller opting in.
    KeyInBrowser,
    /// An option given through a binding has the wrong type or an unknown value, or a figure out of its
    /// bounds (a timeout, a poll interval).
    InvalidOption,
    /// A client without an API key was asked to send to the &Open API: nothing is sent (the server would
    /// answer 401). See [`crate::Client::check_can_send`].
    MissingApiKey,
}

impl ConfigErrorCode {
    /// The text form (`malformed_api_key`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigErrorCode::MalformedApiKey => "malformed_api_key",
            ConfigErrorCode::EnvironmentMismatch => "environment_mismatch",
            ConfigErrorCode::InsecureTransport => "insecure_transport",
            ConfigErrorCode::InvalidBaseUrl => "invalid_base_url",
            ConfigErrorCode::KeyInBrowser => "key_in_browser",
            ConfigErrorCode::InvalidOption => "invalid_option",
            ConfigErrorCode::MissingApiKey => "missing_api_key",
        }
    }
}

fn refuse(code: ConfigErrorCode, message: impl Into<String>) -> ConfigError {
    ConfigError { code, message: message.into(), param: None }
}

fn refuse_option(code: ConfigErrorCode, param: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError { code, message: message.into(), param: Some(param) }
}

impl ConfigError {
    /// The error for an option a binding could not read (`message` names the option and what it takes).
    pub fn invalid_option(message: impl Into<String>) -> ConfigError {
        refuse(ConfigErrorCode::InvalidOption, message)
    }

    /// The same, naming the option in [`ConfigError::param`] too.
    pub fn invalid_named_option(param: &'static str, message: impl Into<String>) -> ConfigError {
        refuse_option(ConfigErrorCode::InvalidOption, param, message)
    }

    /// The refusal of a call that would send a request from a client without an API key.
    pub fn missing_api_key() -> ConfigError {
        refuse_option(
            ConfigErrorCode::MissingApiKey,
            "api_key",
            "no API key: pass api_key (on a server, or set ANDOPEN_API_KEY); nothing was sent",
        )
    }
}

/// A timeout (of one exchange, or of a whole wait) of `ms` milliseconds, as every language takes it:
/// above 0 and at most [`MAX_TIMEOUT_MS`](crate::limits::MAX_TIMEOUT_MS). Call it with the host's
/// number (a JavaScript number, a Python float times 1000, a Kotlin `Long`): a fraction, NaN, an
/// infinity, 0, a negative or a larger number is refused as `invalid_option` naming `param`.
pub fn checked_timeout(ms: f64, param: &'static str) -> Result<std::time::Duration, ConfigError> {
    checked_millis(ms, param, 1)
}

/// An interval between two polls of `ms` milliseconds: at least
/// [`MIN_POLL_INTERVAL_MS`](crate::limits::MIN_POLL_INTERVAL_MS) and at most
/// [`MAX_TIMEOUT_MS`](crate::limits::MAX_TIMEOUT_MS), else `invalid_option` naming `param`.
pub fn checked_interval(ms: f64, param: &'static str) -> Result<std::time::Duration, ConfigError> {
    checked_millis(ms, param, crate::limits::MIN_POLL_INTERVAL_MS)
}

/// A wait that may be none (a pause between two sends, the longest wait for a rate-limit window) of `ms`
/// milliseconds: from 0 to [`MAX_TIMEOUT_MS`](crate::limits::MAX_TIMEOUT_MS), else `invalid_option`
/// naming `param`.
pub fn checked_pause(ms: f64, param: &'static str) -> Result<std::time::Duration, ConfigError> {
    checked_millis(ms, param, 0)
}

/// A whole number of milliseconds from `min` to [`MAX_TIMEOUT_MS`](crate::limits::MAX_TIMEOUT_MS).
fn checked_millis(ms: f64, param: &'static str, min: u64) -> Result<std::time::Duration, ConfigError> {
    let max = crate::limits::MAX_TIMEOUT_MS;
    match whole_millis(ms) {
        Some(ms) if (min..=max).contains(&ms) => Ok(std::time::Duration::from_millis(ms)),
        _ => Err(refuse_option(
            ConfigErrorCode::InvalidOption,
            param,
            format!("{param} must be a whole number of milliseconds from {min} to {max} (24 days)"),
        )),
    }
}

/// `ms` as a whole number of milliseconds from 0 to 2^53, or `None` (a fraction, NaN, an infinity, a
/// negative number).
fn whole_millis(ms: f64) -> Option<u64> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53: every whole number up to it is exact
    ((0.0..=EXACT).contains(&ms) && ms.fract() == 0.0).then_some(ms as u64)
}

/// The API key. It has admin-level access: it prints as `ApiKey(production, redacted)` and its text is
/// only reachable through [`ApiKey::expose`], which the request builder uses for the header.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey {
    text: String,
    stage: Option<Environment>,
}

impl ApiKey {
    /// Reads a key of the form `ao-v1-{staging|production}-{secret}`.
    pub fn parse(text: &str) -> Result<ApiKey, ConfigError> {
        ApiKey::read(text, false)
    }

    /// Reads a key, accepting any shape when `allow_custom` is set (custom deployments). A key must
    /// always be non-empty visible ASCII, since it goes into a header.
    pub fn read(text: &str, allow_custom: bool) -> Result<ApiKey, ConfigError> {
        let most = crate::limits::MAX_API_KEY_CHARS;
        if text.len() > most {
            return Err(refuse_option(
                ConfigErrorCode::MalformedApiKey,
                "api_key",
                format!("api_key is longer than {most} characters (MAX_API_KEY_CHARS): it is not an API key"),
            ));
        }
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(refuse_option(
                ConfigErrorCode::MalformedApiKey,
                "api_key",
                "api_key must be non-empty and made of visible ASCII characters (no spaces or line breaks)",
            ));
        }
        let stage = stage_of(text);
        if stage.is_none() && !allow_custom {
            return Err(refuse_option(
                ConfigErrorCode::MalformedApiKey,
                "api_key",
                "api_key must look like ao-v1-{staging|production}-{secret}; for a custom deployment, allow custom keys",
            ));
        }
        Ok(ApiKey { text: text.to_owned(), stage })
    }

    /// The environment the key was issued for, when it has the standard shape.
    pub fn stage(&self) -> Option<Environment> {
        self.stage
    }

    /// The key itself. Call it only to put the key where it must go.
    pub fn expose(&self) -> &str {
        &self.text
    }
}

fn stage_of(text: &str) -> Option<Environment> {
    let rest = text.strip_prefix("ao-v1-")?;
    let (stage, secret) = ascii::split_once(rest, b'-')?;
    if secret.is_empty() {
        return None;
    }
    match stage {
        "production" => Some(Environment::Production),
        "staging" => Some(Environment::Staging),
        _ => None,
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.stage {
            Some(stage) => write!(f, "ApiKey({}, redacted)", stage.as_str()),
            None => f.write_str("ApiKey(custom, redacted)"),
        }
    }
}

/// A base URL: scheme, host, optional port and optional path prefix, without a trailing slash.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BaseUrl {
    text: String,
    host: String,
    https: bool,
}

impl BaseUrl {
    /// Reads an absolute `http://` or `https://` URL with a host, an optional port and an optional path
    /// prefix; no credentials, query or fragment. A trailing slash is dropped.
    pub fn parse(text: &str) -> Result<BaseUrl, ConfigError> {
        let bad = |why: &str| refuse_option(ConfigErrorCode::InvalidBaseUrl, "base_url", format!("base_url {why}"));
        let (https, rest) = if let Some(rest) = strip_prefix_ignore_case(text, "https://") {
            (true, rest)
        } else if let Some(rest) = strip_prefix_ignore_case(text, "http://") {
            (false, rest)
        } else {
            return Err(bad("must start with https:// (or http:// for a loopback host)"));
        };
        if rest.contains(['?', '#']) {
            return Err(bad("must not carry a query or a fragment"));
        }
        let (authority, path) =
            ascii::split_once(rest, b'/').map_or((rest, ""), |(authority, _)| (authority, rest.get(authority.len()..).unwrap_or_default()));
        if ascii::find(authority, b'@').is_some() {
            return Err(bad("must not carry credentials"));
        }
        let (host, port) = split_host_port(authority).ok_or_else(|| bad("must name a host, and a port only as digits"))?;
        if !path.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(bad("path must be plain visible ASCII"));
        }
        let path = path.trim_end_matches('/');
        let scheme = if https { "https" } else { "http" };
        let host = host.to_ascii_lowercase();
        let text = match port {
            Some(port) => format!("{scheme}://{host}:{port}{path}"),
            None => format!("{scheme}://{host}{path}"),
        };
        Ok(BaseUrl { text, host, https })
    }

    /// The URL, without a trailing slash: paths are appended to it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether requests go over TLS.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// Whether the host is this machine (`localhost`, `127.0.0.0/8`, `[::1]`).
    pub fn is_loopback(&self) -> bool {
        let h = self.host.as_str();
        h == "localhost"
            || h.ends_with(".localhost")
            || h == "[::1]"
            || h.strip_prefix("127.").is_some_and(|rest| {
                let parts: Vec<&str> = ascii::split(rest, b'.').collect();
                parts.len() == 3
                    && parts
                        .iter()
                        .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u8>().is_ok())
            })
    }

    /// The environment this URL is known to serve; `None` for a custom host.
    pub fn environment(&self) -> Option<Environment> {
        match self.text.as_str() {
            PRODUCTION_US | PRODUCTION_EU => Some(Environment::Production),
            STAGING => Some(Environment::Staging),
            _ => None,
        }
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| text.get(prefix.len()..)).flatten()
}

fn split_host_port(authority: &str) -> Option<(&str, Option<&str>)> {
    let (host, port) = if authority.starts_with('[') {
        let end = ascii::find(authority, b']')?;
        let (host, rest) = authority.split_at_checked(end + 1)?;
        let inner = host.get(1..host.len() - 1)?;
        if inner.is_empty() || !inner.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.') {
            return None;
        }
        (host, if rest.is_empty() { None } else { Some(rest.strip_prefix(':')?) })
    } else {
        let (host, port) = match ascii::split_once(authority, b':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        let host_ok = !host.is_empty()
            && ascii::split(host, b'.').all(|label| !label.is_empty() && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
        if !host_ok {
            return None;
        }
        (host, port)
    };
    if let Some(port) = port {
        if port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()) || port.parse::<u16>().is_err() {
            return None;
        }
    }
    Some((host, port))
}

/// Everything a client needs to build requests: the base URL, the key (if any) and the retry policy.
///
/// A configuration without a key is valid: it validates and builds requests without an `Authorization`
/// header, for a browser that sends through its own backend, or a host that adds the header itself. A
/// client that sends refuses to send to the &Open API's own URLs without a key
/// ([`crate::Client::check_can_send`]).
#[derive(Clone, Debug)]
pub struct Config {
    base_url: BaseUrl,
    api_key: Option<ApiKey>,
    retry: RetryPolicy,
    jitter_seed: u64,
}

impl Config {
    /// Starts a configuration: production, US region, no key, the default retry policy.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// The configuration for `api_key`, with the environment its stage names and the default region.
    pub fn from_api_key(api_key: &str) -> Result<Config, ConfigError> {
        Config::builder().api_key(api_key).build()
    }

    /// Where requests go.
    pub fn base_url(&self) -> &BaseUrl {
        &self.base_url
    }

    /// The key, if one was given.
    pub fn api_key(&self) -> Option<&ApiKey> {
        self.api_key.as_ref()
    }

    /// The retry policy of every call made with this configuration.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The seed that retry jitter is derived from.
    pub fn jitter_seed(&self) -> u64 {
        self.jitter_seed
    }
}

/// Builds a [`Config`]; [`ConfigBuilder::build`] runs every check.
#[derive(Clone, Default)]
pub struct ConfigBuilder {
    api_key: Option<String>,
    environment: Option<Environment>,
    region: Region,
    base_url: Option<String>,
    allow_custom_key: bool,
    in_browser: bool,
    allow_key_in_browser: bool,
    retry: RetryPolicy,
    jitter_seed: u64,
}

impl fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "redacted"))
            .field("environment", &self.environment)
            .field("region", &self.region)
            .field("base_url", &self.base_url)
            .field("allow_custom_key", &self.allow_custom_key)
            .field("in_browser", &self.in_browser)
            .field("allow_key_in_browser", &self.allow_key_in_browser)
            .field("retry", &self.retry)
            .finish()
    }
}

impl ConfigBuilder {
    /// The API key (`ao-v1-{stage}-{secret}`). Without an explicit environment, the key's stage picks it.
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// The environment; it must agree with the key's stage.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = Some(environment);
        self
    }

    /// The production region (US by default). Staging has no regions.
    pub fn region(mut self, region: Region) -> Self {
        self.region = region;
        self
    }

    /// Sends to this base URL instead (a local mock server, a custom deployment).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Accepts a key that does not have the standard shape (custom deployments). The environment checks
    /// then rely on the base URL alone.
    pub fn allow_custom_key(mut self, allow: bool) -> Self {
        self.allow_custom_key = allow;
        self
    }

    /// Says that the configuration is built in a web browser: a key is then refused unless
    /// [`ConfigBuilder::allow_key_in_browser`] is set. The JavaScript layer sets it when it runs in a page.
    pub fn in_browser(mut self, in_browser: bool) -> Self {
        self.in_browser = in_browser;
        self
    }

    /// Accepts a key in a web browser. Only for pages that are themselves private (an internal tool
    /// behind a login): anyone who can load the page can read the key, and the key has admin-level access.
    pub fn allow_key_in_browser(mut self, allow: bool) -> Self {
        self.allow_key_in_browser = allow;
        self
    }

    /// Replaces the retry policy.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The seed retry jitter is derived from. Hosts pass a random value; tests pass a fixed one.
    pub fn jitter_seed(mut self, seed: u64) -> Self {
        self.jitter_seed = seed;
        self
    }

    /// Checks everything and returns the configuration, or the first problem found.
    pub fn build(self) -> Result<Config, ConfigError> {
        if self.api_key.is_some() && self.in_browser && !self.allow_key_in_browser {
            return Err(refuse_option(
                ConfigErrorCode::KeyInBrowser,
                "allow_key_in_browser",
                "refusing an API key in a web browser: it has admin-level access and anyone who loads the page can read it; \
                 send through your own backend, or opt in explicitly for a private internal tool",
            ));
        }
        let api_key = self.api_key.as_deref().map(|text| ApiKey::read(text, self.allow_custom_key)).transpose()?;
        let key_stage = api_key.as_ref().and_then(ApiKey::stage);
        if let (Some(chosen), Some(stage)) = (self.environment, key_stage) {
            if chosen != stage {
                return Err(refuse_option(
                    ConfigErrorCode::EnvironmentMismatch,
                    "environment",
                    format!("a {} key cannot be used in the {} environment", stage.as_str(), chosen.as_str()),
                ));
            }
        }
        let environment = self.environment.or(key_stage).unwrap_or(Environment::Production);
        let base_url = match &self.base_url {
            Some(text) => BaseUrl::parse(text)?,
            None => BaseUrl::parse(match (environment, self.region) {
                (Environment::Production, Region::Us) => PRODUCTION_US,
                (Environment::Production, Region::Eu) => PRODUCTION_EU,
                (Environment::Staging, Region::Us) => STAGING,
                (Environment::Staging, Region::Eu) => {
                    return Err(refuse_option(
                        ConfigErrorCode::EnvironmentMismatch,
                        "region",
                        "staging has no EU region: use the staging base URL",
                    ));
                }
            })?,
        };
        if let Some(served) = base_url.environment() {
            let wanted = self.environment.or(key_stage);
            if let Some(wanted) = wanted.filter(|w| *w != served) {
                return Err(refuse_option(
                    ConfigErrorCode::EnvironmentMismatch,
                    "base_url",
                    format!(
                        "a {} key or environment cannot be used against the {} base URL {}",
                        wanted.as_str(),
                        served.as_str(),
                        base_url.as_str()
                    ),
                ));
            }
        }
        if api_key.is_some() && !base_url.is_https() && !base_url.is_loopback() {
            return Err(refuse_option(
                ConfigErrorCode::InsecureTransport,
                "base_url",
                format!("refusing to send the API key over plain http to {}: use https, or a loopback host", base_url.as_str()),
            ));
        }
        Ok(Config { base_url, api_key, retry: self.retry, jitter_seed: self.jitter_seed })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_and_intervals_are_bounded_here_for_every_language() {
        use crate::limits::{MAX_TIMEOUT_MS, MIN_POLL_INTERVAL_MS};
        let max = MAX_TIMEOUT_MS as f64;
        assert_eq!(checked_timeout(1.0, "timeout").unwrap().as_millis(), 1);
        assert_eq!(checked_timeout(max, "timeout").unwrap().as_millis(), u128::from(MAX_TIMEOUT_MS));
        for bad in [0.0, -1.0, 0.5, max + 1.0, f64::NAN, f64::INFINITY, 1e300] {
            let e = checked_timeout(bad, "timeoutMs").unwrap_err();
            assert_eq!((e.code, e.param), (ConfigErrorCode::InvalidOption, Some("timeoutMs")), "{bad}");
            assert!(e.message.starts_with("timeoutMs must be"), "{}", e.message);
        }
        assert_eq!(checked_interval(MIN_POLL_INTERVAL_MS as f64, "interval").unwrap().as_millis(), 100);
        for bad in [0.0, 1.0, (MIN_POLL_INTERVAL_MS - 1) as f64, max + 1.0, f64::NAN] {
            let e = checked_interval(bad, "interval").unwrap_err();
            assert_eq!((e.code, e.param), (ConfigErrorCode::InvalidOption, Some("interval")), "{bad}");
        }
    }

    #[test]
    fn a_refused_configuration_names_its_option_and_a_key_too_long_is_refused() {
        let long = format!("ao-v1-production-{}", "k".repeat(crate::limits::MAX_API_KEY_CHARS));
        let e = Config::from_api_key(&long).unwrap_err();
        assert_eq!((e.code, e.param), (ConfigErrorCode::MalformedApiKey, Some("api_key")));
        assert!(e.message.contains("MAX_API_KEY_CHARS") && !e.message.contains(&long));
        let e = Config::from_api_key("not a key").unwrap_err();
        assert_eq!(e.param, Some("api_key"));
        let e = Config::builder().base_url("ftp://x").build().unwrap_err();
        assert_eq!(e.param, Some("base_url"));
        let e = Config::builder().api_key("ao-v1-staging-abc").environment(Environment::Production).build().unwrap_err();
        assert_eq!((e.code, e.param), (ConfigErrorCode::EnvironmentMismatch, Some("environment")));
        let e = Config::builder().api_key("ao-v1-production-abc").base_url("http://example.com").build().unwrap_err();
        assert_eq!((e.code, e.param), (ConfigErrorCode::InsecureTransport, Some("base_url")));
        let e = Config::builder().api_key("ao-v1-production-abc").in_browser(true).build().unwrap_err();
        assert_eq!((e.code, e.param), (ConfigErrorCode::KeyInBrowser, Some("allow_key_in_browser")));
    }

    #[test]
    fn the_key_picks_the_environment() {
        let c = Config::from_api_key("ao-v1-staging-abc").unwrap();
        assert_eq!(c.base_url().as_str(), STAGING);
        let c = Config::builder().api_key("ao-v1-production-abc").region(Region::Eu).build().unwrap();
        assert_eq!(c.base_url().as_str(), PRODUCTION_EU);
    }

    #[test]
    fn mismatches_are_refused() {
        let e = Config::builder().api_key("ao-v1-staging-abc").base_url("https://api.andopen.co/").build().unwrap_err();
        assert_eq!(e.code, ConfigErrorCode::EnvironmentMismatch);
        let e = Config::builder().api_key("ao-v1-production-abc").environment(Environment::Staging).build().unwrap_err();
        assert_eq!(e.code, ConfigErrorCode::EnvironmentMismatch);
    }

    #[test]
    fn a_browser_holds_a_key_only_when_told_to() {
        let e = Config::builder().api_key("ao-v1-production-abc").in_browser(true).build().unwrap_err();
        assert_eq!(e.code, ConfigErrorCode::KeyInBrowser);
        assert!(Config::builder().in_browser(true).build().is_ok());
        assert!(Config::builder().api_key("ao-v1-production-abc").in_browser(true).allow_key_in_browser(true).build().is_ok());
    }

    #[test]
    fn base_urls() {
        for (text, ok) in [
            ("http://127.0.0.1:8080", true),
            ("http://localhost:3000/api/", true),
            ("http://[::1]:9", true),
            ("HTTPS://API.ANDOPEN.CO", true),
            ("ftp://x", false),
            ("https://", false),
            ("https://user:pw@host", false),
            ("https://host?x=1", false),
            ("https://host:99999", false),
            ("https://ho st", false),
            ("https://host:", false),
        ] {
            assert_eq!(BaseUrl::parse(text).is_ok(), ok, "{text}");
        }
        assert!(BaseUrl::parse("http://127.0.0.1").unwrap().is_loopback());
        assert!(!BaseUrl::parse("http://127.0.0.1.example.com").unwrap().is_loopback());
        assert!(!BaseUrl::parse("http://10.0.0.1").unwrap().is_loopback());
        assert_eq!(BaseUrl::parse("HTTPS://API.ANDOPEN.CO/").unwrap().environment(), Some(Environment::Production));
    }
}
