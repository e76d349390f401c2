"""Undo a scheduled cancel ("Renew"), before the subscription has ended.

Stripe's portal may schedule a cancel with either `cancel_at_period_end` or `cancel_at`
(flexible billing mode uses the latter), so renewing clears both. Renewing needs no feature:
a portal whose cancel feature is off (or was turned off after the customer canceled) must
not leave a customer unable to keep the subscription they are about to lose.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import ErrorCode
from ..actions import SubscriptionAction
from ..decisions import RenewDecision
from ..flows import flow_refusal
from ..refusals import Refusal
from .cancel import CANCELABLE_STATUSES
from .gates import not_eligible
from .queued_change import foreign_schedule_refusal

if TYPE_CHECKING:
    from gateway.models import Subscription

    from ..context import PolicyContext


def renew_refusal(ctx: PolicyContext, subscription: Subscription) -> Refusal | None:
    refusal = flow_refusal(ctx.flow, SubscriptionAction.RENEW, subscription.id)
    if refusal is not None:
        return refusal
    if subscription.status not in CANCELABLE_STATUSES:
        return not_eligible(f"A subscription that is {subscription.status} cannot be renewed.")
    foreign = foreign_schedule_refusal(subscription, "changed")
    if foreign is not None:
        return foreign
    if not subscription.is_canceling:
        return Refusal(
            ErrorCode.NOT_CANCELING,
            "This subscription is not scheduled to cancel.",
            "subscriptionId",
        )
    return None


def decide_renew(ctx: PolicyContext, subscription: Subscription) -> RenewDecision | Refusal:
    refusal = renew_refusal(ctx, subscription)
    if refusal is not None:
        return refusal
    return RenewDecision(
        subscription_id=subscription.id,
        params={"cancel_at_period_end": False, "cancel_at": ""},
        release_schedule_id=subscription.gateway_schedule_id,
    )
