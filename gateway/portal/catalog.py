"""The product catalog as plain data, for checks that need more than the ids a configuration lists.

Fetching it is billing's job; validation and the policy only read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from gateway.models import Price, Product


@dataclass(frozen=True)
class Catalog:
    """Products and prices keyed by id."""

    products: Mapping[str, Product] = field(default_factory=lambda: MappingProxyType({}))
    prices: Mapping[str, Price] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def build(cls, products: Iterable[Product], prices: Iterable[Price]) -> Catalog:
        return cls(
            products=MappingProxyType({p.id: p for p in products}),
            prices=MappingProxyType({p.id: p for p in prices}),
        )

    def product(self, product_id: str) -> Product | None:
        return self.products.get(product_id)

    def price(self, price_id: str) -> Price | None:
        return self.prices.get(price_id)
