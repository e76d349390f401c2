"""`plans`: the products and prices the configuration lets customers switch between."""

import strawberry

from ...portal import AdjustableQuantity as AdjustableQuantityModel
from ..context import Info
from ..fields import field
from .types import Price, Product


@strawberry.type(description="Quantity limits for a product (null maximum: no limit).")
class AdjustableQuantity:
    enabled: bool
    minimum: int
    maximum: int | None

    @classmethod
    def from_model(cls, model: AdjustableQuantityModel) -> "AdjustableQuantity":
        return cls(enabled=model.enabled, minimum=model.minimum, maximum=model.maximum)


@strawberry.type(description="A product on offer with the prices customers may pick.")
class Plan:
    product: Product
    prices: list[Price]
    adjustable_quantity: AdjustableQuantity


@strawberry.type
class CatalogQueries:
    @field(description="Products and prices this portal offers (empty when updates are off).")
    def plans(self, info: Info) -> list[Plan]:
        feature = info.context.configuration().features.subscription_update
        if not feature.enabled:
            return []
        catalog = info.context.services.catalog
        plans = []
        for rule in feature.products or ():
            prices = [catalog.price(price_id) for price_id in rule.prices]
            offered = [p for p in prices if p is not None and p.active]
            product = catalog.product(rule.product) or next(
                (p.product for p in offered if p.product is not None), None
            )
            if product is None or not product.active or not offered:
                continue
            plans.append(
                Plan(
                    product=Product.from_model(product),
                    prices=[Price.from_model(price) for price in offered],
                    adjustable_quantity=AdjustableQuantity.from_model(rule.adjustable_quantity),
                )
            )
        return plans
