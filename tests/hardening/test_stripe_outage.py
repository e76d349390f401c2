"""Stripe down, slow or rate-limiting: answers come fast with STRIPE_UNAVAILABLE or
RATE_LIMITED, the breaker stops the traffic and /readyz says why; the SDK's retries reuse
the write's idempotency key, so a write applied before its connection dropped counts once."""

from __future__ import annotations

import random
import time
from typing import TYPE_CHECKING, Any

from tests.api.mutation_calls import mutate

if TYPE_CHECKING:
    from tests.conftest import RunningEmulator
    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.world import World

QUERY = "{ subscriptions { id } }"


async def ready(gateway: RunningGateway) -> tuple[int, dict[str, Any]]:
    async with gateway.http.get(f"{gateway.url}/readyz") as response:
        return response.status, await response.json()


async def test_outage_fails_fast_and_readyz_says_why(
    gateway_factory: GatewayFactory, world: World, emulator: RunningEmulator
) -> None:
    gateway = await gateway_factory.start(
        world.configurations(),
        customer_cache_ttl_seconds=0,
        stripe_breaker_threshold=3,
        stripe_breaker_seconds=1.0,
    )
    token = await gateway.token_for(world.alice.id)
    emulator.runtime.faults.configure({"rules": [{"path": "/v1/.*", "rate_500": 1.0}]})
    before = await emulator.request_count()
    answers = [await gateway.post(QUERY, token=token) for _ in range(6)]
    assert all(a.error_codes == ["STRIPE_UNAVAILABLE"] for a in answers)
    # Three failures opened the breaker: the other requests never reached Stripe.
    assert await emulator.request_count() - before == 3
    status, body = await ready(gateway)
    assert status == 503
    assert body["checks"]["stripe"] is False
    assert "3 requests in a row failed" in body["reasons"][0]
    assert await emulator.request_count() - before == 3
    # Stripe is back: after the cool-down the next call goes through and closes it.
    emulator.runtime.faults.configure({"rules": []})
    time.sleep(1.05)  # noqa: ASYNC251 - the breaker's monotonic clock must really move
    assert (await gateway.post(QUERY, token=token)).ok()
    assert (await ready(gateway))[0] == 200


async def test_stripe_rate_limiting_is_reported_as_such(
    gateway_factory: GatewayFactory, world: World, emulator: RunningEmulator
) -> None:
    gateway = await gateway_factory.start(
        world.configurations(), customer_cache_ttl_seconds=0, stripe_breaker_threshold=2
    )
    token = await gateway.token_for(world.alice.id)
    emulator.runtime.faults.configure({"rules": [{"path": "/v1/.*", "rate_429": 1.0}]})
    answers = [await gateway.post(QUERY, token=token) for _ in range(4)]
    assert [a.error_codes for a in answers] == [["RATE_LIMITED"]] * 4
    status, body = await ready(gateway)
    assert status == 503
    assert "rate-limiting" in body["reasons"][0]


async def test_a_slow_stripe_times_out_quickly(
    gateway_factory: GatewayFactory, world: World, emulator: RunningEmulator
) -> None:
    gateway = await gateway_factory.start(
        world.configurations(),
        customer_cache_ttl_seconds=0,
        stripe_timeout_seconds=0.3,
        stripe_max_retries=1,
    )
    token = await gateway.token_for(world.alice.id)
    emulator.runtime.faults.configure(
        {"rules": [{"path": "/v1/subscriptions", "latency_ms": 2000}]}
    )
    started = time.monotonic()
    result = await gateway.post(QUERY, token=token)
    elapsed = time.monotonic() - started
    assert result.error_codes == ["STRIPE_UNAVAILABLE"]
    # Two attempts of 0.3 s and one back-off of at most 1 s, not Stripe's 2 s.
    assert elapsed < 2.5


def _seed_for(*outcomes: bool) -> int:
    """A fault seed whose first draws fall below 0.5 exactly where `outcomes` are True."""
    for seed in range(10_000):
        rng = random.Random(seed)
        if all((rng.random() < 0.5) == wanted for wanted in outcomes):
            return seed
    raise AssertionError("no seed")


async def test_sdk_retry_after_a_dropped_answer_applies_once(
    gateway_factory: GatewayFactory, world: World, emulator: RunningEmulator
) -> None:
    gateway = await gateway_factory.start(world.configurations(), stripe_max_retries=2)
    token = await gateway.token_for(world.alice.id)
    tax_ids = f"/v1/customers/{world.alice.id}/tax_ids"
    # The first POST is applied, then its connection drops; the retry gets the replay.
    emulator.runtime.faults.configure(
        {
            "seed": _seed_for(True, False),
            "rules": [{"method": "POST", "path": tax_ids, "rate_drop_after": 0.5}],
        }
    )
    emulator.reset_log()
    payload = await mutate(gateway, token, "addTaxId", type="eu_vat", value="DE111222339")
    assert payload["userErrors"] == []
    posts = [e for e in emulator.runtime.log.entries if e["method"] == "POST"]
    assert [e["outcome"] for e in posts] == ["drop_after", "ok"]
    emulator.runtime.faults.configure({"rules": []})
    stored = [
        o
        for o in emulator.emu.objects.values()
        if o.get("object") == "tax_id" and o.get("value") == "DE111222339"
    ]
    assert len(stored) == 1
