"""graphql-http's audit suite (the GraphQL-over-HTTP reference implementation's own
conformance checks) run by Node against a served gateway.

`tests/audit/audit.mjs` calls `auditServer` and prints one JSON line per audit. Every MUST
audit has to pass, and so does every SHOULD (a miss is a `warn`); MAY audits that do not
pass are printed as notices (queries over GET are refused on purpose). CI installs the Node
side (`npm ci` in tests/audit) so this never skips there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.node import json_lines, require_node, run_node

if TYPE_CHECKING:
    from tests.support.gateway import GatewayFactory
    from tests.support.world import World

pytestmark = pytest.mark.node

AUDIT = Path(__file__).resolve().parents[1] / "audit"
# The audit sends a few dozen requests; a stuck gateway must not hold CI.
AUDIT_TIMEOUT_SECONDS = 60


async def test_graphql_http_audit_finds_no_failure(
    gateway_factory: GatewayFactory, world: World
) -> None:
    require_node(AUDIT, "graphql-http")
    # The audit sends anonymous documents in quick succession, and one MUST audit asks for
    # `__type(name:)`: production keeps introspection off, which that audit reads as a failure.
    gateway = await gateway_factory.start(
        world.configurations(), anonymous_rate_limit_per_second=0, introspection=True
    )
    code, stdout, stderr = await run_node(
        AUDIT / "audit.mjs", f"{gateway.url}/graphql", limit_seconds=AUDIT_TIMEOUT_SECONDS
    )
    results, summary = json_lines(stdout)
    for result in results:
        if result["status"] in ("warn", "notice"):
            print(
                f"graphql-http {result['status']}: {result['id']} {result['name']}: "
                f"{result['reason']}"
            )
    print(f"graphql-http audit: {json.dumps(summary['summary'])} of {summary['total']}")
    failed = [result for result in results if result["status"] in ("error", "warn")]
    assert failed == [], failed
    assert code == 0, stderr
    assert summary["total"] >= 40, summary
    assert summary["summary"]["ok"] >= 40, summary
