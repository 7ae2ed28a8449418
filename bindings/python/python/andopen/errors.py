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

import json
from dataclasses import dataclass
from typing import Any, Callable, Mapping, NamedTuple, TypeVar

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


class FieldError(NamedTuple):
    """One problem in the server's words. Put ``message`` under the form field named by ``param``.

    ``type`` is the category (``validation_error``, ``api_error``, ...), ``code`` the machine-readable code
    (``required``, ``invalid_format``, ``invalid``, ...), ``param`` the field at fault in dot notation
    (``line_items[0].quantity``) or ``None`` when no field is.
    """

    type: str
    code: str
    message: str
    param: str | None


@dataclass(frozen=True)
class RateLimit:
    """The ``RateLimit-*`` headers of a response, each ``None`` when absent or unreadable."""

    limit: int | None
    """The ceiling for the current window."""
    remaining: int | None
    """Requests left in the window."""
    reset: int | None
    """When the window resets, in absolute Unix seconds."""


def _field(name: str, doc: str) -> Any:
    def get(self: AndOpenError) -> Any:
        return self._load()[name]

    return property(get, doc=doc)


_E = TypeVar("_E", bound="AndOpenError")


class AndOpenError(Exception):
    """Anything that stopped a call. Subclasses say what kind; the fields are the same on all of them.

    An error built from the core's JSON report (validation without a client) decodes it only when a
    field is first read, so that refusing many bodies stays cheap.
    """

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
        self._report: str | Mapping[str, Any] | Callable[[], str] | None = None
        self._values: dict[str, Any] | None = {
            "message": message,
            "kind": kind,
            "type": type,
            "code": code,
            "param": param,
            "status": status,
            "request_id": request_id,
            "retry_after": retry_after,
            "rate_limit": rate_limit,
            "attempts": attempts,
            "errors": list(errors or []),
        }

    @classmethod
    def from_report_json(cls: type[_E], report: str | Mapping[str, Any] | Callable[[], str]) -> _E:
        """An error of this class for a report the core wrote as JSON (text, already decoded, or a function
        that asks the core for it when a field is first read)."""
        error = cls.__new__(cls)
        Exception.__init__(error)
        error._report = report
        error._values = None
        return error

    def _load(self) -> dict[str, Any]:
        if self._values is None:
            if callable(self._report):
                self._report = self._report()
            r = json.loads(self._report) if isinstance(self._report, str) else self._report or {}
            rate = r.get("rate_limit")
            self._values = {
                "message": r.get("message", ""),
                "kind": r.get("kind", "unknown"),
                "type": r.get("type"),
                "code": r.get("code"),
                "param": r.get("param"),
                "status": r.get("status"),
                "request_id": r.get("request_id"),
                "retry_after": r.get("retry_after_s"),
                "rate_limit": None if rate is None else RateLimit(rate.get("limit"), rate.get("remaining"), rate.get("reset")),
                "attempts": r.get("attempts"),
                "errors": field_errors(r),
            }
        return self._values

    message: str = _field("message", "A readable sentence; never the API key.")
    kind: str = _field("kind", "``config``, ``validation``, ``api``, ``outcome_unknown``, ``transport``, ``decode``, "
                       "``timeout``, ``unreachable`` or ``finished``.")
    type: str | None = _field("type", "The first problem's category (``validation_error``, ...), falling back on the HTTP status.")
    code: str | None = _field("code", "The first problem's code, or the configuration problem's code (``malformed_api_key``, ...).")
    param: str | None = _field("param", "The first problem's field, in dot notation.")
    status: int | None = _field("status", "The HTTP status behind the error.")
    request_id: str | None = _field("request_id", "The ``Request-Id`` behind the error: quote it to support.")
    retry_after: int | None = _field("retry_after", "``Retry-After`` in seconds, when the response carried one.")
    rate_limit: RateLimit | None = _field("rate_limit", "The rate-limit figures of the response behind the error.")
    attempts: int | None = _field("attempts", "Requests sent, for a transport failure.")
    errors: list[FieldError] = _field("errors", "Every problem, in the server's words.")

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        fields = [f"kind={self.kind!r}"]
        for name in ("type", "code", "param", "status", "request_id"):
            value = getattr(self, name)
            if value is not None:
                fields.append(f"{name}={_quoted(value)!r}")
        return f"{type(self).__name__}({self.message!r}, {', '.join(fields)})"


_MAX_QUOTED_CHARS: int = _native.limits().max_quoted_chars


def _quoted(value: Any) -> Any:
    """A text as a message quotes it: cut at ``MAX_QUOTED_CHARS`` with ``…`` (the field keeps it whole)."""
    if isinstance(value, str) and len(value) > _MAX_QUOTED_CHARS:
        return value[:_MAX_QUOTED_CHARS] + "…"
    return value


def field_errors(report: Mapping[str, Any]) -> list[FieldError]:
    """The problems of a JSON report."""
    return [FieldError(e["type"], e["code"], e["message"], e.get("param")) for e in report.get("errors", ())]


class ConfigError(AndOpenError, ValueError):
    """The configuration was refused before anything was sent (``code`` says why, ``param`` names the
    option). Every option of the package is refused this way, the client's, the transports', the webhook
    receiver's and the relay's; it is also a ``ValueError``, as Python's own refusals of a value are. A call
    argument of the wrong Python type (bytes where a string goes) may be a ``TypeError``, as in the standard
    library."""


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
    """A response could not be read as the contract says. For a creation, only an answer that proves nothing
    was created ends this way (an unreadable error response); an unreadable success is
    :class:`OutcomeUnknownError`."""


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


def from_report_json(report: str | Mapping[str, Any]) -> AndOpenError:
    """The exception for a report the core wrote as JSON (the fast path of :mod:`andopen.payloads`); it is
    decoded when first read."""
    decoded: Mapping[str, Any] = json.loads(report) if isinstance(report, str) else report
    return _class_for(decoded.get("kind", "unknown"), decoded.get("type")).from_report_json(decoded)


def from_core_error(error: _native.CoreError) -> AndOpenError:
    """The exception for a refusal the core threw."""
    report = getattr(error, "report", None)
    if report is None:
        return AndOpenError(str(error), kind="unknown")
    return from_report(report)


def unreadable_input(param: str, message: str) -> ValidationError:
    """A validation error for input this package could not hand to the core at all (not JSON-serialisable)."""
    return invalid_input(FieldError("validation_error", "invalid_format", message, param))


def invalid_input(problem: FieldError) -> ValidationError:
    """A validation error for one problem this package found before the core could read the input (a
    value JSON cannot hold), worded as the core words its own."""
    where = f"{problem.param}: " if problem.param else ""
    return ValidationError(
        f"the request was not sent: {where}{problem.message} ({problem.code})",
        kind="validation",
        type=problem.type,
        code=problem.code,
        param=problem.param,
        errors=[problem],
    )
