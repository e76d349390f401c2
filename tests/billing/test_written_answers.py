"""A write's answer placed among Stripe's events, on both backends: it lands while no event
about its object was ordered during the write (or only the write's own call's); an event
that cannot be placed against it drops the document instead of landing over it; the
write's own events, before or after its answer, leave the answer in place."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from gateway.billing.cache_updates import apply_event, version_of
from gateway.billing.written_answers import Written, apply_written, writing
from gateway.store import Cache

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

CUS = "cus_wrt0000000000000000001"
OTHER = "cus_wrt0000000000000000002"
TTL = 60.0
CALL = "gw_" + "a" * 32
ANOTHER_CALL = "gw_" + "b" * 32


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def cache(request: pytest.FixtureRequest) -> AsyncIterator[Cache]:
    url = None if request.param == "memory" else request.getfixturevalue("redis_url")
    store = Cache.from_url(url)
    yield store
    await store.close()


class Loads:
    """A Stripe read stand-in: answers `value`, counting calls."""

    def __init__(self, value: dict[str, Any]) -> None:
        self.value = value
        self.calls = 0

    async def __call__(self) -> dict[str, Any]:
        self.calls += 1
        return self.value


def customer(name: str, email: str = "a@example.com", cid: str = CUS) -> dict[str, Any]:
    return {"id": cid, "object": "customer", "name": name, "email": email}


async def cached_customer(cache: Cache, load: Loads, cid: str = CUS) -> dict[str, Any]:
    found: dict[str, Any] = await cache.customer_cached(cid, "customer", TTL, load)
    return found


async def event(cache: Cache, state: dict[str, Any], created: int, call: str | None = None) -> None:
    key = f"{call}-step" if call else None
    previous = {"name": "before"}
    assert await apply_event(cache, CUS, "customer.updated", created, state, previous, key)


async def answer(cache: Cache, state: dict[str, Any], seen: int | None, call: str = CALL) -> None:
    written = Written(state, seen, frozenset({"name"}), call=call)
    assert await apply_written(cache, CUS, written, TTL)


async def test_an_answer_lands_when_no_event_came_during_the_write(cache: Cache) -> None:
    load = Loads(customer("Before"))
    await cached_customer(cache, load)
    await event(cache, customer("Before"), 100)
    seen = await version_of(cache, CUS)
    assert seen == 100
    await answer(cache, customer("Written"), seen)
    assert (await cached_customer(cache, load))["name"] == "Written"
    assert load.calls == 1


async def test_an_event_ordered_during_the_write_is_not_overwritten(cache: Cache) -> None:
    """A change made elsewhere while the write was on its way back: the answer lacks it."""
    load = Loads(customer("Before"))
    await cached_customer(cache, load)
    seen = await version_of(cache, CUS)
    await writing(cache, CUS, CALL)
    await event(cache, customer("Before", "newer@example.com"), 200)  # no gateway call
    await answer(cache, customer("Written"), seen)
    load.value = customer("Written", "newer@example.com")  # Stripe's state
    assert await cached_customer(cache, load) == load.value  # read again, not guessed
    assert load.calls == 2


async def test_the_writes_own_event_before_its_answer_leaves_it_to_the_answer(
    cache: Cache,
) -> None:
    load = Loads(customer("Before"))
    await cached_customer(cache, load)
    seen = await version_of(cache, CUS)
    await writing(cache, CUS, CALL)
    await event(cache, customer("Written"), 300, CALL)
    await answer(cache, customer("Written"), seen)
    assert (await cached_customer(cache, load))["name"] == "Written"
    assert load.calls == 1


async def test_an_older_event_after_the_answer_does_not_undo_it(cache: Cache) -> None:
    """Stripe delivers late: a change made before the write arrives after its answer."""
    load = Loads(customer("Before"))
    await cached_customer(cache, load)
    seen = await version_of(cache, CUS)
    await answer(cache, customer("Written", "earlier@example.com"), seen)
    await event(cache, customer("Before", "earlier@example.com"), 400)  # the earlier change
    load.value = customer("Written", "earlier@example.com")
    assert await cached_customer(cache, load) == load.value
    assert load.calls == 2
    # The write's own event agrees with what is cached; later events apply as usual.
    await event(cache, customer("Written", "earlier@example.com"), 401, CALL)
    await event(cache, customer("Later", "earlier@example.com"), 402)
    assert (await cached_customer(cache, load))["name"] == "Later"
    assert load.calls == 2


async def test_an_earlier_request_of_the_same_call_is_older_than_its_answer(
    cache: Cache,
) -> None:
    """A call of several writes (a schedule, then its phases): the first write's event,
    arriving after the call's answer, is an older state."""
    load = Loads(customer("Before"))
    await cached_customer(cache, load)
    seen = await version_of(cache, CUS)
    await answer(cache, customer("Final"), seen)
    await event(cache, customer("Halfway"), 500, CALL)
    assert (await cached_customer(cache, load))["name"] == "Final"
    assert load.calls == 1


async def test_another_calls_event_against_a_written_state_drops_it(cache: Cache) -> None:
    load = Loads(customer("Before"))
    await cached_customer(cache, load)
    seen = await version_of(cache, CUS)
    await answer(cache, customer("Mine"), seen)
    await event(cache, customer("Theirs"), 600, ANOTHER_CALL)
    load.value = customer("Theirs")
    assert (await cached_customer(cache, load))["name"] == "Theirs"
    assert load.calls == 2


async def test_an_answer_touches_only_its_customers_documents(cache: Cache) -> None:
    mine, theirs = Loads(customer("Before")), Loads(customer("Other", cid=OTHER))
    await cached_customer(cache, mine)
    await cached_customer(cache, theirs, OTHER)
    await answer(cache, customer("Written"), await version_of(cache, CUS))
    assert (await cached_customer(cache, theirs, OTHER))["name"] == "Other"
    assert (await cached_customer(cache, mine))["name"] == "Written"
    assert (mine.calls, theirs.calls) == (1, 1)
