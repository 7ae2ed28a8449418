"""The &Open API simulator (``tests/mock``, the ``andopen-mock`` binary) as a child process, for the
end-to-end tests.

The binary comes from ``ANDOPEN_MOCK_BIN``, else ``target/release/andopen-mock`` at the repository's root.
It listens on a free port of 127.0.0.1 and prints its address as its first stdout line; its request log
(``GET /_mock/requests``) tells a test what the server actually received. Its stderr is kept for error
messages.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_BIN = REPO_ROOT / "target" / "release" / "andopen-mock"
BUILD_HINT = "run `cargo build --release -p andopen-mock` from the repository root first"


def mock_binary() -> Path:
    """The simulator's binary; raises ``FileNotFoundError`` (with the build command) when it is missing."""
    configured = os.environ.get("ANDOPEN_MOCK_BIN")
    path = Path(configured) if configured else DEFAULT_BIN
    if not path.is_file() or not os.access(path, os.X_OK):
        where = "ANDOPEN_MOCK_BIN" if configured else "the default location"
        raise FileNotFoundError(f"the andopen-mock simulator is missing ({where}: {path}): {BUILD_HINT}")
    return path


@dataclass(frozen=True)
class Logged:
    """One entry of the simulator's request log."""

    method: str
    path: str
    status: str
    """The status as text, or ``dropped`` when the connection was closed without an answer."""
    request_id: str


class Simulator:
    """A running ``andopen-mock``: its base URL, its control endpoints and its request log."""

    def __init__(self, *flags: str, startup_timeout: float = 15.0) -> None:
        binary = mock_binary()
        # --exit-on-stdin-eof: the simulator stops when this process closes its stdin, or dies.
        self._process = subprocess.Popen(
            [str(binary), "--port", "0", "--exit-on-stdin-eof", "--quiet", *flags],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self._lines: list[str] = []
        self._lock = threading.Lock()
        first: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read_stdout, args=(first,), daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()
        try:
            line = first.get(timeout=startup_timeout)
        except queue.Empty:
            self.stop()
            raise RuntimeError(f"andopen-mock printed no address within {startup_timeout} s; stderr: {self.stderr()!r}") from None
        prefix = "andopen-mock listening on "
        if not line.startswith(prefix):
            self.stop()
            raise RuntimeError(f"unexpected first line from andopen-mock: {line!r}; stderr: {self.stderr()!r}")
        self.url = line[len(prefix):].strip()

    def _read_stdout(self, first: queue.Queue[str]) -> None:
        assert self._process.stdout is not None
        for raw in self._process.stdout:
            first.put(raw.decode("utf-8", "replace"))
        first.put("")  # the process ended

    def _read_stderr(self) -> None:
        assert self._process.stderr is not None
        for raw in self._process.stderr:
            with self._lock:
                self._lines.append(raw.decode("utf-8", "replace").rstrip("\n"))

    def stderr(self) -> str:
        with self._lock:
            return "\n".join(self._lines)

    # --- what the simulator received -----------------------------------------------------------------------

    def mark(self) -> int:
        """A position in the request log: :meth:`api_log` lists what came after it."""
        return len(self.control("GET", "/_mock/requests")["data"])

    def api_log(self, since: int = 0) -> list[Logged]:
        """The API requests the simulator received after ``since`` (``GET /_mock/requests``; the
        simulator records a request before answering it)."""
        entries = self.control("GET", "/_mock/requests")["data"][since:]
        return [
            Logged(e["method"], e["path"], "dropped" if e["status"] is None else str(e["status"]), e["request_id"])
            for e in entries
        ]

    # --- the control endpoints -----------------------------------------------------------------------------

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Calls a control endpoint (``/_mock/...``: no version header, no token) and returns its JSON."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=10) as reply:
            return json.loads(reply.read())

    def queue_faults(self, *faults: dict[str, Any]) -> None:
        self.control("POST", "/_mock/faults", list(faults))

    def gifts(self) -> list[dict[str, Any]]:
        """Every gift request the simulator holds, in creation order."""
        return self.control("GET", "/_mock/gift_requests")["data"]

    # --- stopping ----------------------------------------------------------------------------------------------

    def stop(self) -> None:
        """Closes the simulator's stdin (it exits), killing it if it has not gone within 5 s."""
        if self._process.poll() is None:
            try:
                assert self._process.stdin is not None
                self._process.stdin.close()
            except OSError:
                pass
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=5)

    def __enter__(self) -> Simulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def running(*flags: str) -> Iterator[Simulator]:
    """For a pytest fixture (``yield from running(...)``): a simulator started with ``flags``, stopped
    afterwards; the test fails, saying why, when the simulator is not built."""
    try:
        simulator = Simulator(*flags)
    except FileNotFoundError as e:
        pytest.fail(str(e), pytrace=False)
    try:
        yield simulator
    finally:
        simulator.stop()
