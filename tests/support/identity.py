"""A local identity provider: an aiohttp server with OIDC discovery and a JWKS, keys it can
rotate, and tokens it signs (PyJWT, with keys made by `cryptography`).

`IdentityProvider.settings()` are the gateway settings that trust it; `JwtGateway` is a
`RunningGateway` whose `token_for` signs a sign-in token instead of redeeming a portal
session, so a suite written for portal sessions runs with JWT callers too.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from tests.support.gateway import RunningGateway

if TYPE_CHECKING:
    import asyncio

    from tests.support.gateway import GatewayFactory

AUDIENCE = "https://billing.example.com"
CUSTOMER_CLAIM = "https://example.com/stripe_customer_id"


@dataclass
class SigningKey:
    kid: str
    alg: str
    private: Any

    def public_jwk(self) -> dict[str, Any]:
        algorithm = RSAAlgorithm if self.alg.startswith(("RS", "PS")) else ECAlgorithm
        jwk: dict[str, Any] = json.loads(algorithm.to_jwk(self.private.public_key()))
        jwk.update(kid=self.kid, use="sig", alg=self.alg)
        return jwk


def new_key(kid: str, alg: str = "RS256") -> SigningKey:
    if alg.startswith(("RS", "PS")):
        return SigningKey(kid, alg, rsa.generate_private_key(public_exponent=65537, key_size=2048))
    return SigningKey(kid, alg, ec.generate_private_key(ec.SECP256R1()))


@dataclass
class IdentityProvider:
    """Serves `/.well-known/openid-configuration` and `/jwks.json`; `down` makes both 503."""

    runner: web.AppRunner | None = None
    url: str = ""
    keys: list[SigningKey] = field(default_factory=list)
    down: bool = False
    # While set and not yet released, discovery and JWKS requests wait (a hanging provider).
    hold: asyncio.Event | None = None
    # Published beside the signing keys as they are (keys the gateway must ignore).
    extra_jwks: list[dict[str, Any]] = field(default_factory=list)
    # Requests that met `hold` (counted when they arrive).
    held: int = 0
    jwks_requests: int = 0
    _serial: int = 0

    @property
    def issuer(self) -> str:
        return self.url + "/"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/.well-known/openid-configuration", self._discovery)
        app.router.add_get("/jwks.json", self._jwks)
        self.runner = web.AppRunner(app, handle_signals=False)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        self.rotate()

    async def close(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    def rotate(self, *, keep_old: bool = False, alg: str = "RS256") -> SigningKey:
        """A new current key; the old ones are dropped unless `keep_old`."""
        self._serial += 1
        key = new_key(f"key-{self._serial}", alg)
        self.keys = [key, *self.keys] if keep_old else [key]
        return key

    @property
    def current(self) -> SigningKey:
        return self.keys[0]

    async def _discovery(self, request: web.Request) -> web.Response:
        if self.hold is not None:
            self.held += 1
            await self.hold.wait()
        if self.down:
            return web.Response(status=503)
        return web.json_response(
            {
                "issuer": self.issuer,
                "jwks_uri": self.url + "/jwks.json",
                "id_token_signing_alg_values_supported": ["RS256", "ES256"],
            }
        )

    async def _jwks(self, request: web.Request) -> web.Response:
        self.jwks_requests += 1
        if self.hold is not None:
            await self.hold.wait()
        if self.down:
            return web.Response(status=503)
        keys = [key.public_jwk() for key in self.keys] + self.extra_jwks
        return web.json_response({"keys": keys})

    def claims(self, customer_id: str | None = None, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": AUDIENCE,
            "sub": f"user|{customer_id or 'nobody'}",
            "iat": now,
            "exp": now + 600,
        }
        if customer_id is not None:
            claims[CUSTOMER_CLAIM] = customer_id
        claims.update(overrides)
        return {key: value for key, value in claims.items() if value is not None}

    def sign(
        self,
        claims: dict[str, Any],
        *,
        key: SigningKey | None = None,
        headers: dict[str, Any] | None = None,
    ) -> str:
        key = key or self.current
        sent = {"kid": key.kid, **(headers or {})}
        return jwt.encode(claims, key.private, algorithm=key.alg, headers=sent)

    def token(self, customer_id: str, **overrides: Any) -> str:
        return self.sign(self.claims(customer_id, **overrides))

    def settings(self, **overrides: Any) -> dict[str, Any]:
        """Gateway settings that trust this provider, the customer id in a namespaced claim."""
        values: dict[str, Any] = {
            "jwt_issuer": self.issuer,
            "jwt_audience": [AUDIENCE],
            "jwt_customer_claim": CUSTOMER_CLAIM,
        }
        values.update(overrides)
        return values


@dataclass
class JwtGateway(RunningGateway):
    """A gateway whose customer tokens are the identity provider's sign-in tokens."""

    provider: IdentityProvider | None = None

    async def token_for(self, customer: str, **fields: Any) -> str:
        if fields:
            # Flows and return URLs belong to portal sessions; a sign-in token has none.
            return await super().token_for(customer, **fields)
        assert self.provider is not None
        return self.provider.token(customer)


CALLERS = ("portal-session", "own-sign-in")


async def start_for_caller(
    caller: str,
    factory: GatewayFactory,
    provider: IdentityProvider,
    configurations: list[dict[str, Any]],
    **overrides: Any,
) -> RunningGateway:
    """A gateway whose `token_for` hands out portal session tokens or sign-in tokens."""
    if caller == "portal-session":
        return await factory.start(configurations, **overrides)
    started = await factory.start(configurations, **provider.settings(**overrides))
    return JwtGateway(started.url, started.http, started.clock, started.settings, provider=provider)
