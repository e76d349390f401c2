"""Browser tests of the reference portal: the demo, clicked through in headless Chromium.

Each test gets a fresh copy of the demo account (seeded once, then copied), the emulator
and the gateway on loopback ports with the demo's own settings, and a new browser
context. The Stripe side is checked afterwards through the real SDK. A failing test
leaves a screenshot in `test-artifacts/`.

They run on Debian's Chromium (`/usr/bin/chromium`) through Playwright and are skipped,
with the reason, only when one of the two is missing.
"""

from __future__ import annotations

import copy
import importlib.util
import re
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest
import pytest_asyncio
import stripe
from aiohttp import web
from stripe_emulator.app import create_app as create_emulator_app
from stripe_emulator.seed import seeded_roles
from stripe_emulator.server import build

from gateway.app import create_app
from gateway.demo import demo_settings

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

    from playwright.async_api import Browser, ConsoleMessage, Page
    from stripe import AIOHTTPClient, Customer, Subscription
    from stripe_emulator.state import Emulator

    from gateway.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
# Headless, and quiet: this machine's network is closed, so no background connections.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ADMIN_KEY = "gwadmin_ui_test_0123456789abcdef"
STRIPE_KEY = "sk_test_ui_0123456789"
UI_DIR = Path(__file__).parent
# Every browser wait gives up after this long (a hung page fails fast, with a screenshot).
TIMEOUT_MS = 10_000


def missing_browser() -> str | None:
    if not CHROMIUM.exists():
        return f"Debian's Chromium is not installed ({CHROMIUM})"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed"
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """These tests share one event loop (and so one browser) for the whole run; those that
    need the browser are skipped, with the reason, when it is missing."""
    reason = missing_browser()
    for item in items:
        if UI_DIR not in Path(item.path).parents:
            continue
        if pytest_asyncio.is_async_test(item):
            item.add_marker(pytest.mark.asyncio(loop_scope="session"), append=False)
        if reason is not None and "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Remember each phase's report on the test, so fixtures can tell it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def demo_account() -> Emulator:
    """The demo data set, built once (copies are cheap, seeding is not)."""
    return build("demo")


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield launched
        await launched.close()


@dataclass
class Demo:
    """The running demo: emulator, gateway with the portal, and an SDK client on the emulator."""

    emulator_url: str
    gateway_url: str
    emu: Emulator
    roles: dict[str, str]
    stripe: stripe.StripeClient
    http: aiohttp.ClientSession
    settings: Settings
    stripe_http: AIOHTTPClient
    runners: list[web.AppRunner] = field(default_factory=list)

    async def close(self) -> None:
        await self.http.close()
        await self.stripe_http.close_async()
        for runner in self.runners:
            await runner.cleanup()

    def customer(self, role: str) -> str:
        return self.roles[role]

    async def graphql(
        self, query: str, variables: dict[str, Any] | None = None, token: str = ADMIN_KEY
    ) -> Any:
        async with self.http.post(
            f"{self.gateway_url}/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {token}"},
        ) as response:
            body = await response.json()
        assert "errors" not in body, body
        return body["data"]

    async def portal_session(self, role: str, **fields: Any) -> dict[str, Any]:
        """A portal session (`id`, `url`) for the role's customer, made as a backend makes one."""
        data = await self.graphql(
            """mutation($input: CreatePortalSessionInput!) {
                 createPortalSession(input: $input) {
                   session { id url } userErrors { code message field }
                 }
               }""",
            {"input": {"customer": self.customer(role), **fields}},
        )
        payload = data["createPortalSession"]
        assert payload["userErrors"] == [], payload
        session: dict[str, Any] = payload["session"]
        return session

    async def portal_link(self, role: str, **fields: Any) -> str:
        url: str = (await self.portal_session(role, **fields))["url"]
        return url

    async def subscription(self, role: str) -> Subscription:
        """The role's (only) subscription, as Stripe has it now."""
        found = await self.stripe.v1.subscriptions.list_async(
            {"customer": self.customer(role), "status": "all"}
        )
        assert len(found.data) == 1, found
        return found.data[0]

    async def stripe_customer(self, role: str) -> Customer:
        return await self.stripe.v1.customers.retrieve_async(self.customer(role))


async def _serve(app: web.Application, sock: socket.socket) -> web.AppRunner:
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    return runner


def _bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest_asyncio.fixture(loop_scope="session")
async def demo_factory(
    demo_account: Emulator,
) -> AsyncIterator[Any]:
    """`await demo_factory(prepare=..., **settings)`: start a demo; `prepare(emu)` may add to
    its Stripe account before the gateway reads it."""
    started: list[Demo] = []

    async def start(**overrides: Any) -> Demo:
        emu = copy.deepcopy(demo_account)
        emulator_sock, gateway_sock = _bound_socket(), _bound_socket()
        emulator_url = f"http://127.0.0.1:{emulator_sock.getsockname()[1]}"
        gateway_port = gateway_sock.getsockname()[1]
        http_client = stripe.AIOHTTPClient()
        client = stripe.StripeClient(
            STRIPE_KEY,
            base_addresses={"api": emulator_url},
            http_client=http_client,
            max_network_retries=0,
        )
        emulator = await _serve(create_emulator_app(emu), emulator_sock)
        prepare = overrides.pop("prepare", None)
        if prepare is not None:
            await prepare(client)
        settings = demo_settings("127.0.0.1", gateway_port, emulator_url, ADMIN_KEY)
        settings = settings.model_copy(
            update={"portal_url": f"http://127.0.0.1:{gateway_port}/portal", **overrides}
        )
        gateway = await _serve(create_app(settings), gateway_sock)
        demo = Demo(
            emulator_url=emulator_url,
            gateway_url=f"http://127.0.0.1:{gateway_port}",
            emu=emu,
            roles=seeded_roles(emu),
            stripe=client,
            http=aiohttp.ClientSession(),
            settings=settings,
            stripe_http=http_client,
            runners=[gateway, emulator],
        )
        started.append(demo)
        return demo

    yield start
    for demo in started:
        await demo.close()


@pytest_asyncio.fixture(loop_scope="session")
async def demo(demo_factory: Any) -> Demo:
    """The demo as `python -m gateway demo` runs it."""
    started: Demo = await demo_factory()
    return started


def _artifact_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1])[:120]


@dataclass
class Browsing:
    """A browser context for one test; `open()` gives a page, `errors` collects script errors."""

    browser: Browser
    errors: list[str] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    contexts: list[Any] = field(default_factory=list)

    async def open(
        self,
        url: str,
        *,
        width: int = 1100,
        height: int = 900,
        setup: Callable[[Page], Awaitable[None]] | None = None,
        locale: str | None = None,
    ) -> Page:
        """A new page at `url`; `setup(page)` runs first (to watch or route its requests);
        `locale` is the browser's language (navigator.languages), en-US unless given."""
        context = await self.browser.new_context(
            viewport={"width": width, "height": height},
            locale=locale or "en-US",
            timezone_id="UTC",
        )
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        page = await context.new_page()

        def on_console(message: ConsoleMessage) -> None:
            # Only the portal's own errors count (not those of a page it sent the customer to).
            if message.type == "error" and "/portal" in page.url:
                self.errors.append(f"console error on {page.url}: {message.text}")

        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("console", on_console)
        self.pages.append(page)
        if setup is not None:
            await setup(page)
        await page.goto(url)
        return page


@pytest_asyncio.fixture(loop_scope="session")
async def browsing(browser: Browser, request: pytest.FixtureRequest) -> AsyncIterator[Browsing]:
    """Pages for this test; a screenshot of each in test-artifacts/ if the test fails."""
    session = Browsing(browser)
    yield session
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = _artifact_name(request.node.nodeid)
        for index, page in enumerate(session.pages):
            if not page.is_closed():
                suffix = f"-{index}" if index else ""
                await page.screenshot(path=str(ARTIFACTS / f"{name}{suffix}.png"), full_page=True)
    for context in session.contexts:
        await context.close()


@pytest.fixture
def no_script_errors(browsing: Browsing) -> Iterator[None]:
    """Fail the test if a page logged a script error."""
    yield
    assert browsing.errors == [], browsing.errors
