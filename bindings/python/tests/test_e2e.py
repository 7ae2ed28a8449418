"""End to end: the package's client over its default transport (urllib) against the &Open API simulator
(``tests/mock``, the ``andopen-mock`` binary), started as a child process on a free port for each test.

Needs the simulator built: ``cargo build --release -p andopen-mock`` (or ``ANDOPEN_MOCK_BIN`` naming the
binary). Without it every test here fails, saying so: they are never skipped.

Besides what the client returns, each test checks what the simulator saw, through its request log and its
control endpoints (``/_mock/...``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

import andopen
from simulator import Simulator, running

KEY = "ao-v1-staging-e2e-python"
CHOICE = "Welcome box (choice)"
DIRECT_SEND = "Welcome box (direct send)"
EMAIL_REQUIRED = "VIP thank-you (email required)"
ADDRESS = {
    "address1": "12 Merrion Square",
    "city": "Dublin",
    "region": "Leinster",
    "postal_code": "D02 XY45",
    "country_code": "IE",
    "phone": "+353871234567",
}


@pytest.fixture()
def sim() -> Iterator[Simulator]:
    yield from running("--seed", "7", "--redemption-delay-ms", "800")


@pytest.fixture()
def client(sim: Simulator) -> andopen.Client:
    # The default transport (urllib), the real clock and the real sleep.
    return andopen.Client(KEY, base_url=sim.url)


def campaigns_by_name(client: andopen.Client) -> dict[str | None, andopen.Campaign]:
    return {c.name: c for c in client.list_campaigns()}


def choice_gift(campaign_id: str, first_name: str = "Alice") -> dict[str, Any]:
    return {
        "campaign_id": campaign_id,
        "recipient": {"first_name": first_name, "last_name": "Smith", "email": "alice@example.com"},
    }


def direct_send_gift(campaign_id: str, sku: str) -> dict[str, Any]:
    return {
        "campaign_id": campaign_id,
        "recipient": {"first_name": "Bob", "last_name": "Byrne"},
        "shipping_address": ADDRESS,
        "line_items": [{"sku": sku, "quantity": 1}],
    }


def test_lists_every_campaign_across_pages(sim: Simulator, client: andopen.Client) -> None:
    mark = sim.mark()
    pages = list(client.campaign_pages())
    assert [len(p.data) for p in pages] == [25, 7]
    assert [p.has_more for p in pages] == [True, False]
    assert [(e.method, e.path, e.status) for e in sim.api_log(mark)] == [("GET", "/campaigns", "200")] * 2

    campaigns = [c for p in pages for c in p.data]
    assert len({c.id for c in campaigns}) == 32
    created = [c.created_at for c in campaigns]
    assert created == sorted(created, reverse=True), "newest first"
    names = {c.name for c in campaigns}
    assert {CHOICE, DIRECT_SEND, EMAIL_REQUIRED} <= names
    by_name = {c.name: c for c in campaigns}
    assert by_name[DIRECT_SEND].allows_direct_send
    assert not by_name[CHOICE].allows_direct_send
    # Undocumented fields stay reachable.
    assert by_name[EMAIL_REQUIRED].raw["requires_recipient_email"] is True

    # Smaller pages: the same campaigns in the same order, over four requests.
    mark = sim.mark()
    assert [c.id for c in client.list_campaigns(limit=10)] == [c.id for c in campaigns]
    assert len(sim.api_log(mark)) == 4


def test_creates_a_choice_mode_gift_and_waits_for_its_redemption_url(sim: Simulator, client: andopen.Client) -> None:
    campaign = campaigns_by_name(client)[CHOICE]
    mark = sim.mark()
    gift = client.create_gift_request(choice_gift(campaign.id))
    assert gift.status == "submitted"
    assert gift.campaign_id == campaign.id
    assert gift.recipient.first_name == "Alice" and gift.recipient.email == "alice@example.com"
    assert gift.shipping_address is None
    assert gift.line_items is None, "choice-mode items are locked at redemption"
    assert gift.redemption_url is None, "the link is generated shortly after creation"
    [logged] = sim.api_log(mark)
    assert (logged.method, logged.path, logged.status) == ("POST", "/gift_requests", "201")

    ready = client.wait_for_redemption_url(gift.id, interval=0.2, timeout=15)
    assert ready.id == gift.id
    assert ready.redemption_url is not None and ready.redemption_url.startswith("https://")
    polls = [e for e in sim.api_log(mark) if e.method == "GET"]
    assert len(polls) >= 2 and {e.path for e in polls} == {f"/gift_requests/{gift.id}"}
    assert client.get_gift_request(gift.id).redemption_url == ready.redemption_url
    assert [g["id"] for g in sim.gifts()] == [gift.id]


def test_creates_a_direct_send_gift(sim: Simulator, client: andopen.Client) -> None:
    campaign = campaigns_by_name(client)[DIRECT_SEND]
    gift = client.create_gift_request(direct_send_gift(campaign.id, "MUG-LTD"))
    assert gift.status == "submitted"
    assert gift.shipping_address is not None and gift.shipping_address.country_code == "IE"
    assert gift.line_items is not None
    assert [(i.sku, i.quantity) for i in gift.line_items] == [("MUG-LTD", 1)]
    assert gift.line_items[0].variant_id is not None
    # The only unit is gone.
    mug = next(v for p in client.get_campaign(campaign.id).products for v in p.variants if v.sku == "MUG-LTD")
    assert mug.available == 0
    assert [g["id"] for g in sim.gifts()] == [gift.id]


def test_a_client_side_validation_error_never_reaches_the_server(sim: Simulator, client: andopen.Client) -> None:
    campaign = campaigns_by_name(client)[DIRECT_SEND]
    body = direct_send_gift(campaign.id, "MUG-LTD")
    body["recipient"]["last_name"] = ""
    body["shipping_address"] = {**ADDRESS, "country_code": "ie"}
    body["line_items"][0]["quantity"] = 0
    mark = sim.mark()
    with pytest.raises(andopen.ValidationError) as caught:
        client.create_gift_request(body)
    e = caught.value
    assert e.kind == "validation"
    assert e.status is None and e.request_id is None
    problems = {(p.param, p.code) for p in e.errors}
    assert problems == {
        ("recipient.last_name", "required"),
        ("shipping_address.country_code", "invalid_format"),
        ("line_items[0].quantity", "invalid"),
    }
    assert all(p.message for p in e.errors)
    # Nothing was sent, nothing was created.
    assert sim.api_log(mark) == []
    assert sim.gifts() == []


def test_server_side_validation_errors_carry_param_code_status_and_request_id(sim: Simulator, client: andopen.Client) -> None:
    by_name = campaigns_by_name(client)
    mark = sim.mark()
    with pytest.raises(andopen.ApiError) as caught:
        client.create_gift_request(direct_send_gift(by_name[DIRECT_SEND].id, "TEE-S-WHT"))
    e = caught.value
    assert type(e) is andopen.ApiError and e.kind == "api"
    assert (e.status, e.type, e.code, e.param) == (422, "validation_error", "out_of_stock", "line_items[0]")
    assert [(p.param, p.code) for p in e.errors] == [("line_items[0]", "out_of_stock")]
    [logged] = sim.api_log(mark)
    assert (logged.method, logged.path, logged.status, logged.request_id) == ("POST", "/gift_requests", "422", e.request_id)

    # A campaign that requires the recipient's email: only the server knows.
    body = choice_gift(by_name[EMAIL_REQUIRED].id)
    del body["recipient"]["email"]
    with pytest.raises(andopen.ApiError) as caught:
        client.create_gift_request(body)
    assert (caught.value.status, caught.value.code, caught.value.param) == (422, "required", "recipient.email")
    assert caught.value.request_id is not None and caught.value.request_id != e.request_id
    assert sim.gifts() == []


def test_an_injected_429_and_503_are_waited_out(sim: Simulator, client: andopen.Client) -> None:
    sim.queue_faults({"method": "GET", "path": "/campaigns", "status": 429, "retry_after": 1})
    mark = sim.mark()
    started = time.monotonic()
    campaigns = list(client.list_campaigns())
    assert time.monotonic() - started >= 0.9, "Retry-After: 1 was slept through"
    assert len(campaigns) == 32
    assert [e.status for e in sim.api_log(mark)] == ["429", "200", "200"]

    campaign = next(c for c in campaigns if c.name == CHOICE)
    sim.queue_faults({"method": "POST", "path": "/gift_requests", "status": 503, "retry_after": 1})
    mark = sim.mark()
    gift = client.create_gift_request(choice_gift(campaign.id))
    assert gift.status == "submitted"
    # A 503 means "not processed": sent again, and exactly one gift exists.
    assert [(e.method, e.status) for e in sim.api_log(mark)] == [("POST", "503"), ("POST", "201")]
    assert [g["id"] for g in sim.gifts()] == [gift.id]


def test_a_dropped_connection_on_a_read_is_retried(sim: Simulator, client: andopen.Client) -> None:
    sim.queue_faults({"method": "GET", "path": "/campaigns", "drop": True})
    mark = sim.mark()
    assert len(list(client.list_campaigns())) == 32
    assert [e.status for e in sim.api_log(mark)] == ["dropped", "200", "200"]


def test_a_500_after_processing_a_create_is_outcome_unknown_and_not_sent_again(sim: Simulator, client: andopen.Client) -> None:
    campaign = campaigns_by_name(client)[CHOICE]
    sim.queue_faults({"method": "POST", "path": "/gift_requests", "status": 500, "after_processing": True})
    mark = sim.mark()
    with pytest.raises(andopen.OutcomeUnknownError) as caught:
        client.create_gift_request(choice_gift(campaign.id, first_name="Oona"))
    e = caught.value
    assert e.kind == "outcome_unknown" and e.status == 500
    assert e.request_id is not None and e.request_id in str(e)
    # Exactly one create reached the simulator, the one the error names, and it did create the gift.
    [logged] = sim.api_log(mark)
    assert (logged.method, logged.path, logged.status, logged.request_id) == ("POST", "/gift_requests", "500", e.request_id)
    [held] = sim.gifts()
    assert held["recipient"]["first_name"] == "Oona"

    # The same when the connection is cut after processing: no response, maybe sent, not sent again.
    sim.queue_faults({"method": "POST", "path": "/gift_requests", "drop": True, "after_processing": True})
    mark = sim.mark()
    with pytest.raises(andopen.OutcomeUnknownError):
        client.create_gift_request(choice_gift(campaign.id, first_name="Pat"))
    assert [(e.method, e.status) for e in sim.api_log(mark)] == [("POST", "dropped")]
    assert [g["recipient"]["first_name"] for g in sim.gifts()] == ["Oona", "Pat"]


# --- webhooks ------------------------------------------------------------------------------------------


def signature_is_valid(secret: bytes, timestamp: str, raw_body: bytes, signature: str, *, now: float, tolerance: int = 300) -> bool:
    """What a receiver checks (core/src/webhook.rs): HMAC-SHA256 over ``{timestamp}.{raw body}``, hex, compared in
    constant time; then a timestamp within ``tolerance`` seconds of now."""
    expected = hmac.new(secret, timestamp.encode() + b"." + raw_body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature.lower()):
        return False
    return abs(now - int(timestamp)) <= tolerance


class Receiver(BaseHTTPRequestHandler):
    deliveries: list[tuple[dict[str, str], bytes]] = []
    fail_first: int = 0
    lock = threading.Lock()

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with self.lock:
            self.deliveries.append(({k.lower(): v for k, v in self.headers.items()}, body))
            failing = len(self.deliveries) <= self.fail_first
        self.send_response(503 if failing else 204)
        self.send_header("Content-Length", "0")
        self.end_headers()


def wait_for(predicate: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_webhooks_arrive_signed_and_verify(sim: Simulator, client: andopen.Client) -> None:
    secret = b"whsec_e2e_python"
    Receiver.deliveries, Receiver.fail_first = [], 1  # the first attempt fails: the simulator retries
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        hook = f"http://127.0.0.1:{httpd.server_address[1]}/andopen/webhooks"
        assert sim.control("POST", "/_mock/webhooks", {"url": hook, "secret": secret.decode()}) == {"receivers": 1}

        campaign = campaigns_by_name(client)[CHOICE]
        gift = client.create_gift_request(choice_gift(campaign.id))
        wait_for(lambda: len(Receiver.deliveries) >= 2)

        (failed_headers, failed_body), (headers, body) = Receiver.deliveries[:2]
        now = time.time()
        for h, b in ((failed_headers, failed_body), (headers, body)):
            assert h["andopen-webhook-event-type"] == "gift_request_created"
            assert h["andopen-webhook-api-version"] == andopen.API_VERSION
            assert h["content-type"].startswith("application/json")
            assert signature_is_valid(secret, h["andopen-webhook-dispatch-timestamp"], b, h["andopen-webhook-signature"], now=now)
        # A retry: the same event (the de-duplication key) and body, signed afresh.
        assert failed_headers["andopen-webhook-event-id"] == headers["andopen-webhook-event-id"]
        assert failed_body == body
        event = json.loads(body)
        assert event["id"] == gift.id and event["status"] == "submitted"

        # What a receiver must refuse.
        ts, sig = headers["andopen-webhook-dispatch-timestamp"], headers["andopen-webhook-signature"]
        assert not signature_is_valid(b"whsec_other", ts, body, sig, now=now)
        assert not signature_is_valid(secret, ts, body.replace(b"submitted", b"delivered"), sig, now=now)
        assert not signature_is_valid(secret, str(int(ts) + 1), body, sig, now=now)
        assert not signature_is_valid(secret, ts, body, sig, now=now + 301)
        assert signature_is_valid(secret, ts, body, sig.upper(), now=now)

        # The simulator's log agrees: attempt 1 failed, attempt 2 delivered (logged once the simulator has
        # read the receiver's answer, which may come after the receiver has the body).
        def created_log() -> list[tuple[int, int, bool]]:
            log = [a for a in sim.control("GET", "/_mock/webhooks")["data"] if a["event_type"] == "gift_request_created"]
            return [(a["attempt"], a["status"], a["delivered"]) for a in log]

        wait_for(lambda: any(delivered for _, _, delivered in created_log()))
        assert created_log() == [(1, 503, False), (2, 204, True)]

        # A status change is an event too.
        sim.control("POST", f"/_mock/gift_requests/{gift.id}/advance", {})
        wait_for(lambda: len(Receiver.deliveries) >= 3)
        headers, body = Receiver.deliveries[2]
        assert headers["andopen-webhook-event-type"] == "gift_request_redeemed"
        assert headers["andopen-webhook-event-id"] != failed_headers["andopen-webhook-event-id"]
        assert signature_is_valid(secret, headers["andopen-webhook-dispatch-timestamp"], body, headers["andopen-webhook-signature"], now=time.time())
        assert json.loads(body)["status"] == "redeemed"
        assert client.get_gift_request(gift.id).status == "redeemed"
    finally:
        httpd.shutdown()
        httpd.server_close()
