/**
 * The package's side of the core's error reports: the `AndOpenError` subclass for a report, and the reports
 * the package writes itself for a refusal made before the core is asked. Not exported by the package: its
 * entries export the classes alone (`errors.ts`).
 */

import * as errorClasses from "./errors.js";
import type { AndOpenError, ApiError, ErrorKind } from "./errors.js";
import type { ErrorReport } from "./generated.js";

const classes: Record<ErrorKind, new (report: ErrorReport) => AndOpenError> = {
  webhook_refused: errorClasses.WebhookRefusedError,
  config: errorClasses.ConfigError,
  validation: errorClasses.ValidationError,
  api: errorClasses.ApiError,
  outcome_unknown: errorClasses.OutcomeUnknownError,
  transport: errorClasses.TransportError,
  decode: errorClasses.DecodeError,
  timeout: errorClasses.TimeoutError,
  unreachable: errorClasses.UnreachableError,
  finished: errorClasses.AndOpenError,
};

/** The API errors with a class of their own, by the error's `type` (which falls back on the status). */
const apiClasses: Partial<Record<string, new (report: ErrorReport) => ApiError>> = {
  authentication_error: errorClasses.AuthenticationError,
  authorization_error: errorClasses.AuthorizationError,
  not_found_error: errorClasses.NotFoundError,
  rate_limit_error: errorClasses.RateLimitError,
};

/** The error for a report: a class per kind, and for an API error, per type where it has one. */
export function errorFromReport(report: ErrorReport): AndOpenError {
  const Class = (report.kind === "api" && report.type !== null ? apiClasses[report.type] : undefined) ?? classes[report.kind] ?? errorClasses.AndOpenError;
  return new Class(report);
}

/** A report of the package's own, for a refusal made before the core is asked. */
export function report(kind: "config" | "validation", code: string, param: string, message: string): ErrorReport {
  if (kind === "config") return { kind, message, type: null, code, param: null, status: null, request_id: null, retry_after_s: null, rate_limit: null, attempts: null, errors: [] };
  const errors = [{ type: "validation_error", code, message, param }];
  return { kind, message, type: "validation_error", code, param, status: null, request_id: null, retry_after_s: null, rate_limit: null, attempts: null, errors };
}
