"""The API key on no printable surface: ``print``, ``repr``/``str``, ``vars``/``inspect``, ``pprint``,
JSON of what JSON takes, exception text and tracebacks (with their frames' locals), for every public
object a caller can hold (the client, its options, results, exceptions, the request a transport is
handed) and the native objects reachable from them."""

from __future__ import annotations

import inspect
import io
import json
import pprint
import traceback
from typing import Any, Iterator

import pytest

import andopen
from andopen import _native
from fakes import CAMPAIGN_ID, GIFT_ID, REQUEST_ID, FakeTransport, choice_mode, gift, reply

# The secret part of the key; kept at module level so that no test frame's locals hold it.
SECRET = "k3y5ecr3tXYZ"
PRODUCTION_KEY = f"ao-v1-production-{SECRET}"
STAGING_KEY = f"ao-v1-staging-{SECRET}"


def surfaces(value: Any) -> Iterator[str]:
    """Every way a value is commonly printed or inspected."""
    yield repr(value)
    yield str(value)
    yield f"{value!r} {value!s}"
    buffer = io.StringIO()
    print(value, file=buffer)
    yield buffer.getvalue()
    yield pprint.pformat(value)
    try:
        yield pprint.pformat(vars(value))
    except TypeError:
        pass
    for name, member in inspect.getmembers(value):
        if not name.startswith("__"):
            try:
                yield f"{name}={member!r}"
            except Exception:  # a member with no repr is no surface
                pass
    try:
        yield json.dumps(value, default=repr)
    except (TypeError, ValueError):
        pass
    if isinstance(value, BaseException):
        yield "".join(traceback.format_exception(value))
        yield "".join(traceback.TracebackException.from_exception(value, capture_locals=True).format())
        yield repr(value.args)


def assert_no_key(*values: Any) -> None:
    for value in values:
        for text in surfaces(value):
            assert SECRET not in text, f"the key is printed by {type(value).__name__}: {text[:300]}"


def caught(call: Any) -> BaseException:
    try:
        call()
    except BaseException as e:  # noqa: BLE001
        return e
    raise AssertionError("nothing was raised")


def test_the_client_and_its_native_parts_never_print_the_key() -> None:
    client = andopen.Client(PRODUCTION_KEY, transport=FakeTransport(), retry_policy=andopen.default_retry_policy())
    assert_no_key(client, client._native, *vars(client).values())
    assert "with a key" in repr(client)


def test_the_configuration_record_holds_no_key() -> None:
    # The issue: `str(_native.ClientConfig(...))` printed the key. The key is no field of it any more.
    config = _native.ClientConfig(base_url="https://api.andopen.co")
    assert not any("key" in name and "allow" not in name for name in vars(config))
    assert_no_key(config)


def test_the_request_a_transport_is_handed_prints_the_key_redacted_and_sends_it_whole() -> None:
    transport = FakeTransport(reply(201, gift()))
    andopen.Client(PRODUCTION_KEY, transport=transport).create_gift_request(choice_mode())
    (request,) = transport.requests
    assert_no_key(request)
    for headers in (request.headers, dict(request.headers)):  # printed; JSON of them is the key a transport sends
        assert all(SECRET not in text for text in (repr(headers), str(headers), pprint.pformat(headers)))
    assert "<redacted>" in repr(request) and "<redacted>" in repr(request.headers)
    # What a transport sends is the key itself.
    assert request.header("Authorization") == f"Bearer {PRODUCTION_KEY}"
    assert f"{request.header('Authorization')}".encode("latin-1") == f"Bearer {PRODUCTION_KEY}".encode()


def test_results_never_print_the_key() -> None:
    transport = FakeTransport(reply(201, gift()), reply(200, {"data": [], "has_more": False}))
    client = andopen.Client(PRODUCTION_KEY, transport=transport)
    created = client.create_gift_request(choice_mode())
    pages = list(client.campaign_pages())
    assert_no_key(created, created.recipient, pages, andopen.default_retry_policy())


@pytest.mark.parametrize(
    "make",
    [
        lambda: andopen.Client(STAGING_KEY, environment="production"),  # a staging key against production
        lambda: andopen.Client(PRODUCTION_KEY, base_url="http://example.com"),  # the key over plain http
        lambda: andopen.Client(PRODUCTION_KEY, environment="staging"),
        lambda: andopen.Client(PRODUCTION_KEY, timeout="soon"),  # type: ignore[arg-type]
        lambda: andopen.Client(PRODUCTION_KEY + "\ud800"),
    ],
)
def test_a_refused_configuration_never_prints_the_key_not_even_in_traceback_locals(make: Any) -> None:
    error = caught(make)
    assert isinstance(error, andopen.ConfigError)
    assert error.__context__ is None or not isinstance(error.__context__, _native.CoreError)
    assert_no_key(error)


@pytest.mark.parametrize(
    "answer",
    [
        # A server that echoes the whole key, in every text it returns: the core redacts it.
        reply(401, {"errors": [{"type": "authentication_error", "code": "invalid_token", "message": f"bad token {PRODUCTION_KEY}"}]}),
        reply(400, {"errors": [{"type": f"odd {PRODUCTION_KEY}", "code": f"odd {PRODUCTION_KEY}", "message": PRODUCTION_KEY, "param": PRODUCTION_KEY}]}),
        andopen.Response(201, [("Request-Id", REQUEST_ID)], f'{{"id": "{PRODUCTION_KEY}"'.encode()),
        reply(500),
        reply(422, {"errors": [{"type": "validation_error", "code": "invalid", "message": "no", "param": "campaign_id"}]}),
        andopen.Response(201, [("Request-Id", REQUEST_ID)], b"{"),
        andopen.Response(65_736, [], b""),
        andopen.TransportFailure("connection reset", maybe_sent=True),
    ],
)
def test_every_failure_of_a_call_never_prints_the_key(answer: Any) -> None:
    client = andopen.Client(PRODUCTION_KEY, transport=FakeTransport(answer), sleep=lambda s: None)
    error = caught(lambda: client.create_gift_request(choice_mode()))
    assert isinstance(error, andopen.AndOpenError)
    assert_no_key(error, error.errors)


def test_a_server_message_echoing_the_key_is_shown_redacted() -> None:
    answer = reply(401, {"errors": [{"type": "authentication_error", "code": "invalid_token", "message": f"bad token {PRODUCTION_KEY}"}]})
    client = andopen.Client(PRODUCTION_KEY, transport=FakeTransport(answer), sleep=lambda s: None)
    error = caught(lambda: client.get_gift_request(GIFT_ID))
    assert isinstance(error, andopen.AndOpenError)
    assert "bad token [redacted]" in str(error)


def test_refused_input_never_prints_the_key() -> None:
    client = andopen.Client(PRODUCTION_KEY, transport=FakeTransport())
    for call in (
        lambda: client.create_gift_request({"campaign_id": CAMPAIGN_ID, "recipient": {"first_name": float("nan")}}),
        lambda: client.get_gift_request("not-an-id"),
        lambda: client.wait_for_status(GIFT_ID, "delivered", interval=float("inf")),
        lambda: andopen.Client(PRODUCTION_KEY, transport=FakeTransport(andopen.Response("200"))).get_gift_request(GIFT_ID),  # type: ignore[arg-type]
    ):
        assert_no_key(caught(call))
