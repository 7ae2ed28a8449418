// The package hands a payload object to the core as tokens, without building its JSON text: what the core
// reads from them must be exactly the JSON.stringify of the payload, whatever the payload holds, and
// whatever cannot go as tokens must go as that text.
import test from "node:test";
import assert from "node:assert/strict";
import { limits, validateGiftRequest } from "@andopen/sdk";
// The writer is the same in every entry; its tests read the tokens back through the validation-only module,
// whose core has `tokensText`.
import "@andopen/sdk/validate"; // the Node entry: where its module is
import { writeTokens, writtenTagCount } from "../validate/dist/wasm.js";
import { tokensText } from "../validate/wasm/andopen.js";

/** The JSON text the last `writeTokens` stands for, as the core reads it. */
const writtenTokens = (textLen) => tokensText(writtenTagCount(), textLen);

class Point {
  constructor() {
    this.x = 1;
  }
}
const deep = (n) => (n === 0 ? { end: true } : { next: deep(n - 1) });
const campaign_id = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";

// Payloads that go as tokens.
const plain = [
  { campaign_id, recipient: { first_name: "Alice", last_name: "Smith" } },
  { a: [1, -0, 2.5, 1e21, 1e-7, -3, Number.MAX_SAFE_INTEGER, NaN, Infinity, -Infinity], b: [undefined, () => 1, Symbol("s"), null, true, false] },
  { skip: undefined, fn() {}, sym: Symbol("x"), kept: "yes" },
  { text: "quote \" backslash \\ newline \n tab \t control \u0001 \u001f" },
  { text: "é ß 中文 😀 \u2028 \u2029 \u007f", "ключ 😀": "value" },
  { pair: "\ud83d\ude00", after: "x" },
  { 2: "b", 1: "a", z: "z", a: "a" },
  Object.assign(Object.create(null), { bare: 1 }),
  { get computed() { return "got"; } },
  { big: "x".repeat(10000), wide: "é".repeat(5000) },
  { many: Array.from({ length: 3000 }, (_, i) => ({ i, s: `n${i}` })) },
  [, 1], // a hole reads as undefined
  deep(30),
  deep(127), // 128 levels with its innermost object: the deepest the core reads
  [1, "two", { three: 3 }],
  {},
  [],
  42,
  "", // a string payload is JSON text, but a string inside one is a value
  null,
  true,
];

// Payloads that must go as JSON text.
const viaText = [
  { lone: "a\ud800b" },
  { lowFirst: "\ude00\ud83d" },
  { when: new Date(0) },
  { point: new Point() },
  { map: new Map([[1, 2]]) },
  { boxed: new String("s") },
  { nested: { toJSON: () => ({ replaced: true }) } },
  deep(128), // 129 levels: read as JSON text, which the core refuses as too deep
  undefined,
  () => 1,
];

test("plain payloads go as tokens that read as their JSON.stringify", () => {
  for (const payload of plain) {
    const len = writeTokens(payload);
    assert.ok(len >= 0, `went as tokens: ${JSON.stringify(payload)?.slice(0, 80)}`);
    assert.equal(writtenTokens(len), JSON.stringify(payload));
  }
});

test("the gift request's own keys go as tags alone, any other key as its text", () => {
  const payload = { campaign_id, recipient: { first_name: "Al", last_name: "Sm", email: null }, line_items: [{ sku: "M", quantity: 1, skuu: "x" }] };
  const len = writeTokens(payload);
  // Only the values and the unknown key `skuu` are text: the eight known keys are not.
  assert.equal(len, [campaign_id, "Al", "Sm", "M", "1", "skuu", "x"].join("").length);
  assert.equal(writtenTokens(len), JSON.stringify(payload));
  assert.deepEqual(validateGiftRequest(payload), validateGiftRequest(JSON.stringify(payload)));
});

test("a payload is held to the body limit as its JSON text is, to the byte", () => {
  // As tokens its known keys would take no text, and the core measures tokens only from below: a payload
  // whose JSON may be over the limit goes as JSON text, measured exactly.
  const body = (n) => ({
    campaign_id,
    recipient: { first_name: "A", last_name: "B" },
    shipping_address: { address1: "1", city: "C", region: "R", postal_code: "P", country_code: "IE", phone: "1" },
    line_items: Array.from({ length: n }, () => ({ sku: "A", quantity: 1 })),
  });
  const size = (n) => JSON.stringify(body(n)).length;
  const fitting = Math.floor((limits().maxBodyBytes - size(0)) / (size(2) - size(1)));
  for (const n of [fitting, fitting + 1]) {
    const payload = body(n);
    const text = JSON.stringify(payload);
    assert.equal(writeTokens(payload), -1, "goes as JSON text");
    const errors = validateGiftRequest(payload);
    assert.deepEqual(errors, validateGiftRequest(text), `${n} items, ${text.length} bytes`);
    assert.equal(errors.length === 0, text.length <= limits().maxBodyBytes, `${n} items, ${text.length} bytes`);
  }
});

test("what tokens cannot carry goes as JSON text", () => {
  for (const payload of viaText) assert.equal(writeTokens(payload), -1, String(JSON.stringify(payload)));
});

test("validation answers alike for a payload sent as tokens and for its JSON text", () => {
  const bodies = [
    ...plain.filter((b) => typeof b !== "string"),
    { campaign_id: "nope", recipient: { first_name: " ", last_name: "Ní Bhriain 😀", email: "x@y" }, line_items: [{ quantity: 0 }, null, 1.5] },
    { campaign_id, recipient: { first_name: "Alice", last_name: "Smith" }, shipping_address: { country_code: "ie" }, line_items: [] },
    { campaign_id, recipient: { first_name: "Alice", last_name: "Smith" }, extra: { nested: [1, "é", null, { deep: true }] } },
  ];
  for (const payload of bodies) {
    const text = JSON.stringify(payload) ?? "";
    assert.ok(writeTokens(payload) >= 0, `goes as tokens: ${text.slice(0, 80)}`);
    assert.deepEqual(validateGiftRequest(payload), validateGiftRequest(text), text.slice(0, 80));
  }
});

/** The answer of `f`: its value, or the class of what it threw. */
function answer(f) {
  try {
    return { value: f() };
  } catch (e) {
    return { threw: e?.constructor?.name };
  }
}

test("payloads that change or call the module while they are read answer as their JSON text", () => {
  const base = () => ({ campaign_id, recipient: { first_name: "Alice", last_name: "Smith" } });
  const makers = {
    "half pairs split between a key and its value": () => ({ ...base(), "\ud83d": "\ude00" }),
    "half pairs split between two values": () => ({ ...base(), a: "x\ud83d", b: "\ude00y" }),
    "half pairs split between two items": () => ({ ...base(), a: ["x\ud83d", "\ude00"] }),
    "an item's getter that shortens its array": () => {
      const items = [1, 2, 3];
      Object.defineProperty(items, 0, { get: () => ((items.length = 1), 1), enumerable: true, configurable: true });
      return { ...base(), line_items: items };
    },
    "an item's getter that lengthens its array": () => {
      const items = [1];
      Object.defineProperty(items, 0, { get: () => (items.push(2), 1), enumerable: true, configurable: true });
      return { ...base(), line_items: items };
    },
    "an array whose length is not one": () => ({ ...base(), line_items: new Proxy([], { get: (t, k) => (k === "length" ? -1 : t[k]) }) }),
    "a getter that validates another payload": () => ({
      campaign_id,
      get recipient() {
        validateGiftRequest({ x: 1 });
        return { first_name: "Alice", last_name: "Smith" };
      },
    }),
    "a getter that grows the module's memory": () => ({
      campaign_id,
      get recipient() {
        validateGiftRequest(`"${"x".repeat(3_000_000)}"`);
        return undefined;
      },
    }),
    "a boxed number given a plain prototype": () => ({ ...base(), n: Object.setPrototypeOf(new Number(5), Object.prototype) }),
    "a boxed string without a prototype": () => ({ ...base(), s: Object.setPrototypeOf(new String("ab"), null) }),
  };
  for (const [name, make] of Object.entries(makers)) {
    assert.deepEqual(answer(() => validateGiftRequest(make())), answer(() => validateGiftRequest(JSON.stringify(make()) ?? "")), name);
  }
});

test("a payload JSON.stringify refuses is refused the same way", () => {
  const cycle = { a: {} };
  cycle.a.b = cycle;
  assert.throws(() => validateGiftRequest(cycle), TypeError);
  assert.throws(() => validateGiftRequest({ n: 1n }), TypeError);
});

test("a walk over the body limit by its tags alone stops there and is body_too_large", () => {
  const payload = { campaign_id, recipient: { first_name: "Alice", last_name: "Smith" }, extra: new Array(5_000_000) };
  assert.ok(writeTokens(payload) >= 0, "the walk stops and hands the core what it wrote");
  const errors = validateGiftRequest(payload);
  assert.deepEqual(errors.map((e) => [e.type, e.code, e.param]), [["api_error", "body_too_large", null]]);
  assert.deepEqual(validateGiftRequest(JSON.stringify(payload)).map((e) => e.code), ["body_too_large"], "as its JSON text");
});

test("nesting deeper than the core reads is refused alike as tokens, as JSON text and through toJSON", () => {
  const tooDeep = validateGiftRequest(JSON.stringify(deep(128)));
  assert.deepEqual(tooDeep.map((e) => e.code), ["malformed_request"]);
  assert.deepEqual(validateGiftRequest(deep(128)), tooDeep);
  let chain = { end: true };
  for (let i = 0; i < 100_000; i++) chain = { next: chain };
  assert.deepEqual(validateGiftRequest(chain), tooDeep, "no stack overflow");
  const viaToJson = deep(126); // 127 levels, and 2 more from a toJSON
  viaToJson.when = new Date(0);
  let inner = viaToJson;
  while (inner.next) inner = inner.next;
  inner.more = { toJSON: () => ({ deeper: {} }) };
  assert.deepEqual(validateGiftRequest(viaToJson), tooDeep);
  assert.equal(validateGiftRequest(deep(127)).length, 2, "128 levels are read (campaign_id and recipient missing)");
});

test("a payload that outgrows the areas is still read whole", () => {
  // 16,000 tags and 20,000 bytes of text, against 1,024 and 4,096 at first (and JSON within the limit).
  const items = Array.from({ length: 2000 }, () => ({ sku: "MUG-WHT", quantity: 1 }));
  const payload = { campaign_id, recipient: { first_name: "Alice", last_name: "Smith" }, shipping_address: {}, line_items: items };
  const len = writeTokens(payload);
  assert.ok(len >= 0);
  assert.ok(writtenTagCount() > 16_000 && len > 16_000, `${writtenTagCount()} tags, ${len} bytes`);
  assert.equal(writtenTokens(len), JSON.stringify(payload));
  assert.equal(validateGiftRequest(payload).length, 6); // the address's six required fields
});
