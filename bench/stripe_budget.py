"""Stripe calls per request and per second for the worst requests the gateway's limits let
through, counted by the emulator's request log.

    python bench/stripe_budget.py [--quick] [--seconds 3]

Stripe rate-limits the whole account (about 100 requests/s live, 25 in test mode), so what
one access token can make the gateway send matters more than what it is answered. Two
gateway processes serve the same account: one with its default limits (the per-request
cap on Stripe calls and the Stripe call buckets per token and per customer, beside the
operation rate limit), and one with the Stripe budget turned off (no cap, unlimited
buckets), which is how the gateway behaved before the budget. Each request shape runs
once per gateway, for its own customer, with a fresh token and a cold cache; then one
token sends the worst shape in a closed loop for `--seconds` and the Stripe requests the
emulator answered in that window are counted. Both gateways keep the default operation
rate limit (10 operations/s, 60 at once per token).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import string
import sys
import time
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp
from client import logged_requests, reset_log, token_for
from documents import OVERVIEW, OVERVIEW_VARIABLES
from stack import bench_stack, common_arguments, describe_machine
from table import print_table

if TYPE_CHECKING:
    from collections.abc import Callable

    from account import BenchCustomer

ALIASES = 15  # the gateway's default alias limit
BATCH = 5  # the gateway's default batch limit
# A closed loop stops after this many requests even if the deadline is not reached.
MAX_LOOP_REQUESTS = 10_000


def made_up(prefix: str) -> str:
    """An id of the right shape that names nothing: each one is a distinct Stripe read."""
    return prefix + "".join(secrets.choice(string.ascii_letters) for _ in range(24))


def aliased(field: Callable[[int], str]) -> dict[str, Any]:
    return {"query": "{ " + " ".join(f"a{n}: {field(n)}" for n in range(ALIASES)) + " }"}


def invoices(_: BenchCustomer) -> dict[str, Any]:
    return aliased(lambda n: f'invoice(id: "{made_up("in_")}") {{ id }}')


def subscriptions(_: BenchCustomer) -> dict[str, Any]:
    return aliased(lambda n: f'subscription(id: "{made_up("sub_")}") {{ id }}')


def upcoming(_: BenchCustomer) -> dict[str, Any]:
    return aliased(lambda n: f'upcomingInvoice(subscriptionId: "{made_up("sub_")}") {{ total }}')


def previews(customer: BenchCustomer) -> dict[str, Any]:
    sub = customer.subscriptions[-1]
    return aliased(
        lambda n: (
            f'previewSubscriptionUpdate(input: {{subscriptionId: "{sub}", '
            f"quantity: {n + 2}}}) {{ preview {{ amountDue }} userErrors {{ code }} }}"
        )
    )


def setup_intents(_: BenchCustomer) -> dict[str, Any]:
    body = aliased(
        lambda n: "createSetupIntent(input: {}) { setupIntent { id } userErrors { code } }"
    )
    body["query"] = "mutation " + body["query"]
    return body


def overview(_: BenchCustomer) -> dict[str, Any]:
    return {"query": OVERVIEW, "variables": OVERVIEW_VARIABLES}


@dataclass(frozen=True)
class Shape:
    name: str
    build: Callable[[BenchCustomer], dict[str, Any]]
    batch: int = 1


SHAPES = [
    Shape(f"{BATCH} x {ALIASES} aliased invoice(id:), made-up ids", invoices, BATCH),
    Shape(f"{BATCH} x {ALIASES} aliased subscription(id:), made-up ids", subscriptions, BATCH),
    Shape(f"{BATCH} x {ALIASES} aliased upcomingInvoice, made-up ids", upcoming, BATCH),
    Shape(f"{ALIASES} aliased previewSubscriptionUpdate", previews),
    Shape(f"{ALIASES} aliased createSetupIntent", setup_intents),
    Shape("overview (the portal's home page), cold", overview),
]


@dataclass(frozen=True)
class Outcome:
    stripe_calls: int
    writes: int
    fields: int
    refused: Counter[str]


def _codes(body: Any) -> Counter[str]:
    found: Counter[str] = Counter()
    for answer in body if isinstance(body, list) else [body]:
        for error in answer.get("errors") or []:
            found[error.get("extensions", {}).get("code", "?")] += 1
        for value in (answer.get("data") or {}).values():
            if isinstance(value, dict):
                for error in value.get("userErrors") or []:
                    found[error["code"]] += 1
    return found


async def send(http: aiohttp.ClientSession, url: str, token: str, payload: Any) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with http.post(f"{url}/graphql", json=payload, headers=headers) as response:
        return response.status, json.loads(await response.read())


async def one_request(
    http: aiohttp.ClientSession, emulator_url: str, url: str, shape: Shape, customer: BenchCustomer
) -> Outcome:
    token = await token_for(http, url, customer.id)
    payload: Any = [shape.build(customer) for _ in range(shape.batch)]
    if shape.batch == 1:
        payload = payload[0]
    await reset_log(http, emulator_url)
    status, body = await send(http, url, token, payload)
    if status != 200:
        raise RuntimeError(f"{shape.name}: HTTP {status} {str(body)[:300]}")
    entries = await logged_requests(http, emulator_url)
    writes = sum(1 for e in entries if e["method"] != "GET" and "create_preview" not in e["path"])
    fields = shape.batch * (ALIASES if shape.build is not overview else 1)
    return Outcome(len(entries), writes, fields, _codes(body))


@dataclass(frozen=True)
class Sustained:
    requests: int
    seconds: float
    stripe_calls: int
    http_429: int


async def closed_loop(
    http: aiohttp.ClientSession,
    emulator_url: str,
    url: str,
    customer: BenchCustomer,
    seconds: float,
) -> Sustained:
    """One token sends the worst shape, one request after another, for `seconds`."""
    token = await token_for(http, url, customer.id)
    await reset_log(http, emulator_url)
    started = time.perf_counter()
    deadline = started + seconds
    sent = refused = 0
    while time.perf_counter() < deadline and sent < MAX_LOOP_REQUESTS:
        status, _ = await send(http, url, token, [invoices(customer) for _ in range(BATCH)])
        sent += 1
        refused += status == 429
    elapsed = time.perf_counter() - started
    calls = len(await logged_requests(http, emulator_url))
    return Sustained(sent, elapsed, calls, refused)


def _refused(outcome: Outcome) -> str:
    shown = {code: n for code, n in outcome.refused.items() if code != "NOT_FOUND"}
    return ", ".join(f"{code} x{n}" for code, n in sorted(shown.items())) or "-"


async def main(args: argparse.Namespace) -> int:
    seconds = 1.0 if args.quick else args.seconds
    customers = 2 * len(SHAPES) + 2
    async with bench_stack(customers=customers, months=1, pin=not args.no_pin) as stack:
        budgeted = await stack.gateway("gateway-defaults", default_limits=True, stripe_budget=True)
        unbudgeted = await stack.gateway("gateway-no-stripe-budget", default_limits=True)
        people = iter(stack.customers)
        rows: list[list[object]] = []
        async with aiohttp.ClientSession() as http:
            for shape in SHAPES:
                before = await one_request(
                    http, stack.emulator.url, unbudgeted.url, shape, next(people)
                )
                after = await one_request(
                    http, stack.emulator.url, budgeted.url, shape, next(people)
                )
                rows.append(
                    [
                        shape.name,
                        after.fields,
                        before.stripe_calls,
                        before.writes,
                        after.stripe_calls,
                        after.writes,
                        _refused(after),
                    ]
                )
            loop_before = await closed_loop(
                http, stack.emulator.url, unbudgeted.url, next(people), seconds
            )
            loop_after = await closed_loop(
                http, stack.emulator.url, budgeted.url, next(people), seconds
            )
        machine = describe_machine(stack.pinned)
    print_table(
        "Stripe calls per request",
        [
            "request",
            "fields",
            "no budget: calls",
            "no budget: writes",
            "defaults: calls",
            "defaults: writes",
            "defaults: refused fields",
        ],
        rows,
        note=(
            "Each request from a fresh token for its own customer, nothing cached. calls: "
            "Stripe requests the emulator answered; writes: those that change something "
            "(previews are reads). refused fields: error codes other than NOT_FOUND (a "
            "made-up id reads as missing).\n" + machine
        ),
    )
    loop_rows = [
        [
            name,
            result.requests,
            round(result.seconds, 2),
            result.http_429,
            result.stripe_calls,
            round(result.stripe_calls / result.seconds, 1),
        ]
        for name, result in (("no Stripe budget", loop_before), ("defaults", loop_after))
    ]
    print_table(
        "Stripe calls per second from one token",
        ["gateway", "requests", "seconds", "HTTP 429", "Stripe calls", "Stripe calls/s"],
        loop_rows,
        note=(
            f"One access token sending {BATCH}-operation batches of {ALIASES} aliased "
            "invoice(id:) with made-up ids, one after another, for the whole run. Both "
            "gateways keep the default operation rate limit (HTTP 429 when spent)."
        ),
    )
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common_arguments(parser)
    parser.add_argument("--seconds", type=float, default=3.0, help="the closed loop's length")
    sys.exit(asyncio.run(main(parser.parse_args())))
