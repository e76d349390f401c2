"""`pauseSubscription`: Stripe's pause (status PAUSED: no invoices, no new periods), for one
of the portal configuration's pause lengths (Stripe resumes it when the length has passed),
or open-ended when the configuration allows `indefinite` pauses.
"""

from datetime import datetime

import strawberry

from ... import models
from ...portal import PauseDecision, PolicyContext, Refusal, decide_pause
from ..common.times import unix_seconds
from ..configuration.types import PauseInterval
from ..context import Info
from ..errors import UserError
from ..live.announce import Announcement, LiveEventKind
from ..mutation_kit.calls import client_mutation_id_field
from ..mutation_kit.flow_completion import AFTER_COMPLETION_DESCRIPTION
from ..mutation_kit.spec import MutationSpec
from ..sessions.types import AfterCompletion
from .subscription_mutation import SubscriptionMutation, apply_write
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
    pause_for: PauseDurationInput | None = strawberry.field(
        default=None,
        description="How long to pause: one of the configuration's "
        "`subscriptionPause.intervalOptions` exactly, or (only when `indefinite` is true) any "
        "length up to three years. Stripe resumes the subscription when it has passed, "
        "counted on Stripe's clock from the pause. Leave it out for an open-ended pause, "
        "which only an `indefinite` configuration allows. Anything else is refused with "
        "PAUSE_DURATION_NOT_OFFERED.",
    )
    resumes_at: datetime | None = strawberry.field(
        default=None,
        description="Deprecated: give `pauseFor`. Accepted only within 12 hours of the end "
        "of one of the offered pause lengths counted from now on Stripe's clock (that length "
        "is then used), or any date up to three years away when the configuration allows "
        "`indefinite` pauses; otherwise refused with PAUSE_DURATION_NOT_OFFERED.",
        deprecation_reason="Give `pauseFor`, one of the configured pause lengths.",
    )
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.type
class PauseSubscriptionPayload:
    client_mutation_id: str | None
    subscription: Subscription | None = strawberry.field(
        description="With status PAUSED, and `resumesAt` when Stripe will resume it."
    )
    after_completion: AfterCompletion | None = strawberry.field(
        description=AFTER_COMPLETION_DESCRIPTION
    )
    user_errors: list[UserError]


@strawberry.type
class PauseSubscriptionMutation:
    @SPEC.field(
        description="Pause a subscription (status PAUSED) for one of the configured lengths, "
        "or open-ended when the configuration allows it."
    )
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

        outcome = await SubscriptionMutation(SPEC, decide, apply_write).run(
            info.context, input, str(input.subscription_id)
        )
        return PauseSubscriptionPayload(
            client_mutation_id=outcome.client_mutation_id,
            subscription=outcome.subscription,
            after_completion=outcome.after_completion,
            user_errors=outcome.user_errors,
        )
