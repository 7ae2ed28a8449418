"""An async transport on httpx, for services that already use it (``pip install "andopen[httpx]"``)::

    async with httpx.AsyncClient() as http:
        client = andopen.AsyncClient(key, transport=HttpxTransport(http))

It holds the bounds of the default transport: one deadline over the whole exchange, a body read up to
``MAX_RESPONSE_BYTES + 1`` bytes and no further, redirects never followed, and the request's
``maybe_sent`` told apart (a connection that never opened was not sent; anything after may have been).
Connections are httpx's pool; its proxies from the environment apply (``trust_env``).
"""

from __future__ import annotations

import asyncio

import httpx

from . import _native
from .transport import Request, Response, TransportFailure

__all__ = ["HttpxTransport"]

_MAX_RESPONSE_BYTES: int = _native.limits().max_response_bytes


class HttpxTransport:
    """Sends each request with the ``httpx.AsyncClient`` you pass (closing it is yours)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        if not isinstance(client, httpx.AsyncClient):
            raise TypeError(f"client: must be an httpx.AsyncClient, not {type(client).__name__}")
        self._client = client

    async def send(self, request: Request, timeout: float) -> Response:
        try:
            return await asyncio.wait_for(self._exchange(request, timeout), timeout)
        except asyncio.TimeoutError:
            raise TransportFailure(f"no complete response within {timeout} s", maybe_sent=True) from None
        except (httpx.ConnectError, httpx.ConnectTimeout) as e:
            raise TransportFailure(f"could not connect: {e}", maybe_sent=False) from None
        except httpx.TransportError as e:
            raise TransportFailure(f"no complete response: {type(e).__name__}: {e}", maybe_sent=True) from None

    async def _exchange(self, request: Request, timeout: float) -> Response:
        # The body is read as sent (never decompressed: a small compressed body cannot grow past the
        # limit in memory), so none is asked for.
        headers = [*request.headers, ("Accept-Encoding", "identity")]
        sent = self._client.build_request(request.method, request.url, headers=headers, content=request.body, timeout=timeout)
        reply = await self._client.send(sent, stream=True, follow_redirects=False)
        try:
            limit = _MAX_RESPONSE_BYTES + 1
            parts: list[bytes] = []
            got = 0
            async for chunk in reply.aiter_raw():
                parts.append(chunk[: limit - got])
                got += len(parts[-1])
                if got >= limit:
                    break  # over the limit: the rest is never read
            headers = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in reply.headers.raw]
            return Response(reply.status_code, headers, b"".join(parts))
        finally:
            await reply.aclose()
