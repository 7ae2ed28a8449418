"""A batch journal on a database: SQLite for one worker, PostgreSQL shared by several.

The PostgreSQL test: 4 worker processes send one 10,000-row batch through one PostgreSQL journal against
the simulator injecting faults into 30 % of requests (429, 503, 500 before and after creating, dropped
connections, delays); two workers are killed with SIGKILL mid-run and started again. Then the simulator is
asked for every gift it holds: no recipient may have two, and every row must have a result. As a script it
prints the figures::

    python bindings/python/tests/test_shared_batch.py --rows 10000 --workers 4 --fault-rate 0.3

(PostgreSQL from scripts/ensure-postgres.sh, started and stopped here; the simulator from
``ANDOPEN_MOCK_BIN``, else ``target/release/andopen-mock``). The workers' clients sleep on a virtual clock,
so that a ``Retry-After`` of a second costs nothing: what is measured is the journal, not the waits.
"""

from __future__ import annotations

import argparse
import collections
import json
import http.server
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import andopen  # noqa: E402
from fakes import CAMPAIGN_ID, GIFT_ID, KEY, FakeClock, FakeTransport, gift, reply  # noqa: E402
from simulator import Simulator  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[3]
SIM_KEY = "ao-v1-staging-shared-batch"
CAMPAIGN = "Welcome box (choice)"


def created(n: int) -> andopen.Response:
    return reply(201, gift(id=f"11111111-1111-4111-8111-{n:012}"))


def write_rows(path: Path, n: int) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write("row_key,first_name,last_name,email\n")
        for i in range(n):
            f.write(f"row-{i},Shared,Row{i},row{i}@example.com\n")


# --- SQLite: one worker, the rules of a claimed row ----------------------------------------------------------


def test_sqlite_a_loaded_batch_is_worked_once_and_loading_again_adds_nothing(tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("row_key,first_name,last_name,company\nr1,Ann,Smith,Acme\nr2,Ann,Smith,Acme\nr3,Bob,,Acme\nr4,Cy,Doe,Acme\n")
    store = andopen.open_store(f"sqlite://{tmp_path / 'journal.db'}")
    batch = andopen.load_batch(store, rows, campaign_id=CAMPAIGN_ID)
    assert (batch.rows, batch.ignored_columns) == (4, ["company"])
    assert andopen.load_batch(store, rows, campaign_id=CAMPAIGN_ID) == batch
    assert andopen.batch_counts(store, batch) == {"pending": 4}

    transport = FakeTransport(created(1), created(4))
    client = andopen.Client(KEY, transport=transport, sleep=FakeClock().sleep, clock=FakeClock().time)
    progress = andopen.work_batch(client, store, batch)
    assert (progress.sent, progress.skipped, progress.failed) == (2, 1, 1)
    assert andopen.batch_counts(store, batch) == {"sent": 2, "skipped": 1, "failed": 1}
    out = tmp_path / "results.csv"
    assert andopen.write_results(store, batch, out) == 4
    lines = out.read_text().splitlines()
    assert lines[0].startswith("row_key,outcome,") and [line.split(",")[:2] for line in lines[1:]] == [
        ["r1", "sent"], ["r2", "skipped"], ["r3", "failed"], ["r4", "sent"]]
    # Worked again: nothing is left to claim, nothing is sent.
    andopen.work_batch(andopen.Client(KEY, transport=FakeTransport()), store, batch)
    store.close()


def _sqlite_batch(tmp_path: Path, csv: str) -> tuple[andopen.Store, andopen.SharedBatch]:
    """A batch of ``csv`` (with a header) loaded into a new SQLite journal."""
    rows = tmp_path / "rows.csv"
    rows.write_text(csv)
    store = andopen.open_store(str(tmp_path / "journal.db"))
    return store, andopen.load_batch(store, rows, campaign_id=CAMPAIGN_ID)


def _claim_first(store: andopen.Store, batch: andopen.SharedBatch, line: Callable[[str], str]) -> None:
    """Claims the batch's first row, as a worker does, and journals ``line(send_key)`` for it: what a worker
    that then died left behind."""
    with store.claim(batch.batch_id) as row:
        assert row is not None and row.row_key == "r1"
        store.append(batch.batch_id, row.send_key, line(row.send_key))


def _sending(send_key: str) -> str:
    """r1's announced send."""
    return f'{{"send_key":"{send_key}","row_key":"r1","at":"2026-05-01T12:00:00.000Z","event":"sending"}}'


def test_sqlite_a_row_a_dead_worker_left_at_sending_is_outcome_unknown_never_resent(tmp_path: Path) -> None:
    store, batch = _sqlite_batch(tmp_path, "row_key,first_name,last_name\nr1,Ann,Smith\nr2,Bob,Jones\n")
    # The first worker died between announcing r1's send and recording the answer.
    _claim_first(store, batch, _sending)
    transport = FakeTransport(created(2))
    andopen.work_batch(andopen.Client(KEY, transport=transport), store, batch)
    assert len(transport.requests) == 1, "only r2 is sent"
    assert andopen.batch_counts(store, batch) == {"outcome_unknown": 1, "sent": 1}
    store.close()


def test_a_garbage_journal_line_makes_its_row_outcome_unknown_and_the_other_rows_go_on(tmp_path: Path) -> None:
    store, batch = _sqlite_batch(tmp_path, "row_key,first_name,last_name\nr1,Ann,Smith\nr2,Bob,Jones\n")
    _claim_first(store, batch, lambda _: "\x00 not a journal line {")
    for _ in range(2):  # every worker that claims it, not only the first
        transport = FakeTransport(created(2))
        andopen.work_batch(andopen.Client(KEY, transport=transport), store, batch)
        if transport.requests:
            break
    assert len(transport.requests) == 1, "only r2 is sent"
    assert andopen.batch_counts(store, batch) == {"outcome_unknown": 1, "sent": 1}
    out = tmp_path / "results.csv"
    andopen.write_results(store, batch, out)
    r1 = out.read_text().splitlines()[1]
    assert r1.startswith("r1,outcome_unknown,") and "row 0: its journal cannot be read" in r1 and "line 1" in r1, r1
    store.close()


def test_a_get_settles_an_unknown_row_where_the_id_is_known_and_the_history_and_crm_follow(tmp_path: Path) -> None:
    store, batch = _sqlite_batch(tmp_path, "row_key,first_name,last_name,email\nr1,Alice,Smith,alice@example.com\n")
    _claim_first(store, batch, _sending)  # a worker died between announcing the send and its answer
    andopen.work_batch(andopen.Client(KEY, transport=FakeTransport()), store, batch)
    assert andopen.batch_counts(store, batch) == {"outcome_unknown": 1}
    alice = andopen.RecipientRef(first_name="Alice", last_name="Smith", email="alice@example.com")
    history = andopen.GiftHistory()
    # Another person's gift, read by its id, settles nothing.
    bob = FakeTransport(reply(200, gift(id=GIFT_ID.replace("a", "b"), recipient={"id": None, "first_name": "Bob", "last_name": "Jones", "email": None})))
    assert andopen.resolve_unknown_by_id(andopen.Client(KEY, transport=bob), store, batch, [GIFT_ID.replace("a", "b")], history=history) == 0
    assert len(history) == 0
    transport = FakeTransport(reply(200, gift()))
    assert andopen.resolve_unknown_by_id(andopen.Client(KEY, transport=transport), store, batch, [GIFT_ID], history=history) == 1
    assert [r.url.rsplit("/", 1)[-1] for r in transport.requests] == [GIFT_ID] and transport.requests[0].method == "GET"
    assert andopen.batch_counts(store, batch) == {"sent": 1}
    assert history.member_status(alice, CAMPAIGN_ID) == andopen.MemberStatus.INVITED
    assert history.recipient_summary(alice).gift_count == 1
    # A resumed run knows the row is sent: nothing goes out.
    andopen.work_batch(andopen.Client(KEY, transport=FakeTransport()), store, batch)
    out = tmp_path / "results.csv"
    andopen.write_results(store, batch, out)
    assert out.read_text().splitlines()[1].startswith(f"r1,sent,{GIFT_ID}")
    store.close()


def test_sqlite_a_row_held_by_a_live_worker_is_passed_over_and_a_stalled_worker_s_is_taken_over(tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("row_key,first_name,last_name\nr1,Ann,Smith\nr2,Bob,Jones\n")
    now = [1_000_000.0]
    first = andopen.stores.SqliteStore(str(tmp_path / "journal.db"), clock=lambda: now[0])
    second = andopen.stores.SqliteStore(str(tmp_path / "journal.db"), clock=lambda: now[0])
    batch = andopen.load_batch(first, rows, campaign_id=CAMPAIGN_ID)
    with first.claim(batch.batch_id) as held:
        assert held is not None and held.row_key == "r1"
        with second.claim(batch.batch_id) as other:
            assert other is not None and other.row_key == "r2", "a row a live worker holds is passed over"
        # The first worker stalls past its lease: the second takes its row over, and the first may then
        # write nothing more of it (it would have announced a send the second also makes).
        now[0] += andopen.stores.SQLITE_CLAIM_LEASE_SECONDS + 1
        with second.claim(batch.batch_id) as taken:
            assert taken is not None and taken.row_key == "r1"
            with pytest.raises(andopen.stores.ClaimLost, match="row 0"):
                first.append(batch.batch_id, held.send_key, '{"event":"sending"}')
            second.append(batch.batch_id, taken.send_key, '{"event":"sending"}')
    assert first.journal_lines(batch.batch_id, held.send_key) == ['{"event":"sending"}'], "one line, the second worker's"
    first.close()
    second.close()


def test_sqlite_three_worker_processes_one_killed_send_each_row_once() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        figures = run_shared(f"sqlite://{Path(tmp) / 'journal.db'}", 600, 3, 0.3, kills=1)
    print(figures.report())
    assert figures.duplicates == 0, figures.report()
    assert figures.pending == 0 and sum(figures.counts.values()) == 600, figures.report()  # type: ignore[union-attr]


# --- PostgreSQL: several workers, killed and restarted -------------------------------------------------------


@dataclass
class Figures:
    rows: int
    workers: int
    fault_rate: float
    kills: int = 0
    elapsed: float = 0.0
    counts: dict[str, int] | None = None
    created: int = 0
    duplicates: int = 0
    pending: int = 0
    swept: int = 0
    unknown_before: int = 0
    resolved: int = 0
    webhooks: int = 0
    refused: int = 0
    history: int = 0

    def report(self) -> str:
        return "\n".join([
            f"{self.rows} rows, {self.workers} workers on one shared journal, {self.fault_rate:.0%} of requests faulted, "
            f"{self.kills} workers killed (SIGKILL) and restarted: {self.elapsed:.1f} s",
            f"results: {dict(sorted((self.counts or {}).items()))}",
            f"gifts the simulator holds: {self.created}; recipients with two or more: {self.duplicates}",
            f"rows without a result: {self.pending} (after the workers; a last sweep settled {self.swept})",
            f"outcome unknown after the run: {self.unknown_before}; resolved to sent by {self.webhooks} verified webhook gifts "
            f"({self.refused} deliveries refused): {self.resolved}; gifts in the history: {self.history}",
        ])


class VirtualClock:
    """Sleeps by moving the clock forward: a worker honours every wait without spending it."""

    def __init__(self) -> None:
        self.offset = 0.0

    def time(self) -> float:
        return time.time() + self.offset

    def sleep(self, seconds: float) -> None:
        self.offset += seconds


def worker(url: str, sim_url: str, batch_id: str, campaign_id: str, rows: int) -> None:
    clock = VirtualClock()
    client = andopen.Client(SIM_KEY, base_url=sim_url, sleep=clock.sleep, clock=clock.time)
    store = andopen.open_store(url)
    andopen.work_batch(client, store, andopen.SharedBatch(batch_id, campaign_id, rows, []))
    store.close()


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="andopen-pg-") as data:
        yield from _postgres(data)


def _postgres(data: str) -> Iterator[str]:
    script = REPO_ROOT / "scripts" / "ensure-postgres.sh"
    url = subprocess.run([str(script), "start", data], check=True, capture_output=True, text=True).stdout.strip()
    try:
        yield url
    finally:
        subprocess.run([str(script), "stop", data], check=True)


WEBHOOK_SECRET = "whsec_shared_batch_test"


class Webhooks:
    """A webhook receiver on 127.0.0.1 keeping the gift request of every delivery whose signature and
    timestamp the core verified; ``refused`` counts the others."""

    def __init__(self) -> None:
        bodies = self.bodies = []  # type: list[bytes]
        self.refused = 0
        receiver = andopen.WebhookReceiver(WEBHOOK_SECRET)
        hooks = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                try:
                    delivery = receiver.receive(list(self.headers.items()), body)
                except andopen.WebhookRefused:
                    hooks.refused += 1
                    self.send_response(400)
                else:
                    bodies.append(delivery.body)
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/webhooks"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()


def run_shared(url: str, n: int, workers: int, fault_rate: float, kills: int, seed: int = 7) -> Figures:
    figures = Figures(n, workers, fault_rate)
    hooks = Webhooks()
    flags = ("--fault-rate", str(fault_rate), "--seed", str(seed), "--webhook", hooks.url, "--webhook-secret", WEBHOOK_SECRET)
    with Simulator(*flags) as sim, tempfile.TemporaryDirectory() as tmp:
        # The campaign is read before any fault can hit it: faults apply to every API request.
        lookup = andopen.Client(SIM_KEY, base_url=sim.url, retry_policy=andopen.RetryPolicy(max_attempts=20, base_delay_ms=1, max_delay_ms=10, max_retry_after_ms=2000))
        campaign = next(c for c in lookup.list_campaigns() if c.name == CAMPAIGN)
        rows = Path(tmp) / "rows.csv"
        write_rows(rows, n)
        store = andopen.open_store(url)
        started = time.monotonic()
        batch = andopen.load_batch(store, rows, campaign_id=campaign.id)

        def start(i: int) -> subprocess.Popen[bytes]:
            argv = [sys.executable, __file__, "--worker", url, sim.url, batch.batch_id, campaign.id, str(n)]
            return subprocess.Popen(argv, stderr=open(Path(tmp) / f"worker-{i}.log", "ab"))  # noqa: SIM115

        procs = [start(i) for i in range(workers)]
        # Kill workers one after another once a part of the batch is done, and start each again.
        for k in range(kills):
            target = n * (k + 1) // (kills + 2)
            while sum(v for o, v in andopen.batch_counts(store, batch).items() if o != "pending") < target:
                if all(p.poll() is not None for p in procs):
                    break
                time.sleep(0.05)
            victim = procs[k % workers]
            if victim.poll() is None:
                os.kill(victim.pid, signal.SIGKILL)
                victim.wait()
                figures.kills += 1
            procs[k % workers] = start(k % workers)
        for p in procs:
            p.wait()
        bad = [i for i, p in enumerate(procs) if p.returncode != 0]
        assert not bad, "workers failed: " + "; ".join((Path(tmp) / f"worker-{i}.log").read_text()[-2000:] for i in bad)
        # Rows a killed worker held when no live worker was left to claim them: one last pass.
        before = andopen.batch_counts(store, batch).get("pending", 0)
        if before:
            worker(url, sim.url, batch.batch_id, campaign.id, n)
        figures.swept = before
        figures.elapsed = time.monotonic() - started
        gifts = [g for g in sim.gifts() if g["recipient"]["last_name"].startswith("Row")]
        per_recipient = collections.Counter(g["recipient"]["last_name"] for g in gifts)
        figures.created = len(gifts)
        figures.duplicates = sum(1 for c in per_recipient.values() if c > 1)
        # Every gift's `gift_request_created` delivered (the simulator retries a delivery that fails).
        deadline = time.monotonic() + 60
        while len(hooks.bodies) < len(gifts) and time.monotonic() < deadline:
            time.sleep(0.1)
        figures.webhooks = len(hooks.bodies)
        figures.unknown_before = andopen.batch_counts(store, batch).get("outcome_unknown", 0)
        # The workers' clocks ran ahead of the simulator's by the waits they skipped: a window of an hour.
        history = andopen.GiftHistory()
        figures.resolved = andopen.resolve_unknown(store, batch, list(hooks.bodies), window_seconds=3600, history=history)
        figures.refused = hooks.refused
        figures.history = len(history)
        figures.counts = andopen.batch_counts(store, batch)
        figures.pending = figures.counts.get("pending", 0)
        store.close()
    hooks.stop()
    return figures


def test_four_workers_two_killed_send_10000_rows_once_each(postgres: str) -> None:
    figures = run_shared(postgres, 10_000, 4, 0.3, kills=2)
    print(figures.report())
    assert figures.kills == 2
    assert figures.duplicates == 0, figures.report()
    assert figures.pending == 0, figures.report()
    counts = figures.counts or {}
    assert sum(counts.values()) == 10_000
    # Every gift the simulator holds is a row's, and every row whose gift exists is resolved to sent: the
    # rows left outcome unknown are exactly those whose attempt created nothing.
    assert figures.resolved > 0
    assert counts.get("sent", 0) == figures.created, figures.report()
    assert figures.refused == 0 and figures.webhooks >= figures.created, "every delivery verified: " + figures.report()
    assert figures.history == figures.resolved, "each resolved gift is in the history"


def main() -> None:
    if sys.argv[1:2] == ["--worker"]:
        url, sim_url, batch_id, campaign_id, rows = sys.argv[2:7]
        worker(url, sim_url, batch_id, campaign_id, int(rows))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--fault-rate", type=float, default=0.3)
    parser.add_argument("--kills", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="andopen-pg-") as data:
        for url in _postgres(data):
            print(run_shared(url, args.rows, args.workers, args.fault_rate, args.kills, args.seed).report())


if __name__ == "__main__":
    main()


@pytest.mark.parametrize("interval", [float("nan"), float("inf"), -1, 1e30, True, "1"])
def test_a_min_interval_out_of_range_is_refused_naming_it(tmp_path: Path, interval: object) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("row_key,first_name,last_name\nr1,Ann,Smith\n")
    store = andopen.open_store(str(tmp_path / "journal.db"))
    batch = andopen.load_batch(store, rows, campaign_id=CAMPAIGN_ID)
    transport = FakeTransport()
    with pytest.raises(andopen.ConfigError) as refused:
        andopen.work_batch(andopen.Client(KEY, transport=transport), store, batch, min_interval=interval)  # type: ignore[arg-type]
    assert refused.value.param == "min_interval" and transport.requests == []
    with pytest.raises(andopen.ConfigError) as refused:
        andopen.send_batch_csv(andopen.Client(KEY, transport=transport), "first_name,last_name\nA,B\n", campaign_id=CAMPAIGN_ID,
                               journal=tmp_path / "j", min_interval=interval)  # type: ignore[arg-type]
    assert refused.value.param == "min_interval" and transport.requests == []
    store.close()


@pytest.mark.parametrize("url", ["mysql://db/gifts", "postgres:/x", "redis://h", ""])
def test_a_journal_url_of_an_unknown_scheme_is_refused_never_a_file(tmp_path: Path, url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(andopen.ConfigError) as refused:
        andopen.open_store(url)
    assert refused.value.param == "url"
    assert list(tmp_path.iterdir()) == []


def test_the_resolvers_and_the_store_refuse_hostile_input_with_the_package_s_errors(tmp_path: Path) -> None:
    for url in ("/tmp/journal\ud800.db", "/tmp/a\x00b.db"):
        with pytest.raises(andopen.ConfigError) as refused:
            andopen.open_store(url)
        assert refused.value.param == "url"
    rows = tmp_path / "rows.csv"
    rows.write_text("first_name,last_name\nA,B\n")
    store = andopen.open_store(str(tmp_path / "journal.db"))
    batch = andopen.load_batch(store, rows, campaign_id=CAMPAIGN_ID)
    for window in (float("nan"), float("inf"), -1, 0, 1e300):
        with pytest.raises(andopen.ConfigError) as refused:
            andopen.resolve_unknown(store, batch, [], window_seconds=window)
        assert refused.value.param == "window_seconds"
    with pytest.raises(andopen.ConfigError) as refused:
        andopen.resolve_unknown(store, batch, [json.dumps(gift()), "\ud800"])
    assert refused.value.param == "gifts[1]"
    with pytest.raises(TypeError, match="history"):
        andopen.resolve_unknown(store, batch, [], history=object())  # type: ignore[arg-type]
    store.close()
