// A TypeScript project using both entries, as each tsconfig of this folder compiles it: it must type-check
// under every module setting, and (compiled as CommonJS or ES modules) run.
import { Client, ValidationError, validateGiftRequest, type GiftRequestPayload } from "@andopen/sdk";
import { WebhookReceiver, webhookSignature } from "@andopen/sdk/workflows";

const payload: GiftRequestPayload = { campaign_id: "a1b2c3d4-e5f6-7890-abcd-ef1234567890", recipient: { first_name: "Ann", last_name: "" } };
const params: (string | null)[] = validateGiftRequest(payload).map((e) => e.param);
const client = new Client({ apiKey: "ao-v1-staging-t3st", fetch: async () => new Response("{}") });
const receiver: WebhookReceiver = new WebhookReceiver("whsec");
const signature: string = webhookSignature("whsec", 1_700_000_000, "{}");
void client;
void receiver;
let threw = "";
try {
  client.sansIo.createGiftRequest(payload);
} catch (e) {
  if (e instanceof ValidationError) threw = e.errors[0]?.code ?? "";
}
console.log(JSON.stringify({ params, threw, signature: signature.length }));
