"""Whole customer stories through the API, checked against what Stripe then holds."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from tests.api.mutation_calls import full_configuration, mutate, variant

if TYPE_CHECKING:
    import stripe

    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.world import World

DAY = 24 * 3600
PREVIEW = """query($input: UpdateSubscriptionInput!) {
  previewSubscriptionUpdate(input: $input) {
    preview { quote scheduled invoicedNow amountDue prorationAmount
              prorationLines { amount description price { id } } }
    userErrors { code message field }
  }
}"""


async def test_switching_basic_monthly_to_pro_annual_bills_what_the_preview_showed(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    pro_annual = await stripe_client.v1.prices.create_async(
        {
            "product": world.pro_product,
            "unit_amount": 30000,
            "currency": "usd",
            "recurring": {"interval": "year"},
        }
    )
    base = full_configuration(world)
    update = {**base["features"]["subscription_update"]}
    update["products"] = [
        *update["products"][:1],
        {"product": world.pro_product, "prices": [world.pro_monthly, pro_annual.id]},
    ]
    annual = variant(base, "annual", subscription_update=update)
    gateway = await gateway_factory.start([*world.configurations(), annual])
    token = await gateway.token_for(world.alice.id, configuration="annual")
    change = {"subscriptionId": world.alice.subscription, "priceId": pro_annual.id}

    preview_result = await gateway.post(PREVIEW, {"input": change}, token=token)
    payload = preview_result.ok()["previewSubscriptionUpdate"]
    assert payload["userErrors"] == []
    preview = payload["preview"]
    assert preview["scheduled"] is False
    lines = preview["prorationLines"]
    assert {line["price"]["id"] for line in lines} == {world.basic_monthly}
    assert preview["prorationAmount"] < 0, "the unused part of the month is credited"

    done = await mutate(gateway, token, "updateSubscription", **change, quote=preview["quote"])
    assert done["userErrors"] == []
    assert done["subscription"]["items"][0]["price"]["id"] == pro_annual.id

    sub = await stripe_client.v1.subscriptions.retrieve_async(
        world.alice.subscription, {"expand": ["latest_invoice"]}
    )
    invoice: Any = sub.latest_invoice
    # A new interval starts a new billing period now, so Stripe invoices at once.
    assert invoice.billing_reason == "subscription_update"
    assert invoice.status == "paid"
    prorations = [
        line for line in invoice.lines.data if line.parent.subscription_item_details.proration
    ]
    assert sorted(line.amount for line in prorations) == sorted(line["amount"] for line in lines)
    assert invoice.amount_due == preview["amountDue"]
    assert invoice.amount_due == preview["prorationAmount"] + 30000
    item = sub["items"].data[0]
    assert (item.price.id, item.current_period_end - item.current_period_start) == (
        pro_annual.id,
        365 * DAY,
    )


async def test_cancel_renew_cancel_then_the_period_ends(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    start = int(time.time())
    clock = await stripe_client.v1.test_helpers.test_clocks.create_async({"frozen_time": start})
    customer = await stripe_client.v1.customers.create_async(
        {
            "email": "carol@example.com",
            "test_clock": clock.id,
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
        }
    )
    sub = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": world.basic_monthly}]}
    )
    period_end = sub["items"].data[0].current_period_end
    # Stripe moves the clock, not the gateway: read through, so the end is seen at once.
    gateway = await gateway_factory.start(world.configurations(), customer_cache_ttl_seconds=0)
    token = await gateway.token_for(customer.id)

    canceled = await mutate(gateway, token, "cancelSubscription", subscriptionId=sub.id)
    assert canceled["subscription"]["cancelAtPeriodEnd"] is True
    renewed = await mutate(gateway, token, "renewSubscription", subscriptionId=sub.id)
    assert renewed["subscription"]["isCanceling"] is False
    again = await mutate(
        gateway, token, "cancelSubscription", subscriptionId=sub.id, reason="TOO_EXPENSIVE"
    )
    assert again["subscription"]["isCanceling"] is True
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub.id)
    assert (stored.status, stored.cancel_at_period_end, stored.cancel_at) == (
        "active",
        True,
        period_end,
    )

    await stripe_client.v1.test_helpers.test_clocks.advance_async(
        clock.id, {"frozen_time": period_end + DAY}
    )
    ended = await stripe_client.v1.subscriptions.retrieve_async(sub.id)
    assert ended.status == "canceled"
    assert ended.ended_at == period_end
    assert ended.cancellation_details is not None
    assert ended.cancellation_details.feedback == "too_expensive"
    data = (
        await gateway.post(
            """query($id: ID!) { subscriptions { id }
                 subscription(id: $id) { status endedAt availableActions } }""",
            {"id": sub.id},
            token=token,
        )
    ).ok()
    assert data["subscriptions"] == []
    assert data["subscription"]["status"] == "CANCELED"
    assert data["subscription"]["availableActions"] == []
    late = await mutate(gateway, token, "renewSubscription", subscriptionId=sub.id)
    assert [e["code"] for e in late["userErrors"]] == ["SUBSCRIPTION_NOT_ELIGIBLE"]


async def test_adding_a_card_making_it_default_and_removing_the_old_one(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.alice.id)
    old_card = world.alice.card
    intent = await mutate(gateway, token, "createSetupIntent")
    assert intent["userErrors"] == []
    confirmed = await mutate(
        gateway,
        token,
        "confirmSetupIntentForTesting",
        setupIntentId=intent["setupIntent"]["id"],
        paymentMethod="pm_card_mastercard",
    )
    assert confirmed["userErrors"] == []
    new_card = confirmed["paymentMethod"]["id"]

    made_default = await mutate(gateway, token, "setDefaultPaymentMethod", paymentMethodId=new_card)
    assert made_default["userErrors"] == []
    removed = await mutate(gateway, token, "detachPaymentMethod", paymentMethodId=old_card)
    assert removed["userErrors"] == []
    assert removed["detachedPaymentMethodId"] == old_card
    assert removed["newDefaultPaymentMethod"] is None, "the default did not change"

    customer = await stripe_client.v1.customers.retrieve_async(world.alice.id)
    assert customer.invoice_settings is not None
    assert customer.invoice_settings.default_payment_method == new_card
    methods = await stripe_client.v1.customers.payment_methods.list_async(world.alice.id)
    assert [(pm.id, pm.card.last4 if pm.card else None) for pm in methods.data] == [
        (new_card, "4444")
    ]
    listed = (
        await gateway.post("{ paymentMethods { id isDefault card { brand } } }", token=token)
    ).ok()
    assert listed["paymentMethods"] == [
        {"id": new_card, "isDefault": True, "card": {"brand": "mastercard"}}
    ]
    # The next renewal charges the new card.
    sub = await stripe_client.v1.subscriptions.retrieve_async(world.alice.subscription)
    assert sub.default_payment_method in (None, new_card)
