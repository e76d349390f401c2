"""Latency of the overview and of a mutation while Stripe takes its time, at concurrency 1, 16
and 64, also as a multiple of one Stripe round trip.

    python bench/latency.py [--quick] [--latency-ms 80] [--jitter-ms 20]

The emulator delays every Stripe API request by latency +- jitter (uniform). One Stripe
round trip is measured, not assumed: the median of sequential SDK calls (the SDK the
gateway uses) from the load generator to the emulator under the same delay.

- overview, cold: a gateway with the customer cache off, so every overview reads Stripe.
  The customer's subscription ids are known from an earlier visit (see
  gateway/billing/subscription_ids.py): all reads, previews included, start at once.
- overview, first sight: the first visit of each customer to that gateway; the previews
  wait for the subscription list (two round trips).
- overview, warm: the default 30 s customer cache, after one visit.
- mutation: cancelSubscription and renewSubscription in turn on the client's own
  subscription; each follows the previous write, so it reads the subscription from
  Stripe (the write emptied the cache) and then writes: two round trips.

Each client acts as its own customer. The load generator is closed-loop: at 16 and 64 the
gateway process (one CPU) saturates and the numbers include queueing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from typing import TYPE_CHECKING, Any

import aiohttp
from account import stripe_client
from client import logged_requests, reset_log, set_stripe_latency, token_for
from documents import MUTATIONS, OVERVIEW, OVERVIEW_VARIABLES
from load import LoadResult, each_in_turn, graphql_request, round_robin, run_load
from stack import Stack, bench_stack, common_arguments, describe_machine
from table import print_table

if TYPE_CHECKING:
    from collections.abc import Callable

    from harness import Process

COLD_TARGET_ROUND_TRIPS = 1.5
RTT_SAMPLES = 60
CONCURRENCY = (1, 16, 64)
REQUESTS = {1: 120, 16: 800, 64: 1600}
MAX_SECONDS = 60.0
WARM_TTL_SECONDS = 600


async def stripe_round_trip(stack: Stack, samples: int) -> list[float]:
    """Sequential SDK reads of a customer, each timed end to end."""
    timings = []
    async with stripe_client(stack.emulator.url) as client:
        for _ in range(samples):
            started = time.perf_counter()
            await client.v1.customers.retrieve_async(stack.customers[0].id)
            timings.append(time.perf_counter() - started)
    return timings


async def stripe_round(stack: Stack, samples: int) -> LoadResult:
    """The Stripe requests of one cold overview, sent all at once by a bare SDK client (no
    gateway): the floor a cold overview can reach against this emulator."""
    result = LoadResult()
    customer = stack.customers[0]
    async with stripe_client(stack.emulator.url) as client:
        started_all = time.perf_counter()
        for _ in range(samples):
            reads = [
                client.raw_request_async(
                    "get", f"/v1/customers/{customer.id}", expand=["test_clock"]
                ),
                client.raw_request_async("get", f"/v1/customers/{customer.id}/tax_ids", limit=100),
                client.raw_request_async(
                    "get", f"/v1/customers/{customer.id}/payment_methods", limit=100
                ),
                client.raw_request_async(
                    "get",
                    "/v1/subscriptions",
                    customer=customer.id,
                    limit=100,
                    expand=["data.schedule", "data.test_clock"],
                ),
                client.raw_request_async("get", "/v1/invoices", customer=customer.id, limit=10),
                *(
                    client.raw_request_async(
                        "post", "/v1/invoices/create_preview", customer=customer.id, subscription=s
                    )
                    for s in customer.subscriptions
                ),
            ]
            started = time.perf_counter()
            await asyncio.gather(*reads)
            result.latencies.append(time.perf_counter() - started)
        result.elapsed = time.perf_counter() - started_all
    return result


async def tokens_for(http: aiohttp.ClientSession, gateway: Process, stack: Stack) -> list[str]:
    gate = asyncio.Semaphore(8)

    async def one(customer_id: str) -> str:
        async with gate:
            return await token_for(http, gateway.url, customer_id)

    return list(await asyncio.gather(*(one(c.id) for c in stack.customers)))


async def visit_all(gateway: Process, tokens: list[str]) -> None:
    """One overview per customer, 8 at a time."""
    clients = min(8, len(tokens))
    result = await run_load(
        each_in_turn(gateway.url, OVERVIEW, OVERVIEW_VARIABLES, tokens, clients),
        concurrency=clients,
        max_requests=len(tokens),
        max_seconds=MAX_SECONDS,
    )
    if result.failures:
        raise RuntimeError(result.first_failure)


def cancel_renew(
    gateway: Process, tokens: list[str], subscriptions: list[str]
) -> Callable[[int, int], tuple[str, dict[str, Any], dict[str, str]]]:
    """Client i cancels its own customer's first subscription, renews it, cancels it, ...
    (the state carries over from one run to the next)."""
    canceling = [False] * len(subscriptions)

    def next_request(client: int, n: int) -> tuple[str, dict[str, Any], dict[str, str]]:
        name = "renewSubscription" if canceling[client] else "cancelSubscription"
        canceling[client] = not canceling[client]
        return graphql_request(
            gateway.url,
            MUTATIONS[name],
            {"input": {"subscriptionId": subscriptions[client]}},
            tokens[client],
        )

    return next_request


class Rows:
    def __init__(self, rtt: float, emulator: Process, http: aiohttp.ClientSession) -> None:
        self.rtt = rtt
        self.emulator = emulator
        self.http = http
        self.rows: list[list[object]] = []
        self.splits: list[list[object]] = []
        self.results: dict[tuple[str, int], LoadResult] = {}

    async def measure(
        self,
        name: str,
        concurrency: int,
        next_request: Callable[[int, int], tuple[str, dict[str, Any], dict[str, str]]],
        requests: int,
    ) -> None:
        await reset_log(self.http, self.emulator.url)
        result = await run_load(
            next_request, concurrency=concurrency, max_requests=requests, max_seconds=MAX_SECONDS
        )
        logged = await logged_requests(self.http, self.emulator.url)
        self.add(name, concurrency, result, len(logged))
        if concurrency == 1:
            self.split(name, result, [float(e["at"]) for e in logged])

    def split(self, name: str, result: LoadResult, answered: list[float]) -> None:
        """One request at a time: how long each waited until Stripe's last answer to it (the
        emulator logs when it answered) and how long the gateway took after that."""
        waits, tails = [], []
        for start, end in result.spans:
            mine = [at for at in answered if start <= at <= end]
            last = max(mine, default=start)
            waits.append(last - start)
            tails.append(end - last)
        if waits:
            self.splits.append(
                [
                    name,
                    result.percentile(50) * 1000,
                    statistics.median(waits) * 1000,
                    statistics.median(tails) * 1000,
                    f"{statistics.median(waits) / self.rtt:.2f}",
                ]
            )

    def add(self, name: str, concurrency: int, result: LoadResult, stripe: int) -> None:
        if result.failures:
            raise RuntimeError(f"{name} at {concurrency}: {result.first_failure}")
        self.results[(name, concurrency)] = result
        p50, p95, p99 = (result.percentile(p) for p in (50, 95, 99))
        self.rows.append(
            [
                name,
                concurrency,
                result.count,
                p50 * 1000,
                p95 * 1000,
                p99 * 1000,
                f"{p50 / self.rtt:.2f}",
                f"{p95 / self.rtt:.2f}",
                f"{p99 / self.rtt:.2f}",
                f"{stripe / result.count:.1f}" if result.count else "-",
            ]
        )


async def main(args: argparse.Namespace) -> int:
    levels = (1, 2) if args.quick else CONCURRENCY
    requests = {1: 4, 2: 4} if args.quick else REQUESTS
    customers = max(levels)
    months = 1 if args.quick else 2
    async with bench_stack(customers=customers, months=months, pin=not args.no_pin) as stack:
        cold = await stack.gateway("gateway-cold", customer_cache_ttl=0)
        # Entries live 30 s by default, shorter than the warm rows together: a longer life
        # keeps every warm row warm (what expiry costs is what the cold rows show).
        warm = await stack.gateway("gateway-warm", customer_cache_ttl=WARM_TTL_SECONDS)
        async with aiohttp.ClientSession() as http:
            cold_tokens = await tokens_for(http, cold, stack)
            warm_tokens = await tokens_for(http, warm, stack)
            await set_stripe_latency(http, stack.emulator.url, args.latency_ms, args.jitter_ms)
            rtts = await stripe_round_trip(stack, 5 if args.quick else RTT_SAMPLES)
            rtt = statistics.median(rtts)
            rows = Rows(rtt, stack.emulator, http)
            floor = await stripe_round(stack, 5 if args.quick else 40)
            rows.add("cold overview's 8 Stripe requests, no gateway", 1, floor, 8 * floor.count)

            # First sight: each customer's first overview on the cold gateway, one at a time.
            sight = min(len(cold_tokens), 2 if args.quick else 16)
            await rows.measure(
                "overview, first sight",
                1,
                each_in_turn(cold.url, OVERVIEW, OVERVIEW_VARIABLES, cold_tokens[:sight], 1),
                sight,
            )
            await visit_all(cold, cold_tokens)
            for level in levels:
                await rows.measure(
                    "overview, cold",
                    level,
                    round_robin(cold.url, OVERVIEW, OVERVIEW_VARIABLES, cold_tokens),
                    requests[level],
                )
            await visit_all(warm, warm_tokens)
            for level in levels:
                await rows.measure(
                    "overview, warm",
                    level,
                    round_robin(warm.url, OVERVIEW, OVERVIEW_VARIABLES, warm_tokens),
                    requests[level],
                )
            subscriptions = [c.subscriptions[0] for c in stack.customers]
            writes = cancel_renew(warm, warm_tokens, subscriptions)
            for level in levels:
                await rows.measure("mutation", level, writes, requests[level])
            await set_stripe_latency(http, stack.emulator.url, 0)
        machine = describe_machine(stack.pinned)
    cold_c1 = rows.results[("overview, cold", 1)]
    ratio = cold_c1.percentile(50) / rtt
    met = ratio <= COLD_TARGET_ROUND_TRIPS
    print_table(
        f"Latency with Stripe answering in {args.latency_ms:.0f} +- {args.jitter_ms:.0f} ms",
        [
            "operation",
            "concurrency",
            "requests",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "p50 / RTT",
            "p95 / RTT",
            "p99 / RTT",
            "Stripe req/op",
        ],
        rows.rows,
        note=(
            f"RTT = one Stripe round trip, measured: median {rtt * 1000:.1f} ms of "
            f"{len(rtts)} sequential SDK calls (p95 "
            f"{sorted(rtts)[int(len(rtts) * 0.95) - 1] * 1000:.1f} ms). Cold overview at "
            f"concurrency 1: p50 = {ratio:.2f} RTT; target <= {COLD_TARGET_ROUND_TRIPS}: "
            f"{'met' if met else 'MISSED'}.\n{machine}"
        ),
    )
    print_table(
        "Where a request's time goes, one request at a time",
        [
            "operation",
            "p50 ms",
            "until Stripe's last answer, median ms",
            "after it (gateway), median ms",
            "wait / RTT",
        ],
        rows.splits,
        note=(
            "Stripe's last answer: the latest time the emulator logged answering a request of "
            "that operation. The emulator is one Python process on one CPU: requests that "
            "arrive together are delayed in parallel but computed one after another."
        ),
    )
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common_arguments(parser)
    parser.add_argument("--latency-ms", type=float, default=80.0)
    parser.add_argument("--jitter-ms", type=float, default=20.0)
    sys.exit(asyncio.run(main(parser.parse_args())))
