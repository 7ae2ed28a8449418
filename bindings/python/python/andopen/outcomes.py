"""What a batch reports, as the package's own types: one :class:`RowResult` per row, whose ``outcome`` is
one of :class:`Sent`, :class:`Skipped`, :class:`Failed` or :class:`OutcomeUnknown`, and the counts in
:class:`BatchProgress`. Narrow an outcome with ``isinstance`` or ``match``::

    for row in result.rows:
        match row.outcome:
            case andopen.Sent(gift_request_id=gift_id):
                crm.mark_sent(row.row_key, gift_id)
            case andopen.OutcomeUnknown(reason=reason):
                to_reconcile.append((row.row_key, reason))    # never send it again blindly
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, ClassVar, Union

from . import _native
from .errors import FieldError

__all__ = [
    "BatchProgress",
    "Failed",
    "OutcomeKind",
    "OutcomeUnknown",
    "RowError",
    "RowOutcome",
    "RowResult",
    "Sent",
    "Skipped",
]


class OutcomeKind(enum.Enum):
    """The four outcomes of a row, by the name the results CSV and the journal give them."""

    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"
    OUTCOME_UNKNOWN = "outcome_unknown"


class _Outcome:
    """What every outcome answers."""

    kind: ClassVar[OutcomeKind]

    def is_sent(self) -> bool:
        return self.kind is OutcomeKind.SENT

    def is_skipped(self) -> bool:
        return self.kind is OutcomeKind.SKIPPED

    def is_failed(self) -> bool:
        return self.kind is OutcomeKind.FAILED

    def is_outcome_unknown(self) -> bool:
        return self.kind is OutcomeKind.OUTCOME_UNKNOWN


@dataclass(frozen=True)
class Sent(_Outcome):
    """The gift request was created."""

    kind: ClassVar[OutcomeKind] = OutcomeKind.SENT
    gift_request_id: str
    redemption_url: str | None = None
    request_id: str | None = None


@dataclass(frozen=True)
class Skipped(_Outcome):
    """Not sent, on purpose: the same recipient as an earlier row, or gifted within the look-back window."""

    kind: ClassVar[OutcomeKind] = OutcomeKind.SKIPPED
    reason: str
    previous_gift_request_id: str | None = None
    previous_sent_at: datetime | None = None
    same_as_row: str | None = None


@dataclass(frozen=True)
class RowError:
    """Why a row failed: the first problem's type, code, param and message, and every problem."""

    kind: str
    message: str
    error_type: str | None = None
    code: str | None = None
    param: str | None = None
    status: int | None = None
    request_id: str | None = None
    errors: list[FieldError] = field(default_factory=lambda: list[FieldError]())


@dataclass(frozen=True)
class Failed(_Outcome):
    """Refused (by validation or by the API): nothing was created, so the row may be sent again once fixed."""

    kind: ClassVar[OutcomeKind] = OutcomeKind.FAILED
    error: RowError


@dataclass(frozen=True)
class OutcomeUnknown(_Outcome):
    """Maybe created: never sent again automatically; check whether the gift exists first."""

    kind: ClassVar[OutcomeKind] = OutcomeKind.OUTCOME_UNKNOWN
    reason: str
    request_id: str | None = None


RowOutcome = Union[Sent, Skipped, Failed, OutcomeUnknown]
"""What happened to a row: exactly one of the four."""


@dataclass(frozen=True)
class RowResult:
    """One row's result."""

    index: int
    """The row's position in the batch (0-based)."""
    row_key: str
    send_key: str
    outcome: RowOutcome
    from_journal: bool
    """Read from the journal of an earlier run, not sent by this one."""


@dataclass(frozen=True)
class BatchProgress:
    """Counts of rows by outcome so far; each only grows from one report to the next."""

    total: int
    finished: int
    sent: int
    skipped: int
    failed: int
    unknown: int


# The native records and enums are read through `Any`: their variants' fields are generated at run time.


def progress_from_native(p: _native.BatchProgress) -> BatchProgress:
    return BatchProgress(p.total, p.finished, p.sent, p.skipped, p.failed, p.unknown)


def result_from_native(r: Any) -> RowResult:
    return RowResult(r.index, r.row_key, r.send_key, _outcome(r.outcome), r.from_journal)


def _outcome(o: Any) -> RowOutcome:
    if o.is_sent():
        return Sent(o.gift_request_id, o.redemption_url, o.request_id)
    if o.is_skipped():
        sent_at = o.previous_sent_at
        if sent_at is not None and sent_at.tzinfo is None:
            sent_at = sent_at.replace(tzinfo=timezone.utc)
        return Skipped(o.reason, o.previous_gift_request_id, sent_at, o.same_as_row)
    if o.is_failed():
        e = o.error
        errors = [FieldError(f.error_type, f.code, f.message, f.param) for f in e.errors]
        return Failed(RowError(e.kind, e.message, e.error_type, e.code, e.param, e.status, e.request_id, errors))
    return OutcomeUnknown(o.reason, o.request_id)
