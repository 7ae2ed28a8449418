"""The client against a scripted transport: what it sends, what it returns, when it sleeps and when it
stops. The decisions are the core's; these tests check that the client carries them out."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

import andopen
from andopen import _native
from fakes import CAMPAIGN_ID, GIFT_ID, KEY, REQUEST_ID, FakeClock, FakeTransport, campaign, choice_mode, client, direct_send, errors, gift, reply


def test_create_sends_the_validated_body_and_returns_the_gift_request() -> None:
    transport = FakeTransport(reply(201, gift()))
    result = client(transport).create_gift_request(choice_mode())

    (sent,) = transport.requests
    assert sent.method == "POST"
    assert sent.url == "https://api.andopen.co/gift_requests"
    assert sent.header("authorization") == f"Bearer {KEY}"
    assert sent.header("AndOpen-API-Version") == "2026-05"
    assert sent.header("content-type") == "application/json"
    assert json.loads(sent.body or b"") == choice_mode()
    assert transport.timeouts == [30.0]

    assert result.id == GIFT_ID
    assert result.status == "submitted"
    assert result.recipient.last_name == "Smith"
    assert result.created_at == datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)
    assert result.line_items is None
    assert result.to_dict()["campaign_id"] == CAMPAIGN_ID


def test_direct_send_round_trips_address_and_items() -> None:
    shipped = gift(shipping_address={**direct_send()["shipping_address"], "address2": None}, line_items=[{"sku": "HOODIE-L-BLK", "variant_id": None, "quantity": 1}])
    transport = FakeTransport(reply(201, shipped))
    result = client(transport).create_gift_request(direct_send())
    assert json.loads(transport.requests[0].body or b"")["line_items"] == [{"sku": "HOODIE-L-BLK", "quantity": 1}]
    assert result.shipping_address is not None and result.shipping_address.country_code == "IE"
    assert result.line_items == [andopen.LineItem(variant_id=None, sku="HOODIE-L-BLK", quantity=1)]


def test_typed_params_take_the_same_path() -> None:
    transport = FakeTransport(reply(201, gift()))
    params = _native.NewGiftRequest(campaign_id=CAMPAIGN_ID, recipient=_native.NewRecipient(first_name="Alice", last_name="Smith"))
    client(transport).create_gift_request(params)
    assert json.loads(transport.requests[0].body or b"") == {"campaign_id": CAMPAIGN_ID, "recipient": {"first_name": "Alice", "last_name": "Smith"}}


def test_invalid_params_are_refused_with_every_problem_and_nothing_is_sent() -> None:
    transport = FakeTransport()
    bad = {**direct_send(), "campaign_id": "nope"}
    bad["shipping_address"] = {**bad["shipping_address"], "country_code": "ie"}
    bad["line_items"] = [{"quantity": 0}]
    with pytest.raises(andopen.ValidationError) as raised:
        client(transport).create_gift_request(bad)
    e = raised.value
    assert transport.requests == []
    assert {(x.param, x.code) for x in e.errors} == {
        ("campaign_id", "invalid_format"),
        ("shipping_address.country_code", "invalid_format"),
        ("line_items[0].sku", "required"),
        ("line_items[0].quantity", "invalid"),
    }
    assert (e.kind, e.type, e.code, e.param) == ("validation", "validation_error", "invalid_format", "campaign_id")
    assert str(e).startswith("the request was not sent: campaign_id: must be a UUID")
    assert "shipping_address.country_code: must be an ISO 3166-1 alpha-2 country code in uppercase" in str(e)


def test_values_json_cannot_hold_are_refused_naming_the_field() -> None:
    with pytest.raises(andopen.ValidationError) as raised:
        client(FakeTransport()).create_gift_request({**choice_mode(), "sent_at": datetime.now()})
    assert raised.value.param == "sent_at"
    assert raised.value.code == "invalid_format"
    assert "not datetime" in str(raised.value)


def test_a_503_is_waited_out_as_the_server_asks() -> None:
    clock = FakeClock()
    transport = FakeTransport(reply(503, errors({"type": "api_error", "code": "maintenance", "message": "down"}), Retry_After="2"), reply(201, gift()))
    result = client(transport, clock).create_gift_request(choice_mode())
    assert result.id == GIFT_ID
    assert clock.sleeps == [2.0]
    assert len(transport.requests) == 2
    assert transport.requests[0].body == transport.requests[1].body


def test_a_create_that_may_have_landed_is_never_sent_again() -> None:
    clock = FakeClock()
    transport = FakeTransport(reply(502, None))
    with pytest.raises(andopen.OutcomeUnknownError) as raised:
        client(transport, clock).create_gift_request(choice_mode())
    assert len(transport.requests) == 1
    assert clock.sleeps == []
    assert raised.value.status == 502
    assert raised.value.request_id == REQUEST_ID
    assert "was not sent again" in str(raised.value)


def test_a_timeout_after_sending_a_create_is_an_unknown_outcome() -> None:
    transport = FakeTransport(andopen.TransportFailure("read timed out", maybe_sent=True))
    with pytest.raises(andopen.OutcomeUnknownError) as raised:
        client(transport).create_gift_request(choice_mode())
    assert raised.value.status is None
    assert len(transport.requests) == 1


def test_a_create_that_never_left_is_retried_with_backoff() -> None:
    clock = FakeClock()
    transport = FakeTransport(andopen.TransportFailure("connection refused", maybe_sent=False), reply(201, gift()))
    client(transport, clock).create_gift_request(choice_mode())
    assert len(transport.requests) == 2
    assert len(clock.sleeps) == 1 and 0.25 <= clock.sleeps[0] <= 0.5


def test_reads_are_retried_after_a_server_error_and_give_up_after_max_attempts() -> None:
    clock = FakeClock()
    transport = FakeTransport(*[reply(500, errors({"type": "api_error", "code": "internal", "message": "boom"}))] * 4)
    with pytest.raises(andopen.ApiError) as raised:
        client(transport, clock).get_gift_request(GIFT_ID)
    assert len(transport.requests) == 4
    assert len(clock.sleeps) == 3
    assert [0.25 <= clock.sleeps[0] <= 0.5, 0.5 <= clock.sleeps[1] <= 1.0, 1.0 <= clock.sleeps[2] <= 2.0] == [True] * 3
    assert (raised.value.status, raised.value.type, raised.value.code) == (500, "api_error", "internal")


def test_a_retry_policy_is_applied() -> None:
    policy = andopen.default_retry_policy()
    policy.max_attempts = 1
    transport = FakeTransport(andopen.TransportFailure("refused", maybe_sent=False))
    with pytest.raises(andopen.TransportError) as raised:
        client(transport, retry_policy=policy).get_gift_request(GIFT_ID)
    assert raised.value.attempts == 1
    assert len(transport.requests) == 1


def test_errors_carry_the_server_words_and_the_request_id() -> None:
    body = errors({"type": "not_found_error", "code": "not_found", "message": "no such gift request"})
    transport = FakeTransport(reply(404, body, RateLimit_Limit="100", RateLimit_Remaining="7", RateLimit_Reset="1777636860"))
    with pytest.raises(andopen.NotFoundError) as raised:
        client(transport).get_gift_request(GIFT_ID)
    e = raised.value
    assert isinstance(e, andopen.ApiError) and isinstance(e, andopen.AndOpenError)
    assert (e.status, e.type, e.code, e.request_id) == (404, "not_found_error", "not_found", REQUEST_ID)
    assert e.rate_limit == andopen.RateLimit(100, 7, 1777636860)
    assert e.errors == [andopen.FieldError("not_found_error", "not_found", "no such gift request", None)]
    assert str(e) == f"the API answered 404 not_found_error: no such gift request (not_found) [request id {REQUEST_ID}]"


def test_a_retry_after_beyond_the_policy_is_reported_not_slept_through() -> None:
    clock = FakeClock()
    transport = FakeTransport(reply(429, errors({"type": "rate_limit_error", "code": "rate_limited", "message": "slow down"}), Retry_After="120"))
    with pytest.raises(andopen.RateLimitError) as raised:
        client(transport, clock).get_campaign(CAMPAIGN_ID)
    assert raised.value.retry_after == 120
    assert clock.sleeps == []


def test_an_unreadable_success_to_a_create_is_outcome_unknown_with_its_status() -> None:
    transport = FakeTransport(andopen.Response(201, [("Request-Id", REQUEST_ID)], b'{"id": "4fb4'))
    with pytest.raises(andopen.OutcomeUnknownError) as raised:
        client(transport).create_gift_request(choice_mode())
    assert (raised.value.status, raised.value.request_id) == (201, REQUEST_ID)
    assert "could not be read" in str(raised.value)
    assert len(transport.requests) == 1


def test_an_unreadable_success_to_a_read_is_a_decode_error_with_its_status() -> None:
    transport = FakeTransport(andopen.Response(200, [("Request-Id", REQUEST_ID)], b'{"id": "4fb4'))
    with pytest.raises(andopen.DecodeError) as raised:
        client(transport).get_gift_request(GIFT_ID)
    assert raised.value.status == 200


def test_ids_must_be_uuids_before_anything_is_sent() -> None:
    transport = FakeTransport()
    with pytest.raises(andopen.ValidationError) as raised:
        client(transport).get_gift_request("../campaigns")
    assert raised.value.param == "id"
    with pytest.raises(andopen.ValidationError):
        client(transport).get_campaign(42)  # type: ignore[arg-type]
    assert transport.requests == []


def test_list_campaigns_follows_the_cursor_until_the_last_page() -> None:
    ids = ["81902a4b-2244-4a60-8788-9281ea3f8f01", "92902a4b-2244-4a60-8788-9281ea3f8f02", "a3902a4b-2244-4a60-8788-9281ea3f8f03"]
    transport = FakeTransport(
        reply(200, {"data": [campaign(ids[0]), campaign(ids[1], theme={"color": "teal"})], "has_more": True}),
        reply(200, {"data": [campaign(ids[2], invitation_method="email")], "has_more": False}),
    )
    found = list(client(transport).list_campaigns(limit=2, extra_query={"filter[state]": "active"}))
    assert [c.id for c in found] == ids
    assert [r.url for r in transport.requests] == [
        "https://api.andopen.co/campaigns?limit=2&filter%5Bstate%5D=active",
        f"https://api.andopen.co/campaigns?limit=2&after={ids[1]}&filter%5Bstate%5D=active",
    ]
    assert found[1].raw["theme"] == {"color": "teal"}
    assert [c.allows_direct_send for c in found] == [True, True, False]


def test_list_parameters_are_checked_before_iterating() -> None:
    transport = FakeTransport()
    with pytest.raises(andopen.ValidationError) as raised:
        client(transport).list_campaigns(limit="ten")  # type: ignore[arg-type]
    assert (raised.value.param, raised.value.code) == ("limit", "invalid_format")
    with pytest.raises(andopen.ValidationError) as raised:
        client(transport).list_campaigns(limit=0)
    assert (raised.value.param, raised.value.code) == ("limit", "invalid")
    assert transport.requests == []


def test_a_failed_page_ends_the_iteration_with_the_error() -> None:
    transport = FakeTransport(
        reply(200, {"data": [campaign("81902a4b-2244-4a60-8788-9281ea3f8f01")], "has_more": True}),
        reply(400, errors({"type": "api_error", "code": "invalid", "message": "no such cursor", "param": "after"})),
    )
    pages = client(transport).campaign_pages()
    assert len(next(pages).data) == 1
    with pytest.raises(andopen.ApiError) as raised:
        next(pages)
    assert raised.value.param == "after"


def test_waiting_for_the_redemption_url_polls_at_the_interval() -> None:
    clock = FakeClock()
    transport = FakeTransport(reply(200, gift()), reply(200, gift()), reply(200, gift(redemption_url="https://gift.andopen.co/r/abc")))
    result = client(transport, clock).wait_for_redemption_url(GIFT_ID, interval=3, timeout=60)
    assert result.redemption_url == "https://gift.andopen.co/r/abc"
    assert clock.sleeps == [3.0, 3.0]
    assert all(r.url == f"https://api.andopen.co/gift_requests/{GIFT_ID}" for r in transport.requests)


def test_a_wait_gives_up_at_its_deadline() -> None:
    clock = FakeClock()
    transport = FakeTransport(*[reply(200, gift())] * 3)
    with pytest.raises(andopen.WaitTimeoutError):
        client(transport, clock).wait_for_redemption_url(GIFT_ID, interval=5, timeout=10)
    assert clock.sleeps == [5.0, 5.0]


def test_a_cancelled_gift_request_never_reaches_delivered() -> None:
    transport = FakeTransport(reply(200, gift(status="redeemed")), reply(200, gift(status="cancelled")))
    with pytest.raises(andopen.UnreachableError):
        client(transport).wait_for_status(GIFT_ID, "delivered", interval=1, timeout=60)
    transport = FakeTransport(reply(200, gift(status="dispatched")))
    assert client(transport).wait_for_status(GIFT_ID, "redeemed").status == "dispatched"


def test_waits_out_of_the_cores_bounds_are_refused_naming_them() -> None:
    limits = _native.limits()
    for interval in (-1, 0, 0.05, limits.max_timeout_ms / 1000 + 1):
        with pytest.raises(andopen.ConfigError) as raised:
            client(FakeTransport()).wait_for_redemption_url(GIFT_ID, interval=interval)
        assert (raised.value.code, raised.value.param) == ("invalid_option", "interval"), interval
    for timeout in (0, 0.0001, 25 * 86_400):
        with pytest.raises(andopen.ConfigError) as raised:
            client(FakeTransport()).wait_for_redemption_url(GIFT_ID, interval=1, timeout=timeout)
        assert (raised.value.code, raised.value.param) == ("invalid_option", "timeout"), timeout
    transport = FakeTransport()
    with pytest.raises(andopen.ConfigError) as raised:
        client(transport).wait_for_status(GIFT_ID, "shiped")
    assert (raised.value.code, raised.value.param) == ("invalid_option", "status")
    assert transport.requests == []


def test_an_exchange_timeout_is_bounded_by_the_core() -> None:
    for timeout in (0, -1, 25 * 86_400, float("nan")):
        with pytest.raises(andopen.ConfigError) as raised:
            andopen.Client(KEY, transport=FakeTransport(), timeout=timeout)
        assert (raised.value.code, raised.value.param) == ("invalid_option", "timeout"), timeout


def test_a_keyless_client_refuses_to_send_to_the_api_locally() -> None:
    transport = FakeTransport(reply(200, gift()))
    with pytest.raises(andopen.ConfigError) as raised:
        andopen.Client(transport=transport).get_gift_request(GIFT_ID)
    assert (raised.value.code, raised.value.param) == ("missing_api_key", "api_key")
    assert transport.requests == []


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"api_key": "sk_live_123"}, "malformed_api_key"),
        ({"api_key": KEY, "base_url": "http://api.example.com"}, "insecure_transport"),
        ({"api_key": KEY, "environment": "staging"}, "environment_mismatch"),
        ({"api_key": KEY, "base_url": "ftp://x"}, "invalid_base_url"),
    ],
)
def test_configurations_are_refused_before_anything_is_sent(options: dict[str, str], code: str) -> None:
    key = options.pop("api_key")
    with pytest.raises(andopen.ConfigError) as raised:
        andopen.Client(key, **options)
    assert raised.value.code == code
    assert key not in str(raised.value) and key not in repr(raised.value)


def test_configuration_choices_are_named_when_wrong() -> None:
    with pytest.raises(andopen.ConfigError) as raised:
        andopen.Client(KEY, region="mars")
    assert raised.value.param == "region"
    with pytest.raises(andopen.ConfigError) as raised:
        andopen.Client(12345)  # type: ignore[arg-type]
    assert raised.value.param == "api_key"


def test_a_client_without_a_key_sends_no_authorization() -> None:
    transport = FakeTransport(reply(200, gift()))
    andopen.Client(transport=transport, base_url="http://127.0.0.1:8080").get_gift_request(GIFT_ID)
    assert transport.requests[0].url == f"http://127.0.0.1:8080/gift_requests/{GIFT_ID}"
    assert transport.requests[0].header("authorization") is None


def test_the_key_is_never_printed() -> None:
    transport = FakeTransport(reply(200, gift()))
    c = client(transport)
    c.get_gift_request(GIFT_ID)
    assert KEY not in repr(c)
    assert KEY not in repr(transport.requests[0])
    assert "<redacted>" in repr(transport.requests[0])


def test_a_transport_that_returns_something_else_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        client(FakeTransport(lambda request: {"status": 200})).get_gift_request(GIFT_ID)  # type: ignore[arg-type, return-value]


def test_the_default_transport_satisfies_the_protocol() -> None:
    assert isinstance(andopen.UrllibTransport(), andopen.Transport)
    assert isinstance(FakeTransport(), andopen.Transport)
