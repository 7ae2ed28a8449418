/**
 * `Client`: the API over `fetch`. The core builds each request and judges each response; this class only
 * sends, reads and sleeps where the core says to.
 */
import { AndOpenError, ConfigError } from "./errors.js";
import { type Call, type CoreOptions, SansIo, checkFunction, checkNumber, coreOptionsOf } from "./sansio.js";
import { sources } from "./sources.js";
import { LIMITS, init, kindOf, loadable, reading } from "./wasm.js";
import type { GiftRequestStatus } from "./generated.js";
import type { BatchOptions, BatchResult, BatchRow, Campaign, GiftRequest, GiftRequestPayload, HttpRequest, ListCampaignsParams, Page, ResponseInfo, UncheckedPayload, WithResponse } from "./types.js";
import type { Transport } from "./workflows.js";

/** Options of a `Client`. */
export interface ClientOptions extends CoreOptions {
  /** The fetch to send with (the global `fetch` by default). */
  fetch?: typeof fetch;
  /** How to wait (a `setTimeout` promise by default). */
  sleep?: (ms: number) => Promise<void>;
  /** The current time in Unix milliseconds (`Date.now` by default). */
  now?: () => number;
  /**
   * Abandon an exchange after this long (30 s by default): connecting, sending and reading the whole body.
   * A create abandoned so is reported as outcome unknown.
   */
  timeoutMs?: number;
}

/** The retry policy's figures (each the core's default when absent). */
export type RetryOptions = NonNullable<CoreOptions["retry"]>;

/** Options of one call: pass them last to any method of a `Client`. */
export interface CallOptions {
  /**
   * Stops the call: the sleep between attempts and the exchange in flight (its fetch is aborted). The call
   * then rejects with `signal.reason`, except a create whose request may have left: that is an
   * `OutcomeUnknownError` (look the gift up before sending another).
   */
  signal?: AbortSignal;
  /** Abandon each exchange after this long (the client's `timeoutMs` by default). */
  timeoutMs?: number;
  /** This call's retry policy, over the client's (for example `{ maxAttempts: 1 }`: no retry). */
  retry?: RetryOptions;
}

/** How often and how long to poll, with a call's `signal` and `retry`. */
export interface WaitOptions extends Omit<CallOptions, "timeoutMs"> {
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
  /** The options, API key included: never exposed. */
  readonly #options: ClientOptions;
  #sansIo: SansIo | undefined;
  readonly #fetch: typeof fetch;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #now: () => number;
  readonly #timeoutMs: number;

  /**
   * Checks every option (a `ConfigError` for a refused value, a `TypeError` naming the option for a value of
   * the wrong type); sends nothing. Without `apiKey`, a client on Node, Bun or Deno reads `ANDOPEN_API_KEY`
   * (never in a browser); a client with no key at all refuses to send to the API (`ConfigError`, code
   * `missing_api_key`, the core's rule); to a custom `baseUrl` (your backend, which adds the key) it sends
   * without `Authorization`. In a browser before `init()`, the options the core checks are checked on the first
   * call, which loads the module.
   */
  constructor(options: ClientOptions = {}) {
    if (options === null || typeof options !== "object" || Array.isArray(options)) throw new TypeError(`options must be an object, not ${kindOf(options)}`);
    const copy = reading("options", () => ({ ...options }));
    const { fetch: f = globalThis.fetch, sleep, now, timeoutMs } = copy;
    checkFunction(f, "options.fetch");
    checkFunction(sleep, "options.sleep");
    checkFunction(now, "options.now");
    checkNumber(timeoutMs, "options.timeoutMs");
    if (typeof f !== "function") throw new TypeError("no fetch: pass options.fetch");
    if (copy.apiKey === undefined) {
      const fromEnv = sources.envKey?.();
      if (fromEnv !== undefined) copy.apiKey = fromEnv;
    }
    this.#options = copy;
    if (loadable()) this.#sansIo = new SansIo(copy); // checks every core option now, timeoutMs's bounds included
    this.#fetch = f;
    this.#sleep = sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#now = now ?? Date.now;
    this.#timeoutMs = timeoutMs ?? 30_000;
  }

  /** The sans-IO calls behind this client, for sending with another transport (in a browser, after `init()`). */
  get sansIo(): SansIo {
    return (this.#sansIo ??= new SansIo(this.#options));
  }

  /**
   * The sans-IO layer for one call: the module loaded first (lazily), the key required, the call's retry
   * figures over the client's.
   */
  async #prepare(options: CallOptions | WaitOptions | undefined, wait = false): Promise<{ sansIo: SansIo; signal: AbortSignal | undefined; timeoutMs: number }> {
    if (options !== undefined && (options === null || typeof options !== "object" || Array.isArray(options))) throw new TypeError(`options must be an object, not ${kindOf(options)}`);
    // Every option is read here, once, getters included: one that throws is reported like any refused option.
    const { signal, retry, timeoutMs } = reading("options", () => {
      const read: CallOptions = { ...options };
      const r: unknown = read.retry;
      if (r !== undefined && (r === null || typeof r !== "object" || Array.isArray(r))) throw new TypeError(`options.retry must be an object, not ${kindOf(r)}`);
      return { signal: read.signal, timeoutMs: read.timeoutMs, retry: r === undefined ? undefined : { ...(r as RetryOptions) } };
    });
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError(`options.signal must be an AbortSignal, not ${kindOf(signal)}`);
    checkNumber(timeoutMs, "options.timeoutMs");
    signal?.throwIfAborted();
    if (this.#sansIo === undefined) {
      await init();
      this.#sansIo ??= new SansIo(this.#options);
    }
    this.#sansIo.checkCanSend();
    // The call's figures over the client's, checked by the core (a wait's timeoutMs with its interval).
    const exchange = wait ? undefined : timeoutMs;
    const sansIo =
      retry === undefined && exchange === undefined
        ? this.#sansIo
        : new SansIo({ ...this.#options, timeoutMs: exchange ?? this.#options.timeoutMs, retry: { ...this.#options.retry, ...retry } } as ClientOptions);
    // A wait's `timeoutMs` is the whole wait's (the core's deadline); each exchange keeps the client's.
    return { sansIo, signal, timeoutMs: wait ? this.#timeoutMs : (timeoutMs ?? this.#timeoutMs) };
  }

  /** Creates a gift request (choice-mode, or direct-send with `shipping_address` and `line_items`). */
  async createGiftRequest(payload: GiftRequestPayload | UncheckedPayload | string, options?: CallOptions): Promise<WithResponse<GiftRequest>> {
    const { sansIo, ...call } = await this.#prepare(options);
    return this.#run(sansIo.createGiftRequest<GiftRequest>(payload), call);
  }

  /** Reads a gift request. */
  async getGiftRequest(id: string, options?: CallOptions): Promise<WithResponse<GiftRequest>> {
    const { sansIo, ...call } = await this.#prepare(options);
    return this.#run(sansIo.getGiftRequest<GiftRequest>(id), call);
  }

  /** Reads a campaign with its catalogue. */
  async getCampaign(id: string, options?: CallOptions): Promise<WithResponse<Campaign>> {
    const { sansIo, ...call } = await this.#prepare(options);
    return this.#run(sansIo.getCampaign<Campaign>(id), call);
  }

  /** Every campaign, newest first, fetching page after page as you iterate (`options` apply to each page). */
  async *listCampaigns(params: ListCampaignsParams = {}, options?: CallOptions): AsyncGenerator<Campaign, void, undefined> {
    for await (const page of this.listCampaignPages(params, options)) yield* page.data;
  }

  /** Every page of campaigns, each with the response that carried it. */
  async *listCampaignPages(params: ListCampaignsParams = {}, options?: CallOptions): AsyncGenerator<WithResponse<Page<Campaign>>, void, undefined> {
    const { sansIo, ...call } = await this.#prepare(options);
    const pages = sansIo.listCampaigns<Page<Campaign>>(params);
    while (pages.request() !== undefined) yield await this.#run(pages, call);
  }

  /** Polls a gift request until its redemption URL is there (it is generated shortly after creation). */
  async waitForRedemptionUrl(id: string, options: WaitOptions = {}): Promise<WithResponse<GiftRequest>> {
    return this.waitForStatus(id, "redemption_url", options);
  }

  /** Polls a gift request until it reaches `status` (or passes it), or `"redemption_url"` is set. */
  async waitForStatus(id: string, status: Exclude<GiftRequestStatus, "unknown"> | "redemption_url", options: WaitOptions = {}): Promise<WithResponse<GiftRequest>> {
    const { sansIo, ...call } = await this.#prepare(options, true);
    const { intervalMs = 2_000, timeoutMs = 120_000 } = reading("options", () => ({ ...options }));
    return this.#run(sansIo.waitForGiftRequest<GiftRequest>(id, status, intervalMs, timeoutMs), call);
  }

  /**
   * Sends many gifts from one campaign: one result per row (sent with its id and redemption URL, skipped
   * with the reason, failed with the error, or outcome unknown with the request id), paced by the rate-limit
   * headers, journaled so that a stopped run resumes without sending any row twice. Each row is a create
   * body without `campaign_id`, plus its `row_key`. Loads the workflows module on first use.
   */
  async sendBatch(rows: BatchRow[], options: BatchOptions): Promise<BatchResult> {
    const { sansIo } = await this.#prepare(undefined);
    const { runBatch } = await import("./workflows.js");
    return runBatch(this.#transport(sansIo), rows, false, options);
  }

  /**
   * `sendBatch` on CSV text with a header line: `first_name`, `last_name` (required), `email`, `row_key`,
   * the shipping columns (`address1`, `address2`, `city`, `region`, `postal_code`, `country_code`, `phone`),
   * and one item's `sku`, `variant_id`, `quantity`. Headers match regardless of case, spaces and dashes.
   */
  async sendBatchCsv(csv: string, options: BatchOptions): Promise<BatchResult> {
    const { sansIo } = await this.#prepare(undefined);
    const { runBatch } = await import("./workflows.js");
    return runBatch(this.#transport(sansIo), csv, true, options);
  }

  #transport(sansIo: SansIo): Transport {
    return {
      coreOptions: coreOptionsOf(sansIo),
      exchange: (request) => this.#exchange(request, undefined, this.#timeoutMs),
      sleep: this.#sleep,
      now: this.#now,
    };
  }

  /**
   * One exchange with the server: the answer, or whether the request may have reached it. The timeout
   * bounds all of it (connecting, sending, the whole body), even with a `fetch` that ignores its signal; so
   * does the caller's `signal`. At most `maxResponseBytes + 1` bytes of the body are read (the rest is
   * cancelled): the core judges a longer body unread. A body cut after the status came is no answer: the
   * request may have landed.
   */
  async #exchange(request: HttpRequest, caller: AbortSignal | undefined, timeoutMs: number): Promise<{ status: number; headers: [string, string][]; body: Uint8Array } | { maybeSent: boolean }> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = caller === undefined ? timeout : anySignal(caller, timeout);
    let response: Response;
    try {
      const init: RequestInit = { method: request.method, headers: request.headers, signal };
      if (request.body !== null) init.body = request.body;
      response = await untilAborted(Promise.resolve(this.#fetch(request.url, init)), signal);
      if (response === null || typeof response !== "object") return { maybeSent: true }; // not a Response: no answer
      const status = response.status;
      const headers = [...response.headers.entries()];
      const body = await readBody(response, LIMITS.maxResponseBytes + 1, signal);
      return { status, headers, body };
    } catch (error) {
      return { maybeSent: !neverSent(error) };
    }
  }

  /** Drives a call to its end: send, judge, sleep, send again. */
  async #run<T extends object>(call: Call<T>, { signal, timeoutMs }: { signal: AbortSignal | undefined; timeoutMs: number }): Promise<WithResponse<T>> {
    for (;;) {
      signal?.throwIfAborted(); // nothing in flight: the call stops here
      const request = call.request();
      if (request === undefined) throw new AndOpenError({ kind: "finished", message: "this call has already finished", type: null, code: null, param: null, status: null, request_id: null, retry_after_s: null, rate_limit: null, attempts: null, errors: [] });
      const answer = await this.#exchange(request, signal, timeoutMs);
      // An exchange the caller aborted is a transport failure to the core: a create that may have left is
      // then outcome unknown (never failed); anything else stops with the caller's reason.
      const step =
        "maybeSent" in answer
          ? call.handleTransportFailure(answer.maybeSent, this.#now())
          : call.handleResponse(answer.status, answer.headers, answer.body, this.#now());
      if (step.step === "done") return withResponse(step.value, step.meta);
      if (step.step === "failed") throw step.error;
      signal?.throwIfAborted();
      await untilAborted(this.#sleep(step.ms), signal);
    }
  }
}

/** A signal that aborts when either does (`AbortSignal.any`, where the runtime has it). */
function anySignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  const any = (AbortSignal as { any?: (signals: AbortSignal[]) => AbortSignal }).any;
  if (any !== undefined) return any([a, b]);
  const both = new AbortController();
  for (const s of [a, b]) {
    if (s.aborted) both.abort(s.reason);
    else s.addEventListener("abort", () => both.abort(s.reason), { once: true });
  }
  return both.signal;
}

/** `promise`, or a rejection as soon as `signal` aborts (for a `fetch` or a stream that ignores it). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener("abort", abort, { once: true });
    promise.then(
      (value) => (signal.removeEventListener("abort", abort), resolve(value)),
      (error: unknown) => (signal.removeEventListener("abort", abort), reject(error)),
    );
  });
}

/**
 * The first `most` bytes of a response's body, read as a stream; the rest is cancelled unread. Throws when
 * the body fails (cut by the connection) or `signal` aborts first.
 */
async function readBody(response: Response, most: number, signal: AbortSignal): Promise<Uint8Array> {
  const stream = response.body;
  if (stream === null || stream === undefined) {
    // No stream: a body-less answer, or a `fetch` of the caller's that only offers `arrayBuffer`.
    if (typeof response.arrayBuffer !== "function") return new Uint8Array(0);
    const all = new Uint8Array(await untilAborted(response.arrayBuffer(), signal));
    return all.length > most ? all.subarray(0, most) : all;
  }
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (total < most) {
      const { done, value } = await untilAborted(reader.read(), signal);
      if (done) break;
      const chunk = value instanceof Uint8Array ? value : new Uint8Array(value as ArrayBufferLike);
      const kept = Math.min(chunk.length, most - total);
      chunks.push(kept === chunk.length ? chunk : chunk.subarray(0, kept));
      total += kept;
    }
  } catch (error) {
    void reader.cancel().catch(() => {});
    throw error;
  }
  if (total >= most) void reader.cancel().catch(() => {}); // the rest is never read
  else reader.releaseLock();
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0];
  const body = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.length;
  }
  return body;
}
