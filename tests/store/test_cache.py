"""The cache on both backends: JSON values, atomic takes, generations, failing open."""

from __future__ import annotations

import asyncio
import socket
from typing import TYPE_CHECKING

import pytest

from gateway.store import Cache

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def cache(request: pytest.FixtureRequest) -> AsyncIterator[Cache]:
    url = None if request.param == "memory" else request.getfixturevalue("redis_url")
    cache = Cache.from_url(url)
    yield cache
    await cache.close()


async def test_values_round_trip_as_json(cache: Cache) -> None:
    await cache.set("k", {"a": [1, "two", None], "b": True}, ttl=60)
    assert await cache.get("k") == {"a": [1, "two", None], "b": True}
    assert await cache.get("missing") is None
    assert await cache.delete("k") is True
    assert await cache.delete("k") is False


async def test_entries_expire(cache: Cache) -> None:
    await cache.set("short", 1, ttl=0.2)
    assert await cache.get("short") == 1
    await asyncio.sleep(0.35)
    assert await cache.get("short") is None


async def test_take_has_one_winner(cache: Cache) -> None:
    await cache.set("code", {"session": "ps_1"}, ttl=60)
    results = await asyncio.gather(*(cache.take("code") for _ in range(10)))
    assert [r for r in results if r is not None] == [{"session": "ps_1"}]


async def test_customer_generations_orphan_old_entries(cache: Cache) -> None:
    loads = 0

    async def load() -> dict[str, int]:
        nonlocal loads
        loads += 1
        return {"version": loads}

    first: object = await cache.customer_cached("cus_1", "customer", 60, load)
    again: object = await cache.customer_cached("cus_1", "customer", 60, load)
    assert first == again == {"version": 1}
    other: object = await cache.customer_cached("cus_2", "customer", 60, load)
    assert other == {"version": 2}
    await cache.invalidate_customer("cus_1")
    assert await cache.customer_cached("cus_1", "customer", 60, load) == {"version": 3}
    assert await cache.customer_cached("cus_2", "customer", 60, load) == {"version": 2}
    assert await cache.generation("cus_1") == 1


async def test_zero_ttl_always_loads(cache: Cache) -> None:
    calls = 0

    async def load() -> int:
        nonlocal calls
        calls += 1
        return calls

    assert [await cache.customer_cached("cus_1", "k", 0, load) for _ in range(3)] == [1, 2, 3]


async def test_a_dead_redis_fails_open_for_reads() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cache = Cache.from_url(f"redis://127.0.0.1:{port}/0")
    try:
        assert await cache.ping() is False

        async def load() -> str:
            return "from stripe"

        assert await cache.customer_cached("cus_1", "customer", 30, load) == "from stripe"
        assert await cache.cached("price:1", 30, load) == "from stripe"
    finally:
        await cache.close()
