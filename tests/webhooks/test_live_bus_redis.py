"""The Redis bus against a real redis-server: events cross instances, per customer."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest
import redis.asyncio as aioredis

from gateway.live_bus import LiveEvent, LiveEventKind, create_bus
from gateway.live_bus.redis_bus import RedisBus
from tests.webhooks.webhook_helpers import eventually, next_event

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

pytestmark = pytest.mark.redis


def event(customer_id: str, n: int = 1) -> LiveEvent:
    return LiveEvent(
        customer_id=customer_id,
        kind=LiveEventKind.SUBSCRIPTION,
        type="customer.subscription.updated",
        event_id=f"evt_{customer_id}_{n}",
        object_id="sub_1",
        created=1_700_000_000 + n,
        object={"id": "sub_1", "status": "active", "n": n},
    )


@pytest.fixture
async def buses(redis_url: str) -> AsyncIterator[tuple[RedisBus, RedisBus]]:
    """Two gateway instances' buses on one Redis."""
    first, second = create_bus(redis_url), create_bus(redis_url)
    assert isinstance(first, RedisBus)
    assert isinstance(second, RedisBus)
    yield first, second
    await first.close()
    await second.close()


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def subscribers_of(client: aioredis.Redis, channel: str) -> int:
    counts = await client.pubsub_numsub(channel)
    return int(counts[0][1])


async def released(client: aioredis.Redis, channel: str) -> bool:
    return await subscribers_of(client, channel) == 0


async def test_an_event_published_on_one_instance_reaches_another(
    buses: tuple[RedisBus, RedisBus],
) -> None:
    publisher, receiver = buses
    async with receiver.subscribe("cus_a") as subscription:
        await publisher.publish(event("cus_a"))
        received = await next_event(subscription)
    assert received == event("cus_a")
    assert received.object == {"id": "sub_1", "status": "active", "n": 1}


async def test_each_instance_receives_only_its_customers_events(
    buses: tuple[RedisBus, RedisBus],
) -> None:
    first, second = buses
    async with (
        first.subscribe("cus_a") as a_on_first,
        second.subscribe("cus_a") as a_on_second,
        second.subscribe("cus_b") as b_on_second,
    ):
        await first.publish(event("cus_b", 1))
        await second.publish(event("cus_a", 2))
        assert (await next_event(a_on_first)).event_id == "evt_cus_a_2"
        assert (await next_event(a_on_second)).event_id == "evt_cus_a_2"
        assert (await next_event(b_on_second)).event_id == "evt_cus_b_1"
        assert a_on_first.pending == a_on_second.pending == b_on_second.pending == 0


async def test_one_redis_subscription_per_customer_per_instance_released_after_the_last(
    buses: tuple[RedisBus, RedisBus], redis_client: aioredis.Redis
) -> None:
    bus, _ = buses
    channel = bus.channel("cus_a")
    one, two = bus.subscribe("cus_a"), bus.subscribe("cus_a")
    await one.open()
    await two.open()
    assert await subscribers_of(redis_client, channel) == 1
    await one.aclose()
    await bus.publish(event("cus_a"))
    assert (await next_event(two)).event_id == "evt_cus_a_1"
    await two.aclose()
    await eventually(lambda: released(redis_client, channel))
    # Subscribing again after the release works.
    async with bus.subscribe("cus_a") as again:
        await bus.publish(event("cus_a", 2))
        assert (await next_event(again)).event_id == "evt_cus_a_2"


async def test_a_malformed_message_on_a_channel_is_ignored(
    buses: tuple[RedisBus, RedisBus], redis_client: aioredis.Redis
) -> None:
    bus, _ = buses
    async with bus.subscribe("cus_a") as subscription:
        await redis_client.publish(bus.channel("cus_a"), b"{not json")
        await redis_client.publish(bus.channel("cus_a"), event("cus_b").to_json())
        await bus.publish(event("cus_a", 2))
        assert (await next_event(subscription)).event_id == "evt_cus_a_2"


async def test_closing_the_bus_ends_streams_and_releases_redis(
    redis_url: str, redis_client: aioredis.Redis
) -> None:
    bus = RedisBus(redis_url)
    subscription = await bus.subscribe("cus_a").open()

    async def read_all() -> list[LiveEvent]:
        return [e async for e in subscription]

    reader = asyncio.create_task(read_all())
    await asyncio.sleep(0)
    await bus.close()
    async with asyncio.timeout(5):
        assert await reader == []
    await eventually(lambda: released(redis_client, bus.channel("cus_a")))


async def test_the_bus_resubscribes_after_redis_drops_its_connection(
    buses: tuple[RedisBus, RedisBus], redis_client: aioredis.Redis
) -> None:
    publisher, receiver = buses

    async def pubsub_connections() -> list[tuple[str, str]]:
        return [(c["id"], c["sub"]) for c in await redis_client.client_list(_type="pubsub")]

    async with receiver.subscribe("cus_a") as subscription:
        [(killed, _)] = await pubsub_connections()
        assert await redis_client.client_kill_filter(_type="pubsub") == 1

        async def resubscribed() -> bool:
            return [sub for id_, sub in await pubsub_connections() if id_ != killed] == ["1"]

        await eventually(resubscribed)
        await publisher.publish(event("cus_a", 2))
        assert (await next_event(subscription)).event_id == "evt_cus_a_2"
