"""Cancel a subscription the way the configuration says: at period end or now, with a reason.

The hosted portal asks for the reason after the customer confirms, and the customer may
skip it, so a reason is never required; when given it must be one the configuration
offers. A free-text comment goes with any reason or none, as Stripe's
`cancellation_details.comment` does, up to Stripe's length limit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import ErrorCode
from ..actions import SubscriptionAction
from ..configuration import CANCELLATION_REASON_OPTIONS, CancellationReason
from ..decisions import CancelDecision, StripeParams
from ..refusals import Refusal
from .gates import gate, not_eligible
from .queued_change import foreign_schedule_refusal

if TYPE_CHECKING:
    from gateway.models import Subscription, SubscriptionStatus

    from ..context import PolicyContext

# Statuses a customer can cancel from; canceled and incomplete ones have nothing to cancel.
CANCELABLE_STATUSES: frozenset[SubscriptionStatus] = frozenset(
    {"active", "trialing", "past_due", "unpaid", "paused"}
)
# Stripe's limit for `cancellation_details[comment]`.
MAX_COMMENT = 5000


def cancel_refusal(ctx: PolicyContext, subscription: Subscription) -> Refusal | None:
    """Why this subscription cannot be canceled now (reason aside), or None."""
    refusal = gate(
        ctx,
        SubscriptionAction.CANCEL,
        enabled=ctx.configuration.features.subscription_cancel.enabled,
        feature="Canceling subscriptions",
        subscription_id=subscription.id,
    )
    if refusal is not None:
        return refusal
    if subscription.status not in CANCELABLE_STATUSES:
        return not_eligible(f"A subscription that is {subscription.status} cannot be canceled.")
    foreign = foreign_schedule_refusal(subscription, "canceled")
    if foreign is not None:
        return foreign
    if subscription.is_canceling:
        return Refusal(
            ErrorCode.ALREADY_CANCELING,
            "This subscription is already scheduled to cancel.",
            "subscriptionId",
        )
    return None


def _details(
    config: CancellationReason,
    reason: str | None,
    comment: str | None,
    feedback_option: str | None = None,
) -> StripeParams | Refusal:
    """`cancellation_details` for the reason (a built-in one, or a custom feedback option by
    id, as Stripe records them) and comment, or why they are refused."""
    reason = reason or None
    feedback_option = feedback_option or None
    comment = (comment or "").strip() or None
    if reason is None and comment is None and feedback_option is None:
        return {}
    if not config.enabled:
        field = "reason" if reason else "feedbackOption" if feedback_option else "comment"
        return Refusal(
            ErrorCode.REASON_NOT_ALLOWED,
            "This portal does not collect cancellation reasons.",
            field,
        )
    if reason is not None and feedback_option is not None:
        return Refusal(
            ErrorCode.INVALID_INPUT,
            "Give one reason: a built-in reason or a feedback option, not both.",
            "feedbackOption",
        )
    if comment is not None and len(comment) > MAX_COMMENT:
        return Refusal(
            ErrorCode.INVALID_INPUT,
            f"The comment is longer than {MAX_COMMENT} characters.",
            "comment",
        )
    details: StripeParams = {}
    if reason is not None:
        if reason not in config.options:
            known = "is not offered" if reason in CANCELLATION_REASON_OPTIONS else "is not a reason"
            return Refusal(
                ErrorCode.REASON_NOT_ALLOWED,
                f"{reason!r} {known}; choose one of: {', '.join(config.options) or 'none'}.",
                "reason",
            )
        details = {"feedback": reason}
    if feedback_option is not None:
        if config.offered_feedback_option(feedback_option) is None:
            return Refusal(
                ErrorCode.REASON_NOT_ALLOWED,
                f"{feedback_option!r} is not one of this portal's feedback options.",
                "feedbackOption",
            )
        details = {"feedback_option": feedback_option}
    if comment is not None:
        details["comment"] = comment
    return details


def decide_cancel(
    ctx: PolicyContext,
    subscription: Subscription,
    *,
    reason: str | None = None,
    comment: str | None = None,
    feedback_option: str | None = None,
) -> CancelDecision | Refusal:
    """Cancel at period end (an update) or immediately (a delete), per the configuration."""
    refusal = cancel_refusal(ctx, subscription)
    if refusal is not None:
        return refusal
    feature = ctx.configuration.features.subscription_cancel
    details = _details(feature.cancellation_reason, reason, comment, feedback_option)
    if isinstance(details, Refusal):
        return details
    params: StripeParams
    if feature.mode == "at_period_end":
        params = {"cancel_at_period_end": True}
        if details:
            params["cancellation_details"] = details
        return CancelDecision(
            subscription_id=subscription.id,
            mode="at_period_end",
            call="update",
            params=params,
            ends_at=subscription.current_period_end,
            release_schedule_id=subscription.gateway_schedule_id,
        )
    params = {"prorate": feature.proration_behavior == "create_prorations"}
    if details:
        params["cancellation_details"] = details
    return CancelDecision(
        subscription_id=subscription.id,
        mode="immediately",
        call="cancel",
        params=params,
        ends_at=ctx.now,
    )
