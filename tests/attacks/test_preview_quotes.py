"""Preview quotes attacked from outside: a quote kept while the discount it was computed
with is replaced, and a quote used after a renewal the gateway has not heard of (no webhook
yet, the subscription still cached); judged by Stripe's state read through the SDK."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.api.mutation_calls import codes, mutate
from tests.api.previewed_billing import DAY, preview
from tests.attacks.test_promotion_codes import apply, make_code, promos_gateway

if TYPE_CHECKING:
    import stripe

    from tests.support.gateway import GatewayFactory
    from tests.support.world import World


async def item_of(client: stripe.StripeClient, sub: str) -> Any:
    return (await client.v1.subscriptions.retrieve_async(sub))["items"].data[0]


async def test_a_quote_does_not_outlive_the_discount_it_was_computed_with(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    gateway = await promos_gateway(gateway_factory, world)
    await make_code(stripe_client, "HALFPRICE", {"percent_off": 50, "duration": "forever"})
    await make_code(stripe_client, "TENOFF", {"percent_off": 10, "duration": "forever"})
    token = await gateway.token_for(world.alice.id, configuration="promos")
    sub = world.alice.subscription
    assert (await apply(gateway, token, sub, "HALFPRICE"))["userErrors"] == []
    shown = (await preview(gateway, token, subscriptionId=sub, quantity=2))["preview"]
    assert shown["quote"]
    # The 50% code is replaced by a 10% one: the next invoice the preview showed is gone.
    assert (await apply(gateway, token, sub, "TENOFF"))["userErrors"] == []
    done = await mutate(
        gateway, token, "updateSubscription", subscriptionId=sub, quantity=2, quote=shown["quote"]
    )
    assert codes(done) == [("QUOTE_EXPIRED", "quote")]
    assert (await item_of(stripe_client, sub)).quantity == 1


async def test_a_quote_after_a_renewal_the_gateway_has_not_seen(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    """No webhooks reach this gateway: the subscription it cached is a period old."""
    gateway = await gateway_factory.start(world.configurations())
    token = await gateway.token_for(world.alice.id)
    sub = world.alice.subscription
    shown = (await preview(gateway, token, subscriptionId=sub, quantity=3))["preview"]
    customer = await stripe_client.v1.customers.retrieve_async(world.alice.id)
    period_end = (await item_of(stripe_client, sub)).current_period_end
    await stripe_client.v1.test_helpers.test_clocks.advance_async(
        str(customer.test_clock), {"frozen_time": period_end + DAY}
    )
    done = await mutate(
        gateway, token, "updateSubscription", subscriptionId=sub, quantity=3, quote=shown["quote"]
    )
    # The preview's figures are for a period that is over: refused, Stripe untouched.
    assert codes(done) == [("QUOTE_EXPIRED", "quote")], done
    assert (await item_of(stripe_client, sub)).quantity == 1
    pending = await stripe_client.v1.invoice_items.list_async(
        {"customer": world.alice.id, "pending": True}
    )
    assert pending.data == []


async def test_a_previewed_code_is_billed_as_shown(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    gateway = await promos_gateway(gateway_factory, world)
    await make_code(
        stripe_client,
        "THIRTY",
        {"percent_off": 30, "duration": "repeating", "duration_in_months": 1},
    )
    token = await gateway.token_for(world.alice.id, configuration="promos")
    sub = world.alice.subscription
    shown = (await preview(gateway, token, subscriptionId=sub, promotionCode="thirty"))["preview"]
    assert shown["nextInvoice"]["amountDue"] == 700
    # The quote is for the code as typed: another spelling is another input.
    respelled = await mutate(
        gateway,
        token,
        "updateSubscription",
        subscriptionId=sub,
        promotionCode="THIRTY",
        quote=shown["quote"],
    )
    assert codes(respelled) == [("QUOTE_MISMATCH", "quote")]
    done = await mutate(
        gateway,
        token,
        "updateSubscription",
        subscriptionId=sub,
        promotionCode="thirty",
        quote=shown["quote"],
    )
    assert done["userErrors"] == []
    customer = await stripe_client.v1.customers.retrieve_async(world.alice.id)
    period_end = (await item_of(stripe_client, sub)).current_period_end
    await stripe_client.v1.test_helpers.test_clocks.advance_async(
        str(customer.test_clock), {"frozen_time": period_end + 3600}
    )
    renewal = await stripe_client.v1.invoices.retrieve_async(
        str((await stripe_client.v1.subscriptions.retrieve_async(sub)).latest_invoice)
    )
    assert renewal.amount_due == shown["nextInvoice"]["amountDue"]
    # A one-month code: the month after, full price again, as the discount said.
    again = await gateway.post(
        "{ subscriptions { discounts { promotionCode } upcomingInvoice { amountDue } } }",
        token=token,
    )
    [state] = again.ok()["subscriptions"]
    assert state["upcomingInvoice"]["amountDue"] == 1000
