"""The kill test of batch send: a batch run by ``andopen.send_batch`` with a file journal, against the &Open
API simulator injecting faults (429, 503, 500, dropped connections, delays) under a rate limit, is killed
with SIGKILL at random points and resumed from its journal until it finishes. Then every row the last run
reports as outcome unknown is checked against what the simulator saw:

- created: the simulator holds a gift for the row;
- in doubt: not created, but its last request reached the simulator and got no answer that proves nothing
  was created (a 500, 502 or 504, a dropped connection), or was being sent when the run was killed (its
  `sending` line stored and the request handed to the transport, even if the kill came before the socket
  carried it: the SDK cannot tell);
- dishonest: not created, and its last request was answered 429, 503 or another 4xx (an answer that proves
  nothing was created), or was never even announced (no `sending` line in the journal).

The goal: no dishonest row, and no gift created twice. As a script, it prints the figures::

    python bindings/python/tests/test_kill_batch.py --rows 300 --kills 3 [--seed N]

(the simulator from ``ANDOPEN_MOCK_BIN``, else ``target/release/andopen-mock``). As a test (pytest), it
runs 300 rows and 3 kills with a fixed seed and asserts the goal.

To map a request the simulator logged to its row, the child's transport appends the row's number to a
side file before each creation it sends; the runs send one request at a time, so the n-th line of that
file is the n-th creation in the simulator's log, except that the last line of a killed run may name a
request that never left (the counts of both tell).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import andopen  # noqa: E402
from simulator import Simulator  # noqa: E402

KEY = "ao-v1-staging-kill-test"
CAMPAIGN = "Welcome box (choice)"
# A rate limit that the run meets (pacing waits, 429s) and random faults on one request in ten.
SIMULATOR_FLAGS = ("--rate-limit", "40", "--rate-window-seconds", "1", "--fault-rate", "0.1")
# Statuses whose answer proves that nothing was created.
PROVES_NOTHING = {str(s) for s in range(400, 500)} | {"503"}


def rows(n: int) -> list[dict]:
    return [
        {"row_key": f"row-{i}", "recipient": {"first_name": "Kill", "last_name": f"Row{i}", "email": f"row{i}@example.com"}}
        for i in range(n)
    ]


# --- the child: one run of the batch ------------------------------------------------------------------------


class _LoggingTransport:
    """The default transport, appending the row of each creation to a side file before sending it."""

    def __init__(self, attempts: str) -> None:
        self._inner = andopen.UrllibTransport()
        self._log = open(attempts, "a", encoding="utf-8")  # noqa: SIM115 (lives as long as the process)

    def send(self, request: andopen.Request, timeout: float) -> andopen.Response:
        if request.method == "POST":
            body = json.loads(request.body or b"{}")
            self._log.write(body["recipient"]["last_name"].removeprefix("Row") + "\n")
            self._log.flush()  # in the kernel: a SIGKILL does not lose it
        return self._inner.send(request, timeout)


def child(base_url: str, campaign_id: str, n: int, workdir: str) -> None:
    client = andopen.Client(KEY, base_url=base_url, transport=_LoggingTransport(os.path.join(workdir, "attempts")))
    result = andopen.send_batch(
        client, rows(n), campaign_id=campaign_id, journal=os.path.join(workdir, "journal"), wait_for_redemption_url=False
    )
    outcomes = []
    for r in result.rows:
        o = r.outcome
        label = "sent" if o.is_sent() else "skipped" if o.is_skipped() else "failed" if o.is_failed() else "outcome_unknown"
        outcomes.append({"index": r.index, "outcome": label, "from_journal": r.from_journal})
    Path(workdir, "results.json").write_text(json.dumps(outcomes))


# --- the parent: runs, kills, figures -------------------------------------------------------------------------


@dataclass
class Figures:
    rows: int
    kill_times: list[float] = field(default_factory=list)
    runs: int = 0
    sent: int = 0
    failed: int = 0
    unknown: int = 0
    unknown_created: int = 0
    unknown_in_doubt: int = 0
    unknown_after_proof: int = 0
    unknown_never_arrived: int = 0
    unknown_killed_sending: int = 0
    duplicate_gifts: int = 0
    elapsed: float = 0.0

    @property
    def dishonest(self) -> int:
        return self.unknown_after_proof + self.unknown_never_arrived

    def report(self) -> str:
        kills = ", ".join(f"{t:.2f} s" for t in self.kill_times)
        return "\n".join([
            f"rows {self.rows}; kills {len(self.kill_times)} (after {kills}); runs {self.runs}; {self.elapsed:.1f} s",
            f"sent {self.sent}, failed {self.failed}, outcome unknown {self.unknown}",
            f"  of the unknown, created on the server:                         {self.unknown_created}",
            f"  not created, last request reached it with no proof either way: {self.unknown_in_doubt}",
            f"  not created, killed while its request was handed to the socket: {self.unknown_killed_sending}",
            f"  not created, an answer had proved nothing was created:         {self.unknown_after_proof}",
            f"  not created, the request never reached the server:             {self.unknown_never_arrived}",
            f"gifts created twice: {self.duplicate_gifts}",
        ])


def _creations(sim: Simulator) -> list[str]:
    """The statuses of every creation the simulator received, in order (``dropped`` for a dropped one)."""
    return [e.status for e in sim.api_log() if e.method == "POST" and e.path == "/gift_requests"]


def _attempts(workdir: Path) -> list[int]:
    path = workdir / "attempts"
    return [int(line) for line in path.read_text().split("\n") if line.strip()] if path.exists() else []


def _settle(sim: Simulator, seen_before: int, workdir: Path, attempts_before: int, patience: float = 10.0) -> None:
    """Waits (up to `patience` seconds, however loaded the machine) until the simulator has logged every
    creation the killed run sent: a delayed request it is still answering is logged when answered. One
    creation may never arrive (a kill between the side file and the socket)."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        if len(_creations(sim)) - seen_before >= len(_attempts(workdir)) - attempts_before:
            return
        time.sleep(0.1)


def run(n: int = 300, kills: int = 3, seed: int = 1, kill_window: tuple[float, float] = (0.6, 3.0)) -> Figures:
    """Runs `n` rows, killed `kills` times at random points (seeded), then resumed to the end."""
    pick = random.Random(seed)
    figures = Figures(rows=n)
    started = time.monotonic()
    with Simulator("--seed", str(seed), *SIMULATOR_FLAGS) as sim, tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        campaign = next(c for c in andopen.Client(KEY, base_url=sim.url).list_campaigns() if c.name == CAMPAIGN)
        argv = [sys.executable, __file__, "--child", sim.url, campaign.id, str(n), tmp]
        # Per run: creations the side file names, and creations the simulator logged.
        arrived_of_attempt: list[str | None] = []
        for k in range(kills + 1):
            seen_before, attempts_before = len(_creations(sim)), len(_attempts(workdir))
            process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            figures.runs += 1
            if k < kills:
                delay = pick.uniform(*kill_window)
                try:
                    process.wait(timeout=delay)
                    raise RuntimeError(f"run {k + 1} finished before its kill at {delay:.2f} s: use more rows")
                except subprocess.TimeoutExpired:
                    process.send_signal(signal.SIGKILL)
                    process.wait()
                    figures.kill_times.append(delay)
                _settle(sim, seen_before, workdir, attempts_before)
            else:
                _, stderr = process.communicate(timeout=300)
                if process.returncode != 0:
                    raise RuntimeError(f"the last run failed: {stderr.decode(errors='replace')}")
            statuses = _creations(sim)[seen_before:]
            attempts = _attempts(workdir)[attempts_before:]
            if len(statuses) == len(attempts):
                arrived_of_attempt += statuses
            elif k < kills and len(statuses) == len(attempts) - 1:
                arrived_of_attempt += [*statuses, None]  # killed between the side file and the socket
            else:
                raise RuntimeError(f"run {k + 1}: {len(attempts)} creations sent, {len(statuses)} received")
        figures.elapsed = time.monotonic() - started
        announced = _announced(workdir / "journal")
        _count(figures, json.loads((workdir / "results.json").read_text()), _attempts(workdir), arrived_of_attempt, announced, sim)
    return figures


def _announced(journal: Path) -> Counter[int]:
    """How many `sending` lines the journal records for each row: one per attempt the SDK announced before
    handing it to the transport (the child writes the side file only once the transport has it)."""
    rows: Counter[int] = Counter()
    for line in journal.read_text().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line torn by a kill
        if entry.get("event") == "sending":
            rows[int(entry["row_key"].removeprefix("row-"))] += 1
    return rows


def _count(
    figures: Figures, results: list[dict], attempts: list[int], arrived: list[str | None], announced: Counter[int], sim: Simulator
) -> None:
    gifts_per_row: dict[int, int] = {}
    for gift in sim.gifts():
        row = int(gift["recipient"]["last_name"].removeprefix("Row"))
        gifts_per_row[row] = gifts_per_row.get(row, 0) + 1
    figures.duplicate_gifts = sum(1 for count in gifts_per_row.values() if count > 1)
    last_answer: dict[int, str | None] = {}
    for row, status in zip(attempts, arrived):
        last_answer[row] = status
    handed = Counter(attempts)
    for result in results:
        row, outcome = result["index"], result["outcome"]
        figures.sent += outcome == "sent"
        figures.failed += outcome == "failed"
        if outcome != "outcome_unknown":
            continue
        figures.unknown += 1
        answer = last_answer.get(row, "never")
        if gifts_per_row.get(row):
            figures.unknown_created += 1
        elif answer is None or announced[row] > handed[row]:
            # Its last `sending` line stored when the kill came, the request handed to the transport or about
            # to be (the kill may land before the child's side file names it, after an earlier attempt was
            # answered 429): in doubt for the SDK (the module doc's "being sent when the run was killed"),
            # though the socket never carried it.
            figures.unknown_killed_sending += 1
        elif answer == "never":
            figures.unknown_never_arrived += 1
        elif answer in PROVES_NOTHING:
            figures.unknown_after_proof += 1
        else:
            figures.unknown_in_doubt += 1


def test_after_three_kills_only_rows_whose_request_may_have_landed_are_outcome_unknown() -> None:
    figures = run(n=300, kills=3, seed=11)
    print(figures.report())
    assert len(figures.kill_times) == 3
    assert figures.sent + figures.failed + figures.unknown == 300, figures.report()
    assert figures.duplicate_gifts == 0, figures.report()
    assert figures.dishonest == 0, figures.report()


def main() -> None:
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
        return
    parser = argparse.ArgumentParser(description="Kill a batch run with SIGKILL, resume it, count outcome-unknown rows.")
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--seed", type=int, default=None, help="random by default (printed)")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 31)
    print(f"seed {seed}")
    figures = run(args.rows, args.kills, seed)
    print(figures.report())
    sys.exit(1 if figures.dishonest or figures.duplicate_gifts else 0)


if __name__ == "__main__":
    main()
