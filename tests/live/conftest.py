"""Gateway instances for the live and multi-instance tests.

`pair` is parametrised over the backend: with `redis`, two gateway apps on two loopback
ports, each with its own cache and bus, share one real Redis; with `memory`, one app plays
both parts (the single-instance variant of the same test). `stripe_webhooks` points the
emulator's signed webhook deliveries at the first instance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import redis.asyncio as aioredis

from tests.live.instances import SECRET, Instance, Pair, start_instance

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from tests.conftest import RunningEmulator
    from tests.support.gateway import GatewayFactory
    from tests.support.world import World


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def backend(request: pytest.FixtureRequest) -> str | None:
    """None for the in-process backend, else the URL of a real, emptied Redis."""
    if request.param == "memory":
        return None
    url: str = request.getfixturevalue("redis_url")
    return url


@pytest.fixture
async def redis_client(backend: str | None) -> AsyncIterator[aioredis.Redis | None]:
    """The test's own connection to the shared Redis (None with the memory backend)."""
    if backend is None:
        yield None
        return
    client = aioredis.Redis.from_url(backend)
    yield client
    await client.aclose()


@pytest.fixture
async def pair(
    gateway_factory: GatewayFactory,
    world: World,
    backend: str | None,
    redis_client: aioredis.Redis | None,
) -> Pair:
    """Instances A and B (the same instance with the memory backend)."""
    a = await start_instance(gateway_factory, world, backend, redis_client)
    if backend is None:
        return Pair(a, a)
    b = await start_instance(gateway_factory, world, backend, redis_client)
    return Pair(a, b)


@pytest.fixture
async def single(gateway_factory: GatewayFactory, world: World) -> Instance:
    """One instance on the memory backend, for the WebSocket protocol tests."""
    return await start_instance(gateway_factory, world, None, None)


@pytest.fixture
def stripe_webhooks(pair: Pair, emulator: RunningEmulator) -> Pair:
    """From now on the emulator delivers every event, signed, to instance A."""
    assert emulator.runtime.deliverer is not None, "the emulator delivers webhooks"
    emulator.runtime.deliverer.register(pair.a.webhook_url, SECRET)
    return pair
