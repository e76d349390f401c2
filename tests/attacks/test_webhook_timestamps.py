"""Webhook timestamps attacked from outside: a delivery signed for a moment beyond the
tolerance ahead of the clock must be refused however its Stripe-Signature header is spelled.
The SDK verifies the signature with the first item named exactly `t`; the gateway's future
check must read that same item, or a `t` with a space in front dated now would hide it."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

import stripe

from gateway.webhooks.handler import WEBHOOK_PATH

if TYPE_CHECKING:
    from tests.support.gateway import GatewayFactory
    from tests.support.world import World

SECRET = "whsec_attacks_0123456789"


async def test_a_future_signature_with_a_decoy_timestamp_is_refused(
    gateway_factory: GatewayFactory, world: World
) -> None:
    gateway = await gateway_factory.start(world.configurations(), webhook_secret=SECRET)
    event = {
        "id": "evt_future_1",
        "object": "event",
        "type": "customer.updated",
        "created": int(time.time()),
        "data": {"object": {"id": world.alice.id, "object": "customer"}},
    }
    payload = json.dumps(event)
    future = int(time.time()) + 24 * 3600
    signed = str(stripe.WebhookSignature.generate_signature_header(payload, SECRET, future))
    now = int(time.time())
    for header in (signed, f" t={now},{signed}", f"t ={now},{signed}", f"\tt={now},{signed}"):
        async with gateway.http.post(
            gateway.url + WEBHOOK_PATH,
            data=payload,
            headers={"Content-Type": "application/json", "Stripe-Signature": header},
        ) as response:
            body = await response.json()
        assert response.status == 400, (header, body)
        assert body["error"]["code"] == "invalid_signature"
