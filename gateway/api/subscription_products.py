"""Subscriptions with their prices' products filled in, kept while the model is the same.

Stripe's subscription list names each price's product by id; the portal shows the product.
A warm read serves the very same frozen subscription models request after request (built
once per cached text), so the copy with the catalog's products is kept per model object,
not made again on every request: that also keeps the item prices the same objects, so
their GraphQL prices are built once (`Converted`).

Only a model whose products all come from the catalog is kept; products fetched from
Stripe are filled in on every read (`loaders._with_products`). An entry is used only for
the very same model and catalog objects (held here, so their ids are not reused), and a
model is one customer's cached data: nothing kept for one customer can reach another.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ..models import Product, Subscription
    from ..portal import Catalog

# About the subscription models the decoded-JSON store keeps at once; stale ones go first.
KEPT = 1024

_kept: OrderedDict[int, tuple[Subscription, Catalog, Subscription]] = OrderedDict()


def with_products(sub: Subscription, products: Mapping[str, Product]) -> Subscription:
    """`sub` with every item's price given its product when `products` has it."""
    if all(
        item.price.product is not None or item.price.product_id not in products
        for item in sub.items
    ):
        return sub
    return replace(
        sub,
        items=tuple(
            replace(item, price=replace(item.price, product=products[item.price.product_id]))
            if item.price.product is None and item.price.product_id in products
            else item
            for item in sub.items
        ),
    )


def with_catalog_products(sub: Subscription, catalog: Catalog) -> Subscription | None:
    """`sub` with its products from `catalog` (the same object for the same model), or None
    when some product is not in the catalog."""
    entry = _kept.get(id(sub))
    if entry is not None and entry[0] is sub and entry[1] is catalog:
        return entry[2]
    products = catalog.products
    if any(
        item.price.product is None and item.price.product_id not in products for item in sub.items
    ):
        return None
    done = with_products(sub, products)
    _kept[id(sub)] = (sub, catalog, done)
    while len(_kept) > KEPT:
        _kept.popitem(last=False)
    return done


__all__ = ["with_catalog_products", "with_products"]
