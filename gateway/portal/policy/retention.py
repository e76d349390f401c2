"""A cancel flow's retention offer (`flow_data.subscription_cancel.retention.coupon_offer`).

Stripe's portal shows the coupon before the cancel is confirmed; a customer who accepts it
gets the coupon on the subscription, which then is not canceled. Only the session's own
cancel flow offers it, on its own subscription, once, before any cancel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import ErrorCode
from ..decisions import RetentionOfferDecision, StripeParams
from ..flows import subscription_scope_refusal
from ..refusals import Refusal
from .cancel import CANCELABLE_STATUSES
from .gates import not_eligible
from .queued_change import foreign_schedule_refusal, queued_change_refusal

if TYPE_CHECKING:
    from gateway.models import Subscription

    from ..context import PolicyContext

NO_OFFER = "This session offers no retention coupon."


def retention_offer(ctx: PolicyContext) -> str | None:
    """The coupon the session's cancel flow offers, if any."""
    flow = ctx.flow
    if flow is None or flow.type != "subscription_cancel":
        return None
    return flow.retention_coupon


def decide_accept_retention_offer(
    ctx: PolicyContext, subscription: Subscription
) -> RetentionOfferDecision | Refusal:
    coupon = retention_offer(ctx)
    if coupon is None:
        return Refusal(ErrorCode.FLOW_RESTRICTED, NO_OFFER)
    scope = subscription_scope_refusal(ctx.flow, subscription.id)
    if scope is not None:
        return scope
    if subscription.status not in CANCELABLE_STATUSES:
        return not_eligible(f"A subscription that is {subscription.status} has no offer to take.")
    if subscription.is_canceling:
        return Refusal(
            ErrorCode.ALREADY_CANCELING,
            "This subscription is already scheduled to cancel; the offer was for keeping it.",
            "subscriptionId",
        )
    # A schedule's next phase sets the discounts anew: the offer would end there, early.
    scheduled = foreign_schedule_refusal(
        subscription, "given the offered discount"
    ) or queued_change_refusal(subscription, "given the offered discount")
    if scheduled is not None:
        return scheduled
    in_force = [d for d in subscription.discounts if d.active_at(ctx.now)]
    if any(d.coupon_id == coupon for d in in_force):
        return Refusal(
            ErrorCode.PROMOTION_CODE_ALREADY_APPLIED,
            "The offered coupon is already applied to this subscription.",
            "subscriptionId",
        )
    # `discounts` replaces the list: keep those in force, add the offer.
    params: StripeParams = {
        "discounts": [*({"discount": d.id} for d in in_force), {"coupon": coupon}]
    }
    return RetentionOfferDecision(subscription_id=subscription.id, coupon_id=coupon, params=params)
