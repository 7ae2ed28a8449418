// Generated from the Rust types of andopen-core (core/tests/typescript.rs): do not edit.

/** A UUID, as the API writes ids. */
export type Uuid = string;

/** An ISO 8601 timestamp in UTC with milliseconds, e.g. `2026-04-16T10:30:00.000Z`. */
export type Timestamp = string;

/** An ISO 3166-1 alpha-2 country code, uppercase. */
export type CountryCode = string;

/** Where a gift request has got to; a status this SDK does not know is `"unknown"`. */
export type GiftRequestStatus = "submitted" | "redeemed" | "dispatched" | "delivered" | "cancelled" | "unknown";

/** A gift request, as the API returns it. */
export type GiftRequest = { 
/**
 * The gift request's id.
 */
id: Uuid, 
/**
 * Where the gift has got to.
 */
status: GiftRequestStatus, 
/**
 * The campaign it belongs to.
 */
campaign_id: Uuid | null, 
/**
 * The link the recipient follows to redeem; `None` until it is generated, shortly after creation.
 */
redemption_url: string | null, 
/**
 * Who the gift is for.
 */
recipient: Recipient, 
/**
 * Where it ships: present in direct-send, `None` in choice-mode.
 */
shipping_address: ShippingAddress | null, 
/**
 * The items, once locked (at creation in direct-send, at redemption in choice-mode). `None` means
 * "not yet locked", never "no items".
 */
line_items: Array<LineItem> | null, 
/**
 * When it was created.
 */
created_at: Timestamp, 
/**
 * When it last changed.
 */
updated_at: Timestamp, };

/** The recipient of a gift request, as returned. */
export type Recipient = { 
/**
 * The server-assigned id.
 */
id: Uuid | null, 
/**
 * First name.
 */
first_name: string, 
/**
 * Last name.
 */
last_name: string, 
/**
 * Email address, when one was given.
 */
email: string | null, };

/** A direct-send address, as returned. */
export type ShippingAddress = { 
/**
 * Street address.
 */
address1: string, 
/**
 * Second address line.
 */
address2: string | null, 
/**
 * City.
 */
city: string, 
/**
 * Region (required even where the country has none).
 */
region: string, 
/**
 * Postal code.
 */
postal_code: string, 
/**
 * ISO 3166-1 alpha-2 country code.
 */
country_code: CountryCode, 
/**
 * Contact number for the carrier.
 */
phone: string, };

/** A locked line item, as returned. */
export type LineItem = { 
/**
 * The variant, as a bare id.
 */
variant_id: Uuid | null, 
/**
 * The variant's SKU.
 */
sku: string | null, 
/**
 * How many.
 */
quantity: number, };

/** The category of an error. */
export type ErrorType = "validation_error" | "authentication_error" | "authorization_error" | "not_found_error" | "rate_limit_error" | "api_error" | (string & {});

/** A machine-readable error code (an open set). */
export type ErrorCode = "required" | "invalid_format" | "invalid" | "invalid_reference" | "out_of_stock" | "malformed_request" | "unsupported_api_version" | "invalid_token" | "body_too_large" | "too_many_problems" | (string & {});

/** One problem, in the server's words: show `message` under the field named by `param`. */
export type ErrorItem = { 
/**
 * The category.
 */
type: ErrorType, 
/**
 * The machine-readable code.
 */
code: ErrorCode, 
/**
 * A human-readable explanation of this occurrence, for developers.
 */
message: string, 
/**
 * The field at fault in dot notation with indexes (`line_items[0].sku`); `None` when no field is.
 */
param: string | null, };

/** The `RateLimit-*` headers of a response (`reset` in absolute Unix seconds). */
export type RateLimit = { 
/**
 * `RateLimit-Limit`: the ceiling for the current window.
 */
limit: number | null, 
/**
 * `RateLimit-Remaining`: requests left in the window.
 */
remaining: number | null, 
/**
 * `RateLimit-Reset`: when the window resets, in absolute Unix seconds (not a delay).
 */
reset: number | null, };

/** Status, request id and rate limits of a response. */
export type MetaReport = { 
/**
 * The HTTP status.
 */
status: number, 
/**
 * `Request-Id`.
 */
request_id: string | null, 
/**
 * The `RateLimit-*` figures.
 */
rate_limit: RateLimit, };

/** An error as plain data, as the core reports it. */
export type ErrorReport = { 
/**
 * [`crate::ErrorKind`] as text: `config`, `validation`, `api`, `outcome_unknown`, `transport`,
 * `decode`, `timeout`, `unreachable`, `finished`.
 */
kind: "config" | "validation" | "api" | "outcome_unknown" | "transport" | "decode" | "timeout" | "unreachable" | "finished", 
/**
 * A readable sentence (the error's `Display`): never the API key.
 */
message: string, 
/**
 * The category of the first problem (`validation_error`, …), falling back on the status.
 */
type: string | null, 
/**
 * The first problem's code, or the configuration problem's code.
 */
code: string | null, 
/**
 * The first problem's field, in dot notation.
 */
param: string | null, 
/**
 * The HTTP status behind the error.
 */
status: number | null, 
/**
 * The `Request-Id` behind the error.
 */
request_id: string | null, 
/**
 * `Retry-After`, in seconds.
 */
retry_after_s: number | null, 
/**
 * The rate-limit figures of the response behind the error.
 */
rate_limit: RateLimit | null, 
/**
 * Requests sent, for a transport failure.
 */
attempts: number | null, 
/**
 * Every problem, in the server's words.
 */
errors: Array<ErrorItem>, };

/** The tags of a payload's tokens (`andopen_core::tokens`). */
export const enum Token { Object = 1, Array = 2, String = 3, Number = 4, True = 5, False = 6, Null = 7 }

/** The most bytes of JSON one tag of a payload's tokens stands for, beside its text (`andopen_core::tokens::MOST_PER_TAG`). */
export const MOST_PER_TAG = 20;

/** The tag of a key of `andopen_core::tokens::KEYS` (`KEY | i`), or 0 for a key that goes as text. */
export function keyTag(key: string): number {
  switch (key) {
    case "campaign_id": return 2147483648;
    case "recipient": return 2147483649;
    case "first_name": return 2147483650;
    case "last_name": return 2147483651;
    case "email": return 2147483652;
    case "shipping_address": return 2147483653;
    case "address1": return 2147483654;
    case "address2": return 2147483655;
    case "city": return 2147483656;
    case "region": return 2147483657;
    case "postal_code": return 2147483658;
    case "country_code": return 2147483659;
    case "phone": return 2147483660;
    case "line_items": return 2147483661;
    case "sku": return 2147483662;
    case "variant_id": return 2147483663;
    case "quantity": return 2147483664;
    default: return 0;
  }
}
