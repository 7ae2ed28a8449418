// Type tests of the workflows: this file must compile, and each `@ts-expect-error` must be an error.
import { Client, type BatchResult, type RowResult } from "../../dist/index.js";
import {
  GiftHistory,
  MemoryJournal,
  WebhookReceiver,
  WebhookRefusedError,
  webhookSignature,
  type BatchJournal,
  type Eligibility,
  type GiftTimeline,
  type MemberStatus,
  type RecipientSummary,
  type WebhookDelivery,
} from "../../dist/workflows.js";

const receiver = new WebhookReceiver("whsec_x", { toleranceSeconds: 300, remember: 1000 });
const delivery: WebhookDelivery = receiver.receive(new Headers(), new Uint8Array(), Date.now());
receiver.receive({ "andopen-webhook-signature": "ab", "x-multi": ["a", "b"] }, "{}");
receiver.receive([["a", "b"]], "{}");
const eventId: string = delivery.eventId;
const gid: string = delivery.giftRequest.id;
// @ts-expect-error the body is bytes
const text: string = delivery.body;
// @ts-expect-error no such option
new WebhookReceiver("s", { tolerance: 5 });
const signature: string = webhookSignature("s", 1776335400, "{}");
const refused = new Error() as unknown;
if (refused instanceof WebhookRefusedError) {
  const code: string | null = refused.code;
  void code;
}

const history = new GiftHistory();
history.recordDelivery(delivery);
const ann = { first_name: "Ann", last_name: "Smith", email: "ann@example.com" };
const e: Eligibility = history.eligibility(ann, { days: 30 });
if (!e.eligible) {
  const reason: string = e.reason;
  void reason;
}
history.eligibility(ann, "forever", Date.now());
// @ts-expect-error a window is { days } or "forever"
history.eligibility(ann, 30);
const t: GiftTimeline | undefined = history.timeline("id");
const s: MemberStatus = history.memberStatus(ann, "campaign");
// @ts-expect-error not a member status
const wrong: MemberStatus = "Done";
const summary: RecipientSummary = history.recipientSummary(ann);
const count: number = summary.giftCount;

const journal: BatchJournal = new MemoryJournal();
const fileLike: BatchJournal = { read: async () => "", append: async (_line: string) => {} };
const client = new Client({ apiKey: "ao-v1-staging-x" });
async function send(): Promise<void> {
  const result: BatchResult = await client.sendBatch([{ row_key: "r1", recipient: { first_name: "A", last_name: "B" } }], {
    campaignId: "c",
    journal: fileLike,
    history,
    lookBackDays: 30,
    defaultLineItems: [{ sku: "S", quantity: 1 }],
    minIntervalMs: 100,
    waitForRedemptionUrl: false,
    onProgress: (p) => void p.finished,
  });
  for (const row of result.rows) {
    if (row.outcome === "sent") {
      const id: string = row.giftRequestId;
      void id;
    } else if (row.outcome === "failed") {
      const param: string | null = row.error.param;
      void param;
    }
  }
  const csv: string = (await client.sendBatchCsv("first_name,last_name\nA,B\n", { campaignId: "c" })).csv;
  // @ts-expect-error campaignId is required
  await client.sendBatch([], {});
  // @ts-expect-error a row needs a recipient
  await client.sendBatch([{ row_key: "x" }], { campaignId: "c" });
  const r: RowResult | undefined = result.rows[0];
  void [csv, r];
}

void [eventId, gid, text, signature, t, s, wrong, count, journal, send];
