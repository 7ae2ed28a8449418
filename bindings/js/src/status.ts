/**
 * Gift-request statuses as a closed union. The API may add statuses; one this SDK does not know arrives
 * as `status: "unknown"`, its text kept beside it in `unknown_status`, so that `status` never widens to
 * `string` and a misspelt comparison is a type error. Which statuses are known is the core's to say: a
 * step, and a webhook's delivery, name the status the core does not know; it is closed here.
 */

/**
 * `value` with `status: "unknown"` and `unknown_status: text` when the core reported its status as one it
 * does not know (`text` given); else `value` as it is.
 */
export function closeStatus<T>(value: T, text: string | undefined): T {
  return text === undefined ? value : { ...value, status: "unknown", unknown_status: text };
}
