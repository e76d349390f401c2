from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import stripe
from stripe_emulator.resources.cards import charge_outcome

if TYPE_CHECKING:
    from stripe_emulator.testing import RunningEmulator

TEST_CARDS = [
    ("pm_card_visa", "visa", "4242"),
    ("pm_card_mastercard", "mastercard", "4444"),
    ("pm_card_amex", "amex", "8431"),
    ("pm_card_discover", "discover", "1117"),
    ("pm_card_chargeDeclined", "visa", "0002"),
    ("pm_card_chargeDeclinedInsufficientFunds", "visa", "9995"),
    ("pm_card_chargeDeclinedExpiredCard", "visa", "0069"),
]


async def _customer(client: stripe.StripeClient) -> stripe.Customer:
    return await client.v1.customers.create_async({"email": "a@example.com"})


@pytest.mark.parametrize(("token", "brand", "last4"), TEST_CARDS)
async def test_attaching_a_test_card_clones_it(
    stripe_client: stripe.StripeClient, token: str, brand: str, last4: str
) -> None:
    customer = await _customer(stripe_client)
    pm = await stripe_client.v1.payment_methods.attach_async(token, {"customer": customer.id})
    assert pm.id.startswith("pm_")
    assert pm.id != token
    assert pm.customer == customer.id
    assert pm.type == "card"
    assert pm.card is not None
    assert pm.card.brand == brand
    assert pm.card.last4 == last4
    assert 1 <= pm.card.exp_month <= 12
    assert pm.card.funding == "credit"
    assert pm.card.country == "US"
    assert pm.card.fingerprint
    again = await stripe_client.v1.payment_methods.attach_async(token, {"customer": customer.id})
    assert again.id != pm.id
    assert again.card is not None
    assert again.card.fingerprint == pm.card.fingerprint


async def test_charge_outcome(
    stripe_client: stripe.StripeClient, emulator: RunningEmulator
) -> None:
    customer = await _customer(stripe_client)
    outcomes = {}
    for token, _, _ in TEST_CARDS:
        pm = await stripe_client.v1.payment_methods.attach_async(token, {"customer": customer.id})
        outcomes[token] = charge_outcome(emulator.emu, pm.id)
    assert outcomes == {
        "pm_card_visa": None,
        "pm_card_mastercard": None,
        "pm_card_amex": None,
        "pm_card_discover": None,
        "pm_card_chargeDeclined": "generic_decline",
        "pm_card_chargeDeclinedInsufficientFunds": "insufficient_funds",
        "pm_card_chargeDeclinedExpiredCard": "expired_card",
    }
    assert charge_outcome(emulator.emu, "pm_missing") == "generic_decline"


async def test_create_from_card_token(stripe_client: stripe.StripeClient) -> None:
    pm = await stripe_client.v1.payment_methods.create_async(
        {
            "type": "card",
            "card": {"token": "tok_mastercard"},
            "billing_details": {"name": "Ada", "address": {"country": "GB"}},
            "metadata": {"k": "v"},
        }
    )
    assert pm.customer is None
    assert pm.card is not None
    assert pm.card.last4 == "4444"
    assert pm.billing_details.name == "Ada"
    assert pm.billing_details.address is not None
    assert pm.billing_details.address.country == "GB"
    with pytest.raises(stripe.CardError) as raw:
        await stripe_client.v1.payment_methods.create_async(
            {
                "type": "card",
                "card": {"number": "4242424242424242", "exp_month": 1, "exp_year": 2030},
            }
        )
    assert "Sending credit card numbers directly" in str(raw.value.user_message)
    with pytest.raises(stripe.InvalidRequestError) as bad:
        await stripe_client.v1.payment_methods.create_async(
            {"type": "card", "card": {"token": "tok_nope"}}
        )
    assert bad.value.param == "card[token]"
    with pytest.raises(stripe.InvalidRequestError) as kind:
        await stripe_client.v1.payment_methods.create_async({"type": "sepa_debit"})
    assert kind.value.param == "type"


async def test_attach_errors(stripe_client: stripe.StripeClient) -> None:
    first = await _customer(stripe_client)
    second = await _customer(stripe_client)
    pm = await stripe_client.v1.payment_methods.attach_async("pm_card_visa", {"customer": first.id})
    with pytest.raises(stripe.InvalidRequestError) as taken:
        await stripe_client.v1.payment_methods.attach_async(pm.id, {"customer": second.id})
    assert "already been attached to a customer" in str(taken.value.user_message)
    with pytest.raises(stripe.InvalidRequestError) as no_customer:
        await stripe_client.v1.payment_methods.attach_async(pm.id, {"customer": "cus_nope"})
    assert no_customer.value.param == "customer"
    assert no_customer.value.code == "resource_missing"
    with pytest.raises(stripe.InvalidRequestError) as missing:
        await stripe_client.v1.payment_methods.attach_async("pm_nope", {"customer": first.id})
    assert missing.value.http_status == 404


async def test_detach_is_permanent_and_clears_default(
    stripe_client: stripe.StripeClient, emulator: RunningEmulator
) -> None:
    customer = await _customer(stripe_client)
    pm = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_visa", {"customer": customer.id}
    )
    await stripe_client.v1.customers.update_async(
        customer.id, {"invoice_settings": {"default_payment_method": pm.id}}
    )
    detached = await stripe_client.v1.payment_methods.detach_async(pm.id)
    assert detached.customer is None
    refreshed = await stripe_client.v1.customers.retrieve_async(customer.id)
    assert refreshed.invoice_settings is not None
    assert refreshed.invoice_settings.default_payment_method is None
    with pytest.raises(stripe.InvalidRequestError) as again:
        await stripe_client.v1.payment_methods.attach_async(pm.id, {"customer": customer.id})
    assert "It may not be used again" in str(again.value.user_message)
    with pytest.raises(stripe.InvalidRequestError) as twice:
        await stripe_client.v1.payment_methods.detach_async(pm.id)
    assert "not attached to a customer" in str(twice.value.user_message)
    types = [e["type"] for e in emulator.emu.find("event")]
    assert types[:2] == ["customer.updated", "payment_method.detached"]
    detach_event = emulator.emu.find("event", lambda e: e["type"] == "payment_method.detached")[0]
    assert detach_event["data"]["previous_attributes"] == {"customer": customer.id}
    assert "_detached" not in detach_event["data"]["object"]


async def test_update_billing_details(
    stripe_client: stripe.StripeClient, emulator: RunningEmulator
) -> None:
    loose = await stripe_client.v1.payment_methods.create_async(
        {"type": "card", "card": {"token": "tok_visa"}}
    )
    with pytest.raises(stripe.InvalidRequestError) as unsaved:
        await stripe_client.v1.payment_methods.update_async(loose.id, {"metadata": {"a": "b"}})
    assert "save this PaymentMethod to a customer" in str(unsaved.value.user_message)
    customer = await _customer(stripe_client)
    pm = await stripe_client.v1.payment_methods.attach_async(loose.id, {"customer": customer.id})
    assert pm.id == loose.id
    updated = await stripe_client.v1.payment_methods.update_async(
        pm.id,
        {
            "billing_details": {"email": "b@example.com", "address": {"postal_code": "10115"}},
            "card": {"exp_month": 3, "exp_year": 2031},
            "metadata": {"a": "b"},
        },
    )
    assert updated.billing_details.email == "b@example.com"
    assert updated.billing_details.address is not None
    assert updated.billing_details.address.postal_code == "10115"
    assert updated.card is not None
    assert (updated.card.exp_month, updated.card.exp_year) == (3, 2031)
    event = emulator.emu.find("event")[0]
    assert event["type"] == "payment_method.updated"
    assert set(event["data"]["previous_attributes"]) == {"billing_details", "card", "metadata"}
    with pytest.raises(stripe.CardError) as month:
        await stripe_client.v1.payment_methods.update_async(pm.id, {"card": {"exp_month": 13}})
    assert month.value.code == "invalid_expiry_month"


async def test_lists_and_customer_scope(stripe_client: stripe.StripeClient) -> None:
    ada = await _customer(stripe_client)
    bob = await _customer(stripe_client)
    visa = await stripe_client.v1.payment_methods.attach_async("pm_card_visa", {"customer": ada.id})
    amex = await stripe_client.v1.payment_methods.attach_async("pm_card_amex", {"customer": ada.id})
    other = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_visa", {"customer": bob.id}
    )
    top = await stripe_client.v1.payment_methods.list_async({"customer": ada.id, "type": "card"})
    assert [pm.id for pm in top.data] == [amex.id, visa.id]
    nested = await stripe_client.v1.customers.payment_methods.list_async(ada.id, {"type": "card"})
    assert [pm.id for pm in nested.data] == [amex.id, visa.id]
    assert nested.url == f"/v1/customers/{ada.id}/payment_methods"
    one = await stripe_client.v1.customers.payment_methods.retrieve_async(ada.id, visa.id)
    assert one.id == visa.id
    with pytest.raises(stripe.InvalidRequestError) as foreign:
        await stripe_client.v1.customers.payment_methods.retrieve_async(ada.id, other.id)
    assert foreign.value.http_status == 404
    assert foreign.value.code == "resource_missing"
    with pytest.raises(stripe.InvalidRequestError) as nobody:
        await stripe_client.v1.payment_methods.list_async({"customer": "cus_nope"})
    assert nobody.value.param == "customer"


async def test_customer_create_with_test_payment_method(
    stripe_client: stripe.StripeClient,
) -> None:
    customer = await stripe_client.v1.customers.create_async(
        {
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
        }
    )
    assert customer.invoice_settings is not None
    default = customer.invoice_settings.default_payment_method
    assert isinstance(default, str)
    assert default.startswith("pm_")
    assert default != "pm_card_visa"
    pm = await stripe_client.v1.payment_methods.retrieve_async(default)
    assert pm.customer == customer.id


async def test_payment_method_events(
    stripe_client: stripe.StripeClient, emulator: RunningEmulator
) -> None:
    customer = await _customer(stripe_client)
    pm = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_visa", {"customer": customer.id}
    )
    event = emulator.emu.find("event")[0]
    assert event["type"] == "payment_method.attached"
    assert event["data"]["object"]["id"] == pm.id
    assert event["data"]["object"]["customer"] == customer.id
