"""Replays one conformance case of ``tests/vectors/`` (the format is in its README) through the package.

The same semantics as the core's replayer (``core/tests/vectors.rs``): the configuration goes through
``andopen.Client``, a create's body through the package's own encoding (its size limit included), calls
are started on the client's core and driven step by step with the case's clock, each response (or
transport failure) handed over by a scripted transport through the client's own exchange (so that a
status, headers and body cross as the package passes them), results are compared in their wire shape,
and errors through the fields of the package's exceptions.
"""

from __future__ import annotations

import json
import os
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import andopen
import andopen.client as andopen_client
from andopen import _native, models
from andopen.errors import AndOpenError, from_core_error, from_report
from andopen.payloads import create_body

VECTORS = Path(os.environ.get("ANDOPEN_VECTORS_DIR", Path(__file__).resolve().parents[3] / "tests" / "vectors"))
DEFAULT_CONFIG = {"api_key": "ao-v1-production-k3y5ecr3t", "environment": "production"}
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class Mismatch(AssertionError):
    """The package disagrees with the case."""


def load_cases() -> list[tuple[str, dict[str, Any]]]:
    """Every case of every file, as ``(file / name, case)``."""
    cases = []
    for path in sorted(VECTORS.glob("*.json")):
        for case in json.loads(path.read_text())["cases"]:
            cases.append((f"{path.name} / {case['name']}", case))
    return cases


def unix_ms(text: str) -> int:
    at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (at - EPOCH) // timedelta(milliseconds=1)


def subset(expected: Any, actual: Any, at: str = "value") -> None:
    """``expected`` is a subset of ``actual``: every key given matches, arrays have the same length."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            raise Mismatch(f"{at}: got {actual!r}, expected an object {expected!r}")
        for key, value in expected.items():
            if key not in actual:
                raise Mismatch(f"{at}.{key}: missing")
            subset(value, actual[key], f"{at}.{key}")
    elif isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            raise Mismatch(f"{at}: got {actual!r}, expected {len(expected)} items")
        for i, (e, a) in enumerate(zip(expected, actual)):
            subset(e, a, f"{at}[{i}]")
    elif isinstance(expected, bool) or isinstance(actual, bool):
        if expected is not actual:
            raise Mismatch(f"{at}: got {actual!r}, expected {expected!r}")
    elif isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        if float(expected) != float(actual):
            raise Mismatch(f"{at}: got {actual!r}, expected {expected!r}")
    elif expected != actual:
        raise Mismatch(f"{at}: got {actual!r}, expected {expected!r}")


class Scripted:
    """The transport of a replay: answers with the exchange's response, or raises its failure."""

    def __init__(self) -> None:
        self.answer: andopen.Response | andopen.TransportFailure | None = None
        self.now = 0.0

    def send(self, request: andopen.Request, timeout: float) -> andopen.Response:
        answer, self.answer = self.answer, None
        if isinstance(answer, andopen.TransportFailure):
            raise answer
        if answer is None:
            raise Mismatch(f"an unexpected request {request.method} {request.url}")
        return answer

    def clock(self) -> float:
        return self.now


def make_client(case: dict[str, Any], script: Scripted | None = None) -> andopen.Client:
    c = case.get("config", DEFAULT_CONFIG)
    if c.get("in_browser", False):
        # As if this Python ran inside a web page (Pyodide): the client asks the platform, so ask it this way.
        saved = andopen_client._running_in_browser
        andopen_client._running_in_browser = lambda: True
        try:
            return make_client({**case, "config": {k: v for k, v in c.items() if k != "in_browser"}}, script)
        finally:
            andopen_client._running_in_browser = saved
    r = case.get("retry", {})
    policy = andopen.default_retry_policy()
    for key in ("max_attempts", "base_delay_ms", "max_delay_ms", "max_retry_after_ms"):
        if key in r:
            setattr(policy, key, r[key])
    return andopen.Client(
        c.get("api_key"),
        environment=c.get("environment"),
        region=c.get("region"),
        base_url=c.get("base_url"),
        allow_custom_key=c.get("allow_custom_key", False),
        retry_policy=policy,
        jitter_seed=r.get("seed", 1),
        allow_key_in_browser=c.get("allow_key_in_browser", False),
        transport=script,
        clock=script.clock if script is not None else time.time,
        sleep=lambda seconds: None,
    )


def start(client: andopen.Client, call: dict[str, Any]) -> Any:
    """The call's state machine on the client's core."""
    core = client._native
    op = call["op"]
    if op == "create_gift_request":
        # The package's own encoding, as Client.create_gift_request does it: a body over the limit is
        # refused here, before it is written whole.
        body = create_body(text_of(call["raw_body"]) if "raw_body" in call else call["params"])
        return core.create_gift_request_json(body)
    if op == "get_gift_request":
        return core.get_gift_request(call["id"])
    if op == "get_campaign":
        return core.get_campaign(call["id"])
    if op == "list_campaigns":
        params = {k: call[k] for k in ("limit", "after", "extra_query") if k in call}
        return core.list_campaigns_json(json.dumps(params).encode())
    if op == "poll_gift_request":
        until = call["until"]
        if until == "redemption_url":
            target = _native.PollTarget.REDEMPTION_URL()
        else:
            target = _native.PollTarget.STATUS(_native.gift_request_status_from_text(until["status"]))
        return core.wait_for_gift_request(call["id"], target, call["interval_ms"], call["timeout_ms"])
    raise Mismatch(f"unknown op {op}")


def check_request(expected: dict[str, Any], actual: _native.HttpRequest) -> None:
    if "method" in expected and expected["method"] != actual.method:
        raise Mismatch(f"method {actual.method}, expected {expected['method']}")
    if "url" in expected and expected["url"] != actual.url:
        raise Mismatch(f"url {actual.url}, expected {expected['url']}")
    headers = [(h.name.lower(), h.value) for h in actual.headers]
    for name, value in expected.get("headers", {}).items():
        got = next((v for n, v in headers if n == name.lower()), None)
        if got != value:
            raise Mismatch(f"header {name}: got {got!r}, expected {value!r}")
    for name in expected.get("absent_headers", []):
        if any(n == name.lower() for n, _ in headers):
            raise Mismatch(f"header {name} should be absent")
    if "body" in expected:
        got = None if actual.body is None else json.loads(actual.body)
        if got != expected["body"] or (got is None) != (expected["body"] is None):
            raise Mismatch(f"body {got!r}, expected {expected['body']!r}")


def error_items(error: AndOpenError) -> list[dict[str, Any]]:
    return [{"type": e.type, "code": e.code, "message": e.message, "param": e.param} for e in error.errors]


def check_errors(expected: list[dict[str, Any]], actual: list[dict[str, Any]]) -> None:
    """The errors compare as a list without regard to order; `param` absent means `null`."""
    left = list(actual)
    if len(expected) != len(left):
        raise Mismatch(f"{len(left)} errors, expected {len(expected)}: {left}")
    for e in expected:
        want = {"param": None, **e}
        for i, a in enumerate(left):
            try:
                subset(want, a)
            except Mismatch:
                continue
            del left[i]
            break
        else:
            raise Mismatch(f"no error matches {e}; got {left}")


def report_of(error: AndOpenError) -> dict[str, Any]:
    """The exception's fields under the names the vectors use."""
    rate = error.rate_limit
    return {
        "kind": error.kind,
        "message": error.message,
        "type": error.type,
        "code": error.code,
        "param": error.param,
        "status": error.status,
        "request_id": error.request_id,
        "retry_after_s": error.retry_after,
        "rate_limit": None if rate is None else {"limit": rate.limit, "remaining": rate.remaining, "reset": rate.reset},
        "attempts": error.attempts,
        "errors": error_items(error),
    }


def check_error(expected: dict[str, Any], error: AndOpenError) -> None:
    report = report_of(error)
    for field, want in expected.items():
        if field not in report:
            raise Mismatch(f"unknown error field {field}")
        if field == "errors":
            check_errors(want, report["errors"])
        else:
            try:
                subset(want, report[field], field)
            except Mismatch as m:
                raise Mismatch(f"error {field}: {m} in {report}") from None


def text_of(t: Any) -> str:
    """A text of a case: a string, or ``{prefix, repeat, times, suffix}`` (tests/vectors/README.md, "Long texts")."""
    if isinstance(t, str):
        return t
    repeat = t["repeat"]
    copies = (repeat.replace("{i}", str(i)) for i in range(t["times"]))
    return t.get("prefix", "") + "".join(copies) + t.get("suffix", "")


def response_of(r: dict[str, Any]) -> andopen.Response:
    if "body" in r:
        body = json.dumps(r["body"]).encode()
    elif "body_text" in r:
        body = text_of(r["body_text"]).encode()
    else:
        body = b""
    return andopen.Response(r["status"], list(r.get("headers", {}).items()), body)


def done_value(step: Any) -> Any:
    """The result of a ``Done`` step in its wire shape, through the package's models."""
    if hasattr(step, "gift_request"):
        return models.gift_request_result(step).to_dict()
    if hasattr(step, "campaign"):
        return models.campaign_result(step).raw
    page = models.page_result(step)
    return {"data": [c.raw for c in page.data], "has_more": page.has_more}


def run_case(case: dict[str, Any]) -> None:
    expect = case["expect"]
    script = Scripted()
    try:
        client = make_client(case, script)
    except AndOpenError as e:
        if "error" not in expect:
            raise Mismatch(f"configuration refused: {e}") from None
        check_error(expect["error"], e)
        return
    if case["call"]["op"] == "configure":
        if "base_url" not in expect:
            raise Mismatch("configuration accepted, expected an error")
        if client.base_url != expect["base_url"]:
            raise Mismatch(f"base_url {client.base_url}, expected {expect['base_url']}")
        return
    try:
        try:
            machine = start(client, case["call"])
        except _native.CoreError as refused:
            raise from_core_error(refused) from None
    except AndOpenError as e:
        if "errors" in expect and e.kind == "validation":
            check_errors(expect["errors"], error_items(e))
        elif "error" in expect:
            check_error(expect["error"], e)
        else:
            raise Mismatch(f"refused before sending: {e}") from None
        return
    if "request" not in expect:
        raise Mismatch(f"call accepted, expected {expect}")
    check_request(expect["request"], machine.request())
    for i, x in enumerate(case.get("exchanges", [])):
        script.now = unix_ms(x["now"]) / 1000
        if "response" in x:
            script.answer = response_of(x["response"])
        elif "transport_failure" in x:
            script.answer = andopen.TransportFailure("scripted", maybe_sent=x["transport_failure"] == "maybe_sent")
        else:
            raise Mismatch(f"exchange {i}: neither response nor transport_failure")
        step = client._exchange(machine, machine.request())
        want = x["expect"]
        try:
            check_step(want, step)
            if "next_request" in want:
                request = machine.request()
                if want["next_request"] is None:
                    if request is not None:
                        raise Mismatch(f"a next request {request.url}, expected none")
                elif request is None:
                    raise Mismatch("no next request")
                else:
                    check_request(want["next_request"], request)
        except Mismatch as m:
            raise Mismatch(f"exchange {i}: {m}") from None


def check_step(want: dict[str, Any], step: Any) -> None:
    if step.is_done():
        if "done" not in want:
            raise Mismatch(f"done, expected {want}")
        subset(want["done"], done_value(step))
        meta = models.response_meta(step.meta)
        if "status" in want and want["status"] != meta.status:
            raise Mismatch(f"status {meta.status}, expected {want['status']}")
        if "request_id" in want and want["request_id"] != meta.request_id:
            raise Mismatch(f"request id {meta.request_id!r}, expected {want['request_id']!r}")
    elif step.is_wait():
        if "wait" not in want:
            raise Mismatch(f"wait {step.delay_ms} ms, expected {want}")
        lo, hi = want["wait"]["min_ms"], want["wait"]["max_ms"]
        if not lo <= step.delay_ms <= hi:
            raise Mismatch(f"wait {step.delay_ms} ms, expected {lo}..={hi}")
    else:
        error = from_report(step.error)
        if "failed" not in want:
            raise Mismatch(f"failed ({error}), expected {want}")
        check_error(want["failed"], error)
