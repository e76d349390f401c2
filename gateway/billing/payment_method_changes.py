"""Changing which payment method pays, and removing one: several writes, reported exactly.

A subscription's own `default_payment_method` wins over the customer's, so a new default
means one customer write plus one write per such subscription, and removing a card may
need all of those before the detach. Stripe has no transaction across them: the writes
run in order, stop at the first failure, and the result says which ones happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from .errors import BillingError
from .writes import forget_customer, stripe_write, with_key

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from stripe.params import CustomerUpdateParams, SubscriptionUpdateParams

    from .client import Billing
    from .idempotency import IdempotencyKeys


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
    try:
        if customer_params is not None:
            with stripe_write(noun="Customer"):
                await stripe.customers.update_async(
                    customer_id,
                    cast("CustomerUpdateParams", dict(customer_params)),
                    with_key(keys.key("customer")),
                )
            done.customer_updated = True
        for subscription_id, params in subscription_changes:
            with stripe_write(noun="Subscription"):
                await stripe.subscriptions.update_async(
                    subscription_id,
                    cast("SubscriptionUpdateParams", dict(params)),
                    with_key(keys.key(f"subscription-{subscription_id}")),
                )
            done.updated_subscriptions.append(subscription_id)
        if detach is not None:
            with stripe_write(noun="Payment method"):
                await stripe.payment_methods.detach_async(
                    detach, None, with_key(keys.key("detach"))
                )
            done.detached = True
    except BillingError as exc:
        done.error = exc
    finally:
        await forget_customer(billing, customer_id)
    return done
