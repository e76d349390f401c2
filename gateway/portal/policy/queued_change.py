"""A change the gateway queued for the end of the period (a subscription schedule it made).

Such a change never traps a subscription: until it starts the customer may undo it, replace
it with another change, or cancel (which drops it, as Stripe's portal does); once it has
started the schedule is spent and the subscription is treated as an ordinary one (the next
write releases the schedule first). A schedule the business attached itself is left alone:
those subscriptions are not changed here, and the reason says so.

Why the spent schedule is released by the next write, not by a read or a webhook: this
decision needs no I/O (a schedule whose last phase has begun shows no later phase), so the
customer is free the moment the change starts, webhooks or not; reads stay free of writes
and within their Stripe budget; and the only thing a lingering schedule blocks is a write,
which releases it first (its key is tied to the schedule, so concurrent writers converge).
Left alone, Stripe itself releases it when its last phase ends (`end_behavior=release`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ...errors import ErrorCode
from ..actions import SubscriptionAction
from ..decisions import UndoScheduledChangeDecision
from ..refusals import Refusal
from .gates import gate, not_eligible

if TYPE_CHECKING:
    from gateway.models import Subscription

    from ..context import PolicyContext

ENDED = frozenset({"canceled", "incomplete_expired"})


def foreign_schedule_refusal(subscription: Subscription, done: str) -> Refusal | None:
    """Refused when the business attached a schedule of its own; `done` is e.g. "canceled"."""
    if subscription.foreign_schedule_id is None:
        return None
    return not_eligible(
        "This subscription follows a subscription schedule set up by the business and "
        f"cannot be {done} here."
    )


def queued_change_date(subscription: Subscription) -> str:
    change = subscription.queued_change
    if change is None:
        return "the end of the period"
    return datetime.fromtimestamp(change.effective_at, UTC).date().isoformat()


def queued_change_refusal(subscription: Subscription, done: str) -> Refusal | None:
    """Refused while a queued change waits, for actions that would silently drop it."""
    if subscription.queued_change is None:
        return None
    return not_eligible(
        f"A plan change is queued for {queued_change_date(subscription)}; undo it before "
        f"this subscription can be {done}."
    )


def undo_refusal(ctx: PolicyContext, subscription: Subscription) -> Refusal | None:
    refusal = gate(
        ctx,
        SubscriptionAction.UNDO_SCHEDULED_CHANGE,
        enabled=True,  # undoing what the portal queued is never switched off
        feature="Undoing a queued change",
        subscription_id=subscription.id,
    )
    if refusal is not None:
        return refusal
    if subscription.status in ENDED:
        return not_eligible(f"A subscription that is {subscription.status} cannot be changed.")
    if subscription.queued_change is None:
        return Refusal(
            ErrorCode.NO_SCHEDULED_CHANGE,
            "No plan change is queued for this subscription.",
            "subscriptionId",
        )
    return None


def decide_undo(
    ctx: PolicyContext, subscription: Subscription
) -> UndoScheduledChangeDecision | Refusal:
    """Release the gateway's schedule: the subscription stays as it is now, nothing queued."""
    refusal = undo_refusal(ctx, subscription)
    if refusal is not None:
        return refusal
    assert subscription.schedule_id is not None
    return UndoScheduledChangeDecision(
        subscription_id=subscription.id, schedule_id=subscription.schedule_id
    )
