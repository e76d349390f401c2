"""Property: a preview equals what Stripe then bills, to the cent and in timing.

Over generated changes (plan, interval, quantity, the moment in the period, a trial or
not, each proration behaviour, `billing_cycle_anchor`, `trial_update_behavior`, changes
scheduled at the period end), the change is previewed, made with the preview's quote, and
Stripe's state is read back through the SDK: the invoice issued now (or none), the next
invoice's amount (Stripe's own preview) and date (the subscription's period end).
Each example is a new customer on its own test clock, moved to a moment in the period
(sometimes after an earlier seat change that left prorations pending or a credit balance).
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.api.mutation_calls import mutate
from tests.api.previewed_billing import (
    DAY,
    advance,
    assert_billed_as_previewed,
    clocked_customer,
    invoice_ids,
    preview,
)
from tests.support.standalone import emulated_stripe

if TYPE_CHECKING:
    from pathlib import Path

    import stripe

    from tests.support.gateway import RunningGateway

EXAMPLES = 120
BEHAVIOURS = ("create_prorations", "always_invoice", "none")
ANCHORS = ("unchanged", "now")
TRIALS = ("end_trial", "continue_trial")
PLANS = (("basic", "month"), ("basic", "year"), ("pro", "month"), ("pro", "year"))
AMOUNTS = {("basic", "month"): 1000, ("basic", "year"): 9600, ("pro", "month"): 2900}
AMOUNTS[("pro", "year")] = 29900


@dataclass(frozen=True)
class Change:
    start: tuple[str, str]
    start_quantity: int
    earlier: str | None
    target: tuple[str, str]
    quantity: int
    trial: bool
    moment: int
    behaviour: str
    anchor: str
    trial_behaviour: str
    schedule: bool

    @property
    def configuration(self) -> str:
        schedule = "sched" if self.schedule else "now"
        return f"{self.behaviour}-{self.anchor}-{self.trial_behaviour}-{schedule}"


# Always tried: the prorations left pending by an earlier change go on the invoice issued
# now, so the next regular invoice is the new plan alone.
PENDING_THEN_ALWAYS_INVOICE = Change(
    start=("basic", "month"),
    start_quantity=1,
    earlier="pending",
    target=("pro", "month"),
    quantity=2,
    trial=False,
    moment=20 * DAY,
    behaviour="always_invoice",
    anchor="unchanged",
    trial_behaviour="end_trial",
    schedule=False,
)


@st.composite
def changes(draw: st.DrawFn) -> Change:
    start = draw(st.sampled_from(PLANS))
    start_quantity = draw(st.integers(1, 4))
    # Earlier in the period: a seat added leaves prorations pending; a seat removed and
    # invoiced at once leaves a credit balance.
    earlier = draw(st.sampled_from([None, "pending", "credit"]))
    if earlier == "credit":
        start_quantity = max(start_quantity, 2)
    current = start_quantity + {None: 0, "pending": 1, "credit": -1}[earlier]
    target = draw(st.sampled_from(PLANS))
    quantity = draw(st.integers(1, 4))
    if (target, quantity) == (start, current):
        quantity = current % 4 + 1
    trial = draw(st.booleans())
    # Inside the trial (14 days), or anywhere in the first monthly period.
    moment = draw(st.integers(60, 13 * DAY if trial else 29 * DAY))
    return Change(
        start=start,
        start_quantity=start_quantity,
        earlier=earlier,
        target=target,
        quantity=quantity,
        trial=trial,
        moment=moment,
        behaviour=draw(st.sampled_from(BEHAVIOURS)),
        anchor=draw(st.sampled_from(ANCHORS)),
        trial_behaviour=draw(st.sampled_from(TRIALS)),
        schedule=draw(st.booleans()),
    )


def _configurations(products: dict[str, str], prices: dict[tuple[str, str], str]) -> list[Any]:
    configurations: list[Any] = []
    for behaviour, anchor, trial, schedule in itertools.product(
        BEHAVIOURS, ANCHORS, TRIALS, (False, True)
    ):
        update: dict[str, Any] = {
            "enabled": True,
            "default_allowed_updates": ["price", "quantity"],
            "proration_behavior": behaviour,
            "trial_update_behavior": trial,
            "billing_cycle_anchor": anchor,
            "products": [
                {
                    "product": products[name],
                    "prices": [prices[(name, "month")], prices[(name, "year")]],
                    "adjustable_quantity": {"enabled": True, "minimum": 1, "maximum": 10},
                }
                for name in ("basic", "pro")
            ],
            "schedule_at_period_end": {
                "conditions": [{"type": "decreasing_item_amount"}] if schedule else []
            },
        }
        configurations.append(
            {
                "id": f"{behaviour}-{anchor}-{trial}-{'sched' if schedule else 'now'}",
                "is_default": not configurations,
                "features": {
                    "payment_method_update": {"enabled": True},
                    "subscription_update": update,
                },
            }
        )
    return configurations


async def _catalog(
    client: stripe.StripeClient,
) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    products = {
        name: (await client.v1.products.create_async({"name": name.title()})).id
        for name in ("basic", "pro")
    }
    prices = {}
    for (name, interval), amount in AMOUNTS.items():
        price = await client.v1.prices.create_async(
            {
                "product": products[name],
                "unit_amount": amount,
                "currency": "usd",
                "recurring": {"interval": interval},
            }
        )
        prices[(name, interval)] = price.id
    return products, prices


async def _holds(
    client: stripe.StripeClient,
    gateway: RunningGateway,
    prices: dict[tuple[str, str], str],
    change: Change,
    seen: Counter[str],
) -> None:
    clocked = await clocked_customer(
        client,
        prices[change.start],
        quantity=change.start_quantity,
        trial_days=14 if change.trial else 0,
    )
    if change.earlier is not None:
        await advance(client, clocked, change.moment // 2)
        sub = await client.v1.subscriptions.retrieve_async(clocked.subscription)
        item = sub["items"].data[0].id
        credit = change.earlier == "credit"
        await client.v1.subscriptions.update_async(
            clocked.subscription,
            {
                "items": [{"id": item, "quantity": change.start_quantity + (-1 if credit else 1)}],
                "proration_behavior": "always_invoice" if credit else "create_prorations",
            },
        )
    await advance(client, clocked, change.moment)
    token = await gateway.token_for(clocked.customer, configuration=change.configuration)
    fields: dict[str, Any] = {
        "subscriptionId": clocked.subscription,
        "priceId": prices[change.target],
        "quantity": change.quantity,
    }
    payload = await preview(gateway, token, **fields)
    assert payload["userErrors"] == [], (change, payload)
    shown = payload["preview"]
    before = await invoice_ids(client, clocked.customer)
    done = await mutate(gateway, token, "updateSubscription", **fields, quote=shown["quote"])
    assert done["userErrors"] == [], (change, done)
    await assert_billed_as_previewed(client, clocked.customer, clocked.subscription, shown, before)
    seen["examples"] += 1
    for kind in ("invoicedNow", "scheduled", "endsTrial"):
        seen[kind] += bool(shown[kind])
    seen["prorated later"] += bool(
        not shown["invoicedNow"] and not shown["scheduled"] and shown["prorationLines"]
    )


def test_a_preview_is_what_stripe_then_bills(tmp_path: Path) -> None:
    asyncio.run(_run(tmp_path))


async def _run(tmp_path: Path) -> None:
    async with emulated_stripe(tmp_path) as (factory, client):
        products, prices = await _catalog(client)
        gateway = await factory.start(
            _configurations(products, prices),
            rate_limit_per_second=0,
            admin_rate_limit_per_second=0,
        )
        loop = asyncio.get_running_loop()
        seen: Counter[str] = Counter()

        def holds(change: Change) -> None:
            future = asyncio.run_coroutine_threadsafe(
                _holds(client, gateway, prices, change, seen), loop
            )
            future.result(timeout=120)

        check = settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )(example(change=PENDING_THEN_ALWAYS_INVOICE)(given(change=changes())(holds)))
        await asyncio.to_thread(check)
        print(f"previews checked against Stripe: {dict(seen)}")
        # Every kind of timing came up at least once.
        assert seen["examples"] >= EXAMPLES // 2, seen
        assert all(seen[kind] for kind in ("invoicedNow", "scheduled", "endsTrial")), seen
        assert seen["prorated later"], seen
