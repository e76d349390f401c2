"""Promotion codes as customers type them (`SUMMER20`), turned into Stripe's `promo_...` ids."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import stripe_errors

if TYPE_CHECKING:
    from .client import Billing

# Codes are unique among active ones (case-insensitively), so a few results are plenty.
LOOKUP_LIMIT = 10


@dataclass(frozen=True)
class PromotionCodeMatch:
    id: str
    # The coupon it applies (a code for a coupon already applied adds nothing).
    coupon_id: str | None


async def find_promotion_code(
    billing: Billing, customer_id: str, code: str
) -> PromotionCodeMatch | None:
    """The active promotion code `code` this customer may use, or None.

    Not cached: a code can be used up or expire at any moment, and Stripe has the last word
    when the subscription is updated anyway.
    """
    with stripe_errors(noun="Promotion code"):
        page = await billing.stripe.v1.promotion_codes.list_async(
            {"code": code, "active": True, "limit": LOOKUP_LIMIT}
        )
    for promo in page.data:
        owner = promo.customer
        owner_id = owner if isinstance(owner, str) or owner is None else owner.id
        if owner_id in (None, customer_id):
            coupon = promo.promotion.coupon if promo.promotion is not None else None
            coupon_id = coupon if isinstance(coupon, str) or coupon is None else coupon.id
            return PromotionCodeMatch(promo.id, coupon_id)
    return None
