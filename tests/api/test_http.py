"""The HTTP surface: health, readiness, GraphiQL and introspection toggles, credentials,
Stripe failures as clear errors, and masking of anything unexpected."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.conftest import RunningEmulator
    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.world import World


async def test_healthz_and_readyz(gateway: RunningGateway) -> None:
    async with gateway.http.get(f"{gateway.url}/healthz") as response:
        assert response.status == 200
        assert await response.json() == {"status": "ok"}
    async with gateway.http.get(f"{gateway.url}/readyz") as response:
        assert response.status == 200
        body = await response.json()
    assert body == {
        "status": "ready",
        "checks": {"stripe": True, "configurations": True, "cache": True},
    }


async def test_not_ready_while_stripe_fails(
    gateway_factory: GatewayFactory, world: World, emulator: RunningEmulator
) -> None:
    emulator.runtime.faults.configure({"rules": [{"path": "/v1/.*", "rate_500": 1.0}]})
    gateway = await gateway_factory.start(world.configurations())
    async with gateway.http.get(f"{gateway.url}/readyz") as response:
        assert response.status == 503
        body = await response.json()
    assert body["checks"]["stripe"] is False
    # The catalog could not be read, so nothing is served yet, with a clear code.
    assert body["checks"]["configurations"] is False
    result = await gateway.admin("{ session { id } }", customer=world.alice.id)
    assert result.error_codes == ["STRIPE_UNAVAILABLE"]


async def test_graphiql_and_introspection_follow_settings(
    gateway_factory: GatewayFactory, world: World
) -> None:
    off = await gateway_factory.start(world.configurations())
    async with off.http.get(f"{off.url}/graphql", headers={"Accept": "text/html"}) as response:
        assert response.status == 404
    introspect = "{ __schema { queryType { name } } }"
    assert (await off.admin(introspect)).errors
    on = await gateway_factory.start(world.configurations(), graphiql=True)
    async with on.http.get(f"{on.url}/graphql", headers={"Accept": "text/html"}) as response:
        assert response.status == 200
        assert "graphiql" in (await response.text()).lower()
    assert (await on.admin(introspect)).ok() == {"__schema": {"queryType": {"name": "Query"}}}


async def test_queries_over_get_are_refused(gateway: RunningGateway) -> None:
    async with gateway.http.get(
        f"{gateway.url}/graphql", params={"query": "{ session { id } }"}
    ) as response:
        assert response.status == 400


async def test_oversized_requests_are_refused(gateway: RunningGateway) -> None:
    query = "{ session { id } }" + " " * (200 * 1024)
    result = await gateway.post(query)
    assert result.status == 413


async def test_credentials(gateway: RunningGateway, world: World) -> None:
    query = "{ customer { id } }"
    assert (await gateway.post(query)).error_codes == ["UNAUTHENTICATED"]
    assert (await gateway.post(query, token="pst_not_a_token")).error_codes == ["UNAUTHENTICATED"]
    result = await gateway.post(query, headers={"Authorization": "Basic abc"})
    assert result.error_codes == ["UNAUTHENTICATED"]
    # An admin key acts for a customer only with the header.
    assert (await gateway.admin(query)).error_codes == ["FORBIDDEN"]
    data = (await gateway.admin(query, customer=world.alice.id)).ok()
    assert data == {"customer": {"id": world.alice.id}}
    result = await gateway.admin(query, customer="alice")
    assert result.error_codes == ["INVALID_INPUT"]
    result = await gateway.post(query, headers={"Portal-Customer": world.alice.id})
    assert result.error_codes == ["UNAUTHENTICATED"]
    # The public mutation needs no credentials at all.
    redeemed = (await gateway.redeem("nonsense")).ok()["redeemPortalSession"]
    assert redeemed["userErrors"][0]["code"] == "NOT_FOUND"


async def test_admin_may_pick_a_configuration(gateway: RunningGateway, world: World) -> None:
    query = "{ session { id configuration { id } } }"
    data = (await gateway.admin(query, customer=world.alice.id, configuration="minimal")).ok()
    assert data == {"session": {"id": None, "configuration": {"id": "minimal"}}}
    result = await gateway.admin(query, customer=world.alice.id, configuration="retired")
    assert result.error_codes == ["CONFIGURATION_INACTIVE"]
    result = await gateway.admin(query, customer=world.alice.id, configuration="bpc_unknown")
    assert result.error_codes == ["NOT_FOUND"]


async def test_stripe_failures_are_clear_errors(
    gateway_factory: GatewayFactory, world: World, emulator: RunningEmulator
) -> None:
    gateway = await gateway_factory.start(world.configurations(), customer_cache_ttl_seconds=0)
    token = await gateway.token_for(world.alice.id)
    emulator.runtime.faults.configure({"rules": [{"path": "/v1/subscriptions", "rate_500": 1.0}]})
    result = await gateway.post("{ customer { id } subscriptions { id } }", token=token)
    # The customer still loads; only the failed field is null, with a clear code.
    assert result.data == {"customer": {"id": world.alice.id}, "subscriptions": None}
    assert result.error_codes == ["STRIPE_UNAVAILABLE"]
    assert "try again" in result.errors[0]["message"].lower()
    emulator.runtime.faults.configure({"rules": [{"path": "/v1/invoices", "rate_429": 1.0}]})
    result = await gateway.post("{ invoices { nodes { id } } }", token=token)
    assert result.error_codes == ["RATE_LIMITED"]
    assert "req_" not in str(result.body)
    assert "Traceback" not in str(result.body)


async def test_unexpected_errors_are_masked_in_production(
    gateway_factory: GatewayFactory, world: World, emulator: RunningEmulator
) -> None:
    # Stripe answering with a status this API version does not know is a bug to log, not
    # something to show a customer.
    emulator.emu.objects[world.alice.subscription]["status"] = "unheard_of"
    production = await gateway_factory.start(world.configurations())
    token = await production.token_for(world.alice.id)
    result = await production.post("{ subscriptions { id status } }", token=token)
    assert [e["message"] for e in result.errors] == [
        f"Unexpected error (id {result.errors[0]['extensions']['errorId']})."
    ]
    assert result.error_codes == ["INTERNAL_ERROR"]
    assert "unheard_of" not in str(result.body)
    development = await gateway_factory.start(world.configurations(), environment="development")
    token = await development.token_for(world.alice.id)
    result = await development.post("{ subscriptions { id status } }", token=token)
    assert "unheard_of" in result.errors[0]["message"]
