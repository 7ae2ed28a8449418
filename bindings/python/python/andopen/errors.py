"""The exceptions the SDK raises: one hierarchy, built from the core's error reports.

Every exception is an :class:`AndOpenError` carrying the same fields in every language of the SDK:
``kind``, ``type``, ``code``, ``param``, ``status``, ``request_id``, ``retry_after``, ``rate_limit``,
``attempts`` and ``errors`` (every problem, in the server's words). ``str(error)`` is a readable sentence
written by the core; it never contains the API key.

Catch what you can act on::

    try:
        gift = client.create_gift_request(params)
    except andopen.ValidationError as e:      # nothing was sent; e.errors has every field problem
        show_under_fields(e.errors)
    except andopen.OutcomeUnknownError as e:  # the gift may exist: look it up before sending again
        reconcile(e.request_id)
    except andopen.RateLimitError as e:       # e.retry_after (seconds) was longer than the policy sleeps
        ...
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from . import _native

__all__ = [
    "AndOpenError",
    "ApiError",
    "AuthenticationError",
    "AuthorizationError",
    "CallFinishedError",
    "ConfigError",
    "DecodeError",
    "FieldError",
    "NotFoundError",
    "OutcomeUnknownError",
    "RateLimit",
    "RateLimitError",
    "TransportError",
    "UnreachableError",
    "ValidationError",
    "WaitTimeoutError",
]


@dataclass(frozen=True)
class FieldError:
    """One problem in the server's words. Put ``message`` under the form field named by ``param``."""

    type: str
    """The category: ``validation_error``, ``api_error``, ..."""
    code: str
    """The machine-readable code: ``required``, ``invalid_format``, ``invalid``, ..."""
    message: str
    """A readable explanation."""
    param: str | None
    """The field at fault in dot notation (``line_items[0].quantity``); ``None`` when no field is."""


@dataclass(frozen=True)
class RateLimit:
    """The ``RateLimit-*`` headers of a response, each ``None`` when absent or unreadable."""

    limit: int | None
    """The ceiling for the current window."""
    remaining: int | None
    """Requests left in the window."""
    reset: int | None
    """When the window resets, in absolute Unix seconds."""


class AndOpenError(Exception):
    """Anything that stopped a call. Subclasses say what kind; the fields are the same on all of them."""

    kind: str
    """``config``, ``validation``, ``api``, ``outcome_unknown``, ``transport``, ``decode``, ``timeout``,
    ``unreachable`` or ``finished``."""
    message: str
    type: str | None
    """The first problem's category (``validation_error``, ...), falling back on the HTTP status."""
    code: str | None
    """The first problem's code, or the configuration problem's code (``malformed_api_key``, ...)."""
    param: str | None
    """The first problem's field, in dot notation."""
    status: int | None
    """The HTTP status behind the error."""
    request_id: str | None
    """The ``Request-Id`` behind the error: quote it to support."""
    retry_after: int | None
    """``Retry-After`` in seconds, when the response carried one."""
    rate_limit: RateLimit | None
    attempts: int | None
    """Requests sent, for a transport failure."""
    errors: list[FieldError]
    """Every problem, in the server's words."""

    def __init__(
        self,
        message: str,
        *,
        kind: str,
        type: str | None = None,
        code: str | None = None,
        param: str | None = None,
        status: int | None = None,
        request_id: str | None = None,
        retry_after: int | None = None,
        rate_limit: RateLimit | None = None,
        attempts: int | None = None,
        errors: list[FieldError] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.type = type
        self.code = code
        self.param = param
        self.status = status
        self.request_id = request_id
        self.retry_after = retry_after
        self.rate_limit = rate_limit
        self.attempts = attempts
        self.errors = list(errors or [])

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        fields = [f"kind={self.kind!r}"]
        for name in ("type", "code", "param", "status", "request_id"):
            value = getattr(self, name)
            if value is not None:
                fields.append(f"{name}={value!r}")
        return f"{type(self).__name__}({self.message!r}, {', '.join(fields)})"


class ConfigError(AndOpenError):
    """The configuration was refused before anything was sent (``code`` says why)."""


class ValidationError(AndOpenError):
    """The input was refused before anything was sent; ``errors`` lists every problem."""


class ApiError(AndOpenError):
    """The server answered with an error (``status``, ``type``, ``code``, ``errors``, ``request_id``)."""


class AuthenticationError(ApiError):
    """401: the key is missing, malformed, unknown or of another environment."""


class AuthorizationError(ApiError):
    """403: authenticated but not permitted."""


class NotFoundError(ApiError):
    """404: no such resource in your account."""


class RateLimitError(ApiError):
    """429: rate limited, and ``retry_after`` was longer than the retry policy sleeps through."""


class OutcomeUnknownError(AndOpenError):
    """A gift creation may or may not have happened; it was not sent again. Look the gift up (quote
    ``request_id`` to support) before deciding to send another."""


class TransportError(AndOpenError):
    """Every attempt failed without a response (``attempts`` says how many were made)."""


class DecodeError(AndOpenError):
    """A response could not be read as the contract says. For a creation, the gift request *was* created."""


class WaitTimeoutError(AndOpenError):
    """A wait ran past its deadline."""


class UnreachableError(AndOpenError):
    """A wait's target can no longer be reached (the gift request was cancelled or delivered without it)."""


class CallFinishedError(AndOpenError):
    """A call was handed a response after it had finished."""


_BY_KIND: dict[str, type[AndOpenError]] = {
    "config": ConfigError,
    "validation": ValidationError,
    "api": ApiError,
    "outcome_unknown": OutcomeUnknownError,
    "transport": TransportError,
    "decode": DecodeError,
    "timeout": WaitTimeoutError,
    "unreachable": UnreachableError,
    "finished": CallFinishedError,
}

_API_BY_TYPE: dict[str, type[ApiError]] = {
    "authentication_error": AuthenticationError,
    "authorization_error": AuthorizationError,
    "not_found_error": NotFoundError,
    "rate_limit_error": RateLimitError,
}

_KIND_NAMES: dict[_native.ErrorKind, str] = {
    _native.ErrorKind.CONFIG: "config",
    _native.ErrorKind.VALIDATION: "validation",
    _native.ErrorKind.API: "api",
    _native.ErrorKind.OUTCOME_UNKNOWN: "outcome_unknown",
    _native.ErrorKind.TRANSPORT: "transport",
    _native.ErrorKind.DECODE: "decode",
    _native.ErrorKind.TIMEOUT: "timeout",
    _native.ErrorKind.UNREACHABLE: "unreachable",
    _native.ErrorKind.FINISHED: "finished",
}


def _class_for(kind: str, error_type: str | None) -> type[AndOpenError]:
    if kind == "api" and error_type in _API_BY_TYPE:
        return _API_BY_TYPE[error_type]
    return _BY_KIND.get(kind, AndOpenError)


def from_report(report: _native.ErrorReport) -> AndOpenError:
    """The exception for a report the core produced."""
    kind = _KIND_NAMES.get(report.kind, "unknown")
    rate = report.rate_limit
    return _class_for(kind, report.error_type)(
        report.message,
        kind=kind,
        type=report.error_type,
        code=report.code,
        param=report.param,
        status=report.status,
        request_id=report.request_id,
        retry_after=report.retry_after_s,
        rate_limit=None if rate is None else RateLimit(rate.limit, rate.remaining, rate.reset),
        attempts=report.attempts,
        errors=[FieldError(e.error_type, e.code, e.message, e.param) for e in report.errors],
    )


def from_report_json(report: Mapping[str, Any]) -> AndOpenError:
    """The exception for a report the core wrote as JSON (the fast path of :mod:`andopen.payloads`)."""
    kind = report.get("kind", "unknown")
    rate = report.get("rate_limit")
    return _class_for(kind, report.get("type"))(
        report.get("message", ""),
        kind=kind,
        type=report.get("type"),
        code=report.get("code"),
        param=report.get("param"),
        status=report.get("status"),
        request_id=report.get("request_id"),
        retry_after=report.get("retry_after_s"),
        rate_limit=None if rate is None else RateLimit(rate.get("limit"), rate.get("remaining"), rate.get("reset")),
        attempts=report.get("attempts"),
        errors=[FieldError(e["type"], e["code"], e["message"], e.get("param")) for e in report.get("errors", ())],
    )


def from_core_error(error: _native.CoreError) -> AndOpenError:
    """The exception for a refusal the core threw."""
    report = getattr(error, "report", None)
    if report is None:
        return AndOpenError(str(error), kind="unknown")
    return from_report(report)


def unreadable_input(param: str, message: str) -> ValidationError:
    """A validation error for input this package could not hand to the core at all (not JSON-serialisable)."""
    return ValidationError(
        f"the request was not sent: {param}: {message} (invalid_format)",
        kind="validation",
        type="validation_error",
        code="invalid_format",
        param=param,
        errors=[FieldError("validation_error", "invalid_format", message, param)],
    )
