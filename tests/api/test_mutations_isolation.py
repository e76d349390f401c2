"""A token for one customer can change nothing of another's: every id-taking mutation given
someone else's id answers exactly like it does for an id that does not exist, alone, through
aliases in one operation, and for an admin acting for a customer."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from tests.api.mutation_calls import SELECTIONS, USER_ERRORS, mutate
from tests.support.gateway import ADMIN_KEY
from tests.support.identity import CALLERS, start_for_caller

if TYPE_CHECKING:
    import stripe

    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.identity import IdentityProvider
    from tests.support.world import World

Case = tuple[str, dict[str, Any], dict[str, Any]]


@pytest.fixture(params=CALLERS)
async def gateway(
    request: pytest.FixtureRequest,
    gateway_factory: GatewayFactory,
    world: World,
    identity_provider: IdentityProvider,
) -> RunningGateway:
    """Every test here runs for portal session tokens and for the team's own sign-in tokens."""
    return await start_for_caller(
        request.param, gateway_factory, identity_provider, world.configurations()
    )


MONTH = {"interval": "MONTH", "intervalCount": 1}


def cases(world: World) -> list[Case]:
    """(mutation, input with Bob's id, the same input with a missing id)."""
    bob = world.bob
    return [
        ("cancelSubscription", {"subscriptionId": bob.subscription}, {"subscriptionId": "sub_0"}),
        ("renewSubscription", {"subscriptionId": bob.subscription}, {"subscriptionId": "sub_0"}),
        (
            "updateSubscription",
            {"subscriptionId": bob.subscription, "quantity": 2},
            {"subscriptionId": "sub_0", "quantity": 2},
        ),
        (
            "pauseSubscription",
            {"subscriptionId": bob.subscription, "pauseFor": MONTH},
            {"subscriptionId": "sub_0", "pauseFor": MONTH},
        ),
        ("resumeSubscription", {"subscriptionId": bob.subscription}, {"subscriptionId": "sub_0"}),
        ("setDefaultPaymentMethod", {"paymentMethodId": bob.card}, {"paymentMethodId": "pm_0"}),
        ("detachPaymentMethod", {"paymentMethodId": bob.card}, {"paymentMethodId": "pm_0"}),
        ("removeTaxId", {"taxIdId": bob.tax_id}, {"taxIdId": "txi_0"}),
        # (Someone else's card given to pay an open invoice: test_mutations_invoices.py.)
        ("payInvoice", {"invoiceId": bob.invoices[0]}, {"invoiceId": "in_0"}),
        # A price the configuration does not offer reads like one that does not exist.
        (
            "updateSubscription",
            {"subscriptionId": world.alice.subscription, "priceId": world.legacy_monthly},
            {"subscriptionId": world.alice.subscription, "priceId": "price_0"},
        ),
    ]


async def bob_in_stripe(client: stripe.StripeClient, world: World) -> tuple[Any, ...]:
    sub = await client.v1.subscriptions.retrieve_async(world.bob.subscription)
    customer = await client.v1.customers.retrieve_async(world.bob.id)
    methods = await client.v1.customers.payment_methods.list_async(world.bob.id)
    tax_ids = await client.v1.customers.tax_ids.list_async(world.bob.id)
    return (
        sub.to_dict(recursive=True),
        customer.to_dict(recursive=True),
        [pm.id for pm in methods.data],
        [t.id for t in tax_ids.data],
    )


def without_ids(payload: dict[str, Any], *ids: str) -> dict[str, Any]:
    """The payload with the ids the caller sent blanked (a message may quote them back)."""
    text = json.dumps(payload, sort_keys=True)
    for value in ids:
        text = text.replace(value, "<id>")
    result: dict[str, Any] = json.loads(text)
    return result


async def test_someone_elses_ids_read_like_missing_ones(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.alice.id)
    before = await bob_in_stripe(stripe_client, world)
    for mutation, foreign, missing in cases(world):
        theirs = await mutate(gateway, token, mutation, **foreign)
        nothing = await mutate(gateway, token, mutation, **missing)
        assert theirs["userErrors"], mutation
        assert theirs["userErrors"][0]["code"] in ("NOT_FOUND", "PRICE_NOT_ALLOWED")
        foreign_ids = [str(v) for v in foreign.values()]
        missing_ids = [str(v) for v in missing.values()]
        assert without_ids(theirs, *foreign_ids) == without_ids(nothing, *missing_ids), mutation
    assert await bob_in_stripe(stripe_client, world) == before


async def test_an_admin_acting_for_a_customer_is_held_to_that_customer(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    before = await bob_in_stripe(stripe_client, world)
    for mutation, foreign, _ in cases(world)[:-1]:
        document = (
            f"mutation($input: {mutation[0].upper()}{mutation[1:]}Input!) "
            f"{{ {mutation}(input: $input) {{ {USER_ERRORS} }} }}"
        )
        result = await gateway.post(
            document,
            {"input": foreign},
            token=ADMIN_KEY,
            headers={"Portal-Customer": world.alice.id},
        )
        [error] = result.ok()[mutation]["userErrors"]
        assert error["code"] == "NOT_FOUND", mutation
    assert await bob_in_stripe(stripe_client, world) == before


async def test_aliases_in_one_operation_stay_with_the_caller(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    """Own changes and foreign ids mixed in one operation: each alias answers on its own, and
    a write in the middle does not open the way to another customer's objects."""
    token = await gateway.token_for(world.alice.id)
    before = await bob_in_stripe(stripe_client, world)
    sub_fields = f"{SELECTIONS['cancelSubscription']} {USER_ERRORS}"
    result = await gateway.post(
        f"""mutation($own: ID!, $theirs: ID!, $card: ID!, $tax: ID!) {{
          theirs: cancelSubscription(input: {{subscriptionId: $theirs}}) {{ {sub_fields} }}
          own: cancelSubscription(input: {{subscriptionId: $own}}) {{ {sub_fields} }}
          theirsAgain: renewSubscription(input: {{subscriptionId: $theirs}}) {{
            subscription {{ id }} {USER_ERRORS} }}
          ownAgain: renewSubscription(input: {{subscriptionId: $own}}) {{
            subscription {{ id isCanceling }} {USER_ERRORS} }}
          card: detachPaymentMethod(input: {{paymentMethodId: $card}}) {{
            detachedPaymentMethodId {USER_ERRORS} }}
          tax: removeTaxId(input: {{taxIdId: $tax}}) {{ removedTaxId {{ id }} {USER_ERRORS} }}
        }}""",
        {
            "own": world.alice.subscription,
            "theirs": world.bob.subscription,
            "card": world.bob.card,
            "tax": world.bob.tax_id,
        },
        token=token,
    )
    data = result.ok()
    for alias in ("theirs", "theirsAgain", "card", "tax"):
        assert [e["code"] for e in data[alias]["userErrors"]] == ["NOT_FOUND"], alias
    assert data["own"]["userErrors"] == []
    assert data["own"]["subscription"]["isCanceling"] is True
    # The renew saw the cancel made two aliases earlier in the same operation.
    assert data["ownAgain"]["userErrors"] == []
    assert data["ownAgain"]["subscription"] == {
        "id": world.alice.subscription,
        "isCanceling": False,
    }
    assert await bob_in_stripe(stripe_client, world) == before


async def test_batched_mutations_stay_with_the_caller(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    """A JSON array of operations: refused when batching is off; when it is on, each
    operation answers as it would alone (someone else's ids exactly like missing ones)."""
    token = await gateway.token_for(world.alice.id)
    before = await bob_in_stripe(stripe_client, world)
    cancel = (
        "mutation($id: ID!) { cancelSubscription(input: {subscriptionId: $id}) "
        "{ subscription { id } userErrors { code message field } } }"
    )
    detach = (
        "mutation($id: ID!) { detachPaymentMethod(input: {paymentMethodId: $id}) "
        "{ detachedPaymentMethodId userErrors { code message field } } }"
    )
    batch = [
        {"query": cancel, "variables": {"id": world.bob.subscription}},
        {"query": cancel, "variables": {"id": "sub_0"}},
        {"query": detach, "variables": {"id": world.bob.card}},
        {"query": detach, "variables": {"id": "pm_0"}},
    ]
    async with gateway.http.post(
        f"{gateway.url}/graphql", json=batch, headers={"Authorization": f"Bearer {token}"}
    ) as response:
        status, text = response.status, await response.text()
    body = json.loads(text) if text.startswith(("[", "{")) else {"text": text}
    if isinstance(body, dict):
        assert status == 400
        assert "batch" in text.lower()
        assert body.get("data") is None
    else:
        assert status == 200
        theirs_cancel, missing_cancel, theirs_detach, missing_detach = (
            item["data"] for item in body
        )
        assert theirs_cancel == missing_cancel
        assert theirs_cancel["cancelSubscription"]["userErrors"][0]["code"] == "NOT_FOUND"
        assert theirs_detach == missing_detach
        assert theirs_detach["detachPaymentMethod"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert await bob_in_stripe(stripe_client, world) == before


@pytest.mark.parametrize("field", ["subscriptionId", "paymentMethodId", "taxIdId", "setupIntentId"])
async def test_no_mutation_answers_without_credentials(
    gateway: RunningGateway, world: World, field: str
) -> None:
    mutation = {
        "subscriptionId": "cancelSubscription",
        "paymentMethodId": "detachPaymentMethod",
        "taxIdId": "removeTaxId",
        "setupIntentId": "confirmSetupIntentForTesting",
    }[field]
    document = (
        f'mutation {{ {mutation}(input: {{{field}: "{world.bob.id}"}}) {{ {USER_ERRORS} }} }}'
    )
    result = await gateway.post(document)
    assert result.error_codes == ["UNAUTHENTICATED"]
    assert result.data is None
