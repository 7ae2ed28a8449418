// Per-call options (an AbortSignal, a timeout, retry overrides) and the error class of each kind.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ApiError,
  AuthenticationError,
  AuthorizationError,
  Client,
  ConfigError,
  DecodeError,
  NotFoundError,
  OutcomeUnknownError,
  RateLimitError,
  TransportError,
  ValidationError,
} from "@andopen/sdk";

const KEY = "ao-v1-staging-t3st";
const CAMPAIGN = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
const GIFT = "4fb4cb3f-9666-43b5-8884-7f5194483d1a";
const choice = { campaign_id: CAMPAIGN, recipient: { first_name: "Alice", last_name: "Smith" } };
const json = (status, body, headers = {}) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", "Request-Id": "00000000-0000-4000-8000-000000000001", ...headers } });
const problem = (type, code = "x") => ({ errors: [{ type, code, message: `${type} ${code}` }] });

/** A fetch that never answers until its signal aborts (then it rejects as fetch does). */
function hanging(sent) {
  return (url, init) => {
    sent.push(init.method);
    return new Promise((_, reject) => init.signal.addEventListener("abort", () => reject(init.signal.reason), { once: true }));
  };
}

test("each API error kind has its class, all of them ApiErrors", async () => {
  const cases = [
    [401, "authentication_error", AuthenticationError],
    [403, "authorization_error", AuthorizationError],
    [404, "not_found_error", NotFoundError],
    [400, "api_error", ApiError],
  ];
  for (const [status, type, Class] of cases) {
    const c = new Client({ apiKey: KEY, fetch: async () => json(status, problem(type)) });
    await assert.rejects(c.getGiftRequest(GIFT), (e) => e.constructor === Class && e instanceof ApiError && e.status === status && e.type === type, type);
  }
  // 429 past the retry policy's patience: a RateLimitError with its Retry-After.
  const limited = new Client({ apiKey: KEY, retry: { maxRetryAfterMs: 1000 }, fetch: async () => json(429, problem("rate_limit_error", "rate_limited"), { "Retry-After": "60" }) });
  await assert.rejects(limited.getGiftRequest(GIFT), (e) => e instanceof RateLimitError && e.retryAfter === 60);
  // An unknown type falls back on the status, as the core reports it.
  const unknown = new Client({ apiKey: KEY, fetch: async () => json(401, problem("brand_new_error")) });
  await assert.rejects(unknown.getGiftRequest(GIFT), (e) => e instanceof ApiError);
  // The other kinds, for completeness: decode, transport, validation, outcome unknown, config.
  const garbled = new Client({ apiKey: KEY, fetch: async () => new Response("not json", { status: 200 }) });
  await assert.rejects(garbled.getGiftRequest(GIFT), DecodeError);
  const refused = new Client({ apiKey: KEY, retry: { maxAttempts: 1 }, fetch: async () => { throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } }); } });
  await assert.rejects(refused.getGiftRequest(GIFT), TransportError);
  await assert.rejects(refused.createGiftRequest({ campaign_id: "x" }), ValidationError);
  assert.throws(() => new Client({ apiKey: "not-a-key" }), ConfigError);
});

test("a signal aborted during the exchange: a read stops with its reason, a create is outcome unknown", async () => {
  const sent = [];
  const c = new Client({ apiKey: KEY, fetch: hanging(sent) });
  const read = new AbortController();
  const reading = c.getGiftRequest(GIFT, { signal: read.signal });
  setTimeout(() => read.abort(new Error("the user left")), 20);
  await assert.rejects(reading, { message: "the user left" });
  assert.deepEqual(sent, ["GET"], "aborted: not retried");

  const create = new AbortController();
  const creating = c.createGiftRequest(choice, { signal: create.signal });
  setTimeout(() => create.abort(), 20);
  await assert.rejects(creating, (e) => e instanceof OutcomeUnknownError, "the request may have left: never called failed");
  assert.deepEqual(sent, ["GET", "POST"]);
});

test("a signal aborted during the sleep between attempts stops the wait; one aborted before the call sends nothing", async () => {
  let sent = 0;
  const slept = [];
  const controller = new AbortController();
  const c = new Client({
    apiKey: KEY,
    fetch: async () => (sent++, json(503, problem("api_error", "unavailable"), { "Retry-After": "5" })),
    sleep: (ms) => (slept.push(ms), setTimeout(() => controller.abort(new Error("stop")), 10), new Promise(() => {})), // a sleep that never ends
  });
  await assert.rejects(c.getGiftRequest(GIFT, { signal: controller.signal }), { message: "stop" });
  assert.equal(sent, 1);
  assert.deepEqual(slept, [5000]);
  await assert.rejects(c.getGiftRequest(GIFT, { signal: AbortSignal.abort(new Error("already")) }), { message: "already" });
  assert.equal(sent, 1, "nothing sent once aborted");
});

test("a call's timeoutMs bounds its exchanges, over the client's", async (t) => {
  const sent = [];
  const c = new Client({ apiKey: KEY, fetch: hanging(sent), timeoutMs: 60_000, retry: { maxAttempts: 1 } });
  // AbortSignal.timeout's timer does not hold Node open (a real fetch's socket does); this stands in for it.
  const alive = setInterval(() => {}, 1000);
  t.after(() => clearInterval(alive));
  const started = Date.now();
  await assert.rejects(c.createGiftRequest(choice, { timeoutMs: 50 }), OutcomeUnknownError);
  assert.ok(Date.now() - started < 5_000, "the call's 50 ms, not the client's minute");
  await assert.rejects(c.getGiftRequest(GIFT, { timeoutMs: 50 }), TransportError);
  assert.deepEqual(sent, ["POST", "GET"]);
  await assert.rejects(c.getGiftRequest(GIFT, { timeoutMs: -1 }), ConfigError);
  await assert.rejects(c.getGiftRequest(GIFT, { timeoutMs: "50" }), TypeError);
  await assert.rejects(c.getGiftRequest(GIFT, { signal: "stop" }), { name: "TypeError", message: /options\.signal/ });
});

test("retry overrides per call: maxAttempts 1 sends once; the client's policy holds elsewhere", async () => {
  let sent = 0;
  const c = new Client({ apiKey: KEY, sleep: async () => {}, retry: { maxAttempts: 3 }, fetch: async () => (sent++, json(503, problem("api_error", "unavailable"))) });
  await assert.rejects(c.getGiftRequest(GIFT, { retry: { maxAttempts: 1 } }), ApiError);
  assert.equal(sent, 1);
  sent = 0;
  await assert.rejects(c.getGiftRequest(GIFT), ApiError);
  assert.equal(sent, 3);
  await assert.rejects(c.getGiftRequest(GIFT, { retry: { maxAttempts: 0 } }), ConfigError, "the core checks the figures");
  await assert.rejects(c.getGiftRequest(GIFT, { retry: 2 }), { name: "TypeError", message: /options\.retry/ });
});
