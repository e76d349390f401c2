"""Shared fixtures: a real emulator on a loopback port, the real async Stripe SDK talking to it,
and the gateway under test pointed at it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import stripe
from stripe_emulator.testing import TEST_API_KEY, RunningEmulator, running_emulator

from tests.support.gateway import GatewayFactory, RunningGateway
from tests.support.identity import IdentityProvider
from tests.support.world import World, build_world

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

API_KEY = TEST_API_KEY
__all__ = ["API_KEY", "RunningEmulator"]
# `redis_server` / `redis_url`: a real Redis for the tests that need one; markers held to
# the tests that need a browser, Redis or a benchmark; pytest run in-process for its tests.
pytest_plugins = ["tests.support.markers", "tests.redis_server", "pytester"]


@pytest.fixture
async def emulator() -> AsyncIterator[RunningEmulator]:
    async with running_emulator() as running:
        yield running


@pytest.fixture
async def stripe_client(emulator: RunningEmulator) -> AsyncIterator[stripe.StripeClient]:
    http = stripe.AIOHTTPClient()
    client = stripe.StripeClient(
        API_KEY, base_addresses={"api": emulator.url}, http_client=http, max_network_retries=0
    )
    yield client
    await http.close_async()


# -- the gateway under test ------------------------------------------------------------


@pytest.fixture
async def gateway_factory(
    emulator: RunningEmulator, tmp_path: Path
) -> AsyncIterator[GatewayFactory]:
    """Start gateways pointed at the emulator: `await gateway_factory.start(configurations)`."""
    factory = GatewayFactory(emulator.url, tmp_path)
    yield factory
    await factory.close()


@pytest.fixture
async def world(stripe_client: stripe.StripeClient) -> World:
    """Two customers with cards, tax IDs, subscriptions and invoices, and a catalog."""
    return await build_world(stripe_client)


@pytest.fixture
async def gateway(gateway_factory: GatewayFactory, world: World) -> RunningGateway:
    """A gateway serving the world's configurations (`full` is the default)."""
    return await gateway_factory.start(world.configurations())


@pytest.fixture
async def identity_provider() -> AsyncIterator[IdentityProvider]:
    """A local OIDC identity provider (discovery, JWKS, rotating keys) that signs tokens."""
    provider = IdentityProvider()
    await provider.start()
    yield provider
    await provider.close()
