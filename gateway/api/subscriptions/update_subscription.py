"""`updateSubscription`: switch price, change quantity, apply a promotion code.

The policy decides whether the change happens now (with the configuration's proration
behaviour) or at the end of the period, when a `schedule_at_period_end` condition matches:
then a subscription schedule queues it and `subscription.scheduledChange` shows it. A
preview's `quote` makes the change charge exactly what that preview showed; without one
the change is prorated as of the moment Stripe makes it. A client never picks that moment.
"""

import strawberry

from ... import models
from ...billing import schedule_change
from ...portal import PolicyContext, ScheduledUpdateDecision, UpdateDecision
from ..context import Info
from ..errors import UserError
from ..live.announce import Announcement, LiveEventKind
from ..mutation_kit.calls import MutationCall
from ..mutation_kit.flow_completion import AFTER_COMPLETION_DESCRIPTION
from ..mutation_kit.spec import MutationSpec
from ..sessions.types import AfterCompletion
from .inputs import UpdateSubscriptionInput
from .quoting import accepted_quote
from .subscription_mutation import SubscriptionMutation, apply_write
from .types import Subscription
from .update_request import UpdateOutcome, decide_subscription_update

SPEC = MutationSpec(
    name="updateSubscription",
    completes=("subscription_update", "subscription_update_confirm"),
    announces=Announcement(LiveEventKind.SUBSCRIPTION, changed="subscription"),
)


@strawberry.type
class UpdateSubscriptionPayload:
    client_mutation_id: str | None
    subscription: Subscription | None = strawberry.field(
        description="As changed; a change deferred to the period end is its `scheduledChange`."
    )
    after_completion: AfterCompletion | None = strawberry.field(
        description=AFTER_COMPLETION_DESCRIPTION
    )
    user_errors: list[UserError]


async def _apply(
    call: MutationCall, decision: UpdateDecision | ScheduledUpdateDecision
) -> models.Subscription:
    if isinstance(decision, UpdateDecision):
        return await apply_write(call, decision)
    return await schedule_change(
        call.context.billing,
        call.customer_id,
        decision.subscription_id,
        current_items=[{"price": decision.current_price_id, "quantity": decision.current_quantity}],
        effective_at=decision.effective_at,
        next_phase=decision.next_phase,
        keys=call.keys,
        holds=decision.holds,
        schedule_id=decision.schedule_id,
        phase_start=decision.schedule_phase_start,
        current_discounts=decision.current_discounts,
    )


@strawberry.type
class UpdateSubscriptionMutation:
    @SPEC.field(
        description="Change a subscription's price and/or quantity, or apply a promotion code."
    )
    async def update_subscription(
        self, info: Info, input: UpdateSubscriptionInput
    ) -> UpdateSubscriptionPayload:
        context = info.context

        async def decide_update(
            policy: PolicyContext, subscription: models.Subscription
        ) -> UpdateOutcome:
            quote = accepted_quote(context, subscription, input)
            if isinstance(quote, UserError):
                return quote
            return await decide_subscription_update(
                context, policy, subscription, input, quote=quote
            )

        steps = SubscriptionMutation[UpdateDecision | ScheduledUpdateDecision](
            SPEC, decide_update, _apply
        )
        outcome = await steps.run(context, input, str(input.subscription_id))
        return UpdateSubscriptionPayload(
            client_mutation_id=outcome.client_mutation_id,
            subscription=outcome.subscription,
            after_completion=outcome.after_completion,
            user_errors=outcome.user_errors,
        )
