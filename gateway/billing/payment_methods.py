"""Payment methods saved on a customer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..models import PaymentMethod
from . import ids
from .errors import NotFound, stripe_errors
from .ids import is_stripe_id
from .stripe_json import get_json, stripe_path

if TYPE_CHECKING:
    from .client import Billing

PAGE_SIZE = 100


async def list_payment_methods(billing: Billing, customer_id: str) -> tuple[PaymentMethod, ...]:
    """Every payment method attached to the customer, newest first."""

    async def load() -> dict[str, object]:
        with stripe_errors(noun="Customer"):
            return await get_json(
                billing,
                stripe_path("/v1/customers/{}/payment_methods", customer_id),
                {"limit": PAGE_SIZE},
            )

    found = await billing.cache.customer_cached(
        customer_id, "payment_methods", billing.customer_ttl, load, parse_payment_methods
    )
    return tuple(pm for pm in found if pm.customer_id == customer_id)


def parse_payment_methods(page: Any) -> tuple[PaymentMethod, ...]:
    return tuple(PaymentMethod.from_stripe(obj) for obj in page.get("data", []))


async def fetch_payment_method(
    billing: Billing, customer_id: str, payment_method_id: str
) -> PaymentMethod:
    """One of the customer's payment methods; anyone else's is `NotFound` like a missing one."""
    if not is_stripe_id(payment_method_id, ids.PAYMENT_METHOD):
        raise NotFound("Payment method")
    for pm in await list_payment_methods(billing, customer_id):
        if pm.id == payment_method_id:
            return pm
    raise NotFound("Payment method")
