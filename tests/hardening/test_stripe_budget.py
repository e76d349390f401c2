"""Stripe calls are a budget: a cap per request, and rate limits charged per Stripe call (per
access token, per admin key, per customer). Stripe limits the whole account, so one token
must not be able to spend it: counted here from the emulator's request log and Stripe's
state read through the SDK, not from the gateway's answers alone."""

from __future__ import annotations

import secrets
import string
from typing import TYPE_CHECKING, Any

from tests.support.gateway import Result

if TYPE_CHECKING:
    import stripe

    from tests.conftest import RunningEmulator
    from tests.support.gateway import GatewayFactory
    from tests.support.world import World

ALIASES = 15
BATCH = 5
# Lower-case made-up ids (no digit, no capital): each is a distinct Stripe read.
LETTERS = string.ascii_lowercase


def made_up_invoice_id() -> str:
    return "in_" + "".join(secrets.choice(LETTERS) for _ in range(14))


def aliased_invoices() -> str:
    fields = " ".join(
        f'i{n}: invoice(id: "{made_up_invoice_id()}") {{ id }}' for n in range(ALIASES)
    )
    return f"{{ {fields} }}"


async def post_batch(
    gateway: Any, token: str, documents: list[str]
) -> tuple[int, list[dict[str, Any]]]:
    async with gateway.http.post(
        f"{gateway.url}/graphql",
        json=[{"query": d} for d in documents],
        headers={"Authorization": f"Bearer {token}"},
    ) as response:
        return response.status, await response.json()


def codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors") or []]


async def test_a_request_makes_at_most_its_cap_of_stripe_calls(
    gateway_factory: GatewayFactory, world: World, emulator: RunningEmulator
) -> None:
    # Defaults: only the rate limits' buckets are widened, so the cap alone is measured.
    gateway = await gateway_factory.start(
        world.configurations(), stripe_calls_burst=10_000, customer_stripe_calls_burst=10_000
    )
    cap = gateway.settings.max_stripe_calls_per_request
    token = await gateway.token_for(world.alice.id)
    before = await emulator.request_count()
    status, answers = await post_batch(gateway, token, [aliased_invoices() for _ in range(BATCH)])
    sent = await emulator.request_count() - before
    # 75 made-up invoices asked for; the cap's worth were looked up, the rest refused unsent.
    assert status == 200
    assert sent == cap, sent
    all_codes = [code for answer in answers for code in codes(answer)]
    assert all_codes == ["TOO_MANY_STRIPE_CALLS"] * (BATCH * ALIASES - cap)
    # The ones looked up answer like any missing invoice: null, no error.
    looked_up = [v for answer in answers for v in (answer.get("data") or {}).values()]
    assert looked_up.count(None) == BATCH * ALIASES
    refusal = next(
        e
        for answer in answers
        for e in answer.get("errors") or []
        if e["extensions"]["code"] == "TOO_MANY_STRIPE_CALLS"
    )
    assert str(cap) in refusal["message"]
    assert refusal["path"][0].startswith("i")


async def test_reads_from_the_cache_cost_nothing(
    gateway_factory: GatewayFactory, world: World, emulator: RunningEmulator
) -> None:
    gateway = await gateway_factory.start(
        world.configurations(), max_stripe_calls_per_request=3, stripe_calls_burst=10_000
    )
    token = await gateway.token_for(world.alice.id)
    invoice = world.alice.invoices[0]
    fields = " ".join(f'i{n}: invoice(id: "{invoice}") {{ id }}' for n in range(ALIASES))
    # The first read fills the cache; the aliases and the repeats read it.
    for _ in range(3):
        data = (await gateway.post(f"{{ {fields} }}", token=token)).ok()
        assert all(value["id"] == invoice for value in data.values())
    assert (
        sum(1 for e in emulator.runtime.log.entries if e["path"].endswith(f"/invoices/{invoice}"))
        == 1
    )


async def test_each_stripe_call_spends_the_tokens_bucket(
    gateway_factory: GatewayFactory, world: World, emulator: RunningEmulator
) -> None:
    burst = 12
    gateway = await gateway_factory.start(
        world.configurations(), stripe_calls_per_second=0.01, stripe_calls_burst=burst
    )
    token = await gateway.token_for(world.alice.id)
    before = await emulator.request_count()
    answers: list[dict[str, Any]] = []
    # Well within the operation rate limit (one operation per request), far over the calls'.
    for _ in range(4):
        answers.append((await gateway.post(aliased_invoices(), token=token)).body)
    sent = await emulator.request_count() - before
    assert sent == burst, sent
    all_codes = [code for answer in answers for code in codes(answer)]
    assert all_codes.count("RATE_LIMITED") == 4 * ALIASES - burst
    refusal = next(
        e
        for answer in answers
        for e in answer["errors"]
        if e["extensions"]["code"] == "RATE_LIMITED"
    )
    assert refusal["extensions"]["retryAfter"] >= 1
    # Another customer's token has its own buckets.
    other = await gateway.token_for(world.bob.id)
    assert (await gateway.post("{ customer { id } }", token=other)).ok()


async def test_aliased_writes_are_charged_per_call(
    gateway_factory: GatewayFactory,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    burst = 6
    gateway = await gateway_factory.start(
        world.configurations(), stripe_calls_per_second=0.01, stripe_calls_burst=burst
    )
    token = await gateway.token_for(world.alice.id)
    before = len(emulator.runtime.log.entries)
    fields = " ".join(
        f"s{n}: createSetupIntent(input: {{}}) {{ setupIntent {{ id }} userErrors {{ code }} }}"
        for n in range(ALIASES)
    )
    result = await gateway.post(f"mutation {{ {fields} }}", token=token)
    assert result.status == 200, result.body
    created = [p for p in result.data.values() if p["setupIntent"] is not None]
    refused = [p for p in result.data.values() if p["userErrors"]]
    # The bucket's tokens paid for the reads and the first writes; the rest were refused.
    sent = emulator.runtime.log.entries[before:]
    writes = [e for e in sent if e["method"] == "POST" and e["path"] == "/v1/setup_intents"]
    assert len(sent) == burst
    assert 0 < len(created) == len(writes) < burst
    assert len(refused) == ALIASES - len(created)
    assert {e["code"] for p in refused for e in p["userErrors"]} == {"RATE_LIMITED"}
    intents = await stripe_client.v1.setup_intents.list_async({"customer": world.alice.id})
    assert len(intents.data) == len(created)


async def test_the_customer_bucket_is_shared_by_all_its_tokens(
    gateway_factory: GatewayFactory, world: World, emulator: RunningEmulator
) -> None:
    burst = 10
    gateway = await gateway_factory.start(
        world.configurations(),
        customer_stripe_calls_per_second=0.01,
        customer_stripe_calls_burst=burst,
    )
    tokens = [await gateway.token_for(world.alice.id) for _ in range(3)]
    before = await emulator.request_count()
    for token in tokens:
        await gateway.post(aliased_invoices(), token=token)
    assert await emulator.request_count() - before == burst
    # The admin key acting for Alice spends her bucket too.
    answer = await gateway.admin("{ invoices { nodes { id } } }", customer=world.alice.id)
    assert Result(answer.status, answer.body).error_codes == ["RATE_LIMITED"]
    assert await emulator.request_count() - before == burst


async def test_a_change_is_refused_whole_or_finished(
    gateway_factory: GatewayFactory,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    """Making a card the default reads, writes the customer, then repoints the subscription
    that carried the old card: the cap may refuse the change before its first write, never
    between its writes."""
    sub = world.bob.subscription
    await stripe_client.v1.subscriptions.update_async(
        sub, {"default_payment_method": world.bob.card}
    )
    spare = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_mastercard", {"customer": world.bob.id}
    )
    mutation = """mutation($id: ID!) {
        setDefaultPaymentMethod(input: {paymentMethodId: $id}) {
          updatedSubscriptionIds userErrors { code field }
        }
      }"""

    async def stripe_defaults() -> tuple[str | None, str | None]:
        customer = await stripe_client.v1.customers.retrieve_async(world.bob.id)
        subscription = await stripe_client.v1.subscriptions.retrieve_async(sub)
        default = (
            customer.invoice_settings.default_payment_method if customer.invoice_settings else None
        )
        return default, subscription.default_payment_method  # type: ignore[return-value]

    # A cap of 1 leaves room for the read only: refused whole, nothing written.
    tight = await gateway_factory.start(world.configurations(), max_stripe_calls_per_request=1)
    token = await tight.token_for(world.bob.id)
    before = await stripe_defaults()
    payload = (await tight.post(mutation, {"id": spare.id}, token=token)).ok()
    assert [e["code"] for e in payload["setDefaultPaymentMethod"]["userErrors"]] == [
        "TOO_MANY_STRIPE_CALLS"
    ]
    assert await stripe_defaults() == before

    # A cap of 2 leaves room for the read and the first write: the second write follows.
    roomy = await gateway_factory.start(world.configurations(), max_stripe_calls_per_request=2)
    token = await roomy.token_for(world.bob.id)
    emulator.reset_log()
    payload = (await roomy.post(mutation, {"id": spare.id}, token=token)).ok()
    assert payload["setDefaultPaymentMethod"] == {"updatedSubscriptionIds": [sub], "userErrors": []}
    assert len(emulator.runtime.log.entries) == 3
    assert await stripe_defaults() == (spare.id, spare.id)


async def test_the_answer_to_a_change_is_budgeted_like_a_read(
    gateway_factory: GatewayFactory,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    """Once the change is made, what its payload asks for is capped again: the preview the
    answer wants is refused, the cancel itself stands."""
    gateway = await gateway_factory.start(world.configurations(), max_stripe_calls_per_request=2)
    token = await gateway.token_for(world.bob.id)
    emulator.reset_log()
    result = await gateway.post(
        """mutation($id: ID!) {
             cancelSubscription(input: {subscriptionId: $id}) {
               subscription { cancelAtPeriodEnd upcomingInvoice { total } } userErrors { code }
             }
           }""",
        {"id": world.bob.subscription},
        token=token,
    )
    payload = result.data["cancelSubscription"]
    assert payload["userErrors"] == []
    assert payload["subscription"]["cancelAtPeriodEnd"] is True
    assert payload["subscription"]["upcomingInvoice"] is None
    assert result.error_codes == ["TOO_MANY_STRIPE_CALLS"]
    assert [e["method"] for e in emulator.runtime.log.entries] == ["GET", "POST"]
    subscription = await stripe_client.v1.subscriptions.retrieve_async(world.bob.subscription)
    assert subscription.cancel_at_period_end is True
