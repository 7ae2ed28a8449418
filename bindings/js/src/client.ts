/**
 * `Client`: the API over `fetch`. The core builds each request and judges each response; this class only
 * sends, reads and sleeps where the core says to.
 */
import { AndOpenError } from "./errors.js";
import { type Call, type CoreOptions, SansIo } from "./sansio.js";
import type { GiftRequest, GiftRequestStatus } from "./generated.js";
import type { BatchOptions, BatchResult, BatchRow, Campaign, GiftRequestPayload, HttpRequest, ListCampaignsParams, Page, ResponseInfo, WithResponse } from "./types.js";
import type { Transport } from "./workflows.js";

/** Options of a `Client`. */
export interface ClientOptions extends CoreOptions {
  /** The fetch to send with (the global `fetch` by default). */
  fetch?: typeof fetch;
  /** How to wait (a `setTimeout` promise by default). */
  sleep?: (ms: number) => Promise<void>;
  /** The current time in Unix milliseconds (`Date.now` by default). */
  now?: () => number;
  /** Abandon a request after this long (30 s by default); a create abandoned so is reported as outcome unknown. */
  timeoutMs?: number;
}

/** How often and how long to poll. */
export interface WaitOptions {
  /** Between polls (2 s by default). */
  intervalMs?: number;
  /** In all (2 minutes by default). */
  timeoutMs?: number;
}

/** Node's codes for a connection that was never made: the request did not leave the machine. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

function neverSent(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === "string" && NOT_SENT.has(cause.code);
}

function withResponse<T extends object>(value: T, meta: { status: number; request_id: string | null; rate_limit: ResponseInfo["rateLimit"] }): WithResponse<T> {
  const info: ResponseInfo = { status: meta.status, requestId: meta.request_id, rateLimit: meta.rate_limit };
  return Object.defineProperty(value, "lastResponse", { value: info, enumerable: false }) as WithResponse<T>;
}

/**
 * The &Open API. Every method validates first (a `ValidationError` lists every field problem, nothing is
 * sent), retries where that is safe, and never sends a gift creation twice: when a create may have landed
 * it throws `OutcomeUnknownError` with the request id.
 */
export class Client {
  readonly #sansIo: SansIo;
  readonly #fetch: typeof fetch;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #now: () => number;
  readonly #timeoutMs: number;

  constructor(options: ClientOptions = {}) {
    this.#sansIo = new SansIo(options);
    const f = options.fetch ?? globalThis.fetch;
    if (typeof f !== "function") throw new TypeError("no fetch: pass options.fetch");
    this.#fetch = f;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#now = options.now ?? Date.now;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** The sans-IO calls behind this client, for sending with another transport. */
  get sansIo(): SansIo {
    return this.#sansIo;
  }

  /** Creates a gift request (choice-mode, or direct-send with `shipping_address` and `line_items`). */
  async createGiftRequest(payload: GiftRequestPayload | string): Promise<WithResponse<GiftRequest>> {
    return this.#run(this.#sansIo.createGiftRequest<GiftRequest>(payload));
  }

  /** Reads a gift request. */
  async getGiftRequest(id: string): Promise<WithResponse<GiftRequest>> {
    return this.#run(this.#sansIo.getGiftRequest<GiftRequest>(id));
  }

  /** Reads a campaign with its catalogue. */
  async getCampaign(id: string): Promise<WithResponse<Campaign>> {
    return this.#run(this.#sansIo.getCampaign<Campaign>(id));
  }

  /** Every campaign, newest first, fetching page after page as you iterate. */
  async *listCampaigns(params: ListCampaignsParams = {}): AsyncGenerator<Campaign, void, undefined> {
    for await (const page of this.listCampaignPages(params)) yield* page.data;
  }

  /** Every page of campaigns, each with the response that carried it. */
  async *listCampaignPages(params: ListCampaignsParams = {}): AsyncGenerator<WithResponse<Page<Campaign>>, void, undefined> {
    const call = this.#sansIo.listCampaigns<Page<Campaign>>(params);
    while (call.request() !== undefined) yield await this.#run(call);
  }

  /** Polls a gift request until its redemption URL is there (it is generated shortly after creation). */
  async waitForRedemptionUrl(id: string, options: WaitOptions = {}): Promise<WithResponse<GiftRequest>> {
    return this.waitForStatus(id, "redemption_url", options);
  }

  /** Polls a gift request until it reaches `status` (or passes it), or `"redemption_url"` is set. */
  async waitForStatus(id: string, status: GiftRequestStatus | "redemption_url", options: WaitOptions = {}): Promise<WithResponse<GiftRequest>> {
    const call = this.#sansIo.waitForGiftRequest<GiftRequest>(id, status, options.intervalMs ?? 2_000, options.timeoutMs ?? 120_000);
    return this.#run(call);
  }

  /**
   * Sends many gifts from one campaign: one result per row (sent with its id and redemption URL, skipped
   * with the reason, failed with the error, or outcome unknown with the request id), paced by the rate-limit
   * headers, journaled so that a stopped run resumes without sending any row twice. Each row is a create
   * body without `campaign_id`, plus its `row_key`. Loads the workflows module on first use.
   */
  async sendBatch(rows: BatchRow[], options: BatchOptions): Promise<BatchResult> {
    const { runBatch } = await import("./workflows.js");
    return runBatch(this.#transport(), rows, false, options);
  }

  /**
   * `sendBatch` on CSV text with a header line: `first_name`, `last_name` (required), `email`, `row_key`,
   * the shipping columns (`address1`, `address2`, `city`, `region`, `postal_code`, `country_code`, `phone`),
   * and one item's `sku`, `variant_id`, `quantity`. Headers match regardless of case, spaces and dashes.
   */
  async sendBatchCsv(csv: string, options: BatchOptions): Promise<BatchResult> {
    const { runBatch } = await import("./workflows.js");
    return runBatch(this.#transport(), csv, true, options);
  }

  #transport(): Transport {
    return {
      coreOptions: this.#sansIo.coreOptions,
      exchange: (request) => this.#exchange(request),
      sleep: this.#sleep,
      now: this.#now,
    };
  }

  /** One exchange with the server: the answer, or whether the request may have reached it. */
  async #exchange(request: HttpRequest): Promise<{ status: number; headers: [string, string][]; body: Uint8Array } | { maybeSent: boolean }> {
    try {
      const init: RequestInit = { method: request.method, headers: request.headers, signal: AbortSignal.timeout(this.#timeoutMs) };
      if (request.body !== null) init.body = request.body;
      const response = await this.#fetch(request.url, init);
      const body = new Uint8Array(await response.arrayBuffer());
      return { status: response.status, headers: [...response.headers.entries()], body };
    } catch (error) {
      return { maybeSent: !neverSent(error) };
    }
  }

  /** Drives a call to its end: send, judge, sleep, send again. */
  async #run<T extends object>(call: Call<T>): Promise<WithResponse<T>> {
    for (;;) {
      const request = call.request();
      if (request === undefined) throw new AndOpenError({ kind: "finished", message: "this call has already finished", type: null, code: null, param: null, status: null, request_id: null, retry_after_s: null, rate_limit: null, attempts: null, errors: [] });
      const answer = await this.#exchange(request);
      const step =
        "maybeSent" in answer
          ? call.handleTransportFailure(answer.maybeSent, this.#now())
          : call.handleResponse(answer.status, answer.headers, answer.body, this.#now());
      if (step.step === "done") return withResponse(step.value, step.meta);
      if (step.step === "failed") throw step.error;
      await this.#sleep(step.ms);
    }
  }
}
