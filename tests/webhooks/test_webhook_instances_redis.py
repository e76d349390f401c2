"""Several gateway instances on one Redis agree: an event is processed once, seen everywhere."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest

from gateway.live_bus import EventBus, create_bus
from gateway.store import Cache, events_key
from tests.webhooks.webhook_helpers import Instances, close_cache, make_event, next_event

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

pytestmark = pytest.mark.redis

CUSTOMER = "cus_red0000000000000000001"


@pytest.fixture
async def caches(redis_url: str) -> AsyncIterator[tuple[Cache, Cache]]:
    """Two instances' caches on one Redis."""
    first, second = Cache.from_url(redis_url), Cache.from_url(redis_url)
    yield first, second
    await close_cache(first)
    await close_cache(second)


@pytest.fixture
async def buses(redis_url: str) -> AsyncIterator[tuple[EventBus, EventBus, EventBus]]:
    """Three instances' buses on one Redis."""
    made = (create_bus(redis_url), create_bus(redis_url), create_bus(redis_url))
    yield made
    for bus in made:
        await bus.close()


async def test_add_once_is_atomic_across_instances(caches: tuple[Cache, Cache]) -> None:
    first, second = caches
    results = await asyncio.gather(
        *(cache.add_once("claim:x", "mine", 60) for cache in (first, second, first, second))
    )
    assert sorted(results) == [False, False, False, True]
    assert await second.get("claim:x") == "mine"


async def test_the_same_delivery_to_two_instances_is_processed_once(
    caches: tuple[Cache, Cache],
    buses: tuple[EventBus, EventBus, EventBus],
    instances: Instances,
) -> None:
    # Instances A and B take deliveries; the subscriber is connected to instance C.
    (cache_a, cache_b), (bus_a, bus_b, bus_c) = caches, buses
    a = await instances.start(cache=cache_a, bus=bus_a)
    b = await instances.start(cache=cache_b, bus=bus_b)
    async with bus_c.subscribe(CUSTOMER) as subscription:
        event = make_event(
            "customer.subscription.deleted",
            {"id": "sub_red1", "object": "subscription", "customer": CUSTOMER},
        )
        results = await asyncio.gather(
            a.deliver(event), b.deliver(event), a.deliver(event), b.deliver(event)
        )
        assert [status for status, _ in results] == [200] * 4
        assert sorted(body["duplicate"] for _, body in results) == [False, True, True, True]
        assert (await next_event(subscription)).event_id == event["id"]

        # Nothing more was published for it: what arrives next is the next event.
        following = make_event(
            "invoice.created", {"id": "in_red1", "object": "invoice", "customer": CUSTOMER}
        )
        assert (await b.deliver(following))[0] == 200
        assert (await next_event(subscription)).event_id == following["id"]
    # Each event applied once, counted where every instance reads.
    assert await cache_a.counter(events_key(CUSTOMER)) == 2
    assert await cache_b.counter(events_key(CUSTOMER)) == 2


async def test_an_event_on_one_instance_updates_the_entry_another_cached(
    caches: tuple[Cache, Cache], buses: tuple[EventBus, EventBus, EventBus], instances: Instances
) -> None:
    (cache_a, cache_b), (bus_a, _, _) = caches, buses
    calls = 0

    async def load() -> dict[str, Any]:
        nonlocal calls
        calls += 1
        return {"id": CUSTOMER, "object": "customer", "name": "Old", "load": calls}

    # A float TTL, as billing/ passes: aiocache writes it with PSETEX (an int TTL takes
    # redis-py's deprecated SETEX).
    assert (await cache_b.customer_cached(CUSTOMER, "customer", 60.0, load))["load"] == 1
    assert (await cache_b.customer_cached(CUSTOMER, "customer", 60.0, load))["load"] == 1
    a = await instances.start(cache=cache_a, bus=bus_a)
    await a.deliver(
        make_event("customer.updated", {"id": CUSTOMER, "object": "customer", "name": "New"})
    )
    cached: dict[str, Any] = await cache_b.customer_cached(CUSTOMER, "customer", 60.0, load)
    assert (cached["name"], cached["load"], calls) == ("New", 1, 1)
    # The update kept the entry's expiry: a missed webhook stays bounded by it.
    key = f"cus:{CUSTOMER}:0:customer"
    assert 0 < await cache_b.expires_in(key) <= 60.0
