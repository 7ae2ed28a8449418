"""Gift-request bodies checked and built without a client or a key: call these as a form changes, or to
check a batch of rows before sending anything.

A body is a ``dict`` in the API's JSON shape (see :class:`NewGiftRequestParams`), or JSON text already
encoded (``str`` or ``bytes``); fields the SDK does not model are passed through untouched. Every rule is
the core's: the body crosses to it as JSON bytes, and the answer comes back as a number, the body to send or
the errors in one JSON text, which is much faster than converting typed records field by field across the
boundary. Each crossing costs a few microseconds, so the calls are shaped to cross as little as possible:

- a valid ``dict`` written with the contract's fields in the contract's order (``campaign_id``,
  ``recipient``, ``shipping_address``, ``line_items``; within each, the order of
  :class:`NewGiftRequestParams`) encodes to exactly the body to send, and the core answers only that;
- bytes already encoded are passed as they are (the fastest input: no encoding at all);
- a refused body's report is built when the exception is first read, not before.
"""

from __future__ import annotations

# The encoder walks values of any shape (whatever a caller passes as a body): their types are unknown
# by nature.
# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false

import json
import math
from functools import partial
from typing import Any, Callable, Iterable, Mapping, TypedDict, TypeVar, Union

from . import _native
from .errors import FieldError, ValidationError, from_report, invalid_input

__all__ = [
    "Body",
    "NewGiftRequestParams",
    "NewLineItemParams",
    "NewRecipientParams",
    "NewShippingAddressParams",
    "UntypedBody",
    "gift_request_bodies",
    "gift_request_body",
    "validate_gift_request",
    "validate_gift_requests",
]


class _RecipientRequired(TypedDict):
    first_name: str
    last_name: str


class NewRecipientParams(_RecipientRequired, total=False):
    """``recipient``: supplied by value, without an id."""

    email: str | None


class _AddressRequired(TypedDict):
    address1: str
    city: str
    region: str
    postal_code: str
    country_code: str
    phone: str


class NewShippingAddressParams(_AddressRequired, total=False):
    """``shipping_address`` (direct-send). ``country_code`` is ISO 3166-1 alpha-2 in uppercase."""

    address2: str | None


class NewLineItemParams(TypedDict, total=False):
    """One of ``line_items`` (direct-send): ``sku`` and/or ``variant_id``, and ``quantity`` (at least 1)."""

    sku: str
    variant_id: str
    quantity: int


class _GiftRequestRequired(TypedDict):
    campaign_id: str
    recipient: NewRecipientParams


class NewGiftRequestParams(_GiftRequestRequired, total=False):
    """The body of ``POST /gift_requests``: choice-mode without ``shipping_address`` and ``line_items``,
    direct-send with both."""

    shipping_address: NewShippingAddressParams
    line_items: list[NewLineItemParams]


class UntypedBody(dict[str, Any]):
    """A body the type checkers take as it is: a ``dict`` read from a form, a file or a no-code tool, or one
    holding fields the SDK does not model (sent untouched). The core checks it exactly as any other body::

        client.create_gift_request(andopen.UntypedBody(form_data))

    A body written inline is best left a plain ``dict``: the checkers then hold it to
    :class:`NewGiftRequestParams`, and a misspelt key is an error."""


Body = Union[NewGiftRequestParams, UntypedBody, str, bytes]
"""A gift-request body: a ``dict`` in the API's shape (:class:`NewGiftRequestParams`), an
:class:`UntypedBody`, or its JSON text."""

T = TypeVar("T")

_LIMITS = _native.limits()
# The core's figures, read from it (never a copy): the largest body, the deepest nesting, the longest text
# quoted in a message.
_MAX_BODY_BYTES: int = _LIMITS.max_body_bytes
_MAX_DEPTH: int = _LIMITS.max_depth
_MAX_QUOTED_CHARS: int = _LIMITS.max_quoted_chars

# A batch crosses to the core this many rows at a time, so that what it holds at once (the rows' JSON
# text, the core's answer) stays bounded whatever the batch's length.
_CHUNK_ROWS = 1000


def _not_json(value: Any) -> Any:
    if isinstance(value, Mapping):  # a mapping that is not a dict: written as the object it maps
        return dict(value.items())
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _compact_encoder() -> Callable[[Any], str]:
    """JSON text, compact and UTF-8 as the core writes bodies (so that a valid body in the contract's order
    comes back as itself). NaN and the infinities are refused (JSON has none). A circular value overflows
    the recursion limit instead of being detected (faster, and refused all the same). On CPython, the
    standard library's C encoder is called directly: ``JSONEncoder.encode`` builds it anew on every call,
    which costs about a third of encoding a body."""
    fallback = json.JSONEncoder(
        ensure_ascii=False, separators=(",", ":"), check_circular=False, allow_nan=False, default=_not_json
    ).encode
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return fallback
    try:
        chunks = make(None, _not_json, json.encoder.encode_basestring, None, ":", ",", False, False, False)
        if "".join(chunks({"a": [1, None, "é"]}, 0)) != '{"a":[1,null,"é"]}':
            return fallback
    except Exception:  # another interpreter's private API: use the public one
        return fallback
    return lambda value: "".join(chunks(value, 0))


_encode_json = _compact_encoder()

# What _native.gift_request_body_status answers.
_BODY_IS_INPUT = 0
_BODY_REWRITTEN = 1


# --- the size of a value's JSON text, bounded -------------------------------------------------------
#
# Before a body is encoded it is walked once for a lower bound of its JSON text's size, which stops as soon
# as the bound passes the limit: a body of three million line items is refused after about a megabyte's
# worth of it, and one that passes is at most a small multiple of the limit (a character is at most 6
# bytes of JSON, a float at most 24), so that encoding it is bounded too.


class _Over(Exception):
    """The walk passed its budget."""


def _exact(v: Any, budget: int) -> int:
    """The budget left after ``v``'s JSON text, for values of the exact JSON types (the common case, kept
    fast); raises :class:`_Over` past the budget and TypeError on anything else."""
    t = type(v)
    if t is dict:
        budget -= 2 * len(v) + 1
        if budget < 0:
            raise _Over
        for k, x in v.items():
            tx = type(x)
            if tx is str:
                budget -= len(k) + len(x) + 4
            elif tx is int:
                budget -= len(k) + 3 + x.bit_length() * 3 // 10
            elif tx is bool or tx is float or x is None:
                budget -= len(k) + 3
            else:
                budget = _exact(x, budget - len(k) - 2)
        if budget < 0:
            raise _Over
        return budget
    if t is list:
        budget -= len(v) + 1
        if budget < 0:
            raise _Over
        for x in v:
            budget = _exact(x, budget)
        return budget
    if t is str:
        budget -= len(v) + 2
    elif t is int:
        budget -= 1 + v.bit_length() * 3 // 10
    elif t is bool or t is float or v is None:
        budget -= 1
    else:
        raise TypeError(t.__name__)
    if budget < 0:
        raise _Over
    return budget


def _any(v: Any, budget: int, depth: int) -> int:
    """:func:`_exact` for anything the encoder takes (subclasses, mappings, tuples, keys of other types).
    Stops counting where the encoder is bound to fail anyway (deeper than the core reads)."""
    if depth > _MAX_DEPTH:
        return budget
    if isinstance(v, str):
        budget -= len(v) + 2
    elif isinstance(v, Mapping):
        budget -= 2 * len(v) + 1
        if budget < 0:
            raise _Over
        for k, x in v.items():
            budget = _any(x, _any(k, budget, depth + 1), depth + 1)
    elif isinstance(v, (list, tuple)):
        budget -= len(v) + 1
        if budget < 0:
            raise _Over
        for x in v:
            budget = _any(x, budget, depth + 1)
    elif isinstance(v, int) and not isinstance(v, bool):
        budget -= 1 + v.bit_length() * 3 // 10
    else:
        budget -= 1
    if budget < 0:
        raise _Over
    return budget


def _over_limit(value: Any, limit: int) -> bool:
    """Whether ``value``'s JSON text is certainly longer than ``limit`` bytes; reads at most about
    ``limit`` values' worth of it."""
    try:
        _exact(value, limit)
        return False
    except _Over:
        return True
    except (TypeError, RecursionError):
        pass
    try:
        _any(value, limit, 0)
    except _Over:
        return True
    except Exception:  # a value whose reading raises, a cycle: the encoder fails, then says where
        pass
    return False


# --- why a value cannot be written as JSON -----------------------------------------------------------


def _short(text: str) -> str:
    return text if len(text) <= _MAX_QUOTED_CHARS else text[:_MAX_QUOTED_CHARS] + "…"


def _child(at: str | None, key: str | int) -> str:
    if isinstance(key, int):
        return f"{at or ''}[{key}]"
    return f"{at}.{key}" if at else key


def _problem_at(value: Any, root: str | None) -> tuple[str | None, str] | None:
    """The first value (in the encoder's order) that JSON cannot hold: its field in dot notation (``root``
    for the value itself) and why; ``None`` when there is none. Bounded: it stops at the first problem, at
    a value that holds itself and deeper than the core reads."""
    active: set[int] = set()

    def walk(v: Any, at: str | None, depth: int) -> tuple[str | None, str] | None:
        if depth > _MAX_DEPTH:
            return at, f"nests deeper than {_MAX_DEPTH} levels (MAX_DEPTH)"
        try:
            if isinstance(v, str):
                try:
                    v.encode()
                except UnicodeEncodeError as e:
                    return at, f"must be Unicode text: it holds a lone surrogate at character {e.start}"
                return None
            if isinstance(v, bool) or v is None:
                return None
            if isinstance(v, int):
                try:
                    int.__repr__(v)
                except ValueError:
                    return at, f"is an integer too large to write ({v.bit_length()} bits)"
                return None
            if isinstance(v, float):
                return None if math.isfinite(v) else (at, f"must be a finite number, not {float.__repr__(v)}")
            if not isinstance(v, (Mapping, list, tuple)):
                return at, f"must be a JSON value (text, number, boolean, None, list or dict), not {type(v).__name__}"
            if id(v) in active:
                return at, "holds itself (a circular reference)"
            active.add(id(v))
            if isinstance(v, Mapping):
                for k, x in v.items():
                    if isinstance(k, str):
                        found = walk(k, at, depth + 1) or walk(x, _child(at, k), depth + 1)
                    elif isinstance(k, (int, float)) or k is None:  # the encoder writes these keys as text
                        found = walk(x, _child(at, json.dumps(k)), depth + 1)
                    else:
                        found = (at, f"has a key that is not text ({type(k).__name__})")
                    if found:
                        return found
            else:
                for i, x in enumerate(v):
                    found = walk(x, _child(at, i), depth + 1)
                    if found:
                        return found
            active.discard(id(v))
        except Exception as e:  # the value's own methods raised
            return at, f"could not be read ({type(e).__name__}: {_short(str(e))})"
        return None

    return walk(value, root, 0)


# --- bodies in, JSON bytes out -----------------------------------------------------------------------


class _Refused(Exception):
    """A body this package cannot hand to the core: over the size limit (``report``, the core's), or
    holding a value JSON cannot (``problem``, naming the field)."""

    def __init__(self, report: _native.ErrorReport | None = None, problem: FieldError | None = None) -> None:
        super().__init__()
        self.report = report
        self.problem = problem

    def problems(self) -> list[FieldError]:
        if self.report is not None:
            return [FieldError(e.error_type, e.code, e.message, e.param) for e in self.report.errors]
        return [self.problem] if self.problem is not None else []

    def error(self) -> ValidationError:
        if self.report is not None:
            return from_report(self.report)  # type: ignore[return-value]
        assert self.problem is not None
        return invalid_input(self.problem)


def _too_large(at_least: int) -> _Refused:
    return _Refused(report=_native.body_too_large(at_least, True))


def _unencodable(value: Any, root: str | None, error: BaseException) -> _Refused:
    found = _problem_at(value, root)
    if found is None:
        found = root, f"must hold only JSON values ({type(error).__name__}: {_short(str(error))})"
    return _Refused(problem=FieldError("validation_error", "invalid_format", found[1], found[0]))


def _json_bytes(body: Any, root: str | None, limit: int | None) -> bytes:
    """The JSON bytes of ``body`` (JSON text given as ``str`` or bytes is passed as it is); raises
    :class:`_Refused`. With a ``limit``, a body over it is refused before it is written whole."""
    if isinstance(body, (bytes, bytearray, memoryview)):
        size = memoryview(body).nbytes
        if limit is not None and size > limit:
            raise _too_large(size)
        return body if type(body) is bytes else bytes(body)
    if isinstance(body, str):
        if limit is not None and len(body) > limit:  # every character is one byte or more
            raise _too_large(len(body))
        try:
            return body.encode()
        except UnicodeEncodeError as e:
            message = f"must be Unicode text: it holds a lone surrogate at character {e.start}"
            raise _Refused(problem=FieldError("validation_error", "invalid_format", message, root)) from None
    if limit is not None and _over_limit(body, limit):
        raise _too_large(limit + 1)
    try:
        return _encode_json(body).encode()
    except Exception as e:  # TypeError, ValueError (NaN, a huge int), UnicodeEncodeError, RecursionError, the value's own
        raise _unencodable(body, root, e) from None


def encode(body: Any, param: str | None = "params", *, limit: int | None = None) -> bytes:
    """The JSON bytes of a value (JSON text given as ``str`` or bytes passes as it is). A value JSON cannot
    hold raises :class:`ValidationError` naming the field at fault (``param`` for the value itself,
    ``param[i]`` for an item of a list, a key of a ``dict`` by its own name). With a ``limit``, a value whose text would be longer raises the
    core's ``body_too_large`` before its text is written whole."""
    try:
        return _json_bytes(body, param, limit)
    except _Refused as refused:
        raise refused.error() from None


def create_body(body: Body) -> bytes:
    """The JSON bytes of a create body: refused (:class:`ValidationError`) over ``MAX_BODY_BYTES``, before
    it is written whole, or when it holds a value JSON cannot (the field named as the core names fields)."""
    try:
        return _json_bytes(body, None, _MAX_BODY_BYTES)
    except _Refused as refused:
        raise refused.error() from None


# --- one body ----------------------------------------------------------------------------------------


def validate_gift_request(body: Body) -> list[FieldError]:
    """Every problem the server would report for this body, in its words; empty when it would be accepted.
    A body over ``MAX_BODY_BYTES`` has the one problem ``body_too_large``; a value JSON cannot hold (NaN,
    a lone surrogate, a ``set``) is an ``invalid_format`` problem at its field.

    >>> [e.param for e in validate_gift_request({"recipient": {"first_name": "Ada"}})]
    ['campaign_id', 'recipient.last_name']
    """
    try:
        data = _json_bytes(body, None, _MAX_BODY_BYTES)
    except _Refused as refused:
        return refused.problems()
    return _problems(data)


def _problems(data: bytes) -> list[FieldError]:
    if _native.gift_request_problem_count(data) == 0:  # a number back: the cheapest crossing
        return []
    make = FieldError._make
    return [make(p) for p in json.loads(_native.gift_request_problems_json(data))]


def gift_request_body(body: Body) -> bytes:
    """The exact JSON body ``POST /gift_requests`` sends for ``body`` (the modelled fields in the
    contract's order, unknown fields untouched); raises :class:`ValidationError` with every problem."""
    data = create_body(body)
    status = _native.gift_request_body_status(data)  # a number back: nothing to lift in the common case
    if status == _BODY_IS_INPUT:
        return data
    if status == _BODY_REWRITTEN:
        return _native.gift_request_body_if_valid(data)
    raise ValidationError.from_report_json(partial(_report_json, data))  # the report is built on demand


def _report_json(data: bytes) -> str:
    return _native.gift_request_body_json(data).report_json  # type: ignore[attr-defined,no-any-return]


def _body_or_error(body: Body) -> bytes | ValidationError:
    try:
        return gift_request_body(body)
    except ValidationError as e:
        return e


# --- many bodies -------------------------------------------------------------------------------------


def _rows(bodies: Iterable[Body]) -> list[Body]:
    if isinstance(bodies, (str, bytes, bytearray, memoryview, Mapping)) or not isinstance(bodies, Iterable):
        raise TypeError(f"bodies: must be a list of bodies, not {type(bodies).__name__} (for one body, call the singular function)")
    if isinstance(bodies, list):
        return bodies
    try:
        return list(bodies)
    except Exception as e:
        problem = FieldError("validation_error", "invalid_format", f"could not be read ({type(e).__name__}: {_short(str(e))})", "bodies")
        raise invalid_input(problem) from e


def _batch(
    bodies: Iterable[Body],
    many: Callable[[bytes], str],
    finish: Callable[[bytes, list[Any]], list[T]],
    one: Callable[[Body], T],
    refused: Callable[[_Refused], T],
) -> list[T]:
    """Each row's answer, in order. Rows of ordinary values cross to the core together, at most
    ``_CHUNK_ROWS`` rows and about ``MAX_BODY_BYTES`` of JSON at a time, so that what is held at once stays
    bounded whatever the batch's length: ``many`` answers for a chunk in one JSON array, ``finish`` (given
    the bytes sent and ``many``'s decoded answer) makes that one item per row. A row found over the size
    limit is answered by ``refused``; rows given as JSON text and rows holding other values go through
    ``one``."""
    rows = _rows(bodies)
    out: list[Any] = [None] * len(rows)
    pending: list[int] = []
    room = _MAX_BODY_BYTES

    def flush() -> None:
        try:
            encoded = _encode_json([rows[i] for i in pending]).encode()
        except Exception:  # NaN, a lone surrogate...: each row on its own says where
            for i in pending:
                out[i] = one(rows[i])
        else:
            for i, item in zip(pending, finish(encoded, json.loads(many(encoded)))):
                out[i] = item
        pending.clear()

    for i, row in enumerate(rows):
        if row.__class__ is not dict:  # JSON text, or a mapping of another type: on its own
            out[i] = one(row)
            continue
        try:
            size = _MAX_BODY_BYTES - _exact(row, _MAX_BODY_BYTES)  # a lower bound of its JSON text
        except _Over:
            out[i] = refused(_too_large(_MAX_BODY_BYTES + 1))
            continue
        except (TypeError, RecursionError):  # values of other types
            out[i] = one(row)
            continue
        if pending and (len(pending) == _CHUNK_ROWS or size > room):
            flush()
            room = _MAX_BODY_BYTES
        pending.append(i)
        room -= size
    if pending:
        flush()
    return out


def validate_gift_requests(bodies: Iterable[Body]) -> list[list[FieldError]]:
    """:func:`validate_gift_request` for many bodies in few crossings: for each, its problems (empty when
    it would be accepted). Use it to check a whole batch of rows before sending any."""
    return _batch(bodies, _native.validate_gift_requests_json, _checked_rows, validate_gift_request, _Refused.problems)


def _checked_rows(encoded: bytes, items: list[Any]) -> list[list[FieldError]]:
    """The rows of ``validate_gift_requests_json``: each null or ``[[type, code, message, param], ...]``."""
    make = FieldError._make
    return [[] if item is None else list(map(make, item)) for item in items]


def gift_request_bodies(bodies: Iterable[Body]) -> list[bytes | ValidationError]:
    """:func:`gift_request_body` for many bodies in few crossings: for each, the body to send or the
    :class:`ValidationError` that refuses it (returned, not raised)."""
    return _batch(bodies, _native.gift_request_bodies_spans, _built_rows, _body_or_error, _Refused.error)


def _built_rows(encoded: bytes, items: list[Any]) -> list[bytes | ValidationError]:
    """The rows of ``gift_request_bodies_spans``: ``[start, end]`` (the row's own bytes are its body), the
    body as text, or ``[start, end, problems]`` (refused: the report is built from the row's bytes when
    first read)."""
    lazy, report = ValidationError.from_report_json, _report_json
    return [
        encoded[item[0] : item[1]]
        if item.__class__ is list and len(item) == 2
        else item.encode()
        if item.__class__ is str
        else lazy(partial(report, encoded[item[0] : item[1]]))
        for item in items
    ]
