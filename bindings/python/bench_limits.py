"""The package against inputs a server would refuse: huge bodies, huge responses, huge error lists. Each
case runs in a fresh interpreter and prints its wall time, the growth of the process's peak memory during
the call (the peak resident size, started afresh once the input is built, minus the resident size then;
Linux only) and what the call ended with.

    python bench_limits.py              # every case
    python bench_limits.py WORD ...     # the cases whose name holds one of the words (e.g. urllib)

The servers are local (127.0.0.1) and stream their bodies from a generator: only the package's own reading
is measured. Needs only the andopen wheel.
"""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterator

import andopen

CAMPAIGN = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
GIFT = "4fb4cb3f-9666-43b5-8884-7f5194483d1a"
KEY = "ao-v1-staging-k3y5ecr3t"
MB = 1 << 20


def _status(field: str) -> int:
    """A size from /proc/self/status (Linux), in bytes."""
    with open("/proc/self/status") as f:
        line = next(line for line in f if line.startswith(field + ":"))
    return int(line.split()[1]) * 1024


def _reset_peak() -> None:
    """Starts the peak resident size (VmHWM) afresh from the resident size now (Linux 4.0+)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def _outcome(call: Callable[[], Any]) -> str:
    try:
        result = call()
    except andopen.AndOpenError as e:
        return f"{type(e).__name__} code={e.code} errors={len(e.errors)} message={len(str(e))} chars"
    except Exception as e:  # what the package should never raise: shown as is
        return f"raw {type(e).__name__}: {str(e)[:80]}"
    if isinstance(result, list) and result and isinstance(result[0], list):  # one list per row
        result = result[0]
    if isinstance(result, list):
        return f"{len(result)} problems" + (f", first {result[0].code}" if result else "")
    return type(result).__name__


def _measure(name: str, build: Callable[[], Callable[[], Any]]) -> None:
    call = build()
    gc.collect()
    _reset_peak()
    before = _status("VmRSS")
    start = time.perf_counter()
    outcome = _outcome(call)
    seconds = time.perf_counter() - start
    grown = max(0, _status("VmHWM") - before)
    print(f"{name:<52} {seconds:8.2f} s {grown / MB:9.1f} MB   {outcome}", flush=True)


# --- bodies ------------------------------------------------------------------------------------------

def _bad_line_items(n: int) -> dict[str, Any]:
    item = {"sku": "HOODIE-L-BLK", "quantity": 0}  # one object, n references: the input costs n pointers
    return {
        "campaign_id": CAMPAIGN,
        "recipient": {"first_name": "Ann", "last_name": "Smith"},
        "shipping_address": {"address1": "1 Main St", "city": "Dublin", "region": "Leinster", "postal_code": "D02",
                             "country_code": "IE", "phone": "+353871234567"},
        "line_items": [item] * n,
    }


def _unknown_keys(n: int) -> dict[str, Any]:
    body: dict[str, Any] = {"campaign_id": CAMPAIGN, "recipient": {"first_name": "Ann", "last_name": "Smith"}}
    body.update((f"k{i}", i) for i in range(n))
    return body


def _offline_client() -> andopen.Client:
    class Unreachable:
        def send(self, request: andopen.Request, timeout: float) -> andopen.Response:
            raise andopen.TransportFailure("offline", maybe_sent=False)

    return andopen.Client(KEY, transport=Unreachable(), sleep=lambda s: None)


# --- servers -----------------------------------------------------------------------------------------

def _serve(status: int, chunks: Callable[[], Iterator[bytes]], length: int) -> str:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _answer(self) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Request-Id", "686478be-8a11-4471-9ce5-c3722f5ddba4")
            self.send_header("Content-Length", str(length))
            self.end_headers()
            try:
                for chunk in chunks():
                    self.wfile.write(chunk)
            except OSError:
                pass  # the client stopped reading

        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self._answer()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}"


def _big_gift(total: int) -> tuple[Callable[[], Iterator[bytes]], int]:
    """A gift request whose unknown field `padding` makes it `total` bytes long."""
    head = ('{"id":"%s","status":"submitted","campaign_id":null,"redemption_url":null,'
            '"recipient":{"id":null,"first_name":"A","last_name":"B","email":null},"shipping_address":null,'
            '"line_items":null,"created_at":"2026-05-01T12:00:00.000Z","updated_at":"2026-05-01T12:00:00.000Z",'
            '"padding":"' % GIFT).encode()
    tail = b'"}'
    pad = total - len(head) - len(tail)

    def chunks() -> Iterator[bytes]:
        yield head
        left = pad
        block = b"x" * MB
        while left > 0:
            yield block[: min(left, MB)]
            left -= MB
        yield tail

    return chunks, total


def _many_errors(n: int) -> tuple[Callable[[], Iterator[bytes]], int]:
    item = b'{"type":"validation_error","code":"invalid","message":"is not valid","param":"line_items[0].sku"}'
    body_len = len(b'{"errors":[') + n * len(item) + (n - 1) + len(b"]}")

    def chunks() -> Iterator[bytes]:
        yield b'{"errors":['
        block = b",".join([item] * 1000)
        for i in range(n // 1000):
            yield (b"," if i else b"") + block
        yield b"]}"

    return chunks, body_len


# --- the cases ---------------------------------------------------------------------------------------

def _ok_body() -> dict[str, Any]:
    body = _bad_line_items(1)
    body["line_items"] = [{"sku": "HOODIE-L-BLK", "quantity": 1}]
    return body


def _bad_items_body() -> dict[str, Any]:
    return _bad_line_items(3_000_000)


def _long_skus_body() -> dict[str, Any]:
    """40,000 distinct line items with 100-character SKUs: 4.6 MB of JSON that no container's length
    gives away."""
    body = _bad_line_items(0)
    body["line_items"] = [{"sku": f"{i:0100d}", "quantity": 1} for i in range(40_000)]
    return body


def _urllib(status: int, served: tuple[Callable[[], Iterator[bytes]], int]) -> andopen.Client:
    return andopen.Client(KEY, base_url=_serve(status, *served), sleep=lambda s: None)


def _whole_422() -> andopen.Client:
    chunks, _ = _many_errors(1_000_000)
    whole = b"".join(chunks())

    class Whole:
        def send(self, request: andopen.Request, timeout: float) -> andopen.Response:
            return andopen.Response(422, [("Request-Id", "r" * 10 * MB)], whole)

    return andopen.Client(KEY, transport=Whole(), sleep=lambda s: None)


# Each case: a name, and a function that builds the input (not measured) and returns the call (measured).
CASES: dict[str, Callable[[], Callable[[], Any]]] = {
    "validate_gift_request: 3 M bad line items":
        lambda: (lambda b: lambda: andopen.validate_gift_request(b))(_bad_items_body()),
    "gift_request_body: 3 M bad line items":
        lambda: (lambda b: lambda: andopen.gift_request_body(b))(_bad_items_body()),
    "create_gift_request: 3 M bad line items":
        lambda: (lambda b, c: lambda: c.create_gift_request(b))(_bad_items_body(), _offline_client()),
    "validate_gift_requests: one row of 3 M bad line items":
        lambda: (lambda b: lambda: andopen.validate_gift_requests([b]))(_bad_items_body()),
    "gift_request_body: 40,000 line items, 100-char SKUs":
        lambda: (lambda b: lambda: andopen.gift_request_body(b))(_long_skus_body()),
    "validate_gift_requests: 1,000 rows of 40,000 items":
        lambda: (lambda b: lambda: andopen.validate_gift_requests([b] * 1000))(_long_skus_body()),
    "validate_gift_request: 1 M unknown keys":
        lambda: (lambda b: lambda: andopen.validate_gift_request(b))(_unknown_keys(1_000_000)),
    "gift_request_body: 1 M unknown keys":
        lambda: (lambda b: lambda: andopen.gift_request_body(b))(_unknown_keys(1_000_000)),
    "get_gift_request over urllib: a 200 MB 200":
        lambda: (lambda c: lambda: c.get_gift_request(GIFT))(_urllib(200, _big_gift(200 * MB))),
    "create_gift_request over urllib: a 200 MB 201":
        lambda: (lambda c, b: lambda: c.create_gift_request(b))(_urllib(201, _big_gift(200 * MB)), _ok_body()),
    "create over urllib: a 422 with 1 M errors (95 MB)":
        lambda: (lambda c, b: lambda: c.create_gift_request(b))(_urllib(422, _many_errors(1_000_000)), _ok_body()),
    "create, own transport: 1 M errors, 10 MB Request-Id":
        lambda: (lambda c, b: lambda: c.create_gift_request(b))(_whole_422(), _ok_body()),
}


def main(argv: list[str]) -> None:
    if len(argv) == 2 and argv[0] == "--child":
        name = list(CASES)[int(argv[1])]
        _measure(name, CASES[name])
        return
    wanted = [w.lower() for w in argv]
    print(f"{'case':<52} {'time':>10} {'peak +':>12}   outcome", flush=True)
    for i, name in enumerate(CASES):
        if wanted and not any(w in name.lower() for w in wanted):
            continue
        # A fresh interpreter per case: the peak of one does not hide the next.
        subprocess.run([sys.executable, __file__, "--child", str(i)], check=False)


if __name__ == "__main__":
    main(sys.argv[1:])
