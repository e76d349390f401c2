"""The payment method configurations (`pmc_...`) portal configurations name, read by id when
they load: an id Stripe does not know, or an inactive one, would fail every setup intent the
portal creates, so it is refused at load instead."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from .errors import NotFound, stripe_errors

if TYPE_CHECKING:
    from collections.abc import Iterable

    import stripe


async def _active(client: stripe.StripeClient, config_id: str) -> bool | None:
    try:
        with stripe_errors(noun="Payment method configuration"):
            config = await client.v1.payment_method_configurations.retrieve_async(config_id)
    except NotFound:
        return None
    return bool(config.active)


async def payment_method_configurations_state(
    client: stripe.StripeClient, config_ids: Iterable[str]
) -> dict[str, bool | None]:
    """Each id: True (active), False (inactive) or None (Stripe has no such configuration)."""
    ids = sorted(set(config_ids))
    found = await asyncio.gather(*(_active(client, config_id) for config_id in ids))
    return dict(zip(ids, found, strict=True))
