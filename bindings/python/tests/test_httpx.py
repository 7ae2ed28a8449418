"""The httpx transport (the ``httpx`` extra) under the asyncio client: end to end against the simulator,
and the bounds it holds against small servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

import andopen
from andopen.httpx_transport import HttpxTransport
from andopen.transport import _MAX_RESPONSE_BYTES
from simulator import Simulator

KEY = "ao-v1-staging-e2e-httpx"


def test_creates_and_waits_over_httpx() -> None:
    try:
        sim = Simulator("--seed", "7", "--redemption-delay-ms", "300")
    except FileNotFoundError as e:
        pytest.fail(str(e), pytrace=False)

    async def scenario() -> tuple[andopen.GiftRequest, andopen.GiftRequest]:
        async with httpx.AsyncClient() as http:
            client = andopen.AsyncClient(KEY, base_url=sim.url, transport=HttpxTransport(http))
            campaign = next(c for c in [c async for c in client.list_campaigns(limit=2)] if c.name == "Welcome box (choice)")
            created = await client.create_gift_request({"campaign_id": campaign.id, "recipient": {"first_name": "Hx", "last_name": "Py"}})
            return created, await client.wait_for_redemption_url(created.id, interval=0.1, timeout=10)

    with sim:
        mark = sim.mark()
        created, ready = asyncio.run(scenario())
        log = sim.api_log(mark)
    assert ready.redemption_url is not None and ready.id == created.id
    assert created.meta.request_id == next(e.request_id for e in log if e.method == "POST")
    assert [e.method for e in log].count("POST") == 1


def serve_once(answer: bytes) -> Iterator[str]:
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def serve() -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        held.append(conn)
        data = b""
        while b"\r\n\r\n" not in data and (chunk := conn.recv(65536)):
            data += chunk
        held.append(conn)
        try:
            conn.sendall(answer)
        except OSError:
            pass

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/x"
    finally:
        listener.close()
        for conn in held:
            conn.close()


async def send(url: str, timeout: float) -> andopen.Response:
    async with httpx.AsyncClient() as http:
        return await HttpxTransport(http).send(andopen.Request("GET", url, [], None), timeout)


def test_reads_a_body_no_further_than_the_limit() -> None:
    body = b"x" * (_MAX_RESPONSE_BYTES + 5000)
    for url in serve_once(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body):
        response = asyncio.run(send(url, 5))
    assert response.status == 200 and len(response.body) == _MAX_RESPONSE_BYTES + 1


def test_the_deadline_bounds_a_silent_server() -> None:
    for url in serve_once(b""):
        started = time.monotonic()
        with pytest.raises(andopen.TransportFailure) as raised:
            asyncio.run(send(url, 0.3))
    assert raised.value.maybe_sent is True and time.monotonic() - started < 1.5


def test_a_refused_connection_was_not_sent() -> None:
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]
    with pytest.raises(andopen.TransportFailure) as raised:
        asyncio.run(send(f"http://127.0.0.1:{port}/", 2))
    assert raised.value.maybe_sent is False


def test_a_redirect_is_not_followed() -> None:
    for url in serve_once(b"HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n"):
        response = asyncio.run(send(url, 5))
    assert response.status == 302


def test_only_an_httpx_async_client_is_taken() -> None:
    with pytest.raises(TypeError, match="client"):
        HttpxTransport(object())  # type: ignore[arg-type]
