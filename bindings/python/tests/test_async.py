"""The asyncio client over its default transport (:class:`andopen.AsyncioTransport`): end to end against
the &Open API simulator, cancellation (mid-wait and mid-exchange), connection reuse, and the transport's
bounds against small servers on 127.0.0.1.

Needs the simulator built (see test_e2e.py); without it the end-to-end tests fail, saying so.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import andopen
from andopen.transport import _MAX_RESPONSE_BYTES as MAX_RESPONSE_BYTES
from simulator import Simulator, running

KEY = "ao-v1-staging-e2e-python"
CHOICE = "Welcome box (choice)"


@pytest.fixture()
def sim() -> Iterator[Simulator]:
    yield from running("--seed", "7", "--redemption-delay-ms", "300")


def choice_gift(campaign_id: str) -> andopen.NewGiftRequestParams:
    return {
        "campaign_id": campaign_id,
        "recipient": {"first_name": "Alice", "last_name": "Smith", "email": "alice@example.com"},
    }


# --- end to end -------------------------------------------------------------------------------------------


def test_creates_waits_and_reads_back_over_one_connection(sim: Simulator) -> None:
    async def scenario() -> tuple[andopen.GiftRequest, andopen.GiftRequest, list[andopen.Campaign], int]:
        transport = andopen.AsyncioTransport()
        async with andopen.AsyncClient(KEY, base_url=sim.url, transport=transport) as client:
            campaigns = [c async for c in client.list_campaigns(limit=2)]
            choice = next(c for c in campaigns if c.name == CHOICE)
            created = await client.create_gift_request(choice_gift(choice.id))
            ready = await client.wait_for_redemption_url(created.id, interval=0.1, timeout=10)
            again = await client.get_gift_request(created.id)
            assert again.id == created.id
            idle = transport.idle_connections()
        return created, ready, campaigns, idle

    mark = sim.mark()
    created, ready, campaigns, idle = asyncio.run(scenario())
    assert ready.redemption_url is not None and ready.id == created.id
    assert len(campaigns) == len({c.id for c in campaigns}) >= 3  # more than one page of 2
    assert idle == 1  # every request went over the one connection, kept for the next
    log = sim.api_log(mark)
    assert [e.method for e in log].count("POST") == 1
    assert all(e.status != "dropped" for e in log)
    # Each result carries the facts of the response it came in.
    post = next(e for e in log if e.method == "POST")
    assert created.meta.request_id == post.request_id and created.meta.status == 201
    assert ready.meta.request_id == log[-2].request_id  # the last poll (the last entry is the get)
    assert created.meta.rate_limit.limit is not None and created.meta.rate_limit.remaining is not None
    assert campaigns[0].meta.request_id == log[0].request_id and campaigns[-1].meta.request_id != log[0].request_id
    assert created.status == "submitted" and created.status is andopen.GiftRequestStatus.SUBMITTED


def test_pages_and_campaign_by_id(sim: Simulator) -> None:
    async def scenario() -> tuple[list[andopen.CampaignPage], andopen.Campaign]:
        async with andopen.AsyncClient(KEY, base_url=sim.url) as client:
            pages = [p async for p in client.campaign_pages(limit=1)]
            one = await client.get_campaign(pages[0].data[0].id)
        return pages, one

    pages, one = asyncio.run(scenario())
    assert all(len(p.data) == 1 for p in pages) and not pages[-1].has_more and pages[0].has_more
    assert one.id == pages[0].data[0].id


def test_a_retried_get_and_an_uncertain_create(sim: Simulator) -> None:
    sim.queue_faults(
        {"method": "GET", "path": "/campaigns", "status": 503, "retry_after": 1},
        {"method": "POST", "path": "/gift_requests", "status": 500, "after_processing": True},
    )
    slept: list[float] = []

    async def no_wait(seconds: float) -> None:
        slept.append(seconds)

    async def scenario() -> andopen.OutcomeUnknownError:
        async with andopen.AsyncClient(KEY, base_url=sim.url, sleep=no_wait) as client:
            campaigns = [c async for c in client.list_campaigns()]
            choice = next(c for c in campaigns if c.name == CHOICE)
            with pytest.raises(andopen.OutcomeUnknownError) as raised:
                await client.create_gift_request(choice_gift(choice.id))
            return raised.value

    mark = sim.mark()
    error = asyncio.run(scenario())
    assert slept == [1.0]  # the 503's Retry-After, slept through the injected sleep
    assert error.request_id
    assert [e.method for e in sim.api_log(mark)].count("POST") == 1  # never replayed
    assert len(sim.gifts()) == 1  # and it was created


def test_a_validation_error_sends_nothing(sim: Simulator) -> None:
    async def scenario() -> None:
        async with andopen.AsyncClient(KEY, base_url=sim.url) as client:
            await client.create_gift_request({"campaign_id": "nope", "recipient": {"first_name": "A", "last_name": "B"}})

    mark = sim.mark()
    with pytest.raises(andopen.ValidationError) as raised:
        asyncio.run(scenario())
    assert raised.value.param == "campaign_id"
    assert sim.api_log(mark) == []


# --- cancellation -----------------------------------------------------------------------------------------


async def cancel_after(coroutine: object, delay: float) -> float:
    """Runs ``coroutine`` as a task, cancels it after ``delay`` s; how long the task took to end after."""
    task = asyncio.ensure_future(coroutine)  # type: ignore[arg-type]
    await asyncio.sleep(delay)
    assert not task.done(), "the call ended before it was cancelled"
    cancelled_at = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    return time.monotonic() - cancelled_at


def test_cancelling_a_wait_ends_it_within_100_ms() -> None:
    try:
        sim = Simulator("--seed", "7", "--redemption-delay-ms", "60000")
    except FileNotFoundError as e:
        pytest.fail(str(e), pytrace=False)
    with sim:
        async def scenario() -> float:
            async with andopen.AsyncClient(KEY, base_url=sim.url) as client:
                choice = next(c for c in [c async for c in client.list_campaigns()] if c.name == CHOICE)
                created = await client.create_gift_request(choice_gift(choice.id))
                return await cancel_after(client.wait_for_redemption_url(created.id, interval=5, timeout=60), 0.5)

        assert asyncio.run(scenario()) < 0.1


@pytest.fixture()
def silent_server() -> Iterator[tuple[str, list[socket.socket]]]:
    """A server that accepts connections and never answers; the accepted sockets, for the test to read."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            accepted.append(conn)

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", accepted
    finally:
        listener.close()
        for conn in accepted:
            conn.close()


def test_cancelling_an_exchange_ends_it_within_100_ms_and_closes_the_connection(silent_server: tuple[str, list[socket.socket]]) -> None:
    url, accepted = silent_server

    async def scenario() -> float:
        client = andopen.AsyncClient(KEY, base_url=url, timeout=30)
        return await cancel_after(client.get_gift_request("7c9e6679-7425-40de-944b-e07fc1f8b0a1"), 0.5)

    assert asyncio.run(scenario()) < 0.1
    assert len(accepted) == 1
    accepted[0].settimeout(2)
    received = b""
    while chunk := accepted[0].recv(65536):  # ends when the client closed its side
        received += chunk
    assert received.startswith(b"GET /gift_requests/7c9e6679-7425-40de-944b-e07fc1f8b0a1 HTTP/1.1\r\n")


def test_the_deadline_bounds_an_exchange_with_a_silent_server(silent_server: tuple[str, list[socket.socket]]) -> None:
    url, _ = silent_server
    request = andopen.Request("GET", url + "/x", [("Accept", "application/json")], None)

    async def scenario() -> tuple[andopen.TransportFailure, float]:
        started = time.monotonic()
        with pytest.raises(andopen.TransportFailure) as raised:
            await andopen.AsyncioTransport().send(request, 0.3)
        return raised.value, time.monotonic() - started

    failure, took = asyncio.run(scenario())
    assert failure.maybe_sent is True
    assert 0.3 <= took < 1.0


def test_a_refused_connection_was_not_sent() -> None:
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]
    request = andopen.Request("POST", f"http://127.0.0.1:{port}/gift_requests", [], b"{}")
    with pytest.raises(andopen.TransportFailure) as raised:
        asyncio.run(andopen.AsyncioTransport().send(request, 2))
    assert raised.value.maybe_sent is False


# --- the transport's reading, against scripted answers -------------------------------------------------


def scripted(answer: bytes) -> Iterator[str]:
    """A server that reads one request head and writes ``answer`` (then keeps the connection open)."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            held.append(conn)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
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


def fetch(url: str, timeout: float = 2.0) -> andopen.Response:
    return asyncio.run(andopen.AsyncioTransport().send(andopen.Request("GET", url, [], None), timeout))


def test_reads_a_chunked_body_and_skips_an_interim_answer() -> None:
    answer = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nRequest-Id: r-9\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n"
    for url in scripted(answer):
        response = fetch(url)
    assert response.status == 200 and response.body == b"abcde"
    assert ("Request-Id", "r-9") in response.header_pairs()


def test_reads_a_body_no_further_than_the_limit() -> None:
    limit = MAX_RESPONSE_BYTES
    body = b"x" * (limit + 5000)
    for url in scripted(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body):
        response = fetch(url)
    assert len(response.body) == limit + 1


def test_headers_over_the_limit_are_no_answer() -> None:
    filler = b"X-Filler: " + b"y" * 1000 + b"\r\n"
    for url in scripted(b"HTTP/1.1 200 OK\r\n" + filler * 100):
        with pytest.raises(andopen.TransportFailure) as raised:
            fetch(url)
    assert raised.value.maybe_sent is True
    assert "headers over" in str(raised.value)


def test_garbage_is_no_answer() -> None:
    for url in scripted(b"SSH-2.0-OpenSSH_9.2\r\n"):
        with pytest.raises(andopen.TransportFailure, match="not an HTTP/1.1 status line"):
            fetch(url)


# --- connection reuse, sync and async ------------------------------------------------------------------


class Counting(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    connections = 0

    def setup(self) -> None:
        type(self).connections += 1
        super().setup()

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        body = b'{"ok":true}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture()
def counting() -> Iterator[str]:
    Counting.connections = 0
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/x"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_the_async_transport_reuses_its_connection(counting: str) -> None:
    async def scenario() -> list[int]:
        transport = andopen.AsyncioTransport()
        statuses = [(await transport.send(andopen.Request("GET", counting, [], None), 2)).status for _ in range(5)]
        await transport.aclose()
        return statuses

    assert asyncio.run(scenario()) == [200] * 5
    assert Counting.connections == 1


def test_the_sync_default_transport_reuses_its_connection(counting: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    transport = andopen.default_transport()
    assert isinstance(transport, andopen.PooledTransport)
    statuses = [transport.send(andopen.Request("GET", counting, [], None), 2).status for _ in range(5)]
    assert statuses == [200] * 5
    assert Counting.connections == 1 and transport.idle_connections() == 1
    transport.close()


def test_a_proxy_in_the_environment_picks_urllib(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("https_proxy", "http://proxy.invalid:3128")
    assert isinstance(andopen.default_transport(), andopen.UrllibTransport)


def test_a_connection_the_server_closed_is_not_reused(counting: str) -> None:
    transport = andopen.PooledTransport(keep_alive=0.05)
    transport.send(andopen.Request("GET", counting, [], None), 2)
    time.sleep(0.1)  # past keep_alive: a fresh connection
    transport.send(andopen.Request("GET", counting, [], None), 2)
    assert Counting.connections == 2


def test_the_async_client_prints_no_key() -> None:
    client = andopen.AsyncClient(KEY, base_url="http://127.0.0.1:9")
    assert "e2e-python" not in repr(client) and "with a key" in repr(client)


def test_a_status_the_sdk_does_not_know_is_kept() -> None:
    newer = andopen.GiftRequestStatus("returned")
    assert newer == "returned" and str(newer) == "returned" and f"{newer}" == "returned"
    assert not newer.known and andopen.GiftRequestStatus.REDEEMED.known
    assert andopen.GiftRequestStatus("redeemed") is andopen.GiftRequestStatus.REDEEMED
    with pytest.raises(ValueError):
        andopen.GiftRequestStatus(3)  # type: ignore[arg-type]
