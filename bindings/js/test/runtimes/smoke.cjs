// smoke.mjs for CommonJS (`require`, as Node.js 18 has it: no require of ES modules): both entries and the
// validation-only one required by name, the campaigns listed, a gift created and read back. Prints one
// line of JSON with what it saw. ANDOPEN_SMOKE_BASE_URL is the simulator, ANDOPEN_API_KEY its key.
const { Client, validateGiftRequest } = require("@andopen/sdk");
const { webhookSignature } = require("@andopen/sdk/workflows");
const { validateGiftRequest: validateOnly } = require("@andopen/sdk/validate");

const invalid = { campaign_id: "not-a-uuid", recipient: { first_name: "Alice", last_name: "" } };

async function main() {
  const client = new Client({ baseUrl: process.env.ANDOPEN_SMOKE_BASE_URL }); // the key from ANDOPEN_API_KEY
  const campaigns = [];
  for await (const campaign of client.listCampaigns()) campaigns.push(campaign);
  const choice = campaigns.find((c) => c.name === "Welcome box (choice)");
  const created = await client.createGiftRequest({ campaign_id: choice.id, recipient: { first_name: "Alice", last_name: "Smith", email: "alice@example.com" } });
  const read = await client.getGiftRequest(created.id);
  console.log(
    JSON.stringify({
      node: process.version,
      full: validateGiftRequest(invalid).map((e) => e.param),
      validateOnly: validateOnly(invalid).map((e) => e.param),
      signed: /^[0-9a-f]{64}$/.test(webhookSignature("whsec", "1700000000", "{}")),
      campaigns: campaigns.length,
      created: { status: created.lastResponse.status, giftStatus: created.status },
      readBack: read.id === created.id,
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
