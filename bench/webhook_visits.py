"""Visits to a gateway whose cache Stripe's webhooks keep up to date, for stripe_requests.py.

A gateway with a webhook secret, and the emulator delivering every event to it (a webhook
endpoint created through the API, as a merchant does). Measured, in Stripe requests:

- a repeat visit `later` seconds after the first (the gateway's default staleness bound
  is an hour; the customer cache without webhooks expires after 30 s), beside the same
  repeat on a gateway without webhooks;
- a visit after changes made in Stripe directly (a subscription set to cancel at its
  period end, the customer renamed): their webhooks update the cache in place, so only
  the previews they can change are asked again;
- visits after changes made through the gateway (a subscription canceled at its period
  end; the customer renamed and given another default card): the gateway puts Stripe's
  answers in place itself, and their webhooks then find the cache already up to date.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from account import stripe_client
from client import graphql, payload_ok, token_for
from documents import MUTATIONS, OVERVIEW, OVERVIEW_VARIABLES
from harness import free_port

if TYPE_CHECKING:
    import aiohttp
    from account import BenchCustomer
    from stack import Stack

SETTLE_SECONDS = 30.0


@dataclass(frozen=True)
class Visit:
    name: str
    requests: int
    routes: str
    target: str


async def _settled(stack: Stack) -> None:
    """Every event so far delivered (bounded wait)."""
    deadline = time.monotonic() + SETTLE_SECONDS
    async with stripe_client(stack.emulator.url) as client:
        while time.monotonic() < deadline:
            events = await client.v1.events.list_async({"limit": 100})
            if all(event.pending_webhooks == 0 for event in events.data):
                return
            await asyncio.sleep(0.05)
    raise RuntimeError("webhooks were not delivered in time")


async def webhook_gateway(stack: Stack) -> str:
    """A gateway with webhooks configured and an endpoint for it on the emulator."""
    port = free_port()
    async with stripe_client(stack.emulator.url) as client:
        endpoint = await client.v1.webhook_endpoints.create_async(
            {"url": f"http://127.0.0.1:{port}/webhooks/stripe", "enabled_events": ["*"]}
        )
    process = await stack.gateway(
        "gateway-webhooks",
        port=port,
        extra_env={"GATEWAY_WEBHOOK_SECRET": str(endpoint.secret)},
    )
    return process.url


async def measure_visits(
    http: aiohttp.ClientSession,
    stack: Stack,
    cost: Any,
    *,
    with_webhooks: tuple[str, BenchCustomer],
    without_webhooks: tuple[str, BenchCustomer],
    later: float,
) -> list[Visit]:
    """The rows; `cost(operation)` counts an operation's Stripe requests (the Meter)."""
    hooked_url, hooked = with_webhooks
    plain_url, plain = without_webhooks
    hooked_token = await token_for(http, hooked_url, hooked.id)
    plain_token = await token_for(http, plain_url, plain.id)

    def visit(url: str, token: str) -> Any:
        return lambda: graphql(http, url, OVERVIEW, OVERVIEW_VARIABLES, token=token)

    first = await cost(visit(hooked_url, hooked_token))
    await visit(plain_url, plain_token)()
    await asyncio.sleep(later)
    minutes = f"{later / 60:.1f} min" if later >= 60 else f"{later:.0f} s"
    repeat_plain = await cost(visit(plain_url, plain_token))
    repeat = await cost(visit(hooked_url, hooked_token))
    async with stripe_client(stack.emulator.url) as client:
        await client.v1.subscriptions.update_async(
            hooked.subscriptions[0], {"cancel_at_period_end": True}
        )
        await client.v1.customers.update_async(hooked.id, {"name": "Renamed in Stripe"})
    await _settled(stack)
    changed = await cost(visit(hooked_url, hooked_token))

    async def through_gateway(mutation: str, /, **fields: Any) -> None:
        data = await graphql(
            http, hooked_url, MUTATIONS[mutation], {"input": fields}, token=hooked_token
        )
        payload_ok(data, mutation)

    await through_gateway("cancelSubscription", subscriptionId=hooked.subscriptions[1])
    await _settled(stack)
    canceled = await cost(visit(hooked_url, hooked_token))
    await through_gateway("updateCustomer", name="Renamed through the gateway")
    await through_gateway("setDefaultPaymentMethod", paymentMethodId=hooked.cards[1])
    await _settled(stack)
    account = await cost(visit(hooked_url, hooked_token))
    return [
        Visit("overview, first sight (webhooks on)", first.requests, _routes(first), ""),
        Visit(
            f"overview, repeat {minutes} later, webhooks off (30 s cache)",
            repeat_plain.requests,
            _routes(repeat_plain),
            "",
        ),
        Visit(
            f"overview, repeat {minutes} later, webhooks on",
            repeat.requests,
            _routes(repeat),
            f"0: {'met' if repeat.requests == 0 else 'MISSED'}",
        ),
        Visit(
            "overview after a change in Stripe (cancel at period end, rename), webhooks on",
            changed.requests,
            _routes(changed),
            "only the changed subscription's preview: "
            + ("met" if _only_preview(changed) else "MISSED"),
        ),
        Visit(
            "overview after a change through the gateway (cancel at period end), webhooks on",
            canceled.requests,
            _routes(canceled),
            "only the changed subscription's preview: "
            + ("met" if _only_preview(canceled) else "MISSED"),
        ),
        Visit(
            "overview after changes through the gateway (rename, default card), webhooks on",
            account.requests,
            _routes(account),
            f"0: {'met' if account.requests == 0 else 'MISSED'}",
        ),
    ]


def _only_preview(cost: Any) -> bool:
    return dict(cost.routes) == {"POST invoices/create_preview": 1}


def _routes(cost: Any) -> str:
    return (
        ", ".join(
            route + (f" x{count}" if count > 1 else "")
            for route, count in sorted(cost.routes.items())
        )
        or "-"
    )
