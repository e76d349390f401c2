"""Discount: a coupon's terms as the customer sees them, and the code that applied it."""

from datetime import datetime
from enum import Enum
from typing import Self

import strawberry

from ... import models
from ..common.types import timestamp


@strawberry.enum(description="How long a coupon keeps reducing invoices.")
class CouponDuration(Enum):
    FOREVER = "forever"
    ONCE = "once"
    REPEATING = "repeating"


@strawberry.type(description="A coupon applied to a subscription or an invoice.")
class Discount:
    id: strawberry.ID
    coupon_id: strawberry.ID | None
    coupon_name: str | None = strawberry.field(description="The coupon's name, e.g. `Summer sale`.")
    percent_off: float | None = strawberry.field(description="e.g. 20.0 for 20% off.")
    amount_off: int | None = strawberry.field(
        description="A fixed amount off, in the currency's smallest unit (with `currency`)."
    )
    currency: str | None = strawberry.field(description="The currency of `amountOff`.")
    duration: CouponDuration | None
    duration_in_months: int | None = strawberry.field(
        description="For a REPEATING coupon: how many months it applies."
    )
    start: datetime | None
    end: datetime | None = strawberry.field(
        description="When it stops applying (REPEATING coupons); null while it lasts forever."
    )
    promotion_code: str | None = strawberry.field(
        description="The code the customer typed (e.g. SUMMER20), when one applied it."
    )
    promotion_code_id: strawberry.ID | None
    amount: int | None = strawberry.field(
        description="On an invoice: what this discount took off it (smallest unit); null on "
        "a subscription."
    )

    @classmethod
    def from_model(cls, discount: models.Discount, amount: int | None = None) -> Self:
        return cls(
            id=strawberry.ID(discount.id),
            coupon_id=strawberry.ID(discount.coupon_id) if discount.coupon_id else None,
            coupon_name=discount.coupon_name,
            percent_off=discount.percent_off,
            amount_off=discount.amount_off,
            currency=discount.currency,
            duration=CouponDuration(discount.duration) if discount.duration else None,
            duration_in_months=discount.duration_in_months,
            start=timestamp(discount.start),
            end=timestamp(discount.end),
            promotion_code=discount.promotion_code,
            promotion_code_id=(
                strawberry.ID(discount.promotion_code_id) if discount.promotion_code_id else None
            ),
            amount=amount,
        )


@strawberry.type(
    description="A coupon's terms before it is applied (a retention offer): show it as "
    "'20% off for 3 months', '$5.00 off once' or '10% off forever'."
)
class Coupon:
    id: strawberry.ID
    name: str | None = strawberry.field(description="The coupon's name, e.g. `Stay with us`.")
    percent_off: float | None = strawberry.field(description="e.g. 20.0 for 20% off.")
    amount_off: int | None = strawberry.field(
        description="A fixed amount off, in the currency's smallest unit (with `currency`)."
    )
    currency: str | None = strawberry.field(description="The currency of `amountOff`.")
    duration: CouponDuration
    duration_in_months: int | None = strawberry.field(
        description="For a REPEATING coupon: how many months it applies."
    )

    @classmethod
    def from_model(cls, coupon: models.Coupon) -> Self:
        return cls(
            id=strawberry.ID(coupon.id),
            name=coupon.name,
            percent_off=coupon.percent_off,
            amount_off=coupon.amount_off,
            currency=coupon.currency,
            duration=CouponDuration(coupon.duration),
            duration_in_months=coupon.duration_in_months,
        )
