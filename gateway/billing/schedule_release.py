"""Releasing a schedule the gateway made: the subscription keeps what it has now, and any
change still queued is dropped. Used to undo a queued change, and before a write the
schedule would stand in the way of (a cancel at period end, a change made now, a pause).

Released, completed or canceled already, or released although the answer was lost: all
mean the subscription is free of it, which a re-read confirms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ErrorCode
from .errors import BillingError
from .subscription_truth import subscription_if
from .writes import resolve_lost_answer, stripe_write, with_key

if TYPE_CHECKING:
    from ..models import Subscription
    from .client import Billing

DROPPED_MESSAGE = "The plan change that was queued for the end of the period was undone. "


async def release_schedule(
    billing: Billing, subscription_id: str, schedule_id: str, idempotency_key: str
) -> None:
    """`POST /v1/subscription_schedules/{id}/release`, keeping any cancel date."""

    def freed(subscription: Subscription) -> bool:
        return subscription.schedule_id != schedule_id

    try:
        with stripe_write(noun="Subscription"):
            await billing.stripe.v1.subscription_schedules.release_async(
                schedule_id, {"preserve_cancel_date": True}, with_key(idempotency_key)
            )
    except BillingError as exc:
        if exc.ambiguous:
            await resolve_lost_answer(exc, lambda: subscription_if(billing, subscription_id, freed))
            return
        if exc.code is not ErrorCode.INVALID_INPUT:
            raise
        # Not releasable any more: fine when it no longer holds the subscription.
        if await subscription_if(billing, subscription_id, freed) is None:
            raise


def release_key(idempotency_key: str, schedule_id: str) -> str:
    """The release's own key within a call (tied to the schedule it releases)."""
    return f"{idempotency_key}-release-{schedule_id}"
