"""A bug while a subscription streams is masked like one over HTTP: an id, never its message."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gateway.api.live import stream
from tests.live.live_client import LiveClient

if TYPE_CHECKING:
    import pytest

    from tests.live.instances import Instance
    from tests.support.world import World

SECRET = "internal detail sk_test_do_not_show"


def failing(event: object, scope: object, kinds: object) -> bool:
    raise RuntimeError(SECRET)


async def test_a_bug_while_streaming_is_masked_in_production(
    single: Instance, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream, "visible", failing)
    gateway = single.gateway
    token = await gateway.token_for(world.alice.id)
    async with await LiveClient.connect(gateway.http, gateway.url, {"accessToken": token}) as live:
        await live.subscribe("1")
        await single.until_subscribed(world.alice.id)
        renamed = await gateway.admin(
            'mutation { updateCustomer(input: {name: "After"}) { userErrors { code } } }',
            customer=world.alice.id,
        )
        assert renamed.ok()["updateCustomer"]["userErrors"] == []
        last = await live.receive()
        assert await live.receive() == {"id": "1", "type": "complete"}
    assert last["type"] == "next"
    [error] = last["payload"]["errors"]
    assert SECRET not in str(last)
    assert error["message"] == f"Unexpected error (id {error['extensions']['errorId']})."
    assert error["extensions"]["code"] == "INTERNAL_ERROR"
