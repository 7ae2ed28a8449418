"""A webhook relay (as in the Clay batch-sending guide): the small service between &Open and a no-code tool such as Clay. It receives
each delivery, verifies its signature and replay window, drops repeats, and forwards the raw body to the
tool's webhook address with the event's headers. Run it with :meth:`Relay.serve`, or call
:meth:`Relay.handle` from your own web framework.

    relay = andopen.Relay(secret=os.environ["ANDOPEN_WEBHOOK_SECRET"], forward_to=os.environ["CLAY_WEBHOOK_URL"])
    server = relay.serve(port=8080)          # http.server in a background thread
    ...
    server.shutdown()

A delivery that cannot be forwarded is answered 502 and forgotten, so &Open's retry goes through. Only
what the signature covers is trusted: a captured delivery re-sent under a new event id is answered as a
duplicate and not forwarded, an event type that contradicts the signed body is refused (400), and a body
over the core's ``max_webhook_body_bytes`` (1 MiB) is refused with 413 before it is read.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterable, Mapping, Union

from . import _native
from .transport import Request, Response, Transport, TransportFailure, UrllibTransport, checked_seconds, config_refused
from .webhooks import EventStore, GiftHistory, WebhookReceiver, WebhookRefused, WebhookStoreFailed, _header_pairs

__all__ = ["Relay", "RelayOutcome"]

HeaderPairs = Union[Mapping[str, str], Iterable[tuple[str, str]]]



@dataclass(frozen=True)
class RelayOutcome:
    """What the relay did with one delivery, and the answer it gives &Open."""

    status: int
    """200 forwarded or duplicate, 400 refused (413 for a body too large), 502 the tool could not take it,
    503 the store failed."""
    action: str
    """``forwarded``, ``duplicate``, ``refused``, ``forward_failed`` or ``store_failed``."""
    detail: str
    """The event id, or why it was refused or could not be forwarded."""


class Relay:
    """Verifies, de-duplicates and forwards webhook deliveries. Thread-safe."""

    def __init__(
        self,
        *,
        secret: str,
        forward_to: str,
        transport: Transport | None = None,
        history: GiftHistory | None = None,
        store: EventStore | None = None,
        tolerance: float = 300,
        remember: int | None = None,
        timeout: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``forward_to``: the tool's webhook URL. ``history``: also fold every new event into it.
        ``store``: de-duplicate through your own store (see :class:`andopen.EventStore`) instead of memory.
        ``secret``, ``tolerance``, ``remember``: as for :class:`andopen.WebhookReceiver`."""
        if not isinstance(forward_to, str) or not forward_to.startswith(("https://", "http://")):
            raise config_refused("forward_to", "must be an absolute http(s) URL")
        self._receiver = WebhookReceiver(secret, tolerance=tolerance, remember=remember, store=store, clock=clock)
        self._forward_to = forward_to
        self._transport: Transport = transport if transport is not None else UrllibTransport()
        self._history = history
        self._timeout = checked_seconds(timeout, "timeout")

    def handle(self, headers: HeaderPairs, body: bytes) -> RelayOutcome:
        """Handles one delivery: the raw body bytes and the request's headers. Forwards the body unchanged
        with the verified event id, type and API version (never a header the signature does not vouch
        for, and never the signature)."""
        try:
            delivery = self._receiver.receive(_header_pairs(headers), body)
        except WebhookRefused as e:
            return RelayOutcome(e.status, "refused", f"{e.code}: {e}")
        except WebhookStoreFailed as e:
            return RelayOutcome(503, "store_failed", str(e))
        if delivery.duplicate:
            return RelayOutcome(200, "duplicate", delivery.event_id)
        forwarded = [
            ("Content-Type", "application/json"),
            ("AndOpen-Webhook-Event-Id", delivery.event_id),
            ("AndOpen-Webhook-Event-Type", delivery.event_type),
        ]
        if delivery.api_version is not None:
            forwarded.append(("AndOpen-Webhook-API-Version", delivery.api_version))
        try:
            answer = self._transport.send(Request("POST", self._forward_to, forwarded, bytes(body)), self._timeout)
        except TransportFailure as e:
            return RelayOutcome(502, "forward_failed", str(e) + self._forget(delivery.event_id))
        except Exception as e:  # noqa: BLE001 (a host transport's own failure, an OSError say: not delivered)
            return RelayOutcome(502, "forward_failed", f"the transport failed: {type(e).__name__}: {e}" + self._forget(delivery.event_id))
        if not isinstance(answer, Response) or not 200 <= answer.status < 300:
            status = getattr(answer, "status", "?")
            return RelayOutcome(502, "forward_failed", f"the destination answered {status}" + self._forget(delivery.event_id))
        if self._history is not None:
            self._history.record_delivery(delivery)
        return RelayOutcome(200, "forwarded", delivery.event_id)

    def _forget(self, event_id: str) -> str:
        """Forgets an event that could not be forwarded, so that its retry goes through; returns what to
        add to the outcome's detail when the store could not forget it (the retry would then be taken for
        a repeat: the event must be replayed by hand)."""
        try:
            self._receiver.forget(event_id)
            return ""
        except WebhookStoreFailed as e:
            return f"; the store could not forget event {event_id} ({e}): its retry will be taken for a repeat"

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
        """Serves :meth:`handle` over HTTP on a background thread: every POST path is a delivery. Read the
        port from ``server.server_address``; stop with ``server.shutdown()``. A declared length over the
        core's ``max_webhook_body_bytes`` is answered 413 without reading the body."""
        relay = self
        largest = int(_native.limits().max_webhook_body_bytes)

        class Handler(BaseHTTPRequestHandler):
            # Each read of a request (its head, its body) waits at most the relay's timeout: a client that
            # declares a body and never sends it holds a thread no longer than that.
            timeout = relay._timeout

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                declared = self.headers.get("Content-Length")
                chunked = "chunked" in self.headers.get("Transfer-Encoding", "").lower()
                if chunked and declared is None:
                    try:
                        body = _read_chunked(self.rfile, largest, time.monotonic() + relay._timeout)
                    except TimeoutError:
                        body = None
                    if isinstance(body, bytes):
                        outcome = relay.handle(list(self.headers.items()), body)
                        status, reply = outcome.status, f"{outcome.action}: {outcome.detail}\n".encode()
                    elif body is _TOO_LARGE:
                        status, reply = 413, f"refused: body_too_large: the body is over the limit of {largest} bytes\n".encode()
                    else:
                        status, reply = 400, b"refused: the chunked body was malformed, cut short or late\n"
                    if not isinstance(body, bytes):
                        self.close_connection = True
                elif declared is None or not declared.isdecimal():
                    # Neither a length nor chunks: where the body ends is unknown (and the signature covers
                    # all of it).
                    status, reply = 411, b"refused: Content-Length must be given, as a whole number of bytes\n"
                elif len(declared) > len(str(largest)) or int(declared) > largest:
                    # Refused before a byte is read: memory follows the limit, never the declared length.
                    status, reply = 413, f"refused: body_too_large: the body is {declared} bytes, over the limit of {largest} bytes\n".encode()
                    self.close_connection = True
                else:
                    try:
                        body = self.rfile.read(int(declared))
                    except TimeoutError:
                        body = None
                    if body is None or len(body) < int(declared):
                        # Cut short, or not there within the timeout: nothing to verify.
                        status, reply = 408, b"refused: the body did not arrive in full within the timeout\n"
                        self.close_connection = True
                    else:
                        outcome = relay.handle(list(self.headers.items()), body)
                        status, reply = outcome.status, f"{outcome.action}: {outcome.detail}\n".encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = ThreadingHTTPServer((host, port), Handler)
        threading.Thread(target=server.serve_forever, name="andopen-relay", daemon=True).start()
        return server


_TOO_LARGE = object()
_MAX_CHUNK_LINE = 1024  # a chunk's size line with its extensions, and a trailer line


def _read_chunked(rfile: Any, largest: int, deadline: float) -> bytes | object | None:
    """A chunked body (``Transfer-Encoding: chunked``), read no further than ``largest`` bytes of data:
    the body, ``_TOO_LARGE`` past the limit, or ``None`` when it is malformed, cut short or still coming
    at ``deadline`` (a monotonic time)."""
    parts: list[bytes] = []
    got = 0
    while True:
        if time.monotonic() > deadline:
            return None
        line = rfile.readline(_MAX_CHUNK_LINE + 1)
        if not line.endswith(b"\n") or len(line) > _MAX_CHUNK_LINE:
            return None
        size_text = line.split(b";", 1)[0].strip()
        if not size_text or len(size_text) > 16 or any(c not in b"0123456789abcdefABCDEF" for c in size_text):
            return None
        size = int(size_text, 16)
        if size == 0:
            break
        got += size
        if got > largest:
            return _TOO_LARGE
        chunk = rfile.read(size)
        if chunk is None or len(chunk) < size or rfile.read(2) != b"\r\n":
            return None
        parts.append(chunk)
    for _ in range(64):  # the trailer section, each line bounded, ended by an empty line
        line = rfile.readline(_MAX_CHUNK_LINE + 1)
        if not line.endswith(b"\n") or len(line) > _MAX_CHUNK_LINE:
            return None
        if line in (b"\r\n", b"\n"):
            return b"".join(parts)
    return None
