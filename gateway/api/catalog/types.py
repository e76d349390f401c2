"""Product and Price as the portal shows them."""

from enum import Enum
from typing import Self

import strawberry

from ... import models
from ..common.converted import Converted


@strawberry.enum
class PriceType(Enum):
    ONE_TIME = "one_time"
    RECURRING = "recurring"


@strawberry.enum
class Interval(Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


@strawberry.enum
class UsageType(Enum):
    LICENSED = "licensed"
    METERED = "metered"


@strawberry.type
class Product:
    id: strawberry.ID
    name: str
    description: str | None
    active: bool

    @classmethod
    def from_model(cls, product: models.Product) -> Self:
        return cls(
            id=strawberry.ID(product.id),
            name=product.name,
            description=product.description,
            active=product.active,
        )


@strawberry.type
class Price:
    id: strawberry.ID
    product: Product
    active: bool
    currency: str = strawberry.field(description="Three-letter ISO code, lower case (Stripe's).")
    unit_amount: int | None = strawberry.field(
        description="In the currency's smallest unit (cents); null for tiered or custom prices."
    )
    type: PriceType
    interval: Interval | None
    interval_count: int
    usage_type: UsageType | None
    nickname: str | None
    lookup_key: str | None

    @classmethod
    def from_model(cls, price: models.Price) -> "Price":
        """Built once per price model (`Converted`): catalog prices are served to every page."""
        return _PRICES(price)

    @classmethod
    def build(cls, price: models.Price) -> "Price":
        product = price.product or models.Product(id=price.product_id, name="", active=True)
        return cls(
            id=strawberry.ID(price.id),
            product=Product.from_model(product),
            active=price.active,
            currency=price.currency,
            unit_amount=price.unit_amount,
            type=PriceType(price.type),
            interval=Interval(price.interval) if price.interval else None,
            interval_count=price.interval_count,
            usage_type=UsageType(price.usage_type) if price.usage_type else None,
            nickname=price.nickname,
            lookup_key=price.lookup_key,
        )


_PRICES: Converted[models.Price, Price] = Converted(Price.build)
