"""An emulator, a gateway factory on it and an SDK client, outside pytest's fixtures: for
property tests that run their own event loop while hypothesis drives examples from a thread."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import stripe
from aiohttp import web
from stripe_emulator.app import create_app as create_emulator
from stripe_emulator.state import Emulator

from tests.conftest import API_KEY
from tests.support.gateway import GatewayFactory

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path


@asynccontextmanager
async def emulated_stripe(
    tmp_path: Path,
) -> AsyncIterator[tuple[GatewayFactory, stripe.StripeClient]]:
    """A seeded emulator on a free port; everything is closed when the block ends."""
    runner = web.AppRunner(create_emulator(Emulator(seed=1)), handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        factory = GatewayFactory(f"http://127.0.0.1:{port}", tmp_path)
        http = stripe.AIOHTTPClient()
        client = stripe.StripeClient(
            API_KEY, base_addresses={"api": factory.emulator_url}, http_client=http
        )
        try:
            yield factory, client
        finally:
            await http.close_async()
            await factory.close()
    finally:
        await runner.cleanup()
