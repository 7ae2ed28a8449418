/**
 * The shapes that cross the wire, as the API writes them (snake_case keys: they are the contract).
 */
import type { RateLimit } from "./generated.js";

export type { GiftRequest, GiftRequestStatus, LineItem, Recipient, ShippingAddress, Uuid, Timestamp, CountryCode } from "./generated.js";

/** The body of `POST /gift_requests`: choice-mode without `shipping_address`/`line_items`, direct-send with both. */
export interface GiftRequestPayload {
  campaign_id: string;
  recipient: RecipientPayload;
  shipping_address?: ShippingAddressPayload;
  line_items?: LineItemPayload[];
  /** Fields the SDK does not model are sent untouched. */
  [field: string]: unknown;
}

/** The recipient, supplied by value. */
export interface RecipientPayload {
  first_name: string;
  last_name: string;
  email?: string | null;
  [field: string]: unknown;
}

/** A direct-send address; no name fields (the label uses the recipient's). */
export interface ShippingAddressPayload {
  address1: string;
  address2?: string | null;
  city: string;
  region: string;
  postal_code: string;
  /** ISO 3166-1 alpha-2, uppercase: `IE`, not `ie`. */
  country_code: string;
  phone: string;
  [field: string]: unknown;
}

/** A direct-send item: `sku` and/or `variant_id`, and a quantity of at least 1. */
export interface LineItemPayload {
  sku?: string | null;
  variant_id?: string | null;
  quantity: number;
  [field: string]: unknown;
}

/** A campaign exactly as the API sent it; the fields below are the ones the SDK models. */
export interface Campaign {
  id: string;
  name?: string | null;
  /** `sender_provided_address` allows direct-send. */
  invitation_method?: string | null;
  products?: unknown[];
  created_at?: string | null;
  updated_at?: string | null;
  [field: string]: unknown;
}

/** One page of a list. */
export interface Page<T> {
  data: T[];
  has_more: boolean;
}

/** Status, request id and rate limits of the response that carried a result. */
export interface ResponseInfo {
  status: number;
  requestId: string | null;
  rateLimit: RateLimit;
}

/** A result with the response that carried it (`lastResponse` is not enumerable: `JSON.stringify` skips it). */
export type WithResponse<T> = T & { readonly lastResponse: ResponseInfo };

/** A request to send, as built by the core. */
export interface HttpRequest {
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  /** JSON text, for a POST. */
  body: string | null;
}

/** The query of the campaign list. */
export interface ListCampaignsParams {
  /** Page size (the server's default and maximum is 25). */
  limit?: number;
  /** The id of the last campaign of the previous page. */
  after?: string;
  /** Further query parameters (the API's sort and filter), sent untouched and in order. */
  extra_query?: [string, string][] | Record<string, string>;
}
