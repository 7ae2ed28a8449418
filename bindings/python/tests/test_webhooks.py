"""Webhook receiving, the gift history and the relay, without a network: deliveries signed here."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import pytest
from fakes import FakeClock, FakeTransport, gift, reply

import andopen

SECRET = "whsec_test"
EVENT_ID = "0b6f1c1e-2d5a-4c4e-9a57-3f1f3c2a9d10"


def signed(body: bytes, timestamp: int, *, event_id: str = EVENT_ID, event: str = "gift_request_created", secret: str = SECRET) -> list[tuple[str, str]]:
    signature = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return [
        ("AndOpen-Webhook-Signature", signature),
        ("AndOpen-Webhook-Dispatch-Timestamp", str(timestamp)),
        ("AndOpen-Webhook-Event-Id", event_id),
        ("AndOpen-Webhook-Event-Type", event),
        ("AndOpen-Webhook-API-Version", "2026-05"),
        ("Content-Type", "application/json"),
    ]


def test_the_signature_matches_the_standard_library() -> None:
    body = b'{"id":1}'
    expected = hmac.new(SECRET.encode(), b"1776335400." + body, hashlib.sha256).hexdigest()
    assert andopen.webhook_signature(SECRET, "1776335400", body) == expected


def test_accepts_once_then_flags_repeats() -> None:
    clock = FakeClock()
    receiver = andopen.WebhookReceiver(SECRET, clock=clock.time)
    body = json.dumps(gift()).encode()
    headers = signed(body, int(clock.now))
    first = receiver.receive(headers, body)
    assert (first.event_id, first.event_type, first.duplicate) == (EVENT_ID, "gift_request_created", False)
    assert first.gift_request.recipient.first_name == "Alice"
    assert first.body == body
    assert receiver.receive(dict(headers), body).duplicate
    receiver.forget(EVENT_ID)
    assert not receiver.receive(headers, body).duplicate


@pytest.mark.parametrize(
    ("change", "code", "says"),
    [
        ("tampered", "invalid_signature", "does not match the body"),
        ("forged", "invalid_signature", "does not match the body"),
        ("replayed", "outside_tolerance", "beyond the tolerance of 300 s"),
        ("unsigned", "missing_header", "AndOpen-Webhook-Signature is required"),
        ("contradicting", "event_type_mismatch", "contradicts the signed body"),
    ],
)
def test_refuses_forged_tampered_replayed_and_unsigned(change: str, code: str, says: str) -> None:
    clock = FakeClock()
    receiver = andopen.WebhookReceiver(SECRET, clock=clock.time)
    body = json.dumps(gift()).encode()
    headers = signed(body, int(clock.now), secret="other" if change == "forged" else SECRET)
    if change == "tampered":
        body = body.replace(b"Alice", b"Alicf")
    if change == "replayed":
        clock.now += 301
    if change == "unsigned":
        headers = [h for h in headers if h[0] != "AndOpen-Webhook-Signature"]
    if change == "contradicting":
        headers = [(n, "gift_request_cancelled" if n == "AndOpen-Webhook-Event-Type" else v) for n, v in headers]
    with pytest.raises(andopen.WebhookRefused) as refused:
        receiver.receive(headers, body)
    assert refused.value.code == code
    assert refused.value.status == 400
    assert says in str(refused.value)


def test_a_captured_delivery_under_a_new_event_id_or_type_changes_nothing() -> None:
    clock = FakeClock()
    receiver = andopen.WebhookReceiver(SECRET, clock=clock.time)
    history = andopen.GiftHistory()
    body = json.dumps(gift()).encode()
    first = receiver.receive(signed(body, int(clock.now)), body)
    assert len(first.body_digest) == 64 and first.body_digest == hashlib.sha256(body).hexdigest()
    history.record_delivery(first)
    clock.now += 100
    renamed = receiver.receive(signed(body, int(clock.now), event_id=EVENT_ID.replace("0b6f", "9b6f")), body)
    assert renamed.duplicate, "the same signed body under a new event id"
    with pytest.raises(andopen.WebhookRefused, match="contradicts"):
        receiver.receive(signed(body, int(clock.now), event_id=EVENT_ID.replace("0b6f", "8b6f"), event="gift_request_cancelled"), body)
    alice = andopen.RecipientRef(first_name="Alice", last_name="Smith", email="alice@example.com")
    assert history.member_status(alice, gift()["campaign_id"]) == andopen.MemberStatus.INVITED
    assert isinstance(history.eligibility(alice, andopen.look_back(30), now=clock.now), andopen.Skip)


def test_the_history_folds_events_and_answers_eligibility() -> None:
    clock = FakeClock()
    receiver = andopen.WebhookReceiver(SECRET, clock=clock.time)
    history = andopen.GiftHistory()
    events = [
        ("gift_request_delivered", gift(status="delivered", updated_at="2026-05-05T12:00:00.000Z")),
        ("gift_request_created", gift()),
        ("gift_request_redeemed", gift(status="redeemed", updated_at="2026-05-02T12:00:00.000Z")),
    ]
    for n, (event, body) in enumerate(events):
        raw = json.dumps(body).encode()
        history.record_delivery(receiver.receive(signed(raw, int(clock.now), event=event, event_id=f"{EVENT_ID[:-1]}{n}"), raw))
    timeline = history.timeline(gift()["id"])
    assert timeline is not None
    assert timeline.status is andopen.GiftRequestStatus.DELIVERED
    assert timeline.redeemed_at is not None and timeline.delivered_at is not None
    alice = andopen.RecipientRef(first_name="Alice", last_name="Smith", email="ALICE@example.com")
    eligibility = history.eligibility(alice, andopen.look_back(30), now=clock.now)
    assert isinstance(eligibility, andopen.Skip) and "30 days" in eligibility.reason
    assert history.eligibility(alice, andopen.look_back(30), now=clock.now + 90 * 86400) == andopen.Eligible()
    assert history.member_status(alice, gift()["campaign_id"]) == andopen.MemberStatus.COMPLETED
    assert history.recipient_summary(alice).gift_count == 1
    with pytest.raises(ValueError, match="days"):
        andopen.look_back(-1)


def test_the_relay_forwards_each_event_once_and_refuses_forgeries() -> None:
    clock = FakeClock()
    tool = FakeTransport(reply(200), reply(500), reply(200))
    history = andopen.GiftHistory()
    relay = andopen.Relay(secret=SECRET, forward_to="https://hooks.example.test/andopen", transport=tool, history=history, clock=clock.time)
    body = json.dumps(gift()).encode()
    headers = signed(body, int(clock.now))

    assert relay.handle(headers, body).action == "forwarded"
    forwarded = tool.requests[0]
    assert forwarded.body == body and forwarded.header("AndOpen-Webhook-Event-Id") == EVENT_ID
    assert forwarded.header("AndOpen-Webhook-Event-Type") == "gift_request_created"
    assert forwarded.header("AndOpen-Webhook-Signature") is None
    assert relay.handle(headers, body).action == "duplicate"
    assert relay.handle(signed(body, int(clock.now), secret="forged"), body).status == 400
    # A capture re-sent under a new event id is a duplicate; with a contradicting type it is refused.
    assert relay.handle(signed(body, int(clock.now), event_id=EVENT_ID.replace("0b6f", "7b6f")), body).action == "duplicate"
    cancelled = signed(body, int(clock.now), event_id=EVENT_ID.replace("0b6f", "6b6f"), event="gift_request_cancelled")
    assert (relay.handle(cancelled, body).status, relay.handle(cancelled, body).detail.split(":")[0]) == (400, "event_type_mismatch")
    assert len(history) == 1 and len(tool.requests) == 1

    # The tool fails: 502, and the retry of the same event goes through.
    redeemed = json.dumps(gift(status="redeemed", updated_at="2026-05-02T12:00:00.000Z")).encode()
    other = signed(redeemed, int(clock.now), event_id=EVENT_ID.replace("0b6f", "1b6f"), event="gift_request_redeemed")
    assert relay.handle(other, redeemed).status == 502
    assert relay.handle(other, redeemed).action == "forwarded"
    assert len(tool.requests) == 3
    assert history.timeline(gift()["id"]).status is andopen.GiftRequestStatus.REDEEMED


def test_the_relay_refuses_a_body_over_the_limit_without_reading_it() -> None:
    clock = FakeClock()
    tool = FakeTransport()
    relay = andopen.Relay(secret=SECRET, forward_to="https://hooks.example.test/andopen", transport=tool, clock=clock.time)
    largest = andopen._native.limits().max_webhook_body_bytes
    big = b" " * (largest + 1)
    outcome = relay.handle(signed(big, int(clock.now)), big)
    assert (outcome.status, outcome.action) == (413, "refused") and outcome.detail.startswith("body_too_large")
    import socket

    server = relay.serve()
    try:
        with socket.create_connection(server.server_address[:2], timeout=5) as conn:
            # Declares 100 GB and sends nothing more: answered at once, nothing read or allocated.
            conn.sendall(b"POST /hooks HTTP/1.1\r\nHost: relay\r\nContent-Length: 100000000000\r\n\r\n")
            answer = b"".join(iter(lambda: conn.recv(4096), b""))
        assert answer.split(b" ")[1] == b"413", answer
        assert b"body_too_large" in answer
    finally:
        server.shutdown()
    assert tool.requests == []


class DictStore:
    """A host store as the protocol documents it: one row per first sighting, both keys unique; and a
    switch to make it fail."""

    def __init__(self) -> None:
        self.rows: dict[str, str] = {}
        self.broken = False

    def first_sighting(self, event_id: str, body_digest: str) -> bool:
        if self.broken:
            raise ConnectionError("the database is down")
        if event_id in self.rows or body_digest in self.rows.values():
            return False
        self.rows[event_id] = body_digest
        return True

    def forget(self, event_id: str) -> None:
        self.rows.pop(event_id, None)


def test_a_host_store_de_duplicates_across_receivers_and_its_failures_are_reported() -> None:
    clock = FakeClock()
    store = DictStore()
    first = andopen.WebhookReceiver(SECRET, store=store, clock=clock.time)
    second = andopen.WebhookReceiver(SECRET, store=store, clock=clock.time)  # another process, the same store
    body = json.dumps(gift()).encode()
    headers = signed(body, int(clock.now))
    assert not first.receive(headers, body).duplicate
    assert second.receive(headers, body).duplicate
    assert second.receive(signed(body, int(clock.now), event_id=EVENT_ID.replace("0b6f", "2b6f")), body).duplicate
    assert store.rows == {EVENT_ID: hashlib.sha256(body).hexdigest()}
    second.forget(EVENT_ID)
    assert store.rows == {}

    store.broken = True
    with pytest.raises(andopen.WebhookStoreFailed, match="the database is down"):
        first.receive(headers, body)
    relay = andopen.Relay(secret=SECRET, forward_to="https://hooks.example.test/andopen", transport=FakeTransport(), store=store, clock=clock.time)
    outcome = relay.handle(headers, body)
    assert (outcome.status, outcome.action) == (503, "store_failed")


def _post_raw(server: Any, head: str, body: bytes) -> bytes:
    import socket

    with socket.create_connection(server.server_address[:2], timeout=5) as conn:
        conn.sendall(head.encode() + body)
        return b"".join(iter(lambda: conn.recv(4096), b""))


def _chunked(body: bytes, size: int) -> bytes:
    pieces = [body[i:i + size] for i in range(0, len(body), size)]
    return b"".join(f"{len(p):x};ext=1\r\n".encode() + p + b"\r\n" for p in pieces) + b"0\r\nX-Trailer: 1\r\n\r\n"


def test_the_relay_server_takes_a_chunked_delivery_as_the_asgi_app_does() -> None:
    import time

    tool = FakeTransport(reply(200))
    relay = andopen.Relay(secret=SECRET, forward_to="https://hooks.example.test/andopen", transport=tool)
    server = relay.serve()
    try:
        body = json.dumps(gift()).encode()
        headers = "".join(f"{n}: {v}\r\n" for n, v in signed(body, int(time.time())))
        head = f"POST /hooks HTTP/1.1\r\nHost: relay\r\nTransfer-Encoding: chunked\r\n{headers}Connection: close\r\n\r\n"
        answer = _post_raw(server, head, _chunked(body, 7))
        assert b" 200 " in answer.split(b"\r\n", 1)[0] and b"forwarded" in answer, answer
        assert [r.body for r in tool.requests] == [body], "the body is forwarded whole, as signed"
    finally:
        server.shutdown()


@pytest.mark.parametrize(
    ("chunks", "status"),
    [
        (b"zz\r\n{}\r\n0\r\n\r\n", b"400"),  # a size that is not hexadecimal
        (b"10\r\n{}", b"400"),  # cut short
        (b"5\r\n{}{}{}\r\n0\r\n\r\n", b"400"),  # a chunk longer than its size
        (b"1" * 5000 + b"\r\n", b"400"),  # a size line without end
        (b"7fffffffffffffff\r\n", b"413"),  # a size past the limit: refused before it is read
        (b"100001\r\n", b"413"),
    ],
)
def test_the_relay_server_refuses_a_bad_chunked_body_without_reading_past_the_limit(chunks: bytes, status: bytes) -> None:
    tool = FakeTransport()
    relay = andopen.Relay(secret=SECRET, forward_to="https://hooks.example.test/andopen", transport=tool, timeout=2)
    server = relay.serve()
    try:
        head = "POST /hooks HTTP/1.1\r\nHost: relay\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        answer = _post_raw(server, head, chunks)
        assert answer.split(b"\r\n", 1)[0].split(b" ")[1] == status, answer
        assert tool.requests == []
    finally:
        server.shutdown()


def test_a_relay_transport_that_raises_its_own_error_is_a_forward_failure_not_a_crash() -> None:
    class Broken:
        def send(self, request: andopen.Request, timeout: float) -> andopen.Response:
            raise OSError(28, "No space left on device")

    clock = FakeClock()
    relay = andopen.Relay(secret=SECRET, forward_to="https://hooks.example.test/andopen", transport=Broken(), clock=clock.time)
    body = json.dumps(gift()).encode()
    outcome = relay.handle(signed(body, int(clock.now)), body)
    assert (outcome.status, outcome.action) == (502, "forward_failed")
    assert "OSError" in outcome.detail and "No space left" in outcome.detail
    # Forgotten, so that &Open's retry is forwarded once the transport works.
    assert relay.handle(signed(body, int(clock.now)), body).action == "forward_failed"


@pytest.mark.parametrize(
    ("make", "param"),
    [
        (lambda: andopen.Relay(secret=SECRET, forward_to="ftp://hooks.example.test/"), "forward_to"),
        (lambda: andopen.Relay(secret=SECRET, forward_to="https://hooks.example.test/", timeout=float("nan")), "timeout"),
        (lambda: andopen.WebhookReceiver(SECRET, tolerance=300.5), "tolerance"),
        (lambda: andopen.WebhookReceiver(SECRET, tolerance=-1), "tolerance"),
        (lambda: andopen.WebhookReceiver(SECRET, store=object(), remember=5), "remember"),  # type: ignore[arg-type]
        (lambda: andopen.look_back(-1), "days"),
        (lambda: andopen.look_back(2**40), "days"),
    ],
)
def test_an_option_s_bad_value_is_the_package_s_config_error_naming_it(make: Any, param: str) -> None:
    with pytest.raises(andopen.ConfigError) as refused:
        make()
    assert refused.value.param == param and refused.value.kind == "config"
    assert param in str(refused.value)
    assert isinstance(refused.value, ValueError), "still a ValueError, as Python's own refusals of a value are"


@pytest.mark.parametrize("length", [None, "ten", "-5"])
def test_the_relay_server_refuses_a_delivery_without_a_usable_length(length: str | None) -> None:
    import socket

    tool = FakeTransport()
    relay = andopen.Relay(secret=SECRET, forward_to="https://hooks.example.test/andopen", transport=tool)
    server = relay.serve()
    try:
        header = "" if length is None else f"Content-Length: {length}\r\n"
        with socket.create_connection(server.server_address[:2], timeout=5) as conn:
            conn.sendall(f"POST /hooks HTTP/1.1\r\nHost: relay\r\n{header}Connection: close\r\n\r\n{{}}".encode())
            answer = b"".join(iter(lambda: conn.recv(4096), b""))
        assert answer.startswith(b"HTTP/1.0 411") or answer.startswith(b"HTTP/1.1 411"), answer
        assert tool.requests == []
    finally:
        server.shutdown()


@pytest.mark.parametrize(
    ("options", "param"),
    [
        ({"secret": ""}, "secret"),
        ({"secret": " \t\n"}, "secret"),
        ({"secret": [SECRET, "  "]}, "secret"),
        ({"secret": SECRET, "remember": 0}, "remember"),
        ({"secret": SECRET, "remember": -1}, "remember"),
        ({"secret": SECRET, "remember": 1_000_001}, "remember"),
        ({"secret": SECRET, "remember": 4294967295}, "remember"),
        ({"secret": SECRET, "remember": 2**80}, "remember"),
    ],
)
def test_a_receiver_without_a_secret_or_memory_is_refused(options: dict[str, object], param: str) -> None:
    with pytest.raises(andopen.ValidationError) as refused:
        andopen.WebhookReceiver(**options)  # type: ignore[arg-type]
    assert refused.value.param == param
    if param == "remember":
        assert "1000000" in str(refused.value), "the message names the maximum"


def test_the_largest_memory_is_granted_without_allocating_it() -> None:
    clock = FakeClock()
    receiver = andopen.WebhookReceiver(SECRET, remember=1_000_000, clock=clock.time)
    body = json.dumps(gift()).encode()
    assert not receiver.receive(signed(body, int(clock.now)), body).duplicate


@pytest.mark.parametrize(
    "make",
    [
        lambda: andopen.WebhookReceiver(123),  # type: ignore[arg-type]
        lambda: andopen.WebhookReceiver(None),  # type: ignore[arg-type]
        lambda: andopen.WebhookReceiver([]),
        lambda: andopen.WebhookReceiver(b"whsec"),  # type: ignore[arg-type]
        lambda: andopen.WebhookReceiver(SECRET, remember="10"),  # type: ignore[arg-type]
        lambda: andopen.WebhookReceiver(SECRET, remember=10.0),  # type: ignore[arg-type]
        lambda: andopen.WebhookReceiver(SECRET, tolerance=True),
        lambda: andopen.WebhookReceiver(SECRET, tolerance="300"),  # type: ignore[arg-type]
        lambda: andopen.WebhookReceiver(SECRET).receive([], 10**12),  # type: ignore[arg-type]
        lambda: andopen.WebhookReceiver(SECRET).receive(5, b"{}"),  # type: ignore[arg-type]
        lambda: andopen.WebhookReceiver(SECRET).receive([("a", 1)], b"{}"),  # type: ignore[list-item]
        lambda: andopen.WebhookReceiver(SECRET).forget(1),  # type: ignore[arg-type]
        lambda: andopen.GiftHistory().record_delivery({"event_type": "x"}),  # type: ignore[arg-type]
    ],
)
def test_a_wrong_python_type_is_a_type_error_never_an_abort(make: Any) -> None:
    with pytest.raises(TypeError):
        make()


@pytest.mark.parametrize("tolerance", [300.5, -1, 2**32])
def test_a_tolerance_that_is_not_whole_seconds_is_refused_not_rounded(tolerance: object) -> None:
    with pytest.raises(ValueError, match="tolerance"):
        andopen.WebhookReceiver(SECRET, tolerance=tolerance)  # type: ignore[arg-type]


# ---- the hostile suite every language replays (tests/hostile/webhooks.json) ----

HOSTILE = json.loads((Path(__file__).resolve().parents[3] / "tests" / "hostile" / "webhooks.json").read_text())


def hostile_body(name: str) -> bytes:
    body = HOSTILE["bodies"][name]
    text = body if isinstance(body, str) else body["prefix"] + body["repeat"] * body["times"] + body["suffix"]
    return text.encode()


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def time(self) -> float:
        return self.now


@pytest.mark.parametrize("host_store", [False, True], ids=["memory", "host store"])
@pytest.mark.parametrize("case", HOSTILE["cases"], ids=[c["name"] for c in HOSTILE["cases"]])
def test_the_hostile_webhook_suite(case: dict[str, Any], host_store: bool) -> None:
    receiver_options = case.get("receiver", {})
    remember = receiver_options.get("remember")
    clock = Clock()
    secrets = receiver_options.get("secrets", HOSTILE["secret"])
    use_store = host_store and remember is None  # a host store has no `remember`: such cases run in memory
    receiver = andopen.WebhookReceiver(secrets, remember=None if use_store else remember, store=DictStore() if use_store else None, clock=clock.time)
    history = andopen.GiftHistory()
    for i, delivery in enumerate(case["deliveries"]):
        clock.now = delivery["now"]
        try:
            got: object = receiver.receive([tuple(p) for p in delivery["headers"]], hostile_body(delivery["body"]))
        except andopen.WebhookRefused as e:
            got = {"refused": e.code}
        else:
            if not got.duplicate:  # type: ignore[attr-defined]
                history.record_delivery(got)  # type: ignore[arg-type]
            got = "duplicate" if got.duplicate else "accepted"  # type: ignore[attr-defined]
        assert got == delivery["expect"], f"delivery {i}"
    if "history_status" in case:
        timeline = history.timeline(HOSTILE["gift_request_id"])
        assert (None if timeline is None else _status_text(timeline.status)) == case["history_status"]


def _status_text(status: andopen.GiftRequestStatus) -> str:
    return status.value if status.known else "unknown"


@pytest.mark.parametrize("option", HOSTILE["options"], ids=[json.dumps(o)[:60] for o in HOSTILE["options"]])
def test_the_hostile_receiver_options(option: dict[str, Any]) -> None:
    try:
        andopen.WebhookReceiver(option["secrets"], remember=option["remember"])
        got: object = "ok"
    except andopen.ValidationError as e:
        got = {"refused": e.param}
    assert got == option["expect"]


def test_no_public_name_is_a_generated_type() -> None:
    generated = [name for name in andopen.__all__ if getattr(getattr(andopen, name), "__module__", "").startswith("andopen._native")]
    assert generated == []


def test_the_history_answers_in_the_package_s_own_types() -> None:
    history = andopen.GiftHistory()
    ann = andopen.RecipientRef(first_name="Ann", last_name="Smith", email="ann@example.com")
    assert history.eligibility(ann, andopen.look_back(None)) == andopen.Eligible()
    summary = history.recipient_summary(ann)
    assert summary == andopen.RecipientSummary(0, None, None, None, None, [], 0)
    assert "gift_count=0" in repr(summary)
    assert andopen.look_back(30) == andopen.LookBackWindow(30)
    with pytest.raises(TypeError, match="recipient"):
        history.eligibility(("Ann", "Smith"), andopen.look_back(30))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="window"):
        history.eligibility(ann, 30)  # type: ignore[arg-type]
