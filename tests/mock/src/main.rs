//! `andopen-mock`: the simulator as a command. Its first line on stdout is
//! `andopen-mock listening on http://127.0.0.1:PORT`; `--help` lists the flags.

use std::io::{Read, Write};
use std::process::ExitCode;
use std::time::Duration;

use andopen_mock::{Options, Server};

const HELP: &str = "\
andopen-mock: a local simulator of the &Open gifting API (2026-05)

USAGE: andopen-mock [FLAGS]

  --port N                   port on 127.0.0.1 (default 0: a free port)
  --seed N                   seed of ids, stock and faults (default 1)
  --stage staging|production the stage tokens must name (default staging)
  --rate-limit N             API requests per window per token (default 0: unlimited)
  --rate-window-seconds N    the rate-limit window (default 1)
  --fault-rate F             fraction of API requests that get a random fault, 0..1 (default 0)
  --redemption-delay-ms N    when the redemption URL appears after creation (default 200)
  --advance-ms N             move each gift one status every N ms (default 0: only via /_mock/)
  --webhook URL              deliver webhook events to this http:// URL (repeatable)
  --webhook-secret S         the webhook signing secret (default whsec_andopen_mock)
  --webhook-max-attempts N   delivery attempts per event and receiver (default 5)
  --webhook-backoff-ms N     wait before the second attempt, doubling after (default 100)
  --quiet                    no request log on stderr
  --exit-on-stdin-eof        stop when stdin closes (for parent processes)
  --help                     this text

The first stdout line is `andopen-mock listening on http://127.0.0.1:PORT`.
";

fn parse(args: Vec<String>) -> Result<(Options, bool), String> {
    let mut options = Options::default();
    let mut exit_on_eof = false;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| inline.clone().or_else(|| args.next()).ok_or_else(|| format!("{name} needs a value"));
        fn number<T: std::str::FromStr>(name: &str, text: String) -> Result<T, String> {
            text.trim().parse().map_err(|_| format!("{name}: {text:?} is not a valid number"))
        }
        match flag.as_str() {
            "--port" => options.port = number("--port", value("--port")?)?,
            "--seed" => options.seed = number("--seed", value("--seed")?)?,
            "--stage" => {
                let stage = value("--stage")?;
                if stage != "staging" && stage != "production" {
                    return Err(format!("--stage must be staging or production, not {stage:?}"));
                }
                options.stage = stage;
            }
            "--rate-limit" => options.rate_limit = number("--rate-limit", value("--rate-limit")?)?,
            "--rate-window-seconds" => {
                let seconds: u64 = number("--rate-window-seconds", value("--rate-window-seconds")?)?;
                options.rate_window = Duration::from_secs(seconds.max(1));
            }
            "--fault-rate" => {
                let rate: f64 = number("--fault-rate", value("--fault-rate")?)?;
                if !(0.0..=1.0).contains(&rate) {
                    return Err("--fault-rate must be between 0 and 1".to_owned());
                }
                options.fault_rate = rate;
            }
            "--redemption-delay-ms" => {
                options.redemption_delay = Duration::from_millis(number("--redemption-delay-ms", value("--redemption-delay-ms")?)?);
            }
            "--advance-ms" => {
                let ms: u64 = number("--advance-ms", value("--advance-ms")?)?;
                options.advance = (ms > 0).then(|| Duration::from_millis(ms));
            }
            "--webhook" => {
                let url = value("--webhook")?;
                andopen_mock::transport::Url::parse(&url)?;
                options.webhooks.push(url);
            }
            "--webhook-secret" => options.webhook_secret = value("--webhook-secret")?,
            "--webhook-max-attempts" => {
                let n: u32 = number("--webhook-max-attempts", value("--webhook-max-attempts")?)?;
                options.webhook_retry.max_attempts = n.max(1);
            }
            "--webhook-backoff-ms" => {
                options.webhook_retry.backoff = Duration::from_millis(number("--webhook-backoff-ms", value("--webhook-backoff-ms")?)?);
            }
            "--quiet" => options.quiet = true,
            "--exit-on-stdin-eof" => exit_on_eof = true,
            other => return Err(format!("unknown flag {other:?} (see --help)")),
        }
    }
    Ok((options, exit_on_eof))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        print!("{HELP}");
        return ExitCode::SUCCESS;
    }
    let (options, exit_on_eof) = match parse(args) {
        Ok(parsed) => parsed,
        Err(why) => {
            eprintln!("andopen-mock: {why}");
            return ExitCode::from(2);
        }
    };
    let server = match Server::start(options) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("andopen-mock: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "andopen-mock listening on {}", server.base_url());
        let _ = out.flush();
    }
    if exit_on_eof {
        // Read stdin until it closes: the parent has gone, or wants the mock to stop.
        let mut sink = [0u8; 256];
        let mut stdin = std::io::stdin().lock();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
        server.stop();
        return ExitCode::SUCCESS;
    }
    // SIGTERM and SIGINT end the process with their default action: the mock holds no file to flush.
    loop {
        std::thread::park();
    }
}
