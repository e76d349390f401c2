"""Adding and removing a customer's tax IDs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from . import ids
from .client import Billing, as_json
from .errors import NotFound
from .ids import is_stripe_id
from .models import TaxId
from .tax_ids import list_tax_ids
from .writes import forget_customer, stripe_write, with_key

if TYPE_CHECKING:
    from collections.abc import Mapping

    from stripe.params import CustomerCreateTaxIdParams


async def fetch_tax_id(billing: Billing, customer_id: str, tax_id: str) -> TaxId:
    """One of the customer's tax IDs (from their cached list); anyone else's is `NotFound`."""
    if not is_stripe_id(tax_id, ids.TAX_ID):
        raise NotFound("Tax ID")
    for found in await list_tax_ids(billing, customer_id):
        if found.id == tax_id:
            return found
    raise NotFound("Tax ID")


async def add_tax_id(
    billing: Billing, customer_id: str, params: Mapping[str, Any], idempotency_key: str
) -> TaxId:
    """`POST /v1/customers/{id}/tax_ids` (type and value); Stripe checks the format."""
    try:
        with stripe_write(noun="Customer"):
            created = await billing.stripe.v1.customers.tax_ids.create_async(
                customer_id,
                cast("CustomerCreateTaxIdParams", dict(params)),
                with_key(idempotency_key),
            )
    finally:
        await forget_customer(billing, customer_id)
    return TaxId.from_stripe(as_json(created))


async def remove_tax_id(
    billing: Billing, customer_id: str, tax_id: str, idempotency_key: str
) -> None:
    """`DELETE /v1/customers/{id}/tax_ids/{tax_id}`."""
    try:
        with stripe_write(noun="Tax ID"):
            await billing.stripe.v1.customers.tax_ids.delete_async(
                customer_id, tax_id, None, with_key(idempotency_key)
            )
    finally:
        await forget_customer(billing, customer_id)
