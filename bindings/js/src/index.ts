/**
 * The &Open SDK for JavaScript and TypeScript (what every entry of the package exports; the entries only
 * say where the WebAssembly module is).
 *
 * - `init()` / `initSync({ module })`: load the WebAssembly module explicitly (in a browser, before the
 *   first synchronous call; Node, Bun, Deno and workerd load it on first use).
 * - `validateGiftRequest(payload)`: every field problem of a gift request, in the server's words, with no
 *   key and no network (for forms).
 * - `buildRequest.*`: the exact HTTP request for an operation, as plain JSON (for no-code tools).
 * - `Client`: the API over `fetch`, with retries that never send a gift twice.
 */
import { giftRequestBody as coreBody } from "../wasm/andopen.js";
import { bodyText, guarded } from "./wasm.js";
import { SansIo, type CoreOptions } from "./sansio.js";
import type { GiftRequestPayload, HttpRequest, ListCampaignsParams, UncheckedPayload } from "./types.js";

// The error classes, named one by one: the browser entry is one file (scripts/bundle.mjs) that imports
// errors.js rather than copying it, and a bundler turns `export *` of a file it leaves out into a copy made
// at run time, which an ES module's importers do not see. A test checks that no class is missing.
export {
  AndOpenError,
  ApiError,
  AuthenticationError,
  AuthorizationError,
  ConfigError,
  DecodeError,
  NotFoundError,
  OutcomeUnknownError,
  RateLimitError,
  TimeoutError,
  TransportError,
  UnreachableError,
  ValidationError,
  WebhookRefusedError,
  type ErrorItem,
  type ErrorKind,
  type ErrorReport,
  type FieldError,
  type RateLimit,
} from "./errors.js";
export * from "./types.js";
export { Client, type ClientOptions, type WaitOptions } from "./client.js";
// The workflows (webhooks, gift history, batch journals) are in `@andopen/sdk/workflows`: a second module.
export { Call, SansIo, type CoreOptions, type Step } from "./sansio.js";
export { init, initSync, type InitSource, type Limits, type SyncInitInput } from "./wasm.js";
export { limits, unchecked, validateGiftRequest } from "./validate.js";

/**
 * The exact JSON body to send for a payload; throws `ValidationError` with every field problem (a payload
 * over `limits().maxBodyBytes` is `body_too_large`, unread), or a `TypeError` for what JSON cannot hold.
 */
export function giftRequestBody(payload: GiftRequestPayload | UncheckedPayload | string): string {
  const text = bodyText(payload, "payload");
  return guarded(() => coreBody(text));
}

function firstRequest(call: { request(): HttpRequest | undefined }): HttpRequest {
  const request = call.request();
  if (request === undefined) throw new Error("unreachable: a new call always has a request");
  return request;
}

/**
 * The exact HTTP request for each operation, as plain JSON: for tools that send it themselves. Options are
 * those of a client (`apiKey`, `environment`, `region`, `baseUrl`); without a key there is no
 * `Authorization` header.
 */
export const buildRequest = {
  createGiftRequest: (payload: GiftRequestPayload | UncheckedPayload | string, options: CoreOptions = {}): HttpRequest =>
    firstRequest(new SansIo(options).createGiftRequest(payload)),
  getGiftRequest: (id: string, options: CoreOptions = {}): HttpRequest => firstRequest(new SansIo(options).getGiftRequest(id)),
  getCampaign: (id: string, options: CoreOptions = {}): HttpRequest => firstRequest(new SansIo(options).getCampaign(id)),
  listCampaigns: (params: ListCampaignsParams = {}, options: CoreOptions = {}): HttpRequest =>
    firstRequest(new SansIo(options).listCampaigns(params)),
};
