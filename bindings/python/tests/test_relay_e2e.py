"""The webhook relay against the simulator's real deliveries: the simulator signs and sends (and retries),
the relay verifies, de-duplicates and forwards to a stand-in for a no-code tool's webhook address."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterator

import pytest
from simulator import Simulator

import andopen

SECRET = "whsec_relay_e2e"
KEY = "ao-v1-staging-relay"


class Tool(BaseHTTPRequestHandler):
    """The no-code tool: keeps what it receives; fails the first `fail_first` posts."""

    received: list[tuple[dict[str, str], bytes]] = []
    fail_first = 0

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        failing = Tool.fail_first > 0
        if failing:
            Tool.fail_first -= 1
        else:
            Tool.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(500 if failing else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture()
def tool() -> Iterator[str]:
    Tool.received, Tool.fail_first = [], 1  # the tool's first answer is an error: the event must come again
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Tool)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/clay"
    httpd.shutdown()
    httpd.server_close()


def test_the_relay_forwards_each_event_once_and_refuses_forgeries(tool: str) -> None:
    history = andopen.GiftHistory()
    relay = andopen.Relay(secret=SECRET, forward_to=tool, history=history)
    captured: list[tuple[list[tuple[str, str]], bytes]] = []  # what an eavesdropper on the relay's side records
    handle = relay.handle

    def capturing(headers: list[tuple[str, str]], body: bytes) -> andopen.RelayOutcome:
        captured.append((list(headers), body))
        return handle(headers, body)

    relay.handle = capturing  # type: ignore[method-assign]
    server = relay.serve()
    relay_url = f"http://127.0.0.1:{server.server_address[1]}/andopen"
    try:
        sim = Simulator("--webhook", relay_url, "--webhook-secret", SECRET, "--webhook-backoff-ms", "50", "--redemption-delay-ms", "50")
    except FileNotFoundError as e:
        pytest.fail(str(e), pytrace=False)
    try:
        client = andopen.Client(KEY, base_url=sim.url)
        campaign = next(c for c in client.list_campaigns() if c.name == "Welcome box (choice)")
        gift = client.create_gift_request({"campaign_id": campaign.id, "recipient": {"first_name": "Ann", "last_name": "Relay", "email": "ann@example.com"}})
        for _ in range(3):
            sim.control("POST", f"/_mock/gift_requests/{gift.id}/advance", {})
        # created, redeemed, dispatched, delivered: each reaches the tool exactly once, raw body intact.
        wait_for(lambda: len(Tool.received) >= 4)
        time.sleep(0.3)
        events = [h["andopen-webhook-event-type"] for h, _ in Tool.received]
        assert sorted(events) == sorted(["gift_request_created", "gift_request_redeemed", "gift_request_dispatched", "gift_request_delivered"])
        ids = [h["andopen-webhook-event-id"] for h, _ in Tool.received]
        assert len(set(ids)) == 4
        assert all(json.loads(body)["id"] == gift.id for _, body in Tool.received)
        # The tool's first failure was answered 502, so the simulator delivered that event again.
        attempts = sim.control("GET", "/_mock/webhooks")["data"]
        assert any(a["attempt"] == 2 and a["delivered"] for a in attempts), attempts
        # The history saw the whole timeline.
        timeline = history.timeline(gift.id)
        assert timeline is not None and timeline.status is andopen.GiftRequestStatus.DELIVERED and timeline.redeemed_at is not None

        # A forged post to the relay is refused and never reaches the tool.
        forged = urllib.request.Request(relay_url, data=b'{"id":"x"}', method="POST", headers={
            "AndOpen-Webhook-Signature": "0" * 64,
            "AndOpen-Webhook-Dispatch-Timestamp": str(int(time.time())),
            "AndOpen-Webhook-Event-Id": "0b6f1c1e-2d5a-4c4e-9a57-3f1f3c2a9d10",
            "AndOpen-Webhook-Event-Type": "gift_request_created",
        })
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(forged, timeout=5)
        assert refused.value.code == 400
        assert len(Tool.received) == 4

        # A captured genuine delivery, re-sent at once under a new event id: a duplicate, never forwarded;
        # re-sent saying cancelled over its signed "submitted" body: refused; the history is unchanged.
        headers, body = next((h, b) for h, b in captured if json.loads(b)["status"] == "submitted")
        def resend(event_id: str, event_type: str | None = None) -> tuple[int, bytes]:
            changed = {k: v for k, v in headers if k.lower() not in ("host", "content-length", "connection")}
            changed = {k: (event_id if k.lower() == "andopen-webhook-event-id" else v) for k, v in changed.items()}
            if event_type is not None:
                changed = {k: (event_type if k.lower() == "andopen-webhook-event-type" else v) for k, v in changed.items()}
            request = urllib.request.Request(relay_url, data=body, method="POST", headers=changed)
            try:
                with urllib.request.urlopen(request, timeout=5) as answer:
                    return answer.status, answer.read()
            except urllib.error.HTTPError as e:
                return e.code, e.read()
        assert resend("9b6f1c1e-2d5a-4c4e-9a57-3f1f3c2a9d10")[1].startswith(b"duplicate")
        status, text = resend("8b6f1c1e-2d5a-4c4e-9a57-3f1f3c2a9d10", "gift_request_cancelled")
        assert (status, text.split(b":")[1].strip()) == (400, b"event_type_mismatch"), text
        assert len(Tool.received) == 4
        timeline = history.timeline(gift.id)
        assert timeline is not None and timeline.status is andopen.GiftRequestStatus.DELIVERED and timeline.cancelled_at is None
    finally:
        sim.stop()
        server.shutdown()
        server.server_close()
