"""Stripe's official Node SDK against the emulator: a second client, written by Stripe, reads
the emulator's wire format (objects, expansion, lists and auto-pagination, idempotent
retries, errors as the SDK's own types) the way it reads Stripe's, through customers, cards,
the catalog, subscriptions, prorated updates, previews, invoices, portal sessions, test
clocks and a webhook verified with the SDK's `constructEvent`.

`emulator/tests/stripe_node/scenario.mjs` prints one JSON line per step; every step has to pass.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from node_runner import json_lines, require_node, run_node

if TYPE_CHECKING:
    from stripe_emulator.testing import RunningEmulator

pytestmark = pytest.mark.node

SCENARIO = Path(__file__).resolve().parent / "stripe_node" / "scenario.mjs"
SCENARIO_TIMEOUT_SECONDS = 60


async def test_stripe_node_sdk_scenario_against_the_emulator(
    emulator: RunningEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    require_node(SCENARIO.parent, "stripe")
    caplog.set_level(logging.WARNING)
    code, stdout, stderr = await run_node(
        SCENARIO, emulator.url, limit_seconds=SCENARIO_TIMEOUT_SECONDS
    )
    steps, summary = json_lines(stdout)
    failed = [step for step in steps if not step["ok"]]
    assert failed == [], failed
    assert code == 0, stderr
    names = [step["step"] for step in steps]
    for covered in (
        "customer with a default card",
        "cards: a setup intent, attach, default, detach",
        "catalog: coupons, promotion codes, lookup keys",
        "a subscription with a promotion code and a trial",
        "an upgrade previewed, then prorated",
        "invoices: paid by hand, voided, uncollectible",
        "portal configuration and sessions",
        "a webhook, verified with the SDK helper",
    ):
        assert covered in names, covered
    assert summary["summary"] == {"passed": len(steps), "failed": 0}
    errors = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]
    assert errors == [], errors
