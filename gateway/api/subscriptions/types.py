"""Subscription, its items, pause state and queued change."""

from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import Self

import strawberry

from ... import models
from ...billing import BillingError
from ...portal import Refusal, SubscriptionAction, SubscriptionOptions
from ..catalog.types import Price
from ..common.converted import Converted
from ..common.types import required_timestamp, timestamp
from ..context import Info
from ..discounts.types import Discount
from ..errors import ErrorCode, billing_failure
from ..fields import field
from ..invoices.types import Invoice
from ..invoices.upcoming import load_upcoming_invoice
from .options_memo import options_of


@strawberry.enum
class SubscriptionStatus(Enum):
    INCOMPLETE = "incomplete"
    INCOMPLETE_EXPIRED = "incomplete_expired"
    TRIALING = "trialing"
    ACTIVE = "active"
    PAST_DUE = "past_due"
    CANCELED = "canceled"
    UNPAID = "unpaid"
    PAUSED = "paused"


@strawberry.enum
class PauseBehavior(Enum):
    KEEP_AS_DRAFT = "keep_as_draft"
    MARK_UNCOLLECTIBLE = "mark_uncollectible"
    VOID = "void"


@strawberry.enum
class CollectionMethod(Enum):
    CHARGE_AUTOMATICALLY = "charge_automatically"
    SEND_INVOICE = "send_invoice"


@strawberry.type(description="Payment collection is paused; invoices follow `behavior`.")
class PauseCollection:
    behavior: PauseBehavior
    resumes_at: datetime | None


@strawberry.type
class SubscriptionItem:
    id: strawberry.ID
    price: Price
    quantity: int
    current_period_start: datetime
    current_period_end: datetime

    @classmethod
    def from_model(cls, item: models.SubscriptionItem) -> Self:
        return cls(
            id=strawberry.ID(item.id),
            price=Price.from_model(item.price),
            quantity=item.quantity,
            current_period_start=required_timestamp(item.current_period_start),
            current_period_end=required_timestamp(item.current_period_end),
        )


@strawberry.type
class ScheduledItem:
    price_id: strawberry.ID
    quantity: int

    @strawberry.field
    async def price(self, info: Info) -> Price | None:
        try:
            price = await info.context.loaders.price(str(self.price_id))
        except BillingError as exc:
            raise billing_failure(exc) from None
        return Price.from_model(price) if price is not None else None


@strawberry.type(description="A change queued for later, e.g. a downgrade at period end.")
class ScheduledChange:
    effective_at: datetime
    items: list[ScheduledItem]

    @classmethod
    def from_model(cls, change: models.ScheduledChange | None) -> Self | None:
        if change is None:
            return None
        return cls(
            effective_at=required_timestamp(change.effective_at),
            items=[
                ScheduledItem(price_id=strawberry.ID(item.price_id), quantity=item.quantity)
                for item in change.items
            ],
        )


SubscriptionActionType = strawberry.enum(
    SubscriptionAction,
    name="SubscriptionAction",
    description="What a customer can do with a subscription (see `availableActions`).",
)


@strawberry.type(description="An action the customer cannot take now, and why.")
class UnavailableAction:
    action: SubscriptionActionType  # type: ignore[valid-type]
    code: ErrorCode
    message: str


@strawberry.type
class Subscription:
    id: strawberry.ID
    status: SubscriptionStatus
    currency: str
    collection_method: CollectionMethod
    created: datetime
    items: list[SubscriptionItem]
    current_period_start: datetime | None = strawberry.field(
        description="The earliest item period (items carry their own periods)."
    )
    current_period_end: datetime | None
    trial_start: datetime | None
    trial_end: datetime | None
    cancel_at_period_end: bool
    cancel_at: datetime | None
    canceled_at: datetime | None
    ended_at: datetime | None
    is_canceling: bool = strawberry.field(
        description="Scheduled to end: `cancelAtPeriodEnd` or a `cancelAt` date is set."
    )
    pause_collection: PauseCollection | None = strawberry.field(
        description="Payment collection paused by the business (Stripe's "
        "`pause_collection`); the portal itself pauses with status PAUSED."
    )
    is_paused: bool = strawberry.field(
        description="Paused (status PAUSED) or payment collection paused."
    )
    resumes_at: datetime | None = strawberry.field(
        description="When Stripe resumes this paused subscription by itself (the pause "
        "length chosen); null for an open-ended pause, which lasts until resumed."
    )
    scheduled_change: ScheduledChange | None
    latest_invoice_id: strawberry.ID | None = strawberry.field(
        description="Its most recent invoice: the one `payInvoice` pays when PAY_INVOICE is "
        "available."
    )
    model: strawberry.Private[models.Subscription]

    @classmethod
    def from_model(cls, sub: models.Subscription) -> "Subscription":
        """Built once per model (`Converted`): a warm read serves the same models again.
        Nothing per request is kept on it (the options are kept per request apart)."""
        return _SUBSCRIPTIONS(sub)

    @classmethod
    def build(cls, sub: models.Subscription) -> Self:
        pause = sub.pause_collection
        return cls(
            id=strawberry.ID(sub.id),
            status=SubscriptionStatus(sub.status),
            currency=sub.currency,
            collection_method=CollectionMethod(sub.collection_method),
            created=required_timestamp(sub.created),
            items=[SubscriptionItem.from_model(item) for item in sub.items],
            current_period_start=timestamp(sub.current_period_start),
            current_period_end=timestamp(sub.current_period_end),
            trial_start=timestamp(sub.trial_start),
            trial_end=timestamp(sub.trial_end),
            cancel_at_period_end=sub.cancel_at_period_end,
            cancel_at=timestamp(sub.cancel_at),
            canceled_at=timestamp(sub.canceled_at),
            ended_at=timestamp(sub.ended_at),
            is_canceling=sub.is_canceling,
            pause_collection=(
                PauseCollection(
                    behavior=PauseBehavior(pause.behavior), resumes_at=timestamp(pause.resumes_at)
                )
                if pause is not None
                else None
            ),
            is_paused=sub.is_paused,
            resumes_at=timestamp(sub.resumes_at if sub.status == "paused" else None),
            scheduled_change=ScheduledChange.from_model(sub.scheduled_change),
            latest_invoice_id=(
                strawberry.ID(sub.latest_invoice_id) if sub.latest_invoice_id else None
            ),
            model=sub,
        )

    def _options(self, info: Info) -> SubscriptionOptions:
        # Computed once per request for the three fields below (plain, sync resolvers: the
        # policy reads the wall clock and needs no I/O), in this request's policy context.
        return options_of(info.context.read_policy(), self.model, info.context.services.catalog)

    def _availability(self, info: Info) -> Mapping[SubscriptionAction, Refusal | None]:
        return self._options(info).availability

    @field(description="The actions the portal configuration allows on it right now.")
    def available_actions(self, info: Info) -> list[SubscriptionActionType]:  # type: ignore[valid-type]
        return [action for action, refusal in self._availability(info).items() if refusal is None]

    @field(description="The actions not allowed right now, each with the reason.")
    def unavailable_actions(self, info: Info) -> list[UnavailableAction]:
        return [
            UnavailableAction(action=action, code=refusal.code, message=refusal.message)
            for action, refusal in self._availability(info).items()
            if refusal is not None
        ]

    @field(description="Prices it can switch to now (empty unless SWITCH_PRICE is available).")
    def available_prices(self, info: Info) -> list[Price]:
        return [Price.from_model(price) for price in self._options(info).switch_targets]

    @field(
        description="The coupons that reduce its invoices now, with the codes that applied them."
    )
    async def discounts(self, info: Info) -> list[Discount]:
        model = self.model
        if not model.discounts_known:
            # A write's answer may name its discounts by id only: read it as the list has it.
            try:
                model = await info.context.loaders.reread_subscription(model.id)
            except BillingError as exc:
                raise billing_failure(exc) from None
        now = model.test_clock_time or info.context.read_policy().now
        return [Discount.from_model(d) for d in model.discounts if d.active_at(now)]

    @field(description="Its next invoice as Stripe would draft it now; null when none is due.")
    async def upcoming_invoice(self, info: Info) -> Invoice | None:
        return await load_upcoming_invoice(info, self.model)


# As many as the kept copies with products (`subscription_products.KEPT`).
_SUBSCRIPTIONS = Converted(Subscription.build, size=1024)
