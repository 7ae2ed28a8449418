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

import asyncio
import os
from collections.abc import Sized
from dataclasses import dataclass, field
from itertools import islice
from typing import IO, TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping

from . import _native
from .client import Client, _Calls
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
from .transport import Request, Response, TransportFailure, checked_ms, response_parts
from .history_types import native_window
from .webhooks import GiftHistory, look_back

if TYPE_CHECKING:
    from .async_client import AsyncClient

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
    "asend_batch",
    "asend_batch_csv",
    "asend_batch_file",
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
    run = _RowsRun(client, rows, _Settings(campaign_id, journal, history, look_back_days, default_line_items,
                                          min_interval, wait_for_redemption_url, on_progress))
    return run.result(_drive(client, run))


async def asend_batch(
    client: AsyncClient,
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
    """:func:`send_batch` for an :class:`AsyncClient`: the requests go through its transport, the waits are
    ``await``-ed, the journal's durable writes run on a worker thread. Cancelling the task stops the run
    where it is; the journal holds what was done, so running again with it resumes (a row whose request was
    in flight comes back as outcome unknown, never resent)."""
    run = _RowsRun(client, rows, _Settings(campaign_id, journal, history, look_back_days, default_line_items,
                                          min_interval, wait_for_redemption_url, on_progress))
    return run.result(await _adrive(client, run))


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
    run = _CsvRun(client, csv, _Settings(campaign_id, journal, history, look_back_days, default_line_items,
                                         min_interval, wait_for_redemption_url, on_progress))
    return run.result(_drive(client, run))


async def asend_batch_csv(
    client: AsyncClient,
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
    """:func:`send_batch_csv` for an :class:`AsyncClient` (see :func:`asend_batch`)."""
    run = _CsvRun(client, csv, _Settings(campaign_id, journal, history, look_back_days, default_line_items,
                                         min_interval, wait_for_redemption_url, on_progress))
    return run.result(await _adrive(client, run))


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
    with _FileRun(client, rows, results, on_read, _Settings(
            campaign_id, journal, history, look_back_days, default_line_items, min_interval,
            wait_for_redemption_url, on_progress)) as run:
        return run.summary(_drive(client, run))


async def asend_batch_file(
    client: AsyncClient,
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
    """:func:`send_batch_file` for an :class:`AsyncClient` (see :func:`asend_batch`); the file is read and
    written on the event loop, 64 KiB at a time."""
    with _FileRun(client, rows, results, on_read, _Settings(
            campaign_id, journal, history, look_back_days, default_line_items, min_interval,
            wait_for_redemption_url, on_progress)) as run:
        return run.summary(await _adrive(client, run))


@dataclass(frozen=True)
class _Settings:
    """The options every batch function takes, as given."""

    campaign_id: str
    journal: str | os.PathLike[str]
    history: GiftHistory | None
    look_back_days: int | None | bool
    default_line_items: list[Mapping[str, Any]] | None
    min_interval: float
    wait_for_redemption_url: bool
    on_progress: Callable[[BatchProgress], None] | None


class _Run:
    """One batch ready to be carried out by :func:`_drive` or :func:`_adrive`: its stream, how rows are fed
    to it when it asks, and what is done with the results it settles."""

    def __init__(self, client: _Calls, settings: _Settings, expected_total: int | None = None) -> None:
        self.stream = _stream(client, settings)
        self.journal = os.fspath(settings.journal)
        self.on_progress = settings.on_progress
        self.expected_total = expected_total
        self.reported = -1
        self.rows: list[RowResult] = []
        self.csv: list[str] = []

    def feed(self, now_ms: int) -> None:
        """Gives the stream more rows, or tells it there are none left."""
        self.stream.end_rows()

    def take(self) -> None:
        """Takes the results settled so far (kept, for the functions that return them all)."""
        taken = self.stream.take_results_with_csv(not self.csv)
        if taken.csv:
            self.csv.append(taken.csv)
        self.rows.extend(result_from_native(r) for r in taken.results)

    def report(self) -> None:
        """Reports the counts when a row settled since the last report: each report has more rows finished."""
        if self.on_progress is None:
            return
        progress = progress_from_native(self.stream.progress())
        if progress.finished <= self.reported:
            return
        if self.expected_total is not None and self.expected_total > progress.total:
            progress = BatchProgress(self.expected_total, progress.finished, progress.sent, progress.skipped,
                                     progress.failed, progress.unknown)
        self.on_progress(progress)
        self.reported = progress.finished

    def result(self, progress: BatchProgress) -> BatchResult:
        return BatchResult(self.rows, progress, "".join(self.csv), self.ignored_columns())

    def ignored_columns(self) -> list[str]:
        return []


class _RowsRun(_Run):
    """A batch of records, read from their iterable a window at a time."""

    def __init__(self, client: _Calls, rows: Iterable[Mapping[str, Any]], settings: _Settings) -> None:
        super().__init__(client, settings, len(rows) if isinstance(rows, Sized) else None)
        self.pending: Iterator[Mapping[str, Any]] = iter(rows)
        self.offset = 0

    def feed(self, now_ms: int) -> None:
        window = list(islice(self.pending, _WINDOW_ROWS))
        if not window:
            self.stream.end_rows()
            return
        # Each row encoded alone, so that a value JSON cannot hold is named by its place in the whole batch.
        body = b"[" + b",".join(encode(row, f"rows[{self.offset + n}]") for n, row in enumerate(window)) + b"]"
        self.offset += len(window)
        self.stream.push_rows_json(body, now_ms)


class _CsvRun(_Run):
    """A batch given as CSV text: planned at once, so that the total is known from the first report."""

    def __init__(self, client: _Calls, csv: str, settings: _Settings) -> None:
        if not isinstance(csv, str):
            raise TypeError(f"csv: must be the CSV text, not {type(csv).__name__}")
        super().__init__(client, settings)
        self.csv_text: str | None = csv

    def feed(self, now_ms: int) -> None:
        if self.csv_text is None:
            self.stream.end_rows()
            return
        text, self.csv_text = self.csv_text, None
        _native_call(self.stream.push_csv, text, now_ms)
        _native_call(self.stream.finish_csv, now_ms)

    def ignored_columns(self) -> list[str]:
        return list(self.stream.ignored_columns())


class _FileRun(_Run):
    """A batch read from a CSV file and written to a results file, row by row; a context manager that
    closes the files it opened."""

    def __init__(self, client: _Calls, rows: str | os.PathLike[str] | IO[str], results: str | os.PathLike[str] | IO[str],
                 on_read: Callable[[int], None] | None, settings: _Settings) -> None:
        self.source, self.close_source = _open(rows, "r")
        self.sink: IO[str] | None = None
        self.close_sink = False
        try:
            self.sink, self.close_sink = _open(results, "w")
            super().__init__(client, settings)
        except BaseException:
            self.close()
            raise
        self.on_read = on_read
        self.read = 0
        self.header = True

    def __enter__(self) -> _FileRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.close_sink and self.sink is not None:
            self.sink.close()
        if self.close_source:
            self.source.close()

    def feed(self, now_ms: int) -> None:
        while True:
            piece = self.source.read(_PIECE_CHARS)
            if not piece:
                _native_call(self.stream.finish_csv, now_ms)
                return
            self.read += len(piece)
            if self.on_read is not None:
                self.on_read(self.read)
            if _native_call(self.stream.push_csv, piece, now_ms) > 0:
                return

    def take(self) -> None:
        text = self.stream.take_results_csv(self.header)
        self.header = False
        if text and self.sink is not None:
            self.sink.write(text)

    def summary(self, progress: BatchProgress) -> BatchSummary:
        if self.sink is not None:
            self.sink.flush()
        return BatchSummary(progress, self.stream.ignored_columns())


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


def interval_ms(min_interval: object) -> int:
    """``min_interval`` (seconds, 0 for none) in whole milliseconds, held to the core's bounds of a pause
    (see :func:`andopen.transport.checked_ms`): NaN, an infinity, a negative figure or one past
    :data:`andopen.transport.MAX_SECONDS` is refused naming ``min_interval``."""
    return checked_ms(min_interval, "min_interval", pause=True)


def _stream(client: _Calls, settings: _Settings) -> _native.BatchStream:
    # `False`: no look-back; `None`: forever; anything else is checked as a number of days (never rounded).
    window = None if settings.look_back_days is False else native_window(look_back(settings.look_back_days))
    items = [_line_item(i, n) for n, i in enumerate(settings.default_line_items or [])]
    native = _native.BatchSettings(campaign_id=settings.campaign_id, look_back=window, default_line_items=items)
    options = _native.default_batch_options()
    options.min_interval_ms = interval_ms(settings.min_interval)
    options.wait_for_redemption_url = bool(settings.wait_for_redemption_url)
    history = None if settings.history is None else settings.history._native
    return _native_call(_native.BatchStream, client._native, native, history, _recorded(settings.journal), options)  # type: ignore[no-any-return]


def _recorded(journal: str | os.PathLike[str]) -> str:
    path = os.fspath(journal)
    if not os.path.exists(path):
        return ""
    # A line cut short may end inside a character: replaced, and the core ignores that line anyway.
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def _drive(client: Client, run: _Run) -> BatchProgress:
    """Carries out the stream's actions until it is done: journal lines appended durably, requests sent,
    waits slept, rows fed when it asks; after each action the settled results are taken and the counts
    reported when a row settled."""
    with _open_journal(run.journal) as log:
        while True:
            action: Any = run.stream.next_action(client._now_ms())
            if action.is_persist():
                _append(log, action.line)
            elif action.is_send():
                _send(client, run.stream, action.request)
            elif action.is_wait():
                client._sleep(action.delay_ms / 1000)
            elif action.is_need_rows():
                run.feed(client._now_ms())
            else:
                break
            run.take()
            run.report()
    run.take()
    run.report()
    return progress_from_native(run.stream.progress())


async def _adrive(client: AsyncClient, run: _Run) -> BatchProgress:
    """:func:`_drive` on an event loop: the same steps, with the exchange and the waits awaited and each
    durable journal write on a worker thread."""
    with _open_journal(run.journal) as log:
        while True:
            action: Any = run.stream.next_action(client._now_ms())
            if action.is_persist():
                await asyncio.to_thread(_append, log, action.line)
            elif action.is_send():
                _answer(client, run.stream, action.request, await _aexchange(client, action.request))
            elif action.is_wait():
                await client._sleep(action.delay_ms / 1000)
            elif action.is_need_rows():
                run.feed(client._now_ms())
            else:
                break
            run.take()
            run.report()
    run.take()
    run.report()
    return progress_from_native(run.stream.progress())


def _open_journal(path: str) -> IO[str]:
    log = open(path, "a", encoding="utf-8")
    if os.path.getsize(path) > 0 and not _ends_with_newline(path):
        log.write("\n")  # a line cut short by an interruption stays alone on its line
    return log


def _append(log: IO[str], line: str) -> None:
    """Appends a journal line and waits until it is on the disk: the run goes on only then."""
    log.write(line + "\n")
    log.flush()
    os.fsync(log.fileno())


def _ends_with_newline(path: str) -> bool:
    with open(path, "rb") as f:
        f.seek(-1, os.SEEK_END)
        return f.read(1) == b"\n"


# What came back from one exchange: a response, or a failure saying whether the request may have left.
_Answered = Response | _native.TransportFailure


def _request(request: _native.HttpRequest) -> Request:
    return Request(request.method, request.url, [(h.name, h.value) for h in request.headers], request.body)


def _exchange(client: Client, request: _native.HttpRequest) -> _Answered:
    try:
        return client._transport.send(_request(request), client._timeout)
    except TransportFailure as failure:
        return _native.TransportFailure.MAYBE_SENT if failure.maybe_sent else _native.TransportFailure.NOT_SENT
    except OSError:
        # A transport that let a socket error through: the request may have left.
        return _native.TransportFailure.MAYBE_SENT


async def _aexchange(client: AsyncClient, request: _native.HttpRequest) -> _Answered:
    try:
        return await client._transport.send(_request(request), client._timeout)
    except TransportFailure as failure:
        return _native.TransportFailure.MAYBE_SENT if failure.maybe_sent else _native.TransportFailure.NOT_SENT
    except OSError:
        return _native.TransportFailure.MAYBE_SENT


def _send(client: Client, stream: _native.BatchStream, request: _native.HttpRequest) -> None:
    """Sends a stream's request through the client's transport and hands it what came back."""
    _answer(client, stream, request, _exchange(client, request))


def _answer(client: _Calls, stream: _native.BatchStream, request: _native.HttpRequest, answered: _Answered) -> None:
    """Hands the stream what its request got back."""
    if isinstance(answered, _native.TransportFailure):
        stream.handle_transport_failure(answered, client._now_ms())
        return
    status, headers, body = response_parts(answered)
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
