// Type tests: this file must compile (`npm run typecheck`), and each `@ts-expect-error` must be an error.
import {
  AndOpenError,
  Client,
  OutcomeUnknownError,
  ValidationError,
  buildRequest,
  unchecked,
  validateGiftRequest,
  type Campaign,
  type FieldError,
  type GiftRequest,
  type GiftRequestPayload,
  type GiftRequestStatus,
  type HttpRequest,
  type WithResponse,
} from "../../dist/index.js";

const payload: GiftRequestPayload = {
  campaign_id: "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
  recipient: { first_name: "Alice", last_name: "Smith", email: "alice@example.com" },
  shipping_address: { address1: "12 Merrion Square", city: "Dublin", region: "Leinster", postal_code: "D02 XY45", country_code: "IE", phone: "+353871234567" },
  line_items: [{ sku: "HOODIE-L-BLK", quantity: 1 }],
};

// @ts-expect-error: a recipient needs a last name
const missingLastName: GiftRequestPayload = { campaign_id: "x", recipient: { first_name: "A" } };
void missingLastName;

// @ts-expect-error: quantity is a number
const badQuantity: GiftRequestPayload = { ...payload, line_items: [{ sku: "X", quantity: "1" }] };
void badQuantity;

// Misspelt keys are errors at every level (issue 14: these four compiled before).
// @ts-expect-error: `campaing_id` is no field of a gift request
validateGiftRequest({ campaing_id: "x" });
// @ts-expect-error: `emial` is no field of a recipient
const misspeltEmail: GiftRequestPayload = { campaign_id: "x", recipient: { first_name: "A", last_name: "B", emial: "a@example.com" } };
void misspeltEmail;
// @ts-expect-error: `shiping_address` is no field of a gift request
const misspeltAddress: GiftRequestPayload = { campaign_id: "x", recipient: { first_name: "A", last_name: "B" }, shiping_address: payload.shipping_address };
void misspeltAddress;
// @ts-expect-error: `skuu` is no field of a line item
const misspeltSku: GiftRequestPayload = { ...payload, line_items: [{ skuu: "HOODIE-L-BLK", quantity: 1 }] };
void misspeltSku;
// A form's half-filled payload is fine for validation; data of unknown shape goes through `unchecked`.
validateGiftRequest({ recipient: { first_name: "A" } });
const body: unknown = JSON.parse("{}");
validateGiftRequest(unchecked(body));
// @ts-expect-error: data of unknown shape needs the explicit escape hatch
validateGiftRequest(body);
const withNote = buildRequest.createGiftRequest(unchecked({ ...payload, gift_note: "thanks" }));
void withNote;

const errors: FieldError[] = validateGiftRequest(payload);
const params: (string | null)[] = errors.map((e) => e.param);
void params;

const request: HttpRequest = buildRequest.createGiftRequest(payload, { apiKey: "ao-v1-staging-x" });
const method: "GET" | "POST" = request.method;
void method;

async function flow(client: Client): Promise<void> {
  const created: WithResponse<GiftRequest> = await client.createGiftRequest(payload);
  const requestId: string | null = created.lastResponse.requestId;
  const url: string | null = created.redemption_url;
  void requestId;
  void url;
  for await (const campaign of client.listCampaigns({ limit: 25 })) {
    const c: Campaign = campaign;
    const name: string | null | undefined = c.name;
    void name;
  }
  try {
    await client.getGiftRequest(created.id);
  } catch (e) {
    if (e instanceof OutcomeUnknownError || e instanceof ValidationError) {
      const status: number | null = e.status;
      void status;
    } else if (e instanceof AndOpenError) {
      const kind: string = e.kind;
      void kind;
    }
  }
  // @ts-expect-error: the wait takes options, not a number
  await client.waitForRedemptionUrl(created.id, 5);

  // Statuses are a closed union (issue 14: `"shipped"` compiled before, the type held `string & {}`).
  // @ts-expect-error: "shipped" is no status of the contract
  if (created.status === "shipped") return;
  // @ts-expect-error: nor is a misspelt one
  if (created.status === "delivred") return;
  // @ts-expect-error: a status is no free string
  const free: GiftRequestStatus = "on_its_way" as string;
  void free;
  const all: Record<GiftRequestStatus, string> = { submitted: "", redeemed: "", dispatched: "", delivered: "", cancelled: "", unknown: "" };
  void all;
  // A status this SDK does not know yet is "unknown", its text beside it.
  if (created.status === "unknown") {
    const text: string | undefined = created.unknown_status;
    void text;
  }
  await client.waitForStatus(created.id, "delivered");
  // @ts-expect-error: no wait for the SDK's stand-in
  await client.waitForStatus(created.id, "unknown");
  // @ts-expect-error: nor for a status that does not exist
  await client.waitForStatus(created.id, "shipped");
}
void flow;
