"""The asyncio client: the calls of :class:`Client`, awaited.

The core drives each call exactly as for the sync client; this module awaits the transport and
``asyncio.sleep`` between attempts. Cancelling the task that awaits a call (``task.cancel()``,
``asyncio.timeout``, a web framework dropping a request) ends it at once: a wait between attempts or
between polls stops, and an exchange in flight closes its connection. A creation cancelled after its
request was written may have reached the server, as with any lost connection.
"""

from __future__ import annotations

import asyncio
import time
from types import TracebackType
from typing import Any, AsyncIterator, Awaitable, Callable, Mapping, Sequence

from . import _native, models
from .async_transport import AsyncioTransport, AsyncTransport
from .client import RetryPolicy, _callable, _Calls, _Key, _refuse
from .errors import from_report
from .payloads import Body
from .transport import TransportFailure

__all__ = ["AsyncClient"]


class AsyncClient(_Calls):
    """Calls the &Open API from asyncio code (FastAPI, Starlette, aiohttp, ...).

    Takes the options of :class:`Client`, checked the same way; ``transport`` is an
    :class:`AsyncTransport` (by default :class:`AsyncioTransport`, which keeps connections open between
    requests) and ``sleep`` an awaitable taking seconds. One client serves any number of tasks of one
    event loop. ``async with AsyncClient(...) as client:`` closes the pooled connections at the end
    (or call :meth:`aclose`)."""

    _kind = "AsyncClient"

    def __init__(
        self,
        api_key: str | None = None,
        *,
        environment: str | None = None,
        region: str | None = None,
        base_url: str | None = None,
        allow_custom_key: bool = False,
        retry_policy: RetryPolicy | None = None,
        transport: AsyncTransport | None = None,
        timeout: float = 30.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.time,
        jitter_seed: int | None = None,
        allow_key_in_browser: bool = False,
    ) -> None:
        key = _Key(api_key)
        del api_key  # from here on, only the redacted holder is in this frame (a traceback's locals)
        if transport is not None and not callable(getattr(transport, "send", None)):
            raise _refuse("transport", f"must have an async send(request, timeout) method ({type(transport).__name__} has none)")
        self._sleep: Callable[[float], Awaitable[None]] = _callable(sleep, "sleep")
        super().__init__(
            key,
            environment=environment,
            region=region,
            base_url=base_url,
            allow_custom_key=allow_custom_key,
            retry_policy=retry_policy,
            timeout=timeout,
            clock=clock,
            jitter_seed=jitter_seed,
            allow_key_in_browser=allow_key_in_browser,
        )
        self._transport: AsyncTransport = transport if transport is not None else AsyncioTransport()

    async def aclose(self) -> None:
        """Closes the default transport's pooled connections (a transport you passed is yours to close)."""
        if isinstance(self._transport, AsyncioTransport):
            await self._transport.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        await self.aclose()

    # --- the calls ---------------------------------------------------------------------------------------

    async def create_gift_request(self, params: Body) -> models.GiftRequest:
        """``POST /gift_requests``, as :meth:`Client.create_gift_request`: validated first, never sent
        twice when it may have reached the server (:class:`OutcomeUnknownError`)."""
        return models.gift_request_result(await self._run(self._create_call(params)))

    async def get_gift_request(self, id: str) -> models.GiftRequest:
        """``GET /gift_requests/{id}``."""
        return models.gift_request_result(await self._run(self._get_call(id)))

    async def get_campaign(self, id: str) -> models.Campaign:
        """``GET /campaigns/{id}``: the campaign with its catalogue."""
        return models.campaign_result(await self._run(self._campaign_call(id)))

    def list_campaigns(
        self,
        *,
        limit: int | None = None,
        after: str | None = None,
        extra_query: Mapping[str, str] | Sequence[tuple[str, str]] | None = None,
    ) -> AsyncIterator[models.Campaign]:
        """Every campaign, newest first: ``async for campaign in client.list_campaigns():``. The
        parameters are checked now (:class:`ValidationError`); pages are fetched as you iterate."""
        return self._campaigns(self.campaign_pages(limit=limit, after=after, extra_query=extra_query))

    def campaign_pages(
        self,
        *,
        limit: int | None = None,
        after: str | None = None,
        extra_query: Mapping[str, str] | Sequence[tuple[str, str]] | None = None,
    ) -> AsyncIterator[models.CampaignPage]:
        """Like :meth:`list_campaigns`, page by page."""
        return self._pages(self._campaign_pages(limit, after, extra_query))

    async def wait_for_redemption_url(self, id: str, *, interval: float = 2.0, timeout: float = 120.0) -> models.GiftRequest:
        """Polls the gift request every ``interval`` seconds until its redemption URL is set, for at most
        ``timeout`` seconds (:class:`WaitTimeoutError`); a cancelled gift request raises
        :class:`UnreachableError`. Cancelling the task stops the polling at once."""
        poller = self._poller(id, self._redemption_target(), interval, timeout)
        return models.gift_request_result(await self._run(poller))

    async def wait_for_status(self, id: str, status: str, *, interval: float = 5.0, timeout: float = 600.0) -> models.GiftRequest:
        """Polls the gift request until it reaches ``status`` or a later one on the way to delivery."""
        poller = self._poller(id, self._status_target(status), interval, timeout)
        return models.gift_request_result(await self._run(poller))

    # --- driving a call ----------------------------------------------------------------------------------

    async def _exchange(self, machine: Any, request: _native.HttpRequest) -> Any:
        try:
            response = await self._transport.send(self._request(request), self._timeout)
        except (TransportFailure, OSError) as failure:
            return self._failed(machine, failure)
        return self._answered(machine, response)

    async def _run(self, machine: Any) -> Any:
        while True:
            step = await self._exchange(machine, machine.request())
            if step.is_done():
                return step
            if step.is_wait():
                await self._sleep(step.delay_ms / 1000)
                continue
            raise from_report(step.error)

    async def _pages(self, pages: _native.CampaignPages) -> AsyncIterator[models.CampaignPage]:
        while (request := pages.request()) is not None:
            step = await self._exchange(pages, request)
            if step.is_done():
                yield models.page_result(step)
            elif step.is_wait():
                await self._sleep(step.delay_ms / 1000)
            else:
                raise from_report(step.error)

    @staticmethod
    async def _campaigns(pages: AsyncIterator[models.CampaignPage]) -> AsyncIterator[models.Campaign]:
        async for page in pages:
            for campaign in page.data:
                yield campaign
