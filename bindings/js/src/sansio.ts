/**
 * The sans-IO layer: calls that hand out requests and judge responses, without sending anything.
 * `Client` drives them over `fetch`; use them directly to send with your own transport.
 */
import { errorFromReport, type AndOpenError, type ErrorReport, type RateLimit } from "./errors.js";
import type { HttpRequest, ListCampaignsParams } from "./types.js";
import { core, guarded } from "./wasm.js";

/** Options of a configuration (see `ClientOptions` for the transport options). */
export interface CoreOptions {
  /** `ao-v1-{staging|production}-{secret}`. Refused in a browser unless `dangerouslyAllowBrowser`. */
  apiKey?: string;
  /** Chosen from the key when absent. */
  environment?: "production" | "staging";
  /** The production region (`us` by default). */
  region?: "us" | "eu";
  /** Send elsewhere (a local mock server, a custom deployment). */
  baseUrl?: string;
  /** Accept a key that does not have the standard shape (custom deployments). */
  allowCustomKey?: boolean;
  /** Accept an API key in a browser. Only for private internal tools: anyone who loads the page can read it. */
  dangerouslyAllowBrowser?: boolean;
  /** The retry policy's figures. */
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number; maxRetryAfterMs?: number };
  /** Seeds retry jitter (random by default). */
  jitterSeed?: number;
}

/** What to do next with a call. */
export type Step<T> =
  | { step: "done"; value: T; meta: { status: number; request_id: string | null; rate_limit: RateLimit } }
  | { step: "wait"; ms: number }
  | { step: "failed"; error: AndOpenError };

type RawStep = { step: "done"; value: unknown; meta: never } | { step: "wait"; ms: number } | { step: "failed"; error: ErrorReport };

function inBrowser(): boolean {
  const g = globalThis as { window?: { document?: unknown } };
  return typeof g.window === "object" && g.window !== null && typeof g.window.document !== "undefined";
}

/** The options a `Client` uses itself (transport); every other option goes to the core, which refuses unknown ones. */
const TRANSPORT_OPTIONS = new Set(["fetch", "sleep", "now", "timeoutMs"]);

function optionsJson(options: CoreOptions): string {
  const core: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (TRANSPORT_OPTIONS.has(key) || value === undefined) continue;
    if (key === "dangerouslyAllowBrowser") core["allowKeyInBrowser"] = value;
    else core[key] = value;
  }
  core["inBrowser"] = inBrowser();
  core["jitterSeed"] ??= Math.floor(Math.random() * 2 ** 32);
  return JSON.stringify(core);
}

/** One call: send `request()`, hand the answer to `handleResponse`, do what the step says. */
export class Call<T> {
  readonly #inner: core.CoreCall;

  /** @internal */
  constructor(inner: core.CoreCall) {
    this.#inner = inner;
  }

  /** The request to send now; `undefined` once a list is finished. */
  request(): HttpRequest | undefined {
    const text = this.#inner.request();
    if (text === undefined) return undefined;
    const raw = JSON.parse(text) as { method: "GET" | "POST"; url: string; headers: [string, string][]; body: string | null };
    return { method: raw.method, url: raw.url, headers: Object.fromEntries(raw.headers), body: raw.body };
  }

  /** Judges the answer to the last request; `nowMs` is `Date.now()`. */
  handleResponse(status: number, headers: Iterable<[string, string]>, body: Uint8Array, nowMs: number): Step<T> {
    return toStep<T>(this.#inner.handleResponse(status, JSON.stringify([...headers]), body, nowMs));
  }

  /** Reports that no response came; `maybeSent` says whether the request may have reached the server. */
  handleTransportFailure(maybeSent: boolean, nowMs: number): Step<T> {
    return toStep<T>(this.#inner.handleTransportFailure(maybeSent, nowMs));
  }
}

function toStep<T>(text: string): Step<T> {
  const raw = JSON.parse(text) as RawStep;
  if (raw.step === "failed") return { step: "failed", error: errorFromReport(raw.error) };
  return raw as Step<T>;
}

/** Makes calls from one configuration; validates every input first. */
export class SansIo {
  readonly #core: core.CoreClient;
  /** @internal The options as the core reads them (for the workflows module's own client). */
  readonly coreOptions: string;

  constructor(options: CoreOptions = {}) {
    this.coreOptions = optionsJson(options);
    this.#core = guarded(() => new core.CoreClient(this.coreOptions));
  }

  /** Where requests go. */
  get baseUrl(): string {
    return this.#core.baseUrl();
  }

  /** `POST /gift_requests`; throws `ValidationError` with every field problem. */
  createGiftRequest<T>(payload: object | string): Call<T> {
    const body = typeof payload === "string" ? payload : JSON.stringify(payload);
    return new Call(guarded(() => this.#core.createGiftRequest(body)));
  }

  /** `GET /gift_requests/{id}` (the id must be a UUID). */
  getGiftRequest<T>(id: string): Call<T> {
    return new Call(guarded(() => this.#core.getGiftRequest(id)));
  }

  /** `GET /campaigns/{id}` (the id must be a UUID). */
  getCampaign<T>(id: string): Call<T> {
    return new Call(guarded(() => this.#core.getCampaign(id)));
  }

  /** `GET /campaigns`, page after page. */
  listCampaigns<T>(params: ListCampaignsParams = {}): Call<T> {
    return new Call(guarded(() => this.#core.listCampaigns(JSON.stringify(params))));
  }

  /** `GET /gift_requests/{id}` until `until` (`"redemption_url"` or a status) is reached. */
  waitForGiftRequest<T>(id: string, until: string, intervalMs: number, timeoutMs: number): Call<T> {
    return new Call(guarded(() => this.#core.waitForGiftRequest(id, until, intervalMs, timeoutMs)));
  }
}
