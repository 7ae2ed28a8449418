// Hostile host values on every public function: each answer is a result, an `AndOpenError`, or a
// `TypeError` the package threw on purpose (naming the argument); never a raw error from inside the package,
// never a trap of the module, never a hang, and never more than the SDK's limits handed to the core.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AndOpenError, Client, SansIo, ValidationError, buildRequest, giftRequestBody, limits, validateGiftRequest } from "@andopen/sdk";

const KEY = "ao-v1-production-h0st1l3k3y";
const CAMPAIGN = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
const GIFT = "4fb4cb3f-9666-43b5-8884-7f5194483d1a";
const base = () => ({ campaign_id: CAMPAIGN, recipient: { first_name: "Alice", last_name: "Smith" } });
const { maxBodyBytes, maxResponseBytes, maxProblems } = limits();

const cyclic = () => {
  const o = base();
  o.self = o;
  return o;
};
const throwingGetter = () =>
  Object.defineProperty(base(), "recipient", {
    enumerable: true,
    get() {
      throw new Error("getter says no");
    },
  });
const revoked = () => {
  const { proxy, revoke } = Proxy.revocable(base(), {});
  revoke();
  return proxy;
};
const throwingProxy = () =>
  new Proxy(base(), {
    ownKeys() {
      throw new RangeError("trap says no");
    },
  });
const manyKeys = () => {
  const o = base();
  for (let i = 0; i < 1_000_000; i++) o[`k${i}`] = i;
  return o;
};

/** Values no JSON can hold, or whose reading throws: every one must be a TypeError naming the argument. */
const notJson = {
  undefined: () => undefined,
  "a symbol": () => Symbol("s"),
  "a function": () => () => 1,
  "a BigInt": () => 10n,
  "a nested BigInt": () => ({ ...base(), line_items: [{ sku: "MUG", quantity: 1n }] }),
  "a nested BigInt beside a Date": () => ({ ...base(), when: new Date(0), line_items: [{ sku: "MUG", quantity: 1n }] }),
  "a cycle": cyclic,
  "a getter that throws": throwingGetter,
  "a revoked proxy": revoked,
  "a proxy whose trap throws": throwingProxy,
  "a toJSON that throws": () => ({ ...base(), toJSON() {
    throw new Error("toJSON says no");
  } }),
};

/** Odd values that are JSON all the same: every one is answered (problems, or a body). */
const oddJson = {
  null: () => null,
  "a number": () => 42,
  "NaN": () => NaN,
  "true": () => true,
  "an empty array": () => [],
  "a proxy of a payload": () => new Proxy(base(), {}),
  "a lone surrogate": () => ({ ...base(), note: "a\ud800b" }),
  "a lone surrogate as JSON text": () => `{"campaign_id":"${CAMPAIGN}","recipient":{"first_name":"\ud800","last_name":"Smith"}}`,
  "a huge string": () => ({ ...base(), note: "x".repeat(50_000_000) }),
  "a huge key": () => ({ ...base(), ["k".repeat(5_000_000)]: 1 }),
  "a huge JSON text": () => `{"note":"${"x".repeat(50_000_000)}"}`,
  "an object of 1M keys": manyKeys,
  "an array of 10M items": () => ({ ...base(), line_items: new Array(10_000_000).fill({ quantity: 0 }) }),
  "an array of 10M holes": () => ({ ...base(), line_items: new Array(10_000_000) }),
  "10M line items as JSON text": () => JSON.stringify({ ...base(), line_items: new Array(10_000_000).fill({ quantity: 0 }) }),
  "a Date beside 2M items": () => ({ ...base(), when: new Date(0), items: new Array(2_000_000).fill(1) }),
  "a huge string behind a toJSON": () => ({ ...base(), note: { toJSON: () => "y".repeat(20_000_000) } }),
};

/** Whether `e` is what a public function may throw: the package's own error, or its own TypeError. */
function isOwn(e, name) {
  if (e instanceof AndOpenError) return true;
  return e instanceof TypeError && e.message.startsWith(name) && !/\bat (?:JSON\.|wasm)/.test(e.message);
}

/** Runs `f`: its result, or what it threw, which must be the package's own (never a trap or a raw error). */
function answer(f, name, where) {
  const started = performance.now();
  try {
    return { value: f() };
  } catch (e) {
    assert.ok(!(e instanceof WebAssembly.RuntimeError), `${where}: a trap of the module: ${e}`);
    assert.ok(isOwn(e, name), `${where}: threw ${e?.constructor?.name}: ${e?.message}`);
    return { threw: e };
  } finally {
    assert.ok(performance.now() - started < 5_000, `${where}: took ${performance.now() - started} ms`);
  }
}

const payloadFunctions = {
  validateGiftRequest: (p) => validateGiftRequest(p),
  giftRequestBody: (p) => giftRequestBody(p),
  "SansIo.createGiftRequest": (p) => new SansIo({ apiKey: KEY }).createGiftRequest(p).request(),
  "buildRequest.createGiftRequest": (p) => buildRequest.createGiftRequest(p, { apiKey: KEY }),
};

test("a payload JSON cannot hold is a TypeError naming it, from every payload function", () => {
  for (const [fname, f] of Object.entries(payloadFunctions)) {
    for (const [what, make] of Object.entries(notJson)) {
      const a = answer(() => f(make()), "payload", `${fname}(${what})`);
      assert.ok(a.threw instanceof TypeError, `${fname}(${what}): expected a TypeError, got ${JSON.stringify(a.value)?.slice(0, 100)}`);
      assert.ok(a.threw.message.length <= 400, `${fname}(${what}): a message of ${a.threw.message.length} characters`);
    }
  }
});

test("a nested BigInt is named by its field", () => {
  for (const make of [notJson["a nested BigInt"], notJson["a nested BigInt beside a Date"]]) {
    assert.throws(() => validateGiftRequest(make()), { name: "TypeError", message: /payload\.line_items\[0\]\.quantity is a BigInt/ });
    assert.throws(() => giftRequestBody(make()), { name: "TypeError", message: /payload\.line_items\[0\]\.quantity is a BigInt/ });
  }
});

test("what a getter or trap threw is kept as the cause", () => {
  const e = answer(() => validateGiftRequest(throwingGetter()), "payload", "getter").threw;
  assert.equal(e.cause?.message, "getter says no");
  const trap = answer(() => giftRequestBody(throwingProxy()), "payload", "trap").threw;
  assert.ok(trap.cause instanceof RangeError);
});

test("odd JSON values are answered by the core, within the limits, from every payload function", () => {
  for (const [what, make] of Object.entries(oddJson)) {
    const payload = make();
    for (const [fname, f] of Object.entries(payloadFunctions)) {
      const a = answer(() => f(payload), "payload", `${fname}(${what})`);
      if (a.threw) assert.ok(a.threw instanceof ValidationError, `${fname}(${what}): ${a.threw}`);
    }
  }
});

test("a payload over the body limit is body_too_large whatever its shape, and nothing over it reaches the core", () => {
  const over = [
    oddJson["a huge string"](),
    oddJson["a huge key"](),
    oddJson["a huge JSON text"](),
    oddJson["an object of 1M keys"](),
    oddJson["an array of 10M items"](),
    oddJson["an array of 10M holes"](),
    oddJson["10M line items as JSON text"](),
    oddJson["a Date beside 2M items"](),
    oddJson["a huge string behind a toJSON"](),
    { ...base(), note: "é".repeat(maxBodyBytes / 2) }, // fewer code units than the limit, more bytes
  ];
  for (const payload of over) {
    const errors = validateGiftRequest(payload);
    assert.deepEqual(errors.map((e) => [e.type, e.code, e.param]), [["api_error", "body_too_large", null]]);
    assert.throws(() => giftRequestBody(payload), (e) => e instanceof ValidationError && e.errors[0].code === "body_too_large");
    assert.throws(() => new SansIo({ apiKey: KEY }).createGiftRequest(payload), (e) => e instanceof ValidationError && e.errors[0].code === "body_too_large");
  }
});

test("a payload just under the body limit is read whole, as tokens and as JSON text", () => {
  const payload = { campaign_id: CAMPAIGN, recipient: { first_name: "Alice" }, note: "" };
  payload.note = "a".repeat(maxBodyBytes - JSON.stringify(payload).length);
  assert.equal(JSON.stringify(payload).length, maxBodyBytes);
  const expected = [["validation_error", "required", "recipient.last_name"]];
  assert.deepEqual(validateGiftRequest(payload).map((e) => [e.type, e.code, e.param]), expected);
  assert.deepEqual(validateGiftRequest(JSON.stringify(payload)).map((e) => [e.type, e.code, e.param]), expected);
  payload.when = { toJSON: () => undefined }; // left out: through the JSON-text walk, still at the limit
  assert.deepEqual(validateGiftRequest(payload).map((e) => [e.type, e.code, e.param]), expected);
});

test("the problems of a body stop at MAX_PROBLEMS with a count of the rest", () => {
  const payload = { ...base(), shipping_address: {}, line_items: new Array(5000).fill({ quantity: 0 }) };
  const errors = validateGiftRequest(payload);
  assert.equal(errors.length, maxProblems + 1);
  assert.equal(errors.at(-1).code, "too_many_problems");
  const e = answer(() => giftRequestBody(payload), "payload", "giftRequestBody").threw;
  assert.ok(e instanceof ValidationError);
  assert.ok(e.message.length < 4000, `a message of ${e.message.length} characters`);
});

test("the Client constructor refuses wrong host types with a TypeError naming the option", () => {
  const wrong = {
    "options itself": [42, "options"],
    "a null options": [null, "options"],
    "an array of options": [[], "options"],
    apiKey: [{ apiKey: Symbol("k") }, "options.apiKey"],
    "a BigInt seed": [{ apiKey: KEY, jitterSeed: 1n }, "options.jitterSeed"],
    "a NaN seed": [{ apiKey: KEY, jitterSeed: NaN }, "options.jitterSeed"],
    "an Infinity retry": [{ apiKey: KEY, retry: { maxAttempts: Infinity } }, "options.retry.maxAttempts"],
    "a function baseUrl": [{ apiKey: KEY, baseUrl: () => "x" }, "options.baseUrl"],
    "a Date region": [{ apiKey: KEY, region: new Date(0) }, "options.region"],
    "a cyclic retry": [(() => { const r = {}; r.r = r; return { apiKey: KEY, retry: r }; })(), "options.retry"],
    "a getter that throws": [Object.defineProperty({}, "apiKey", { enumerable: true, get() { throw new Error("no"); } }), "options"],
    fetch: [{ apiKey: KEY, fetch: "fetch" }, "options.fetch"],
    sleep: [{ apiKey: KEY, sleep: 5 }, "options.sleep"],
    now: [{ apiKey: KEY, now: Date.now() }, "options.now"],
    timeoutMs: [{ apiKey: KEY, timeoutMs: "5000" }, "options.timeoutMs"],
    "a BigInt timeoutMs": [{ apiKey: KEY, timeoutMs: 5000n }, "options.timeoutMs"],
  };
  for (const [what, [options, name]] of Object.entries(wrong)) {
    const a = answer(() => new Client(options), name, what);
    assert.ok(a.threw instanceof TypeError, `${what}: expected a TypeError, got ${a.threw ?? "a client"}`);
    assert.ok(a.threw.message.startsWith(name), `${what}: ${a.threw.message}`);
  }
});

test("option values of the right type but refused are ConfigErrors, and a huge one is quoted short", () => {
  for (const options of [
    { apiKey: KEY, timeoutMs: -1 },
    { apiKey: KEY, timeoutMs: 2 ** 40 },
    { apiKey: KEY, timeoutMs: 1.5 },
    { apiKey: KEY, environment: "x".repeat(1_000_000) },
    { apiKey: KEY, baseUrl: `ftp://${"a".repeat(1_000_000)}` },
    { apiKey: `ao-v1-nowhere-${"s".repeat(1_000_000)}` },
    { apiKey: KEY, retry: { maxAttempts: -1 } },
    { apiKey: KEY, unknownOption: 1 },
    { apiKey: KEY, ["u".repeat(1_000_000)]: 1 },
    { apiKey: "k".repeat(maxBodyBytes + 1), allowCustomKey: true },
  ]) {
    const e = answer(() => new Client(options), "options", JSON.stringify(options).slice(0, 60)).threw;
    assert.ok(e instanceof AndOpenError && e.kind === "config", `${JSON.stringify(options).slice(0, 60)}: ${e}`);
    assert.ok(e.message.length <= 1000, `a message of ${e.message.length} characters`);
  }
});

test("method arguments of the wrong host type are TypeErrors naming them", async () => {
  const c = new Client({ apiKey: KEY, fetch: async () => { throw new Error("never sent"); } });
  const s = new SansIo({ apiKey: KEY });
  const sync = {
    "getGiftRequest(undefined)": [() => s.getGiftRequest(undefined), "id"],
    "getGiftRequest(42)": [() => s.getGiftRequest(42), "id"],
    "getCampaign(Symbol)": [() => s.getCampaign(Symbol("id")), "id"],
    "listCampaigns(42)": [() => s.listCampaigns(42), "params"],
    "listCampaigns({ limit: 1n })": [() => s.listCampaigns({ limit: 1n }), "params.limit"],
    "listCampaigns({ extra_query: cyclic })": [() => { const q = {}; q.q = q; return s.listCampaigns({ extra_query: q }); }, "params"],
    "waitForGiftRequest(id, 5)": [() => s.waitForGiftRequest(GIFT, 5, 10, 10), "until"],
    "waitForGiftRequest(id, until, '10')": [() => s.waitForGiftRequest(GIFT, "redemption_url", "10", 10), "intervalMs"],
  };
  for (const [what, [f, name]] of Object.entries(sync)) {
    const a = answer(f, name, what);
    assert.ok(a.threw instanceof TypeError && a.threw.message.startsWith(name), `${what}: ${a.threw ?? "no error"}`);
  }
  const huge = answer(() => s.getGiftRequest("x".repeat(50_000_000)), "id", "a huge id").threw;
  assert.ok(huge instanceof ValidationError, String(huge));
  assert.ok(huge.message.length < 1000);
  for (const [what, f, name] of [
    ["Client.getGiftRequest(null)", () => c.getGiftRequest(null), "id"],
    ["Client.createGiftRequest(undefined)", () => c.createGiftRequest(undefined), "payload"],
    ["Client.waitForStatus(id, 1n)", () => c.waitForStatus(GIFT, 1n), "until"],
    ["Client.waitForRedemptionUrl(id, { intervalMs: '5' })", () => c.waitForRedemptionUrl(GIFT, { intervalMs: "5" }), "intervalMs"],
  ]) {
    await assert.rejects(f(), (e) => e instanceof TypeError && e.message.startsWith(name), what);
  }
});

test("handleResponse and handleTransportFailure take only the host types they name", () => {
  const call = () => new SansIo({ apiKey: KEY }).getGiftRequest(GIFT);
  const body = new TextEncoder().encode("{}");
  const wrong = {
    "a string status": [(c) => c.handleResponse("200", [], body, 0), "status"],
    "a BigInt status": [(c) => c.handleResponse(200n, [], body, 0), "status"],
    "a symbol status": [(c) => c.handleResponse(Symbol("s"), [], body, 0), "status"],
    "headers of numbers": [(c) => c.handleResponse(200, [[1, 2]], body, 0), "headers"],
    "headers that are a number": [(c) => c.handleResponse(200, 5, body, 0), "headers"],
    "headers whose iterator throws": [(c) => c.handleResponse(200, { *[Symbol.iterator]() { throw new Error("no"); } }, body, 0), "headers"],
    "a string body": [(c) => c.handleResponse(200, [], "{}", 0), "body"],
    "an array body": [(c) => c.handleResponse(200, [], [1, 2], 0), "body"],
    "a string time": [(c) => c.handleResponse(200, [], body, "now"), "nowMs"],
    "a string maybeSent": [(c) => c.handleTransportFailure("yes", 0), "maybeSent"],
    "a BigInt time": [(c) => c.handleTransportFailure(true, 0n), "nowMs"],
  };
  for (const [what, [f, name]] of Object.entries(wrong)) {
    const a = answer(() => f(call()), name, what);
    assert.ok(a.threw instanceof TypeError && a.threw.message.startsWith(name), `${what}: ${a.threw ?? "no error"}`);
  }
});

test("statuses outside 100–599 are never wrapped into another status", () => {
  const body = new TextEncoder().encode(JSON.stringify({ id: GIFT }));
  for (const status of [0, 99, 600, 65736, 65736.5, -200, NaN, Infinity, 2 ** 53]) {
    const create = new SansIo({ apiKey: KEY }).createGiftRequest(base());
    const step = create.handleResponse(status, [["Request-Id", GIFT]], body, 0);
    assert.equal(step.step, "failed", `status ${status}`);
    assert.equal(step.error.kind, "outcome_unknown", `status ${status}`);
    const read = new SansIo({ apiKey: KEY }).getGiftRequest(GIFT).handleResponse(status, [], body, 0);
    assert.equal(read.step, "wait", `status ${status}: a read backs off`);
  }
});

test("a response body over MAX_RESPONSE_BYTES given to handleResponse is judged unread, never copied whole", () => {
  const body = new Uint8Array(maxResponseBytes * 8).fill(0x20); // spaces: read whole, it would be unreadable JSON anyway
  const step = new SansIo({ apiKey: KEY }).getGiftRequest(GIFT).handleResponse(200, { "Request-Id": GIFT }, body, 0);
  assert.equal(step.step, "failed");
  assert.equal(step.error.kind, "decode");
  assert.match(step.error.message, /MAX_RESPONSE_BYTES/);
  const create = new SansIo({ apiKey: KEY }).createGiftRequest(base()).handleResponse(201, new Headers({ "Request-Id": GIFT }), body.buffer, 0);
  assert.equal(create.error.kind, "outcome_unknown");
  assert.equal(create.error.requestId, GIFT);
});

test("a 10 MB request id is quoted short in the message and kept whole in the field", () => {
  const id = "r".repeat(10_000_000);
  const step = new SansIo({ apiKey: KEY }).getGiftRequest(GIFT).handleResponse(404, [["Request-Id", id]], new TextEncoder().encode('{"errors":[]}'), 0);
  assert.equal(step.error.requestId.length, id.length);
  assert.ok(step.error.message.length < 1000, `a message of ${step.error.message.length} characters`);
});
