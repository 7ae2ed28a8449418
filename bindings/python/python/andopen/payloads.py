"""Gift-request bodies checked and built without a client or a key: call these as a form changes, or to
check a batch of rows before sending anything.

A body is a ``dict`` in the API's JSON shape (see :class:`NewGiftRequestParams`), or JSON text already
encoded (``str`` or ``bytes``); fields the SDK does not model are passed through untouched. Every rule is
the core's: the body crosses to it as JSON bytes, and the answer comes back as the body to send or as the
errors in one JSON text, which is much faster than converting typed records field by field across the
boundary.
"""

from __future__ import annotations

import json
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

_encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def encode(body: Body, param: str = "params") -> bytes:
    """The JSON bytes of a body; a value JSON cannot hold is refused as a validation error."""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    try:
        return _encode_json(body).encode()
    except (TypeError, ValueError) as e:
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
    built = _native.gift_request_body_if_valid(data)  # empty when refused: the report is built on demand
    if built:
        return built
    raise ValidationError.from_report_json(lambda: _native.gift_request_body_json(data).report_json)  # type: ignore[attr-defined]


def _batch(bodies: Iterable[Body], many: Callable[[bytes], str], one: Callable[[Body], T]) -> list[Any]:
    """Runs ``many`` on the ``dict`` rows in one crossing, and ``one`` on rows given as JSON text (which
    cannot be spliced into an array before the core has read them). Returns ``many``'s item or ``one``'s
    result for each row, in order."""
    rows = list(bodies)
    out: list[Any] = [None] * len(rows)
    objects = [i for i, row in enumerate(rows) if not isinstance(row, (str, bytes))]
    if objects:
        picked = [rows[i] for i in objects]
        try:
            encoded = _encode_json(picked).encode()
        except (TypeError, ValueError):
            encoded = b"[" + b",".join(encode(rows[i], f"bodies[{i}]") for i in objects) + b"]"
        for i, item in zip(objects, json.loads(many(encoded))):
            out[i] = item
    for i, row in enumerate(rows):
        if isinstance(row, (str, bytes)):
            out[i] = one(row)
    return out


def validate_gift_requests(bodies: Iterable[Body]) -> list[list[FieldError]]:
    """:func:`validate_gift_request` for many bodies in one crossing: for each, its problems (empty when
    it would be accepted). Use it to check a whole batch of rows before sending any."""
    out = _batch(bodies, _native.validate_gift_requests_json, validate_gift_request)
    make = FieldError._make
    # A row checked in the batch is null or [[type, code, message, param], ...]; a text row is already a list.
    return [[] if not item else item if isinstance(item[0], FieldError) else [make(p) for p in item] for item in out]


def gift_request_bodies(bodies: Iterable[Body]) -> list[bytes | ValidationError]:
    """:func:`gift_request_body` for many bodies in one crossing: for each, the body to send or the
    :class:`ValidationError` that refuses it (returned, not raised)."""
    out = _batch(bodies, _native.gift_request_bodies_json, _body_or_error)
    lazy = ValidationError.from_report_json
    return [item.encode() if isinstance(item, str) else lazy(item) if isinstance(item, dict) else item for item in out]


def _body_or_error(body: Body) -> bytes | ValidationError:
    try:
        return gift_request_body(body)
    except ValidationError as e:
        return e
