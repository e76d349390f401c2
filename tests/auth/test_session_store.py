"""The session store on both cache backends: single use under concurrency, expiry by the
injected clock, revocation racing redemption, hashed storage, and sharing through Redis."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest
import redis.asyncio as aioredis

from gateway.auth.sessions import SessionError, SessionStore
from gateway.errors import ErrorCode
from gateway.store import Cache
from tests.support.gateway import FakeClock

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

CUSTOMER = "cus_store_test"


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def cache_url(request: pytest.FixtureRequest) -> str | None:
    if request.param == "memory":
        return None
    url: str = request.getfixturevalue("redis_url")
    return url


@pytest.fixture
async def cache(cache_url: str | None) -> AsyncIterator[Cache]:
    cache = Cache.from_url(cache_url)
    yield cache
    await cache.close()


def _store(cache: Cache, clock: FakeClock | None = None) -> SessionStore:
    return SessionStore(
        cache,
        portal_url="https://portal.example/p?theme=dark",
        code_ttl=300,
        token_ttl=3600,
        clock=clock or FakeClock(),
    )


async def test_create_redeem_authenticate(cache: Cache) -> None:
    store = _store(cache)
    created = await store.create(customer_id=CUSTOMER, configuration_id="full", locale="fr")
    assert created.url == f"https://portal.example/p?theme=dark&code={created.code}"
    token = await store.redeem(created.code)
    scope = await store.authenticate(token.token)
    assert (scope.customer_id, scope.configuration_id, scope.locale) == (CUSTOMER, "full", "fr")
    assert scope.session_id == created.session.id
    assert scope.expires_at == token.expires_at
    assert scope.flow is None


async def test_concurrent_redemptions_have_exactly_one_winner(cache: Cache) -> None:
    store = _store(cache)
    created = await store.create(customer_id=CUSTOMER, configuration_id="full")
    results = await asyncio.gather(
        *(store.redeem(created.code) for _ in range(20)), return_exceptions=True
    )
    tokens = [r for r in results if not isinstance(r, BaseException)]
    errors = [r for r in results if isinstance(r, SessionError)]
    assert len(tokens) == 1
    assert len(errors) == 19
    assert {e.code for e in errors} == {ErrorCode.SESSION_ALREADY_USED}


async def test_expiry_follows_the_clock(cache: Cache) -> None:
    clock = FakeClock()
    store = _store(cache, clock)
    created = await store.create(customer_id=CUSTOMER, configuration_id="full")
    # Stored times are whole seconds: 299 s could read as 300 across a second's boundary.
    clock.advance(298)
    token = await store.redeem(created.code)
    late = await store.create(customer_id=CUSTOMER, configuration_id="full")
    clock.advance(301)
    with pytest.raises(SessionError) as expired:
        await store.redeem(late.code)
    assert expired.value.code is ErrorCode.SESSION_EXPIRED
    # The token lives an hour from its redemption.
    await store.authenticate(token.token)
    clock.advance(3600)
    with pytest.raises(SessionError) as too_old:
        await store.authenticate(token.token)
    assert too_old.value.code is ErrorCode.SESSION_EXPIRED


async def test_unknown_codes_and_tokens(cache: Cache) -> None:
    store = _store(cache)
    with pytest.raises(SessionError) as code:
        await store.redeem("made-up")
    assert code.value.code is ErrorCode.NOT_FOUND
    with pytest.raises(SessionError) as token:
        await store.authenticate("pst_made_up")
    assert token.value.code is ErrorCode.NOT_FOUND


async def test_revocation_wins_against_a_racing_redemption(cache: Cache) -> None:
    store = _store(cache)
    for _ in range(10):
        created = await store.create(customer_id=CUSTOMER, configuration_id="full")
        redeemed, _revoked = await asyncio.gather(
            store.redeem(created.code), store.revoke(created.session.id), return_exceptions=True
        )
        # Whichever ran first, no usable token survives the revocation.
        if not isinstance(redeemed, BaseException):
            with pytest.raises(SessionError):
                await store.authenticate(redeemed.token)


async def test_revoke_unknown_session(cache: Cache) -> None:
    assert await _store(cache).revoke("ps_nothing") is False


@pytest.mark.redis
async def test_codes_and_tokens_are_stored_hashed(redis_url: str) -> None:
    cache = Cache.from_url(redis_url)
    try:
        store = _store(cache)
        created = await store.create(customer_id=CUSTOMER, configuration_id="full")
        token = await store.redeem(created.code)
        client = aioredis.Redis.from_url(redis_url)
        try:
            dump = b""
            async for key in client.scan_iter():
                dump += key + b"=" + (await client.dump(key) or b"") + b"\n"
        finally:
            await client.aclose()
        assert dump
        assert created.code.encode() not in dump
        assert token.token.encode() not in dump
    finally:
        await cache.close()


@pytest.mark.redis
async def test_instances_sharing_redis_share_sessions(redis_url: str) -> None:
    first, second = Cache.from_url(redis_url), Cache.from_url(redis_url)
    try:
        one, other = _store(first), _store(second)
        created = await one.create(customer_id=CUSTOMER, configuration_id="full")
        token = await other.redeem(created.code)
        assert (await one.authenticate(token.token)).customer_id == CUSTOMER
        with pytest.raises(SessionError) as used:
            await one.redeem(created.code)
        assert used.value.code is ErrorCode.SESSION_ALREADY_USED
        assert await one.revoke(created.session.id)
        with pytest.raises(SessionError):
            await other.authenticate(token.token)
    finally:
        await first.close()
        await second.close()
