// A Cloudflare Worker that sends a batch with `Client.sendBatch` from the main entry, `@andopen/sdk/workflows`
// imported beside it (which loads the workflows module the batch runs on). The API is a fake `fetch` inside
// the worker: each create answers 201 with the gift, each read with its redemption URL.
import { Client } from "@andopen/sdk";
import { MemoryJournal } from "@andopen/sdk/workflows";

const CAMPAIGN = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";

function gift(id, recipient, redemptionUrl) {
  return {
    id,
    status: "submitted",
    campaign_id: CAMPAIGN,
    redemption_url: redemptionUrl,
    recipient: { id: null, email: null, ...recipient },
    shipping_address: null,
    line_items: null,
    created_at: "2026-04-16T10:30:00.000Z",
    updated_at: "2026-04-16T10:30:00.000Z",
  };
}

export default {
  async fetch(request) {
    const rows = await request.json();
    let created = 0;
    const sent = [];
    const api = async (url, init) => {
      sent.push(init.method);
      const headers = { "Content-Type": "application/json", "Request-Id": `req_${sent.length}` };
      if (init.method === "POST") {
        const id = `4fb4cb3f-9666-43b5-8884-${String(++created).padStart(12, "0")}`;
        return new Response(JSON.stringify(gift(id, JSON.parse(init.body).recipient, null)), { status: 201, headers });
      }
      const id = url.split("/").pop();
      return new Response(JSON.stringify(gift(id, { first_name: "A", last_name: "B" }, `https://gift.test/r/${id}`)), { status: 200, headers });
    };
    const client = new Client({ apiKey: "ao-v1-staging-w0rk3rd", fetch: api, sleep: async () => {} });
    try {
      const result = await client.sendBatch(rows, { campaignId: CAMPAIGN, journal: new MemoryJournal() });
      return Response.json({ rows: result.rows.map((r) => [r.rowKey, r.outcome, r.redemptionUrl ?? null]), sent });
    } catch (e) {
      return Response.json({ error: `${e?.name}: ${e?.message}` }, { status: 500 });
    }
  },
};
