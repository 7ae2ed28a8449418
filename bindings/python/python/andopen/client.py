"""The client: the calls of the &Open API, each driven to its end through a transport.

The core builds every request and decides what each response means (done, wait and send again, or
failed); this module only carries requests to the transport, responses back to the core, and sleeps when
the core says so. ``sleep`` and ``clock`` are injectable, so tests run without waiting.
"""

from __future__ import annotations

import math
import secrets
import sys
import time
from typing import Any, Callable, Iterator, Mapping, Sequence, TypeVar

from . import _native, models
from .errors import AndOpenError, ConfigError, from_core_error, from_report, unreadable_input
from .payloads import Body, encode
from .transport import Request, Response, Transport, TransportFailure, UrllibTransport

__all__ = ["Client", "RetryPolicy", "default_retry_policy"]

RetryPolicy = _native.RetryPolicy
"""When to send a request again: ``max_attempts``, ``base_delay_ms``, ``max_delay_ms``,
``max_retry_after_ms``. Start from :func:`default_retry_policy`."""


def default_retry_policy() -> RetryPolicy:
    """The core's default retry policy (a copy: change what you need)."""
    return _native.default_retry_policy()


_ENVIRONMENTS = {"production": _native.Environment.PRODUCTION, "staging": _native.Environment.STAGING}
_REGIONS = {"us": _native.Region.US, "eu": _native.Region.EU}

T = TypeVar("T")


def _choice(value: str | None, options: Mapping[str, T], param: str) -> T | None:
    if value is None:
        return None
    try:
        return options[value]
    except (KeyError, TypeError):
        names = " or ".join(repr(k) for k in options)
        raise ConfigError(f"configuration refused: {param} must be {names}", kind="config", param=param) from None


def _running_in_browser() -> bool:
    """Whether this Python runs inside a web page (Pyodide and other Emscripten builds)."""
    return sys.platform == "emscripten"


class Client:
    """Calls the &Open API.

    The key (``ao-v1-{staging|production}-{secret}``) picks the environment; ``region="eu"`` selects the
    EU production deployment; ``base_url`` sends elsewhere (a local server, a custom deployment). A
    malformed key, a staging key against production (or the reverse) and a key over plain http to a
    host that is not this machine raise :class:`ConfigError` here, before anything is sent. Without a
    key, requests carry no ``Authorization`` header.

    One client serves any number of threads (the default transport opens a connection per request).
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        environment: str | None = None,
        region: str | None = None,
        base_url: str | None = None,
        allow_custom_key: bool = False,
        retry_policy: RetryPolicy | None = None,
        transport: Transport | None = None,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        jitter_seed: int | None = None,
        allow_key_in_browser: bool = False,
    ) -> None:
        """``timeout`` is per request, in seconds. ``sleep`` takes seconds; ``clock`` returns Unix seconds.
        ``jitter_seed`` fixes the retry jitter (tests); by default it is random. Inside a web page (Pyodide)
        an API key is refused unless ``allow_key_in_browser`` is set: anyone who loads the page can read it."""
        seed = secrets.randbits(63) if jitter_seed is None else jitter_seed
        key = _config_text(api_key, "api_key")
        config = _native.ClientConfig(
            environment=_choice(environment, _ENVIRONMENTS, "environment"),
            region=_choice(region, _REGIONS, "region"),
            base_url=_config_text(base_url, "base_url"),
            allow_custom_key=bool(allow_custom_key),
            retry_policy=retry_policy,
            jitter_seed=seed,
            in_browser=_running_in_browser(),
            allow_key_in_browser=bool(allow_key_in_browser),
        )
        try:
            self._native = _native.Client(config, key)
        except _native.CoreError as e:
            raise from_core_error(e) from None
        self._transport: Transport = transport if transport is not None else UrllibTransport()
        self._timeout = timeout
        self._sleep = sleep
        self._clock = clock

    @property
    def base_url(self) -> str:
        """Where requests go."""
        return self._native.base_url()

    def __repr__(self) -> str:
        key = "with a key" if self._native.has_api_key() else "without a key"
        return f"Client({self.base_url!r}, {key})"

    # --- the calls ---------------------------------------------------------------------------------------

    def create_gift_request(self, params: Body | _native.NewGiftRequest) -> models.GiftRequest:
        """``POST /gift_requests``: choice-mode, or direct-send with ``shipping_address`` and
        ``line_items``. The body is validated first (:class:`ValidationError`, nothing sent).

        A creation that may have reached the server (a 500, 502 or 504, a timeout after sending) is never
        sent again: it raises :class:`OutcomeUnknownError` with the request id, for you to reconcile.
        """
        if isinstance(params, _native.NewGiftRequest):
            call = self._start(lambda: self._native.create_gift_request(params))
        else:
            body = encode(params)
            call = self._start(lambda: self._native.create_gift_request_json(body))
        return models.gift_request(self._run(call).gift_request)

    def get_gift_request(self, id: str) -> models.GiftRequest:
        """``GET /gift_requests/{id}``."""
        call = self._start(lambda: self._native.get_gift_request(_text(id, "id")))
        return models.gift_request(self._run(call).gift_request)

    def get_campaign(self, id: str) -> models.Campaign:
        """``GET /campaigns/{id}``: the campaign with its catalogue."""
        call = self._start(lambda: self._native.get_campaign(_text(id, "id")))
        return models.campaign(self._run(call).campaign)

    def list_campaigns(
        self,
        *,
        limit: int | None = None,
        after: str | None = None,
        extra_query: Mapping[str, str] | Sequence[tuple[str, str]] | None = None,
    ) -> Iterator[models.Campaign]:
        """Every campaign, newest first, page after page (``limit`` per page). The parameters are checked
        now (:class:`ValidationError`); pages are fetched as you iterate. ``extra_query`` carries the
        sort and filter parameters the API does not name, sent untouched."""
        pages = self.campaign_pages(limit=limit, after=after, extra_query=extra_query)
        return (campaign for page in pages for campaign in page.data)

    def campaign_pages(
        self,
        *,
        limit: int | None = None,
        after: str | None = None,
        extra_query: Mapping[str, str] | Sequence[tuple[str, str]] | None = None,
    ) -> Iterator[models.CampaignPage]:
        """Like :meth:`list_campaigns`, page by page."""
        params: dict[str, Any] = {"limit": limit, "after": after}
        if extra_query is not None:
            params["extra_query"] = dict(extra_query) if isinstance(extra_query, Mapping) else [list(p) for p in extra_query]
        body = encode(params, "params")
        pages = self._start(lambda: self._native.list_campaigns_json(body))
        return self._pages(pages)

    def wait_for_redemption_url(self, id: str, *, interval: float = 2.0, timeout: float = 120.0) -> models.GiftRequest:
        """Polls the gift request every ``interval`` seconds until its redemption URL is set, for at most
        ``timeout`` seconds (:class:`WaitTimeoutError`); a cancelled gift request raises
        :class:`UnreachableError`."""
        return self._wait(id, _native.PollTarget.REDEMPTION_URL(), interval, timeout)

    def wait_for_status(self, id: str, status: str, *, interval: float = 5.0, timeout: float = 600.0) -> models.GiftRequest:
        """Polls the gift request until it reaches ``status`` (``redeemed``, ``dispatched``,
        ``delivered``, ...) or a later one on the way to delivery."""
        target = _native.PollTarget.STATUS(_native.gift_request_status_from_text(_text(status, "status")))
        return self._wait(id, target, interval, timeout)

    # --- driving a call ----------------------------------------------------------------------------------

    def _wait(self, id: str, target: _native.PollTarget, interval: float, timeout: float) -> models.GiftRequest:
        ms = _millis(interval, "interval"), _millis(timeout, "timeout")
        poller = self._start(lambda: self._native.wait_for_gift_request(_text(id, "id"), target, *ms))
        return models.gift_request(self._run(poller).gift_request)

    @staticmethod
    def _start(start: Callable[[], T]) -> T:
        try:
            return start()
        except _native.CoreError as e:
            raise from_core_error(e) from None

    def _now_ms(self) -> int:
        return int(self._clock() * 1000)

    def _exchange(self, machine: Any, request: _native.HttpRequest) -> Any:
        """Sends one request and hands the outcome to the core; returns the core's step."""
        sent = Request(request.method, request.url, [(h.name, h.value) for h in request.headers], request.body)
        try:
            response = self._transport.send(sent, self._timeout)
        except TransportFailure as failure:
            kind = _native.TransportFailure.MAYBE_SENT if failure.maybe_sent else _native.TransportFailure.NOT_SENT
            return machine.handle_transport_failure(kind, self._now_ms())
        if not isinstance(response, Response):
            raise TypeError(f"a transport must return andopen.Response, not {type(response).__name__}")
        headers = [_native.Header(name=n, value=v) for n, v in response.header_pairs()]
        return machine.handle_response(response.status, headers, bytes(response.body), self._now_ms())

    def _run(self, machine: Any) -> Any:
        """Drives a call (or a poll) to its end: returns the ``Done`` step, raises on ``Failed``."""
        while True:
            step = self._exchange(machine, machine.request())
            if step.is_done():
                return step
            if step.is_wait():
                self._sleep(step.delay_ms / 1000)
                continue
            raise from_report(step.error)

    def _pages(self, pages: _native.CampaignPages) -> Iterator[models.CampaignPage]:
        while (request := pages.request()) is not None:
            step = self._exchange(pages, request)
            if step.is_done():
                yield models.campaign_page(step.page)
            elif step.is_wait():
                self._sleep(step.delay_ms / 1000)
            else:
                raise from_report(step.error)


def _text(value: object, param: str) -> str:
    if not isinstance(value, str):
        raise unreadable_input(param, f"must be a string, not {type(value).__name__}")
    return value


def _config_text(value: object, param: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"configuration refused: {param} must be a string", kind="config", param=param)
    return value


def _millis(seconds: float, param: str) -> int:
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds):
        raise unreadable_input(param, "must be a finite number of seconds")
    return int(seconds * 1000)
