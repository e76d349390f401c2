"""CPU a sign-in token (JWT) check costs per request once the keys are cached, against a
portal session token's check.

    python bench/jwt_check.py [--quick] [--no-pin] [--checks 3000]

In one process: a local identity provider (aiohttp, discovery and a JWKS on 127.0.0.1) and
the Stripe emulator. The gateway's own `authenticate()` runs each kind of credential
`--checks` times (at most 20 s each) after one warm-up check that fetched the keys and read
the customer into the cache, and the process's CPU time (user + system) is divided by the
checks. The check is the whole of authentication: header parsing, signature, registered
claims, the claim lookup and the (cached) customer existence check or metadata lookup.
A portal session token's check (a cache read) is the baseline; the difference is what the
JWT mode adds per request. Nothing here touches the network while measuring.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm
from pydantic import SecretStr
from stripe_emulator.testing import TEST_API_KEY, running_emulator
from table import print_table

from gateway.auth.admin_keys import AdminKeys
from gateway.auth.authenticate import authenticate
from gateway.auth.jwt import JwtAuthenticator
from gateway.auth.sessions import SessionStore
from gateway.billing.client import Billing, open_stripe
from gateway.settings import Settings
from gateway.store import Cache

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    import stripe

TARGET_MS = 0.3
AUDIENCE = "https://billing.example.com"
CLAIM = "https://example.com/stripe_customer_id"
SECONDS_PER_ROW = 20.0


@dataclass
class Key:
    kid: str
    alg: str
    private: Any
    jwk: dict[str, Any]


def _key(kid: str, alg: str) -> Key:
    if alg == "RS256":
        private: Any = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
    elif alg == "ES256":
        private = ec.generate_private_key(ec.SECP256R1())
        jwk = ECAlgorithm.to_jwk(private.public_key(), as_dict=True)
    else:
        private = ed25519.Ed25519PrivateKey.generate()
        jwk = OKPAlgorithm.to_jwk(private.public_key(), as_dict=True)
    return Key(kid, alg, private, {**jwk, "kid": kid, "alg": alg, "use": "sig"})


async def _identity_provider(keys: list[Key]) -> tuple[web.AppRunner, str]:
    app = web.Application()
    base: dict[str, str] = {}

    async def discovery(request: web.Request) -> web.Response:
        return web.json_response({"issuer": base["url"] + "/", "jwks_uri": base["url"] + "/jwks"})

    async def jwks(request: web.Request) -> web.Response:
        return web.json_response({"keys": [key.jwk for key in keys]})

    app.router.add_get("/.well-known/openid-configuration", discovery)
    app.router.add_get("/jwks", jwks)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    base["url"] = f"http://127.0.0.1:{port}"
    return runner, base["url"]


def _sign(key: Key, issuer: str, **claims: Any) -> str:
    now = int(time.time())
    payload = {"iss": issuer, "aud": AUDIENCE, "iat": now, "exp": now + 3600, **claims}
    return jwt.encode(payload, key.private, algorithm=key.alg, headers={"kid": key.kid})


async def _measure(check: Callable[[], Awaitable[object]], checks: int) -> tuple[int, float]:
    """(checks run, CPU ms per check) after one warm-up."""
    await check()
    deadline = time.monotonic() + SECONDS_PER_ROW
    started = time.process_time()
    done = 0
    while done < checks and time.monotonic() < deadline:
        await check()
        done += 1
    return done, (time.process_time() - started) * 1000 / max(done, 1)


async def main(args: argparse.Namespace) -> int:
    checks = 50 if args.quick else args.checks
    keys = [_key("rsa-1", "RS256"), _key("ec-1", "ES256"), _key("ed-1", "EdDSA")]
    runner, url = await _identity_provider(keys)
    issuer = url + "/"
    try:
        async with running_emulator() as emulator, aiohttp.ClientSession() as http:
            settings = Settings(
                stripe_api_key=SecretStr(TEST_API_KEY),
                stripe_api_base=emulator.url,
                jwt_issuer=issuer,
                jwt_audience=[AUDIENCE],
                jwt_customer_claim=CLAIM,
            )
            lookup_settings = settings.model_copy(
                update={
                    "jwt_customer_claim": None,
                    "jwt_user_id_claim": "sub",
                    "jwt_customer_metadata_key": "app_user_id",
                }
            )
            async with open_stripe(settings) as client:
                customer = await client.v1.customers.create_async(
                    params={"metadata": {"app_user_id": "user_1"}}
                )
                checked = await _rows(
                    settings, lookup_settings, client, http, keys, issuer, customer
                )
                rows = [
                    (name, alg, *(await _measure(check, checks))) for name, alg, check in checked
                ]
    finally:
        await runner.cleanup()
    baseline = rows[0][3]
    print_table(
        "CPU per authentication check (keys and customer cached)",
        ["credential", "alg", "checks", "CPU ms/check", "added vs portal session (ms)"],
        [
            [name, alg, done, f"{ms:.3f}", f"{ms - baseline:.3f}" if i else "-"]
            for i, (name, alg, done, ms) in enumerate(rows)
        ],
        note=(
            "CPU: this process's user + system time over the checks, divided by the checks; "
            "every check is the gateway's whole `authenticate()`.\n" + _machine()
        ),
    )
    worst = max(ms - baseline for _, _, _, ms in rows[1:])
    print_table(
        "JWT check cost",
        ["measure", "value", "target"],
        [
            [
                "most CPU ms a sign-in token check adds per request",
                f"{worst:.3f}",
                f"< {TARGET_MS:g}: {'met' if worst < TARGET_MS else 'MISSED'}",
            ]
        ],
    )
    return 0


async def _rows(
    settings: Settings,
    lookup_settings: Settings,
    client: stripe.StripeClient,
    http: aiohttp.ClientSession,
    keys: list[Key],
    issuer: str,
    customer: stripe.Customer,
) -> list[tuple[str, str, Callable[[], Awaitable[object]]]]:
    cache = Cache.from_url(None)
    billing = Billing(client, cache, customer_ttl=3600)
    sessions = SessionStore(
        cache, portal_url="https://x.example/portal", code_ttl=300, token_ttl=3600
    )
    created = await sessions.create(customer_id=customer.id, configuration_id="default")
    session_token = (await sessions.redeem(created.code)).token
    admin = AdminKeys([])
    by_claim = JwtAuthenticator.from_settings(settings, billing, http)
    by_lookup = JwtAuthenticator.from_settings(lookup_settings, billing, http)
    assert by_claim is not None
    assert by_lookup is not None

    def check(token: str, mode: JwtAuthenticator | None) -> Callable[[], Awaitable[object]]:
        headers = {"Authorization": f"Bearer {token}"}

        async def run() -> object:
            principal = await authenticate(headers, admin, sessions, mode)
            assert principal.scope is not None, principal.problem
            assert principal.scope.customer_id == customer.id
            return principal

        return run

    rows: list[tuple[str, str, Callable[[], Awaitable[object]]]] = [
        ("portal session token (baseline)", "-", check(session_token, by_claim)),
    ]
    for key in keys:
        token = _sign(key, issuer, sub="user_1", **{CLAIM: customer.id})
        rows.append(("sign-in token, customer claim", key.alg, check(token, by_claim)))
    token = _sign(keys[0], issuer, sub="user_1")
    rows.append(("sign-in token, user id by metadata", keys[0].alg, check(token, by_lookup)))
    return rows


def _machine() -> str:
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    return (
        f"Python {platform.python_version()}, {platform.machine()}, PyJWT {jwt.__version__}, "
        f"load average {' '.join(load) or '?'}; one process, {os.cpu_count()} CPUs"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny bounds: a smoke run")
    parser.add_argument("--no-pin", action="store_true", help="accepted for symmetry; one process")
    parser.add_argument("--checks", type=int, default=3000, help="checks per row (at most 20 s)")
    sys.exit(asyncio.run(main(parser.parse_args())))
