"""Webhook receiving, the gift history and the relay, without a network: deliveries signed here."""

from __future__ import annotations

import hashlib
import hmac
import json

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
    with pytest.raises(andopen.WebhookRefused) as refused:
        receiver.receive(headers, body)
    assert refused.value.code == code
    assert says in str(refused.value)


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
    assert timeline.status.is_delivered()
    assert timeline.redeemed_at is not None and timeline.delivered_at is not None
    alice = andopen.RecipientRef(first_name="Alice", last_name="Smith", email="ALICE@example.com")
    eligibility = history.eligibility(alice, andopen.look_back(30), now=clock.now)
    assert eligibility.is_skip() and "30 days" in eligibility.reason
    assert history.eligibility(alice, andopen.look_back(30), now=clock.now + 90 * 86400).is_eligible()
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
    assert forwarded.header("AndOpen-Webhook-Signature") is None
    assert relay.handle(headers, body).action == "duplicate"
    assert relay.handle(signed(body, int(clock.now), secret="forged"), body).status == 400
    assert len(history) == 1

    # The tool fails: 502, and the retry of the same event goes through.
    other = signed(body, int(clock.now), event_id=EVENT_ID.replace("0b6f", "1b6f"))
    assert relay.handle(other, body).status == 502
    assert relay.handle(other, body).action == "forwarded"
    assert len(tool.requests) == 3


class DictStore:
    """A host store: a set, and a switch to make it fail."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.broken = False

    def first_sighting(self, event_id: str) -> bool:
        if self.broken:
            raise ConnectionError("the database is down")
        if event_id in self.ids:
            return False
        self.ids.add(event_id)
        return True

    def forget(self, event_id: str) -> None:
        self.ids.discard(event_id)


def test_a_host_store_de_duplicates_across_receivers_and_its_failures_are_reported() -> None:
    clock = FakeClock()
    store = DictStore()
    first = andopen.WebhookReceiver(SECRET, store=store, clock=clock.time)
    second = andopen.WebhookReceiver(SECRET, store=store, clock=clock.time)  # another process, the same store
    body = json.dumps(gift()).encode()
    headers = signed(body, int(clock.now))
    assert not first.receive(headers, body).duplicate
    assert second.receive(headers, body).duplicate
    assert store.ids == {EVENT_ID}
    second.forget(EVENT_ID)
    assert store.ids == set()

    store.broken = True
    with pytest.raises(andopen.WebhookStoreFailed, match="the database is down"):
        first.receive(headers, body)
    relay = andopen.Relay(secret=SECRET, forward_to="https://hooks.example.test/andopen", transport=FakeTransport(), store=store, clock=clock.time)
    outcome = relay.handle(headers, body)
    assert (outcome.status, outcome.action) == (503, "store_failed")


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


@pytest.mark.parametrize(("options", "param"), [({"secret": ""}, "secret"), ({"secret": SECRET, "remember": 0}, "remember")])
def test_a_receiver_without_a_secret_or_memory_is_refused(options: dict[str, object], param: str) -> None:
    with pytest.raises(andopen.ValidationError) as refused:
        andopen.WebhookReceiver(**options)  # type: ignore[arg-type]
    assert refused.value.param == param


@pytest.mark.parametrize("tolerance", [300.5, -1, True])
def test_a_tolerance_that_is_not_whole_seconds_is_refused_not_rounded(tolerance: object) -> None:
    with pytest.raises(ValueError, match="tolerance"):
        andopen.WebhookReceiver(SECRET, tolerance=tolerance)  # type: ignore[arg-type]
