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

For a batch of any size, ``andopen.send_batch_file(client, "rows.csv", results="results.csv", ...)``
streams: the file is read 64 KiB at a time, each row planned and sent when the run is ready for it, each
result written to ``results`` as it settles. Memory stays flat however many rows the file holds.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from itertools import islice
from typing import IO, Any, Callable, Iterable, Iterator, Mapping

from . import _native
from .client import Client
from .errors import from_core_error
from .outcomes import (
    BatchProgress,
    Failed,
    OutcomeKind,
    OutcomeUnknown,
    RowError,
    RowOutcome,
    RowResult,
    Sent,
    Skipped,
    progress_from_native,
    result_from_native,
)
from .payloads import encode
from .transport import Request, TransportFailure, response_parts
from .webhooks import GiftHistory, look_back

__all__ = [
    "BatchProgress",
    "BatchResult",
    "BatchSummary",
    "Failed",
    "OutcomeKind",
    "OutcomeUnknown",
    "RowError",
    "RowOutcome",
    "RowResult",
    "Sent",
    "Skipped",
    "send_batch",
    "send_batch_csv",
    "send_batch_file",
]

# Rows planned and queued at a time when the rows come as records, and bytes of a file read at a time.
_WINDOW_ROWS = 500
_PIECE_CHARS = 64 * 1024


@dataclass(frozen=True)
class BatchResult:
    """Every row's result, the counts, and the CSV columns the batch did not read."""

    rows: list[RowResult]
    progress: BatchProgress
    csv: str
    ignored_columns: list[str] = field(default_factory=list[str])
    """Header names of a CSV batch that no row field reads (a company, a score): nothing dropped unseen."""

    def to_csv(self) -> str:
        """``row_key, outcome, gift_request_id, redemption_url, request_id, reason, error_type, error_code,
        error_param, error_message``: for writing back to a table."""
        return self.csv


@dataclass(frozen=True)
class BatchSummary:
    """What :func:`send_batch_file` returns: the counts and the columns not read (the results went to the
    results file, row by row)."""

    progress: BatchProgress
    ignored_columns: list[str]


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
    created (429, 503, another 4xx, a request that never left) is sent again. ``look_back_days``: skip
    recipients in ``history`` gifted within that many days (``None`` for ever; the default ``False`` checks
    repeats within the batch only). ``rows`` may be any iterable (a generator reading a table): it is read
    500 rows at a time, as the run gets to them. ``on_progress`` is called each time a row settles, with
    counts that only grow."""
    pending: Iterator[Mapping[str, Any]] = iter(rows)
    expected = len(rows) if hasattr(rows, "__len__") else None  # type: ignore[arg-type]
    offset = 0

    def feed(stream: _native.BatchStream, now_ms: int) -> None:
        nonlocal offset
        window = list(islice(pending, _WINDOW_ROWS))
        if not window:
            stream.end_rows()
            return
        # Each row encoded alone, so that a value JSON cannot hold is named by its place in the whole batch.
        body = b"[" + b",".join(encode(row, f"rows[{offset + n}]") for n, row in enumerate(window)) + b"]"
        offset += len(window)
        stream.push_rows_json(body, now_ms)

    stream = _stream(client, campaign_id, journal, history, look_back_days, default_line_items, min_interval, wait_for_redemption_url)
    kept = _Kept()
    progress = _drive(client, stream, journal, feed, kept.take, on_progress, expected)
    return BatchResult(kept.rows, progress, "".join(kept.csv), [])


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
    """Like :func:`send_batch`, with the rows as CSV text; the result lists the columns it did not read."""
    if not isinstance(csv, str):
        raise TypeError(f"csv: must be the CSV text, not {type(csv).__name__}")
    stream = _stream(client, campaign_id, journal, history, look_back_days, default_line_items, min_interval, wait_for_redemption_url)
    state = {"done": False}

    def feed(stream: _native.BatchStream, now_ms: int) -> None:
        if state["done"]:
            stream.end_rows()
            return
        state["done"] = True
        _native_call(stream.push_csv, csv, now_ms)
        _native_call(stream.finish_csv, now_ms)

    kept = _Kept()
    # The text is already in memory: it is planned at once, so that the total is known from the first report.
    progress = _drive(client, stream, journal, feed, kept.take, on_progress, None)
    return BatchResult(kept.rows, progress, "".join(kept.csv), stream.ignored_columns())


def send_batch_file(
    client: Client,
    rows: str | os.PathLike[str] | IO[str],
    *,
    results: str | os.PathLike[str] | IO[str],
    campaign_id: str,
    journal: str | os.PathLike[str],
    history: GiftHistory | None = None,
    look_back_days: int | None | bool = False,
    default_line_items: list[Mapping[str, Any]] | None = None,
    min_interval: float = 0.0,
    wait_for_redemption_url: bool = True,
    on_progress: Callable[[BatchProgress], None] | None = None,
    on_read: Callable[[int], None] | None = None,
) -> BatchSummary:
    """Like :func:`send_batch_csv`, streamed: ``rows`` (a CSV file's path, or a text file open for reading)
    is read 64 KiB at a time when the run is ready for more rows, and each row's result is written to
    ``results`` (a path, created or replaced, or a text file open for writing) as soon as it settles, so
    that memory does not grow with the batch. ``on_read`` is told the characters read so far (for a
    progress bar over the file's size); ``on_progress``'s ``total`` counts the rows read so far."""
    source, close_source = _open(rows, "r")
    try:
        sink, close_sink = _open(results, "w")
    except BaseException:
        if close_source:
            source.close()
        raise
    read = 0

    def feed(stream: _native.BatchStream, now_ms: int) -> None:
        nonlocal read
        while True:
            piece = source.read(_PIECE_CHARS)
            if not piece:
                _native_call(stream.finish_csv, now_ms)
                return
            read += len(piece)
            if on_read is not None:
                on_read(read)
            if _native_call(stream.push_csv, piece, now_ms) > 0:
                return

    header = True

    def write(stream: _native.BatchStream) -> None:
        nonlocal header
        text = stream.take_results_csv(header)
        header = False
        if text:
            sink.write(text)

    try:
        stream = _stream(client, campaign_id, journal, history, look_back_days, default_line_items, min_interval,
                         wait_for_redemption_url)
        progress = _drive(client, stream, journal, feed, write, on_progress, None)
        sink.flush()
        return BatchSummary(progress, stream.ignored_columns())
    finally:
        if close_sink:
            sink.close()
        if close_source:
            source.close()


def _open(target: str | os.PathLike[str] | IO[str], mode: str) -> tuple[IO[str], bool]:
    if isinstance(target, (str, os.PathLike)):
        # newline="": the CSV reader sees the line breaks as written (a CRLF file, a line break in quotes).
        return open(os.fspath(target), mode, encoding="utf-8", newline=""), True
    return target, False


def _native_call(method: Callable[..., Any], *args: Any) -> Any:
    try:
        return method(*args)
    except _native.CoreError as e:  # pyright: ignore[reportGeneralTypeIssues] (the generated class is typed apart from Exception)
        raise from_core_error(e) from None


def _stream(
    client: Client,
    campaign_id: str,
    journal: str | os.PathLike[str],
    history: GiftHistory | None,
    look_back_days: int | None | bool,
    default_line_items: list[Mapping[str, Any]] | None,
    min_interval: float,
    wait_for_redemption_url: bool,
) -> _native.BatchStream:
    # `False`: no look-back; `None`: forever; anything else is checked as a number of days (never rounded).
    window = None if look_back_days is False else look_back(look_back_days)
    items = [_line_item(i, n) for n, i in enumerate(default_line_items or [])]
    settings = _native.BatchSettings(campaign_id=campaign_id, look_back=window, default_line_items=items)
    options = _native.default_batch_options()
    options.min_interval_ms = int(min_interval * 1000)
    options.wait_for_redemption_url = bool(wait_for_redemption_url)
    native_history = None if history is None else history._native
    return _native_call(_native.BatchStream, client._native, settings, native_history, _recorded(journal), options)  # type: ignore[no-any-return]


def _recorded(journal: str | os.PathLike[str]) -> str:
    path = os.fspath(journal)
    if not os.path.exists(path):
        return ""
    # A line cut short may end inside a character: replaced, and the core ignores that line anyway.
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


class _Kept:
    """Every result taken from a stream, as records and as CSV, for the batches that return them all."""

    def __init__(self) -> None:
        self.rows: list[RowResult] = []
        self.csv: list[str] = []

    def take(self, stream: _native.BatchStream) -> None:
        taken = stream.take_results_with_csv(not self.csv)
        if taken.csv:
            self.csv.append(taken.csv)
        self.rows.extend(result_from_native(r) for r in taken.results)


def _drive(
    client: Client,
    stream: _native.BatchStream,
    journal: str | os.PathLike[str],
    feed: Callable[[_native.BatchStream, int], None],
    take: Callable[[_native.BatchStream], None],
    on_progress: Callable[[BatchProgress], None] | None,
    expected_total: int | None,
) -> BatchProgress:
    """Carries out the stream's actions until it is done: journal lines appended durably, requests sent,
    waits slept, rows fed when it asks; the results settled handed to ``take`` after each action, and the
    counts reported when a row settled."""
    path = os.fspath(journal)
    reported = -1
    with open(path, "a", encoding="utf-8") as log:
        if os.path.getsize(path) > 0 and not _ends_with_newline(path):
            log.write("\n")  # a line cut short by an interruption stays alone on its line
        while True:
            action: Any = stream.next_action(client._now_ms())
            if action.is_persist():
                log.write(action.line + "\n")
                log.flush()
                os.fsync(log.fileno())
            elif action.is_send():
                _send(client, stream, action.request)
            elif action.is_wait():
                client._sleep(action.delay_ms / 1000)
            elif action.is_need_rows():
                feed(stream, client._now_ms())
            else:
                break
            take(stream)
            reported = _report(stream, on_progress, expected_total, reported)
    take(stream)
    _report(stream, on_progress, expected_total, reported)
    return progress_from_native(stream.progress())


def _report(stream: _native.BatchStream, on_progress: Callable[[BatchProgress], None] | None, expected_total: int | None,
            reported: int) -> int:
    """Reports the counts when a row settled since the last report: each report has more rows finished."""
    if on_progress is None:
        return reported
    progress = progress_from_native(stream.progress())
    if progress.finished <= reported:
        return reported
    if expected_total is not None and expected_total > progress.total:
        progress = BatchProgress(expected_total, progress.finished, progress.sent, progress.skipped, progress.failed, progress.unknown)
    on_progress(progress)
    return progress.finished


def _ends_with_newline(path: str) -> bool:
    with open(path, "rb") as f:
        f.seek(-1, os.SEEK_END)
        return f.read(1) == b"\n"


def _send(client: Client, stream: _native.BatchStream, request: _native.HttpRequest) -> None:
    sent = Request(request.method, request.url, [(h.name, h.value) for h in request.headers], request.body)
    try:
        response = client._transport.send(sent, client._timeout)
    except TransportFailure as failure:
        kind = _native.TransportFailure.MAYBE_SENT if failure.maybe_sent else _native.TransportFailure.NOT_SENT
        stream.handle_transport_failure(kind, client._now_ms())
        return
    except OSError:
        # A transport that let a socket error through: the request may have left.
        stream.handle_transport_failure(_native.TransportFailure.MAYBE_SENT, client._now_ms())
        return
    status, headers, body = response_parts(response)
    stream.handle_response(status, headers, body, client._now_ms())


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
