"""A subscription change that waits for the end of the period, as a subscription schedule.

Stripe's public way to queue a change: create a schedule from the subscription (its one
phase mirrors the subscription; the gateway marks it as its own in the metadata), then give
it two phases, the current items until the period ends and the new item after. When the
subscription already has the gateway's schedule, its phases are rewritten instead (one
write), which replaces the change queued before.

Lost answers are resolved, not guessed. A phase write without an answer is checked by
reading the subscription: the change in place is a success; otherwise a schedule made by
this call is released (confirmed to change nothing) and the error says nothing changed.
Keys are tied to the schedule they act on, so a retried call never takes a replay of an
earlier attempt's schedule (released since) for a schedule that holds the change: a
replayed create that answers with a schedule no longer attached makes a new one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import ErrorCode
from ..models import QUEUED_CHANGE_METADATA, Subscription
from .client import Billing, as_json
from .errors import GENERIC_MESSAGE, BillingError
from .schedule_release import DROPPED_MESSAGE, release_key, release_schedule
from .subscription_truth import read_subscription, read_subscription_json, subscription_if
from .writes import (
    answered,
    forget_customer,
    resolve_lost_answer,
    stripe_write,
    versions_before,
    with_key,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from stripe import SubscriptionSchedule

    from .idempotency import IdempotencyKeys

LEFT_ON_SCHEDULE = (
    " The subscription was left attached to a subscription schedule that changes nothing; "
    "it renews as before, and the queued change can be undone."
)
# A replayed create can answer with an earlier attempt's schedule, released since: then
# another is made under a key derived from it. Bounded, since each step needs a release.
MAX_CREATES = 4
LIVE = ("active", "not_started")


async def schedule_change(
    billing: Billing,
    customer_id: str,
    subscription_id: str,
    *,
    current_items: Sequence[Mapping[str, Any]],
    effective_at: int,
    next_phase: Mapping[str, Any],
    keys: IdempotencyKeys,
    holds: Callable[[Subscription], bool],
    schedule_id: str | None = None,
    phase_start: int | None = None,
    current_discounts: Sequence[Mapping[str, Any]] = (),
) -> Subscription:
    """Queue `next_phase` (items, proration behaviour) to start at `effective_at`; the
    current phase keeps `current_discounts` (a phase without them ends them).

    Returns the subscription with its schedule expanded, so the queued change shows; that
    answer is what the customer's cache takes in (failures empty it).
    """
    created = False
    versions = await versions_before(billing, subscription_id, key=keys.key("schedule"))
    written: dict[str, Any] | None = None
    try:
        if schedule_id is None or phase_start is None:
            schedule = await _create(billing, subscription_id, keys)
            schedule_id, phase_start, created = schedule.id, schedule.phases[0].start_date, True
        phases = queued_phases(
            current_items, phase_start, effective_at, next_phase, current_discounts
        )
        try:
            with stripe_write(noun="Subscription"):
                updated = await billing.stripe.v1.subscription_schedules.update_async(
                    schedule_id,
                    {
                        "end_behavior": "release",
                        "phases": phases,
                        "expand": ["subscription.schedule"],
                    },
                    with_key(keys.key(f"phases-{schedule_id}")),
                )
        except BillingError as exc:
            failure = exc
            if exc.ambiguous:
                try:
                    return await resolve_lost_answer(
                        exc, lambda: subscription_if(billing, subscription_id, holds)
                    )
                except BillingError as unresolved:
                    failure = unresolved
            if created and failure.code is not ErrorCode.OUTCOME_UNKNOWN:
                await _undo(billing, subscription_id, schedule_id, keys, failure)
            raise failure from None
        answer = as_json(updated)["subscription"]
        result = Subscription.from_stripe(answer)
        if not holds(result):
            # An answer replayed from an earlier attempt: say what Stripe holds now.
            return await read_subscription(billing, subscription_id)
        written = answer if isinstance(answer, dict) else None
        return result
    finally:
        await forget_customer(
            billing, customer_id, answered(versions, written, key=keys.key("schedule"))
        )


def queued_phases(
    current_items: Sequence[Mapping[str, Any]],
    phase_start: int,
    effective_at: int,
    next_phase: Mapping[str, Any],
    current_discounts: Sequence[Mapping[str, Any]] = (),
) -> Any:
    """The schedule's phases for a queued change: the current items until `effective_at`
    (from the current phase's start), then `next_phase`. The current phase keeps
    `current_discounts` (a phase without them ends them)."""
    current: dict[str, Any] = {
        "items": [dict(item) for item in current_items],
        "start_date": phase_start,
        "end_date": effective_at,
    }
    if current_discounts:
        current["discounts"] = [dict(d) for d in current_discounts]
    return [current, dict(next_phase)]


async def _create(
    billing: Billing, subscription_id: str, keys: IdempotencyKeys
) -> SubscriptionSchedule:
    """A schedule from the subscription, attached to it now (not a stale replay)."""
    step = "schedule"
    for _ in range(MAX_CREATES):
        with stripe_write(noun="Subscription"):
            schedule = await billing.stripe.v1.subscription_schedules.create_async(
                {"from_subscription": subscription_id, "metadata": dict(QUEUED_CHANGE_METADATA)},
                with_key(keys.key(step)),
            )
            if _replayed(schedule):
                # An earlier attempt's answer: what matters is the schedule as it is now.
                schedule = await billing.stripe.v1.subscription_schedules.retrieve_async(
                    schedule.id
                )
        if schedule.status in LIVE and schedule.subscription == subscription_id:
            return schedule
        step = f"schedule-after-{schedule.id}"
    raise BillingError(ErrorCode.STRIPE_ERROR, GENERIC_MESSAGE)


def _replayed(obj: SubscriptionSchedule) -> bool:
    response = obj.last_response
    return response is not None and response.headers.get("Idempotent-Replayed") == "true"


async def _undo(
    billing: Billing,
    subscription_id: str,
    schedule_id: str,
    keys: IdempotencyKeys,
    cause: BillingError,
) -> None:
    """Release the half-made schedule; if even that fails, say what was left behind."""
    try:
        await release_schedule(
            billing, subscription_id, schedule_id, keys.key(f"undo-{schedule_id}")
        )
    except BillingError:
        cause.say(cause.message + LEFT_ON_SCHEDULE)


async def undo_queued_change(
    billing: Billing,
    customer_id: str,
    subscription_id: str,
    schedule_id: str,
    idempotency_key: str,
) -> Subscription:
    """Release the gateway's schedule (the queued change is dropped) and read the result,
    which the customer's cache takes in (the cache is emptied when either fails)."""
    versions = await versions_before(billing, subscription_id, key=idempotency_key)
    written: dict[str, Any] | None = None
    try:
        await release_schedule(
            billing, subscription_id, schedule_id, release_key(idempotency_key, schedule_id)
        )
        try:
            written = await read_subscription_json(billing, subscription_id)
        except BillingError as exc:
            exc.say(DROPPED_MESSAGE + "Reload to see the subscription.")
            raise
    finally:
        await forget_customer(
            billing, customer_id, answered(versions, written, key=idempotency_key)
        )
    return Subscription.from_stripe(written)


__all__ = ["queued_phases", "schedule_change", "undo_queued_change"]
