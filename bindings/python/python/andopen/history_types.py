"""The values of webhooks and the gift history, as the package's own types: a verified delivery, one gift's
timeline, a recipient and what the history says of them. :class:`andopen.WebhookReceiver` and
:class:`andopen.GiftHistory` return and take these; the core's records stay inside the package.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Union

from . import _native
from .errors import RateLimit
from .models import GiftRequest, GiftRequestStatus, Money, ResponseMeta, gift_request

__all__ = [
    "Eligibility",
    "Eligible",
    "GiftTimeline",
    "LookBackWindow",
    "MemberStatus",
    "RecipientRef",
    "RecipientSummary",
    "Skip",
    "WebhookDelivery",
]


@dataclass(frozen=True)
class RecipientRef:
    """Who a gift went to, as the history matches people: the email when given (in any case), else the
    first and last names."""

    first_name: str
    last_name: str
    email: str | None = None


@dataclass(frozen=True)
class LookBackWindow:
    """How far back a recipient's earlier gift counts: ``days`` days, or for ever when ``None``. Made by
    :func:`andopen.look_back`."""

    days: int | None


@dataclass(frozen=True)
class Eligible:
    """The recipient may be gifted: no gift within the window."""


@dataclass(frozen=True)
class Skip:
    """The recipient was gifted within the window: the earlier gift, when it was sent, and why that skips."""

    gift_request_id: str
    sent_at: datetime
    reason: str


Eligibility = Union[Eligible, Skip]
"""Whether a recipient may be gifted: :class:`Eligible` or :class:`Skip` (``match`` narrows it)."""


class MemberStatus(enum.Enum):
    """A CRM member's status in a campaign, from the latest gift of that campaign."""

    PENDING = "pending"
    INVITED = "invited"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class GiftTimeline:
    """One gift as the history knows it: its latest status and the date of each step heard of."""

    gift_request_id: str
    campaign_id: str | None
    status: GiftRequestStatus
    sent_at: datetime | None
    redeemed_at: datetime | None
    dispatched_at: datetime | None
    delivered_at: datetime | None
    cancelled_at: datetime | None
    redemption_url: str | None


@dataclass(frozen=True)
class RecipientSummary:
    """The CRM fields of a recipient: how many gifts, the latest dates, and their values (``lifetime_value``
    holds one amount per currency; ``unpriced_gifts`` counts gifts no campaign catalogue could value)."""

    gift_count: int
    last_sent_at: datetime | None
    last_redeemed_at: datetime | None
    last_delivered_at: datetime | None
    last_gift_value: Money | None
    lifetime_value: list[Money]
    unpriced_gifts: int


@dataclass(frozen=True)
class WebhookDelivery:
    """A verified delivery: its event, whether it was seen before (``duplicate``: by event id or by its
    signed body), the gift request its signed body holds, and the raw body (to forward as received)."""

    event_id: str
    event_type: str
    dispatched_at: datetime
    api_version: str | None
    duplicate: bool
    body_digest: str
    """The SHA-256 of the signed body, in hex: what a store de-duplicates on beside the event id."""
    gift_request: GiftRequest
    body: bytes = field(repr=False)
    _native: Any = field(default=None, repr=False, compare=False)


# A delivery carries no response: its gift request's meta says so.
_NO_RESPONSE = ResponseMeta(0, None, RateLimit(None, None, None), None)
_MEMBER_STATUS = {
    _native.MemberStatus.PENDING: MemberStatus.PENDING,
    _native.MemberStatus.INVITED: MemberStatus.INVITED,
    _native.MemberStatus.COMPLETED: MemberStatus.COMPLETED,
    _native.MemberStatus.CANCELLED: MemberStatus.CANCELLED,
}
_windows: Any = _native.LookBackWindow


def delivery(d: _native.WebhookDelivery) -> WebhookDelivery:
    return WebhookDelivery(d.event_id, d.event_type, d.dispatched_at, d.api_version, d.duplicate, d.body_digest,
                           gift_request(d.gift_request, _NO_RESPONSE), bytes(d.body), d)


def timeline(t: _native.GiftTimeline) -> GiftTimeline:
    return GiftTimeline(t.gift_request_id, t.campaign_id, GiftRequestStatus(_native.gift_request_status_text(t.status)),
                        t.sent_at, t.redeemed_at, t.dispatched_at, t.delivered_at, t.cancelled_at, t.redemption_url)


def summary(s: _native.RecipientSummary) -> RecipientSummary:
    last = None if s.last_gift_value is None else Money(s.last_gift_value.amount, s.last_gift_value.currency)
    return RecipientSummary(s.gift_count, s.last_sent_at, s.last_redeemed_at, s.last_delivered_at, last,
                            [Money(m.amount, m.currency) for m in s.lifetime_value], s.unpriced_gifts)


def eligibility(e: Any) -> Eligibility:
    if e.is_eligible():
        return Eligible()
    return Skip(e.gift_request_id, e.sent_at, e.reason)


def member_status(m: _native.MemberStatus) -> MemberStatus:
    return _MEMBER_STATUS[m]


def native_recipient(recipient: RecipientRef) -> _native.RecipientRef:
    if not isinstance(recipient, RecipientRef):
        raise TypeError(f"recipient: must be an andopen.RecipientRef, not {type(recipient).__name__}")
    return _native.RecipientRef(first_name=recipient.first_name, last_name=recipient.last_name, email=recipient.email)


def native_window(window: LookBackWindow) -> _native.LookBackWindow:
    if not isinstance(window, LookBackWindow):
        raise TypeError(f"window: must be an andopen.LookBackWindow from andopen.look_back, not {type(window).__name__}")
    return _windows.FOREVER() if window.days is None else _windows.DAYS(window.days)  # type: ignore[no-any-return]
