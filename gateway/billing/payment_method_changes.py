"""Changing which payment method pays, and removing one: several writes, reported exactly.

A subscription's own `default_payment_method` wins over the customer's, so a new default
means one customer write plus one write per such subscription, and removing a card may
need all of those before the detach. Stripe has no transaction across them: the writes
run in order, stop at the first failure, and the result says which ones happened.

A write whose answer was lost is resolved by reading its object: the customer's default,
the subscription's default or the payment method's customer show whether it was applied;
if so the writes carry on, otherwise the result stops there, that write not applied.

Stripe's answers go into the customer's cache in place (webhooks keeping it) once every
write was answered; a failed or lost one empties the cache instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from .client import as_json
from .errors import BillingError, stripe_errors
from .param_match import holds_params
from .stripe_json import get_json, stripe_path
from .writes import (
    answered,
    forget_customer,
    resolve_lost_answer,
    stripe_write,
    versions_before,
    with_key,
)

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping, Sequence

    from stripe import StripeObject
    from stripe.params import CustomerUpdateParams, SubscriptionUpdateParams

    from .client import Billing
    from .idempotency import IdempotencyKeys
    from .written_answers import Written


@dataclass
class PaymentMethodChange:
    """What was applied, in order; `error` is the write that failed (None: all applied)."""

    customer_updated: bool = False
    updated_subscriptions: list[str] = field(default_factory=list)
    detached: bool = False
    error: BillingError | None = None


async def change_payment_methods(
    billing: Billing,
    customer_id: str,
    *,
    customer_params: Mapping[str, Any] | None,
    subscription_changes: Sequence[tuple[str, Mapping[str, Any]]],
    detach: str | None = None,
    keys: IdempotencyKeys,
) -> PaymentMethodChange:
    """The customer's new default, then each subscription's, then the detach (each optional)."""
    done = PaymentMethodChange()
    stripe = billing.stripe.v1
    changed = [s for s, _ in subscription_changes]
    versions = await versions_before(
        billing, customer_id, *changed, *filter(None, [detach]), key=keys.base
    )
    # Stripe's answers, for the cache; None for a write whose answer was lost.
    answers: list[Written | None] = []
    try:
        if customer_params is not None:
            path = stripe_path("/v1/customers/{}", customer_id)
            sent = dict(customer_params)
            answer = await _step(
                billing,
                "Customer",
                lambda: stripe.customers.update_async(
                    customer_id,
                    cast("CustomerUpdateParams", sent),
                    with_key(keys.key("customer")),
                ),
                path,
                sent,
            )
            answers.append(answered(versions, answer, fields=sent, key=keys.base))
            done.customer_updated = True
        for subscription_id, params in subscription_changes:
            answer = await _subscription_step(
                billing, subscription_id, params, keys.key(f"subscription-{subscription_id}")
            )
            answers.append(answered(versions, answer, fields=params, key=keys.base))
            done.updated_subscriptions.append(subscription_id)
        if detach is not None:
            answer = await _step(
                billing,
                "Payment method",
                lambda: stripe.payment_methods.detach_async(
                    detach, None, with_key(keys.key("detach"))
                ),
                stripe_path("/v1/payment_methods/{}", detach),
                {"customer": ""},
            )
            answers.append(answered(versions, answer, key=keys.base))
            done.detached = True
    except BillingError as exc:
        done.error = exc
    finally:
        await forget_customer(billing, customer_id, *(() if done.error else answers))
    return done


async def _subscription_step(
    billing: Billing, subscription_id: str, params: Mapping[str, Any], idempotency_key: str
) -> dict[str, Any] | None:
    sent = dict(params)
    return await _step(
        billing,
        "Subscription",
        lambda: billing.stripe.v1.subscriptions.update_async(
            subscription_id, cast("SubscriptionUpdateParams", sent), with_key(idempotency_key)
        ),
        stripe_path("/v1/subscriptions/{}", subscription_id),
        sent,
    )


async def _step(
    billing: Billing,
    noun: str,
    write: Callable[[], Awaitable[StripeObject]],
    path: str,
    sent: Mapping[str, Any],
) -> dict[str, Any] | None:
    """One write and Stripe's answer; after a lost answer, reading `path` says whether it
    holds what was sent (then None: the answer is not known)."""
    try:
        with stripe_write(noun=noun):
            return as_json(await write())
    except BillingError as exc:
        if not exc.ambiguous:
            raise

        async def applied() -> bool | None:
            with stripe_errors():
                found = await get_json(billing, path)
            return True if holds_params(found, sent) else None

        await resolve_lost_answer(exc, applied)
        return None
