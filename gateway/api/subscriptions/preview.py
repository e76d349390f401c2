"""`previewSubscriptionUpdate`: what a switch or quantity change would cost, before making it.

The same policy decision the update makes, sent to Stripe's invoice preview instead of the
subscription. The answer says what is charged now (an interval change, a new billing
period, a trial ended now, prorations invoiced at once), what the next invoice asks for
and when, and whether the trial ends; a change the configuration defers to the period end
charges nothing now and shows the first invoice under the new plan. Its `quote`, sent
back with `updateSubscription`, makes the change charge exactly these figures.
"""

from datetime import datetime
from typing import Any

import strawberry

from ...billing import (
    BillingError,
    ChangePreview,
    NotFound,
    preview_change,
    preview_schedule,
    queued_phases,
)
from ...portal import ChangeTiming, Refusal, ScheduledUpdateDecision, change_timing
from ..common.types import required_timestamp
from ..context import Context, Info
from ..errors import ErrorCode, UserError, from_billing, from_refusal, user_error
from ..fields import field
from ..input_limits import too_long
from ..invoices.types import Invoice, InvoiceLine
from .inputs import UpdateSubscriptionInput
from .quoting import accepted_quote, issue_quote
from .update_request import decide_subscription_update


@strawberry.type(description="The next regular invoice once the change is made.")
class SubscriptionUpdateNextInvoice:
    amount_due: int = strawberry.field(description="What it will ask for, credit applied.")
    currency: str
    date: datetime = strawberry.field(description="When Stripe issues it.")


@strawberry.type
class SubscriptionUpdatePreview:
    subscription_id: strawberry.ID
    price_id: strawberry.ID
    quantity: int
    scheduled: bool = strawberry.field(
        description="True when the change would wait for the end of the current period."
    )
    effective_at: datetime
    quote: str = strawberry.field(
        description="Send it with `updateSubscription` (same input) to be charged exactly "
        "what this preview shows. It holds until `quoteExpiresAt` and while the "
        "subscription stays as it is."
    )
    quote_expires_at: datetime
    proration_date: datetime | None = strawberry.field(
        description="The moment the prorations are computed for (the quote keeps it)."
    )
    currency: str
    invoiced_now: bool = strawberry.field(
        description="True when the change is invoiced, and charged, at once: `amountDueNow`."
    )
    amount_due_now: int = strawberry.field(
        description="What the customer is charged when the change is made (0: nothing now)."
    )
    next_invoice: SubscriptionUpdateNextInvoice = strawberry.field(
        description="The next regular invoice after the change: amount and date."
    )
    ends_trial: bool = strawberry.field(description="True when the change ends the trial now.")
    proration_lines: list[InvoiceLine] = strawberry.field(
        description="Credits for unused time and charges for the new plan (none when scheduled)."
    )
    proration_amount: int = strawberry.field(description="The sum of the proration lines.")
    amount_due: int = strawberry.field(
        description="What `invoice` asks for: `amountDueNow` when `invoicedNow`, else the "
        "next invoice's amount."
    )
    invoice: Invoice = strawberry.field(
        description="Stripe's preview: the invoice issued now when `invoicedNow`, else the "
        "next one."
    )


@strawberry.type
class PreviewSubscriptionUpdatePayload:
    preview: SubscriptionUpdatePreview | None
    user_errors: list[UserError]


def _failed(error: UserError) -> PreviewSubscriptionUpdatePayload:
    return PreviewSubscriptionUpdatePayload(preview=None, user_errors=[error])


async def preview_update(
    context: Context, data: UpdateSubscriptionInput
) -> PreviewSubscriptionUpdatePayload:
    scope = context.scope()
    overlong = too_long(data)
    if overlong is not None:
        return _failed(overlong)
    subscription_id = str(data.subscription_id)
    try:
        subscription = await context.loaders.subscription(subscription_id)
    except NotFound:
        return _failed(user_error(ErrorCode.NOT_FOUND, "Subscription not found.", "subscriptionId"))
    except BillingError as exc:
        return _failed(from_billing(exc))
    quote = accepted_quote(context, subscription, data)
    if isinstance(quote, UserError):
        return _failed(quote)
    policy = await context.policy(stripe_clock=True, subscription=subscription)
    decision = await decide_subscription_update(
        context, policy, subscription, data, proration_date=policy.now, quote=quote
    )
    if isinstance(decision, Refusal):
        return _failed(from_refusal(decision))
    if isinstance(decision, UserError):
        return _failed(decision)
    item = next(i for i in subscription.items if i.id == decision.item_id)
    if isinstance(decision, ScheduledUpdateDecision):
        # Nothing changes now; Stripe previews the renewal under the new item.
        update: dict[str, Any] = {
            "items": [
                {"id": decision.item_id, "price": decision.price_id, "quantity": decision.quantity}
            ],
            "proration_behavior": "none",
        }
        if decision.next_phase.get("discounts"):
            update["discounts"] = decision.next_phase["discounts"]
        effective_at, proration_date = decision.effective_at, None
        timing = ChangeTiming(invoices_now=False, new_cycle=False, ends_trial=False)
    else:
        update = decision.params
        effective_at = policy.now
        proration_date = update.get("proration_date")
        proration_date = int(proration_date) if proration_date is not None else None
        try:
            target = await context.loaders.price(decision.price_id)
        except BillingError as exc:
            return _failed(from_billing(exc))
        timing = change_timing(subscription, decision, item.price, target or item.price)
    try:
        if isinstance(decision, ScheduledUpdateDecision) and decision.schedule_id is not None:
            figures = await _replacing_queued_change(context, decision, decision.schedule_id)
        else:
            figures = await preview_change(
                context.billing,
                scope.customer_id,
                subscription_id,
                update,
                invoiced_now=timing.invoices_now,
                new_cycle=timing.new_cycle,
                period_end=item.current_period_end,
            )
    except BillingError as exc:
        return _failed(from_billing(exc))
    if quote is None:
        token, expires_at = issue_quote(context, subscription, data, decision)
    else:
        # The same quote again: previewing never extends how long a moment is held.
        token, expires_at = str(data.quote).strip(), quote.expires_at
    invoice = figures.invoice
    proration_lines = [line for line in invoice.lines if line.proration]
    return PreviewSubscriptionUpdatePayload(
        preview=SubscriptionUpdatePreview(
            subscription_id=strawberry.ID(subscription_id),
            price_id=strawberry.ID(decision.price_id),
            quantity=decision.quantity,
            scheduled=isinstance(decision, ScheduledUpdateDecision),
            effective_at=required_timestamp(effective_at),
            quote=token,
            quote_expires_at=required_timestamp(expires_at),
            proration_date=required_timestamp(proration_date) if proration_date else None,
            currency=invoice.currency,
            invoiced_now=figures.invoiced_now,
            amount_due_now=figures.amount_due_now,
            next_invoice=SubscriptionUpdateNextInvoice(
                amount_due=figures.next_amount_due,
                currency=invoice.currency,
                date=required_timestamp(figures.next_invoice_at),
            ),
            ends_trial=timing.ends_trial,
            proration_lines=[InvoiceLine.from_model(line) for line in proration_lines],
            proration_amount=sum(line.amount for line in proration_lines),
            amount_due=invoice.amount_due,
            invoice=Invoice.from_model(invoice),
        ),
        user_errors=[],
    )


async def _replacing_queued_change(
    context: Context, decision: ScheduledUpdateDecision, schedule_id: str
) -> ChangePreview:
    """A queued change replacing the one the gateway's schedule holds: the schedule decides
    what the period end bills, so Stripe previews the schedule with the new phases."""
    phase_start = decision.schedule_phase_start or decision.effective_at
    phases = queued_phases(
        [{"price": decision.current_price_id, "quantity": decision.current_quantity}],
        phase_start,
        decision.effective_at,
        decision.next_phase,
        decision.current_discounts,
    )
    invoice = await preview_schedule(
        context.billing,
        context.scope().customer_id,
        schedule_id,
        {"end_behavior": "release", "phases": phases},
    )
    return ChangePreview(invoice, False, 0, invoice.amount_due, decision.effective_at)


@strawberry.type
class PreviewQueries:
    @field(description="What updateSubscription with this input would charge, without doing it.")
    async def preview_subscription_update(
        self, info: Info, input: UpdateSubscriptionInput
    ) -> PreviewSubscriptionUpdatePayload:
        return await preview_update(info.context, input)
