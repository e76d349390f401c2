"""Stripe requests per GraphQL operation, cold and warm, counted by the emulator's request log.

    python bench/stripe_requests.py [--quick] [--later-minutes 10]

Two gateway processes serve the same account: "cold" runs with the customer cache off
(`GATEWAY_CUSTOMER_CACHE_TTL_SECONDS=0`: every read goes to Stripe, as right after a
write or once the cache entry expired), "warm" with the default cache. Warm queries are
the second run of the same query; warm mutations follow an overview, as when a customer
opens the portal and then clicks. The emulator delays every Stripe request by a fixed
50 ms so the log also shows *rounds*: how many Stripe waits follow one another on the
operation's critical path (requests in one round run in parallel).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp
from account import stripe_client
from client import graphql, logged_requests, payload_ok, redeem, reset_log, set_stripe_latency
from documents import CREATE_SESSION, END_SESSION, MUTATIONS, OVERVIEW, OVERVIEW_VARIABLES, QUERIES
from harness import ADMIN_KEY
from stack import Stack, bench_stack, common_arguments, describe_machine
from stripe_emulator.request_log import rounds
from table import print_table
from webhook_visits import Visit, measure_visits, webhook_gateway

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from account import BenchCustomer

QUOTE_PREVIEW = """query($input: UpdateSubscriptionInput!) {
  previewSubscriptionUpdate(input: $input) { preview { quote } userErrors { code message field } }
}"""
RESUME_PREVIEW = """query($id: ID!) {
  previewSubscriptionResume(subscriptionId: $id) {
    preview { quote } userErrors { code message field }
  }
}"""
# A resume held to its preview's quote: Stripe previews the resume again (what it would
# charge now, judged against the quote), then the release and the resume of a queued step.
QUOTED_RESUME = "resumeSubscription (with the preview's quote)"
QUOTED_RESUME_WARM_TARGET = 3
QUOTED_RESUME_COLD_TARGET = 4
ROUND_LATENCY_MS = 50.0
# Completions closer than this belong to one round (requests that ran side by side).
WARM_OVERVIEW_TARGET = 1
MUTATION_TARGET = 2
# A queued change is two writes by Stripe's API (a schedule from the subscription, then its
# phases), as is a write that first drops one (release, then the write; resuming a pause
# for a length releases its pause schedule, then resumes): cold, the read the decision
# needs comes on top.
QUEUED_STEPS = (
    "resumeSubscription",
    "updateSubscription (queued)",
    "undoScheduledChange",
    "updateSubscription (queued again)",
    "cancelSubscription (drops the queued change)",
)
QUEUED_COLD_TARGET = 3
# Paying reads the invoice and the customer's cards (side by side), then pays.
PAY_INVOICE_TARGET = 3
ADDED_TAX_ID = "DE999999995"
SESSION_MUTATIONS = ("createPortalSession", "redeemPortalSession", "endPortalSession")


CLOCK_READ = "GET test_helpers/test_clocks/{test_clock}"


@dataclass(frozen=True)
class Cost:
    requests: int
    rounds: int
    routes: Counter[str]

    @property
    def clock_reads(self) -> int:
        """Reads of the customer's test clock: decisions that date a change read Stripe's time
        fresh for a customer on a test clock, which exists only in test mode."""
        return self.routes[CLOCK_READ]

    @property
    def live(self) -> int:
        """What the same operation costs for a live-mode customer (no test clock)."""
        return self.requests - self.clock_reads


def _short(route: str) -> str:
    method, _, path = route.partition(" ")
    return f"{method} {path.removeprefix('/v1/')}"


@dataclass
class Meter:
    http: aiohttp.ClientSession
    emulator_url: str

    async def cost(self, operation: Callable[[], Awaitable[object]]) -> Cost:
        await reset_log(self.http, self.emulator_url)
        await operation()
        entries = [e for e in await logged_requests(self.http, self.emulator_url)]
        routes = Counter(_short(f"{e['method']} {e['route']}") for e in entries)
        return Cost(len(entries), rounds(entries), routes)


@dataclass
class Session:
    """One customer's portal session on one gateway."""

    http: aiohttp.ClientSession
    url: str
    token: str
    customer: BenchCustomer

    async def query(self, document: str, variables: dict[str, Any] | None = None) -> Any:
        return await graphql(self.http, self.url, document, variables, token=self.token)

    async def overview(self) -> Any:
        return await self.query(OVERVIEW, OVERVIEW_VARIABLES)

    async def mutate(self, mutation: str, /, **fields: Any) -> dict[str, Any]:
        data = await self.query(MUTATIONS[mutation], {"input": fields})
        return payload_ok(data, mutation)


def _query_variables(session: Session, first_invoice: str, stack: Stack) -> dict[str, Any]:
    customer = session.customer
    return {
        "subscription": {"id": customer.subscriptions[0]},
        "invoice": {"id": first_invoice},
        "upcomingInvoice": {"id": customer.subscriptions[0]},
        "previewSubscriptionUpdate": {
            "input": {
                "subscriptionId": customer.subscriptions[-1],
                "priceId": stack.catalog.monthly["Pro"],
            }
        },
    }


def _mutation_steps(session: Session, stack: Stack) -> list[tuple[str, dict[str, Any]]]:
    """A sequence of writes that each succeed and leave the account usable; a step named
    `mutation (what)` is another case of that mutation."""
    subs = session.customer.subscriptions
    cards = session.customer.cards
    team = subs[2]
    monthly, yearly = stack.catalog.monthly["Team"], stack.catalog.yearly["Team"]
    return [
        ("cancelSubscription", {"subscriptionId": subs[0], "reason": "TOO_EXPENSIVE"}),
        ("renewSubscription", {"subscriptionId": subs[0]}),
        (
            "pauseSubscription",
            {"subscriptionId": subs[1], "pauseFor": {"interval": "MONTH", "intervalCount": 1}},
        ),
        ("resumeSubscription", {"subscriptionId": subs[1]}),
        (
            "pauseSubscription (again)",
            {"subscriptionId": subs[1], "pauseFor": {"interval": "MONTH", "intervalCount": 1}},
        ),
        (QUOTED_RESUME, {"subscriptionId": subs[1]}),
        ("updateSubscription", {"subscriptionId": team, "quantity": 5}),
        ("updateSubscription (to yearly)", {"subscriptionId": team, "priceId": yearly}),
        ("updateSubscription (queued)", {"subscriptionId": team, "priceId": monthly}),
        ("undoScheduledChange", {"subscriptionId": team}),
        ("updateSubscription (queued again)", {"subscriptionId": team, "priceId": monthly}),
        ("cancelSubscription (drops the queued change)", {"subscriptionId": team}),
        ("createSetupIntent", {}),
        ("setDefaultPaymentMethod", {"paymentMethodId": cards[1]}),
        ("detachPaymentMethod", {"paymentMethodId": cards[0]}),
        ("updateCustomer", {"name": "Renamed Bench User"}),
        ("addTaxId", {"type": "eu_vat", "value": ADDED_TAX_ID}),
    ]


async def _open_invoice(stack: Stack, customer: BenchCustomer, price: str) -> str:
    """An invoice waiting for payment: a new subscription whose first invoice is left open
    (Stripe's `default_incomplete`), as after a failed first payment."""
    async with stripe_client(stack.emulator.url) as client:
        sub = await client.v1.subscriptions.create_async(
            {
                "customer": customer.id,
                "items": [{"price": price}],
                "payment_behavior": "default_incomplete",
            }
        )
    return str(sub.latest_invoice)


async def _create_code(http: aiohttp.ClientSession, url: str, customer_id: str) -> str:
    data = await graphql(
        http, url, CREATE_SESSION, {"input": {"customer": customer_id}}, token=ADMIN_KEY
    )
    code: str = payload_ok(data, "createPortalSession")["session"]["code"]
    return code


async def measure(
    meter: Meter, http: aiohttp.ClientSession, url: str, customer: BenchCustomer, stack: Stack
) -> dict[str, list[Cost]]:
    """Every operation's cost on one gateway: [first run, repeat] (mutations run once)."""
    costs: dict[str, list[Cost]] = {}

    async def twice(name: str, operation: Callable[[], Awaitable[object]]) -> None:
        costs[name] = [await meter.cost(operation), await meter.cost(operation)]

    codes: list[str] = []
    tokens: list[str] = []

    async def create() -> None:
        codes.append(await _create_code(http, url, customer.id))

    async def redeem_one() -> None:
        tokens.append(await redeem(http, url, codes.pop()))

    await twice("createPortalSession", create)
    await twice("redeemPortalSession", redeem_one)
    session = Session(http, url, tokens[0], customer)
    # First: nothing about this customer is known yet. Repeat: cold (cache off) or warm.
    await twice("overview", session.overview)
    invoices = await session.query(QUERIES["invoices"])
    variables = _query_variables(session, invoices["invoices"]["nodes"][0]["id"], stack)
    for name, document in QUERIES.items():

        async def read(document: str = document, name: str = name) -> None:
            await session.query(document, variables.get(name))

        await twice(name, read)

    steps = _mutation_steps(session, stack)
    for step, fields in steps:
        await session.overview()  # the customer has just opened the portal
        if step == "updateSubscription":
            # As a portal does: preview, then confirm with the preview's quote.
            shown = await session.query(QUOTE_PREVIEW, {"input": fields})
            fields = {
                **fields,
                "quote": payload_ok(shown, "previewSubscriptionUpdate")["preview"]["quote"],
            }
        elif step == QUOTED_RESUME:
            # As the reference portal does: the dialog shows the charge, then sends its quote.
            shown = await session.query(RESUME_PREVIEW, {"id": fields["subscriptionId"]})
            fields = {
                **fields,
                "quote": payload_ok(shown, "previewSubscriptionResume")["preview"]["quote"],
            }

        async def write(name: str = step.split(" ")[0], fields: dict[str, Any] = fields) -> None:
            await session.mutate(name, **fields)

        costs[step] = [await meter.cost(write)]
    invoice = await _open_invoice(stack, customer, stack.catalog.monthly["Basic"])
    await session.overview()
    costs["payInvoice"] = [
        await meter.cost(lambda: session.mutate("payInvoice", invoiceId=invoice))
    ]
    tax_ids = (await session.query(QUERIES["customer"]))["customer"]["taxIds"]
    added = next(t["id"] for t in tax_ids if t["value"] == ADDED_TAX_ID)
    await session.overview()
    costs["removeTaxId"] = [await meter.cost(lambda: session.mutate("removeTaxId", taxIdId=added))]
    other = (await graphql(http, url, "{ session { id } }", token=tokens[1]))["session"]["id"]

    async def revoke() -> None:
        data = await graphql(
            http,
            url,
            MUTATIONS["revokePortalSession"],
            {"input": {"sessionId": other}},
            token=ADMIN_KEY,
        )
        payload_ok(data, "revokePortalSession")

    async def end() -> None:
        payload_ok(await session.query(END_SESSION), "endPortalSession")

    costs["revokePortalSession"] = [await meter.cost(revoke)]
    costs["endPortalSession"] = [await meter.cost(end)]
    return costs


def _routes(cost: Cost) -> str:
    return (
        ", ".join(
            f"{route}" + (f" x{count}" if count > 1 else "")
            for route, count in sorted(cost.routes.items())
        )
        or "-"
    )


def report(cold: dict[str, list[Cost]], warm: dict[str, list[Cost]], machine: str) -> bool:
    """Print the tables; True when every target is met."""
    rows: list[list[object]] = []
    first_sight = cold["overview"][0]
    rows.append(["overview, first sight", first_sight.requests, first_sight.rounds, "", "", "", ""])
    checks: list[bool] = []
    for name in cold:
        cold_cost = cold[name][-1]
        warm_cost = warm[name][-1]
        target = ""
        if name == "overview":
            ok = cold_cost.rounds <= 1 and warm_cost.requests <= WARM_OVERVIEW_TARGET
            target = f"cold 1 round, warm <= {WARM_OVERVIEW_TARGET}: {'met' if ok else 'MISSED'}"
            checks.append(ok)
        elif name == QUOTED_RESUME:
            ok = (
                warm_cost.live <= QUOTED_RESUME_WARM_TARGET
                and cold_cost.live <= QUOTED_RESUME_COLD_TARGET
            )
            target = (
                f"warm <= {QUOTED_RESUME_WARM_TARGET}, cold <= {QUOTED_RESUME_COLD_TARGET}: "
                f"{'met' if ok else 'MISSED'}"
            )
            checks.append(ok)
        elif name in QUEUED_STEPS:
            ok = warm_cost.live <= MUTATION_TARGET and cold_cost.live <= QUEUED_COLD_TARGET
            target = (
                f"warm <= {MUTATION_TARGET}, cold <= {QUEUED_COLD_TARGET}: "
                f"{'met' if ok else 'MISSED'}"
            )
            checks.append(ok)
        elif name.split(" ")[0] in MUTATIONS or name in SESSION_MUTATIONS:
            worst = max(cold_cost.live, warm_cost.live)
            budget = PAY_INVOICE_TARGET if name == "payInvoice" else MUTATION_TARGET
            ok = worst <= budget
            target = f"<= {budget}: {'met' if ok else 'MISSED'}"
            checks.append(ok)
        rows.append(
            [
                name,
                cold_cost.requests,
                cold_cost.rounds,
                warm_cost.requests,
                warm_cost.rounds,
                f"{cold_cost.clock_reads} / {warm_cost.clock_reads}",
                target,
            ]
        )
    print_table(
        "Stripe requests per operation",
        [
            "operation",
            "cold requests",
            "cold rounds",
            "warm requests",
            "warm rounds",
            "test-clock reads (cold / warm)",
            "target (live mode)",
        ],
        rows,
        note=(
            "cold: customer cache off (every read goes to Stripe); warm: default cache, the "
            "query's repeat or a mutation right after an overview. rounds: Stripe waits one "
            f"after another (each Stripe request was delayed {ROUND_LATENCY_MS:.0f} ms).\n"
            "The bench customers live on test clocks (for their months of history); a decision "
            "that dates a change reads the clock fresh, one request a live-mode customer never "
            "costs. Targets are judged on the requests without those reads.\n"
            f"{machine}"
        ),
    )
    detail = [[name, _routes(cold[name][-1]), _routes(warm[name][-1])] for name in cold]
    detail.insert(0, ["overview, first sight", _routes(first_sight), ""])
    print_table("Stripe requests by route", ["operation", "cold", "warm"], detail)
    return all(checks)


def report_visits(visits: list[Visit]) -> bool:
    print_table(
        "Portal visits with webhooks (Stripe requests)",
        ["visit", "requests", "routes", "target"],
        [[v.name, v.requests, v.routes, v.target] for v in visits],
        note=(
            "webhooks on: the gateway has a webhook secret and the emulator delivers every "
            "event to it; Stripe's events update the cached data in place, which then lives "
            "up to the staleness bound (default one hour)."
        ),
    )
    return all("MISSED" not in v.target for v in visits)


async def main(args: argparse.Namespace) -> int:
    months = 1 if args.quick else 4
    later = 6.0 if args.quick else args.later_minutes * 60
    async with bench_stack(customers=4, months=months, pin=not args.no_pin) as stack:
        cold_gateway = await stack.gateway("gateway-cold", customer_cache_ttl=0)
        warm_gateway = await stack.gateway("gateway-warm")
        hooked_url = await webhook_gateway(stack)
        async with aiohttp.ClientSession() as http:
            await set_stripe_latency(http, stack.emulator.url, ROUND_LATENCY_MS)
            meter = Meter(http, stack.emulator.url)
            cold_user, warm_user, hooked_user, plain_user = stack.customers
            cold = await measure(meter, http, cold_gateway.url, cold_user, stack)
            warm = await measure(meter, http, warm_gateway.url, warm_user, stack)
            visits = await measure_visits(
                http,
                stack,
                meter.cost,
                with_webhooks=(hooked_url, hooked_user),
                without_webhooks=(warm_gateway.url, plain_user),
                later=later,
            )
            await set_stripe_latency(http, stack.emulator.url, 0)
        met = report(cold, warm, describe_machine(stack.pinned))
        met = report_visits(visits) and met
    print("all targets met" if met else "some targets MISSED", flush=True)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common_arguments(parser)
    parser.add_argument(
        "--later-minutes",
        type=float,
        default=10.0,
        help="how long after the first visit the repeat visit comes (--quick: 6 s)",
    )
    sys.exit(asyncio.run(main(parser.parse_args())))
