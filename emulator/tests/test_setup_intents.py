from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
import stripe

if TYPE_CHECKING:
    from stripe_emulator.testing import RunningEmulator

RETURN_URL = "https://example.com/back"


async def _customer(client: stripe.StripeClient) -> stripe.Customer:
    return await client.v1.customers.create_async({"email": "si@example.com"})


async def test_create_defaults(stripe_client: stripe.StripeClient) -> None:
    customer = await _customer(stripe_client)
    intent = await stripe_client.v1.setup_intents.create_async(
        {"customer": customer.id, "metadata": {"source": "portal"}, "description": "Add card"}
    )
    assert intent.id.startswith("seti_")
    assert intent.client_secret is not None
    assert re.fullmatch(rf"{intent.id}_secret_[A-Za-z0-9]+", intent.client_secret)
    assert intent.status == "requires_payment_method"
    assert intent.usage == "off_session"
    assert intent.customer == customer.id
    assert intent.payment_method_types == ["card"]
    assert intent.automatic_payment_methods is not None
    assert intent.automatic_payment_methods.enabled is True
    assert intent.description == "Add card"
    fetched = await stripe_client.v1.setup_intents.retrieve_async(intent.id)
    assert fetched.client_secret == intent.client_secret


async def test_confirm_attaches_a_clone_of_the_test_card(
    stripe_client: stripe.StripeClient, emulator: RunningEmulator
) -> None:
    customer = await _customer(stripe_client)
    intent = await stripe_client.v1.setup_intents.create_async(
        {"customer": customer.id, "allowed_payment_method_types": ["card"]}
    )
    confirmed = await stripe_client.v1.setup_intents.confirm_async(
        intent.id, {"payment_method": "pm_card_mastercard"}
    )
    assert confirmed.status == "succeeded"
    assert isinstance(confirmed.payment_method, str)
    assert confirmed.payment_method.startswith("pm_")
    assert confirmed.payment_method != "pm_card_mastercard"
    pm = await stripe_client.v1.payment_methods.retrieve_async(confirmed.payment_method)
    assert pm.customer == customer.id
    assert pm.card is not None
    assert pm.card.last4 == "4444"
    types = [e["type"] for e in emulator.emu.find("event")]
    assert types[:3] == [
        "setup_intent.succeeded",
        "payment_method.attached",
        "setup_intent.created",
    ]


async def test_automatic_methods_need_a_return_url(stripe_client: stripe.StripeClient) -> None:
    customer = await _customer(stripe_client)
    intent = await stripe_client.v1.setup_intents.create_async({"customer": customer.id})
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.setup_intents.confirm_async(
            intent.id, {"payment_method": "pm_card_visa"}
        )
    assert "A return_url must be specified" in str(exc.value.user_message)
    confirmed = await stripe_client.v1.setup_intents.confirm_async(
        intent.id, {"payment_method": "pm_card_visa", "return_url": RETURN_URL}
    )
    assert confirmed.status == "succeeded"
    no_redirects = await stripe_client.v1.setup_intents.create_async(
        {
            "customer": customer.id,
            "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"},
            "payment_method": "pm_card_visa",
            "confirm": True,
        }
    )
    assert no_redirects.status == "succeeded"


@pytest.mark.parametrize(
    ("token", "code", "decline_code", "message"),
    [
        ("pm_card_chargeDeclined", "card_declined", "generic_decline", "Your card was declined."),
        (
            "pm_card_chargeDeclinedInsufficientFunds",
            "card_declined",
            "insufficient_funds",
            "Your card has insufficient funds.",
        ),
        (
            "pm_card_chargeDeclinedExpiredCard",
            "expired_card",
            "expired_card",
            "Your card has expired.",
        ),
    ],
)
async def test_declining_card_fails_the_setup(
    stripe_client: stripe.StripeClient,
    emulator: RunningEmulator,
    token: str,
    code: str,
    decline_code: str,
    message: str,
) -> None:
    customer = await _customer(stripe_client)
    intent = await stripe_client.v1.setup_intents.create_async(
        {"customer": customer.id, "allowed_payment_method_types": ["card"]}
    )
    with pytest.raises(stripe.CardError) as exc:
        await stripe_client.v1.setup_intents.confirm_async(intent.id, {"payment_method": token})
    assert exc.value.http_status == 402
    assert exc.value.code == code
    assert exc.value.error is not None
    assert exc.value.error.decline_code == decline_code
    assert exc.value.user_message == message
    assert exc.value.error.setup_intent is not None
    assert exc.value.error.setup_intent.id == intent.id
    after = await stripe_client.v1.setup_intents.retrieve_async(intent.id)
    assert after.status == "requires_payment_method"
    assert after.payment_method is None
    assert after.last_setup_error is not None
    assert after.last_setup_error.code == code
    assert after.last_setup_error.decline_code == decline_code
    assert after.last_setup_error.type == "card_error"
    attached = await stripe_client.v1.customers.payment_methods.list_async(customer.id)
    assert attached.data == []
    assert emulator.emu.find("event")[0]["type"] == "setup_intent.setup_failed"
    retried = await stripe_client.v1.setup_intents.confirm_async(
        intent.id, {"payment_method": "pm_card_visa"}
    )
    assert retried.status == "succeeded"
    assert retried.last_setup_error is None


async def test_payment_method_types_is_no_longer_supported(
    stripe_client: stripe.StripeClient,
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.setup_intents.create_async(
            {"payment_method_types": ["card"]}  # type: ignore[arg-type]
        )
    assert exc.value.code == "payment_method_types_no_longer_supported"
    assert exc.value.param == "payment_method_types"
    with pytest.raises(stripe.InvalidRequestError) as both:
        await stripe_client.v1.setup_intents.create_async(
            {
                "allowed_payment_method_types": ["card"],
                "automatic_payment_methods": {"enabled": True},
            }
        )
    assert both.value.code == "parameters_exclusive"


async def test_update_list_and_cancel(stripe_client: stripe.StripeClient) -> None:
    ada = await _customer(stripe_client)
    bob = await _customer(stripe_client)
    first = await stripe_client.v1.setup_intents.create_async({"customer": ada.id})
    second = await stripe_client.v1.setup_intents.create_async({"customer": ada.id})
    await stripe_client.v1.setup_intents.create_async({"customer": bob.id})
    listed = await stripe_client.v1.setup_intents.list_async({"customer": ada.id})
    assert [i.id for i in listed.data] == [second.id, first.id]
    updated = await stripe_client.v1.setup_intents.update_async(
        first.id, {"payment_method": "pm_card_visa", "metadata": {"k": "v"}}
    )
    assert updated.status == "requires_confirmation"
    assert updated.metadata is not None
    assert updated.metadata["k"] == "v"
    canceled = await stripe_client.v1.setup_intents.cancel_async(
        first.id, {"cancellation_reason": "abandoned"}
    )
    assert canceled.status == "canceled"
    assert canceled.cancellation_reason == "abandoned"
    with pytest.raises(stripe.InvalidRequestError) as again:
        await stripe_client.v1.setup_intents.cancel_async(first.id)
    assert again.value.code == "setup_intent_unexpected_state"
    with pytest.raises(stripe.InvalidRequestError) as confirm:
        await stripe_client.v1.setup_intents.confirm_async(first.id, {"return_url": RETURN_URL})
    assert "status of canceled" in str(confirm.value.user_message)


async def test_confirm_without_payment_method(stripe_client: stripe.StripeClient) -> None:
    intent = await stripe_client.v1.setup_intents.create_async(
        {"allowed_payment_method_types": ["card"]}
    )
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.setup_intents.confirm_async(intent.id)
    assert "missing a payment method" in str(exc.value.user_message)
    with pytest.raises(stripe.InvalidRequestError) as missing:
        await stripe_client.v1.setup_intents.retrieve_async("seti_nope")
    assert missing.value.http_status == 404


async def test_foreign_payment_method_is_refused(stripe_client: stripe.StripeClient) -> None:
    ada = await _customer(stripe_client)
    bob = await _customer(stripe_client)
    bobs = await stripe_client.v1.payment_methods.attach_async("pm_card_visa", {"customer": bob.id})
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.setup_intents.create_async(
            {"customer": ada.id, "payment_method": bobs.id}
        )
    assert exc.value.param == "payment_method"


async def test_payment_method_configuration_goes_with_automatic_payment_methods(
    stripe_client: stripe.StripeClient,
) -> None:
    customer = await stripe_client.v1.customers.create_async({"email": "pmc@example.com"})
    cards = await stripe_client.v1.payment_method_configurations.create_async({"name": "Cards"})
    intent = await stripe_client.v1.setup_intents.create_async(
        {
            "customer": customer.id,
            "automatic_payment_methods": {"enabled": True},
            "payment_method_configuration": cards.id,
        }
    )
    assert intent.status == "requires_payment_method"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.setup_intents.create_async(
            {
                "customer": customer.id,
                "allowed_payment_method_types": ["card"],
                "payment_method_configuration": cards.id,
            }
        )
    assert exc.value.code == "parameters_exclusive"
