"""The webhook relay as an ASGI application, for a production server such as uvicorn::

    relay = andopen.Relay(secret=os.environ["ANDOPEN_WEBHOOK_SECRET"], forward_to=os.environ["CLAY_WEBHOOK_URL"])
    app = andopen.RelayApp(relay)            # uvicorn module:app --host 0.0.0.0 --port 8080

Every POST, whatever its path, is a delivery; anything else is answered 405. The limits are the stdlib
server's (:meth:`Relay.serve`): a declared length over the core's ``max_webhook_body_bytes`` is answered
413 before a byte of the body is read, a body without a declared length is read no further than that
limit, and the whole body must arrive within ``body_timeout`` seconds (408 otherwise), so that a client
trickling it cannot hold a connection's memory or a worker. The relay's own work (verifying, forwarding
with its sync transport) runs on a worker thread: the event loop is never blocked.
"""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, MutableMapping

from . import _native
from .relay import Relay
from .transport import checked_seconds

__all__ = ["RelayApp"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_MAX_BODY: int = int(_native.limits().max_webhook_body_bytes)


class _TooLarge(Exception):
    pass


class RelayApp:
    """An ASGI 3 application serving :meth:`Relay.handle` (HTTP, and the lifespan protocol)."""

    def __init__(self, relay: Relay, *, body_timeout: float = 10.0) -> None:
        if not isinstance(relay, Relay):
            raise TypeError(f"relay: must be an andopen.Relay, not {type(relay).__name__}")
        self._relay = relay
        self._body_timeout = checked_seconds(body_timeout, "body_timeout")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return  # websockets: not served (the server closes the connection)
        if scope.get("method") != "POST":
            await _answer(send, 405, "refused: a delivery is a POST\n", [(b"allow", b"POST")])
            return
        headers = [(bytes(n).decode("latin-1"), bytes(v).decode("latin-1")) for n, v in scope.get("headers", [])]
        declared = next((v for n, v in headers if n.lower() == "content-length"), None)
        if declared is not None and (not declared.isdecimal() or len(declared) > len(str(_MAX_BODY)) or int(declared) > _MAX_BODY):
            if declared.isdecimal():
                reply = f"refused: body_too_large: the body is {declared} bytes, over the limit of {_MAX_BODY} bytes\n"
                await _answer(send, 413, reply, [(b"connection", b"close")])
            else:
                await _answer(send, 400, "refused: Content-Length must be a whole number of bytes\n")
            return
        try:
            body = await asyncio.wait_for(_read_body(receive), self._body_timeout)
        except _TooLarge:
            await _answer(send, 413, f"refused: body_too_large: the body is over the limit of {_MAX_BODY} bytes\n", [(b"connection", b"close")])
            return
        except asyncio.TimeoutError:
            await _answer(send, 408, f"refused: the body did not arrive within {self._body_timeout} s\n", [(b"connection", b"close")])
            return
        if body is None:
            return  # the client went away
        outcome = await asyncio.to_thread(self._relay.handle, headers, body)
        await _answer(send, outcome.status, f"{outcome.action}: {outcome.detail}\n")


async def _read_body(receive: Receive) -> bytes | None:
    """The request's body, refused (:class:`_TooLarge`) as soon as it passes the limit; ``None`` when the
    client disconnected."""
    parts: list[bytes] = []
    got = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = bytes(message.get("body", b""))
        got += len(chunk)
        if got > _MAX_BODY:
            raise _TooLarge
        parts.append(chunk)
        if not message.get("more_body", False):
            return b"".join(parts)


async def _answer(send: Send, status: int, text: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = text.encode()
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()), *(headers or [])],
    })
    await send({"type": "http.response.body", "body": body})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
