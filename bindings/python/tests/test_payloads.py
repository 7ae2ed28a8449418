"""Validation and body building without a client or a key: one body, or a batch in one crossing."""

from __future__ import annotations

import json

import pytest

import andopen
from fakes import CAMPAIGN_ID, choice_mode, direct_send


def test_valid_bodies_have_no_problems() -> None:
    assert andopen.validate_gift_request(choice_mode()) == []
    assert andopen.validate_gift_request(direct_send()) == []
    assert andopen.validate_gift_request(json.dumps(direct_send())) == []
    assert andopen.validate_gift_request(json.dumps(direct_send()).encode()) == []


def test_every_problem_is_reported_at_once_in_the_server_words() -> None:
    problems = andopen.validate_gift_request({"recipient": {"first_name": "Ada", "email": "not an address"}, "line_items": []})
    assert [(p.param, p.code) for p in problems] == [
        ("campaign_id", "required"),
        ("recipient.last_name", "required"),
        ("recipient.email", "invalid_format"),
        ("shipping_address", "required"),
        ("line_items", "required"),
    ]
    assert all(p.type == "validation_error" for p in problems)
    assert problems[2].message == "must be a valid email address"


def test_the_body_keeps_unknown_fields_and_puts_the_known_ones_in_order() -> None:
    body = andopen.gift_request_body({"note": {"from": "Bo"}, "recipient": {"last_name": "Smith", "first_name": "Alice"}, "campaign_id": CAMPAIGN_ID})
    assert body == b'{"campaign_id":"' + CAMPAIGN_ID.encode() + b'","recipient":{"first_name":"Alice","last_name":"Smith"},"note":{"from":"Bo"}}'


def test_an_invalid_body_raises_with_a_readable_message() -> None:
    with pytest.raises(andopen.ValidationError) as raised:
        andopen.gift_request_body({**direct_send(), "line_items": [{"sku": "HOODIE", "quantity": "2"}]})
    e = raised.value
    assert (e.param, e.code) == ("line_items[0].quantity", "invalid_format")
    assert str(e) == "the request was not sent: line_items[0].quantity: must be an integer (invalid_format)"


def test_text_that_is_not_a_json_object_is_a_malformed_request() -> None:
    for text in ("[]", "{", b"\xff"):
        with pytest.raises(andopen.ValidationError) as raised:
            andopen.gift_request_body(text)
        assert (raised.value.type, raised.value.code, raised.value.param) == ("api_error", "malformed_request", None)


def test_batches_answer_each_body() -> None:
    rows = [choice_mode(), {"campaign_id": CAMPAIGN_ID}, direct_send(), "not json"]
    problems = andopen.validate_gift_requests(rows)
    assert [[p.param for p in row] for row in problems] == [[], ["recipient"], [], [None]]
    built = andopen.gift_request_bodies(rows)
    assert json.loads(built[0]) == choice_mode()  # type: ignore[arg-type]
    assert isinstance(built[1], andopen.ValidationError) and built[1].param == "recipient"
    assert json.loads(built[2]) == direct_send()  # type: ignore[arg-type]
    assert isinstance(built[3], andopen.ValidationError) and built[3].code == "malformed_request"


def test_a_batch_reports_a_value_json_cannot_hold_in_its_row_naming_the_field() -> None:
    checked = andopen.validate_gift_requests([choice_mode(), {"campaign_id": {1, 2}}, choice_mode()])
    assert checked[0] == [] and checked[2] == []
    [problem] = checked[1]
    assert (problem.type, problem.code, problem.param) == ("validation_error", "invalid_format", "campaign_id")
    assert "not set" in problem.message


def test_an_empty_batch_is_empty() -> None:
    assert andopen.validate_gift_requests([]) == []
    assert andopen.gift_request_bodies([]) == []


def test_a_body_already_in_the_contract_order_is_sent_as_given() -> None:
    body = {"campaign_id": CAMPAIGN_ID, "recipient": {"first_name": "Chloé", "last_name": "Dubois"}, "note": [1, None]}
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    assert andopen.gift_request_body(text) is text
    assert andopen.gift_request_body(body) == text
    spaced = json.dumps(body).encode()  # spaces and \\u escapes: the modelled fields rewritten compactly
    assert andopen.gift_request_body(spaced).startswith(b'{"campaign_id":"' + CAMPAIGN_ID.encode() + b'","recipient":{"first_name":"Chlo')
    assert json.loads(andopen.gift_request_body(spaced)) == body


def test_a_batch_builds_rows_in_any_order_and_reports_refused_rows_in_full() -> None:
    reordered = {"recipient": {"last_name": "Smith", "first_name": "Alice"}, "campaign_id": CAMPAIGN_ID}
    bad = {**direct_send(), "line_items": [{"sku": "HOODIE", "quantity": "2"}]}
    built = andopen.gift_request_bodies([direct_send(), reordered, bad, bad])
    assert built[0] == andopen.gift_request_body(direct_send())
    assert built[1] == andopen.gift_request_body(reordered)
    assert json.loads(built[1]) == reordered  # type: ignore[arg-type]
    for e in built[2:]:
        assert isinstance(e, andopen.ValidationError)
        assert (e.param, e.code, e.kind) == ("line_items[0].quantity", "invalid_format", "validation")
        assert str(e) == "the request was not sent: line_items[0].quantity: must be an integer (invalid_format)"
        assert [p.param for p in e.errors] == ["line_items[0].quantity"]


def test_a_circular_body_is_refused_as_input_json_cannot_hold() -> None:
    body: dict[str, object] = {"campaign_id": CAMPAIGN_ID}
    body["self"] = body
    with pytest.raises(andopen.ValidationError) as raised:
        andopen.gift_request_body(body)
    assert raised.value.param == "self"
    assert "circular" in str(raised.value)
    built = andopen.gift_request_bodies([choice_mode(), body])
    assert isinstance(built[0], bytes)
    assert isinstance(built[1], andopen.ValidationError) and built[1].param == "self"
