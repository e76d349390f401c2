"""Subscriptions and their items: what the policy engine decides on most."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .catalog import Price
from .discounts import Discount, discounts_of
from .schedules import ScheduledChange, is_live_gateway_schedule, scheduled_resume_at
from .stripe_fields import id_of, value_of

SubscriptionStatus = Literal[
    "incomplete",
    "incomplete_expired",
    "trialing",
    "active",
    "past_due",
    "canceled",
    "unpaid",
    "paused",
]


@dataclass(frozen=True)
class SubscriptionItem:
    id: str
    price: Price
    quantity: int
    current_period_start: int
    current_period_end: int

    @classmethod
    def from_stripe(cls, obj: Any) -> SubscriptionItem:
        return cls(
            id=value_of(obj, "id"),
            price=Price.from_stripe(value_of(obj, "price")),
            quantity=int(value_of(obj, "quantity", 1)),
            current_period_start=int(value_of(obj, "current_period_start", 0)),
            current_period_end=int(value_of(obj, "current_period_end", 0)),
        )


@dataclass(frozen=True)
class PauseCollection:
    behavior: Literal["keep_as_draft", "mark_uncollectible", "void"]
    resumes_at: int | None = None


@dataclass(frozen=True)
class Subscription:
    id: str
    customer_id: str
    status: SubscriptionStatus
    items: tuple[SubscriptionItem, ...]
    currency: str
    collection_method: Literal["charge_automatically", "send_invoice"] = "charge_automatically"
    cancel_at_period_end: bool = False
    cancel_at: int | None = None
    canceled_at: int | None = None
    ended_at: int | None = None
    cancellation_feedback: str | None = None
    cancellation_comment: str | None = None
    pause_collection: PauseCollection | None = None
    trial_start: int | None = None
    trial_end: int | None = None
    schedule_id: str | None = None
    default_payment_method_id: str | None = None
    latest_invoice_id: str | None = None
    billing_mode: Literal["classic", "flexible"] = "flexible"
    created: int = 0
    metadata: dict[str, str] = field(default_factory=dict)
    # Set when the subscription came with its `schedule` expanded and a later phase is queued.
    scheduled_change: ScheduledChange | None = None
    # Its customer's test clock (a subscription belongs to its customer's clock), and the
    # clock's frozen time when it came with `test_clock` expanded.
    test_clock_id: str | None = None
    test_clock_time: int | None = None
    # The attached schedule is one the gateway created to queue a change (known when the
    # schedule came expanded): it may be rewritten or released on the customer's behalf.
    schedule_by_gateway: bool = False
    # When the schedule's current phase began (a rewrite of its phases must keep it).
    schedule_phase_start: int | None = None
    # When Stripe resumes a paused subscription by itself: its schedule's pause schedule
    # (known when the schedule came expanded); None for an open-ended pause.
    resumes_at: int | None = None

    @property
    def queued_change(self) -> ScheduledChange | None:
        """A change the gateway queued that has not started yet (undo, replace or drop it)."""
        return self.scheduled_change if self.schedule_by_gateway else None

    @property
    def foreign_schedule_id(self) -> str | None:
        """A schedule someone else attached (the business): the portal leaves it alone."""
        return None if self.schedule_by_gateway else self.schedule_id

    @property
    def gateway_schedule_id(self) -> str | None:
        """The gateway's own schedule, queued change pending or already started."""
        return self.schedule_id if self.schedule_by_gateway else None

    # Its discounts; a coupon's terms are known only when they came expanded.
    discounts: tuple[Discount, ...] = ()

    @property
    def discounts_known(self) -> bool:
        """Whether every discount came with its coupon's terms (else re-read to show them)."""
        return all(d.coupon_known for d in self.discounts)

    @property
    def current_period_start(self) -> int | None:
        return min((i.current_period_start for i in self.items), default=None)

    @property
    def current_period_end(self) -> int | None:
        return min((i.current_period_end for i in self.items), default=None)

    @property
    def is_canceling(self) -> bool:
        """Scheduled to end: the portal may set either field (flexible mode sets `cancel_at`)."""
        return self.status != "canceled" and (
            self.cancel_at_period_end or self.cancel_at is not None
        )

    @property
    def is_paused(self) -> bool:
        return self.status == "paused" or self.pause_collection is not None

    @classmethod
    def from_stripe(cls, obj: Any) -> Subscription:
        items = value_of(value_of(obj, "items"), "data", []) or []
        pause = value_of(obj, "pause_collection")
        details = value_of(obj, "cancellation_details")
        mode = value_of(obj, "billing_mode")
        clock = value_of(obj, "test_clock")
        return cls(
            id=value_of(obj, "id"),
            customer_id=id_of(value_of(obj, "customer")) or "",
            status=value_of(obj, "status"),
            items=tuple(SubscriptionItem.from_stripe(i) for i in items),
            currency=value_of(obj, "currency", "usd"),
            collection_method=value_of(obj, "collection_method", "charge_automatically"),
            cancel_at_period_end=bool(value_of(obj, "cancel_at_period_end", False)),
            cancel_at=value_of(obj, "cancel_at"),
            canceled_at=value_of(obj, "canceled_at"),
            ended_at=value_of(obj, "ended_at"),
            cancellation_feedback=value_of(details, "feedback"),
            cancellation_comment=value_of(details, "comment"),
            pause_collection=(
                PauseCollection(value_of(pause, "behavior"), value_of(pause, "resumes_at"))
                if pause is not None
                else None
            ),
            trial_start=value_of(obj, "trial_start"),
            trial_end=value_of(obj, "trial_end"),
            schedule_id=id_of(value_of(obj, "schedule")),
            default_payment_method_id=id_of(value_of(obj, "default_payment_method")),
            latest_invoice_id=id_of(value_of(obj, "latest_invoice")),
            billing_mode=value_of(mode, "type", "flexible") if mode is not None else "flexible",
            created=int(value_of(obj, "created", 0)),
            metadata=dict(value_of(obj, "metadata", {}) or {}),
            scheduled_change=ScheduledChange.from_schedule(value_of(obj, "schedule")),
            test_clock_id=id_of(clock),
            test_clock_time=(
                None if clock is None or isinstance(clock, str) else value_of(clock, "frozen_time")
            ),
            schedule_by_gateway=is_live_gateway_schedule(value_of(obj, "schedule")),
            schedule_phase_start=value_of(
                value_of(value_of(obj, "schedule"), "current_phase"), "start_date"
            )
            if not isinstance(value_of(obj, "schedule"), str)
            else None,
            discounts=discounts_of(obj),
            resumes_at=scheduled_resume_at(value_of(obj, "schedule")),
        )
