"""The ``andopen`` command: a warehouse export turned into gifts, from a shell or a scheduler.

    andopen batch send rows.csv --campaign ID [--journal gifts.journal | postgresql://… | sqlite:///…]
                                [--workers 4] [--results results.csv]
    andopen campaigns
    andopen gift get ID
    andopen batch resolve rows.csv --campaign ID --journal URL --gift-request ID [--gift-request ID …]
    andopen webhooks relay --forward URL [--port 8080] [--journal URL --rows rows.csv --campaign ID]

The API key comes from ``ANDOPEN_API_KEY`` (never from an argument, so that it stays out of shell
histories and process lists) and is never printed. Exit codes (see ``andopen --help``) tell a scheduler
what to do next.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from typing import IO, Any, Callable, Sequence

from . import errors
from .batch import interval_ms, send_batch_file
from .client import Client
from .outcomes import BatchProgress
from .relay import Relay
from .transport import MAX_SECONDS
from .history_types import WebhookDelivery
from .stores import SharedBatch, batch_counts, load_batch, open_store, resolve_unknown, resolve_unknown_by_id, work_batch, write_results

# Exit codes: a scheduler's next step for each.
EXIT_OK = 0  # every row sent, skipped on purpose or answered from the journal: nothing to do
EXIT_FAILED_ROWS = 1  # some rows failed (invalid, refused): fix them and run again; nothing is sent twice
EXIT_USAGE = 2  # the command line is wrong (argparse's own code)
EXIT_UNKNOWN_ROWS = 3  # some rows are outcome unknown: reconcile them before sending them again
EXIT_CANNOT_START = 4  # no key, a bad key, an unreadable file or journal, an unreachable database: fix it, run again
EXIT_INTERRUPTED = 130  # stopped by Ctrl-C or SIGTERM: run the same command again to resume

EPILOG = """\
environment:
  ANDOPEN_API_KEY     the API key (ao-v1-{staging|production}-…); never printed
  ANDOPEN_BASE_URL    send elsewhere (a local simulator, a custom deployment)
  ANDOPEN_JOURNAL     the journal database for `batch work` (how --workers hands it over, off
                      the process list: its URL may hold a password)

exit status:
  0    every row sent, skipped on purpose, or already done in the journal
  1    some rows failed (invalid or refused): fix them and run again
  2    the command line is wrong
  3    some rows are outcome unknown: check them before sending them again
  4    could not start or go on (no key, unreadable or non-UTF-8 rows, journal or
       database down, disk full): fix it and run the same command again; no row is
       sent twice
  130  interrupted: run the same command again to resume; no row is sent twice
"""


class _Refused(Exception):
    """A reason the command cannot start."""


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except _Refused as e:
        print(f"andopen: {e}", file=sys.stderr)
        return EXIT_CANNOT_START
    except errors.AndOpenError as e:
        print(f"andopen: {e}", file=sys.stderr)
        return EXIT_CANNOT_START
    except UnicodeDecodeError as e:
        print(f"andopen: {getattr(args, 'rows', 'the input')}: not UTF-8 text (byte {e.start}): save it as UTF-8", file=sys.stderr)
        return EXIT_CANNOT_START
    except OSError as e:
        where = f"{e.filename}: " if e.filename else ""
        print(f"andopen: {where}{e.strerror or _redacted(str(e), _journal_of(args))}", file=sys.stderr)
        return EXIT_CANNOT_START
    except Exception as e:
        if not _is_database_error(e):
            raise
        print(f"andopen: the journal database: {type(e).__name__}: {_redacted(str(e), _journal_of(args))}", file=sys.stderr)
        return EXIT_CANNOT_START
    except KeyboardInterrupt:
        print("andopen: interrupted; run the same command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="andopen",
        description="Send gifts with the &Open API: batches from CSV, campaigns, gift requests, a webhook relay.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    batch = commands.add_parser("batch", help="send a CSV of rows as gifts", epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    batch_commands = batch.add_subparsers(dest="batch_command", required=True, metavar="COMMAND")
    send = batch_commands.add_parser(
        "send", help="send one gift request per row of a CSV file", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Sends one gift request per eligible row of ROWS (a CSV file with first_name, last_name and optional email, "
                    "row_key, shipping and item columns). Rows are validated, repeats and recently gifted recipients skipped, "
                    "and every attempt journaled: run the same command again after an interruption and no row is sent twice.",
    )
    send.add_argument("rows", metavar="ROWS", help="the CSV file of rows")
    send.add_argument("--campaign", required=True, metavar="ID", help="the campaign every row is gifted from")
    send.add_argument("--journal", metavar="PATH|URL",
                      help="a journal file (default ROWS.journal), or a database shared by workers: postgresql://… or sqlite:///…")
    send.add_argument("--workers", type=_positive, default=1, metavar="N",
                      help="worker processes (a postgresql:// or sqlite:/// journal; default 1)")
    send.add_argument("--results", metavar="PATH", help="write one result per row as CSV here (default ROWS.results.csv; - for stdout)")
    send.add_argument("--min-interval", type=_seconds, default=0.0, metavar="SECONDS", help="the least time between two creations")
    send.add_argument("--wait-for-links", action="store_true", help="poll each new gift until its redemption link appears")
    send.add_argument("--progress", choices=("auto", "bar", "lines", "none"), default="auto",
                      help="a bar on a terminal, plain lines in a log (auto: a bar when stderr is a terminal)")
    send.set_defaults(run=_batch_send)

    work = batch_commands.add_parser("work", help="work a batch loaded into a shared journal (what --workers starts)")
    work.add_argument("--journal", metavar="URL", help="the journal database (default: ANDOPEN_JOURNAL)")
    work.add_argument("--batch", required=True, metavar="ID")
    work.add_argument("--campaign", required=True, metavar="ID")
    work.add_argument("--min-interval", type=_seconds, default=0.0, metavar="SECONDS")
    work.add_argument("--wait-for-links", action="store_true")
    work.set_defaults(run=_batch_work)

    resolve = batch_commands.add_parser(
        "resolve", help="settle outcome-unknown rows from gifts whose ids are known (each read with GET)",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Reads each gift request ID with GET and settles the row of ROWS it belongs to as sent, when the row is "
                    "outcome unknown and the gift matches it (same campaign and recipient, created within --window of the "
                    "row's last attempt, not another row's gift). A resumed `batch send` then never sends that row again. "
                    "`webhooks relay --journal` does the same for every gift its deliveries show.")
    resolve.add_argument("rows", metavar="ROWS", help="the CSV file the batch was sent from")
    resolve.add_argument("--campaign", required=True, metavar="ID")
    resolve.add_argument("--journal", required=True, metavar="URL", help="the batch's postgresql:// or sqlite:/// journal")
    resolve.add_argument("--gift-request", required=True, action="append", metavar="ID", dest="gift_requests",
                         help="a gift request id (repeat for several)")
    resolve.add_argument("--window", type=_seconds, default=900.0, metavar="SECONDS",
                         help="how far from the row's last attempt the gift may be created (default 900)")
    resolve.set_defaults(run=_batch_resolve)

    campaigns = commands.add_parser("campaigns", help="list the campaigns (id, name, direct send), one a line")
    campaigns.add_argument("--json", action="store_true", help="one JSON object a line, as the API returns it")
    campaigns.set_defaults(run=_campaigns)

    gift = commands.add_parser("gift", help="read gift requests")
    gift_commands = gift.add_subparsers(dest="gift_command", required=True, metavar="COMMAND")
    get = gift_commands.add_parser("get", help="print one gift request as JSON")
    get.add_argument("id", metavar="ID")
    get.set_defaults(run=_gift_get)

    hooks = commands.add_parser("webhooks", help="receive webhooks")
    hooks_commands = hooks.add_subparsers(dest="webhooks_command", required=True, metavar="COMMAND")
    relay = hooks_commands.add_parser(
        "relay", help="verify, de-duplicate and forward deliveries to another URL",
        description="Listens for &Open's webhook deliveries, verifies each signature (ANDOPEN_WEBHOOK_SECRET), drops "
                    "repeats and forwards the body to URL. Stops on Ctrl-C or SIGTERM.")
    relay.add_argument("--forward", required=True, metavar="URL", help="where to forward each delivery")
    relay.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    relay.add_argument("--port", type=int, default=8080, help="the port to listen on (default 8080; 0 picks one)")
    relay.add_argument("--journal", metavar="URL", help="also settle this batch's outcome-unknown rows from the gifts delivered "
                                                        "(with --rows and --campaign: the batch `batch send` made)")
    relay.add_argument("--rows", metavar="ROWS", help="the CSV file the batch was sent from (with --journal)")
    relay.add_argument("--campaign", metavar="ID", help="the batch's campaign (with --journal)")
    relay.set_defaults(run=_relay)
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError("must be between 1 and 64")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
        interval_ms(value)
    except (ValueError, errors.ConfigError):
        raise argparse.ArgumentTypeError(f"must be a number of seconds from 0 to {MAX_SECONDS:g}, not {text!r}") from None
    return value


def _client() -> Client:
    key = os.environ.get("ANDOPEN_API_KEY")
    if not key:
        raise _Refused("ANDOPEN_API_KEY is not set")
    base_url = os.environ.get("ANDOPEN_BASE_URL") or None
    return Client(key, base_url=base_url)


# --- batch send --------------------------------------------------------------------------------------------


class _Progress:
    """A bar on a terminal, or a plain line every 5 seconds (and at the end) in a log."""

    def __init__(self, mode: str, out: IO[str], size: int) -> None:
        self._bar = mode == "bar" or (mode == "auto" and out.isatty())
        self._quiet = mode == "none"
        self._out = out
        self._size = max(size, 1)
        self._read = 0
        self._last_line = 0.0
        self._started = time.monotonic()

    def read(self, chars: int) -> None:
        self._read = chars

    def show(self, p: BatchProgress, final: bool = False) -> None:
        if self._quiet:
            return
        counts = f"{p.finished} rows: {p.sent} sent, {p.skipped} skipped, {p.failed} failed, {p.unknown} unknown"
        if self._bar:
            share = min(self._read / self._size, 1.0) if not final else 1.0
            filled = int(share * 30)
            self._out.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {share:4.0%} {counts}")
            if final:
                self._out.write("\n")
            self._out.flush()
            return
        now = time.monotonic()
        if final or now - self._last_line >= 5:
            self._last_line = now
            self._out.write(f"andopen: {now - self._started:.0f} s, {counts}{' (done)' if final else ''}\n")
            self._out.flush()


def _batch_send(args: argparse.Namespace) -> int:
    if not os.path.isfile(args.rows):
        raise _Refused(f"{args.rows}: no such file")
    journal = args.journal or args.rows + ".journal"
    results = args.results or args.rows + ".results.csv"
    shared = journal.startswith(("postgresql://", "postgres://", "sqlite://"))
    if args.workers > 1 and not shared:
        raise _Refused("--workers above 1 needs a postgresql:// or sqlite:/// journal (rows are claimed in the database)")
    client = _client()
    progress = _Progress(args.progress, sys.stderr, os.path.getsize(args.rows))
    if not shared:
        out = sys.stdout if results == "-" else results
        summary = send_batch_file(
            client, args.rows, results=out, campaign_id=args.campaign, journal=journal, min_interval=args.min_interval,
            wait_for_redemption_url=args.wait_for_links, on_progress=progress.show, on_read=progress.read,
        )
        progress.show(summary.progress, final=True)
        if summary.ignored_columns:
            print(f"andopen: columns not read: {', '.join(summary.ignored_columns)}", file=sys.stderr)
        p = summary.progress
        return _status(p.failed, p.unknown)
    return _send_shared(args, client, journal, results, progress)


def _send_shared(args: argparse.Namespace, client: Client, journal: str, results: str, progress: _Progress) -> int:
    store = open_store(journal)
    batch = load_batch(store, args.rows, campaign_id=args.campaign)
    progress.read(os.path.getsize(args.rows))
    if batch.ignored_columns:
        print(f"andopen: columns not read: {', '.join(batch.ignored_columns)}", file=sys.stderr)
    # The journal's URL goes to the workers in their environment, never on their command lines (which any
    # user of the machine can list): it may hold a password.
    argv = [sys.executable, "-m", "andopen.cli", "batch", "work", "--batch", batch.batch_id, "--campaign", batch.campaign_id,
            "--min-interval", repr(args.min_interval)] + (["--wait-for-links"] if args.wait_for_links else [])
    env = {**os.environ, "ANDOPEN_JOURNAL": journal}
    workers = [subprocess.Popen(argv, env=env) for _ in range(args.workers - 1)]
    try:
        # This process is a worker too, then it sweeps what a worker that died left.
        work_batch(client, store, batch, min_interval=args.min_interval, wait_for_redemption_url=args.wait_for_links,
                   on_row=lambda _: progress.show(_counts(store, batch)))
        for n, worker in enumerate(workers, start=1):
            status = worker.wait()
            if status != 0:
                print(f"andopen: worker {n} stopped with status {status}; its rows are swept here", file=sys.stderr)
        work_batch(client, store, batch, min_interval=args.min_interval, wait_for_redemption_url=args.wait_for_links)
    finally:
        _stop(workers)
    final = _counts(store, batch)
    progress.show(final, final=True)
    if results == "-":
        write_results(store, batch, sys.stdout)
    else:
        write_results(store, batch, results)
    store.close()
    return _status(final.failed, final.unknown)


def _counts(store: Any, batch: SharedBatch) -> BatchProgress:
    c = batch_counts(store, batch)
    done = sum(n for k, n in c.items() if k != "pending")
    return BatchProgress(batch.rows, done, c.get("sent", 0), c.get("skipped", 0), c.get("failed", 0), c.get("outcome_unknown", 0))


# How long workers are given to stop on SIGTERM before they are killed (their rows are safe either way: a
# row's journal says what its next claimer may do).
WORKER_GRACE_SECONDS = 10.0


def _stop(workers: list[subprocess.Popen[bytes]]) -> None:
    """Stops the workers still running: SIGTERM, then SIGKILL after :data:`WORKER_GRACE_SECONDS`."""
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
    deadline = time.monotonic() + WORKER_GRACE_SECONDS
    for worker in workers:
        try:
            worker.wait(max(deadline - time.monotonic(), 0.01))
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def _journal_of(args: argparse.Namespace) -> str:
    return str(getattr(args, "journal", None) or os.environ.get("ANDOPEN_JOURNAL") or "")


def _is_database_error(e: Exception) -> bool:
    """A database driver's own error (the database down, a refused login, a locked file)."""
    if isinstance(e, sqlite3.Error):
        return True
    return any(c.__module__.split(".")[0] == "psycopg" and c.__name__ == "Error" for c in type(e).__mro__)


def _redacted(message: str, url: str) -> str:
    """``message`` without the secrets of a journal URL: its password as written and percent-decoded, in
    the authority (``user:pw@``) and in the query string (``?password=``)."""
    if not url:
        return message
    authority = url.partition("//")[2].partition("/")[0].partition("?")[0]
    written = [authority.rpartition("@")[0].partition(":")[2]]
    for pair in url.partition("?")[2].split("&"):
        name, _, value = pair.partition("=")
        if name.lower() == "password":
            written.append(value)
    for secret in sorted({s for w in written for s in (w, urllib.parse.unquote(w)) if s}, key=len, reverse=True):
        message = message.replace(secret, "***")
    return message


def _batch_work(args: argparse.Namespace) -> int:
    journal = _journal_of(args)
    if not journal:
        raise _Refused("batch work needs --journal or ANDOPEN_JOURNAL")
    store = open_store(journal)
    work_batch(_client(), store, SharedBatch(args.batch, args.campaign, 0, []), min_interval=args.min_interval,
               wait_for_redemption_url=args.wait_for_links)
    store.close()
    return EXIT_OK


def _batch_resolve(args: argparse.Namespace) -> int:
    store = open_store(args.journal)
    batch = load_batch(store, args.rows, campaign_id=args.campaign)
    resolved = resolve_unknown_by_id(_client(), store, batch, args.gift_requests, window_seconds=args.window)
    left = batch_counts(store, batch).get("outcome_unknown", 0)
    store.close()
    print(f"andopen: {resolved} rows settled as sent; {left} outcome unknown left", file=sys.stderr)
    return EXIT_UNKNOWN_ROWS if left else EXIT_OK


def _status(failed: int, unknown: int) -> int:
    if unknown:
        return EXIT_UNKNOWN_ROWS
    if failed:
        return EXIT_FAILED_ROWS
    return EXIT_OK


# --- campaigns, gift requests, webhooks ---------------------------------------------------------------------


def _campaigns(args: argparse.Namespace) -> int:
    for campaign in _client().list_campaigns():
        if args.json:
            print(campaign.raw_json)
        else:
            print(f"{campaign.id}\t{campaign.name or ''}\t{'direct send' if campaign.allows_direct_send else 'choice'}")
    return EXIT_OK


def _gift_get(args: argparse.Namespace) -> int:
    gift = _client().get_gift_request(args.id)
    print(json.dumps(dataclasses.asdict(gift), default=str, indent=2))
    return EXIT_OK


def _relay(args: argparse.Namespace) -> int:
    secret = os.environ.get("ANDOPEN_WEBHOOK_SECRET")
    if not secret:
        raise _Refused("ANDOPEN_WEBHOOK_SECRET is not set")
    resolver: Callable[[WebhookDelivery], None] | None = None
    if args.journal or args.rows or args.campaign:
        if not (args.journal and args.rows and args.campaign):
            raise _Refused("--journal, --rows and --campaign go together: the batch whose unknown rows deliveries settle")
        store = open_store(args.journal)
        batch = load_batch(store, args.rows, campaign_id=args.campaign)
        lock = threading.Lock()

        def settle(delivery: WebhookDelivery) -> None:
            with lock:  # one connection, deliveries from several threads
                if resolve_unknown(store, batch, [delivery.body]):
                    print(f"andopen: a row settled as sent by gift {delivery.gift_request.id}", file=sys.stderr, flush=True)

        resolver = settle

    relay = Relay(secret=secret, forward_to=args.forward, on_delivery=resolver)
    server = relay.serve(host=args.host, port=args.port)
    host, port = server.server_address[:2]
    host = host if isinstance(host, str) else host.decode()
    print(f"andopen: relaying webhooks from http://{host}:{port}/ to {args.forward}", file=sys.stderr, flush=True)
    _wait_for_signal()
    server.shutdown()
    return EXIT_OK


def _wait_for_signal() -> None:
    import signal

    stop: list[int] = []

    def handler(signum: int, _: Any) -> None:
        stop.append(signum)

    signal.signal(signal.SIGTERM, handler)
    try:
        while not stop:
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass


def run() -> None:
    """The console script's entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()

