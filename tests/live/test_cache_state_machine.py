"""Random sequences of changes against the webhook-maintained cache: the customer acts
through the gateway, the business acts directly in Stripe (through the SDK), and events
already delivered arrive again, late and out of order. After every step, once the emulator
has delivered every webhook:

- An answer is the truth in Stripe: the overview read through instance B (its cache kept
  by the webhooks delivered to A, and by the gateway's own writes) shows what Stripe holds,
  read through the SDK, next invoice amounts included.
- A repeat visit costs Stripe nothing: the same overview again sends no Stripe request
  and answers the same.

Steps do not wait for each other's webhooks, so deliveries race the next change. Runs on
one instance (`memory`) and on two sharing a real Redis (`redis`). Hypothesis drives the
machine from a worker thread; each step runs on the test's event loop, where the emulator
and the gateways serve. `CACHE_MACHINE_EXAMPLES` raises the number of examples locally.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import stripe
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from tests.api.mutation_calls import mutate
from tests.live.instances import settled
from tests.live.test_cache_after_writes import shown, truth
from tests.live.test_cache_by_webhooks import deliver, overview, stripe_requests

if TYPE_CHECKING:
    from collections.abc import Coroutine

    from tests.conftest import RunningEmulator
    from tests.live.instances import Pair
    from tests.support.world import World

EXAMPLES = int(os.environ.get("CACHE_MACHINE_EXAMPLES", "30"))
STEPS = 20
STEP_SECONDS = 60.0
NAMES = st.sampled_from(["Ada", "Ada Lovelace", "Grace Hopper"])
QUANTITIES = st.integers(1, 4)
# Valid EU VAT numbers (the emulator checks the format), and one it refuses.
VAT_NUMBERS = st.sampled_from(["DE123456788", "DE234567894", "not a vat"])
CARDS = st.sampled_from(["pm_card_mastercard", "pm_card_amex"])
# Which of the cards, tax IDs or events Stripe holds at that moment (drawn before they are
# known: what Stripe holds differs between runs of one example).
PICK = st.integers(0, 1_000)
CUSTOMER, BUSINESS = "customer through the gateway", "business in Stripe"
BY = st.sampled_from([CUSTOMER, BUSINESS])
DAY = 86_400
# A fixed start keeps every amount reproducible; each customer has its own test clock, so
# its events carry the clock's time and time passes only when a rule moves it.
START = 1_772_442_000  # 2026-03-02 09:00 UTC


@dataclass(frozen=True)
class Setup:
    loop: asyncio.AbstractEventLoop
    pair: Pair
    world: World
    emulator: RunningEmulator
    client: stripe.StripeClient


def related(event: dict[str, Any], customer: str) -> bool:
    found = event["data"]["object"]
    return bool(found.get("id") == customer or found.get("customer") == customer)


class CacheMachine(RuleBasedStateMachine):
    setup: ClassVar[Setup]

    def __init__(self) -> None:
        super().__init__()
        self.customer = ""
        self.sub = ""
        self.token = ""
        self.clock = ""

    def run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        future = asyncio.run_coroutine_threadsafe(coroutine, self.setup.loop)
        return future.result(timeout=STEP_SECONDS)

    @property
    def client(self) -> stripe.StripeClient:
        return self.setup.client

    def gateway(self, mutation: str, **fields: Any) -> dict[str, Any]:
        """The customer's call through instance B (a refusal is an answer too)."""
        payload: dict[str, Any] = self.run(
            mutate(self.setup.pair.b.gateway, self.token, mutation, **fields)
        )
        return payload

    # -- the account ----------------------------------------------------------------

    @initialize(quantity=QUANTITIES, visit_first=st.booleans())
    def open_account(self, quantity: int, visit_first: bool) -> None:
        """A customer with a card and one subscription; the cache warm or not."""

        async def create() -> tuple[str, str, str, str]:
            clock = await self.client.v1.test_helpers.test_clocks.create_async(
                {"frozen_time": START}
            )
            customer = await self.client.v1.customers.create_async(
                {
                    "test_clock": clock.id,
                    "email": "cache@example.com",
                    "name": "Cache",
                    "payment_method": "pm_card_visa",
                    "invoice_settings": {"default_payment_method": "pm_card_visa"},
                }
            )
            sub = await self.client.v1.subscriptions.create_async(
                {
                    "customer": customer.id,
                    "items": [{"price": self.setup.world.basic_monthly, "quantity": quantity}],
                }
            )
            token = await self.setup.pair.b.gateway.token_for(customer.id)
            if visit_first:
                await overview(self.setup.pair.b, token)
            return clock.id, customer.id, sub.id, token

        self.clock, self.customer, self.sub, self.token = self.run(create())

    # -- changes, by the customer through the gateway or by the business in Stripe ----

    @rule(by=BY, name=NAMES)
    def rename(self, by: str, name: str) -> None:
        if by == CUSTOMER:
            self.gateway("updateCustomer", name=name)
        else:
            self.run(self.client.v1.customers.update_async(self.customer, {"name": name}))

    @rule(by=BY, quantity=QUANTITIES)
    def change_quantity(self, by: str, quantity: int) -> None:
        """Through the portal, more seats take effect now and fewer are queued for the
        period end; the business changes them now."""
        if by == CUSTOMER:
            self.gateway("updateSubscription", subscriptionId=self.sub, quantity=quantity)
            return

        async def change() -> None:
            if (sub := await self.changeable()) is not None:
                item = sub["items"].data[0].id
                await self.client.v1.subscriptions.update_async(
                    self.sub, {"items": [{"id": item, "quantity": quantity}]}
                )

        self.run(change())

    @rule()
    def undo_queued_change(self) -> None:
        self.gateway("undoScheduledChange", subscriptionId=self.sub)

    @rule(by=BY, cancel=st.booleans())
    def cancel_or_renew(self, by: str, cancel: bool) -> None:
        """Cancel at the period end, or take that back."""
        if by == CUSTOMER:
            mutation = "cancelSubscription" if cancel else "renewSubscription"
            self.gateway(mutation, subscriptionId=self.sub)
            return

        async def change() -> None:
            if await self.changeable() is not None:
                await self.client.v1.subscriptions.update_async(
                    self.sub, {"cancel_at_period_end": cancel}
                )

        self.run(change())

    @rule()
    def business_pauses(self) -> None:
        """Stripe's open-ended pause, made by the business (the portal's needs a length)."""

        async def pause() -> None:
            if await self.changeable() is not None:
                with contextlib.suppress(stripe.InvalidRequestError):
                    await self.client.v1.subscriptions.pause_async(self.sub)

        self.run(pause())

    @rule(by=BY)
    def resume(self, by: str) -> None:
        """A paused subscription starts a new period now (and charges it)."""
        if by == CUSTOMER:
            self.gateway("resumeSubscription", subscriptionId=self.sub)
            return
        with contextlib.suppress(stripe.InvalidRequestError):
            self.run(self.client.v1.subscriptions.resume_async(self.sub))

    @rule(pick=PICK)
    def customer_picks_a_default_card(self, pick: int) -> None:
        cards = self.run(self.cards())
        self.gateway("setDefaultPaymentMethod", paymentMethodId=cards[pick % len(cards)])

    @rule(card=CARDS, make_default=st.booleans())
    def business_adds_a_card(self, card: str, make_default: bool) -> None:
        async def add() -> None:
            method = await self.client.v1.payment_methods.attach_async(
                card, {"customer": self.customer}
            )
            if make_default:
                await self.client.v1.customers.update_async(
                    self.customer, {"invoice_settings": {"default_payment_method": method.id}}
                )

        self.run(add())

    @rule(pick=PICK)
    def business_removes_a_card(self, pick: int) -> None:
        cards = self.run(self.cards())
        if len(cards) > 1:
            self.run(self.client.v1.payment_methods.detach_async(cards[pick % len(cards)]))

    @rule(by=BY, value=VAT_NUMBERS)
    def add_tax_id(self, by: str, value: str) -> None:
        if by == CUSTOMER:
            self.gateway("addTaxId", type="eu_vat", value=value)
            return

        async def add() -> None:
            # A number Stripe refuses changes nothing.
            with contextlib.suppress(stripe.InvalidRequestError):
                await self.client.v1.customers.tax_ids.create_async(
                    self.customer, {"type": "eu_vat", "value": value}
                )

        self.run(add())

    @rule(by=BY, pick=PICK)
    def remove_tax_id(self, by: str, pick: int) -> None:
        ids = self.run(self.tax_ids())
        if not ids:
            return
        chosen = ids[pick % len(ids)]
        if by == CUSTOMER:
            self.gateway("removeTaxId", taxIdId=chosen)
        else:
            self.run(self.client.v1.customers.tax_ids.delete_async(self.customer, chosen))

    # -- time -----------------------------------------------------------------------

    @rule(seconds=st.sampled_from([1, 3600, 3 * DAY, 12 * DAY]))
    def time_passes(self, seconds: int) -> None:
        """Later events are newer (and a renewal may invoice and charge)."""

        async def advance() -> None:
            clock = await self.client.v1.test_helpers.test_clocks.retrieve_async(self.clock)
            await self.client.v1.test_helpers.test_clocks.advance_async(
                self.clock, {"frozen_time": clock.frozen_time + seconds}
            )

        self.run(advance())

    # -- Stripe's deliveries --------------------------------------------------------

    @rule(
        picks=st.lists(PICK, min_size=1, max_size=3),
        superseded=st.booleans(),
        retried=st.booleans(),
    )
    def old_events_arrive_again(self, picks: list[int], superseded: bool, retried: bool) -> None:
        """Stripe retries, and does not order, its deliveries. A `retried` event arrives
        again under its own id; otherwise a copy under a new id stands for an event about
        the same state whose delivery was late. `superseded`: the event is about an object
        a later event has changed since."""
        emu = self.setup.emulator.runtime.emu
        mine = [emu.render(e) for e in emu.find("event")]
        mine = [e for e in mine if related(e, self.customer)]
        if superseded:
            newest: dict[str, int] = {}
            for event in mine:
                key = event["data"]["object"]["id"]
                newest[key] = max(newest.get(key, 0), event["created"])
            mine = [e for e in mine if e["created"] < newest[e["data"]["object"]["id"]]]
        if not mine:
            return
        for event in (mine[pick % len(mine)] for pick in picks):
            late = event if retried else {**event, "id": f"evt_late_{uuid.uuid4().hex}"}
            self.run(deliver(self.setup.pair.a, late))

    # -- reading Stripe -------------------------------------------------------------

    async def changeable(self) -> Any:
        """The subscription, when the business can change its items directly (not ended,
        not on a schedule, which owns the items)."""
        sub = await self.client.v1.subscriptions.retrieve_async(self.sub)
        return None if sub.status == "canceled" or sub.schedule is not None else sub

    async def cards(self) -> list[str]:
        methods = await self.client.v1.customers.payment_methods.list_async(
            self.customer, {"limit": 100}
        )
        return sorted(str(m.id) for m in methods.data)

    async def tax_ids(self) -> list[str]:
        found = await self.client.v1.customers.tax_ids.list_async(self.customer, {"limit": 100})
        return sorted(str(t.id) for t in found.data)

    async def next_invoices(self) -> dict[str, int | None]:
        """Each open subscription's next invoice amount, as Stripe previews it."""
        subs = await self.client.v1.subscriptions.list_async({"customer": self.customer})
        amounts: dict[str, int | None] = {}
        for sub in subs.data:
            try:
                preview = await self.client.v1.invoices.create_preview_async(
                    {"subscription": sub.id}
                )
            except stripe.InvalidRequestError:
                amounts[sub.id] = None  # no next invoice (set to cancel)
            else:
                amounts[sub.id] = preview.amount_due
        return amounts

    # -- invariants -----------------------------------------------------------------

    @invariant()
    def the_overview_is_stripe_and_a_repeat_is_free(self) -> None:
        if not self.customer:
            return
        setup = self.setup

        async def check() -> None:
            await settled(setup.emulator.runtime)
            expected = await truth(self.client, self.customer)
            amounts = await self.next_invoices()
            setup.emulator.reset_log()
            first = await overview(setup.pair.b, self.token)
            assert shown(first) == expected, f"shown {shown(first)}\nStripe {expected}"
            shown_amounts = {
                s["id"]: (s["upcomingInvoice"] or {}).get("amountDue")
                for s in first["subscriptions"]
            }
            assert shown_amounts == amounts, f"shown {shown_amounts}, Stripe {amounts}"
            setup.emulator.reset_log()
            again = await overview(setup.pair.b, self.token)
            assert stripe_requests(setup.emulator) == Counter(), "a repeat visit asked Stripe"
            assert again == first

        self.run(check())


async def test_the_cache_shows_stripe_over_random_changes_and_deliveries(
    stripe_webhooks: Pair,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    CacheMachine.setup = Setup(
        asyncio.get_running_loop(), stripe_webhooks, world, emulator, stripe_client
    )
    await asyncio.to_thread(
        run_state_machine_as_test,
        CacheMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            derandomize=True,
            database=None,
            # A failure prints its whole sequence; shrinking replays it for minutes.
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
