"""Writes to one subscription: update it, cancel it now, resume it.

Each sends the exact parameters a policy decision holds, adding only an idempotency key
and `expand` (so the answer renders like a read, queued change included). Afterwards the
answer is put in the customer's cache (webhooks keeping it) or the cache is emptied, and
always after a failure: a write that timed out may still have been applied, and the next
read must find out from Stripe.

When Stripe's answer is lost (no answer, or a 5xx that may follow an applied change), the
subscription is read again and `holds` (the decision's own test) says whether the change
is in place: then the write succeeded; otherwise the error says nothing changed. When the
decision names the gateway's schedule to release first, that happens before the write, and
an error after it says the queued change was undone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, cast

from ..errors import ErrorCode
from ..models import Subscription
from .client import Billing, as_json
from .errors import BillingError
from .schedule_release import DROPPED_MESSAGE, release_key, release_schedule
from .subscription_truth import subscription_if
from .subscriptions import DISCOUNT_EXPAND
from .writes import (
    answered,
    forget_customer,
    resolve_lost_answer,
    stripe_write,
    versions_before,
    with_key,
)

if TYPE_CHECKING:
    from stripe.params import (
        SubscriptionCancelParams,
        SubscriptionPauseParams,
        SubscriptionResumeParams,
        SubscriptionUpdateParams,
    )

EXPAND = ["schedule", *DISCOUNT_EXPAND]


def _with_expand(params: Mapping[str, Any]) -> dict[str, Any]:
    return {**params, "expand": EXPAND}


Holds = Callable[[Subscription], bool]


async def _write(
    billing: Billing,
    customer_id: str,
    subscription_id: str,
    send: Callable[[], Awaitable[Any]],
    *,
    idempotency_key: str,
    holds: Holds | None,
    release_schedule_id: str | None,
    released_message: str = DROPPED_MESSAGE,
    settled_if_refused: bool = False,
) -> Subscription:
    """Run one subscription write, then forget the customer's cache whatever happened (or,
    with webhooks keeping it, put Stripe's answer in place).

    `settled_if_refused`: a refusal is checked like a lost answer, because Stripe may have
    got there by itself (a scheduled resume racing the customer's): if `holds` says the
    subscription is as wanted, that is the answer.
    """
    released = False
    written: dict[str, Any] | None = None
    versions = await versions_before(billing, subscription_id, key=idempotency_key)
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
                answer = await send()
            written = as_json(answer)
        except BillingError as exc:
            failure = exc
            if holds is not None and settled_if_refused and exc.code is ErrorCode.INVALID_INPUT:
                settled = await subscription_if(billing, subscription_id, holds)
                if settled is not None:
                    return settled
            if exc.ambiguous and holds is not None:
                check = holds
                try:
                    return await resolve_lost_answer(
                        exc, lambda: subscription_if(billing, subscription_id, check)
                    )
                except BillingError as unresolved:
                    failure = unresolved
            if released:
                failure.say(released_message + failure.message)
            raise failure from None
    finally:
        # The write may have invoiced at once (a proration, a final invoice).
        answer_in_place = (
            ()
            if written is None
            else (answered(versions, written, invoiced=True, key=idempotency_key),)
        )
        await forget_customer(billing, customer_id, *answer_in_place)
    return Subscription.from_stripe(written or as_json(answer))


async def update_subscription(
    billing: Billing,
    customer_id: str,
    subscription_id: str,
    params: Mapping[str, Any],
    idempotency_key: str,
    *,
    holds: Holds | None = None,
    release_schedule_id: str | None = None,
) -> Subscription:
    """`POST /v1/subscriptions/{id}` with `params`."""
    return await _write(
        billing,
        customer_id,
        subscription_id,
        lambda: billing.stripe.v1.subscriptions.update_async(
            subscription_id,
            cast("SubscriptionUpdateParams", _with_expand(params)),
            with_key(idempotency_key),
        ),
        idempotency_key=idempotency_key,
        holds=holds,
        release_schedule_id=release_schedule_id,
    )


async def cancel_subscription_now(
    billing: Billing,
    customer_id: str,
    subscription_id: str,
    params: Mapping[str, Any],
    idempotency_key: str,
    *,
    holds: Holds | None = None,
    release_schedule_id: str | None = None,
) -> Subscription:
    """`DELETE /v1/subscriptions/{id}` with `params` (prorate, cancellation details)."""
    return await _write(
        billing,
        customer_id,
        subscription_id,
        lambda: billing.stripe.v1.subscriptions.cancel_async(
            subscription_id,
            cast("SubscriptionCancelParams", _with_expand(params)),
            with_key(idempotency_key),
        ),
        idempotency_key=idempotency_key,
        holds=holds,
        release_schedule_id=release_schedule_id,
    )


async def resume_subscription(
    billing: Billing,
    customer_id: str,
    subscription_id: str,
    params: Mapping[str, Any],
    idempotency_key: str,
    *,
    holds: Holds | None = None,
    release_schedule_id: str | None = None,
) -> Subscription:
    """`POST /v1/subscriptions/{id}/resume`: a subscription in Stripe's `paused` status.

    The gateway's pause schedule (`release_schedule_id`) is released first, so its resume
    date cannot act afterwards; when Stripe's scheduled resume got there first, the
    refusal to resume an active subscription is that success."""
    return await _write(
        billing,
        customer_id,
        subscription_id,
        lambda: billing.stripe.v1.subscriptions.resume_async(
            subscription_id,
            cast("SubscriptionResumeParams", _with_expand(params)),
            with_key(idempotency_key),
        ),
        idempotency_key=idempotency_key,
        holds=holds,
        release_schedule_id=release_schedule_id,
        released_message=RESUME_DATE_DROPPED,
        settled_if_refused=True,
    )


async def pause_subscription(
    billing: Billing,
    customer_id: str,
    subscription_id: str,
    params: Mapping[str, Any],
    idempotency_key: str,
    *,
    holds: Holds | None = None,
    release_schedule_id: str | None = None,
) -> Subscription:
    """`POST /v1/subscriptions/{id}/pause`: Stripe's `paused` status until resumed."""
    return await _write(
        billing,
        customer_id,
        subscription_id,
        lambda: billing.stripe.v1.subscriptions.pause_async(
            subscription_id,
            cast("SubscriptionPauseParams", _with_expand(params)),
            with_key(idempotency_key),
        ),
        idempotency_key=idempotency_key,
        holds=holds,
        release_schedule_id=release_schedule_id,
    )


RESUME_DATE_DROPPED = (
    "The date the subscription was to resume by itself was removed; it stays paused until "
    "it is resumed. "
)
