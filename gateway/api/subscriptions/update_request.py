"""An `UpdateSubscriptionInput` decided by the policy, for both the update and its preview.

The input names a price by id and a promotion code as the customer types it. The price is
loaded (catalog first) for the policy's currency, product and recurrence rules; a code is
looked up only once the policy allows the rest, and the change is decided again with the
code's `promo_...` id, so the decision holds exactly the parameters Stripe receives.
"""

from dataclasses import replace

from ...billing import models
from ...billing.errors import BillingError
from ...billing.promotion_codes import find_promotion_code
from ...portal.context import PolicyContext
from ...portal.decisions import ScheduledUpdateDecision, UpdateDecision
from ...portal.policy.update import UpdateRequest, decide_update
from ...portal.refusals import Refusal
from ..common.times import unix_seconds
from ..context import Context
from ..errors import ErrorCode, UserError, from_billing, user_error
from .inputs import UpdateSubscriptionInput

UNKNOWN_CODE = "This promotion code is not valid."

UpdateOutcome = UpdateDecision | ScheduledUpdateDecision | Refusal | UserError


async def decide_subscription_update(
    context: Context,
    policy: PolicyContext,
    subscription: models.Subscription,
    data: UpdateSubscriptionInput,
    *,
    proration_date: int | None = None,
) -> UpdateOutcome:
    """The policy's decision on `data`; `proration_date` applies when the input has none."""
    price_id = str(data.price_id) if data.price_id is not None else None
    if price_id is not None and not price_id.strip():
        return user_error(ErrorCode.INVALID_INPUT, "Give the price's id.", "priceId")
    try:
        target = await context.loaders.price(price_id) if price_id else None
    except BillingError as exc:
        return from_billing(exc)
    given_date = unix_seconds(data.proration_date) if data.proration_date else None
    request = UpdateRequest(
        price_id=price_id,
        quantity=data.quantity,
        promotion_code=data.promotion_code,
        proration_date=given_date if given_date is not None else proration_date,
    )
    decision = decide_update(policy, subscription, request, target)
    if isinstance(decision, Refusal) or data.promotion_code is None:
        return decision
    try:
        match = await find_promotion_code(
            context.billing, subscription.customer_id, data.promotion_code.strip()
        )
    except BillingError as exc:
        return from_billing(exc, field="promotionCode")
    if match is None:
        return user_error(ErrorCode.INVALID_INPUT, UNKNOWN_CODE, "promotionCode")
    found = replace(request, promotion_code=match.id, promotion_code_coupon=match.coupon_id)
    return decide_update(policy, subscription, found, target)
