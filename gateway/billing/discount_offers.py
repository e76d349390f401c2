"""Coupons and promotion codes a session offers (a retention offer, a confirm flow's
discounts), read by id when the session is created so a bad one is refused there, by name,
rather than failing when the customer acts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..models import Coupon
from .cache_scopes import CATALOG
from .errors import NotFound, stripe_errors
from .stripe_json import get_json, stripe_path

if TYPE_CHECKING:
    from .client import Billing


@dataclass(frozen=True)
class OfferedDiscount:
    """A coupon or promotion code as Stripe has it now."""

    id: str
    # Coupons: `valid`; promotion codes: `active` (and their coupon's `valid`).
    usable: bool
    # A promotion code restricted to one customer names them.
    customer_id: str | None = None


def _customer(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else None


async def fetch_coupon(billing: Billing, coupon_id: str) -> OfferedDiscount:
    """`GET /v1/coupons/{id}`; `NotFound` when there is none (deleted included)."""
    if not coupon_id.strip():
        raise NotFound("Coupon")
    with stripe_errors(noun="Coupon"):
        coupon = await get_json(billing, stripe_path("/v1/coupons/{}", coupon_id))
    return OfferedDiscount(id=str(coupon["id"]), usable=bool(coupon.get("valid", True)))


# One long-lived build function (see `Cache.customer_cached`).
_coupon = Coupon.from_stripe


async def fetch_coupon_terms(billing: Billing, coupon_id: str) -> Coupon:
    """A coupon's terms, to show an offer ("20% off for 3 months"); `NotFound` when none.

    Stripe lets only a coupon's name and metadata change, so it is cached with the catalog
    (and forgotten with it when a `coupon.*` event arrives).
    """
    if not coupon_id.strip():
        raise NotFound("Coupon")

    async def load() -> dict[str, Any]:
        with stripe_errors(noun="Coupon"):
            return await get_json(billing, stripe_path("/v1/coupons/{}", coupon_id))

    return await billing.cache.scoped_cached(
        CATALOG, f"coupon:{coupon_id}", billing.catalog_ttl, load, _coupon
    )


async def fetch_promotion_code(billing: Billing, promotion_code_id: str) -> OfferedDiscount:
    """`GET /v1/promotion_codes/{id}` (its coupon expanded); `NotFound` when there is none."""
    if not promotion_code_id.strip():
        raise NotFound("Promotion code")
    with stripe_errors(noun="Promotion code"):
        promo = await get_json(
            billing,
            stripe_path("/v1/promotion_codes/{}", promotion_code_id),
            {"expand": ["promotion.coupon"]},
        )
    coupon = (promo.get("promotion") or {}).get("coupon")
    coupon_valid = not isinstance(coupon, dict) or bool(coupon.get("valid", True))
    return OfferedDiscount(
        id=str(promo["id"]),
        usable=bool(promo.get("active", False)) and coupon_valid,
        customer_id=_customer(promo.get("customer")),
    )
