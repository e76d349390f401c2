"""Writes to one subscription: update it, cancel it now, pause it (now, or for a length
through a schedule), resume it.

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
from typing import TYPE_CHECKING, Any, Literal, cast

from ..errors import ErrorCode
from ..models import Subscription
from .client import Billing, as_json
from .errors import BillingError
from .schedule_release import DROPPED_MESSAGE, release_key, release_schedule
from .subscription_truth import EXPAND as READ_EXPAND
from .subscription_truth import read_subscription, subscription_if
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
        SubscriptionScheduleCreateParams,
    )

EXPAND = ["schedule", *DISCOUNT_EXPAND]
# A schedule's subscription, as a read expands it.
SCHEDULE_SUBSCRIPTION_EXPAND = ["subscription", *(f"subscription.{path}" for path in READ_EXPAND)]


def _with_expand(params: Mapping[str, Any]) -> dict[str, Any]:
    return {**params, "expand": EXPAND}


Holds = Callable[[Subscription], bool]
SubscriptionCall = Literal["update", "cancel", "pause", "schedule", "resume"]


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
    subscription_of: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> Subscription:
    """Run one subscription write, then forget the customer's cache whatever happened (or,
    with webhooks keeping it, put Stripe's answer in place).

    `settled_if_refused`: a refusal is checked like a lost answer, because Stripe may have
    got there by itself (a scheduled resume racing a customer's, a concurrent pause): if
    `holds` says the subscription is as wanted, that is the answer.
    `subscription_of`: where the subscription sits in an answer about another object (a
    schedule's); such an answer only empties the cache, since its events are another
    object's.
    """
    released = False
    written: dict[str, Any] | None = None
    subscription: dict[str, Any]
    versions = (
        None
        if subscription_of is not None
        else await versions_before(billing, subscription_id, key=idempotency_key)
    )
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
                answer = as_json(await send())
            subscription = answer if subscription_of is None else subscription_of(answer)
            written = subscription
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
            if written is None or versions is None
            else (answered(versions, written, invoiced=True, key=idempotency_key),)
        )
        await forget_customer(billing, customer_id, *answer_in_place)
    return Subscription.from_stripe(subscription)


async def write_subscription(
    billing: Billing,
    call: SubscriptionCall,
    customer_id: str,
    subscription_id: str,
    params: Mapping[str, Any],
    idempotency_key: str,
    *,
    holds: Holds | None = None,
    release_schedule_id: str | None = None,
) -> Subscription:
    """The write a decision names, with its `params`:

    - `update`: `POST /v1/subscriptions/{id}`;
    - `cancel`: `DELETE /v1/subscriptions/{id}` (prorate, cancellation details);
    - `pause`: `POST /v1/subscriptions/{id}/pause`, Stripe's `paused` status until resumed;
    - `schedule`: `POST /v1/subscription_schedules`, a schedule made from the subscription
      with a pause schedule, Stripe's way to pause now and resume at a date (one call; the
      answer carries the subscription, expanded as a read expands it);
    - `resume`: `POST /v1/subscriptions/{id}/resume`, for Stripe's `paused` status.

    `release_schedule_id`, the gateway's own schedule, is released first: a queued change
    is dropped, a spent schedule would stand in the way of a new one, and a pause
    schedule's resume date must not act after a resume. When Stripe's scheduled resume, or
    a concurrent pause, got there first, Stripe's refusal is that success.
    """
    if call == "schedule":
        return await _schedule_pause(
            billing,
            customer_id,
            subscription_id,
            params,
            idempotency_key,
            holds=holds,
            release_schedule_id=release_schedule_id,
        )
    subscriptions = billing.stripe.v1.subscriptions
    endpoint = {
        "update": subscriptions.update_async,
        "cancel": subscriptions.cancel_async,
        "pause": subscriptions.pause_async,
        "resume": subscriptions.resume_async,
    }[call]
    # Each endpoint's parameters are the decision's, as built for it.
    expanded: Any = _with_expand(params)
    return await _write(
        billing,
        customer_id,
        subscription_id,
        lambda: endpoint(subscription_id, expanded, with_key(idempotency_key)),
        idempotency_key=idempotency_key,
        holds=holds,
        release_schedule_id=release_schedule_id,
        released_message=RESUME_DATE_DROPPED if call == "resume" else DROPPED_MESSAGE,
        settled_if_refused=call == "resume",
    )


async def _schedule_pause(
    billing: Billing,
    customer_id: str,
    subscription_id: str,
    params: Mapping[str, Any],
    idempotency_key: str,
    *,
    holds: Holds | None,
    release_schedule_id: str | None,
) -> Subscription:
    """An answer replayed from an earlier attempt that no longer holds is replaced by a
    read."""
    answer = await _write(
        billing,
        customer_id,
        subscription_id,
        lambda: billing.stripe.v1.subscription_schedules.create_async(
            cast(
                "SubscriptionScheduleCreateParams",
                {**params, "expand": SCHEDULE_SUBSCRIPTION_EXPAND},
            ),
            with_key(idempotency_key),
        ),
        idempotency_key=idempotency_key,
        holds=holds,
        release_schedule_id=release_schedule_id,
        settled_if_refused=True,
        subscription_of=lambda schedule: cast("dict[str, Any]", schedule["subscription"]),
    )
    if holds is None or holds(answer):
        return answer
    try:
        return await read_subscription(billing, subscription_id)
    except BillingError as exc:
        exc.say(PAUSED_READ_BACK_FAILED)
        raise


PAUSED_READ_BACK_FAILED = "The subscription was paused. Reload to see it."
RESUME_DATE_DROPPED = (
    "The date the subscription was to resume by itself was removed; it stays paused until "
    "it is resumed. "
)
