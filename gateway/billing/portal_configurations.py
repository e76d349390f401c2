"""Portal configurations read from Stripe by id, as the JSON the portal's registry loads.

Stripe leaves `features.subscription_update.products` out unless it is expanded, and the
policy cannot work without it, so it is always expanded.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from .client import as_json
from .errors import stripe_errors

if TYPE_CHECKING:
    from collections.abc import Sequence

    import stripe

EXPAND = ["features.subscription_update.products"]


async def fetch_portal_configuration(
    client: stripe.StripeClient, configuration_id: str
) -> dict[str, Any]:
    """One `billing_portal.Configuration` as JSON; `NotFound` when Stripe has no such id."""
    with stripe_errors(noun="Portal configuration"):
        config = await client.v1.billing_portal.configurations.retrieve_async(
            configuration_id, {"expand": EXPAND}
        )
    return as_json(config)


async def fetch_portal_configurations(
    client: stripe.StripeClient, configuration_ids: Sequence[str]
) -> list[dict[str, Any]]:
    """Several configurations, fetched concurrently, in the order given."""
    return list(
        await asyncio.gather(
            *(fetch_portal_configuration(client, config_id) for config_id in configuration_ids)
        )
    )
