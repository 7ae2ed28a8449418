/**
 * The payloads a caller writes (what `validateGiftRequest` and `createGiftRequest` take): the whole
 * package and `@andopen/sdk/validate` export them.
 */

/**
 * A payload whose keys are not checked against the types: what `unchecked()` returns. Only through it do
 * fields the SDK does not model (or data of unknown shape, such as a request body) reach the calls; the core
 * still validates every rule at run time.
 */
export type UncheckedPayload = { readonly [uncheckedBrand]: true };
declare const uncheckedBrand: unique symbol;

/**
 * A payload as a form holds it while it is being filled in: the fields of `GiftRequestPayload`, each of them
 * optional, and no other (a misspelt key is a type error). What `validateGiftRequest` takes.
 */
export type PartialGiftRequestPayload = {
  campaign_id?: string;
  recipient?: Partial<RecipientPayload>;
  shipping_address?: Partial<ShippingAddressPayload>;
  line_items?: Partial<LineItemPayload>[];
};

/** The body of `POST /gift_requests`: choice-mode without `shipping_address`/`line_items`, direct-send with both. */
export interface GiftRequestPayload {
  campaign_id: string;
  recipient: RecipientPayload;
  shipping_address?: ShippingAddressPayload;
  line_items?: LineItemPayload[];
}

/** The recipient, supplied by value. */
export interface RecipientPayload {
  first_name: string;
  last_name: string;
  email?: string | null;
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
}

/** A direct-send item: `sku` and/or `variant_id`, and a quantity of at least 1. */
export interface LineItemPayload {
  sku?: string | null;
  variant_id?: string | null;
  quantity: number;
}
