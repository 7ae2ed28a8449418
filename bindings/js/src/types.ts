/**
 * The shapes that cross the wire, as the API writes them (snake_case keys: they are the contract).
 */
import type { GiftRequest as WireGiftRequest, GiftRequestStatus, LineItem, RateLimit, Timestamp, Uuid } from "./generated.js";
import type { AndOpenError } from "./errors.js";
import type { LineItemPayload, RecipientPayload, ShippingAddressPayload } from "./payload.js";

export type { GiftRequestStatus, LineItem, Recipient, ShippingAddress, Uuid, Timestamp, CountryCode } from "./generated.js";
export type * from "./payload.js";

/**
 * A gift request, as the API returns it (every field it sent is there, those the SDK does not model too).
 * `status` is one of the contract's statuses, or `"unknown"` for one this SDK does not know yet: its text
 * is then `unknown_status` (absent otherwise).
 */
export interface GiftRequest extends WireGiftRequest {
  /** The status as the API wrote it, when `status` is `"unknown"`. */
  unknown_status?: string;
}

/** A campaign exactly as the API sent it; the fields below are the ones the SDK models. */
export interface Campaign {
  id: string;
  name?: string | null;
  /** `sender_provided_address` allows direct-send. */
  invitation_method?: string | null;
  products?: unknown[];
  created_at?: string | null;
  updated_at?: string | null;
  [field: string]: unknown;
}

/** One page of a list. */
export interface Page<T> {
  data: T[];
  has_more: boolean;
}

/** Status, request id and rate limits of the response that carried a result. */
export interface ResponseInfo {
  status: number;
  requestId: string | null;
  rateLimit: RateLimit;
}

/** A result with the response that carried it (`lastResponse` is not enumerable: `JSON.stringify` skips it). */
export type WithResponse<T> = T & { readonly lastResponse: ResponseInfo };

/** A request to send, as built by the core. */
export interface HttpRequest {
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  /** JSON text, for a POST. */
  body: string | null;
}

/** The query of the campaign list. */
export interface ListCampaignsParams {
  /** Page size (the server's default and maximum is 25). */
  limit?: number;
  /** The id of the last campaign of the previous page. */
  after?: string;
  /** Further query parameters (the API's sort and filter), sent untouched and in order. */
  extra_query?: [string, string][] | Record<string, string>;
}

// ---- Workflows (`@andopen/sdk/workflows`, `Client.sendBatch`): objects the SDK makes, in camelCase. ----

/** Webhook headers as a server framework gives them: a fetch `Headers`, Node's `req.headers`, or pairs. */
export type WebhookHeaders =
  | { forEach(callback: (value: string, name: string) => void): void }
  | Record<string, string | string[] | undefined>
  | Iterable<readonly [string, string]>;

/** The options of a `WebhookReceiver`. */
export interface WebhookReceiverOptions {
  /** How far the dispatch timestamp may be from now, either way (300 s by default, the contract's). */
  toleranceSeconds?: number;
  /** How many event ids to remember for de-duplication (100,000 by default, about 5 MB). */
  remember?: number;
}

/** The five events of the contract; an event this SDK does not know arrives as its text. */
export type WebhookEventType =
  | "gift_request_created"
  | "gift_request_redeemed"
  | "gift_request_dispatched"
  | "gift_request_delivered"
  | "gift_request_cancelled"
  | (string & {});

/** A delivery that passed every check. */
export interface WebhookDelivery {
  /** The event's id, stable across attempts: the de-duplication key. */
  eventId: string;
  eventType: WebhookEventType;
  /** When this attempt was dispatched. */
  dispatchedAt: Timestamp;
  /** The `AndOpen-Webhook-API-Version` header, when present. */
  apiVersion: string | null;
  /** `true` when this event id was accepted before: do not act on it again, answer 2xx. */
  duplicate: boolean;
  /** The gift request the event is about, as the API writes it. */
  giftRequest: GiftRequest;
  /** The body exactly as received, to forward unchanged. */
  body: Uint8Array;
}

/** A recipient as the gift history knows them: by email when given, else by name. */
export interface RecipientRef {
  first_name?: string | null;
  last_name?: string | null;
  email?: string | null;
}

/** A look-back window (as the Clay batch-sending guide suggests): `{ days: 30 }`, `{ days: 90 }`, `{ days: 365 }`, or `"forever"`. */
export type LookBack = { days: number } | "forever";

/** One gift's life, as far as known. */
export interface GiftTimeline {
  giftRequestId: Uuid;
  campaignId: Uuid | null;
  /** The recipient's key in the history: `email:ann@example.com` or `name:ann smith`. */
  recipient: string;
  /** The furthest status of the contract reached (a status this SDK does not know moves nothing: never `"unknown"`). */
  status: GiftRequestStatus;
  sentAt: Timestamp | null;
  redeemedAt: Timestamp | null;
  dispatchedAt: Timestamp | null;
  deliveredAt: Timestamp | null;
  cancelledAt: Timestamp | null;
  redemptionUrl: string | null;
  lineItems: LineItem[] | null;
  /** The `updated_at` of the newest snapshot folded in. */
  updatedAt: Timestamp;
}

/** Whether to gift a recipient now. */
export type Eligibility =
  | { eligible: true }
  | { eligible: false; giftRequestId: Uuid; sentAt: Timestamp; reason: string };

/** A campaign member's status (as in &Open's Salesforce integration). */
export type MemberStatus = "Pending" | "Invited" | "Completed" | "Cancelled";

/** An amount in the currency's smallest unit. */
export interface Money {
  amount: number;
  currency: string;
}

/** What a CRM record shows about one recipient. */
export interface RecipientSummary {
  recipient: string;
  /** Gifts sent, cancelled ones included. */
  giftCount: number;
  lastSentAt: Timestamp | null;
  lastRedeemedAt: Timestamp | null;
  lastDeliveredAt: Timestamp | null;
  /** The latest gift's value, when its items are locked and priced (see `setPrices`). */
  lastGiftValue: Money | null;
  /** Priced, not cancelled gifts, one sum per currency. */
  lifetimeValue: Money[];
  /** Gifts left out of the values. */
  unpricedGifts: number;
}

/** What the history did with a delivery or a gift. */
export type Recorded = "new_gift" | "updated" | "unknown_event";

/** One batch row: a create body without `campaign_id` (the batch's), plus the caller's `row_key`. */
export interface BatchRow {
  /** The caller's key (a CRM id, a table row id): part of the row's send key. `row {n}` when absent. */
  row_key?: string;
  recipient: RecipientPayload;
  shipping_address?: ShippingAddressPayload;
  line_items?: LineItemPayload[];
}

/**
 * Where a batch run journals what it starts and finishes, kept by the host (a file, IndexedDB, a KV
 * store): `append` must store the line durably before it resolves; `read` returns every line so far.
 */
export interface BatchJournal {
  read(): Promise<string> | string;
  append(line: string): Promise<void> | void;
}

/** Counts of rows by outcome so far. */
export interface BatchProgress {
  total: number;
  finished: number;
  sent: number;
  skipped: number;
  failed: number;
  unknown: number;
}

/** The options of `Client.sendBatch`. */
export interface BatchOptions {
  /** The campaign every row is gifted from. */
  campaignId: string;
  /** Where to journal (an in-memory journal by default: a stopped run then cannot resume). */
  journal?: BatchJournal;
  /** Skip recipients gifted within the look-back window of this history. */
  history?: import("./workflows.js").GiftHistory;
  /** The look-back window in days (`lookBack` for `"forever"`). */
  lookBackDays?: number;
  /** The look-back window. */
  lookBack?: LookBack;
  /** The items of a direct-send row that names none. */
  defaultLineItems?: LineItemPayload[];
  /**
   * The least time between two creations (0 by default: the rate-limit headers alone pace the run). Every
   * wait here is whole milliseconds up to `limits().maxTimeoutMs` (24 days), else a `ConfigError` naming it.
   */
  minIntervalMs?: number;
  /** The longest wait for a rate-limit window to reset (60 s by default). */
  maxPacingWaitMs?: number;
  /** Poll after each creation until the redemption link appears (on by default). */
  waitForRedemptionUrl?: boolean;
  /** Between polls (500 ms by default; at least `limits().minPollIntervalMs`, 100). */
  pollIntervalMs?: number;
  /** How long to wait for a link (30 s by default; more than 0). */
  pollTimeoutMs?: number;
  /** Called after each row settles, with the counts so far. */
  onProgress?: (progress: BatchProgress) => void;
}

interface RowResultBase {
  /** The row's position (0-based). */
  index: number;
  rowKey: string;
  /** The row's deterministic send key (campaign, recipient, row key). */
  sendKey: string;
  /** Read from the journal of an earlier run instead of happening in this one. */
  fromJournal: boolean;
}

/** The result of one row. */
export type RowResult = RowResultBase &
  (
    | { outcome: "sent"; giftRequestId: Uuid; redemptionUrl: string | null; requestId: string | null }
    | { outcome: "skipped"; reason: string; previousGiftRequestId: Uuid | null; previousSentAt: Timestamp | null; sameAsRow: string | null }
    | { outcome: "failed"; error: AndOpenError }
    | { outcome: "outcome_unknown"; requestId: string | null; reason: string }
  );

/** What a batch run ends with. */
export interface BatchResult {
  /** One result per row, in row order. */
  rows: RowResult[];
  progress: BatchProgress;
  /** The results as CSV: `row_key`, `outcome`, `gift_request_id`, `redemption_url`, `request_id`, `reason`, `error_type`, `error_code`, `error_param`, `error_message`. */
  csv: string;
  /** CSV columns the batch did not read (`sendBatchCsv`). */
  ignoredColumns: string[];
}
