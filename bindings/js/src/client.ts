/**
 * `Client`: the API over `fetch`. The core builds each request and judges each response; this class only
 * sends, reads and sleeps where the core says to.
 */
import { AndOpenError } from "./errors.js";
import { type Call, type CoreOptions, SansIo } from "./sansio.js";
import type { GiftRequest, GiftRequestStatus } from "./generated.js";
import type { Campaign, GiftRequestPayload, ListCampaignsParams, Page, ResponseInfo, WithResponse } from "./types.js";

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

  /** Drives a call to its end: send, judge, sleep, send again. */
  async #run<T extends object>(call: Call<T>): Promise<WithResponse<T>> {
    for (;;) {
      const request = call.request();
      if (request === undefined) throw new AndOpenError({ kind: "finished", message: "this call has already finished", type: null, code: null, param: null, status: null, request_id: null, retry_after_s: null, rate_limit: null, attempts: null, errors: [] });
      let step;
      try {
        const init: RequestInit = { method: request.method, headers: request.headers, signal: AbortSignal.timeout(this.#timeoutMs) };
        if (request.body !== null) init.body = request.body;
        const response = await this.#fetch(request.url, init);
        const body = new Uint8Array(await response.arrayBuffer());
        step = call.handleResponse(response.status, response.headers.entries(), body, this.#now());
      } catch (error) {
        if (error instanceof AndOpenError) throw error;
        step = call.handleTransportFailure(!neverSent(error), this.#now());
      }
      if (step.step === "done") return withResponse(step.value, step.meta);
      if (step.step === "failed") throw step.error;
      await this.#sleep(step.ms);
    }
  }
}
