"""The reference portal opened with the team's own sign-in token, handed over by the host
page in the URL fragment (`/portal#access_token=<JWT>`): the portal shows that customer, the
token leaves the address bar, a reload keeps the session, a refused token says why, and a
token for another account never replaces the tab's session without asking."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pytest
import pytest_asyncio

from tests.support.identity import IdentityProvider
from tests.ui.pages import dialog, expect
from tests.ui.test_account_switch import QUESTION, signed_in_as

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from tests.ui.conftest import Browsing, Demo

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("no_script_errors")]

VICTIM, ATTACKER = "active", "trialing"
VICTIM_EMAIL, ATTACKER_EMAIL = "active@demo.example", "trialing@demo.example"


@pytest_asyncio.fixture(loop_scope="session")
async def provider() -> AsyncIterator[IdentityProvider]:
    started = IdentityProvider()
    await started.start()
    yield started
    await started.close()


@pytest_asyncio.fixture(loop_scope="session")
async def signed_in_demo(demo_factory: Any, provider: IdentityProvider) -> Demo:
    started: Demo = await demo_factory(**provider.settings())
    return started


def handed(demo: Demo, token: str) -> str:
    return f"{demo.gateway_url}/portal#access_token={token}"


async def test_a_handed_token_opens_its_customers_portal_and_leaves_the_address_bar(
    signed_in_demo: Demo, browsing: Browsing, provider: IdentityProvider
) -> None:
    token = provider.token(signed_in_demo.customer(VICTIM))

    page = await browsing.open(handed(signed_in_demo, token))

    await signed_in_as(page, VICTIM_EMAIL)
    assert "access_token" not in page.url
    assert "#" not in page.url
    await page.reload()
    await signed_in_as(page, VICTIM_EMAIL)


async def test_a_refused_token_says_why(
    signed_in_demo: Demo, browsing: Browsing, provider: IdentityProvider
) -> None:
    expired = provider.token(signed_in_demo.customer(VICTIM), exp=int(time.time()) - 120)

    page = await browsing.open(handed(signed_in_demo, expired))

    await expect(page.get_by_role("heading", name="This billing session has ended")).to_be_visible()
    await expect(page.locator("#app")).to_contain_text("The sign-in token has expired")
    await expect(page.locator("section.account")).to_have_count(0)


async def test_someone_elses_token_asks_before_switching(
    signed_in_demo: Demo, browsing: Browsing, provider: IdentityProvider
) -> None:
    page = await browsing.open(
        handed(signed_in_demo, provider.token(signed_in_demo.customer(VICTIM)))
    )
    await signed_in_as(page, VICTIM_EMAIL)

    attacker = provider.token(signed_in_demo.customer(ATTACKER), sub="user|attacker")
    await page.goto(handed(signed_in_demo, attacker))

    asking = dialog(page)
    await expect(asking.get_by_role("heading", name=QUESTION)).to_be_visible()
    await expect(asking.locator("[data-account=current]")).to_contain_text(VICTIM_EMAIL)
    await expect(asking.locator("[data-account=link]")).to_contain_text(ATTACKER_EMAIL)
    await asking.get_by_role("button", name="Stay in my account").click()
    await signed_in_as(page, VICTIM_EMAIL)
    await page.reload()
    await signed_in_as(page, VICTIM_EMAIL)
