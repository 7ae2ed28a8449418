"""A scripted transport and a fake clock, so that the client runs without a network and without waiting."""

from __future__ import annotations

import json
from typing import Any, Callable, Union

import andopen

Answer = Union[andopen.Response, andopen.TransportFailure, Callable[[andopen.Request], andopen.Response]]

CAMPAIGN_ID = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
GIFT_ID = "4fb4cb3f-9666-43b5-8884-7f5194483d1a"
REQUEST_ID = "686478be-8a11-4471-9ce5-c3722f5ddba4"
KEY = "ao-v1-production-k3y5ecr3t"


class FakeTransport:
    """Answers each request with the next scripted answer, and keeps every request it was handed."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.requests: list[andopen.Request] = []
        self.timeouts: list[float] = []

    def send(self, request: andopen.Request, timeout: float) -> andopen.Response:
        self.requests.append(request)
        self.timeouts.append(timeout)
        if not self.answers:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        answer = self.answers.pop(0)
        if isinstance(answer, andopen.TransportFailure):
            raise answer
        if callable(answer):
            return answer(request)
        return answer


class FakeClock:
    """A clock that moves only when the client sleeps."""

    def __init__(self, start: float = 1_777_636_800.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def reply(status: int, body: Any = None, **headers: str) -> andopen.Response:
    """A response with a JSON body (or none) and a request id."""
    pairs = [("Request-Id", REQUEST_ID), ("Content-Type", "application/json")]
    pairs += [(name.replace("_", "-"), value) for name, value in headers.items()]
    return andopen.Response(status, pairs, b"" if body is None else json.dumps(body).encode())


def gift(**fields: Any) -> dict[str, Any]:
    """A gift request as the API returns it."""
    body: dict[str, Any] = {
        "id": GIFT_ID,
        "status": "submitted",
        "campaign_id": CAMPAIGN_ID,
        "redemption_url": None,
        "recipient": {"id": None, "first_name": "Alice", "last_name": "Smith", "email": "alice@example.com"},
        "shipping_address": None,
        "line_items": None,
        "created_at": "2026-05-01T12:00:00.000Z",
        "updated_at": "2026-05-01T12:00:00.000Z",
    }
    body.update(fields)
    return body


def campaign(id: str, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"id": id, "name": f"Campaign {id[:4]}", "invitation_method": "sender_provided_address", "products": []}
    body.update(fields)
    return body


def errors(*items: dict[str, Any]) -> dict[str, Any]:
    return {"errors": list(items)}


def choice_mode() -> dict[str, Any]:
    return {"campaign_id": CAMPAIGN_ID, "recipient": {"first_name": "Alice", "last_name": "Smith", "email": "alice@example.com"}}


def direct_send() -> dict[str, Any]:
    return {
        **choice_mode(),
        "shipping_address": {
            "address1": "12 Merrion Square",
            "city": "Dublin",
            "region": "Leinster",
            "postal_code": "D02 XY45",
            "country_code": "IE",
            "phone": "+353871234567",
        },
        "line_items": [{"sku": "HOODIE-L-BLK", "quantity": 1}],
    }


def client(transport: FakeTransport, clock: FakeClock | None = None, **options: Any) -> andopen.Client:
    clock = clock or FakeClock()
    options.setdefault("jitter_seed", 7)
    return andopen.Client(KEY, transport=transport, sleep=clock.sleep, clock=clock.time, **options)
