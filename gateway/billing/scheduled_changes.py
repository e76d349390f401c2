"""A subscription change that waits for the end of the period, as a subscription schedule.

Stripe's public way to queue a change: create a schedule from the subscription (its one
phase mirrors the subscription), then give it two phases, the current items until the
period ends and the new item after, and release the subscription once the last phase
starts. Two writes, so when the second fails the first is undone (the schedule released,
which leaves the subscription exactly as it was); only if that fails too does the error
say the subscription was left on a schedule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .client import Billing, as_json
from .errors import BillingError
from .models import Subscription
from .writes import forget_customer, stripe_write, with_key

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from .idempotency import IdempotencyKeys

LEFT_ON_SCHEDULE = (
    " The subscription was left attached to a subscription schedule that changes nothing; "
    "it renews as before."
)


async def schedule_change(
    billing: Billing,
    customer_id: str,
    subscription_id: str,
    *,
    current_items: Sequence[Mapping[str, Any]],
    effective_at: int,
    next_phase: Mapping[str, Any],
    keys: IdempotencyKeys,
    current_discounts: Sequence[Mapping[str, Any]] = (),
) -> Subscription:
    """Queue `next_phase` (items, proration behaviour) to start at `effective_at`; the
    current phase keeps `current_discounts` (a phase without them ends them).

    Returns the subscription with its schedule expanded, so the queued change shows.
    """
    schedules = billing.stripe.v1.subscription_schedules
    try:
        with stripe_write(noun="Subscription"):
            schedule = await schedules.create_async(
                {"from_subscription": subscription_id}, with_key(keys.key("schedule"))
            )
        current: dict[str, Any] = {
            "items": [dict(item) for item in current_items],
            "start_date": schedule.phases[0].start_date,
            "end_date": effective_at,
        }
        if current_discounts:
            current["discounts"] = [dict(d) for d in current_discounts]
        phases: Any = [current, dict(next_phase)]
        try:
            with stripe_write(noun="Subscription"):
                updated = await schedules.update_async(
                    schedule.id,
                    {
                        "end_behavior": "release",
                        "phases": phases,
                        "expand": ["subscription.schedule"],
                    },
                    with_key(keys.key("phases")),
                )
        except BillingError as exc:
            await _undo(billing, schedule.id, keys, exc)
            raise
    finally:
        await forget_customer(billing, customer_id)
    return Subscription.from_stripe(as_json(updated)["subscription"])


async def _undo(
    billing: Billing, schedule_id: str, keys: IdempotencyKeys, cause: BillingError
) -> None:
    """Release the half-made schedule; if even that fails, say what was left behind."""
    try:
        with stripe_write(noun="Subscription"):
            await billing.stripe.v1.subscription_schedules.release_async(
                schedule_id, {"preserve_cancel_date": True}, with_key(keys.key("undo"))
            )
    except BillingError:
        cause.message += LEFT_ON_SCHEDULE
        cause.args = (cause.message,)
