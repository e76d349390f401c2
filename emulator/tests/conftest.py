"""Fixtures: a real emulator on a loopback port and the real async Stripe SDK talking to it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import stripe
from stripe_emulator.testing import TEST_API_KEY, RunningEmulator, running_emulator

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


@pytest.fixture
async def emulator() -> AsyncIterator[RunningEmulator]:
    async with running_emulator() as running:
        yield running


@pytest.fixture
async def stripe_client(emulator: RunningEmulator) -> AsyncIterator[stripe.StripeClient]:
    http = stripe.AIOHTTPClient()
    client = stripe.StripeClient(
        TEST_API_KEY, base_addresses={"api": emulator.url}, http_client=http, max_network_retries=0
    )
    yield client
    await http.close_async()
