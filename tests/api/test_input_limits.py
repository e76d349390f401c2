"""Inputs are bounded before any Stripe call: an id that cannot be a Stripe id (another
type's prefix, characters outside [A-Za-z0-9_], 100,000 characters) is answered exactly like
a missing one, and free text longer than Stripe allows is refused as `TOO_LONG` naming the
field. Judged by the emulator's request log and Stripe's state, not by the answer alone."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from tests.api.mutation_calls import codes, document, mutate

if TYPE_CHECKING:
    import stripe

    from tests.conftest import RunningEmulator
    from tests.support.gateway import RunningGateway
    from tests.support.world import World

HUGE = 100_000

# (document, variable, a missing but well-formed id, the id's prefix)
QUERIES = {
    "invoice": ("query($id: ID!) { invoice(id: $id) { id } }", "in_"),
    "subscription": ("query($id: ID!) { subscription(id: $id) { id } }", "sub_"),
    "upcomingInvoice": (
        "query($id: ID!) { upcomingInvoice(subscriptionId: $id) { total } }",
        "sub_",
    ),
    "previewSubscriptionUpdate": (
        """query($id: ID!) { previewSubscriptionUpdate(input: {subscriptionId: $id, quantity: 2})
           { preview { amountDue } userErrors { code message field } } }""",
        "sub_",
    ),
}
MUTATIONS = {
    "cancelSubscription": ("subscriptionId", "sub_"),
    "renewSubscription": ("subscriptionId", "sub_"),
    "pauseSubscription": ("subscriptionId", "sub_"),
    "resumeSubscription": ("subscriptionId", "sub_"),
    "updateSubscription": ("subscriptionId", "sub_"),
    "setDefaultPaymentMethod": ("paymentMethodId", "pm_"),
    "detachPaymentMethod": ("paymentMethodId", "pm_"),
    "removeTaxId": ("taxIdId", "txi_"),
    "confirmSetupIntentForTesting": ("setupIntentId", "seti_"),
    "payInvoice": ("invoiceId", "in_"),
}
EXTRA_INPUT: dict[str, dict[str, Any]] = {"updateSubscription": {"quantity": 2}}


def impossible_ids(prefix: str) -> dict[str, str]:
    return {
        "huge": prefix + "a" * HUGE,
        "too long": prefix + "a" * 260,
        "slash": prefix + "abc/../customers",
        "space": prefix + "abc def",
        "unicode": prefix + "abcé",
        "wrong prefix": ("in_" if prefix != "in_" else "sub_") + "abcdefgh12345",
        "prefix only": prefix,
    }


def without(body: Any, value: str) -> str:
    return json.dumps(body).replace(value, "<id>")


@pytest.mark.parametrize("name", sorted(QUERIES))
async def test_an_impossible_id_in_a_query_reads_like_a_missing_one(
    gateway: RunningGateway, world: World, emulator: RunningEmulator, name: str
) -> None:
    query, prefix = QUERIES[name]
    token = await gateway.token_for(world.alice.id)
    missing_id = prefix + "missing0000000000"
    missing = await gateway.post(query, {"id": missing_id}, token=token)
    for shape, value in impossible_ids(prefix).items():
        before = await emulator.request_count()
        answer = await gateway.post(query, {"id": value}, token=token)
        assert await emulator.request_count() == before, shape
        assert answer.status == missing.status
        assert without(answer.body, value) == without(missing.body, missing_id), shape


@pytest.mark.parametrize("name", sorted(MUTATIONS))
async def test_an_impossible_id_in_a_mutation_reads_like_a_missing_one(
    gateway: RunningGateway, world: World, emulator: RunningEmulator, name: str
) -> None:
    field, prefix = MUTATIONS[name]
    # Bob: no test clock, whose reading would be a Stripe call of its own.
    token = await gateway.token_for(world.bob.id)
    extra = EXTRA_INPUT.get(name, {})
    missing_id = prefix + "missing0000000000"
    missing = await mutate(gateway, token, name, **{field: missing_id, **extra})
    assert [code for code, _ in codes(missing)] == ["NOT_FOUND"]
    # Warm the customer's cache the way the portal would, so that only the id could cost.
    warm = "{ customer { id } subscriptions { id } paymentMethods { id } }"
    await gateway.post(warm, token=token)
    for shape, value in impossible_ids(prefix).items():
        before = await emulator.request_count()
        answer = await mutate(gateway, token, name, **{field: value, **extra})
        assert without(answer, value) == without(missing, missing_id), shape
        assert await emulator.request_count() == before, shape


async def test_an_impossible_customer_id_is_refused_before_stripe(
    gateway: RunningGateway, emulator: RunningEmulator
) -> None:
    query = """mutation($c: ID!) { createPortalSession(input: {customer: $c}) {
                 session { id } userErrors { code message field } } }"""
    missing = (await gateway.admin(query, {"c": "cus_missing000000"})).ok()
    for shape, value in impossible_ids("cus_").items():
        before = await emulator.request_count()
        answer = (await gateway.admin(query, {"c": value})).ok()
        assert answer == missing, shape
        assert await emulator.request_count() == before, shape
        header = await gateway.admin("{ customer { id } }", customer=value[:2000])
        assert header.error_codes == ["INVALID_INPUT"], shape


# (mutation, input with one field too long, the field, the longest accepted)
TOO_LONG: list[tuple[str, dict[str, Any], str, int]] = [
    ("updateCustomer", {"name": "n" * 257}, "name", 256),
    ("updateCustomer", {"phone": "1" * 21}, "phone", 20),
    ("updateCustomer", {"email": "e" * 510 + "@x.io"}, "email", 512),
    ("updateCustomer", {"address": {"line1": "l" * 5001, "country": "DE"}}, "address.line1", 5000),
    ("updateCustomer", {"address": {"city": "c" * 5001, "country": "DE"}}, "address.city", 5000),
    (
        "updateCustomer",
        {"shipping": {"name": "s" * 5001, "address": {"line1": "x", "country": "DE"}}},
        "shipping.name",
        5000,
    ),
    ("addTaxId", {"type": "eu_vat", "value": "D" * 101}, "value", 100),
    ("cancelSubscription", {"reason": "OTHER", "comment": "c" * 5001}, "comment", 5000),
    ("updateSubscription", {"quantity": 2, "promotionCode": "P" * 501}, "promotionCode", 500),
    ("updateCustomer", {"name": "ok", "clientMutationId": "m" * 201}, "clientMutationId", 200),
]


@pytest.mark.parametrize(("name", "fields", "field", "limit"), TOO_LONG)
async def test_overlong_text_is_refused_naming_the_field(
    gateway: RunningGateway,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
    name: str,
    fields: dict[str, Any],
    field: str,
    limit: int,
) -> None:
    token = await gateway.token_for(world.alice.id)
    if name in ("cancelSubscription", "updateSubscription"):
        fields = {"subscriptionId": world.alice.subscription, **fields}
    customer_before = await stripe_client.v1.customers.retrieve_async(world.alice.id)
    before = await emulator.request_count()
    payload = await mutate(gateway, token, name, **fields)
    assert await emulator.request_count() == before
    assert len(payload["userErrors"]) == 1, payload
    error = payload["userErrors"][0]
    assert error["field"] == field
    assert error["code"] in ("TOO_LONG", "INVALID_INPUT")
    if field != "clientMutationId":
        assert error["code"] == "TOO_LONG"
        assert str(limit) in error["message"]
    customer_after = await stripe_client.v1.customers.retrieve_async(world.alice.id)
    assert customer_after.to_dict() == customer_before.to_dict()
    subscription = await stripe_client.v1.subscriptions.retrieve_async(world.alice.subscription)
    assert not subscription.cancel_at_period_end


async def test_text_at_stripes_limits_is_accepted(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.alice.id)
    payload = await mutate(
        gateway,
        token,
        "updateCustomer",
        name="n" * 256,
        phone="+1 (650) 253 - 00 00",  # 20 characters, stored in E.164
        address={"line1": "l" * 5000, "city": "Berlin", "postalCode": "10115", "country": "DE"},
    )
    assert payload["userErrors"] == [], payload
    customer = await stripe_client.v1.customers.retrieve_async(world.alice.id)
    assert customer.name == "n" * 256
    assert customer.phone == "+16502530000"
    assert customer.address is not None
    assert customer.address.line1 == "l" * 5000


async def test_portal_session_text_is_bounded(
    gateway: RunningGateway, world: World, emulator: RunningEmulator
) -> None:
    query = document("createPortalSession", "session { id }")
    cases: list[tuple[dict[str, Any], str, int]] = [
        ({"returnUrl": "https://acme.example/" + "a" * 5000}, "returnUrl", 5000),
        (
            {
                "flowData": {
                    "type": "PAYMENT_METHOD_UPDATE",
                    "afterCompletion": {
                        "type": "HOSTED_CONFIRMATION",
                        "customMessage": "m" * 501,
                    },
                }
            },
            "flowData.afterCompletion.customMessage",
            500,
        ),
    ]
    for fields, field, limit in cases:
        before = await emulator.request_count()
        result = await gateway.admin(query, {"input": {"customer": world.alice.id, **fields}})
        payload = result.ok()["createPortalSession"]
        assert payload["session"] is None
        assert payload["userErrors"][0]["code"] == "TOO_LONG"
        assert payload["userErrors"][0]["field"] == field
        assert str(limit) in payload["userErrors"][0]["message"]
        assert await emulator.request_count() == before
