"""The shape every subscription mutation shares: load the customer's subscription, ask the
policy, apply exactly what it decided, render what Stripe answered.

Each mutation supplies its own `decide` (policy, plus any lookups its input needs) and
`apply` (the billing write its decision names).
"""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from ... import models
from ...billing import BillingError, SubscriptionCall, write_subscription
from ...errors import ErrorCode
from ...portal import CHANGED, QUOTE_FIELD, PolicyContext, Refusal
from ..context import Context
from ..errors import UserError, from_refusal
from ..mutation_kit.calls import MutationCall, start_call, stripe_failure
from ..mutation_kit.flow_completion import after_completion
from ..mutation_kit.one_at_a_time import one_at_a_time
from ..mutation_kit.spec import MutationSpec
from ..sessions.types import AfterCompletion
from .subscription_target import load_subscription, rendered, replayed
from .types import Subscription

D = TypeVar("D")

# A decision, or why not: a policy refusal, or a problem with the input found on the way.
Decide = Callable[[PolicyContext, models.Subscription], Awaitable[D | Refusal | UserError]]
Apply = Callable[[MutationCall, D], Awaitable[models.Subscription]]

# Stripe parameters of subscription writes, as the inputs that set them.
# The Stripe parameter a preview's quote sets (the client cannot: see `quoting`).
QUOTE_PRORATION_PARAM = "proration_date"
STRIPE_FIELDS = {
    "items[0][price]": "priceId",
    "items[0][quantity]": "quantity",
    "proration_date": "quote",
    "discounts[0][promotion_code]": "promotionCode",
    "pause_collection[resumes_at]": "resumesAt",
    "cancellation_details[feedback]": "reason",
    "cancellation_details[feedback_option]": "feedbackOption",
    "cancellation_details[comment]": "comment",
}


class SubscriptionWrite(Protocol):
    """A decision that is one subscription write (`call` names it)."""

    @property
    def subscription_id(self) -> str: ...
    @property
    def call(self) -> SubscriptionCall: ...
    @property
    def params(self) -> Mapping[str, Any]: ...
    @property
    def release_schedule_id(self) -> str | None: ...
    def holds(self, subscription: models.Subscription) -> bool: ...


async def apply_write(call: MutationCall, decision: SubscriptionWrite) -> models.Subscription:
    """The `apply` of a mutation whose decision is one subscription write."""
    return await write_subscription(
        call.context.billing,
        decision.call,
        call.customer_id,
        decision.subscription_id,
        decision.params,
        call.keys.key(decision.call),
        holds=decision.holds,
        release_schedule_id=decision.release_schedule_id,
    )


@dataclass(frozen=True)
class SubscriptionOutcome:
    client_mutation_id: str | None
    subscription: Subscription | None
    after_completion: AfterCompletion | None
    user_errors: list[UserError]


@dataclass(frozen=True)
class SubscriptionMutation(Generic[D]):
    """A mutation's own steps: `decide` (the policy) and `apply` (the write it names)."""

    mutation: MutationSpec
    decide: Decide[D]
    apply: Apply[D]

    async def run(
        self, context: Context, data: object, subscription_id: str
    ) -> SubscriptionOutcome:
        # A double submit waits for the first, then sees what it did.
        async with one_at_a_time(context.scope().customer_id, str(subscription_id)):
            return await self._run(context, data, subscription_id)

    async def _run(
        self, context: Context, data: object, subscription_id: str
    ) -> SubscriptionOutcome:
        client_id: str | None = getattr(data, "client_mutation_id", None)

        def failed(error: UserError) -> SubscriptionOutcome:
            return SubscriptionOutcome(client_id, None, None, [error])

        call = await start_call(context, self.mutation, data)
        if isinstance(call, UserError):
            return failed(call)
        if call.replayed is not None:
            again = await replayed(context, call.replayed)
            if isinstance(again, UserError):
                return failed(again)
            return SubscriptionOutcome(
                client_id, again, after_completion(context, self.mutation), []
            )
        subscription = await load_subscription(context, subscription_id)
        if isinstance(subscription, UserError):
            return failed(subscription)
        policy = await context.policy(stripe_clock=True, subscription=subscription)
        decision = await self.decide(policy, subscription)
        if isinstance(decision, Refusal):
            return failed(from_refusal(decision))
        if isinstance(decision, UserError):
            return failed(decision)
        try:
            updated = await self.apply(call, decision)
        except BillingError as exc:
            call.wrote()
            if exc.param == QUOTE_PRORATION_PARAM:
                # Only a quote sets it: Stripe's period moved on since the preview (a renewal
                # this gateway had not heard of yet).
                return failed(from_refusal(Refusal(ErrorCode.QUOTE_EXPIRED, CHANGED, QUOTE_FIELD)))
            return failed(stripe_failure(exc, fields=STRIPE_FIELDS))
        await call.completed({"subscription": updated.id})
        return SubscriptionOutcome(
            client_id,
            await rendered(context, updated),
            after_completion(context, self.mutation),
            [],
        )
