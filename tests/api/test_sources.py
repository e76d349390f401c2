"""Where configurations come from when the gateway starts: a file, Stripe ids, or the
account's active configurations; an invalid set stops the start."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

import pytest
import stripe

from gateway.portal.problems import ConfigurationError

if TYPE_CHECKING:
    from stripe.params.billing_portal import ConfigurationCreateParamsFeatures

    from tests.support.gateway import GatewayFactory
    from tests.support.world import World

SECRET = "whsec_test_0d6f1c2b3a4e5d6c7b8a9f0e1d2c3b4a"
QUERY = "{ session { configuration { id businessProfile { headline } } } }"


async def test_configurations_by_stripe_id(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    first = await stripe_client.v1.billing_portal.configurations.create_async(
        {
            "business_profile": {"headline": "First"},
            "features": {"invoice_history": {"enabled": True}},
        }
    )
    second = await stripe_client.v1.billing_portal.configurations.create_async(
        {
            "business_profile": {"headline": "Second"},
            "features": {"invoice_history": {"enabled": True}},
        }
    )
    gateway = await gateway_factory.start(portal_configuration_ids=[second.id, first.id])
    # Stripe's default (the first created) is the default here too.
    data = (await gateway.admin(QUERY, customer=world.alice.id)).ok()
    assert data["session"]["configuration"] == {
        "id": first.id,
        "businessProfile": {"headline": "First"},
    }
    data = (await gateway.admin(QUERY, customer=world.alice.id, configuration=second.id)).ok()
    assert data["session"]["configuration"]["businessProfile"] == {"headline": "Second"}


async def test_invalid_configurations_stop_the_start(
    gateway_factory: GatewayFactory, world: World
) -> None:
    broken = world.configurations()
    broken[0]["features"]["subscription_update"]["products"][0]["prices"].append("price_nope")
    with pytest.raises(ConfigurationError) as problems:
        await gateway_factory.start(broken)
    assert "price_nope" in str(problems.value)


@pytest.mark.parametrize("named", [True, False], ids=["named by id", "all of the account"])
async def test_a_deactivated_configuration_keeps_its_sessions_and_refuses_new_ones(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient, named: bool
) -> None:
    """As a Stripe session does, a live session keeps the configuration it was created under
    once that is deactivated; only new sessions are refused. Both ways of naming the
    account's configurations behave alike."""
    features: ConfigurationCreateParamsFeatures = {"invoice_history": {"enabled": True}}
    default = await stripe_client.v1.billing_portal.configurations.create_async(
        {"business_profile": {"headline": "Default"}, "features": features}
    )
    retiring = await stripe_client.v1.billing_portal.configurations.create_async(
        {"business_profile": {"headline": "Retiring"}, "features": features}
    )
    ids: dict[str, Any] = {"portal_configuration_ids": [default.id, retiring.id]} if named else {}
    gateway = await gateway_factory.start(webhook_secret=SECRET, **ids)
    token = await gateway.token_for(world.alice.id, configuration=retiring.id)

    await stripe_client.v1.billing_portal.configurations.update_async(
        retiring.id, {"active": False}
    )
    [event] = (
        await stripe_client.v1.events.list_async(
            {"type": "billing_portal.configuration.updated", "limit": 1}
        )
    ).data
    # Stripe's own event, signed as Stripe signs it: every instance reloads.
    payload = json.dumps(event.to_dict())
    headers = {
        "Content-Type": "application/json",
        "Stripe-Signature": stripe.WebhookSignature.generate_signature_header(payload, SECRET),
    }
    async with gateway.http.post(gateway.url + "/webhooks/stripe", data=payload, headers=headers):
        pass
    async with asyncio.timeout(10):
        while True:
            created = await gateway.create_session(world.alice.id, configuration=retiring.id)
            errors = created.ok()["createPortalSession"]["userErrors"]
            if [(e["code"], e["field"]) for e in errors] == [
                ("CONFIGURATION_INACTIVE", "configuration")
            ]:
                break
            await asyncio.sleep(0.05)

    data = (await gateway.post(QUERY, token=token)).ok()
    assert data["session"]["configuration"] == {
        "id": retiring.id,
        "businessProfile": {"headline": "Retiring"},
    }
    assert (await gateway.post("{ customer { id } }", token=token)).ok() == {
        "customer": {"id": world.alice.id}
    }
