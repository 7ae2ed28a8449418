// What the package does in another runtime (Bun, Deno), run by e2e.test.js against the simulator: a
// payload validated by both entries, the campaigns listed, a gift created and read back. Prints one line of
// JSON with what it saw; the test judges it. ANDOPEN_SMOKE_BASE_URL is the simulator, ANDOPEN_API_KEY its key.
import process from "node:process";
import { Client, validateGiftRequest } from "@andopen/sdk";
import { validateGiftRequest as validateOnly } from "@andopen/sdk/validate";

const invalid = { campaign_id: "not-a-uuid", recipient: { first_name: "Alice", last_name: "" } };
const client = new Client({ baseUrl: process.env.ANDOPEN_SMOKE_BASE_URL }); // the key from ANDOPEN_API_KEY
const campaigns = [];
for await (const campaign of client.listCampaigns()) campaigns.push(campaign);
const choice = campaigns.find((c) => c.name === "Welcome box (choice)");
const created = await client.createGiftRequest({ campaign_id: choice.id, recipient: { first_name: "Alice", last_name: "Smith", email: "alice@example.com" } });
const read = await client.getGiftRequest(created.id);
console.log(
  JSON.stringify({
    full: validateGiftRequest(invalid).map((e) => e.param),
    validateOnly: validateOnly(invalid).map((e) => e.param),
    campaigns: campaigns.length,
    created: { status: created.lastResponse.status, giftStatus: created.status },
    readBack: read.id === created.id,
  }),
);
