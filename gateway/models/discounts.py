"""Coupons applied to a subscription or invoice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .stripe_fields import id_of, value_of


@dataclass(frozen=True)
class Discount:
    """A coupon applied to a subscription or invoice, directly or through a promotion code.

    The coupon's terms are known when it came expanded (`discounts.source.coupon`), the
    code when `discounts.promotion_code` did; otherwise only the ids are.
    """

    id: str
    coupon_id: str | None
    start: int | None = None
    end: int | None = None
    promotion_code_id: str | None = None
    # The code customers type (`SUMMER20`), when the promotion code came expanded.
    promotion_code: str | None = None
    coupon_name: str | None = None
    percent_off: float | None = None
    amount_off: int | None = None
    currency: str | None = None
    duration: Literal["forever", "once", "repeating"] | None = None
    duration_in_months: int | None = None

    @property
    def coupon_known(self) -> bool:
        return self.duration is not None

    def active_at(self, now: int) -> bool:
        return self.end is None or now < self.end

    @classmethod
    def from_stripe(cls, obj: Any) -> Discount:
        """From a discount object or a bare `di_...` id (then only the id is known)."""
        if isinstance(obj, str):
            return cls(id=obj, coupon_id=None)
        source = value_of(obj, "source")
        coupon = value_of(source, "coupon") or value_of(obj, "coupon")
        promo = value_of(obj, "promotion_code")
        known = coupon is not None and not isinstance(coupon, str)
        percent = value_of(coupon, "percent_off") if known else None
        months = value_of(coupon, "duration_in_months") if known else None
        return cls(
            id=value_of(obj, "id"),
            coupon_id=id_of(coupon),
            start=value_of(obj, "start"),
            end=value_of(obj, "end"),
            promotion_code_id=id_of(promo),
            promotion_code=None
            if promo is None or isinstance(promo, str)
            else value_of(promo, "code"),
            coupon_name=value_of(coupon, "name") if known else None,
            percent_off=float(percent) if percent is not None else None,
            amount_off=value_of(coupon, "amount_off") if known else None,
            currency=value_of(coupon, "currency") if known else None,
            duration=value_of(coupon, "duration") if known else None,
            duration_in_months=int(months) if months is not None else None,
        )


@dataclass(frozen=True)
class Coupon:
    """A coupon's terms before it is applied (a retention offer): what it takes off, how long."""

    id: str
    duration: Literal["forever", "once", "repeating"]
    name: str | None = None
    percent_off: float | None = None
    amount_off: int | None = None
    currency: str | None = None
    duration_in_months: int | None = None
    valid: bool = True

    @classmethod
    def from_stripe(cls, obj: Any) -> Coupon:
        percent = value_of(obj, "percent_off")
        months = value_of(obj, "duration_in_months")
        return cls(
            id=value_of(obj, "id"),
            duration=value_of(obj, "duration", "once"),
            name=value_of(obj, "name"),
            percent_off=float(percent) if percent is not None else None,
            amount_off=value_of(obj, "amount_off"),
            currency=value_of(obj, "currency"),
            duration_in_months=int(months) if months is not None else None,
            valid=bool(value_of(obj, "valid", True)),
        )


def discounts_of(obj: Any) -> tuple[Discount, ...]:
    return tuple(Discount.from_stripe(d) for d in value_of(obj, "discounts", []) or [])
