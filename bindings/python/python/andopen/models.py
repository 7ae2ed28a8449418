"""The API's resources as frozen dataclasses: what the client returns.

They are read by the core (every id, timestamp and enum checked there) and only copied here. A status
is a :class:`GiftRequestStatus`: a ``str`` enum whose members are the statuses the SDK knows, and which
holds a newer one as sent (``status.known`` is then ``False``). ``GiftRequest.json`` and
``Campaign.raw_json`` keep the JSON text, so nothing the API sent is out of reach. Every result carries
the :class:`ResponseMeta` of the response it came in (``meta.request_id`` to quote to support,
``meta.rate_limit``); two results are equal when their content is, whatever response carried them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from . import _native
from .errors import RateLimit

__all__ = [
    "Campaign",
    "CampaignPage",
    "GiftRequest",
    "GiftRequestStatus",
    "LineItem",
    "Money",
    "Product",
    "Recipient",
    "ResponseMeta",
    "ShippingAddress",
    "StockLevel",
    "Variant",
    "Warehouse",
]


@dataclass(frozen=True)
class ResponseMeta:
    """The facts of the response a result came in, whatever its body."""

    status: int
    request_id: str | None
    """``Request-Id``: quote it to support."""
    rate_limit: RateLimit
    """The ``RateLimit-*`` figures."""
    retry_after: int | None
    """``Retry-After``, in seconds."""


class GiftRequestStatus(str, Enum):
    """A gift request's status: a ``str`` (``status == "redeemed"`` holds), one of the members below, or a
    status the API added after this SDK, kept as sent (``known`` is ``False``; compare it by its text)."""

    SUBMITTED = "submitted"
    REDEEMED = "redeemed"
    DISPATCHED = "dispatched"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"

    @classmethod
    def _missing_(cls, value: object) -> GiftRequestStatus | None:
        if not isinstance(value, str):
            return None
        newer = str.__new__(cls, value)
        newer._name_ = value.upper()
        newer._value_ = value
        return newer

    @property
    def known(self) -> bool:
        """Whether this SDK knows the status (a member of this enum)."""
        return self._name_ in type(self).__members__ and type(self).__members__[self._name_] is self

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


@dataclass(frozen=True)
class Recipient:
    """The recipient of a gift request, with its server-assigned id."""

    id: str | None
    first_name: str
    last_name: str
    email: str | None


@dataclass(frozen=True)
class ShippingAddress:
    """A direct-send address (no name: the label uses the recipient's)."""

    address1: str
    address2: str | None
    city: str
    region: str
    postal_code: str
    country_code: str
    phone: str


@dataclass(frozen=True)
class LineItem:
    """A locked line item."""

    variant_id: str | None
    sku: str | None
    quantity: int


@dataclass(frozen=True)
class GiftRequest:
    """One gifting transaction."""

    id: str
    status: GiftRequestStatus
    """``submitted``, ``redeemed``, ``dispatched``, ``delivered``, ``cancelled`` (or a newer status)."""
    campaign_id: str | None
    redemption_url: str | None
    """The link the recipient follows; ``None`` until generated, shortly after creation."""
    recipient: Recipient
    shipping_address: ShippingAddress | None
    """Present in direct-send, ``None`` in choice-mode."""
    line_items: list[LineItem] | None
    """``None`` means "not yet locked", never "no items"."""
    created_at: datetime
    updated_at: datetime
    json: str
    """The gift request in the API's JSON form, as the SDK read it."""
    meta: ResponseMeta = field(compare=False)
    """The response it came in: request id, rate limits."""

    def to_dict(self) -> dict[str, Any]:
        """The gift request as a ``dict`` in the API's JSON form."""
        decoded: dict[str, Any] = json.loads(self.json)
        return decoded


@dataclass(frozen=True)
class Money:
    """An amount in minor units: ``Money(2500, "EUR")`` is 25.00 EUR."""

    amount: int
    currency: str


@dataclass(frozen=True)
class Warehouse:
    id: str | None
    name: str | None
    country_code: str | None


@dataclass(frozen=True)
class StockLevel:
    available: int | None
    warehouse: Warehouse | None


@dataclass(frozen=True)
class Variant:
    """What a line item names by ``variant_id`` or ``sku``."""

    id: str | None
    sku: str | None
    name: str | None
    price: Money | None
    stock_levels: list[StockLevel]
    available: int
    """Units available across all warehouses."""


@dataclass(frozen=True)
class Product:
    id: str | None
    name: str | None
    variants: list[Variant]


@dataclass(frozen=True)
class Campaign:
    """A gift catalogue: documented fields typed, the whole object in ``raw_json``."""

    id: str
    name: str | None
    invitation_method: str | None
    allows_direct_send: bool
    """Whether gift requests against it may be direct-send."""
    products: list[Product]
    created_at: datetime | None
    updated_at: datetime | None
    raw_json: str
    """The campaign object exactly as received, undocumented fields included."""
    meta: ResponseMeta = field(compare=False)
    """The response it came in (for a listed campaign, its page's): request id, rate limits."""

    @property
    def raw(self) -> dict[str, Any]:
        """The campaign object as a ``dict``, undocumented fields included."""
        decoded: dict[str, Any] = json.loads(self.raw_json)
        return decoded


@dataclass(frozen=True)
class CampaignPage:
    """One page of the campaign list, newest first."""

    data: list[Campaign]
    has_more: bool
    meta: ResponseMeta = field(compare=False)
    """The response it came in: request id, rate limits."""


def gift_request(g: _native.GiftRequest, meta: ResponseMeta) -> GiftRequest:
    r = g.recipient
    a = g.shipping_address
    return GiftRequest(
        id=g.id,
        status=GiftRequestStatus(_native.gift_request_status_text(g.status)),
        campaign_id=g.campaign_id,
        redemption_url=g.redemption_url,
        recipient=Recipient(r.id, r.first_name, r.last_name, r.email),
        shipping_address=None
        if a is None
        else ShippingAddress(a.address1, a.address2, a.city, a.region, a.postal_code, a.country_code, a.phone),
        line_items=None if g.line_items is None else [LineItem(i.variant_id, i.sku, i.quantity) for i in g.line_items],
        created_at=g.created_at,
        updated_at=g.updated_at,
        json=g.json,
        meta=meta,
    )


def _variant(v: _native.Variant) -> Variant:
    return Variant(
        id=v.id,
        sku=v.sku,
        name=v.name,
        price=None if v.price is None else Money(v.price.amount, v.price.currency),
        stock_levels=[
            StockLevel(
                s.available,
                None if s.warehouse is None else Warehouse(s.warehouse.id, s.warehouse.name, s.warehouse.country_code),
            )
            for s in v.stock_levels
        ],
        available=v.available,
    )


def campaign(c: _native.Campaign, meta: ResponseMeta) -> Campaign:
    return Campaign(
        id=c.id,
        name=c.name,
        invitation_method=c.invitation_method,
        allows_direct_send=c.allows_direct_send,
        products=[Product(p.id, p.name, [_variant(v) for v in p.variants]) for p in c.products],
        created_at=c.created_at,
        updated_at=c.updated_at,
        raw_json=c.raw_json,
        meta=meta,
    )


def campaign_page(p: _native.CampaignPage, meta: ResponseMeta) -> CampaignPage:
    return CampaignPage([campaign(c, meta) for c in p.data], p.has_more, meta)


def response_meta(m: _native.ResponseMeta) -> ResponseMeta:
    r = m.rate_limit
    return ResponseMeta(m.status, m.request_id, RateLimit(r.limit, r.remaining, r.reset), m.retry_after_s)


def gift_request_result(step: Any) -> GiftRequest:
    """The gift request of a call's ``Done`` step, with its response's facts."""
    return gift_request(step.gift_request, response_meta(step.meta))


def campaign_result(step: Any) -> Campaign:
    """The campaign of a call's ``Done`` step, with its response's facts."""
    return campaign(step.campaign, response_meta(step.meta))


def page_result(step: Any) -> CampaignPage:
    """The page of a paginator's ``Done`` step, with its response's facts."""
    return campaign_page(step.page, response_meta(step.meta))
