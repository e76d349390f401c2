"""Portal session lifecycle over HTTP: create (admin), redeem once, expiry, revocation."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.world import World

CREATE = """mutation($input: CreatePortalSessionInput!) {
  createPortalSession(input: $input) { session { id code } userErrors { code message field } }
}"""
REVOKE = """mutation($id: ID!) {
  revokePortalSession(input: {sessionId: $id}) { sessionId userErrors { code field } }
}"""
END = "mutation { endPortalSession { sessionId userErrors { code message } } }"


async def test_create_returns_a_url_with_a_single_use_code(
    gateway: RunningGateway, world: World
) -> None:
    before = datetime.now(UTC)
    payload = (
        await gateway.create_session(
            world.alice.id, returnUrl="https://acme.example/account", locale="de"
        )
    ).ok()["createPortalSession"]
    assert payload["userErrors"] == []
    session = payload["session"]
    assert session["id"].startswith("ps_")
    assert session["customerId"] == world.alice.id
    assert session["configurationId"] == "full"
    assert (session["returnUrl"], session["locale"], session["flow"]) == (
        "https://acme.example/account",
        "de",
        None,
    )
    url = urlsplit(session["url"])
    assert (url.scheme, url.netloc, url.path) == ("https", "billing.example.com", "/portal")
    assert parse_qs(url.query) == {"code": [session["code"]]}
    expires = datetime.fromisoformat(session["expiresAt"])
    assert before + timedelta(seconds=290) < expires < before + timedelta(seconds=310)


async def test_only_admins_create_sessions(gateway: RunningGateway, world: World) -> None:
    variables = {"input": {"customer": world.alice.id}}
    assert (await gateway.post(CREATE, variables)).error_codes == ["UNAUTHENTICATED"]
    token = await gateway.token_for(world.alice.id)
    assert (await gateway.post(CREATE, variables, token=token)).error_codes == ["FORBIDDEN"]
    # Acting for a customer does not make a token holder an admin either.
    assert (await gateway.post(REVOKE, {"id": "ps_x"}, token=token)).error_codes == ["FORBIDDEN"]


async def test_a_code_works_once(gateway: RunningGateway, world: World) -> None:
    created = (await gateway.create_session(world.alice.id)).ok()["createPortalSession"]
    code = created["session"]["code"]
    first = (await gateway.redeem(code)).ok()["redeemPortalSession"]
    assert first["userErrors"] == []
    assert first["accessToken"].startswith("pst_")
    assert first["expiresAt"] is not None
    second = (await gateway.redeem(code)).ok()["redeemPortalSession"]
    assert second["accessToken"] is None
    assert second["userErrors"] == [
        {
            "code": "SESSION_ALREADY_USED",
            "message": "This portal session code was already used.",
            "field": "code",
        }
    ]
    data = (await gateway.post("{ session { id } }", token=first["accessToken"])).ok()
    assert data == {"session": {"id": created["session"]["id"]}}


async def test_concurrent_redemptions_have_one_winner(
    gateway: RunningGateway, world: World
) -> None:
    code = (await gateway.create_session(world.alice.id)).ok()["createPortalSession"]["session"][
        "code"
    ]
    results = await asyncio.gather(*(gateway.redeem(code) for _ in range(8)))
    payloads = [r.ok()["redeemPortalSession"] for r in results]
    winners = [p for p in payloads if p["accessToken"]]
    assert len(winners) == 1
    assert {p["userErrors"][0]["code"] for p in payloads if not p["accessToken"]} == {
        "SESSION_ALREADY_USED"
    }


async def test_codes_expire(gateway: RunningGateway, world: World) -> None:
    code = (await gateway.create_session(world.alice.id)).ok()["createPortalSession"]["session"][
        "code"
    ]
    gateway.clock.advance(gateway.settings.session_code_ttl_seconds + 1)
    for _ in range(2):
        payload = (await gateway.redeem(code)).ok()["redeemPortalSession"]
        assert payload["accessToken"] is None
        assert payload["userErrors"][0]["code"] == "SESSION_EXPIRED"


async def test_tokens_expire(gateway_factory: GatewayFactory, world: World) -> None:
    gateway = await gateway_factory.start(world.configurations(), access_token_ttl_seconds=600)
    token = await gateway.token_for(world.alice.id)
    expires = (await gateway.post("{ session { expiresAt } }", token=token)).ok()["session"][
        "expiresAt"
    ]
    lifetime = datetime.fromisoformat(expires) - datetime.now(UTC)
    assert timedelta(seconds=590) < lifetime <= timedelta(seconds=600)
    gateway.clock.advance(601)
    result = await gateway.post("{ customer { id } }", token=token)
    assert result.error_codes == ["SESSION_EXPIRED"]
    assert result.data == {"customer": None}


async def test_revocation_stops_the_token_and_the_code(
    gateway: RunningGateway, world: World
) -> None:
    # A redeemed session: its token stops working.
    created = (await gateway.create_session(world.alice.id)).ok()["createPortalSession"]
    token = (await gateway.redeem(created["session"]["code"])).ok()["redeemPortalSession"][
        "accessToken"
    ]
    revoked = (await gateway.admin(REVOKE, {"id": created["session"]["id"]})).ok()
    assert revoked["revokePortalSession"] == {
        "sessionId": created["session"]["id"],
        "userErrors": [],
    }
    assert (await gateway.post("{ customer { id } }", token=token)).error_codes == [
        "UNAUTHENTICATED"
    ]
    # A session not redeemed yet: its code can no longer be redeemed.
    pending = (await gateway.create_session(world.alice.id)).ok()["createPortalSession"]
    (await gateway.admin(REVOKE, {"id": pending["session"]["id"]})).ok()
    payload = (await gateway.redeem(pending["session"]["code"])).ok()["redeemPortalSession"]
    assert payload["accessToken"] is None
    assert payload["userErrors"][0]["code"] == "SESSION_EXPIRED"
    # Unknown sessions are reported as such.
    unknown = (await gateway.admin(REVOKE, {"id": "ps_unknown"})).ok()["revokePortalSession"]
    assert unknown == {
        "sessionId": None,
        "userErrors": [{"code": "NOT_FOUND", "field": "sessionId"}],
    }


async def test_customer_can_end_their_session(gateway: RunningGateway, world: World) -> None:
    token = await gateway.token_for(world.alice.id)
    session_id = (await gateway.post("{ session { id } }", token=token)).ok()["session"]["id"]
    ended = (await gateway.post(END, token=token)).ok()["endPortalSession"]
    assert ended == {"sessionId": session_id, "userErrors": []}
    assert (await gateway.post("{ session { id } }", token=token)).error_codes == [
        "UNAUTHENTICATED"
    ]
    admin = (await gateway.admin(END, customer=world.alice.id)).ok()["endPortalSession"]
    assert admin["userErrors"][0]["code"] == "INVALID_INPUT"


async def test_create_checks_its_input(gateway: RunningGateway, world: World) -> None:
    cases = [
        ({"customer": "cus_missing0000000000"}, "NOT_FOUND", "customer"),
        ({"customer": world.alice.id, "configuration": "nope"}, "NOT_FOUND", "configuration"),
        (
            {"customer": world.alice.id, "configuration": "retired"},
            "CONFIGURATION_INACTIVE",
            "configuration",
        ),
        (
            {"customer": world.alice.id, "returnUrl": "javascript:alert(1)"},
            "INVALID_INPUT",
            "returnUrl",
        ),
        ({"customer": world.alice.id, "locale": "xx-YY"}, "INVALID_INPUT", "locale"),
    ]
    for fields, code, field in cases:
        payload = (await gateway.admin(CREATE, {"input": fields})).ok()["createPortalSession"]
        assert payload["session"] is None, fields
        [error] = payload["userErrors"]
        assert (error["code"], error["field"]) == (code, field), (fields, error)


async def test_a_session_can_use_another_active_configuration(
    gateway: RunningGateway, world: World
) -> None:
    token = await gateway.token_for(world.alice.id, configuration="minimal")
    data = (
        await gateway.post(
            "{ session { configuration { id features { invoiceHistory { enabled } } } } }",
            token=token,
        )
    ).ok()
    assert data["session"]["configuration"] == {
        "id": "minimal",
        "features": {"invoiceHistory": {"enabled": False}},
    }


REDEEM_WAY_BACK = """mutation($code: String!) {
  redeemPortalSession(code: $code) { accessToken returnUrl userErrors { code } }
}"""


async def test_a_used_code_says_where_to_go_back(gateway: RunningGateway, world: World) -> None:
    """The 'link already used' page is no dead end: a used code names the session's return
    URL (else its configuration's default), and only once it was used."""
    created = await gateway.create_session(world.alice.id, returnUrl="https://acme.example/me")
    code = created.ok()["createPortalSession"]["session"]["code"]
    first = (await gateway.post(REDEEM_WAY_BACK, {"code": code})).ok()["redeemPortalSession"]
    assert first["userErrors"] == []
    assert first["returnUrl"] is None
    again = (await gateway.post(REDEEM_WAY_BACK, {"code": code})).ok()["redeemPortalSession"]
    assert again == {
        "accessToken": None,
        "returnUrl": "https://acme.example/me",
        "userErrors": [{"code": "SESSION_ALREADY_USED"}],
    }
    # A code nobody issued tells nothing.
    unknown = (await gateway.post(REDEEM_WAY_BACK, {"code": "psc_" + "x" * 43})).ok()
    assert unknown["redeemPortalSession"]["returnUrl"] is None
