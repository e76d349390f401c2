"""`resumeSubscription`: resume a paused subscription now.

One in Stripe's `paused` status (paused here, or a trial that ended without a card) goes
through Stripe's resume endpoint, after the gateway's pause schedule (a pending resume
date) is released; one whose payment collection the business paused gets
`pause_collection` cleared. The policy says which.
"""

import strawberry

from ... import models
from ...billing import resume_subscription, update_subscription
from ...portal import PolicyContext, Refusal, ResumeDecision, decide_resume
from ..context import Info
from ..errors import UserError
from ..live.announce import Announcement, LiveEventKind
from ..mutation_kit.calls import MutationCall, client_mutation_id_field
from ..mutation_kit.spec import MutationSpec
from .subscription_mutation import SubscriptionMutation
from .types import Subscription

SPEC = MutationSpec(
    name="resumeSubscription",
    completes=(),
    announces=Announcement(LiveEventKind.SUBSCRIPTION, changed="subscription"),
)


@strawberry.input
class ResumeSubscriptionInput:
    subscription_id: strawberry.ID
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.type
class ResumeSubscriptionPayload:
    client_mutation_id: str | None
    subscription: Subscription | None
    user_errors: list[UserError]


async def _decide(
    policy: PolicyContext, subscription: models.Subscription
) -> ResumeDecision | Refusal:
    return decide_resume(policy, subscription)


async def _apply(call: MutationCall, decision: ResumeDecision) -> models.Subscription:
    write = resume_subscription if decision.call == "resume" else update_subscription
    return await write(
        call.context.billing,
        call.customer_id,
        decision.subscription_id,
        decision.params,
        call.keys.key(decision.call),
        holds=decision.holds,
        release_schedule_id=decision.release_schedule_id,
    )


@strawberry.type
class ResumeSubscriptionMutation:
    @SPEC.field(description="Resume a paused subscription.")
    async def resume_subscription(
        self, info: Info, input: ResumeSubscriptionInput
    ) -> ResumeSubscriptionPayload:
        outcome = await SubscriptionMutation(SPEC, _decide, _apply).run(
            info.context, input, str(input.subscription_id)
        )
        return ResumeSubscriptionPayload(
            client_mutation_id=outcome.client_mutation_id,
            subscription=outcome.subscription,
            user_errors=outcome.user_errors,
        )
