"""The subscription a mutation acts on: the customer's own (anyone else's is NOT_FOUND, worded
exactly like a missing one), and the subscription a write returned, rendered."""

from typing import Any

from ... import models
from ...billing import BillingError, NotFound, read_subscription
from ..context import Context
from ..errors import ErrorCode, UserError, user_error
from ..mutation_kit.calls import required_id, stripe_failure
from .types import Subscription

FIELD = "subscriptionId"
NOT_FOUND_MESSAGE = "Subscription not found."


async def load_subscription(
    context: Context, subscription_id: str
) -> models.Subscription | UserError:
    missing = required_id(subscription_id, FIELD, "subscription")
    if missing is not None:
        return missing
    try:
        return await context.loaders.subscription(subscription_id)
    except NotFound:
        return user_error(ErrorCode.NOT_FOUND, NOT_FOUND_MESSAGE, FIELD)
    except BillingError as exc:
        return stripe_failure(exc)


async def rendered(context: Context, subscription: models.Subscription) -> Subscription:
    """A subscription a write returned (its products filled in, later fields reuse it)."""
    return Subscription.from_model(await context.loaders.adopt_subscription(subscription))


async def replayed(context: Context, outcome: dict[str, Any]) -> Subscription | UserError:
    """A retried call's subscription as Stripe holds it now (read past the cache, so the
    retry answers with the truth, not with what the first call once saw)."""
    found = await load_subscription(context, str(outcome.get("subscription", "")))
    if isinstance(found, UserError):
        return found
    try:
        fresh = await read_subscription(context.billing, found.id)
    except BillingError as exc:
        return stripe_failure(exc)
    if fresh.customer_id != found.customer_id:
        return user_error(ErrorCode.NOT_FOUND, NOT_FOUND_MESSAGE, FIELD)
    return await rendered(context, fresh)
