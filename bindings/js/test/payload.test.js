// The package writes a payload into the module's memory without building its JSON text first: the bytes
// must be exactly those of JSON.stringify, whatever the payload holds.
import test from "node:test";
import assert from "node:assert/strict";
import { inputText, writePayload } from "../dist/wasm.js";

class Point {
  constructor() {
    this.x = 1;
  }
}
const deep = (n) => (n === 0 ? { end: true } : { next: deep(n - 1) });
const payloads = [
  { campaign_id: "a1b2c3d4-e5f6-7890-abcd-ef1234567890", recipient: { first_name: "Alice", last_name: "Smith" } },
  { a: [1, -0, 2.5, 1e21, 1e-7, -3, Number.MAX_SAFE_INTEGER, NaN, Infinity], b: [undefined, () => 1, Symbol("s"), null, true, false] },
  { skip: undefined, fn() {}, sym: Symbol("x"), kept: "yes" },
  { text: "quote \" backslash \\ newline \n tab \t control \u0001" },
  { text: "é ß 中文 😀 \u2028 \u2029 \u007f" },
  { lone: "a\ud800b", pair: "\ud83d\ude00", lowFirst: "\ude00\ud83d" },
  { 2: "b", 1: "a", z: "z", a: "a" },
  { when: new Date(0), point: new Point(), map: new Map([[1, 2]]), boxed: new String("s") },
  Object.assign(Object.create(null), { bare: 1 }),
  { get computed() { return "got"; } },
  { big: "x".repeat(10000) },
  { many: Array.from({ length: 2000 }, (_, i) => ({ i })) },
  deep(40),
  [1, "two", { three: 3 }],
  "already JSON text",
  42,
  null,
  undefined,
  { nested: { toJSON: () => ({ replaced: true }) } },
];

test("payloads are written as the bytes of JSON.stringify", () => {
  for (const payload of payloads) {
    const expected = typeof payload === "string" ? payload : (JSON.stringify(payload) ?? "");
    assert.equal(inputText(writePayload(payload)), expected);
  }
});

test("a payload JSON.stringify refuses is refused the same way", () => {
  const cycle = { a: {} };
  cycle.a.b = cycle;
  assert.throws(() => writePayload(cycle), TypeError);
  assert.throws(() => writePayload({ n: 1n }), TypeError);
});
