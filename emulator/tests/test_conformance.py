"""Every answer the emulator gives has the shape Stripe's schemas give it, field for field.

A broad scenario (`conformance_scenario.py`) drives every route the emulator serves through
the `stripe` SDK. Each raw JSON answer, each event it records and each webhook payload it
delivers (signature verified with the SDK's helper) is validated against the schemas of API
2026-10-28 kept in `schemas/stripe-api.json`: required fields present (null only where
Stripe sends null), nothing Stripe does not have, includable and expandable fields only
when the request expanded them.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import pytest_asyncio
import stripe
from aiohttp import web
from conformance_scenario import drive
from stripe_emulator.app import RUNTIME, create_app
from stripe_emulator.router import ROUTES
from stripe_emulator.state import Emulator
from stripe_emulator.testing import TEST_API_KEY
from stripe_emulator.wire import decode_pairs
from stripe_schema import StripeSchemas, path_key

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

SCHEMAS = StripeSchemas.load()


@dataclass
class Answer:
    method: str
    pattern: str
    status: int
    expand: list[str]
    body: Any


@dataclass
class Recorder:
    answers: list[Answer] = field(default_factory=list)
    hooks: list[tuple[str, str]] = field(default_factory=list)

    @web.middleware
    async def middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        body = await request.text() if request.body_exists else ""
        response = await handler(request)
        route = request.match_info.route.resource
        if (
            request.path.startswith("/v1/")
            and isinstance(response, web.Response)
            and response.content_type == "application/json"
            and route is not None
        ):
            pairs = list(request.query.items()) + parse_qsl(body, keep_blank_values=True)
            expand = [str(p) for p in decode_pairs(pairs).get("expand", [])]
            payload = json.loads(bytes(response.body))  # type: ignore[arg-type]
            self.answers.append(
                Answer(request.method, route.canonical, response.status, expand, payload)
            )
        return response

    async def receive(self, request: web.Request) -> web.Response:
        self.hooks.append((await request.text(), request.headers["Stripe-Signature"]))
        return web.json_response({"received": True})


@dataclass
class Run:
    recorder: Recorder
    emu: Emulator
    secret: str


async def _serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def run() -> AsyncIterator[Run]:
    recorder = Recorder()
    receiver = web.Application()
    receiver.router.add_post("/hooks", recorder.receive)
    hook_runner, hook_url = await _serve(receiver)
    app = create_app(Emulator(seed=3))
    app.middlewares.append(recorder.middleware)
    runner, url = await _serve(app)
    http = stripe.AIOHTTPClient()
    client = stripe.StripeClient(
        TEST_API_KEY, base_addresses={"api": url}, http_client=http, max_network_retries=0
    )
    try:
        secret = await drive(client, hook_url + "/hooks")
        emu = app[RUNTIME].emu
        for _ in range(200):
            delivered = {json.loads(body)["id"] for body, _ in recorder.hooks}
            if delivered >= {e["id"] for e in emu.of_type("event")}:
                break
            await asyncio.sleep(0.02)
        yield Run(recorder, emu, secret)
    finally:
        await http.close_async()
        await runner.cleanup()
        await hook_runner.cleanup()


def _ok(run: Run) -> list[Answer]:
    return [a for a in run.recorder.answers if a.status < 300]


def test_every_answer_validates_against_stripe_schemas(run: Run) -> None:
    problems = [
        p
        for answer in _ok(run)
        for p in SCHEMAS.response(answer.method, answer.pattern, answer.body, answer.expand)
    ]
    assert not problems, "\n".join(sorted(set(problems)))


def test_the_scenario_is_broad(run: Run) -> None:
    """At least 150 distinct answers, and every route the emulator serves answered 2xx."""
    answered = {path_key(a.method, a.pattern) for a in _ok(run)}
    served = {path_key(r.method, r.pattern) for r in ROUTES}
    assert served - answered == set()
    distinct = {
        hashlib.sha256(json.dumps(a.body, sort_keys=True).encode()).hexdigest() for a in _ok(run)
    }
    assert len(distinct) >= 150
    assert any(a.expand for a in _ok(run))
    print(
        f"conformance: {len(_ok(run))} answers ({len(distinct)} distinct, "
        f"{sum(1 for a in _ok(run) if a.expand)} with expand[]) over {len(answered)} endpoints; "
        f"{sum(1 for _ in run.emu.of_type('event'))} events "
        f"({sum(1 for e in run.emu.of_type('event') if 'previous_attributes' in e['data'])} "
        f"with previous_attributes), {len(run.recorder.hooks)} webhooks"
    )


def test_every_event_validates_with_its_previous_attributes(run: Run) -> None:
    events = list(run.emu.of_type("event"))
    assert len(events) >= 60
    assert sum(1 for e in events if "previous_attributes" in e["data"]) >= 15
    problems = [p for e in events for p in SCHEMAS.event(run.emu.render(e), e["type"])]
    assert not problems, "\n".join(sorted(set(problems)))


def test_every_object_the_emulator_holds_validates(run: Run) -> None:
    """Stored objects, rendered as any answer would render them, nothing expanded (deleted
    ones answer with their stub, validated with the answers)."""
    objects = [o for o in run.emu.objects.values() if not o.get("deleted")]
    assert len({o["object"] for o in objects}) >= 18
    problems = [p for o in objects for p in SCHEMAS.stored(run.emu.render(o), o["id"])]
    assert not problems, "\n".join(sorted(set(problems)))


def test_every_webhook_payload_is_signed_and_validates(run: Run) -> None:
    assert len(run.recorder.hooks) >= 60
    problems = []
    for payload, signature in run.recorder.hooks:
        event = stripe.Webhook.construct_event(payload, signature, run.secret)
        problems += SCHEMAS.event(json.loads(payload), f"webhook {event.type}")
    assert not problems, "\n".join(sorted(set(problems)))


def test_the_kept_schemas_cover_every_route() -> None:
    """A new route needs its schemas: rerun `schemas/regenerate.py` (see its docstring)."""
    assert set(SCHEMAS.operations) == {path_key(r.method, r.pattern) for r in ROUTES}


def test_the_validator_sees_presence_violations() -> None:
    """What the SDK's `Optional` hides: missing-but-required, null-but-not-nullable, extras."""
    good = {
        "id": "di_1",
        "object": "discount",
        "checkout_session": None,
        "customer": "cus_1",
        "customer_account": None,
        "deleted": True,
        "invoice": None,
        "invoice_item": None,
        "promotion_code": None,
        "source": {"coupon": "co_1", "type": "coupon"},
        "start": 1,
        "subscription": "sub_1",
        "subscription_item": None,
    }
    discount = "DELETE /v1/subscriptions/{subscription}/discount"
    method, pattern = discount.split(" ")
    assert SCHEMAS.response(method, pattern, good, []) == []
    with_end = SCHEMAS.response(method, pattern, {**good, "end": None}, [])
    assert with_end == [f"{path_key(method, pattern)}<discount>.end: Stripe has no such field"]
    missing = {k: v for k, v in good.items() if k != "invoice"}
    assert SCHEMAS.response(method, pattern, missing, []) == [
        f"{path_key(method, pattern)}<discount>.invoice: Stripe always sends it, missing"
    ]
    expanded = SCHEMAS.response(method, pattern, {**good, "customer": {"id": "cus_1"}}, [])
    assert any("not expanded" in p for p in expanded)
    price = {"object": "price", "currency_options": None}
    assert any(
        "currency_options: null, but Stripe never sends null" in p
        for p in SCHEMAS.response("GET", "/v1/prices/{price}", price, [])
    )
    customer = {"object": "customer", "tax_ids": {"object": "list"}}
    assert any(
        "tax_ids: sent, but Stripe includes it only expanded" in p
        for p in SCHEMAS.response("GET", "/v1/customers/{customer}", customer, [])
    )
    assert not any(
        "tax_ids: sent" in p
        for p in SCHEMAS.response("GET", "/v1/customers/{customer}", customer, ["tax_ids"])
    )
