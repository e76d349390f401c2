"""Bugs are masked in production wherever they happen, even in a schema extension that fails
(its error reaches the client only after every extension has finished)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gateway.api.extensions import QueryCostLimiter

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pytest

    from tests.support.gateway import GatewayFactory
    from tests.support.world import World

SECRET = "internal detail sk_test_do_not_show"


def failing_validation(self: QueryCostLimiter) -> Iterator[None]:
    raise RuntimeError(SECRET)
    yield


async def test_a_failing_extension_is_masked_in_production(
    gateway_factory: GatewayFactory, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    production = await gateway_factory.start(world.configurations())
    token = await production.token_for(world.alice.id)
    monkeypatch.setattr(QueryCostLimiter, "on_validate", failing_validation)
    result = await production.post("{ session { id } }", token=token)
    [error] = result.errors
    assert SECRET not in str(result.body)
    assert error["message"] == f"Unexpected error (id {error['extensions']['errorId']})."
    assert result.error_codes == ["INTERNAL_ERROR"]


async def test_a_failing_extension_shows_its_message_in_development(
    gateway_factory: GatewayFactory, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    development = await gateway_factory.start(world.configurations(), environment="development")
    token = await development.token_for(world.alice.id)
    monkeypatch.setattr(QueryCostLimiter, "on_validate", failing_validation)
    result = await development.post("{ session { id } }", token=token)
    assert [error["message"] for error in result.errors] == [SECRET]
    assert result.error_codes == ["INTERNAL_ERROR"]
