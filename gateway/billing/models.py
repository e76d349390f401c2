"""Typed, immutable views of the Stripe objects the portal works with.

The policy engine decides on these (it never sees SDK objects or does I/O) and
the API renders them; `billing/` builds them from what Stripe returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

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
Interval = Literal["day", "week", "month", "year"]


def _get(obj: Any, key: str, default: Any = None) -> Any:
    """Read a field from an SDK object or a plain dict alike."""
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(key, default)
    try:
        value = obj[key]
    except (KeyError, AttributeError, TypeError):
        return default
    return default if value is None else value


def _id(value: Any) -> str | None:
    """An expandable field's id, whether it came expanded or not."""
    if value is None or isinstance(value, str):
        return value
    return str(_get(value, "id"))


@dataclass(frozen=True)
class Address:
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None

    @classmethod
    def from_stripe(cls, obj: Any) -> Address | None:
        if obj is None:
            return None
        return cls(**{name: _get(obj, name) for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Shipping:
    name: str
    address: Address | None
    phone: str | None = None

    @classmethod
    def from_stripe(cls, obj: Any) -> Shipping | None:
        if obj is None:
            return None
        return cls(
            name=_get(obj, "name", ""),
            address=Address.from_stripe(_get(obj, "address")),
            phone=_get(obj, "phone"),
        )


@dataclass(frozen=True)
class Product:
    id: str
    name: str
    active: bool
    description: str | None = None

    @classmethod
    def from_stripe(cls, obj: Any) -> Product:
        return cls(
            id=_get(obj, "id"),
            name=_get(obj, "name", ""),
            active=bool(_get(obj, "active", True)),
            description=_get(obj, "description"),
        )


@dataclass(frozen=True)
class Price:
    id: str
    product_id: str
    active: bool
    currency: str
    unit_amount: int | None
    type: Literal["one_time", "recurring"]
    interval: Interval | None = None
    interval_count: int = 1
    usage_type: Literal["licensed", "metered"] | None = None
    lookup_key: str | None = None
    nickname: str | None = None
    # Set when the price came with its product expanded.
    product: Product | None = None

    @property
    def is_recurring(self) -> bool:
        return self.type == "recurring"

    def interval_seconds_rank(self) -> int:
        """Comparable length of one billing interval (for 'shortening interval' rules)."""
        days = {"day": 1, "week": 7, "month": 30, "year": 365}
        return days.get(self.interval or "month", 30) * self.interval_count

    @classmethod
    def from_stripe(cls, obj: Any) -> Price:
        recurring = _get(obj, "recurring")
        product = _get(obj, "product")
        return cls(
            id=_get(obj, "id"),
            product_id=_id(product) or "",
            active=bool(_get(obj, "active", True)),
            currency=_get(obj, "currency", "usd"),
            unit_amount=_get(obj, "unit_amount"),
            type=_get(obj, "type", "recurring"),
            interval=_get(recurring, "interval") if recurring is not None else None,
            interval_count=int(_get(recurring, "interval_count", 1))
            if recurring is not None
            else 1,
            usage_type=_get(recurring, "usage_type") if recurring is not None else None,
            lookup_key=_get(obj, "lookup_key"),
            nickname=_get(obj, "nickname"),
            product=None
            if product is None or isinstance(product, str)
            else Product.from_stripe(product),
        )


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
            id=_get(obj, "id"),
            price=Price.from_stripe(_get(obj, "price")),
            quantity=int(_get(obj, "quantity", 1)),
            current_period_start=int(_get(obj, "current_period_start", 0)),
            current_period_end=int(_get(obj, "current_period_end", 0)),
        )


@dataclass(frozen=True)
class PauseCollection:
    behavior: Literal["keep_as_draft", "mark_uncollectible", "void"]
    resumes_at: int | None = None


@dataclass(frozen=True)
class PhaseItem:
    price_id: str
    quantity: int


# Metadata the gateway puts on the schedules it creates to queue a change, so it knows which
# schedules it may rewrite or release (a schedule the business set up itself is left alone).
QUEUED_CHANGE_METADATA = {"portal_gateway": "queued_change"}


def is_gateway_schedule(obj: Any) -> bool:
    """Whether an expanded schedule is one the gateway created to queue a change."""
    metadata = _get(obj, "metadata") or {}
    return all(_get(metadata, k) == v for k, v in QUEUED_CHANGE_METADATA.items())


def _gateway_schedule(obj: Any) -> bool:
    return (
        obj is not None
        and not isinstance(obj, str)
        and _get(obj, "status") in ("active", "not_started")
        and is_gateway_schedule(obj)
    )


@dataclass(frozen=True)
class ScheduledChange:
    """The next phase of a subscription's schedule: what the subscription becomes, and when."""

    schedule_id: str
    effective_at: int
    items: tuple[PhaseItem, ...]
    # What the schedule does after its last phase (release, cancel, ...).
    end_behavior: str = "release"

    @classmethod
    def from_schedule(cls, obj: Any) -> ScheduledChange | None:
        """From an expanded `subscription.schedule`; None when nothing is queued."""
        if (
            obj is None
            or isinstance(obj, str)
            or _get(obj, "status") not in ("active", "not_started")
        ):
            return None
        current_end = _get(_get(obj, "current_phase"), "end_date")
        for phase in _get(obj, "phases", []) or []:
            start = _get(phase, "start_date")
            if start is not None and (current_end is None or int(start) >= int(current_end)):
                return cls(
                    schedule_id=_get(obj, "id"),
                    effective_at=int(start),
                    items=tuple(
                        PhaseItem(_id(_get(item, "price")) or "", int(_get(item, "quantity", 1)))
                        for item in _get(phase, "items", []) or []
                    ),
                    end_behavior=_get(obj, "end_behavior", "release"),
                )
        return None


@dataclass(frozen=True)
class Discount:
    """A coupon applied to a subscription or invoice, directly or through a promotion code.

    The coupon's terms are known when it came expanded (`discounts.source.coupon`), the
    code when `discounts.promotion_code` did; otherwise only the ids are.
    """

    id: str
    coupon_id: str | None
    start: int | None = None
    end: int | None = None
    promotion_code_id: str | None = None
    # The code customers type (`SUMMER20`), when the promotion code came expanded.
    promotion_code: str | None = None
    coupon_name: str | None = None
    percent_off: float | None = None
    amount_off: int | None = None
    currency: str | None = None
    duration: Literal["forever", "once", "repeating"] | None = None
    duration_in_months: int | None = None

    @property
    def coupon_known(self) -> bool:
        return self.duration is not None

    def active_at(self, now: int) -> bool:
        return self.end is None or now < self.end

    @classmethod
    def from_stripe(cls, obj: Any) -> Discount:
        """From a discount object or a bare `di_...` id (then only the id is known)."""
        if isinstance(obj, str):
            return cls(id=obj, coupon_id=None)
        source = _get(obj, "source")
        coupon = _get(source, "coupon") or _get(obj, "coupon")
        promo = _get(obj, "promotion_code")
        known = coupon is not None and not isinstance(coupon, str)
        percent = _get(coupon, "percent_off") if known else None
        months = _get(coupon, "duration_in_months") if known else None
        return cls(
            id=_get(obj, "id"),
            coupon_id=_id(coupon),
            start=_get(obj, "start"),
            end=_get(obj, "end"),
            promotion_code_id=_id(promo),
            promotion_code=None if promo is None or isinstance(promo, str) else _get(promo, "code"),
            coupon_name=_get(coupon, "name") if known else None,
            percent_off=float(percent) if percent is not None else None,
            amount_off=_get(coupon, "amount_off") if known else None,
            currency=_get(coupon, "currency") if known else None,
            duration=_get(coupon, "duration") if known else None,
            duration_in_months=int(months) if months is not None else None,
        )


def _discounts(obj: Any) -> tuple[Discount, ...]:
    return tuple(Discount.from_stripe(d) for d in _get(obj, "discounts", []) or [])


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
        items = _get(_get(obj, "items"), "data", []) or []
        pause = _get(obj, "pause_collection")
        details = _get(obj, "cancellation_details")
        mode = _get(obj, "billing_mode")
        clock = _get(obj, "test_clock")
        return cls(
            id=_get(obj, "id"),
            customer_id=_id(_get(obj, "customer")) or "",
            status=_get(obj, "status"),
            items=tuple(SubscriptionItem.from_stripe(i) for i in items),
            currency=_get(obj, "currency", "usd"),
            collection_method=_get(obj, "collection_method", "charge_automatically"),
            cancel_at_period_end=bool(_get(obj, "cancel_at_period_end", False)),
            cancel_at=_get(obj, "cancel_at"),
            canceled_at=_get(obj, "canceled_at"),
            ended_at=_get(obj, "ended_at"),
            cancellation_feedback=_get(details, "feedback"),
            cancellation_comment=_get(details, "comment"),
            pause_collection=(
                PauseCollection(_get(pause, "behavior"), _get(pause, "resumes_at"))
                if pause is not None
                else None
            ),
            trial_start=_get(obj, "trial_start"),
            trial_end=_get(obj, "trial_end"),
            schedule_id=_id(_get(obj, "schedule")),
            default_payment_method_id=_id(_get(obj, "default_payment_method")),
            latest_invoice_id=_id(_get(obj, "latest_invoice")),
            billing_mode=_get(mode, "type", "flexible") if mode is not None else "flexible",
            created=int(_get(obj, "created", 0)),
            metadata=dict(_get(obj, "metadata", {}) or {}),
            scheduled_change=ScheduledChange.from_schedule(_get(obj, "schedule")),
            test_clock_id=_id(clock),
            test_clock_time=(
                None if clock is None or isinstance(clock, str) else _get(clock, "frozen_time")
            ),
            schedule_by_gateway=_gateway_schedule(_get(obj, "schedule")),
            schedule_phase_start=_get(_get(_get(obj, "schedule"), "current_phase"), "start_date")
            if not isinstance(_get(obj, "schedule"), str)
            else None,
            discounts=_discounts(obj),
        )


@dataclass(frozen=True)
class Card:
    brand: str
    last4: str
    exp_month: int
    exp_year: int


@dataclass(frozen=True)
class PaymentMethod:
    id: str
    customer_id: str | None
    type: str
    card: Card | None
    created: int = 0

    @classmethod
    def from_stripe(cls, obj: Any) -> PaymentMethod:
        card = _get(obj, "card")
        return cls(
            id=_get(obj, "id"),
            customer_id=_id(_get(obj, "customer")),
            type=_get(obj, "type", "card"),
            card=(
                Card(
                    brand=_get(card, "brand", "unknown"),
                    last4=_get(card, "last4", ""),
                    exp_month=int(_get(card, "exp_month", 0)),
                    exp_year=int(_get(card, "exp_year", 0)),
                )
                if card is not None
                else None
            ),
            created=int(_get(obj, "created", 0)),
        )


@dataclass(frozen=True)
class TaxId:
    id: str
    customer_id: str | None
    type: str
    value: str
    verification_status: str | None = None

    @classmethod
    def from_stripe(cls, obj: Any) -> TaxId:
        owner = _get(obj, "owner")
        customer = _get(obj, "customer") or _get(owner, "customer")
        return cls(
            id=_get(obj, "id"),
            customer_id=_id(customer),
            type=_get(obj, "type", ""),
            value=_get(obj, "value", ""),
            verification_status=_get(_get(obj, "verification"), "status"),
        )


@dataclass(frozen=True)
class Customer:
    id: str
    email: str | None
    name: str | None
    phone: str | None
    address: Address | None
    shipping: Shipping | None
    default_payment_method_id: str | None
    preferred_locales: tuple[str, ...] = ()
    metadata: dict[str, str] = field(default_factory=dict)
    test_clock_id: str | None = None
    # The test clock's frozen time, when the customer came with `test_clock` expanded.
    test_clock_time: int | None = None

    @classmethod
    def from_stripe(cls, obj: Any) -> Customer:
        settings = _get(obj, "invoice_settings")
        clock = _get(obj, "test_clock")
        return cls(
            id=_get(obj, "id"),
            email=_get(obj, "email"),
            name=_get(obj, "name"),
            phone=_get(obj, "phone"),
            address=Address.from_stripe(_get(obj, "address")),
            shipping=Shipping.from_stripe(_get(obj, "shipping")),
            default_payment_method_id=_id(_get(settings, "default_payment_method")),
            preferred_locales=tuple(_get(obj, "preferred_locales", []) or []),
            metadata=dict(_get(obj, "metadata", {}) or {}),
            test_clock_id=_id(clock),
            test_clock_time=(
                None if clock is None or isinstance(clock, str) else _get(clock, "frozen_time")
            ),
        )


InvoiceStatus = Literal["draft", "open", "paid", "uncollectible", "void"]


@dataclass(frozen=True)
class InvoiceLine:
    id: str
    amount: int
    currency: str
    description: str | None
    quantity: int | None
    period_start: int
    period_end: int
    price_id: str | None
    product_id: str | None
    # True for the credit/debit lines a mid-period change produces.
    proration: bool
    subscription_item_id: str | None = None

    @classmethod
    def from_stripe(cls, obj: Any) -> InvoiceLine:
        parent = _get(obj, "parent")
        details = _get(parent, "subscription_item_details") or _get(parent, "invoice_item_details")
        price_details = _get(_get(obj, "pricing"), "price_details")
        period = _get(obj, "period")
        return cls(
            id=_get(obj, "id"),
            amount=int(_get(obj, "amount", 0)),
            currency=_get(obj, "currency", "usd"),
            description=_get(obj, "description"),
            quantity=_get(obj, "quantity"),
            period_start=int(_get(period, "start", 0)),
            period_end=int(_get(period, "end", 0)),
            price_id=_id(_get(price_details, "price")),
            product_id=_id(_get(price_details, "product")),
            proration=bool(_get(details, "proration", False)),
            subscription_item_id=_id(_get(details, "subscription_item")),
        )


@dataclass(frozen=True)
class Invoice:
    """A finalized or draft invoice, or a preview (`id` starts with `upcoming_in`)."""

    id: str
    customer_id: str | None
    number: str | None
    status: InvoiceStatus | None
    currency: str
    amount_due: int
    amount_paid: int
    amount_remaining: int
    subtotal: int
    total: int
    created: int
    period_start: int
    period_end: int
    lines: tuple[InvoiceLine, ...]
    has_more_lines: bool = False
    subscription_id: str | None = None
    billing_reason: str | None = None
    due_date: int | None = None
    paid_at: int | None = None
    next_payment_attempt: int | None = None
    hosted_invoice_url: str | None = None
    invoice_pdf: str | None = None
    starting_balance: int = 0
    default_payment_method_id: str | None = None
    discounts: tuple[Discount, ...] = ()
    # What each discount took off this invoice, by discount id.
    discount_amounts: dict[str, int] = field(default_factory=dict)

    @property
    def is_preview(self) -> bool:
        return not self.id.startswith("in_")

    @property
    def tax(self) -> int:
        return self.total - self.subtotal if self.total > self.subtotal else 0

    @classmethod
    def from_stripe(cls, obj: Any) -> Invoice:
        lines = _get(obj, "lines")
        subscription = _get(_get(_get(obj, "parent"), "subscription_details"), "subscription")
        return cls(
            id=_get(obj, "id") or "",
            customer_id=_id(_get(obj, "customer")),
            number=_get(obj, "number"),
            status=_get(obj, "status"),
            currency=_get(obj, "currency", "usd"),
            amount_due=int(_get(obj, "amount_due", 0)),
            amount_paid=int(_get(obj, "amount_paid", 0)),
            amount_remaining=int(_get(obj, "amount_remaining", 0)),
            subtotal=int(_get(obj, "subtotal", 0)),
            total=int(_get(obj, "total", 0)),
            created=int(_get(obj, "created", 0)),
            period_start=int(_get(obj, "period_start", 0)),
            period_end=int(_get(obj, "period_end", 0)),
            lines=tuple(InvoiceLine.from_stripe(line) for line in _get(lines, "data", []) or []),
            has_more_lines=bool(_get(lines, "has_more", False)),
            subscription_id=_id(subscription),
            billing_reason=_get(obj, "billing_reason"),
            due_date=_get(obj, "due_date"),
            paid_at=_get(_get(obj, "status_transitions"), "paid_at"),
            next_payment_attempt=_get(obj, "next_payment_attempt"),
            hosted_invoice_url=_get(obj, "hosted_invoice_url"),
            invoice_pdf=_get(obj, "invoice_pdf"),
            starting_balance=int(_get(obj, "starting_balance", 0)),
            default_payment_method_id=_id(_get(obj, "default_payment_method")),
            discounts=_discounts(obj),
            discount_amounts={
                _id(_get(total, "discount")) or "": int(_get(total, "amount", 0))
                for total in _get(obj, "total_discount_amounts", []) or []
            },
        )


@dataclass(frozen=True)
class InvoicePage:
    """One page of a customer's invoices, newest first."""

    invoices: tuple[Invoice, ...]
    has_more: bool


SetupIntentStatus = Literal[
    "requires_payment_method",
    "requires_confirmation",
    "requires_action",
    "processing",
    "canceled",
    "succeeded",
]


@dataclass(frozen=True)
class SetupIntent:
    """How a customer saves a payment method: the browser confirms it with `client_secret`."""

    id: str
    customer_id: str | None
    status: SetupIntentStatus
    client_secret: str | None
    payment_method_id: str | None
    created: int = 0

    @classmethod
    def from_stripe(cls, obj: Any) -> SetupIntent:
        return cls(
            id=_get(obj, "id"),
            customer_id=_id(_get(obj, "customer")),
            status=_get(obj, "status", "requires_payment_method"),
            client_secret=_get(obj, "client_secret"),
            payment_method_id=_id(_get(obj, "payment_method")),
            created=int(_get(obj, "created", 0)),
        )
