"""graphql-http's audit suite (the GraphQL-over-HTTP reference implementation's own
conformance checks) run by Node against a served gateway.

`tests/audit/audit.mjs` calls `auditServer` and prints one JSON line per audit. Every MUST
audit has to pass, and so does every SHOULD (a miss is a `warn`); MAY audits that do not
pass are printed as notices (queries over GET are refused on purpose). CI
installs the Node side (`npm ci` in tests/audit) so this never skips there.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.support.gateway import GatewayFactory
    from tests.support.world import World

AUDIT = Path(__file__).resolve().parents[1] / "audit"
SCRIPT = AUDIT / "audit.mjs"
# The audit sends a few dozen requests; a stuck gateway must not hold CI.
AUDIT_TIMEOUT_SECONDS = 60


def _missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not (AUDIT / "node_modules" / "graphql-http").is_dir():
        return "graphql-http is not installed: run `npm ci` in tests/audit"
    return None


def _results(stdout: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    lines = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    summary = [line for line in lines if "summary" in line]
    assert len(summary) == 1, stdout
    return [line for line in lines if "summary" not in line], summary[0]


async def test_graphql_http_audit_finds_no_failure(
    gateway_factory: GatewayFactory, world: World
) -> None:
    missing = _missing()
    if missing is not None:
        # CI installs the Node side: there a missing tool is a broken setup, not a skip.
        assert not os.environ.get("CI"), missing
        pytest.skip(missing)
    # The audit sends anonymous documents in quick succession, and one MUST audit asks for
    # `__type(name:)`: production keeps introspection off, which that audit reads as a failure.
    gateway = await gateway_factory.start(
        world.configurations(), anonymous_rate_limit_per_second=0, introspection=True
    )
    process = await asyncio.create_subprocess_exec(
        "node",
        str(SCRIPT),
        f"{gateway.url}/graphql",
        cwd=AUDIT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), AUDIT_TIMEOUT_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    results, summary = _results(stdout.decode())
    for result in results:
        if result["status"] in ("warn", "notice"):
            print(
                f"graphql-http {result['status']}: {result['id']} {result['name']}: "
                f"{result['reason']}"
            )
    print(f"graphql-http audit: {json.dumps(summary['summary'])} of {summary['total']}")
    failed = [result for result in results if result["status"] in ("error", "warn")]
    assert failed == [], failed
    assert process.returncode == 0, stderr.decode()
    assert summary["total"] >= 40, summary
    assert summary["summary"]["ok"] >= 40, summary
