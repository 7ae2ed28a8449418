// The gifting flow with @andopen/sdk, for a person watching: every request sent, every answer, and what the
// SDK decides in between (validation before sending, waits, errors with their fields).
//
//   ANDOPEN_BASE_URL=http://127.0.0.1:PORT node examples/demo.mjs
//
// ANDOPEN_BASE_URL is a running &Open simulator (`andopen-mock`); ANDOPEN_API_KEY defaults to a staging key
// the simulator accepts. Only the package's public API is used; the simulator's control endpoint
// (`/_mock/faults`) is called directly to stage a maintenance window.
import { Client, AndOpenError, ValidationError } from "@andopen/sdk";

const base = process.env.ANDOPEN_BASE_URL;
if (!base) {
  console.error("ANDOPEN_BASE_URL is not set: start the simulator (andopen-mock) and pass its address.");
  process.exit(2);
}
const apiKey = process.env.ANDOPEN_API_KEY ?? "ao-v1-staging-demo";

const started = Date.now();
const stats = { requests: 0, waits: [], gifts: [], refused: [], lastStatus: 0 };

// ---- output helpers -------------------------------------------------------------------------------------
const say = (text = "") => console.log(text);
const row = (label, value) => say(`  ${label.padEnd(13)}${value}`);
const step = (n, title) => say(`\n${n}. ${title}`);
/** A body on one short line: ids cut to their first 8 characters. */
const short = (text, width = 66) => {
  const compact = text.replace(/([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "$1…");
  return compact.length <= width ? compact : `${compact.slice(0, width - 1)}…`;
};
const REASONS = { 200: "OK", 201: "Created", 404: "Not Found", 422: "Unprocessable", 429: "Too Many Requests", 500: "Internal Error", 503: "Unavailable" };

/** fetch, printing what goes out and what comes back (never the Authorization header). */
async function showingFetch(url, init) {
  stats.requests += 1;
  const u = new URL(url);
  row("sent", `${init.method} ${u.pathname}${u.search}`);
  if (init.body) row("", short(String(init.body)));
  let response;
  try {
    response = await fetch(url, init);
  } catch (e) {
    stats.lastStatus = 0;
    row("received", `no answer (${e?.cause?.code ?? e?.cause?.message ?? e?.message ?? e})`);
    throw e;
  }
  stats.lastStatus = response.status;
  const reason = REASONS[response.status] ?? "";
  row("received", `${response.status} ${reason}`.padEnd(20) + `request ${response.headers.get("request-id") ?? "-"}`);
  return response;
}

/** sleep, saying why. */
async function showingSleep(ms) {
  stats.waits.push(ms);
  const status = stats.lastStatus;
  const why = status === 429 || status === 503 ? "as Retry-After says" : status >= 200 && status < 300 ? "before polling again" : "backing off";
  row("waiting", `${ms} ms, ${why}`);
  await new Promise((resolve) => setTimeout(resolve, ms));
}

const andopen = new Client({ apiKey, baseUrl: base, fetch: showingFetch, sleep: showingSleep });

function fail(error) {
  say();
  if (error instanceof AndOpenError) {
    say(`failed: ${error.name} (${error.kind}) ${error.message}`);
    if (error.requestId) say(`request id: ${error.requestId}`);
  } else {
    say(`failed: ${error?.stack ?? error}`);
  }
  process.exit(1);
}

/** Each message under its field, as a form would show it. */
function showErrors(errors) {
  for (const e of errors) {
    say(`    ${e.param ?? "(the request)"}`);
    say(`      ${e.message}  [${e.code}]`);
  }
}

async function main() {
  say(`&Open SDK for JavaScript: the gifting flow against ${base}`);

  // 1. Campaigns, every page.
  step(1, "List the campaigns (every page)");
  const campaigns = [];
  const pages = [];
  for await (const page of andopen.listCampaignPages()) {
    pages.push(page.data.length);
    campaigns.push(...page.data);
  }
  say(`  ${campaigns.length} campaigns on ${pages.length} pages (${pages.join(" + ")})`);
  const byName = (name) => {
    const found = campaigns.find((c) => c.name === name);
    if (!found) throw new Error(`no campaign named ${JSON.stringify(name)}: is ${base} the simulator?`);
    return found;
  };
  const choice = byName("Welcome box (choice)");
  const direct = byName("Welcome box (direct send)");
  row("choice", `${choice.name.padEnd(26)}${choice.invitation_method}`);
  row("direct", `${direct.name.padEnd(26)}${direct.invitation_method}`);

  // 2. A choice-mode gift: the recipient picks the gift through the redemption URL.
  step(2, "Send a choice-mode gift");
  const gift = await andopen.createGiftRequest({
    campaign_id: choice.id,
    recipient: { first_name: "Alice", last_name: "Smith", email: "alice@example.com" },
  });
  row("gift", `${gift.id}  ${gift.status}`);
  stats.gifts.push(["choice-mode", gift.id, "redemption URL ready"]);
  say("  waiting for the redemption URL (polling every 250 ms)");
  const ready = await andopen.waitForRedemptionUrl(gift.id, { intervalMs: 250, timeoutMs: 30_000 });
  row("redemption", ready.redemption_url);

  // 3. A direct-send gift: the sender gives the address and the items.
  step(3, "Send a direct-send gift");
  const address = {
    address1: "12 Merrion Square",
    city: "Dublin",
    region: "Leinster",
    postal_code: "D02 XY45",
    country_code: "IE",
    phone: "+353871234567",
  };
  const shipped = await andopen.createGiftRequest({
    campaign_id: direct.id,
    recipient: { first_name: "Bob", last_name: "Byrne" },
    shipping_address: address,
    line_items: [{ sku: "HOODIE-M-BLK", quantity: 1 }],
  });
  row("gift", `${shipped.id}  ${shipped.status}`);
  row("items", shipped.line_items.map((i) => `${i.quantity} × ${i.sku}`).join(", "));
  stats.gifts.push(["direct-send", shipped.id, "1 × HOODIE-M-BLK to Dublin"]);

  // 4. Validation: first what the SDK refuses before sending, then what only the server can know.
  step(4, "Validation errors");
  say("  a form with three mistakes: refused before sending");
  try {
    await andopen.createGiftRequest({
      campaign_id: direct.id,
      recipient: { first_name: "Carol", last_name: "" },
      shipping_address: { ...address, country_code: "ie" },
      line_items: [{ sku: "HOODIE-M-BLK", quantity: 0 }],
    });
    throw new Error("the invalid payload was accepted");
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    say(`  nothing sent; ${e.errors.length} fields to fix:`);
    stats.refused.push(`${e.errors.length} before sending`);
    showErrors(e.errors);
  }
  say("  a valid order for a T-shirt size that has run out");
  try {
    await andopen.createGiftRequest({
      campaign_id: direct.id,
      recipient: { first_name: "Dara", last_name: "Walsh" },
      shipping_address: address,
      line_items: [{ sku: "TEE-S-WHT", quantity: 1 }],
    });
    throw new Error("the out-of-stock order was accepted");
  } catch (e) {
    if (!(e instanceof AndOpenError) || e.status !== 422) throw e;
    say(`  the server refused it (${e.status}, ${e.type}):`);
    stats.refused.push(`${e.errors.length} from the server (request ${e.requestId.slice(0, 8)}…)`);
    showErrors(e.errors);
  }

  // 5. Maintenance: a 503 with Retry-After is waited out, and the same request sent again.
  step(5, "Maintenance: a 503 waited out");
  const fault = { method: "POST", path: "/gift_requests", status: 503, retry_after: 1 };
  const queued = await fetch(new URL("/_mock/faults", base), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(fault),
  });
  if (!queued.ok) throw new Error(`the simulator refused the fault: ${queued.status} ${await queued.text()}`);
  row("staged", "the next create answers 503, Retry-After: 1");
  const waitsBefore = stats.waits.length;
  const later = await andopen.createGiftRequest({
    campaign_id: choice.id,
    recipient: { first_name: "Eve", last_name: "Nolan", email: "eve@example.com" },
  });
  row("gift", `${later.id}  ${later.status}`);
  say(`  sent once more after ${stats.waits.slice(waitsBefore).join(" + ")} ms: one gift, not two`);
  stats.gifts.push(["after a 503", later.id, `sent twice, created once`]);

  // Summary.
  say("\nSummary");
  for (const [kind, id, note] of stats.gifts) row(kind, `${id}  ${note}`);
  row("refused", stats.refused.join(", "));
  row("requests", `${stats.requests} sent, ${stats.waits.length} waits (${stats.waits.join(", ")} ms)`);
  row("time", `${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch(fail);
