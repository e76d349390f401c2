"""The in-process bus: per-customer streams, bounded queues, clean endings."""

from __future__ import annotations

import asyncio
import gc
from typing import TYPE_CHECKING

import pytest

from gateway.live_bus import BusClosedError, InMemoryBus, LiveEvent, LiveEventKind, create_bus
from gateway.live_bus.redis_bus import RedisBus
from tests.webhooks.webhook_helpers import next_event

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator


def event(customer_id: str, n: int = 1) -> LiveEvent:
    return LiveEvent(
        customer_id=customer_id,
        kind=LiveEventKind.INVOICE,
        type="invoice.paid",
        event_id=f"evt_{customer_id}_{n}",
        object_id=f"in_{n}",
        created=1_700_000_000 + n,
    )


async def test_a_subscriber_gets_its_customers_events_only(bus: InMemoryBus) -> None:
    alice, alice_too, bob = bus.subscribe("cus_a"), bus.subscribe("cus_a"), bus.subscribe("cus_b")
    await bus.publish(event("cus_b"))
    await bus.publish(event("cus_a"))
    assert (await next_event(alice)).customer_id == "cus_a"
    assert (await next_event(alice_too)).customer_id == "cus_a"
    assert (await next_event(bob)).customer_id == "cus_b"
    assert alice.pending == alice_too.pending == bob.pending == 0


async def test_a_slow_subscriber_loses_its_oldest_events_and_they_are_counted() -> None:
    bus = InMemoryBus(queue_size=3)
    slow, fast = bus.subscribe("cus_a"), bus.subscribe("cus_a")
    for n in range(1, 6):
        await bus.publish(event("cus_a", n))
        assert (await next_event(fast)).event_id == f"evt_cus_a_{n}"
    assert [(await next_event(slow)).event_id for _ in range(3)] == [
        "evt_cus_a_3",
        "evt_cus_a_4",
        "evt_cus_a_5",
    ]
    assert (slow.dropped, fast.dropped, bus.dropped) == (2, 0, 2)
    await bus.close()


async def test_closing_a_subscription_releases_it_and_ends_iteration(bus: InMemoryBus) -> None:
    async with bus.subscribe("cus_a") as subscription:
        assert bus.subscriber_count("cus_a") == 1
        await bus.publish(event("cus_a"))
    assert bus.subscriber_count("cus_a") == 0
    await bus.publish(event("cus_a", 2))
    # What was queued before the close is still read; then the stream ends.
    assert [e.event_id async for e in subscription] == ["evt_cus_a_1"]


async def test_closing_the_bus_ends_every_stream_and_refuses_more_work() -> None:
    bus = InMemoryBus()
    subscription = bus.subscribe("cus_a")

    async def read_all() -> list[LiveEvent]:
        return [e async for e in subscription]

    reader = asyncio.create_task(read_all())
    await asyncio.sleep(0)
    await bus.close()
    async with asyncio.timeout(5):
        assert await reader == []
    with pytest.raises(BusClosedError):
        await bus.publish(event("cus_a"))
    with pytest.raises(BusClosedError):
        bus.subscribe("cus_a")
    await bus.close()  # closing twice is harmless


async def test_a_resolver_that_stops_iterating_releases_its_subscription(
    bus: InMemoryBus,
) -> None:
    """The GraphQL resolver shape: `async for ... in bus.subscribe(...)`, closed by the server."""

    async def resolver() -> AsyncGenerator[str, None]:
        async for live in bus.subscribe("cus_a"):
            yield live.event_id

    stream = resolver()
    first = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0)
    assert bus.subscriber_count("cus_a") == 1
    await bus.publish(event("cus_a"))
    assert await first == "evt_cus_a_1"
    await stream.aclose()
    gc.collect()
    assert bus.subscriber_count("cus_a") == 0


async def test_a_cancelled_reader_releases_its_subscription(bus: InMemoryBus) -> None:
    async def consume() -> None:
        async for _ in bus.subscribe("cus_a"):
            pass

    task = asyncio.create_task(consume())
    await asyncio.sleep(0)
    assert bus.subscriber_count("cus_a") == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    del task
    gc.collect()
    assert bus.subscriber_count("cus_a") == 0


async def test_the_url_chooses_the_backend() -> None:
    for url in (None, "", "memory://"):
        memory = create_bus(url)
        assert type(memory) is InMemoryBus
        await memory.close()
    shared = create_bus("redis://127.0.0.1:6390/0")  # connects lazily: no server needed here
    assert type(shared) is RedisBus
    await shared.close()


def test_the_queue_must_hold_at_least_one_event() -> None:
    with pytest.raises(ValueError, match="queue_size"):
        InMemoryBus(queue_size=0)
