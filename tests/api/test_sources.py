"""Where configurations come from when the gateway starts: a file, Stripe ids, or the
account's active configurations; an invalid set stops the start."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from gateway.portal.problems import ConfigurationError

if TYPE_CHECKING:
    import stripe

    from tests.support.gateway import GatewayFactory
    from tests.support.world import World

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
