"""The relay as an ASGI application under a real uvicorn, receiving the simulator's real deliveries, and the
limits it holds against clients that misbehave (raw sockets, so that every byte and its timing is the
test's). Needs uvicorn (the ``asgi`` extra, installed into the test environment)."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import uvicorn

import andopen
from simulator import Simulator

SECRET = "whsec_relay_asgi"
KEY = "ao-v1-staging-relay-asgi"
LARGEST = andopen._native.limits().max_webhook_body_bytes


class Tool(BaseHTTPRequestHandler):
    """The no-code tool: keeps what it receives."""

    received: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        Tool.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture()
def relay_url() -> Iterator[str]:
    """A relay served by uvicorn on 127.0.0.1, forwarding to a stand-in tool."""
    Tool.received = []
    tool = ThreadingHTTPServer(("127.0.0.1", 0), Tool)
    threading.Thread(target=tool.serve_forever, daemon=True).start()
    relay = andopen.Relay(secret=SECRET, forward_to=f"http://127.0.0.1:{tool.server_address[1]}/clay")
    app = andopen.RelayApp(relay, body_timeout=1.0)
    listener = socket.create_server(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/andopen"
    finally:
        server.should_exit = True
        thread.join(10)
        listener.close()
        tool.shutdown()
        tool.server_close()


def wait_for(condition: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_uvicorn_relays_the_simulators_deliveries_once_each(relay_url: str) -> None:
    try:
        sim = Simulator("--webhook", relay_url, "--webhook-secret", SECRET, "--webhook-backoff-ms", "50", "--redemption-delay-ms", "50")
    except FileNotFoundError as e:
        pytest.fail(str(e), pytrace=False)
    with sim:
        client = andopen.Client(KEY, base_url=sim.url)
        campaign = next(c for c in client.list_campaigns() if c.name == "Welcome box (choice)")
        gift = client.create_gift_request({"campaign_id": campaign.id, "recipient": {"first_name": "Ann", "last_name": "Relay", "email": "ann@example.com"}})
        for _ in range(3):
            sim.control("POST", f"/_mock/gift_requests/{gift.id}/advance", {})
        wait_for(lambda: len(Tool.received) >= 4)
        time.sleep(0.3)
        events = sorted(h["andopen-webhook-event-type"] for h, _ in Tool.received)
        assert events == sorted(["gift_request_created", "gift_request_redeemed", "gift_request_dispatched", "gift_request_delivered"])
        assert len({h["andopen-webhook-event-id"] for h, _ in Tool.received}) == 4
        assert all(json.loads(body)["id"] == gift.id for _, body in Tool.received)
        assert all("andopen-webhook-signature" not in h for h, _ in Tool.received)

    # A forged delivery is refused and never reaches the tool.
    status, text = post(relay_url, b'{"id":"x"}', {
        "AndOpen-Webhook-Signature": "0" * 64,
        "AndOpen-Webhook-Dispatch-Timestamp": str(int(time.time())),
        "AndOpen-Webhook-Event-Id": "0b6f1c1e-2d5a-4c4e-9a57-3f1f3c2a9d10",
        "AndOpen-Webhook-Event-Type": "gift_request_created",
    })
    assert status == 400 and text.startswith(b"refused: invalid_signature"), text
    assert len(Tool.received) == 4


def raw(url: str, data: bytes) -> bytes:
    """Writes ``data`` to the relay; what came back."""
    port = int(url.split(":")[2].split("/")[0])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(data)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
            if b"\r\n\r\n" in answer and answer.split(b"\r\n\r\n", 1)[1].endswith(b"\n"):
                break
        return answer


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_read(relay_url: str) -> None:
    head = f"POST /andopen HTTP/1.1\r\nHost: x\r\nContent-Length: {LARGEST + 1}\r\n\r\n".encode()
    started = time.monotonic()
    answer = raw(relay_url, head)  # not one byte of the body is sent
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"body_too_large" in answer
    assert time.monotonic() - started < 1.0


def test_a_chunked_body_is_read_no_further_than_the_limit(relay_url: str) -> None:
    size = LARGEST + 10
    chunked = f"{size:x}\r\n".encode() + b"x" * size + b"\r\n0\r\n\r\n"
    answer = raw(relay_url, b"POST /andopen HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_a_trickled_body_is_cut_off_at_the_body_timeout(relay_url: str) -> None:
    started = time.monotonic()
    answer = raw(relay_url, b"POST /andopen HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")  # 99 bytes never come
    took = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert 1.0 <= took < 2.5  # answered at the 1 s body timeout


def test_only_post_is_served(relay_url: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(relay_url, timeout=5)
    assert refused.value.code == 405


def test_the_app_checks_its_options() -> None:
    with pytest.raises(TypeError, match="relay"):
        andopen.RelayApp(object())  # type: ignore[arg-type]
    relay = andopen.Relay(secret=SECRET, forward_to="http://127.0.0.1:9/")
    for bad in (float("nan"), float("inf"), 0, -1, 1e10, "10"):
        with pytest.raises(andopen.ConfigError) as refused:
            andopen.RelayApp(relay, body_timeout=bad)  # type: ignore[arg-type]
        assert refused.value.param == "body_timeout"
