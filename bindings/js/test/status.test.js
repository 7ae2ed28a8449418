// Gift-request statuses are a closed union: a status this SDK does not know arrives as "unknown" with its
// text beside it, through every path a gift request comes back by.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SansIo } from "@andopen/sdk";
import { GiftHistory } from "@andopen/sdk/workflows";

const ID = "4fb4cb3f-9666-43b5-8884-7f5194483d1a";
const gift = (status) => ({
  id: ID,
  status,
  campaign_id: "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
  redemption_url: "https://gift.andopen.co/r/abc123",
  recipient: { id: "b2c3d4e5-f6a7-8901-bcde-f01234567890", first_name: "Alice", last_name: "Smith", email: "alice@example.com" },
  shipping_address: null,
  line_items: null,
  created_at: "2026-04-16T10:30:00.000Z",
  updated_at: "2026-04-18T08:15:00.000Z",
});

function read(status, start = (sansIo) => sansIo.getGiftRequest(ID)) {
  const call = start(new SansIo({ apiKey: "ao-v1-production-k3y5ecr3t" }));
  const step = call.handleResponse(200, { "Content-Type": "application/json" }, new TextEncoder().encode(JSON.stringify(gift(status))), Date.parse("2026-05-01T12:00:00Z"));
  assert.equal(step.step, "done", JSON.stringify(step));
  return step.value;
}

test("a known status is returned as the API wrote it, with no unknown_status", () => {
  for (const status of ["submitted", "redeemed", "dispatched", "delivered", "cancelled"]) {
    const value = read(status);
    assert.equal(value.status, status);
    assert.equal("unknown_status" in value, false);
  }
});

test("an unknown status is \"unknown\", its text in unknown_status, on a read, a create and a wait", () => {
  const payload = { campaign_id: "a1b2c3d4-e5f6-7890-abcd-ef1234567890", recipient: { first_name: "Alice", last_name: "Smith" } };
  for (const start of [
    (sansIo) => sansIo.getGiftRequest(ID),
    (sansIo) => sansIo.createGiftRequest(payload),
    (sansIo) => sansIo.waitForGiftRequest(ID, "redemption_url", 100, 1000),
  ]) {
    const value = read("in_customs", start);
    assert.equal(value.status, "unknown");
    assert.equal(value.unknown_status, "in_customs");
    assert.equal(value.redemption_url, "https://gift.andopen.co/r/abc123", "the rest is kept");
  }
  // Even a server that writes "unknown" itself, or a key of Object.prototype, is kept as its text.
  for (const text of ["unknown", "toString", "__proto__"]) assert.equal(read(text).unknown_status, text);
});

test("the gift history reads a closed gift as the server wrote it", () => {
  const closed = new GiftHistory();
  const raw = new GiftHistory();
  assert.deepEqual(closed.recordGift(read("in_customs")), raw.recordGift(JSON.stringify(gift("in_customs"))));
  assert.deepEqual(closed.timeline(ID), raw.timeline(ID));
  assert.equal(closed.timeline(ID).status, "submitted", "a status not known moves a timeline nowhere");
  closed.recordGift(read("redeemed"));
  assert.equal(closed.timeline(ID).status, "redeemed");
});
