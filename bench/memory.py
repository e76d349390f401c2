"""Gateway memory over a sustained run: resident memory after the first minute and at the end.

    python bench/memory.py [--minutes 5] [--quick] [--concurrency 16]

One gateway process (default settings: in-process cache, 30 s customer TTL) serves a
steady mix while Stripe answers in 80 +- 20 ms: portal visitors open the overview, every
tenth request is a write (cancel, then renew, their own subscription: it empties their
cache), and every fiftieth a new portal session is created and redeemed (sessions pile
up in the store until they expire). Each client takes turns among its own customers.
Resident memory (VmRSS) is sampled every few seconds; the target compares the end with
the first minute (the warm-up: caches filling).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from client import RequestFailed, graphql, payload_ok, redeem, set_stripe_latency, token_for
from documents import CREATE_SESSION, MUTATIONS, OVERVIEW, OVERVIEW_VARIABLES
from harness import ADMIN_KEY
from stack import bench_stack, common_arguments, describe_machine
from table import print_table

TARGET_GROWTH = 0.10
WRITE_EVERY = 10
NEW_SESSION_EVERY = 50
SAMPLE_SECONDS = 5.0
CUSTOMERS_PER_CLIENT = 2


@dataclass
class Visitor:
    """One load-generating client and the customers it takes turns acting for."""

    customers: list[str]
    subscriptions: list[str]
    tokens: list[str]
    canceling: list[bool] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.canceling = [False] * len(self.customers)


@dataclass
class Tally:
    requests: int = 0
    failures: int = 0
    first_failure: str = ""


async def visit(
    http: aiohttp.ClientSession, url: str, visitor: Visitor, deadline: float, tally: Tally
) -> None:
    n = 0
    while time.monotonic() < deadline:
        turn = n % len(visitor.customers)
        n += 1
        try:
            if n % NEW_SESSION_EVERY == 0:
                data = await graphql(
                    http,
                    url,
                    CREATE_SESSION,
                    {"input": {"customer": visitor.customers[turn]}},
                    token=ADMIN_KEY,
                )
                code = payload_ok(data, "createPortalSession")["session"]["code"]
                visitor.tokens[turn] = await redeem(http, url, code)
                tally.requests += 2
            elif n % WRITE_EVERY == 0:
                name = "renewSubscription" if visitor.canceling[turn] else "cancelSubscription"
                data = await graphql(
                    http,
                    url,
                    MUTATIONS[name],
                    {"input": {"subscriptionId": visitor.subscriptions[turn]}},
                    token=visitor.tokens[turn],
                )
                payload_ok(data, name)
                visitor.canceling[turn] = not visitor.canceling[turn]
                tally.requests += 1
            else:
                await graphql(http, url, OVERVIEW, OVERVIEW_VARIABLES, token=visitor.tokens[turn])
                tally.requests += 1
        except (RequestFailed, aiohttp.ClientError, TimeoutError) as exc:
            tally.failures += 1
            tally.first_failure = tally.first_failure or f"{type(exc).__name__}: {exc}"


async def main(args: argparse.Namespace) -> int:
    total = 6.0 if args.quick else args.minutes * 60
    checkpoint = min(60.0, total / 2)
    interval = min(SAMPLE_SECONDS, total / 6)
    clients = 2 if args.quick else args.concurrency
    customers = clients * CUSTOMERS_PER_CLIENT
    months = 1 if args.quick else 2
    async with bench_stack(customers=customers, months=months, pin=not args.no_pin) as stack:
        trace_env = (
            {
                "PYTHONPATH": str(Path(__file__).parent / "memtrace"),
                "BENCH_TRACEMALLOC_DIR": args.trace,
                "BENCH_TRACEMALLOC_FIRST": str(checkpoint),
            }
            if args.trace
            else None
        )
        gateway = await stack.gateway(extra_env=trace_env)
        samples: list[tuple[float, int, int]] = []
        tally = Tally()
        connector = aiohttp.TCPConnector(limit=clients)
        async with aiohttp.ClientSession(connector=connector) as http:
            tokens = [await token_for(http, gateway.url, c.id) for c in stack.customers]
            visitors = [
                Visitor(
                    customers=[c.id for c in stack.customers[i::clients]],
                    subscriptions=[c.subscriptions[0] for c in stack.customers[i::clients]],
                    tokens=tokens[i::clients],
                )
                for i in range(clients)
            ]
            await set_stripe_latency(http, stack.emulator.url, 80, 20)
            started = time.monotonic()
            deadline = started + total
            samples.append((0.0, gateway.rss_kib(), 0))
            load = asyncio.gather(*(visit(http, gateway.url, v, deadline, tally) for v in visitors))
            while time.monotonic() < deadline:
                await asyncio.sleep(min(interval, max(0.0, deadline - time.monotonic())))
                samples.append((time.monotonic() - started, gateway.rss_kib(), tally.requests))
            await load
            await set_stripe_latency(http, stack.emulator.url, 0)
        cpu = gateway.cpu_seconds()
        machine = describe_machine(stack.pinned)
    if tally.failures:
        raise RuntimeError(f"{tally.failures} requests failed: {tally.first_failure}")
    at_checkpoint = next(s for s in samples if s[0] >= checkpoint)
    end = samples[-1]
    growth = end[1] / at_checkpoint[1] - 1
    met = growth <= TARGET_GROWTH
    shown = [s for s in samples if round(s[0]) % 30 < SAMPLE_SECONDS or s is samples[-1]]
    print_table(
        f"Gateway resident memory over {total / 60:.1f} minutes",
        ["time s", "RSS MiB", "requests so far"],
        [[round(t), rss / 1024, requests] for t, rss, requests in shown],
        note=(
            f"{clients} clients, {customers} customers; every {WRITE_EVERY}th request a write, "
            f"every {NEW_SESSION_EVERY}th a new session; Stripe answers in 80 +- 20 ms. "
            f"{tally.requests:,} requests, 0 failed; gateway CPU {cpu:.0f} s in all.\n{machine}"
        ),
    )
    print_table(
        "Memory growth",
        ["after", "RSS MiB", "growth since the checkpoint", "target"],
        [
            [f"{at_checkpoint[0]:.0f} s (checkpoint)", at_checkpoint[1] / 1024, "", ""],
            [
                f"{end[0]:.0f} s (end)",
                end[1] / 1024,
                f"{growth * 100:+.1f}%",
                f"<= +{TARGET_GROWTH * 100:.0f}%: {'met' if met else 'MISSED'}",
            ],
        ],
    )
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common_arguments(parser)
    parser.add_argument("--minutes", type=float, default=5.0, help="length of the run")
    parser.add_argument("--concurrency", type=int, default=16, help="clients")
    parser.add_argument(
        "--trace",
        metavar="DIR",
        type=lambda path: str(Path(path).resolve()),
        help="trace the gateway's allocations (tracemalloc, slow) and write the growth since "
        "the checkpoint to DIR every 30 s (bench/memtrace/sitecustomize.py)",
    )
    sys.exit(asyncio.run(main(parser.parse_args())))
