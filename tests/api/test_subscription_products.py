"""The kept copies of subscriptions with their catalog products (`subscription_products`):
shared only for the very same model and catalog, never across customers or catalogs."""

from __future__ import annotations

from gateway.api.subscription_products import with_catalog_products
from gateway.models import Product
from gateway.portal.catalog import Catalog
from tests.portal.portal_builders import PRICES, subscription

PRO = Product("prod_PRO", "Pro", True)
BASIC = Product("prod_BASIC", "Basic", True)


def _catalog(*products: Product) -> Catalog:
    return Catalog.build(products, PRICES.values())


def test_the_same_model_gets_the_same_copy_with_its_products() -> None:
    catalog = _catalog(PRO, BASIC)
    sub = subscription("price_pro_m")
    first = with_catalog_products(sub, catalog)
    assert first is not None
    assert first.items[0].price.product == PRO
    assert with_catalog_products(sub, catalog) is first


def test_equal_models_of_two_customers_each_get_their_own() -> None:
    catalog = _catalog(PRO, BASIC)
    mine = subscription("price_pro_m", sub_id="sub_mine", customer_id="cus_mine")
    theirs = subscription("price_pro_m", sub_id="sub_theirs", customer_id="cus_theirs")
    got_mine = with_catalog_products(mine, catalog)
    got_theirs = with_catalog_products(theirs, catalog)
    assert got_mine is not None
    assert got_theirs is not None
    assert (got_mine.id, got_mine.customer_id) == ("sub_mine", "cus_mine")
    assert (got_theirs.id, got_theirs.customer_id) == ("sub_theirs", "cus_theirs")
    # A model equal in every value is still another customer's: not served the first copy.
    twin = subscription("price_pro_m", sub_id="sub_mine", customer_id="cus_mine")
    assert with_catalog_products(twin, catalog) is not got_mine


def test_a_new_catalog_is_not_answered_from_the_old_one() -> None:
    sub = subscription("price_pro_m")
    before = with_catalog_products(sub, _catalog(PRO))
    renamed = Product("prod_PRO", "Pro (renamed)", True)
    after = with_catalog_products(sub, _catalog(renamed))
    assert before is not None
    assert after is not None
    assert before.items[0].price.product == PRO
    assert after.items[0].price.product == renamed


def test_a_product_missing_from_the_catalog_is_left_to_the_caller() -> None:
    assert with_catalog_products(subscription("price_basic_m"), _catalog(PRO)) is None
