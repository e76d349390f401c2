"""GraphiQL is served from the package: with every request off this machine blocked, the IDE
renders, reads the schema and runs a query (a screenshot of it lands in test-artifacts/)."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

import pytest

from tests.support.png import pixels
from tests.ui.conftest import ADMIN_KEY, ARTIFACTS
from tests.ui.pages import expect

if TYPE_CHECKING:
    from playwright.async_api import Page, Route

    from tests.ui.conftest import Browsing, Demo

LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}
QUERY = "query GraphiqlWelcome { session { customerId } }"


async def _offline(page: Page, blocked: list[str]) -> None:
    """Cut the page off from everything but this machine, noting what it tried to reach."""

    async def route(route: Route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).hostname in LOOPBACK:
            await route.continue_()
        else:
            blocked.append(url)
            await route.abort("internetdisconnected")

    await page.route("**/*", route)


@pytest.mark.browser
async def test_graphiql_renders_and_runs_a_query_offline(
    demo: Demo, browsing: Browsing, no_script_errors: None
) -> None:
    customer = demo.customer("active")
    headers = json.dumps({"Authorization": f"Bearer {ADMIN_KEY}", "Portal-Customer": customer})
    blocked: list[str] = []

    async def setup(page: Page) -> None:
        await _offline(page, blocked)
        # GraphiQL keeps the Headers tab in localStorage (shouldPersistHeaders).
        await page.add_init_script(
            f"window.localStorage.setItem('graphiql:headers', {json.dumps(headers)});"
        )

    page = await browsing.open(f"{demo.gateway_url}/graphql?q={quote(QUERY)}", setup=setup)
    await expect(page.locator(".graphiql-query-editor .CodeMirror")).to_be_visible()
    await expect(page.get_by_text("Loading...", exact=True)).to_have_count(0)
    await page.locator(".graphiql-execute-button").click()
    await expect(page.locator(".graphiql-response")).to_contain_text(customer)
    # The schema was read (introspection) and the docs explorer knows the root types.
    await page.get_by_role("button", name="Show Documentation Explorer").click()
    await expect(page.locator(".graphiql-doc-explorer")).to_contain_text("Query")

    ARTIFACTS.mkdir(exist_ok=True)
    shot = await page.screenshot(path=str(ARTIFACTS / "graphiql-offline.png"))
    colours = Counter(pixels(shot))
    # A rendered IDE: editors, toolbar and response, not a blank or "Loading..." page.
    background_share = colours.most_common(1)[0][1] / sum(colours.values())
    assert len(colours) > 200, len(colours)
    assert background_share < 0.9, background_share
    assert blocked == [], blocked


async def test_graphiql_files_carry_a_strict_policy(demo: Demo) -> None:
    async with demo.http.get(
        f"{demo.gateway_url}/graphql", headers={"Accept": "text/html"}
    ) as response:
        assert response.status == 200
        assert response.content_type == "text/html"
        html = await response.text()
        policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "connect-src 'self';" in policy
    sources = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert sources, html
    for source in sources:
        assert source.startswith("graphiql/"), source
        async with demo.http.get(f"{demo.gateway_url}/{source}") as response:
            assert response.status == 200, source
            assert response.headers["Content-Security-Policy"] == policy
    async with demo.http.get(f"{demo.gateway_url}/graphiql/../app.py") as response:
        assert response.status == 404


async def test_graphiql_is_off_unless_enabled(demo_factory: Any) -> None:
    demo = await demo_factory(graphiql=False)
    async with demo.http.get(f"{demo.gateway_url}/graphiql/vendor/graphiql.min.js") as response:
        assert response.status == 404
