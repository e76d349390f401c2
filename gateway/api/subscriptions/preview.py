"""`previewSubscriptionUpdate`: what a switch or quantity change would cost, before making it.

The same policy decision the update makes, sent to Stripe's invoice preview instead of the
subscription: the proration lines and amount due, or, for a change the configuration
defers to the period end, the first invoice under the new plan.
"""

from datetime import datetime
from typing import Any

import strawberry

from ...billing import previews
from ...billing.errors import BillingError, NotFound
from ...portal.decisions import ScheduledUpdateDecision
from ...portal.refusals import Refusal
from ..common.types import required_timestamp
from ..context import Context, Info
from ..errors import ErrorCode, UserError, from_billing, from_refusal, user_error
from ..fields import field
from ..input_limits import too_long
from ..invoices.types import Invoice, InvoiceLine
from .inputs import UpdateSubscriptionInput
from .update_request import decide_subscription_update


@strawberry.type
class SubscriptionUpdatePreview:
    subscription_id: strawberry.ID
    price_id: strawberry.ID
    quantity: int
    scheduled: bool = strawberry.field(
        description="True when the change would wait for the end of the current period."
    )
    effective_at: datetime
    proration_date: datetime | None = strawberry.field(
        description="Pass to `updateSubscription` to be charged exactly this."
    )
    currency: str
    proration_lines: list[InvoiceLine] = strawberry.field(
        description="Credits for unused time and charges for the new plan (none when scheduled)."
    )
    proration_amount: int = strawberry.field(description="The sum of the proration lines.")
    invoiced_now: bool = strawberry.field(
        description="True when the prorations are invoiced at once rather than on the next invoice."
    )
    amount_due: int = strawberry.field(description="What the previewed invoice asks for.")
    invoice: Invoice = strawberry.field(
        description="Stripe's preview: the immediate invoice, or the next one."
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
    policy = await context.policy(stripe_clock=True, subscription=subscription)
    decision = await decide_subscription_update(
        context, policy, subscription, data, proration_date=policy.now
    )
    if isinstance(decision, Refusal):
        return _failed(from_refusal(decision))
    if isinstance(decision, UserError):
        return _failed(decision)
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
    else:
        update = decision.params
        effective_at = policy.now
        proration_date = update.get("proration_date")
        proration_date = int(proration_date) if proration_date is not None else None
    try:
        invoice = await previews.preview_update(
            context.billing, scope.customer_id, subscription_id, update
        )
    except BillingError as exc:
        return _failed(from_billing(exc))
    proration_lines = [line for line in invoice.lines if line.proration]
    scheduled = isinstance(decision, ScheduledUpdateDecision)
    return PreviewSubscriptionUpdatePayload(
        preview=SubscriptionUpdatePreview(
            subscription_id=strawberry.ID(subscription_id),
            price_id=strawberry.ID(decision.price_id),
            quantity=decision.quantity,
            scheduled=scheduled,
            effective_at=required_timestamp(effective_at),
            proration_date=required_timestamp(proration_date) if proration_date else None,
            currency=invoice.currency,
            proration_lines=[InvoiceLine.from_model(line) for line in proration_lines],
            proration_amount=sum(line.amount for line in proration_lines),
            invoiced_now=not scheduled and update.get("proration_behavior") == "always_invoice",
            amount_due=invoice.amount_due,
            invoice=Invoice.from_model(invoice),
        ),
        user_errors=[],
    )


@strawberry.type
class PreviewQueries:
    @field(description="What updateSubscription with this input would charge, without doing it.")
    async def preview_subscription_update(
        self, info: Info, input: UpdateSubscriptionInput
    ) -> PreviewSubscriptionUpdatePayload:
        return await preview_update(info.context, input)
