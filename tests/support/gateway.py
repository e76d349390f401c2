"""A real gateway app on a loopback port, pointed at the emulator, and a GraphQL client for it."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from pydantic import SecretStr

from gateway.app import create_app
from gateway.settings import Settings

if TYPE_CHECKING:
    from pathlib import Path

ADMIN_KEY = "gwadmin_test_0123456789abcdef"
STRIPE_KEY = "sk_test_gateway_0123456789"


class FakeClock:
    """Wall time plus an offset the test moves forward (session and token expiry)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@dataclass
class Result:
    status: int
    body: Any

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return list(self.body.get("errors") or [])

    @property
    def error_codes(self) -> list[str | None]:
        return [e.get("extensions", {}).get("code") for e in self.errors]

    def ok(self) -> Any:
        """The data, asserting there were no errors."""
        assert self.status == 200, self.body
        assert not self.errors, self.body
        return self.data


@dataclass
class RunningGateway:
    url: str
    http: aiohttp.ClientSession
    clock: FakeClock
    settings: Settings
    tokens: dict[str, str] = field(default_factory=dict)

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Result:
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        payload: dict[str, Any] = {"query": query}
        if variables is not None:
            payload["variables"] = variables
        async with self.http.post(f"{self.url}/graphql", json=payload, headers=sent) as response:
            text = await response.text()
            body = json.loads(text) if text.startswith(("{", "[")) else {"text": text}
            return Result(response.status, body)

    async def admin(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        customer: str | None = None,
        configuration: str | None = None,
    ) -> Result:
        headers = {}
        if customer is not None:
            headers["Portal-Customer"] = customer
        if configuration is not None:
            headers["Portal-Configuration"] = configuration
        return await self.post(query, variables, token=ADMIN_KEY, headers=headers)

    async def create_session(self, customer: str, **fields: Any) -> Result:
        return await self.admin(
            """mutation($input: CreatePortalSessionInput!) {
                 createPortalSession(input: $input) {
                   session { id url code expiresAt customerId configurationId returnUrl locale
                             flow { type subscriptionId item { id priceId quantity }
                                    afterCompletion { type returnUrl customMessage } } }
                   userErrors { code message field }
                 }
               }""",
            {"input": {"customer": customer, **fields}},
        )

    async def redeem(self, code: str) -> Result:
        return await self.post(
            """mutation($code: String!) {
                 redeemPortalSession(code: $code) {
                   accessToken expiresAt userErrors { code message field }
                 }
               }""",
            {"code": code},
        )

    async def token_for(self, customer: str, **fields: Any) -> str:
        """A fresh access token for `customer` (session created and redeemed)."""
        created = (await self.create_session(customer, **fields)).ok()["createPortalSession"]
        assert created["userErrors"] == [], created
        redeemed = (await self.redeem(created["session"]["code"])).ok()["redeemPortalSession"]
        assert redeemed["userErrors"] == [], redeemed
        token: str = redeemed["accessToken"]
        return token


class GatewayFactory:
    """Starts gateways (each with its own settings) and stops them all at the end."""

    def __init__(self, emulator_url: str, tmp_path: Path) -> None:
        self.emulator_url = emulator_url
        self.tmp_path = tmp_path
        self.runners: list[web.AppRunner] = []
        self.sessions: list[aiohttp.ClientSession] = []

    def settings(
        self, configurations: list[dict[str, Any]] | None = None, **overrides: Any
    ) -> Settings:
        values: dict[str, Any] = {
            "stripe_api_key": SecretStr(STRIPE_KEY),
            "stripe_api_base": self.emulator_url,
            "stripe_max_retries": 0,
            "admin_keys": [SecretStr(ADMIN_KEY)],
            "portal_url": "https://billing.example.com/portal",
            "environment": "production",
        }
        if configurations is not None:
            path = self.tmp_path / f"portal-{len(self.runners)}.json"
            path.write_text(json.dumps(configurations), encoding="utf-8")
            values["portal_config"] = path
        values.update(overrides)
        return Settings(**values)

    async def start(
        self,
        configurations: list[dict[str, Any]] | None = None,
        *,
        clock: FakeClock | None = None,
        **overrides: Any,
    ) -> RunningGateway:
        settings = self.settings(configurations, **overrides)
        clock = clock or FakeClock()
        runner = web.AppRunner(create_app(settings, clock=clock), handle_signals=False)
        await runner.setup()
        self.runners.append(runner)
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        http = aiohttp.ClientSession()
        self.sessions.append(http)
        return RunningGateway(f"http://127.0.0.1:{port}", http, clock, settings)

    async def close(self) -> None:
        for http in self.sessions:
            await http.close()
        for runner in self.runners:
            await runner.cleanup()
