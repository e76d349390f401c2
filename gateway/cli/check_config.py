"""`python -m gateway check-config FILE`: print every problem, exit non-zero on any error.

Without Stripe the file is checked on its own. With `--with-stripe` the catalog (products
and prices) and the configurations named in GATEWAY_PORTAL_CONFIGURATION_IDS are read from
Stripe first, so listed prices are checked against what exists and the default is checked
across both sources, exactly as the server does when it starts. The reading lives here,
the checking in `portal/` (which does no I/O).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from ..portal import Catalog, check_configuration_file

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from ..settings import Settings


@dataclass(frozen=True)
class StripeSources:
    """What the check reads from Stripe."""

    catalog: Catalog
    configurations: Sequence[Mapping[str, Any]] = field(default_factory=tuple)


StripeFetcher = Callable[[], Coroutine[Any, Any, StripeSources]]


def stripe_fetcher(settings: Settings) -> StripeFetcher:
    """Read the catalog and the configured `bpc_...` ids through billing/ (the default)."""

    async def fetch() -> StripeSources:
        from ..billing import fetch_catalog, fetch_portal_configurations, open_stripe

        async with open_stripe(settings) as client:
            products, prices = await fetch_catalog(client)
            configurations = await fetch_portal_configurations(
                client, settings.portal_configuration_ids
            )
        return StripeSources(Catalog.build(products, prices), configurations)

    return fetch


def _fetcher_from_environment(stream: TextIO) -> StripeFetcher | None:
    """The Stripe reader the GATEWAY_* settings describe, or None once it said, in one line
    each, what is missing or invalid (no key is not "the billing service is unavailable")."""
    from pydantic import ValidationError

    from ..settings import Settings
    from ..startup import settings_problems

    try:
        settings = Settings()
    except ValidationError as exc:
        for line in settings_problems(exc):
            print(f"invalid setting {line}", file=stream)
        return None
    if not settings.stripe_api_key.get_secret_value():
        print("cannot read the catalog from Stripe: GATEWAY_STRIPE_API_KEY is not set", file=stream)
        return None
    return stripe_fetcher(settings)


def check_config_command(
    path: str,
    *,
    with_stripe: bool,
    fetch_stripe: StripeFetcher | None = None,
    out: TextIO | None = None,
) -> int:
    """Check a configuration file; 0 when valid (warnings allowed), 1 otherwise."""
    stream = out if out is not None else sys.stdout
    catalog: Catalog | None = None
    stripe_configurations: Sequence[Mapping[str, Any]] = ()
    if with_stripe:
        if fetch_stripe is None:
            fetch_stripe = _fetcher_from_environment(stream)
            if fetch_stripe is None:
                return 1
        try:
            sources = asyncio.run(fetch_stripe())
        except Exception as error:  # any failure to read Stripe is reported, not raised
            print(f"cannot read the catalog from Stripe: {error}", file=stream)
            return 1
        catalog, stripe_configurations = sources.catalog, sources.configurations
    result = check_configuration_file(
        path, catalog=catalog, stripe_configurations=stripe_configurations
    )
    for line in result.lines:
        print(line, file=stream)
    return 0 if result.valid else 1
