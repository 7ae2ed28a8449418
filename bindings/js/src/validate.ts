/**
 * Validation alone: what `@andopen/sdk/validate` exports, and what the full package re-exports. A page with
 * a form imports `@andopen/sdk/validate` to load a module that holds only the validation path (a second,
 * smaller build of the core, without the client), and checks a payload as it changes.
 */
import { LIMITS, ensure, validatePayload, type Limits } from "./wasm.js";
import type { FieldError } from "./errors.js";
import type { PartialGiftRequestPayload, UncheckedPayload } from "./payload.js";

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
 * `payload` as it is, typed so that any call takes it: the explicit way to send fields the SDK does not model
 * (`unchecked({ ...payload, gift_note: "…" })`) or data whose shape is not known (a parsed request body).
 * The core still validates it; nothing is checked at compile time.
 */
export function unchecked(payload: unknown): UncheckedPayload {
  return payload as UncheckedPayload;
}
