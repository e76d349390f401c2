from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

import pytest
import stripe
from aiohttp import web
from stripe_emulator import webhooks

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from stripe_emulator.testing import RunningEmulator


class Receiver:
    """A real HTTP server that takes webhook deliveries, answering with `status`."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []
        self.status = 200
        self.arrived = asyncio.Event()
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.received.append((await request.text(), request.headers.get("Stripe-Signature", "")))
        self.arrived.set()
        return web.Response(status=self.status)

    async def wait_for(self, count: int) -> None:
        async with asyncio.timeout(5):
            while len(self.received) < count:
                self.arrived.clear()
                await self.arrived.wait()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    sink = Receiver()
    app = web.Application()
    app.router.add_post("/hooks", sink.handle)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    sink.url = f"http://127.0.0.1:{port}/hooks"
    yield sink
    await runner.cleanup()


async def test_endpoint_crud_and_secret_shown_once(stripe_client: stripe.StripeClient) -> None:
    endpoints = stripe_client.v1.webhook_endpoints
    created = await endpoints.create_async(
        {
            "url": "https://hooks.example.com/stripe",
            "enabled_events": ["customer.updated", "invoice.paid"],
            "description": "Gateway",
            "metadata": {"env": "test"},
        }
    )
    assert created.id.startswith("we_")
    assert created.secret is not None
    assert created.secret.startswith("whsec_")
    assert created.status == "enabled"
    assert created.enabled_events == ["customer.updated", "invoice.paid"]
    fetched = await endpoints.retrieve_async(created.id)
    assert "secret" not in fetched
    updated = await endpoints.update_async(created.id, {"disabled": True, "enabled_events": ["*"]})
    assert updated.status == "disabled"
    assert updated.enabled_events == ["*"]
    listed = await endpoints.list_async()
    assert [e.id for e in listed.data] == [created.id]
    assert "secret" not in listed.data[0]
    deleted = await endpoints.delete_async(created.id)
    assert deleted.deleted is True
    with pytest.raises(stripe.InvalidRequestError) as gone:
        await endpoints.retrieve_async(created.id)
    assert gone.value.http_status == 404


async def test_endpoint_validation(stripe_client: stripe.StripeClient) -> None:
    endpoints = stripe_client.v1.webhook_endpoints
    with pytest.raises(stripe.InvalidRequestError) as bad_event:
        await endpoints.create_async(
            {"url": "https://x.test/h", "enabled_events": ["customer.exploded"]}  # type: ignore[list-item]
        )
    assert bad_event.value.code == "parameter_invalid_enum"
    assert bad_event.value.param == "enabled_events[0]"
    with pytest.raises(stripe.InvalidRequestError) as bad_url:
        await endpoints.create_async({"url": "not a url", "enabled_events": ["*"]})
    assert bad_url.value.param == "url"


async def test_delivered_event_verifies_with_the_sdk(
    stripe_client: stripe.StripeClient, receiver: Receiver
) -> None:
    endpoint = await stripe_client.v1.webhook_endpoints.create_async(
        {"url": receiver.url, "enabled_events": ["customer.created"]}
    )
    assert endpoint.secret is not None
    customer = await stripe_client.v1.customers.create_async(
        {"email": "hook@example.com"}, options={"idempotency_key": "create-hook-customer"}
    )
    await stripe_client.v1.customers.update_async(customer.id, {"name": "Not subscribed"})
    await receiver.wait_for(1)
    payload, signature = receiver.received[0]
    event = stripe.Webhook.construct_event(payload, signature, endpoint.secret)
    assert event.type == "customer.created"
    assert event.data.object["id"] == customer.id
    assert event.request is not None
    assert event.request.idempotency_key == "create-hook-customer"
    assert event.request.id is not None
    assert event.request.id.startswith("req_")
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload, signature, "whsec_wrong")
    await asyncio.sleep(0.05)
    assert len(receiver.received) == 1


async def test_disabled_endpoint_gets_nothing(
    stripe_client: stripe.StripeClient, receiver: Receiver
) -> None:
    endpoint = await stripe_client.v1.webhook_endpoints.create_async(
        {"url": receiver.url, "enabled_events": ["*"]}
    )
    await stripe_client.v1.webhook_endpoints.update_async(endpoint.id, {"disabled": True})
    await stripe_client.v1.customers.create_async({"email": "quiet@example.com"})
    await asyncio.sleep(0.1)
    assert receiver.received == []


async def test_failed_delivery_is_retried_then_reported(
    stripe_client: stripe.StripeClient,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(webhooks, "RETRY_DELAYS", (0.01, 0.01))
    receiver.status = 500
    await stripe_client.v1.webhook_endpoints.create_async(
        {"url": receiver.url, "enabled_events": ["customer.created"]}
    )
    customer = await stripe_client.v1.customers.create_async({"email": "retry@example.com"})
    await receiver.wait_for(3)
    for _ in range(100):
        failed = await stripe_client.v1.events.list_async({"delivery_success": False})
        if failed.data:
            break
        await asyncio.sleep(0.01)
    assert [e.data.object["id"] for e in failed.data] == [customer.id]
    assert failed.data[0].pending_webhooks == 0
    ok = await stripe_client.v1.events.list_async({"delivery_success": True})
    assert ok.data == []


async def test_event_list_filters(stripe_client: stripe.StripeClient) -> None:
    customer = await stripe_client.v1.customers.create_async({"email": "e@example.com"})
    await stripe_client.v1.customers.update_async(customer.id, {"name": "E"})
    product = await stripe_client.v1.products.create_async({"name": "P"})
    events = stripe_client.v1.events

    async def types(params: Any) -> list[str]:
        return [e.type for e in (await events.list_async(params)).data]

    assert await types({}) == ["product.created", "customer.updated", "customer.created"]
    assert await types({"type": "customer.*"}) == ["customer.updated", "customer.created"]
    assert await types({"type": "product.created"}) == ["product.created"]
    assert await types({"types": ["product.created", "customer.created"]}) == [
        "product.created",
        "customer.created",
    ]
    newest = (await events.list_async({"limit": 1})).data[0]
    assert newest.data.object["id"] == product.id
    fetched = await events.retrieve_async(newest.id)
    assert fetched.type == "product.created"
    assert json.loads(json.dumps(fetched.data.object.to_dict()))["name"] == "P"
    updated = (await events.list_async({"type": "customer.updated"})).data[0]
    assert updated.data.previous_attributes is not None
    assert updated.data.previous_attributes["name"] is None
    later = await types({"created": {"gt": newest.created + 10}})
    assert later == []
    with pytest.raises(stripe.InvalidRequestError) as both:
        await events.list_async({"type": "customer.*", "types": ["customer.created"]})
    assert both.value.code == "parameters_exclusive"
    with pytest.raises(stripe.InvalidRequestError) as missing:
        await events.retrieve_async("evt_nope")
    assert missing.value.http_status == 404


async def test_event_counts_pending_webhooks(
    stripe_client: stripe.StripeClient, emulator: RunningEmulator, receiver: Receiver
) -> None:
    await stripe_client.v1.webhook_endpoints.create_async(
        {"url": receiver.url, "enabled_events": ["product.created"]}
    )
    await stripe_client.v1.webhook_endpoints.create_async(
        {"url": receiver.url, "enabled_events": ["*"]}
    )
    await stripe_client.v1.products.create_async({"name": "Twice"})
    await receiver.wait_for(2)
    event = emulator.emu.find("event")[0]
    for _ in range(100):
        if event["pending_webhooks"] == 0:
            break
        await asyncio.sleep(0.01)
    assert event["pending_webhooks"] == 0
    assert [json.loads(p)["id"] for p, _ in receiver.received] == [event["id"], event["id"]]
