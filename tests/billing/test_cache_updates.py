"""Events applied to cached customer documents, on both backends: Stripe's event order per
object, reads that loaded while an event applied, lists that objects join and leave, and
the expiry an update keeps."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from gateway.billing.cache_updates import (
    Order,
    apply_event,
    order_of,
    ordered_by_key,
    remember_invoice_page,
    update_document,
    version_of,
)
from gateway.billing.cached_objects import SAME, in_page, replaced
from gateway.billing.written_answers import Written, apply_written
from gateway.settings import Settings
from gateway.store import Cache

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

CUS = "cus_upd0000000000000000001"
TTL = 60.0


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


def page(*rows: dict[str, Any], has_more: bool = False) -> dict[str, Any]:
    return {"object": "list", "data": list(rows), "has_more": has_more}


def sub(sub_id: str, status: str = "active", created: int = 100) -> dict[str, Any]:
    return {
        "id": sub_id,
        "object": "subscription",
        "customer": CUS,
        "status": status,
        "created": created,
    }


async def read(cache: Cache, kind: str, load: Loads) -> Any:
    return await cache.customer_cached(CUS, kind, TTL, load)


async def test_order_per_object(cache: Cache) -> None:
    assert await order_of(cache, "sub_1", 200) is Order.NEWER
    assert await order_of(cache, "sub_1", 100) is Order.OLDER
    assert await order_of(cache, "sub_1", 200) is Order.SAME_SECOND
    assert await order_of(cache, "sub_1", 201) is Order.NEWER
    assert await order_of(cache, "sub_2", 1) is Order.NEWER


async def test_a_newer_event_names_its_call_with_its_version(cache: Cache) -> None:
    """A write's guard reads the version and the call behind it: both move together."""
    assert await order_of(cache, "sub_1", 200, "gw_first") is Order.NEWER
    assert await version_of(cache, "sub_1") == 200
    assert await cache.get(ordered_by_key("sub_1")) == "gw_first"
    assert await order_of(cache, "sub_1", 201) is Order.NEWER  # not the gateway's
    assert await cache.get(ordered_by_key("sub_1")) == ""
    assert await order_of(cache, "sub_1", 150, "gw_late") is Order.OLDER
    assert await cache.get(ordered_by_key("sub_1")) == ""


async def test_a_read_loaded_while_an_event_applied_is_not_stored(cache: Cache) -> None:
    """The load began before the event; its state may be older, so it must not stay."""
    calls = 0

    async def load() -> dict[str, Any]:
        nonlocal calls
        calls += 1
        if calls == 1:  # Stripe answered, then the event for a later state came in
            await apply_event(
                cache,
                CUS,
                "customer.updated",
                500,
                {"id": CUS, "object": "customer", "name": "New"},
                {"name": "Old"},
            )
            return {"id": CUS, "object": "customer", "name": "Old"}
        return {"id": CUS, "object": "customer", "name": "New"}

    assert (await cache.customer_cached(CUS, "customer", TTL, load))["name"] == "Old"
    assert (await cache.customer_cached(CUS, "customer", TTL, load))["name"] == "New"
    assert (await cache.customer_cached(CUS, "customer", TTL, load))["name"] == "New"
    assert calls == 2


async def test_subscriptions_join_change_and_leave_the_cached_list(cache: Cache) -> None:
    load = Loads(page(sub("sub_b", created=200), sub("sub_a", created=100)))
    await read(cache, "subscriptions", load)
    await apply_event(
        cache, CUS, "customer.subscription.created", 10, sub("sub_c", created=300), {}
    )
    await apply_event(cache, CUS, "customer.subscription.updated", 11, sub("sub_a", "past_due"), {})
    await apply_event(
        cache, CUS, "customer.subscription.deleted", 12, sub("sub_b", "canceled", 200), {}
    )
    listed = await read(cache, "subscriptions", load)
    assert [(s["id"], s["status"]) for s in listed["data"]] == [
        ("sub_c", "active"),
        ("sub_a", "past_due"),
    ]
    assert load.calls == 1


async def test_an_object_whose_expansion_changed_is_read_again(cache: Cache) -> None:
    schedule = {"id": "sub_sched_1", "object": "subscription_schedule", "phases": []}
    row = {**sub("sub_a"), "schedule": schedule}
    load = Loads(page(row))
    await read(cache, "subscriptions", load)
    # The same schedule by id: the cached expansion stays.
    await apply_event(
        cache,
        CUS,
        "customer.subscription.updated",
        10,
        {**sub("sub_a", "past_due"), "schedule": "sub_sched_1"},
        {},
    )
    listed = await read(cache, "subscriptions", load)
    assert listed["data"][0]["schedule"] == schedule
    assert listed["data"][0]["status"] == "past_due"
    # The schedule updated on its own: it is replaced inside the subscription.
    await apply_event(
        cache,
        CUS,
        "subscription_schedule.updated",
        11,
        {**schedule, "subscription": "sub_a", "customer": CUS, "phases": [{"x": 1}]},
        {},
    )
    assert (await read(cache, "subscriptions", load))["data"][0]["schedule"]["phases"] == [{"x": 1}]
    # Another schedule: the gateway cannot expand it without Stripe, so the list reloads.
    await apply_event(
        cache,
        CUS,
        "customer.subscription.updated",
        12,
        {**sub("sub_a"), "schedule": "sub_sched_2"},
        {},
    )
    await read(cache, "subscriptions", load)
    assert load.calls == 2


async def test_payment_methods_attach_and_detach(cache: Cache) -> None:
    def pm(pm_id: str, created: int, customer: str | None = CUS) -> dict[str, Any]:
        return {"id": pm_id, "object": "payment_method", "customer": customer, "created": created}

    load = Loads(page(pm("pm_1", 100)))
    await read(cache, "payment_methods", load)
    await apply_event(cache, CUS, "payment_method.attached", 10, pm("pm_2", 200), {})
    await apply_event(
        cache, CUS, "payment_method.detached", 11, pm("pm_1", 100, None), {"customer": CUS}
    )
    assert [p["id"] for p in (await read(cache, "payment_methods", load))["data"]] == ["pm_2"]
    assert load.calls == 1


async def test_invoices_join_every_first_page_and_previews_drop(cache: Cache) -> None:
    def invoice(invoice_id: str, created: int, status: str = "paid") -> dict[str, Any]:
        return {
            "id": invoice_id,
            "object": "invoice",
            "customer": CUS,
            "created": created,
            "status": status,
            "parent": {"subscription_details": {"subscription": "sub_a"}},
        }

    first = Loads(page(invoice("in_2", 200), invoice("in_1", 100)))
    await read(cache, "invoices:2:", first)
    await remember_invoice_page(cache, CUS, "invoices:2:")
    preview = Loads({"object": "invoice", "amount_due": 1000})
    await read(cache, "upcoming:sub_a", preview)
    await apply_event(cache, CUS, "invoice.created", 10, invoice("in_3", 300, "draft"), {})
    shown = await read(cache, "invoices:2:", first)
    assert [i["id"] for i in shown["data"]] == ["in_3", "in_2"]
    assert shown["has_more"] is True
    await apply_event(cache, CUS, "invoice.paid", 11, invoice("in_3", 300, "paid"), {})
    assert (await read(cache, "invoices:2:", first))["data"][0]["status"] == "paid"
    assert first.calls == 1
    # A new invoice for the subscription: its next invoice is asked again.
    await read(cache, "upcoming:sub_a", preview)
    assert preview.calls == 2


async def test_tax_ids_come_and_go_inside_the_cached_customer(cache: Cache) -> None:
    def tax_id(tax_id_id: str) -> dict[str, Any]:
        return {"id": tax_id_id, "object": "tax_id", "customer": CUS, "created": 5}

    load = Loads(
        {"id": CUS, "object": "customer", "tax_ids": page(tax_id("txi_1")), "test_clock": None}
    )
    await read(cache, "customer", load)
    await apply_event(cache, CUS, "customer.tax_id.created", 10, tax_id("txi_2"), {})
    await apply_event(cache, CUS, "customer.tax_id.deleted", 11, tax_id("txi_1"), {})
    # A customer.updated event carries no tax IDs: the cached ones stay.
    await apply_event(
        cache, CUS, "customer.updated", 12, {"id": CUS, "object": "customer", "name": "N"}, {}
    )
    customer = await read(cache, "customer", load)
    assert [t["id"] for t in customer["tax_ids"]["data"]] == ["txi_2"]
    assert customer["name"] == "N"
    assert load.calls == 1


async def test_an_update_keeps_the_documents_expiry(cache: Cache) -> None:
    """A missed webhook stays bounded: updates in place never extend a document's life."""
    load = Loads({"id": CUS, "object": "customer", "name": "A"})
    await cache.customer_cached(CUS, "customer", 0.5, load)
    await asyncio.sleep(0.2)
    written = Written({"id": CUS, "object": "customer", "name": "B"}, seen=None)
    await apply_written(cache, CUS, written, TTL)
    key = f"cus:{CUS}:0:customer"
    assert 0 < await cache.expires_in(key) <= 0.31
    stored = await cache.get(key)
    assert stored is not None
    assert stored["name"] == "B"


async def test_an_event_the_table_does_not_know_asks_for_emptying(cache: Cache) -> None:
    assert not await apply_event(
        cache, CUS, "customer.source.created", 10, {"id": "card_1", "object": "card"}, {}
    )


STATES = ("incomplete", "trialing", "active", "past_due", "unpaid", "paused")


@settings(max_examples=60, deadline=None)
@given(order=st.permutations(range(1, len(STATES))), again=st.lists(st.integers(1, 5)))
def test_any_delivery_order_ends_on_stripes_newest_state(
    order: list[int], again: list[int]
) -> None:
    """Events for states 1..5 (one second apart) arrive in any order, some twice (a replay
    past the webhook's own dedupe); the cached list ends on the newest state, applied or
    read again from Stripe, never an older one."""

    async def story() -> None:
        cache = Cache.from_url(None)
        newest = len(STATES) - 1
        stripe_now = Loads(page(sub("sub_a", STATES[newest])))
        await cache.customer_cached(CUS, "subscriptions", TTL, Loads(page(sub("sub_a", STATES[0]))))
        for n in [*order, *again]:
            await apply_event(
                cache, CUS, "customer.subscription.updated", 100 + n, sub("sub_a", STATES[n]), {}
            )
        listed: dict[str, Any] = await cache.customer_cached(CUS, "subscriptions", TTL, stripe_now)
        assert [s["status"] for s in listed["data"]] == [STATES[newest]]
        await cache.close()

    asyncio.run(story())


def test_the_staleness_bound_applies_only_with_webhooks() -> None:
    """Without webhooks nothing keeps the cache up to date: today's short TTL stays."""
    assert Settings().customer_cache_seconds == 30.0
    assert Settings(webhook_secret=SecretStr("whsec_x")).customer_cache_seconds == 3600.0
    assert Settings(webhook_secret=SecretStr("  ")).customer_cache_seconds == 30.0
    off = Settings(webhook_secret=SecretStr("whsec_x"), customer_cache_ttl_seconds=0)
    assert off.customer_cache_seconds == 0.0


async def test_two_states_of_an_invoice_in_one_second_reload_its_pages(cache: Cache) -> None:
    def invoice(status: str) -> dict[str, Any]:
        return {"id": "in_1", "object": "invoice", "customer": CUS, "created": 5, "status": status}

    first = Loads(page(invoice("open")))
    await read(cache, "invoices:10:", first)
    await remember_invoice_page(cache, CUS, "invoices:10:")
    await apply_event(cache, CUS, "invoice.finalized", 50, invoice("open"), {})
    await apply_event(cache, CUS, "invoice.paid", 50, invoice("paid"), {})
    first.value = page(invoice("paid"))
    # Not removed (it still exists), not guessed: read again.
    assert [i["status"] for i in (await read(cache, "invoices:10:", first))["data"]] == ["paid"]
    assert first.calls == 2


@pytest.mark.redis
async def test_an_older_state_never_lands_after_a_newer_event_read_the_list(
    redis_url: str,
) -> None:
    """Two instances on one Redis: an attach is ordered first, but before its edit lands, a
    detach of the same card (a newer event) is ordered and applied on the other instance.
    The attach's edit must not put the detached card back."""
    first, second = Cache.from_url(redis_url), Cache.from_url(redis_url)
    card = {"id": "pm_race", "object": "payment_method", "customer": CUS, "created": 5}
    load = Loads(page({**card, "id": "pm_other"}))
    await first.customer_cached(CUS, "payment_methods", TTL, load)
    assert await order_of(first, "pm_race", 100) is Order.NEWER  # the attach, ordered
    await apply_event(second, CUS, "payment_method.detached", 101, {**card, "customer": None}, {})
    key = f"cus:{CUS}:0:payment_methods"
    await update_document(
        first, key, partial(in_page, new=card, belongs=True), version=("pm_race", 100)
    )
    listed: dict[str, Any] = await first.customer_cached(CUS, "payment_methods", TTL, load)
    assert [pm["id"] for pm in listed["data"]] == ["pm_other"]
    await first.close()
    await second.close()


def test_an_answers_expanded_schedule_replaces_the_cached_one() -> None:
    """A rewritten schedule keeps its id: its new phases still replace the cached ones,
    while an event naming the schedule by id keeps the cached expansion."""
    old = {"id": "sub_sched_1", "object": "subscription_schedule", "phases": [1]}
    new = {**old, "phases": [1, 2]}
    cached = {**sub("sub_1"), "schedule": old}
    assert replaced(cached, {**sub("sub_1"), "schedule": new}) == {**cached, "schedule": new}
    assert replaced(cached, {**sub("sub_1"), "schedule": "sub_sched_1"}) is SAME
