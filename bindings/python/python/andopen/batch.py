"""Batch send (the Clay flow): many rows in, one gift request per eligible row, one result per row.

    result = andopen.send_batch(
        client,
        rows,                                   # dicts: {"row_key", "recipient", "shipping_address", "line_items"}
        campaign_id="a1b2c3d4-e5f6-7890-abcd-ef1234567890",
        journal="gifts.journal",                # resume an interrupted run without sending a row twice
        history=history, look_back_days=30,     # skip people gifted in the last 30 days
        on_progress=lambda p: print(f"{p.finished}/{p.total}"),
    )
    open("results.csv", "w").write(result.to_csv())

Or ``andopen.send_batch_csv(client, csv_text, ...)`` with a header line (``first_name``, ``last_name``,
``email``, ``row_key``, shipping columns, ``sku``, ``quantity``). Each row is validated, repeats within the
batch and recently gifted recipients are skipped with the reason, sends are paced by the rate-limit
headers, and a creation that may have landed is reported as outcome unknown, never resent.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from . import _native
from ._native import BatchProgress, RowError, RowOutcome, RowResult
from .client import Client
from .errors import from_core_error
from .payloads import encode
from .transport import Request, TransportFailure, response_parts
from .webhooks import GiftHistory, look_back

__all__ = ["BatchProgress", "BatchResult", "RowError", "RowOutcome", "RowResult", "send_batch", "send_batch_csv"]


@dataclass(frozen=True)
class BatchResult:
    """Every row's result, and the counts."""

    rows: list[RowResult]
    progress: BatchProgress
    csv: str

    def to_csv(self) -> str:
        """``row_key, outcome, gift_request_id, redemption_url, request_id, reason, error_type, error_code,
        error_param, error_message``: for writing back to a table."""
        return self.csv


def send_batch(
    client: Client,
    rows: Iterable[Mapping[str, Any]],
    *,
    campaign_id: str,
    journal: str | os.PathLike[str],
    history: GiftHistory | None = None,
    look_back_days: int | None | bool = False,
    default_line_items: list[Mapping[str, Any]] | None = None,
    min_interval: float = 0.0,
    wait_for_redemption_url: bool = True,
    on_progress: Callable[[BatchProgress], None] | None = None,
) -> BatchResult:
    """Sends one gift request per eligible row. ``journal`` is a file the run appends to (created if
    missing), each line stored durably before the run goes on; run again with the same file after an
    interruption: created rows return their recorded result, a row whose request may have reached the
    server comes back as outcome unknown (never resent), and a row whose answer proved that nothing was
    created (429, 503, another 4xx, a request that never left) is sent again. ``look_back_days``: skip recipients in ``history`` gifted within that many days (``None`` for
    ever; the default ``False`` checks repeats within the batch only)."""
    body = encode(list(rows), "rows")
    return _run(client, lambda *a: _native.BatchRun.from_json(client._native, body, *a), campaign_id, journal, history, look_back_days,
                default_line_items, min_interval, wait_for_redemption_url, on_progress)


def send_batch_csv(
    client: Client,
    csv: str,
    *,
    campaign_id: str,
    journal: str | os.PathLike[str],
    history: GiftHistory | None = None,
    look_back_days: int | None | bool = False,
    default_line_items: list[Mapping[str, Any]] | None = None,
    min_interval: float = 0.0,
    wait_for_redemption_url: bool = True,
    on_progress: Callable[[BatchProgress], None] | None = None,
) -> BatchResult:
    """Like :func:`send_batch`, with the rows as CSV text."""
    if not isinstance(csv, str):
        raise TypeError(f"csv: must be the CSV text, not {type(csv).__name__}")
    return _run(client, lambda *a: _native.BatchRun.from_csv(client._native, csv, *a), campaign_id, journal, history, look_back_days,
                default_line_items, min_interval, wait_for_redemption_url, on_progress)


def _run(
    client: Client,
    start: Callable[..., _native.BatchRun],
    campaign_id: str,
    journal: str | os.PathLike[str],
    history: GiftHistory | None,
    look_back_days: int | None | bool,
    default_line_items: list[Mapping[str, Any]] | None,
    min_interval: float,
    wait_for_redemption_url: bool,
    on_progress: Callable[[BatchProgress], None] | None,
) -> BatchResult:
    # `False`: no look-back; `None`: forever; anything else is checked as a number of days (never rounded).
    window = None if look_back_days is False else look_back(look_back_days)
    items = [_line_item(i, n) for n, i in enumerate(default_line_items or [])]
    settings = _native.BatchSettings(campaign_id=campaign_id, look_back=window, default_line_items=items)
    options = _native.default_batch_options()
    options.min_interval_ms = int(min_interval * 1000)
    options.wait_for_redemption_url = bool(wait_for_redemption_url)
    path = os.fspath(journal)
    recorded = ""
    if os.path.exists(path):
        # A line cut short may end inside a character: replaced, and the core ignores that line anyway.
        with open(path, encoding="utf-8", errors="replace") as f:
            recorded = f.read()
    native_history = None if history is None else history._native
    try:
        run = start(settings, native_history, recorded, client._now_ms(), options)
    except _native.CoreError as e:
        raise from_core_error(e) from None
    with open(path, "a", encoding="utf-8") as log:
        if recorded and not recorded.endswith("\n"):
            log.write("\n")  # a line cut short by an interruption stays alone on its line
        while True:
            action = run.next_action(client._now_ms())
            if action.is_persist():
                log.write(action.line + "\n")
                log.flush()
                os.fsync(log.fileno())
            elif action.is_send():
                _send(client, run, action.request)
                if on_progress is not None:
                    on_progress(run.progress())
            elif action.is_wait():
                client._sleep(action.delay_ms / 1000)
            else:
                break
    if on_progress is not None:
        on_progress(run.progress())  # the rows settled after the last send (skips, failures) included
    return BatchResult(run.results(), run.progress(), run.results_csv())


def _send(client: Client, run: _native.BatchRun, request: _native.HttpRequest) -> None:
    sent = Request(request.method, request.url, [(h.name, h.value) for h in request.headers], request.body)
    try:
        response = client._transport.send(sent, client._timeout)
    except TransportFailure as failure:
        kind = _native.TransportFailure.MAYBE_SENT if failure.maybe_sent else _native.TransportFailure.NOT_SENT
        run.handle_transport_failure(kind, client._now_ms())
        return
    except OSError:
        # A transport that let a socket error through: the request may have left.
        run.handle_transport_failure(_native.TransportFailure.MAYBE_SENT, client._now_ms())
        return
    status, headers, body = response_parts(response)
    run.handle_response(status, headers, body, client._now_ms())


def _line_item(item: Mapping[str, Any], n: int) -> _native.NewLineItem:
    if not isinstance(item, Mapping):
        raise TypeError(f"default_line_items[{n}]: must be a dict with sku and/or variant_id and quantity")
    # Only the Python types are checked here; the contract's rules (quantity at least 1, sku or variant) are
    # the core's, applied to every row that takes these items.
    quantity = item.get("quantity")
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise TypeError(f"default_line_items[{n}].quantity: must be an int, not {type(quantity).__name__}")
    texts = {name: item.get(name) for name in ("sku", "variant_id")}
    for name, value in texts.items():
        if value is not None and not isinstance(value, str):
            raise TypeError(f"default_line_items[{n}].{name}: must be a string")
    return _native.NewLineItem(sku=texts["sku"], variant_id=texts["variant_id"], quantity=quantity, extra=[])
