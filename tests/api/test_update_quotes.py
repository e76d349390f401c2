"""The gateway, not the client, decides when a change is prorated: preview quotes.

A client holds a preview's figures only with the quote that preview issued; a date of its
own, or a quote that is altered, expired, someone else's or for another change, is refused
and changes nothing in Stripe.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.api.mutation_calls import codes, full_configuration, mutate, variant
from tests.api.previewed_billing import DAY, preview
from tests.api.test_mutations_subscriptions import clock_now, iso

if TYPE_CHECKING:
    import stripe

    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.world import World


async def _state(client: stripe.StripeClient, customer: str, subscription: str) -> Any:
    """What a refused update must leave alone: the item, and pending invoice items."""
    sub = await client.v1.subscriptions.retrieve_async(subscription)
    item = sub["items"].data[0]
    pending = await client.v1.invoice_items.list_async({"customer": customer, "pending": True})
    invoices = await client.v1.invoices.list_async({"customer": customer, "limit": 100})
    return (
        item.price.id,
        item.quantity,
        sub.schedule,
        sorted(str(i.id) for i in pending.data),
        sorted(str(i.id) for i in invoices.data),
    )


async def _upcoming_prorations(
    client: stripe.StripeClient, customer: str, subscription: str
) -> list[tuple[int, int]]:
    upcoming = await client.v1.invoices.create_preview_async(
        {"customer": customer, "subscription": subscription}
    )
    return sorted(
        (line.amount, line.period.start)
        for line in upcoming.lines.data
        if line.parent is not None
        and line.parent.subscription_item_details is not None
        and line.parent.subscription_item_details.proration
    )


async def test_a_proration_date_the_caller_chooses_is_refused(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    """An upgrade dated at the period's end would skip its prorations; a downgrade dated at
    its start would credit the whole period. Both are refused, and Stripe is untouched."""
    base = full_configuration(world)
    update = {**base["features"]["subscription_update"], "schedule_at_period_end": {}}
    now_only = variant(base, "now-only", subscription_update=update)
    gateway = await gateway_factory.start([*world.configurations(), now_only])
    for customer, target in (
        (world.alice, world.pro_monthly),
        (world.bob, world.basic_monthly),
    ):
        token = await gateway.token_for(customer.id, configuration="now-only")
        sub = await stripe_client.v1.subscriptions.retrieve_async(customer.subscription)
        item = sub["items"].data[0]
        before = await _state(stripe_client, customer.id, customer.subscription)
        for moment in (item.current_period_start, item.current_period_end):
            change = {"subscriptionId": customer.subscription, "priceId": target}
            done = await mutate(
                gateway, token, "updateSubscription", **change, prorationDate=iso(moment)
            )
            assert codes(done) == [("PRORATION_DATE_NOT_ACCEPTED", "prorationDate")]
            assert "quote" in done["userErrors"][0]["message"]
            assert done["subscription"] is None
            shown = await preview(gateway, token, **change, prorationDate=iso(moment))
            assert codes(shown) == [("PRORATION_DATE_NOT_ACCEPTED", "prorationDate")]
        assert await _state(stripe_client, customer.id, customer.subscription) == before


async def test_without_a_quote_the_change_is_prorated_when_it_is_made(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.alice.id)
    done = await mutate(
        gateway,
        token,
        "updateSubscription",
        subscriptionId=world.alice.subscription,
        priceId=world.pro_monthly,
    )
    assert done["userErrors"] == []
    now = await clock_now(stripe_client, world.alice.id)
    lines = await _upcoming_prorations(stripe_client, world.alice.id, world.alice.subscription)
    assert len(lines) == 2
    assert {start for _, start in lines} == {now}


async def test_a_quote_charges_what_the_preview_showed_even_a_day_later_in_stripe(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.alice.id)
    change = {"subscriptionId": world.alice.subscription, "priceId": world.pro_monthly}
    shown = (await preview(gateway, token, **change))["preview"]
    customer = await stripe_client.v1.customers.retrieve_async(world.alice.id)
    clock = str(customer.test_clock)
    previewed_at = await clock_now(stripe_client, world.alice.id)
    await stripe_client.v1.test_helpers.test_clocks.advance_async(
        clock, {"frozen_time": previewed_at + DAY}
    )
    done = await mutate(gateway, token, "updateSubscription", **change, quote=shown["quote"])
    assert done["userErrors"] == []
    lines = await _upcoming_prorations(stripe_client, world.alice.id, world.alice.subscription)
    assert sorted(amount for amount, _ in lines) == sorted(
        line["amount"] for line in shown["prorationLines"]
    )
    assert {start for _, start in lines} == {previewed_at}
    upcoming = await stripe_client.v1.invoices.create_preview_async(
        {"customer": world.alice.id, "subscription": world.alice.subscription}
    )
    assert upcoming.amount_due == shown["nextInvoice"]["amountDue"]


def _tampered(quote: str) -> str:
    payload, _, mac = quote.partition(".")
    middle = len(payload) // 2
    flipped = "A" if payload[middle] != "A" else "B"
    return f"{payload[:middle]}{flipped}{payload[middle + 1 :]}.{mac}"


async def test_quotes_that_do_not_hold_are_refused_and_change_nothing(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    gateway = await gateway_factory.start(world.configurations())
    other_secret = await gateway_factory.start(
        world.configurations(), quote_secret="another-deployment"
    )
    alice = await gateway.token_for(world.alice.id)
    bob = await gateway.token_for(world.bob.id)
    sub = world.alice.subscription
    three = (await preview(gateway, alice, subscriptionId=sub, quantity=3))["preview"]["quote"]
    bobs = (await preview(gateway, bob, subscriptionId=world.bob.subscription, quantity=2))[
        "preview"
    ]["quote"]
    before = await _state(stripe_client, world.alice.id, sub)
    cases: list[tuple[str, dict[str, Any], tuple[str, str]]] = [
        ("altered", {"quantity": 3, "quote": _tampered(three)}, ("QUOTE_INVALID", "quote")),
        ("garbage", {"quantity": 3, "quote": "x" * 5000}, ("QUOTE_INVALID", "quote")),
        ("empty", {"quantity": 3, "quote": ""}, ("QUOTE_INVALID", "quote")),
        ("someone else's", {"quantity": 2, "quote": bobs}, ("QUOTE_INVALID", "quote")),
        ("another change", {"quantity": 4, "quote": three}, ("QUOTE_MISMATCH", "quote")),
        (
            "another plan",
            {"priceId": world.pro_monthly, "quote": three},
            ("QUOTE_MISMATCH", "quote"),
        ),
        (
            "with a date",
            {"quantity": 3, "quote": three, "prorationDate": iso(1)},
            ("PRORATION_DATE_NOT_ACCEPTED", "prorationDate"),
        ),
    ]
    for name, fields, expected in cases:
        done = await mutate(gateway, alice, "updateSubscription", subscriptionId=sub, **fields)
        assert codes(done) == [expected], name
        assert done["userErrors"][0]["message"], name
        shown = await preview(gateway, alice, subscriptionId=sub, **fields)
        assert codes(shown) == [expected], name
    foreign = await mutate(
        other_secret,
        await other_secret.token_for(world.alice.id),
        "updateSubscription",
        subscriptionId=sub,
        quantity=3,
        quote=three,
    )
    assert codes(foreign) == [("QUOTE_INVALID", "quote")]
    gateway.clock.advance(gateway.settings.quote_ttl_seconds + 1)
    expired = await mutate(
        gateway, alice, "updateSubscription", subscriptionId=sub, quantity=3, quote=three
    )
    assert codes(expired) == [("QUOTE_EXPIRED", "quote")]
    assert await _state(stripe_client, world.alice.id, sub) == before


async def test_a_quote_no_longer_holds_once_the_subscription_changed(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    """Another change, or a renewal, since the preview: its figures are gone; preview again."""
    gateway = await gateway_factory.start(world.configurations(), customer_cache_ttl_seconds=0)
    token = await gateway.token_for(world.alice.id)
    sub = world.alice.subscription
    three = (await preview(gateway, token, subscriptionId=sub, quantity=3))["preview"]["quote"]
    two = await mutate(gateway, token, "updateSubscription", subscriptionId=sub, quantity=2)
    assert two["userErrors"] == []
    stale = await mutate(
        gateway, token, "updateSubscription", subscriptionId=sub, quantity=3, quote=three
    )
    assert codes(stale) == [("QUOTE_EXPIRED", "quote")]
    # Used once, a quote cannot be used again: the subscription it was computed from is gone.
    four = (await preview(gateway, token, subscriptionId=sub, quantity=4))["preview"]["quote"]
    first = await mutate(
        gateway, token, "updateSubscription", subscriptionId=sub, quantity=4, quote=four
    )
    assert first["userErrors"] == []
    five = (await preview(gateway, token, subscriptionId=sub, quantity=5))["preview"]["quote"]
    customer = await stripe_client.v1.customers.retrieve_async(world.alice.id)
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    period_end = stored["items"].data[0].current_period_end
    await stripe_client.v1.test_helpers.test_clocks.advance_async(
        str(customer.test_clock), {"frozen_time": period_end + DAY}
    )
    renewed = await mutate(
        gateway, token, "updateSubscription", subscriptionId=sub, quantity=5, quote=five
    )
    assert codes(renewed) == [("QUOTE_EXPIRED", "quote")]
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert stored["items"].data[0].quantity == 4
