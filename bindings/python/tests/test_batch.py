"""Batch send through the package with a scripted transport: results, the journal, resuming."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from fakes import CAMPAIGN_ID, KEY, FakeClock, FakeTransport, gift, reply

import andopen

ROWS = [
    {"row_key": "r1", "recipient": {"first_name": "Ann", "last_name": "Smith", "email": "ann@example.com"}},
    {"row_key": "r2", "recipient": {"first_name": "Ann", "last_name": "Smith", "email": "ANN@example.com"}},
    {"row_key": "r3", "recipient": {"first_name": "Bob", "last_name": ""}},
    {"row_key": "r4", "recipient": {"first_name": "Cat", "last_name": 7}},
    {"row_key": "r5", "recipient": {"first_name": "Dan", "last_name": "Brown"}},
]


def created(id_suffix: str, first: str, last: str) -> andopen.Response:
    body = gift(id=f"11111111-1111-4111-8111-{id_suffix:0>12}", recipient={"id": None, "first_name": first, "last_name": last, "email": None})
    return reply(201, body, RateLimit_Remaining="10", RateLimit_Reset="1777636900")


def client(transport: FakeTransport, clock: FakeClock) -> andopen.Client:
    return andopen.Client(KEY, transport=transport, sleep=clock.sleep, clock=clock.time, jitter_seed=1)


def test_one_result_per_row_and_a_journal(tmp_path: Path) -> None:
    clock = FakeClock()
    transport = FakeTransport(created("1", "Ann", "Smith"), created("2", "Dan", "Brown"))
    progress: list[int] = []
    totals: list[andopen.BatchProgress] = []
    journal = tmp_path / "gifts.journal"
    result = andopen.send_batch(
        client(transport, clock), ROWS, campaign_id=CAMPAIGN_ID, journal=journal, wait_for_redemption_url=False,
        on_progress=lambda p: (progress.append(p.finished), totals.append(p)),
    )
    outcomes = [r.outcome for r in result.rows]
    assert [o.kind for o in outcomes] == [andopen.OutcomeKind.SENT, andopen.OutcomeKind.SKIPPED, andopen.OutcomeKind.FAILED,
                                          andopen.OutcomeKind.FAILED, andopen.OutcomeKind.SENT]
    skipped, required, wrong_type = outcomes[1], outcomes[2], outcomes[3]
    assert isinstance(skipped, andopen.Skipped) and skipped.same_as_row == "r1"
    assert isinstance(required, andopen.Failed)
    assert required.error.param == "recipient.last_name" and required.error.code == "required"
    assert required.error.errors[0].param == "recipient.last_name"
    assert isinstance(wrong_type, andopen.Failed)
    assert wrong_type.error.param == "recipient.last_name" and wrong_type.error.code == "invalid_format"
    assert (result.progress.sent, result.progress.skipped, result.progress.failed) == (2, 1, 2)
    # Each report has more rows finished than the one before, out of the whole batch, up to every row.
    assert progress == sorted(set(progress)) and progress[-1] == 5
    assert [p.total for p in totals] == [5] * len(totals)
    assert json.loads(transport.requests[0].body)["campaign_id"] == CAMPAIGN_ID
    lines = journal.read_text().splitlines()
    assert [json.loads(line)["event"] for line in lines] == ["sending", "finished", "sending", "finished"]
    assert result.to_csv().splitlines()[3].startswith("r3,failed,,,,,validation_error,required,recipient.last_name,")

    # The same rows again: nothing is sent, the recorded results come back.
    again = andopen.send_batch(client(FakeTransport(), clock), ROWS, campaign_id=CAMPAIGN_ID, journal=journal)
    assert [r.from_journal for r in again.rows] == [True, False, False, False, True]


def test_a_500_on_create_is_outcome_unknown_and_never_resent(tmp_path: Path) -> None:
    clock = FakeClock()
    failure = reply(500, {"errors": [{"type": "api_error", "code": "internal", "message": "oops"}]})
    transport = FakeTransport(failure, created("2", "Dan", "Brown"))
    result = andopen.send_batch(
        client(transport, clock), [ROWS[0], ROWS[4]], campaign_id=CAMPAIGN_ID, journal=tmp_path / "j", wait_for_redemption_url=False
    )
    first = result.rows[0].outcome
    assert isinstance(first, andopen.OutcomeUnknown) and first.request_id
    assert len(transport.requests) == 2


def test_csv_rows_with_the_look_back(tmp_path: Path) -> None:
    clock = FakeClock()
    history = andopen.GiftHistory()
    # Alice was gifted at the clock's start: read back through the client, as a host would.
    sent_at = "2026-05-01T12:00:00.000Z"
    earlier = client(FakeTransport(reply(200, gift(created_at=sent_at, updated_at=sent_at))), clock).get_gift_request(gift()["id"])
    history.record_gift(earlier)
    csv = "first_name,last_name,email\nAlice,Smith,alice@example.com\nZoe,Ray,zoe@example.com\n"
    transport = FakeTransport(created("3", "Zoe", "Ray"))
    result = andopen.send_batch_csv(
        client(transport, clock), csv, campaign_id=CAMPAIGN_ID, journal=tmp_path / "j", history=history, look_back_days=30,
        wait_for_redemption_url=False,
    )
    skipped = result.rows[0].outcome
    assert isinstance(skipped, andopen.Skipped) and skipped.previous_gift_request_id == gift()["id"]
    assert "30 days" in skipped.reason
    assert skipped.previous_sent_at is not None and skipped.previous_sent_at.isoformat().startswith("2026-05-01T12:00:00")
    assert isinstance(result.rows[1].outcome, andopen.Sent)
    assert len(transport.requests) == 1


def test_a_csv_batch_lists_the_columns_it_did_not_read(tmp_path: Path) -> None:
    csv = "First Name,Last Name,Company,Score\nAnn,Smith,Acme,7\n"
    result = andopen.send_batch_csv(client(FakeTransport(created("1", "Ann", "Smith")), FakeClock()), csv, campaign_id=CAMPAIGN_ID,
                                    journal=tmp_path / "j", wait_for_redemption_url=False)
    assert result.ignored_columns == ["Company", "Score"]
    assert isinstance(result.rows[0].outcome, andopen.Sent)


def test_a_file_is_streamed_and_its_results_written_as_they_settle(tmp_path: Path) -> None:
    n = 2500  # more than one piece (64 KiB) of the file
    lines = ["row_key,first_name,last_name,note"] + [f"k{i},First{i},Last{i % 1000},\"a, b\"" for i in range(n)]
    source = tmp_path / "rows.csv"
    source.write_text("\r\n".join(lines) + "\r\n")
    # Last names repeat every 1,000 rows, first names never: every row is a recipient of its own.
    transport = FakeTransport(*(created(str(i), "Any", "One") for i in range(n)))
    reports: list[andopen.BatchProgress] = []
    read: list[int] = []
    summary = andopen.send_batch_file(
        client(transport, FakeClock()), source, results=tmp_path / "results.csv", campaign_id=CAMPAIGN_ID,
        journal=tmp_path / "j", wait_for_redemption_url=False, on_progress=reports.append, on_read=read.append,
    )
    assert summary.ignored_columns == ["note"]
    assert (summary.progress.total, summary.progress.sent) == (n, n)
    assert len(transport.requests) == n
    written = (tmp_path / "results.csv").read_text().splitlines()
    assert written[0].startswith("row_key,outcome,") and len(written) == n + 1
    assert [line.split(",")[0] for line in written[1:]] == [f"k{i}" for i in range(n)]
    finished = [p.finished for p in reports]
    assert finished == sorted(set(finished)) and finished[-1] == n
    assert read[-1] == source.stat().st_size and len(read) > 1

    # Run again: every row comes from the journal; the same rows, the same results, nothing sent.
    again = andopen.send_batch_file(client(FakeTransport(), FakeClock()), source, results=tmp_path / "again.csv",
                                    campaign_id=CAMPAIGN_ID, journal=tmp_path / "j")
    assert again.progress.sent == n
    assert (tmp_path / "again.csv").read_text() == (tmp_path / "results.csv").read_text()


def test_a_generator_of_rows_is_read_as_the_run_gets_to_them(tmp_path: Path) -> None:
    pulled: list[int] = []

    def rows() -> Iterator[dict[str, Any]]:
        for i in range(700):
            pulled.append(i)
            yield {"row_key": f"g{i}", "recipient": {"first_name": "G", "last_name": f"N{i}"}}

    sent_when_pulled: list[int] = []
    transport = FakeTransport(*(created(str(i), "Any", "One") for i in range(700)))
    original = transport.send

    def send(request: andopen.Request, timeout: float) -> andopen.Response:
        sent_when_pulled.append(len(pulled))
        return original(request, timeout)

    transport.send = send  # type: ignore[method-assign]
    result = andopen.send_batch(client(transport, FakeClock()), rows(), campaign_id=CAMPAIGN_ID, journal=tmp_path / "j",
                                wait_for_redemption_url=False)
    assert len(result.rows) == 700
    # The first 500 rows were pulled before the first send; the rest only once those were sent.
    assert sent_when_pulled[0] == 500 and sent_when_pulled[499] == 500 and sent_when_pulled[500] == 700


def test_a_value_json_cannot_hold_is_named_by_its_place_in_the_batch(tmp_path: Path) -> None:
    rows = [dict(ROWS[0], row_key=f"r{i}") for i in range(600)]
    rows[550] = {"row_key": "bad", "recipient": {"first_name": "A", "last_name": "B", "x": object()}}
    with pytest.raises(andopen.ValidationError, match=r"rows\[550\]"):
        andopen.send_batch(client(FakeTransport(*(created(str(i), "A", "B") for i in range(600))), FakeClock()), rows,
                           campaign_id=CAMPAIGN_ID, journal=tmp_path / "j", wait_for_redemption_url=False)


@pytest.mark.parametrize("days", [30.5, True, -1, "30"])
def test_a_look_back_that_is_not_a_whole_number_of_days_is_refused(tmp_path: Path, days: object) -> None:
    transport = FakeTransport()
    with pytest.raises(andopen.ConfigError, match="days must be a whole number of days"):
        andopen.send_batch_csv(
            client(transport, FakeClock()), "first_name,last_name\nA,B\n", campaign_id=CAMPAIGN_ID,
            journal=tmp_path / "j", look_back_days=days,  # type: ignore[arg-type]
        )
    assert transport.requests == []


# ---- an interrupted run, and the journal's events ----


class Killed(BaseException):
    """Stands for a SIGKILL: the run stops where it is, nothing after it runs."""


class KillingClock(FakeClock):
    """A clock whose first sleep kills the run."""

    def sleep(self, seconds: float) -> None:
        raise Killed()


def events(journal: Path) -> list[tuple[str, str, int | None]]:
    return [(e["row_key"], e["event"], e.get("status")) for e in map(json.loads, journal.read_text().splitlines())]


def test_killed_while_sleeping_on_a_429_the_row_is_sent_again_not_unknown(tmp_path: Path) -> None:
    journal = tmp_path / "gifts.journal"
    limited = reply(429, {"errors": [{"type": "rate_limit_error", "code": "rate_limited", "message": "slow down"}]}, Retry_After="2")
    with pytest.raises(Killed):
        andopen.send_batch(client(FakeTransport(limited), KillingClock()), [ROWS[0]], campaign_id=CAMPAIGN_ID, journal=journal,
                           wait_for_redemption_url=False)
    # The answer that proves nothing was created is stored before the sleep.
    assert events(journal) == [("r1", "sending", None), ("r1", "not_sent", 429)]
    transport = FakeTransport(created("1", "Ann", "Smith"))
    resumed = andopen.send_batch(client(transport, FakeClock()), [ROWS[0]], campaign_id=CAMPAIGN_ID, journal=journal,
                                 wait_for_redemption_url=False)
    assert isinstance(resumed.rows[0].outcome, andopen.Sent) and not resumed.rows[0].from_journal
    assert len(transport.requests) == 1
    assert events(journal)[-2:] == [("r1", "sending", None), ("r1", "finished", None)]


def test_killed_while_pacing_the_next_row_was_never_claimed(tmp_path: Path) -> None:
    journal = tmp_path / "gifts.journal"
    window_used_up = reply(201, gift(id="11111111-1111-4111-8111-000000000001"), RateLimit_Remaining="0", RateLimit_Reset="1777636860")
    with pytest.raises(Killed):
        andopen.send_batch(client(FakeTransport(window_used_up), KillingClock()), [ROWS[0], ROWS[4]], campaign_id=CAMPAIGN_ID,
                           journal=journal, wait_for_redemption_url=False)
    # r5 waits for the window before its `sending` line: killed in that wait, it was never claimed.
    assert events(journal) == [("r1", "sending", None), ("r1", "finished", None)]
    transport = FakeTransport(created("2", "Dan", "Brown"))
    resumed = andopen.send_batch(client(transport, FakeClock()), [ROWS[0], ROWS[4]], campaign_id=CAMPAIGN_ID, journal=journal,
                                 wait_for_redemption_url=False)
    assert [r.from_journal for r in resumed.rows] == [True, False]
    assert [type(r.outcome) for r in resumed.rows] == [andopen.Sent, andopen.Sent]


def test_a_connection_that_never_opened_is_journaled_as_not_sent(tmp_path: Path) -> None:
    journal = tmp_path / "gifts.journal"
    transport = FakeTransport(andopen.TransportFailure("connection refused", maybe_sent=False), created("1", "Ann", "Smith"))
    result = andopen.send_batch(client(transport, FakeClock()), [ROWS[0]], campaign_id=CAMPAIGN_ID, journal=journal,
                                wait_for_redemption_url=False)
    assert isinstance(result.rows[0].outcome, andopen.Sent)
    assert events(journal) == [("r1", "sending", None), ("r1", "not_sent", None), ("r1", "sending", None), ("r1", "finished", None)]


# ---- the hostile journal suite every language replays (tests/hostile/journal.json) ----

JOURNALS = json.loads((Path(__file__).resolve().parents[3] / "tests" / "hostile" / "journal.json").read_text())


@pytest.mark.parametrize("case", JOURNALS["cases"], ids=[c["name"] for c in JOURNALS["cases"]])
def test_the_hostile_journal_suite(tmp_path: Path, case: dict) -> None:
    journal = tmp_path / "gifts.journal"
    journal.write_bytes(case["journal"].encode())
    rows = [{"row_key": r["row_key"], "recipient": r["recipient"]} for r in JOURNALS["rows"]]
    sends = list(case.get("expect", {}).values()).count("send")
    transport = FakeTransport(*(created(str(i), "Any", "One") for i in range(sends)))
    run = lambda: andopen.send_batch(  # noqa: E731
        client(transport, FakeClock()), rows, campaign_id=JOURNALS["campaign_id"], journal=journal, wait_for_redemption_url=False
    )
    if "error" in case:
        with pytest.raises(andopen.ValidationError, match=f"journal line {case['error']['line']}:.*{case['error']['mentions']}"):
            run()
        assert transport.requests == []
        return
    result = run()
    got = {}
    for row, expected in zip(result.rows, JOURNALS["rows"]):
        assert row.send_key == expected["send_key"], row.row_key
        outcome = row.outcome
        got[row.row_key] = ("send" if not row.from_journal and isinstance(outcome, andopen.Sent) else
                            "sent" if row.from_journal and isinstance(outcome, andopen.Sent) else
                            "outcome_unknown" if row.from_journal and isinstance(outcome, andopen.OutcomeUnknown) else "something else")
    assert got == case["expect"]
    assert len(transport.requests) == sends
