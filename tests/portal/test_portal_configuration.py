"""The configuration model: Stripe's JSON loads unchanged; every bad one is refused by path."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gateway.models import Price, Product
from gateway.portal.catalog import Catalog
from gateway.portal.loading import parse_configuration, parse_configurations
from gateway.portal.problems import ConfigProblem
from tests.portal.portal_builders import FULL, config_data

# What Stripe's API returns for a configuration under API 2026-10-28 (products expanded),
# read-only fields and expanded feedback options included.
STRIPE_JSON: dict[str, Any] = {
    "id": "bpc_1Q0aBcDeFgHiJkLm",
    "object": "billing_portal.configuration",
    "active": True,
    "application": None,
    "business_profile": {
        "headline": None,
        "privacy_policy_url": "https://example.com/privacy",
        "terms_of_service_url": "https://example.com/terms",
    },
    "created": 1_760_000_000,
    "default_return_url": None,
    "features": {
        "customer_update": {"allowed_updates": ["email", "tax_id"], "enabled": True},
        "invoice_history": {"enabled": True},
        "payment_method_update": {"enabled": True, "payment_method_configuration": None},
        "subscription_cancel": {
            "cancellation_reason": {
                "enabled": True,
                "feedback_options": [{"id": "bfo_123", "object": "billing.feedback_option"}],
                "options": ["too_expensive", "unused", "other"],
            },
            "enabled": True,
            "mode": "immediately",
            "proration_behavior": "create_prorations",
        },
        "subscription_pause": {
            "duration": {"interval_options": [], "type": "indefinite"},
            "enabled": False,
        },
        "subscription_update": {
            "billing_cycle_anchor": "unchanged",
            "default_allowed_updates": ["price"],
            "enabled": True,
            "products": [
                {
                    "adjustable_quantity": {"enabled": False, "maximum": None, "minimum": 0},
                    "prices": ["price_1", "price_2"],
                    "product": "prod_1",
                }
            ],
            "proration_behavior": "always_invoice",
            "schedule_at_period_end": {
                "conditions": [{"type": "decreasing_item_amount"}, {"type": "shortening_interval"}]
            },
            "trial_update_behavior": "continue_trial",
        },
    },
    "is_default": True,
    "livemode": False,
    "login_page": {"enabled": True, "url": "https://billing.stripe.com/p/login/test_abc"},
    "metadata": {"team": "growth"},
    "name": "Main portal",
    "updated": 1_760_000_100,
}


def test_stripe_json_loads_unchanged() -> None:
    config, problems = parse_configuration(STRIPE_JSON)
    # Its login page is enabled: loaded, with a warning that it has no counterpart here.
    assert [(p.path, p.severity) for p in problems] == [("login_page.enabled", "warning")]
    assert config is not None
    assert config.id == "bpc_1Q0aBcDeFgHiJkLm"
    assert config.login_page.url == "https://billing.stripe.com/p/login/test_abc"
    reason = config.features.subscription_cancel.cancellation_reason
    assert reason.feedback_option_ids == ("bfo_123",)
    update = config.features.subscription_update
    assert update.products is not None
    assert update.products[0].prices == ("price_1", "price_2")
    assert update.products[0].adjustable_quantity.enabled is False
    assert [c.type for c in update.schedule_at_period_end.conditions] == [
        "decreasing_item_amount",
        "shortening_interval",
    ]
    assert update.trial_update_behavior == "continue_trial"


def test_unexpanded_stripe_json_loads_with_a_warning() -> None:
    data = json.loads(json.dumps(STRIPE_JSON))
    del data["features"]["subscription_update"]["products"]
    del data["features"]["subscription_pause"]
    data["login_page"]["enabled"] = False
    config, problems = parse_configuration(data)
    assert config is not None
    assert config.features.subscription_update.products is None
    assert config.features.subscription_pause.enabled is False
    assert [str(p) for p in problems] == [
        "warning: features.subscription_update.products: is missing, so no subscription can "
        "be updated; Stripe returns it only when expanded "
        "(expand[]=features.subscription_update.products)"
    ]


def test_minimal_hand_written_configuration_gets_stripes_defaults() -> None:
    config, problems = parse_configuration({"id": "basic", "features": {}})
    assert problems == []
    assert config is not None
    features = config.features
    assert not features.subscription_cancel.enabled
    assert features.subscription_cancel.mode == "at_period_end"
    assert features.subscription_update.proration_behavior == "none"
    assert features.subscription_update.trial_update_behavior == "end_trial"
    pause = features.subscription_pause.duration
    assert (pause.type, [(o.interval, o.interval_count) for o in pause.interval_options]) == (
        "interval_options",
        [("month", 1)],
    )
    assert config.active is True
    assert config.is_default is False


def test_a_listed_product_without_adjustable_quantity_is_adjustable_as_on_stripe() -> None:
    data = config_data()
    del data["features"]["subscription_update"]["products"][0]["adjustable_quantity"]
    config, _ = parse_configuration(data)
    assert config is not None
    products = config.features.subscription_update.products
    assert products is not None
    limits = products[0].adjustable_quantity
    assert (limits.enabled, limits.minimum, limits.maximum) == (True, 0, None)


def _with(path: str, value: Any) -> dict[str, Any]:
    return config_data(**{path: value})


def _many_products() -> dict[str, Any]:
    products = [{"product": f"prod_{i}", "prices": [f"price_{i}"]} for i in range(11)]
    return _with("features.subscription_update.products", products)


def _without_features() -> dict[str, Any]:
    data = config_data()
    del data["features"]
    return data


def _nested_unknown() -> dict[str, Any]:
    data = config_data()
    data["features"]["subscription_cancel"]["moed"] = "immediately"
    return data


PRODUCTS = "features.subscription_update.products"
BAD: list[tuple[str, dict[str, Any], str]] = [
    ("unknown top-level key", {**FULL, "colour": "blue"}, "colour: unknown key"),
    (
        "unknown nested key",
        _nested_unknown(),
        "features.subscription_cancel.moed: unknown key",
    ),
    (
        "bad cancel mode",
        _with("features.subscription_cancel.mode", "later"),
        "features.subscription_cancel.mode: 'later' is not valid; expected 'at_period_end' "
        "or 'immediately'",
    ),
    (
        "bad customer field",
        _with("features.customer_update.allowed_updates", ["email", "fax"]),
        "features.customer_update.allowed_updates[1]: 'fax' is not valid; expected 'address', "
        "'email', 'name', 'phone', 'shipping' or 'tax_id'",
    ),
    (
        "bad update type",
        _with("features.subscription_update.default_allowed_updates", ["plan"]),
        "features.subscription_update.default_allowed_updates[0]: 'plan' is not valid",
    ),
    (
        "bad proration behaviour",
        _with("features.subscription_update.proration_behavior", "sometimes"),
        "features.subscription_update.proration_behavior: 'sometimes' is not valid",
    ),
    (
        "bad schedule condition",
        _with("features.subscription_update.schedule_at_period_end.conditions", [{"type": "x"}]),
        "features.subscription_update.schedule_at_period_end.conditions[0].type: 'x' is not valid",
    ),
    (
        "bad trial behaviour",
        _with("features.subscription_update.trial_update_behavior", "extend"),
        "features.subscription_update.trial_update_behavior: 'extend' is not valid",
    ),
    (
        "bad pause interval",
        _with(
            "features.subscription_pause.duration.interval_options",
            [{"interval": "fortnight"}],
        ),
        "features.subscription_pause.duration.interval_options[0].interval: 'fortnight' is "
        "not valid",
    ),
    (
        "string for a boolean",
        _with("features.invoice_history.enabled", "yes"),
        "features.invoice_history.enabled: expected a boolean, got str 'yes'",
    ),
    ("features missing", _without_features(), "features: required"),
    (
        "wrong object",
        {**FULL, "object": "billing_portal.session"},
        "object: 'billing_portal.session' is not valid",
    ),
    (
        "product listed twice",
        _with(
            PRODUCTS,
            [
                {"product": "prod_PRO", "prices": ["price_pro_m"]},
                {"product": "prod_PRO", "prices": ["price_pro_y"]},
            ],
        ),
        f"{PRODUCTS}[1].product: prod_PRO is listed twice (first at {PRODUCTS}[0])",
    ),
    (
        "price listed twice in a product",
        _with(PRODUCTS, [{"product": "prod_PRO", "prices": ["price_pro_m", "price_pro_m"]}]),
        f"{PRODUCTS}[0].prices[1]: price_pro_m is already listed under prod_PRO "
        f"({PRODUCTS}[0].prices[0])",
    ),
    (
        "price listed under two products",
        _with(
            PRODUCTS,
            [
                {"product": "prod_BASIC", "prices": ["price_pro_m"]},
                {"product": "prod_PRO", "prices": ["price_pro_m"]},
            ],
        ),
        f"{PRODUCTS}[1].prices[0]: price_pro_m is already listed under prod_BASIC",
    ),
    (
        "product without prices",
        _with(PRODUCTS, [{"product": "prod_PRO", "prices": []}]),
        f"{PRODUCTS}[0].prices: prod_PRO lists no prices",
    ),
    ("too many products", _many_products(), f"{PRODUCTS}: lists 11 products"),
    (
        "no products while updates are on",
        _with(PRODUCTS, []),
        f"{PRODUCTS}: subscription updates are enabled but no product is listed",
    ),
    (
        "quantity maximum below minimum",
        _with(
            PRODUCTS,
            [
                {
                    "product": "prod_PRO",
                    "prices": ["price_pro_m"],
                    "adjustable_quantity": {"enabled": True, "minimum": 5, "maximum": 2},
                }
            ],
        ),
        f"{PRODUCTS}[0].adjustable_quantity.maximum: 2 is below the minimum 5",
    ),
    (
        "negative minimum",
        _with(
            PRODUCTS,
            [
                {
                    "product": "prod_PRO",
                    "prices": ["price_pro_m"],
                    "adjustable_quantity": {"enabled": True, "minimum": -1},
                }
            ],
        ),
        f"{PRODUCTS}[0].adjustable_quantity.minimum: -1 is too small; must be at least 0",
    ),
    (
        "always_invoice on cancel",
        _with("features.subscription_cancel.proration_behavior", "always_invoice"),
        "features.subscription_cancel.proration_behavior: 'always_invoice' is not allowed",
    ),
    (
        "prorating a cancel at period end",
        _with("features.subscription_cancel.proration_behavior", "create_prorations"),
        "features.subscription_cancel.proration_behavior: 'create_prorations' is only "
        "compatible with mode 'immediately'",
    ),
    (
        "reasons on without options",
        _with("features.subscription_cancel.cancellation_reason.options", []),
        "features.subscription_cancel.cancellation_reason.options: cancellation reasons are "
        "enabled but no option is listed",
    ),
    (
        "reason listed twice",
        _with("features.subscription_cancel.cancellation_reason.options", ["other", "other"]),
        "features.subscription_cancel.cancellation_reason.options[1]: reason 'other' is "
        "listed twice",
    ),
    (
        "pause options missing",
        _with("features.subscription_pause.duration.interval_options", []),
        "features.subscription_pause.duration.interval_options: is required",
    ),
    (
        "pause longer than three years",
        _with(
            "features.subscription_pause.duration.interval_options",
            [{"interval": "month", "interval_count": 40}],
        ),
        "features.subscription_pause.duration.interval_options[0].interval_count: 40 month(s) "
        "is longer than the three years Stripe allows",
    ),
    (
        "updates without payment methods",
        _with("features.payment_method_update.enabled", False),
        "features.subscription_update.enabled: subscription updates cannot be enabled while "
        "payment method update is disabled",
    ),
    (
        "long headline",
        _with("business_profile.headline", "x" * 61),
        "business_profile.headline: is 61 characters; Stripe allows at most 60",
    ),
    (
        "relative URL",
        _with("business_profile.terms_of_service_url", "/terms"),
        "business_profile.terms_of_service_url: '/terms' is not an absolute http(s) URL",
    ),
    (
        "inactive default",
        _with("active", False),
        "active: the default configuration must be active",
    ),
    (
        "too much metadata",
        _with("metadata", {f"k{i}": "v" for i in range(51)}),
        "metadata: has 51 keys; Stripe allows 50",
    ),
    (
        "unusable id",
        _with("id", "my portal"),
        "id: 'my portal' is not a usable id",
    ),
]


@pytest.mark.parametrize(("data", "expected"), [case[1:] for case in BAD], ids=[c[0] for c in BAD])
def test_bad_configuration_is_refused_with_its_path(data: dict[str, Any], expected: str) -> None:
    config, problems = parse_configuration(data)
    assert config is None
    messages = [str(p) for p in problems]
    assert any(m.startswith(expected) for m in messages), messages


def test_every_problem_is_reported_not_just_the_first() -> None:
    data = config_data(
        **{
            "features.subscription_cancel.mode": "later",
            "features.customer_update.allowed_updates": ["fax"],
        }
    )
    data["extra"] = 1
    _, problems = parse_configuration(data)
    assert {p.path for p in problems} == {
        "features.subscription_cancel.mode",
        "features.customer_update.allowed_updates[0]",
        "extra",
    }


CATALOG = Catalog.build(
    [
        Product("prod_PRO", "Pro", True),
        Product("prod_BASIC", "Basic", True),
        Product("prod_OLD", "Old", False),
    ],
    [
        Price("price_pro_m", "prod_PRO", True, "usd", 3000, "recurring", "month"),
        Price("price_basic_m", "prod_BASIC", True, "usd", 1000, "recurring", "month"),
        Price("price_setup", "prod_PRO", True, "usd", 5000, "one_time"),
        Price("price_gone", "prod_PRO", False, "usd", 2000, "recurring", "month"),
        Price(
            "price_usage", "prod_PRO", True, "usd", 5, "recurring", "month", usage_type="metered"
        ),
        Price("price_old", "prod_OLD", True, "usd", 100, "recurring", "month"),
    ],
)


def _listing(product: str, *prices: str) -> dict[str, Any]:
    return _with(
        PRODUCTS,
        [
            {"product": "prod_BASIC", "prices": ["price_basic_m"]},
            {"product": product, "prices": list(prices)},
        ],
    )


CATALOG_BAD = [
    (
        "one-time price",
        _listing("prod_PRO", "price_pro_m", "price_setup"),
        f"{PRODUCTS}[1].prices[1]: price_setup is not a recurring price of prod_PRO",
    ),
    (
        "missing price",
        _listing("prod_PRO", "price_x"),
        f"{PRODUCTS}[1].prices[0]: price_x does not exist",
    ),
    (
        "price of another product",
        _with(PRODUCTS, [{"product": "prod_PRO", "prices": ["price_basic_m"]}]),
        f"{PRODUCTS}[0].prices[0]: price_basic_m belongs to prod_BASIC, not prod_PRO",
    ),
    (
        "inactive price",
        _listing("prod_PRO", "price_gone"),
        f"{PRODUCTS}[1].prices[0]: price_gone is inactive (archived)",
    ),
    (
        "metered price",
        _listing("prod_PRO", "price_usage"),
        f"{PRODUCTS}[1].prices[0]: price_usage is a metered (usage-based) price",
    ),
    (
        "missing product",
        _listing("prod_GHOST", "price_pro_m"),
        f"{PRODUCTS}[1].product: prod_GHOST does not exist",
    ),
    (
        "inactive product",
        _listing("prod_OLD", "price_old"),
        f"{PRODUCTS}[1].product: prod_OLD is inactive (archived)",
    ),
]


@pytest.mark.parametrize(
    ("data", "expected"), [case[1:] for case in CATALOG_BAD], ids=[c[0] for c in CATALOG_BAD]
)
def test_catalog_rules_name_the_price(data: dict[str, Any], expected: str) -> None:
    config, problems = parse_configuration(data, catalog=CATALOG)
    assert config is None
    messages = [str(p) for p in problems]
    assert any(m.startswith(expected) for m in messages), messages


def test_catalog_accepts_a_good_listing() -> None:
    data = _with(
        PRODUCTS,
        [
            {"product": "prod_BASIC", "prices": ["price_basic_m"]},
            {"product": "prod_PRO", "prices": ["price_pro_m"]},
        ],
    )
    config, problems = parse_configuration(data, catalog=CATALOG)
    assert problems == []
    assert config is not None


def test_catalog_checks_only_run_with_a_catalog() -> None:
    config, problems = parse_configuration(_listing("prod_PRO", "price_x"))
    assert problems == []
    assert config is not None


def test_problem_text_and_location() -> None:
    problem = ConfigProblem("features.x", "bad")
    assert str(problem) == "features.x: bad"
    assert str(problem.under("[2]")) == "[2].features.x: bad"
    assert str(problem.under("configurations[0]")) == "configurations[0].features.x: bad"
    assert str(ConfigProblem("", "no file")) == "no file"


def test_a_file_of_stripe_json_round_trips_through_parse_configurations() -> None:
    loaded = parse_configurations(json.dumps([STRIPE_JSON]), "json")
    assert loaded.ok
    assert [c.id for c in loaded.configurations] == ["bpc_1Q0aBcDeFgHiJkLm"]
