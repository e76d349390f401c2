"""A GraphQL-over-HTTP client for the benchmarks: the gateway's and the emulator's endpoints."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from documents import CREATE_SESSION, REDEEM_SESSION
from harness import ADMIN_KEY

if TYPE_CHECKING:
    import aiohttp


class RequestFailed(RuntimeError):
    pass


async def graphql(
    http: aiohttp.ClientSession,
    url: str,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The operation's `data`; a non-200 answer or any GraphQL error raises `RequestFailed`."""
    sent = dict(headers or {})
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    payload: dict[str, Any] = {"query": query}
    if variables is not None:
        payload["variables"] = variables
    async with http.post(f"{url}/graphql", json=payload, headers=sent) as response:
        body = await response.read()
        if response.status != 200:
            raise RequestFailed(f"HTTP {response.status}: {body[:300]!r}")
    decoded: dict[str, Any] = json.loads(body)
    if decoded.get("errors"):
        raise RequestFailed(json.dumps(decoded["errors"])[:500])
    data: dict[str, Any] = decoded["data"]
    return data


def payload_ok(data: dict[str, Any], name: str) -> dict[str, Any]:
    """A mutation's payload, raising when it reports `userErrors`."""
    payload: dict[str, Any] = data[name]
    if payload.get("userErrors"):
        raise RequestFailed(f"{name}: {payload['userErrors']}")
    return payload


async def create_session(http: aiohttp.ClientSession, url: str, customer_id: str) -> str:
    """An admin creates a portal session for the customer; its one-time code."""
    data = await graphql(
        http,
        url,
        CREATE_SESSION,
        {"input": {"customer": customer_id}},
        token=ADMIN_KEY,
    )
    code: str = payload_ok(data, "createPortalSession")["session"]["code"]
    return code


async def redeem(http: aiohttp.ClientSession, url: str, code: str) -> str:
    data = await graphql(http, url, REDEEM_SESSION, {"code": code})
    token: str = payload_ok(data, "redeemPortalSession")["accessToken"]
    return token


async def token_for(http: aiohttp.ClientSession, url: str, customer_id: str) -> str:
    """An access token for the customer, as a portal frontend gets one."""
    return await redeem(http, url, await create_session(http, url, customer_id))


# -- the emulator's test endpoints -------------------------------------------------------


async def set_stripe_latency(
    http: aiohttp.ClientSession, emulator_url: str, latency_ms: float, jitter_ms: float = 0.0
) -> None:
    """Every Stripe API request waits this long (uniform +- jitter) before it is answered."""
    rules = [{"path": "/v1/.*", "latency_ms": latency_ms, "jitter_ms": jitter_ms}]
    if not latency_ms and not jitter_ms:
        rules = []
    async with http.post(
        f"{emulator_url}/_emulator/faults", json={"seed": 1, "rules": rules}
    ) as response:
        response.raise_for_status()


async def reset_log(http: aiohttp.ClientSession, emulator_url: str) -> None:
    async with http.post(f"{emulator_url}/_emulator/requests/reset") as response:
        response.raise_for_status()


async def logged_requests(http: aiohttp.ClientSession, emulator_url: str) -> list[dict[str, Any]]:
    """Every Stripe API request the emulator answered since the last reset."""
    async with http.get(f"{emulator_url}/_emulator/requests") as response:
        response.raise_for_status()
        summary = await response.json()
    requests: list[dict[str, Any]] = summary["requests"]
    return requests
