"""`acceptRetentionOffer`: the customer takes the coupon a cancel flow offers and keeps the
subscription, as in Stripe's portal (the coupon is applied and the cancel does not happen).
It completes the flow: the payload carries its `afterCompletion`."""

import strawberry

from ... import models
from ...portal import (
    PolicyContext,
    Refusal,
    RetentionOfferDecision,
    decide_accept_retention_offer,
)
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
    name="acceptRetentionOffer",
    completes=("subscription_cancel",),
    announces=Announcement(LiveEventKind.SUBSCRIPTION, changed="subscription"),
)


@strawberry.input
class AcceptRetentionOfferInput:
    subscription_id: strawberry.ID = strawberry.field(
        description="The cancel flow's subscription (`session.flow.subscriptionId`)."
    )
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.type
class AcceptRetentionOfferPayload:
    client_mutation_id: str | None
    subscription: Subscription | None = strawberry.field(
        description="Kept, with the offered coupon among its discounts."
    )
    after_completion: AfterCompletion | None = strawberry.field(
        description=AFTER_COMPLETION_DESCRIPTION
    )
    user_errors: list[UserError]


async def _decide(
    policy: PolicyContext, subscription: models.Subscription
) -> RetentionOfferDecision | Refusal:
    return decide_accept_retention_offer(policy, subscription)


@strawberry.type
class AcceptRetentionOfferMutation:
    @SPEC.field(
        description="Take the cancel flow's retention coupon (`session.flow.retentionCoupon`) "
        "and keep the subscription instead of canceling it."
    )
    async def accept_retention_offer(
        self, info: Info, input: AcceptRetentionOfferInput
    ) -> AcceptRetentionOfferPayload:
        outcome = await SubscriptionMutation(SPEC, _decide, apply_write).run(
            info.context, input, str(input.subscription_id)
        )
        return AcceptRetentionOfferPayload(
            client_mutation_id=outcome.client_mutation_id,
            subscription=outcome.subscription,
            after_completion=outcome.after_completion,
            user_errors=outcome.user_errors,
        )
