"""Every conformance case of tests/vectors/, replayed through the package (see vectors.py)."""

from __future__ import annotations

from typing import Any

import pytest

from vectors import load_cases, run_case

CASES = load_cases()


def test_every_file_is_replayed() -> None:
    files = {name.split(" / ")[0] for name, _ in CASES}
    assert {"config.json", "validation.json", "requests.json", "responses.json", "retries.json", "pagination.json", "polling.json",
            "limits.json"} <= files
    assert len(CASES) >= 315


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[name for name, _ in CASES])
def test_vector(case: dict[str, Any]) -> None:
    run_case(case)


def test_the_replayer_catches_a_disagreement() -> None:
    import copy

    from vectors import Mismatch

    name, case = next((n, c) for n, c in CASES if n.startswith("requests.json") and "request" in c["expect"])
    wrong = copy.deepcopy(case)
    wrong["expect"]["request"]["url"] = "https://example.com/elsewhere"
    with pytest.raises(Mismatch, match="url"):
        run_case(wrong)
