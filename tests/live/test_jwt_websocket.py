"""Sign-in tokens over the WebSocket: the token that works over HTTP opens a live stream of
exactly its customer's changes, a refused one closes the socket, and the stream ends when the
token expires. Sockets are counted per signed-in user."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pytest
from pydantic import SecretStr

from gateway.api.live.limits import TOO_MANY_CLOSE_CODE, TOO_MANY_SOCKETS
from tests.live.instances import SECRET, Instance
from tests.live.live_client import Closed, LiveClient
from tests.live.test_websocket import UPDATE_NAME, refused

if TYPE_CHECKING:
    from tests.support.gateway import GatewayFactory
    from tests.support.identity import IdentityProvider
    from tests.support.world import World


async def _signed_in(
    factory: GatewayFactory, world: World, provider: IdentityProvider, **overrides: Any
) -> Instance:
    gateway = await factory.start(
        world.configurations(),
        webhook_secret=SecretStr(SECRET),
        **provider.settings(**overrides),
    )
    return Instance(gateway, factory.runners[-1], None)


@pytest.fixture
async def signed_in(
    gateway_factory: GatewayFactory, world: World, identity_provider: IdentityProvider
) -> Instance:
    return await _signed_in(gateway_factory, world, identity_provider)


async def _rename(instance: Instance, token: str, name: str) -> None:
    result = await instance.gateway.post(UPDATE_NAME % name, token=token)
    assert result.ok()["updateCustomer"]["userErrors"] == []


@pytest.mark.parametrize("form", ["accessToken", "Authorization"])
async def test_the_same_token_streams_its_customers_changes_and_no_one_elses(
    signed_in: Instance, world: World, identity_provider: IdentityProvider, form: str
) -> None:
    gateway = signed_in.gateway
    alice = identity_provider.token(world.alice.id)
    bob = identity_provider.token(world.bob.id)
    payload = {"accessToken": alice} if form == "accessToken" else {form: f"Bearer {alice}"}
    async with await LiveClient.connect(gateway.http, gateway.url, payload) as live:
        await live.subscribe("1")
        await signed_in.until_subscribed(world.alice.id)
        await _rename(signed_in, bob, "Bob, elsewhere")
        await _rename(signed_in, alice, "Alice Signed In")
        event = await live.next_event("1")
        assert event["objectId"] == world.alice.id
        assert event["type"] == "gateway.updateCustomer"
        await live.nothing_for(0.3)


def _refused_payloads(provider: IdentityProvider, customer: str) -> dict[str, str]:
    now = int(time.time())
    claims = provider.claims(customer)
    return {
        "expired": provider.sign({**claims, "exp": now - 120}),
        "wrong-audience": provider.sign({**claims, "aud": "another-app"}),
        "alg-none": "eyJhbGciOiJub25lIn0." + provider.token(customer).split(".")[1] + ".",
        "unknown-customer": provider.sign(
            {**claims, "https://example.com/stripe_customer_id": "cus_000"}
        ),
    }


@pytest.mark.parametrize("case", ["expired", "wrong-audience", "alg-none", "unknown-customer"])
async def test_a_refused_token_closes_the_socket_with_4403(
    signed_in: Instance, world: World, identity_provider: IdentityProvider, case: str
) -> None:
    token = _refused_payloads(identity_provider, world.alice.id)[case]
    closed = await refused(signed_in, {"accessToken": token})
    assert closed.code == 4403
    assert identity_provider.issuer not in closed.reason
    assert "another-app" not in closed.reason


async def test_the_stream_ends_when_the_token_expires(
    gateway_factory: GatewayFactory, world: World, identity_provider: IdentityProvider
) -> None:
    """At `exp` itself: the leeway only forgives clock skew when a token is presented."""
    signed_in = await _signed_in(gateway_factory, world, identity_provider, jwt_leeway_seconds=0)
    gateway = signed_in.gateway
    token = identity_provider.token(world.alice.id, exp=int(time.time()) + 2)
    async with await LiveClient.connect(gateway.http, gateway.url, {"accessToken": token}) as live:
        await live.subscribe("1")
        await signed_in.until_subscribed(world.alice.id)
        # Nothing happens on the account: the expiry alone ends the stream.
        last = await live.receive(seconds=6)
        assert last["type"] == "next"
        [error] = last["payload"]["errors"]
        assert error["extensions"] == {"code": "UNAUTHENTICATED", "reason": "TOKEN_EXPIRED"}
        assert await live.receive() == {"id": "1", "type": "complete"}
        # Subscribing again with the expired token is refused outright.
        await live.subscribe("2")
        again = await live.receive()
    assert again["type"] == "error"
    assert [e["extensions"]["code"] for e in again["payload"]] == ["UNAUTHENTICATED"]
    assert signed_in.services.bus.subscriber_count(world.alice.id) == 0


async def test_an_event_after_expiry_is_not_sent(
    signed_in: Instance, world: World, identity_provider: IdentityProvider
) -> None:
    gateway = signed_in.gateway
    token = identity_provider.token(world.alice.id, exp=int(time.time()) + 60)
    async with await LiveClient.connect(gateway.http, gateway.url, {"accessToken": token}) as live:
        await live.subscribe("1")
        await signed_in.until_subscribed(world.alice.id)
        gateway.clock.advance(120)
        await _rename(signed_in, identity_provider.token(world.alice.id), "After expiry")
        codes = await live.ended_with("1")
    assert codes == ["UNAUTHENTICATED"]


async def test_sockets_are_counted_per_signed_in_user(
    gateway_factory: GatewayFactory, world: World, identity_provider: IdentityProvider
) -> None:
    instance = await _signed_in(
        gateway_factory, world, identity_provider, live_max_sockets_per_token=1
    )
    gateway = instance.gateway
    first = {"accessToken": identity_provider.token(world.alice.id, jti="first")}
    second = {"accessToken": identity_provider.token(world.alice.id, jti="second")}
    async with await LiveClient.connect(gateway.http, gateway.url, first):
        async with await LiveClient.open(gateway.http, gateway.url) as again:
            await again.init(second)
            with pytest.raises(Closed) as closed:
                await again.receive()
        assert closed.value.code == TOO_MANY_CLOSE_CODE
        assert closed.value.reason.startswith(TOO_MANY_SOCKETS)
        other = {"accessToken": identity_provider.token(world.bob.id)}
        async with await LiveClient.connect(gateway.http, gateway.url, other):
            pass
