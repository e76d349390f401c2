"""Rules a configuration must follow beyond its types, each reported with the path it breaks.

Some are Stripe's own create-time validations (so a file cannot hold what Stripe would
refuse), some are what the portal needs to make sense (a product listed once, prices that
exist and are recurring prices of the product they are listed under). With a `Catalog`
the product and price ids are checked against what really exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlparse

from .problems import ConfigProblem

if TYPE_CHECKING:
    from collections.abc import Hashable, Sequence

    from .catalog import Catalog
    from .configuration import Configuration, ProductRule

MAX_PRODUCTS = 10
MAX_HEADLINE = 60
MAX_METADATA_KEYS = 50
MAX_METADATA_KEY = 40
MAX_METADATA_VALUE = 500
# Stripe: "The maximum duration is three years."
MAX_PAUSE_DAYS = 3 * 365
PAUSE_UNIT_LIMIT = {"day": MAX_PAUSE_DAYS, "week": 156, "month": 36, "year": 3}


def validate_configuration(
    config: Configuration, catalog: Catalog | None = None
) -> list[ConfigProblem]:
    """Every rule violation in `config`; paths are relative to the configuration object."""
    problems: list[ConfigProblem] = []
    problems += _identity(config)
    problems += _login_page(config)
    problems += _business(config)
    problems += _customer_update(config)
    problems += _subscription_cancel(config)
    problems += _subscription_pause(config)
    problems += _subscription_update(config)
    if catalog is not None:
        problems += _catalog(config, catalog)
    return problems


def _duplicates(values: Sequence[Hashable], path: str, what: str) -> list[ConfigProblem]:
    seen: dict[Hashable, int] = {}
    problems = []
    for index, value in enumerate(values):
        if value in seen:
            problems.append(
                ConfigProblem(
                    f"{path}[{index}]",
                    f"{what} {value!r} is listed twice (first at {path}[{seen[value]}])",
                )
            )
        else:
            seen[value] = index
    return problems


def _identity(config: Configuration) -> list[ConfigProblem]:
    problems = []
    if not config.id or any(ch.isspace() for ch in config.id):
        problems.append(ConfigProblem("id", f"{config.id!r} is not a usable id"))
    if config.is_default and not config.active:
        problems.append(ConfigProblem("active", "the default configuration must be active"))
    return problems


def _login_page(config: Configuration) -> list[ConfigProblem]:
    if not config.login_page.enabled:
        return []
    return [
        ConfigProblem(
            "login_page.enabled",
            "Stripe's hosted login page has no counterpart here: your own sign-in creates "
            "portal sessions (createPortalSession, or your identity provider's tokens)",
            "warning",
        )
    ]


def _is_url(value: str) -> bool:
    parsed = urlparse(value)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def _business(config: Configuration) -> list[ConfigProblem]:
    problems = []
    profile = config.business_profile
    if profile.headline is not None and len(profile.headline) > MAX_HEADLINE:
        problems.append(
            ConfigProblem(
                "business_profile.headline",
                f"is {len(profile.headline)} characters; Stripe allows at most {MAX_HEADLINE}",
            )
        )
    urls = {
        "business_profile.privacy_policy_url": profile.privacy_policy_url,
        "business_profile.terms_of_service_url": profile.terms_of_service_url,
        "default_return_url": config.default_return_url,
    }
    for path, url in urls.items():
        if url and not _is_url(url):
            problems.append(ConfigProblem(path, f"{url!r} is not an absolute http(s) URL"))
    metadata = config.metadata or {}
    if len(metadata) > MAX_METADATA_KEYS:
        problems.append(
            ConfigProblem(
                "metadata", f"has {len(metadata)} keys; Stripe allows {MAX_METADATA_KEYS}"
            )
        )
    for key, value in metadata.items():
        if len(key) > MAX_METADATA_KEY:
            problems.append(
                ConfigProblem(
                    f"metadata.{key}", f"key is longer than {MAX_METADATA_KEY} characters"
                )
            )
        if len(value) > MAX_METADATA_VALUE:
            problems.append(
                ConfigProblem(
                    f"metadata.{key}", f"value is longer than {MAX_METADATA_VALUE} characters"
                )
            )
    return problems


def _customer_update(config: Configuration) -> list[ConfigProblem]:
    feature = config.features.customer_update
    return _duplicates(
        feature.allowed_updates, "features.customer_update.allowed_updates", "update"
    )


def _subscription_cancel(config: Configuration) -> list[ConfigProblem]:
    feature = config.features.subscription_cancel
    base = "features.subscription_cancel"
    problems = []
    if feature.proration_behavior == "always_invoice":
        problems.append(
            ConfigProblem(
                f"{base}.proration_behavior",
                "'always_invoice' is not allowed when canceling; use 'none' or 'create_prorations'",
            )
        )
    elif feature.proration_behavior == "create_prorations" and feature.mode != "immediately":
        problems.append(
            ConfigProblem(
                f"{base}.proration_behavior",
                "'create_prorations' is only compatible with mode 'immediately' "
                "(nothing is prorated at the end of a period)",
            )
        )
    reason = feature.cancellation_reason
    if reason.enabled and not reason.options and not reason.feedback_options:
        problems.append(
            ConfigProblem(
                f"{base}.cancellation_reason.options",
                "cancellation reasons are enabled but no option is listed",
            )
        )
    problems += _duplicates(reason.options, f"{base}.cancellation_reason.options", "reason")
    problems += _duplicates(
        reason.feedback_option_ids,
        f"{base}.cancellation_reason.feedback_options",
        "feedback option",
    )
    return problems


def _subscription_pause(config: Configuration) -> list[ConfigProblem]:
    duration = config.features.subscription_pause.duration
    base = "features.subscription_pause.duration"
    problems = []
    if duration.type == "interval_options" and not duration.interval_options:
        problems.append(
            ConfigProblem(
                f"{base}.interval_options",
                "is required (and must not be empty) when type is 'interval_options'",
            )
        )
    for index, option in enumerate(duration.interval_options):
        if option.interval_count > PAUSE_UNIT_LIMIT[option.interval]:
            problems.append(
                ConfigProblem(
                    f"{base}.interval_options[{index}].interval_count",
                    f"{option.interval_count} {option.interval}(s) is longer than the "
                    "three years Stripe allows",
                )
            )
    problems += _duplicates(
        [(o.interval, o.interval_count) for o in duration.interval_options],
        f"{base}.interval_options",
        "option",
    )
    return problems


UPDATE = "features.subscription_update"


def _subscription_update(config: Configuration) -> list[ConfigProblem]:
    feature = config.features.subscription_update
    problems = _duplicates(
        feature.default_allowed_updates, f"{UPDATE}.default_allowed_updates", "update"
    )
    problems += _duplicates(
        [c.type for c in feature.schedule_at_period_end.conditions],
        f"{UPDATE}.schedule_at_period_end.conditions",
        "condition",
    )
    if feature.enabled and not config.features.payment_method_update.enabled:
        problems.append(
            ConfigProblem(
                f"{UPDATE}.enabled",
                "subscription updates cannot be enabled while payment method update is "
                "disabled (Stripe refuses this configuration)",
            )
        )
    return problems + _update_products(config)


def _update_products(config: Configuration) -> list[ConfigProblem]:
    """The product list: present when updates can happen, not empty, not too long."""
    feature = config.features.subscription_update
    products = feature.products
    if products is None:
        if not (feature.enabled and feature.default_allowed_updates):
            return []
        return [
            ConfigProblem(
                f"{UPDATE}.products",
                "is missing, so no subscription can be updated; Stripe returns it only "
                "when expanded (expand[]=features.subscription_update.products)",
                "warning",
            )
        ]
    problems = []
    if (
        feature.enabled
        and not products
        and set(feature.default_allowed_updates) - {"promotion_code"}
    ):
        problems.append(
            ConfigProblem(
                f"{UPDATE}.products",
                "subscription updates are enabled but no product is listed",
            )
        )
    if len(products) > MAX_PRODUCTS:
        problems.append(
            ConfigProblem(
                f"{UPDATE}.products",
                f"lists {len(products)} products; Stripe allows at most {MAX_PRODUCTS}",
            )
        )
    return problems + _product_rules(products)


def _product_rules(products: Sequence[ProductRule]) -> list[ConfigProblem]:
    """Each product listed once, with prices, each price under one product, sane bounds."""
    problems = []
    first_product: dict[str, int] = {}
    first_price: dict[str, tuple[str, str]] = {}
    for index, rule in enumerate(products):
        path = f"{UPDATE}.products[{index}]"
        if rule.product in first_product:
            problems.append(
                ConfigProblem(
                    f"{path}.product",
                    f"{rule.product} is listed twice "
                    f"(first at {UPDATE}.products[{first_product[rule.product]}])",
                )
            )
        else:
            first_product[rule.product] = index
        problems += _rule_prices(path, rule, first_price)
        problems += _quantity_bounds(path, rule)
    return problems


def _rule_prices(
    path: str, rule: ProductRule, first_price: dict[str, tuple[str, str]]
) -> list[ConfigProblem]:
    """A product's prices: at least one, none listed before (`first_price` remembers where)."""
    if not rule.prices:
        return [ConfigProblem(f"{path}.prices", f"{rule.product} lists no prices")]
    problems = []
    for price_index, price_id in enumerate(rule.prices):
        if price_id in first_price:
            where, owner = first_price[price_id]
            problems.append(
                ConfigProblem(
                    f"{path}.prices[{price_index}]",
                    f"{price_id} is already listed under {owner} ({where})",
                )
            )
        else:
            first_price[price_id] = (f"{path}.prices[{price_index}]", rule.product)
    return problems


def _quantity_bounds(path: str, rule: ProductRule) -> list[ConfigProblem]:
    quantity = rule.adjustable_quantity
    if quantity.maximum is not None and quantity.maximum < quantity.minimum:
        return [
            ConfigProblem(
                f"{path}.adjustable_quantity.maximum",
                f"{quantity.maximum} is below the minimum {quantity.minimum}",
            )
        ]
    return []


def _catalog(config: Configuration, catalog: Catalog) -> list[ConfigProblem]:
    base = "features.subscription_update.products"
    problems = []
    for index, rule in enumerate(config.features.subscription_update.products or ()):
        problems += _catalog_product(f"{base}[{index}]", rule, catalog)
    return problems


def _catalog_product(path: str, rule: ProductRule, catalog: Catalog) -> list[ConfigProblem]:
    problems = []
    product = catalog.product(rule.product)
    if product is None:
        problems.append(ConfigProblem(f"{path}.product", f"{rule.product} does not exist"))
    elif not product.active:
        problems.append(ConfigProblem(f"{path}.product", f"{rule.product} is inactive (archived)"))
    for index, price_id in enumerate(rule.prices):
        where = f"{path}.prices[{index}]"
        price = catalog.price(price_id)
        if price is None:
            problems.append(ConfigProblem(where, f"{price_id} does not exist"))
        elif price.product_id != rule.product:
            problems.append(
                ConfigProblem(
                    where, f"{price_id} belongs to {price.product_id}, not {rule.product}"
                )
            )
        elif not price.is_recurring:
            problems.append(
                ConfigProblem(where, f"{price_id} is not a recurring price of {rule.product}")
            )
        elif price.usage_type == "metered":
            problems.append(
                ConfigProblem(
                    where,
                    f"{price_id} is a metered (usage-based) price; the portal cannot "
                    "update subscriptions to it",
                )
            )
        elif not price.active:
            problems.append(ConfigProblem(where, f"{price_id} is inactive (archived)"))
    return problems
