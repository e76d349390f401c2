"""A pause that ends by itself: a subscription schedule made from the subscription with a
pause schedule in the same request (Stripe's way to pause now and resume at a date).

The decision holds the whole request (`from_subscription`, the gateway's metadata, the
pause schedule). A create without an answer is checked by reading the subscription: paused
with a resume date means it was made. The answer carries the subscription, expanded as a
read expands it (its schedule too, so the resume date shows): one Stripe call in all. An
answer replayed from an earlier attempt that no longer holds is replaced by a fresh read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from ..errors import ErrorCode
from ..models import Subscription
from .client import as_json
from .errors import BillingError
from .schedule_release import DROPPED_MESSAGE, release_key, release_schedule
from .subscription_truth import EXPAND, read_subscription, subscription_if
from .writes import forget_customer, resolve_lost_answer, stripe_write, with_key

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from stripe.params import SubscriptionScheduleCreateParams

    from .client import Billing

READ_BACK_FAILED = "The subscription was paused. Reload to see it."
# The schedule's subscription, as a read expands it.
SUBSCRIPTION_EXPAND = ["subscription", *(f"subscription.{path}" for path in EXPAND)]


async def schedule_pause(
    billing: Billing,
    customer_id: str,
    subscription_id: str,
    params: Mapping[str, Any],
    idempotency_key: str,
    *,
    holds: Callable[[Subscription], bool],
    release_schedule_id: str | None = None,
) -> Subscription:
    """`POST /v1/subscription_schedules` with `params`, after releasing the gateway's spent
    schedule (`release_schedule_id`), which would stand in the way of a new one."""
    released = False
    try:
        if release_schedule_id is not None:
            await release_schedule(
                billing,
                subscription_id,
                release_schedule_id,
                release_key(idempotency_key, release_schedule_id),
            )
            released = True
        try:
            with stripe_write(noun="Subscription"):
                schedule = await billing.stripe.v1.subscription_schedules.create_async(
                    cast(
                        "SubscriptionScheduleCreateParams",
                        {**params, "expand": SUBSCRIPTION_EXPAND},
                    ),
                    with_key(idempotency_key),
                )
        except BillingError as exc:
            failure = exc
            if exc.code is ErrorCode.INVALID_INPUT:
                # A concurrent pause may have got there first: then this one holds too.
                settled = await subscription_if(billing, subscription_id, holds)
                if settled is not None:
                    return settled
            if exc.ambiguous:
                try:
                    return await resolve_lost_answer(
                        exc, lambda: subscription_if(billing, subscription_id, holds)
                    )
                except BillingError as unresolved:
                    failure = unresolved
            if released:
                failure.say(DROPPED_MESSAGE + failure.message)
            raise failure from None
    finally:
        await forget_customer(billing, customer_id)
    answer = Subscription.from_stripe(as_json(schedule)["subscription"])
    if holds(answer):
        return answer
    try:
        return await read_subscription(billing, subscription_id)
    except BillingError as exc:
        exc.say(READ_BACK_FAILED)
        raise


__all__ = ["schedule_pause"]
