"""Someone else's object reads exactly like a missing one, also on the second ask: neither is
cached under the caller, so both cost the same Stripe requests every time (no timing
oracle), and asking for ids that are not the caller's leaves nothing in the cache."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from gateway.app import SERVICES
from tests.support.identity import CALLERS, start_for_caller

if TYPE_CHECKING:
    from tests.conftest import RunningEmulator
    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.identity import IdentityProvider
    from tests.support.world import World

SUBSCRIPTION = "query($id: ID!) { subscription(id: $id) { id status } }"
INVOICE = "query($id: ID!) { invoice(id: $id) { id total } }"
UPCOMING = "query($id: ID!) { upcomingInvoice(subscriptionId: $id) { total } }"
MISSING = {"subscription": "sub_NoSuchSubscription0", "invoice": "in_NoSuchInvoice000000"}


@pytest.fixture(params=CALLERS)
async def caller_gateway(
    request: pytest.FixtureRequest,
    gateway_factory: GatewayFactory,
    world: World,
    identity_provider: IdentityProvider,
) -> RunningGateway:
    """A gateway whose customer tokens are portal session tokens, or sign-in tokens."""
    return await start_for_caller(
        request.param, gateway_factory, identity_provider, world.configurations()
    )


def cached_keys(gateway_factory: GatewayFactory) -> set[str]:
    """Every key in the gateway's in-memory cache."""
    cache = gateway_factory.runners[-1].app[SERVICES].billing.cache
    return set(cache._backend._cache)


async def ask_twice(
    gateway: RunningGateway,
    emulator: RunningEmulator,
    token: str,
    query: str,
    object_id: str,
) -> tuple[list[Any], int]:
    """Both answers, and how many Stripe requests the second ask made."""
    first = await gateway.post(query, {"id": object_id}, token=token)
    before = await emulator.request_count()
    second = await gateway.post(query, {"id": object_id}, token=token)
    return [first.body, second.body], await emulator.request_count() - before


@pytest.mark.parametrize(
    ("query", "kind"),
    [(SUBSCRIPTION, "subscription"), (INVOICE, "invoice"), (UPCOMING, "subscription")],
)
async def test_someone_elses_id_answers_like_a_missing_one_on_every_ask(
    gateway_factory: GatewayFactory,
    caller_gateway: RunningGateway,
    world: World,
    emulator: RunningEmulator,
    query: str,
    kind: str,
) -> None:
    gateway = caller_gateway
    token = await gateway.token_for(world.alice.id)
    foreign = world.bob.subscription if kind == "subscription" else world.bob.invoices[0]
    # The customer's own data is read (and cached) first, as a portal would.
    own = await gateway.post(query, {"id": MISSING[kind]}, token=token)
    assert own.status == 200
    keys_before = cached_keys(gateway_factory)

    foreign_answers, foreign_requests = await ask_twice(gateway, emulator, token, query, foreign)
    missing_answers, missing_requests = await ask_twice(
        gateway, emulator, token, query, MISSING[kind]
    )

    assert foreign_answers == missing_answers
    assert foreign_requests == missing_requests >= 1
    # Nothing about either id was stored under the caller.
    assert not {key for key in cached_keys(gateway_factory) - keys_before if foreign in key}


async def test_the_owner_still_reads_from_the_cache(
    caller_gateway: RunningGateway, world: World, emulator: RunningEmulator
) -> None:
    gateway = caller_gateway
    token = await gateway.token_for(world.bob.id)
    for query, object_id in (
        (SUBSCRIPTION, world.bob.subscription),
        (INVOICE, world.bob.invoices[0]),
    ):
        answers, requests = await ask_twice(gateway, emulator, token, query, object_id)
        assert answers[0] == answers[1]
        assert "errors" not in answers[1]
        assert requests == 0


async def test_asking_for_many_ids_that_are_not_the_callers_leaves_the_cache_unchanged(
    gateway_factory: GatewayFactory, caller_gateway: RunningGateway, world: World
) -> None:
    gateway = caller_gateway
    token = await gateway.token_for(world.alice.id)
    await gateway.post(SUBSCRIPTION, {"id": MISSING["subscription"]}, token=token)
    keys_before = cached_keys(gateway_factory)
    ids = [world.bob.subscription, *(f"sub_Junk{n:018d}" for n in range(20))]
    for object_id in ids:
        answer = await gateway.post(SUBSCRIPTION, {"id": object_id}, token=token)
        assert answer.ok() == {"subscription": None}
    assert cached_keys(gateway_factory) == keys_before
