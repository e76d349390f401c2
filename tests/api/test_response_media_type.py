"""GraphQL-over-HTTP response media types (found by graphql-http's audit).

A client that accepts `application/graphql-response+json` gets it, and with it a 400 for a
document that never ran (parse, validation or variable errors) and no `data` entry; one that
accepts only `application/json` (or anything) keeps 200 and `application/json`. A request
error carries no `data` under either type, as the GraphQL spec says for errors raised
before execution.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.support.gateway import RunningGateway
    from tests.support.world import World

GRAPHQL_RESPONSE = "application/graphql-response+json"
BAD_DOCUMENTS = [
    pytest.param({"query": "{"}, id="parse"),
    pytest.param({"query": "{ noSuchField }"}, id="validation"),
    pytest.param(
        {"query": "query($id: ID!) { invoice(id: $id) { id } }", "variables": {"id": None}},
        id="variables",
    ),
]


async def _post(gateway: RunningGateway, body: dict[str, Any], accept: str | None) -> Any:
    headers = {"Accept": accept} if accept is not None else {}
    async with gateway.http.post(f"{gateway.url}/graphql", json=body, headers=headers) as reply:
        return reply.status, reply.content_type, await reply.json(content_type=None)


@pytest.mark.parametrize("body", BAD_DOCUMENTS)
async def test_a_document_that_never_ran_is_a_400_under_graphql_response_json(
    gateway: RunningGateway, body: dict[str, Any]
) -> None:
    status, media, answer = await _post(gateway, body, GRAPHQL_RESPONSE)
    assert (status, media) == (400, GRAPHQL_RESPONSE), answer
    assert "data" not in answer, answer
    assert answer["errors"][0]["message"], answer


@pytest.mark.parametrize("accept", [None, "*/*", "application/json"])
@pytest.mark.parametrize("body", BAD_DOCUMENTS)
async def test_a_document_that_never_ran_stays_a_200_under_json(
    gateway: RunningGateway, body: dict[str, Any], accept: str | None
) -> None:
    status, media, answer = await _post(gateway, body, accept)
    assert (status, media) == (200, "application/json"), answer
    assert "data" not in answer, answer
    assert answer["errors"], answer


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE};q=0.5", "application/json"),
        (f"{GRAPHQL_RESPONSE};q=0", "application/json"),
        ("text/html, */*;q=0.1", "application/json"),
    ],
)
async def test_the_accepted_media_type_is_answered(
    gateway: RunningGateway, world: World, accept: str, expected: str
) -> None:
    token = await gateway.token_for(world.alice.id)
    async with gateway.http.post(
        f"{gateway.url}/graphql",
        json={"query": "{ customer { id } }"},
        headers={"Accept": accept, "Authorization": f"Bearer {token}"},
    ) as reply:
        assert (reply.status, reply.content_type) == (200, expected)
        assert await reply.json(content_type=None) == {"data": {"customer": {"id": world.alice.id}}}


async def test_an_error_while_running_keeps_data_and_a_200(gateway: RunningGateway) -> None:
    """A refusal from a resolver is an execution error: it ran, so `data` stays (as null)."""
    status, media, answer = await _post(gateway, {"query": "{ session { id } }"}, GRAPHQL_RESPONSE)
    assert (status, media) == (200, GRAPHQL_RESPONSE), answer
    assert answer["data"] is None, answer
    assert [e["extensions"]["code"] for e in answer["errors"]] == ["UNAUTHENTICATED"]
