"""The team's own sign-in tokens over HTTP: a local identity provider signs them, the gateway
verifies them against its discovered keys, and each acts for exactly its customer.

Every refusal is UNAUTHENTICATED with a reason a client can act on (`extensions.reason`),
and says nothing of what the gateway expected (audience, issuer, keys).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import TYPE_CHECKING, Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from tests.support.identity import AUDIENCE, CUSTOMER_CLAIM, new_key

if TYPE_CHECKING:
    from tests.support.gateway import GatewayFactory, Result, RunningGateway
    from tests.support.identity import IdentityProvider
    from tests.support.world import World

WHO = "{ session { customerId configuration { id } expiresAt } subscriptions { id } }"
MISSING_CUSTOMER = "cus_000000000000000000000000"


@pytest.fixture
async def signed_in(
    gateway_factory: GatewayFactory, world: World, identity_provider: IdentityProvider
) -> RunningGateway:
    return await gateway_factory.start(
        world.configurations(),
        **identity_provider.settings(jwt_configuration_claim="portal_configuration"),
    )


def refusal(result: Result) -> tuple[str | None, str | None]:
    [error] = result.errors
    extensions = error.get("extensions", {})
    return extensions.get("code"), extensions.get("reason")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs256_with(secret: bytes, claims: dict[str, Any], kid: str) -> str:
    """An HS256 token made by hand, so any bytes (a public key's PEM) can be the secret."""
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    payload = b64(json.dumps(claims).encode())
    signature = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(signature)}"


async def test_a_token_acts_for_exactly_its_customer(
    signed_in: RunningGateway, world: World, identity_provider: IdentityProvider
) -> None:
    token = identity_provider.token(world.alice.id)

    data = (await signed_in.post(WHO, token=token)).ok()
    theirs = await signed_in.post(
        "query($id: ID!) { subscription(id: $id) { id } }",
        {"id": world.bob.subscription},
        token=token,
    )

    assert data["session"]["customerId"] == world.alice.id
    assert data["session"]["configuration"]["id"] == "full"
    assert data["subscriptions"] == [{"id": world.alice.subscription}]
    assert theirs.ok() == {"subscription": None}
    bob = (await signed_in.post(WHO, token=identity_provider.token(world.bob.id))).ok()
    assert bob["subscriptions"] == [{"id": world.bob.subscription}]


async def test_the_token_expiry_is_the_sessions(
    signed_in: RunningGateway, world: World, identity_provider: IdentityProvider
) -> None:
    exp = int(time.time()) + 321
    token = identity_provider.token(world.alice.id, exp=exp)
    data = (await signed_in.post(WHO, token=token)).ok()
    assert data["session"]["expiresAt"].startswith(
        time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(exp))
    )


async def test_a_configuration_claim_chooses_the_configuration(
    signed_in: RunningGateway, world: World, identity_provider: IdentityProvider
) -> None:
    minimal = identity_provider.token(world.alice.id, portal_configuration="minimal")
    retired = identity_provider.token(world.alice.id, portal_configuration="retired")
    unknown = identity_provider.token(world.alice.id, portal_configuration="nope")

    data = (await signed_in.post(WHO, token=minimal)).ok()

    assert data["session"]["configuration"]["id"] == "minimal"
    assert (await signed_in.post(WHO, token=retired)).error_codes == ["CONFIGURATION_INACTIVE"]
    assert (await signed_in.post(WHO, token=unknown)).error_codes == ["NOT_FOUND"]


async def test_the_customer_claim_may_sit_in_app_metadata(
    gateway_factory: GatewayFactory, world: World, identity_provider: IdentityProvider
) -> None:
    gateway = await gateway_factory.start(
        world.configurations(),
        **identity_provider.settings(jwt_customer_claim="app_metadata.stripe_customer_id"),
    )
    claims = identity_provider.claims(app_metadata={"stripe_customer_id": world.bob.id})

    data = (await gateway.post(WHO, token=identity_provider.sign(claims))).ok()

    assert data["session"]["customerId"] == world.bob.id


def _tampered(token: str, provider: IdentityProvider, bob: str) -> str:
    """Alice's signature on a payload that names Bob."""
    header, _, signature = token.split(".")
    payload = b64(json.dumps(provider.claims(bob)).encode())
    return f"{header}.{payload}.{signature}"


def _flipped(token: str) -> str:
    head, _, signature = token.rpartition(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=="))
    raw[10] ^= 0x01
    return f"{head}.{b64(bytes(raw))}"


def _refused_tokens(provider: IdentityProvider, alice: str, bob: str) -> dict[str, tuple[str, str]]:
    """name -> (token, expected reason)."""
    claims = provider.claims(alice)
    now = int(time.time())
    public_pem = provider.current.private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    stranger = new_key(provider.current.kid)
    attacker = new_key("attacker", "ES256")
    return {
        "alg-none": (jwt.encode(claims, "", algorithm="none"), "TOKEN_ALGORITHM_NOT_ALLOWED"),
        "hs256-with-public-key": (
            hs256_with(public_pem, claims, provider.current.kid),
            "TOKEN_ALGORITHM_NOT_ALLOWED",
        ),
        "unknown-kid": (
            provider.sign(claims, key=new_key("not-published")),
            "TOKEN_UNKNOWN_KEY",
        ),
        "other-key-same-kid": (provider.sign(claims, key=stranger), "TOKEN_BAD_SIGNATURE"),
        "wrong-issuer": (
            provider.sign({**claims, "iss": "https://login.evil.example/"}),
            "TOKEN_WRONG_ISSUER",
        ),
        "no-issuer": (provider.sign(provider.claims(alice, iss=None)), "TOKEN_MISSING_CLAIM"),
        "wrong-audience": (provider.sign({**claims, "aud": "another-app"}), "TOKEN_WRONG_AUDIENCE"),
        "no-audience": (provider.sign(provider.claims(alice, aud=None)), "TOKEN_MISSING_CLAIM"),
        "expired": (provider.sign({**claims, "exp": now - 120}), "TOKEN_EXPIRED"),
        "no-expiry": (provider.sign(provider.claims(alice, exp=None)), "TOKEN_MISSING_CLAIM"),
        "not-yet-valid": (provider.sign({**claims, "nbf": now + 600}), "TOKEN_NOT_YET_VALID"),
        "no-subject": (provider.sign(provider.claims(alice, sub=None)), "TOKEN_MISSING_CLAIM"),
        "no-customer-claim": (provider.sign(provider.claims(None)), "TOKEN_MISSING_CLAIM"),
        "customer-claim-a-number": (
            provider.sign({**claims, CUSTOMER_CLAIM: 42}),
            "TOKEN_INVALID_CLAIM",
        ),
        "customer-claim-not-an-id": (
            provider.sign({**claims, CUSTOMER_CLAIM: "alice@example.com"}),
            "TOKEN_INVALID_CLAIM",
        ),
        "configuration-claim-not-an-id": (
            provider.sign({**claims, "portal_configuration": {"id": "full"}}),
            "TOKEN_INVALID_CLAIM",
        ),
        "customer-does-not-exist": (
            provider.sign({**claims, CUSTOMER_CLAIM: MISSING_CUSTOMER}),
            "TOKEN_UNKNOWN_CUSTOMER",
        ),
        "tampered-payload": (
            _tampered(provider.sign(claims), provider, bob),
            "TOKEN_BAD_SIGNATURE",
        ),
        "tampered-signature": (_flipped(provider.sign(claims)), "TOKEN_BAD_SIGNATURE"),
        "own-key-embedded-in-header": (
            provider.sign(
                claims,
                key=attacker,
                headers={"jwk": attacker.public_jwk(), "jku": "http://127.0.0.1:9/jwks.json"},
            ),
            "TOKEN_UNKNOWN_KEY",
        ),
        "subject-too-long": (provider.sign({**claims, "sub": "u" * 256}), "TOKEN_INVALID_CLAIM"),
        "subject-a-number": (provider.sign({**claims, "sub": 42}), "TOKEN_INVALID_CLAIM"),
        "garbage": ("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOjF9.!!!", "TOKEN_MALFORMED"),
        "not-json-header": ("eyJub3QganNvbg.eyJzdWIiOjF9.c2ln", "TOKEN_MALFORMED"),
    }


REFUSALS = [
    "alg-none",
    "hs256-with-public-key",
    "unknown-kid",
    "other-key-same-kid",
    "wrong-issuer",
    "no-issuer",
    "wrong-audience",
    "no-audience",
    "expired",
    "no-expiry",
    "not-yet-valid",
    "no-subject",
    "no-customer-claim",
    "customer-claim-a-number",
    "customer-claim-not-an-id",
    "configuration-claim-not-an-id",
    "customer-does-not-exist",
    "tampered-payload",
    "tampered-signature",
    "own-key-embedded-in-header",
    "subject-too-long",
    "subject-a-number",
    "garbage",
    "not-json-header",
]


@pytest.mark.parametrize("case", REFUSALS)
async def test_refused_tokens_are_unauthenticated_with_a_reason(
    signed_in: RunningGateway, world: World, identity_provider: IdentityProvider, case: str
) -> None:
    token, reason = _refused_tokens(identity_provider, world.alice.id, world.bob.id)[case]

    result = await signed_in.post(WHO, token=token)

    assert result.status == 200
    assert result.data is None
    assert refusal(result) == ("UNAUTHENTICATED", reason)
    text = json.dumps(result.body)
    # Nothing the caller could use: not the expected audience or issuer, no customer data.
    for secret in (AUDIENCE, identity_provider.issuer, identity_provider.url, world.bob.id):
        assert secret not in text
    assert world.alice.subscription not in text


async def test_public_fields_still_answer_with_a_refused_token(
    signed_in: RunningGateway, world: World, identity_provider: IdentityProvider
) -> None:
    """A refused token is reported where credentials are needed, as for portal tokens."""
    expired = identity_provider.token(world.alice.id, exp=int(time.time()) - 120)
    result = await signed_in.post(
        'mutation { redeemPortalSession(code: "nope") { accessToken userErrors { code } } }',
        token=expired,
    )
    assert result.ok()["redeemPortalSession"]["userErrors"][0]["code"] == "NOT_FOUND"


async def test_a_token_may_not_borrow_the_admin_header(
    signed_in: RunningGateway, world: World, identity_provider: IdentityProvider
) -> None:
    token = identity_provider.token(world.alice.id)
    result = await signed_in.post(WHO, token=token, headers={"Portal-Customer": world.bob.id})
    assert result.error_codes == ["FORBIDDEN"]


async def test_without_the_jwt_settings_a_sign_in_token_is_just_unknown(
    gateway: RunningGateway, world: World, identity_provider: IdentityProvider
) -> None:
    result = await gateway.post(WHO, token=identity_provider.token(world.alice.id))
    assert result.error_codes == ["UNAUTHENTICATED"]
    assert identity_provider.jwks_requests == 0


async def test_admin_only_fields_stay_closed_to_sign_in_tokens(
    signed_in: RunningGateway, world: World, identity_provider: IdentityProvider
) -> None:
    token = identity_provider.token(world.alice.id)
    result = await signed_in.post(
        "mutation($c: ID!) { createPortalSession(input: {customer: $c}) { userErrors { code } } }",
        {"c": world.bob.id},
        token=token,
    )
    assert result.error_codes == ["FORBIDDEN"]


async def test_ending_a_portal_session_with_a_sign_in_token_says_what_to_do(
    signed_in: RunningGateway, world: World, identity_provider: IdentityProvider
) -> None:
    token = identity_provider.token(world.alice.id)
    result = await signed_in.post(
        "mutation { endPortalSession { sessionId userErrors { code message } } }", token=token
    )
    payload = result.ok()["endPortalSession"]
    assert payload["sessionId"] is None
    assert payload["userErrors"] == [
        {
            "code": "INVALID_INPUT",
            "message": "A sign-in token has no portal session to end: sign out of the app instead.",
        }
    ]
    # The token still works: the gateway cannot end what it did not issue.
    assert (await signed_in.post(WHO, token=token)).ok()["session"]["customerId"] == world.alice.id
