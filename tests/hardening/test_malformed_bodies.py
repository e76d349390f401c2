"""Malformed /graphql bodies are clear 400s, never a 500 with a traceback, and each one spends
the caller's rate limit like any request.

The attack: `null`, `1`, `"x"`, `[1]`, `[[]]` and deeply nested arrays as the JSON body were
answered with HTTP 500 (and a traceback in the log) before any rate limit was spent.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.conftest import RunningEmulator
    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.world import World

DEEP = 20_000
QUERY = "{ session { id } }"
# A body, and a phrase its refusal says.
MALFORMED: dict[str, tuple[bytes, str]] = {
    "null": (b"null", "not null"),
    "number": (b"1", "not a number"),
    "string": (b'"x"', "not a string"),
    "boolean": (b"true", "not a boolean"),
    "array of numbers": (b"[1]", "Operation 1 of the batch must be a JSON object, not a number"),
    "array of arrays": (b"[[]]", "Operation 1 of the batch must be a JSON object, not an array"),
    "array of nulls": (b"[null]", "not null"),
    "nested arrays": (b"[" * DEEP + b"]" * DEEP, "nested too deeply"),
    "nested objects": (b'{"a":' * DEEP + b"1" + b"}" * DEEP, "nested too deeply"),
    "nested variables": (
        b'{"query": "{ session { id } }", "variables": {"v": ' + b"[" * DEEP + b"]" * DEEP + b"}}",
        "nested too deeply",
    ),
    "empty batch": (b"[]", "empty batch"),
    "not JSON": (b"{not json", "not valid JSON"),
    "not UTF-8": (b'{"query": "\xff\xfe"}', "not valid JSON"),
    "no query": (b'{"variables": {}}', "has no 'query'"),
    "query a number": (b'{"query": 1}', "'query' of the request body must be a string"),
    "query an object": (b'{"query": {"a": 1}}', "must be a string, not an object"),
    "query null in a batch": (b'[{"query": null}]', "Operation 1 of the batch has no 'query'"),
    "variables an array": (
        b'{"query": "{ session { id } }", "variables": [1]}',
        "'variables' of the request body must be an object or null, not an array",
    ),
    "variables a string": (b'{"query": "{ session { id } }", "variables": "{}"}', "'variables'"),
    "operationName a number": (
        b'{"query": "{ session { id } }", "operationName": 5}',
        "'operationName' of the request body must be a string or null, not a number",
    ),
    "operationName an array": (
        b'[{"query": "{ session { id } }", "operationName": ["A"]}]',
        "'operationName' of operation 1 of the batch must be a string or null",
    ),
    "extensions a list": (b'{"query": "{ session { id } }", "extensions": []}', "'extensions'"),
    "second batch item wrong": (
        b'[{"query": "{ session { id } }"}, {"query": "{ session { id } }", "variables": 3}]',
        "'variables' of operation 2 of the batch",
    ),
}


async def post(gateway: RunningGateway, body: bytes, token: str | None = None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    async with gateway.http.post(f"{gateway.url}/graphql", data=body, headers=headers) as answer:
        return answer.status, await answer.json()


@pytest.mark.parametrize("name", sorted(MALFORMED))
async def test_a_malformed_body_is_a_clear_400(
    name: str,
    gateway: RunningGateway,
    emulator: RunningEmulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    body, phrase = MALFORMED[name]
    caplog.set_level(logging.INFO)
    before = await emulator.request_count()
    status, answer = await post(gateway, body)
    assert status == 400, answer
    assert answer["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}, answer
    assert phrase in answer["errors"][0]["message"], answer
    assert await emulator.request_count() == before
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert any(
        getattr(r, "fields", {}).get("error_codes") == ["BAD_REQUEST"]
        for r in caplog.records
        if r.name == "gateway.requests"
    )


async def test_malformed_bodies_spend_the_rate_limit(
    gateway_factory: GatewayFactory, world: World
) -> None:
    gateway = await gateway_factory.start(
        world.configurations(),
        anonymous_rate_limit_per_second=0.1,
        anonymous_rate_limit_burst=3,
        rate_limit_per_second=0.1,
        rate_limit_burst=2,
    )
    for body in (b"null", b"[[]]", b"1"):
        assert (await post(gateway, body))[0] == 400
    status, answer = await post(gateway, b"[" * DEEP + b"]" * DEEP)
    assert status == 429, answer
    assert answer["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    # A good request from the same address is refused too: the bucket is the caller's.
    assert (await gateway.post(QUERY)).status == 429
    # With a customer's token, malformed bodies are counted against that token.
    fresh = await gateway_factory.start(
        world.configurations(), rate_limit_per_second=0.1, rate_limit_burst=2
    )
    token = await fresh.token_for(world.alice.id)
    assert (await post(fresh, b'{"query": 1}', token))[0] == 400
    assert (await post(fresh, b'{"query": "{ session { id } }", "variables": []}', token))[0] == 400
    assert (await fresh.post(QUERY, token=token)).status == 429


async def test_well_formed_bodies_still_work(gateway: RunningGateway, world: World) -> None:
    token = await gateway.token_for(world.alice.id)
    body = (
        b'{"query": "query A { session { customerId } } query B { session { id } }",'
        b' "operationName": "A", "variables": null, "extensions": {}}'
    )
    status, answer = await post(gateway, body, token)
    assert (status, answer) == (200, {"data": {"session": {"customerId": world.alice.id}}})
    batch = b'[{"query": "{ session { customerId } }", "operationName": null}]'
    status, answer = await post(gateway, batch, token)
    assert (status, answer) == (200, [{"data": {"session": {"customerId": world.alice.id}}}])
