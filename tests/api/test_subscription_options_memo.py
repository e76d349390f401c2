"""A subscription's options are kept for one request's policy context only
(`subscriptions/options_memo.py`): another request, customer or configuration never gets
them, even for the very same cached model."""

from __future__ import annotations

from gateway.api.subscriptions.options_memo import options_of
from gateway.models import Product
from gateway.portal import SubscriptionAction
from gateway.portal.catalog import Catalog
from gateway.portal.policy.available import subscription_options
from tests.portal.portal_builders import PRICES, config, ctx, subscription

CATALOG = Catalog.build([Product("prod_PRO", "Pro", True)], PRICES.values())


def test_one_request_works_the_options_out_once() -> None:
    request, sub = ctx(), subscription("price_pro_m")
    first = options_of(request, sub, CATALOG)
    assert options_of(request, sub, CATALOG) is first
    assert first == subscription_options(request, sub, CATALOG)


def test_another_request_under_other_rules_gets_its_own() -> None:
    sub = subscription("price_pro_m")  # the same cached model serves both requests
    allowing = options_of(ctx(), sub, CATALOG)
    refusing_ctx = ctx(config(**{"features.subscription_update.enabled": False}))
    refusing = options_of(refusing_ctx, sub, CATALOG)
    assert allowing.availability[SubscriptionAction.SWITCH_PRICE] is None
    assert allowing.switch_targets
    assert refusing.availability[SubscriptionAction.SWITCH_PRICE] is not None
    assert refusing.switch_targets == ()
    # ... and the first request, asking again, still gets its own answer.
    assert options_of(ctx(), sub, CATALOG) == allowing


def test_equal_models_of_two_customers_are_worked_out_apart() -> None:
    request = ctx()
    mine = subscription("price_pro_m", customer_id="cus_mine")
    theirs = subscription("price_pro_m", customer_id="cus_theirs")
    assert options_of(request, mine, CATALOG) is not options_of(request, theirs, CATALOG)
