"""GraphQL abuse limits: each one configurable, each refusal a clear error with a code, and
nothing reaches Stripe when a document is refused."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphql import parse

from gateway.api.extensions.cost_limit import STRIPE_WEIGHT, WRITE_WEIGHT, operation_cost
from gateway.api.schema import DEFAULT_LIMITS, schema
from tests.hardening.documents import OVERVIEW_VARIABLES, aliased, portal_documents

if TYPE_CHECKING:
    from tests.conftest import RunningEmulator
    from tests.support.gateway import GatewayFactory, Result, RunningGateway
    from tests.support.world import World

# The limits a gateway has unless its settings say otherwise.
MAX_ALIASES = DEFAULT_LIMITS.max_aliases
MAX_COST = DEFAULT_LIMITS.max_cost
MAX_TOKENS = DEFAULT_LIMITS.max_tokens


def cost_of(document: str, variables: dict[str, Any] | None = None) -> int:
    cost = operation_cost(schema._schema, parse(document), None, variables)
    assert cost is not None
    return cost


def refused(result: Result, code: str, *phrases: str) -> None:
    assert result.status == 200, result.body
    assert result.data is None
    assert set(result.error_codes) == {code}, result.body
    message = result.errors[0]["message"]
    for phrase in phrases:
        assert phrase in message, message


async def test_every_portal_document_is_within_the_default_limits(
    gateway: RunningGateway, world: World
) -> None:
    token = await gateway.token_for(world.alice.id)
    documents = portal_documents()
    for name in ("SESSION", "OVERVIEW"):
        result = await gateway.post(documents[name], OVERVIEW_VARIABLES, token=token)
        assert result.ok(), name
    for name, document in documents.items():
        assert cost_of(document) * 2 <= MAX_COST, name


def test_cost_model() -> None:
    # A list request, then an upcoming-invoice request per subscription (ten assumed).
    assert cost_of("{ subscriptions { upcomingInvoice { total } } }") == (
        STRIPE_WEIGHT + 10 * STRIPE_WEIGHT
    )
    # A page's nodes are paid `first` times; scalars are free.
    assert cost_of("{ invoices(first: 50) { nodes { id lines { price { id } } } } }") == (
        STRIPE_WEIGHT + 1 + 50 * (1 + 10 * 1)
    )
    # A page size in a variable counts with its value (the largest page when it has none).
    by_variable = "query($n: Int = 3) { invoices(first: $n) { nodes { lines { id } } } }"
    assert cost_of(by_variable, {"n": 20}) == STRIPE_WEIGHT + 1 + 20 * 1
    assert cost_of(by_variable, {"n": 10_000}) == STRIPE_WEIGHT + 1 + 100 * 1
    assert cost_of(by_variable) == STRIPE_WEIGHT + 1 + 3 * 1
    assert cost_of(by_variable.replace(" = 3", ""), {"n": "many"}) == STRIPE_WEIGHT + 1 + 100
    # Fragments cost what they select, wherever they are spread; aliases each cost.
    assert cost_of(
        "{ a: session { customer { id } } b: session { ...C } } fragment C on Session "
        "{ customer { taxIds { id } } }"
    ) == (1 + STRIPE_WEIGHT) + (1 + STRIPE_WEIGHT + STRIPE_WEIGHT)
    assert (
        cost_of(
            'mutation { cancelSubscription(input: {subscriptionId: "sub_1"}) '
            "{ userErrors { code } } }"
        )
        == WRITE_WEIGHT + 1
    )


async def test_cost_limit(gateway: RunningGateway, world: World, emulator: RunningEmulator) -> None:
    token = await gateway.token_for(world.alice.id)
    expensive = (
        "query Heavy { invoices(first: 100) { nodes { lines { price { product { id } } } } } }"
    )
    before = await emulator.request_count()
    result = await gateway.post(expensive, token=token)
    refused(result, "GRAPHQL_VALIDATION_FAILED", "'Heavy' costs", f"limit of {MAX_COST}")
    assert result.errors[0]["extensions"]["cost"] > MAX_COST
    assert await emulator.request_count() == before
    # The same document with a small page, given as a variable, is fine.
    paged = (
        "query($n: Int!) { invoices(first: $n) { nodes { lines { price { product { id } } } } } }"
    )
    assert (await gateway.post(paged, {"n": 5}, token=token)).ok()
    refused(await gateway.post(paged, {"n": 100}, token=token), "GRAPHQL_VALIDATION_FAILED")


async def test_depth_alias_and_token_limits(
    gateway_factory: GatewayFactory, world: World, emulator: RunningEmulator
) -> None:
    gateway = await gateway_factory.start(world.configurations(), max_query_depth=4)
    token = await gateway.token_for(world.alice.id)
    before = await emulator.request_count()
    deep = "query Deep { subscriptions { scheduledChange { items { price { product { id } } } } } }"
    refused(await gateway.post(deep, token=token), "GRAPHQL_VALIDATION_FAILED", "depth of 4")
    many = aliased("session { id }", MAX_ALIASES + 1)
    refused(
        await gateway.post(many, token=token),
        "GRAPHQL_VALIDATION_FAILED",
        f"{MAX_ALIASES + 1} aliases found. Allowed: {MAX_ALIASES}",
    )
    assert (await gateway.post(aliased("session { id }", MAX_ALIASES), token=token)).ok()
    long_document = "{ " + "id " * (MAX_TOKENS + 100) + "}"
    refused(
        await gateway.post(long_document, token=token),
        "DOCUMENT_TOO_COMPLEX",
        f"more than {MAX_TOKENS} tokens",
    )
    assert await emulator.request_count() == before


async def test_batches_hold_a_few_operations(gateway_factory: GatewayFactory, world: World) -> None:
    gateway = await gateway_factory.start(world.configurations(), max_batch_operations=3)
    token = await gateway.token_for(world.alice.id)
    headers = {"Authorization": f"Bearer {token}"}

    async def batch(size: int) -> tuple[int, Any]:
        operations = [{"query": "{ session { customerId } }"}] * size
        async with gateway.http.post(
            f"{gateway.url}/graphql", json=operations, headers=headers
        ) as response:
            return response.status, await response.json()

    status, body = await batch(3)
    assert status == 200
    assert body == [{"data": {"session": {"customerId": world.alice.id}}}] * 3
    status, body = await batch(4)
    assert status == 400
    assert body["errors"][0]["extensions"] == {"code": "TOO_MANY_OPERATIONS"}
    assert "at most 3 operations" in body["errors"][0]["message"]
    off = await gateway_factory.start(world.configurations(), max_batch_operations=0)
    async with off.http.post(
        f"{off.url}/graphql", json=[{"query": "{ session { id } }"}], headers=headers
    ) as response:
        assert response.status == 400
        assert (await response.json())["errors"][0]["extensions"]["code"] == "BATCHING_DISABLED"


async def test_request_body_size(gateway_factory: GatewayFactory, world: World) -> None:
    gateway = await gateway_factory.start(world.configurations(), max_request_bytes=4096)
    query = "{ session { id } }" + " " * 5000
    result = await gateway.post(query)
    assert result.status == 413
    assert result.error_codes == ["REQUEST_TOO_LARGE"]
    assert "4096 bytes" in result.errors[0]["message"]

    async def chunks() -> Any:
        for _ in range(10):
            yield b" " * 1000

    # Without a Content-Length the limit still holds while the body is read.
    async with gateway.http.post(
        f"{gateway.url}/graphql", data=chunks(), headers={"Content-Type": "application/json"}
    ) as response:
        assert response.status == 413
        assert (await response.json())["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"


async def test_malformed_requests_are_clear_errors(gateway: RunningGateway) -> None:
    async def send(method: str, **kwargs: Any) -> tuple[int, Any]:
        async with gateway.http.request(method, f"{gateway.url}/graphql", **kwargs) as response:
            return response.status, await response.json()

    status, body = await send(
        "POST", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert (status, body["errors"][0]["extensions"]["code"]) == (400, "BAD_REQUEST")
    status, body = await send("POST", data=b"query=x", headers={"Content-Type": "text/plain"})
    assert (status, body["errors"][0]["extensions"]["code"]) == (400, "BAD_REQUEST")
    status, body = await send("POST", json={"variables": {}})
    assert status == 400
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_get_carries_no_mutations_and_no_queries(
    gateway: RunningGateway, world: World, emulator: RunningEmulator
) -> None:
    token = await gateway.token_for(world.alice.id)
    before = await emulator.request_count()
    mutation = (
        f'mutation {{ cancelSubscription(input: {{subscriptionId: "{world.alice.subscription}"}})'
        " { userErrors { code } } }"
    )
    for document in (mutation, "{ session { id } }"):
        async with gateway.http.get(
            f"{gateway.url}/graphql",
            params={"query": document},
            headers={"Authorization": f"Bearer {token}"},
        ) as response:
            assert response.status == 400
            body = await response.json()
        assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert "not allowed when using GET" in body["errors"][0]["message"]
    assert await emulator.request_count() == before


async def test_introspection_graphiql_and_suggestions(
    gateway_factory: GatewayFactory, world: World
) -> None:
    production = await gateway_factory.start(world.configurations())
    result = await production.admin("{ __schema { types { name } } }")
    refused(result, "GRAPHQL_VALIDATION_FAILED", "introspection has been disabled")
    typo = await production.admin("{ sesion { id } }")
    assert typo.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert "Did you mean" not in typo.errors[0]["message"]
    async with production.http.get(
        f"{production.url}/graphql", headers={"Accept": "text/html"}
    ) as response:
        assert response.status == 404
    demo = await gateway_factory.start(
        world.configurations(), environment="development", graphiql=True, introspection=True
    )
    assert (await demo.admin("{ __schema { queryType { name } } }")).ok()
    typo = await demo.admin("{ sesion { id } }")
    assert "Did you mean 'session'?" in typo.errors[0]["message"]
