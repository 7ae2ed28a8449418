"""The ``andopen`` command, end to end: the installed console script against the simulator, with a journal
file and with a PostgreSQL journal shared by workers."""

from __future__ import annotations

import collections
import csv
import http.server
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Iterator

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import andopen  # noqa: E402
from simulator import Simulator  # noqa: E402
from test_shared_batch import _postgres  # noqa: E402

KEY = "ao-v1-staging-cli-secret-key"
CAMPAIGN = "Welcome box (choice)"
ANDOPEN = Path(sys.executable).parent / "andopen"


@pytest.fixture(scope="module")
def sim() -> Iterator[Simulator]:
    with Simulator() as s:
        yield s


@pytest.fixture(scope="module")
def campaign_id(sim: Simulator) -> str:
    return next(c.id for c in andopen.Client(KEY, base_url=sim.url).list_campaigns() if c.name == CAMPAIGN)


def run(*args: str, url: str | None, key: str | None = KEY, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANDOPEN_")}
    if key is not None:
        env["ANDOPEN_API_KEY"] = key
    if url is not None:
        env["ANDOPEN_BASE_URL"] = url
    return subprocess.run([str(ANDOPEN), *args], env=env, capture_output=True, text=True, timeout=timeout)


def rows_file(path: Path, n: int, prefix: str, bad: int | None = None) -> Path:
    with open(path, "w", encoding="utf-8") as f:
        f.write("row_key,first_name,last_name,email,score\n")
        for i in range(n):
            last = "" if i == bad else f"{prefix}{i}"
            f.write(f"{prefix}-{i},Cli,{last},{prefix.lower()}{i}@example.com,{i}\n")
    return path


def test_help_reads_like_a_unix_tools() -> None:
    out = run("--help", url=None)
    assert out.returncode == 0
    for text in ("batch", "campaigns", "gift", "webhooks", "exit status:", "ANDOPEN_API_KEY", "130"):
        assert text in out.stdout
    send = run("batch", "send", "--help", url=None)
    assert send.returncode == 0 and "--workers N" in send.stdout and "--journal PATH|URL" in send.stdout
    wrong = run("batch", "send", url=None)
    assert wrong.returncode == 2 and "ROWS" in wrong.stderr


def test_a_batch_from_a_file_journal_then_again_with_nothing_left(sim: Simulator, campaign_id: str, tmp_path: Path) -> None:
    rows = rows_file(tmp_path / "rows.csv", 30, "File", bad=7)
    out = run("batch", "send", str(rows), "--campaign", campaign_id, "--progress", "lines", url=sim.url)
    assert out.returncode == 1, out.stderr  # one row failed: fix and run again
    assert "(done)" in out.stderr and "29 sent" in out.stderr and "1 failed" in out.stderr
    assert "columns not read: score" in out.stderr
    assert KEY not in out.stdout + out.stderr
    results = list(csv.DictReader(open(tmp_path / "rows.csv.results.csv", encoding="utf-8")))
    assert [r["row_key"] for r in results] == [f"File-{i}" for i in range(30)]
    assert results[7]["outcome"] == "failed" and results[7]["error_param"] == "recipient.last_name"
    # Again, with the same journal: nothing is sent twice.
    before = len(sim.gifts())
    again = run("batch", "send", str(rows), "--campaign", campaign_id, "--progress", "none", "--results", "-", url=sim.url)
    assert again.returncode == 1
    assert len(sim.gifts()) == before
    assert again.stdout.startswith("row_key,outcome,") and again.stdout.count("\n") == 31


def test_a_batch_through_postgresql_with_workers(campaign_id: str, tmp_path: Path) -> None:
    with Simulator("--fault-rate", "0.2", "--seed", "3") as faulty, tempfile.TemporaryDirectory(prefix="andopen-pg-") as data:
        faulty_campaign = next(
            c.id for c in andopen.Client(KEY, base_url=faulty.url, retry_policy=andopen.RetryPolicy(
                max_attempts=20, base_delay_ms=1, max_delay_ms=10, max_retry_after_ms=2000)).list_campaigns()
            if c.name == CAMPAIGN)
        rows = rows_file(tmp_path / "rows.csv", 300, "Pg")
        for url in _postgres(data):
            out = run("batch", "send", str(rows), "--campaign", faulty_campaign, "--journal", url, "--workers", "3",
                      "--results", str(tmp_path / "out.csv"), "--progress", "lines", url=faulty.url)
            # Faults on 20 % of requests: some rows are outcome unknown (exit 3), none failed.
            assert out.returncode in (0, 3), out.stderr
            results = list(csv.DictReader(open(tmp_path / "out.csv", encoding="utf-8")))
            assert len(results) == 300
            outcomes = collections.Counter(r["outcome"] for r in results)
            assert outcomes["sent"] + outcomes["outcome_unknown"] == 300, outcomes
            assert (out.returncode == 3) == (outcomes["outcome_unknown"] > 0)
            gifts = collections.Counter(g["recipient"]["last_name"] for g in faulty.gifts() if g["recipient"]["last_name"].startswith("Pg"))
            assert all(n == 1 for n in gifts.values()), "no recipient gifted twice"
            assert len(gifts) >= outcomes["sent"]


def test_campaigns_and_a_gift(sim: Simulator, campaign_id: str) -> None:
    listed = run("campaigns", url=sim.url)
    assert listed.returncode == 0 and f"{campaign_id}\t{CAMPAIGN}\tchoice" in listed.stdout.splitlines()
    gift = andopen.Client(KEY, base_url=sim.url).create_gift_request(
        {"campaign_id": campaign_id, "recipient": {"first_name": "Cli", "last_name": "Get"}})
    shown = run("gift", "get", gift.id, url=sim.url)
    assert shown.returncode == 0 and f'"id": "{gift.id}"' in shown.stdout
    missing = run("gift", "get", "00000000-0000-4000-8000-000000000000", url=sim.url)
    assert missing.returncode == 4 and missing.stderr.startswith("andopen: ") and missing.stdout == ""


def test_without_a_key_nothing_starts(sim: Simulator) -> None:
    out = run("campaigns", url=sim.url, key=None)
    assert out.returncode == 4 and "ANDOPEN_API_KEY is not set" in out.stderr
    bad = run("campaigns", url=sim.url, key="ao-v1-staging-")
    assert bad.returncode == 4 and "ao-v1-staging-" not in bad.stdout


def test_the_relay_forwards_a_signed_delivery_and_stops_on_sigterm(tmp_path: Path) -> None:
    received: list[bytes] = []

    class Tool(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            received.append(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    tool = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Tool)
    threading.Thread(target=tool.serve_forever, daemon=True).start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANDOPEN_")}
    env["ANDOPEN_WEBHOOK_SECRET"] = "whsec_cli"
    relay = subprocess.Popen([str(ANDOPEN), "webhooks", "relay", "--forward", f"http://127.0.0.1:{tool.server_address[1]}/in",
                              "--port", "0"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert relay.stderr is not None
        line = relay.stderr.readline()
        address = line.split("from ", 1)[1].split(" to ", 1)[0]
        with Simulator("--webhook", address + "hooks", "--webhook-secret", "whsec_cli", "--webhook-backoff-ms", "50") as sim:
            campaign = next(c.id for c in andopen.Client(KEY, base_url=sim.url).list_campaigns() if c.name == CAMPAIGN)
            andopen.Client(KEY, base_url=sim.url).create_gift_request(
                {"campaign_id": campaign, "recipient": {"first_name": "Cli", "last_name": "Relay"}})
            for _ in range(100):
                if received:
                    break
                threading.Event().wait(0.05)
        assert received and b'"last_name":"Relay"' in received[0].replace(b" ", b"")
    finally:
        relay.send_signal(signal.SIGTERM)
        assert relay.wait(timeout=10) == 0
        tool.shutdown()
