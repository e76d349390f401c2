"""Writes to one subscription: update it, cancel it now, resume it.

Each sends the exact parameters a policy decision holds, adding only an idempotency key
and `expand` (so the answer renders like a read, queued change included). The customer's
cache is invalidated afterwards, failures too: a write that timed out may still have
been applied, and the next read must find out from Stripe.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from .client import Billing, as_json
from .models import Subscription
from .subscriptions import DISCOUNT_EXPAND
from .writes import forget_customer, stripe_write, with_key

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

    from stripe.params import (
        SubscriptionCancelParams,
        SubscriptionResumeParams,
        SubscriptionUpdateParams,
    )

EXPAND = ["schedule", *DISCOUNT_EXPAND]


def _with_expand(params: Mapping[str, Any]) -> dict[str, Any]:
    return {**params, "expand": EXPAND}


async def _write(
    billing: Billing, customer_id: str, send: Callable[[], Awaitable[Any]]
) -> Subscription:
    """Run one subscription write, then forget the customer's cache whatever happened."""
    try:
        with stripe_write(noun="Subscription"):
            answer = await send()
    finally:
        await forget_customer(billing, customer_id)
    return Subscription.from_stripe(as_json(answer))


async def update_subscription(
    billing: Billing,
    customer_id: str,
    subscription_id: str,
    params: Mapping[str, Any],
    idempotency_key: str,
) -> Subscription:
    """`POST /v1/subscriptions/{id}` with `params`."""
    return await _write(
        billing,
        customer_id,
        lambda: billing.stripe.v1.subscriptions.update_async(
            subscription_id,
            cast("SubscriptionUpdateParams", _with_expand(params)),
            with_key(idempotency_key),
        ),
    )


async def cancel_subscription_now(
    billing: Billing,
    customer_id: str,
    subscription_id: str,
    params: Mapping[str, Any],
    idempotency_key: str,
) -> Subscription:
    """`DELETE /v1/subscriptions/{id}` with `params` (prorate, cancellation details)."""
    return await _write(
        billing,
        customer_id,
        lambda: billing.stripe.v1.subscriptions.cancel_async(
            subscription_id,
            cast("SubscriptionCancelParams", _with_expand(params)),
            with_key(idempotency_key),
        ),
    )


async def resume_subscription(
    billing: Billing,
    customer_id: str,
    subscription_id: str,
    params: Mapping[str, Any],
    idempotency_key: str,
) -> Subscription:
    """`POST /v1/subscriptions/{id}/resume`: a subscription in Stripe's `paused` status."""
    return await _write(
        billing,
        customer_id,
        lambda: billing.stripe.v1.subscriptions.resume_async(
            subscription_id,
            cast("SubscriptionResumeParams", _with_expand(params)),
            with_key(idempotency_key),
        ),
    )
