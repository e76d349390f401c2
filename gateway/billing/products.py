"""Products by id, for the rare product the loaded catalog does not have yet."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..models import Product
from . import ids
from .cache_scopes import CATALOG
from .errors import NotFound, stripe_errors
from .ids import is_stripe_id
from .stripe_json import get_json, stripe_path

if TYPE_CHECKING:
    from .client import Billing


async def fetch_product(billing: Billing, product_id: str) -> Product:
    """One product (cached like the catalog); `NotFound` when Stripe has none."""
    if not is_stripe_id(product_id, ids.PRODUCT):
        raise NotFound("Product")

    async def load() -> dict[str, Any]:
        with stripe_errors(noun="Product"):
            return await get_json(billing, stripe_path("/v1/products/{}", product_id))

    return await billing.cache.scoped_cached(
        CATALOG, f"product:{product_id}", billing.catalog_ttl, load, _product
    )


_product = Product.from_stripe
