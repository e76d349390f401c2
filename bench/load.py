"""A closed-loop load generator: `concurrency` clients, each sending its next request when the
previous one answered, until a request count or a deadline (whichever comes first).

Closed loop means it does not correct for coordinated omission: at saturation the
latencies mostly measure queueing (about concurrency / throughput). Every answer is
checked (HTTP 200, JSON, no GraphQL `errors`, no `userErrors`); failures are counted,
never timed as successes.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import aiohttp

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

REQUEST_TIMEOUT_SECONDS = 30.0


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    # Wall-clock (start, end) of each successful request, to line up with the emulator's log.
    spans: list[tuple[float, float]] = field(default_factory=list)
    failures: int = 0
    first_failure: str = ""
    elapsed: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile of the successful requests' latencies, in seconds."""
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        rank = max(1, math.ceil(p / 100 * len(ordered)))
        return ordered[rank - 1]


def _failure(body: bytes, status: int) -> str | None:
    if status != 200:
        return f"HTTP {status}: {body[:200]!r}"
    try:
        decoded = json.loads(body)
    except ValueError:
        return f"not JSON: {body[:200]!r}"
    if decoded.get("errors"):
        return json.dumps(decoded["errors"])[:300]
    for value in (decoded.get("data") or {}).values():
        if isinstance(value, dict) and value.get("userErrors"):
            return json.dumps(value["userErrors"])[:300]
    return None


async def run_load(
    next_request: Callable[[int, int], tuple[str, dict[str, Any], dict[str, str]]],
    *,
    concurrency: int,
    max_requests: int,
    max_seconds: float,
) -> LoadResult:
    """Drive the load; `next_request(client, n)` builds client `client`'s `n`-th request."""
    result = LoadResult()
    sent = 0
    deadline = time.monotonic() + max_seconds
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)

    async def client(index: int, http: aiohttp.ClientSession) -> None:
        nonlocal sent
        n = 0
        while sent < max_requests and time.monotonic() < deadline:
            sent += 1
            url, body, headers = next_request(index, n)
            n += 1
            wall = time.time()
            started = time.perf_counter()
            try:
                async with http.post(url, json=body, headers=headers) as response:
                    payload = await response.read()
                    status = response.status
            except (aiohttp.ClientError, TimeoutError) as exc:
                problem: str | None = f"{type(exc).__name__}: {exc}"
            else:
                problem = _failure(payload, status)
            took = time.perf_counter() - started
            if problem is None:
                result.latencies.append(took)
                result.spans.append((wall, wall + took))
            else:
                result.failures += 1
                result.first_failure = result.first_failure or problem

    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(i, http) for i in range(concurrency)))
        result.elapsed = time.perf_counter() - started
    return result


def graphql_request(
    url: str, query: str, variables: dict[str, Any] | None, token: str | None
) -> tuple[str, dict[str, Any], dict[str, str]]:
    body: dict[str, Any] = {"query": query}
    if variables is not None:
        body["variables"] = variables
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return f"{url}/graphql", body, headers


def round_robin(
    url: str, query: str, variables: dict[str, Any] | None, tokens: Sequence[str]
) -> Callable[[int, int], tuple[str, dict[str, Any], dict[str, str]]]:
    """Client i always acts as customer i (modulo the tokens given)."""
    requests = [graphql_request(url, query, variables, token) for token in tokens]
    return lambda client, n: requests[client % len(requests)]


def each_in_turn(
    url: str, query: str, variables: dict[str, Any] | None, tokens: Sequence[str], clients: int
) -> Callable[[int, int], tuple[str, dict[str, Any], dict[str, str]]]:
    """Client c's n-th request acts as customer c + n * clients: every customer once before
    any customer twice."""
    requests = [graphql_request(url, query, variables, token) for token in tokens]
    return lambda client, n: requests[(client + n * clients) % len(requests)]
