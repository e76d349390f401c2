"""The frontend guide's WebSocket snippet, run as written in a browser against the gateway:
it refetches on an event, signs out when the session ends, and throws nothing."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from gateway.api.live import stream
from tests.ui.test_live_updates import until_streaming

if TYPE_CHECKING:
    from tests.ui.conftest import Browsing, Demo

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "frontend-guide.md"
GUIDE_URL = "wss://billing.example.com/graphql"


def live_snippet() -> str:
    """The guide's code block that opens the WebSocket."""
    blocks: list[str] = re.findall(r"```js\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL)
    (snippet,) = [block for block in blocks if "graphql-transport-ws" in block]
    assert GUIDE_URL in snippet
    return snippet


@pytest.mark.browser
async def test_the_guides_live_snippet_refetches_then_signs_out(
    demo: Demo, browsing: Browsing, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream, "SESSION_CHECK_SECONDS", 0.2)
    session = await demo.portal_session("active")
    code = session["url"].split("code=")[1]
    redeemed = await demo.graphql(
        "mutation GuideRedeem($code: String!) {"
        " redeemPortalSession(code: $code) { accessToken userErrors { code } } }",
        {"code": code},
    )
    token = redeemed["redeemPortalSession"]["accessToken"]
    page = await browsing.open(f"{demo.gateway_url}/healthz")
    socket_url = demo.gateway_url.replace("http://", "ws://") + "/graphql"
    await page.evaluate(
        "([token, code]) => {"
        "  window.calls = [];"
        "  window.accessToken = token;"
        "  window.refetch = (kind) => window.calls.push(['refetch', kind]);"
        "  window.signOut = () => window.calls.push(['signOut']);"
        "  (0, eval)(code);"
        "}",
        [token, live_snippet().replace(GUIDE_URL, socket_url)],
    )
    await until_streaming(demo, "active")

    renamed = await demo.graphql(
        'mutation GuideRename { updateCustomer(input: {name: "Guide"}) { userErrors { code } } }',
        token=token,
    )
    assert renamed["updateCustomer"]["userErrors"] == []
    await page.wait_for_function("window.calls.length >= 1")
    assert await page.evaluate("window.calls") == [["refetch", "CUSTOMER"]]

    ended = await demo.graphql(
        "mutation GuideSignOut { endPortalSession { userErrors { code } } }", token=token
    )
    assert ended["endPortalSession"]["userErrors"] == []
    await page.wait_for_function("window.calls.length >= 2")
    assert await page.evaluate("window.calls") == [["refetch", "CUSTOMER"], ["signOut"]]
    await until_streaming(demo, "active", count=0)
    assert browsing.errors == []
