"""An `UpdateSubscriptionInput` decided by the policy, for both the update and its preview.

The input names a price by id and a promotion code as the customer types it. The price is
loaded (catalog first) for the policy's currency, product and recurrence rules; a code is
looked up only once the policy allows the rest, and the change is decided again with the
code's `promo_...` id, so the decision holds exactly the parameters Stripe receives.

The proration moment is never the client's: a preview's quote carries it (checked against
the decision, so a quote only holds while the subscription and the rules are as previewed),
a new preview takes "now", and an update without a quote leaves it to Stripe (the moment
it makes the change).
"""

from dataclasses import replace

from ... import models
from ...billing import BillingError, find_promotion_code
from ...portal import (
    PolicyContext,
    Quote,
    Refusal,
    ScheduledUpdateDecision,
    UpdateDecision,
    UpdateRequest,
    basis_refusal,
    decide_update,
)
from ..context import Context
from ..errors import ErrorCode, UserError, from_billing, from_refusal, user_error
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
    quote: Quote | None = None,
) -> UpdateOutcome:
    """The policy's decision on `data`, prorated as of the `quote`'s moment when there is
    one (and refused when the quote no longer matches), else as of `proration_date`."""
    price_id = str(data.price_id) if data.price_id is not None else None
    if price_id is not None and not price_id.strip():
        return user_error(ErrorCode.INVALID_INPUT, "Give the price's id.", "priceId")
    try:
        target = await context.loaders.price(price_id) if price_id else None
    except BillingError as exc:
        return from_billing(exc)
    request = UpdateRequest(
        price_id=price_id,
        quantity=data.quantity,
        promotion_code=data.promotion_code,
        proration_date=quote.proration_date if quote is not None else proration_date,
    )
    decision = decide_update(policy, subscription, request, target)
    if isinstance(decision, Refusal) or data.promotion_code is None:
        return _held(decision, subscription, quote)
    try:
        match = await find_promotion_code(
            context.billing, subscription.customer_id, data.promotion_code.strip()
        )
    except BillingError as exc:
        return from_billing(exc, field="promotionCode")
    if match is None:
        return user_error(ErrorCode.INVALID_INPUT, UNKNOWN_CODE, "promotionCode")
    found = replace(request, promotion_code=match.id, promotion_code_coupon=match.coupon_id)
    decision = decide_update(policy, subscription, found, target)
    return _held(decision, subscription, quote)


def _held(
    decision: UpdateDecision | ScheduledUpdateDecision | Refusal,
    subscription: models.Subscription,
    quote: Quote | None,
) -> UpdateOutcome:
    """The decision, unless the quote was computed from another state of things."""
    if quote is None or isinstance(decision, Refusal):
        return decision
    refusal = basis_refusal(quote, subscription, decision)
    return from_refusal(refusal) if refusal is not None else decision
