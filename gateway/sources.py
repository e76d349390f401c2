"""Where the running gateway's portal configurations and catalog come from, and their refresh.

Configurations come from the file (`GATEWAY_PORTAL_CONFIG`), from Stripe by id
(`GATEWAY_PORTAL_CONFIGURATION_IDS`), or, when neither is set, from every configuration
in the Stripe account (inactive ones only serve the sessions created under them). The
catalog (products and prices) is read whole, so listed prices are validated at start and
`plans` and the policy never wait on Stripe.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .billing.catalog_fetch import fetch_catalog
from .billing.feedback_options import fetch_feedback_options
from .billing.payment_method_configuration_check import payment_method_configurations_state
from .billing.portal_configuration_list import list_portal_configurations
from .billing.portal_configurations import fetch_portal_configurations
from .portal.catalog import Catalog
from .portal.feedback_options import (
    attach_feedback_options,
    feedback_option_ids,
    payment_method_configuration_ids,
    payment_method_configuration_problems,
)
from .portal.loading import load_configuration_file
from .portal.problems import ConfigurationError, errors_only
from .portal.registry import ConfigurationRegistry, collect_configurations

if TYPE_CHECKING:
    import stripe

    from .settings import Settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sources:
    registry: ConfigurationRegistry
    catalog: Catalog


async def read_catalog(client: stripe.StripeClient) -> Catalog:
    """Every product and price, each price carrying its product."""
    products, prices = await fetch_catalog(client)
    by_id = {product.id: product for product in products}
    return Catalog.build(
        products,
        [dataclasses.replace(price, product=by_id.get(price.product_id)) for price in prices],
    )


async def _with_feedback_options(
    client: stripe.StripeClient, registry: ConfigurationRegistry
) -> ConfigurationRegistry:
    """The registry with each named feedback option read from Stripe (its text, status);
    an unknown one, or an unknown or inactive payment method configuration, stops the start."""
    configurations = list(registry)
    option_ids = feedback_option_ids(configurations)
    pmc_ids = payment_method_configuration_ids(configurations)
    if not option_ids and not pmc_ids:
        return registry
    found, pmc_state = await asyncio.gather(
        fetch_feedback_options(client, option_ids),
        payment_method_configurations_state(client, pmc_ids),
    )
    attached, problems = attach_feedback_options(configurations, found)
    problems += payment_method_configuration_problems(configurations, pmc_state)
    if problems:
        raise ConfigurationError(problems)
    return ConfigurationRegistry(attached)


async def load_sources(settings: Settings, client: stripe.StripeClient) -> Sources:
    """Read and check everything; `ConfigurationError` lists every problem found.

    Stripe being unreachable raises `BillingError` (the caller retries).
    """
    stripe_configurations: list[dict[str, Any]]
    if settings.portal_configuration_ids:
        catalog, stripe_configurations = await asyncio.gather(
            read_catalog(client),
            fetch_portal_configurations(client, settings.portal_configuration_ids),
        )
    elif settings.portal_config is None:
        catalog, stripe_configurations = await asyncio.gather(
            read_catalog(client), list_portal_configurations(client)
        )
    else:
        catalog, stripe_configurations = await read_catalog(client), []
    from_file = (
        load_configuration_file(settings.portal_config, catalog=catalog)
        if settings.portal_config is not None
        else None
    )
    configurations, problems = collect_configurations(
        from_file, stripe_configurations, catalog=catalog
    )
    if errors_only(problems):
        raise ConfigurationError(problems)
    for problem in problems:
        # Warnings do not stop the start, but are never silent.
        logger.warning("portal configuration %s", problem)
    registry = await _with_feedback_options(client, ConfigurationRegistry(configurations))
    logger.info(
        "loaded %d portal configuration(s) (default %s) and %d price(s)",
        len(registry),
        registry.default.id,
        len(catalog.prices),
    )
    return Sources(registry=registry, catalog=catalog)
