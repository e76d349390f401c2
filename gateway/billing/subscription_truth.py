"""A subscription read straight from Stripe, past the cache: what a write is checked against
when its answer was lost, and what a write that answers with nothing to render returns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..models import Subscription
from .errors import stripe_errors
from .stripe_json import get_json, stripe_path
from .subscriptions import RETRIEVE_EXPAND

if TYPE_CHECKING:
    from collections.abc import Callable

    from .client import Billing

# As a read: the schedule shows a queued change, discounts an applied promotion code.
EXPAND = RETRIEVE_EXPAND


async def read_subscription(billing: Billing, subscription_id: str) -> Subscription:
    return Subscription.from_stripe(await read_subscription_json(billing, subscription_id))


async def read_subscription_json(billing: Billing, subscription_id: str) -> dict[str, Any]:
    """Stripe's JSON of the subscription, expanded as a read expands it."""
    with stripe_errors(noun="Subscription"):
        return await get_json(
            billing, stripe_path("/v1/subscriptions/{}", subscription_id), {"expand": EXPAND}
        )


async def subscription_if(
    billing: Billing, subscription_id: str, holds: Callable[[Subscription], bool]
) -> Subscription | None:
    """The subscription as Stripe holds it, when `holds` says a change is in place."""
    found = await read_subscription(billing, subscription_id)
    return found if holds(found) else None
