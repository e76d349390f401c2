"""Alice's credentials never reach Bob's data: every ID-taking field answers for Bob's ids
exactly as for ids that do not exist, alone, through aliases, and in batches."""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any

import pytest

from gateway.api.invoices.types import encode_cursor
from tests.support.identity import CALLERS, start_for_caller

if TYPE_CHECKING:
    from tests.support.gateway import GatewayFactory, Result, RunningGateway
    from tests.support.identity import IdentityProvider
    from tests.support.world import World

MISSING_SUB = "sub_0000000000000000000000000"
MISSING_INVOICE = "in_0000000000000000000000000"

FIELDS = {
    "subscription": (
        "query($id: ID!) { subscription(id: $id) { id status items { id } } }",
        "subscription",
    ),
    "invoice": ("query($id: ID!) { invoice(id: $id) { id total lines { id } } }", "invoice"),
    "upcomingInvoice": (
        "query($id: ID!) { upcomingInvoice(subscriptionId: $id) { amountDue } }",
        "subscription",
    ),
    "previewSubscriptionUpdate": (
        """query($id: ID!) { previewSubscriptionUpdate(input: {subscriptionId: $id, quantity: 2}) {
             preview { amountDue } userErrors { code message field } } }""",
        "subscription",
    ),
    "previewSubscriptionResume": (
        """query($id: ID!) { previewSubscriptionResume(subscriptionId: $id) {
             preview { amountDueNow } userErrors { code message field } } }""",
        "subscription",
    ),
}


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


def _bob_id(world: World, kind: str) -> str:
    return world.bob.subscription if kind == "subscription" else world.bob.invoices[0]


def _missing_id(kind: str) -> str:
    return MISSING_SUB if kind == "subscription" else MISSING_INVOICE


def _same(theirs: Result, missing: Result) -> None:
    assert theirs.status == missing.status == 200
    assert theirs.body == missing.body


@pytest.mark.parametrize("field", sorted(FIELDS))
async def test_bobs_ids_look_missing_to_alice(
    gateway: RunningGateway, world: World, field: str
) -> None:
    query, kind = FIELDS[field]
    alice = await gateway.token_for(world.alice.id)
    theirs = await gateway.post(query, {"id": _bob_id(world, kind)}, token=alice)
    missing = await gateway.post(query, {"id": _missing_id(kind)}, token=alice)
    _same(theirs, missing)
    assert world.bob.id not in str(theirs.body)
    # And Bob himself does see it (the ids are real).
    bob = await gateway.token_for(world.bob.id)
    own = await gateway.post(query, {"id": _bob_id(world, kind)}, token=bob)
    assert own.status == 200
    assert own.data != theirs.data


@pytest.mark.parametrize("field", sorted(FIELDS))
async def test_admin_acting_for_alice_cannot_reach_bob(
    gateway: RunningGateway, world: World, field: str
) -> None:
    query, kind = FIELDS[field]
    theirs = await gateway.admin(query, {"id": _bob_id(world, kind)}, customer=world.alice.id)
    missing = await gateway.admin(query, {"id": _missing_id(kind)}, customer=world.alice.id)
    _same(theirs, missing)


async def test_aliases_in_one_document(gateway: RunningGateway, world: World) -> None:
    alice = await gateway.token_for(world.alice.id)
    result = await gateway.post(
        """query($mine: ID!, $theirs: ID!, $missing: ID!, $theirInvoice: ID!) {
             mine: subscription(id: $mine) { id }
             theirs: subscription(id: $theirs) { id }
             missing: subscription(id: $missing) { id }
             theirInvoice: invoice(id: $theirInvoice) { id }
             theirUpcoming: upcomingInvoice(subscriptionId: $theirs) { amountDue }
             mineUpcoming: upcomingInvoice(subscriptionId: $mine) { amountDue }
             all: subscriptions { id }
           }""",
        {
            "mine": world.alice.subscription,
            "theirs": world.bob.subscription,
            "missing": MISSING_SUB,
            "theirInvoice": world.bob.invoices[0],
        },
        token=alice,
    )
    data = result.ok()
    assert data["mine"] == {"id": world.alice.subscription}
    assert data["theirs"] is None
    assert data["missing"] is None
    assert data["theirInvoice"] is None
    assert data["theirUpcoming"] is None
    assert data["mineUpcoming"] == {"amountDue": 1000}
    assert data["all"] == [{"id": world.alice.subscription}]


async def test_batched_operations_answer_each_for_the_caller(
    gateway: RunningGateway, world: World
) -> None:
    alice = await gateway.token_for(world.alice.id)
    batch: list[dict[str, Any]] = [
        {"query": "{ subscriptions { id } }"},
        {
            "query": "query($id: ID!) { subscription(id: $id) { id } }",
            "variables": {"id": world.bob.subscription},
        },
    ]
    async with gateway.http.post(
        f"{gateway.url}/graphql", json=batch, headers={"Authorization": f"Bearer {alice}"}
    ) as response:
        body = await response.text()
        assert response.status == 200
    assert json.loads(body) == [
        {"data": {"subscriptions": [{"id": world.alice.subscription}]}},
        {"data": {"subscription": None}},
    ]
    assert world.bob.subscription not in body


async def test_several_operations_run_only_the_named_one(
    gateway: RunningGateway, world: World
) -> None:
    alice = await gateway.token_for(world.alice.id)
    document = """query Mine { subscriptions { id } }
                  query Theirs($id: ID!) { subscription(id: $id) { id } }"""
    async with gateway.http.post(
        f"{gateway.url}/graphql",
        json={
            "query": document,
            "operationName": "Theirs",
            "variables": {"id": world.bob.subscription},
        },
        headers={"Authorization": f"Bearer {alice}"},
    ) as response:
        body = await response.json()
    assert body == {"data": {"subscription": None}}


async def test_invoice_cursors_are_bound_to_their_customer(
    gateway: RunningGateway, world: World
) -> None:
    alice = await gateway.token_for(world.alice.id)
    bob = await gateway.token_for(world.bob.id)
    query = "query($after: String) { invoices(first: 1, after: $after) { nodes { id } } }"
    bobs_page = await gateway.post("{ invoices(first: 1) { pageInfo { endCursor } } }", token=bob)
    bobs_cursor = bobs_page.ok()["invoices"]["pageInfo"]["endCursor"]
    # Bob's own cursor, a cursor naming Alice but Bob's invoice, and garbage all look alike.
    forged = encode_cursor(world.alice.id, world.bob.invoices[0])
    garbage = base64.urlsafe_b64encode(b"invoice:nobody:in_123").decode()
    answers = [
        await gateway.post(query, {"after": cursor}, token=alice)
        for cursor in (bobs_cursor, forged, garbage)
    ]
    for answer in answers:
        assert answer.error_codes == ["INVALID_INPUT"]
        assert answer.data == {"invoices": None}
    assert answers[0].body == answers[1].body == answers[2].body


async def test_token_cannot_borrow_the_admin_header(gateway: RunningGateway, world: World) -> None:
    alice = await gateway.token_for(world.alice.id)
    result = await gateway.post(
        "{ customer { id } }", token=alice, headers={"Portal-Customer": world.bob.id}
    )
    assert result.error_codes == ["FORBIDDEN"]
    assert world.bob.id not in str(result.body)


async def test_portal_session_flow_must_name_the_customers_own_subscription(
    gateway: RunningGateway, world: World
) -> None:
    flows = []
    for subscription in (world.bob.subscription, MISSING_SUB):
        created = await gateway.create_session(
            world.alice.id,
            flowData={
                "type": "SUBSCRIPTION_CANCEL",
                "subscriptionCancel": {"subscription": subscription},
            },
        )
        flows.append(created.ok()["createPortalSession"])
    assert flows[0] == flows[1]
    assert flows[0]["session"] is None
    assert flows[0]["userErrors"] == [
        {
            "code": "NOT_FOUND",
            "message": "Subscription not found.",
            "field": "flowData.subscriptionCancel.subscription",
        }
    ]


async def test_fragments_and_inline_fragments_stay_with_the_caller(
    gateway: RunningGateway, world: World
) -> None:
    """Fragments (named, inline, nested, on mutation payloads) reach nothing of Bob's."""
    alice = await gateway.token_for(world.alice.id)
    read = await gateway.post(
        """fragment Sub on Subscription { id status items { id price { id } } }
           fragment Inv on Invoice { id total }
           query($theirs: ID!, $invoice: ID!) {
             theirs: subscription(id: $theirs) { ...Sub }
             inline: subscription(id: $theirs) { ... on Subscription { id } }
             invoice(id: $invoice) { ...Inv }
             subscriptions { ...Sub }
             customer { ... on Customer { id taxIds { id } } }
             paymentMethods { ... on PaymentMethod { id } }
           }""",
        {"theirs": world.bob.subscription, "invoice": world.bob.invoices[0]},
        token=alice,
    )
    data = read.ok()
    assert data["theirs"] is None
    assert data["inline"] is None
    assert data["invoice"] is None
    assert [s["id"] for s in data["subscriptions"]] == [world.alice.subscription]
    assert data["customer"]["id"] == world.alice.id
    assert world.bob.tax_id not in str(data)
    assert world.bob.card not in str(data)
    assert world.bob.id not in str(read.body)

    write = await gateway.post(
        """fragment Errors on UserError { code field }
           mutation($sub: ID!, $pm: ID!, $tax: ID!) {
             cancel: cancelSubscription(input: {subscriptionId: $sub}) {
               subscription { id } userErrors { ...Errors } }
             detach: detachPaymentMethod(input: {paymentMethodId: $pm}) {
               ... on DetachPaymentMethodPayload { userErrors { ...Errors } } }
             tax: removeTaxId(input: {taxIdId: $tax}) { userErrors { ...Errors } }
           }""",
        {"sub": world.bob.subscription, "pm": world.bob.card, "tax": world.bob.tax_id},
        token=alice,
    )
    answered = write.ok()
    assert answered["cancel"] == {
        "subscription": None,
        "userErrors": [{"code": "NOT_FOUND", "field": "subscriptionId"}],
    }
    assert answered["detach"]["userErrors"] == [{"code": "NOT_FOUND", "field": "paymentMethodId"}]
    assert answered["tax"]["userErrors"] == [{"code": "NOT_FOUND", "field": "taxIdId"}]
