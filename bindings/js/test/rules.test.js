// The rules the core holds for every language, as the JavaScript package meets them: the bounds of a
// timeout and of a poll interval, a wait's target status, a keyless client, a server that echoes the key,
// and option getters that throw.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client, ConfigError, SansIo, limits } from "@andopen/sdk";

const KEY = "ao-v1-staging-s3cr3tK3yTh4tMustN0tL34k";
const GIFT = "4fb4cb3f-9666-43b5-8884-7f5194483d1a";
const gift = { id: GIFT, status: "submitted", campaign_id: null, redemption_url: "https://gift.andopen.co/r/x", recipient: { id: null, first_name: "A", last_name: "B", email: null }, shipping_address: null, line_items: null, created_at: "2026-04-16T10:30:00.000Z", updated_at: "2026-04-16T10:30:00.000Z" };
const json = (status, body) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

/** A fetch that records what it was asked and answers `answer()`. */
function recording(sent, answer = () => json(200, gift)) {
  return async (url, init) => {
    sent.push({ url, authorization: init.headers.Authorization ?? null });
    return answer();
  };
}

const refusal = (param, code = "invalid_option") => (e) => e instanceof ConfigError && e.code === code && e.param === param;

test("the limits are the eleven the package declares, each a positive whole number", () => {
  const l = limits();
  const names = ["maxBodyBytes", "maxDepth", "maxProblems", "maxResponseBytes", "maxQuotedChars", "maxWebhookBodyBytes", "maxRememberedEvents", "defaultRememberedEvents", "maxTimeoutMs", "minPollIntervalMs", "maxApiKeyChars"];
  assert.deepEqual(Object.keys(l).sort(), [...names].sort());
  for (const name of names) assert.ok(Number.isSafeInteger(l[name]) && l[name] > 0, name);
  assert.ok(Object.isFrozen(l));
});

test("every refused option names itself in param, as the package names it", () => {
  const cases = [
    [{ environment: "x" }, "environment"],
    [{ environment: 1 }, "environment"],
    [{ region: "ap" }, "region"],
    [{ baseUrl: 5 }, "baseUrl"],
    [{ allowCustomKey: "yes" }, "allowCustomKey"],
    [{ jitterSeed: -1 }, "jitterSeed"],
    [{ jitterSeed: 1.5 }, "jitterSeed"],
    [{ retry: 3 }, "retry"],
    [{ retry: { maxAttemps: 3 } }, "retry"],
    [{ retry: { maxAttempts: 0 } }, "retry.maxAttempts"],
    [{ retry: { baseDelayMs: 2.5 } }, "retry.baseDelayMs"],
    [{ retry: { maxDelayMs: -1 } }, "retry.maxDelayMs"],
    [{ retry: { maxRetryAfterMs: "1s" } }, "retry.maxRetryAfterMs"],
    [{ apikey: KEY }, "options"],
  ];
  for (const [options, param] of cases) {
    assert.throws(() => new Client({ apiKey: KEY, ...options }), refusal(param), JSON.stringify(options));
  }
});

test("the limits carry the core's bounds of a timeout, a poll interval and a key", () => {
  const l = limits();
  assert.equal(l.maxTimeoutMs, 24 * 86_400_000);
  assert.equal(l.minPollIntervalMs, 100);
  assert.equal(l.maxApiKeyChars, 512);
});

test("an exchange's timeoutMs is refused by the core's rule: 0, a fraction, over 24 days", async () => {
  const max = limits().maxTimeoutMs;
  for (const timeoutMs of [0, -1, 1.5, max + 1, 2 ** 40]) {
    assert.throws(() => new Client({ apiKey: KEY, timeoutMs }), refusal("timeoutMs"), `client ${timeoutMs}`);
    const sent = [];
    const c = new Client({ apiKey: KEY, fetch: recording(sent) });
    await assert.rejects(c.getGiftRequest(GIFT, { timeoutMs }), refusal("timeoutMs"), `call ${timeoutMs}`);
    assert.deepEqual(sent, []);
  }
  assert.ok(new Client({ apiKey: KEY, timeoutMs: max }));
  assert.ok(new Client({ apiKey: KEY, timeoutMs: 1 }));
});

test("a wait is refused for an interval under the minimum, a timeout out of bounds, a status the contract does not have", async () => {
  const sent = [];
  const c = new Client({ apiKey: KEY, fetch: recording(sent), sleep: async () => {} });
  const min = limits().minPollIntervalMs;
  for (const intervalMs of [0, min - 1, 0.5, limits().maxTimeoutMs + 1]) {
    await assert.rejects(c.waitForRedemptionUrl(GIFT, { intervalMs }), refusal("intervalMs"), `interval ${intervalMs}`);
  }
  for (const timeoutMs of [0, limits().maxTimeoutMs + 1]) {
    await assert.rejects(c.waitForRedemptionUrl(GIFT, { timeoutMs }), refusal("timeoutMs"), `timeout ${timeoutMs}`);
  }
  await assert.rejects(c.waitForStatus(GIFT, "shiped"), refusal("status"));
  await assert.rejects(c.waitForStatus(GIFT, "unknown"), refusal("status"));
  assert.throws(() => new SansIo({ apiKey: KEY }).waitForGiftRequest(GIFT, "shiped", 1000, 1000), refusal("status"));
  assert.deepEqual(sent, [], "nothing was sent");
  const ready = await c.waitForRedemptionUrl(GIFT, { intervalMs: min });
  assert.equal(ready.redemption_url, "https://gift.andopen.co/r/x");
});

test("a keyless client refuses to send to the API (the core's missing_api_key) and sends to a custom backend without Authorization", async () => {
  const sent = [];
  const keyless = new Client({ fetch: recording(sent) });
  await assert.rejects(keyless.getGiftRequest(GIFT), refusal("api_key", "missing_api_key"));
  await assert.rejects(keyless.waitForRedemptionUrl(GIFT), refusal("api_key", "missing_api_key"));
  assert.deepEqual(sent, []);
  const backend = new Client({ baseUrl: "https://gifts.example.com/api", fetch: recording(sent) });
  await backend.getGiftRequest(GIFT);
  assert.deepEqual(sent, [{ url: `https://gifts.example.com/api/gift_requests/${GIFT}`, authorization: null }]);
});

test("a key longer than the core's limit is refused naming api_key", () => {
  const long = `ao-v1-staging-${"k".repeat(limits().maxApiKeyChars)}`;
  assert.throws(() => new Client({ apiKey: long }), (e) => e instanceof ConfigError && e.code === "malformed_api_key" && e.param === "api_key" && !e.message.includes(long));
});

test("a server message that echoes the whole key never carries it out", async () => {
  const echo = { errors: [{ type: "authentication_error", code: `invalid_token ${KEY}`, message: `token ${KEY} is unknown`, param: KEY }] };
  const c = new Client({ apiKey: KEY, fetch: async () => json(401, echo) });
  const error = await c.getGiftRequest(GIFT).then(() => null, (e) => e);
  assert.ok(error, "the call failed");
  const printed = [error.message, String(error), JSON.stringify(error), JSON.stringify(error.errors), error.stack, error.param, error.code].join(" ");
  assert.ok(!printed.includes(KEY), printed);
  assert.match(error.message, /token \[redacted\] is unknown/);
});

test("a retry option whose getter throws is reported like any unreadable option", async () => {
  const c = new Client({ apiKey: KEY, fetch: recording([]) });
  const retry = Object.defineProperty({}, "maxAttempts", { enumerable: true, get() { throw new Error("boom"); } });
  await assert.rejects(c.getGiftRequest(GIFT, { retry }), (e) => e instanceof TypeError && e.message.startsWith("options"));
  const options = Object.defineProperty({}, "intervalMs", { enumerable: true, get() { throw new Error("boom"); } });
  await assert.rejects(c.waitForRedemptionUrl(GIFT, options), (e) => e instanceof TypeError && e.message.startsWith("options"));
});
