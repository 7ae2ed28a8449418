"""Receiving &Open webhooks: verify the signature and the replay window, de-duplicate on the event id, and
keep a gift history with look-back eligibility and the CRM fields. The rules are the core's.

    receiver = andopen.WebhookReceiver(os.environ["ANDOPEN_WEBHOOK_SECRET"])
    history = andopen.GiftHistory()

    def handle(headers, raw_body):                 # in your web framework's view
        try:
            delivery = receiver.receive(headers, raw_body)
        except andopen.WebhookRefused as e:
            return 400, e.code                     # forged, tampered, replayed: do not act on it
        if not delivery.duplicate:
            history.record_delivery(delivery)
        return 200, "ok"

Pass the body's raw bytes, as read from the request: never a re-serialised JSON object.
"""

from __future__ import annotations

import time
from typing import Callable, Iterable, Mapping, Protocol, Union

from . import _native
from ._native import Eligibility, GiftTimeline, LookBackWindow, MemberStatus, RecipientRef, RecipientSummary, WebhookDelivery
from .errors import from_core_error
from .models import Campaign, GiftRequest

__all__ = [
    "Eligibility",
    "EventStore",
    "GiftHistory",
    "GiftTimeline",
    "LookBackWindow",
    "MemberStatus",
    "RecipientRef",
    "RecipientSummary",
    "WebhookDelivery",
    "WebhookReceiver",
    "WebhookRefused",
    "WebhookStoreFailed",
    "look_back",
    "webhook_signature",
]

HeaderPairs = Union[Mapping[str, str], Iterable[tuple[str, str]]]


class WebhookRefused(Exception):
    """A delivery that must not be acted on: answer it with a 4xx. ``code`` is ``missing_header``,
    ``invalid_signature``, ``invalid_timestamp``, ``outside_tolerance``, ``invalid_event_id`` or
    ``invalid_body``; the message names the header or the rule."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class WebhookStoreFailed(Exception):
    """The host's event store (``WebhookReceiver(store=...)``) failed, so whether the event is new is not
    known: answer the delivery with a 5xx, so that it is retried, and do not act on it."""


class EventStore(Protocol):
    """A host's own record of the event ids it has acted on (a database table, a key-value store): for
    de-duplication that survives restarts and is shared between receivers."""

    def first_sighting(self, event_id: str) -> bool:
        """Records ``event_id``; ``True`` when it had not been recorded (act on the event). Make it atomic
        (an insert that fails on a duplicate key) when several receivers share the store."""
        ...

    def forget(self, event_id: str) -> None:
        """Removes ``event_id``, so that its next delivery counts as new."""
        ...


class _Store(_native.EventStore):
    """Lets the core call the host's store; any exception the store raises becomes the core's store
    failure, never a crash."""

    def __init__(self, store: EventStore) -> None:
        self._store = store

    def first_sighting(self, event_id: str) -> bool:
        try:
            return bool(self._store.first_sighting(event_id))
        except Exception as e:  # noqa: BLE001 (any failure of the host's store is reported, not raised)
            raise _native.StoreError.Failed(f"{type(e).__name__}: {e}") from None

    def forget(self, event_id: str) -> None:
        try:
            self._store.forget(event_id)
        except Exception as e:  # noqa: BLE001
            raise _native.StoreError.Failed(f"{type(e).__name__}: {e}") from None


class WebhookReceiver:
    """Checks deliveries signed with one secret. Thread-safe: share one per secret."""

    def __init__(
        self,
        secret: str,
        *,
        tolerance: float = 300,
        remember: int = 100_000,
        store: EventStore | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``tolerance``: seconds the dispatch timestamp may be from now. ``remember``: how many recent
        event ids are kept for de-duplication (100,000 is about 5 MB). ``store``: de-duplicate through
        your own store instead of memory. ``clock`` returns Unix seconds."""
        # Python's types and the native integers' ranges are checked here; the rules (a secret, room for
        # at least one event id) are the core's.
        if not isinstance(secret, str):
            raise TypeError(f"secret: must be a string (the webhook secret), not {type(secret).__name__}")
        whole = isinstance(tolerance, (int, float)) and not isinstance(tolerance, bool) and 0 <= tolerance <= 2**32 - 1
        if not whole or tolerance != int(tolerance):
            raise ValueError(f"tolerance: must be a whole number of seconds from 0 to 4294967295, not {tolerance!r}")
        if isinstance(remember, bool) or not isinstance(remember, int) or not 0 <= remember <= 2**32 - 1:
            raise ValueError("remember: must be a whole number between 0 and 4294967295")
        try:
            if store is None:
                self._native = _native.WebhookReceiver(secret, int(tolerance), remember)
            else:
                self._native = _native.WebhookReceiver.with_store(secret, int(tolerance), _Store(store))
        except _native.CoreError as e:
            raise from_core_error(e) from None
        self._clock = clock

    def receive(self, headers: HeaderPairs, body: bytes) -> WebhookDelivery:
        """Verifies one delivery and returns it, with ``duplicate`` set for an event id seen before. Raises
        :class:`WebhookRefused` when it must be refused (answer 4xx), :class:`WebhookStoreFailed` when the
        store could not say whether it is new (answer 5xx)."""
        items = headers.items() if isinstance(headers, Mapping) else headers
        pairs = [_native.Header(name=str(n), value=str(v)) for n, v in items]
        try:
            return self._native.receive(pairs, bytes(body), int(self._clock() * 1000))
        except _native.WebhookError.Refused as e:
            raise WebhookRefused(e.code, e.detail) from None
        except _native.WebhookError.StoreFailed as e:
            raise WebhookStoreFailed(e.detail) from None

    def forget(self, event_id: str) -> None:
        """Forgets an event id, so that its redelivery is accepted: call it when you could not act on an
        accepted delivery and answered with an error."""
        try:
            self._native.forget(event_id)
        except _native.WebhookError.StoreFailed as e:
            raise WebhookStoreFailed(e.detail) from None


class GiftHistory:
    """Every gift heard of: fed from webhook deliveries and from the client's results. Thread-safe."""

    def __init__(self) -> None:
        self._native = _native.GiftHistory()

    def record_delivery(self, delivery: WebhookDelivery) -> None:
        """Folds in a verified delivery; repeats and any order give the same timeline."""
        self._native.record_delivery(delivery)

    def record_gift(self, gift: GiftRequest) -> None:
        """Folds in a :class:`andopen.GiftRequest` a call returned."""
        if not self._native.record_gift_json(gift.json):
            raise ValueError("gift: not a gift request")

    def set_prices(self, campaigns: Iterable[Campaign]) -> None:
        """Values gifts from these campaigns' catalogues (:class:`andopen.Campaign` values)."""
        self._native.set_prices([c.raw_json for c in campaigns])

    def __len__(self) -> int:
        return int(self._native.len())

    def timeline(self, gift_request_id: str) -> GiftTimeline | None:
        """One gift's timeline: sent, redeemed, dispatched, delivered, cancelled dates."""
        return self._native.timeline(gift_request_id)

    def eligibility(self, recipient: RecipientRef, window: LookBackWindow, *, now: float | None = None) -> Eligibility:
        """Whether ``recipient`` may be gifted under ``window`` (see :func:`look_back`)."""
        at = time.time() if now is None else now
        return self._native.eligibility(recipient, window, int(at * 1000))

    def recipient_summary(self, recipient: RecipientRef) -> RecipientSummary:
        """The CRM fields: gift count, last sent, redeemed and delivered dates, values."""
        return self._native.recipient_summary(recipient)

    def member_status(self, recipient: RecipientRef, campaign_id: str) -> MemberStatus:
        """Pending, Invited, Completed or Cancelled, from the latest gift of the campaign."""
        return self._native.member_status(recipient, campaign_id)


def look_back(days: int | None) -> LookBackWindow:
    """A look-back window: ``look_back(30)``, ``look_back(90)``, ``look_back(365)``, or ``look_back(None)``
    for forever (gift only once)."""
    if days is None:
        return LookBackWindow.FOREVER()
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 2**32 - 1:
        raise ValueError(f"days: must be a whole number of days (0 to 4294967295) or None, not {days!r}")
    return LookBackWindow.DAYS(days)


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """The signature of a delivery (lowercase hex HMAC-SHA256 of ``{timestamp}.{body}``): for a service
    that re-signs deliveries, or a test."""
    return _native.webhook_signature(secret, timestamp, bytes(body))
