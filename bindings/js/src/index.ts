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
import { LIMITS, bodyText, ensure, guarded, core, validatePayload, type Limits } from "./wasm.js";
import type { FieldError } from "./errors.js";
import { SansIo, type CoreOptions } from "./sansio.js";
import type { GiftRequestPayload, HttpRequest, ListCampaignsParams, PartialGiftRequestPayload, UncheckedPayload } from "./types.js";

export * from "./errors.js";
export * from "./types.js";
export { Client, type ClientOptions, type WaitOptions } from "./client.js";
// The workflows (webhooks, gift history, batch journals) are in `@andopen/sdk/workflows`: a second module.
export { Call, SansIo, type CoreOptions, type Step } from "./sansio.js";
export { init, initSync, type InitSource, type Limits, type SyncInitInput } from "./wasm.js";

/**
 * The SDK's limits, each the core's own figure (`core/src/limits.rs`): the largest body validated or sent,
 * the largest response read, problems listed, and so on. For display and for your own transport: a
 * transport of yours should stop reading a response after `maxResponseBytes + 1` bytes.
 */
export function limits(): Limits {
  ensure();
  return LIMITS;
}

/**
 * Every problem of a gift-request payload, in the server's words (`[]` when it is valid). Call it as a form
 * changes: it needs no key and sends nothing. Each error's `param` names the field to show it under. A
 * payload over `limits().maxBodyBytes` is one `body_too_large` problem (it is not read further); one that
 * JSON cannot hold (`undefined`, a `BigInt`, a cycle, a getter that throws) is a `TypeError` naming it.
 */
export function validateGiftRequest(payload: PartialGiftRequestPayload | UncheckedPayload | string): FieldError[] {
  const errors = validatePayload(payload, "payload");
  return errors === undefined ? [] : (JSON.parse(errors) as FieldError[]);
}

/**
 * The exact JSON body to send for a payload; throws `ValidationError` with every field problem (a payload
 * over `limits().maxBodyBytes` is `body_too_large`, unread), or a `TypeError` for what JSON cannot hold.
 */
export function giftRequestBody(payload: GiftRequestPayload | UncheckedPayload | string): string {
  const text = bodyText(payload, "payload");
  return guarded(() => core.giftRequestBody(text));
}

/**
 * `payload` as it is, typed so that any call takes it: the explicit way to send fields the SDK does not model
 * (`unchecked({ ...payload, gift_note: "…" })`) or data whose shape is not known (a parsed request body).
 * The core still validates it; nothing is checked at compile time.
 */
export function unchecked(payload: unknown): UncheckedPayload {
  return payload as UncheckedPayload;
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
