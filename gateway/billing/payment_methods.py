"""Payment methods saved on a customer."""

from __future__ import annotations

from .client import Billing, as_json
from .errors import NotFound, stripe_errors
from .models import PaymentMethod

PAGE_SIZE = 100


async def list_payment_methods(billing: Billing, customer_id: str) -> tuple[PaymentMethod, ...]:
    """Every payment method attached to the customer, newest first."""

    async def load() -> dict[str, object]:
        with stripe_errors(noun="Customer"):
            page = await billing.stripe.v1.customers.payment_methods.list_async(
                customer_id, {"limit": PAGE_SIZE}
            )
        return as_json(page)

    data = await billing.cache.customer_cached(
        customer_id, "payment_methods", billing.customer_ttl, load
    )
    return tuple(
        pm
        for pm in (PaymentMethod.from_stripe(obj) for obj in data.get("data", []))
        if pm.customer_id == customer_id
    )


async def fetch_payment_method(
    billing: Billing, customer_id: str, payment_method_id: str
) -> PaymentMethod:
    """One of the customer's payment methods; anyone else's is `NotFound` like a missing one."""
    for pm in await list_payment_methods(billing, customer_id):
        if pm.id == payment_method_id:
            return pm
    raise NotFound("Payment method")
