"""Live updates: a change made in one tab shows in another without a reload."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.ui.pages import expect, open_action, status, subscription_card

if TYPE_CHECKING:
    from tests.ui.conftest import Browsing, Demo

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("no_script_errors")]


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
