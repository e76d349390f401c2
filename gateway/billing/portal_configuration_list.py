"""Every portal configuration in the Stripe account (when none are named explicitly).

Inactive ones too: a session keeps the configuration it was created under, as on Stripe,
so deactivating one must not strand its live sessions; the registry refuses new sessions
under it (CONFIGURATION_INACTIVE), exactly as when configurations are named by id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .client import as_json
from .errors import stripe_errors

if TYPE_CHECKING:
    import stripe

EXPAND = ["data.features.subscription_update.products"]


async def list_portal_configurations(client: stripe.StripeClient) -> list[dict[str, Any]]:
    """`billing_portal.Configuration`s as JSON, products included; Stripe's default is the
    one with `is_default`."""
    with stripe_errors(noun="Portal configuration"):
        page = await client.v1.billing_portal.configurations.list_async(
            {"limit": 100, "expand": EXPAND}
        )
        return [as_json(config) async for config in page.auto_paging_iter()]
