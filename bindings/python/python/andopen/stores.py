"""A batch journal on a database, shared by workers: SQLite (the standard library's ``sqlite3``) for one
worker on one machine, PostgreSQL (psycopg 3, the ``postgres`` extra) for several workers on several
machines. The SQL is here; every rule (what a claimed row may do, given its journal) is the core's.

    store = andopen.open_store("postgresql://gifts@db/gifts")       # or "sqlite:///var/lib/gifts.db"
    batch = andopen.load_batch(store, "rows.csv", campaign_id=CAMPAIGN)   # once; loading again adds nothing
    andopen.work_batch(client, store, batch)                         # in as many processes as you like
    andopen.write_results(store, batch, "results.csv")

Two tables, created when missing: ``andopen_batch_rows`` (each planned row, ``done`` once it has its
result) and ``andopen_batch_journal`` (the journal lines, appended and committed before the worker goes
on). On PostgreSQL a worker claims a row that is not done with ``SELECT … FOR UPDATE SKIP LOCKED`` in a
transaction it keeps open while it works on the row: the database's own lock, gone with the worker's
connection if the worker dies, so that the next worker finds the row and its journal as the dead one left
them. On SQLite (the workers of one machine) a row is claimed by a lease (see :class:`SqliteStore`).
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import sqlite3
import time
from dataclasses import dataclass
from contextlib import contextmanager
from typing import IO, Any, Callable, ContextManager, Generator, Iterable, Iterator, Protocol, Sequence

from . import _native
from .batch import _line_item, _native_call, _open, _send, interval_ms
from .client import Client
from .transport import checked_ms, config_refused
from .outcomes import BatchProgress, progress_from_native
from .history_types import native_window
from .webhooks import GiftHistory, look_back

__all__ = ["ClaimLost", "SharedBatch", "Store", "batch_counts", "load_batch", "open_store", "resolve_unknown", "resolve_unknown_by_id", "work_batch", "write_results"]

_PIECE_CHARS = 64 * 1024


@dataclass(frozen=True)
class SharedBatch:
    """A batch loaded into a store: its id (the campaign and a digest of the rows' text) and its size."""

    batch_id: str
    campaign_id: str
    rows: int
    ignored_columns: list[str]


@dataclass(frozen=True)
class ClaimedRow:
    index: int
    row_key: str
    send_key: str
    body: bytes | None
    known: str | None
    recipient: str


class Store(Protocol):
    """What a batch needs of a database."""

    def insert_rows(self, batch_id: str, rows: Sequence[_native.StoredRow]) -> None: ...

    def claim(self, batch_id: str) -> ContextManager[ClaimedRow | None]: ...

    def journal_lines(self, batch_id: str, send_key: str) -> list[str]: ...

    def append(self, batch_id: str, send_key: str, line: str) -> None: ...

    def settle(self, batch_id: str, index: int, outcome: str, gift_request_id: str | None, result_csv: str) -> None: ...

    def resolved(self, batch_id: str, index: int, gift_request_id: str, result_csv: str) -> None: ...

    def unknown_rows(self, batch_id: str) -> dict[str, tuple[int, str]]: ...

    def gift_ids(self, batch_id: str) -> list[str]: ...

    def results(self, batch_id: str) -> Iterator[str]: ...

    def counts(self, batch_id: str) -> dict[str, int]: ...

    def close(self) -> None: ...


def open_store(url: str) -> Store:
    """``postgresql://…`` (or ``postgres://…``): PostgreSQL, for any number of workers; ``sqlite:///path``
    or a plain path: SQLite, for the workers of one machine. Any other scheme (``mysql://…``, ``postgres:/x``)
    is refused (:class:`andopen.ConfigError` naming ``url``), never taken for a file name."""
    if not isinstance(url, str):
        raise TypeError(f"url: must be a string, not {type(url).__name__}")
    if "\x00" in url or any(0xD800 <= ord(c) <= 0xDFFF for c in url):
        raise config_refused("url", "must be text without NUL or lone surrogates")
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresStore(url)
    if url.startswith("sqlite://"):
        return SqliteStore(url.removeprefix("sqlite://"))
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]+):", url)  # two letters at least: a drive (C:) is a path
    if scheme is not None or not url:
        shown = scheme.group(1) if scheme is not None else "(empty)"
        raise config_refused("url", f"must be postgresql://…, sqlite:///path or a file path; {shown} is not a journal database")
    return SqliteStore(url)


_TABLES = """
CREATE TABLE IF NOT EXISTS andopen_batch_rows (
    batch_id TEXT NOT NULL, idx BIGINT NOT NULL, row_key TEXT NOT NULL, send_key TEXT NOT NULL,
    recipient TEXT NOT NULL, body {blob}, known TEXT,
    done BOOLEAN NOT NULL DEFAULT FALSE, outcome TEXT, gift_request_id TEXT, result_csv TEXT,
    PRIMARY KEY (batch_id, idx));
CREATE TABLE IF NOT EXISTS andopen_batch_journal (
    id {serial}, batch_id TEXT NOT NULL, send_key TEXT NOT NULL, line TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS andopen_batch_journal_key ON andopen_batch_journal (batch_id, send_key, id);
CREATE INDEX IF NOT EXISTS andopen_batch_rows_open ON andopen_batch_rows (batch_id, done, idx);
"""


class ClaimLost(Exception):
    """Another worker took over the row this worker claimed (its lease ran out while this worker was
    stalled): this worker leaves the row, sending nothing more for it."""


# How long an SQLite claim holds without a journal line before another worker may take the row over (the
# core's CLAIM_LEASE_MS, 15 minutes): a dead worker on this machine loses its row at once.
SQLITE_CLAIM_LEASE_SECONDS: float = _native.claim_lease_ms() / 1000

_SQLITE_CLAIMS = """
CREATE TABLE IF NOT EXISTS andopen_batch_claims (
    batch_id TEXT NOT NULL, idx BIGINT NOT NULL, owner TEXT NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL,
    renewed REAL NOT NULL, PRIMARY KEY (batch_id, idx));
"""


class SqliteStore:
    """A batch journal in an SQLite file, for the workers of one machine. SQLite has no row locks to skip, so
    a row is claimed by a lease written in a write transaction (``BEGIN IMMEDIATE``, SQLite's own lock on
    the file): a row another live worker holds is passed over; a row whose worker died on this machine, or
    whose lease (:data:`SQLITE_CLAIM_LEASE_SECONDS`) ran out, is taken over. Every journal line is written
    only while the lease is this worker's, in the same transaction that checks it, so that a worker whose
    row was taken over never announces a send: two workers never both send a row."""

    def __init__(self, path: str, *, clock: Callable[[], float] = time.time) -> None:
        # One thread at a time, but not always the one that opened it (a relay's handler threads, under a lock).
        self._db = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_TABLES.format(blob="BLOB", serial="INTEGER PRIMARY KEY AUTOINCREMENT") + _SQLITE_CLAIMS)
        self._owner = os.urandom(16).hex()
        self._host = socket.gethostname()
        self._clock = clock
        self._held: tuple[str, int] | None = None

    def insert_rows(self, batch_id: str, rows: Sequence[_native.StoredRow]) -> None:
        self._db.execute("BEGIN")
        self._db.executemany(
            "INSERT OR IGNORE INTO andopen_batch_rows (batch_id, idx, row_key, send_key, recipient, body, known) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(batch_id, r.index, r.row_key, r.send_key, r.recipient, r.body, r.known) for r in rows],
        )
        self._db.execute("COMMIT")

    @contextmanager
    def claim(self, batch_id: str) -> Generator[ClaimedRow | None, None, None]:
        row = self._take(batch_id)
        try:
            yield row
        finally:
            if row is not None:
                self._held = None
                self._db.execute("DELETE FROM andopen_batch_claims WHERE batch_id = ? AND idx = ? AND owner = ?",
                                 (batch_id, row.index, self._owner))

    def _take(self, batch_id: str) -> ClaimedRow | None:
        """The first row not done that no live worker holds, with this worker's lease on it: a row a gone
        worker held first, else the first row nobody holds (the claims are few: one a worker)."""
        now = self._clock()
        columns = "r.idx, r.row_key, r.send_key, r.body, r.known, r.recipient"
        self._db.execute("BEGIN IMMEDIATE")
        try:
            found = None
            for *row, host, pid, renewed in self._db.execute(
                f"SELECT {columns}, c.host, c.pid, c.renewed FROM andopen_batch_claims c JOIN andopen_batch_rows r "
                "ON r.batch_id = c.batch_id AND r.idx = c.idx WHERE c.batch_id = ? AND NOT r.done ORDER BY r.idx",
                (batch_id,),
            ).fetchall():
                if self._abandoned(host, pid, renewed, now):
                    found = row
                    break
            if found is None:
                found = self._db.execute(
                    f"SELECT {columns} FROM andopen_batch_rows r WHERE r.batch_id = ? AND NOT r.done AND NOT EXISTS "
                    "(SELECT 1 FROM andopen_batch_claims c WHERE c.batch_id = r.batch_id AND c.idx = r.idx) ORDER BY r.idx LIMIT 1",
                    (batch_id,),
                ).fetchone()
            if found is not None:
                self._db.execute(
                    "INSERT OR REPLACE INTO andopen_batch_claims (batch_id, idx, owner, host, pid, renewed) VALUES (?, ?, ?, ?, ?, ?)",
                    (batch_id, found[0], self._owner, self._host, os.getpid(), now),
                )
                self._held = (batch_id, found[0])
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            self._held = None
            raise
        return None if found is None else ClaimedRow(*found)

    def _abandoned(self, host: str, pid: int, renewed: float, now: float) -> bool:
        """Whether a claim's worker is gone, by the core's rule (``claim_abandoned``): its lease ran out,
        or it was a process of this machine that no longer runs (known on POSIX only)."""
        return bool(_native.claim_abandoned(int(renewed * 1000), int(now * 1000), self._worker_gone(host, pid)))

    def _worker_gone(self, host: str, pid: int) -> bool | None:
        if host != self._host or os.name != "posix":
            return None
        if pid == os.getpid():
            return False  # another store of this process: alive
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except OSError:
            return False  # alive, another user's
        return False

    def journal_lines(self, batch_id: str, send_key: str) -> list[str]:
        rows = self._db.execute(
            "SELECT line FROM andopen_batch_journal WHERE batch_id = ? AND send_key = ? ORDER BY id", (batch_id, send_key)
        ).fetchall()
        return [r[0] for r in rows]

    def append(self, batch_id: str, send_key: str, line: str) -> None:
        """Appends a line of the claimed row's journal, renewing the lease; :class:`ClaimLost` (nothing
        written) when another worker took the row over."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            if self._held is not None:
                renewed = self._db.execute(
                    "UPDATE andopen_batch_claims SET renewed = ? WHERE batch_id = ? AND idx = ? AND owner = ?",
                    (self._clock(), self._held[0], self._held[1], self._owner),
                )
                if renewed.rowcount != 1:
                    raise ClaimLost(f"row {self._held[1]} was taken over by another worker; this worker leaves it")
            self._db.execute("INSERT INTO andopen_batch_journal (batch_id, send_key, line) VALUES (?, ?, ?)", (batch_id, send_key, line))
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def settle(self, batch_id: str, index: int, outcome: str, gift_request_id: str | None, result_csv: str) -> None:
        self._db.execute(
            "UPDATE andopen_batch_rows SET done = TRUE, outcome = ?, gift_request_id = ?, result_csv = ? WHERE batch_id = ? AND idx = ?",
            (outcome, gift_request_id, result_csv, batch_id, index),
        )

    def resolved(self, batch_id: str, index: int, gift_request_id: str, result_csv: str) -> None:
        self._db.execute(
            "UPDATE andopen_batch_rows SET outcome = 'sent', gift_request_id = ?, result_csv = ? "
            "WHERE batch_id = ? AND idx = ? AND outcome = 'outcome_unknown'",
            (gift_request_id, result_csv, batch_id, index),
        )

    def unknown_rows(self, batch_id: str) -> dict[str, tuple[int, str]]:
        rows = self._db.execute(
            "SELECT recipient, idx, send_key FROM andopen_batch_rows WHERE batch_id = ? AND outcome = 'outcome_unknown'", (batch_id,)
        )
        return {r: (i, k) for r, i, k in rows}

    def gift_ids(self, batch_id: str) -> list[str]:
        rows = self._db.execute(
            "SELECT gift_request_id FROM andopen_batch_rows WHERE batch_id = ? AND gift_request_id IS NOT NULL", (batch_id,)
        )
        return [r[0] for r in rows]

    def results(self, batch_id: str) -> Iterator[str]:
        for (line,) in self._db.execute(
            "SELECT result_csv FROM andopen_batch_rows WHERE batch_id = ? AND done ORDER BY idx", (batch_id,)
        ):
            yield line

    def counts(self, batch_id: str) -> dict[str, int]:
        rows = self._db.execute(
            "SELECT COALESCE(outcome, 'pending'), COUNT(*) FROM andopen_batch_rows WHERE batch_id = ? GROUP BY 1", (batch_id,)
        )
        return {k: n for k, n in rows}

    def close(self) -> None:
        self._db.close()


class PostgresStore:
    """A batch journal in PostgreSQL, shared by any number of workers: two connections per worker, one
    holding the claimed row's lock in a transaction, one committing each journal line as it comes."""

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError:
            raise ImportError("a postgresql:// journal needs psycopg 3: pip install 'andopen[postgres]'") from None
        self._psycopg = psycopg
        self._claims = psycopg.connect(url)
        self._log = psycopg.connect(url, autocommit=True)
        with self._log.transaction():
            # Two workers creating the tables at once: the advisory lock is PostgreSQL's, held for this DDL only.
            self._log.execute("SELECT pg_advisory_xact_lock(727272)")
            for statement in _TABLES.format(blob="BYTEA", serial="BIGSERIAL PRIMARY KEY").split(";"):
                if statement.strip():
                    self._log.execute(statement)

    def insert_rows(self, batch_id: str, rows: Sequence[_native.StoredRow]) -> None:
        with self._log.transaction(), self._log.cursor() as cur:
            cur.executemany(
                "INSERT INTO andopen_batch_rows (batch_id, idx, row_key, send_key, recipient, body, known) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                [(batch_id, r.index, r.row_key, r.send_key, r.recipient, r.body, r.known) for r in rows],
            )

    @contextmanager
    def claim(self, batch_id: str) -> Generator[ClaimedRow | None, None, None]:
        with self._claims.transaction():
            row = self._claims.execute(
                "SELECT idx, row_key, send_key, body, known, recipient FROM andopen_batch_rows WHERE batch_id = %s AND NOT done "
                "ORDER BY idx LIMIT 1 FOR UPDATE SKIP LOCKED",
                (batch_id,),
            ).fetchone()
            body = None if row is None or row[3] is None else bytes(row[3])
            yield None if row is None else ClaimedRow(row[0], row[1], row[2], body, row[4], row[5])

    def journal_lines(self, batch_id: str, send_key: str) -> list[str]:
        # Through the journal's own connection: every line it holds is committed.
        rows = self._log.execute(
            "SELECT line FROM andopen_batch_journal WHERE batch_id = %s AND send_key = %s ORDER BY id", (batch_id, send_key)
        ).fetchall()
        return [r[0] for r in rows]

    def append(self, batch_id: str, send_key: str, line: str) -> None:
        self._log.execute("INSERT INTO andopen_batch_journal (batch_id, send_key, line) VALUES (%s, %s, %s)", (batch_id, send_key, line))

    def settle(self, batch_id: str, index: int, outcome: str, gift_request_id: str | None, result_csv: str) -> None:
        # In the claiming transaction: committed with it, as the lock is released.
        self._claims.execute(
            "UPDATE andopen_batch_rows SET done = TRUE, outcome = %s, gift_request_id = %s, result_csv = %s WHERE batch_id = %s AND idx = %s",
            (outcome, gift_request_id, result_csv, batch_id, index),
        )

    def resolved(self, batch_id: str, index: int, gift_request_id: str, result_csv: str) -> None:
        self._log.execute(
            "UPDATE andopen_batch_rows SET outcome = 'sent', gift_request_id = %s, result_csv = %s "
            "WHERE batch_id = %s AND idx = %s AND outcome = 'outcome_unknown'",
            (gift_request_id, result_csv, batch_id, index),
        )

    def unknown_rows(self, batch_id: str) -> dict[str, tuple[int, str]]:
        rows = self._log.execute(
            "SELECT recipient, idx, send_key FROM andopen_batch_rows WHERE batch_id = %s AND outcome = 'outcome_unknown'", (batch_id,)
        ).fetchall()
        return {r: (i, k) for r, i, k in rows}

    def gift_ids(self, batch_id: str) -> list[str]:
        rows = self._log.execute(
            "SELECT gift_request_id FROM andopen_batch_rows WHERE batch_id = %s AND gift_request_id IS NOT NULL", (batch_id,)
        ).fetchall()
        return [r[0] for r in rows]

    def results(self, batch_id: str) -> Iterator[str]:
        with self._log.cursor() as cur:
            cur.execute("SELECT result_csv FROM andopen_batch_rows WHERE batch_id = %s AND done ORDER BY idx", (batch_id,))
            for (line,) in cur:
                yield line

    def counts(self, batch_id: str) -> dict[str, int]:
        rows = self._log.execute(
            "SELECT COALESCE(outcome, 'pending'), COUNT(*) FROM andopen_batch_rows WHERE batch_id = %s GROUP BY 1", (batch_id,)
        ).fetchall()
        return {k: n for k, n in rows}

    def close(self) -> None:
        self._claims.close()
        self._log.close()


def load_batch(
    store: Store,
    rows: str | os.PathLike[str],
    *,
    campaign_id: str,
    history: GiftHistory | None = None,
    look_back_days: int | None | bool = False,
    default_line_items: list[Any] | None = None,
    now_ms: int | None = None,
) -> SharedBatch:
    """Plans the rows of a CSV file (read 64 KiB at a time) and stores them. The batch's id is the campaign
    and a digest of the file, so that loading the same file again (another worker, a restart) adds nothing;
    the rows are planned as :func:`andopen.send_batch_file` plans them (repeats anywhere in the batch and,
    with ``history`` and ``look_back_days``, recent recipients skipped)."""
    now = int(time.time() * 1000) if now_ms is None else now_ms
    window = None if look_back_days is False else native_window(look_back(look_back_days))
    items = [_line_item(i, n) for n, i in enumerate(default_line_items or [])]
    settings = _native.BatchSettings(campaign_id=campaign_id, look_back=window, default_line_items=items)
    planner = _native_call(_native.BatchPlanner, settings, None if history is None else history._native)
    path = os.fspath(rows)
    digest = hashlib.sha256(campaign_id.encode() + b"\0")
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    batch_id = f"{campaign_id}:{digest.hexdigest()[:32]}"
    count = 0
    with open(path, encoding="utf-8", newline="") as source:
        while True:
            piece = source.read(_PIECE_CHARS)
            planned = _native_call(planner.plan_csv, piece, now) if piece else _native_call(planner.finish_csv, now)
            store.insert_rows(batch_id, planned)
            count += len(planned)
            if not piece:
                break
    return SharedBatch(batch_id, campaign_id, count, planner.ignored_columns())


def work_batch(
    client: Client,
    store: Store,
    batch: SharedBatch,
    *,
    min_interval: float = 0.0,
    wait_for_redemption_url: bool = False,
    on_row: Callable[[BatchProgress], None] | None = None,
) -> BatchProgress:
    """Claims the batch's rows one at a time until none is left that another worker does not hold, and
    settles each: sent (or sent again, when its journal proves that nothing was created), or answered from
    its journal (a gift that exists or may exist is never sent again). Returns the counts of the rows this
    worker settled; ``on_row`` is told them after each row."""
    options = _native.default_batch_options()
    options.min_interval_ms = interval_ms(min_interval)
    options.wait_for_redemption_url = bool(wait_for_redemption_url)
    settings = _native.BatchSettings(campaign_id=batch.campaign_id, look_back=None, default_line_items=[])
    stream = _native_call(_native.BatchStream, client._native, settings, None, "", options)
    while True:
        try:
            if not _work_one(client, store, batch, stream):
                break
        except ClaimLost:
            break  # this worker stalled past its lease and its row went to another: the others go on
        if on_row is not None:
            on_row(progress_from_native(stream.progress()))
    return progress_from_native(stream.progress())


def _work_one(client: Client, store: Store, batch: SharedBatch, stream: _native.BatchStream) -> bool:
    """Claims and settles one row; ``False`` when none is left that another worker does not hold."""
    with store.claim(batch.batch_id) as row:
        if row is None:
            return False
        lines = store.journal_lines(batch.batch_id, row.send_key)
        claimed = _native.StoredRow(index=row.index, row_key=row.row_key, send_key=row.send_key, body=row.body, known=row.known,
                                    recipient=row.recipient)
        stream.push_claimed(claimed, "\n".join(lines))
        _settle_claimed(client, store, batch.batch_id, row.send_key, stream)
        taken = stream.take_results_with_csv(False)
        for result in taken.results:
            outcome: Any = result.outcome  # a native enum: its variant's fields are read as the variant says
            gift_id: str | None = outcome.gift_request_id if outcome.is_sent() else None
            store.settle(batch.batch_id, result.index, _label(outcome), gift_id, taken.csv)
        return True


def _settle_claimed(client: Client, store: Store, batch_id: str, send_key: str, stream: _native.BatchStream) -> None:
    """Carries out the stream's actions for the one row pushed, until the stream wants the next row."""
    while True:
        action: Any = stream.next_action(client._now_ms())
        if action.is_persist():
            store.append(batch_id, send_key, action.line)
        elif action.is_send():
            _send(client, stream, action.request)
        elif action.is_wait():
            client._sleep(action.delay_ms / 1000)
        else:
            return


def _label(outcome: _native.RowOutcome) -> str:
    if outcome.is_sent():
        return "sent"
    if outcome.is_skipped():
        return "skipped"
    if outcome.is_failed():
        return "failed"
    return "outcome_unknown"


def write_results(store: Store, batch: SharedBatch, results: str | os.PathLike[str] | IO[str]) -> int:
    """Writes the results of the rows done so far, in row order, as the results CSV; returns how many."""
    sink, close = _open(results, "w")
    try:
        sink.write(_native.batch_results_header())
        n = 0
        for line in store.results(batch.batch_id):
            sink.write(line)
            n += 1
        return n
    finally:
        if close:
            sink.close()


def batch_counts(store: Store, batch: SharedBatch) -> dict[str, int]:
    """Rows by outcome (``sent``, ``skipped``, ``failed``, ``outcome_unknown``) and ``pending``."""
    return store.counts(batch.batch_id)


def resolve_unknown(
    store: Store,
    batch: SharedBatch,
    gifts: Iterable[bytes | str],
    *,
    window_seconds: float = 900,
    now_ms: int | None = None,
    history: GiftHistory | None = None,
) -> int:
    """Settles as sent the batch's outcome-unknown rows that a gift heard of by webhook resolves (``gifts``:
    the gift request bodies of verified deliveries, ``gift_request_created`` or later), by the core's rule:
    the same campaign and recipient, created within ``window_seconds`` of the row's last attempt, not
    already another row's gift. Each is journaled ``finished`` ``sent`` (so a later run never sends it
    again), its result rewritten, and its gift folded into ``history`` (and so into the CRM fields and the
    campaign member's status it projects). Returns how many rows were resolved."""
    window_ms = checked_ms(window_seconds, "window_seconds")
    if history is not None and not isinstance(history, GiftHistory):
        raise TypeError(f"history: must be an andopen.GiftHistory, not {type(history).__name__}")
    now = int(time.time() * 1000) if now_ms is None else now_ms
    resolver = _native.UnknownResolver(batch.campaign_id, window_ms, store.gift_ids(batch.batch_id))
    unknown = store.unknown_rows(batch.batch_id)
    resolved = 0
    for n, gift in enumerate(gifts):
        try:
            body = gift.encode() if isinstance(gift, str) else gift
        except UnicodeEncodeError:
            raise config_refused(f"gifts[{n}]", "must be a gift request's JSON: it holds a lone surrogate") from None
        recipient = _native_call(resolver.recipient_of, body)
        if recipient not in unknown:
            continue
        index, send_key = unknown[recipient]
        lines = store.journal_lines(batch.batch_id, send_key)
        found = _native_call(resolver.resolve, index, recipient, "\n".join(lines), body, now)
        if found is None:
            continue
        store.append(batch.batch_id, send_key, found.line)
        store.resolved(batch.batch_id, index, found.gift_request_id, found.result_csv)
        if history is not None:
            history._native.record_gift_json(body.decode("utf-8", "replace"))
        del unknown[recipient]
        resolved += 1
    return resolved


def resolve_unknown_by_id(
    client: Client,
    store: Store,
    batch: SharedBatch,
    gift_request_ids: Iterable[str],
    *,
    window_seconds: float = 900,
    history: GiftHistory | None = None,
) -> int:
    """Settles outcome-unknown rows from gifts whose ids are known (from a person, a CRM, a relay's log):
    each is read with ``GET /gift_requests/{id}`` and resolves a row by the same rule as a webhook's gift
    (:func:`resolve_unknown`); an id that resolves no row changes nothing. Returns how many rows were
    resolved; an id the server does not know raises :class:`andopen.NotFoundError`."""
    bodies = (client.get_gift_request(gift_id).json for gift_id in gift_request_ids)  # read one at a time
    return resolve_unknown(store, batch, bodies, window_seconds=window_seconds, history=history)
