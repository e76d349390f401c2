"""Prices with their products, by id: the catalog the portal offers and invoices refer to.

Shared by every customer and rarely changed, so each price is cached for the catalog TTL.
Stripe has no batch retrieve for prices, so misses are fetched concurrently.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from ..models import Price
from . import ids
from .cache_scopes import CATALOG
from .errors import NotFound, stripe_errors
from .ids import is_stripe_id
from .stripe_json import get_json, stripe_path

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .client import Billing


# One long-lived build function (see `Cache.customer_cached`).
_price = Price.from_stripe


async def fetch_price(billing: Billing, price_id: str) -> Price:
    """One price with its product expanded; `NotFound` when Stripe has no such price."""
    if not is_stripe_id(price_id, ids.PRICE):
        raise NotFound("Price")

    async def load() -> dict[str, Any]:
        with stripe_errors(noun="Price"):
            return await get_json(
                billing, stripe_path("/v1/prices/{}", price_id), {"expand": ["product"]}
            )

    return await billing.cache.scoped_cached(
        CATALOG, f"price:{price_id}", billing.catalog_ttl, load, _price
    )


async def fetch_prices(billing: Billing, price_ids: Iterable[str]) -> dict[str, Price]:
    """The prices that exist among `price_ids` (missing ones are left out)."""
    wanted = list(dict.fromkeys(price_ids))
    results = await asyncio.gather(
        *(fetch_price(billing, price_id) for price_id in wanted), return_exceptions=True
    )
    found: dict[str, Price] = {}
    for price_id, result in zip(wanted, results, strict=True):
        if isinstance(result, Price):
            found[price_id] = result
        elif not isinstance(result, NotFound):
            raise result
    return found
