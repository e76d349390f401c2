"""Setup intents, the demo-only confirm, default payment method and detach, over HTTP."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from stripe_emulator import app as emulator_app
from stripe_emulator.errors import StripeError

from gateway.billing.setup_intents import talks_to_stripe
from tests.api.mutation_calls import codes, mutate
from tests.support.gateway import ADMIN_KEY

if TYPE_CHECKING:
    import stripe
    from aiohttp import web

    from tests.conftest import RunningEmulator
    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.world import World


async def add_card(
    gateway: RunningGateway, token: str, test_card: str = "pm_card_mastercard"
) -> dict[str, Any]:
    """createSetupIntent, then the demo confirm: the new card's payload."""
    created = await mutate(gateway, token, "createSetupIntent")
    assert created["userErrors"] == []
    confirmed = await mutate(
        gateway,
        token,
        "confirmSetupIntentForTesting",
        setupIntentId=created["setupIntent"]["id"],
        paymentMethod=test_card,
    )
    return confirmed


async def test_create_setup_intent_returns_the_client_secret(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.bob.id)
    payload = await mutate(gateway, token, "createSetupIntent", clientMutationId="si-1")
    assert payload["userErrors"] == []
    assert payload["clientMutationId"] == "si-1"
    intent = payload["setupIntent"]
    assert intent["status"] == "REQUIRES_PAYMENT_METHOD"
    assert intent["clientSecret"].startswith(intent["id"] + "_secret_")
    stored = await stripe_client.v1.setup_intents.retrieve_async(intent["id"])
    assert stored.customer == world.bob.id
    assert stored.usage == "off_session"
    assert stored.automatic_payment_methods is not None
    assert stored.automatic_payment_methods.enabled is True
    minimal = await gateway.token_for(world.bob.id, configuration="minimal")
    assert codes(await mutate(gateway, minimal, "createSetupIntent")) == [
        ("FEATURE_DISABLED", None)
    ]


async def test_confirm_for_testing_attaches_a_test_card(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.bob.id)
    confirmed = await add_card(gateway, token)
    assert confirmed["userErrors"] == []
    assert confirmed["setupIntent"]["status"] == "SUCCEEDED"
    card = confirmed["paymentMethod"]
    assert card["card"] == {"brand": "mastercard", "last4": "4444"}
    assert card["isDefault"] is False
    attached = await stripe_client.v1.payment_methods.retrieve_async(card["id"])
    assert attached.customer == world.bob.id
    listed = (await gateway.post("{ paymentMethods { id } }", token=token)).ok()
    assert {pm["id"] for pm in listed["paymentMethods"]} == {world.bob.card, card["id"]}


async def test_declined_test_card_is_card_declined(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.bob.id)
    declined = await add_card(gateway, token, "pm_card_chargeDeclined")
    [error] = declined["userErrors"]
    assert error["code"] == "CARD_DECLINED"
    assert error["message"] == "Your card was declined."
    assert declined["paymentMethod"] is None
    methods = await stripe_client.v1.customers.payment_methods.list_async(world.bob.id)
    assert [pm.id for pm in methods.data] == [world.bob.card]


async def test_confirm_for_testing_checks_its_input(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.bob.id)
    intent = (await mutate(gateway, token, "createSetupIntent"))["setupIntent"]["id"]
    foreign = await stripe_client.v1.setup_intents.create_async({"customer": world.alice.id})
    cases: list[tuple[dict[str, Any], tuple[str, str | None]]] = [
        (
            {"setupIntentId": intent, "paymentMethod": "4242424242424242"},
            ("INVALID_INPUT", "paymentMethod"),
        ),
        (
            {"setupIntentId": intent, "paymentMethod": world.alice.card},
            ("INVALID_INPUT", "paymentMethod"),
        ),
        ({"setupIntentId": ""}, ("INVALID_INPUT", "setupIntentId")),
        ({"setupIntentId": "seti_missing"}, ("NOT_FOUND", "setupIntentId")),
        ({"setupIntentId": foreign.id}, ("NOT_FOUND", "setupIntentId")),
    ]
    for fields, expected in cases:
        payload = await mutate(gateway, token, "confirmSetupIntentForTesting", **fields)
        assert codes(payload) == [expected], fields
    untouched = await stripe_client.v1.setup_intents.retrieve_async(foreign.id)
    assert untouched.status == "requires_payment_method"


def test_only_a_stripe_emulator_is_not_stripe() -> None:
    assert talks_to_stripe(None)
    assert talks_to_stripe("https://api.stripe.com")
    assert talks_to_stripe("https://API.Stripe.com/")
    assert not talks_to_stripe("http://127.0.0.1:12111")
    assert not talks_to_stripe("http://stripe.com.evil.example")


async def test_confirm_for_testing_is_forbidden_against_stripe(
    gateway_factory: GatewayFactory, world: World
) -> None:
    # The gateway is configured for Stripe itself (no API base); the refusal needs no request.
    gateway = await gateway_factory.start(world.configurations(), stripe_api_base=None)
    result = await gateway.post(
        """mutation { confirmSetupIntentForTesting(input: {setupIntentId: "seti_1"}) {
             setupIntent { id } userErrors { code message field } } }""",
        token=ADMIN_KEY,
        headers={"Portal-Customer": world.bob.id},
    )
    payload = result.ok()["confirmSetupIntentForTesting"]
    assert codes(payload) == [("FORBIDDEN", None)]
    assert "Stripe.js" in payload["userErrors"][0]["message"]


async def test_set_default_repoints_subscriptions_with_their_own_default(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.bob.id)
    # Bob's subscription charges its own default (as after Checkout), not the customer's.
    await stripe_client.v1.subscriptions.update_async(
        world.bob.subscription, {"default_payment_method": world.bob.card}
    )
    new_card = (await add_card(gateway, token))["paymentMethod"]["id"]
    payload = await mutate(
        gateway,
        token,
        "setDefaultPaymentMethod",
        paymentMethodId=new_card,
        clientMutationId="d-1",
    )
    assert payload["userErrors"] == []
    assert payload["clientMutationId"] == "d-1"
    assert payload["paymentMethod"]["id"] == new_card
    assert payload["paymentMethod"]["isDefault"] is True
    assert payload["updatedSubscriptionIds"] == [world.bob.subscription]
    customer = await stripe_client.v1.customers.retrieve_async(world.bob.id)
    assert customer.invoice_settings is not None
    assert customer.invoice_settings.default_payment_method == new_card
    sub = await stripe_client.v1.subscriptions.retrieve_async(world.bob.subscription)
    assert sub.default_payment_method == new_card
    # Alice's subscription has no default of its own: only the customer changes.
    alice = await gateway.token_for(world.alice.id)
    alice_card = (await add_card(gateway, alice))["paymentMethod"]["id"]
    only_customer = await mutate(
        gateway, alice, "setDefaultPaymentMethod", paymentMethodId=alice_card
    )
    assert only_customer["updatedSubscriptionIds"] == []
    alice_sub = await stripe_client.v1.subscriptions.retrieve_async(world.alice.subscription)
    assert alice_sub.default_payment_method is None


async def test_set_default_refusals(gateway: RunningGateway, world: World) -> None:
    token = await gateway.token_for(world.bob.id)
    for pm, expected in (
        ("pm_missing", ("NOT_FOUND", "paymentMethodId")),
        (world.alice.card, ("NOT_FOUND", "paymentMethodId")),
        ("", ("INVALID_INPUT", "paymentMethodId")),
    ):
        payload = await mutate(gateway, token, "setDefaultPaymentMethod", paymentMethodId=pm)
        assert codes(payload) == [expected], pm
        assert (payload["paymentMethod"], payload["updatedSubscriptionIds"]) == (None, [])
    minimal = await gateway.token_for(world.bob.id, configuration="minimal")
    off = await mutate(gateway, minimal, "setDefaultPaymentMethod", paymentMethodId=world.bob.card)
    assert codes(off) == [("FEATURE_DISABLED", None)]


async def test_partial_failure_says_what_was_applied(
    gateway: RunningGateway,
    world: World,
    stripe_client: stripe.StripeClient,
    emulator: RunningEmulator,
) -> None:
    token = await gateway.token_for(world.bob.id)
    await stripe_client.v1.subscriptions.update_async(
        world.bob.subscription, {"default_payment_method": world.bob.card}
    )
    new_card = (await add_card(gateway, token))["paymentMethod"]["id"]
    emulator.runtime.faults.configure(
        {
            "rules": [
                {
                    "method": "POST",
                    "path": f"/v1/subscriptions/{world.bob.subscription}",
                    "rate_500": 1.0,
                }
            ]
        }
    )
    payload = await mutate(gateway, token, "setDefaultPaymentMethod", paymentMethodId=new_card)
    emulator.runtime.faults.configure({"rules": []})
    [error] = payload["userErrors"]
    assert error["code"] == "STRIPE_UNAVAILABLE"
    assert error["message"].startswith(f"Applied: {new_card} became the default payment method.")
    assert "has not made this change" in error["message"]
    assert payload["paymentMethod"]["id"] == new_card
    assert payload["updatedSubscriptionIds"] == []
    customer = await stripe_client.v1.customers.retrieve_async(world.bob.id)
    assert customer.invoice_settings is not None
    assert customer.invoice_settings.default_payment_method == new_card
    sub = await stripe_client.v1.subscriptions.retrieve_async(world.bob.subscription)
    assert sub.default_payment_method == world.bob.card
    # Asked again, the rest is done.
    retried = await mutate(gateway, token, "setDefaultPaymentMethod", paymentMethodId=new_card)
    assert retried["userErrors"] == []
    assert retried["updatedSubscriptionIds"] == [world.bob.subscription]


async def test_detach_keeps_a_way_to_pay(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.bob.id)
    last = await mutate(gateway, token, "detachPaymentMethod", paymentMethodId=world.bob.card)
    assert codes(last) == [("LAST_PAYMENT_METHOD", "paymentMethodId")]
    await stripe_client.v1.subscriptions.update_async(
        world.bob.subscription, {"default_payment_method": world.bob.card}
    )
    new_card = (await add_card(gateway, token))["paymentMethod"]["id"]
    payload = await mutate(gateway, token, "detachPaymentMethod", paymentMethodId=world.bob.card)
    assert payload["userErrors"] == []
    assert payload["detachedPaymentMethodId"] == world.bob.card
    assert payload["newDefaultPaymentMethod"] == {"id": new_card, "isDefault": True}
    assert payload["updatedSubscriptionIds"] == [world.bob.subscription]
    detached = await stripe_client.v1.payment_methods.retrieve_async(world.bob.card)
    assert detached.customer is None
    customer = await stripe_client.v1.customers.retrieve_async(world.bob.id)
    assert customer.invoice_settings is not None
    assert customer.invoice_settings.default_payment_method == new_card
    sub = await stripe_client.v1.subscriptions.retrieve_async(world.bob.subscription)
    assert sub.default_payment_method == new_card


async def test_detach_refusals(gateway: RunningGateway, world: World) -> None:
    token = await gateway.token_for(world.bob.id)
    for pm, expected in (
        ("pm_missing", ("NOT_FOUND", "paymentMethodId")),
        (world.alice.card, ("NOT_FOUND", "paymentMethodId")),
        (" ", ("INVALID_INPUT", "paymentMethodId")),
    ):
        payload = await mutate(gateway, token, "detachPaymentMethod", paymentMethodId=pm)
        assert codes(payload) == [expected], pm
        assert payload["detachedPaymentMethodId"] is None
    minimal = await gateway.token_for(world.bob.id, configuration="minimal")
    off = await mutate(gateway, minimal, "detachPaymentMethod", paymentMethodId=world.bob.card)
    assert codes(off) == [("FEATURE_DISABLED", None)]


@pytest.mark.parametrize("restricted", ["POST /v1/customers/", "POST /v1/setup_intents"])
async def test_a_key_without_write_permission_is_a_stripe_error(
    gateway: RunningGateway,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    restricted: str,
) -> None:
    """A restricted key that may read but not write: Stripe answers 403 to every write."""

    token = await gateway.token_for(world.bob.id)
    method, _, prefix = restricted.partition(" ")
    original = emulator_app._api_key

    def read_only_key(request: web.Request) -> str:
        if request.method == method and request.path.startswith(prefix):
            raise StripeError(
                "The provided key 'rk_test_***' does not have the required permissions for "
                "this endpoint.",
                status=403,
            )
        return original(request)

    monkeypatch.setattr(emulator_app, "_api_key", read_only_key)
    if method == "POST" and prefix == "/v1/setup_intents":
        payload = await mutate(gateway, token, "createSetupIntent")
    else:
        payload = await mutate(gateway, token, "updateCustomer", name="Robert")
    [error] = payload["userErrors"]
    assert error["code"] == "STRIPE_ERROR"
    assert error["message"] == "The billing service could not complete this request."


async def test_set_default_reaches_every_subscription_past_the_first_page(
    gateway: RunningGateway,
    world: World,
    stripe_client: stripe.StripeClient,
    emulator: RunningEmulator,
) -> None:
    """An expanded customer lists ten current subscriptions; the rest come from the full list."""
    subscriptions = [world.bob.subscription]
    await stripe_client.v1.subscriptions.update_async(
        world.bob.subscription, {"default_payment_method": world.bob.card}
    )
    for _ in range(11):
        created = await stripe_client.v1.subscriptions.create_async(
            {
                "customer": world.bob.id,
                "items": [{"price": world.basic_monthly}],
                "default_payment_method": world.bob.card,
            }
        )
        subscriptions.append(created.id)
    spare = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_mastercard", {"customer": world.bob.id}
    )
    token = await gateway.token_for(world.bob.id)
    emulator.reset_log()
    payload = await mutate(gateway, token, "setDefaultPaymentMethod", paymentMethodId=spare.id)
    assert payload["userErrors"] == []
    assert sorted(payload["updatedSubscriptionIds"]) == sorted(subscriptions)
    reads = [e["route"] for e in emulator.runtime.log.entries if e["method"] == "GET"]
    assert reads == ["/v1/customers/{customer}/payment_methods", "/v1/subscriptions"]
    for sub_id in subscriptions:
        sub = await stripe_client.v1.subscriptions.retrieve_async(sub_id)
        assert sub.default_payment_method == spare.id
