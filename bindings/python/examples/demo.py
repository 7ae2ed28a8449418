"""The gifting flow of the &Open SDK for Python, told step by step against a running &Open API simulator.

    ANDOPEN_BASE_URL=http://127.0.0.1:PORT python demo.py

``ANDOPEN_BASE_URL`` is the simulator's address (``andopen-mock`` prints it when it starts);
``ANDOPEN_API_KEY`` defaults to ``ao-v1-staging-demo``. The demo uses the package's public API only; to show
what travels, it wraps the default transport in one that prints each request and response, and passes the
client a ``sleep`` that says when the SDK waits. Queuing a fault goes to the simulator's control endpoint
(``/_mock/faults``), which is not part of the API.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import urllib.request
from typing import Any
from urllib.parse import urlsplit

import andopen

CHOICE = "Welcome box (choice)"
DIRECT_SEND = "Welcome box (direct send)"
ADDRESS = {
    "address1": "12 Merrion Square",
    "city": "Dublin",
    "region": "Leinster",
    "postal_code": "D02 XY45",
    "country_code": "IE",
    "phone": "+353871234567",
}


def short(data: bytes | None, width: int = 96) -> str:
    if not data:
        return ""
    text = data.decode("utf-8", "replace")
    return text if len(text) <= width else text[: width - 3] + "..."


class Watching:
    """The default transport, printing what goes out and what comes back."""

    def __init__(self) -> None:
        self.inner = andopen.UrllibTransport()
        self.sent = 0
        self.statuses: list[int] = []

    def send(self, request: andopen.Request, timeout: float) -> andopen.Response:
        url = urlsplit(request.url)
        target = url.path + (f"?{url.query}" if url.query else "")
        print(f"    -> {request.method} {target}  {short(request.body)}".rstrip())
        self.sent += 1
        try:
            response = self.inner.send(request, timeout)
        except andopen.TransportFailure as failure:
            print(f"    <- no response ({failure})")
            raise
        headers = {name.lower(): value for name, value in response.header_pairs()}
        extra = f"  Retry-After: {headers['retry-after']}" if "retry-after" in headers else ""
        print(f"    <- {response.status}  Request-Id: {headers.get('request-id', '-')}{extra}")
        self.statuses.append(response.status)
        return response


def waiting(seconds: float) -> None:
    print(f"    .. the SDK waits {seconds:.1f} s, then sends again")
    time.sleep(seconds)


def heading(n: int, title: str) -> None:
    print(f"\n{n}. {title}")


def control(base_url: str, path: str, body: Any) -> Any:
    """A call to the simulator's control endpoints (not part of the API)."""
    request = urllib.request.Request(base_url.rstrip("/") + path, data=json.dumps(body).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as reply:
        return json.loads(reply.read())


def show_field_errors(errors: list[andopen.FieldError]) -> None:
    for problem in errors:
        print(f"      {problem.param or '(the request)'}")
        print(f"          {problem.message}  [{problem.code}]")


def main() -> int:
    base_url = os.environ.get("ANDOPEN_BASE_URL")
    if not base_url:
        print("set ANDOPEN_BASE_URL to the simulator's address (andopen-mock prints it when it starts)", file=sys.stderr)
        return 2
    api_key = os.environ.get("ANDOPEN_API_KEY") or "ao-v1-staging-demo"

    transport = Watching()
    client = andopen.Client(api_key, base_url=base_url, transport=transport, sleep=waiting)
    print(f"&Open SDK for Python {andopen.__version__}, API version {andopen.API_VERSION}, against {client.base_url}")
    created: list[andopen.GiftRequest] = []

    heading(1, "Every campaign, page after page")
    pages = list(client.campaign_pages())
    campaigns = [c for page in pages for c in page.data]
    print(f"   {len(campaigns)} campaigns on {len(pages)} pages ({', '.join(str(len(p.data)) for p in pages)})")
    by_name = {c.name: c for c in campaigns}
    choice, direct = by_name.get(CHOICE), by_name.get(DIRECT_SEND)
    if choice is None or direct is None:
        print(f"   the campaigns {CHOICE!r} and {DIRECT_SEND!r} are missing: is this the simulator?", file=sys.stderr)
        return 1
    print(f"   choice-mode: {choice.name!r}  {choice.id}  invitation: {choice.invitation_method}")
    print(f"   direct-send: {direct.name!r}  {direct.id}  invitation: {direct.invitation_method}")

    heading(2, "A choice-mode gift: the recipient picks from the catalogue")
    gift = client.create_gift_request({
        "campaign_id": choice.id,
        "recipient": {"first_name": "Alice", "last_name": "Smith", "email": "alice@example.com"},
    })
    created.append(gift)
    print(f"   gift {gift.id}: {gift.status}, redemption URL: {gift.redemption_url or 'not yet'}")

    heading(3, "Waiting for its redemption URL")
    gift = client.wait_for_redemption_url(gift.id, interval=0.5, timeout=30)
    print(f"   {gift.redemption_url}")

    heading(4, "A direct-send gift: our address, our items")
    sent = client.create_gift_request({
        "campaign_id": direct.id,
        "recipient": {"first_name": "Bob", "last_name": "Byrne"},
        "shipping_address": ADDRESS,
        "line_items": [{"sku": "HOODIE-M-BLK", "quantity": 1}],
    })
    created.append(sent)
    items = ", ".join(f"{i.quantity} x {i.sku}" for i in sent.line_items or [])
    print(f"   gift {sent.id}: {sent.status}, items locked: {items}, to {sent.shipping_address.city if sent.shipping_address else '?'}")

    heading(5, "Validation errors, each under its field")
    print("   checked before sending (nothing leaves this machine):")
    try:
        client.create_gift_request({
            "campaign_id": direct.id,
            "recipient": {"first_name": "Carla", "last_name": ""},
            "shipping_address": {**ADDRESS, "country_code": "ie"},
            "line_items": [{"sku": "HOODIE-M-BLK", "quantity": 0}],
        })
        print("   unexpected: the body was accepted", file=sys.stderr)
        return 1
    except andopen.ValidationError as e:
        show_field_errors(e.errors)
    print("   checked by the server (stock is only known there):")
    try:
        client.create_gift_request({
            "campaign_id": direct.id,
            "recipient": {"first_name": "Carla", "last_name": "Diaz"},
            "shipping_address": ADDRESS,
            "line_items": [{"sku": "TEE-S-WHT", "quantity": 1}],
        })
        print("   unexpected: the gift was created", file=sys.stderr)
        return 1
    except andopen.ApiError as e:
        show_field_errors(e.errors)
        print(f"      (HTTP {e.status}, Request-Id {e.request_id})")

    heading(6, "A 503 (service unavailable) is waited out")
    control(base_url, "/_mock/faults", [{"method": "POST", "path": "/gift_requests", "status": 503, "retry_after": 1}])
    print("   (queued on the simulator: the next POST /gift_requests answers 503 with Retry-After: 1)")
    before = len(transport.statuses)
    gift = client.create_gift_request({
        "campaign_id": choice.id,
        "recipient": {"first_name": "Dara", "last_name": "Walsh", "email": "dara@example.com"},
    })
    created.append(gift)
    print(f"   gift {gift.id}: {gift.status}, after {len(transport.statuses) - before} attempts")

    heading(7, "A 500 after the gift was made: never sent twice")
    control(base_url, "/_mock/faults", [{"method": "POST", "path": "/gift_requests", "status": 500, "after_processing": True}])
    print("   (queued on the simulator: the next POST /gift_requests is processed, then answers 500)")
    try:
        client.create_gift_request({
            "campaign_id": choice.id,
            "recipient": {"first_name": "Eoin", "last_name": "Kelly", "email": "eoin@example.com"},
        })
        print("   unexpected: the gift was reported created", file=sys.stderr)
        return 1
    except andopen.OutcomeUnknownError as e:
        print(f"   outcome unknown, not retried: reconcile before sending again (Request-Id {e.request_id})")

    heading(8, "A batch from CSV (the Clay flow), with a progress bar, then the same batch again")
    history = andopen.GiftHistory()
    for g in created:
        history.record_gift(g)  # the gifts sent above: Alice was gifted minutes ago
    stamp = int(time.time())
    guests = [(f"guest-{i}", "Guest", f"Number{i}", f"guest{i}.{stamp}@example.com") for i in range(1, 25)]
    others = [
        ("alice", "Alice", "Smith", "alice@example.com"),                    # gifted in step 2
        ("guest-3-again", "Guest", "Number3", guests[2][3].upper()),         # the same person as guest-3
        ("no-name", "Gabe", "", "gabe@example.com"),                         # no last name
    ]
    rows = ["row_key,first_name,last_name,email"] + [",".join(row) for row in guests + others]
    control(base_url, "/_mock/faults", [
        {"method": "POST", "path": "/gift_requests", "status": 429, "retry_after": 1},
        {"method": "POST", "path": "/gift_requests", "status": 500, "after_processing": True},
    ])
    print(f"   {len(rows) - 1} rows; queued on the simulator: a 429, then a 500 after processing")
    quiet = andopen.Client(api_key, base_url=base_url)
    journal = os.path.join(tempfile.mkdtemp(prefix="andopen-demo-"), "gifts.journal")

    shown = [-1]

    def bar(p: andopen.BatchProgress) -> None:
        if p.finished == shown[0]:
            return
        shown[0] = p.finished
        width = 30
        done = int(width * p.finished / max(p.total, 1))
        line = f"   [{'#' * done}{'.' * (width - done)}] {p.finished}/{p.total}  sent {p.sent}  skipped {p.skipped}  failed {p.failed}  unknown {p.unknown}"
        if sys.stdout.isatty():
            print("\r" + line, end="", flush=True)
        elif p.finished == p.total or (p.finished and p.finished % 10 == 0):
            print(line)

    result = andopen.send_batch_csv(quiet, "\n".join(rows) + "\n", campaign_id=choice.id, journal=journal, history=history,
                                    look_back_days=30, wait_for_redemption_url=False, on_progress=bar)
    if sys.stdout.isatty():
        print()
    for row in result.rows:
        o = row.outcome
        if o.is_skipped():
            print(f"   {row.row_key:<14} skipped: {o.reason}")
        elif o.is_failed():
            print(f"   {row.row_key:<14} failed: {o.error.param}: {o.error.errors[0].message if o.error.errors else o.error.message} [{o.error.code}]")
        elif o.is_outcome_unknown():
            print(f"   {row.row_key:<14} outcome unknown (Request-Id {o.request_id}): not resent, reconcile first")
    csv_lines = result.to_csv().splitlines()
    print(f"   results as CSV for the table ({len(csv_lines) - 1} rows), first line: {csv_lines[1][:90]}...")
    again = andopen.send_batch_csv(quiet, "\n".join(rows) + "\n", campaign_id=choice.id, journal=journal, history=history, look_back_days=30)
    recorded = sum(1 for r in again.rows if r.from_journal)
    print(f"   run again with the same journal: {recorded} rows answered from it, nothing sent twice")

    heading(9, "Summary")
    print(f"   {transport.sent} requests sent; answers: " + ", ".join(f"{s} x{transport.statuses.count(s)}" for s in sorted(set(transport.statuses))))
    for g in created:
        print(f"   {g.id}  {g.status:<10} {g.recipient.first_name} {g.recipient.last_name}")
    print("   and one creation whose outcome the client cannot know (the simulator did create it): look it up before sending again")
    return 0


if __name__ == "__main__":
    sys.exit(main())
