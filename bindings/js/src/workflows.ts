/**
 * `@andopen/sdk/workflows`: webhook receiving, the gift history with look-back eligibility and the CRM
 * projection, and the batch runs behind `Client.sendBatch`. They run in a second WebAssembly module
 * (`wasm/andopen_workflows_bg.wasm`), loaded only when this entry is imported, so that pages which only
 * validate never load it. Every rule is the core's; this file moves bytes, sleeps and stores lines.
 */
import wbgInit, { initSync as wbgInitSync, type InitInput, type SyncInitInput } from "../wasm/andopen_workflows.js";
import * as wf from "../wasm/andopen_workflows.js";
import { sources } from "./sources.js";
import { checkSyncInput } from "./check.js";
import { AndOpenError, ConfigError, WebhookRefusedError, type ErrorReport } from "./errors.js";
import { errorFromReport, report } from "./reports.js";
import { closeStatus } from "./status.js";
import type {
  BatchJournal,
  BatchOptions,
  BatchProgress,
  BatchResult,
  BatchRow,
  Eligibility,
  GiftRequest,
  GiftTimeline,
  HttpRequest,
  LookBack,
  MemberStatus,
  Campaign,
  RecipientRef,
  RecipientSummary,
  Recorded,
  RowResult,
  WebhookDelivery,
  WebhookHeaders,
  WebhookReceiverOptions,
} from "./types.js";

let loadedModule: wf.InitOutput | undefined;

/**
 * Makes sure the workflows module is loaded: synchronously where the platform's entry can (Node, Bun, Deno,
 * workerd), else it throws an `Error` saying to call `init()` from this entry first.
 */
function ensure(): void {
  if (loadedModule !== undefined) return;
  const sync = sources.workflows?.sync;
  if (sync === undefined) throw new ConfigError(report("config", "module_not_loaded", "init", "the &Open SDK's workflows module is not loaded yet: call `await init()` from `@andopen/sdk/workflows` once first (or `initSync({ module })`; in a Worker, import `@andopen/sdk/workflows`, which loads it)"));
  loadedModule = wbgInitSync({ module: sync() });
}

/**
 * Loads the workflows module (`andopen_workflows_bg.wasm`): from `source` when given, else from where the
 * platform's entry says. Call it once in a browser before making a `WebhookReceiver` or a `GiftHistory`;
 * Node, Bun, Deno and workerd load it on first use, and `Client.sendBatch` calls it itself. A second call
 * is free.
 */
export async function init(source?: InitInput | Promise<InitInput>): Promise<void> {
  if (loadedModule !== undefined) return;
  if (source === undefined) {
    const where = sources.workflows;
    if (where?.sync !== undefined) return ensure();
    if (where?.async === undefined) throw new ConfigError(report("config", "module_not_loaded", "init", "no default place to load the &Open SDK's workflows module from here: pass it to init() or initSync({ module }); in a Worker, import `@andopen/sdk/workflows`, which loads it"));
    source = where.async();
  }
  loadedModule = await wbgInit({ module_or_path: source });
}

/**
 * Loads the workflows module synchronously from a compiled `WebAssembly.Module` (a Worker's
 * `import wasm from "@andopen/sdk/andopen_workflows.wasm"`) or its bytes. A second call is free.
 */
export function initSync(options: { module: SyncInitInput }): void {
  if (loadedModule !== undefined) return;
  checkSyncInput(options, "initSync");
  loadedModule = wbgInitSync({ module: options.module });
}

/** Runs `f`, rethrowing the core's error reports as `AndOpenError`s. */
function guarded<T>(f: () => T): T {
  try {
    return f();
  } catch (thrown) {
    if (typeof thrown === "string" && thrown.startsWith("{")) {
      const report = JSON.parse(thrown) as ErrorReport | { kind: "webhook_refused"; code: string; status: number; message: string };
      if (report.kind === "webhook_refused") {
        throw new WebhookRefusedError({ ...blank, kind: "webhook_refused", code: report.code, status: report.status, message: report.message });
      }
      throw errorFromReport(report);
    }
    throw thrown;
  }
}

const blank: Omit<ErrorReport, "kind" | "message"> = {
  type: null,
  code: null,
  param: null,
  status: null,
  request_id: null,
  retry_after_s: null,
  rate_limit: null,
  attempts: null,
  errors: [],
};

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function bytes(body: Uint8Array | string): Uint8Array {
  return typeof body === "string" ? encoder.encode(body) : body;
}

/** The name of a value's type, for a `TypeError`'s message (never the value: it may be a secret). */
function typeName(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

/** Headers as `[[name, value]…]` JSON text: joins repeated values as HTTP does. Throws `TypeError` for anything else. */
function headerPairs(headers: WebhookHeaders): string {
  if (typeof headers !== "object" || headers === null) throw new TypeError(`headers: must be a Headers object, a record or [name, value] pairs, not ${typeName(headers)}`);
  const pairs: [string, string][] = [];
  const add = (name: unknown, value: unknown): void => {
    if (typeof name !== "string" || typeof value !== "string") throw new TypeError(`headers: every name and value must be a string (${String(typeof name)}: ${typeName(value)})`);
    pairs.push([name, value]);
  };
  if (typeof (headers as { forEach?: unknown }).forEach === "function" && !Array.isArray(headers)) {
    (headers as { forEach(cb: (value: string, name: string) => void): void }).forEach((value, name) => add(name, value));
  } else if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === "function") {
    for (const pair of headers as Iterable<unknown>) {
      if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError("headers: every pair must be [name, value]");
      add(pair[0], pair[1]);
    }
  } else {
    for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
      if (value !== undefined) add(name, Array.isArray(value) ? value.join(", ") : value);
    }
  }
  return JSON.stringify(pairs);
}

/** A verified delivery with its signed content's key (`bodyDigest`: the SHA-256 of the body, in hex). */
export type VerifiedDelivery = WebhookDelivery & { bodyDigest: string };

const RECEIVER_OPTIONS = new Set(["toleranceSeconds", "remember"]);

/** The secrets a receiver was given: one string, or a non-empty array of strings (a rotation). */
function secretList(secret: unknown): string[] {
  const list = typeof secret === "string" ? [secret] : secret;
  if (!Array.isArray(list) || list.length === 0 || !list.every((s) => typeof s === "string")) {
    throw new TypeError(`secret: must be a string, or an array of strings during a rotation, not ${typeName(secret)}`);
  }
  return list as string[];
}

/** The receiver's options, their JavaScript types checked; the rules (ranges, maximums) are the core's. */
function receiverOptions(options: unknown): WebhookReceiverOptions {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) throw new TypeError(`options: must be an object, not ${typeName(options)}`);
  for (const [key, value] of Object.entries(options)) {
    if (!RECEIVER_OPTIONS.has(key)) throw new TypeError(`options.${key}: is not an option of a WebhookReceiver (toleranceSeconds, remember)`);
    if (value !== undefined && typeof value !== "number") throw new TypeError(`options.${key}: must be a number, not ${typeName(value)}`);
  }
  return options as WebhookReceiverOptions;
}

/**
 * Receives webhook deliveries for one secret (or several during a rotation, the newest first): checks the
 * signature over the raw body (constant time), the replay window, the event id, the event type against the
 * signed body's status, and the body, then de-duplicates on the event id and the body's digest (a captured
 * delivery re-sent under a new event id is a repeat). Keep one per secret. Memory grows with the deliveries
 * seen, up to `remember` (at most the core's maximum, 1,000,000). A wrong JavaScript type is a `TypeError`.
 */
export class WebhookReceiver {
  readonly #core: wf.WebhookReceiverCore;

  constructor(secret: string | string[], options: WebhookReceiverOptions = {}) {
    const secrets = secretList(secret);
    const { toleranceSeconds, remember } = receiverOptions(options);
    ensure();
    this.#core = guarded(() => new wf.WebhookReceiverCore(secrets, toleranceSeconds, remember));
  }

  /**
   * Checks one delivery: pass the request's headers and its **raw** body (the bytes as received, never
   * re-serialised JSON), and the time in Unix milliseconds (`Date.now()` by default). Throws
   * `WebhookRefusedError` (answer its `status`, 400 or 413, and do not act); a repeat comes back with
   * `duplicate: true` (answer 2xx, do not act again).
   */
  receive(headers: WebhookHeaders, rawBody: Uint8Array | string, now: number = Date.now()): VerifiedDelivery {
    if (typeof rawBody !== "string" && !(rawBody instanceof Uint8Array)) throw new TypeError(`rawBody: must be a Uint8Array or a string, not ${typeName(rawBody)}`);
    if (typeof now !== "number" || !Number.isFinite(now)) throw new TypeError(`now: must be a finite number of Unix milliseconds, not ${typeName(now)}`);
    const pairs = headerPairs(headers);
    const body = bytes(rawBody);
    const text = guarded(() => this.#core.receive(pairs, body, now));
    const { unknownStatus, ...meta } = JSON.parse(text) as Omit<VerifiedDelivery, "giftRequest" | "body"> & { unknownStatus?: string };
    return { ...meta, giftRequest: closeStatus(JSON.parse(decoder.decode(body)) as GiftRequest, unknownStatus), body };
  }

  /**
   * Forgets the delivery accepted under an event id (its body digest with it), so that its next delivery
   * counts as new: call it when you accepted a delivery but could not act on it, and answer with an error
   * so that &Open tries again.
   */
  forget(eventId: string): boolean {
    if (typeof eventId !== "string") throw new TypeError(`eventId: must be a string, not ${typeName(eventId)}`);
    return this.#core.forget(eventId);
  }
}

/** The signature of a delivery (lowercase hex HMAC-SHA256 of `{timestamp}.{body}`), for a relay or a test. */
export function webhookSignature(secret: string, timestamp: string | number, body: Uint8Array | string): string {
  if (typeof secret !== "string") throw new TypeError(`secret: must be a string, not ${typeName(secret)}`);
  if (typeof body !== "string" && !(body instanceof Uint8Array)) throw new TypeError(`body: must be a Uint8Array or a string, not ${typeName(body)}`);
  ensure();
  return wf.webhookSignature(secret, String(timestamp), bytes(body));
}

/**
 * Every gift heard of (from webhook deliveries and from the client's results), with look-back eligibility
 * (the Clay batch-sending guide) and the CRM projection (&Open's Salesforce integration). Held in memory.
 */
export class GiftHistory {
  /** @internal */
  readonly core: wf.GiftHistoryCore;

  constructor() {
    ensure();
    this.core = new wf.GiftHistoryCore();
  }

  /**
   * Folds in a delivery from `WebhookReceiver.receive` by its signed body (status and dates; never the
   * event type header); repeats and any order give the same timeline.
   */
  recordDelivery(delivery: Pick<WebhookDelivery, "eventType" | "body">): Recorded {
    if (typeof delivery !== "object" || delivery === null) throw new TypeError(`delivery: must be a delivery from WebhookReceiver.receive, not ${typeName(delivery)}`);
    if (typeof delivery.eventType !== "string") throw new TypeError(`delivery.eventType: must be a string, not ${typeName(delivery.eventType)}`);
    if (!(delivery.body instanceof Uint8Array)) throw new TypeError(`delivery.body: must be a Uint8Array, not ${typeName(delivery.body)}`);
    return guarded(() => this.core.recordDelivery(delivery.eventType, delivery.body)) as Recorded;
  }

  /** Folds in a gift request a call returned (`createGiftRequest`, `getGiftRequest`, a wait). */
  recordGift(gift: GiftRequest | string): Recorded {
    const text = typeof gift === "string" ? gift : JSON.stringify(openStatus(gift));
    return guarded(() => this.core.recordGift(text)) as Recorded;
  }

  /** Values gifts from these campaigns' catalogues (`getCampaign` results), for `recipientSummary`. */
  setPrices(campaigns: Campaign[]): number {
    return guarded(() => this.core.setPrices(JSON.stringify(campaigns)));
  }

  /** How many gifts are held. */
  get size(): number {
    return this.core.size();
  }

  /** One gift's timeline, or `undefined`. */
  timeline(giftRequestId: string): GiftTimeline | undefined {
    const text = this.core.timeline(giftRequestId);
    return text === undefined ? undefined : (JSON.parse(text) as GiftTimeline);
  }

  /** A recipient's gifts, in the order first heard of. */
  giftsFor(recipient: RecipientRef): GiftTimeline[] {
    return JSON.parse(guarded(() => this.core.giftsFor(JSON.stringify(recipient)))) as GiftTimeline[];
  }

  /** Whether `recipient` may be gifted now under the window: eligible, or skip with the earlier gift. */
  eligibility(recipient: RecipientRef, lookBack: LookBack, now: number = Date.now()): Eligibility {
    return JSON.parse(guarded(() => this.core.eligibility(JSON.stringify(recipient), JSON.stringify(lookBack), now))) as Eligibility;
  }

  /** The recipient's status as a member of the campaign: Pending → Invited → Completed, or Cancelled. */
  memberStatus(recipient: RecipientRef, campaignId: string): MemberStatus {
    return guarded(() => this.core.memberStatus(JSON.stringify(recipient), campaignId)) as MemberStatus;
  }

  /** The recipient's CRM fields: dates, gift count, values. */
  recipientSummary(recipient: RecipientRef): RecipientSummary {
    return JSON.parse(guarded(() => this.core.recipientSummary(JSON.stringify(recipient)))) as RecipientSummary;
  }
}

/** A journal held in memory: enough for one process; use a file or a store to resume after a crash. */
export class MemoryJournal implements BatchJournal {
  readonly lines: string[] = [];

  read(): string {
    return this.lines.map((line) => `${line}\n`).join("");
  }

  append(line: string): void {
    this.lines.push(line);
  }
}

/** @internal How a `Client` sends: one exchange with the server, or the failure to get an answer. */
export interface Transport {
  coreOptions: string;
  exchange(request: HttpRequest): Promise<{ status: number; headers: [string, string][]; body: Uint8Array } | { maybeSent: boolean }>;
  sleep(ms: number): Promise<void>;
  now(): number;
}

type RawResult = Exclude<RowResult, { outcome: "failed" }> | (Omit<Extract<RowResult, { outcome: "failed" }>, "error"> & { error: ErrorReport });
type Action = { action: "persist"; line: string } | { action: "send"; request: { method: "GET" | "POST"; url: string; headers: [string, string][]; body: string | null } } | { action: "wait"; ms: number } | { action: "done" };

/** @internal Drives the core's batch run over a client's transport (`Client.sendBatch`). */
export async function runBatch(transport: Transport, rows: BatchRow[] | string, csv: boolean, options: BatchOptions): Promise<BatchResult> {
  const { journal = new MemoryJournal(), history, onProgress, lookBackDays, lookBack, ...rest } = options;
  if (lookBack !== undefined && lookBackDays !== undefined) throw new TypeError("lookBack, lookBackDays: give one of them, not both");
  const settings = { ...rest, lookBack: lookBack ?? (lookBackDays === undefined ? null : { days: lookBackDays }) };
  const text = typeof rows === "string" ? rows : JSON.stringify(rows);
  await init();
  const journalText = await journal.read();
  const checked = history ?? new GiftHistory();
  const run = guarded(() => new wf.BatchRunCore(transport.coreOptions, text, csv, JSON.stringify(settings), checked.core, journalText, transport.now()));
  try {
    let finished = -1;
    const report = (): void => {
      if (onProgress === undefined) return;
      const progress = JSON.parse(run.progress()) as BatchProgress;
      if (progress.finished !== finished) {
        finished = progress.finished;
        onProgress(progress);
      }
    };
    for (;;) {
      const action = JSON.parse(run.nextAction(transport.now())) as Action;
      if (action.action === "done") break;
      if (action.action === "persist") {
        await journal.append(action.line);
      } else if (action.action === "wait") {
        await transport.sleep(action.ms);
      } else {
        const r = action.request;
        const answer = await transport.exchange({ method: r.method, url: r.url, headers: Object.fromEntries(r.headers), body: r.body });
        if ("maybeSent" in answer) run.handleTransportFailure(answer.maybeSent, transport.now());
        else run.handleResponse(answer.status, JSON.stringify(answer.headers), answer.body, transport.now());
      }
      report();
    }
    report(); // rows settled without I/O at the end (skipped, from the journal)
    const raw = JSON.parse(run.results()) as RawResult[];
    const results = raw.map((r) => (r.outcome === "failed" ? { ...r, error: errorFromReport(r.error) } : r)) as RowResult[];
    return {
      rows: results,
      progress: JSON.parse(run.progress()) as BatchProgress,
      csv: run.resultsCsv(),
      ignoredColumns: JSON.parse(run.ignoredColumns()) as string[],
    };
  } finally {
    run.free();
    if (history === undefined) checked.core.free();
  }
}

export { AndOpenError, WebhookRefusedError };
export type * from "./types.js";

/**
 * `gift` as the API wrote it, for the core: the inverse of `closeStatus` (its text status restored,
 * `unknown_status` gone).
 */
function openStatus(gift: GiftRequest): GiftRequest {
  const { status, unknown_status: text, ...rest } = gift;
  return status === "unknown" && typeof text === "string" ? ({ ...rest, status: text } as unknown as GiftRequest) : gift;
}
