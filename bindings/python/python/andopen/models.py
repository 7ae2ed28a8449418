"""The API's resources as frozen dataclasses: what the client returns.

They are read by the core (every id, timestamp and enum checked there) and only copied here. A status
is its wire text (``"submitted"``, ``"redeemed"``, ``"dispatched"``, ``"delivered"``, ``"cancelled"``, or
a newer one the SDK does not know yet, kept as sent). ``GiftRequest.json`` and ``Campaign.raw_json`` keep
the JSON text, so nothing the API sent is out of reach.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import _native
from .errors import RateLimit

__all__ = [
    "Campaign",
    "CampaignPage",
    "GiftRequest",
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
    status: str
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

    def to_dict(self) -> dict[str, Any]:
        """The gift request as a ``dict`` in the API's JSON form."""
        return json.loads(self.json)


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

    @property
    def raw(self) -> dict[str, Any]:
        """The campaign object as a ``dict``, undocumented fields included."""
        return json.loads(self.raw_json)


@dataclass(frozen=True)
class CampaignPage:
    """One page of the campaign list, newest first."""

    data: list[Campaign]
    has_more: bool


@dataclass(frozen=True)
class ResponseMeta:
    """The facts of a response whatever its body."""

    status: int
    request_id: str | None
    rate_limit: RateLimit
    retry_after: int | None


def gift_request(g: _native.GiftRequest) -> GiftRequest:
    r = g.recipient
    a = g.shipping_address
    return GiftRequest(
        id=g.id,
        status=_native.gift_request_status_text(g.status),
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


def campaign(c: _native.Campaign) -> Campaign:
    return Campaign(
        id=c.id,
        name=c.name,
        invitation_method=c.invitation_method,
        allows_direct_send=c.allows_direct_send,
        products=[Product(p.id, p.name, [_variant(v) for v in p.variants]) for p in c.products],
        created_at=c.created_at,
        updated_at=c.updated_at,
        raw_json=c.raw_json,
    )


def campaign_page(p: _native.CampaignPage) -> CampaignPage:
    return CampaignPage([campaign(c) for c in p.data], p.has_more)


def response_meta(m: _native.ResponseMeta) -> ResponseMeta:
    r = m.rate_limit
    return ResponseMeta(m.status, m.request_id, RateLimit(r.limit, r.remaining, r.reset), m.retry_after_s)
