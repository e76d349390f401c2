"""The WebSocket endpoint: graphql-transport-ws only, credentials in connection_init, only
subscriptions, a cap per socket, and streams that end with the session."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest

from gateway.api.live import stream
from gateway.api.live.websocket import ONLY_SUBSCRIPTIONS, SUBSCRIPTIONS_ONLY
from tests.live.instances import eventually
from tests.live.live_client import Closed, LiveClient
from tests.support.gateway import ADMIN_KEY

if TYPE_CHECKING:
    from tests.live.instances import Instance
    from tests.support.gateway import GatewayFactory
    from tests.support.world import World

UPDATE_NAME = 'mutation { updateCustomer(input: {name: "%s"}) { userErrors { code } } }'
SESSION_ID = "{ session { id } }"


async def rename(instance: Instance, token: str, name: str) -> None:
    result = await instance.gateway.post(UPDATE_NAME % name, token=token)
    assert result.ok()["updateCustomer"]["userErrors"] == []


async def refused(instance: Instance, payload: dict[str, Any] | None) -> Closed:
    gateway = instance.gateway
    async with await LiveClient.open(gateway.http, gateway.url) as live:
        await live.init(payload)
        with pytest.raises(Closed) as closed:
            await live.receive()
    return closed.value


async def test_a_token_in_connection_init_streams_the_customers_changes(
    single: Instance, world: World
) -> None:
    gateway = single.gateway
    token = await gateway.token_for(world.alice.id)
    async with await LiveClient.connect(gateway.http, gateway.url, {"accessToken": token}) as live:
        await live.subscribe("1")
        await single.until_subscribed(world.alice.id)
        await rename(single, token, "Alice Live")
        event = await live.next_event("1")
    assert event["kind"] == "CUSTOMER"
    assert event["type"] == "gateway.updateCustomer"
    assert event["objectId"] == world.alice.id
    assert event["source"] == "GATEWAY"
    assert event["id"].startswith("gwevt_")
    assert event["occurredAt"].endswith("+00:00")


@pytest.mark.parametrize("form", ["authorization", "admin"])
async def test_an_authorization_entry_and_an_admin_key_for_a_customer_are_accepted(
    single: Instance, world: World, form: str
) -> None:
    gateway = single.gateway
    token = await gateway.token_for(world.bob.id)
    payload = (
        {"Authorization": f"Bearer {token}"}
        if form == "authorization"
        else {"Authorization": f"Bearer {ADMIN_KEY}", "Portal-Customer": world.bob.id}
    )
    async with await LiveClient.connect(gateway.http, gateway.url, payload) as live:
        await live.subscribe("bob")
        await single.until_subscribed(world.bob.id)
        await rename(single, token, "Bob Live")
        assert (await live.next_event("bob"))["objectId"] == world.bob.id


@pytest.mark.parametrize(
    "payload",
    [
        None,
        {},
        {"accessToken": "pst_not-a-token"},
        {"Authorization": "Basic abc"},
        {"Authorization": f"Bearer {ADMIN_KEY}"},
        {"Authorization": f"Bearer {ADMIN_KEY}", "Portal-Customer": "not-a-customer"},
    ],
    ids=["no-payload", "empty", "unknown-token", "not-bearer", "admin-alone", "bad-customer"],
)
async def test_a_socket_without_a_customers_credentials_is_closed_with_4403(
    single: Instance, payload: dict[str, Any] | None
) -> None:
    closed = await refused(single, payload)
    assert closed.code == 4403


async def test_credentials_in_the_upgrade_headers_alone_are_not_enough(
    single: Instance, world: World
) -> None:
    gateway = single.gateway
    token = await gateway.token_for(world.alice.id)
    url = gateway.url.replace("http://", "ws://") + "/graphql"
    async with gateway.http.ws_connect(
        url, protocols=["graphql-transport-ws"], headers={"Authorization": f"Bearer {token}"}
    ) as socket:
        live = LiveClient(socket)
        await live.init({})
        with pytest.raises(Closed) as closed:
            await live.receive()
    assert closed.value.code == 4403


async def test_the_legacy_graphql_ws_protocol_is_not_spoken(single: Instance) -> None:
    gateway = single.gateway
    async with await LiveClient.open(gateway.http, gateway.url, protocols=("graphql-ws",)) as live:
        assert live.socket.protocol is None
        with pytest.raises(Closed) as closed:
            await live.receive()
    assert closed.value.code == 4406


async def test_queries_and_mutations_are_refused_over_the_socket(
    single: Instance, world: World
) -> None:
    gateway = single.gateway
    token = await gateway.token_for(world.alice.id)
    async with await LiveClient.connect(gateway.http, gateway.url, {"accessToken": token}) as live:
        await live.subscribe("q", SESSION_ID)
        await live.subscribe("m", UPDATE_NAME % "Over the socket")
        answers = [await live.receive(), await live.receive()]
    refusal = [{"message": ONLY_SUBSCRIPTIONS, "extensions": {"code": SUBSCRIPTIONS_ONLY}}]
    assert sorted(answers, key=lambda message: message["id"]) == [
        {"id": "m", "type": "error", "payload": refusal},
        {"id": "q", "type": "error", "payload": refusal},
    ]
    # The mutation did not run.
    customer = (await gateway.admin("{ customer { name } }", customer=world.alice.id)).ok()
    assert customer["customer"]["name"] == "Alice"


async def test_one_socket_holds_a_limited_number_of_subscriptions(
    single: Instance, world: World
) -> None:
    gateway = single.gateway
    cap = gateway.settings.live_max_streams_per_socket
    token = await gateway.token_for(world.alice.id)
    async with await LiveClient.connect(gateway.http, gateway.url, {"accessToken": token}) as live:
        for n in range(cap):
            await live.subscribe(str(n))
        await single.until_subscribed(world.alice.id, cap)
        await live.subscribe("one-too-many")
        message = await live.receive()
        assert message["id"] == "one-too-many"
        assert message["type"] == "error"
        assert message["payload"][0]["extensions"]["code"] == "TOO_MANY_STREAMS"
        assert f"at most {cap}" in message["payload"][0]["message"]
        # Completing one frees its place.
        await live.complete("0")
        await single.until_subscribed(world.alice.id, cap - 1)
        await asyncio.sleep(0)
        await live.subscribe("replacement")
        await single.until_subscribed(world.alice.id, cap)


async def test_the_stream_ends_with_an_error_when_the_session_is_signed_out(
    single: Instance, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream, "SESSION_CHECK_SECONDS", 0.1)
    gateway = single.gateway
    token = await gateway.token_for(world.alice.id)
    async with await LiveClient.connect(gateway.http, gateway.url, {"accessToken": token}) as live:
        await live.subscribe("1")
        await single.until_subscribed(world.alice.id)
        ended = await gateway.post(
            "mutation { endPortalSession { userErrors { code } } }", token=token
        )
        assert ended.ok()["endPortalSession"]["userErrors"] == []
        assert await live.ended_with("1") == ["UNAUTHENTICATED"]
        # Subscribing again on the same socket is refused the same way, before any event.
        await live.subscribe("2")
        again = await live.receive()
    assert again["type"] == "error"
    assert [e["extensions"]["code"] for e in again["payload"]] == ["UNAUTHENTICATED"]
    assert single.services.bus.subscriber_count(world.alice.id) == 0


async def test_the_stream_ends_when_the_token_expires(single: Instance, world: World) -> None:
    gateway = single.gateway
    token = await gateway.token_for(world.alice.id)
    async with await LiveClient.connect(gateway.http, gateway.url, {"accessToken": token}) as live:
        await live.subscribe("1")
        await single.until_subscribed(world.alice.id)
        gateway.clock.advance(gateway.settings.access_token_ttl_seconds + 1)
        # The next event finds the token expired: the error goes out instead of the event.
        await rename(single, await gateway.token_for(world.alice.id), "Later")
        last = await live.receive()
        assert [e["extensions"]["code"] for e in last["payload"]["errors"]] == ["SESSION_EXPIRED"]
        assert await live.receive() == {"id": "1", "type": "complete"}


async def test_a_completed_subscription_stops_receiving(single: Instance, world: World) -> None:
    gateway = single.gateway
    token = await gateway.token_for(world.alice.id)
    async with await LiveClient.connect(gateway.http, gateway.url, {"accessToken": token}) as live:
        await live.subscribe("1")
        await single.until_subscribed(world.alice.id)
        await live.complete("1")

        async def released() -> bool:
            return single.services.bus.subscriber_count(world.alice.id) == 0

        await eventually(released)
        await rename(single, token, "Nobody listens")
        await live.nothing_for(0.3)


async def test_shutdown_closes_open_sockets_at_once(single: Instance, world: World) -> None:
    gateway = single.gateway
    token = await gateway.token_for(world.alice.id)
    live = await LiveClient.connect(gateway.http, gateway.url, {"accessToken": token})
    try:
        await live.subscribe("1")
        await single.until_subscribed(world.alice.id)
        async with asyncio.timeout(5):
            await single.runner.cleanup()
        with pytest.raises(Closed) as closed:
            await live.receive()
        assert closed.value.code == 1001  # going away: the client reconnects elsewhere
    finally:
        await live.close()


async def test_a_subscription_over_http_is_refused_with_a_clear_error(
    single: Instance, world: World
) -> None:
    token = await single.gateway.token_for(world.alice.id)
    result = await single.gateway.post("subscription { billingEvents { id } }", token=token)
    assert result.status == 400, result.body
    assert result.data is None
    assert "subscriptions are not allowed" in result.errors[0]["message"], result.body


async def test_browsers_open_sockets_only_from_the_configured_origins(
    gateway_factory: GatewayFactory, world: World
) -> None:
    spa = "https://app.example.com"
    gateway = await gateway_factory.start(world.configurations(), cors_origins=[spa])
    token = await gateway.token_for(world.alice.id)
    url = gateway.url.replace("http://", "ws://") + "/graphql"
    async with gateway.http.ws_connect(
        url, protocols=["graphql-transport-ws"], origin=spa
    ) as socket:
        live = LiveClient(socket)
        await live.init({"accessToken": token})
        assert (await live.receive())["type"] == "connection_ack"
    for origin in ("https://evil.example.com", "null"):
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await gateway.http.ws_connect(url, protocols=["graphql-transport-ws"], origin=origin)
        assert refused.value.status == 403
