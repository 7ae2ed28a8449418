// `@andopen/sdk/validate`: the validation-only module answers every create vector of tests/vectors/ exactly
// as the full package does, and holds nothing of the client.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as full from "@andopen/sdk";
import * as slim from "@andopen/sdk/validate";

const dir = new URL("../../../tests/vectors/", import.meta.url);

function textOf(t) {
  if (typeof t === "string") return t;
  const parts = [t.prefix ?? ""];
  for (let i = 0; i < t.times; i++) parts.push(t.repeat.replaceAll("{i}", String(i)));
  parts.push(t.suffix ?? "");
  return parts.join("");
}

/** What a call returns or throws, comparable across the two modules. */
function answer(validate, payload) {
  try {
    return { errors: validate(payload) };
  } catch (e) {
    return { threw: `${e.constructor.name}: ${e.message}` };
  }
}

const creates = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .flatMap((f) => JSON.parse(readFileSync(new URL(f, dir), "utf8")).cases.map((c) => ({ ...c, file: f })))
  .filter((c) => c.call?.op === "create_gift_request");

test("the create vectors are there to replay", () => {
  assert.ok(creates.length >= 20, `only ${creates.length} create vectors`);
  assert.ok(creates.some((c) => (c.expect.errors ?? []).length > 0), "no vector with field errors");
});

for (const c of creates) {
  test(`validate entry: ${c.file}: ${c.name}`, () => {
    const payload = "raw_body" in c.call ? textOf(c.call.raw_body) : c.call.params;
    const slimAnswer = answer(slim.validateGiftRequest, payload);
    assert.deepEqual(slimAnswer, answer(full.validateGiftRequest, payload));
    if (typeof payload === "object") assert.deepEqual(answer(slim.validateGiftRequest, JSON.stringify(payload)), slimAnswer, "as JSON text");
    if (c.expect.errors) {
      assert.deepEqual(slimAnswer.errors.map((e) => e.code).sort(), c.expect.errors.map((e) => e.code).sort());
    }
  });
}

test("the validate entry exports validation, not the client", () => {
  assert.equal(typeof slim.validateGiftRequest, "function");
  assert.equal(typeof slim.unchecked, "function");
  assert.equal(typeof slim.init, "function");
  assert.equal(typeof slim.initSync, "function");
  assert.ok(slim.AndOpenError.prototype instanceof Error);
  assert.deepEqual(slim.limits(), full.limits());
  for (const name of ["Client", "SansIo", "buildRequest", "giftRequestBody"]) assert.equal(name in slim, false, name);
});

test("the validation-only module holds the validation path alone, and is smaller", () => {
  const exportsOf = (path) => WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(new URL(path, import.meta.url)))).map((e) => e.name);
  const slimExports = exportsOf("../validate/wasm/andopen_bg.wasm");
  const fullExports = exportsOf("../wasm/andopen_bg.wasm");
  assert.ok(slimExports.includes("validateTokens") && slimExports.includes("validateInput"), slimExports.join());
  assert.ok(fullExports.includes("coreclient_new"), "the full module has the client");
  assert.deepEqual(slimExports.filter((name) => /client|call|giftRequestBody/i.test(name)), []);
  const size = (path) => readFileSync(new URL(path, import.meta.url)).length;
  assert.ok(size("../validate/wasm/andopen_bg.wasm") < 0.6 * size("../wasm/andopen_bg.wasm"));
});
