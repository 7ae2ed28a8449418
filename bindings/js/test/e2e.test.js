// End to end: the package's real `Client`, on Node's global `fetch`, against the &Open simulator
// (`tests/mock`, binary `andopen-mock`) started here on a free port. Every step of the gifting flow goes over
// real HTTP: pages of campaigns, choice-mode and direct-send gifts, validation errors from both sides, the
// redemption URL, an injected 429 and 503 waited out, an injected 500 on create reported as outcome unknown
// after exactly one attempt, lost connections, maintenance, a real rate limit (a second simulator), a signed
// webhook received and verified, and the demo run against the same simulator.
//
// The simulator binary comes from `ANDOPEN_MOCK_BIN`, else `target/release/andopen-mock` at the repository
// root (`cargo build --release -p andopen-mock`). A missing binary fails the run: it is never skipped.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFile, execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { createHmac, timingSafeEqual } from "node:crypto";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { Client, ValidationError, ApiError, OutcomeUnknownError } from "@andopen/sdk";
import { WebhookReceiver, GiftHistory, MemoryJournal } from "@andopen/sdk/workflows";

const MOCK_BIN = process.env.ANDOPEN_MOCK_BIN ?? fileURLToPath(new URL("../../../target/release/andopen-mock", import.meta.url));
const DEMO = fileURLToPath(new URL("../examples/demo.mjs", import.meta.url));
const SMOKE = fileURLToPath(new URL("./runtimes/smoke.mjs", import.meta.url));
const SMOKE_CJS = fileURLToPath(new URL("./runtimes/smoke.cjs", import.meta.url));
const PACKAGE = fileURLToPath(new URL("../", import.meta.url));
const KEY = "ao-v1-staging-e2e-js";
const WEBHOOK_SECRET = "whsec_e2e_js_receiver";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let sim; // the simulator every test shares (see startSimulator)
let base; // its address, http://127.0.0.1:PORT
const fixtures = {}; // campaign name -> campaign

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the simulator on a free port and reads its address from its first stdout line. `stop()` closes its
 * stdin (`--exit-on-stdin-eof`), and kills it if it lingers; should this process die first, the closed
 * stdin stops it too.
 */
async function startSimulator(args = []) {
  assert.ok(
    existsSync(MOCK_BIN),
    `the simulator is not built (no ${MOCK_BIN}): run \`cargo build --release -p andopen-mock\` at the repository root, or set ANDOPEN_MOCK_BIN`,
  );
  const child = spawn(MOCK_BIN, ["--port", "0", "--quiet", "--exit-on-stdin-eof", ...args], { stdio: ["pipe", "pipe", "pipe"] });
  const stderr = [];
  const running = () => child.exitCode === null && child.signalCode === null;
  const killOnExit = () => running() && child.kill("SIGKILL");
  process.once("exit", killOnExit);
  createInterface({ input: child.stderr }).on("line", (line) => stderr.push(line));
  const stop = async () => {
    process.off("exit", killOnExit);
    if (!running()) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.stdin.end();
    const timer = setTimeout(() => running() && child.kill("SIGKILL"), 3_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const address = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the simulator printed no address within 10 s")), 10_000);
      child.once("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the simulator exited (${code}) before printing its address: ${stderr.join("\n")}`));
      });
      createInterface({ input: child.stdout }).once("line", (line) => {
        clearTimeout(timer);
        const match = /^andopen-mock listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
        if (match) resolve(match[1]);
        else reject(new Error(`unexpected first line from the simulator: ${line}`));
      });
    });
    return { base: address, stderr, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** A client on the global fetch whose sleeps are recorded and really waited. */
function recordingClient(extra = {}) {
  const slept = [];
  const client = new Client({
    apiKey: KEY,
    baseUrl: base,
    sleep: async (ms) => {
      slept.push(ms);
      await sleep(ms);
    },
    ...extra,
  });
  return { client, slept };
}

/** A control endpoint of the simulator (no token, no version header). */
async function control(method, path, body, at = base) {
  const init = { method };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { "Content-Type": "application/json" };
  }
  const response = await fetch(`${at}${path}`, init);
  const json = await response.json();
  assert.equal(response.status, 200, `${method} ${path}: ${JSON.stringify(json)}`);
  return json;
}

const giftsHeld = async () => (await control("GET", "/_mock/gift_requests")).data;
/** Every API request the simulator has seen, oldest first: `{method, path, status, request_id}`. */
const requestsSeen = async (at = base) => (await control("GET", "/_mock/requests", undefined, at)).data;
const creates = (requests) => requests.filter((r) => r.method === "POST" && r.path === "/gift_requests");

before(async () => {
  sim = await startSimulator(["--seed", "7", "--redemption-delay-ms", "300"]);
  base = sim.base;
});

after(async () => {
  await sim?.stop();
});

test("lists every campaign across pages and finds the fixtures by name", async () => {
  const { client } = recordingClient();
  const pages = [];
  for await (const page of client.listCampaignPages()) pages.push(page);
  assert.deepEqual(
    pages.map((p) => [p.data.length, p.has_more]),
    [
      [25, true],
      [7, false],
    ],
  );
  for (const page of pages) {
    assert.equal(page.lastResponse.status, 200);
    assert.match(page.lastResponse.requestId, UUID);
  }
  const campaigns = [];
  for await (const c of client.listCampaigns()) campaigns.push(c);
  assert.equal(campaigns.length, 32);
  assert.equal(new Set(campaigns.map((c) => c.id)).size, 32, "no campaign twice across the pages");
  assert.deepEqual(
    campaigns.map((c) => c.id),
    pages.flatMap((p) => p.data.map((c) => c.id)),
  );
  const created = campaigns.map((c) => c.created_at);
  assert.deepEqual(created, [...created].sort().reverse(), "newest first");
  for (const c of campaigns) fixtures[c.name] = c;
  assert.equal(fixtures["Welcome box (direct send)"]?.invitation_method, "sender_provided_address");
  assert.ok(fixtures["Welcome box (choice)"], "the choice-mode fixture");
  assert.notEqual(fixtures["Welcome box (choice)"].invitation_method, "sender_provided_address");
  assert.ok(fixtures["VIP thank-you (email required)"], "the email-required fixture");

  const small = [];
  for await (const page of client.listCampaignPages({ limit: 10 })) small.push(page.data.length);
  assert.deepEqual(small, [10, 10, 10, 2]);
});

test("creates a choice-mode gift and waits for its redemption URL", async () => {
  const { client, slept } = recordingClient();
  const campaign = fixtures["Welcome box (choice)"];
  const gift = await client.createGiftRequest({
    campaign_id: campaign.id,
    recipient: { first_name: "Alice", last_name: "Smith", email: "alice@example.com" },
  });
  assert.equal(gift.lastResponse.status, 201);
  assert.match(gift.lastResponse.requestId, UUID);
  assert.match(gift.id, UUID);
  assert.equal(gift.status, "submitted");
  assert.equal(gift.campaign_id, campaign.id);
  assert.equal(gift.recipient.first_name, "Alice");
  assert.equal(gift.shipping_address, null);
  assert.equal(gift.line_items, null, "choice-mode items are locked at redemption");
  assert.equal(gift.redemption_url, null, "the URL comes shortly after creation");

  const ready = await client.waitForRedemptionUrl(gift.id, { intervalMs: 100, timeoutMs: 10_000 });
  assert.equal(ready.id, gift.id);
  assert.match(ready.redemption_url, /^https:\/\//);
  assert.equal(ready.lastResponse.status, 200);
  assert.ok(slept.length >= 1 && slept.every((ms) => ms === 100), `polled every 100 ms until the URL came: ${slept}`);

  const held = (await giftsHeld()).find((g) => g.id === gift.id);
  assert.equal(held?.redemption_url, ready.redemption_url);
});

test("creates a direct-send gift on the direct-send fixture, taking the last unit", async () => {
  const { client } = recordingClient();
  const campaign = fixtures["Welcome box (direct send)"];
  const payload = (sku) => ({
    campaign_id: campaign.id,
    recipient: { first_name: "Bob", last_name: "Byrne" },
    shipping_address: {
      address1: "12 Merrion Square",
      city: "Dublin",
      region: "Leinster",
      postal_code: "D02 XY45",
      country_code: "IE",
      phone: "+353871234567",
    },
    line_items: [{ sku, quantity: 1 }],
  });
  const gift = await client.createGiftRequest(payload("MUG-LTD"));
  assert.equal(gift.lastResponse.status, 201);
  assert.equal(gift.status, "submitted");
  assert.equal(gift.shipping_address.country_code, "IE");
  assert.equal(gift.line_items.length, 1, "direct-send items are locked at creation");
  assert.equal(gift.line_items[0].sku, "MUG-LTD");
  assert.equal(gift.line_items[0].quantity, 1);

  // MUG-LTD had one unit: the same order again is out of stock.
  await assert.rejects(client.createGiftRequest(payload("MUG-LTD")), (e) => {
    assert.ok(e instanceof ApiError, `${e}`);
    assert.equal(e.status, 422);
    assert.equal(e.code, "out_of_stock");
    assert.equal(e.param, "line_items[0]");
    return true;
  });
});

test("a payload the SDK refuses never reaches the server", async () => {
  const { client } = recordingClient();
  const before = (await giftsHeld()).length;
  const requestsBefore = (await requestsSeen()).length;
  await assert.rejects(
    client.createGiftRequest({
      campaign_id: fixtures["Welcome box (direct send)"].id,
      recipient: { first_name: "Carol", last_name: "" },
      shipping_address: { address1: "1 Main St", city: "Dublin", region: "Leinster", postal_code: "D02", country_code: "ie", phone: "+353871234567" },
      line_items: [{ sku: "HOODIE-M-BLK", quantity: 0 }],
    }),
    (e) => {
      assert.ok(e instanceof ValidationError, `${e}`);
      assert.equal(e.status, null, "no response behind it");
      assert.equal(e.requestId, null, "no request behind it");
      assert.deepEqual(e.errors.map((x) => [x.param, x.code]).sort(), [
        ["line_items[0].quantity", "invalid"],
        ["recipient.last_name", "required"],
        ["shipping_address.country_code", "invalid_format"],
      ]);
      for (const x of e.errors) assert.equal(x.type, "validation_error");
      return true;
    },
  );
  assert.equal((await giftsHeld()).length, before, "nothing was created");
  assert.deepEqual((await requestsSeen()).slice(requestsBefore), [], "no API request reached the simulator");
});

test("server-side validation errors carry param, code, status and request id", async () => {
  const { client } = recordingClient();
  const before = (await giftsHeld()).length;
  const direct = fixtures["Welcome box (direct send)"];
  const address = { address1: "12 Merrion Square", city: "Dublin", region: "Leinster", postal_code: "D02 XY45", country_code: "IE", phone: "+353871234567" };
  const recipient = { first_name: "Dara", last_name: "Walsh" };

  const seenIds = [];
  const problems = [
    [{ campaign_id: direct.id, recipient, shipping_address: address, line_items: [{ sku: "TEE-S-WHT", quantity: 1 }] }, 422, "out_of_stock", "line_items[0]"],
    [{ campaign_id: direct.id, recipient, shipping_address: address, line_items: [{ sku: "NO-SUCH-SKU", quantity: 1 }] }, 422, "invalid_reference", "line_items[0].sku"],
    [{ campaign_id: fixtures["VIP thank-you (email required)"].id, recipient }, 422, "required", "recipient.email"],
  ];
  for (const [payload, status, code, param] of problems) {
    await assert.rejects(client.createGiftRequest(payload), (e) => {
      assert.ok(e instanceof ApiError, `${e}`);
      assert.equal(e.kind, "api");
      assert.equal(e.type, "validation_error");
      assert.equal(e.status, status);
      assert.equal(e.code, code);
      assert.equal(e.param, param);
      assert.match(e.requestId, UUID);
      seenIds.push([e.requestId, status]);
      assert.deepEqual(
        e.errors.map((x) => [x.param, x.code]),
        [[param, code]],
      );
      assert.ok(e.errors[0].message.length > 0);
      return true;
    });
  }
  assert.equal((await giftsHeld()).length, before, "nothing was created");
  const seen = await requestsSeen();
  for (const [id, status] of seenIds) {
    assert.ok(seen.some((r) => r.request_id === id && r.status === status && r.path === "/gift_requests"), `the simulator answered ${id}`);
  }

  // A read of an unknown id: a 404 with the server's request id.
  await assert.rejects(client.getGiftRequest("00000000-0000-4000-8000-000000000000"), (e) => e instanceof ApiError && e.status === 404 && e.type === "not_found_error" && UUID.test(e.requestId));
});

test("comes through an injected 429 and 503, waiting Retry-After each time", async () => {
  const { client, slept } = recordingClient();
  const before = (await giftsHeld()).length;
  await control("POST", "/_mock/faults", [
    { method: "POST", path: "/gift_requests", status: 429, retry_after: 1 },
    { method: "POST", path: "/gift_requests", status: 503, retry_after: 1 },
  ]);
  const logFrom = (await requestsSeen()).length;
  const started = Date.now();
  const gift = await client.createGiftRequest({
    campaign_id: fixtures["Welcome box (choice)"].id,
    recipient: { first_name: "Eve", last_name: "Nolan" },
  });
  const elapsed = Date.now() - started;
  assert.equal(gift.lastResponse.status, 201);
  assert.deepEqual(slept, [1000, 1000], "Retry-After: 1, twice");
  assert.ok(elapsed >= 2000, `really waited (${elapsed} ms)`);
  assert.deepEqual(
    creates((await requestsSeen()).slice(logFrom)).map((r) => r.status),
    [429, 503, 201],
  );
  assert.equal((await giftsHeld()).length, before + 1, "exactly one gift");

  // Reads too: a 503 on a page of campaigns is waited out.
  const reads = recordingClient();
  await control("POST", "/_mock/faults", { method: "GET", path: "/campaigns", status: 503, retry_after: 1 });
  let count = 0;
  for await (const _ of reads.client.listCampaigns()) count += 1;
  assert.equal(count, 32);
  assert.deepEqual(reads.slept, [1000]);
});

test("a 500 after the create landed is outcome unknown, with the request id, and is never sent again", async () => {
  const { client, slept } = recordingClient();
  const before = await giftsHeld();
  await control("POST", "/_mock/faults", { method: "POST", path: "/gift_requests", status: 500, after_processing: true });
  const logFrom = (await requestsSeen()).length;
  let requestId;
  await assert.rejects(
    client.createGiftRequest({
      campaign_id: fixtures["Welcome box (choice)"].id,
      recipient: { first_name: "Fiona", last_name: "Kelly", email: "fiona@example.com" },
    }),
    (e) => {
      assert.ok(e instanceof OutcomeUnknownError, `${e}`);
      assert.equal(e.kind, "outcome_unknown");
      assert.equal(e.status, 500);
      assert.match(e.requestId, UUID);
      requestId = e.requestId;
      return true;
    },
  );
  assert.deepEqual(slept, [], "no wait: there is no retry");
  assert.deepEqual(
    creates((await requestsSeen()).slice(logFrom)).map((r) => [r.status, r.request_id]),
    [[500, requestId]],
    "the simulator saw exactly one create",
  );
  const after = await giftsHeld();
  assert.equal(after.length, before.length + 1, "the create did land: the caller must reconcile");
  assert.equal(after.at(-1).recipient.first_name, "Fiona");
});

test("a connection lost after a create is outcome unknown; a lost read is retried; maintenance is waited out", async () => {
  const { client, slept } = recordingClient();
  const choice = fixtures["Welcome box (choice)"];
  const before = (await giftsHeld()).length;

  await control("POST", "/_mock/faults", { method: "POST", path: "/gift_requests", drop: true, after_processing: true });
  let from = (await requestsSeen()).length;
  await assert.rejects(client.createGiftRequest({ campaign_id: choice.id, recipient: { first_name: "Hugh", last_name: "Ryan" } }), (e) => {
    assert.ok(e instanceof OutcomeUnknownError, `${e}`);
    assert.equal(e.status, null, "no response came");
    return true;
  });
  assert.deepEqual(
    creates((await requestsSeen()).slice(from)).map((r) => r.status),
    [null],
    "one create, dropped, never sent again (neither by the SDK nor by fetch)",
  );
  assert.equal((await giftsHeld()).length, before + 1, "it had landed");
  assert.deepEqual(slept, []);

  // A read that loses its connection is sent again after a backoff.
  await control("POST", "/_mock/faults", { method: "GET", path: "/gift_requests/", drop: true });
  from = (await requestsSeen()).length;
  const held = (await giftsHeld()).at(-1);
  const read = await client.getGiftRequest(held.id);
  assert.equal(read.id, held.id);
  assert.deepEqual(
    (await requestsSeen()).slice(from).map((r) => r.status),
    [null, 200],
  );
  assert.equal(slept.length, 1);
  assert.ok(slept[0] > 0 && slept[0] <= 500, `one backoff from 0.5 s, jittered: ${slept[0]} ms`);

  // Maintenance: every request answers 503 until it is switched off (here, while the client waits).
  await control("POST", "/_mock/maintenance", { on: true, retry_after: 1 });
  const waits = [];
  const patient = new Client({
    apiKey: KEY,
    baseUrl: base,
    sleep: async (ms) => {
      waits.push(ms);
      if (waits.length === 2) await control("POST", "/_mock/maintenance", { on: false });
      await sleep(ms);
    },
  });
  from = (await requestsSeen()).length;
  const campaign = await patient.getCampaign(choice.id);
  assert.equal(campaign.name, "Welcome box (choice)");
  assert.deepEqual(waits, [1000, 1000]);
  assert.deepEqual(
    (await requestsSeen()).slice(from).map((r) => r.status),
    [503, 503, 200],
  );
});

test("a real rate limit: the client waits for the window to reset", async () => {
  const limited = await startSimulator(["--rate-limit", "3", "--rate-window-seconds", "1"]);
  try {
    const slept = [];
    const client = new Client({
      apiKey: KEY,
      baseUrl: limited.base,
      sleep: async (ms) => {
        slept.push(ms);
        await sleep(ms);
      },
    });
    const ids = [];
    // Eight pages in quick succession: at most three fit in a window, so even across a window's end (3 + 3)
    // at least one request is refused.
    for await (const page of client.listCampaignPages({ limit: 4 })) ids.push(...page.data.map((c) => c.id));
    assert.equal(ids.length, 32);
    assert.equal(new Set(ids).size, 32);
    const seen = await requestsSeen(limited.base);
    assert.equal(seen.filter((r) => r.status === 200).length, 8, "eight pages of 4");
    assert.ok(seen.some((r) => r.status === 429), "a request over the limit is refused");
    assert.equal(slept.length, seen.filter((r) => r.status === 429).length, "one wait per refusal");
    for (const ms of slept) assert.ok(ms > 0 && ms <= 1000, `Retry-After is at most the 1 s window: ${ms} ms`);
  } finally {
    await limited.stop();
  }
});

test("receives a signed webhook and verifies it as a receiver would", async () => {
  const deliveries = [];
  let first = true;
  let resolveTwo;
  const two = new Promise((resolve) => (resolveTwo = resolve));
  const receiver = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      deliveries.push({ headers: req.headers, body: Buffer.concat(chunks), method: req.method, url: req.url });
      // The first delivery fails: the simulator must try again with the same event id.
      res.writeHead(first ? 500 : 204).end();
      first = false;
      if (deliveries.length >= 2) resolveTwo();
    });
  });
  await new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  try {
    const url = `http://127.0.0.1:${receiver.address().port}/hooks/andopen`;
    await control("POST", "/_mock/webhooks", { url, secret: WEBHOOK_SECRET });
    const { client } = recordingClient();
    const gift = await client.createGiftRequest({
      campaign_id: fixtures["Welcome box (choice)"].id,
      recipient: { first_name: "Gina", last_name: "Doyle" },
    });
    let timer;
    const late = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`two deliveries expected within 10 s, got ${deliveries.length}`)), 10_000);
    });
    await Promise.race([two, late]).finally(() => clearTimeout(timer));

    const nowS = Math.floor(Date.now() / 1000);
    for (const d of deliveries) {
      assert.equal(d.method, "POST");
      assert.equal(d.url, "/hooks/andopen");
      assert.equal(d.headers["content-type"], "application/json");
      assert.equal(d.headers["andopen-webhook-event-type"], "gift_request_created");
      assert.equal(d.headers["andopen-webhook-api-version"], "2026-05");
      assert.match(d.headers["andopen-webhook-event-id"], UUID);
      const timestamp = d.headers["andopen-webhook-dispatch-timestamp"];
      assert.ok(Math.abs(nowS - Number(timestamp)) <= 300, `fresh timestamp ${timestamp}`);
      assert.ok(verify(WEBHOOK_SECRET, timestamp, d.body, d.headers["andopen-webhook-signature"]), "the signature verifies");
      const body = JSON.parse(d.body.toString("utf8"));
      assert.equal(body.id, gift.id);
      assert.equal(body.status, "submitted");
    }
    assert.equal(deliveries[0].headers["andopen-webhook-event-id"], deliveries[1].headers["andopen-webhook-event-id"], "the same event, tried again");

    // What the check rejects: another secret, a changed body, a changed timestamp.
    const d = deliveries[1];
    const signature = d.headers["andopen-webhook-signature"];
    const timestamp = d.headers["andopen-webhook-dispatch-timestamp"];
    assert.ok(!verify("whsec_andopen_mock", timestamp, d.body, signature));
    assert.ok(!verify(WEBHOOK_SECRET, timestamp, Buffer.from(d.body.toString("utf8").replace("Gina", "Gino")), signature));
    assert.ok(!verify(WEBHOOK_SECRET, String(Number(timestamp) + 1), d.body, signature));

    // The simulator's own log of the attempts (it writes an attempt once it has read the receiver's answer).
    let log = [];
    for (let i = 0; i < 100 && log.length < 2; i++) {
      if (i > 0) await sleep(20);
      log = (await control("GET", "/_mock/webhooks")).data.filter((a) => a.url === url);
    }
    assert.deepEqual(
      log.map((a) => [a.attempt, a.status, a.delivered]),
      [
        [1, 500, false],
        [2, 204, true],
      ],
    );

    // A status change raises its own event.
    await control("POST", `/_mock/gift_requests/${gift.id}/advance`, {});
    const redeemed = await client.waitForStatus(gift.id, "redeemed", { intervalMs: 100, timeoutMs: 5_000 });
    assert.equal(redeemed.status, "redeemed");
    for (let i = 0; i < 100 && deliveries.length < 3; i++) await sleep(50);
    assert.equal(deliveries.length, 3);
    const third = deliveries[2];
    assert.equal(third.headers["andopen-webhook-event-type"], "gift_request_redeemed");
    assert.notEqual(third.headers["andopen-webhook-event-id"], d.headers["andopen-webhook-event-id"]);
    assert.ok(verify(WEBHOOK_SECRET, third.headers["andopen-webhook-dispatch-timestamp"], third.body, third.headers["andopen-webhook-signature"]));
    assert.equal(JSON.parse(third.body.toString("utf8")).status, "redeemed");
  } finally {
    receiver.close();
    receiver.closeAllConnections();
  }
});

test("a batch through queued faults, its gifts' webhooks received, verified and folded into a history", async () => {
  const campaign = fixtures["Welcome box (choice)"].id;
  const receiver = new WebhookReceiver(WEBHOOK_SECRET);
  const history = new GiftHistory();
  const outcomes = [];
  let failOnce = true;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      try {
        const delivery = receiver.receive(req.headers, Buffer.concat(chunks));
        if (!delivery.duplicate && failOnce) {
          // Could not act on it: forget it and ask for a retry, which must then be accepted.
          failOnce = false;
          receiver.forget(delivery.eventId);
          outcomes.push("retry");
          return res.writeHead(500).end();
        }
        if (!delivery.duplicate) history.recordDelivery(delivery);
        outcomes.push(delivery.duplicate ? "duplicate" : delivery.eventType);
        res.writeHead(204).end();
      } catch (e) {
        outcomes.push(e.code ?? String(e));
        res.writeHead(400).end();
      }
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await control("POST", "/_mock/webhooks", { url: `http://127.0.0.1:${server.address().port}/hooks`, secret: WEBHOOK_SECRET });
    await control("POST", "/_mock/faults", [
      { method: "POST", path: "/gift_requests", status: 429, retry_after: 1 },
      { method: "POST", path: "/gift_requests", status: 500, after_processing: true },
      { method: "POST", path: "/gift_requests", status: 503, retry_after: 1 },
    ]);
    const logFrom = (await requestsSeen()).length;
    const { client } = recordingClient();
    const stamp = Date.now();
    const rows = ["Hana", "Ivo", "Jan", "Kim"].map((name, i) => ({
      row_key: `e2e-${stamp}-${i}`,
      recipient: { first_name: name, last_name: "Batch", email: `${name.toLowerCase()}.${stamp}@example.com` },
    }));
    rows.push({ row_key: "dup", recipient: { ...rows[0].recipient } });
    const journal = new MemoryJournal();
    const progress = [];
    const result = await client.sendBatch(rows, { campaignId: campaign, journal, onProgress: (p) => progress.push(p.finished) });
    assert.deepEqual(result.rows.map((r) => r.outcome), ["outcome_unknown", "sent", "sent", "sent", "skipped"]);
    assert.match(result.rows[0].requestId, UUID);
    for (const r of result.rows.slice(1, 4)) assert.match(r.redemptionUrl, /^https?:\/\//);
    assert.equal(progress.at(-1), 5);
    const sentCreates = creates((await requestsSeen()).slice(logFrom));
    // 429 and 503 are retried (nothing was created); the 500 after processing is not.
    assert.deepEqual(sentCreates.map((r) => r.status), [429, 500, 503, 201, 201, 201]);

    // Resumed: nothing is sent again.
    const again = await client.sendBatch(rows, { campaignId: campaign, journal });
    assert.ok(again.rows.every((r) => r.fromJournal || r.outcome === "skipped"));
    assert.equal(creates((await requestsSeen()).slice(logFrom)).length, 6);

    // Every gift that exists on the simulator (the 500's included) announces itself once, verified.
    const ids = new Set((await giftsHeld()).filter((g) => g.recipient.last_name === "Batch" && g.recipient.email.includes(String(stamp))).map((g) => g.id));
    assert.equal(ids.size, 4, "four gifts, none twice");
    const deadline = Date.now() + 15_000;
    while ([...ids].some((id) => history.timeline(id) === undefined) && Date.now() < deadline) await sleep(100);
    for (const id of ids) assert.ok(history.timeline(id), `a webhook for ${id}`);
    assert.ok(outcomes.includes("retry"), "the delivery answered 500 came again and was accepted");
    // Every delivery was verified and taken, refused for a retry on purpose, or known as a repeat: nothing else.
    assert.ok(outcomes.every((o) => o === "retry" || o === "duplicate" || /^gift_request_(created|redeemed|dispatched|delivered|cancelled)$/.test(o)), outcomes.join());
    const hana = { first_name: "Hana", last_name: "Batch", email: rows[0].recipient.email };
    assert.equal(history.eligibility(hana, { days: 30 }).eligible, false, "the gift whose create answered 500 is known from its webhook");
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test("the demo runs the flow against the same simulator", async () => {
  const { code, stdout, stderr } = await new Promise((resolve) => {
    execFile(process.execPath, [DEMO], { env: { ...process.env, ANDOPEN_BASE_URL: base }, timeout: 20_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code ?? error.signal) : 0, stdout, stderr }),
    );
  });
  assert.equal(code, 0, `the demo failed:\n${stdout}\n${stderr}`);
  assert.match(stdout, /32 campaigns on 2 pages \(25 \+ 7\)/);
  assert.match(stdout, /redemption +https:\/\//);
  assert.match(stdout, /recipient\.last_name/);
  assert.match(stdout, /out_of_stock/);
  assert.match(stdout, /503/);
});

/** The receiver's check (core/src/webhook.rs): HMAC-SHA256 of `{timestamp}.{raw body}`, hex, compared in constant time. */
function verify(secret, timestamp, rawBody, signature) {
  if (typeof signature !== "string" || !/^[0-9a-fA-F]{64}$/.test(signature)) return false;
  const expected = createHmac("sha256", Buffer.from(secret, "utf8")).update(`${timestamp}.`).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(signature, "hex"));
}

/** Node.js 18 (the oldest the package supports), installed under target/ from npm by ensure-node18.sh. */
function node18() {
  const script = fileURLToPath(new URL("./runtimes/ensure-node18.sh", import.meta.url));
  return new Promise((resolve, reject) =>
    execFile(script, { timeout: 300_000 }, (error, out, err) => (error ? reject(new Error(`Node.js 18 could not be installed: ${err || error.message}`)) : resolve(out.trim().split("\n").at(-1)))),
  );
}

// Bun and Deno (pinned devDependencies, from npm): the same package, imported by name, in their runtimes;
// Node.js 18 with the ES module smoke test and its CommonJS twin.
for (const [runtime, args, binary] of [
  ["bun", [SMOKE]],
  ["deno", ["run", "--allow-read", "--allow-env", "--allow-net", SMOKE]],
  ["Node.js 18 (ES modules)", [SMOKE], node18],
  ["Node.js 18 (CommonJS)", [SMOKE_CJS], node18],
]) {
  test(`${runtime} validates with both entries and calls the simulator`, async () => {
    const bin = binary ? await binary() : fileURLToPath(new URL(`../node_modules/.bin/${runtime}`, import.meta.url));
    assert.ok(existsSync(bin), `${runtime} is not installed (npm ci installs it)`);
    if (binary) assert.match(execFileSync(bin, ["--version"], { encoding: "utf8" }), /^v18\./);
    const env = { ...process.env, ANDOPEN_SMOKE_BASE_URL: base, ANDOPEN_API_KEY: KEY, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
    const { stdout } = await new Promise((resolve, reject) =>
      execFile(bin, args, { cwd: PACKAGE, env, timeout: 60_000 }, (error, out, err) => (error ? reject(new Error(`${runtime} failed: ${err || error.message}`)) : resolve({ stdout: out }))),
    );
    const seen = JSON.parse(stdout.trim().split("\n").at(-1));
    assert.deepEqual([...seen.full].sort(), ["campaign_id", "recipient.last_name"]);
    assert.deepEqual(seen.validateOnly, seen.full, "the validation-only entry answers alike");
    assert.ok(seen.campaigns >= 3, `${seen.campaigns} campaigns`);
    assert.deepEqual(seen.created, { status: 201, giftStatus: "submitted" });
    assert.equal(seen.readBack, true);
  });
}
