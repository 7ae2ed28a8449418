"""How :class:`AsyncClient` carries a request to the server and the response back, on asyncio.

An async transport has the same duty as a sync one (see :mod:`andopen.transport`): send exactly the
request it is given, return whatever came back, never retry, never follow a redirect, and raise
:class:`TransportFailure` saying whether the request may have reached the server when nothing came back.
It may also be cancelled at any ``await``: it then closes what it had open and lets ``CancelledError``
through.

The default, :class:`AsyncioTransport`, speaks HTTP/1.1 over asyncio's streams with no dependency and
keeps connections open between requests (one pool per transport, per host). It bounds every exchange by
one deadline (connecting, sending, the headers and the whole body), reads at most
``MAX_RESPONSE_BYTES + 1`` bytes of a body, and at most ``MAX_HEADER_BYTES`` of status line and headers.
"""

from __future__ import annotations

import asyncio
import ssl
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from . import _native
from .transport import Request, Response, TransportFailure, pool_options

__all__ = ["AsyncTransport", "AsyncioTransport", "MAX_HEADER_BYTES"]

_MAX_RESPONSE_BYTES: int = _native.limits().max_response_bytes
MAX_HEADER_BYTES = 64 * 1024
"""The most status line and headers a response may take, in bytes: beyond, it is no answer."""
_MAX_HEADER_LINES = 256
_READ_SIZE = 64 * 1024
_MAX_INTERIM = 8


@runtime_checkable
class AsyncTransport(Protocol):
    """Sends one request and returns the response, whatever its status, on asyncio."""

    async def send(self, request: Request, timeout: float) -> Response:
        """Send ``request``, spending at most ``timeout`` seconds on the whole exchange; raise
        :class:`TransportFailure` when no complete response came back."""
        ...


class _NoAnswer(Exception):
    """The server's bytes are not an HTTP/1.1 answer (or one over the limits)."""


@dataclass
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    idle_since: float = field(default_factory=time.monotonic)

    def close(self) -> None:
        # Without waiting: a cancelled exchange closes its connection at once.
        self.writer.close()


@dataclass
class _Exchange:
    """What one exchange has done so far: whether the request may have reached the server."""

    sent: bool = False
    reusable: bool = False


class AsyncioTransport:
    """The default async transport: HTTP/1.1 on asyncio streams, connections kept open and reused.

    ``max_idle_per_host`` connections are kept per host between requests, each for at most
    ``keep_alive`` seconds (servers close idle connections after a few seconds; a connection the server
    has closed is never reused). Certificates come from the system, or the ``ssl_context`` you pass.
    Proxies from the environment are not used (the sync :class:`UrllibTransport` honours them).

    Call :meth:`aclose` (or leave ``async with AsyncClient(...)``) to close the pooled connections."""

    def __init__(
        self,
        *,
        ssl_context: ssl.SSLContext | None = None,
        max_idle_per_host: int = 10,
        keep_alive: float = 4.0,
    ) -> None:
        self._max_idle, self._keep_alive = pool_options(max_idle_per_host, keep_alive, ssl_context)
        self._ssl = ssl_context
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    async def send(self, request: Request, timeout: float) -> Response:
        exchange = _Exchange()
        try:
            return await asyncio.wait_for(self._send(request, exchange), timeout)
        except asyncio.TimeoutError:
            raise TransportFailure(f"no complete response within {timeout} s", maybe_sent=exchange.sent) from None

    async def aclose(self) -> None:
        """Closes every idle connection."""
        for pool in self._idle.values():
            for conn in pool:
                conn.close()
        self._idle.clear()

    def idle_connections(self) -> int:
        """How many connections wait for reuse."""
        return sum(len(pool) for pool in self._idle.values())

    # --- one exchange ------------------------------------------------------------------------------------

    async def _send(self, request: Request, exchange: _Exchange) -> Response:
        url = urllib.parse.urlsplit(request.url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise TransportFailure(f"cannot send to {url.scheme}: URLs", maybe_sent=False)
        origin = (url.scheme, url.hostname, url.port or (443 if url.scheme == "https" else 80))
        conn = await self._connection(origin)
        try:
            response = await self._exchange(conn, request, url, exchange)
        except (OSError, EOFError, asyncio.IncompleteReadError, _NoAnswer) as e:
            conn.close()
            reason = "the server closed the connection" if isinstance(e, (EOFError, asyncio.IncompleteReadError)) else str(e)
            raise TransportFailure(f"no complete response: {reason}", maybe_sent=exchange.sent) from None
        except BaseException:  # cancelled, or the deadline: the connection is in an unknown state
            conn.close()
            raise
        if exchange.reusable:
            self._release(origin, conn)
        else:
            conn.close()
        return response

    async def _connection(self, origin: tuple[str, str, int]) -> _Connection:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # connections belong to the loop that opened them
            for pool in self._idle.values():
                for idle in pool:
                    idle.close()
            self._idle.clear()
            self._loop = loop
        pool = self._idle.get(origin, [])
        now = time.monotonic()
        while pool:
            conn = pool.pop()
            if now - conn.idle_since < self._keep_alive and not conn.reader.at_eof() and not conn.writer.is_closing():
                return conn
            conn.close()
        scheme, host, port = origin
        context = None
        if scheme == "https":
            context = self._ssl if self._ssl is not None else ssl.create_default_context()
        try:
            reader, writer = await asyncio.open_connection(host, port, ssl=context, limit=MAX_HEADER_BYTES)
        except (OSError, ssl.SSLError) as e:
            raise TransportFailure(f"could not connect: {e}", maybe_sent=False) from None
        return _Connection(reader, writer)

    def _release(self, origin: tuple[str, str, int], conn: _Connection) -> None:
        pool = self._idle.setdefault(origin, [])
        if len(pool) >= self._max_idle:
            conn.close()
            return
        conn.idle_since = time.monotonic()
        pool.append(conn)

    async def _exchange(self, conn: _Connection, request: Request, url: urllib.parse.SplitResult, exchange: _Exchange) -> Response:
        conn.writer.write(_head(request, url))
        if request.body:
            conn.writer.write(request.body)
        # From the first byte written, the server may act on the request.
        exchange.sent = True
        await conn.writer.drain()
        for _ in range(_MAX_INTERIM):
            status, headers = await _read_head(conn.reader)
            if not 100 <= status < 200 or status == 101:
                break  # an interim answer (100 Continue) is skipped
        else:
            raise _NoAnswer(f"more than {_MAX_INTERIM} interim answers")
        body, complete = await _read_body(conn.reader, status, headers)
        keep = complete and not any(n.lower() == "connection" and "close" in v.lower() for n, v in headers)
        exchange.reusable = keep and status != 101
        return Response(status, headers, body)


def _head(request: Request, url: urllib.parse.SplitResult) -> bytes:
    target = (url.path or "/") + (f"?{url.query}" if url.query else "")
    lines = [f"{request.method} {target} HTTP/1.1"]
    names = {n.lower() for n, _ in request.headers}
    if "host" not in names:
        lines.append(f"Host: {url.netloc.rpartition('@')[2]}")
    lines.extend(f"{n}: {v}" for n, v in request.headers)
    if request.body is not None and "content-length" not in names:
        lines.append(f"Content-Length: {len(request.body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


async def _read_head(reader: asyncio.StreamReader) -> tuple[int, list[tuple[str, str]]]:
    """The status and headers (bytes read as Latin-1, as HTTP headers are), within ``MAX_HEADER_BYTES``."""
    total = 0

    async def line() -> bytes:
        nonlocal total
        try:
            raw = await reader.readuntil(b"\n")
        except asyncio.LimitOverrunError:
            raise _NoAnswer(f"a header line over {MAX_HEADER_BYTES} bytes") from None
        total += len(raw)
        if total > MAX_HEADER_BYTES:
            raise _NoAnswer(f"headers over {MAX_HEADER_BYTES} bytes")
        return raw.rstrip(b"\r\n")

    status_line = (await line()).decode("latin-1")
    parts = status_line.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit() or len(parts[1]) != 3:
        raise _NoAnswer(f"not an HTTP/1.1 status line: {status_line[:80]!r}")
    headers: list[tuple[str, str]] = []
    while raw := await line():
        if len(headers) >= _MAX_HEADER_LINES:
            raise _NoAnswer(f"more than {_MAX_HEADER_LINES} headers")
        name, sep, value = raw.decode("latin-1").partition(":")
        if not sep:
            raise _NoAnswer(f"a header line without a colon: {name[:80]!r}")
        headers.append((name.strip(), value.strip()))
    return int(parts[1]), headers


async def _read_body(reader: asyncio.StreamReader, status: int, headers: list[tuple[str, str]]) -> tuple[bytes, bool]:
    """The body, at most ``MAX_RESPONSE_BYTES + 1`` bytes of it, and whether it was read to its end (the
    connection can then carry another request)."""
    if status in (204, 304):
        return b"", True
    limit = _MAX_RESPONSE_BYTES + 1
    values = {n.lower(): v for n, v in headers}
    if "chunked" in values.get("transfer-encoding", "").lower():
        return await _read_chunked(reader, limit)
    length_text = values.get("content-length")
    if length_text is not None:
        if not length_text.isdigit() or len(length_text) > 19:
            raise _NoAnswer(f"Content-Length is not a length: {length_text[:40]!r}")
        length = int(length_text)
        body = await reader.readexactly(min(length, limit))
        return body, length < limit
    # The body ends when the connection does.
    parts: list[bytes] = []
    got = 0
    while got < limit and (chunk := await reader.read(min(_READ_SIZE, limit - got))):
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts), False


async def _read_chunked(reader: asyncio.StreamReader, limit: int) -> tuple[bytes, bool]:
    parts: list[bytes] = []
    got = 0
    while True:
        size_line = (await reader.readuntil(b"\n")).split(b";", 1)[0].strip()
        try:
            size = int(size_line, 16)
        except ValueError:
            raise _NoAnswer(f"a chunk size that is not hexadecimal: {size_line[:40]!r}") from None
        if size == 0:
            for _ in range(_MAX_HEADER_LINES):  # trailers, up to the blank line
                if not (await reader.readuntil(b"\n")).strip():
                    return b"".join(parts), True
            raise _NoAnswer(f"more than {_MAX_HEADER_LINES} trailer lines")
        take = min(size, limit - got)
        parts.append(await reader.readexactly(take))
        got += take
        if take < size:  # over the limit: the rest is never read
            return b"".join(parts), False
        await reader.readexactly(2)
