"""`previewSubscriptionResume`: what resuming a paused subscription now charges, before it.

Resuming a subscription in Stripe's `paused` status starts a new billing period now,
charged at once less the credit for the time the pause left unused. Stripe's invoice
preview (`subscription_details[resume_at]=now`) gives those figures; the preview's `quote`,
sent back with `resumeSubscription`, makes the resume refuse to charge anything else. A
subscription whose payment collection the business paused charges nothing when resumed.
"""

from datetime import datetime

import strawberry

from ... import models
from ...billing import BillingError, NotFound, ResumePreview, preview_resume
from ...portal import (
    QUOTE_FIELD,
    RESUME_CHANGE,
    RESUME_CHANGED,
    PolicyContext,
    Quote,
    Refusal,
    ResumeDecision,
    decide_resume,
    resume_basis,
    sign_quote,
)
from ..common.types import required_timestamp
from ..context import Context, Info
from ..errors import ErrorCode, UserError, from_billing, from_refusal, user_error
from ..fields import field
from ..invoices.types import Invoice, InvoiceLine
from .quoting import quote_secret


@strawberry.type(description="What resuming a paused subscription now would charge.")
class SubscriptionResumePreview:
    subscription_id: strawberry.ID
    currency: str
    invoiced_now: bool = strawberry.field(
        description="True when resuming issues an invoice at once, charged at once "
        "(`amountDueNow`); false when it only lets payment collection go on."
    )
    amount_due_now: int = strawberry.field(
        description="What the customer is charged when resuming now (0: nothing now)."
    )
    lines: list[InvoiceLine] = strawberry.field(
        description="The lines of the invoice issued now: the new period, and the credit "
        "for unused time the pause left (proration lines). Empty when nothing is invoiced."
    )
    proration_amount: int = strawberry.field(description="The sum of the proration lines.")
    period_end: datetime = strawberry.field(
        description="When the billing period after resuming ends: the next renewal."
    )
    invoice: Invoice | None = strawberry.field(
        description="Stripe's preview of the invoice issued now (none when `invoicedNow` is false)."
    )
    quote: str = strawberry.field(
        description="Send it with `resumeSubscription` to be charged exactly what this "
        "preview shows. It holds until `quoteExpiresAt` and while the subscription, its "
        "credit and its pending charges stay as they are."
    )
    quote_expires_at: datetime


@strawberry.type
class PreviewSubscriptionResumePayload:
    preview: SubscriptionResumePreview | None
    user_errors: list[UserError]


def _failed(error: UserError) -> PreviewSubscriptionResumePayload:
    return PreviewSubscriptionResumePayload(preview=None, user_errors=[error])


async def resume_figures(
    context: Context,
    policy: PolicyContext,
    subscription: models.Subscription,
    decision: ResumeDecision,
) -> ResumePreview | Refusal | None:
    """Stripe's preview of the resume `decision` makes; None when it invoices nothing; the
    policy's refusal when Stripe holds the subscription resumed already."""
    if decision.call != "resume":
        return None
    figures = await preview_resume(context.billing, context.scope().customer_id, subscription.id)
    if isinstance(figures, ResumePreview):
        return figures
    refusal = decide_resume(policy, figures)
    if isinstance(refusal, Refusal):
        return refusal
    return Refusal(ErrorCode.QUOTE_EXPIRED, RESUME_CHANGED, QUOTE_FIELD)


def resume_amount(
    subscription: models.Subscription, figures: ResumePreview | None
) -> tuple[int, str]:
    """What resuming charges now, and in which currency."""
    if figures is not None:
        return figures.amount_due_now, figures.invoice.currency
    currency = subscription.items[0].price.currency if subscription.items else "usd"
    return 0, currency


async def decide(
    context: Context, subscription: models.Subscription
) -> tuple[PolicyContext, ResumeDecision] | Refusal:
    policy = await context.policy(stripe_clock=True, subscription=subscription)
    decision = decide_resume(policy, subscription)
    return decision if isinstance(decision, Refusal) else (policy, decision)


async def preview_resume_now(
    context: Context, subscription_id: str
) -> PreviewSubscriptionResumePayload:
    scope = context.scope()
    try:
        subscription = await context.loaders.subscription(subscription_id)
    except NotFound:
        return _failed(user_error(ErrorCode.NOT_FOUND, "Subscription not found.", "subscriptionId"))
    except BillingError as exc:
        return _failed(from_billing(exc))
    decided = await decide(context, subscription)
    if isinstance(decided, Refusal):
        return _failed(from_refusal(decided))
    policy, decision = decided
    try:
        figures = await resume_figures(context, policy, subscription, decision)
    except BillingError as exc:
        return _failed(from_billing(exc))
    if isinstance(figures, Refusal):
        return _failed(from_refusal(figures))
    amount, currency = resume_amount(subscription, figures)
    settings = context.services.settings
    expires_at = int(context.services.clock()) + settings.quote_ttl_seconds
    quote = Quote(
        customer_id=scope.customer_id,
        subscription_id=subscription.id,
        change=RESUME_CHANGE,
        basis=resume_basis(subscription, amount, currency),
        proration_date=None,
        expires_at=expires_at,
    )
    lines = list(figures.invoice.lines) if figures is not None else []
    prorations = [line for line in lines if line.proration]
    period_end = figures.period_end if figures is not None else subscription.current_period_end
    return PreviewSubscriptionResumePayload(
        preview=SubscriptionResumePreview(
            subscription_id=strawberry.ID(subscription.id),
            currency=currency,
            invoiced_now=figures is not None,
            amount_due_now=amount,
            lines=[InvoiceLine.from_model(line) for line in lines],
            proration_amount=sum(line.amount for line in prorations),
            period_end=required_timestamp(period_end or 0),
            invoice=Invoice.from_model(figures.invoice) if figures is not None else None,
            quote=sign_quote(quote_secret(settings), quote),
            quote_expires_at=required_timestamp(expires_at),
        ),
        user_errors=[],
    )


@strawberry.type
class ResumePreviewQueries:
    @field(
        description="What resumeSubscription would charge now for this paused subscription, "
        "without resuming it."
    )
    async def preview_subscription_resume(
        self, info: Info, subscription_id: strawberry.ID
    ) -> PreviewSubscriptionResumePayload:
        return await preview_resume_now(info.context, str(subscription_id))
