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


def tool_server(received: list[bytes]) -> http.server.ThreadingHTTPServer:
    """A no-code tool's endpoint on a free local port: answers every POST 200 and keeps its body in
    ``received``. Shut it down with ``shutdown()``."""

    class Tool(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            received.append(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    tool = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Tool)
    threading.Thread(target=tool.serve_forever, daemon=True).start()
    return tool


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
    tool = tool_server(received)
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


def test_workers_get_the_journal_in_their_environment_never_on_their_command_line(
        sim: Simulator, campaign_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from andopen import cli

    started: list[tuple[list[str], dict[str, str]]] = []

    class Worker:
        """A worker that does nothing (the command's own process works every row) and exits 0."""

        def __init__(self, argv: list[str], env: dict[str, str]) -> None:
            started.append((argv, env))

        def wait(self, timeout: float | None = None) -> int:
            return 0

        def poll(self) -> int:
            return 0

    monkeypatch.setattr(cli.subprocess, "Popen", Worker)
    monkeypatch.setenv("ANDOPEN_API_KEY", KEY)
    monkeypatch.setenv("ANDOPEN_BASE_URL", sim.url)
    rows = rows_file(tmp_path / "rows.csv", 5, "Env")
    journal = f"sqlite://{tmp_path / 'secret-journal.db'}"
    status = cli.main(["batch", "send", str(rows), "--campaign", campaign_id, "--journal", journal, "--workers", "3",
                       "--wait-for-links", "--progress", "none", "--results", str(tmp_path / "out.csv")])
    assert status == 0
    assert len(started) == 2
    for argv, env in started:
        assert not any("secret-journal" in a for a in argv), argv
        assert env["ANDOPEN_JOURNAL"] == journal
        assert "--wait-for-links" in argv, "the workers wait for links as the command does"


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://gifts:pa55word@db.example/gifts",
        "postgresql://gifts:p%40ss%2Fword@db.example/gifts",
        "postgresql://gifts@db.example/gifts?sslmode=require&password=pa55word",
        "postgresql://gifts@db.example/gifts?password=p%40ss",
    ],
)
def test_a_journal_url_s_password_is_cut_from_every_message_in_every_form(url: str) -> None:
    from andopen.cli import _redacted

    import urllib.parse

    secret = url.split("password=")[-1] if "password=" in url else url.split(":")[2].split("@")[0]
    message = f"connection failed: {url} / password {urllib.parse.unquote(secret)} / raw {secret}"
    cut = _redacted(message, url)
    assert secret not in cut and urllib.parse.unquote(secret) not in cut, cut
    assert "db.example" in cut


def test_a_database_that_cannot_be_reached_a_non_utf8_file_or_an_unknown_scheme_is_exit_4_without_a_traceback(
        sim: Simulator, campaign_id: str, tmp_path: Path) -> None:
    rows = rows_file(tmp_path / "rows.csv", 3, "Exit")
    down = run("batch", "send", str(rows), "--campaign", campaign_id, "--journal",
               "postgresql://gifts:pa55word@127.0.0.1:1/gifts", url=sim.url, timeout=60)
    assert down.returncode == 4, down.stderr
    assert "Traceback" not in down.stderr and "pa55word" not in down.stderr and down.stderr.startswith("andopen: ")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("row_key,first_name,last_name\nr1,Jos\xe9,M\xfcller\n".encode("latin-1"))
    bad_text = run("batch", "send", str(latin), "--campaign", campaign_id, "--journal", f"sqlite://{tmp_path / 'j.db'}",
                   url=sim.url, timeout=60)
    assert bad_text.returncode == 4 and "Traceback" not in bad_text.stderr and "UTF-8" in bad_text.stderr, bad_text.stderr
    unknown = run("batch", "send", str(rows), "--campaign", campaign_id, "--journal", "mysql://db/gifts", url=sim.url, timeout=60)
    assert unknown.returncode == 4 and "mysql" in unknown.stderr and "Traceback" not in unknown.stderr, unknown.stderr
    assert not (Path.cwd() / "mysql:").exists()
    for interval in ("nan", "inf", "-1", "1e30"):
        refused = run("batch", "send", str(rows), "--campaign", campaign_id, "--min-interval", interval, url=sim.url, timeout=60)
        assert refused.returncode == 2 and "--min-interval" in refused.stderr, (interval, refused.stderr)


def test_two_workers_on_one_sqlite_journal_send_each_row_once(sim: Simulator, campaign_id: str, tmp_path: Path) -> None:
    rows = rows_file(tmp_path / "rows.csv", 60, "Lite")
    out = run("batch", "send", str(rows), "--campaign", campaign_id, "--journal", f"sqlite://{tmp_path / 'j.db'}",
              "--workers", "2", "--results", str(tmp_path / "out.csv"), "--progress", "none", url=sim.url)
    assert out.returncode == 0, out.stderr
    gifts = collections.Counter(g["recipient"]["last_name"] for g in sim.gifts() if g["recipient"]["last_name"].startswith("Lite"))
    assert len(gifts) == 60 and all(n == 1 for n in gifts.values()), gifts


def test_unknown_rows_are_settled_by_a_get_and_by_the_relay_s_deliveries(tmp_path: Path) -> None:
    from datetime import datetime, timezone

    tool = tool_server([])
    with Simulator("--webhook-backoff-ms", "50") as sim:
        client = andopen.Client(KEY, base_url=sim.url)
        campaign = next(c.id for c in client.list_campaigns() if c.name == CAMPAIGN)
        rows = rows_file(tmp_path / "rows.csv", 3, "Res")
        journal = f"sqlite://{tmp_path / 'j.db'}"
        # Two workers died between announcing the sends of rows 0 and 1 and hearing the answers.
        first, second = andopen.open_store(journal), andopen.open_store(journal)
        batch = andopen.load_batch(first, rows, campaign_id=campaign)
        at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        with first.claim(batch.batch_id) as r0, second.claim(batch.batch_id) as r1:
            for store, row in ((first, r0), (second, r1)):
                assert row is not None
                store.append(batch.batch_id, row.send_key,
                             f'{{"send_key":"{row.send_key}","row_key":"{row.row_key}","at":"{at}","event":"sending"}}')
        first.close()
        second.close()
        # Both sends landed.
        g0, g1 = (client.create_gift_request({"campaign_id": campaign, "recipient": {
            "first_name": "Cli", "last_name": f"Res{i}", "email": f"res{i}@example.com"}}) for i in (0, 1))
        out = run("batch", "send", str(rows), "--campaign", campaign, "--journal", journal, "--progress", "none", url=sim.url)
        assert out.returncode == 3, out.stderr  # rows 0 and 1 outcome unknown, row 2 sent
        # Row 0: its gift's id is known; a GET settles it.
        settled = run("batch", "resolve", str(rows), "--campaign", campaign, "--journal", journal, "--gift-request", g0.id, url=sim.url)
        assert settled.returncode == 3 and "1 rows settled as sent; 1 outcome unknown left" in settled.stderr, settled.stderr
        # Row 1: the relay settles it from the gift's delivery (signed, verified).
        env = {k: v for k, v in os.environ.items() if not k.startswith("ANDOPEN_")}
        env["ANDOPEN_WEBHOOK_SECRET"] = "whsec_cli"
        relay = subprocess.Popen([str(ANDOPEN), "webhooks", "relay", "--forward", f"http://127.0.0.1:{tool.server_address[1]}/in",
                                  "--port", "0", "--journal", journal, "--rows", str(rows), "--campaign", campaign],
                                 env=env, stderr=subprocess.PIPE, text=True)
        try:
            assert relay.stderr is not None
            address = relay.stderr.readline().split("from ", 1)[1].split(" to ", 1)[0]
            sim.control("POST", "/_mock/webhooks", {"url": address + "hooks", "secret": "whsec_cli"})
            sim.control("POST", f"/_mock/gift_requests/{g1.id}/advance", {"status": "redeemed"})
            watch = andopen.open_store(journal)
            for _ in range(300):
                if andopen.batch_counts(watch, batch).get("outcome_unknown", 0) == 0:
                    break
                threading.Event().wait(0.05)
            watch.close()
        finally:
            relay.send_signal(signal.SIGTERM)
            _, said = relay.communicate(timeout=10)
        assert f"settled as sent by gift {g1.id}" in said, said
        again = run("batch", "send", str(rows), "--campaign", campaign, "--journal", journal, "--progress", "none",
                    "--results", "-", url=sim.url)
        assert again.returncode == 0, again.stderr
        outcomes = {line.split(",")[0]: line.split(",")[1:3] for line in again.stdout.splitlines()[1:]}
        assert outcomes["Res-0"] == ["sent", g0.id] and outcomes["Res-1"] == ["sent", g1.id], outcomes
        assert len([g for g in sim.gifts() if g["recipient"]["last_name"].startswith("Res")]) == 3, "nothing sent twice"
    tool.shutdown()
