/**
 * The SDK's errors: one `AndOpenError` class per kind of failure, each carrying the server's own words.
 * They are built from the core's error reports; no rule of the contract is decided here.
 */

import type { ErrorItem, ErrorReport, RateLimit } from "./generated.js";

export type { ErrorItem, ErrorReport, RateLimit } from "./generated.js";

/** One problem, in the server's words: what a form shows under the field named by `param`. */
export type FieldError = ErrorItem;

/** What kind of failure an `AndOpenError` is (`webhook_refused` for a `WebhookRefusedError`). */
export type ErrorKind = ErrorReport["kind"] | "webhook_refused";

/** Any error of the SDK. Check `instanceof` a subclass, or read `kind`. */
export class AndOpenError extends Error {
  /** What kind of failure this is. */
  readonly kind: ErrorKind;
  /** The category of the first problem (`validation_error`, `rate_limit_error`, …), falling back on the status. */
  readonly type: string | null;
  /** The first problem's code (or the configuration problem's code). */
  readonly code: string | null;
  /** The first problem's field, in dot notation. */
  readonly param: string | null;
  /** The HTTP status behind the error, when a response came. */
  readonly status: number | null;
  /** The `Request-Id` behind the error: quote it to support. */
  readonly requestId: string | null;
  /** `Retry-After`, in seconds, when the response carried one. */
  readonly retryAfter: number | null;
  /** The rate-limit figures of the response behind the error. */
  readonly rateLimit: RateLimit | null;
  /** Requests sent, when every attempt failed without a response. */
  readonly attempts: number | null;
  /** Every problem, in the server's words (field errors included). */
  readonly errors: FieldError[];

  constructor(report: ErrorReport | (Omit<ErrorReport, "kind"> & { kind: ErrorKind })) {
    super(report.message);
    this.name = new.target.name;
    this.kind = report.kind;
    this.type = report.type;
    this.code = report.code;
    this.param = report.param;
    this.status = report.status;
    this.requestId = report.request_id;
    this.retryAfter = report.retry_after_s;
    this.rateLimit = report.rate_limit;
    this.attempts = report.attempts;
    this.errors = report.errors;
  }
}

/** The client options were refused (a malformed key, a staging key against production, a key in a browser…). */
export class ConfigError extends AndOpenError {}
/** The input was refused before anything was sent; `errors` lists every field problem. */
export class ValidationError extends AndOpenError {}
/** The API answered with an error status (see the subclasses for 401, 403, 404 and 429). */
export class ApiError extends AndOpenError {}
/** 401: the key is missing, malformed, unknown, or of another environment. */
export class AuthenticationError extends ApiError {}
/** 403: authenticated, but not permitted. */
export class AuthorizationError extends ApiError {}
/** 404: no such resource in your account. */
export class NotFoundError extends ApiError {}
/** 429: rate limited, and `retryAfter` was longer than the retry policy sleeps through (or retries ran out). */
export class RateLimitError extends ApiError {}
/**
 * A gift creation may or may not have happened (a 5xx or a lost connection after sending). It was not sent
 * again: look the gift up before sending another.
 */
export class OutcomeUnknownError extends AndOpenError {}
/** No response came, after every attempt. */
export class TransportError extends AndOpenError {}
/** A response could not be read as the contract says. */
export class DecodeError extends AndOpenError {}
/** A wait ran past its deadline. */
export class TimeoutError extends AndOpenError {}
/** What a wait was for can no longer happen (the gift request was cancelled). */
export class UnreachableError extends AndOpenError {}

/**
 * A webhook delivery refused: answer it with a 4xx and do not act on it. `code` says why:
 * `missing_header`, `invalid_signature` (forged or altered), `invalid_timestamp`, `outside_tolerance` (a
 * replay, or a clock far off), `invalid_event_id`, `invalid_body`.
 */
export class WebhookRefusedError extends AndOpenError {}
