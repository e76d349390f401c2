"""No parameter is silently ignored: each one Stripe documents is modelled or refused by name.

For every route the emulator serves, each param of the SDK's params TypedDict (and each
key of its nested objects, at any depth, in the first element of lists of objects too) is
sent alone on top of a valid request, its parents holding only their required keys.
The answer must be one of:

- a 2xx whose handler read the param (it is modelled: stored, checked or acted on);
- a 4xx naming the param (refused as unmodelled, or its value refused);
- a 4xx about something else (the sample value was not usable here: counted, not judged).

A 2xx whose handler never looked at the param, or a 500, fails the test. Every refusal
that says the emulator does not model something must be listed in emulator/README.md.
"""

from __future__ import annotations

import re
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Union, cast, get_args, get_origin
from urllib.parse import urlencode

import aiohttp
import pytest
import stripe_emulator.app
from param_tracking import wrap
from stripe_emulator.params import _fields, validate
from stripe_emulator.router import ROUTES, Route
from stripe_emulator.testing import TEST_API_KEY
from typing_extensions import is_typeddict

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    import stripe
    from stripe_emulator.testing import RunningEmulator

README = Path(__file__).parents[1] / "README.md"
MAX_DEPTH = 10
# Keys the SDK marks optional but a usable object needs (a phase's items, an item's price).
_USUALLY_NEEDED = frozenset({"items", "price", "unit_amount", "address", "line1", "products"})
# Params every endpoint shares, handled by the wire layer.
_WIRE = frozenset({"expand", "limit", "starting_after", "ending_before"})


def encode(params: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Stripe's form encoding (`a[b][0][c]=1`)."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, dict):
            pairs += encode(value, name)
        elif isinstance(value, list):
            pairs += encode({str(i): v for i, v in enumerate(value)}, name)
        elif isinstance(value, bool):
            pairs.append((name, "true" if value else "false"))
        else:
            pairs.append((name, str(value)))
    return pairs


def _object_of(hint: Any) -> tuple[Any, list[str]]:
    """The TypedDict `hint` is, or holds a list of (then the keys go under index `0`)."""
    if is_typeddict(hint):
        return hint, []
    if get_origin(hint) is list:
        (item,) = get_args(hint)
        for member in _members(item):
            if is_typeddict(member):
                return member, ["0"]
    return None, []


def _members(hint: Any) -> list[Any]:
    if get_origin(hint) in (Union, types.UnionType):
        return list(get_args(hint))
    return [hint]


@dataclass
class World:
    ids: dict[str, str] = field(default_factory=dict)

    def sample(self, hint: Any, name: str) -> Any:
        """A plausible value for a param of type `hint` named `name`."""
        literals = [v for m in _members(hint) if get_origin(m) is Literal for v in get_args(m)]
        literals = [v for v in literals if v != ""]
        if literals:
            return literals[0]
        for member in _members(hint):
            if is_typeddict(member):
                fields, required = _fields(member)
                wanted = sorted(required | (_USUALLY_NEEDED & set(fields)))
                return {key: self.sample(fields[key], key) for key in wanted}
            if get_origin(member) is list:
                (item,) = get_args(member)
                return [self.sample(item, name)]
            if get_origin(member) is dict:
                return {"probe": "yes"}
        kinds = [m for m in _members(hint) if m is not type(None)]
        if int in kinds:
            return 1
        if bool in kinds:
            return True
        if float in kinds:
            return 1.5
        return self.ids.get(name, "probe")


Base = tuple[str, dict[str, Any]]


@dataclass
class Prober:
    http: aiohttp.ClientSession
    url: str
    reads: set[str]
    world: World
    outcomes: dict[str, list[str]] = field(default_factory=dict)
    refusals: set[str] = field(default_factory=set)

    async def send(self, method: str, path: str, params: dict[str, Any]) -> tuple[int, Any]:
        self.reads.clear()
        headers = {"Authorization": f"Bearer {TEST_API_KEY}"}
        body = urlencode(encode(params))
        if method == "GET":
            target = f"{self.url}{path}?{body}"
            async with self.http.get(target, headers=headers) as response:
                return response.status, await response.json()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        async with self.http.request(
            method, self.url + path, data=body, headers=headers
        ) as response:
            return response.status, await response.json()

    def note(self, kind: str, what: str) -> None:
        self.outcomes.setdefault(kind, []).append(what)

    async def probe(self, route: Route, base: Callable[[], Awaitable[Base]]) -> None:
        assert route.schema is not None
        fields, _ = _fields(route.schema)
        for name, hint in sorted(fields.items()):
            if name in _WIRE:
                continue
            await self._one(route, base, [name], hint)

    async def _one(
        self, route: Route, base: Callable[[], Awaitable[Base]], keys: list[str], hint: Any
    ) -> None:
        path = keys[0] + "".join(f"[{k}]" for k in keys[1:])
        value = self.world.sample(hint, keys[-1])
        what = f"{route.method} {route.pattern} {path}"
        url, params = await base()
        if path.startswith("schedule") and "subscription" in params:
            # A preview of a schedule names the schedule instead of the subscription.
            params = {k: v for k, v in params.items() if k != "subscription"}
            params["schedule"] = self.world.ids["schedule"]
        probe = self._nest(route, keys, value, params)
        if not any(name.startswith(path) for name, _ in encode(probe)):
            # An object with no keys cannot be form-encoded: the SDK sends nothing either.
            self.note("not sendable", what)
        else:
            status, body = await self.send(route.method, url, probe)
            self._judge(what, path, status, body)
        if len(keys) >= MAX_DEPTH:
            return
        for member in _members(hint):
            inner, prefix = _object_of(member)
            if inner is not None:
                sub_fields, required = _fields(inner)
                for key, sub_hint in sorted(sub_fields.items()):
                    if key not in required:
                        await self._one(route, base, [*keys, *prefix, key], sub_hint)

    def _nest(
        self, route: Route, keys: list[str], value: Any, params: dict[str, Any]
    ) -> dict[str, Any]:
        """`params` with `value` at `keys`, each parent holding its own required keys."""
        assert route.schema is not None
        merged = dict(params)
        node, schema = merged, route.schema
        parents = [key for key in keys[:-1] if key != "0"]
        for key in parents:
            hint = _fields(schema)[0][key]
            inner, prefix = next(
                found for m in _members(hint) if (found := _object_of(m))[0] is not None
            )
            assert inner is not None
            sample = self.world.sample(inner, key)
            if prefix:
                # A list of objects: the probe goes into its first element.
                existing = list(node.get(key) or [{}])
                existing[0] = {**sample, **existing[0]}
                node[key] = existing
                node = existing[0]
            else:
                node[key] = {**sample, **(node.get(key) or {})}
                node = node[key]
            schema = inner
        node[keys[-1]] = value
        return merged

    def _judge(self, what: str, path: str, status: int, body: Any) -> None:
        if status >= 500:
            self.note("server error", f"{what}: {body}")
        elif status < 300:
            general = re.sub(r"\[\d+\]", "[]", path)
            if general in self.reads or any(r.startswith(general + "[") for r in self.reads):
                self.note("modelled", what)
            else:
                self.note("ignored", what)
        else:
            error = body.get("error", {})
            param = str(error.get("param") or "")
            message = str(error.get("message") or "")
            if "does not model" in message:
                self.refusals.add(param)
            if param and (param.startswith(path) or path.startswith(param)):
                self.note("refused by name", what)
            else:
                self.note("sample not usable here", f"{what}: {message}")


async def _world(
    client: stripe.StripeClient, world: World
) -> dict[str, Callable[[], Awaitable[Base]]]:
    """Objects to probe against, and for each route a valid request (fresh objects where the
    request uses its object up)."""
    v1 = client.v1
    ids = world.ids
    product = await v1.products.create_async({"name": "Probe"})
    price = await v1.prices.create_async(
        {
            "product": product.id,
            "currency": "usd",
            "unit_amount": 1000,
            "recurring": {"interval": "month"},
        }
    )
    coupon = await v1.coupons.create_async({"percent_off": 10, "duration": "forever"})
    option = await v1.billing.feedback_options.create_async({"description": "Too busy"})
    cards_only = await v1.payment_method_configurations.create_async({"name": "Cards"})
    code = await v1.promotion_codes.create_async(
        {"promotion": {"type": "coupon", "coupon": coupon.id}}
    )
    customer = await v1.customers.create_async(
        {
            "name": "Probe",
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
        }
    )
    assert customer.invoice_settings is not None
    assert isinstance(customer.invoice_settings.default_payment_method, str)
    pm = customer.invoice_settings.default_payment_method
    clock = await v1.test_helpers.test_clocks.create_async({"frozen_time": 1_775_001_600})
    config = await v1.billing_portal.configurations.create_async(
        {"features": {"invoice_history": {"enabled": True}}}
    )
    ids.update(
        customer=customer.id,
        price=price.id,
        product=product.id,
        coupon=coupon.id,
        promotion_code=code.id,
        payment_method=pm,
        default_payment_method=pm,
        test_clock=clock.id,
        configuration=config.id,
        currency="usd",
        url="https://hooks.example/probe",
        return_url="https://example.com/back",
        country="US",
        email="probe@example.com",
    )

    async def subscription(**extra: Any) -> stripe.Subscription:
        return await v1.subscriptions.create_async(
            cast("Any", {"customer": customer.id, "items": [{"price": price.id}], **extra})
        )

    sub = await subscription()
    ids["subscription"] = sub.id
    # Something for every list filter to look at: a pending proration, an invoice with a
    # due date, released and canceled schedules.
    await v1.subscriptions.update_async(
        sub.id,
        {
            "items": [{"id": sub["items"].data[0].id, "quantity": 2}],
            "proration_behavior": "create_prorations",
        },
    )
    await subscription(collection_method="send_invoice", days_until_due=5)
    released = await v1.subscription_schedules.create_async(
        {"from_subscription": (await subscription()).id}
    )
    await v1.subscription_schedules.release_async(released.id)
    canceled = await v1.subscription_schedules.create_async(
        {"from_subscription": (await subscription()).id}
    )
    await v1.subscription_schedules.cancel_async(canceled.id)
    item = sub["items"].data[0].id
    invoice = str(sub.latest_invoice)
    ids["invoice"] = invoice
    schedule = await v1.subscription_schedules.create_async(
        {"from_subscription": (await subscription()).id}
    )
    ids["schedule"] = schedule.id
    tax_id = await v1.customers.tax_ids.create_async(
        customer.id, {"type": "us_ein", "value": "12-3456789"}
    )
    hook = await v1.webhook_endpoints.create_async({"url": ids["url"], "enabled_events": ["*"]})
    intent = await v1.setup_intents.create_async(
        {"customer": customer.id, "allowed_payment_method_types": ["card"]}
    )
    payment = (await v1.invoice_payments.list_async({"invoice": invoice})).data[0].id
    items = await v1.invoice_items.list_async()
    event = (await v1.events.list_async({"limit": 1})).data[0].id

    def fixed(path: str, params: dict[str, Any] | None = None) -> Callable[[], Awaitable[Base]]:
        async def make() -> Base:
            return path, dict(params or {})

        return make

    async def fresh_customer() -> Base:
        return f"/v1/customers/{(await v1.customers.create_async({'name': 'x'})).id}", {}

    async def fresh_product() -> Base:
        return f"/v1/products/{(await v1.products.create_async({'name': 'x'})).id}", {}

    async def fresh_coupon() -> Base:
        made = await v1.coupons.create_async({"percent_off": 5, "duration": "once"})
        return f"/v1/coupons/{made.id}", {}

    async def fresh_tax_id() -> Base:
        made = await v1.customers.tax_ids.create_async(
            customer.id, {"type": "us_ein", "value": "12-3456789"}
        )
        return f"/v1/customers/{customer.id}/tax_ids/{made.id}", {}

    async def fresh_item() -> Base:
        made = await v1.subscription_items.create_async(
            {"subscription": sub.id, "price": (await _price(v1, product.id)).id}
        )
        return f"/v1/subscription_items/{made.id}", {}

    async def fresh_sub(suffix: str = "", **extra: Any) -> Base:
        return f"/v1/subscriptions/{(await subscription(**extra)).id}{suffix}", {}

    async def discounted() -> Base:
        return await fresh_sub("/discount", discounts=[{"coupon": coupon.id}])

    async def paused() -> Base:
        made = await subscription()
        await v1.subscriptions.pause_async(made.id)
        return f"/v1/subscriptions/{made.id}/resume", {}

    async def fresh_clock(suffix: str = "") -> Base:
        made = await v1.test_helpers.test_clocks.create_async({"frozen_time": 1_775_001_600})
        params = {"frozen_time": 1_775_001_600 + 86_400} if suffix else {}
        return f"/v1/test_helpers/test_clocks/{made.id}{suffix}", params

    async def fresh_hook() -> Base:
        made = await v1.webhook_endpoints.create_async({"url": ids["url"], "enabled_events": ["*"]})
        return f"/v1/webhook_endpoints/{made.id}", {}

    async def open_invoice(suffix: str) -> Base:
        made = await subscription(collection_method="send_invoice", days_until_due=3)
        return f"/v1/invoices/{made.latest_invoice}{suffix}", {}

    async def fresh_schedule(suffix: str) -> Base:
        made = await v1.subscription_schedules.create_async(
            {"from_subscription": (await subscription()).id}
        )
        return f"/v1/subscription_schedules/{made.id}{suffix}", {}

    async def fresh_intent(suffix: str) -> Base:
        made = await v1.setup_intents.create_async(
            {"customer": customer.id, "allowed_payment_method_types": ["card"]}
        )
        params = {"payment_method": "pm_card_visa"} if suffix == "/confirm" else {}
        return f"/v1/setup_intents/{made.id}{suffix}", params

    async def loose_card(suffix: str) -> Base:
        made = await v1.payment_methods.create_async(
            {"type": "card", "card": {"token": "tok_visa"}}
        )
        if suffix == "/detach":
            await v1.payment_methods.attach_async(made.id, {"customer": customer.id})
        params = {"customer": customer.id} if suffix == "/attach" else {}
        return f"/v1/payment_methods/{made.id}{suffix}", params

    async def draft_invoice() -> Base:
        # Renewals while collection is paused with `keep_as_draft` stay drafts.
        timer = await v1.test_helpers.test_clocks.create_async({"frozen_time": 1_775_001_600})
        payer = await v1.customers.create_async(
            {
                "test_clock": timer.id,
                "payment_method": "pm_card_visa",
                "invoice_settings": {"default_payment_method": "pm_card_visa"},
            }
        )
        made = await v1.subscriptions.create_async(
            {"customer": payer.id, "items": [{"price": price.id}]}
        )
        await v1.subscriptions.update_async(
            made.id, {"pause_collection": {"behavior": "keep_as_draft"}}
        )
        await v1.test_helpers.test_clocks.advance_async(
            timer.id, {"frozen_time": 1_775_001_600 + 32 * 86_400}
        )
        drafts = await v1.invoices.list_async({"subscription": made.id, "status": "draft"})
        return f"/v1/invoices/{drafts.data[0].id}/finalize", {}

    extra_price = await _price(v1, product.id)
    c, s = customer.id, sub.id
    return {
        "DELETE /v1/coupons/{coupon}": fresh_coupon,
        "GET /v1/customers/search": fixed("/v1/customers/search", {"query": "metadata['k']:'v'"}),
        "GET /v1/billing/feedback_options": fixed("/v1/billing/feedback_options"),
        "GET /v1/billing/feedback_options/{option}": fixed(
            f"/v1/billing/feedback_options/{option.id}"
        ),
        "POST /v1/billing/feedback_options": fixed(
            "/v1/billing/feedback_options", {"description": "x"}
        ),
        "POST /v1/billing/feedback_options/{option}": fixed(
            f"/v1/billing/feedback_options/{option.id}"
        ),
        "POST /v1/billing/feedback_options/{option}/deactivate": fixed(
            f"/v1/billing/feedback_options/{option.id}/deactivate"
        ),
        "GET /v1/payment_method_configurations": fixed("/v1/payment_method_configurations"),
        "GET /v1/payment_method_configurations/{config}": fixed(
            f"/v1/payment_method_configurations/{cards_only.id}"
        ),
        "POST /v1/payment_method_configurations": fixed("/v1/payment_method_configurations"),
        "POST /v1/payment_method_configurations/{config}": fixed(
            f"/v1/payment_method_configurations/{cards_only.id}"
        ),
        "DELETE /v1/customers/{customer}": fresh_customer,
        "DELETE /v1/customers/{customer}/tax_ids/{id}": fresh_tax_id,
        "DELETE /v1/products/{id}": fresh_product,
        "DELETE /v1/subscription_items/{item}": fresh_item,
        "DELETE /v1/subscriptions/{subscription}": fresh_sub,
        "DELETE /v1/subscriptions/{subscription}/discount": discounted,
        "DELETE /v1/test_helpers/test_clocks/{test_clock}": fresh_clock,
        "DELETE /v1/webhook_endpoints/{id}": fresh_hook,
        "GET /v1/billing_portal/configurations": fixed("/v1/billing_portal/configurations"),
        "GET /v1/billing_portal/configurations/{configuration}": fixed(
            f"/v1/billing_portal/configurations/{config.id}"
        ),
        "GET /v1/coupons": fixed("/v1/coupons"),
        "GET /v1/coupons/{coupon}": fixed(f"/v1/coupons/{coupon.id}"),
        "GET /v1/customers": fixed("/v1/customers"),
        "GET /v1/customers/{customer}": fixed(f"/v1/customers/{c}"),
        "GET /v1/customers/{customer}/payment_methods": fixed(f"/v1/customers/{c}/payment_methods"),
        "GET /v1/customers/{customer}/payment_methods/{payment_method}": fixed(
            f"/v1/customers/{c}/payment_methods/{pm}"
        ),
        "GET /v1/customers/{customer}/tax_ids": fixed(f"/v1/customers/{c}/tax_ids"),
        "GET /v1/customers/{customer}/tax_ids/{id}": fixed(
            f"/v1/customers/{c}/tax_ids/{tax_id.id}"
        ),
        "GET /v1/events": fixed("/v1/events"),
        "GET /v1/events/{id}": fixed(f"/v1/events/{event}"),
        "GET /v1/invoice_payments": fixed("/v1/invoice_payments"),
        "GET /v1/invoice_payments/{invoice_payment}": fixed(f"/v1/invoice_payments/{payment}"),
        "GET /v1/invoiceitems": fixed("/v1/invoiceitems"),
        "GET /v1/invoiceitems/{invoiceitem}": fixed(
            f"/v1/invoiceitems/{items.data[0].id}" if items.data else "/v1/invoiceitems/ii_none"
        ),
        "GET /v1/invoices": fixed("/v1/invoices"),
        "GET /v1/invoices/{invoice}": fixed(f"/v1/invoices/{invoice}"),
        "GET /v1/invoices/{invoice}/lines": fixed(f"/v1/invoices/{invoice}/lines"),
        "GET /v1/payment_methods": fixed("/v1/payment_methods", {"customer": c}),
        "GET /v1/payment_methods/{payment_method}": fixed(f"/v1/payment_methods/{pm}"),
        "GET /v1/prices": fixed("/v1/prices"),
        "GET /v1/prices/{price}": fixed(f"/v1/prices/{price.id}"),
        "GET /v1/products": fixed("/v1/products"),
        "GET /v1/products/{id}": fixed(f"/v1/products/{product.id}"),
        "GET /v1/promotion_codes": fixed("/v1/promotion_codes"),
        "GET /v1/promotion_codes/{promotion_code}": fixed(f"/v1/promotion_codes/{code.id}"),
        "GET /v1/setup_intents": fixed("/v1/setup_intents"),
        "GET /v1/setup_intents/{intent}": fixed(f"/v1/setup_intents/{intent.id}"),
        "GET /v1/subscription_items": fixed("/v1/subscription_items", {"subscription": s}),
        "GET /v1/subscription_items/{item}": fixed(f"/v1/subscription_items/{item}"),
        "GET /v1/subscription_schedules": fixed("/v1/subscription_schedules"),
        "GET /v1/subscription_schedules/{schedule}": fixed(
            f"/v1/subscription_schedules/{schedule.id}"
        ),
        "GET /v1/subscriptions": fixed("/v1/subscriptions"),
        "GET /v1/subscriptions/{subscription}": fixed(f"/v1/subscriptions/{s}"),
        "GET /v1/test_helpers/test_clocks": fixed("/v1/test_helpers/test_clocks"),
        "GET /v1/test_helpers/test_clocks/{test_clock}": fixed(
            f"/v1/test_helpers/test_clocks/{clock.id}"
        ),
        "GET /v1/webhook_endpoints": fixed("/v1/webhook_endpoints"),
        "GET /v1/webhook_endpoints/{id}": fixed(f"/v1/webhook_endpoints/{hook.id}"),
        "POST /v1/billing_portal/configurations": fixed(
            "/v1/billing_portal/configurations",
            {"features": {"invoice_history": {"enabled": True}}},
        ),
        "POST /v1/billing_portal/configurations/{configuration}": fixed(
            f"/v1/billing_portal/configurations/{config.id}"
        ),
        "POST /v1/billing_portal/sessions": fixed("/v1/billing_portal/sessions", {"customer": c}),
        "POST /v1/coupons": fixed("/v1/coupons", {"percent_off": 5, "duration": "once"}),
        "POST /v1/coupons/{coupon}": fixed(f"/v1/coupons/{coupon.id}"),
        "POST /v1/customers": fixed("/v1/customers"),
        "POST /v1/customers/{customer}": fixed(f"/v1/customers/{c}"),
        "POST /v1/customers/{customer}/tax_ids": fixed(
            f"/v1/customers/{c}/tax_ids", {"type": "us_ein", "value": "12-3456789"}
        ),
        "POST /v1/invoices/create_preview": fixed(
            "/v1/invoices/create_preview", {"customer": c, "subscription": s}
        ),
        "POST /v1/invoices/{invoice}/finalize": draft_invoice,
        "POST /v1/invoices/{invoice}/mark_uncollectible": lambda: open_invoice(
            "/mark_uncollectible"
        ),
        "POST /v1/invoices/{invoice}/pay": lambda: open_invoice("/pay"),
        "POST /v1/invoices/{invoice}/void": lambda: open_invoice("/void"),
        "POST /v1/payment_methods": fixed(
            "/v1/payment_methods", {"type": "card", "card": {"token": "tok_visa"}}
        ),
        "POST /v1/payment_methods/{payment_method}": fixed(f"/v1/payment_methods/{pm}"),
        "POST /v1/payment_methods/{payment_method}/attach": lambda: loose_card("/attach"),
        "POST /v1/payment_methods/{payment_method}/detach": lambda: loose_card("/detach"),
        "POST /v1/prices": fixed(
            "/v1/prices", {"product": product.id, "currency": "usd", "unit_amount": 100}
        ),
        "POST /v1/prices/{price}": fixed(f"/v1/prices/{price.id}"),
        "POST /v1/products": fixed("/v1/products", {"name": "x"}),
        "POST /v1/products/{id}": fixed(f"/v1/products/{product.id}"),
        "POST /v1/promotion_codes": fixed(
            "/v1/promotion_codes", {"promotion": {"type": "coupon", "coupon": coupon.id}}
        ),
        "POST /v1/promotion_codes/{promotion_code}": fixed(f"/v1/promotion_codes/{code.id}"),
        "POST /v1/setup_intents": fixed("/v1/setup_intents", {"customer": c}),
        "POST /v1/setup_intents/{intent}": lambda: fresh_intent(""),
        "POST /v1/setup_intents/{intent}/cancel": lambda: fresh_intent("/cancel"),
        "POST /v1/setup_intents/{intent}/confirm": lambda: fresh_intent("/confirm"),
        "POST /v1/subscription_items": fixed(
            "/v1/subscription_items", {"subscription": s, "price": extra_price.id}
        ),
        "POST /v1/subscription_items/{item}": fixed(f"/v1/subscription_items/{item}"),
        "POST /v1/subscription_schedules": fixed(
            "/v1/subscription_schedules",
            {"customer": c, "phases": [{"items": [{"price": price.id}]}]},
        ),
        "POST /v1/subscription_schedules/{schedule}": fixed(
            f"/v1/subscription_schedules/{schedule.id}"
        ),
        "POST /v1/subscription_schedules/{schedule}/cancel": lambda: fresh_schedule("/cancel"),
        "POST /v1/subscription_schedules/{schedule}/release": lambda: fresh_schedule("/release"),
        "POST /v1/subscriptions": fixed(
            "/v1/subscriptions", {"customer": c, "items": [{"price": price.id}]}
        ),
        "POST /v1/subscriptions/{subscription}": fixed(f"/v1/subscriptions/{s}"),
        "POST /v1/subscriptions/{subscription}/pause": lambda: fresh_sub("/pause"),
        "POST /v1/subscriptions/{subscription}/resume": paused,
        "POST /v1/test_helpers/test_clocks": fixed(
            "/v1/test_helpers/test_clocks", {"frozen_time": 1_775_001_600}
        ),
        "POST /v1/test_helpers/test_clocks/{test_clock}/advance": lambda: fresh_clock("/advance"),
        "POST /v1/webhook_endpoints": fixed(
            "/v1/webhook_endpoints", {"url": ids["url"], "enabled_events": ["*"]}
        ),
        "POST /v1/webhook_endpoints/{id}": fixed(f"/v1/webhook_endpoints/{hook.id}"),
    }


async def _price(v1: Any, product: str) -> stripe.Price:
    return await v1.prices.create_async(  # type: ignore[no-any-return]
        {
            "product": product,
            "currency": "usd",
            "unit_amount": 300,
            "recurring": {"interval": "month"},
        }
    )


@pytest.fixture
def tracked_reads(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    reads: set[str] = set()

    def tracking_validate(raw: dict[str, Any], schema: type) -> dict[str, Any]:
        result = wrap(validate(raw, schema), "", reads)
        assert isinstance(result, dict)
        return result

    monkeypatch.setattr(stripe_emulator.app, "validate", tracking_validate)
    return reads


@pytest.mark.timeout(600)
async def test_no_parameter_is_silently_ignored(
    emulator: RunningEmulator, stripe_client: stripe.StripeClient, tracked_reads: set[str]
) -> None:
    world = World()
    bases = await _world(stripe_client, world)
    served = {f"{r.method} {r.pattern}" for r in ROUTES}
    assert set(bases) == served
    async with aiohttp.ClientSession() as http:
        prober = Prober(http, emulator.url, tracked_reads, world)
        for route in ROUTES:
            await prober.probe(route, bases[f"{route.method} {route.pattern}"])
    counts = {kind: len(found) for kind, found in prober.outcomes.items()}
    sent = sum(counts.values()) - counts.get("not sendable", 0)
    print(f"parameter probes: {sent} sent, {counts}")
    assert prober.outcomes.get("server error", []) == []
    ignored = prober.outcomes.get("ignored", [])
    assert ignored == [], "accepted but never read:\n" + "\n".join(ignored)
    assert sent >= 600
    readme = README.read_text()
    unlisted = sorted(p for p in prober.refusals if not _listed(p, readme))
    assert unlisted == [], "refusals missing from emulator/README.md: " + ", ".join(unlisted)


def _listed(param: str, readme: str) -> bool:
    """The README names the param, an object param it belongs to (`a[b]` for `a[b][c]`), or
    the key in any list of objects (`items[][tax_rates]`, wherever the `items` list is)."""
    parts = ["" if p.isdigit() else p for p in re.findall(r"[^\[\]]+", param)]
    names = {parts[0] + "".join(f"[{p}]" for p in parts[1:n]) for n in range(1, len(parts) + 1)}
    names |= {
        parts[i] + "".join(f"[{p}]" for p in parts[i + 1 :])
        for i in range(1, len(parts) - 1)
        if parts[i + 1] == ""
    }
    return any(f"`{name}`" in readme for name in names)


def test_params_accepted_without_effect_are_listed_in_the_readme() -> None:
    readme = README.read_text()
    inert = {name for r in ROUTES for name in r.inert}
    assert inert
    assert sorted(n for n in inert if f"`{n}`" not in readme) == []
