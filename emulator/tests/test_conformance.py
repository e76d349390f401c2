"""Every object the emulator returns has the shape the `stripe` SDK declares for it.

A scenario creates one of everything through the SDK; every JSON body the
emulator answers with, and every object it holds, is then checked field by
field (nested objects too) against the SDK's resource classes. Resources added
later (subscriptions, invoices, schedules, test clocks...) are driven when
their routes exist, and checked through the stored objects either way.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import pytest
import stripe
from aiohttp import web
from conformance import check, sdk_class
from stripe_emulator.app import RUNTIME, create_app
from stripe_emulator.router import ROUTES
from stripe_emulator.state import Emulator
from stripe_emulator.testing import TEST_API_KEY as API_KEY

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    from stripe_emulator.testing import RunningEmulator

PRODUCTS = "features.subscription_update.products"


class Recorder:
    def __init__(self) -> None:
        self.bodies: list[tuple[str, Any]] = []

    @web.middleware
    async def middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        response = await handler(request)
        if isinstance(response, web.Response) and response.content_type == "application/json":
            body = json.loads(bytes(response.body))  # type: ignore[arg-type]
            if request.path.startswith("/v1/"):
                self.bodies.append((f"{request.method} {request.path}", body))
        return response


@pytest.fixture
async def recorded() -> AsyncIterator[tuple[stripe.StripeClient, Recorder, Emulator]]:
    recorder = Recorder()
    app = create_app(Emulator(seed=3))
    app.middlewares.append(recorder.middleware)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    http = stripe.AIOHTTPClient()
    client = stripe.StripeClient(
        API_KEY, base_addresses={"api": f"http://127.0.0.1:{port}"}, http_client=http
    )
    yield client, recorder, app[RUNTIME].emu
    await http.close_async()
    await runner.cleanup()


def _has_route(method: str, pattern: str) -> bool:
    return any(r.method == method and r.pattern == pattern for r in ROUTES)


async def _my_resources(client: stripe.StripeClient) -> dict[str, Any]:
    """One of each object the catalog, payment, tax, portal and event modules make."""
    product = await client.v1.products.create_async(
        {
            "name": "Pro",
            "default_price_data": {
                "currency": "usd",
                "unit_amount": 1000,
                "recurring": {"interval": "month"},
            },
        }
    )
    price = await client.v1.prices.create_async(
        {
            "product": product.id,
            "currency": "usd",
            "unit_amount": 10000,
            "recurring": {"interval": "year"},
            "lookup_key": "pro_yearly",
        }
    )
    await client.v1.prices.create_async(
        {"currency": "usd", "unit_amount": 500, "product_data": {"name": "Setup"}}
    )
    await client.v1.products.update_async(product.id, {"metadata": {"tier": "pro"}})
    customer = await client.v1.customers.create_async(
        {
            "email": "all@example.com",
            "name": "Everything Inc",
            "address": {"country": "DE", "city": "Berlin"},
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
        }
    )
    await client.v1.customers.tax_ids.create_async(
        customer.id, {"type": "eu_vat", "value": "DE123456789"}
    )
    doomed = await client.v1.customers.tax_ids.create_async(
        customer.id, {"type": "us_ein", "value": "12-3456789"}
    )
    await client.v1.customers.tax_ids.delete_async(customer.id, doomed.id)
    await client.v1.customers.tax_ids.list_async(customer.id)
    intent = await client.v1.setup_intents.create_async(
        {
            "customer": customer.id,
            "allowed_payment_method_types": ["card"],
            "description": "Add a card",
        }
    )
    await client.v1.setup_intents.confirm_async(intent.id, {"payment_method": "pm_card_mastercard"})
    failing = await client.v1.setup_intents.create_async(
        {"customer": customer.id, "allowed_payment_method_types": ["card"]}
    )
    with pytest.raises(stripe.CardError):
        await client.v1.setup_intents.confirm_async(
            failing.id, {"payment_method": "pm_card_chargeDeclined"}
        )
    await client.v1.setup_intents.cancel_async(failing.id)
    loose = await client.v1.payment_methods.create_async(
        {"type": "card", "card": {"token": "tok_amex"}}
    )
    await client.v1.payment_methods.attach_async(loose.id, {"customer": customer.id})
    await client.v1.payment_methods.update_async(
        loose.id, {"billing_details": {"name": "A", "address": {"country": "US"}}}
    )
    await client.v1.payment_methods.detach_async(loose.id)
    await client.v1.customers.payment_methods.list_async(customer.id)
    coupon = await client.v1.coupons.create_async(
        {"percent_off": 10, "duration": "forever", "applies_to": {"products": [product.id]}}
    )
    await client.v1.promotion_codes.create_async(
        {
            "code": "TEN",
            "promotion": {"type": "coupon", "coupon": coupon.id},
            "restrictions": {"minimum_amount": 100, "minimum_amount_currency": "usd"},
        }
    )
    await client.v1.promotion_codes.list_async({"expand": ["data.promotion.coupon"]})
    config = await client.v1.billing_portal.configurations.create_async(
        {
            "business_profile": {"headline": "Everything"},
            "login_page": {"enabled": True},
            "features": {
                "customer_update": {"enabled": True, "allowed_updates": ["email", "tax_id"]},
                "invoice_history": {"enabled": True},
                "payment_method_update": {"enabled": True},
                "subscription_cancel": {
                    "enabled": True,
                    "cancellation_reason": {"enabled": True, "options": ["other"]},
                },
                "subscription_pause": {"enabled": True},
                "subscription_update": {
                    "enabled": True,
                    "default_allowed_updates": ["price"],
                    "products": [
                        {"product": product.id, "prices": [str(product.default_price), price.id]}
                    ],
                    "schedule_at_period_end": {"conditions": [{"type": "shortening_interval"}]},
                },
            },
            "expand": [PRODUCTS],
        }
    )
    await client.v1.billing_portal.configurations.list_async({"expand": ["data." + PRODUCTS]})
    await client.v1.billing_portal.sessions.create_async(
        {
            "customer": customer.id,
            "configuration": config.id,
            "after_expiration": {
                "type": "customer_login",
                "customer_login": {"expires_at": 4102444800},
            },
            "flow_data": {
                "type": "payment_method_update",
                "after_completion": {
                    "type": "hosted_confirmation",
                    "hosted_confirmation": {"custom_message": "Done"},
                },
            },
            "expand": ["configuration", "customer"],
        }
    )
    endpoint = await client.v1.webhook_endpoints.create_async(
        {"url": "https://hooks.test/x", "enabled_events": ["*"]}
    )
    await client.v1.webhook_endpoints.update_async(endpoint.id, {"disabled": True})
    await client.v1.events.list_async({"limit": 100})
    return {"customer": customer, "product": product, "price": price, "config": config}


async def _other_resources(client: stripe.StripeClient, made: dict[str, Any]) -> None:
    """Objects of modules other than the ones above, driven when their routes exist."""
    customer, product, price = made["customer"], made["product"], made["price"]
    if not _has_route("POST", "/v1/subscriptions"):
        return
    sub = await client.v1.subscriptions.create_async(
        {
            "customer": customer.id,
            "items": [{"price": str(product.default_price), "quantity": 2}],
            "expand": ["latest_invoice"],
        }
    )
    await client.v1.subscriptions.retrieve_async(
        sub.id, {"expand": ["items.data.price.product", "customer"]}
    )
    await client.v1.subscriptions.list_async({"customer": customer.id})
    if _has_route("GET", "/v1/invoices"):
        invoices = await client.v1.invoices.list_async({"customer": customer.id})
        for invoice in invoices.data[:1]:
            await client.v1.invoices.line_items.list_async(str(invoice.id))
    if _has_route("POST", "/v1/invoices/create_preview"):
        await client.v1.invoices.create_preview_async(
            {
                "customer": customer.id,
                "subscription": sub.id,
                "subscription_details": {
                    "items": [{"id": sub["items"].data[0].id, "price": price.id}]
                },
            }
        )
    if _has_route("POST", "/v1/billing_portal/sessions"):
        await client.v1.billing_portal.sessions.create_async(
            {
                "customer": customer.id,
                "configuration": made["config"].id,
                "flow_data": {
                    "type": "subscription_cancel",
                    "subscription_cancel": {"subscription": sub.id},
                },
            }
        )
    if _has_route("POST", "/v1/invoiceitems"):
        await client.v1.invoice_items.create_async(
            {"customer": customer.id, "amount": 500, "currency": "usd", "description": "One-off"}
        )
    await client.v1.subscriptions.update_async(
        sub.id,
        {
            "items": [{"id": sub["items"].data[0].id, "price": price.id}],
            "proration_behavior": "create_prorations",
        },
    )
    if _has_route("POST", "/v1/subscription_schedules"):
        await client.v1.subscription_schedules.create_async({"from_subscription": sub.id})
    if _has_route("POST", "/v1/test_helpers/test_clocks"):
        await client.v1.test_helpers.test_clocks.create_async(
            {"frozen_time": 1_700_000_000, "name": "Conformance"}
        )
    await client.v1.subscriptions.cancel_async(sub.id)


# Object types the catalog, payment, tax, portal, coupon and event modules own.
OWN_TYPES = frozenset(
    {
        "product",
        "price",
        "customer",
        "payment_method",
        "setup_intent",
        "tax_id",
        "coupon",
        "promotion_code",
        "billing_portal.configuration",
        "billing_portal.session",
        "webhook_endpoint",
        "event",
    }
)


# Object types of other modules the scenario drives when their create routes exist.
OTHER_TYPES = (
    ("POST", "/v1/subscriptions", "subscription"),
    ("POST", "/v1/subscriptions", "subscription_item"),
    ("GET", "/v1/invoices", "invoice"),
    ("POST", "/v1/invoiceitems", "invoiceitem"),
    ("POST", "/v1/subscription_schedules", "subscription_schedule"),
    ("POST", "/v1/test_helpers/test_clocks", "test_helpers.test_clock"),
)


def _owner(problem: str) -> str:
    """The object type a problem is about: the innermost `<type>` in its path."""
    found: list[str] = re.findall(r"<([a-z_.]+)>", problem)
    return found[-1]


async def _problems(recorded: tuple[stripe.StripeClient, Recorder, Emulator]) -> list[str]:
    client, recorder, emu = recorded
    made = await _my_resources(client)
    await _other_resources(client, made)
    problems: list[str] = []
    for where, body in recorder.bodies:
        if "error" in body:
            error = body["error"]
            for key in ("setup_intent", "payment_method"):
                if key in error:
                    problems += check(error[key], f"{where} error.{key}")
            continue
        problems += check(body, where)
    for obj in list(emu.objects.values()):
        problems += check(emu.render(obj), f"stored {obj['id']}")
    covered = {body.get("object") for _, body in recorder.bodies}
    covered |= {o["object"] for o in emu.objects.values()}
    assert OWN_TYPES | {"list"} <= covered
    for method, pattern, object_type in OTHER_TYPES:
        assert not _has_route(method, pattern) or object_type in covered, object_type
    return sorted(set(problems))


async def test_own_objects_match_the_sdk(
    recorded: tuple[stripe.StripeClient, Recorder, Emulator],
) -> None:
    problems = [p for p in await _problems(recorded) if _owner(p) in OWN_TYPES]
    assert not problems, "\n".join(problems)


async def test_other_modules_objects_match_the_sdk(
    recorded: tuple[stripe.StripeClient, Recorder, Emulator],
) -> None:
    """Subscriptions, invoices, schedules, clocks...: whatever the scenario could drive."""
    problems = [p for p in await _problems(recorded) if _owner(p) not in OWN_TYPES]
    assert not problems, "\n".join(problems)


def test_checker_catches_mismatches() -> None:
    assert sdk_class("price") is stripe.Price
    good = {"object": "billing_portal.session", "id": "bps_1"}
    problems = check({**good, "colour": "red"}, "x")
    assert "x<billing_portal.session>.colour: not declared on Session" in problems
    assert any(p.endswith(".url: declared non-optional on Session but missing") for p in problems)
    nested = check({"object": "price", "recurring": {"interval": "month", "colour": 1}}, "p")
    assert "p<price>.recurring.colour: not declared on Price.Recurring" in nested
    assert check({"object": "no_such_thing"}, "y") == [
        "y: the SDK declares no object type 'no_such_thing'"
    ]
    assert check({"id": "x", "object": "price", "deleted": True}, "d") == []


async def test_conformance_of_the_shared_fixture(
    stripe_client: stripe.StripeClient, emulator: RunningEmulator
) -> None:
    """The default emulator fixture's customers match too (a cheap guard for the model resource)."""
    customer = await stripe_client.v1.customers.create_async(
        {"email": "c@example.com", "shipping": {"name": "C", "address": {"line1": "1"}}}
    )
    assert check(emulator.emu.render(emulator.emu.objects[customer.id]), "customer") == []
