/**
 * Gift-request statuses as a closed union. The API may add statuses; one this SDK does not know arrives
 * as `status: "unknown"`, its text kept beside it in `unknown_status`, so that `status` never widens to
 * `string` and a misspelt comparison is a type error.
 */
import type { GiftRequestStatus } from "./generated.js";

/**
 * Whether a status is one of the contract's (`"unknown"` is not: it is the SDK's stand-in). The compiler
 * checks that this object names every member of `GiftRequestStatus` (generated from the core's enum).
 */
const KNOWN = { submitted: 1, redeemed: 1, dispatched: 1, delivered: 1, cancelled: 1, unknown: 0 } as const satisfies Record<GiftRequestStatus, 0 | 1>;

/**
 * `value` with a status of the union: a gift request whose `status` is a string this SDK does not know gets
 * `status: "unknown"` and the text in `unknown_status`. Anything else is returned as it is.
 */
export function closeStatus<T>(value: T): T {
  const status = (value as { status?: unknown } | null)?.status;
  if (typeof status !== "string" || (Object.hasOwn(KNOWN, status) && KNOWN[status as GiftRequestStatus])) return value;
  return { ...value, status: "unknown", unknown_status: status };
}
