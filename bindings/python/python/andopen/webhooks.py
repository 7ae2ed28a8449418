"""Receiving &Open webhooks: verify the signature and the replay window, de-duplicate on the event id, and
keep a gift history with look-back eligibility and the CRM fields. The rules are the core's.

    receiver = andopen.WebhookReceiver(os.environ["ANDOPEN_WEBHOOK_SECRET"])
    history = andopen.GiftHistory()

    def handle(headers, raw_body):                 # in your web framework's view
        try:
            delivery = receiver.receive(headers, raw_body)
        except andopen.WebhookRefused as e:
            return e.status, e.code                # forged, tampered, replayed, too large: do not act on it
        if not delivery.duplicate:
            history.record_delivery(delivery)
        return 200, "ok"

Pass the body's raw bytes, as read from the request: never a re-serialised JSON object. Only what the
signature covers is trusted: a delivery whose signed body was already accepted is a repeat whatever its
event id, an event type that contradicts the signed body's status is refused (``event_type_mismatch``),
and the history folds the signed body only. Several secrets (a rotation) are given as a list, the newest
first.
"""

from __future__ import annotations

# Headers arrive in any shape a web framework gives them: their types are unknown by nature.
# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false

import time
from typing import Any, Callable, Iterable, Mapping, Protocol, Sequence, Union

from . import _native
from . import history_types as _types
from .history_types import (
    Eligibility,
    Eligible,
    GiftTimeline,
    LookBackWindow,
    MemberStatus,
    RecipientRef,
    RecipientSummary,
    Skip,
    WebhookDelivery,
)
from .errors import from_core_error
from .models import Campaign, GiftRequest
from .transport import config_refused

__all__ = [
    "Eligibility",
    "Eligible",
    "EventStore",
    "GiftHistory",
    "GiftTimeline",
    "LookBackWindow",
    "MemberStatus",
    "RecipientRef",
    "RecipientSummary",
    "Skip",
    "WebhookDelivery",
    "WebhookReceiver",
    "WebhookRefused",
    "WebhookStoreFailed",
    "look_back",
    "webhook_signature",
]

HeaderPairs = Union[Mapping[str, str], Iterable[tuple[str, str]]]

# The generated exception variants and enum variants are typed apart from their parents (or not at all):
# reached through Any.
_StoreFailed: Any = _native.StoreError.Failed  # type: ignore[attr-defined]
_WebhookErrors: Any = _native.WebhookError
_native_history: Any = _native.GiftHistory


class WebhookRefused(Exception):
    """A delivery that must not be acted on: answer it with ``status`` (413 for ``body_too_large``, else
    400). ``code`` is ``body_too_large``, ``missing_header``, ``repeated_header``, ``invalid_signature``,
    ``invalid_timestamp``, ``outside_tolerance``, ``invalid_event_id``, ``invalid_event_type``,
    ``invalid_body`` or ``event_type_mismatch``; the message names the header or the rule."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.status = int(_native.webhook_refusal_status(code))


class WebhookStoreFailed(Exception):
    """The host's event store (``WebhookReceiver(store=...)``) failed, so whether the event is new is not
    known: answer the delivery with a 5xx, so that it is retried, and do not act on it."""


class EventStore(Protocol):
    """A host's own record of the deliveries it has acted on (a database table, a key-value store): for
    de-duplication that survives restarts and is shared between receivers.

    Keep one row per first sighting, ``(event_id, body_digest)``, each column unique: a delivery is new
    only when neither is recorded (a captured body re-sent under a new event id is a repeat). An insert
    that fails on either unique key does exactly that, atomically."""

    def first_sighting(self, event_id: str, body_digest: str) -> bool:
        """Records the row and returns ``True`` when neither key was recorded (act on the event); returns
        ``False``, recording nothing, when either was. ``body_digest`` is the body's SHA-256 in lowercase
        hex. Make it atomic when several receivers share the store."""
        ...

    def forget(self, event_id: str) -> None:
        """Removes the row recorded under ``event_id``, so that its next delivery counts as new."""
        ...


class _Store(_native.EventStore):
    """Lets the core call the host's store; any exception the store raises becomes the core's store
    failure, never a crash."""

    def __init__(self, store: EventStore) -> None:
        self._store = store

    def first_sighting(self, event_id: str, body_digest: str) -> bool:
        try:
            answer = self._store.first_sighting(event_id, body_digest)
        except Exception as e:  # noqa: BLE001 (any failure of the host's store is reported, not raised)
            raise _StoreFailed(f"{type(e).__name__}: {e}") from None
        if not isinstance(answer, bool):
            raise _StoreFailed(f"first_sighting must return a bool, not {type(answer).__name__}")
        return answer

    def forget(self, event_id: str) -> None:
        try:
            self._store.forget(event_id)
        except Exception as e:  # noqa: BLE001
            raise _StoreFailed(f"{type(e).__name__}: {e}") from None


_U32_MAX = 2**32 - 1  # the native integers' range, not a rule: the core's maximums are far below


def _secrets(secret: object) -> list[str]:
    """One secret, or a non-empty list of them (a rotation, the newest first); never printed."""
    secrets = [secret] if isinstance(secret, str) else secret
    if not isinstance(secrets, (list, tuple)) or not secrets or not all(isinstance(s, str) for s in secrets):
        raise TypeError(f"secret: must be a string, or a list of strings during a rotation, not {type(secret).__name__}")
    return list(secrets)


def _tolerance(tolerance: object) -> int:
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)):
        raise TypeError(f"tolerance: must be a number of seconds, not {type(tolerance).__name__}")
    if not 0 <= tolerance <= _U32_MAX or tolerance != int(tolerance):
        raise config_refused("tolerance", f"must be a whole number of seconds from 0 to {_U32_MAX}, not {tolerance!r}")
    return int(tolerance)


def _remember(remember: object) -> int:
    """``remember`` for the core, which refuses it outside 1 to its maximum (naming both); a figure beyond
    the native range is handed over as the largest, refused the same way."""
    if remember is None:
        return int(_native.limits().default_remembered_events)
    if isinstance(remember, bool) or not isinstance(remember, int):
        raise TypeError(f"remember: must be an int (a number of deliveries), not {type(remember).__name__}")
    return min(max(remember, 0), _U32_MAX)


class WebhookReceiver:
    """Checks deliveries signed with one secret (or several during a rotation). Thread-safe: share one."""

    def __init__(
        self,
        secret: str | Sequence[str],
        *,
        tolerance: float = 300,
        remember: int | None = None,
        store: EventStore | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``secret``: the webhook secret, or a list of them during a rotation (the newest first, at most
        8). ``tolerance``: seconds the dispatch timestamp may be from now. ``remember``: how many recent
        deliveries are kept for de-duplication (the core's default, 100,000, when ``None``; at most
        1,000,000; memory grows with use, about 150 bytes each). ``store``: de-duplicate through your own
        store instead of memory (then ``remember`` is not given). ``clock`` returns Unix seconds. A wrong
        type is a ``TypeError``; the rules are the core's (:class:`andopen.ValidationError` naming the
        option)."""
        secrets = _secrets(secret)
        seconds = _tolerance(tolerance)
        if store is not None and remember is not None:
            raise config_refused("remember", "is for the in-memory store; a host store keeps every delivery itself")
        if not callable(clock):
            raise TypeError(f"clock: must be callable, not {type(clock).__name__}")
        try:
            if store is None:
                self._native = _native.WebhookReceiver.with_secrets(secrets, seconds, _remember(remember))
            else:
                self._native = _native.WebhookReceiver.with_secrets_and_store(secrets, seconds, _Store(store))
        except _native.CoreError as e:  # pyright: ignore[reportGeneralTypeIssues] (the generated class is typed apart from Exception)
            raise from_core_error(e) from None
        self._clock = clock

    def receive(self, headers: HeaderPairs, body: bytes) -> WebhookDelivery:
        """Verifies one delivery and returns it, with ``duplicate`` set for an event id or a signed body
        seen before. Raises :class:`WebhookRefused` when it must be refused (answer its ``status``),
        :class:`WebhookStoreFailed` when the store could not say whether it is new (answer 5xx)."""
        if not isinstance(body, (bytes, bytearray, memoryview)):
            raise TypeError(f"body: must be the raw bytes of the request, not {type(body).__name__}")
        pairs = [_native.Header(name=n, value=v) for n, v in _header_pairs(headers)]
        try:
            return _types.delivery(self._native.receive(pairs, bytes(body), int(self._clock() * 1000)))
        except _WebhookErrors.Refused as e:
            raise WebhookRefused(e.code, e.detail) from None
        except _WebhookErrors.StoreFailed as e:
            raise WebhookStoreFailed(e.detail) from None

    def forget(self, event_id: str) -> None:
        """Forgets the delivery accepted under ``event_id`` (its body digest with it), so that its
        redelivery is accepted: call it when you could not act on an accepted delivery and answered with
        an error."""
        if not isinstance(event_id, str):
            raise TypeError(f"event_id: must be a string, not {type(event_id).__name__}")
        try:
            self._native.forget(event_id)
        except _WebhookErrors.StoreFailed as e:
            raise WebhookStoreFailed(e.detail) from None


def _header_pairs(headers: HeaderPairs) -> list[tuple[str, str]]:
    """Headers as name and value pairs: a mapping (a list value is repeated lines) or pairs."""
    if isinstance(headers, (str, bytes)) or not isinstance(headers, (Mapping, Iterable)):
        raise TypeError(f"headers: must be a mapping or (name, value) pairs, not {type(headers).__name__}")
    pairs: list[tuple[str, str]] = []
    for item in headers.items() if isinstance(headers, Mapping) else headers:
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise TypeError("headers: every item must be a (name, value) pair")
        name, value = item
        for one in value if isinstance(value, (list, tuple)) else [value]:
            if not isinstance(name, str) or not isinstance(one, str):
                raise TypeError(f"headers: names and values must be strings ({type(name).__name__}: {type(one).__name__})")
            pairs.append((name, one))
    return pairs


class GiftHistory:
    """Every gift heard of: fed from webhook deliveries and from the client's results. Thread-safe."""

    def __init__(self) -> None:
        self._native: _native.GiftHistory = _native_history()

    def record_delivery(self, delivery: WebhookDelivery) -> None:
        """Folds in a verified delivery by its signed body (status and dates, never the event type
        header); repeats and any order give the same timeline."""
        if not isinstance(delivery, WebhookDelivery) or delivery._native is None:
            raise TypeError(f"delivery: must be a WebhookDelivery from WebhookReceiver.receive, not {type(delivery).__name__}")
        self._native.record_delivery(delivery._native)

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
        found = self._native.timeline(gift_request_id)
        return None if found is None else _types.timeline(found)

    def eligibility(self, recipient: RecipientRef, window: LookBackWindow, *, now: float | None = None) -> Eligibility:
        """Whether ``recipient`` may be gifted under ``window`` (see :func:`look_back`)."""
        at = time.time() if now is None else now
        return _types.eligibility(self._native.eligibility(_types.native_recipient(recipient), _types.native_window(window),
                                                          int(at * 1000)))

    def recipient_summary(self, recipient: RecipientRef) -> RecipientSummary:
        """The CRM fields: gift count, last sent, redeemed and delivered dates, values."""
        return _types.summary(self._native.recipient_summary(_types.native_recipient(recipient)))

    def member_status(self, recipient: RecipientRef, campaign_id: str) -> MemberStatus:
        """Pending, Invited, Completed or Cancelled, from the latest gift of the campaign."""
        return _types.member_status(self._native.member_status(_types.native_recipient(recipient), campaign_id))


def look_back(days: int | None) -> LookBackWindow:
    """A look-back window: ``look_back(30)``, ``look_back(90)``, ``look_back(365)``, or ``look_back(None)``
    for forever (gift only once)."""
    if days is None:
        return LookBackWindow(None)
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 2**32 - 1:
        raise config_refused("days", f"must be a whole number of days (0 to 4294967295) or None, not {days!r}")
    return LookBackWindow(days)


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """The signature of a delivery (lowercase hex HMAC-SHA256 of ``{timestamp}.{body}``): for a service
    that re-signs deliveries, or a test."""
    return _native.webhook_signature(secret, timestamp, bytes(body))
