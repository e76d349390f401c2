"""Writes to the customer's own details (email, name, phone, address, shipping).

A write whose answer was lost is resolved by reading the customer: holding every value sent
means it was applied (success); otherwise nothing changed and the error says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from ..models import Customer
from .client import Billing, as_json
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
    from collections.abc import Mapping

    from stripe.params import CustomerUpdateParams


async def update_customer(
    billing: Billing, customer_id: str, params: Mapping[str, Any], idempotency_key: str
) -> Customer:
    """`POST /v1/customers/{id}` with a decision's parameters; returns the customer as read."""
    written: dict[str, Any] | None = None
    versions = await versions_before(billing, customer_id, key=idempotency_key)
    try:
        with stripe_write(noun="Customer"):
            # The test clock rides along as on reads: the policy's "now" comes from it.
            customer = await billing.stripe.v1.customers.update_async(
                customer_id,
                cast("CustomerUpdateParams", {**params, "expand": ["test_clock"]}),
                with_key(idempotency_key),
            )
        written = as_json(customer)
    except BillingError as exc:
        if not exc.ambiguous:
            raise
        return await resolve_lost_answer(exc, lambda: _customer_if(billing, customer_id, params))
    finally:
        answer = (
            ()
            if written is None
            else (answered(versions, written, fields=params, key=idempotency_key),)
        )
        await forget_customer(billing, customer_id, *answer)
    return Customer.from_stripe(written)


async def _customer_if(
    billing: Billing, customer_id: str, params: Mapping[str, Any]
) -> Customer | None:
    with stripe_errors(noun="Customer"):
        data = await get_json(
            billing, stripe_path("/v1/customers/{}", customer_id), {"expand": ["test_clock"]}
        )
    return Customer.from_stripe(data) if holds_params(data, params) else None
