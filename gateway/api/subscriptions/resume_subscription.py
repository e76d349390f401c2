"""`resumeSubscription`: resume a paused subscription now.

One in Stripe's `paused` status (paused here, or a trial that ended without a card) goes
through Stripe's resume endpoint, after the gateway's pause schedule (a pending resume
date) is released; one whose payment collection the business paused gets
`pause_collection` cleared. The policy says which.
A `previewSubscriptionResume` quote makes the resume charge exactly what that preview
showed: Stripe previews the resume again and anything else is refused, nothing resumed.
"""

import strawberry

from ... import models
from ...billing import BillingError
from ...portal import (
    RESUME_CHANGE,
    PolicyContext,
    Quote,
    Refusal,
    ResumeDecision,
    check_quote,
    decide_resume,
    resume_quote_refusal,
)
from ..context import Context, Info
from ..errors import UserError, from_billing
from ..live.announce import Announcement, LiveEventKind
from ..mutation_kit.calls import client_mutation_id_field
from ..mutation_kit.spec import MutationSpec
from .quoting import quote_secret
from .resume_preview import resume_amount, resume_figures
from .subscription_mutation import SubscriptionMutation, apply_write
from .types import Subscription

SPEC = MutationSpec(
    name="resumeSubscription",
    completes=(),
    announces=Announcement(LiveEventKind.SUBSCRIPTION, changed="subscription"),
)


@strawberry.input
class ResumeSubscriptionInput:
    subscription_id: strawberry.ID
    quote: str | None = strawberry.field(
        default=None,
        description="The `quote` of a `previewSubscriptionResume` of this subscription: the "
        "resume then charges exactly what that preview showed, or is refused "
        "(QUOTE_EXPIRED) without resuming. Without one, Stripe charges what resuming costs "
        "when it resumes.",
    )
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.type
class ResumeSubscriptionPayload:
    client_mutation_id: str | None
    subscription: Subscription | None
    user_errors: list[UserError]


async def _held(
    context: Context,
    policy: PolicyContext,
    subscription: models.Subscription,
    decision: ResumeDecision,
    token: str,
) -> ResumeDecision | Refusal | UserError:
    """The decision, if resuming now charges exactly what the quote's preview showed
    (Stripe previews it again, so pending charges and credit are judged too)."""
    checked = check_quote(
        quote_secret(context.services.settings),
        token,
        customer_id=context.scope().customer_id,
        subscription_id=subscription.id,
        change=RESUME_CHANGE,
        now=context.services.clock(),
    )
    if not isinstance(checked, Quote):
        return checked
    try:
        figures = await resume_figures(context, policy, subscription, decision)
    except BillingError as exc:
        return from_billing(exc)
    if isinstance(figures, Refusal):
        return figures
    amount, currency = resume_amount(subscription, figures)
    return resume_quote_refusal(checked, subscription, amount, currency) or decision


@strawberry.type
class ResumeSubscriptionMutation:
    @SPEC.field(description="Resume a paused subscription.")
    async def resume_subscription(
        self, info: Info, input: ResumeSubscriptionInput
    ) -> ResumeSubscriptionPayload:
        context = info.context

        async def decide(
            policy: PolicyContext, subscription: models.Subscription
        ) -> ResumeDecision | Refusal | UserError:
            decision = decide_resume(policy, subscription)
            if isinstance(decision, Refusal) or input.quote is None:
                return decision
            return await _held(context, policy, subscription, decision, input.quote)

        outcome = await SubscriptionMutation(SPEC, decide, apply_write).run(
            context, input, str(input.subscription_id)
        )
        return ResumeSubscriptionPayload(
            client_mutation_id=outcome.client_mutation_id,
            subscription=outcome.subscription,
            user_errors=outcome.user_errors,
        )
