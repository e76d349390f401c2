"""`pauseSubscription`: stop collecting payment for a while, until `resumesAt`.

The subscription stays active and its invoices are voided while paused; the portal
configuration's pause durations bound `resumesAt` (or allow leaving it open).
"""

from datetime import datetime

import strawberry

from ... import models
from ...billing import update_subscription
from ...portal import PauseDecision, PolicyContext, Refusal, decide_pause
from ..common.times import unix_seconds
from ..configuration.types import PauseInterval
from ..context import Info
from ..errors import UserError
from ..live.announce import Announcement, LiveEventKind
from ..mutation_kit.calls import MutationCall, client_mutation_id_field
from ..mutation_kit.flow_completion import AFTER_COMPLETION_DESCRIPTION
from ..mutation_kit.spec import MutationSpec
from ..sessions.types import AfterCompletion
from .subscription_mutation import SubscriptionMutation
from .types import Subscription

SPEC = MutationSpec(
    name="pauseSubscription",
    completes=("subscription_pause",),
    announces=Announcement(LiveEventKind.SUBSCRIPTION, changed="subscription"),
)


@strawberry.input
class PauseDurationInput:
    interval: PauseInterval
    interval_count: int = 1


@strawberry.input
class PauseSubscriptionInput:
    subscription_id: strawberry.ID
    resumes_at: datetime | None = strawberry.field(
        default=None,
        description="When collection resumes; required unless the portal allows open-ended "
        "pauses, and no later than its longest pause option.",
    )
    pause_for: PauseDurationInput | None = strawberry.field(
        default=None,
        description="Pause for one of the portal's pause lengths instead of giving "
        "`resumesAt`; the resume date is then counted on Stripe's clock.",
    )
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.type
class PauseSubscriptionPayload:
    client_mutation_id: str | None
    subscription: Subscription | None = strawberry.field(description="With `pauseCollection` set.")
    after_completion: AfterCompletion | None = strawberry.field(
        description=AFTER_COMPLETION_DESCRIPTION
    )
    user_errors: list[UserError]


async def _apply(call: MutationCall, decision: PauseDecision) -> models.Subscription:
    return await update_subscription(
        call.context.billing,
        call.customer_id,
        decision.subscription_id,
        decision.params,
        call.keys.key("update"),
        holds=decision.holds,
        release_schedule_id=decision.release_schedule_id,
    )


@strawberry.type
class PauseSubscriptionMutation:
    @SPEC.field(description="Pause payment collection on a subscription until `resumesAt`.")
    async def pause_subscription(
        self, info: Info, input: PauseSubscriptionInput
    ) -> PauseSubscriptionPayload:
        async def decide(
            policy: PolicyContext, subscription: models.Subscription
        ) -> PauseDecision | Refusal:
            resumes_at = unix_seconds(input.resumes_at) if input.resumes_at else None
            pause_for = (
                (input.pause_for.interval.value, input.pause_for.interval_count)
                if input.pause_for is not None
                else None
            )
            return decide_pause(policy, subscription, resumes_at=resumes_at, pause_for=pause_for)

        outcome = await SubscriptionMutation(SPEC, decide, _apply).run(
            info.context, input, str(input.subscription_id)
        )
        return PauseSubscriptionPayload(
            client_mutation_id=outcome.client_mutation_id,
            subscription=outcome.subscription,
            after_completion=outcome.after_completion,
            user_errors=outcome.user_errors,
        )
