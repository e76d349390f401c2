"""Warm overview throughput of one gateway process, against the in-memory baseline.

    python bench/throughput.py [--quick] [--seconds 8] [--repeats 3] [--concurrency 16]

The gateway runs as deployed (`python -m gateway serve`, default settings: 30 s customer
cache in process memory) against the emulator; the overview is the reference portal's home
page query. After one overview per customer (cold) every request is warm: served from the
cache, Stripe is not asked (the emulator log counts what it was asked during the runs).
The baseline (bench/baseline_server.py) serves the very same response from memory through
the same aiohttp + Strawberry stack. Both are pinned to the same CPU; the load generator
runs on the other. Runs are interleaved (gateway, baseline, gateway, ...) so a slow
moment on the host hits both; the tables give medians and min..max.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

import aiohttp
from client import graphql, logged_requests, reset_log, token_for
from documents import OVERVIEW, OVERVIEW_VARIABLES
from load import LoadResult, round_robin, run_load
from stack import bench_stack, common_arguments, describe_machine
from table import print_table

if TYPE_CHECKING:
    from harness import Process

TARGET_RATIO = 0.8
WARMUP_SECONDS = 2.0
MAX_REQUESTS_PER_RUN = 1_000_000


@dataclass
class Run:
    result: LoadResult
    cpu_seconds: float

    @property
    def cpu_us_per_request(self) -> float:
        return self.cpu_seconds / self.result.count * 1e6 if self.result.count else float("nan")


async def measure(
    server: Process, tokens: list[str], *, concurrency: int, seconds: float, warmup: float
) -> Run:
    """A warm-up run (discarded), then a measured one; server CPU from /proc over the latter."""
    requests = round_robin(server.url, OVERVIEW, OVERVIEW_VARIABLES, tokens)
    await run_load(
        requests,
        concurrency=concurrency,
        max_requests=MAX_REQUESTS_PER_RUN,
        max_seconds=warmup,
    )
    cpu_before = server.cpu_seconds()
    result = await run_load(
        requests, concurrency=concurrency, max_requests=MAX_REQUESTS_PER_RUN, max_seconds=seconds
    )
    run = Run(result, server.cpu_seconds() - cpu_before)
    if result.failures:
        raise RuntimeError(f"{server.name}: {result.failures} failed: {result.first_failure}")
    return run


def _summary(name: str, runs: list[Run], size: int) -> list[object]:
    rates = [r.result.throughput for r in runs]
    return [
        name,
        statistics.median(rates),
        f"{min(rates):,.0f}..{max(rates):,.0f}",
        statistics.median(r.result.percentile(50) for r in runs) * 1000,
        statistics.median(r.result.percentile(99) for r in runs) * 1000,
        statistics.median(r.cpu_us_per_request for r in runs),
        size,
    ]


async def main(args: argparse.Namespace) -> int:
    seconds = 1.0 if args.quick else args.seconds
    warmup = 0.5 if args.quick else WARMUP_SECONDS
    repeats = 1 if args.quick else args.repeats
    customers = 1 if args.quick else 4
    months = 1 if args.quick else 4
    async with bench_stack(customers=customers, months=months, pin=not args.no_pin) as stack:
        gateway = await stack.gateway()
        async with aiohttp.ClientSession() as http:
            tokens = [await token_for(http, gateway.url, c.id) for c in stack.customers]
            answers = [
                await graphql(http, gateway.url, OVERVIEW, OVERVIEW_VARIABLES, token=t)
                for t in tokens
            ]
            snapshot = stack.workdir / "overview.json"
            snapshot.write_text(json.dumps(answers[0]), encoding="utf-8")
            baseline = await stack.baseline(snapshot)
            same = await graphql(http, baseline.url, OVERVIEW, OVERVIEW_VARIABLES)
            if same != answers[0]:
                raise RuntimeError("the baseline does not answer what the gateway answered")
            size = len(json.dumps({"data": answers[0]}).encode())
            await reset_log(http, stack.emulator.url)
            runs: dict[str, list[Run]] = {"gateway": [], "baseline": []}
            for _ in range(repeats):
                runs["gateway"].append(
                    await measure(
                        gateway,
                        tokens,
                        concurrency=args.concurrency,
                        seconds=seconds,
                        warmup=warmup,
                    )
                )
                runs["baseline"].append(
                    await measure(
                        baseline, [""], concurrency=args.concurrency, seconds=seconds, warmup=warmup
                    )
                )
            stripe_requests = len(await logged_requests(http, stack.emulator.url))
        gateway_rss, baseline_rss = gateway.rss_kib(), baseline.rss_kib()
        machine = describe_machine(stack.pinned)
    served = sum(r.result.count for r in runs["gateway"])
    rows = [
        _summary("gateway", runs["gateway"], size),
        _summary("baseline", runs["baseline"], size),
    ]
    ratio = float(rows[0][1]) / float(rows[1][1])  # type: ignore[arg-type]
    cpu_ratio = float(rows[1][5]) / float(rows[0][5])  # type: ignore[arg-type]
    print_table(
        f"Warm overview throughput, one process, concurrency {args.concurrency}",
        ["server", "req/s (median)", "min..max", "p50 ms", "p99 ms", "CPU µs/req", "bytes"],
        rows,
        note=(
            f"{repeats} interleaved runs of {seconds:.0f} s (after {warmup:.1f} s "
            f"warm-up each), {len(tokens)} customer(s). The gateway answered {served:,} "
            f"measured overviews with {stripe_requests} Stripe requests in all (warm-ups "
            f"included). RSS at the end: gateway {gateway_rss / 1024:.0f} MiB, baseline "
            f"{baseline_rss / 1024:.0f} MiB.\n{machine}"
        ),
    )
    met = ratio >= TARGET_RATIO
    print_table(
        "Gateway / baseline",
        ["measure", "ratio", "target"],
        [
            ["throughput", f"{ratio:.2f}", f">= {TARGET_RATIO}: {'met' if met else 'MISSED'}"],
            ["CPU per request (baseline / gateway)", f"{cpu_ratio:.2f}", ""],
        ],
    )
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common_arguments(parser)
    parser.add_argument("--seconds", type=float, default=8.0, help="length of a measured run")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved runs per server")
    parser.add_argument("--concurrency", type=int, default=16)
    sys.exit(asyncio.run(main(parser.parse_args())))
