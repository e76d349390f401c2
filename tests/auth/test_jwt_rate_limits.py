"""Rate limits count per signed-in user: every token of one user (a fresh one per page load,
a refreshed one) spends the same bucket, and another user keeps their own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.auth.test_jwt_http import WHO

if TYPE_CHECKING:
    from tests.support.gateway import GatewayFactory
    from tests.support.identity import IdentityProvider
    from tests.support.world import World

BURST = 3


async def test_fresh_tokens_of_one_user_share_that_users_bucket(
    gateway_factory: GatewayFactory, world: World, identity_provider: IdentityProvider
) -> None:
    gateway = await gateway_factory.start(
        world.configurations(),
        **identity_provider.settings(rate_limit_per_second=0.001, rate_limit_burst=BURST),
    )
    # Each token differs (its own jti), as refreshed tokens do.
    alice_tokens = [identity_provider.token(world.alice.id, jti=f"t{n}") for n in range(BURST + 1)]
    for token in alice_tokens[:BURST]:
        (await gateway.post(WHO, token=token)).ok()

    refused = await gateway.post(WHO, token=alice_tokens[BURST])
    bob = await gateway.post(WHO, token=identity_provider.token(world.bob.id))

    assert refused.status == 429
    assert refused.error_codes == ["RATE_LIMITED"]
    assert bob.ok()["session"]["customerId"] == world.bob.id


async def test_the_same_customer_under_two_users_is_two_buckets(
    gateway_factory: GatewayFactory, world: World, identity_provider: IdentityProvider
) -> None:
    """The subject (issuer and `sub`) is the user, whichever customer the token names."""
    gateway = await gateway_factory.start(
        world.configurations(),
        **identity_provider.settings(rate_limit_per_second=0.001, rate_limit_burst=BURST),
    )
    for _ in range(BURST):
        (await gateway.post(WHO, token=identity_provider.token(world.alice.id, sub="u1"))).ok()

    other_user = await gateway.post(WHO, token=identity_provider.token(world.alice.id, sub="u2"))
    same_user = await gateway.post(WHO, token=identity_provider.token(world.alice.id, sub="u1"))

    assert other_user.ok()["session"]["customerId"] == world.alice.id
    assert same_user.error_codes == ["RATE_LIMITED"]
