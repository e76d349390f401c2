"""The next invoice of one of the customer's subscriptions."""

from ... import models
from ...billing import BillingError, NotFound
from ..context import Info
from ..errors import billing_failure
from .types import Invoice

# Subscriptions that will not be invoiced again: no preview to ask Stripe for.
_ENDED = frozenset({"canceled", "incomplete_expired"})


async def load_upcoming_invoice(info: Info, subscription: models.Subscription) -> Invoice | None:
    if subscription.status in _ENDED:
        return None
    try:
        preview = await info.context.loaders.upcoming_invoice(subscription.id)
    except NotFound:
        return None
    except BillingError as exc:
        raise billing_failure(exc) from None
    return Invoice.from_model(preview) if preview is not None else None
