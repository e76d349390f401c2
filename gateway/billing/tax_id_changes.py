"""Adding and removing a customer's tax IDs.

Adding is idempotent by content: a tax ID the customer already has (same type and value) is
answered with, not created again, so a customer who retries after a lost answer, with or
without a `clientMutationId`, never ends up with two. A write whose answer was lost is
resolved by reading the customer's tax IDs afresh: the one sent is there (added) or not;
the one removed is gone or not.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

from ..models import TaxId
from . import ids
from .client import Billing, as_json
from .customers import customer_exists
from .errors import BillingError, NotFound, stripe_errors
from .ids import is_stripe_id
from .stripe_json import get_json, stripe_path
from .tax_ids import MAX_TAX_IDS, customer_tax_ids
from .writes import (
    answered,
    forget_customer,
    resolve_lost_answer,
    stripe_write,
    versions_before,
    with_key,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from stripe.params import CustomerCreateTaxIdParams

    from .writes import Versions
    from .written_answers import Written

_SPACES = re.compile(r"\s+")


async def fetch_tax_id(billing: Billing, customer_id: str, tax_id: str) -> TaxId:
    """One of the customer's tax IDs (from their cached list); anyone else's is `NotFound`."""
    if not is_stripe_id(tax_id, ids.TAX_ID):
        raise NotFound("Tax ID")
    for found in await customer_tax_ids(billing, customer_id):
        if found.id == tax_id:
            return found
    raise NotFound("Tax ID")


def _same(found: TaxId, params: Mapping[str, Any]) -> bool:
    def norm(value: object) -> str:
        return _SPACES.sub("", str(value)).upper()

    return found.type == params.get("type") and norm(found.value) == norm(params.get("value"))


def _matching(tax_ids: Iterable[TaxId], params: Mapping[str, Any]) -> TaxId | None:
    return next((found for found in tax_ids if _same(found, params)), None)


async def _fresh_tax_ids(billing: Billing, customer_id: str) -> tuple[TaxId, ...]:
    """The customer's tax IDs as Stripe holds them now (past the cache)."""
    with stripe_errors(noun="Customer"):
        page = await get_json(
            billing, stripe_path("/v1/customers/{}/tax_ids", customer_id), {"limit": MAX_TAX_IDS}
        )
    return tuple(TaxId.from_stripe(obj) for obj in page.get("data", []))


async def add_tax_id(
    billing: Billing,
    customer_id: str,
    params: Mapping[str, Any],
    idempotency_key: str,
    known: tuple[TaxId, ...] | None = None,
) -> TaxId:
    """`POST /v1/customers/{id}/tax_ids` (type and value); Stripe checks the format.

    The customer's list is read first (cached: the page that offers the form read it), unless
    the caller passes the list it has just read (`known`): a second read would cost Stripe a
    request when the cache is off.
    """
    if known is None:
        known = await customer_tax_ids(billing, customer_id)
    existing = _matching(known, params)
    if existing is not None:
        return existing

    async def added() -> TaxId | None:
        return _matching(await _fresh_tax_ids(billing, customer_id), params)

    written: dict[str, Any] | None = None
    versions = await versions_before(billing)  # a new object: no event about it yet
    try:
        with stripe_write(noun="Customer"):
            created = await billing.stripe.v1.customers.tax_ids.create_async(
                customer_id,
                cast("CustomerCreateTaxIdParams", dict(params)),
                with_key(idempotency_key),
            )
        written = as_json(created)
    except BillingError as exc:
        if not exc.ambiguous:
            raise
        return await resolve_lost_answer(exc, added)
    finally:
        await forget_customer(billing, customer_id, *_in_place(versions, written, idempotency_key))
    return TaxId.from_stripe(written)


async def remove_tax_id(
    billing: Billing, customer_id: str, tax_id: str, idempotency_key: str
) -> None:
    """`DELETE /v1/customers/{id}/tax_ids/{tax_id}`."""

    async def removed() -> bool | None:
        gone = all(found.id != tax_id for found in await _fresh_tax_ids(billing, customer_id))
        return True if gone else None

    written: dict[str, Any] | None = None
    versions = await versions_before(billing, tax_id, key=idempotency_key)
    try:
        with stripe_write(noun="Tax ID"):
            deleted = await billing.stripe.v1.customers.tax_ids.delete_async(
                customer_id, tax_id, None, with_key(idempotency_key)
            )
        written = as_json(deleted)
    except NotFound:
        # The tax IDs come cached with the customer: one deleted since reads as itself.
        await forget_customer(billing, customer_id)
        if not await customer_exists(billing, customer_id):
            raise NotFound("Customer") from None
        raise
    except BillingError as exc:
        if not exc.ambiguous:
            raise
        await resolve_lost_answer(exc, removed)
    finally:
        await forget_customer(billing, customer_id, *_in_place(versions, written, idempotency_key))


def _in_place(
    versions: Versions, written: dict[str, Any] | None, key: str
) -> tuple[Written | None, ...]:
    """The answer to put in the cache; none (the cache is emptied) when there was none."""
    return () if written is None else (answered(versions, written, key=key),)
