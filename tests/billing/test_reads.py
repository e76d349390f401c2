"""Billing reads against the emulator: ownership, caching per customer, invalidation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from gateway.billing.client import Billing
from gateway.billing.errors import NotFound
from gateway.billing.invoices import fetch_invoice, list_invoices
from gateway.billing.payment_methods import fetch_payment_method
from gateway.billing.previews import upcoming_invoice
from gateway.billing.prices import fetch_prices
from gateway.billing.subscriptions import fetch_subscription, list_subscriptions
from gateway.store import Cache

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    import stripe

    from tests.conftest import RunningEmulator
    from tests.support.world import World


@pytest.fixture
async def billing(stripe_client: stripe.StripeClient) -> AsyncIterator[Billing]:
    cache = Cache.from_url(None)
    yield Billing(stripe_client, cache, customer_ttl=30)
    await cache.close()


async def test_someone_elses_objects_are_not_found(billing: Billing, world: World) -> None:
    alice, bob = world.alice, world.bob
    assert (
        await fetch_subscription(billing, alice.id, alice.subscription)
    ).id == alice.subscription
    assert (await fetch_invoice(billing, alice.id, alice.invoices[0])).id == alice.invoices[0]
    assert (await fetch_payment_method(billing, alice.id, alice.card)).id == alice.card
    for fetch in (
        fetch_subscription(billing, alice.id, bob.subscription),
        fetch_subscription(billing, alice.id, "sub_missing"),
        fetch_subscription(billing, alice.id, "not-an-id"),
        fetch_invoice(billing, alice.id, bob.invoices[0]),
        fetch_invoice(billing, alice.id, "in_missing"),
        fetch_payment_method(billing, alice.id, bob.card),
        list_invoices(billing, alice.id, 5, bob.invoices[0]),
    ):
        with pytest.raises(NotFound):
            await fetch


async def test_reads_are_cached_until_the_customer_is_invalidated(
    billing: Billing, world: World, emulator: RunningEmulator, stripe_client: stripe.StripeClient
) -> None:
    emulator.reset_log()
    subs = await list_subscriptions(billing, world.alice.id)
    assert [s.id for s in subs] == [world.alice.subscription]
    await list_subscriptions(billing, world.alice.id)
    # The list already holds it: no request for one subscription either.
    await fetch_subscription(billing, world.alice.id, world.alice.subscription)
    assert len(emulator.runtime.log.entries) == 1
    await stripe_client.v1.subscriptions.update_async(
        world.alice.subscription, {"cancel_at_period_end": True}
    )
    assert not (await list_subscriptions(billing, world.alice.id))[0].cancel_at_period_end
    await billing.invalidate_customer(world.alice.id)
    assert (await list_subscriptions(billing, world.alice.id))[0].cancel_at_period_end


async def test_invoice_pages_and_upcoming_invoice(billing: Billing, world: World) -> None:
    first = await list_invoices(billing, world.alice.id, 2)
    assert [i.id for i in first.invoices] == list(world.alice.invoices[:2])
    assert first.has_more
    rest = await list_invoices(billing, world.alice.id, 100, first.invoices[-1].id)
    assert [i.id for i in rest.invoices] == list(world.alice.invoices[2:])
    assert not rest.has_more
    upcoming = await upcoming_invoice(billing, world.alice.id, world.alice.subscription)
    assert upcoming is not None
    assert upcoming.is_preview
    assert upcoming.amount_due == 1000


async def test_prices_by_id_with_their_products(billing: Billing, world: World) -> None:
    found = await fetch_prices(billing, [world.pro_monthly, "price_missing", world.pro_monthly])
    assert list(found) == [world.pro_monthly]
    price = found[world.pro_monthly]
    assert price.product is not None
    assert price.product.name == "Pro"
