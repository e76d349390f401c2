"""A subscription change that waits for the end of the period, as a subscription schedule.

Stripe's public way to queue a change: create a schedule from the subscription (its one
phase mirrors the subscription), then give it two phases, the current items until the
period ends and the new item after, and release the subscription once the last phase
starts. Two writes, so when the second fails the first is undone (the schedule released,
which leaves the subscription exactly as it was); only if that fails too does the error
say the subscription was left on a schedule.

A client retries a failed call with the same keys, so Stripe replays the first attempt's
answers. When that attempt was undone, its replayed schedule is already released: the
retry then makes the change under fresh keys instead of answering with spent replies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .client import Billing, as_json
from .errors import BillingError, BillingErrorCode, stripe_errors
from .models import Subscription
from .writes import forget_customer, stripe_write, with_key

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from .idempotency import IdempotencyKeys

# A schedule that still governs its subscription.
LIVE_STATUSES = frozenset({"not_started", "active"})
# Undone attempts one call may run into before giving up (each needs a client retry).
MAX_ATTEMPTS = 10
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
) -> Subscription:
    """Queue `next_phase` (items, proration behaviour) to start at `effective_at`.

    Returns the subscription with its schedule expanded, so the queued change shows.
    """
    schedules = billing.stripe.v1.subscription_schedules
    try:
        schedule, attempt = await _live_schedule(billing, subscription_id, keys)
        phases: Any = [
            {
                "items": [dict(item) for item in current_items],
                "start_date": schedule.phases[0].start_date,
                "end_date": effective_at,
            },
            dict(next_phase),
        ]
        try:
            with stripe_write(noun="Subscription"):
                updated = await schedules.update_async(
                    schedule.id,
                    {
                        "end_behavior": "release",
                        "phases": phases,
                        "expand": ["subscription.schedule"],
                    },
                    with_key(keys.key(_step("phases", attempt))),
                )
        except BillingError as exc:
            await _undo(billing, schedule.id, keys.key(_step("undo", attempt)), exc)
            raise
    finally:
        await forget_customer(billing, customer_id)
    return Subscription.from_stripe(as_json(updated)["subscription"])


def _step(name: str, attempt: int) -> str:
    return name if attempt == 0 else f"{name}{attempt + 1}"


def _replayed(answer: Any) -> bool:
    """Whether Stripe answered with a saved reply to an earlier request with this key."""
    response = getattr(answer, "last_response", None)
    headers = response.headers if response is not None else {}
    return str(headers.get("Idempotent-Replayed", "")).lower() == "true"


async def _live_schedule(
    billing: Billing, subscription_id: str, keys: IdempotencyKeys
) -> tuple[Any, int]:
    """A schedule made from the subscription, and the attempt whose keys made it.

    A fresh creation is live. A replayed one is this call's earlier attempt: live when that
    attempt's answer was only lost, released when it was undone; then the next attempt's
    keys make a new one.
    """
    schedules = billing.stripe.v1.subscription_schedules
    for attempt in range(MAX_ATTEMPTS):
        with stripe_write(noun="Subscription"):
            schedule = await schedules.create_async(
                {"from_subscription": subscription_id},
                with_key(keys.key(_step("schedule", attempt))),
            )
        if not _replayed(schedule):
            return schedule, attempt
        with stripe_errors(noun="Subscription"):
            current = await schedules.retrieve_async(schedule.id)
        if current.status in LIVE_STATUSES:
            return schedule, attempt
    raise BillingError(
        BillingErrorCode.INVALID_INPUT,
        "This change was tried too many times with the same clientMutationId; use a new one.",
    )


async def _undo(billing: Billing, schedule_id: str, key: str, cause: BillingError) -> None:
    """Release the half-made schedule; if even that fails, say what was left behind."""
    try:
        with stripe_write(noun="Subscription"):
            await billing.stripe.v1.subscription_schedules.release_async(
                schedule_id, {"preserve_cancel_date": True}, with_key(key)
            )
    except BillingError:
        cause.message += LEFT_ON_SCHEDULE
        cause.args = (cause.message,)
