"""A card saved in a payment method flow becomes the default through Stripe's webhook, even
when the browser never calls `completeSetupIntent` (tab closed, network lost after Stripe
confirmed the intent), as in Stripe's own flow; and only then.

The intent is confirmed the way Stripe.js does it, straight against Stripe (the emulator),
which signs `setup_intent.succeeded` and delivers it to the gateway. Stripe's state is read
through the SDK afterwards. Late, repeated and out-of-order deliveries are sent by the test
itself, signed like Stripe's.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tests.api.mutation_calls import mutate
from tests.live.instances import SECRET, settled
from tests.live.test_cache_by_webhooks import deliver
from tests.webhooks.webhook_helpers import make_event, signature

if TYPE_CHECKING:
    import stripe

    from tests.conftest import RunningEmulator
    from tests.live.instances import Instance, Pair
    from tests.support.world import World

FLOW = {"type": "PAYMENT_METHOD_UPDATE"}
RETURN_URL = "https://acme.example/back"


async def default_of(stripe_client: stripe.StripeClient, customer_id: str) -> str | None:
    customer = await stripe_client.v1.customers.retrieve_async(customer_id)
    assert customer.invoice_settings is not None
    pm = customer.invoice_settings.default_payment_method
    return pm if isinstance(pm, str) or pm is None else pm.id


async def subscription_default(stripe_client: stripe.StripeClient, subscription_id: str) -> Any:
    return (
        await stripe_client.v1.subscriptions.retrieve_async(subscription_id)
    ).default_payment_method


async def gateway_intent(instance: Instance, customer_id: str, *, flow: bool = True) -> str:
    """A setup intent made by `createSetupIntent` (in a payment method flow by default)."""
    fields: dict[str, Any] = {"flowData": FLOW} if flow else {}
    token = await instance.gateway.token_for(customer_id, **fields)
    created = await mutate(instance.gateway, token, "createSetupIntent")
    assert created["userErrors"] == []
    intent: str = created["setupIntent"]["id"]
    return intent


async def confirm_in_browser(
    stripe_client: stripe.StripeClient, intent: str, card: str = "pm_card_amex"
) -> str:
    """What Stripe.js does with the client secret: confirm against Stripe, not the gateway."""
    confirmed = await stripe_client.v1.setup_intents.confirm_async(
        intent, {"payment_method": card, "return_url": RETURN_URL}
    )
    assert confirmed.status == "succeeded"
    pm = confirmed.payment_method
    assert pm is not None
    return pm if isinstance(pm, str) else pm.id


async def succeeded_event(stripe_client: stripe.StripeClient, intent: str) -> dict[str, Any]:
    """`setup_intent.succeeded` as Stripe would send it, for the intent as it is now."""
    obj = (await stripe_client.v1.setup_intents.retrieve_async(intent)).to_dict(recursive=True)
    return make_event("setup_intent.succeeded", obj)


async def test_a_flow_card_becomes_the_default_without_the_browser(
    stripe_webhooks: Pair,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    # Bob's subscription carries its own default: it must follow, as with completeSetupIntent.
    await stripe_client.v1.subscriptions.update_async(
        world.bob.subscription, {"default_payment_method": world.bob.card}
    )
    intent = await gateway_intent(stripe_webhooks.b, world.bob.id)
    new_card = await confirm_in_browser(stripe_client, intent)
    # The browser is gone: completeSetupIntent never comes. Stripe's webhook does.
    await settled(emulator.runtime)
    assert await default_of(stripe_client, world.bob.id) == new_card
    assert await subscription_default(stripe_client, world.bob.subscription) == new_card
    # The overview read through the other instance shows it too.
    token = await stripe_webhooks.b.gateway.token_for(world.bob.id)
    data = (
        await stripe_webhooks.b.gateway.post("{ paymentMethods { id isDefault } }", token=token)
    ).ok()
    assert {"id": new_card, "isDefault": True} in data["paymentMethods"]


async def test_a_setup_intent_made_outside_the_gateway_or_a_flow_changes_no_default(
    stripe_webhooks: Pair,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    # Made by the team's own code, straight in Stripe, even with a look-alike marker.
    own = await stripe_client.v1.setup_intents.create_async(
        {"customer": world.bob.id, "metadata": {"portal_gateway_becomes_default": "true"}}
    )
    await confirm_in_browser(stripe_client, own.id, "pm_card_mastercard")
    # Made by the gateway, but outside a payment method flow: the card is only saved.
    plain = await gateway_intent(stripe_webhooks.b, world.bob.id, flow=False)
    await confirm_in_browser(stripe_client, plain)
    await settled(emulator.runtime)
    assert await default_of(stripe_client, world.bob.id) == world.bob.card


async def test_a_default_chosen_after_the_card_was_saved_wins_over_a_late_webhook(
    single: Instance, world: World, stripe_client: stripe.StripeClient
) -> None:
    intent = await gateway_intent(single, world.bob.id)
    new_card = await confirm_in_browser(stripe_client, intent)
    event = await succeeded_event(stripe_client, intent)
    # Before Stripe's webhook arrives, the customer makes yet another card the default.
    other = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_mastercard", {"customer": world.bob.id}
    )
    token = await single.gateway.token_for(world.bob.id)
    chosen = await mutate(
        single.gateway, token, "setDefaultPaymentMethod", paymentMethodId=other.id
    )
    assert chosen["userErrors"] == []
    await deliver(single, event)
    assert await default_of(stripe_client, world.bob.id) == other.id
    assert new_card != other.id


async def test_repeated_and_out_of_order_deliveries_change_the_default_once(
    single: Instance, world: World, stripe_client: stripe.StripeClient
) -> None:
    first = await gateway_intent(single, world.bob.id)
    first_card = await confirm_in_browser(stripe_client, first, "pm_card_amex")
    second = await gateway_intent(single, world.bob.id)
    second_card = await confirm_in_browser(stripe_client, second, "pm_card_mastercard")
    first_event = await succeeded_event(stripe_client, first)
    second_event = await succeeded_event(stripe_client, second)
    # The second card's event comes first: it was created to replace Bob's default, still his.
    await deliver(single, second_event)
    assert await default_of(stripe_client, world.bob.id) == second_card
    # The first card's event, late: the default moved since, so it changes nothing.
    await deliver(single, first_event)
    assert await default_of(stripe_client, world.bob.id) == second_card
    # The same event again is a duplicate; a resend under a new id (the claim was lost)
    # finds nothing to do either.
    assert (await deliver(single, second_event))["duplicate"] is True
    await deliver(single, {**second_event, "id": second_event["id"] + "_resent"})
    assert await default_of(stripe_client, world.bob.id) == second_card
    assert first_card != second_card


async def test_a_card_detached_before_the_webhook_never_becomes_the_default(
    single: Instance, world: World, stripe_client: stripe.StripeClient
) -> None:
    intent = await gateway_intent(single, world.bob.id)
    new_card = await confirm_in_browser(stripe_client, intent)
    event = await succeeded_event(stripe_client, intent)
    await stripe_client.v1.payment_methods.detach_async(new_card)
    reply = await deliver(single, event)
    assert reply["duplicate"] is False
    assert await default_of(stripe_client, world.bob.id) == world.bob.card


async def test_complete_setup_intent_then_the_webhook_changes_nothing_more(
    single: Instance, world: World, emulator: RunningEmulator, stripe_client: stripe.StripeClient
) -> None:
    """The browser was not lost: it completes the flow, and the webhook finds it done."""
    await stripe_client.v1.subscriptions.update_async(
        world.bob.subscription, {"default_payment_method": world.bob.card}
    )
    token = await single.gateway.token_for(world.bob.id, flowData=FLOW)
    created = await mutate(single.gateway, token, "createSetupIntent")
    intent = created["setupIntent"]["id"]
    new_card = await confirm_in_browser(stripe_client, intent)
    done = await mutate(
        single.gateway,
        token,
        "completeSetupIntent",
        select="becameDefault updatedSubscriptionIds userErrors { code }",
        setupIntentId=intent,
    )
    assert done == {
        "becameDefault": True,
        "updatedSubscriptionIds": [world.bob.subscription],
        "userErrors": [],
    }
    emulator.reset_log()
    await deliver(single, await succeeded_event(stripe_client, intent))
    writes = [e for e in emulator.runtime.log.entries if e["method"] == "POST"]
    assert writes == []
    assert await default_of(stripe_client, world.bob.id) == new_card
    assert await subscription_default(stripe_client, world.bob.subscription) == new_card


def fail_subscription_writes(emulator: RunningEmulator, subscription_id: str) -> None:
    emulator.runtime.faults.configure(
        {
            "rules": [
                {"method": "POST", "path": f"/v1/subscriptions/{subscription_id}", "rate_500": 1.0}
            ]
        }
    )


async def test_a_complete_that_stopped_part_way_is_finished_by_the_webhook(
    single: Instance, world: World, emulator: RunningEmulator, stripe_client: stripe.StripeClient
) -> None:
    """completeSetupIntent and setDefaultPaymentMethod share one default change: it says what
    it applied before a failure; the webhook then finishes what is left."""
    await stripe_client.v1.subscriptions.update_async(
        world.bob.subscription, {"default_payment_method": world.bob.card}
    )
    token = await single.gateway.token_for(world.bob.id, flowData=FLOW)
    intent = (await mutate(single.gateway, token, "createSetupIntent"))["setupIntent"]["id"]
    new_card = await confirm_in_browser(stripe_client, intent)
    fail_subscription_writes(emulator, world.bob.subscription)
    done = await mutate(
        single.gateway,
        token,
        "completeSetupIntent",
        select="paymentMethod { id isDefault } becameDefault updatedSubscriptionIds "
        "userErrors { code message field }",
        setupIntentId=intent,
    )
    emulator.runtime.faults.configure({"rules": []})
    [error] = done["userErrors"]
    assert error["code"] == "STRIPE_UNAVAILABLE"
    assert error["field"] == "paymentMethodId"
    assert error["message"].startswith(f"Applied: {new_card} became the default payment method.")
    assert done["becameDefault"] is True
    assert done["paymentMethod"] == {"id": new_card, "isDefault": True}
    assert done["updatedSubscriptionIds"] == []
    assert await subscription_default(stripe_client, world.bob.subscription) == world.bob.card
    # The browser gives up; Stripe's webhook repoints the subscription still on the old card.
    await deliver(single, await succeeded_event(stripe_client, intent))
    assert await default_of(stripe_client, world.bob.id) == new_card
    assert await subscription_default(stripe_client, world.bob.subscription) == new_card


async def test_a_stripe_failure_in_the_webhook_is_retried_by_stripe(
    single: Instance, world: World, emulator: RunningEmulator, stripe_client: stripe.StripeClient
) -> None:
    await stripe_client.v1.subscriptions.update_async(
        world.bob.subscription, {"default_payment_method": world.bob.card}
    )
    intent = await gateway_intent(single, world.bob.id)
    new_card = await confirm_in_browser(stripe_client, intent)
    event = await succeeded_event(stripe_client, intent)
    fail_subscription_writes(emulator, world.bob.subscription)
    payload = json.dumps(event)
    headers = {"Content-Type": "application/json", "Stripe-Signature": signature(payload, SECRET)}
    async with single.gateway.http.post(single.webhook_url, data=payload, headers=headers) as reply:
        assert reply.status == 503
    emulator.runtime.faults.configure({"rules": []})
    # Half applied: the customer's default moved, the subscription did not yet.
    assert await default_of(stripe_client, world.bob.id) == new_card
    assert await subscription_default(stripe_client, world.bob.subscription) == world.bob.card
    # Stripe's retry (the same event) finishes it.
    assert (await deliver(single, event))["duplicate"] is False
    assert await subscription_default(stripe_client, world.bob.subscription) == new_card


async def test_a_customer_without_a_default_gets_the_flow_card(
    single: Instance, world: World, stripe_client: stripe.StripeClient
) -> None:
    fresh = await stripe_client.v1.customers.create_async({"email": "new@example.com"})
    assert await default_of(stripe_client, fresh.id) is None
    intent = await gateway_intent(single, fresh.id)
    stored = await stripe_client.v1.setup_intents.retrieve_async(intent)
    # Not "": Stripe drops a metadata key set to an empty string.
    assert stored.metadata is not None
    assert stored.metadata["portal_gateway_replaces_default"] == "none"
    new_card = await confirm_in_browser(stripe_client, intent)
    await deliver(single, await succeeded_event(stripe_client, intent))
    assert await default_of(stripe_client, fresh.id) == new_card
    assert world.bob.id != fresh.id
