/**
 * The sans-IO layer: calls that hand out requests and judge responses, without sending anything.
 * `Client` drives them over `fetch`; use them directly to send with your own transport.
 */
import { ConfigError, ValidationError, type AndOpenError, type ErrorReport, type RateLimit } from "./errors.js";
import { errorFromReport, report } from "./reports.js";
import type { HttpRequest, ListCampaignsParams } from "./types.js";
import { closeStatus } from "./status.js";
import { CoreCall, CoreClient } from "../wasm/andopen.js";
import { LIMITS, bodyText, ensure, guarded, kindOf, reading } from "./wasm.js";

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

type RawStep = { step: "done"; value: unknown; meta: never; unknown_status?: string } | { step: "wait"; ms: number } | { step: "failed"; error: ErrorReport };

function inBrowser(): boolean {
  const g = globalThis as { window?: { document?: unknown } };
  return typeof g.window === "object" && g.window !== null && typeof g.window.document !== "undefined";
}

/**
 * The options a `Client` uses itself (transport); every other option goes to the core, which refuses unknown
 * ones (`timeoutMs` too: the transport keeps it, the core checks its bounds).
 */
const TRANSPORT_OPTIONS = new Set(["fetch", "sleep", "now"]);


/**
 * `value` as JSON text for the core, refusing what `JSON.stringify` would silently change or drop: a
 * function, symbol or `BigInt`, a number that is not finite, an object that is not plain or an array,
 * nesting deeper than a few levels (a `TypeError` naming the field); and a string longer than
 * `MAX_BODY_BYTES` code units (a `ConfigError` for an option, else a `ValidationError`), never cut: a key or
 * a cursor cut short would be another one. `undefined` fields are left out.
 */
export function strictJson(value: unknown, name: string, kind: "config" | "validation"): string {
  return reading(name, () => JSON.stringify(strict(value, name, 0, kind)));
}

function strict(value: unknown, name: string, depth: number, kind: "config" | "validation"): unknown {
  switch (typeof value) {
    case "string":
      if (value.length > LIMITS.maxBodyBytes) {
        const problem = report(kind, kind === "config" ? "invalid_option" : "invalid", name, `${name} is longer than the SDK's limit of ${LIMITS.maxBodyBytes} characters (MAX_BODY_BYTES)`);
        throw kind === "config" ? new ConfigError(problem) : new ValidationError(problem);
      }
      return value;
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`${name} must be a finite number, not ${value}`);
      return value;
    case "object":
      break;
    default:
      throw new TypeError(`${name} must be JSON (a string, number, boolean, object or array), not ${kindOf(value)}`);
  }
  if (value === null) return null;
  if (depth >= 4) throw new TypeError(`${name} nests too deep`);
  if (Array.isArray(value)) {
    if (value.length > LIMITS.maxProblems) throw new TypeError(`${name} has more than ${LIMITS.maxProblems} items`);
    return Array.from({ length: value.length }, (_, i) => strict(value[i], `${name}[${i}]`, depth + 1, kind));
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new TypeError(`${name} must be a plain object, not ${toStringOf.call(value)}`);
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const [key, item] of Object.entries(value)) {
    if (++n > LIMITS.maxProblems) throw new TypeError(`${name} has more than ${LIMITS.maxProblems} fields`);
    if (item !== undefined) out[key] = strict(item, `${name}.${key}`, depth + 1, kind);
  }
  return out;
}

const toStringOf = Object.prototype.toString;

/** The options as the core reads them (JSON text): the transport's options left out, every value checked. */
function optionsJson(options: unknown): string {
  if (options === undefined) options = {};
  if (options === null || typeof options !== "object" || Array.isArray(options)) throw new TypeError(`options must be an object, not ${kindOf(options)}`);
  const core: Record<string, unknown> = {};
  const entries = reading("options", () => Object.entries(options as object));
  if (entries.length > LIMITS.maxProblems) throw new TypeError(`options has more than ${LIMITS.maxProblems} fields`);
  for (const [key, value] of entries) {
    if (TRANSPORT_OPTIONS.has(key) || value === undefined) continue;
    if (key === "dangerouslyAllowBrowser") core["allowKeyInBrowser"] = value;
    else core[key] = value;
  }
  core["inBrowser"] = inBrowser();
  core["jitterSeed"] ??= Math.floor(Math.random() * 2 ** 32);
  return strictJson(core, "options", "config");
}

/** Whether `f` is a function, for an option that must be one. */
export function checkFunction(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== "function") throw new TypeError(`${name} must be a function, not ${kindOf(value)}`);
}

/**
 * A number of milliseconds for `name` (a `TypeError` for another type); its bounds are the core's, checked
 * with the options (`timeoutMs`) or the wait (`intervalMs`, `timeoutMs`) once the module is loaded.
 */
export function checkNumber(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== "number") throw new TypeError(`${name} must be a number of milliseconds, not ${kindOf(value)}`);
}

/** A string the core reads (an id, a status): refused when it is not one; cut just past the body limit. */
function text(value: unknown, name: string): string {
  if (typeof value !== "string") throw new TypeError(`${name} must be a string, not ${kindOf(value)}`);
  return value.length > LIMITS.maxBodyBytes ? value.slice(0, LIMITS.maxBodyBytes + 1) : value;
}

/** A number the core reads (a time, a delay). */
function number(value: unknown, name: string): number {
  if (typeof value !== "number") throw new TypeError(`${name} must be a number, not ${kindOf(value)}`);
  return value;
}

/** Headers as pairs of strings, from `Headers`, any iterable of pairs, or a plain object. */
function headerPairs(headers: unknown): [string, string][] {
  if (headers === null || typeof headers !== "object") throw new TypeError(`headers must be Headers, pairs or an object, not ${kindOf(headers)}`);
  return reading("headers", () => {
    const source: Iterable<unknown> =
      Symbol.iterator in headers ? (headers as Iterable<unknown>) : Object.entries(headers);
    const pairs: [string, string][] = [];
    for (const pair of source) {
      if (!Array.isArray(pair) || typeof pair[0] !== "string" || typeof pair[1] !== "string") {
        throw new TypeError("headers must hold [name, value] pairs of strings");
      }
      pairs.push([pair[0], pair[1]]);
    }
    return pairs;
  });
}

/**
 * A response body as the core reads it: at most `maxResponseBytes + 1` bytes of it (the core judges a
 * longer one unread, so no more is ever copied into the module).
 */
function bodyBytes(body: unknown): Uint8Array {
  const view = body instanceof ArrayBuffer ? new Uint8Array(body) : body;
  if (!(view instanceof Uint8Array)) throw new TypeError(`body must be a Uint8Array or an ArrayBuffer, not ${kindOf(body)}`);
  const most = LIMITS.maxResponseBytes + 1;
  return view.length > most ? view.subarray(0, most) : view;
}

/** One call: send `request()`, hand the answer to `handleResponse`, do what the step says. */
export class Call<T> {
  readonly #inner: CoreCall;

  /** @internal */
  constructor(inner: CoreCall) {
    this.#inner = inner;
  }

  /** The request to send now; `undefined` once a list is finished. */
  request(): HttpRequest | undefined {
    const text = this.#inner.request();
    if (text === undefined) return undefined;
    const raw = JSON.parse(text) as { method: "GET" | "POST"; url: string; headers: [string, string][]; body: string | null };
    return { method: raw.method, url: raw.url, headers: Object.fromEntries(raw.headers), body: raw.body };
  }

  /**
   * Judges the answer to the last request; `nowMs` is `Date.now()`. `status` is passed as the transport
   * got it: one outside 100–599 is no HTTP answer (a read backs off, a create is outcome unknown). Read at
   * most `limits().maxResponseBytes + 1` bytes of the body: a longer one is judged unread (a read fails to
   * decode, a create is outcome unknown). A body cut by the connection is no answer: call
   * `handleTransportFailure(true, …)` instead.
   */
  handleResponse(status: number, headers: Iterable<[string, string]> | Record<string, string>, body: Uint8Array | ArrayBuffer, nowMs: number): Step<T> {
    const s = number(status, "status");
    const h = JSON.stringify(headerPairs(headers));
    const b = bodyBytes(body);
    return toStep<T>(this.#inner.handleResponse(s, h, b, number(nowMs, "nowMs")));
  }

  /**
   * Reports that no response came, or that it was cut before its body ended; `maybeSent` says whether the
   * request may have reached the server (only `false` when the connection was never made).
   */
  handleTransportFailure(maybeSent: boolean, nowMs: number): Step<T> {
    if (typeof maybeSent !== "boolean") throw new TypeError(`maybeSent must be true or false, not ${kindOf(maybeSent)}`);
    return toStep<T>(this.#inner.handleTransportFailure(maybeSent, number(nowMs, "nowMs")));
  }
}

/**
 * A step as the core wrote it. A gift request whose status the core does not know comes with that status's
 * text in the step's `unknown_status`: the result is reported with `status: "unknown"` and the text in its
 * own `unknown_status` (see `status.ts`; the core decides which statuses it knows).
 */
function toStep<T>(text: string): Step<T> {
  const raw = JSON.parse(text) as RawStep;
  if (raw.step === "failed") return { step: "failed", error: errorFromReport(raw.error) };
  if (raw.step === "done") {
    const { unknown_status: unknown, ...done } = raw;
    return { ...done, value: closeStatus(done.value, unknown) } as Step<T>;
  }
  return raw as Step<T>;
}

/** The options a `SansIo` was made with, as the core reads them: see `coreOptionsOf`. */
let optionsOf: (sansIo: SansIo) => string;

/**
 * Makes calls from one configuration; validates every input first. The API key it holds is on no printable
 * surface (`console.log`, `util.inspect`, `JSON.stringify`, `String`, its own properties): only the built
 * request's `Authorization` header carries it.
 */
export class SansIo {
  readonly #core: CoreClient;
  /** The options as the core reads them, API key included: never exposed (see `coreOptionsOf`). */
  readonly #coreOptions: string;

  static {
    optionsOf = (sansIo) => sansIo.#coreOptions;
  }

  /**
   * Checks every option (a `ConfigError` for a refused value, a `TypeError` for a wrong type). In a browser,
   * call `await init()` first.
   */
  constructor(options: CoreOptions = {}) {
    ensure();
    this.#coreOptions = optionsJson(options);
    this.#core = guarded(() => new CoreClient(this.#coreOptions));
  }

  /**
   * Throws `ConfigError` (`missing_api_key`) when a request to the API would go without a key, as every
   * call does: for a run of calls (a batch) before the first.
   */
  checkCanSend(): void {
    guarded(() => this.#core.checkCanSend());
  }

  /** Where requests go. */
  get baseUrl(): string {
    return this.#core.baseUrl();
  }

  /** `POST /gift_requests`; throws `ValidationError` with every field problem. */
  createGiftRequest<T>(payload: object | string): Call<T> {
    const body = bodyText(payload, "payload");
    return new Call(guarded(() => this.#core.createGiftRequest(body)));
  }

  /** `GET /gift_requests/{id}` (the id must be a UUID). */
  getGiftRequest<T>(id: string): Call<T> {
    const checked = text(id, "id");
    return new Call(guarded(() => this.#core.getGiftRequest(checked)));
  }

  /** `GET /campaigns/{id}` (the id must be a UUID). */
  getCampaign<T>(id: string): Call<T> {
    const checked = text(id, "id");
    return new Call(guarded(() => this.#core.getCampaign(checked)));
  }

  /** `GET /campaigns`, page after page. */
  listCampaigns<T>(params: ListCampaignsParams = {}): Call<T> {
    if (params === null || typeof params !== "object" || Array.isArray(params)) throw new TypeError(`params must be an object, not ${kindOf(params)}`);
    const json = strictJson(params, "params", "validation");
    return new Call(guarded(() => this.#core.listCampaigns(json)));
  }

  /** `GET /gift_requests/{id}` until `until` (`"redemption_url"` or a status) is reached. */
  waitForGiftRequest<T>(id: string, until: string, intervalMs: number, timeoutMs: number): Call<T> {
    const [i, u, every, within] = [text(id, "id"), text(until, "until"), number(intervalMs, "intervalMs"), number(timeoutMs, "timeoutMs")];
    return new Call(guarded(() => this.#core.waitForGiftRequest(i, u, every, within)));
  }
}

/** @internal The options a `SansIo` was made with, as the core reads them (for the workflows module's client). */
export function coreOptionsOf(sansIo: SansIo): string {
  return optionsOf(sansIo);
}
