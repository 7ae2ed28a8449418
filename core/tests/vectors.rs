//! Replays every case of `tests/vectors/` (see its README for the format) against the core.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::path::PathBuf;
use std::time::Duration;

use andopen_core::{
    Client, Config, Environment, Error, ErrorReport, GiftRequestStatus, Headers, HostCall, ListCampaigns, PollTarget, Region, Request,
    Response, RetryPolicy, Timestamp, TransportFailure,
};
use serde_json::{Value, json};

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

fn config_of(case: &Value) -> Result<Config, Error> {
    let default = json!({ "api_key": "ao-v1-production-k3y5ecr3t", "environment": "production" });
    let c = case.get("config").unwrap_or(&default);
    let mut b = Config::builder().jitter_seed(case["retry"]["seed"].as_u64().unwrap_or(1));
    if let Some(k) = c["api_key"].as_str() {
        b = b.api_key(k);
    }
    match c["environment"].as_str() {
        Some("production") => b = b.environment(Environment::Production),
        Some("staging") => b = b.environment(Environment::Staging),
        None => {}
        Some(other) => panic!("unknown environment {other}"),
    }
    match c["region"].as_str() {
        Some("eu") => b = b.region(Region::Eu),
        Some("us") | None => {}
        Some(other) => panic!("unknown region {other}"),
    }
    if let Some(u) = c["base_url"].as_str() {
        b = b.base_url(u);
    }
    b = b.allow_custom_key(c["allow_custom_key"].as_bool().unwrap_or(false));
    b = b.in_browser(c["in_browser"].as_bool().unwrap_or(false));
    b = b.allow_key_in_browser(c["allow_key_in_browser"].as_bool().unwrap_or(false));
    let r = &case["retry"];
    let mut policy = RetryPolicy::default();
    if let Some(v) = r["max_attempts"].as_u64() {
        policy.max_attempts = v as u32;
    }
    if let Some(v) = r["base_delay_ms"].as_u64() {
        policy.base_delay = Duration::from_millis(v);
    }
    if let Some(v) = r["max_delay_ms"].as_u64() {
        policy.max_delay = Duration::from_millis(v);
    }
    if let Some(v) = r["max_retry_after_ms"].as_u64() {
        policy.max_retry_after = Duration::from_millis(v);
    }
    Ok(b.retry_policy(policy).build()?)
}

fn start(client: &Client, call: &Value) -> Result<HostCall, Error> {
    let op = call["op"].as_str().unwrap();
    Ok(match op {
        "create_gift_request" => {
            let body = match call.get("raw_body") {
                Some(raw) => text_of(raw).into_bytes(),
                None => serde_json::to_vec(&call["params"]).unwrap(),
            };
            HostCall::CreateGiftRequest(client.create_gift_request_json(&body)?)
        }
        "get_gift_request" => HostCall::GetGiftRequest(client.get_gift_request(call["id"].as_str().unwrap())?),
        "get_campaign" => HostCall::GetCampaign(client.get_campaign(call["id"].as_str().unwrap())?),
        "list_campaigns" => {
            let mut params = serde_json::Map::new();
            for key in ["limit", "after", "extra_query"] {
                if let Some(v) = call.get(key) {
                    params.insert(key.to_owned(), v.clone());
                }
            }
            let params = ListCampaigns::from_json(&serde_json::to_vec(&params).unwrap())?;
            HostCall::ListCampaigns(client.list_campaigns(&params)?)
        }
        "poll_gift_request" => {
            let target = match &call["until"] {
                Value::String(s) if s == "redemption_url" => PollTarget::RedemptionUrl,
                other => PollTarget::Status(GiftRequestStatus::from_wire(other["status"].as_str().unwrap())),
            };
            let interval = Duration::from_millis(call["interval_ms"].as_u64().unwrap());
            let timeout = Duration::from_millis(call["timeout_ms"].as_u64().unwrap());
            HostCall::Poll(client.wait_for_gift_request(call["id"].as_str().unwrap(), target, interval, timeout)?)
        }
        other => panic!("unknown op {other}"),
    })
}

/// `expected` is a subset of `actual`: every key given matches, arrays have the same length.
fn subset(expected: &Value, actual: &Value, at: &str) -> Result<(), String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, v) in e {
                let av = a.get(k).ok_or_else(|| format!("{at}.{k}: missing"))?;
                subset(v, av, &format!("{at}.{k}"))?;
            }
            Ok(())
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                return Err(format!("{at}: {} items, expected {}", a.len(), e.len()));
            }
            e.iter().zip(a).enumerate().try_for_each(|(i, (ev, av))| subset(ev, av, &format!("{at}[{i}]")))
        }
        (Value::Number(e), Value::Number(a)) if e.as_f64() == a.as_f64() => Ok(()),
        (e, a) if e == a => Ok(()),
        (e, a) => Err(format!("{at}: got {a}, expected {e}")),
    }
}

fn check_request(expected: &Value, actual: &Request) -> Result<(), String> {
    if let Some(m) = expected.get("method") {
        if m.as_str() != Some(actual.method.as_str()) {
            return Err(format!("method {}, expected {m}", actual.method.as_str()));
        }
    }
    if let Some(u) = expected.get("url") {
        if u.as_str() != Some(actual.url.as_str()) {
            return Err(format!("url {}, expected {u}", actual.url));
        }
    }
    if let Some(Value::Object(headers)) = expected.get("headers") {
        for (name, value) in headers {
            match actual.header(name) {
                Some(v) if Some(v) == value.as_str() => {}
                other => return Err(format!("header {name}: got {other:?}, expected {value}")),
            }
        }
    }
    if let Some(Value::Array(absent)) = expected.get("absent_headers") {
        for name in absent {
            if actual.header(name.as_str().unwrap()).is_some() {
                return Err(format!("header {name} should be absent"));
            }
        }
    }
    if let Some(body) = expected.get("body") {
        let got = actual.body.as_ref().map(|b| serde_json::from_slice::<Value>(b).expect("the SDK built a body that is not JSON"));
        let want = if body.is_null() { None } else { Some(body.clone()) };
        if got != want {
            return Err(format!("body {got:?}, expected {want:?}"));
        }
    }
    Ok(())
}

fn check_errors(expected: &Value, actual: &[Value]) -> Result<(), String> {
    let expected = expected.as_array().unwrap();
    let mut left: Vec<Value> = actual.to_vec();
    if expected.len() != left.len() {
        return Err(format!("{} errors, expected {}: {left:?}", left.len(), expected.len()));
    }
    for e in expected {
        let mut want = e.clone();
        if want.get("param").is_none() {
            want["param"] = Value::Null;
        }
        let pos = left.iter().position(|a| subset(&want, a, "").is_ok()).ok_or_else(|| format!("no error matches {e}; got {left:?}"))?;
        left.remove(pos);
    }
    Ok(())
}

/// Compares an error through its [`ErrorReport`], the flattened form every binding builds its errors from.
fn check_error(expected: &Value, actual: &Error) -> Result<(), String> {
    check_report(expected, &serde_json::to_value(ErrorReport::of(actual)).unwrap())
}

fn check_report(expected: &Value, report: &Value) -> Result<(), String> {
    for (field, want) in expected.as_object().unwrap() {
        let got = report.get(field.as_str()).ok_or_else(|| format!("unknown error field {field}"))?;
        let ok = match field.as_str() {
            "errors" => check_errors(want, got.as_array().unwrap()).map(|_| true)?,
            _ => subset(want, got, field).is_ok(),
        };
        if !ok {
            return Err(format!("error {field}: expected {want}, got {got} in {report}"));
        }
    }
    Ok(())
}

fn response_of(r: &Value) -> Response {
    let mut headers = Headers::new();
    if let Some(Value::Object(h)) = r.get("headers") {
        for (k, v) in h {
            headers.push(k.clone(), v.as_str().unwrap());
        }
    }
    let body = match (r.get("body"), r.get("body_text")) {
        (Some(b), _) => serde_json::to_vec(b).unwrap(),
        (None, Some(t)) => text_of(t).into_bytes(),
        (None, None) => Vec::new(),
    };
    Response::new(andopen_core::http::status_from_host(r["status"].as_f64().unwrap()), headers, body)
}

/// A text of a case: a string, or `{ prefix, repeat, times, suffix }` (tests/vectors/README.md, "Long texts").
fn text_of(v: &Value) -> String {
    if let Some(text) = v.as_str() {
        return text.to_owned();
    }
    let part = |key: &str| v.get(key).and_then(Value::as_str).unwrap_or_default();
    let mut out = part("prefix").to_owned();
    let repeat = part("repeat");
    for i in 0..v["times"].as_u64().unwrap() {
        out.push_str(&repeat.replace("{i}", &i.to_string()));
    }
    out.push_str(part("suffix"));
    out
}

fn run_case(case: &Value) -> Result<(), String> {
    let expect = &case["expect"];
    let config = match config_of(case) {
        Ok(c) => c,
        Err(e) => return expect.get("error").ok_or_else(|| format!("configuration refused: {e}")).and_then(|x| check_error(x, &e)),
    };
    if case["call"]["op"] == "configure" {
        return match (expect.get("base_url"), expect.get("error")) {
            (Some(url), _) if url.as_str() == Some(config.base_url().as_str()) => Ok(()),
            (Some(url), _) => Err(format!("base_url {}, expected {url}", config.base_url().as_str())),
            _ => Err("configuration accepted, expected an error".to_owned()),
        };
    }
    let client = Client::new(config);
    let mut machine = match start(&client, &case["call"]) {
        Ok(m) => m,
        Err(e) => {
            return match (expect.get("errors"), expect.get("error")) {
                (Some(errors), _) if matches!(e, Error::Validation(_)) => {
                    check_errors(errors, serde_json::to_value(e.errors()).unwrap().as_array().unwrap())
                }
                (_, Some(x)) => check_error(x, &e),
                _ => Err(format!("refused before sending: {e}")),
            };
        }
    };
    let first = expect.get("request").ok_or_else(|| format!("call accepted, expected {expect}"))?;
    check_request(first, machine.request().unwrap()).map_err(|e| format!("first request: {e}"))?;
    for (i, x) in case["exchanges"].as_array().into_iter().flatten().enumerate() {
        let now = Timestamp::parse(x["now"].as_str().unwrap()).unwrap();
        let got = match (x.get("response"), x.get("transport_failure")) {
            (Some(r), _) => machine.handle_response(&response_of(r), now),
            (None, Some(f)) => machine.handle_transport_failure(
                match f.as_str().unwrap() {
                    "not_sent" => TransportFailure::NotSent,
                    _ => TransportFailure::MaybeSent,
                },
                now,
            ),
            _ => return Err(format!("exchange {i}: neither response nor transport_failure")),
        };
        let step = &x["expect"];
        let ctx = |e: String| format!("exchange {i}: {e}");
        let got: Value = serde_json::from_str(&got.to_json()).unwrap();
        match got["step"].as_str().unwrap() {
            "done" => {
                let want = step.get("done").ok_or_else(|| ctx(format!("done, expected {step}")))?;
                subset(want, &as_written(&got), "value").map_err(ctx)?;
                if let Some(s) = step.get("status") {
                    subset(s, &got["meta"]["status"], "status").map_err(ctx)?;
                }
                if let Some(id) = step.get("request_id") {
                    subset(id, &got["meta"]["request_id"], "request_id").map_err(ctx)?;
                }
            }
            "wait" => {
                let want = step.get("wait").ok_or_else(|| ctx(format!("wait {}, expected {step}", got["ms"])))?;
                let ms = got["ms"].as_u64().unwrap();
                let (lo, hi) = (want["min_ms"].as_u64().unwrap(), want["max_ms"].as_u64().unwrap());
                if !(lo..=hi).contains(&ms) {
                    return Err(ctx(format!("wait {ms} ms, expected {lo}..={hi}")));
                }
            }
            _ => {
                let want = step.get("failed").ok_or_else(|| ctx(format!("failed ({}), expected {step}", got["error"]["message"])))?;
                check_report(want, &got["error"]).map_err(ctx)?;
            }
        }
        if let Some(next) = step.get("next_request") {
            match (next, machine.request()) {
                (Value::Null, None) => {}
                (Value::Null, Some(r)) => return Err(ctx(format!("a next request {}, expected none", r.url))),
                (want, Some(r)) => check_request(want, r).map_err(|e| ctx(format!("next request: {e}")))?,
                (_, None) => return Err(ctx("no next request".to_owned())),
            }
        }
    }
    Ok(())
}

#[test]
fn every_vector_passes() {
    let mut files: Vec<_> = std::fs::read_dir(vectors_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let (mut passed, mut failures) = (0, Vec::new());
    for file in &files {
        let doc: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
        for case in doc["cases"].as_array().unwrap() {
            match run_case(case) {
                Ok(()) => passed += 1,
                Err(why) => {
                    failures.push(format!("{} / {}: {why}", file.file_name().unwrap().to_string_lossy(), case["name"].as_str().unwrap()))
                }
            }
        }
    }
    assert!(passed + failures.len() >= 60, "too few vectors");
    assert!(failures.is_empty(), "{} of {} vectors failed:\n{}", failures.len(), passed + failures.len(), failures.join("\n"));
}

/// A step's result as the API wrote it: the core names a gift-request status it does not know in the
/// step's `unknown_status` (the bindings report `status: "unknown"` with it); the vectors speak of the text.
fn as_written(step: &Value) -> Value {
    let mut value = step["value"].clone();
    if let (Some(Value::String(text)), Some(map)) = (step.get("unknown_status"), value.as_object_mut()) {
        map.insert("status".to_owned(), Value::String(text.clone()));
    }
    value
}
