// The workflows of `@andopen/sdk/workflows`: webhooks received, the gift history and eligibility, and batch
// send over a scripted fetch (one result per row, a journal that resumes without sending twice, a 500 on
// create as outcome unknown).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Client, AndOpenError, ConfigError, ValidationError } from "@andopen/sdk";
import { WebhookReceiver, WebhookRefusedError, webhookSignature, GiftHistory, MemoryJournal } from "@andopen/sdk/workflows";

const KEY = "ao-v1-staging-t3st";
const SECRET = "whsec_test";
const CAMPAIGN = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
const GIFT = "4fb4cb3f-9666-43b5-8884-7f5194483d1a";
const EVENT = "0b6f1c1e-2d5a-4c4e-9a57-3f1f3c2a9d10";
const NOW = 1_776_335_400_000;

const gift = (overrides = {}) => ({
  id: GIFT,
  status: "submitted",
  campaign_id: CAMPAIGN,
  redemption_url: null,
  recipient: { id: null, first_name: "Ann", last_name: "Smith", email: "ann@example.com" },
  shipping_address: null,
  line_items: null,
  created_at: "2026-04-16T10:30:00.000Z",
  updated_at: "2026-04-16T10:30:00.000Z",
  ...overrides,
});

function signed(body, options = {}) {
  return signedWith(SECRET, body, options);
}

function signedWith(secret, body, { event = EVENT, type = "gift_request_created", at = NOW / 1000 } = {}) {
  return {
    "andopen-webhook-signature": webhookSignature(secret, at, body),
    "andopen-webhook-dispatch-timestamp": String(at),
    "andopen-webhook-event-id": event,
    "andopen-webhook-event-type": type,
    "andopen-webhook-api-version": "2026-05",
    "content-type": "application/json",
  };
}

test("a webhook is accepted once, then seen as a duplicate", () => {
  const receiver = new WebhookReceiver(SECRET);
  const body = JSON.stringify(gift());
  const first = receiver.receive(signed(body), Buffer.from(body), NOW + 1000);
  assert.equal(first.eventId, EVENT);
  assert.equal(first.eventType, "gift_request_created");
  assert.equal(first.dispatchedAt, "2026-04-16T10:30:00.000Z");
  assert.equal(first.apiVersion, "2026-05");
  assert.equal(first.duplicate, false);
  assert.equal(first.giftRequest.id, GIFT);
  assert.equal(new TextDecoder().decode(first.body), body);
  assert.equal(receiver.receive(new Headers(signed(body)), body, NOW).duplicate, true, "a fetch Headers and a string body work too");
  assert.equal(receiver.forget(EVENT), true);
  assert.equal(receiver.receive(Object.entries(signed(body)), body, NOW).duplicate, false, "forgotten, so new again");
});

test("a webhook's gift request with a status this SDK does not know is \"unknown\", its text kept, its body unchanged", () => {
  const receiver = new WebhookReceiver(SECRET);
  const body = JSON.stringify(gift({ status: "in_customs" }));
  const delivery = receiver.receive(signed(body), body, NOW);
  assert.equal(delivery.giftRequest.status, "unknown");
  assert.equal(delivery.giftRequest.unknown_status, "in_customs");
  assert.equal(new TextDecoder().decode(delivery.body), body);
  const known = receiver.receive(signed(JSON.stringify(gift()), { event: "11111111-1111-4111-8111-111111111111" }), JSON.stringify(gift()), NOW);
  assert.equal(known.giftRequest.status, "submitted");
  assert.equal("unknown_status" in known.giftRequest, false);
});

test("forged, tampered and replayed webhooks are refused with their code", () => {
  const receiver = new WebhookReceiver(SECRET, { toleranceSeconds: 60 });
  const body = JSON.stringify(gift());
  const refused = (headers, raw, now = NOW) => {
    try {
      receiver.receive(headers, raw, now);
    } catch (e) {
      assert.ok(e instanceof WebhookRefusedError && e instanceof AndOpenError, String(e));
      assert.equal(e.kind, "webhook_refused");
      return e.code;
    }
    assert.fail("accepted");
  };
  const forged = { ...signed(body), "andopen-webhook-signature": webhookSignature("whsec_other", NOW / 1000, body) };
  assert.equal(refused(forged, body), "invalid_signature");
  assert.equal(refused(signed(body), body.replace("Ann", "Anne")), "invalid_signature", "tampered");
  assert.equal(refused(signed(body), JSON.stringify(JSON.parse(body), null, 1)), "invalid_signature", "re-serialised");
  assert.equal(refused(signed(body), body, NOW + 61_000), "outside_tolerance", "replayed later");
  const { "andopen-webhook-signature": _, ...unsigned } = signed(body);
  assert.equal(refused(unsigned, body), "missing_header");
  assert.equal(refused(signed("not json"), "not json"), "invalid_body");
  assert.throws(() => new WebhookReceiver(SECRET, { toleranceSeconds: -1 }), (e) => e instanceof ValidationError && e.param === "toleranceSeconds");
  assert.equal(webhookSignature(SECRET, "1776335400", '{"id":1}'), "087f012b745d49be282a10be145546c1ff7d43701847491d414f1b61586d46df");
});

test("the gift history folds deliveries into timelines, eligibility and CRM fields", () => {
  const history = new GiftHistory();
  const receiver = new WebhookReceiver(SECRET);
  const ann = { first_name: "Ann", last_name: "Smith", email: " ANN@example.com " };
  const redeemed = JSON.stringify(gift({ status: "redeemed", updated_at: "2026-04-18T09:00:00.000Z", line_items: [{ variant_id: null, sku: "MUG-1", quantity: 2 }] }));
  const created = JSON.stringify(gift());
  // Out of order: the redemption arrives before the creation.
  assert.equal(history.recordDelivery(receiver.receive(signed(redeemed, { event: "11111111-1111-4111-8111-111111111111", type: "gift_request_redeemed" }), redeemed, NOW)), "new_gift");
  assert.equal(history.recordDelivery(receiver.receive(signed(created), created, NOW)), "updated");
  const timeline = history.timeline(GIFT);
  assert.equal(timeline.status, "redeemed");
  assert.equal(timeline.sentAt, "2026-04-16T10:30:00.000Z");
  assert.equal(timeline.redeemedAt, "2026-04-18T09:00:00.000Z");
  assert.equal(timeline.recipient, "email:ann@example.com");
  assert.equal(history.timeline("11111111-1111-4111-8111-000000000000"), undefined);
  assert.equal(history.size, 1);
  assert.equal(history.giftsFor(ann).length, 1);

  const now = Date.parse("2026-05-01T00:00:00.000Z");
  const skip = history.eligibility(ann, { days: 30 }, now);
  assert.equal(skip.eligible, false);
  assert.equal(skip.giftRequestId, GIFT);
  assert.match(skip.reason, /2026-04-16.*30 days/);
  assert.deepEqual(history.eligibility(ann, { days: 10 }, now), { eligible: true });
  assert.equal(history.eligibility(ann, "forever", now).eligible, false);
  assert.deepEqual(history.eligibility({ first_name: "Bob", last_name: "Jones" }, "forever", now), { eligible: true });
  assert.throws(() => history.eligibility(ann, { weeks: 2 }, now), (e) => e instanceof ValidationError && e.param === "lookBack.days");

  assert.equal(history.memberStatus(ann, CAMPAIGN), "Completed");
  assert.equal(history.memberStatus(ann, "9d1c7a52-3c1e-4d8e-8f57-1f0f6b2c4a11"), "Pending");
  history.setPrices([{ id: CAMPAIGN, name: "Welcome", products: [{ id: null, name: "Mug", variants: [{ id: null, sku: "MUG-1", name: "Blue", price: { amount: 2500, currency: "EUR" }, stock_levels: [] }] }] }]);
  const summary = history.recipientSummary(ann);
  assert.equal(summary.giftCount, 1);
  assert.deepEqual(summary.lastGiftValue, { amount: 5000, currency: "EUR" });
  assert.deepEqual(summary.lifetimeValue, [{ amount: 5000, currency: "EUR" }]);
  assert.equal(summary.unpricedGifts, 0);

  history.recordGift(gift({ status: "cancelled", updated_at: "2026-04-20T00:00:00.000Z" }));
  assert.equal(history.memberStatus(ann, CAMPAIGN), "Cancelled");
  assert.deepEqual(history.eligibility(ann, "forever", now), { eligible: true }, "a cancelled gift does not count");
});

// ---- batch send ----

let created = 0;
/** A fetch scripted per request: `POST /gift_requests` answers from `creates`, polls answer with a link. */
function server(creates = []) {
  const sent = [];
  const fetch = async (url, init) => {
    sent.push({ url, method: init.method, body: init.body ?? null });
    const headers = { "Request-Id": `req_${sent.length}`, "Content-Type": "application/json" };
    if (init.method === "POST") {
      const next = creates.shift() ?? { status: 201 };
      if (next.status !== 201) return new Response(JSON.stringify(next.body ?? { errors: [] }), { status: next.status, headers });
      const body = JSON.parse(init.body);
      const id = `4fb4cb3f-9666-43b5-8884-${String(++created).padStart(12, "0")}`;
      return new Response(JSON.stringify(gift({ id, recipient: { id: null, ...body.recipient } })), { status: 201, headers });
    }
    const id = url.split("/").pop();
    return new Response(JSON.stringify(gift({ id, redemption_url: `https://gift.test/r/${id}` })), { status: 200, headers });
  };
  return { fetch, sent, creates: () => sent.filter((r) => r.method === "POST") };
}

/** A client on a fake clock that moves only when the run sleeps. */
function client(fetch) {
  let now = NOW;
  return new Client({ apiKey: KEY, fetch, sleep: async (ms) => void (now += ms), now: () => now });
}
const row = (key, first, email) => ({ row_key: key, recipient: { first_name: first, last_name: "Smith", email } });

test("a batch gives one result per row: sent, skipped, failed", async () => {
  const { fetch, creates } = server();
  const history = new GiftHistory();
  history.recordGift(gift({ recipient: { id: null, first_name: "Ann", last_name: "Smith", email: "ann@example.com" }, created_at: "2026-04-10T00:00:00.000Z" }));
  const seen = [];
  const result = await client(fetch).sendBatch(
    [row("r1", "Bea", "bea@example.com"), row("r2", "Bea", "BEA@example.com"), row("r3", "Ann", "ann@example.com"), row("r4", "", "cy@example.com"), row("r5", "Dan", "dan@example.com")],
    { campaignId: CAMPAIGN, history, lookBackDays: 30, onProgress: (p) => seen.push(p.finished) },
  );
  assert.deepEqual(result.rows.map((r) => [r.rowKey, r.outcome]), [["r1", "sent"], ["r2", "skipped"], ["r3", "skipped"], ["r4", "failed"], ["r5", "sent"]]);
  const [r1, r2, r3, r4] = result.rows;
  assert.match(r1.redemptionUrl, /^https:\/\/gift\.test\/r\//, "waited for the link");
  assert.equal(r1.requestId, "req_1");
  assert.equal(r2.sameAsRow, "r1");
  assert.equal(r3.previousGiftRequestId, GIFT);
  assert.ok(r4.error instanceof ValidationError);
  assert.equal(r4.error.param, "recipient.first_name");
  assert.equal(creates().length, 2);
  assert.deepEqual(result.progress, { total: 5, finished: 5, sent: 2, skipped: 2, failed: 1, unknown: 0 });
  assert.equal(seen.at(-1), 5);
  assert.match(result.csv, /^row_key,outcome,gift_request_id,redemption_url/);
  assert.equal(result.csv.trim().split("\n").length, 6);
});

test("a run stopped mid-way resumes from its journal without sending any row twice", async () => {
  const rows = [1, 2, 3, 4].map((n) => row(`r${n}`, `P${n}`, `p${n}@example.com`));
  const journal = new MemoryJournal();
  // The host dies while storing the third line (the second row's "sending"): that row is never sent.
  let appended = 0;
  const dying = { read: () => journal.read(), append: (line) => { if (++appended === 3) throw new Error("killed"); journal.append(line); } };
  const first = server();
  await assert.rejects(client(first.fetch).sendBatch(rows, { campaignId: CAMPAIGN, journal: dying, waitForRedemptionUrl: false }), /killed/);
  assert.equal(first.creates().length, 1);

  const second = server();
  const resumed = await client(second.fetch).sendBatch(rows, { campaignId: CAMPAIGN, journal, waitForRedemptionUrl: false });
  assert.deepEqual(resumed.rows.map((r) => [r.rowKey, r.outcome, r.fromJournal]), [["r1", "sent", true], ["r2", "sent", false], ["r3", "sent", false], ["r4", "sent", false]]);
  assert.equal(second.creates().length, 3, "the first row is not sent again");
  const keys = [...first.creates(), ...second.creates()].map((r) => JSON.parse(r.body).recipient.email);
  assert.equal(new Set(keys).size, keys.length, "no recipient sent twice");

  // Run a third time: everything comes from the journal, nothing is sent.
  const third = server();
  const again = await client(third.fetch).sendBatch(rows, { campaignId: CAMPAIGN, journal });
  assert.ok(again.rows.every((r) => r.fromJournal && r.outcome === "sent"));
  assert.equal(third.sent.length, 0);
});

test("a row left at sending by a killed run comes back as outcome unknown, never resent", async () => {
  const rows = [row("r1", "Ann", "ann@example.com")];
  const journal = new MemoryJournal();
  const first = server();
  let appended = 0;
  const dying = { read: () => journal.read(), append: (line) => { journal.append(line); if (++appended === 1) throw new Error("killed after storing sending"); } };
  await assert.rejects(client(first.fetch).sendBatch(rows, { campaignId: CAMPAIGN, journal: dying }), /killed/);
  const second = server();
  const result = await client(second.fetch).sendBatch(rows, { campaignId: CAMPAIGN, journal });
  assert.equal(result.rows[0].outcome, "outcome_unknown");
  assert.equal(second.sent.length, 0);
});

test("a 500 on create is outcome unknown with the request id, sent once", async () => {
  const { fetch, creates } = server([{ status: 500, body: { errors: [{ type: "api_error", code: "internal_error", message: "boom", param: null }] } }]);
  const result = await client(fetch).sendBatch([row("r1", "Ann", "ann@example.com"), row("r2", "Bea", "bea@example.com")], { campaignId: CAMPAIGN, waitForRedemptionUrl: false });
  assert.equal(result.rows[0].outcome, "outcome_unknown");
  assert.equal(result.rows[0].requestId, "req_1");
  assert.equal(result.rows[1].outcome, "sent");
  assert.equal(creates().length, 2, "the 500 was not retried");
  assert.match(result.csv.split("\n")[1], /^r1,outcome_unknown,,,req_1,/);
});

test("batch options and rows are checked, CSV rows are read", async () => {
  const { fetch } = server();
  const c = client(fetch);
  await assert.rejects(c.sendBatch([], { campaignId: CAMPAIGN, lookBackDays: -1 }), (e) => e instanceof ValidationError && e.param === "lookBack.days");
  await assert.rejects(c.sendBatch([], { campaignId: CAMPAIGN, colour: "red" }), (e) => e instanceof ValidationError && e.param === "colour");
  await assert.rejects(c.sendBatch([], {}), (e) => e instanceof ValidationError && e.param === "campaignId");
  const csv = "First Name,Last Name,Email,Company\nAnn,Smith,ann@example.com,Acme\n";
  const result = await c.sendBatchCsv(csv, { campaignId: CAMPAIGN, waitForRedemptionUrl: false });
  assert.equal(result.rows[0].outcome, "sent");
  assert.equal(result.rows[0].rowKey, "line 2");
  assert.deepEqual(result.ignoredColumns, ["Company"]);
});

test("a receiver without a secret or memory for event ids is refused by the core", () => {
  for (const [make, param] of [
    [() => new WebhookReceiver(""), "secret"],
    [() => new WebhookReceiver("   "), "secret"],
    [() => new WebhookReceiver("s", { remember: 0 }), "remember"],
    [() => new WebhookReceiver("s", { remember: 1.5 }), "remember"],
    [() => new WebhookReceiver("s", { remember: 1e8 }), "remember"],
    [() => new WebhookReceiver("s", { remember: 4294967295 }), "remember"],
    [() => new WebhookReceiver("s", { remember: 1e300 }), "remember"],
    [() => new WebhookReceiver("s", { toleranceSeconds: 2 ** 32 }), "toleranceSeconds"],
  ]) {
    assert.throws(make, (e) => e instanceof ValidationError && e.param === param, param);
  }
  assert.throws(() => new WebhookReceiver("s", { remember: 1e8 }), /1000000/, "the message names the maximum");
  const largest = new WebhookReceiver("s", { remember: 1_000_000 }); // memory grows with use: nothing allocated up front
  assert.equal(largest.receive(signedWith("s", JSON.stringify(gift())), JSON.stringify(gift()), NOW).duplicate, false);
});

test("a wrong JavaScript type is a TypeError, never a trap", () => {
  for (const make of [
    () => new WebhookReceiver(123),
    () => new WebhookReceiver(undefined),
    () => new WebhookReceiver(null),
    () => new WebhookReceiver([]),
    () => new WebhookReceiver(["s", 1]),
    () => new WebhookReceiver("s", { remember: "10" }),
    () => new WebhookReceiver("s", { toleranceSeconds: 10n }),
    () => new WebhookReceiver("s", { rememebr: 10 }),
    () => new WebhookReceiver("s", 10),
  ]) {
    assert.throws(make, TypeError);
  }
  const receiver = new WebhookReceiver(SECRET);
  const body = JSON.stringify(gift());
  assert.throws(() => receiver.receive(signed(body), 123, NOW), TypeError);
  assert.throws(() => receiver.receive(null, body, NOW), TypeError);
  assert.throws(() => receiver.receive([["a", 1]], body, NOW), TypeError);
  assert.throws(() => receiver.receive(signed(body), body, "now"), TypeError);
  assert.throws(() => receiver.forget(7), TypeError);
  assert.throws(() => new GiftHistory().recordDelivery({ eventType: 1, body: new Uint8Array() }), TypeError);
  assert.throws(() => webhookSignature(1, "1", "{}"), TypeError);
});

test("a captured delivery re-sent under a new event id or with a contradicting event type changes nothing", () => {
  const receiver = new WebhookReceiver(SECRET);
  const history = new GiftHistory();
  const body = JSON.stringify(gift());
  const first = receiver.receive(signed(body), body, NOW);
  assert.equal(first.duplicate, false);
  assert.match(first.bodyDigest, /^[0-9a-f]{64}$/);
  history.recordDelivery(first);
  const renamed = receiver.receive(signed(body, { event: "1b6f1c1e-2d5a-4c4e-9a57-3f1f3c2a9d10" }), body, NOW + 10_000);
  assert.equal(renamed.duplicate, true, "the same signed body under a new event id is a repeat");
  const cancelled = signed(body, { event: "2b6f1c1e-2d5a-4c4e-9a57-3f1f3c2a9d10", type: "gift_request_cancelled" });
  assert.throws(() => receiver.receive(cancelled, body, NOW), (e) => e instanceof WebhookRefusedError && e.code === "event_type_mismatch" && e.status === 400);
  // A host that folds a hand-made delivery anyway: the history reads the signed body, never the type.
  history.recordDelivery({ eventType: "gift_request_cancelled", body: first.body });
  const ann = { first_name: "Ann", last_name: "Smith", email: "ann@example.com" };
  assert.equal(history.timeline(GIFT).status, "submitted");
  assert.equal(history.memberStatus(ann, CAMPAIGN), "Invited");
  assert.equal(history.eligibility(ann, { days: 30 }, NOW).eligible, false);
});

test("a fetch Headers object's joined repeats are judged like pairs, and a rotation accepts either secret", () => {
  const body = JSON.stringify(gift());
  const h = new Headers(signed(body));
  h.append("andopen-webhook-event-type", "gift_request_cancelled"); // joined: "gift_request_created, gift_request_cancelled"
  const refused = (() => { try { new WebhookReceiver(SECRET).receive(h, body, NOW); } catch (e) { return e.code; } })();
  assert.equal(refused, "repeated_header");
  const rotating = new WebhookReceiver(["whsec_new", SECRET]);
  assert.equal(rotating.receive(signed(body), body, NOW).duplicate, false);
  const big = new Uint8Array(1024 * 1024 + 1);
  assert.throws(() => rotating.receive(signed("x"), big, NOW), (e) => e.code === "body_too_large" && e.status === 413);
});

// ---- the hostile suite every language replays (tests/hostile/webhooks.json) ----

const hostile = JSON.parse(readFileSync(new URL("../../../tests/hostile/webhooks.json", import.meta.url), "utf8"));

function hostileBody(name) {
  const b = hostile.bodies[name];
  return typeof b === "string" ? b : b.prefix + b.repeat.repeat(b.times) + b.suffix;
}

for (const c of hostile.cases) {
  test(`hostile webhooks: ${c.name}`, () => {
    const receiver = new WebhookReceiver(c.receiver?.secrets ?? hostile.secret, c.receiver?.remember === undefined ? {} : { remember: c.receiver.remember });
    const history = new GiftHistory();
    c.deliveries.forEach((d, i) => {
      let got;
      try {
        const delivery = receiver.receive(d.headers, hostileBody(d.body), d.now * 1000);
        if (!delivery.duplicate) history.recordDelivery(delivery);
        got = delivery.duplicate ? "duplicate" : "accepted";
      } catch (e) {
        assert.ok(e instanceof WebhookRefusedError, String(e));
        got = { refused: e.code };
      }
      assert.deepEqual(got, d.expect, `delivery ${i}`);
    });
    if ("history_status" in c) assert.equal(history.timeline(hostile.gift_request_id)?.status ?? null, c.history_status);
  });
}

test("hostile webhooks: the receiver options", () => {
  for (const o of hostile.options) {
    let got = "ok";
    try {
      new WebhookReceiver(o.secrets, o.remember === null ? {} : { remember: o.remember });
    } catch (e) {
      assert.ok(e instanceof ValidationError, String(e));
      got = { refused: e.param };
    }
    assert.deepEqual(got, o.expect, JSON.stringify(o));
  }
});

test("a batch given two look-backs is refused before anything is sent", async () => {
  const { fetch, sent } = server();
  const rows = [row("r1", "Bea", "bea@example.com")];
  await assert.rejects(client(fetch).sendBatch(rows, { campaignId: CAMPAIGN, lookBack: "forever", lookBackDays: 30 }), TypeError);
  assert.deepEqual(sent, []);
});

test("a batch's waits are held to the core's bounds, naming the option, before anything is sent", async () => {
  const { fetch, sent } = server();
  const rows = [row("r1", "Bea", "bea@example.com")];
  const refused = [
    [{ pollIntervalMs: 0 }, "pollIntervalMs"],
    [{ pollIntervalMs: 150.5 }, "pollIntervalMs"],
    [{ minIntervalMs: -1 }, "minIntervalMs"],
    [{ maxPacingWaitMs: "60s" }, "maxPacingWaitMs"],
    [{ pollIntervalMs: 99 }, "pollIntervalMs"],
    [{ pollTimeoutMs: 0 }, "pollTimeoutMs"],
    [{ pollTimeoutMs: 2 ** 40 }, "pollTimeoutMs"],
    [{ minIntervalMs: 2 ** 40 }, "minIntervalMs"],
    [{ maxPacingWaitMs: 2 ** 40 }, "maxPacingWaitMs"],
  ];
  for (const [options, param] of refused) {
    await assert.rejects(
      client(fetch).sendBatch(rows, { campaignId: CAMPAIGN, ...options }),
      (e) => e instanceof ConfigError && e.code === "invalid_option" && e.param === param,
      JSON.stringify(options),
    );
  }
  assert.deepEqual(sent, []);
});
