"""Flow sessions: limited to their one action on their one subscription (FLOW_RESTRICTED
otherwise), and the mutation that completes the flow says what the frontend does next."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.api.mutation_calls import codes, mutate

if TYPE_CHECKING:
    import stripe

    from tests.support.gateway import RunningGateway
    from tests.support.world import World

RESTRICTED: list[tuple[str, str | None]] = [("FLOW_RESTRICTED", None)]
BACK = "https://acme.example/thanks"


async def session_after_completion(gateway: RunningGateway, token: str) -> Any:
    data = (
        await gateway.post(
            "{ session { flow { type afterCompletion { type returnUrl customMessage } } } }",
            token=token,
        )
    ).ok()
    return data["session"]["flow"]["afterCompletion"]


async def test_cancel_flow_allows_only_canceling_its_subscription(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    other = await stripe_client.v1.subscriptions.create_async(
        {"customer": world.alice.id, "items": [{"price": world.pro_monthly}]}
    )
    token = await gateway.token_for(
        world.alice.id,
        flowData={
            "type": "SUBSCRIPTION_CANCEL",
            "subscriptionCancel": {"subscription": world.alice.subscription},
            "afterCompletion": {"type": "REDIRECT", "returnUrl": BACK},
        },
    )
    sub = world.alice.subscription
    refused: list[tuple[str, dict[str, Any], list[tuple[str, str | None]]]] = [
        (
            "cancelSubscription",
            {"subscriptionId": other.id},
            [("FLOW_RESTRICTED", "subscriptionId")],
        ),
        ("updateSubscription", {"subscriptionId": sub, "quantity": 2}, RESTRICTED),
        ("pauseSubscription", {"subscriptionId": sub}, RESTRICTED),
        ("renewSubscription", {"subscriptionId": sub}, RESTRICTED),
        ("updateCustomer", {"name": "Someone else"}, RESTRICTED),
        ("addTaxId", {"type": "eu_vat", "value": "DE111111111"}, RESTRICTED),
        ("createSetupIntent", {}, RESTRICTED),
        ("setDefaultPaymentMethod", {"paymentMethodId": world.alice.card}, RESTRICTED),
        ("detachPaymentMethod", {"paymentMethodId": world.alice.card}, RESTRICTED),
    ]
    for mutation, fields, expected in refused:
        payload = await mutate(gateway, token, mutation, **fields)
        assert codes(payload) == expected, mutation
    untouched = await stripe_client.v1.subscriptions.retrieve_async(other.id)
    assert untouched.cancel_at_period_end is False
    done = await mutate(gateway, token, "cancelSubscription", subscriptionId=sub, reason="UNUSED")
    assert done["userErrors"] == []
    assert done["afterCompletion"] == {"type": "REDIRECT", "returnUrl": BACK, "customMessage": None}
    assert await session_after_completion(gateway, token) == done["afterCompletion"]
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert stored.cancel_at_period_end is True


async def test_update_confirm_flow_allows_exactly_its_change(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(
        world.alice.id,
        flowData={
            "type": "SUBSCRIPTION_UPDATE_CONFIRM",
            "subscriptionUpdateConfirm": {
                "subscription": world.alice.subscription,
                "items": [{"id": world.alice.item, "quantity": 3}],
            },
            "afterCompletion": {
                "type": "HOSTED_CONFIRMATION",
                "customMessage": "Three seats it is.",
            },
        },
    )
    sub = world.alice.subscription
    other_quantity = await mutate(
        gateway, token, "updateSubscription", subscriptionId=sub, quantity=2
    )
    assert codes(other_quantity) == [("FLOW_RESTRICTED", "quantity")]
    other_price = await mutate(
        gateway,
        token,
        "updateSubscription",
        subscriptionId=sub,
        priceId=world.pro_monthly,
        quantity=3,
    )
    assert codes(other_price) == [("FLOW_RESTRICTED", "priceId")]
    done = await mutate(gateway, token, "updateSubscription", subscriptionId=sub, quantity=3)
    assert done["userErrors"] == []
    assert done["afterCompletion"] == {
        "type": "HOSTED_CONFIRMATION",
        "returnUrl": None,
        "customMessage": "Three seats it is.",
    }
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert stored["items"].data[0].quantity == 3


async def test_pause_flow_completes_with_a_pause(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(
        world.bob.id,
        flowData={
            "type": "SUBSCRIPTION_PAUSE",
            "subscriptionPause": {"subscription": world.bob.subscription},
        },
    )
    sub = world.bob.subscription
    cancel = await mutate(gateway, token, "cancelSubscription", subscriptionId=sub)
    assert codes(cancel) == RESTRICTED
    done = await mutate(
        gateway,
        token,
        "pauseSubscription",
        subscriptionId=sub,
        pauseFor={"interval": "MONTH", "intervalCount": 1},
    )
    assert done["userErrors"] == []
    assert done["afterCompletion"] == {
        "type": "PORTAL_HOMEPAGE",
        "returnUrl": None,
        "customMessage": None,
    }
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert stored.status == "paused"
    # Back on the portal's home page (Stripe's default), the session is the whole portal.
    flow = (await gateway.post("{ session { flow { type } } }", token=token)).ok()
    assert flow["session"]["flow"] is None
    resume = await mutate(gateway, token, "resumeSubscription", subscriptionId=sub)
    assert resume["userErrors"] == []


async def test_a_redirecting_flow_stays_locked_after_its_action(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(
        world.bob.id,
        flowData={
            "type": "SUBSCRIPTION_PAUSE",
            "subscriptionPause": {"subscription": world.bob.subscription},
            "afterCompletion": {"type": "HOSTED_CONFIRMATION"},
        },
    )
    sub = world.bob.subscription
    done = await mutate(
        gateway,
        token,
        "pauseSubscription",
        subscriptionId=sub,
        pauseFor={"interval": "MONTH", "intervalCount": 1},
    )
    assert done["userErrors"] == []
    assert codes(await mutate(gateway, token, "resumeSubscription", subscriptionId=sub)) == (
        RESTRICTED
    )
    assert codes(await mutate(gateway, token, "updateCustomer", name="Bobby")) == RESTRICTED
    stored = await stripe_client.v1.customers.retrieve_async(world.bob.id)
    assert stored.name != "Bobby"


async def test_payment_method_flow_adds_and_sets_a_card(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(
        world.bob.id,
        flowData={
            "type": "PAYMENT_METHOD_UPDATE",
            "afterCompletion": {"type": "REDIRECT", "returnUrl": BACK},
        },
    )
    for mutation, fields in (
        ("cancelSubscription", {"subscriptionId": world.bob.subscription}),
        ("detachPaymentMethod", {"paymentMethodId": world.bob.card}),
        ("updateCustomer", {"name": "Bobby"}),
        ("removeTaxId", {"taxIdId": world.bob.tax_id}),
    ):
        assert codes(await mutate(gateway, token, mutation, **fields)) == RESTRICTED, mutation
    created = await mutate(gateway, token, "createSetupIntent")
    assert created["userErrors"] == []
    confirmed = await mutate(
        gateway,
        token,
        "confirmSetupIntentForTesting",
        setupIntentId=created["setupIntent"]["id"],
        paymentMethod="pm_card_amex",
    )
    assert confirmed["userErrors"] == []
    card = confirmed["paymentMethod"]["id"]
    done = await mutate(gateway, token, "setDefaultPaymentMethod", paymentMethodId=card)
    assert done["userErrors"] == []
    assert done["afterCompletion"] == {"type": "REDIRECT", "returnUrl": BACK, "customMessage": None}
    customer = await stripe_client.v1.customers.retrieve_async(world.bob.id)
    assert customer.invoice_settings is not None
    assert customer.invoice_settings.default_payment_method == card


async def test_customer_update_flow(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.bob.id, flowData={"type": "CUSTOMER_UPDATE"})
    refused = await mutate(
        gateway, token, "cancelSubscription", subscriptionId=world.bob.subscription
    )
    assert codes(refused) == RESTRICTED
    assert codes(await mutate(gateway, token, "createSetupIntent")) == RESTRICTED
    done = await mutate(gateway, token, "updateCustomer", name="Bobby")
    assert done["userErrors"] == []
    assert done["afterCompletion"]["type"] == "PORTAL_HOMEPAGE"
    # The flow is done and the session opens the whole portal: no flow to complete any more.
    added = await mutate(gateway, token, "addTaxId", type="eu_vat", value="DE222222222")
    assert added["userErrors"] == []
    assert added["afterCompletion"] is None
    canceled = await mutate(
        gateway, token, "cancelSubscription", subscriptionId=world.bob.subscription
    )
    assert canceled["userErrors"] == []
    stored = await stripe_client.v1.customers.retrieve_async(world.bob.id)
    assert stored.name == "Bobby"


async def test_sessions_without_a_flow_get_no_after_completion(
    gateway: RunningGateway, world: World
) -> None:
    token = await gateway.token_for(world.bob.id)
    done = await mutate(gateway, token, "updateCustomer", name="Bob B.")
    assert done["userErrors"] == []
    assert done["afterCompletion"] is None


async def _saved_card(gateway: RunningGateway, token: str, card: str = "pm_card_amex") -> str:
    created = await mutate(gateway, token, "createSetupIntent")
    assert created["userErrors"] == []
    intent: str = created["setupIntent"]["id"]
    confirmed = await mutate(
        gateway, token, "confirmSetupIntentForTesting", setupIntentId=intent, paymentMethod=card
    )
    assert confirmed["userErrors"] == []
    return intent


COMPLETE = """mutation($i: CompleteSetupIntentInput!) { completeSetupIntent(input: $i) {
  paymentMethod { id isDefault } becameDefault updatedSubscriptionIds
  afterCompletion { type } userErrors { code field } } }"""


async def test_a_card_added_in_a_payment_method_flow_becomes_the_default(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    # Bob's subscription carries its own default payment method: it must follow too.
    await stripe_client.v1.subscriptions.update_async(
        world.bob.subscription, {"default_payment_method": world.bob.card}
    )
    token = await gateway.token_for(
        world.bob.id,
        flowData={
            "type": "PAYMENT_METHOD_UPDATE",
            "afterCompletion": {"type": "REDIRECT", "returnUrl": BACK},
        },
    )
    intent = await _saved_card(gateway, token)
    stored = await stripe_client.v1.setup_intents.retrieve_async(intent)
    assert stored.payment_method is not None
    new_card = str(stored.payment_method)
    done = (await gateway.post(COMPLETE, {"i": {"setupIntentId": intent}}, token=token)).ok()[
        "completeSetupIntent"
    ]
    assert done["userErrors"] == []
    assert done["becameDefault"] is True
    assert done["paymentMethod"] == {"id": new_card, "isDefault": True}
    assert done["updatedSubscriptionIds"] == [world.bob.subscription]
    assert done["afterCompletion"] == {"type": "REDIRECT"}
    customer = await stripe_client.v1.customers.retrieve_async(world.bob.id)
    assert customer.invoice_settings is not None
    assert customer.invoice_settings.default_payment_method == new_card
    sub = await stripe_client.v1.subscriptions.retrieve_async(world.bob.subscription)
    assert sub.default_payment_method == new_card


async def test_outside_a_flow_a_completed_setup_intent_only_saves_the_card(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.bob.id)
    intent = await _saved_card(gateway, token)
    done = (await gateway.post(COMPLETE, {"i": {"setupIntentId": intent}}, token=token)).ok()[
        "completeSetupIntent"
    ]
    assert done["userErrors"] == []
    assert done["becameDefault"] is False
    assert done["afterCompletion"] is None
    customer = await stripe_client.v1.customers.retrieve_async(world.bob.id)
    assert customer.invoice_settings is not None
    assert customer.invoice_settings.default_payment_method == world.bob.card


async def test_completing_an_unconfirmed_or_foreign_setup_intent_is_refused(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    flow = {"type": "PAYMENT_METHOD_UPDATE"}
    token = await gateway.token_for(world.bob.id, flowData=flow)
    created = await mutate(gateway, token, "createSetupIntent")
    unconfirmed = created["setupIntent"]["id"]
    answer = (
        await gateway.post(COMPLETE, {"i": {"setupIntentId": unconfirmed}}, token=token)
    ).ok()["completeSetupIntent"]
    assert answer["userErrors"] == [{"code": "INVALID_INPUT", "field": "setupIntentId"}]
    alice = await gateway.token_for(world.alice.id, flowData=flow)
    foreign = await _saved_card(gateway, alice)
    answer = (await gateway.post(COMPLETE, {"i": {"setupIntentId": foreign}}, token=token)).ok()[
        "completeSetupIntent"
    ]
    assert answer["userErrors"] == [{"code": "NOT_FOUND", "field": "setupIntentId"}]
    customer = await stripe_client.v1.customers.retrieve_async(world.bob.id)
    assert customer.invoice_settings is not None
    assert customer.invoice_settings.default_payment_method == world.bob.card
