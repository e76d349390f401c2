"""Each benchmark runs end to end in `--quick` mode (tiny bounds) and prints its tables.

Nothing here asserts a timing: the numbers of a smoke run on a shared machine mean nothing.
What must hold is that every script starts its processes, drives the real gateway against
the emulator, checks every answer and reports.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench

BENCH = Path(__file__).resolve().parents[2] / "bench"
TIMEOUT_SECONDS = 110

SCRIPTS = {
    "stripe_requests.py": [
        "### Stripe requests per operation",
        "| overview ",
        "| cancelSubscription",
    ],
    "stripe_budget.py": [
        "### Stripe calls per request",
        "| 5 x 15 aliased invoice(id:)",
        "### Stripe calls per second from one token",
    ],
    "latency.py": ["### Latency with Stripe answering", "| overview, cold", "| mutation"],
    "throughput.py": ["### Warm overview throughput", "| baseline ", "### Gateway / baseline"],
    "memory.py": ["### Gateway resident memory", "### Memory growth"],
    "jwt_check.py": [
        "### CPU per authentication check",
        "| sign-in token, customer claim      | RS256",
        "### JWT check cost",
    ],
    "document_cost.py": [
        "### CPU per request by document",
        "| 440 repeats of one field (the report) | anonymous",
        "### Most expensive request",
    ],
}


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_benchmark_prints_its_tables(script: str) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / script), "--quick"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    for expected in SCRIPTS[script]:
        assert expected in done.stdout, done.stdout[-3000:]
