// The fetch client: what it sends, where it sleeps, what it throws. A fake fetch stands in for the network.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client, ValidationError, OutcomeUnknownError, ApiError, ConfigError, validateGiftRequest, buildRequest, giftRequestBody } from "@andopen/sdk";

const KEY = "ao-v1-staging-t3st";
const CAMPAIGN = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
const GIFT = "4fb4cb3f-9666-43b5-8884-7f5194483d1a";

const gift = (overrides = {}) => ({
  id: GIFT,
  status: "submitted",
  campaign_id: CAMPAIGN,
  redemption_url: null,
  recipient: { id: "b2c3d4e5-f6a7-8901-bcde-f01234567890", first_name: "Alice", last_name: "Smith", email: "alice@example.com" },
  shipping_address: null,
  line_items: null,
  created_at: "2026-05-01T12:00:00.000Z",
  updated_at: "2026-05-01T12:00:00.000Z",
  ...overrides,
});

const campaign = (id) => ({ id, name: `Campaign ${id.slice(0, 4)}`, invitation_method: "sender_provided_address", products: [], theme: { color: "teal" } });

/** A fetch that answers from a script and records every request. */
function scripted(...answers) {
  const sent = [];
  const fetch = async (url, init) => {
    sent.push({ url, method: init.method, headers: init.headers, body: init.body ?? null });
    const next = answers.shift();
    if (next === undefined) throw new Error("the script ran out of answers");
    if (next instanceof Error) throw next;
    const headers = { "Request-Id": `00000000-0000-4000-8000-${String(sent.length).padStart(12, "0")}`, "Content-Type": "application/json", ...(next.headers ?? {}) };
    return new Response(typeof next.body === "string" ? next.body : JSON.stringify(next.body), { status: next.status, headers });
  };
  return { fetch, sent };
}

function client(fetch, extra = {}) {
  const slept = [];
  let now = Date.parse("2026-05-01T12:00:00.000Z");
  const c = new Client({ apiKey: KEY, fetch, sleep: async (ms) => { slept.push(ms); now += ms; }, now: () => now, jitterSeed: 7, ...extra });
  return { c, slept };
}

const choice = { campaign_id: CAMPAIGN, recipient: { first_name: "Alice", last_name: "Smith", email: "alice@example.com" } };

test("creates a gift request and keeps the request id on the result", async () => {
  const { fetch, sent } = scripted({ status: 201, body: gift({ gift_note: { text: "thanks" } }) });
  const { c } = client(fetch);
  const created = await c.createGiftRequest(choice);
  assert.equal(created.id, GIFT);
  assert.deepEqual(created.gift_note, { text: "thanks" }, "fields the SDK does not model reach the caller");
  assert.equal(created.lastResponse.requestId, "00000000-0000-4000-8000-000000000001");
  assert.equal(created.lastResponse.status, 201);
  assert.ok(!("lastResponse" in JSON.parse(JSON.stringify(created))), "lastResponse stays out of JSON");
  assert.equal(sent.length, 1);
  assert.equal(sent[0].method, "POST");
  assert.equal(sent[0].url, "https://api.staging.andopen.co/gift_requests");
  assert.equal(sent[0].headers.Authorization, `Bearer ${KEY}`);
  assert.equal(sent[0].headers["AndOpen-API-Version"], "2026-05");
  assert.deepEqual(JSON.parse(sent[0].body), choice);
});

test("refuses an invalid payload without sending anything, naming every field", async () => {
  const { fetch, sent } = scripted();
  const { c } = client(fetch);
  const payload = { ...choice, recipient: { first_name: "Alice", last_name: "" }, shipping_address: { address1: "1 Main St", city: "Dublin", region: "Leinster", postal_code: "D02", country_code: "ie", phone: "+353871234567" }, line_items: [{ sku: "HOODIE", quantity: 1 }] };
  await assert.rejects(c.createGiftRequest(payload), (e) => {
    assert.ok(e instanceof ValidationError);
    assert.deepEqual(e.errors.map((x) => [x.param, x.code]).sort(), [["recipient.last_name", "required"], ["shipping_address.country_code", "invalid_format"]]);
    assert.equal(e.param, "recipient.last_name");
    assert.match(e.message, /recipient\.last_name: is required/);
    return true;
  });
  assert.equal(sent.length, 0);
});

test("waits Retry-After on a 429, then sends the same create again", async () => {
  const { fetch, sent } = scripted({ status: 429, headers: { "Retry-After": "2" }, body: { errors: [{ type: "rate_limit_error", code: "rate_limited", message: "slow down" }] } }, { status: 201, body: gift() });
  const { c, slept } = client(fetch);
  const created = await c.createGiftRequest(choice);
  assert.equal(created.id, GIFT);
  assert.deepEqual(slept, [2000]);
  assert.equal(sent.length, 2);
  assert.equal(sent[0].body, sent[1].body);
});

test("never sends a create again after a 500: outcome unknown, with the request id", async () => {
  const { fetch, sent } = scripted({ status: 500, body: { errors: [{ type: "api_error", code: "internal", message: "boom" }] } });
  const { c, slept } = client(fetch);
  await assert.rejects(c.createGiftRequest(choice), (e) => e instanceof OutcomeUnknownError && e.requestId === "00000000-0000-4000-8000-000000000001" && e.status === 500);
  assert.equal(sent.length, 1);
  assert.deepEqual(slept, []);
});

test("a lost connection on create is outcome unknown; a refused connection is retried", async () => {
  const lost = scripted(new TypeError("fetch failed"));
  await assert.rejects(client(lost.fetch).c.createGiftRequest(choice), OutcomeUnknownError);
  assert.equal(lost.sent.length, 1);
  const refused = Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
  const retried = scripted(refused, { status: 201, body: gift() });
  const { c, slept } = client(retried.fetch);
  assert.equal((await c.createGiftRequest(choice)).id, GIFT);
  assert.equal(retried.sent.length, 2);
  assert.equal(slept.length, 1);
  assert.ok(slept[0] >= 250 && slept[0] <= 500, `backoff ${slept[0]}`);
});

test("retries a GET on a 503 and reports a 404 as an ApiError", async () => {
  const { fetch } = scripted({ status: 503, body: { errors: [{ type: "api_error", code: "maintenance", message: "later" }] } }, { status: 404, body: { errors: [{ type: "not_found_error", code: "not_found", message: "no such gift request" }] } });
  const { c, slept } = client(fetch);
  await assert.rejects(c.getGiftRequest(GIFT), (e) => e instanceof ApiError && e.status === 404 && e.type === "not_found_error" && e.requestId === "00000000-0000-4000-8000-000000000002");
  assert.equal(slept.length, 1);
});

test("iterates every campaign across pages, following the cursor", async () => {
  const ids = ["11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222", "33333333-3333-4333-8333-333333333333"];
  const { fetch, sent } = scripted({ status: 200, body: { data: [campaign(ids[0]), campaign(ids[1])], has_more: true } }, { status: 200, body: { data: [campaign(ids[2])], has_more: false } });
  const { c } = client(fetch);
  const seen = [];
  for await (const x of c.listCampaigns({ limit: 2, extra_query: [["sort", "-created_at"]] })) seen.push(x);
  assert.deepEqual(seen.map((x) => x.id), ids);
  assert.deepEqual(seen[0].theme, { color: "teal" }, "undocumented fields are kept");
  assert.equal(sent[0].url, "https://api.staging.andopen.co/campaigns?limit=2&sort=-created_at");
  assert.equal(sent[1].url, `https://api.staging.andopen.co/campaigns?limit=2&after=${ids[1]}&sort=-created_at`);
});

test("waits for the redemption URL", async () => {
  const { fetch, sent } = scripted({ status: 200, body: gift() }, { status: 200, body: gift({ redemption_url: "https://gift.andopen.co/r/abc" }) });
  const { c, slept } = client(fetch);
  const ready = await c.waitForRedemptionUrl(GIFT, { intervalMs: 1500 });
  assert.equal(ready.redemption_url, "https://gift.andopen.co/r/abc");
  assert.deepEqual(slept, [1500]);
  assert.equal(sent.length, 2);
});

test("in a browser, a key is refused unless the caller opts in; validation needs no key", () => {
  globalThis.window = { document: {} };
  try {
    assert.throws(() => new Client({ apiKey: KEY, fetch: async () => {} }), (e) => e instanceof ConfigError && e.code === "key_in_browser");
    assert.ok(new Client({ apiKey: KEY, fetch: async () => {}, dangerouslyAllowBrowser: true }));
    assert.ok(new Client({ baseUrl: "https://gifts.example.com/api", fetch: async () => {} }));
    assert.deepEqual(validateGiftRequest(choice), []);
  } finally {
    delete globalThis.window;
  }
});

test("stateless helpers: plain JSON in, plain JSON out", () => {
  assert.deepEqual(validateGiftRequest({ campaign_id: CAMPAIGN, recipient: { first_name: "A" } }), [
    { type: "validation_error", code: "required", message: "is required", param: "recipient.last_name" },
  ]);
  const request = buildRequest.createGiftRequest({ ...choice, custom_field: { a: 1 } });
  assert.equal(request.method, "POST");
  assert.equal(request.headers.Authorization, undefined, "no key, no Authorization header");
  assert.deepEqual(JSON.parse(request.body), { ...choice, custom_field: { a: 1 } });
  assert.equal(giftRequestBody(choice), JSON.stringify(choice));
  assert.deepEqual(buildRequest.listCampaigns({ limit: 5 }, { region: "eu" }).url, "https://api.eu.andopen.co/campaigns?limit=5");
  assert.throws(() => buildRequest.getCampaign("../admin"), (e) => e instanceof ValidationError && e.param === "id");
});

test("unknown client options are refused, not ignored", () => {
  assert.throws(() => new Client({ apiKey: KEY, fetch: async () => {}, retries: 3 }), (e) => e instanceof ConfigError && e.code === "invalid_option");
});
