// The API key is on no printable surface of the package: not on a client, its sans-IO calls, a call, an
// error, nor in what any of them print. The built request's `Authorization` header is the one place it is.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inspect, format } from "node:util";
import { Client, SansIo, buildRequest } from "@andopen/sdk";

const SECRET = "s3cr3t-Zq9xW7vK2p";
const KEY = `ao-v1-staging-${SECRET}`;
const GIFT = "4fb4cb3f-9666-43b5-8884-7f5194483d1a";

/** Every way a value prints, one text each. */
function printed(value) {
  const texts = [
    inspect(value, { showHidden: true, depth: Infinity, getters: true }),
    inspect(value, { depth: Infinity, showProxy: true }),
    format("%o %O %s %j", value, value, value, value),
    String(value),
    `${value}`,
    safe(() => JSON.stringify(value)),
    safe(() => JSON.stringify(Object.entries(value))),
    safe(() => JSON.stringify(Object.getOwnPropertyNames(value).map((k) => [k, value[k]]))),
    safe(() => JSON.stringify(Object.getOwnPropertyDescriptors(value))),
    safe(() => inspect(structuredClone(value), { depth: Infinity })),
    safe(() => inspect({ ...value }, { depth: Infinity })),
    safe(() => value.toString()),
    safe(() => value.toLocaleString()),
  ];
  for (const key in value) texts.push(safe(() => inspect(value[key])));
  return texts;
}

function safe(f) {
  try {
    return String(f());
  } catch (e) {
    return `${e?.name}: ${e?.message}\n${e?.stack}`;
  }
}

/** What `console.log`, `console.dir` and `console.error` write for `value` (captured from the streams). */
function logged(value) {
  const written = [];
  const [out, err] = [process.stdout.write, process.stderr.write];
  process.stdout.write = process.stderr.write = (chunk) => (written.push(String(chunk)), true);
  try {
    console.log(value);
    console.log("%o", value);
    console.dir(value, { depth: Infinity, showHidden: true });
    console.error(value);
  } finally {
    [process.stdout.write, process.stderr.write] = [out, err];
  }
  assert.ok(written.length >= 4, "the console was captured");
  return written.join("");
}

function assertNoKey(value, what) {
  for (const text of [...printed(value), logged(value)]) {
    assert.ok(!text.includes(SECRET), `${what} prints the key: ${text.slice(0, 300)}`);
  }
}

test("a client and its sans-IO calls print no key on any surface", () => {
  const client = new Client({ apiKey: KEY, fetch: async () => new Response("{}") });
  const sansIo = client.sansIo;
  assertNoKey(client, "the client");
  assertNoKey(sansIo, "client.sansIo");
  assertNoKey(new SansIo({ apiKey: KEY }), "a SansIo");
  assert.equal(Object.keys(sansIo).length, 0, "no enumerable property");
  assert.equal(Object.getOwnPropertyNames(sansIo).length, 0, "no own property at all");
  assert.ok(!("coreOptions" in sansIo), "the options are not reachable from the object");
  const call = sansIo.getGiftRequest(GIFT);
  assertNoKey(call, "a call");
  const request = call.request();
  assert.equal(request.headers.Authorization, `Bearer ${KEY}`, "the built request carries it, by design");
});

test("errors print no key: configuration, validation, API, outcome unknown, transport", async () => {
  const errors = [];
  const grab = (f) => {
    try {
      f();
    } catch (e) {
      errors.push(e);
    }
  };
  grab(() => new Client({ apiKey: KEY, environment: "production" })); // a staging key against production
  grab(() => new Client({ apiKey: `ao-v1-nowhere-${SECRET}` }));
  grab(() => new Client({ apiKey: KEY, baseUrl: "http://example.com/" }));
  grab(() => new Client({ apiKey: KEY, timeoutMs: -1 }));
  grab(() => new Client({ apiKey: KEY, jitterSeed: NaN }));
  grab(() => buildRequest.createGiftRequest({}, { apiKey: KEY }));
  grab(() => new SansIo({ apiKey: KEY }).getGiftRequest("not-a-uuid"));
  const answers = [
    { status: 401, body: { errors: [{ type: "authentication_error", code: "invalid_token", message: "bad token" }] } },
    { status: 500, body: "oops" },
  ];
  const c = new Client({ apiKey: KEY, fetch: async () => { const a = answers.shift(); return a ? new Response(typeof a.body === "string" ? a.body : JSON.stringify(a.body), { status: a.status }) : Promise.reject(new TypeError("fetch failed")); }, sleep: async () => {}, retry: { maxAttempts: 1 } });
  for (const f of [
    () => c.getGiftRequest(GIFT),
    () => c.createGiftRequest({ campaign_id: "a1b2c3d4-e5f6-7890-abcd-ef1234567890", recipient: { first_name: "A", last_name: "B" } }),
    () => c.getGiftRequest(GIFT),
  ]) {
    await f().catch((e) => errors.push(e));
  }
  assert.ok(errors.length >= 9, `${errors.length} errors`);
  for (const e of errors) {
    assertNoKey(e, `${e.name} (${e.message.slice(0, 80)})`);
    assert.ok(!String(e.stack).includes(SECRET), `the stack of ${e.name}`);
    assert.ok(!inspect(e.cause, { depth: Infinity }).includes(SECRET), `the cause of ${e.name}`);
  }
});
