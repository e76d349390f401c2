"""Random sequences of portal actions and test-clock advances, judged after every step by
what Stripe holds (read through the SDK), against a served gateway and the emulator.

Each example is a new customer on a new test clock with one subscription, acting through
a portal session of one of three configurations. Invariants:

- Nobody is stuck: every subscription that has not ended offers at least one action.
- An answer is the truth in Stripe: a mutation answered with userErrors changed nothing
  at Stripe (also when Stripe failed or the answer was lost), and what the gateway shows
  is what Stripe holds.
- The customer is charged what they were shown: a change charges exactly what its
  preview said, now or on the next invoice; a renewal charges what the next invoice
  showed before the clock moved; nothing else is charged.
- A retried mutation (the same clientMutationId) never applies twice.
- Someone else's object reads exactly like a missing one, and stays untouched.

`INVARIANT_EXAMPLES` (default 20) raises the number of examples for a longer local run;
`INVARIANT_SHRINK=1` shrinks a failing sequence to a minimal one (slow).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests.api.mutation_calls import document
from tests.api.previewed_billing import clocked_customer
from tests.invariants import portal_calls
from tests.invariants.portal_calls import Answer, Call
from tests.invariants.stack import CONFIGURATION_IDS, Stack, open_stack
from tests.invariants.stripe_state import StripeState, read_stripe

if TYPE_CHECKING:
    from collections.abc import Coroutine, Iterator

DAY = 86_400
# A fixed start keeps every amount reproducible (proration is per second).
START = 1_772_442_000  # 2026-03-02 09:00 UTC
EXAMPLES = int(os.environ.get("INVARIANT_EXAMPLES", "20"))
STEPS = 20
# Shrinking replays hundreds of sequences of served requests (minutes); a failure already
# prints its whole sequence. `INVARIANT_SHRINK=1` shrinks it to a minimal one.
PHASES = [Phase.explicit, Phase.reuse, Phase.generate]
if os.environ.get("INVARIANT_SHRINK"):
    PHASES.append(Phase.shrink)

# Emulator faults on the writes a portal action makes: the request fails before Stripe
# applies it (500, dropped), or Stripe applies it and the answer is lost (drop_after).
WRITES = (
    r"/v1/(subscriptions|subscription_schedules|customers|payment_methods)(/.*)?"
    r"|/v1/invoices/[^/]+/pay"
)
FAULT_TARGETS = {
    # Every write the action makes (so its first one).
    "first write": [("POST", WRITES), ("DELETE", WRITES)],
    # The second write of a change queued for the period end (its schedule's phases).
    "schedule phases": [("POST", r"/v1/subscription_schedules/[^/]+")],
}
PLANS = st.sampled_from([None, "basic_monthly", "basic_yearly", "pro_monthly"])
QUANTITIES = st.sampled_from([None, 1, 2, 4])
FAULT_ACTIONS = [
    "cancel",
    "renew",
    "pause",
    "resume",
    "quantity",
    "switch",
    "tax",
    "card",
    "pay",
    "undo",
]
FAULT_OUTCOMES = {"500": "rate_500", "drop": "rate_drop", "drop_after": "rate_drop_after"}


def iso(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat()


def stamp(value: str | None) -> int | None:
    return int(datetime.fromisoformat(value).timestamp()) if value else None


class PortalMachine(RuleBasedStateMachine):
    stack: ClassVar[Stack]

    def __init__(self) -> None:
        super().__init__()
        self.customer = ""
        self.clock = ""
        self.sub = ""
        self.token = ""
        self.config = ""
        self.counter = 0
        # Calls that succeeded with a clientMutationId: a client may resend any of them.
        self.retryable: list[Answer] = []
        self.latest: StripeState | None = None

    # -- plumbing -------------------------------------------------------------------

    def run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        return self.stack.run(coroutine)

    def stripe_state(self) -> StripeState:
        async def read() -> StripeState:
            await self.stack.settled()
            return await read_stripe(self.stack.stripe, self.customer)

        state: StripeState = self.run(read())
        # Every rule that changes Stripe reads it last, so the invariants can reuse this.
        self.latest = state
        return state

    def now(self) -> int:
        clock = self.run(self.stack.stripe.v1.test_helpers.test_clocks.retrieve_async(self.clock))
        return int(clock.frozen_time)

    def next_id(self) -> str:
        self.counter += 1
        return f"call-{self.counter}"

    def perform(self, call: Call, faults: list[dict[str, Any]] | None = None) -> Answer:
        """Send `call` (under injected `faults`); a refusal or failure must change nothing."""
        before = self.stripe_state()
        if faults:
            self.stack.faults(faults)
        try:
            answer: Answer = self.run(portal_calls.send(self.stack.gateway, self.token, call))
        finally:
            self.stack.faults([])
        after = self.stripe_state()
        if not answer.ok:
            assert after == before, (
                f"{call.describe()} answered {answer.payload['userErrors']} but Stripe "
                f"changed:\nbefore {before.describe()}\nafter  {after.describe()}"
            )
        else:
            if "clientMutationId" in call.fields:
                self.retryable.append(answer)
            answered = answer.payload.get("subscription")
            if answered is not None:
                self.check_shown_as_stripe(answered, after, f"{call.describe()} answered")
        self.before, self.after = before, after
        return answer

    def shown(self) -> dict[str, Any] | None:
        found: dict[str, Any] | None = self.run(
            portal_calls.subscription(self.stack.gateway, self.token, self.sub)
        )
        return found

    def check_shown_as_stripe(self, seen: dict[str, Any], state: StripeState, who: str) -> None:
        """What the gateway shows of a subscription is what Stripe holds."""
        sub = state.subscriptions[seen["id"]]
        context = f"{who} {seen}\nStripe {state.describe()}"
        assert seen["status"] == sub.status.upper(), context
        assert seen["cancelAtPeriodEnd"] == sub.cancel_at_period_end, context
        items = [(i["price"]["id"], i["quantity"]) for i in seen["items"]]
        assert items == list(sub.items), context
        assert seen["isPaused"] == (sub.pause is not None or sub.status == "paused"), context
        resumes = [s.resumes_at for s in state.active_schedules(sub.id) if s.resumes_at is not None]
        shown_resume = seen.get("resumesAt")
        if "resumesAt" not in seen:
            pass
        elif sub.status == "paused" and resumes:
            # The date Stripe resumes it is the one shown (an open-ended pause shows none).
            assert shown_resume is not None, context
            assert stamp(shown_resume) == resumes[0], context
        else:
            assert shown_resume is None, context
        now = state.now
        queued = [
            phase
            for schedule in state.active_schedules(sub.id)
            for phase in schedule.phases
            if phase[0] > now
        ]
        change = seen["scheduledChange"]
        if change is None:
            assert not queued, f"a queued change is not shown: {context}"
        else:
            assert queued, f"a change is shown that Stripe has not queued: {context}"
            if "availableActions" in seen:
                assert "UNDO_SCHEDULED_CHANGE" in seen["availableActions"], (
                    f"a queued change cannot be undone: {context}"
                )
            effective = stamp(change["effectiveAt"])
            items_after = tuple((i["priceId"], i["quantity"]) for i in change["items"])
            assert (effective, items_after) in {(p[0], p[2]) for p in queued}, context

    # -- the account ----------------------------------------------------------------

    @initialize(
        config=st.sampled_from(CONFIGURATION_IDS),
        plan=st.sampled_from(["basic_monthly", "basic_yearly", "pro_monthly"]),
        quantity=st.integers(1, 3),
        trial=st.booleans(),
        own_card=st.booleans(),
    )
    def open_account(
        self, config: str, plan: str, quantity: int, trial: bool, own_card: bool
    ) -> None:
        """A customer with a card; the subscription charges it as the customer's default, or
        names it as its own (which setting another default must repoint)."""
        world = self.stack.world
        price = getattr(world, plan)
        if plan == "pro_monthly":
            quantity = 1  # Pro's quantity is not adjustable
        self.config = config

        async def create() -> tuple[str, str, str, str]:
            account = await clocked_customer(
                self.stack.stripe,
                price,
                quantity=quantity,
                trial_days=14 if trial else 0,
                start=START,
                email="machine@example.com",
                name="Machine",
                own_card=own_card,
            )
            token = await self.stack.gateway.token_for(account.customer, configuration=config)
            return account.clock, account.customer, account.subscription, token

        self.clock, self.customer, self.sub, self.token = self.run(create())

    # -- subscription changes -------------------------------------------------------

    @rule(plan=PLANS, quantity=QUANTITIES)
    def change_now(self, plan: str | None, quantity: int | None) -> None:
        """Preview a switch or quantity change and make it, when it takes effect now (or the
        portal refuses it)."""
        self.preview_then_update(plan, quantity, scheduled=False)

    @rule(plan=PLANS, quantity=QUANTITIES)
    def queue_change(self, plan: str | None, quantity: int | None) -> None:
        """Preview a change and make it, when the portal queues it for the period end."""
        self.preview_then_update(plan, quantity, scheduled=True)

    def preview_then_update(self, plan: str | None, quantity: int | None, scheduled: bool) -> None:
        fields: dict[str, Any] = {"subscriptionId": self.sub}
        if plan is not None:
            fields["priceId"] = getattr(self.stack.world, plan)
        if quantity is not None:
            fields["quantity"] = quantity
        shown = self.run(portal_calls.preview(self.stack.gateway, self.token, fields))
        preview = shown["preview"]
        if preview is not None and preview["scheduled"] != scheduled:
            return
        call_fields = {**fields, "clientMutationId": self.next_id()}
        if preview is not None:
            call_fields["quote"] = preview["quote"]
        answer = self.perform(Call("updateSubscription", call_fields))
        if preview is None:
            assert not answer.ok, (
                f"the preview of {fields} was refused ({shown['userErrors']}) "
                "but the update went through"
            )
            return
        assert answer.ok, (
            f"the preview of {fields} was shown but the update was refused: "
            f"{answer.payload['userErrors']}"
        )
        self.check_charged_as_previewed(preview)

    def check_charged_as_previewed(self, preview: dict[str, Any]) -> None:
        """The change charged what its preview said: now (amount and moment), as prorations
        for the next invoice, and on the next invoice (amount and date)."""
        before, after = self.before, self.after
        now = after.now
        new = [i for i in after.new_invoices(before) if i.subscription == self.sub]
        charged = [i for i in new if i.charged]
        pending = sum(amount for _id, sub, amount in after.new_pending(before) if sub == self.sub)
        sub = after.subscriptions[self.sub]
        context = f"preview {preview}\nStripe after the change: {after.describe()}"
        if preview["scheduled"]:
            assert not new, f"a change shown for the period end invoiced now: {new}\n{context}"
            assert pending == 0, f"a change shown for the period end prorated now\n{context}"
            assert preview["amountDueNow"] == 0, context
            [schedule] = after.active_schedules(self.sub)
            starts = {phase[0]: phase[2] for phase in schedule.phases}
            effective = stamp(preview["effectiveAt"])
            assert effective in starts, f"no phase starts at {effective}\n{context}"
            assert starts[effective] == ((preview["priceId"], preview["quantity"]),), context
        else:
            assert stamp(preview["effectiveAt"]) == now, (
                f"shown as taking effect at {preview['effectiveAt']}, made at {iso(now)}\n{context}"
            )
            assert sub.items == ((preview["priceId"], preview["quantity"]),), context
            trialing = before.subscriptions[self.sub].status == "trialing"
            assert (sub.status == "trialing") == (trialing and not preview["endsTrial"]), (
                f"the preview said the trial {'ends' if preview['endsTrial'] else 'goes on'}"
                f"\n{context}"
            )
            if preview["invoicedNow"]:
                assert [(i.amount_due, i.created) for i in charged] == [
                    (preview["amountDueNow"], now)
                ], f"shown as {preview['amountDueNow']} now, charged {charged}\n{context}"
            else:
                assert not charged, (
                    f"shown as due on the next invoice, but charged now: {charged}\n{context}"
                )
                assert preview["amountDueNow"] == 0, context
                assert pending == preview["prorationAmount"], (
                    f"prorations {pending} at Stripe, {preview['prorationAmount']} shown\n{context}"
                )
        if sub.cancel_at_period_end:
            return
        shown = self.shown() or {}
        upcoming = shown.get("upcomingInvoice")
        expected = preview["nextInvoice"]
        assert upcoming is not None, f"no next invoice shown after the change\n{context}"
        assert upcoming["amountDue"] == expected["amountDue"], (
            f"next invoice shows {upcoming['amountDue']}, the preview said "
            f"{expected['amountDue']}\n{context}"
        )
        assert stamp(expected["date"]) == sub.period_end, (
            f"the preview dated the next invoice {expected['date']}, Stripe issues it at "
            f"{iso(sub.period_end)}\n{context}"
        )

    @rule(reason=st.sampled_from([None, "TOO_EXPENSIVE", "UNUSED", "OTHER"]), comment=st.booleans())
    def cancel(self, reason: str | None, comment: bool) -> None:
        fields: dict[str, Any] = {"subscriptionId": self.sub, "clientMutationId": self.next_id()}
        if reason is not None:
            fields["reason"] = reason
        if comment:
            fields["comment"] = "Moving to another tool"
        answer = self.perform(Call("cancelSubscription", fields))
        if answer.ok:
            sub = self.after.subscriptions[self.sub]
            if self.config == "full":
                assert sub.cancel_at_period_end, sub
                assert sub.status != "canceled", sub
            else:
                assert sub.status == "canceled", sub
                charged = [i for i in self.after.new_invoices(self.before) if i.charged]
                assert not charged, f"canceling charged {charged}"

    @rule()
    def renew(self) -> None:
        self.perform(
            Call(
                "renewSubscription",
                {"subscriptionId": self.sub, "clientMutationId": self.next_id()},
            )
        )

    @rule()
    def undo_queued_change(self) -> None:
        fields = {"subscriptionId": self.sub, "clientMutationId": self.next_id()}
        answer = self.perform(Call("undoScheduledChange", fields))
        if answer.ok:
            assert not self.after.active_schedules(self.sub), self.after.describe()
            before = self.before.subscriptions[self.sub]
            assert self.after.subscriptions[self.sub].items == before.items, self.after.describe()

    @rule(length=st.sampled_from([("WEEK", 1), ("MONTH", 1), ("WEEK", 2), ("DAY", 3), ("YEAR", 9)]))
    def pause(self, length: tuple[str, int]) -> None:
        """Only the configured lengths (a week, a month) pause; Stripe resumes at their end."""
        interval, count = length
        fields = {
            "subscriptionId": self.sub,
            "pauseFor": {"interval": interval, "intervalCount": count},
            "clientMutationId": self.next_id(),
        }
        answer = self.perform(Call("pauseSubscription", fields))
        offered = length in (("WEEK", 1), ("MONTH", 1))
        if answer.ok:
            assert offered, length
            assert self.after.subscriptions[self.sub].status == "paused", self.after.describe()
            schedules = self.after.active_schedules(self.sub)
            assert [s.resumes_at is not None for s in schedules] == [True], self.after.describe()
        elif not offered:
            assert answer.codes, answer.payload

    @rule()
    def resume(self) -> None:
        fields = {"subscriptionId": self.sub, "clientMutationId": self.next_id()}
        answer = self.perform(Call("resumeSubscription", fields))
        if answer.ok:
            sub = self.after.subscriptions[self.sub]
            assert sub.pause is None, sub
            assert sub.status != "paused", sub
            # No resume date is left to act again.
            assert all(s.resumes_at is None for s in self.after.active_schedules(self.sub))

    @rule()
    def preview_then_resume(self) -> None:
        """Resume as the reference portal does: preview, then resume with the quote. The
        resume invoices exactly what was shown, now, and the new period ends when shown."""
        shown = self.run(portal_calls.preview_resume(self.stack.gateway, self.token, self.sub))
        preview = shown["preview"]
        fields = {"subscriptionId": self.sub, "clientMutationId": self.next_id()}
        if preview is not None:
            fields["quote"] = preview["quote"]
        answer = self.perform(Call("resumeSubscription", fields))
        if preview is None:
            assert not answer.ok, (
                f"resuming was refused in preview ({shown['userErrors']}) but went through"
            )
            return
        new = [i for i in self.after.new_invoices(self.before) if i.subscription == self.sub]
        context = f"preview {preview}\nanswer {answer.payload}\n{self.after.describe()}"
        if not preview["invoicedNow"]:
            assert answer.ok, context
            assert not new, f"shown as charging nothing, invoiced {new}\n{context}"
            return
        # Whether the payment went through or not, the invoice asks what was shown.
        assert [(i.amount_due, i.created) for i in new] == [
            (preview["amountDueNow"], self.after.now)
        ], f"shown as {preview['amountDueNow']} now, invoiced {new}\n{context}"
        if answer.ok:
            sub = self.after.subscriptions[self.sub]
            assert sub.period_end == stamp(preview["periodEnd"]), context

    # -- payment methods and tax IDs ------------------------------------------------

    @rule(failing=st.booleans())
    def use_new_card(self, failing: bool) -> None:
        """The customer saves a card (Stripe.js attaches it) and makes it the default."""
        token = "pm_card_chargeCustomerFail" if failing else "pm_card_visa"
        card = self.run(
            self.stack.stripe.v1.payment_methods.attach_async(token, {"customer": self.customer})
        )
        answer = self.perform(
            Call(
                "setDefaultPaymentMethod",
                {"paymentMethodId": card.id, "clientMutationId": self.next_id()},
            )
        )
        if answer.ok:
            assert self.after.default_payment_method == card.id
            repointed = [
                sub.id
                for sub in self.after.subscriptions.values()
                if sub.default_payment_method
                != self.before.subscriptions[sub.id].default_payment_method
            ]
            assert sorted(answer.payload["updatedSubscriptionIds"]) == sorted(repointed)
            for sub in self.after.live():
                assert sub.default_payment_method in (None, card.id), sub

    @rule(card=st.sampled_from(["default", "new card", "failing card"]))
    def pay_invoice(self, card: str) -> None:
        """The customer pays the subscription's latest invoice (what a past-due banner
        offers), with the card Stripe would charge or one they add now."""
        state = self.stripe_state()
        latest = state.subscriptions[self.sub].latest_invoice
        if latest is None:
            return
        shown = self.run(portal_calls.invoice(self.stack.gateway, self.token, latest))
        fields: dict[str, Any] = {"invoiceId": latest, "clientMutationId": self.next_id()}
        if card != "default":
            token = "pm_card_visa" if card == "new card" else "pm_card_chargeCustomerFail"
            added = self.run(
                self.stack.stripe.v1.payment_methods.attach_async(
                    token, {"customer": self.customer}
                )
            )
            fields["paymentMethodId"] = added.id
        answer = self.perform(Call("payInvoice", fields))
        if not answer.ok:
            return
        assert shown is not None, latest
        assert "PAY" in shown["availableActions"], f"paid an invoice not offered for it: {shown}"
        [paid] = [i for i in self.after.invoices if i.id == latest]
        assert paid.status == "paid", paid
        before = next(i for i in self.before.invoices if i.id == latest)
        assert paid.amount_paid - before.amount_paid == shown["amountRemaining"], (
            f"charged {paid.amount_paid - before.amount_paid}, shown {shown}"
        )
        assert answer.payload["invoice"]["status"] == "PAID", answer.payload

    @rule(value=st.sampled_from(["DE123456788", "DE234567894", "not a vat"]))
    def add_tax_id(self, value: str) -> None:
        fields = {"type": "eu_vat", "value": value, "clientMutationId": self.next_id()}
        answer = self.perform(Call("addTaxId", fields))
        if answer.ok:
            added = set(self.after.tax_ids) - set(self.before.tax_ids)
            answered = answer.payload["taxId"]["id"]
            if added:
                assert [tax_id for tax_id, _ in added] == [answered], (answer.payload, added)
            else:
                # The customer had this number already: the answer is that tax ID.
                assert (answered, value) in self.before.tax_ids, (answer.payload, added)
            assert self.after.tax_ids == tuple(sorted({*self.before.tax_ids, *added})), added

    @precondition(lambda self: bool(self.customer))
    @rule(data=st.data())
    def remove_tax_id(self, data: st.DataObject) -> None:
        tax_ids = self.stripe_state().tax_ids
        if not tax_ids:
            return
        tax_id = data.draw(st.sampled_from(sorted(tax_ids, key=lambda t: (t[1], t[0]))))[0]
        self.perform(Call("removeTaxId", {"taxIdId": tax_id, "clientMutationId": self.next_id()}))

    # -- retries and failures -------------------------------------------------------

    @precondition(lambda self: bool(self.retryable))
    @rule(data=st.data())
    def retry(self, data: st.DataObject) -> None:
        """Resend an earlier successful call: answered like the first, applied once."""
        first = data.draw(st.sampled_from(self.retryable))
        call = first.call
        answer = self.perform(call)
        added = (first.payload.get("taxId") or {}).get("id")
        if added is not None and added not in {tax_id for tax_id, _ in self.after.tax_ids}:
            # The replay shows the tax ID the first call added; it has since been removed.
            assert answer.codes == ["NOT_FOUND"], answer.payload
        else:
            assert answer.ok, f"the retry of {call.describe()} answered {answer.payload}"
        assert self.after == self.before, (
            f"the retry of {call.describe()} changed Stripe again:\n"
            f"before {self.before.describe()}\nafter  {self.after.describe()}"
        )

    @rule(
        action=st.sampled_from(FAULT_ACTIONS),
        where=st.sampled_from(sorted(FAULT_TARGETS)),
        outcome=st.sampled_from(sorted(FAULT_OUTCOMES)),
    )
    def fault_then_retry(self, action: str, where: str, outcome: str) -> None:
        """A Stripe write fails (before or after being applied); the client resends it."""
        fields: dict[str, Any] = {"clientMutationId": self.next_id()}
        name = f"{action}Subscription"
        state = self.stripe_state()
        if action in ("cancel", "renew", "pause", "resume", "undo"):
            fields["subscriptionId"] = self.sub
        if action == "undo":
            name = "undoScheduledChange"
        if action == "pause":
            fields["pauseFor"] = {"interval": "WEEK", "intervalCount": 1}
        if action == "quantity":
            name = "updateSubscription"
            quantity = state.subscriptions[self.sub].quantity
            fields.update(subscriptionId=self.sub, quantity=1 if quantity != 1 else 2)
        if action == "switch":
            name = "updateSubscription"
            world = self.stack.world
            price = state.subscriptions[self.sub].price
            to = world.basic_monthly if price != world.basic_monthly else world.pro_monthly
            fields.update(subscriptionId=self.sub, priceId=to)
        if action == "tax":
            name = "addTaxId"
            fields.update(type="eu_vat", value="DE345678906")
        if action == "card":
            name = "setDefaultPaymentMethod"
            card = self.run(
                self.stack.stripe.v1.payment_methods.attach_async(
                    "pm_card_mastercard", {"customer": self.customer}
                )
            )
            fields["paymentMethodId"] = card.id
        if action == "pay":
            name = "payInvoice"
            fields["invoiceId"] = state.subscriptions[self.sub].latest_invoice or "in_none"
        rate = FAULT_OUTCOMES[outcome]
        faults = [{"method": m, "path": p, rate: 1.0} for m, p in FAULT_TARGETS[where]]
        call = Call(name, fields)
        first = self.perform(call, faults)
        once = self.after
        self.perform(call)
        if once != self.before and first.ok:
            assert self.after == once, (
                f"{call.describe()} applied again on its retry:\n"
                f"first {once.describe()}\nretry {self.after.describe()}"
            )

    # -- time -----------------------------------------------------------------------

    @rule(to=st.sampled_from(["1 day", "3 days", "10 days", "before end", "after end"]))
    def advance_clock(self, to: str) -> None:
        before = self.stripe_state()
        sub = before.subscriptions[self.sub]
        now = before.now
        if to.endswith(("day", "days")):
            target = now + int(to.split()[0]) * DAY
        elif sub.ended:
            target = now + DAY
        else:
            target = max(now + 1, sub.period_end + (-60 if to == "before end" else 3600))
        shown = self.shown()
        upcoming = (shown or {}).get("upcomingInvoice")
        self.run(
            self.stack.stripe.v1.test_helpers.test_clocks.advance_async(
                self.clock, {"frozen_time": target}
            )
        )
        after = self.stripe_state()
        charged = [i for i in after.new_invoices(before) if i.charged]
        context = (
            f"clock {now} -> {target}; shown before: {shown}\n"
            f"before {before.describe()}\nafter  {after.describe()}"
        )
        crossed = not sub.ended and now < sub.period_end <= target
        # A pause for a length ends at its resume date, which bills the new period.
        resume_at = next(
            (s.resumes_at for s in before.active_schedules(self.sub) if s.resumes_at),
            None,
        )
        resumes = sub.status == "paused" and resume_at is not None and now < resume_at <= target
        for invoice in charged:
            due = (crossed and invoice.created == sub.period_end) or (
                resumes and invoice.created == resume_at
            )
            assert due, f"charged {invoice} although no invoice was shown as due then\n{context}"
        if resumes:
            assert after.subscriptions[self.sub].status != "paused" or not charged, context
        if (crossed or resumes) and charged:
            assert upcoming is not None, f"charged {charged} but no next invoice shown\n{context}"
            assert [i.amount_due for i in charged] == [upcoming["amountDue"]], (
                f"charged {charged}, shown {upcoming['amountDue']}\n{context}"
            )

    # -- someone else's objects -----------------------------------------------------

    @rule(kind=st.sampled_from(["read", "mutate", "payment", "tax"]))
    def reach_for_another_customer(self, kind: str) -> None:
        bob = self.stack.world.bob
        missing_sub, missing_pm, missing_txi = "sub_0000000000000000", "pm_000000000000", "txi_0000"

        async def both(query: str, theirs: dict[str, Any], missing: dict[str, Any]) -> None:
            gateway = self.stack.gateway
            a = await gateway.post(query, theirs, token=self.token)
            b = await gateway.post(query, missing, token=self.token)
            seen = str(a.body)
            for key, value in theirs.items():
                seen = seen.replace(str(value), str(missing[key]))
            assert (a.status, seen) == (b.status, str(b.body)), (query, a.body, b.body)

        async def probe() -> None:
            sub_query = portal_calls.ONE
            if kind == "read":
                await both(sub_query, {"id": bob.subscription}, {"id": missing_sub})
                await both(
                    "query($id: ID!) { invoice(id: $id) { id amountDue } }",
                    {"id": bob.invoices[0]},
                    {"id": "in_0000000000000000"},
                )
                await both(
                    "query($id: ID!) { upcomingInvoice(subscriptionId: $id) { amountDue } }",
                    {"id": bob.subscription},
                    {"id": missing_sub},
                )
                await both(
                    portal_calls.PREVIEW,
                    {"input": {"subscriptionId": bob.subscription, "quantity": 2}},
                    {"input": {"subscriptionId": missing_sub, "quantity": 2}},
                )
            elif kind == "mutate":
                for name in (
                    "cancelSubscription",
                    "renewSubscription",
                    "resumeSubscription",
                    "undoScheduledChange",
                ):
                    doc = document(name, portal_calls.MUTATION_SELECTION)
                    await both(
                        doc,
                        {"input": {"subscriptionId": bob.subscription}},
                        {"input": {"subscriptionId": missing_sub}},
                    )
            elif kind == "payment":
                doc = document(
                    "setDefaultPaymentMethod", portal_calls.SELECTIONS["setDefaultPaymentMethod"]
                )
                await both(
                    doc,
                    {"input": {"paymentMethodId": bob.card}},
                    {"input": {"paymentMethodId": missing_pm}},
                )
                doc = document("payInvoice", portal_calls.SELECTIONS["payInvoice"])
                await both(
                    doc,
                    {"input": {"invoiceId": bob.invoices[0]}},
                    {"input": {"invoiceId": "in_0000000000000000"}},
                )
            else:
                doc = document("removeTaxId", portal_calls.SELECTIONS["removeTaxId"])
                await both(
                    doc, {"input": {"taxIdId": bob.tax_id}}, {"input": {"taxIdId": missing_txi}}
                )

        async def bob_state() -> StripeState:
            return await read_stripe(self.stack.stripe, bob.id)

        before = self.run(bob_state())
        self.run(probe())
        assert self.run(bob_state()) == before

    # -- invariants -----------------------------------------------------------------

    @invariant()
    def nobody_is_stuck_and_the_gateway_shows_stripe(self) -> None:
        if not self.customer:
            return
        state = self.latest or self.stripe_state()
        self.latest = None
        shown = {
            s["id"]: s for s in self.run(portal_calls.overview(self.stack.gateway, self.token))
        }
        for sub in state.subscriptions.values():
            if sub.ended:
                assert sub.id not in shown, (sub, shown.get(sub.id))
                continue
            assert sub.id in shown, f"{sub} is missing from the overview"
            seen = shown[sub.id]
            context = f"shown {seen}\nStripe {state.describe()}"
            assert seen["availableActions"], f"no way forward or back: {context}"
            latest = next((i for i in state.invoices if i.id == sub.latest_invoice), None)
            if sub.status in ("past_due", "unpaid") and latest and latest.status == "open":
                assert "PAY_INVOICE" in seen["availableActions"], f"cannot pay: {context}"
                assert seen["latestInvoiceId"] == latest.id, context
            self.check_shown_as_stripe(seen, state, "the overview shows")


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    yield from open_stack()


def test_portal_invariants_hold_over_random_sequences(stack: Stack) -> None:
    PortalMachine.stack = stack
    run_state_machine_as_test(
        PortalMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            derandomize=True,
            database=None,
            phases=PHASES,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
