"""`cancelSubscription`: end a subscription the way the portal configuration says.

At the end of the period (it keeps running until then and can be renewed) or at once, with
an optional reason the configuration offers; the policy decides which and how.
"""

import strawberry

from ... import models
from ...portal import CancelDecision, PolicyContext, Refusal, decide_cancel
from ..configuration.types import CancellationReason
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
    name="cancelSubscription",
    completes=("subscription_cancel",),
    announces=Announcement(LiveEventKind.SUBSCRIPTION, changed="subscription"),
)


@strawberry.input
class CancelSubscriptionInput:
    subscription_id: strawberry.ID
    reason: CancellationReason | None = strawberry.field(
        default=None, description="One of the configuration's built-in reason options."
    )
    feedback_option: strawberry.ID | None = strawberry.field(
        default=None,
        description="Or one of the configuration's own feedback options, by id "
        "(`cancellationReason.feedbackOptions`); Stripe records it as "
        "`cancellation_details.feedback_option`.",
    )
    comment: str | None = strawberry.field(
        default=None,
        description="Free text about why (any reason, or none), up to 5000 characters; "
        "Stripe keeps it as `cancellation_details.comment`.",
    )
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.type
class CancelSubscriptionPayload:
    client_mutation_id: str | None
    subscription: Subscription | None = strawberry.field(
        description="Canceled, or scheduled to cancel (`cancelAtPeriodEnd`)."
    )
    after_completion: AfterCompletion | None = strawberry.field(
        description=AFTER_COMPLETION_DESCRIPTION
    )
    user_errors: list[UserError]


@strawberry.type
class CancelSubscriptionMutation:
    @SPEC.field(description="Cancel a subscription, at period end or now as the portal is set up.")
    async def cancel_subscription(
        self, info: Info, input: CancelSubscriptionInput
    ) -> CancelSubscriptionPayload:
        async def decide(
            policy: PolicyContext, subscription: models.Subscription
        ) -> CancelDecision | Refusal:
            reason = input.reason.value if input.reason is not None else None
            option = str(input.feedback_option) if input.feedback_option is not None else None
            return decide_cancel(
                policy, subscription, reason=reason, comment=input.comment, feedback_option=option
            )

        outcome = await SubscriptionMutation(SPEC, decide, apply_write).run(
            info.context, input, str(input.subscription_id)
        )
        return CancelSubscriptionPayload(
            client_mutation_id=outcome.client_mutation_id,
            subscription=outcome.subscription,
            after_completion=outcome.after_completion,
            user_errors=outcome.user_errors,
        )
