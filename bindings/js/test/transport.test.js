// The fetch transport against real sockets (a local HTTP server) and hostile fetches: it reads at most
// MAX_RESPONSE_BYTES + 1 bytes of a body and cancels the rest, its timeout bounds the whole exchange (a
// trickling body included, and a fetch that ignores its signal), a body cut after the status is no answer
// (outcome unknown for a create, retried for a read), and a status is never wrapped.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { Client, DecodeError, OutcomeUnknownError, TransportError, limits } from "@andopen/sdk";

const KEY = "ao-v1-staging-tr4nsp0rt";
const GIFT = "4fb4cb3f-9666-43b5-8884-7f5194483d1a";
const REQUEST_ID = "0f1e2d3c-4b5a-4697-8877-665544332211";
const payload = { campaign_id: "a1b2c3d4-e5f6-7890-abcd-ef1234567890", recipient: { first_name: "Alice", last_name: "Smith" } };
const gift = JSON.stringify({ id: GIFT, status: "submitted", campaign_id: null, redemption_url: null, recipient: { id: GIFT, first_name: "Alice", last_name: "Smith", email: null }, shipping_address: null, line_items: null, created_at: "2026-05-01T12:00:00.000Z", updated_at: "2026-05-01T12:00:00.000Z" });
const { maxResponseBytes } = limits();

/** What the server does for the next requests, in order; it records the bytes each answer got out. */
const behaviours = [];
const sent = [];
let server;
let base;

before(async () => {
  server = createServer((req, res) => {
    req.resume();
    const behave = behaviours.shift() ?? ((_, r) => r.writeHead(500).end());
    behave(req, res);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

function client(extra = {}) {
  return new Client({ apiKey: KEY, baseUrl: base, sleep: async () => {}, jitterSeed: 1, ...extra });
}

/** Writes `chunk` every `everyMs` until the client goes away; records how many bytes went out. */
function endless(status, chunk, everyMs) {
  return (_, res) => {
    const record = { bytes: 0, closed: false };
    sent.push(record);
    res.writeHead(status, { "Content-Type": "application/json", "Request-Id": REQUEST_ID });
    const tick = () => {
      if (res.destroyed || record.closed) return;
      const ok = res.write(chunk);
      record.bytes += chunk.length;
      if (everyMs > 0) setTimeout(tick, everyMs);
      else if (ok) setImmediate(tick);
      else res.once("drain", tick);
    };
    res.on("close", () => (record.closed = true));
    tick();
  };
}

test("an endless body is read to MAX_RESPONSE_BYTES + 1 and cancelled: a read fails to decode", { timeout: 15_000 }, async () => {
  behaviours.push(endless(200, Buffer.alloc(64 * 1024, 0x20), 0));
  const started = Date.now();
  await assert.rejects(client().getGiftRequest(GIFT), (e) => e instanceof DecodeError && e.status === 200 && /MAX_RESPONSE_BYTES/.test(e.message));
  assert.ok(Date.now() - started < 10_000);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const record = sent.at(-1);
  assert.ok(record.closed, "the connection was given up");
  assert.ok(record.bytes < maxResponseBytes * 4, `the server got ${record.bytes} bytes out before the client stopped reading`);
});

test("an endless 201 is outcome unknown, with its request id, sent once", { timeout: 15_000 }, async () => {
  behaviours.push(endless(201, Buffer.alloc(64 * 1024, 0x20), 0));
  await assert.rejects(client().createGiftRequest(payload), (e) => e instanceof OutcomeUnknownError && e.status === 201 && e.requestId === REQUEST_ID);
  assert.equal(behaviours.length, 0);
});

test("the timeout bounds a trickling body: a create is outcome unknown, a read is retried then fails", { timeout: 15_000 }, async () => {
  behaviours.push(endless(201, Buffer.from(" "), 50));
  let started = Date.now();
  await assert.rejects(client({ timeoutMs: 400 }).createGiftRequest(payload), OutcomeUnknownError);
  assert.ok(Date.now() - started < 3_000, `the create took ${Date.now() - started} ms`);
  behaviours.push(endless(200, Buffer.from(" "), 50), endless(200, Buffer.from(" "), 50));
  started = Date.now();
  await assert.rejects(client({ timeoutMs: 400, retry: { maxAttempts: 2 } }).getGiftRequest(GIFT), (e) => e instanceof TransportError && e.attempts === 2);
  assert.ok(Date.now() - started < 4_000, `the read took ${Date.now() - started} ms`);
});

test("a body cut by the connection after the status: a create is outcome unknown, a read is sent again", { timeout: 15_000 }, async () => {
  const cut = (status) => (_, res) => {
    res.writeHead(status, { "Content-Type": "application/json", "Content-Length": String(gift.length), "Request-Id": REQUEST_ID });
    res.write(gift.slice(0, 20));
    setTimeout(() => res.destroy(), 20);
  };
  behaviours.push(cut(201));
  await assert.rejects(client().createGiftRequest(payload), OutcomeUnknownError);
  behaviours.push(cut(200), (_, res) => res.writeHead(200, { "Content-Type": "application/json", "Request-Id": REQUEST_ID }).end(gift));
  const read = await client().getGiftRequest(GIFT);
  assert.equal(read.id, GIFT);
  assert.equal(behaviours.length, 0, "sent twice");
});

test("a 201 whose whole body cannot be read is outcome unknown, never failed", { timeout: 15_000 }, async () => {
  behaviours.push((_, res) => res.writeHead(201, { "Request-Id": REQUEST_ID }).end("<html>created</html>"));
  await assert.rejects(client().createGiftRequest(payload), (e) => e instanceof OutcomeUnknownError && e.status === 201 && e.requestId === REQUEST_ID);
});

test("the timeout holds with a fetch that ignores its signal, before and after the status", { timeout: 15_000 }, async () => {
  const never = new Promise(() => {});
  let started = Date.now();
  await assert.rejects(client({ timeoutMs: 200, fetch: () => never }).createGiftRequest(payload), OutcomeUnknownError);
  assert.ok(Date.now() - started < 2_000);
  const stalled = async () => new Response(new ReadableStream({ pull: () => never }), { status: 201 });
  started = Date.now();
  await assert.rejects(client({ timeoutMs: 200, fetch: stalled }).createGiftRequest(payload), OutcomeUnknownError);
  assert.ok(Date.now() - started < 2_000);
});

test("a fetch's stream is pulled no further than MAX_RESPONSE_BYTES + 1 bytes", { timeout: 15_000 }, async () => {
  let pulled = 0;
  let cancelled = false;
  const chunk = new Uint8Array(1 << 20).fill(0x20);
  const fetch = async () =>
    new Response(
      new ReadableStream({
        pull(controller) {
          pulled += chunk.length;
          controller.enqueue(chunk);
        },
        cancel() {
          cancelled = true;
        },
      }),
      { status: 200 },
    );
  await assert.rejects(client({ fetch }).getGiftRequest(GIFT), DecodeError);
  assert.ok(pulled <= maxResponseBytes + 3 * chunk.length, `${pulled} bytes pulled`);
  assert.ok(cancelled, "the rest was cancelled");
});

test("a status from a fetch outside 100–599 is never wrapped: a create is outcome unknown", { timeout: 15_000 }, async () => {
  for (const status of [0, 65736, 65736 + 201 - 200]) {
    const fetch = async () => ({ status, headers: new Headers({ "Request-Id": REQUEST_ID }), body: null, arrayBuffer: async () => new TextEncoder().encode(gift).buffer });
    await assert.rejects(client({ fetch }).createGiftRequest(payload), OutcomeUnknownError, `status ${status}`);
  }
  const garbage = async () => "not a response";
  await assert.rejects(client({ fetch: garbage }).createGiftRequest(payload), OutcomeUnknownError);
});
