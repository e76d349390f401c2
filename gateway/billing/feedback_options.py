"""Custom cancellation reasons (`billing.feedback_option`) the portal configurations name,
read by id when the configurations load: for their text (a customer chooses by label) and
status, and so that an id Stripe does not know is refused at load, not at cancel time."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from .client import as_json
from .errors import NotFound, stripe_errors

if TYPE_CHECKING:
    from collections.abc import Iterable

    import stripe


async def _fetch(client: stripe.StripeClient, option_id: str) -> dict[str, Any] | None:
    try:
        with stripe_errors(noun="Feedback option"):
            option = await client.v1.billing.feedback_options.retrieve_async(option_id)
    except NotFound:
        return None
    return as_json(option)


async def fetch_feedback_options(
    client: stripe.StripeClient, option_ids: Iterable[str]
) -> dict[str, dict[str, Any] | None]:
    """Each id's `billing.feedback_option` as JSON, or None when Stripe has no such option."""
    ids = sorted(set(option_ids))
    found = await asyncio.gather(*(_fetch(client, option_id) for option_id in ids))
    return dict(zip(ids, found, strict=True))
