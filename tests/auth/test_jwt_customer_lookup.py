"""Tokens that carry the app's own user id: the customer is found by Stripe customer search
(`metadata['app_user_id']:'<sub>'`), remembered, and never created. None or several matches
are refused, and a user id cannot rewrite the search into someone else's customer."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest

from tests.auth.test_jwt_http import WHO, refusal

if TYPE_CHECKING:
    import stripe
    from stripe_emulator.testing import RunningEmulator

    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.identity import IdentityProvider
    from tests.support.world import World

KEY = "app_user_id"
SEARCH = "GET /v1/customers/search"


@pytest.fixture
async def by_user_id(
    gateway_factory: GatewayFactory, world: World, identity_provider: IdentityProvider
) -> RunningGateway:
    return await gateway_factory.start(
        world.configurations(),
        **identity_provider.settings(
            jwt_customer_claim=None,
            jwt_user_id_claim="sub",
            jwt_customer_metadata_key=KEY,
        ),
    )


def _token(provider: IdentityProvider, user_id: str, **claims: Any) -> str:
    return provider.sign(provider.claims(None, sub=user_id, **claims))


def _calls(emulator: RunningEmulator) -> Counter[str]:
    return Counter(f"{e['method']} {e['route']}" for e in emulator.runtime.log.entries)


async def _tag(client: stripe.StripeClient, customer: str, user_id: str) -> None:
    await client.v1.customers.update_async(customer, params={"metadata": {KEY: user_id}})


async def _customers(client: stripe.StripeClient) -> set[str]:
    listed = await client.v1.customers.list_async(params={"limit": 100})
    return {c.id for c in listed.data}


async def test_the_customer_with_the_users_id_in_metadata_is_found_once_and_remembered(
    by_user_id: RunningGateway,
    world: World,
    identity_provider: IdentityProvider,
    stripe_client: stripe.StripeClient,
    emulator: RunningEmulator,
) -> None:
    await _tag(stripe_client, world.alice.id, "u_alice")
    await _tag(stripe_client, world.bob.id, "u_bob")
    emulator.reset_log()

    for _ in range(3):
        data = (await by_user_id.post(WHO, token=_token(identity_provider, "u_alice"))).ok()
        assert data["session"]["customerId"] == world.alice.id
        assert data["subscriptions"] == [{"id": world.alice.subscription}]
    bob = (await by_user_id.post(WHO, token=_token(identity_provider, "u_bob"))).ok()

    assert bob["session"]["customerId"] == world.bob.id
    assert _calls(emulator)[SEARCH] == 2


async def test_no_matching_customer_is_refused_and_none_is_created(
    by_user_id: RunningGateway,
    identity_provider: IdentityProvider,
    stripe_client: stripe.StripeClient,
    emulator: RunningEmulator,
) -> None:
    before = await _customers(stripe_client)
    emulator.reset_log()

    first = await by_user_id.post(WHO, token=_token(identity_provider, "u_nobody"))
    again = await by_user_id.post(WHO, token=_token(identity_provider, "u_nobody"))

    assert refusal(first) == ("UNAUTHENTICATED", "TOKEN_UNKNOWN_CUSTOMER")
    assert refusal(again) == ("UNAUTHENTICATED", "TOKEN_UNKNOWN_CUSTOMER")
    assert await _customers(stripe_client) == before
    # The miss is remembered briefly too: a signed-in user without an account is one search.
    assert _calls(emulator)[SEARCH] == 1
    assert not any(method == "POST" for method, _ in (c.split(" ", 1) for c in _calls(emulator)))


async def test_two_customers_with_the_same_user_id_are_refused(
    by_user_id: RunningGateway,
    world: World,
    identity_provider: IdentityProvider,
    stripe_client: stripe.StripeClient,
) -> None:
    await _tag(stripe_client, world.alice.id, "u_twice")
    await _tag(stripe_client, world.bob.id, "u_twice")

    result = await by_user_id.post(WHO, token=_token(identity_provider, "u_twice"))

    assert refusal(result) == ("UNAUTHENTICATED", "TOKEN_AMBIGUOUS_CUSTOMER")
    assert world.alice.id not in str(result.body)
    assert world.bob.id not in str(result.body)


@pytest.mark.parametrize(
    "user_id",
    [
        "x' OR metadata['app_user_id']:'u_bob",
        "x\\' OR metadata[\\'app_user_id\\']:\\'u_bob",
        "u_bob' metadata['app_user_id']:'u_bob",
        "U_BOB",
        "u_bob ",
    ],
)
async def test_a_user_id_cannot_reach_another_users_customer(
    by_user_id: RunningGateway,
    world: World,
    identity_provider: IdentityProvider,
    stripe_client: stripe.StripeClient,
    user_id: str,
) -> None:
    await _tag(stripe_client, world.bob.id, "u_bob")

    result = await by_user_id.post(WHO, token=_token(identity_provider, user_id))

    assert refusal(result) == ("UNAUTHENTICATED", "TOKEN_UNKNOWN_CUSTOMER")


async def test_a_user_id_claim_that_is_not_text_is_refused(
    gateway_factory: GatewayFactory, world: World, identity_provider: IdentityProvider
) -> None:
    gateway = await gateway_factory.start(
        world.configurations(),
        **identity_provider.settings(
            jwt_customer_claim=None,
            jwt_user_id_claim="app_metadata.user_id",
            jwt_customer_metadata_key=KEY,
        ),
    )
    missing = identity_provider.sign(identity_provider.claims(None))
    number = identity_provider.sign(identity_provider.claims(None, app_metadata={"user_id": 7}))
    huge = identity_provider.sign(
        identity_provider.claims(None, app_metadata={"user_id": "u" * 501})
    )

    assert refusal(await gateway.post(WHO, token=missing))[1] == "TOKEN_MISSING_CLAIM"
    assert refusal(await gateway.post(WHO, token=number))[1] == "TOKEN_INVALID_CLAIM"
    assert refusal(await gateway.post(WHO, token=huge))[1] == "TOKEN_INVALID_CLAIM"


async def test_a_failing_search_is_stripe_unavailable_not_a_refused_user(
    by_user_id: RunningGateway,
    world: World,
    identity_provider: IdentityProvider,
    stripe_client: stripe.StripeClient,
    emulator: RunningEmulator,
) -> None:
    await _tag(stripe_client, world.alice.id, "u_alice")
    emulator.runtime.faults.configure(
        {"rules": [{"path": "/v1/customers/search", "rate_500": 1.0}]}
    )

    failed = await by_user_id.post(WHO, token=_token(identity_provider, "u_alice"))
    emulator.runtime.faults.configure({"rules": []})
    recovered = await by_user_id.post(WHO, token=_token(identity_provider, "u_alice"))

    assert failed.error_codes == ["STRIPE_UNAVAILABLE"]
    # Nothing was remembered about the user while Stripe failed.
    assert recovered.ok()["session"]["customerId"] == world.alice.id
