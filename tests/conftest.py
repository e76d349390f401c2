"""Shared fixtures: a real emulator on a loopback port, the real async Stripe SDK talking to it,
and the gateway under test pointed at it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp
import pytest
import stripe
from aiohttp import web

from gateway.emulator.app import RUNTIME, Runtime, create_app
from gateway.emulator.state import Emulator
from tests.support.gateway import GatewayFactory, RunningGateway
from tests.support.world import World, build_world

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

API_KEY = "sk_test_emulator_0123456789"
# `redis_server` / `redis_url`: a real Redis for the tests that need one.
pytest_plugins = ["tests.redis_server"]


class RunningEmulator:
    def __init__(self, url: str, runtime: Runtime) -> None:
        self.url = url
        self.runtime = runtime

    @property
    def emu(self) -> Emulator:
        return self.runtime.emu

    async def request_count(self, session: aiohttp.ClientSession | None = None) -> int:
        return len(self.runtime.log.entries)

    def reset_log(self) -> None:
        self.runtime.log.reset()


@pytest.fixture
async def emulator() -> AsyncIterator[RunningEmulator]:
    app = create_app(Emulator(seed=1))
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield RunningEmulator(f"http://127.0.0.1:{port}", app[RUNTIME])
    await runner.cleanup()


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
