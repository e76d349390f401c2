"""`undoScheduledChange`: drop the plan change queued for the end of the period.

The gateway releases the subscription schedule it made for the change, so the subscription
keeps its current plan and renews as before.
"""

import strawberry

from ... import models
from ...billing import undo_queued_change
from ...portal import PolicyContext, Refusal, UndoScheduledChangeDecision, decide_undo
from ..context import Info
from ..errors import UserError
from ..live.announce import Announcement, LiveEventKind
from ..mutation_kit.calls import MutationCall, client_mutation_id_field
from ..mutation_kit.spec import MutationSpec
from .subscription_mutation import SubscriptionMutation
from .types import Subscription

SPEC = MutationSpec(
    name="undoScheduledChange",
    completes=(),
    announces=Announcement(LiveEventKind.SUBSCRIPTION, changed="subscription"),
)


@strawberry.input
class UndoScheduledChangeInput:
    subscription_id: strawberry.ID
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.type
class UndoScheduledChangePayload:
    client_mutation_id: str | None
    subscription: Subscription | None = strawberry.field(
        description="As it is now, with no `scheduledChange`."
    )
    user_errors: list[UserError]


async def _decide(
    policy: PolicyContext, subscription: models.Subscription
) -> UndoScheduledChangeDecision | Refusal:
    return decide_undo(policy, subscription)


async def _apply(call: MutationCall, decision: UndoScheduledChangeDecision) -> models.Subscription:
    return await undo_queued_change(
        call.context.billing,
        call.customer_id,
        decision.subscription_id,
        decision.schedule_id,
        call.keys.key("undo"),
    )


@strawberry.type
class UndoScheduledChangeMutation:
    @SPEC.field(
        description="Undo the plan change queued for the end of the period "
        "(`scheduledChange`); the subscription keeps its current plan."
    )
    async def undo_scheduled_change(
        self, info: Info, input: UndoScheduledChangeInput
    ) -> UndoScheduledChangePayload:
        outcome = await SubscriptionMutation(SPEC, _decide, _apply).run(
            info.context, input, str(input.subscription_id)
        )
        return UndoScheduledChangePayload(
            client_mutation_id=outcome.client_mutation_id,
            subscription=outcome.subscription,
            user_errors=outcome.user_errors,
        )
