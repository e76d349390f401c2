"""The WebSocket caps attacked from outside: one credential spelled many ways must still be
one credential (the scheme's case, spaces around the token, `accessToken` instead of the
header), or each spelling would get caps of its own."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from gateway.api.live.limits import TOO_MANY_CLOSE_CODE, TOO_MANY_SOCKETS, TOO_MANY_STREAMS
from tests.live.live_client import Closed, LiveClient

if TYPE_CHECKING:
    from typing import Any

    from tests.support.gateway import GatewayFactory
    from tests.support.world import World


def spellings(token: str) -> list[dict[str, Any]]:
    """One token, as `connection_init` payloads that all authenticate as it."""
    return [
        {"accessToken": token},
        {"Authorization": f"Bearer {token}"},
        {"Authorization": f"bearer {token}"},
        {"Authorization": f"BEARER  {token} "},
        {"Authorization": f" Bearer   {token}"},
    ]


async def test_respelling_a_token_does_not_buy_more_sockets(
    gateway_factory: GatewayFactory, world: World
) -> None:
    gateway = await gateway_factory.start(world.configurations(), live_max_sockets_per_token=2)
    token = await gateway.token_for(world.alice.id)
    payloads = spellings(token)
    held = [await LiveClient.connect(gateway.http, gateway.url, p) for p in payloads[:2]]
    try:
        for payload in payloads[2:]:
            async with await LiveClient.open(gateway.http, gateway.url) as extra:
                await extra.init(payload)
                with pytest.raises(Closed) as closed:
                    await extra.receive()
            assert closed.value.code == TOO_MANY_CLOSE_CODE, payload
            assert closed.value.reason.startswith(TOO_MANY_SOCKETS)
    finally:
        for live in held:
            await live.close()


async def test_respelling_a_token_does_not_buy_more_streams(
    gateway_factory: GatewayFactory, world: World
) -> None:
    gateway = await gateway_factory.start(
        world.configurations(), live_max_streams_per_token=2, live_max_streams_per_socket=2
    )
    token = await gateway.token_for(world.alice.id)
    first, second = spellings(token)[1:3]
    async with (
        await LiveClient.connect(gateway.http, gateway.url, first) as one,
        await LiveClient.connect(gateway.http, gateway.url, second) as two,
    ):
        await one.subscribe("a")
        await one.subscribe("b")
        await two.subscribe("c")
        answer = await two.receive()
        assert answer["id"] == "c"
        assert answer["type"] == "error"
        assert [e["extensions"]["code"] for e in answer["payload"]] == [TOO_MANY_STREAMS]
