"""Starting and stopping an instance on Redis: nothing it opened stays open."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import redis.asyncio as aioredis
from pydantic import SecretStr

from gateway.portal.problems import ConfigurationError
from tests.live.instances import SECRET, eventually

if TYPE_CHECKING:
    from tests.support.gateway import GatewayFactory
    from tests.support.world import World

pytestmark = pytest.mark.redis


async def clients(redis: aioredis.Redis) -> int:
    """Connections Redis has open, this test's own included."""
    return len(await redis.client_list())


async def test_an_instance_releases_its_redis_connections_when_it_stops_or_cannot_start(
    gateway_factory: GatewayFactory, world: World, redis_url: str
) -> None:
    redis = aioredis.Redis.from_url(redis_url)
    try:
        alone = await clients(redis)
        broken = world.configurations()
        broken[0]["features"]["subscription_update"]["products"][0]["prices"] = ["price_missing"]
        with pytest.raises(ConfigurationError):
            await gateway_factory.start(broken, redis_url=redis_url)

        async def released() -> bool:
            return await clients(redis) == alone

        await eventually(released)

        running = await gateway_factory.start(
            world.configurations(), redis_url=redis_url, webhook_secret=SecretStr(SECRET)
        )
        token = await running.token_for(world.alice.id)
        assert (await running.post("{ customer { id } }", token=token)).ok()
        assert await clients(redis) > alone
        await gateway_factory.close()
        await eventually(released)
    finally:
        await redis.aclose()
