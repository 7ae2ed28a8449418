"""The default transport against a small HTTP server on this machine (127.0.0.1 only), and the whole
client over it."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

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


def test_a_non_2xx_status_is_a_response_not_an_exception(server: str) -> None:
    response = andopen.UrllibTransport().send(request(f"{server}/nothing"), 5)
    assert response.status == 404
    assert ("Request-Id", "r-1") in response.header_pairs()
    assert b"not_found" in response.body


def test_redirects_are_not_followed(server: str) -> None:
    response = andopen.UrllibTransport().send(request(f"{server}/redirect"), 5)
    assert response.status == 302
    assert [path for _, path, _, _ in Handler.seen] == ["/redirect"]


def test_a_refused_connection_was_not_sent() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(andopen.TransportFailure) as raised:
        andopen.UrllibTransport().send(request(f"http://127.0.0.1:{port}/"), 5)
    assert raised.value.maybe_sent is False


def test_a_timeout_waiting_for_the_answer_may_have_been_sent(server: str) -> None:
    with pytest.raises(andopen.TransportFailure) as raised:
        andopen.UrllibTransport().send(request(f"{server}/slow"), 0.2)
    assert raised.value.maybe_sent is True


def test_the_client_over_the_default_transport(server: str) -> None:
    client = andopen.Client(KEY, base_url=server)
    created = client.create_gift_request(choice_mode())
    fetched = client.get_gift_request(GIFT_ID)
    assert created == fetched
    (post, get) = Handler.seen
    assert post[0:2] == ("POST", "/gift_requests")
    assert post[2]["Authorization"] == f"Bearer {KEY}"
    assert post[2]["Andopen-Api-Version"] == "2026-05"
    assert json.loads(post[3]) == choice_mode()
    assert get[0:2] == ("GET", f"/gift_requests/{GIFT_ID}")
    with pytest.raises(andopen.NotFoundError):
        client.get_campaign("a1b2c3d4-e5f6-7890-abcd-ef1234567890")
