"""How requests reach the network: a small protocol any HTTP library can implement, and the default
implementation on the standard library (:mod:`urllib.request`).

A transport sends exactly the request it is given and returns what came back, whatever the status: it
never retries, never follows redirects and never judges a response (the core does all of that). When
nothing came back it raises :class:`TransportFailure`, saying whether the request may have reached the
server: that one fact decides whether a gift creation may be sent again.

The default transport bounds every exchange by one deadline (``timeout`` seconds over connecting, sending,
the response's headers and its whole body: a server that trickles its answer a byte at a time cannot hold
a call longer), and reads at most ``MAX_RESPONSE_BYTES + 1`` bytes of a body, the core's limit: a longer
body is handed over cut, and the core judges it unreadable.

To plug in another library, implement ``send``; bound the whole exchange by ``timeout`` if the library
can, and read at most ``andopen.limits().max_response_bytes + 1`` bytes of the body::

    class HttpxTransport:
        def __init__(self, client: httpx.Client) -> None:
            self._client = client

        def send(self, request: andopen.Request, timeout: float) -> andopen.Response:
            try:
                r = self._client.request(request.method, request.url, headers=request.headers,
                                         content=request.body, timeout=timeout, follow_redirects=False)
            except httpx.ConnectError as e:
                raise andopen.TransportFailure(str(e), maybe_sent=False) from e
            except httpx.TransportError as e:
                raise andopen.TransportFailure(str(e), maybe_sent=True) from e
            return andopen.Response(r.status_code, list(r.headers.items()), r.content)
"""

from __future__ import annotations

import http.client
import math
import select
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Protocol, Union, cast, runtime_checkable

from . import _native
from .errors import ConfigError, from_core_error

__all__ = ["PooledTransport", "Request", "Response", "Transport", "TransportFailure", "UrllibTransport", "default_transport"]

HeaderPairs = Union[Mapping[str, str], Iterable[tuple[str, str]]]

# The core's figure (never a copy): a transport reads one byte more than this, and hands it all over.
_MAX_RESPONSE_BYTES: int = _native.limits().max_response_bytes
_READ_SIZE = 64 * 1024
_I64 = (-(2**63), 2**63 - 1)


class _Secret(str):
    """A header value that is a secret (the API key): a ``str`` for whatever sends it, ``<redacted>`` for
    whatever prints it (``repr`` of the request, of its headers, of a traceback's locals)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'<redacted>'"


@dataclass(frozen=True)
class Request:
    """A request exactly as the core built it: send it as is."""

    method: str
    """``GET`` or ``POST``."""
    url: str
    """The absolute URL, query included."""
    headers: list[tuple[str, str]]
    """The headers, in order (the API key among them when the client has one: its value is a ``str``
    that prints as ``<redacted>``)."""
    body: bytes | None
    """The body, for a POST."""

    def __post_init__(self) -> None:
        secret = [(n, _Secret(v) if n.lower() == "authorization" and type(v) is str else v) for n, v in self.headers]
        object.__setattr__(self, "headers", secret)

    def header(self, name: str) -> str | None:
        """The value of a header, by name without regard to case."""
        wanted = name.lower()
        return next((v for n, v in self.headers if n.lower() == wanted), None)

    def __repr__(self) -> str:
        # Never print the key.
        shown = [(n, "<redacted>" if n.lower() == "authorization" else v) for n, v in self.headers]
        return f"Request(method={self.method!r}, url={self.url!r}, headers={shown!r}, body={self.body!r})"


@dataclass(frozen=True)
class Response:
    """What came back: the status, the headers as received, and the body bytes (possibly empty).

    ``status`` is an ``int`` as received, never rounded or wrapped: one outside 100–599 is not an HTTP
    answer, and the core takes it as a lost connection (outcome unknown for a creation). A body longer
    than ``MAX_RESPONSE_BYTES`` is judged unreadable; only its first ``MAX_RESPONSE_BYTES + 1`` bytes
    are looked at."""

    status: int
    headers: HeaderPairs = field(default_factory=list[tuple[str, str]])
    body: bytes = b""

    def header_pairs(self) -> list[tuple[str, str]]:
        """The headers as ``(name, value)`` pairs of text, in order (bytes read as Latin-1, as HTTP
        headers are); raises ``TypeError`` naming ``headers`` when they are not pairs of text."""
        try:
            raw: Any = self.headers  # checked pair by pair: a host may pass anything
            items = cast("Iterable[tuple[object, object]]", raw.items() if isinstance(raw, Mapping) else raw)  # pyright: ignore[reportUnknownMemberType]
            return [(_header_text(n), _header_text(v)) for n, v in items]
        except (TypeError, ValueError) as e:
            raise TypeError(f"Response.headers: must be a mapping or (name, value) pairs of str ({e})") from None


def _header_text(value: object) -> str:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("latin-1")
    if not isinstance(value, str):
        raise TypeError(f"a header is {type(value).__name__}")
    if value.isascii():
        return str(value)
    try:
        value.encode()
        return str(value)
    except UnicodeEncodeError:  # a lone surrogate cannot cross to the core: it becomes "?"
        return value.encode("utf-8", "replace").decode()


def response_parts(response: object) -> tuple[int, list[_native.Header], bytes]:
    """What the core reads of a transport's response: the status as it is (an ``int`` outside the 64 bits
    the core takes becomes the nearest one, still no HTTP status), the headers, and at most
    ``MAX_RESPONSE_BYTES + 1`` bytes of body. A value of the wrong type raises ``TypeError`` naming it."""
    if not isinstance(response, Response):
        raise TypeError(f"a transport must return andopen.Response, not {type(response).__name__}")
    status = response.status
    if isinstance(status, bool) or not isinstance(status, int):
        raise TypeError(f"Response.status: must be an int, not {type(status).__name__}")
    body = response.body
    if not isinstance(body, (bytes, bytearray, memoryview)):
        raise TypeError(f"Response.body: must be bytes, not {type(body).__name__}")
    cut = body[: _MAX_RESPONSE_BYTES + 1]
    headers = [_native.Header(name=n, value=v) for n, v in response.header_pairs()]
    return max(_I64[0], min(_I64[1], int(status))), headers, cut if type(cut) is bytes else bytes(cut)


class TransportFailure(Exception):
    """Raised by a transport when no response came back.

    ``maybe_sent`` is ``False`` when the request certainly never left the machine (connection refused,
    name not resolved, TLS setup failed) and ``True`` when it may have reached the server (a timeout, the
    connection lost after sending, a response cut short). When unsure, say ``True``: a gift creation is
    then never replayed.
    """

    def __init__(self, message: str, *, maybe_sent: bool) -> None:
        super().__init__(message)
        self.maybe_sent = maybe_sent


@runtime_checkable
class Transport(Protocol):
    """Sends one request and returns the response, whatever its status."""

    def send(self, request: Request, timeout: float) -> Response:
        """Send ``request``, spending at most ``timeout`` seconds on the whole exchange; raise
        :class:`TransportFailure` when no complete response came back."""
        ...


# --- the default transport ---------------------------------------------------------------------------


class _Deadline:
    """One exchange's deadline. A timer shuts the exchange's socket down when it passes, which ends
    whatever the exchange was waiting for (a send, the headers, the next byte of the body) at once."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self.sent = False  # the whole request was written: the server may act on it
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> bool:
        """Stops the timer; whether the deadline had passed."""
        self._timer.cancel()
        with self._lock:
            self._socket = None
            return self.expired

    def watch(self, sock: socket.socket) -> None:
        """The socket to shut down at the deadline (at once when it has passed)."""
        with self._lock:
            self._socket = sock
            expired = self.expired
        if expired:
            _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sock = self._socket
        if sock is not None:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        # The plain socket's shutdown, even under TLS: it leaves the TLS object to the thread using it.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass


class _Watched:
    """A connection that tells its deadline about its socket and about the request being written."""

    deadline: _Deadline

    def connect(self) -> None:
        if self.deadline.expired:
            raise TimeoutError("the deadline passed before the connection was made")
        super().connect()  # type: ignore[misc]
        self.deadline.watch(self.sock)  # type: ignore[attr-defined]

    def getresponse(self) -> http.client.HTTPResponse:
        self.deadline.sent = True
        return super().getresponse()  # type: ignore[misc, no-any-return]


class _WatchedHTTP(_Watched, http.client.HTTPConnection):
    pass


class _WatchedHTTPS(_Watched, http.client.HTTPSConnection):
    pass


class _DeadlineRequest(urllib.request.Request):
    deadline: _Deadline


def _watched(kind: type[_Watched], req: urllib.request.Request) -> Any:
    def connection(host: str, **kwargs: Any) -> _Watched:
        conn = kind(host, **kwargs)  # type: ignore[call-arg]
        conn.deadline = req.deadline  # type: ignore[attr-defined]
        return conn

    return connection


class _HTTPHandler(urllib.request.HTTPHandler):
    def do_open(self, http_class: Any, req: urllib.request.Request, **kwargs: Any) -> http.client.HTTPResponse:
        return super().do_open(_watched(_WatchedHTTP, req), req, **kwargs)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def do_open(self, http_class: Any, req: urllib.request.Request, **kwargs: Any) -> http.client.HTTPResponse:
        return super().do_open(_watched(_WatchedHTTPS, req), req, **kwargs)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None  # the 3xx reaches the core as it is


class UrllibTransport:
    """The default transport, on :mod:`urllib.request`: no dependency, proxies from the environment,
    certificates from the system (or the ``ssl_context`` you pass).

    ``timeout`` is one deadline over the whole exchange: connecting, sending, the response's headers and
    its whole body (a timer shuts the socket down when it passes). Resolving the host's name and the TLS
    handshake are bounded by the socket's own timeout (the same figure) instead. A body is read up to
    ``MAX_RESPONSE_BYTES + 1`` bytes and no further."""

    def __init__(self, *, ssl_context: ssl.SSLContext | None = None) -> None:
        https = _HTTPSHandler() if ssl_context is None else _HTTPSHandler(context=ssl_context)
        self._opener = urllib.request.build_opener(_NoRedirects(), _HTTPHandler(), https)

    def send(self, request: Request, timeout: float) -> Response:
        deadline = _Deadline(timeout)
        req = _DeadlineRequest(request.url, data=request.body, method=request.method)
        req.deadline = deadline
        for name, value in request.headers:
            req.add_header(name, value)
        deadline.start()
        try:
            return self._exchange(req, timeout, deadline)
        finally:
            deadline.stop()

    def _exchange(self, req: _DeadlineRequest, timeout: float, deadline: _Deadline) -> Response:
        error: urllib.error.HTTPError | None = None
        try:
            reply = self._opener.open(req, timeout=timeout)
        except urllib.error.HTTPError as e:
            # A response with a non-2xx status: a response all the same. (The error closes the response
            # when it is collected: it is kept until the body is read.)
            error = e
            reply = e.fp if isinstance(e.fp, http.client.HTTPResponse) else e
        except urllib.error.URLError as e:
            # Raised while connecting or writing the request: it was not (completely) sent.
            reason = f"no connection within {timeout} s" if deadline.expired else f"could not send the request: {e.reason}"
            raise TransportFailure(reason, maybe_sent=deadline.sent) from e
        except (OSError, http.client.HTTPException) as e:
            # Raised while waiting for the answer (the deadline, a connection reset): it may have arrived.
            reason = f"no response within {timeout} s" if deadline.expired else f"no response: {e}"
            raise TransportFailure(reason, maybe_sent=True) from e
        with reply:
            status, headers = reply.status, list(reply.headers.items())
            try:
                body = _read(reply)
            except (OSError, http.client.HTTPException) as e:
                reason = f"the response was not complete within {timeout} s" if deadline.expired else f"the response was cut off: {e}"
                raise TransportFailure(reason, maybe_sent=True) from e
            if deadline.stop() and getattr(reply, "length", 0) is None and not getattr(reply, "chunked", False):
                # A body that ends when the connection does, ended by the deadline: it may be cut.
                raise TransportFailure(f"the response was not complete within {timeout} s", maybe_sent=True)
        if error is not None:
            error.close()
        return Response(int(status or 0), headers, body)


def _read(reply: Any) -> bytes:
    """The body, up to ``MAX_RESPONSE_BYTES + 1`` bytes; raises ``IncompleteRead`` when the connection ends
    before the body its headers announced."""
    limit = _MAX_RESPONSE_BYTES + 1
    parts: list[bytes] = []
    got = 0
    while got < limit:
        chunk = reply.read(min(_READ_SIZE, limit - got))
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    data = b"".join(parts)
    left = getattr(reply, "length", None)
    if got < limit and left:  # the connection ended first (http.client returns short reads quietly)
        raise http.client.IncompleteRead(data, left)
    return data


# --- the pooled transport ----------------------------------------------------------------------------


# The bounds of the pooled transports' options (here, not in the core: they are the host's connection
# policy, not the contract's): idle connections kept per host, and how long one is kept.
MAX_IDLE_PER_HOST = 1_000
MAX_KEEP_ALIVE_SECONDS = 3_600.0


def pool_options(max_idle_per_host: object, keep_alive: object, ssl_context: object) -> tuple[int, float]:
    """Checks the options every pooled transport takes; refuses, naming the option, what is out of range."""
    if isinstance(max_idle_per_host, bool) or not isinstance(max_idle_per_host, int) or not 0 <= max_idle_per_host <= MAX_IDLE_PER_HOST:
        raise config_refused("max_idle_per_host", f"must be a whole number from 0 to {MAX_IDLE_PER_HOST}")
    if isinstance(keep_alive, bool) or not isinstance(keep_alive, (int, float)) or not 0 <= keep_alive <= MAX_KEEP_ALIVE_SECONDS:
        raise config_refused("keep_alive", f"must be a number of seconds from 0 to {MAX_KEEP_ALIVE_SECONDS:g}")
    if ssl_context is not None and not isinstance(ssl_context, ssl.SSLContext):
        raise config_refused("ssl_context", f"must be an ssl.SSLContext, not {type(ssl_context).__name__}")
    return max_idle_per_host, float(keep_alive)


def config_refused(param: str, must: str) -> ConfigError:
    """The package's refusal of an option, naming it and the rule it breaks."""
    return ConfigError(f"configuration refused: {param} {must}", kind="config", code="invalid", param=param)


# The longest time any option may give (a deadline, a wait), the core's MAX_TIMEOUT_MS: 24 days. Longer is no
# deadline at all, and past what the platform's clocks and sockets take (a timeout of 1e10 s overflows them).
MAX_SECONDS = _native.limits().max_timeout_ms / 1000


def checked_ms(value: object, param: str, *, pause: bool = False) -> int:
    """A duration in seconds as the whole number of milliseconds nearest to it (a float of seconds rarely
    holds a whole number of them: ``1.1 * 1000`` is ``1100.0000000000002``), held to the core's bounds: a
    timeout above 0, or with ``pause`` a pause from 0, and at most :data:`MAX_SECONDS`. Else the core's
    refusal, ``invalid_option`` (every language refuses the same values with the same code), naming
    ``param``; a value that is no number (NaN, an infinity, a ``bool``, a string) is refused naming it too."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise config_refused(param, f"must be a number of seconds, not {type(value).__name__}")
    ms = value * 1000
    whole = round(ms) if math.isfinite(ms) and abs(ms) < 2**62 else -1
    refused: str | None = None
    try:
        (_native.check_pause_ms if pause else _native.check_timeout_ms)(whole)
    except _native.CoreError as e:  # pyright: ignore[reportGeneralTypeIssues] (the generated class is typed apart from Exception)
        refused = from_core_error(e).code or "invalid_option"
    if refused is None:
        return whole
    # The core's refusal (its code), naming this option as the caller knows it, in seconds.
    least = "from 0" if pause else "above 0"
    raise ConfigError(
        f"configuration refused: {param} must be a number of seconds, {least} and at most {MAX_SECONDS:g}",
        kind="config",
        code=refused,
        param=param,
    )


def checked_seconds(value: object, param: str) -> float:
    """A timeout in seconds held to the core's bounds (see :func:`checked_ms`), as the whole milliseconds
    checked: what is used is what the core accepted."""
    return checked_ms(value, param) / 1000


class PooledTransport:
    """The default transport: :mod:`http.client` connections kept open and reused (HTTP/1.1 keep-alive),
    no dependency, certificates from the system (or the ``ssl_context`` you pass). It holds the same
    bounds as :class:`UrllibTransport`: one deadline over the whole exchange, a body read up to
    ``MAX_RESPONSE_BYTES + 1`` bytes.

    ``max_idle_per_host`` connections are kept per host, each for at most ``keep_alive`` seconds; one the
    server has closed (or sent anything on while idle) is never reused. A connection is lent to one
    thread at a time: one transport serves any number of threads. Proxies are not used: when the
    environment names one, :func:`default_transport` picks :class:`UrllibTransport` instead."""

    def __init__(
        self,
        *,
        ssl_context: ssl.SSLContext | None = None,
        max_idle_per_host: int = 10,
        keep_alive: float = 4.0,
    ) -> None:
        self._max_idle, self._keep_alive = pool_options(max_idle_per_host, keep_alive, ssl_context)
        self._ssl = ssl_context
        self._lock = threading.Lock()
        self._idle: dict[tuple[str, str, int], list[tuple[_Watched, float]]] = {}

    def close(self) -> None:
        """Closes every idle connection."""
        with self._lock:
            pools, self._idle = list(self._idle.values()), {}
        for pool in pools:
            for conn, _ in pool:
                conn.close()  # type: ignore[attr-defined]

    def idle_connections(self) -> int:
        """How many connections wait for reuse."""
        with self._lock:
            return sum(len(pool) for pool in self._idle.values())

    def send(self, request: Request, timeout: float) -> Response:
        url = urllib.parse.urlsplit(request.url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise TransportFailure(f"cannot send to {url.scheme}: URLs", maybe_sent=False)
        origin = (url.scheme, url.hostname, url.port or (443 if url.scheme == "https" else 80))
        target = (url.path or "/") + (f"?{url.query}" if url.query else "")
        deadline = _Deadline(timeout)
        conn = self._connection(origin, timeout, deadline)
        deadline.start()
        reusable = False
        try:
            response, reusable = self._exchange(conn, request, target, timeout, deadline)
            return response
        finally:
            if deadline.stop():
                reusable = False
            if reusable:
                self._release(origin, conn)
            else:
                conn.close()  # type: ignore[attr-defined]

    def _connection(self, origin: tuple[str, str, int], timeout: float, deadline: _Deadline) -> _Watched:
        now = time.monotonic()
        while True:
            with self._lock:
                pool = self._idle.get(origin)
                taken = pool.pop() if pool else None
            if taken is None:
                break
            conn, since = taken
            sock = getattr(conn, "sock", None)
            if sock is not None and now - since < self._keep_alive and not _readable(sock):
                conn.deadline = deadline
                sock.settimeout(timeout)
                deadline.watch(sock)
                return conn
            conn.close()  # type: ignore[attr-defined]
        scheme, host, port = origin
        fresh: _Watched
        if scheme == "https":
            fresh = _WatchedHTTPS(host, port, timeout=timeout, context=self._ssl or ssl.create_default_context())
        else:
            fresh = _WatchedHTTP(host, port, timeout=timeout)
        fresh.deadline = deadline
        return fresh

    def _release(self, origin: tuple[str, str, int], conn: _Watched) -> None:
        with self._lock:
            pool = self._idle.setdefault(origin, [])
            if len(pool) < self._max_idle:
                pool.append((conn, time.monotonic()))
                return
        conn.close()  # type: ignore[attr-defined]

    def _exchange(self, conn: Any, request: Request, target: str, timeout: float, deadline: _Deadline) -> tuple[Response, bool]:
        try:
            names = {n.lower() for n, _ in request.headers}
            conn.putrequest(request.method, target, skip_host="host" in names, skip_accept_encoding=True)
            for name, value in request.headers:
                conn.putheader(name, value)
            if request.body is not None and "content-length" not in names:
                conn.putheader("Content-Length", str(len(request.body)))
            conn.endheaders(request.body)
        except (OSError, http.client.HTTPException) as e:
            # Raised while connecting or writing the request: it was not (completely) sent.
            reason = f"no connection within {timeout} s" if deadline.expired else f"could not send the request: {e}"
            raise TransportFailure(reason, maybe_sent=False) from e
        try:
            reply = conn.getresponse()
        except (OSError, http.client.HTTPException) as e:
            reason = f"no response within {timeout} s" if deadline.expired else f"no response: {e}"
            raise TransportFailure(reason, maybe_sent=True) from e
        status, headers = reply.status, list(reply.headers.items())
        try:
            body = _read(reply)
        except (OSError, http.client.HTTPException) as e:
            reason = f"the response was not complete within {timeout} s" if deadline.expired else f"the response was cut off: {e}"
            raise TransportFailure(reason, maybe_sent=True) from e
        if deadline.expired and reply.length is None and not reply.chunked:
            raise TransportFailure(f"the response was not complete within {timeout} s", maybe_sent=True)
        # Reused only when the body was read to its end and the server keeps the connection open.
        reusable = reply.isclosed() and not reply.will_close
        if not reply.isclosed():
            reply.close()
        return Response(status, headers, body), reusable


def _readable(sock: socket.socket) -> bool:
    """Whether an idle connection has something to read: the server closed it (or sent what it should
    not have). Either way it is not reused."""
    try:
        ready, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(ready)


def default_transport() -> Transport:
    """The transport a :class:`Client` uses when given none: :class:`PooledTransport`, or
    :class:`UrllibTransport` when the environment names a proxy (``HTTPS_PROXY``, ``HTTP_PROXY``), which
    urllib honours."""
    proxies = urllib.request.getproxies()
    if proxies.get("https") or proxies.get("http"):
        return UrllibTransport()
    return PooledTransport()
