"""What the policy allows, as the exact Stripe parameters to send.

billing/ applies a decision as it stands: it adds nothing that changes behaviour
(idempotency keys and `expand` aside). `params` is a fresh dict per decision, shaped like
the stripe SDK's params TypedDicts, for the call the decision names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal

if TYPE_CHECKING:
    from gateway.models import Subscription

    from .configuration import CancelMode, ScheduleConditionType

StripeParams = dict[str, Any]


@dataclass(frozen=True)
class PayInvoiceDecision:
    """Pay an open invoice now: POST /v1/invoices/{id}/pay with `params`."""

    invoice_id: str
    # The card charged: the one the customer chose, else the one Stripe would pick.
    payment_method_id: str
    params: StripeParams


@dataclass(frozen=True)
class CancelDecision:
    """`call="update"`: POST /v1/subscriptions/{id}; `call="cancel"`: DELETE it."""

    subscription_id: str
    mode: CancelMode
    call: Literal["update", "cancel"]
    params: StripeParams
    # When the subscription ends: the current period's end, or now.
    ends_at: int | None
    # The gateway's own schedule to release first (its queued change is dropped, as Stripe's
    # portal does): a subscription on a schedule cannot be set to cancel at period end.
    release_schedule_id: str | None = None

    def holds(self, subscription: Subscription) -> bool:
        """Whether Stripe's subscription shows this decision applied (after a lost answer)."""
        if self.call == "cancel":
            return subscription.status == "canceled"
        return subscription.is_canceling


@dataclass(frozen=True)
class RenewDecision:
    """Undo a scheduled cancel: POST /v1/subscriptions/{id}."""

    call: ClassVar[Literal["update"]] = "update"
    subscription_id: str
    params: StripeParams
    release_schedule_id: str | None = None

    def holds(self, subscription: Subscription) -> bool:
        return not subscription.is_canceling


@dataclass(frozen=True)
class UpdateDecision:
    """Apply a change now: POST /v1/subscriptions/{id} (and the same for a preview)."""

    call: ClassVar[Literal["update"]] = "update"
    subscription_id: str
    item_id: str
    # The item as it will be once applied.
    price_id: str
    quantity: int
    changes_price: bool
    changes_quantity: bool
    promotion_code: str | None
    params: StripeParams
    # The gateway's own schedule to release first: a change made now replaces a queued one.
    release_schedule_id: str | None = None

    def holds(self, subscription: Subscription) -> bool:
        items = [(i.price.id, i.quantity) for i in subscription.items]
        if items != [(self.price_id, self.quantity)]:
            return False
        if self.promotion_code is None:
            return True
        return self.promotion_code in {d.promotion_code_id for d in subscription.discounts}


@dataclass(frozen=True)
class ScheduledUpdateDecision:
    """Apply a change at the end of the current period, because a configured condition matched.

    billing/ builds a subscription schedule from the subscription, keeps the current phase
    until `effective_at` and adds `next_phase` after it (Stripe's phase parameters).
    A phase without `discounts` drops the subscription's, so the current phase keeps
    `current_discounts` and the next one them too, unless the change brings a code.
    """

    subscription_id: str
    item_id: str
    current_price_id: str
    current_quantity: int
    price_id: str
    quantity: int
    effective_at: int
    conditions: tuple[ScheduleConditionType, ...]
    next_phase: StripeParams
    # The subscription's discounts in force now, as phase parameters (`{"discount": id}`).
    current_discounts: tuple[dict[str, str], ...] = ()
    # The gateway's own schedule, when it has one already: its phases are rewritten (from
    # the current phase's start), which replaces any change queued before.
    schedule_id: str | None = None
    schedule_phase_start: int | None = None

    def holds(self, subscription: Subscription) -> bool:
        change = subscription.queued_change
        return (
            change is not None
            and change.effective_at == self.effective_at
            and [(i.price_id, i.quantity) for i in change.items] == [(self.price_id, self.quantity)]
        )


@dataclass(frozen=True)
class UndoScheduledChangeDecision:
    """Drop the change the gateway queued: POST /v1/subscription_schedules/{id}/release.

    Releasing leaves the subscription exactly as it is now, without the schedule.
    """

    subscription_id: str
    schedule_id: str

    def holds(self, subscription: Subscription) -> bool:
        return subscription.schedule_id != self.schedule_id


@dataclass(frozen=True)
class PauseDecision:
    """Pause now (Stripe's `paused` status).

    `call="pause"`: POST /v1/subscriptions/{id}/pause, open-ended. `call="schedule"`:
    POST /v1/subscription_schedules from the subscription with a pause schedule (pause now,
    Stripe resumes at the chosen length's end), `resumes_at` being that date as counted now.
    """

    subscription_id: str
    call: Literal["pause", "schedule"]
    params: StripeParams
    resumes_at: int | None
    # The gateway's own schedule whose queued change has started: released first.
    release_schedule_id: str | None = None

    def holds(self, subscription: Subscription) -> bool:
        """Whether Stripe shows this pause in place (after a lost answer)."""
        if subscription.status != "paused":
            return False
        return self.call == "pause" or subscription.resumes_at is not None


@dataclass(frozen=True)
class ResumeDecision:
    """`call="update"` clears `pause_collection`; `call="resume"` is POST .../{id}/resume,
    after releasing `release_schedule_id` (the gateway's pause schedule) when set."""

    subscription_id: str
    call: Literal["update", "resume"]
    params: StripeParams
    release_schedule_id: str | None = None

    def holds(self, subscription: Subscription) -> bool:
        if self.call == "resume":
            return subscription.status != "paused"
        return subscription.pause_collection is None


@dataclass(frozen=True)
class CustomerUpdateDecision:
    """POST /v1/customers/{id}."""

    customer_id: str
    fields: frozenset[str]
    params: StripeParams


@dataclass(frozen=True)
class AddTaxIdDecision:
    """POST /v1/customers/{id}/tax_ids."""

    customer_id: str
    params: StripeParams


@dataclass(frozen=True)
class RemoveTaxIdDecision:
    """DELETE /v1/customers/{id}/tax_ids/{tax_id}."""

    customer_id: str
    tax_id: str


@dataclass(frozen=True)
class SetupIntentDecision:
    """POST /v1/setup_intents: the client confirms it to add a payment method."""

    customer_id: str
    params: StripeParams


@dataclass(frozen=True)
class SubscriptionPaymentMethodChange:
    """A subscription whose own default payment method must follow: POST /v1/subscriptions/{id}."""

    subscription_id: str
    params: StripeParams


@dataclass(frozen=True)
class SetDefaultPaymentMethodDecision:
    """POST /v1/customers/{id} with `customer_params` (None: the customer already has it),
    then each subscription change.

    A subscription's own `default_payment_method` wins over the customer's, so those that
    have one are pointed at the new default too.
    """

    customer_id: str
    payment_method_id: str
    customer_params: StripeParams | None
    subscription_changes: tuple[SubscriptionPaymentMethodChange, ...]


@dataclass(frozen=True)
class DetachPaymentMethodDecision:
    """Make `new_default_payment_method_id` the default first (when set), then detach.

    Detaching the customer's default leaves Stripe with no default at all; the policy
    promotes the newest remaining payment method so subscriptions keep a way to pay.
    """

    customer_id: str
    payment_method_id: str
    new_default_payment_method_id: str | None
    customer_params: StripeParams | None
    subscription_changes: tuple[SubscriptionPaymentMethodChange, ...]


@dataclass(frozen=True)
class RetentionOfferDecision:
    """Accept a cancel flow's retention offer: POST /v1/subscriptions/{id} adding its coupon
    to the discounts in force; the subscription is not canceled."""

    call: ClassVar[Literal["update"]] = "update"
    # Only adds a coupon: nothing of the gateway's is released first.
    release_schedule_id: ClassVar[None] = None
    subscription_id: str
    coupon_id: str
    params: StripeParams

    def holds(self, subscription: Subscription) -> bool:
        return any(d.coupon_id == self.coupon_id for d in subscription.discounts)
