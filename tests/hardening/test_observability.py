"""One JSON log line per GraphQL request (operation, duration, Stripe requests, outcome,
codes) with no secrets, tokens or card numbers in any log line; Prometheus metrics."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from gateway.observability.json_logs import JsonFormatter, configure_logging
from gateway.observability.redaction import redact
from tests.support.gateway import ADMIN_KEY, STRIPE_KEY

if TYPE_CHECKING:
    import pytest

    from tests.conftest import RunningEmulator
    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.world import World

CARD = "4242 4242 4242 4242"


def request_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    formatter = JsonFormatter()
    lines = [
        json.loads(formatter.format(r)) for r in caplog.records if r.name == "gateway.requests"
    ]
    return [line for line in lines if line.get("event") == "graphql_request"]


async def test_one_line_per_request(
    gateway: RunningGateway,
    world: World,
    emulator: RunningEmulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    token = await gateway.token_for(world.alice.id)
    caplog.clear()
    before = await emulator.request_count()
    (
        await gateway.post(
            "query Mine { subscriptions { id } invoices { nodes { id } } }", token=token
        )
    ).ok()
    stripe_requests = await emulator.request_count() - before
    await gateway.post("{ subscription(id: 1) { nope } }", token=token)
    await gateway.post(
        "mutation($input: CancelSubscriptionInput!) { cancelSubscription(input: $input) "
        "{ userErrors { code } } }",
        {"input": {"subscriptionId": world.bob.subscription}},
        token=token,
    )
    first, second, third = request_lines(caplog)
    assert first["operations"] == ["query Mine"]
    assert first["principal"] == "customer"
    assert (first["status"], first["outcome"], first["error_codes"]) == (200, "ok", [])
    assert first["stripe_requests"] == stripe_requests > 0
    assert first["duration_ms"] > 0
    assert second["outcome"] == "errors"
    assert second["error_codes"] == ["GRAPHQL_VALIDATION_FAILED"]
    assert second["stripe_requests"] == 0
    assert third["operations"] == ["mutation { cancelSubscription }"]
    assert third["user_error_codes"] == ["NOT_FOUND"]


async def test_no_secret_reaches_the_logs(
    gateway_factory: GatewayFactory, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    gateway = await gateway_factory.start(world.configurations(), rate_limit_burst=3)
    created = (await gateway.create_session(world.alice.id)).ok()["createPortalSession"]
    code = created["session"]["code"]
    token = (await gateway.redeem(code)).ok()["redeemPortalSession"]["accessToken"]
    await gateway.redeem(code)  # used: refused
    await gateway.post(
        "mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) "
        "{ userErrors { code } } }",
        {"input": {"name": CARD, "email": 4242424242424242}},
        token=token,
    )
    await gateway.post(f'{{ subscription(id: "{CARD}") {{ id }} }}', token=token)
    await gateway.post("{ session { id } }", token=token)  # rate limited by now
    await gateway.post("{ session { id } }", token="pst_" + "x" * 43)
    formatter = JsonFormatter()
    text = "\n".join(formatter.format(record) for record in caplog.records)
    assert "graphql_request" in text
    for secret in (token, code, ADMIN_KEY, STRIPE_KEY, CARD, CARD.replace(" ", ""), "pst_xxx"):
        assert secret not in text, secret


def test_redaction() -> None:
    assert redact("Bearer abc.def") == "[redacted]"
    assert redact("key sk_live_123abc and whsec_zz") == "key [redacted] and [redacted]"
    assert redact("https://portal/?code=abc-DEF_1&x=1") == "https://portal/?code=[redacted]&x=1"
    assert redact("card 4000-0566-5566-5556 ok") == "card [redacted] ok"
    # Digits that are not a card number (Luhn fails) stay: timestamps, amounts.
    assert redact("at 1732500000001") == "at 1732500000001"


async def test_metrics(
    gateway_factory: GatewayFactory, world: World, emulator: RunningEmulator
) -> None:
    gateway = await gateway_factory.start(world.configurations())
    token = await gateway.token_for(world.alice.id)
    (await gateway.post("{ subscriptions { id } }", token=token)).ok()
    (await gateway.post("{ subscriptions { id } }", token=token)).ok()
    await gateway.post("{ nope }", token=token)
    async with gateway.http.get(f"{gateway.url}/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        text = await response.text()
    for series in (
        'gateway_graphql_requests_total{outcome="ok"}',
        'gateway_graphql_requests_total{outcome="errors"}',
        "gateway_graphql_request_duration_seconds_bucket",
        'gateway_graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"}',
        'gateway_stripe_requests_total{method="GET",outcome="200",path="/v1/subscriptions"}',
        'gateway_cache_lookups_total{kind="subscriptions",result="hit"}',
        "gateway_stripe_breaker_open",
    ):
        assert series in text, series
    assert world.alice.id not in text
    guarded = await gateway_factory.start(world.configurations(), metrics_token="scrape-me")
    async with guarded.http.get(f"{guarded.url}/metrics") as response:
        assert response.status == 401
    async with guarded.http.get(
        f"{guarded.url}/metrics", headers={"Authorization": "Bearer scrape-me"}
    ) as response:
        assert response.status == 200
    off = await gateway_factory.start(world.configurations(), metrics=False)
    async with off.http.get(f"{off.url}/metrics") as response:
        assert response.status == 404


def test_the_stripe_sdk_logs_only_warnings_unless_debugging() -> None:
    root, sdk = logging.getLogger(), logging.getLogger("stripe")
    handlers, level, sdk_level = root.handlers[:], root.level, sdk.level
    try:
        configure_logging("json")
        assert root.isEnabledFor(logging.INFO)
        assert not sdk.isEnabledFor(logging.INFO)
        assert sdk.isEnabledFor(logging.WARNING)
        configure_logging("text", logging.DEBUG)
        assert sdk.isEnabledFor(logging.DEBUG)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        sdk.setLevel(sdk_level)
