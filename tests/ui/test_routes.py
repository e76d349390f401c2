"""How the gateway serves the portal's files (no browser needed)."""

from __future__ import annotations

from typing import Any

import pytest_asyncio

from gateway.ui.routes import STATIC_DIR, content_security_policy


@pytest_asyncio.fixture(loop_scope="session")
async def portal(demo_factory: Any) -> Any:
    return await demo_factory()


async def test_the_page_and_its_files_carry_security_headers(portal: Any) -> None:
    async with portal.http.get(f"{portal.gateway_url}/portal?code=abc") as response:
        assert response.status == 200
        assert response.content_type == "text/html"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy
        assert "frame-ancestors 'none'" in policy
        assert "stripe.com" not in policy
    for path, content_type in (("js/main.js", "text/javascript"), ("portal.css", "text/css")):
        async with portal.http.get(f"{portal.gateway_url}/portal/static/{path}") as response:
            assert response.status == 200
            assert response.content_type == content_type
            assert response.headers["Cache-Control"] == "no-cache"
            assert response.headers["Content-Security-Policy"] == policy


async def test_only_the_shipped_files_are_served(portal: Any) -> None:
    for path in ("static/nothing.js", "static/../routes.py", "static/%2e%2e/routes.py", "static/"):
        async with portal.http.get(f"{portal.gateway_url}/portal/{path}") as response:
            assert response.status == 404, path


async def test_a_trailing_slash_redirects_and_keeps_the_code(portal: Any) -> None:
    url = f"{portal.gateway_url}/portal/?code=abc"
    async with portal.http.get(url, allow_redirects=False) as response:
        assert response.status == 308
        assert response.headers["Location"] == "/portal?code=abc"


PORTAL_LANGUAGES = ["de", "en", "es", "fr", "it", "ja", "nl", "pt-BR"]


async def test_config_points_at_the_api_relative_to_itself(portal: Any) -> None:
    async with portal.http.get(f"{portal.gateway_url}/portal/config.json") as response:
        assert await response.json() == {
            "graphqlUrl": "../graphql",
            "stripePublishableKey": None,
            # Found from the files under js/i18n/: adding a language is adding its file.
            "languages": PORTAL_LANGUAGES,
        }


async def test_the_portal_is_off_unless_enabled(demo_factory: Any) -> None:
    demo = await demo_factory(portal_ui=False)
    async with demo.http.get(f"{demo.gateway_url}/portal") as response:
        assert response.status == 404
    async with demo.http.get(f"{demo.gateway_url}/portal/static/js/main.js") as response:
        assert response.status == 404


def test_stripe_origins_only_with_a_publishable_key() -> None:
    with_key = content_security_policy(with_stripe=True)
    assert "script-src 'self' https://js.stripe.com" in with_key
    assert "frame-src https://js.stripe.com" in with_key
    assert "connect-src 'self' https://api.stripe.com" in with_key
    assert "frame-src 'none'" in content_security_policy(with_stripe=False)


def test_the_static_files_are_the_whole_portal() -> None:
    shipped = {path.relative_to(STATIC_DIR).as_posix() for path in STATIC_DIR.rglob("*.*")}
    assert {"index.html", "portal.css", "js/main.js", "js/api.js", "js/live.js"} <= shipped
    page = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    # Nothing from elsewhere: every script and stylesheet is one of ours.
    assert "http" not in page
