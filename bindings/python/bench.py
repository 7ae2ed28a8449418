"""Validating and building gift-request bodies: the andopen package against pydantic v2 models written for
the same rules, on the same payloads, in one run.

    python bench.py [--seconds 0.3] [--rounds 5]

Needs the andopen wheel and pydantic (a benchmark-only dependency: the package itself has none). Each
contender runs in turn for a few rounds; the best round counts, so that a busy machine hurts both alike.
Before timing, every payload is checked to be judged the same way (valid or not) by both, and the valid
ones to build the same bodies. Both sides start from the same dicts and do the same work: "validate only"
is pydantic's model_validate (and, when refused, e.errors()) against andopen.validate_gift_request (the
list of problems); "validate + build" is model_validate then model_dump_json against
andopen.gift_request_body (the bytes to send, or the ValidationError). The rows marked "alternative" and
"floor" are not comparisons: they show the other ways across the boundary and the cost of one crossing.

The second table times whole creations through the sync and the async client (an in-memory transport
answering 201, so no network is timed): the body validated and built, the call driven by the core, the
response read into a ``GiftRequest``. Against it, pydantic does the same work in the same loop: the body
validated (``EmailStr``, which needs email-validator, or a regex email) and dumped to JSON, handed to the
same transport, the response validated into a pydantic model. One call at a time, and 1,000 calls (for the
async client, 1,000 tasks gathered).
"""

from __future__ import annotations

import asyncio

import argparse
import json
import os
import re
import time
from typing import Any, Callable, Optional

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StrictInt, StrictStr, ValidationError, field_validator, model_validator

import andopen
from andopen import _native

# --- pydantic models for the same rules (core/src/validation.rs) -------------------------

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
LOCAL = re.compile(r'^[^\s@"(),:;<>\[\\\]]{1,64}$')
LABEL = re.compile(r"^(?!-)[A-Za-z0-9\-\u0080-\uffff]{1,63}(?<!-)$")
COUNTRIES = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY
    BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM
    FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT
    JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN
    MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT
    PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL
    TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW""".split()
)


def required_text(v: str) -> str:
    if not v.strip():
        raise ValueError("is required")
    return v


def is_email(v: str) -> bool:
    if len(v) > 254 or v.count("@") != 1:
        return False
    local, domain = v.split("@")
    if not LOCAL.match(local) or local.startswith(".") or local.endswith(".") or ".." in local:
        return False
    labels = domain.split(".")
    return len(labels) >= 2 and all(LABEL.match(label) for label in labels) and not labels[-1].isdigit()


class Recipient(BaseModel):
    model_config = ConfigDict(extra="allow")
    first_name: StrictStr
    last_name: StrictStr
    email: Optional[StrictStr] = None

    _names = field_validator("first_name", "last_name")(required_text)

    @field_validator("email")
    @classmethod
    def _email(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and not is_email(v):
            raise ValueError("must be a valid email address")
        return v


class ShippingAddress(BaseModel):
    model_config = ConfigDict(extra="allow")
    address1: StrictStr
    address2: Optional[StrictStr] = None
    city: StrictStr
    region: StrictStr
    postal_code: StrictStr
    country_code: StrictStr
    phone: StrictStr

    _required = field_validator("address1", "city", "region", "postal_code", "phone")(required_text)

    @field_validator("country_code")
    @classmethod
    def _country(cls, v: str) -> str:
        if len(v) != 2 or not v.isascii() or not v.isupper():
            raise ValueError("must be an ISO 3166-1 alpha-2 country code in uppercase")
        if v not in COUNTRIES:
            raise ValueError("is not an assigned ISO 3166-1 alpha-2 country code")
        return v


class LineItem(BaseModel):
    model_config = ConfigDict(extra="allow")
    sku: Optional[StrictStr] = None
    variant_id: Optional[StrictStr] = None
    quantity: StrictInt = Field(ge=1)

    @field_validator("variant_id")
    @classmethod
    def _variant(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and not UUID.match(v):
            raise ValueError("must be a UUID")
        return v

    @model_validator(mode="after")
    def _names_a_variant(self) -> "LineItem":
        blank = self.sku is not None and not self.sku.strip()
        if (self.sku is None or blank) and self.variant_id is None:
            raise ValueError("sku or variant_id is required")
        if blank:
            raise ValueError("sku must not be blank")
        return self


class GiftRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    campaign_id: StrictStr
    recipient: Recipient
    shipping_address: Optional[ShippingAddress] = None
    line_items: Optional[list[LineItem]] = Field(default=None, min_length=1)

    @field_validator("campaign_id")
    @classmethod
    def _campaign(cls, v: str) -> str:
        if not UUID.match(required_text(v)):
            raise ValueError("must be a UUID")
        return v

    @model_validator(mode="before")
    @classmethod
    def _direct_send_pair(cls, data: Any) -> Any:
        if isinstance(data, dict):
            has_address, has_items = "shipping_address" in data, "line_items" in data
            if has_address != has_items:
                raise ValueError("shipping_address and line_items go together")
            if has_address and (data["shipping_address"] is None or data["line_items"] is None):
                raise ValueError("must not be null")
        return data


def pydantic_body(payload: dict[str, Any]) -> bytes:
    return GiftRequest.model_validate(payload).model_dump_json(exclude_unset=True).encode()


def pydantic_check(payload: dict[str, Any]) -> list[Any]:
    """The problems as a list, as andopen.validate_gift_request returns them (a form needs each one)."""
    try:
        GiftRequest.model_validate(payload)
        return []
    except ValidationError as e:
        return e.errors(include_url=False)


# --- pydantic models for a whole creation: the body in, the gift request out -----------------------------

EMAIL_PATTERN = r"^[^\s@\"(),:;<>\[\\\]]{1,64}@[A-Za-z0-9\-\u0080-\uffff]{1,63}(\.[A-Za-z0-9\-\u0080-\uffff]{1,63})+$"


class RecipientEmailStr(Recipient):
    email: Optional[EmailStr] = None  # type: ignore[assignment]

    @field_validator("email")
    @classmethod
    def _email(cls, v: Optional[str]) -> Optional[str]:
        return v


class RecipientRegex(Recipient):
    email: Optional[str] = Field(default=None, pattern=EMAIL_PATTERN)

    @field_validator("email")
    @classmethod
    def _email(cls, v: Optional[str]) -> Optional[str]:
        return v


class GiftRequestEmailStr(GiftRequest):
    recipient: RecipientEmailStr  # type: ignore[assignment]


class GiftRequestRegex(GiftRequest):
    recipient: RecipientRegex  # type: ignore[assignment]


class RecipientOut(BaseModel):
    id: Optional[str]
    first_name: str
    last_name: str
    email: Optional[str]


class GiftRequestOut(BaseModel):
    id: str
    status: str
    campaign_id: Optional[str]
    redemption_url: Optional[str]
    recipient: RecipientOut
    shipping_address: Optional[dict[str, Any]]
    line_items: Optional[list[dict[str, Any]]]
    created_at: Any
    updated_at: Any


# --- the payload set --------------------------------------------------------------------------------------

CAMPAIGN = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
VARIANT = "9c1f5e2a-7b3d-4e8f-a6c2-d4b8e0f13a57"
ADDRESS = {"address1": "12 Merrion Square", "address2": "Apartment 4", "city": "Dublin", "region": "Leinster",
           "postal_code": "D02 XY45", "country_code": "IE", "phone": "+353871234567"}
VALID = [
    {"campaign_id": CAMPAIGN, "recipient": {"first_name": "Alice", "last_name": "Smith", "email": "alice@example.com"}},
    {"campaign_id": CAMPAIGN, "recipient": {"first_name": "Bo", "last_name": "Ng"}, "note": {"source": "crm"}},
    {"campaign_id": CAMPAIGN, "recipient": {"first_name": "Chloé", "last_name": "Dubois", "email": "chloe@exemple.fr"},
     "shipping_address": ADDRESS, "line_items": [{"sku": "HOODIE-L-BLK", "quantity": 1}]},
    {"campaign_id": CAMPAIGN, "recipient": {"first_name": "Dan", "last_name": "O'Brien", "email": "dan@example.ie"},
     "shipping_address": {**ADDRESS, "address2": None}, "line_items": [{"variant_id": VARIANT, "quantity": 2}, {"sku": "MUG", "quantity": 1}]},
]
INVALID = [
    {"campaign_id": "not-a-uuid", "recipient": {"first_name": "Alice", "last_name": "", "email": "alice@"}},
    {"recipient": {"first_name": "Bo"}, "line_items": []},
    {"campaign_id": CAMPAIGN, "recipient": {"first_name": "Chloé", "last_name": "Dubois"},
     "shipping_address": {**ADDRESS, "country_code": "ie"}, "line_items": [{"quantity": 0}]},
    {"campaign_id": CAMPAIGN, "recipient": {"first_name": "Dan", "last_name": "O'Brien"},
     "shipping_address": {**ADDRESS, "phone": " "}, "line_items": [{"sku": "MUG", "variant_id": "v-1", "quantity": "2"}]},
]

# --- contenders -------------------------------------------------------------------------------------------


def andopen_body(payload: dict[str, Any]) -> Any:
    try:
        return andopen.gift_request_body(payload)
    except andopen.ValidationError as e:
        return e


def pydantic_body_or_error(payload: dict[str, Any]) -> Any:
    try:
        return pydantic_body(payload)
    except ValidationError as e:
        return e


def typed_record(payload: dict[str, Any]) -> _native.NewGiftRequest:
    """The UniFFI record path: build typed records in Python, lower them field by field."""
    r = payload.get("recipient", {})
    a = payload.get("shipping_address")
    items = payload.get("line_items")
    return _native.NewGiftRequest(
        campaign_id=payload.get("campaign_id", ""),
        recipient=_native.NewRecipient(first_name=r.get("first_name", ""), last_name=r.get("last_name", ""), email=r.get("email")),
        shipping_address=None if a is None else _native.NewShippingAddress(
            address1=a["address1"], address2=a.get("address2"), city=a["city"], region=a["region"],
            postal_code=a["postal_code"], country_code=a["country_code"], phone=a["phone"]),
        line_items=None if items is None else [
            _native.NewLineItem(sku=i.get("sku"), variant_id=i.get("variant_id"), quantity=i["quantity"] if isinstance(i.get("quantity"), int) else 0)
            for i in items],
    )


def record_body(payload: dict[str, Any]) -> Any:
    try:
        return _native.gift_request_body(typed_record(payload))
    except _native.CoreError as e:
        return e


def best_rate(fn: Callable[[], Any], per_call: int, seconds: float) -> float:
    """Operations per second of one timed stretch of about ``seconds``."""
    n = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        fn()
        n += 1
        now = time.perf_counter()
        if now >= deadline:
            return n * per_call / (now - start)


def run(contenders: dict[str, tuple[Callable[[], Any], int]], rounds: int, seconds: float) -> dict[str, float]:
    best = {name: 0.0 for name in contenders}
    for _ in range(rounds):
        for name, (fn, per_call) in contenders.items():
            best[name] = max(best[name], best_rate(fn, per_call, seconds))
    return best


CREATED = json.dumps({
    "id": "7c9e6679-7425-40de-944b-e07fc1f8b0a1", "status": "submitted", "campaign_id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
    "redemption_url": None, "recipient": {"id": None, "first_name": "Alice", "last_name": "Smith", "email": "alice@example.com"},
    "shipping_address": None, "line_items": None, "created_at": "2026-05-01T12:00:00.000Z", "updated_at": "2026-05-01T12:00:00.000Z",
}).encode()
ANSWER = andopen.Response(201, [("Content-Type", "application/json"), ("Request-Id", "req_1")], CREATED)


class Answering:
    """The in-memory transport: every request is answered 201 with the same gift request."""

    def send(self, request: andopen.Request, timeout: float) -> andopen.Response:
        return ANSWER


class AsyncAnswering:
    async def send(self, request: andopen.Request, timeout: float) -> andopen.Response:
        return ANSWER


def pydantic_create(model: type[GiftRequest], transport: Answering, payload: dict[str, Any]) -> GiftRequestOut:
    body = model.model_validate(payload).model_dump_json(exclude_unset=True).encode()
    answer = transport.send(andopen.Request("POST", "http://127.0.0.1/gift_requests", [("Content-Type", "application/json")], body), 30)
    return GiftRequestOut.model_validate_json(answer.body)


async def pydantic_create_async(model: type[GiftRequest], transport: AsyncAnswering, payload: dict[str, Any]) -> GiftRequestOut:
    body = model.model_validate(payload).model_dump_json(exclude_unset=True).encode()
    answer = await transport.send(andopen.Request("POST", "http://127.0.0.1/gift_requests", [("Content-Type", "application/json")], body), 30)
    return GiftRequestOut.model_validate_json(answer.body)


def clients(rounds: int, seconds: float) -> None:
    """Whole creations through the sync and the async client against pydantic doing the same work."""
    payload = VALID[0]
    sync = andopen.Client("ao-v1-staging-bench", base_url="http://127.0.0.1", transport=Answering())
    answering, async_answering = Answering(), AsyncAnswering()
    loop = asyncio.new_event_loop()
    aclient = andopen.AsyncClient("ao-v1-staging-bench", base_url="http://127.0.0.1", transport=async_answering)
    # The same payload is accepted by every contender, and the result is read alike.
    assert sync.create_gift_request(payload).id == pydantic_create(GiftRequestEmailStr, answering, payload).id
    assert pydantic_create(GiftRequestRegex, answering, payload).id == loop.run_until_complete(aclient.create_gift_request(payload)).id
    assert isinstance(pydantic_body_or_error({**payload, "recipient": {**payload["recipient"], "email": "alice@"}}), ValidationError)

    def thousand_async(make: Callable[[], Any]) -> Callable[[], Any]:
        async def gather() -> Any:
            return await asyncio.gather(*(make() for _ in range(1000)))
        return lambda: loop.run_until_complete(gather())

    rates = run(
        {
            "sync 1": (lambda: sync.create_gift_request(payload), 1),
            "sync 1000": (lambda: [sync.create_gift_request(payload) for _ in range(1000)], 1000),
            "emailstr 1": (lambda: pydantic_create(GiftRequestEmailStr, answering, payload), 1),
            "emailstr 1000": (lambda: [pydantic_create(GiftRequestEmailStr, answering, payload) for _ in range(1000)], 1000),
            "regex 1": (lambda: pydantic_create(GiftRequestRegex, answering, payload), 1),
            "regex 1000": (lambda: [pydantic_create(GiftRequestRegex, answering, payload) for _ in range(1000)], 1000),
            "async 1": (lambda: loop.run_until_complete(aclient.create_gift_request(payload)), 1),
            "async 1000": (thousand_async(lambda: aclient.create_gift_request(payload)), 1000),
            "async emailstr 1": (lambda: loop.run_until_complete(pydantic_create_async(GiftRequestEmailStr, async_answering, payload)), 1),
            "async emailstr 1000": (thousand_async(lambda: pydantic_create_async(GiftRequestEmailStr, async_answering, payload)), 1000),
            "async regex 1": (lambda: loop.run_until_complete(pydantic_create_async(GiftRequestRegex, async_answering, payload)), 1),
            "async regex 1000": (thousand_async(lambda: pydantic_create_async(GiftRequestRegex, async_answering, payload)), 1000),
        },
        rounds,
        seconds,
    )
    loop.close()
    print()
    print("a whole creation (validate, build, send in memory, read the 201) through the client, against pydantic")
    print(f"{'client':<7} {'calls':<7} {'unit':<10} {'andopen':>9} {'pydantic EmailStr':>18} {'ratio':>7} {'pydantic regex':>15} {'ratio':>7}")
    for side, prefix in (("sync", ""), ("async", "async ")):
        for calls, suffix, unit in (("one", "1", "µs/call"), ("1,000", "1000", "ms/1,000")):
            # 1e6 / rate is µs per call, and equally ms per 1,000 calls.
            ours = rates[f"{side} {suffix}"]
            emailstr, regex = rates[f"{prefix}emailstr {suffix}"], rates[f"{prefix}regex {suffix}"]
            print(f"{side:<7} {calls:<7} {unit:<10} {1e6 / ours:>9.1f} {1e6 / emailstr:>18.1f} {ours / emailstr:>6.2f}x "
                  f"{1e6 / regex:>15.1f} {ours / regex:>6.2f}x")
    print("(ratio: pydantic's time over andopen's; above 1, andopen is faster)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.3, help="length of one timed stretch")
    parser.add_argument("--rounds", type=int, default=5, help="stretches per contender (the best counts)")
    parser.add_argument("--batch", type=int, default=1000, help="rows per batch call")
    args = parser.parse_args()

    # Both judge every payload alike, and build the same bodies for the valid ones.
    for p in VALID:
        assert json.loads(andopen.gift_request_body(p)) == json.loads(pydantic_body(p)), p
    for p in INVALID:
        assert isinstance(andopen_body(p), andopen.ValidationError) and isinstance(pydantic_body_or_error(p), ValidationError), p

    print(f"andopen {andopen.__version__}, pydantic {__import__('pydantic').VERSION}; best of {args.rounds} x {args.seconds}s; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"{'payloads':<10} {'operation':<44} {'andopen ops/s':>14} {'pydantic ops/s':>15} {'ratio':>7}")
    for label, payloads in (("valid", VALID), ("invalid", INVALID)):
        k = len(payloads)
        encoded = [json.dumps(p, ensure_ascii=False, separators=(",", ":")).encode() for p in payloads]
        reordered = [dict(reversed(p.items())) for p in payloads]
        rows = [payloads[i % k] for i in range(args.batch)]
        rates = run(
            {
                "body": (lambda: [andopen_body(p) for p in payloads], k),
                "pydantic body": (lambda: [pydantic_body_or_error(p) for p in payloads], k),
                "check": (lambda: [andopen.validate_gift_request(p) for p in payloads], k),
                "pydantic check": (lambda: [pydantic_check(p) for p in payloads], k),
                "batch bodies": (lambda: andopen.gift_request_bodies(rows), len(rows)),
                "batch check": (lambda: andopen.validate_gift_requests(rows), len(rows)),
                "typed records": (lambda: [record_body(p) for p in payloads], k),
                "typed errors": (lambda: [_native.validate_gift_request_json(json.dumps(p).encode()) for p in payloads], k),
                "bytes body": (lambda: [andopen_body(b) for b in encoded], k),
                "reordered body": (lambda: [andopen_body(p) for p in reordered], k),
                "crossing": (lambda: [_native.gift_request_problem_count(b"") for _ in payloads], k),
            },
            args.rounds,
            args.seconds,
        )
        for name, what, theirs in (
            ("body", "validate + build, one body per call", "pydantic body"),
            ("check", "validate only, one body per call", "pydantic check"),
            ("batch bodies", f"validate + build, {args.batch} rows per call", "pydantic body"),
            ("batch check", f"validate only, {args.batch} rows per call", "pydantic check"),
            ("typed records", "alternative: UniFFI records in, body out", "pydantic body"),
            ("typed errors", "alternative: JSON in, UniFFI error records out", "pydantic check"),
            ("bytes body", "alternative: JSON bytes in (no encoding)", "pydantic body"),
            ("reordered body", "alternative: keys not in the contract's order", "pydantic body"),
            ("crossing", "floor: one UniFFI call, bytes in, number out", "pydantic check"),
        ):
            ours = rates[name]
            print(f"{label:<10} {what:<44} {ours:>14,.0f} {rates[theirs]:>15,.0f} {ours / rates[theirs]:>6.2f}x")


    clients(args.rounds, args.seconds)
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
