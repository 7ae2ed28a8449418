"""Hostile input on every public function of the package (bodies, the client, its options, transports'
answers): host-type oddities and sizes a server would refuse. Whatever comes in, what goes out is an
answer, one of the package's own exceptions naming the field, or (for a value of the wrong host type
where Python expects one) a ``TypeError`` naming it; never an internal UniFFI exception, a raw
``UnicodeEncodeError``, a crash or a hang; and a size over the core's limits costs time and memory
bounded by the limit, not by the input."""

from __future__ import annotations

import math
import time
import tracemalloc
from collections.abc import Iterator, Mapping
from typing import Any, Callable

import pytest

import andopen
from andopen import _native
from fakes import CAMPAIGN_ID, GIFT_ID, KEY, REQUEST_ID, FakeTransport, choice_mode, client, direct_send, gift, reply

LIMITS = _native.limits()


# --- odd values ---------------------------------------------------------------------------------------


class DictSubclass(dict):  # type: ignore[type-arg]
    pass


class RaisingItems(dict):  # type: ignore[type-arg]
    """A dict whose items() raises (the JSON encoder reads a dict subclass through it)."""

    def items(self) -> Any:
        raise RuntimeError("items exploded")


class RaisingMapping(Mapping[str, Any]):
    """A mapping whose __getitem__ raises."""

    def __getitem__(self, key: str) -> Any:
        raise KeyError("getitem exploded")

    def __iter__(self) -> Iterator[str]:
        return iter(["campaign_id"])

    def __len__(self) -> int:
        return 1


class RaisingIter:
    """An iterable whose __iter__ raises."""

    def __iter__(self) -> Iterator[Any]:
        raise RuntimeError("iter exploded")


class Opaque:
    def __repr__(self) -> str:
        return "Opaque()"


def ident(value: Any) -> str:
    """A test id for any value (some have no repr: an int of 5,000 digits)."""
    try:
        return repr(value)[:40]
    except Exception:
        return type(value).__name__


def raising_generator() -> Iterator[Any]:
    yield choice_mode()
    raise RuntimeError("generator exploded")


# Values JSON cannot hold: each is a problem at its field, named.
UNWRITABLE: dict[str, Any] = {
    "nan": math.nan,
    "inf": math.inf,
    "-inf": -math.inf,
    "lone surrogate": "Ann\ud800",
    "huge int": 10**5000,
    "bytes": b"Ann",
    "bytearray": bytearray(b"Ann"),
    "set": {1, 2},
    "object": Opaque(),
    "function": len,
    "raising items": RaisingItems(a=1),
    "raising getitem": RaisingMapping(),
}

# Values JSON holds but the contract refuses (or accepts): the core judges them.
WRITABLE: dict[str, Any] = {
    "None": None,
    "True": True,
    "False": False,
    "0": 0,
    "-1": -1,
    "2**64": 2**64,
    "-0.0": -0.0,
    "1e308": 1e308,
    "empty": "",
    "tuple": ("a", "b"),
    "dict subclass": DictSubclass(first_name="Ann"),
    "empty dict": {},
    "empty list": [],
}

FIELDS = [
    ("campaign_id",),
    ("recipient", "first_name"),
    ("recipient", "email"),
    ("shipping_address", "country_code"),
    ("line_items", 0, "quantity"),
    ("line_items", 0, "sku"),
    ("note",),  # a field the SDK does not model
]


def param_of(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def body_with(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    body: Any = direct_send()
    body["note"] = "x"
    at = body
    for part in path[:-1]:
        at = at[part]
    at[path[-1]] = value
    return body  # type: ignore[no-any-return]


def own_error(call: Callable[[], Any]) -> BaseException | None:
    """Runs ``call``; returns what it raised (``None`` when it returned), failing on a foreign exception."""
    try:
        call()
    except (andopen.AndOpenError, TypeError) as e:
        assert not isinstance(e, _native.CoreError), repr(e)
        return e
    except BaseException as e:  # noqa: BLE001 - anything else is the failure under test
        pytest.fail(f"raised {type(e).__module__}.{type(e).__name__}: {str(e)[:200]}")
    return None


# --- bodies -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FIELDS, ids=param_of)
@pytest.mark.parametrize("name", list(UNWRITABLE))
def test_a_value_json_cannot_hold_is_a_problem_at_its_field_in_every_function(path: tuple[Any, ...], name: str) -> None:
    body = body_with(path, UNWRITABLE[name])
    param = param_of(path)

    [problem] = andopen.validate_gift_request(body)
    assert (problem.type, problem.code, problem.param) == ("validation_error", "invalid_format", param), problem

    raised = own_error(lambda: andopen.gift_request_body(body))
    assert isinstance(raised, andopen.ValidationError) and raised.param == param and raised.errors == [problem]
    assert param in str(raised)

    checked = andopen.validate_gift_requests([direct_send(), body, direct_send()])
    assert checked == [[], [problem], []]
    built = andopen.gift_request_bodies([direct_send(), body, direct_send()])
    assert isinstance(built[0], bytes) and isinstance(built[2], bytes)
    assert isinstance(built[1], andopen.ValidationError) and built[1].param == param

    transport = FakeTransport()
    raised = own_error(lambda: client(transport).create_gift_request(body))
    assert isinstance(raised, andopen.ValidationError) and raised.param == param
    assert transport.requests == []  # nothing sent


@pytest.mark.parametrize("path", FIELDS, ids=param_of)
@pytest.mark.parametrize("name", list(WRITABLE))
def test_a_value_json_holds_is_judged_by_the_core_alone(path: tuple[Any, ...], name: str) -> None:
    body = body_with(path, WRITABLE[name])
    problems = andopen.validate_gift_request(body)
    assert all(isinstance(p, andopen.FieldError) for p in problems)
    built = own_error(lambda: andopen.gift_request_body(body))
    if problems:
        assert isinstance(built, andopen.ValidationError) and built.errors == problems
    else:
        assert built is None
    assert andopen.validate_gift_requests([body]) == [problems]


def test_nan_in_a_batch_no_longer_escapes_as_an_internal_error() -> None:
    # The issue: a row with NaN raised `CoreError.Refused: report=ErrorReport()` from the batch functions.
    rows = [direct_send(), body_with(("line_items", 0, "quantity"), math.nan)]
    checked = andopen.validate_gift_requests(rows)
    assert checked[0] == [] and [p.param for p in checked[1]] == ["line_items[0].quantity"]
    assert "finite number" in checked[1][0].message
    built = andopen.gift_request_bodies(rows)
    assert isinstance(built[1], andopen.ValidationError) and built[1].param == "line_items[0].quantity"


def test_a_lone_surrogate_in_json_text_is_a_problem_not_a_unicode_error() -> None:
    text = '{"campaign_id": "\ud800"}'
    [problem] = andopen.validate_gift_request(text)
    assert (problem.code, problem.param) == ("invalid_format", None) and "surrogate" in problem.message
    assert isinstance(own_error(lambda: andopen.gift_request_body(text)), andopen.ValidationError)
    assert isinstance(own_error(lambda: client(FakeTransport()).create_gift_request(text)), andopen.ValidationError)
    assert len(andopen.validate_gift_requests([text, choice_mode()])[0]) == 1


@pytest.mark.parametrize(
    "body",
    [None, 5, 2.5, True, [], [choice_mode()], "", "null", "[1]", b"\xff\xfe", bytearray(b"{}"), memoryview(b"{}"), DictSubclass(choice_mode())],
    ids=ident,
)
def test_a_body_of_another_shape_is_answered_never_raised_through(body: Any) -> None:
    problems = andopen.validate_gift_request(body)
    assert all(isinstance(p, andopen.FieldError) for p in problems)
    raised = own_error(lambda: andopen.gift_request_body(body))
    assert (raised is None) == (problems == [])
    assert own_error(lambda: andopen.validate_gift_requests([body])) is None
    assert own_error(lambda: andopen.gift_request_bodies([body])) is None
    transport = FakeTransport(reply(201, gift()))
    own_error(lambda: client(transport).create_gift_request(body))


def test_a_mapping_that_is_not_a_dict_is_a_body_like_any_other() -> None:
    class Frozen(Mapping[str, Any]):
        def __init__(self, data: dict[str, Any]) -> None:
            self._data = data

        def __getitem__(self, key: str) -> Any:
            return self._data[key]

        def __iter__(self) -> Iterator[str]:
            return iter(self._data)

        def __len__(self) -> int:
            return len(self._data)

    assert andopen.gift_request_body(Frozen(choice_mode())) == andopen.gift_request_body(choice_mode())
    assert andopen.validate_gift_requests([Frozen({"recipient": Frozen({})})]) == [andopen.validate_gift_request({"recipient": {}})]


@pytest.mark.parametrize("bodies", [None, 5, choice_mode(), "rows", b"rows"], ids=ident)
def test_batch_functions_name_bodies_that_are_not_a_list(bodies: Any) -> None:
    for function in (andopen.validate_gift_requests, andopen.gift_request_bodies):
        raised = own_error(lambda: function(bodies))
        assert isinstance(raised, TypeError) and "bodies" in str(raised)


def test_batch_functions_report_an_iterable_that_raises_naming_bodies() -> None:
    for function in (andopen.validate_gift_requests, andopen.gift_request_bodies):
        for bodies in (RaisingIter(), raising_generator()):
            raised = own_error(lambda: function(bodies))
            assert isinstance(raised, andopen.ValidationError) and raised.param == "bodies"
            assert "exploded" in str(raised)


def test_a_batch_takes_rows_from_any_iterable_and_keeps_their_order() -> None:
    rows = (body_with(("campaign_id",), value) for value in [CAMPAIGN_ID, math.nan, "not-a-uuid", CAMPAIGN_ID])
    checked = andopen.validate_gift_requests(rows)
    assert [[p.code for p in row] for row in checked] == [[], ["invalid_format"], ["invalid_format"], []]


def test_a_batch_larger_than_a_chunk_answers_every_row_in_order() -> None:
    rows = [choice_mode() if i % 7 else {"recipient": {}} for i in range(2_500)]
    rows[1_234] = body_with(("recipient", "first_name"), math.inf)
    checked = andopen.validate_gift_requests(rows)
    assert len(checked) == 2_500
    assert [i for i, row in enumerate(checked) if row] == sorted({i for i in range(0, 2_500, 7)} | {1_234})
    assert checked[1_234][0].param == "recipient.first_name"
    assert checked[7] == andopen.validate_gift_request({"recipient": {}})
    built = andopen.gift_request_bodies(rows)
    assert [i for i, b in enumerate(built) if isinstance(b, andopen.ValidationError)] == [i for i, row in enumerate(checked) if row]


# --- sizes over the core's limits ------------------------------------------------------------------


def bounded(call: Callable[[], Any], *, seconds: float, megabytes: float) -> Any:
    """Runs ``call``; checks that it took less than ``seconds`` and allocated less than ``megabytes`` at
    its peak (Python's own allocations, tracemalloc)."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        result = call()
    finally:
        took = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert took < seconds, f"{took:.2f} s"
    assert peak < megabytes * 2**20, f"{peak / 2**20:.1f} MB"
    return result


def too_large(problems: list[andopen.FieldError]) -> bool:
    return [(p.type, p.code, p.param) for p in problems] == [("api_error", "body_too_large", None)]


@pytest.mark.parametrize(
    "name, body",
    [
        ("10 M line items", {**direct_send(), "line_items": [{"sku": "S", "quantity": 1}] * 10_000_000}),
        ("1 M unknown keys", {**choice_mode(), **{f"k{i}": i for i in range(1_000_000)}}),
        ("1 M keys in recipient", {**choice_mode(), "recipient": {f"k{i}": 0 for i in range(1_000_000)}}),
        ("a 100 MB first name", body_with(("recipient", "first_name"), "A" * 100_000_000)),
        ("40,000 items of 100-character SKUs", {**direct_send(), "line_items": [{"sku": f"{i:0100d}", "quantity": 1} for i in range(40_000)]}),
        ("3 M bad line items", {**direct_send(), "line_items": [{"sku": "S", "quantity": 0}] * 3_000_000}),
        ("a 10 M-item list of floats", {**choice_mode(), "note": [0.5] * 10_000_000}),
        ("an integer of 9 M digits", {**choice_mode(), "note": 10 ** 9_000_000}),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_a_body_over_max_body_bytes_is_refused_before_it_is_written_whole(name: str, body: dict[str, Any]) -> None:
    # Writing any of these whole takes at least 4 MB and (before) seconds; the refusal reads a megabyte's worth.
    assert too_large(bounded(lambda: andopen.validate_gift_request(body), seconds=1.5, megabytes=2))
    raised = bounded(lambda: own_error(lambda: andopen.gift_request_body(body)), seconds=1.5, megabytes=2)
    assert isinstance(raised, andopen.ValidationError) and raised.code == "body_too_large" and raised.type == "api_error"
    assert f"limit of {LIMITS.max_body_bytes}" in str(raised)
    transport = FakeTransport()
    raised = bounded(lambda: own_error(lambda: client(transport).create_gift_request(body)), seconds=1.5, megabytes=2)
    assert isinstance(raised, andopen.ValidationError) and raised.code == "body_too_large"
    assert transport.requests == []
    checked = bounded(lambda: andopen.validate_gift_requests([choice_mode(), body]), seconds=1.5, megabytes=2)
    assert checked[0] == [] and too_large(checked[1])


def test_a_body_at_the_limit_is_still_judged_by_the_core() -> None:
    body = choice_mode()
    size = len(andopen.gift_request_body(body))
    body["note"] = "x" * (LIMITS.max_body_bytes - size - len(',"note":""'))
    assert len(andopen.gift_request_body(body)) == LIMITS.max_body_bytes
    body["note"] += "x"
    assert too_large(andopen.validate_gift_request(body))


def test_json_text_and_bytes_over_the_limit_are_refused_without_crossing() -> None:
    text = '{"note":"' + "x" * LIMITS.max_body_bytes + '"}'
    for body in (text, text.encode(), bytearray(text.encode())):
        assert too_large(andopen.validate_gift_request(body))
        assert isinstance(own_error(lambda: andopen.gift_request_body(body)), andopen.ValidationError)


def test_a_batch_of_huge_rows_costs_time_and_memory_bounded_by_the_limit_per_row() -> None:
    huge = {**direct_send(), "line_items": [{"sku": f"{i:0100d}", "quantity": 1} for i in range(20_000)]}
    checked = bounded(lambda: andopen.validate_gift_requests([huge] * 50 + [choice_mode()]), seconds=10, megabytes=8)
    assert all(too_large(row) for row in checked[:50]) and checked[50] == []


def test_a_cycle_in_a_body_is_a_problem_at_its_field() -> None:
    body: dict[str, Any] = choice_mode()
    body["recipient"]["self"] = body["recipient"]
    [problem] = andopen.validate_gift_request(body)
    assert problem.param == "recipient.self" and "circular" in problem.message
    items: list[Any] = []
    items.append(items)
    [problem] = andopen.validate_gift_request({**choice_mode(), "line_items": items})
    assert problem.param == "line_items[0]"


def test_nesting_deeper_than_python_can_write_is_a_problem() -> None:
    deep: Any = 1
    for _ in range(100_000):
        deep = [deep]
    [problem] = andopen.validate_gift_request({**choice_mode(), "note": deep})
    assert problem.code == "invalid_format" and problem.param and problem.param.startswith("note[0]")
    assert f"{LIMITS.max_depth} levels" in problem.message


# --- the client's options -------------------------------------------------------------------------


def make(**options: Any) -> andopen.Client:
    return andopen.Client(KEY, transport=FakeTransport(), **options)


def bad_policy(**changes: Any) -> andopen.RetryPolicy:
    policy = andopen.default_retry_policy()
    for name, value in changes.items():
        setattr(policy, name, value)
    return policy


@pytest.mark.parametrize(
    "option, value, param",
    [
        ("api_key", 42, "api_key"),
        ("api_key", b"ao-v1-production-k3y5ecr3t", "api_key"),
        ("api_key", "ao-v1-production-\ud800", "api_key"),
        ("environment", "prod", "environment"),
        ("environment", ["production"], "environment"),
        ("environment", 1, "environment"),
        ("region", "EU", "region"),
        ("region", {}, "region"),
        ("base_url", 8080, "base_url"),
        ("base_url", "http://127.0.0.1:\ud800", "base_url"),
        ("allow_custom_key", "no", "allow_custom_key"),
        ("allow_custom_key", 1, "allow_custom_key"),
        ("allow_key_in_browser", None, "allow_key_in_browser"),
        ("retry_policy", {"max_attempts": 3}, "retry_policy"),
        ("retry_policy", bad_policy(max_attempts="3"), "retry_policy.max_attempts"),
        ("retry_policy", bad_policy(max_attempts=True), "retry_policy.max_attempts"),
        ("retry_policy", bad_policy(max_attempts=2**40), "retry_policy.max_attempts"),
        ("retry_policy", bad_policy(max_attempts=-1), "retry_policy.max_attempts"),
        ("retry_policy", bad_policy(base_delay_ms=math.nan), "retry_policy.base_delay_ms"),
        ("retry_policy", bad_policy(max_delay_ms=2**64), "retry_policy.max_delay_ms"),
        ("retry_policy", bad_policy(max_retry_after_ms=-5), "retry_policy.max_retry_after_ms"),
        ("timeout", "30", "timeout"),
        ("timeout", math.nan, "timeout"),
        ("timeout", math.inf, "timeout"),
        ("timeout", 0, "timeout"),
        ("timeout", -1, "timeout"),
        ("timeout", True, "timeout"),
        ("jitter_seed", 2**64, "jitter_seed"),
        ("jitter_seed", 1.5, "jitter_seed"),
        ("sleep", 5, "sleep"),
        ("clock", "now", "clock"),
    ],
)
def test_every_option_of_a_wrong_type_or_range_is_refused_naming_it(option: str, value: Any, param: str) -> None:
    if option == "api_key":
        raised = own_error(lambda: andopen.Client(value, transport=FakeTransport()))
    else:
        raised = own_error(lambda: make(**{option: value}))
    assert isinstance(raised, andopen.ConfigError), raised
    assert raised.param == param, raised
    assert param in str(raised)


def test_a_transport_without_send_is_refused_naming_it() -> None:
    raised = own_error(lambda: andopen.Client(KEY, transport=object()))  # type: ignore[arg-type]
    assert isinstance(raised, andopen.ConfigError) and raised.param == "transport"


def test_a_clock_that_answers_nonsense_is_refused_naming_it() -> None:
    for now in (math.nan, "noon", None, 10**30):
        transport = FakeTransport(reply(200, gift()))
        c = andopen.Client(KEY, transport=transport, clock=lambda: now, sleep=lambda s: None)
        raised = own_error(lambda: c.get_gift_request(GIFT_ID))
        assert isinstance(raised, andopen.ConfigError) and raised.param == "clock"


# --- the client's calls -----------------------------------------------------------------------------

IDS = [None, 42, 4.2, b"4fb4cb3f-9666-43b5-8884-7f5194483d1a", "\ud800", "", "x" * 10_000_000, "../campaigns", GIFT_ID.upper() + "\x00"]


@pytest.mark.parametrize("value", IDS, ids=ident)
def test_ids_of_any_kind_are_refused_naming_id(value: Any) -> None:
    c = client(FakeTransport())
    for call in (c.get_gift_request, c.get_campaign, c.wait_for_redemption_url, lambda v: c.wait_for_status(v, "delivered")):
        raised = own_error(lambda: call(value))
        assert isinstance(raised, andopen.ValidationError) and raised.param == "id", raised


@pytest.mark.parametrize("value", [None, 5, "\ud800", b"delivered", ["delivered"]], ids=ident)
def test_a_status_to_wait_for_of_another_type_is_refused_naming_status(value: Any) -> None:
    raised = own_error(lambda: client(FakeTransport()).wait_for_status(GIFT_ID, value))
    assert isinstance(raised, andopen.ValidationError) and raised.param == "status"


@pytest.mark.parametrize("value", [None, "2", math.nan, math.inf, True, -1, 10**400, -(10**400), 1e300], ids=ident)
def test_poll_figures_of_any_kind_are_refused_or_taken_never_raised_through(value: Any) -> None:
    for name in ("interval", "timeout"):
        transport = FakeTransport(reply(200, gift(redemption_url="https://gift.andopen.co/r/1")))
        raised = own_error(lambda: client(transport).wait_for_redemption_url(GIFT_ID, **{name: value}))
        if raised is not None:
            # A value of another type is unreadable input; a number out of the core's bounds is refused by
            # the core's rule (ConfigError, invalid_option), naming the figure either way.
            assert isinstance(raised, (andopen.ValidationError, andopen.ConfigError, andopen.WaitTimeoutError)), raised
            if isinstance(raised, (andopen.ValidationError, andopen.ConfigError)):
                assert raised.param == name, raised


@pytest.mark.parametrize(
    "options",
    [
        {"limit": value}
        for value in (True, "25", 2.5, math.nan, math.inf, 2**64, -(2**64), 10**5000, [25], {"n": 1}, Opaque())
    ]
    + [{"after": value} for value in (5, "\ud800", b"x", math.nan, [])]
    + [
        {"extra_query": value}
        for value in (
            5,
            "sort=name",
            [("sort",)],
            [("a", "b", "c")],
            [5],
            [("sort", 5)],
            [("sort", math.nan)],
            {"sort": None},
            {"sort": "\ud800"},
            RaisingIter(),
            RaisingMapping(),
            raising_generator(),
        )
    ],
    ids=ident,
)
def test_list_parameters_of_any_kind_are_refused_naming_them(options: dict[str, Any]) -> None:
    transport = FakeTransport(reply(200, {"data": [], "has_more": False}))
    raised = own_error(lambda: list(client(transport).list_campaigns(**options)))
    if raised is not None:
        assert isinstance(raised, andopen.ValidationError), raised
        (name,) = options
        assert raised.param is not None and raised.param.startswith(name), raised


def test_a_million_extra_query_parameters_are_refused_before_a_url_is_built() -> None:
    pairs = [("p", "v")] * 10_000_000
    transport = FakeTransport()
    raised = bounded(lambda: own_error(lambda: list(client(transport).list_campaigns(extra_query=pairs))), seconds=2, megabytes=2)
    assert isinstance(raised, andopen.ValidationError) and raised.code == "body_too_large"
    assert transport.requests == []


def test_a_typed_record_holding_values_of_the_wrong_type_is_refused_naming_params() -> None:
    recipient = _native.NewRecipient(first_name=5, last_name="Smith", email=None, extra=[])  # type: ignore[arg-type]
    params = _native.NewGiftRequest(campaign_id=CAMPAIGN_ID, recipient=recipient, shipping_address=None, line_items=None, extra=[])
    raised = own_error(lambda: client(FakeTransport()).create_gift_request(params))
    assert isinstance(raised, andopen.ValidationError) and raised.param == "params"


# --- what a transport hands back ------------------------------------------------------------------


@pytest.mark.parametrize("status", [True, "200", 200.0, None, b"200"], ids=ident)
def test_a_status_that_is_not_an_int_is_a_type_error_naming_status(status: Any) -> None:
    transport = FakeTransport(andopen.Response(status, [("Request-Id", REQUEST_ID)], b"{}"))
    raised = own_error(lambda: client(transport).get_gift_request(GIFT_ID))
    assert isinstance(raised, TypeError) and "status" in str(raised)


@pytest.mark.parametrize("status", [0, 99, 600, 65_736, 65_536 + 200, -200, 2**70, -(2**70)])
def test_a_status_outside_100_to_599_is_no_answer_never_wrapped(status: int) -> None:
    # A create: outcome unknown, never failed, never sent again, never taken as the 200 it wraps to.
    transport = FakeTransport(andopen.Response(status, [("Request-Id", REQUEST_ID)], b"{}"))
    raised = own_error(lambda: client(transport).create_gift_request(choice_mode()))
    assert isinstance(raised, andopen.OutcomeUnknownError), raised
    assert len(transport.requests) == 1
    # A read: backed off as after a lost connection, then read.
    transport = FakeTransport(andopen.Response(status, [], b"{}"), reply(200, gift()))
    assert client(transport).get_gift_request(GIFT_ID).id == GIFT_ID
    assert len(transport.requests) == 2


@pytest.mark.parametrize("body", ["{}", None, 5, ["{}"]], ids=ident)
def test_a_body_that_is_not_bytes_is_a_type_error_naming_body(body: Any) -> None:
    transport = FakeTransport(andopen.Response(200, [], body))
    raised = own_error(lambda: client(transport).get_gift_request(GIFT_ID))
    assert isinstance(raised, TypeError) and "body" in str(raised)


@pytest.mark.parametrize("headers", [[("Request-Id", 5)], [("Request-Id",)], 5, [5], {"Request-Id": None}], ids=ident)
def test_headers_that_are_not_pairs_of_text_are_a_type_error_naming_headers(headers: Any) -> None:
    transport = FakeTransport(andopen.Response(200, headers, b"{}"))
    raised = own_error(lambda: client(transport).get_gift_request(GIFT_ID))
    assert isinstance(raised, TypeError) and "headers" in str(raised)


def test_headers_as_bytes_or_with_a_lone_surrogate_still_reach_the_core() -> None:
    body = andopen.Response(200, {b"Request-Id": b"r\xe9q"}, b"{}")
    transport = FakeTransport(body, andopen.Response(404, {"Request-Id": "id-\ud800"}, b'{"errors":[]}'))
    raised = own_error(lambda: client(transport).get_gift_request(GIFT_ID))
    assert isinstance(raised, andopen.DecodeError) and raised.request_id == "réq"
    raised = own_error(lambda: client(transport).get_gift_request(GIFT_ID))
    assert isinstance(raised, andopen.NotFoundError) and raised.request_id == "id-?"


def test_a_huge_body_from_a_transport_is_looked_at_up_to_the_limit_only() -> None:
    huge = b" " * (LIMITS.max_response_bytes * 4)
    transport = FakeTransport(andopen.Response(201, [("Request-Id", REQUEST_ID)], huge))
    raised = bounded(lambda: own_error(lambda: client(transport).create_gift_request(choice_mode())), seconds=2, megabytes=10)
    assert isinstance(raised, andopen.OutcomeUnknownError) and raised.status == 201 and raised.request_id == REQUEST_ID


def test_a_huge_request_id_is_quoted_cut_and_kept_whole() -> None:
    long_id = "r" * 10_000_000
    transport = FakeTransport(andopen.Response(500, [("Request-Id", long_id)], b"{}"))
    raised = own_error(lambda: client(transport).create_gift_request(choice_mode()))
    assert isinstance(raised, andopen.OutcomeUnknownError)
    assert raised.request_id == long_id
    assert len(str(raised)) < 1_000 and len(repr(raised)) < 1_000


def test_a_422_with_a_million_errors_keeps_the_first_hundred_and_counts_the_rest() -> None:
    item = b'{"type":"validation_error","code":"invalid","message":"m","param":"line_items[0].sku"},'
    count = (LIMITS.max_response_bytes - 20) // len(item)
    body = b'{"errors":[' + item * (count - 1) + item[:-1] + b"]}"
    transport = FakeTransport(andopen.Response(422, [("Request-Id", REQUEST_ID)], body))
    raised = bounded(lambda: own_error(lambda: client(transport).create_gift_request(choice_mode())), seconds=3, megabytes=40)
    assert isinstance(raised, andopen.ValidationError) or isinstance(raised, andopen.ApiError)
    assert len(raised.errors) == LIMITS.max_problems + 1
    assert raised.errors[-1].code == "too_many_problems" and f"{count - LIMITS.max_problems} more" in raised.errors[-1].message
    assert len(str(raised)) < 5_000


def test_a_transport_that_lets_a_socket_error_through_is_a_maybe_sent_failure() -> None:
    class Leaky:
        def send(self, request: andopen.Request, timeout: float) -> andopen.Response:
            raise ConnectionResetError("reset by peer")

    c = andopen.Client(KEY, transport=Leaky(), sleep=lambda s: None)
    raised = own_error(lambda: c.create_gift_request(choice_mode()))
    assert isinstance(raised, andopen.OutcomeUnknownError) and raised.status is None
