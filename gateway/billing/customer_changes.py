"""Writes to the customer's own details (email, name, phone, address, shipping)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from .client import Billing, as_json
from .models import Customer
from .writes import forget_customer, stripe_write, with_key

if TYPE_CHECKING:
    from collections.abc import Mapping

    from stripe.params import CustomerUpdateParams


async def update_customer(
    billing: Billing, customer_id: str, params: Mapping[str, Any], idempotency_key: str
) -> Customer:
    """`POST /v1/customers/{id}` with a decision's parameters; returns the customer as read."""
    try:
        with stripe_write(noun="Customer"):
            # The test clock rides along as on reads: the policy's "now" comes from it.
            customer = await billing.stripe.v1.customers.update_async(
                customer_id,
                cast("CustomerUpdateParams", {**params, "expand": ["test_clock"]}),
                with_key(idempotency_key),
            )
    finally:
        await forget_customer(billing, customer_id)
    return Customer.from_stripe(as_json(customer))
