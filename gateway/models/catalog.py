"""Products and prices: what a customer can subscribe to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .stripe_fields import id_of, value_of

Interval = Literal["day", "week", "month", "year"]


@dataclass(frozen=True)
class Product:
    id: str
    name: str
    active: bool
    description: str | None = None

    @classmethod
    def from_stripe(cls, obj: Any) -> Product:
        return cls(
            id=value_of(obj, "id"),
            name=value_of(obj, "name", ""),
            active=bool(value_of(obj, "active", True)),
            description=value_of(obj, "description"),
        )


@dataclass(frozen=True)
class Price:
    id: str
    product_id: str
    active: bool
    currency: str
    unit_amount: int | None
    type: Literal["one_time", "recurring"]
    interval: Interval | None = None
    interval_count: int = 1
    usage_type: Literal["licensed", "metered"] | None = None
    lookup_key: str | None = None
    nickname: str | None = None
    # Set when the price came with its product expanded.
    product: Product | None = None

    @property
    def is_recurring(self) -> bool:
        return self.type == "recurring"

    def interval_seconds_rank(self) -> int:
        """Comparable length of one billing interval (for 'shortening interval' rules)."""
        days = {"day": 1, "week": 7, "month": 30, "year": 365}
        return days.get(self.interval or "month", 30) * self.interval_count

    @classmethod
    def from_stripe(cls, obj: Any) -> Price:
        recurring = value_of(obj, "recurring")
        product = value_of(obj, "product")
        return cls(
            id=value_of(obj, "id"),
            product_id=id_of(product) or "",
            active=bool(value_of(obj, "active", True)),
            currency=value_of(obj, "currency", "usd"),
            unit_amount=value_of(obj, "unit_amount"),
            type=value_of(obj, "type", "recurring"),
            interval=value_of(recurring, "interval") if recurring is not None else None,
            interval_count=int(value_of(recurring, "interval_count", 1))
            if recurring is not None
            else 1,
            usage_type=value_of(recurring, "usage_type") if recurring is not None else None,
            lookup_key=value_of(obj, "lookup_key"),
            nickname=value_of(obj, "nickname"),
            product=None
            if product is None or isinstance(product, str)
            else Product.from_stripe(product),
        )
