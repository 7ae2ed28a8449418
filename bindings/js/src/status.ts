/**
 * Gift-request statuses as a closed union. The API may add statuses; one this SDK does not know arrives
 * as `status: "unknown"`, its text kept beside it in `unknown_status`, so that `status` never widens to
 * `string` and a misspelt comparison is a type error.
 */
import type { GiftRequestStatus } from "./generated.js";

/**
 * Whether a status is one of the contract's: the compiler checks that this object names every member of
 * `GiftRequestStatus` (generated from the core's enum), no more, no less.
 */
const KNOWN = {
  submitted: true,
  redeemed: true,
  dispatched: true,
  delivered: true,
  cancelled: true,
  unknown: false,
} as const satisfies Record<GiftRequestStatus, boolean>;

/** Whether `text` is a status of the contract (`"unknown"` is not: it is the SDK's stand-in). */
export function isKnownStatus(text: unknown): text is Exclude<GiftRequestStatus, "unknown"> {
  return typeof text === "string" && Object.hasOwn(KNOWN, text) && KNOWN[text as GiftRequestStatus];
}

/**
 * `value` with a status of the union: a gift request whose `status` is a string this SDK does not know gets
 * `status: "unknown"` and the text in `unknown_status`. Anything else is returned as it is.
 */
export function closeStatus<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  const status = (value as { status?: unknown }).status;
  if (typeof status !== "string" || isKnownStatus(status)) return value;
  return { ...value, status: "unknown", unknown_status: status };
}

/**
 * `gift` as the API wrote it: the inverse of `closeStatus` for a gift request handed back to the core (its
 * text status restored, `unknown_status` gone).
 */
export function openStatus<T>(gift: T): T {
  if (gift === null || typeof gift !== "object") return gift;
  const { status, unknown_status: text, ...rest } = gift as { status?: unknown; unknown_status?: unknown };
  if (status !== "unknown" || typeof text !== "string") return gift;
  return { ...rest, status: text } as T;
}
