"""How requests reach the network: a small protocol any HTTP library can implement, and the default
implementation on the standard library (:mod:`urllib.request`).

A transport sends exactly the request it is given and returns what came back, whatever the status: it
never retries, never follows redirects and never judges a response (the core does all of that). When
nothing came back it raises :class:`TransportFailure`, saying whether the request may have reached the
server: that one fact decides whether a gift creation may be sent again.

To plug in another library, implement ``send``::

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
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Protocol, Union, runtime_checkable

__all__ = ["Request", "Response", "Transport", "TransportFailure", "UrllibTransport"]

HeaderPairs = Union[Mapping[str, str], Iterable[tuple[str, str]]]


@dataclass(frozen=True)
class Request:
    """A request exactly as the core built it: send it as is."""

    method: str
    """``GET`` or ``POST``."""
    url: str
    """The absolute URL, query included."""
    headers: list[tuple[str, str]]
    """The headers, in order (the API key among them when the client has one)."""
    body: bytes | None
    """The body, for a POST."""

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
    """What came back: the status, the headers as received, and the body bytes (possibly empty)."""

    status: int
    headers: HeaderPairs = field(default_factory=list)
    body: bytes = b""

    def header_pairs(self) -> list[tuple[str, str]]:
        """The headers as ``(name, value)`` pairs, in order."""
        items = self.headers.items() if isinstance(self.headers, Mapping) else self.headers
        return [(str(n), str(v)) for n, v in items]


class TransportFailure(Exception):
    """Raised by a transport when no response came back.

    ``maybe_sent`` is ``False`` when the request certainly never left the machine (connection refused,
    name not resolved, TLS setup failed) and ``True`` when it may have reached the server (a timeout, the
    connection lost after sending). When unsure, say ``True``: a gift creation is then never replayed.
    """

    def __init__(self, message: str, *, maybe_sent: bool) -> None:
        super().__init__(message)
        self.maybe_sent = maybe_sent


@runtime_checkable
class Transport(Protocol):
    """Sends one request and returns the response, whatever its status."""

    def send(self, request: Request, timeout: float) -> Response:
        """Send ``request``, waiting at most ``timeout`` seconds; raise :class:`TransportFailure` when no
        response came back."""
        ...


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None  # the 3xx reaches the core as it is


class UrllibTransport:
    """The default transport, on :mod:`urllib.request`: no dependency, proxies from the environment,
    certificates from the system (or the ``ssl_context`` you pass)."""

    def __init__(self, *, ssl_context: ssl.SSLContext | None = None) -> None:
        handlers: list[urllib.request.BaseHandler] = [_NoRedirects()]
        if ssl_context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=ssl_context))
        self._opener = urllib.request.build_opener(*handlers)

    def send(self, request: Request, timeout: float) -> Response:
        req = urllib.request.Request(request.url, data=request.body, method=request.method)
        for name, value in request.headers:
            req.add_header(name, value)
        try:
            reply = self._opener.open(req, timeout=timeout)
        except urllib.error.HTTPError as e:
            # A response with a non-2xx status: a response all the same.
            with e:
                return Response(e.code, list(e.headers.items()), _read(e, maybe_sent=True))
        except urllib.error.URLError as e:
            # Raised while connecting or writing the request: it was not (completely) sent.
            raise TransportFailure(f"could not send the request: {e.reason}", maybe_sent=False) from e
        except (OSError, http.client.HTTPException) as e:
            # Raised while waiting for the answer (timeout, connection reset): it may have arrived.
            raise TransportFailure(f"no response: {e}", maybe_sent=True) from e
        with reply:
            return Response(reply.status, list(reply.headers.items()), _read(reply, maybe_sent=True))


def _read(stream: object, *, maybe_sent: bool) -> bytes:
    try:
        return stream.read()  # type: ignore[attr-defined, no-any-return]
    except http.client.IncompleteRead as e:
        return bytes(e.partial)  # cut short: the core reports it as unreadable, with the status
    except (OSError, http.client.HTTPException) as e:
        raise TransportFailure(f"the response was cut off: {e}", maybe_sent=maybe_sent) from e
