"""Payment method configurations: cards only, by name and display preference; setup intents
must name an existing, active one."""

from __future__ import annotations

import pytest
import stripe


async def test_payment_method_configuration_lifecycle(stripe_client: stripe.StripeClient) -> None:
    configs = stripe_client.v1.payment_method_configurations
    cards = await configs.create_async({"name": "Cards"})
    assert cards.id.startswith("pmc_")
    assert cards.active is True
    assert cards.card is not None
    assert cards.card.display_preference.value == "on"
    renamed = await configs.update_async(
        cards.id, {"name": "No cards", "card": {"display_preference": {"preference": "off"}}}
    )
    assert renamed.name == "No cards"
    assert renamed.card is not None
    assert renamed.card.display_preference.value == "off"
    assert [c.id for c in (await configs.list_async()).data] == [cards.id]
    with pytest.raises(stripe.InvalidRequestError) as unmodelled:
        await configs.create_async({"ideal": {"display_preference": {"preference": "on"}}})
    assert unmodelled.value.param == "ideal"
    with pytest.raises(stripe.InvalidRequestError) as missing:
        await configs.retrieve_async("pmc_missing")
    assert missing.value.http_status == 404


async def test_setup_intents_need_an_active_configuration(
    stripe_client: stripe.StripeClient,
) -> None:
    customer = await stripe_client.v1.customers.create_async({"name": "Ada"})
    cards = await stripe_client.v1.payment_method_configurations.create_async({"name": "Cards"})
    intent = await stripe_client.v1.setup_intents.create_async(
        {"customer": customer.id, "payment_method_configuration": cards.id}
    )
    assert intent.payment_method_configuration_details is not None
    assert intent.payment_method_configuration_details.id == cards.id
    for config_id in ("pmc_nope", cards.id):
        if config_id == cards.id:
            await stripe_client.v1.payment_method_configurations.update_async(
                cards.id, {"active": False}
            )
        with pytest.raises(stripe.InvalidRequestError) as refused:
            await stripe_client.v1.setup_intents.create_async(
                {"customer": customer.id, "payment_method_configuration": config_id}
            )
        assert refused.value.param == "payment_method_configuration"
