"""The WebSocket fails closed: only subscriptions whatever the document limits, the session
checked again for every subscribe, and sockets and streams capped per credential and per
address, each refusal with a code."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp
import pytest

from gateway.api.live import websocket
from gateway.api.live.limits import TOO_MANY_CLOSE_CODE, TOO_MANY_SOCKETS, TOO_MANY_STREAMS
from gateway.api.live.websocket import SUBSCRIPTIONS_ONLY
from tests.live.instances import Instance, eventually
from tests.live.live_client import Closed, LiveClient

if TYPE_CHECKING:
    from typing import Any

    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.world import World

# Over 2,000 tokens: the mutation, then 400 small queries that only make the document long.
PADDED_RENAME = (
    'mutation Rename { updateCustomer(input: {name: "Padded"}) { userErrors { code } } }'
)
PADDED_RENAME += "".join(f" query Pad{n} {{ __typename }}" for n in range(400))


async def name_of(gateway: RunningGateway, customer: str) -> str:
    result = await gateway.admin("{ customer { name } }", customer=customer)
    name: str = result.ok()["customer"]["name"]
    return name


def codes(message: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in message["payload"]]


async def test_a_padded_mutation_is_refused_when_the_token_limit_is_raised(
    gateway_factory: GatewayFactory, world: World
) -> None:
    gateway = await gateway_factory.start(world.configurations(), max_tokens=5000)
    token = await gateway.token_for(world.alice.id)
    async with await LiveClient.connect(gateway.http, gateway.url, {"accessToken": token}) as live:
        await live.subscribe("m", PADDED_RENAME, operation_name="Rename")
        answer = await live.receive()
        assert answer["id"] == "m"
        assert answer["type"] == "error"
        assert codes(answer) == [SUBSCRIPTIONS_ONLY]
        # The socket stays usable for what it is for.
        await live.subscribe("s")
    assert await name_of(gateway, world.alice.id) == "Alice"


async def test_a_mutation_the_first_check_cannot_read_still_never_runs(
    single: Instance, world: World
) -> None:
    """Over the token limit: the socket is closed as the protocol says, nothing runs."""
    gateway = single.gateway
    token = await gateway.token_for(world.alice.id)
    async with await LiveClient.connect(gateway.http, gateway.url, {"accessToken": token}) as live:
        await live.subscribe("m", PADDED_RENAME, operation_name="Rename")
        with pytest.raises(Closed) as closed:
            await live.receive()
    assert closed.value.code == 4400
    assert await name_of(gateway, world.alice.id) == "Alice"


async def test_subscribing_after_the_token_expired_is_refused(
    single: Instance, world: World
) -> None:
    gateway = single.gateway
    token = await gateway.token_for(world.alice.id)
    async with await LiveClient.connect(gateway.http, gateway.url, {"accessToken": token}) as live:
        gateway.clock.advance(gateway.settings.access_token_ttl_seconds + 1)
        await live.subscribe("late")
        answer = await live.receive()
    assert answer["type"] == "error"
    assert codes(answer) == ["SESSION_EXPIRED"]
    assert single.services.bus.subscriber_count(world.alice.id) == 0


async def test_one_token_holds_a_limited_number_of_sockets(
    gateway_factory: GatewayFactory, world: World
) -> None:
    gateway = await gateway_factory.start(world.configurations(), live_max_sockets_per_token=2)
    token = await gateway.token_for(world.alice.id)
    payload = {"accessToken": token}
    first = await LiveClient.connect(gateway.http, gateway.url, payload)
    second = await LiveClient.connect(gateway.http, gateway.url, payload)
    try:
        async with await LiveClient.open(gateway.http, gateway.url) as third:
            await third.init(payload)
            with pytest.raises(Closed) as closed:
                await third.receive()
        assert closed.value.code == TOO_MANY_CLOSE_CODE
        assert closed.value.reason.startswith(TOO_MANY_SOCKETS), closed.value.reason
        # Another customer's token is counted on its own.
        other = await gateway.token_for(world.bob.id)
        async with await LiveClient.connect(gateway.http, gateway.url, {"accessToken": other}):
            pass
    finally:
        await first.close()
    # A closed socket frees its place.
    await eventually_accepted(gateway, payload)
    await second.close()


async def eventually_accepted(gateway: RunningGateway, payload: dict[str, Any]) -> None:
    async def accepted() -> bool:
        try:
            live = await LiveClient.connect(gateway.http, gateway.url, payload)
        except (Closed, AssertionError):
            return False
        await live.close()
        return True

    await eventually(accepted)


async def test_one_address_holds_a_limited_number_of_sockets(
    gateway_factory: GatewayFactory, world: World
) -> None:
    gateway = await gateway_factory.start(world.configurations(), live_max_sockets_per_address=3)
    opened = [await LiveClient.open(gateway.http, gateway.url) for _ in range(3)]
    try:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await LiveClient.open(gateway.http, gateway.url)
        assert refused.value.status == 429
    finally:
        for live in opened:
            await live.close()
    # Plain requests from the address are not affected, and closed sockets free their places.
    assert (await gateway.post("{ __typename }")).status == 200

    async def reopened() -> bool:
        try:
            live = await LiveClient.open(gateway.http, gateway.url)
        except aiohttp.WSServerHandshakeError:
            return False
        await live.close()
        return True

    await eventually(reopened)


async def test_one_token_holds_a_limited_number_of_streams_across_its_sockets(
    gateway_factory: GatewayFactory, world: World
) -> None:
    started = await gateway_factory.start(world.configurations(), live_max_streams_per_token=3)
    instance = Instance(started, gateway_factory.runners[-1], None)
    gateway = instance.gateway
    token = await gateway.token_for(world.alice.id)
    payload = {"accessToken": token}
    async with (
        await LiveClient.connect(gateway.http, gateway.url, payload) as a,
        await LiveClient.connect(gateway.http, gateway.url, payload) as b,
    ):
        await a.subscribe("1")
        await a.subscribe("2")
        await b.subscribe("3")
        await instance.until_subscribed(world.alice.id, 3)
        await b.subscribe("4")
        refused = await b.receive()
        assert refused["id"] == "4"
        assert refused["type"] == "error"
        assert codes(refused) == [TOO_MANY_STREAMS]
        # One write reaches the three streams, no more.
        renamed = await gateway.post(
            'mutation { updateCustomer(input: {name: "Fan"}) { userErrors { code } } }',
            token=token,
        )
        assert renamed.ok()["updateCustomer"]["userErrors"] == []
        on_a = [await a.receive(), await a.receive()]
        assert sorted(message["id"] for message in on_a) == ["1", "2"]
        assert {m["payload"]["data"]["billingEvents"]["type"] for m in on_a} == {
            "gateway.updateCustomer"
        }
        assert (await b.next_event("3"))["type"] == "gateway.updateCustomer"
        await b.nothing_for(0.2)
        # Completing one frees a place for the token on any of its sockets.
        await a.complete("1")

        async def released() -> bool:
            return instance.services.bus.subscriber_count(world.alice.id) == 2

        await eventually(released)
        await b.subscribe("5")
        await instance.until_subscribed(world.alice.id, 3)


async def test_the_schema_runs_subscriptions_only_even_without_the_first_check(
    single: Instance, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(websocket, "operation_refusal", lambda message, max_tokens: None)
    gateway = single.gateway
    token = await gateway.token_for(world.alice.id)
    async with await LiveClient.connect(gateway.http, gateway.url, {"accessToken": token}) as live:
        await live.subscribe(
            "m", 'mutation { updateCustomer(input: {name: "Nope"}) { __typename } }'
        )
        answer = await live.receive()
    assert answer["type"] == "error"
    assert "not allowed" in answer["payload"][0]["message"]
    assert await name_of(gateway, world.alice.id) == "Alice"


async def test_every_subscribe_spends_the_tokens_rate_limit(
    gateway_factory: GatewayFactory, world: World
) -> None:
    gateway = await gateway_factory.start(
        world.configurations(), rate_limit_burst=3, rate_limit_per_second=0.01
    )
    token = await gateway.token_for(world.alice.id)
    async with await LiveClient.connect(gateway.http, gateway.url, {"accessToken": token}) as live:
        # Subscribing and completing in a loop is not free.
        for n in range(3):
            await live.subscribe(str(n))
            await live.complete(str(n))
        await live.subscribe("over")
        refused = await live.receive()
    assert refused["id"] == "over"
    assert refused["type"] == "error"
    assert codes(refused) == ["RATE_LIMITED"]
    assert refused["payload"][0]["extensions"]["retryAfter"] >= 1
    # The same bucket as HTTP: the token's next request is refused too.
    assert (await gateway.post("{ session { id } }", token=token)).status == 429


async def test_a_revoked_session_gets_no_further_event(single: Instance, world: World) -> None:
    """Checked before each event, not only every `SESSION_CHECK_SECONDS`."""
    gateway = single.gateway
    created = (await gateway.create_session(world.alice.id)).ok()["createPortalSession"]
    token = (await gateway.redeem(created["session"]["code"])).ok()["redeemPortalSession"][
        "accessToken"
    ]
    async with await LiveClient.connect(gateway.http, gateway.url, {"accessToken": token}) as live:
        await live.subscribe("1")
        await single.until_subscribed(world.alice.id)
        revoked = await gateway.admin(
            "mutation($i: RevokePortalSessionInput!) { revokePortalSession(input: $i) "
            "{ userErrors { code } } }",
            {"i": {"sessionId": created["session"]["id"]}},
        )
        assert revoked.ok()["revokePortalSession"]["userErrors"] == []
        # A change the customer would otherwise be told about.
        renamed = await gateway.admin(
            'mutation { updateCustomer(input: {name: "After"}) { userErrors { code } } }',
            customer=world.alice.id,
        )
        assert renamed.ok()["updateCustomer"]["userErrors"] == []
        assert await live.ended_with("1") == ["UNAUTHENTICATED"]
        await live.subscribe("2")
        again = await live.receive()
    assert codes(again) == ["UNAUTHENTICATED"]
