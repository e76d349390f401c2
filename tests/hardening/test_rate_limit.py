"""Rate limits: a token bucket per access token, per admin key and per client address (for
anything else), in memory or shared through Redis; a refusal is HTTP 429 with a
`RATE_LIMITED` error, `Retry-After` and `extensions.retryAfter`, and runs nothing."""

from __future__ import annotations

import asyncio
import secrets
from typing import TYPE_CHECKING, Any

import pytest

from gateway.auth.rate_limit import Limit, RateLimiter
from gateway.store import Cache
from tests.support.gateway import Result

if TYPE_CHECKING:
    from tests.conftest import RunningEmulator
    from tests.support.gateway import GatewayFactory
    from tests.support.world import World

QUERY = "{ session { customerId } }"
# Slow refill, small bucket: the fourth request within a second is refused.
TIGHT: dict[str, Any] = {
    "rate_limit_per_second": 0.2,
    "rate_limit_burst": 3,
    "admin_rate_limit_per_second": 0.2,
    "admin_rate_limit_burst": 10,
    "anonymous_rate_limit_per_second": 0.2,
    "anonymous_rate_limit_burst": 20,
}


def limited(result: Result) -> int:
    assert result.status == 429, result.body
    assert result.error_codes == ["RATE_LIMITED"]
    assert "data" not in result.body
    retry_after: int = result.errors[0]["extensions"]["retryAfter"]
    assert 1 <= retry_after <= 5
    assert f"{retry_after} second" in result.errors[0]["message"]
    return retry_after


async def test_each_access_token_has_its_own_bucket(
    gateway_factory: GatewayFactory, world: World, emulator: RunningEmulator
) -> None:
    gateway = await gateway_factory.start(world.configurations(), **TIGHT)
    alice = await gateway.token_for(world.alice.id)
    bob = await gateway.token_for(world.bob.id)
    for _ in range(3):
        assert (await gateway.post(QUERY, token=alice)).ok()
    before = await emulator.request_count()
    async with gateway.http.post(
        f"{gateway.url}/graphql",
        json={"query": "{ subscriptions { id } }"},
        headers={"Authorization": f"Bearer {alice}"},
    ) as response:
        assert response.status == 429
        assert response.headers["Retry-After"] == str(limited(Result(429, await response.json())))
    # Refused before anything ran: no Stripe request.
    assert await emulator.request_count() == before
    # Bob's token, and the admin key, are counted apart.
    assert (await gateway.post(QUERY, token=bob)).ok()
    assert (await gateway.admin(QUERY, customer=world.alice.id)).ok()


async def test_a_batch_spends_one_token_per_operation(
    gateway_factory: GatewayFactory, world: World
) -> None:
    gateway = await gateway_factory.start(world.configurations(), **TIGHT)
    token = await gateway.token_for(world.alice.id)
    headers = {"Authorization": f"Bearer {token}"}
    async with gateway.http.post(
        f"{gateway.url}/graphql", json=[{"query": QUERY}] * 3, headers=headers
    ) as response:
        assert response.status == 200
    async with gateway.http.post(
        f"{gateway.url}/graphql", json={"query": QUERY}, headers=headers
    ) as response:
        assert response.status == 429


async def test_invented_credentials_share_the_addresss_bucket(
    gateway_factory: GatewayFactory, world: World
) -> None:
    settings = {**TIGHT, "anonymous_rate_limit_burst": 5}
    gateway = await gateway_factory.start(world.configurations(), **settings)
    answers = [
        await gateway.post(QUERY, token="pst_" + secrets.token_urlsafe(32)) for _ in range(6)
    ]
    assert [a.error_codes for a in answers[:5]] == [["UNAUTHENTICATED"]] * 5
    limited(answers[5])
    # Anonymous code redemption comes from the same address: also spent.
    limited(await gateway.redeem("whatever"))


async def test_admin_keys_have_their_own_limit(
    gateway_factory: GatewayFactory, world: World
) -> None:
    gateway = await gateway_factory.start(
        world.configurations(), admin_rate_limit_per_second=0.2, admin_rate_limit_burst=2
    )
    assert (await gateway.admin(QUERY, customer=world.alice.id)).ok()
    assert (await gateway.admin(QUERY, customer=world.bob.id)).ok()
    limited(await gateway.admin(QUERY, customer=world.alice.id))


async def test_limits_off(gateway_factory: GatewayFactory, world: World) -> None:
    gateway = await gateway_factory.start(
        world.configurations(), rate_limit_per_second=0, rate_limit_burst=1
    )
    token = await gateway.token_for(world.alice.id)
    results = await asyncio.gather(*(gateway.post(QUERY, token=token) for _ in range(20)))
    assert all(r.status == 200 for r in results)


@pytest.mark.redis
async def test_instances_sharing_redis_share_buckets(
    gateway_factory: GatewayFactory, world: World, redis_url: str
) -> None:
    first = await gateway_factory.start(world.configurations(), redis_url=redis_url, **TIGHT)
    second = await gateway_factory.start(world.configurations(), redis_url=redis_url, **TIGHT)
    token = await first.token_for(world.alice.id)
    answers: list[Result] = []
    for gateway in (first, second, first, second):
        answers.append(await gateway.post(QUERY, token=token))
    assert [a.status for a in answers] == [200, 200, 200, 429]
    limited(answers[3])


@pytest.mark.redis
async def test_concurrent_takes_in_redis_never_overspend(redis_url: str) -> None:
    cache = Cache.from_url(redis_url)
    try:
        limiter = RateLimiter(cache)
        limit = Limit(per_second=0.01, burst=10)
        verdicts = await asyncio.gather(*(limiter.take("customer:x", limit) for _ in range(50)))
        assert sum(v.allowed for v in verdicts) == 10
        refused = [v for v in verdicts if not v.allowed]
        assert all(v.retry_after_seconds >= 1 for v in refused)
    finally:
        await cache.close()


async def test_memory_bucket_refills_at_its_rate() -> None:
    now = [0.0]
    limiter = RateLimiter(Cache.from_url(None), clock=lambda: now[0])
    limit = Limit(per_second=2, burst=4)

    async def takes(count: int) -> list[Any]:
        return [(await limiter.take("k", limit)).allowed for _ in range(count)]

    assert await takes(5) == [True] * 4 + [False]
    verdict = await limiter.take("k", limit)
    assert verdict.retry_after == 0.5
    now[0] += 1.0  # two tokens back
    assert await takes(3) == [True, True, False]
    now[0] += 100.0  # never more than the burst
    assert await takes(5) == [True] * 4 + [False]
