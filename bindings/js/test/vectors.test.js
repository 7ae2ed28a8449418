// Replays every case of tests/vectors/ (format: tests/vectors/README.md) through the package's sans-IO layer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { SansIo, AndOpenError, ValidationError } from "@andopen/sdk";

const dir = new URL("../../../tests/vectors/", import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();

function options(c) {
  const cfg = c.config ?? { api_key: "ao-v1-production-k3y5ecr3t", environment: "production" };
  const r = c.retry ?? {};
  const retry = {};
  if (r.max_attempts !== undefined) retry.maxAttempts = r.max_attempts;
  if (r.base_delay_ms !== undefined) retry.baseDelayMs = r.base_delay_ms;
  if (r.max_delay_ms !== undefined) retry.maxDelayMs = r.max_delay_ms;
  if (r.max_retry_after_ms !== undefined) retry.maxRetryAfterMs = r.max_retry_after_ms;
  const o = { retry, jitterSeed: r.seed ?? 1 };
  if (cfg.api_key !== undefined) o.apiKey = cfg.api_key;
  if (cfg.environment !== undefined) o.environment = cfg.environment;
  if (cfg.region !== undefined) o.region = cfg.region;
  if (cfg.base_url !== undefined) o.baseUrl = cfg.base_url;
  if (cfg.allow_custom_key) o.allowCustomKey = true;
  if (cfg.allow_key_in_browser) o.dangerouslyAllowBrowser = true;
  return { options: o, inBrowser: cfg.in_browser === true };
}

function start(sansIo, call) {
  switch (call.op) {
    case "create_gift_request":
      return sansIo.createGiftRequest("raw_body" in call ? textOf(call.raw_body) : JSON.stringify(call.params));
    case "get_gift_request":
      return sansIo.getGiftRequest(call.id);
    case "get_campaign":
      return sansIo.getCampaign(call.id);
    case "list_campaigns": {
      const params = {};
      for (const k of ["limit", "after", "extra_query"]) if (k in call) params[k] = call[k];
      return sansIo.listCampaigns(params);
    }
    case "poll_gift_request": {
      const until = call.until === "redemption_url" ? "redemption_url" : call.until.status;
      return sansIo.waitForGiftRequest(call.id, until, call.interval_ms, call.timeout_ms);
    }
    default:
      throw new Error(`unknown op ${call.op}`);
  }
}

/** `expected` is a subset of `actual`: every key given matches, arrays have the same length. */
function subset(expected, actual, at = "value") {
  if (expected !== null && typeof expected === "object") {
    assert.ok(actual !== null && typeof actual === "object", `${at}: expected an object or array, got ${JSON.stringify(actual)}`);
    if (Array.isArray(expected)) {
      assert.ok(Array.isArray(actual), `${at}: expected an array`);
      assert.equal(actual.length, expected.length, `${at}: length`);
    }
    for (const [k, v] of Object.entries(expected)) {
      assert.ok(k in actual, `${at}.${k}: missing`);
      subset(v, actual[k], `${at}.${k}`);
    }
    return;
  }
  assert.deepEqual(actual, expected, at);
}

function checkRequest(expected, actual) {
  assert.ok(actual, "a request");
  if ("method" in expected) assert.equal(actual.method, expected.method);
  if ("url" in expected) assert.equal(actual.url, expected.url);
  const headers = Object.fromEntries(Object.entries(actual.headers).map(([k, v]) => [k.toLowerCase(), v]));
  for (const [k, v] of Object.entries(expected.headers ?? {})) assert.equal(headers[k.toLowerCase()], v, `header ${k}`);
  for (const k of expected.absent_headers ?? []) assert.ok(!(k.toLowerCase() in headers), `header ${k} should be absent`);
  if ("body" in expected) {
    const body = actual.body === null ? null : JSON.parse(actual.body);
    assert.deepEqual(body, expected.body, "body");
  }
}

function checkErrors(expected, actual) {
  assert.equal(actual.length, expected.length, `errors: ${JSON.stringify(actual)}`);
  const left = [...actual];
  for (const e of expected) {
    const want = { param: null, ...e };
    const i = left.findIndex((a) => Object.entries(want).every(([k, v]) => a[k] === v));
    assert.ok(i >= 0, `no error matches ${JSON.stringify(e)} in ${JSON.stringify(left)}`);
    left.splice(i, 1);
  }
}

/** Compares an `AndOpenError` with an expected error (the README's fields, read through the error's properties). */
function checkError(expected, error) {
  assert.ok(error instanceof AndOpenError, `an AndOpenError, got ${error}`);
  const fields = {
    kind: error.kind,
    type: error.type,
    code: error.code,
    param: error.param,
    status: error.status,
    request_id: error.requestId,
    retry_after_s: error.retryAfter,
    rate_limit: error.rateLimit,
    attempts: error.attempts,
  };
  for (const [k, v] of Object.entries(expected)) {
    if (k === "errors") checkErrors(v, error.errors);
    else subset(v, fields[k], `error.${k}`);
  }
}

/** A text of a case: a string, or `{ prefix, repeat, times, suffix }` (tests/vectors/README.md, "Long texts"). */
function textOf(t) {
  if (typeof t === "string") return t;
  const parts = [t.prefix ?? ""];
  for (let i = 0; i < t.times; i++) parts.push(t.repeat.replaceAll("{i}", String(i)));
  parts.push(t.suffix ?? "");
  return parts.join("");
}

function response(r) {
  const body = "body" in r ? JSON.stringify(r.body) : "body_text" in r ? textOf(r.body_text) : "";
  return [r.status, Object.entries(r.headers ?? {}), new TextEncoder().encode(body)];
}

function runCase(c) {
  const { options: o, inBrowser } = options(c);
  const expect = c.expect;
  let sansIo;
  try {
    if (inBrowser) globalThis.window = { document: {} };
    sansIo = new SansIo(o);
  } catch (e) {
    assert.ok(expect.error, `configuration refused: ${e.message}`);
    return checkError(expect.error, e);
  } finally {
    delete globalThis.window;
  }
  if (c.call.op === "configure") {
    assert.ok("base_url" in expect, "configuration accepted, expected an error");
    return assert.equal(sansIo.baseUrl, expect.base_url);
  }
  let call;
  try {
    call = start(sansIo, c.call);
  } catch (e) {
    if (expect.errors) {
      assert.ok(e instanceof ValidationError, `a ValidationError, got ${e}`);
      return checkErrors(expect.errors, e.errors);
    }
    assert.ok(expect.error, `refused before sending: ${e.message}`);
    return checkError(expect.error, e);
  }
  assert.ok(expect.request, `call accepted, expected ${JSON.stringify(expect)}`);
  checkRequest(expect.request, call.request());
  for (const [i, x] of (c.exchanges ?? []).entries()) {
    const now = Date.parse(x.now);
    const step = x.response ? call.handleResponse(...response(x.response), now) : call.handleTransportFailure(x.transport_failure === "maybe_sent", now);
    const want = x.expect;
    const at = `exchange ${i}`;
    if (step.step === "done") {
      assert.ok(want.done, `${at}: done, expected ${JSON.stringify(want)}`);
      subset(want.done, asWritten(step.value));
      if ("status" in want) assert.equal(step.meta.status, want.status);
      if ("request_id" in want) assert.equal(step.meta.request_id, want.request_id);
    } else if (step.step === "wait") {
      assert.ok(want.wait, `${at}: wait ${step.ms}, expected ${JSON.stringify(want)}`);
      assert.ok(step.ms >= want.wait.min_ms && step.ms <= want.wait.max_ms, `${at}: wait ${step.ms} not in ${want.wait.min_ms}..${want.wait.max_ms}`);
    } else {
      assert.ok(want.failed, `${at}: failed (${step.error.message}), expected ${JSON.stringify(want)}`);
      checkError(want.failed, step.error);
    }
    if ("next_request" in want) {
      const next = call.request();
      if (want.next_request === null) assert.equal(next, undefined, `${at}: no next request`);
      else checkRequest(want.next_request, next);
    }
  }
}

/**
 * A result as the API wrote it: the package reports a gift-request status it does not know as
 * `status: "unknown"` with the text in `unknown_status` (a closed union in TypeScript); the vectors speak
 * of the text.
 */
function asWritten(value) {
  if (value === null || typeof value !== "object" || value.status !== "unknown" || !("unknown_status" in value)) return value;
  const { unknown_status: text, ...rest } = value;
  return { ...rest, status: text };
}

let total = 0;
for (const file of files) {
  const { cases } = JSON.parse(readFileSync(new URL(file, dir), "utf8"));
  total += cases.length;
  for (const c of cases) test(`${file} / ${c.name}`, () => runCase(c));
}
test("the vectors are all here", () => assert.ok(total >= 60, `${total} vectors`));
