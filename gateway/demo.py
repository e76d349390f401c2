"""`python -m gateway demo`: the emulator with demo data and the gateway, in one process.

No Stripe account needed. Prints a portal link (the reference portal, served at /portal),
the GraphiQL URL, a fresh admin key and a ready access token for a demo customer, then
serves until interrupted. The emulator is its own distribution (`emulator/`), installed
beside the gateway by `scripts/demo`; the gateway's wheel does not carry it.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import secrets
import signal
import sys
from typing import TYPE_CHECKING

from aiohttp import web
from pydantic import SecretStr

from .app import SERVICES, create_app
from .settings import Settings

if TYPE_CHECKING:
    from collections.abc import Iterator

    from .auth.sessions import SessionStore

DEMO_STRIPE_KEY = "sk_test_demo_gateway_0000"
# The customer whose token is printed: a year of paid invoices, one subscription.
DEMO_ROLE = "active"
DEMO_TOKEN_TTL_SECONDS = 24 * 3600
# The printed portal link stays redeemable this long (the longest a code may live).
DEMO_CODE_TTL_SECONDS = 3600


def demo_settings(
    host: str, port: int, emulator_url: str, admin_key: str, webhook_secret: str | None = None
) -> Settings:
    return Settings(
        environment="development",
        host=host,
        port=port,
        stripe_api_key=SecretStr(DEMO_STRIPE_KEY),
        stripe_api_base=emulator_url,
        admin_keys=[SecretStr(admin_key)],
        # The emulator signs its webhooks with this secret, so Stripe-side changes show live.
        webhook_secret=SecretStr(webhook_secret) if webhook_secret else None,
        # Point GATEWAY_PORTAL_URL at your own frontend to try it against the demo.
        portal_url=os.environ.get("GATEWAY_PORTAL_URL") or f"http://{host}:{port}/portal",
        portal_ui=True,
        session_code_ttl_seconds=DEMO_CODE_TTL_SECONDS,
        access_token_ttl_seconds=DEMO_TOKEN_TTL_SECONDS,
        graphiql=True,
        introspection=True,
        # The demo reads its configuration from the emulator, not from a file.
        portal_config=None,
        portal_configuration_ids=[],
    )


DEMO_SHUTDOWN_SECONDS = 2.0
# Ctrl-C, and what `docker stop` or a process manager sends.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def stop_requests() -> Iterator[asyncio.Event]:
    """An event set on Ctrl-C or SIGTERM, for as long as the block runs.

    Installed on the loop rather than left to asyncio.run: a shell that starts the demo in
    the background (`scripts/demo &` in a script) hands it SIGINT ignored, and asyncio.run
    then leaves Ctrl-C ignored, so the demo could only be killed. `serve` (aiohttp's
    run_app) installs its handlers the same way. Once the block ends, a second Ctrl-C
    interrupts the cleanup.
    """
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for number in STOP_SIGNALS:
        loop.add_signal_handler(number, stop.set)
    try:
        yield stop
    finally:
        for number in STOP_SIGNALS:
            loop.remove_signal_handler(number)


async def _start(app: web.Application, host: str, port: int) -> web.AppRunner:
    # Ctrl-C ends the demo at once: a request still open (a live stream, a webhook being
    # handled) gets two seconds, not aiohttp's default minute.
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=DEMO_SHUTDOWN_SECONDS)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


MERCHANT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Demo merchant</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>Back on the merchant's site</h1>
<p>This page stands in for your own application, where the portal's Back link returns.
Run the demo again, or create a new portal session, to open the portal again.</p>
</body></html>
"""


async def merchant_page(request: web.Request) -> web.Response:
    """Where the demo's portal sessions return: the merchant's site, played by the demo."""
    return web.Response(text=MERCHANT_PAGE, content_type="text/html")


async def demo_token(
    sessions: SessionStore, customer_id: str, configuration_id: str, return_url: str
) -> str:
    """A redeemed portal session for the demo customer, as a frontend would get one."""
    created = await sessions.create(
        customer_id=customer_id, configuration_id=configuration_id, return_url=return_url
    )
    return (await sessions.redeem(created.code)).token


async def demo_portal_link(
    sessions: SessionStore, customer_id: str, configuration_id: str, return_url: str
) -> str:
    """A portal session URL (the portal URL and a one-time code), as createPortalSession makes."""
    created = await sessions.create(
        customer_id=customer_id, configuration_id=configuration_id, return_url=return_url
    )
    return created.url


def banner(
    graphql_url: str,
    admin_key: str,
    token: str,
    roles: dict[str, str],
    portal_link: str,
    promotion_codes: list[str] | None = None,
) -> str:
    codes = promotion_codes or []
    lines = [
        "",
        "Billing portal gateway: demo (Stripe emulator with demo data)",
        "",
        f"  Portal        {portal_link}",
        "                (open it in a browser; the link works once, for an hour)",
        f"  GraphiQL      {graphql_url}",
        f"  Admin key     {admin_key}",
        f"  Access token  {token}   (customer {roles.get(DEMO_ROLE, '?')})",
        "",
        "  In GraphiQL, open Headers and paste:",
        f'    {{"Authorization": "Bearer {token}"}}',
        "  then run:  { customer { name email } subscriptions { status availableActions } }",
        "",
        *(
            [
                f"  Promotion code  {codes[0]}   (in the portal: Apply promotion code; "
                f"also {', '.join(codes[1:]) or 'none'})",
                "",
            ]
            if codes
            else []
        ),
        "  Demo customers (admin key + header 'Portal-Customer: <id>' acts for any of them):",
        *(f"    {role:<10} {customer}" for role, customer in roles.items()),
        "",
        "  Ctrl-C stops.",
        "",
    ]
    return "\n".join(lines)


async def serve_demo(host: str, port: int, emulator_port: int) -> None:
    from stripe_emulator.app import create_app as create_emulator_app
    from stripe_emulator.seed import seeded_promotion_codes, seeded_roles
    from stripe_emulator.server import build

    emulator_url = f"http://{host}:{emulator_port}"
    emu = build("demo")
    roles = seeded_roles(emu)
    admin_key = "demo_admin_" + secrets.token_urlsafe(18)
    webhook_secret = "whsec_" + secrets.token_hex(16)
    emulator_app = create_emulator_app(
        emu,
        webhook_url=f"http://{host}:{port}/webhooks/stripe",
        webhook_secret=webhook_secret,
    )
    emulator = await _start(emulator_app, host, emulator_port)
    try:
        app = create_app(demo_settings(host, port, emulator_url, admin_key, webhook_secret))
        app.router.add_get("/", merchant_page)
        return_url = f"http://{host}:{port}/"
        gateway = await _start(app, host, port)
        try:
            services = app[SERVICES]
            default = services.configurations().default.id
            token = await demo_token(services.sessions, roles[DEMO_ROLE], default, return_url)
            link = await demo_portal_link(services.sessions, roles[DEMO_ROLE], default, return_url)
            graphql_url = f"http://{host}:{port}/graphql"
            codes = seeded_promotion_codes(emu)
            with stop_requests() as stopped:
                print(banner(graphql_url, admin_key, token, roles, link, codes), flush=True)
                await stopped.wait()
        finally:
            await gateway.cleanup()
    finally:
        await emulator.cleanup()


def run_demo(host: str, port: int, emulator_port: int) -> int:
    if importlib.util.find_spec("stripe_emulator") is None:
        print(
            "the demo needs the Stripe emulator: pip install ./emulator (scripts/demo does)",
            file=sys.stderr,
        )
        return 1
    try:
        asyncio.run(serve_demo(host, port, emulator_port))
    except KeyboardInterrupt:
        return 0
    except OSError as exc:
        print(f"cannot start the demo: {exc}", file=sys.stderr)
        return 1
    return 0
