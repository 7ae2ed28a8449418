"""The default transport against a small HTTP server on this machine (127.0.0.1 only), and the whole
client over it."""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterator

import pytest

import andopen
from fakes import GIFT_ID, KEY, choice_mode, gift


class Handler(BaseHTTPRequestHandler):
    seen: list[tuple[str, str, dict[str, str], bytes]] = []

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _answer(self, status: int, body: bytes, **headers: str) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", "Request-Id": "r-1", **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self.seen.append(("GET", self.path, dict(self.headers.items()), b""))
        if self.path == "/slow":
            time.sleep(1.0)
            self._answer(200, b"{}")
        elif self.path == "/redirect":
            self._answer(302, b"", Location="/elsewhere")
        elif self.path.startswith("/gift_requests/"):
            self._answer(200, json.dumps(gift()).encode())
        else:
            self._answer(404, b'{"errors":[{"type":"not_found_error","code":"not_found","message":"nothing here"}]}')

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.seen.append(("POST", self.path, dict(self.headers.items()), body))
        self._answer(201, json.dumps(gift()).encode())


@pytest.fixture(params=["urllib", "pooled"])
def sync_transport(request: pytest.FixtureRequest) -> Callable[[], andopen.Transport]:
    """Each sync transport of the package: every bound below holds for both."""
    return andopen.UrllibTransport if request.param == "urllib" else andopen.PooledTransport


@pytest.fixture()
def server() -> Iterator[str]:
    Handler.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def request(url: str) -> andopen.Request:
    return andopen.Request("GET", url, [("Accept", "application/json")], None)


def test_a_non_2xx_status_is_a_response_not_an_exception(server: str, sync_transport: Callable[[], andopen.Transport]) -> None:
    response = sync_transport().send(request(f"{server}/nothing"), 5)
    assert response.status == 404
    assert ("Request-Id", "r-1") in response.header_pairs()
    assert b"not_found" in response.body


def test_redirects_are_not_followed(server: str, sync_transport: Callable[[], andopen.Transport]) -> None:
    response = sync_transport().send(request(f"{server}/redirect"), 5)
    assert response.status == 302
    assert [path for _, path, _, _ in Handler.seen] == ["/redirect"]


def test_a_refused_connection_was_not_sent(sync_transport: Callable[[], andopen.Transport]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(andopen.TransportFailure) as raised:
        sync_transport().send(request(f"http://127.0.0.1:{port}/"), 5)
    assert raised.value.maybe_sent is False


def test_a_timeout_waiting_for_the_answer_may_have_been_sent(server: str, sync_transport: Callable[[], andopen.Transport]) -> None:
    with pytest.raises(andopen.TransportFailure) as raised:
        sync_transport().send(request(f"{server}/slow"), 0.2)
    assert raised.value.maybe_sent is True


def test_the_client_over_the_default_transport(server: str) -> None:
    client = andopen.Client(KEY, base_url=server)
    created = client.create_gift_request(choice_mode())
    fetched = client.get_gift_request(GIFT_ID)
    assert created == fetched
    (post, get) = Handler.seen
    assert post[0:2] == ("POST", "/gift_requests")
    headers = {name.lower(): value for name, value in post[2].items()}  # names are case-insensitive
    assert headers["authorization"] == f"Bearer {KEY}"
    assert headers["andopen-api-version"] == "2026-05"
    assert json.loads(post[3]) == choice_mode()
    assert get[0:2] == ("GET", f"/gift_requests/{GIFT_ID}")
    with pytest.raises(andopen.NotFoundError):
        client.get_campaign("a1b2c3d4-e5f6-7890-abcd-ef1234567890")


# --- a server that misbehaves on purpose: raw sockets, so that every byte and its timing is the test's ---

LIMITS = andopen._native.limits()


class RawServer:
    """Accepts connections on 127.0.0.1, reads each request whole (headers and Content-Length body), and
    answers with ``script(connection)``. Counts the requests it read."""

    def __init__(self, script: Callable[[socket.socket], None]) -> None:
        self.script = script
        self.requests = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.stopped = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0)
            while len(body) < length:
                body += conn.recv(65536)
            self.requests += 1
            try:
                self.script(conn)
            except OSError:
                pass  # the client went away: what the test wants, often

    def close(self) -> None:
        self.stopped.set()
        self.listener.close()


@pytest.fixture()
def raw() -> Iterator[Callable[[Callable[[socket.socket], None]], RawServer]]:
    servers: list[RawServer] = []

    def start(script: Callable[[socket.socket], None]) -> RawServer:
        servers.append(RawServer(script))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


def trickle(data: bytes, every: float, stop: threading.Event | None = None) -> Callable[[socket.socket], None]:
    def script(conn: socket.socket) -> None:
        for byte in data:
            conn.sendall(bytes([byte]))
            time.sleep(every)

    return script


def timed(call: Callable[[], object]) -> tuple[float, BaseException | None]:
    start = time.monotonic()
    try:
        call()
    except BaseException as e:  # noqa: BLE001 - returned for the test to judge
        return time.monotonic() - start, e
    return time.monotonic() - start, None


GIFT_BODY = json.dumps(gift()).encode()
HEADERS = b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nRequest-Id: r-1\r\n"


def test_the_timeout_bounds_a_body_trickled_a_byte_at_a_time(raw, sync_transport) -> None:  # type: ignore[no-untyped-def]
    # The server would take 10 s to send 100 bytes; the exchange ends at its 1 s deadline.
    server = raw(lambda conn: (conn.sendall(HEADERS + b"Content-Length: 100\r\n\r\n"), trickle(b"x" * 100, 0.1)(conn)))
    took, raised = timed(lambda: sync_transport().send(request(f"{server.url}/gift_requests"), 1.0))
    assert isinstance(raised, andopen.TransportFailure) and raised.maybe_sent is True
    assert "within 1.0 s" in str(raised)
    assert 0.9 < took < 2.0, took


def test_the_timeout_bounds_headers_trickled_a_byte_at_a_time(raw, sync_transport) -> None:  # type: ignore[no-untyped-def]
    server = raw(trickle(HEADERS * 10, 0.1))
    took, raised = timed(lambda: sync_transport().send(request(f"{server.url}/gift_requests"), 1.0))
    assert isinstance(raised, andopen.TransportFailure) and raised.maybe_sent is True
    assert 0.9 < took < 2.0, took


def test_a_create_held_by_a_trickling_server_is_outcome_unknown_at_the_deadline(raw) -> None:  # type: ignore[no-untyped-def]
    server = raw(lambda conn: (conn.sendall(HEADERS + f"Content-Length: {len(GIFT_BODY)}\r\n\r\n".encode()), trickle(GIFT_BODY, 0.1)(conn)))
    client = andopen.Client(KEY, base_url=server.url, timeout=1.0, sleep=lambda s: None)
    took, raised = timed(lambda: client.create_gift_request(choice_mode()))
    assert isinstance(raised, andopen.OutcomeUnknownError), raised
    assert server.requests == 1  # never sent again
    assert took < 2.0, took


def test_a_fast_answer_is_not_cut_by_the_deadline(raw) -> None:  # type: ignore[no-untyped-def]
    # The server closes each connection after its answer, and says so: no reuse races the close.
    server = raw(lambda conn: conn.sendall(HEADERS + f"Connection: close\r\nContent-Length: {len(GIFT_BODY)}\r\n\r\n".encode() + GIFT_BODY))
    client = andopen.Client(KEY, base_url=server.url, timeout=5)
    before = threading.active_count()
    for _ in range(20):
        assert client.create_gift_request(choice_mode()).id == GIFT_ID
    time.sleep(0.1)
    assert threading.active_count() <= before + 1  # each exchange's timer is stopped with it


def test_a_body_cut_short_is_a_maybe_sent_failure_never_a_decode_error(raw, sync_transport) -> None:  # type: ignore[no-untyped-def]
    # Content-Length promises the whole gift; the connection ends after 12 bytes (urllib's IncompleteRead).
    server = raw(lambda conn: conn.sendall(HEADERS + f"Content-Length: {len(GIFT_BODY)}\r\n\r\n".encode() + GIFT_BODY[:12]))
    with pytest.raises(andopen.TransportFailure) as raised:
        sync_transport().send(request(f"{server.url}/gift_requests"), 5)
    assert raised.value.maybe_sent is True and "cut off" in str(raised.value)
    client = andopen.Client(KEY, base_url=server.url, sleep=lambda s: None)
    with pytest.raises(andopen.OutcomeUnknownError) as unknown:
        client.create_gift_request(choice_mode())
    assert unknown.value.status is None
    assert server.requests == 2  # one by the transport alone, one by the client: never sent again


def test_a_chunked_body_cut_short_is_a_maybe_sent_failure(raw, sync_transport) -> None:  # type: ignore[no-untyped-def]
    server = raw(lambda conn: conn.sendall(HEADERS + b"Transfer-Encoding: chunked\r\n\r\n" + b"%x\r\n" % len(GIFT_BODY) + GIFT_BODY[:12]))
    with pytest.raises(andopen.TransportFailure) as raised:
        sync_transport().send(request(f"{server.url}/gift_requests"), 5)
    assert raised.value.maybe_sent is True


def test_a_connection_reset_after_sending_is_a_maybe_sent_failure(raw, sync_transport) -> None:  # type: ignore[no-untyped-def]
    def reset(conn: socket.socket) -> None:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with RST

    server = raw(reset)
    with pytest.raises(andopen.TransportFailure) as raised:
        sync_transport().send(request(f"{server.url}/gift_requests"), 5)
    assert raised.value.maybe_sent is True
    client = andopen.Client(KEY, base_url=server.url, sleep=lambda s: None)
    with pytest.raises(andopen.OutcomeUnknownError):
        client.create_gift_request(choice_mode())


@pytest.mark.parametrize("framing", ["length", "chunked", "close"])
def test_a_body_over_the_limit_is_read_up_to_one_byte_more_and_handed_over(raw, framing: str, sync_transport) -> None:  # type: ignore[no-untyped-def]
    size = LIMITS.max_response_bytes * 8  # 32 MiB offered

    def huge(conn: socket.socket) -> None:
        block = b" " * 65536
        if framing == "length":
            conn.sendall(HEADERS + f"Content-Length: {size}\r\n\r\n".encode())
        elif framing == "chunked":
            conn.sendall(HEADERS + b"Transfer-Encoding: chunked\r\n\r\n")
            block = b"%x\r\n" % len(block) + block + b"\r\n"
        else:
            conn.sendall(HEADERS + b"Connection: close\r\n\r\n")
        for _ in range(size // 65536):
            conn.sendall(block)

    server = raw(huge)
    response = sync_transport().send(request(f"{server.url}/gift_requests"), 10)
    assert response.status == 201
    assert len(response.body) == LIMITS.max_response_bytes + 1
    client = andopen.Client(KEY, base_url=server.url, sleep=lambda s: None)
    with pytest.raises(andopen.OutcomeUnknownError) as raised:
        client.create_gift_request(choice_mode())
    assert (raised.value.status, raised.value.request_id) == (201, "r-1")


def test_a_body_ended_by_the_connection_is_whole_when_it_ends_in_time(raw) -> None:  # type: ignore[no-untyped-def]
    server = raw(lambda conn: conn.sendall(HEADERS + b"Connection: close\r\n\r\n" + GIFT_BODY))
    assert andopen.Client(KEY, base_url=server.url).create_gift_request(choice_mode()).id == GIFT_ID


def test_a_status_line_outside_100_to_599_reaches_the_core_unwrapped(raw, sync_transport) -> None:  # type: ignore[no-untyped-def]
    server = raw(lambda conn: conn.sendall(b"HTTP/1.1 700 Odd\r\nContent-Length: 2\r\nRequest-Id: r-1\r\n\r\n{}"))
    assert sync_transport().send(request(f"{server.url}/gift_requests"), 5).status == 700
    with pytest.raises(andopen.OutcomeUnknownError):
        andopen.Client(KEY, base_url=server.url, sleep=lambda s: None).create_gift_request(choice_mode())


@pytest.mark.parametrize("transport", ["PooledTransport", "AsyncioTransport"])
@pytest.mark.parametrize(("option", "value"), [
    ("max_idle_per_host", -1), ("max_idle_per_host", 10**12), ("max_idle_per_host", True), ("max_idle_per_host", 2.5),
    ("keep_alive", float("nan")), ("keep_alive", float("inf")), ("keep_alive", -1), ("keep_alive", "4"),
    ("ssl_context", "no"),
])
def test_a_pool_option_out_of_range_is_refused_naming_it(transport: str, option: str, value: object) -> None:
    with pytest.raises(andopen.ConfigError) as refused:
        getattr(andopen, transport)(**{option: value})
    assert refused.value.param == option


@pytest.mark.parametrize("value", [1e10, 1e300, float("inf"), float("nan"), 0, -1])
def test_a_timeout_past_30_days_or_not_above_0_is_refused_naming_it(value: float) -> None:
    # 1e10 s overflows the platform's clock in a socket deadline: refused before any call.
    with pytest.raises(andopen.ConfigError) as refused:
        andopen.Client("ao-v1-staging-abc", timeout=value)
    assert refused.value.param == "timeout"
    with pytest.raises(andopen.ConfigError) as refused:
        andopen.Relay(secret="whsec_x", forward_to="https://example.com/hook", timeout=value)
    assert refused.value.param == "timeout"


def _post(port: int, head: bytes, body: bytes = b"") -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(head + body)
        s.settimeout(5)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
        return answer


def test_the_stdlib_relay_bounds_a_slow_body_and_a_huge_declared_length() -> None:
    relay = andopen.Relay(secret="whsec_x", forward_to="https://example.com/hook", timeout=0.5)
    server = relay.serve()
    port = server.server_address[1]
    try:
        started = time.monotonic()
        slow = _post(port, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n", b"{}")
        assert slow.startswith(b"HTTP/1.0 408") or slow.startswith(b"HTTP/1.1 408"), slow[:80]
        assert time.monotonic() - started < 3
        huge = _post(port, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + b"9" * 5000 + b"\r\n\r\n")
        assert b" 413 " in huge.split(b"\r\n")[0], huge[:80]
    finally:
        server.shutdown()
        server.server_close()


def test_seconds_become_the_nearest_whole_millisecond_and_the_core_bounds_them() -> None:
    from andopen.transport import MAX_SECONDS, checked_ms

    # A float of seconds rarely holds whole milliseconds: 1.005 * 1000 is 1004.9999999999999.
    assert [checked_ms(s, "t") for s in (1.1, 1.005, 0.0015, 30)] == [1100, 1005, 2, 30_000]
    assert checked_ms(0, "pause", pause=True) == 0 and checked_ms(MAX_SECONDS, "t") == MAX_SECONDS * 1000
    for value, pause in [(0, False), (0.0004, False), (-0.001, True), (MAX_SECONDS + 0.001, True), (float("nan"), True), (1e300, False)]:
        with pytest.raises(andopen.ConfigError) as refused:
            checked_ms(value, "t", pause=pause)
        assert (refused.value.code, refused.value.param) == ("invalid_option", "t"), value
    for value in (True, "1", None):
        with pytest.raises(andopen.ConfigError) as refused:
            checked_ms(value, "t")
        assert refused.value.param == "t"
