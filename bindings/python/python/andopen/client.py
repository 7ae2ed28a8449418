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
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence, TypeVar

from . import _native, models
from .errors import ConfigError, from_core_error, from_report, unreadable_input
from .payloads import _MAX_BODY_BYTES, Body, create_body, encode
from .transport import Request, Transport, TransportFailure, checked_seconds, config_refused, default_transport, response_parts

__all__ = ["Client", "RetryPolicy", "default_retry_policy"]

@dataclass
class RetryPolicy:
    """When to send a request again. Start from :func:`default_retry_policy` and change what you need;
    each figure is checked (a whole number from 0 up) when a client is built with it."""

    max_attempts: int
    """Requests sent at most for one call, the first included."""
    base_delay_ms: int
    """The first wait between attempts, doubled at each further one (with jitter)."""
    max_delay_ms: int
    """The longest wait between attempts."""
    max_retry_after_ms: int
    """The longest ``Retry-After`` honoured: a longer one ends the call."""


def default_retry_policy() -> RetryPolicy:
    """The core's default retry policy (a copy: change what you need)."""
    p = _native.default_retry_policy()
    return RetryPolicy(p.max_attempts, p.base_delay_ms, p.max_delay_ms, p.max_retry_after_ms)


_ENVIRONMENTS = {"production": _native.Environment.PRODUCTION, "staging": _native.Environment.STAGING}
_REGIONS = {"us": _native.Region.US, "eu": _native.Region.EU}

T = TypeVar("T")


def _refuse(param: str, must: str) -> ConfigError:
    return config_refused(param, must)


def _choice(value: str | None, options: Mapping[str, T], param: str) -> T | None:
    if value is None:
        return None
    if isinstance(value, str) and value in options:
        return options[value]
    raise _refuse(param, "must be " + " or ".join(repr(k) for k in options))


def _flag(value: object, param: str) -> bool:
    if not isinstance(value, bool):
        raise _refuse(param, f"must be True or False, not {type(value).__name__}")
    return value


def _integer(value: object, param: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _refuse(param, f"must be an int, not {type(value).__name__}")
    if not low <= value <= high:
        raise _refuse(param, f"must be between {low} and {high}")
    return int(value)


_I32 = (-(2**31), 2**31 - 1)
_I64 = (-(2**63), 2**63 - 1)


def _policy(policy: object) -> _native.RetryPolicy | None:
    """A copy of the retry policy, each figure a whole number from 0 to what the core takes."""
    if policy is None:
        return None
    if not isinstance(policy, RetryPolicy):
        raise _refuse("retry_policy", f"must be an andopen.RetryPolicy (from default_retry_policy()), not {type(policy).__name__}")
    return _native.RetryPolicy(
        max_attempts=_integer(policy.max_attempts, "retry_policy.max_attempts", 0, _I32[1]),
        base_delay_ms=_integer(policy.base_delay_ms, "retry_policy.base_delay_ms", 0, _I64[1]),
        max_delay_ms=_integer(policy.max_delay_ms, "retry_policy.max_delay_ms", 0, _I64[1]),
        max_retry_after_ms=_integer(policy.max_retry_after_ms, "retry_policy.max_retry_after_ms", 0, _I64[1]),
    )


def _seconds(value: object, param: str) -> float:
    return checked_seconds(value, param)


def _callable(value: object, param: str) -> Any:
    if not callable(value):
        raise _refuse(param, f"must be callable, not {type(value).__name__}")
    return value


class _Key:
    """The API key on its way to the core: whatever prints it (a traceback's locals, a debugger) sees
    ``<redacted>``."""

    __slots__ = ("value",)

    def __init__(self, value: str | None) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "<redacted>" if self.value is not None else "None"

    __str__ = __repr__


def _running_in_browser() -> bool:
    """Whether this Python runs inside a web page (Pyodide and other Emscripten builds)."""
    return sys.platform == "emscripten"


class _Calls:
    """What the sync and the async client share: the configuration, checked once, and the start of every
    call on the core. A subclass drives the started calls through its transport."""

    _kind = "Client"

    def __init__(
        self,
        key: _Key,
        *,
        environment: str | None,
        region: str | None,
        base_url: str | None,
        allow_custom_key: bool,
        retry_policy: RetryPolicy | None,
        timeout: float,
        clock: Callable[[], float],
        jitter_seed: int | None,
        allow_key_in_browser: bool,
    ) -> None:
        _check_key(key)
        seed = secrets.randbits(63) if jitter_seed is None else _integer(jitter_seed, "jitter_seed", *_I64)
        config = _native.ClientConfig(
            environment=_choice(environment, _ENVIRONMENTS, "environment"),
            region=_choice(region, _REGIONS, "region"),
            base_url=_config_text(base_url, "base_url"),
            allow_custom_key=_flag(allow_custom_key, "allow_custom_key"),
            retry_policy=_policy(retry_policy),
            jitter_seed=seed,
            in_browser=_running_in_browser(),
            allow_key_in_browser=_flag(allow_key_in_browser, "allow_key_in_browser"),
        )
        self._timeout = _seconds(timeout, "timeout")
        self._clock: Callable[[], float] = _callable(clock, "clock")
        refused = None
        try:
            self._native = _native.Client(config, key.value)
        except _native.CoreError as e:  # pyright: ignore[reportGeneralTypeIssues] (the generated class is typed apart from Exception)
            refused = from_core_error(e)
        if refused is not None:
            raise refused  # outside the handler: the native exception (and its frames) are not its context

    @property
    def base_url(self) -> str:
        """Where requests go."""
        return self._native.base_url()

    def __repr__(self) -> str:
        native = getattr(self, "_native", None)
        if native is None:  # refused while being built (a traceback's locals show it so)
            return f"{self._kind}(<not configured>)"
        key = "with a key" if native.has_api_key() else "without a key"
        return f"{self._kind}({native.base_url()!r}, {key})"

    # --- starting each call on the core ------------------------------------------------------------------

    def _can_send(self) -> None:
        """The core's rule for a client that sends: without a key, nothing goes to the API's own URLs
        (:class:`ConfigError`, code ``missing_api_key``, param ``api_key``); a custom ``base_url`` (a
        backend that adds the key) may be sent to."""
        self._start(self._native.check_can_send)

    def _create_call(self, params: Body) -> _native.GiftRequestCall:
        self._can_send()
        native: object = params  # the generated record is taken too (internal: the tests build it)
        if isinstance(native, _native.NewGiftRequest):
            record = native
            return self._start(lambda: self._native.create_gift_request(record), "params")
        body = create_body(params)
        return self._start(lambda: self._native.create_gift_request_json(body))

    def _get_call(self, id: str) -> _native.GiftRequestCall:
        self._can_send()
        return self._start(lambda: self._native.get_gift_request(_text(id, "id")))

    def _campaign_call(self, id: str) -> _native.CampaignCall:
        self._can_send()
        return self._start(lambda: self._native.get_campaign(_text(id, "id")))

    def _campaign_pages(
        self,
        limit: int | None,
        after: str | None,
        extra_query: Mapping[str, str] | Sequence[tuple[str, str]] | None,
    ) -> _native.CampaignPages:
        self._can_send()
        params: dict[str, Any] = {"limit": limit, "after": after}
        if extra_query is not None:
            params["extra_query"] = _query_pairs(extra_query)
        # The parameters cross to the core as JSON, no larger than a create body may be (the query built
        # from them is at most a few times that).
        body = encode(params, None, limit=_MAX_BODY_BYTES)
        return self._start(lambda: self._native.list_campaigns_json(body))

    def _poller(self, id: str, target: _native.PollTarget, interval: float, timeout: float) -> _native.Poller:
        self._can_send()
        ms = _millis(interval, "interval"), _millis(timeout, "timeout")
        return self._start(lambda: self._native.wait_for_gift_request(_text(id, "id"), target, *ms))

    @staticmethod
    def _status_target(status: str) -> _native.PollTarget:
        # The generated variants are typed apart from their enum: reached through Any.
        targets: Any = _native.PollTarget
        target: _native.PollTarget = targets.STATUS(_native.gift_request_status_from_text(_text(status, "status")))
        return target

    @staticmethod
    def _redemption_target() -> _native.PollTarget:
        targets: Any = _native.PollTarget
        target: _native.PollTarget = targets.REDEMPTION_URL()
        return target

    @staticmethod
    def _start(start: Callable[[], T], param: str | None = None) -> T:
        """Starts a call on the core; its refusal becomes the package's exception. ``param`` names the
        typed record a host value is lowered from, when lowering it can fail."""
        refused: Exception | None = None
        try:
            return start()
        except _native.CoreError as e:  # pyright: ignore[reportGeneralTypeIssues] (the generated class is typed apart from Exception)
            refused = from_core_error(e)
        except (TypeError, ValueError) as e:  # a typed record holding a value of the wrong type
            if param is None:
                raise
            refused = unreadable_input(param, f"must hold values of the record's types ({e})")
        raise refused  # outside the handler: the internal exception is not its context

    # --- handing the transport's outcome to the core -----------------------------------------------------

    def _now_ms(self) -> int:
        """The clock, in Unix milliseconds (refused, naming ``clock``, when it does not give a finite number)."""
        now = self._clock()
        if isinstance(now, bool) or not isinstance(now, (int, float)) or not -1e15 < now < 1e15:
            raise _refuse("clock", f"must return Unix seconds as a finite number, not {now!r:.40}")
        return round(now * 1000)

    @staticmethod
    def _request(request: _native.HttpRequest) -> Request:
        return Request(request.method, request.url, [(h.name, h.value) for h in request.headers], request.body)

    def _failed(self, machine: Any, failure: TransportFailure | OSError) -> Any:
        """The core's step after no response came back. A transport that let a socket error through may
        have sent the request."""
        maybe_sent = failure.maybe_sent if isinstance(failure, TransportFailure) else True
        kind = _native.TransportFailure.MAYBE_SENT if maybe_sent else _native.TransportFailure.NOT_SENT
        return machine.handle_transport_failure(kind, self._now_ms())

    def _answered(self, machine: Any, response: object) -> Any:
        """The core's step after a response."""
        status, headers, body = response_parts(response)
        return machine.handle_response(status, headers, body, self._now_ms())


class Client(_Calls):
    """Calls the &Open API.

    The key (``ao-v1-{staging|production}-{secret}``) picks the environment; ``region="eu"`` selects the
    EU production deployment; ``base_url`` sends elsewhere (a local server, a custom deployment). A
    malformed key, a staging key against production (or the reverse) and a key over plain http to a
    host that is not this machine raise :class:`ConfigError` here, before anything is sent. Without a
    key, requests carry no ``Authorization`` header.

    One client serves any number of threads. For asyncio, use :class:`AsyncClient`.
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
        """``timeout`` bounds each exchange with the server, in seconds: connecting, sending, and reading the
        whole response (the default transport enforces it as one deadline). ``sleep`` takes seconds;
        ``clock`` returns Unix seconds. ``jitter_seed`` fixes the retry jitter (tests); by default it is
        random. Inside a web page (Pyodide) an API key is refused unless ``allow_key_in_browser`` is set:
        anyone who loads the page can read it.

        Every option is checked here: a value of the wrong type or out of range raises
        :class:`ConfigError` naming it, before anything is sent."""
        key = _Key(api_key)
        del api_key  # from here on, only the redacted holder is in this frame (a traceback's locals)
        if transport is not None and not callable(getattr(transport, "send", None)):
            raise _refuse("transport", f"must have a send(request, timeout) method ({type(transport).__name__} has none)")
        self._sleep: Callable[[float], None] = _callable(sleep, "sleep")
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
        self._transport: Transport = transport if transport is not None else default_transport()

    # --- the calls ---------------------------------------------------------------------------------------

    def create_gift_request(self, params: Body) -> models.GiftRequest:
        """``POST /gift_requests``: choice-mode, or direct-send with ``shipping_address`` and
        ``line_items``. The body is validated first (:class:`ValidationError`, nothing sent).

        A creation that may have reached the server (a 500, 502 or 504, a timeout after sending) is never
        sent again: it raises :class:`OutcomeUnknownError` with the request id, for you to reconcile.
        """
        return models.gift_request_result(self._run(self._create_call(params)))

    def get_gift_request(self, id: str) -> models.GiftRequest:
        """``GET /gift_requests/{id}``."""
        return models.gift_request_result(self._run(self._get_call(id)))

    def get_campaign(self, id: str) -> models.Campaign:
        """``GET /campaigns/{id}``: the campaign with its catalogue."""
        return models.campaign_result(self._run(self._campaign_call(id)))

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
        return self._pages(self._campaign_pages(limit, after, extra_query))

    def wait_for_redemption_url(self, id: str, *, interval: float = 2.0, timeout: float = 120.0) -> models.GiftRequest:
        """Polls the gift request every ``interval`` seconds until its redemption URL is set, for at most
        ``timeout`` seconds (:class:`WaitTimeoutError`); a cancelled gift request raises
        :class:`UnreachableError`."""
        poller = self._poller(id, self._redemption_target(), interval, timeout)
        return models.gift_request_result(self._run(poller))

    def wait_for_status(self, id: str, status: str, *, interval: float = 5.0, timeout: float = 600.0) -> models.GiftRequest:
        """Polls the gift request until it reaches ``status`` (``redeemed``, ``dispatched``,
        ``delivered``, ...) or a later one on the way to delivery."""
        poller = self._poller(id, self._status_target(status), interval, timeout)
        return models.gift_request_result(self._run(poller))

    # --- driving a call ----------------------------------------------------------------------------------

    def _exchange(self, machine: Any, request: _native.HttpRequest) -> Any:
        """Sends one request and hands the outcome to the core; returns the core's step."""
        try:
            response = self._transport.send(self._request(request), self._timeout)
        except (TransportFailure, OSError) as failure:
            return self._failed(machine, failure)
        return self._answered(machine, response)

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
                yield models.page_result(step)
            elif step.is_wait():
                self._sleep(step.delay_ms / 1000)
            else:
                raise from_report(step.error)


def _text(value: object, param: str) -> str:
    if not isinstance(value, str):
        raise unreadable_input(param, f"must be a string, not {type(value).__name__}")
    if (at := _lone_surrogate_at(value)) is not None:
        raise unreadable_input(param, f"must be Unicode text: it holds a lone surrogate at character {at}")
    return str(value)


def _check_key(key: _Key) -> None:
    """Refuses a key that is not text, naming ``api_key``; no frame it raises from holds the key."""
    if key.value is None:
        return
    if not isinstance(key.value, str):
        raise _refuse("api_key", f"must be a string, not {type(key.value).__name__}")
    if _lone_surrogate_at(key.value) is not None:
        raise _refuse("api_key", "must be Unicode text (it holds a lone surrogate)")
    key.value = str(key.value)


def _lone_surrogate_at(text: str) -> int | None:
    """Where ``text``'s first lone surrogate is (which no UTF-8 can carry), or ``None``. The encoder's error,
    which holds the whole text (an API key, say), ends here."""
    if text.isascii():
        return None
    try:
        text.encode()
    except UnicodeEncodeError as e:
        return e.start
    return None


def _config_text(value: object, param: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _refuse(param, f"must be a string, not {type(value).__name__}")
    if _lone_surrogate_at(value) is not None:
        raise _refuse(param, "must be Unicode text (it holds a lone surrogate)")
    return str(value)


def _query_pairs(extra_query: object) -> Any:  # pyright: ignore[reportUnknownParameterType]
    """``extra_query`` as the JSON encoder takes it (an object of texts, or a list of ``[name, value]``
    pairs), copied only when it is an iterator: its size is checked before it is written."""
    if isinstance(extra_query, (Mapping, list, tuple)):
        return extra_query  # pyright: ignore[reportUnknownVariableType]
    if isinstance(extra_query, (str, bytes)) or not isinstance(extra_query, Iterable):
        raise unreadable_input("extra_query", f"must be a dict or a list of (name, value) pairs, not {type(extra_query).__name__}")
    try:
        return list(extra_query)  # pyright: ignore[reportUnknownArgumentType, reportUnknownVariableType]
    except Exception as e:
        raise unreadable_input("extra_query", f"could not be read ({type(e).__name__}: {str(e)[:200]})") from None


_MAX_MS = 2**63 - 1


def _millis(seconds: float, param: str) -> int:
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or (isinstance(seconds, float) and not math.isfinite(seconds)):
        raise unreadable_input(param, "must be a finite number of seconds")
    return max(-_MAX_MS, min(_MAX_MS, int(seconds * 1000)))  # the core refuses negatives, naming them
