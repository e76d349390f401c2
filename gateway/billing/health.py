"""Does Stripe answer? (readiness)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import BillingError, stripe_errors

if TYPE_CHECKING:
    from .client import Billing


async def stripe_answers(billing: Billing) -> bool:
    """One cheap authenticated request; False when Stripe fails or refuses the key."""
    try:
        with stripe_errors():
            await billing.stripe.v1.customers.list_async({"limit": 1})
    except BillingError:
        return False
    return True
