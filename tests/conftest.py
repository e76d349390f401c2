"""Shared fixtures: a real emulator on a loopback port and the real async Stripe SDK talking to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
import stripe
from aiohttp import web

from gateway.emulator.app import RUNTIME, Runtime, create_app
from gateway.emulator.state import Emulator

API_KEY = "sk_test_emulator_0123456789"


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
