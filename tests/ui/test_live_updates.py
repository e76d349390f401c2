"""Live updates: a change made in one tab shows in another without a reload."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from gateway.api.live import stream
from gateway.app import SERVICES
from tests.ui.pages import expect, open_action, status, subscription_card

if TYPE_CHECKING:
    from tests.ui.conftest import Browsing, Demo

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("no_script_errors")]


async def until_streaming(demo: Demo, role: str, count: int = 1) -> None:
    """Wait until the role's customer has `count` live streams open on the gateway."""
    bus = demo.runners[0].app[SERVICES].bus
    async with asyncio.timeout(10):
        while bus.subscriber_count(demo.customer(role)) != count:  # noqa: ASYNC110 - no signal
            await asyncio.sleep(0.02)


async def test_a_change_in_one_tab_shows_in_the_other(demo: Demo, browsing: Browsing) -> None:
    watching = await browsing.open(await demo.portal_link("active"))
    await expect(subscription_card(watching)).to_contain_text("Renews on")
    acting = await browsing.open(await demo.portal_link("active"))

    cancel = await open_action(acting, "Cancel subscription")
    await cancel.get_by_role("button", name="Cancel subscription").click()
    await status(acting, "Your subscription will end on")

    # The other tab learns of it over its WebSocket and refetches, without stealing focus.
    await expect(subscription_card(watching)).to_contain_text("Canceling")
    await expect(
        subscription_card(watching).get_by_role("button", name="Don't cancel")
    ).to_be_visible()
    await expect(watching.locator("#status")).to_be_empty()


async def test_the_page_signs_out_at_once_when_its_session_is_revoked(
    demo: Demo, browsing: Browsing, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The stream re-checks an idle session this often (30 s by default).
    monkeypatch.setattr(stream, "SESSION_CHECK_SECONDS", 0.2)
    session = await demo.portal_session("active")
    page = await browsing.open(session["url"])
    await expect(subscription_card(page)).to_contain_text("Renews on")
    await until_streaming(demo, "active")

    revoked = await demo.graphql(
        "mutation Revoke($input: RevokePortalSessionInput!) {"
        " revokePortalSession(input: $input) { userErrors { code } } }",
        {"input": {"sessionId": session["id"]}},
    )
    assert revoked["revokePortalSession"]["userErrors"] == []

    # No click, no request: the stream's last error signs the page out.
    await expect(page.get_by_role("heading", name="This billing session has ended")).to_be_visible()
    assert await page.evaluate("sessionStorage.length") == 0
    await until_streaming(demo, "active", count=0)
