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

import json
from functools import partial
from typing import Any, Callable, Iterable, Mapping, TypedDict, TypeVar, Union

from . import _native
from .errors import FieldError, ValidationError, unreadable_input

__all__ = [
    "Body",
    "NewGiftRequestParams",
    "NewLineItemParams",
    "NewRecipientParams",
    "NewShippingAddressParams",
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


Body = Union[NewGiftRequestParams, Mapping[str, Any], str, bytes]
"""A gift-request body: a ``dict`` in the API's shape, or its JSON text."""

T = TypeVar("T")

def _not_json(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _compact_encoder() -> Callable[[Any], str]:
    """JSON text, compact and UTF-8 as the core writes bodies (so that a valid body in the contract's order
    comes back as itself). A circular value overflows the recursion limit instead of being detected
    (faster, and refused all the same). On CPython, the standard library's C encoder is called directly:
    ``JSONEncoder.encode`` builds it anew on every call, which costs about a third of encoding a body."""
    fallback = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return fallback
    try:
        chunks = make(None, _not_json, json.encoder.encode_basestring, None, ":", ",", False, False, True)
        if "".join(chunks({"a": [1, None, "é"]}, 0)) != '{"a":[1,null,"é"]}':
            return fallback
    except Exception:  # another interpreter's private API: use the public one
        return fallback
    return lambda value: "".join(chunks(value, 0))


_encode_json = _compact_encoder()

# What _native.gift_request_body_status answers.
_BODY_IS_INPUT = 0
_BODY_REWRITTEN = 1


def encode(body: Body, param: str = "params") -> bytes:
    """The JSON bytes of a body; a value JSON cannot hold is refused as a validation error."""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    try:
        return _encode_json(body).encode()
    except (TypeError, ValueError, RecursionError) as e:
        raise unreadable_input(param, f"must hold only JSON values ({e})") from None


def validate_gift_request(body: Body) -> list[FieldError]:
    """Every problem the server would report for this body, in its words; empty when it would be accepted.

    >>> [e.param for e in validate_gift_request({"recipient": {"first_name": "Ada"}})]
    ['campaign_id', 'recipient.last_name']
    """
    data = encode(body)
    if _native.gift_request_problem_count(data) == 0:  # a number back: the cheapest crossing
        return []
    make = FieldError._make
    return [make(p) for p in json.loads(_native.gift_request_problems_json(data))]


def gift_request_body(body: Body) -> bytes:
    """The exact JSON body ``POST /gift_requests`` sends for ``body`` (the modelled fields in the
    contract's order, unknown fields untouched); raises :class:`ValidationError` with every problem."""
    data = encode(body)
    status = _native.gift_request_body_status(data)  # a number back: nothing to lift in the common case
    if status == _BODY_IS_INPUT:
        return data
    if status == _BODY_REWRITTEN:
        return _native.gift_request_body_if_valid(data)
    raise ValidationError.from_report_json(partial(_report_json, data))  # the report is built on demand


def _report_json(data: bytes) -> str:
    return _native.gift_request_body_json(data).report_json  # type: ignore[attr-defined,no-any-return]


def _batch(bodies: Iterable[Body], many: Callable[[bytes], str], finish: Callable[[bytes, list[Any]], list[Any]], one: Callable[[Body], T]) -> list[Any]:
    """Runs ``many`` on the ``dict`` rows in one crossing, and ``one`` on rows given as JSON text (which
    cannot be spliced into an array before the core has read them). Returns, in order, each row's item of
    ``finish`` (given the bytes sent and ``many``'s decoded answer) or ``one``'s result."""
    rows = bodies if isinstance(bodies, list) else list(bodies)
    if not any(issubclass(t, (str, bytes)) for t in set(map(type, rows))):  # the common case: no text row
        encoded = _encode_rows(rows, range(len(rows)))
        return finish(encoded, json.loads(many(encoded)))
    out: list[Any] = [None] * len(rows)
    objects = [i for i, row in enumerate(rows) if not isinstance(row, (str, bytes))]
    if objects:
        encoded = _encode_rows([rows[i] for i in objects], objects)
        for i, item in zip(objects, finish(encoded, json.loads(many(encoded)))):
            out[i] = item
    for i, row in enumerate(rows):
        if isinstance(row, (str, bytes)):
            out[i] = one(row)
    return out


def _encode_rows(rows: list[Any], indices: Iterable[int]) -> bytes:
    """The JSON array of ``rows``; a row JSON cannot hold is refused, named by its index in the batch."""
    try:
        return _encode_json(rows).encode()
    except (TypeError, ValueError, RecursionError):
        return b"[" + b",".join(encode(row, f"bodies[{i}]") for i, row in zip(indices, rows)) + b"]"


def validate_gift_requests(bodies: Iterable[Body]) -> list[list[FieldError]]:
    """:func:`validate_gift_request` for many bodies in one crossing: for each, its problems (empty when
    it would be accepted). Use it to check a whole batch of rows before sending any."""
    return _batch(bodies, _native.validate_gift_requests_json, _checked_rows, validate_gift_request)


def _checked_rows(encoded: bytes, items: list[Any]) -> list[list[FieldError]]:
    """The rows of ``validate_gift_requests_json``: each null or ``[[type, code, message, param], ...]``."""
    make = FieldError._make
    return [[] if item is None else list(map(make, item)) for item in items]


def gift_request_bodies(bodies: Iterable[Body]) -> list[bytes | ValidationError]:
    """:func:`gift_request_body` for many bodies in one crossing: for each, the body to send or the
    :class:`ValidationError` that refuses it (returned, not raised)."""
    return _batch(bodies, _native.gift_request_bodies_spans, _built_rows, _body_or_error)


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


def _body_or_error(body: Body) -> bytes | ValidationError:
    try:
        return gift_request_body(body)
    except ValidationError as e:
        return e
