"""The identity provider's keys: discovered, cached, refetched when an unknown `kid` appears
(no more often than allowed), rotated without a restart, and kept when the provider is down.
Also the other key sources: JWKS URLs without discovery, and an explicit HS256 secret."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from pydantic import ValidationError

from gateway.settings import Settings
from tests.auth.test_jwt_http import WHO, hs256_with, refusal
from tests.auth.test_jwt_http import b64 as base64url
from tests.support.identity import AUDIENCE, CUSTOMER_CLAIM, new_key

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.identity import IdentityProvider
    from tests.support.world import World

SECRET = "a-shared-secret-of-more-than-32-bytes!"


async def eventually(check: Callable[[], bool], seconds: float = 5.0) -> None:
    async with asyncio.timeout(seconds):
        while True:
            if check():
                return
            await asyncio.sleep(0.01)


async def _start(
    factory: GatewayFactory, world: World, provider: IdentityProvider, **overrides: Any
) -> RunningGateway:
    return await factory.start(world.configurations(), **provider.settings(**overrides))


async def _customer_of(gateway: RunningGateway, token: str) -> str:
    data = (await gateway.post(WHO, token=token)).ok()
    customer: str = data["session"]["customerId"]
    return customer


async def test_a_rotated_key_works_without_a_restart(
    gateway_factory: GatewayFactory, world: World, identity_provider: IdentityProvider
) -> None:
    gateway = await _start(gateway_factory, world, identity_provider, jwt_keys_refetch_seconds=0.2)
    before = identity_provider.token(world.alice.id)
    assert await _customer_of(gateway, before) == world.alice.id

    identity_provider.rotate()
    await asyncio.sleep(0.3)
    after = identity_provider.token(world.alice.id)

    assert await _customer_of(gateway, after) == world.alice.id
    # The old key left the provider's set: tokens it signed stop working.
    assert refusal(await gateway.post(WHO, token=before)) == (
        "UNAUTHENTICATED",
        "TOKEN_UNKNOWN_KEY",
    )


async def test_during_a_rotation_both_keys_verify(
    gateway_factory: GatewayFactory, world: World, identity_provider: IdentityProvider
) -> None:
    gateway = await _start(gateway_factory, world, identity_provider, jwt_keys_refetch_seconds=0)
    old = identity_provider.token(world.alice.id)
    await _customer_of(gateway, old)
    identity_provider.rotate(keep_old=True, alg="ES256")
    new = identity_provider.token(world.bob.id)

    assert await _customer_of(gateway, new) == world.bob.id
    assert await _customer_of(gateway, old) == world.alice.id


async def test_unknown_kids_refetch_the_keys_at_most_once_per_interval(
    gateway_factory: GatewayFactory, world: World, identity_provider: IdentityProvider
) -> None:
    gateway = await _start(gateway_factory, world, identity_provider, jwt_keys_refetch_seconds=60)
    await _customer_of(gateway, identity_provider.token(world.alice.id))
    assert identity_provider.jwks_requests == 1

    claims = identity_provider.claims(world.alice.id)
    for n in range(20):
        invented = identity_provider.sign(claims, key=new_key(f"invented-{n}"))
        result = await gateway.post(WHO, token=invented)
        assert refusal(result) == ("UNAUTHENTICATED", "TOKEN_UNKNOWN_KEY")

    # Read once at start; within the interval no invented kid makes the gateway ask again.
    assert identity_provider.jwks_requests == 1


async def test_an_unknown_kid_refetches_at_once_when_the_interval_allows(
    gateway_factory: GatewayFactory, world: World, identity_provider: IdentityProvider
) -> None:
    gateway = await _start(gateway_factory, world, identity_provider, jwt_keys_refetch_seconds=1)
    claims = identity_provider.claims(world.alice.id)
    invented = [identity_provider.sign(claims, key=new_key(f"x-{n}", "ES256")) for n in range(5)]
    await _customer_of(gateway, identity_provider.token(world.alice.id))
    await asyncio.sleep(1.1)
    for token in invented:
        await gateway.post(WHO, token=token)
    # One refetch for the first unknown kid; the others fall within the interval.
    assert identity_provider.jwks_requests == 2


async def test_the_last_good_keys_stay_in_use_while_the_provider_is_down(
    gateway_factory: GatewayFactory, world: World, identity_provider: IdentityProvider
) -> None:
    gateway = await _start(
        gateway_factory,
        world,
        identity_provider,
        jwt_keys_max_age_seconds=0.1,
        jwt_keys_refetch_seconds=0.1,
    )
    token = identity_provider.token(world.alice.id)
    assert await _customer_of(gateway, token) == world.alice.id

    identity_provider.down = True
    await asyncio.sleep(0.2)
    assert await _customer_of(gateway, token) == world.alice.id
    await eventually(lambda: identity_provider.jwks_requests >= 2)  # it did try again
    assert await _customer_of(gateway, token) == world.alice.id

    identity_provider.down = False
    identity_provider.rotate()
    await asyncio.sleep(0.2)
    assert await _customer_of(gateway, identity_provider.token(world.bob.id)) == world.bob.id


async def test_stale_keys_are_read_again_without_holding_requests_up(
    gateway_factory: GatewayFactory, world: World, identity_provider: IdentityProvider
) -> None:
    gateway = await _start(
        gateway_factory,
        world,
        identity_provider,
        jwt_keys_max_age_seconds=0.1,
        jwt_keys_refetch_seconds=0.1,
    )
    token = identity_provider.token(world.alice.id)
    assert await _customer_of(gateway, token) == world.alice.id
    hold = identity_provider.hold = asyncio.Event()
    await asyncio.sleep(0.2)

    # The stale keys start a read that the provider holds; requests use the keys at hand.
    assert await _customer_of(gateway, token) == world.alice.id
    await eventually(lambda: identity_provider.jwks_requests + identity_provider.held >= 2)
    for _ in range(3):
        assert await _customer_of(gateway, token) == world.alice.id
    assert not hold.is_set()

    rotated = identity_provider.rotate(keep_old=True, alg="ES256")
    hold.set()
    await eventually(lambda: identity_provider.jwks_requests >= 2)
    await asyncio.sleep(0.2)
    claims = identity_provider.claims(world.bob.id)
    signed = identity_provider.sign(claims, key=rotated)
    assert await _customer_of(gateway, signed) == world.bob.id


async def test_a_provider_never_reached_refuses_with_keys_unavailable(
    gateway_factory: GatewayFactory, world: World, identity_provider: IdentityProvider
) -> None:
    identity_provider.down = True
    gateway = await _start(gateway_factory, world, identity_provider)
    result = await gateway.post(WHO, token=identity_provider.token(world.alice.id))
    assert refusal(result) == ("UNAUTHENTICATED", "TOKEN_KEYS_UNAVAILABLE")


async def test_jwks_urls_work_without_discovery_or_issuer(
    gateway_factory: GatewayFactory, world: World, identity_provider: IdentityProvider
) -> None:
    gateway = await _start(
        gateway_factory,
        world,
        identity_provider,
        jwt_issuer=None,
        jwt_jwks_urls=[identity_provider.url + "/jwks.json"],
    )
    claims = identity_provider.claims(world.alice.id, iss=None)
    assert await _customer_of(gateway, identity_provider.sign(claims)) == world.alice.id


async def test_a_symmetric_key_published_in_the_jwks_is_never_used(
    gateway_factory: GatewayFactory, world: World, identity_provider: IdentityProvider
) -> None:
    """Even with HS256 allowed (a secret set), an `oct` key in the JWKS verifies nothing."""
    published = b"published-secret-published-secret"
    identity_provider.extra_jwks.append(
        {"kty": "oct", "kid": "oct-1", "alg": "HS256", "k": base64url(published)}
    )
    gateway = await _start(gateway_factory, world, identity_provider, jwt_hs256_secret=SECRET)
    await _customer_of(gateway, identity_provider.token(world.alice.id))  # the keys are read
    claims = identity_provider.claims(world.alice.id)
    token = jwt.encode(claims, published, algorithm="HS256", headers={"kid": "oct-1"})

    assert refusal(await gateway.post(WHO, token=token)) == (
        "UNAUTHENTICATED",
        "TOKEN_BAD_SIGNATURE",
    )


async def test_an_explicit_hs256_secret_verifies_hs256_tokens_only_with_itself(
    gateway_factory: GatewayFactory, world: World, identity_provider: IdentityProvider
) -> None:
    gateway = await _start(gateway_factory, world, identity_provider, jwt_hs256_secret=SECRET)
    claims = identity_provider.claims(world.alice.id)
    shared = jwt.encode(claims, SECRET.encode(), algorithm="HS256")
    public_pem = identity_provider.current.private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    confused = hs256_with(public_pem, claims, identity_provider.current.kid)
    hs512 = jwt.encode(claims, SECRET.encode() * 2, algorithm="HS512")

    assert await _customer_of(gateway, shared) == world.alice.id
    assert await _customer_of(gateway, identity_provider.token(world.bob.id)) == world.bob.id
    assert refusal(await gateway.post(WHO, token=confused)) == (
        "UNAUTHENTICATED",
        "TOKEN_BAD_SIGNATURE",
    )
    assert refusal(await gateway.post(WHO, token=hs512)) == (
        "UNAUTHENTICATED",
        "TOKEN_ALGORITHM_NOT_ALLOWED",
    )


async def test_a_secret_alone_refuses_asymmetric_tokens(
    gateway_factory: GatewayFactory, world: World, identity_provider: IdentityProvider
) -> None:
    gateway = await _start(
        gateway_factory, world, identity_provider, jwt_issuer=None, jwt_hs256_secret=SECRET
    )
    token = identity_provider.token(world.alice.id)
    assert refusal(await gateway.post(WHO, token=token)) == (
        "UNAUTHENTICATED",
        "TOKEN_ALGORITHM_NOT_ALLOWED",
    )
    assert identity_provider.jwks_requests == 0


async def test_clock_leeway_accepts_a_token_just_past_its_expiry(
    gateway_factory: GatewayFactory, world: World, identity_provider: IdentityProvider
) -> None:
    gateway = await _start(gateway_factory, world, identity_provider, jwt_leeway_seconds=60)
    token = identity_provider.token(world.alice.id, exp=int(time.time()) - 30)
    assert await _customer_of(gateway, token) == world.alice.id


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"jwt_algorithms": "RS256,HS256"}, "GATEWAY_JWT_ALGORITHMS"),
        ({"jwt_algorithms": "none"}, "GATEWAY_JWT_ALGORITHMS"),
        ({"jwt_hs256_secret": "short"}, "at least 32 bytes"),
        ({"jwt_audience": []}, "GATEWAY_JWT_AUDIENCE"),
        ({"jwt_user_id_claim": "sub"}, "either GATEWAY_JWT_CUSTOMER_CLAIM"),
        (
            {"jwt_customer_claim": None, "jwt_user_id_claim": "sub"},
            "go together",
        ),
        (
            {
                "jwt_customer_claim": None,
                "jwt_user_id_claim": "sub",
                "jwt_customer_metadata_key": "a[b]",
            },
            "Stripe metadata key",
        ),
    ],
)
def test_settings_that_cannot_work_are_refused_at_start(
    overrides: dict[str, Any], complaint: str
) -> None:
    values: dict[str, Any] = {
        "jwt_issuer": "https://login.example.com/",
        "jwt_audience": [AUDIENCE],
        "jwt_customer_claim": CUSTOMER_CLAIM,
    }
    values.update(overrides)
    with pytest.raises(ValidationError, match=complaint.replace("[", r"\[")):
        Settings(**values)


def test_the_settings_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_JWT_ISSUER", "https://login.example.com/")
    monkeypatch.setenv("GATEWAY_JWT_AUDIENCE", "https://billing.example.com, mobile")
    monkeypatch.setenv("GATEWAY_JWT_ALGORITHMS", "RS256,ES256")
    monkeypatch.setenv("GATEWAY_JWT_JWKS_URLS", "https://a.example/jwks.json")
    monkeypatch.setenv("GATEWAY_JWT_CUSTOMER_CLAIM", "app_metadata.stripe_customer_id")

    settings = Settings()

    assert settings.jwt_enabled
    assert settings.jwt_audience == ["https://billing.example.com", "mobile"]
    assert settings.jwt_algorithms == ["RS256", "ES256"]
    assert settings.jwt_jwks_urls == ["https://a.example/jwks.json"]
    assert Settings(_env_file=None, jwt_issuer=None, jwt_jwks_urls=[]).jwt_enabled is False
