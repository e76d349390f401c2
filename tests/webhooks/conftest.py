"""Fixtures: a memory cache and bus, and the webhook endpoint served on loopback."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp
import pytest

from gateway.live_bus import InMemoryBus
from gateway.store import Cache
from tests.webhooks.webhook_helpers import Endpoint, Instances

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def instances(http: aiohttp.ClientSession) -> AsyncIterator[Instances]:
    started = Instances(http)
    yield started
    await started.close()


@pytest.fixture
async def cache() -> AsyncIterator[Cache]:
    store = Cache.from_url(None)
    yield store
    await store.close()


@pytest.fixture
async def bus() -> AsyncIterator[InMemoryBus]:
    live = InMemoryBus()
    yield live
    await live.close()


@pytest.fixture
async def endpoint(instances: Instances, cache: Cache, bus: InMemoryBus) -> Endpoint:
    return await instances.start(cache=cache, bus=bus)
