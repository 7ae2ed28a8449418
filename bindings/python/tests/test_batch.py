"""Batch send through the package with a scripted transport: results, the journal, resuming."""

from __future__ import annotations

import json
from pathlib import Path

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
    journal = tmp_path / "gifts.journal"
    result = andopen.send_batch(
        client(transport, clock), ROWS, campaign_id=CAMPAIGN_ID, journal=journal, wait_for_redemption_url=False,
        on_progress=lambda p: progress.append(p.finished),
    )
    outcomes = [r.outcome for r in result.rows]
    kinds = ["sent" if o.is_sent() else "skipped" if o.is_skipped() else "failed" if o.is_failed() else "unknown" for o in outcomes]
    assert kinds == ["sent", "skipped", "failed", "failed", "sent"]
    assert outcomes[1].same_as_row == "r1"
    assert outcomes[2].error.param == "recipient.last_name" and outcomes[2].error.code == "required"
    assert outcomes[3].error.param == "recipient.last_name" and outcomes[3].error.code == "invalid_format"
    assert (result.progress.sent, result.progress.skipped, result.progress.failed) == (2, 1, 2)
    assert progress and progress[-1] == 5
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
    assert first.is_outcome_unknown() and first.request_id
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
    assert skipped.is_skipped() and skipped.previous_gift_request_id == gift()["id"]
    assert "30 days" in skipped.reason
    assert result.rows[1].outcome.is_sent()
    assert len(transport.requests) == 1


@pytest.mark.parametrize("days", [30.5, True, -1, "30"])
def test_a_look_back_that_is_not_a_whole_number_of_days_is_refused(tmp_path: Path, days: object) -> None:
    transport = FakeTransport()
    with pytest.raises(ValueError, match="days: must be a whole number of days"):
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
    assert resumed.rows[0].outcome.is_sent() and not resumed.rows[0].from_journal
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
    assert [r.outcome.is_sent() for r in resumed.rows] == [True, True]


def test_a_connection_that_never_opened_is_journaled_as_not_sent(tmp_path: Path) -> None:
    journal = tmp_path / "gifts.journal"
    transport = FakeTransport(andopen.TransportFailure("connection refused", maybe_sent=False), created("1", "Ann", "Smith"))
    result = andopen.send_batch(client(transport, FakeClock()), [ROWS[0]], campaign_id=CAMPAIGN_ID, journal=journal,
                                wait_for_redemption_url=False)
    assert result.rows[0].outcome.is_sent()
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
        got[row.row_key] = ("send" if not row.from_journal and outcome.is_sent() else
                            "sent" if row.from_journal and outcome.is_sent() else
                            "outcome_unknown" if row.from_journal and outcome.is_outcome_unknown() else "something else")
    assert got == case["expect"]
    assert len(transport.requests) == sends
