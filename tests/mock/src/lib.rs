//! # andopen-mock
//!
//! A local simulator of the &Open gifting API (2026-05) for end-to-end tests, demos and load: the four
//! endpoints of the contract over plain HTTP/1.1 on 127.0.0.1, seeded campaigns with stock, gift requests
//! whose redemption URL and status move on a schedule, rate limiting, maintenance, seeded fault
//! injection, signed webhook deliveries with retries, and control endpoints under `/_mock/` to steer all
//! of it. It needs no files. The interface is documented in the crate's `README.md`.
//!
//! It validates gift requests with the SDK core's own validator, so that the SDK and the mock cannot
//! drift, but writes its JSON itself, so that a serialisation bug on one side is caught by the other.
//!
//! ```no_run
//! let mut server = andopen_mock::Server::start(andopen_mock::Options::default())?;
//! println!("{}", server.base_url()); // http://127.0.0.1:PORT
//! server.stop();
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`http`] | HTTP/1.1 parsing and writing |
//! | [`server`] | the listener, connections, the path every request takes |
//! | [`api`] | the four endpoints |
//! | [`control`] | the `/_mock/` endpoints |
//! | [`store`], [`seed`], [`resources`] | campaigns, stock, gift requests and their schedule |
//! | [`faults`], [`rate_limit`] | injected faults, the rate limit |
//! | [`webhooks`] | signed deliveries and their retries |
//! | [`transport`] | a blocking HTTP client for the core's requests (tests, demo, benchmark) |
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

use std::time::Duration;

pub mod api;
pub mod control;
pub mod faults;
pub mod http;
pub mod rate_limit;
pub mod resources;
pub mod rng;
pub mod scenarios;
pub mod seed;
pub mod server;
pub mod store;
pub mod transport;
pub mod webhooks;

pub use webhooks::RetrySchedule;

/// How the mock behaves. `Options::default()` is what the binary does without flags.
#[derive(Clone, Debug)]
pub struct Options {
    /// The port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// The seed of ids, stock and faults.
    pub seed: u64,
    /// The stage tokens must name: `staging` or `production`.
    pub stage: String,
    /// API requests per window per token; 0 is unlimited.
    pub rate_limit: u64,
    /// The rate-limit window.
    pub rate_window: Duration,
    /// The fraction (0 to 1) of API requests that get a random fault.
    pub fault_rate: f64,
    /// How long after creation the redemption URL appears.
    pub redemption_delay: Duration,
    /// When set, each gift request moves one status every period after its URL appears.
    pub advance: Option<Duration>,
    /// Webhook receivers (`http://` URLs).
    pub webhooks: Vec<String>,
    /// Their signing secret.
    pub webhook_secret: String,
    /// How failed deliveries are retried.
    pub webhook_retry: RetrySchedule,
    /// No request log on stderr.
    pub quiet: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            port: 0,
            seed: 1,
            stage: "staging".to_owned(),
            rate_limit: 0,
            rate_window: Duration::from_secs(1),
            fault_rate: 0.0,
            redemption_delay: Duration::from_millis(200),
            advance: None,
            webhooks: Vec::new(),
            webhook_secret: "whsec_andopen_mock".to_owned(),
            webhook_retry: RetrySchedule { max_attempts: 5, backoff: Duration::from_millis(100) },
            quiet: false,
        }
    }
}

/// Starts servers.
#[derive(Debug)]
pub struct Server;

impl Server {
    /// Binds 127.0.0.1 on `options.port` and serves on background threads until
    /// [`RunningServer::stop`] (or the value is dropped).
    pub fn start(options: Options) -> std::io::Result<RunningServer> {
        Ok(RunningServer { running: server::start(options)? })
    }
}

/// A server serving on its threads. Dropping it stops it.
#[derive(Debug)]
pub struct RunningServer {
    running: server::Running,
}

impl RunningServer {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.running.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.running.port
    }

    /// The options it runs with.
    pub fn options(&self) -> &Options {
        &self.running.shared.options
    }

    /// Stops accepting, closes every connection and stops the background threads.
    pub fn stop(mut self) {
        self.running.stop();
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.running.stop();
    }
}
