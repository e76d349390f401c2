"""`renewSubscription`: undo a scheduled cancel, so the subscription keeps renewing."""

import strawberry

from ... import models
from ...portal import PolicyContext, Refusal, RenewDecision, decide_renew
from ..context import Info
from ..errors import UserError
from ..live.announce import Announcement, LiveEventKind
from ..mutation_kit.calls import client_mutation_id_field
from ..mutation_kit.spec import MutationSpec
from .subscription_mutation import SubscriptionMutation, apply_write
from .types import Subscription

SPEC = MutationSpec(
    name="renewSubscription",
    completes=(),
    announces=Announcement(LiveEventKind.SUBSCRIPTION, changed="subscription"),
)


@strawberry.input
class RenewSubscriptionInput:
    subscription_id: strawberry.ID
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.type
class RenewSubscriptionPayload:
    client_mutation_id: str | None
    subscription: Subscription | None
    user_errors: list[UserError]


async def _decide(
    policy: PolicyContext, subscription: models.Subscription
) -> RenewDecision | Refusal:
    return decide_renew(policy, subscription)


@strawberry.type
class RenewSubscriptionMutation:
    @SPEC.field(description="Keep a subscription that is scheduled to cancel (undo the cancel).")
    async def renew_subscription(
        self, info: Info, input: RenewSubscriptionInput
    ) -> RenewSubscriptionPayload:
        outcome = await SubscriptionMutation(SPEC, _decide, apply_write).run(
            info.context, input, str(input.subscription_id)
        )
        return RenewSubscriptionPayload(
            client_mutation_id=outcome.client_mutation_id,
            subscription=outcome.subscription,
            user_errors=outcome.user_errors,
        )
