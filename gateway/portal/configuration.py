"""A typed model of Stripe's `billing_portal.Configuration`, in Stripe's own shape.

A team pastes the JSON Stripe returns for its configuration (read-only fields such as
`object`, `created` or `login_page.url` included) and it loads unchanged. Unknown keys and
bad enum values are rejected by pydantic with a path; rules that span fields live in
`validation.py`. Defaults are Stripe's defaults for a configuration created without that
field, so a hand-written file may leave out what it does not use.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, field_validator

CustomerField = Literal["address", "email", "name", "phone", "shipping", "tax_id"]
CancellationReasonOption = Literal[
    "customer_service",
    "low_quality",
    "missing_features",
    "other",
    "switched_service",
    "too_complex",
    "too_expensive",
    "unused",
]
CancelMode = Literal["at_period_end", "immediately"]
ProrationBehavior = Literal["always_invoice", "create_prorations", "none"]
SubscriptionUpdateType = Literal["price", "promotion_code", "quantity"]
ScheduleConditionType = Literal["decreasing_item_amount", "shortening_interval"]
TrialUpdateBehavior = Literal["continue_trial", "end_trial"]
BillingCycleAnchor = Literal["now", "unchanged"]
PauseInterval = Literal["day", "week", "month", "year"]
PauseDurationType = Literal["indefinite", "interval_options"]

CANCELLATION_REASON_OPTIONS: tuple[CancellationReasonOption, ...] = (
    "customer_service",
    "low_quality",
    "missing_features",
    "other",
    "switched_service",
    "too_complex",
    "too_expensive",
    "unused",
)


class _StripeShape(BaseModel):
    """Frozen, and strict about keys: a typo must not silently disable a rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class BusinessProfile(_StripeShape):
    headline: StrictStr | None = None
    privacy_policy_url: StrictStr | None = None
    terms_of_service_url: StrictStr | None = None


class CustomerUpdateFeature(_StripeShape):
    enabled: StrictBool = False
    allowed_updates: tuple[CustomerField, ...] = ()


class InvoiceHistoryFeature(_StripeShape):
    enabled: StrictBool = False


class PaymentMethodUpdateFeature(_StripeShape):
    enabled: StrictBool = False
    payment_method_configuration: StrictStr | None = None


class FeedbackOption(_StripeShape):
    """A custom `billing.feedback_option`: its id, or Stripe's expanded object. The gateway
    reads each from Stripe when it loads the configuration, for its text and status."""

    id: StrictStr
    object: Literal["billing.feedback_option"] = "billing.feedback_option"
    description: StrictStr | None = None
    livemode: StrictBool | None = None
    status: Literal["active", "inactive"] | None = None
    status_transitions: Any = None

    @property
    def offered(self) -> bool:
        """Deactivated options are no longer offered to customers."""
        return self.status != "inactive"


class CancellationReason(_StripeShape):
    enabled: StrictBool = False
    options: tuple[CancellationReasonOption, ...] = ()
    # Custom `billing.feedback_option`s: ids, or the objects when Stripe expanded them.
    feedback_options: tuple[FeedbackOption, ...] | None = None

    @field_validator("feedback_options", mode="before")
    @classmethod
    def _ids_or_objects(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return [{"id": item} if isinstance(item, str) else item for item in value]
        return value

    @property
    def feedback_option_ids(self) -> tuple[str, ...]:
        return tuple(option.id for option in self.feedback_options or ())

    def offered_feedback_option(self, option_id: str) -> FeedbackOption | None:
        """The custom option with this id, when the configuration offers it now."""
        return next(
            (o for o in self.feedback_options or () if o.id == option_id and o.offered), None
        )


class SubscriptionCancelFeature(_StripeShape):
    enabled: StrictBool = False
    mode: CancelMode = "at_period_end"
    proration_behavior: ProrationBehavior = "none"
    cancellation_reason: CancellationReason = CancellationReason()


class PauseIntervalOption(_StripeShape):
    interval: PauseInterval
    interval_count: StrictInt = Field(default=1, ge=1)


class PauseDuration(_StripeShape):
    type: PauseDurationType = "interval_options"
    interval_options: tuple[PauseIntervalOption, ...] = ()


class SubscriptionPauseFeature(_StripeShape):
    enabled: StrictBool = False
    # Stripe's default: a single one-month option.
    duration: PauseDuration = PauseDuration(
        type="interval_options", interval_options=(PauseIntervalOption(interval="month"),)
    )


class AdjustableQuantity(_StripeShape):
    # A product listed without it can have its quantity changed (Stripe's default); the
    # change still needs `quantity` in `default_allowed_updates`.
    enabled: StrictBool = True
    minimum: StrictInt = Field(default=0, ge=0)
    maximum: StrictInt | None = Field(default=None, ge=1)


class ProductRule(_StripeShape):
    product: StrictStr
    prices: tuple[StrictStr, ...]
    adjustable_quantity: AdjustableQuantity = AdjustableQuantity()


class ScheduleCondition(_StripeShape):
    type: ScheduleConditionType


class ScheduleAtPeriodEnd(_StripeShape):
    conditions: tuple[ScheduleCondition, ...] = ()


class SubscriptionUpdateFeature(_StripeShape):
    enabled: StrictBool = False
    default_allowed_updates: tuple[SubscriptionUpdateType, ...] = ()
    # Stripe omits this list unless `features.subscription_update.products` is expanded.
    products: tuple[ProductRule, ...] | None = None
    proration_behavior: ProrationBehavior = "none"
    schedule_at_period_end: ScheduleAtPeriodEnd = ScheduleAtPeriodEnd()
    trial_update_behavior: TrialUpdateBehavior = "end_trial"
    billing_cycle_anchor: BillingCycleAnchor | None = None

    def allows(self, update: SubscriptionUpdateType) -> bool:
        return self.enabled and update in self.default_allowed_updates

    def product_rule(self, product_id: str) -> ProductRule | None:
        return next((p for p in self.products or () if p.product == product_id), None)

    def rule_listing_price(self, price_id: str) -> ProductRule | None:
        """The product entry whose `prices` list this price, if any."""
        return next((p for p in self.products or () if price_id in p.prices), None)


class Features(_StripeShape):
    customer_update: CustomerUpdateFeature = CustomerUpdateFeature()
    invoice_history: InvoiceHistoryFeature = InvoiceHistoryFeature()
    payment_method_update: PaymentMethodUpdateFeature = PaymentMethodUpdateFeature()
    subscription_cancel: SubscriptionCancelFeature = SubscriptionCancelFeature()
    subscription_pause: SubscriptionPauseFeature = SubscriptionPauseFeature()
    subscription_update: SubscriptionUpdateFeature = SubscriptionUpdateFeature()


class LoginPage(_StripeShape):
    enabled: StrictBool = False
    url: StrictStr | None = None


class Configuration(_StripeShape):
    """One portal configuration. `id` is Stripe's `bpc_...`, or given/derived in a file."""

    id: StrictStr
    object: Literal["billing_portal.configuration"] = "billing_portal.configuration"
    active: StrictBool = True
    # Read-only Connect field; kept only so Stripe's JSON loads.
    application: Any = None
    business_profile: BusinessProfile = BusinessProfile()
    created: StrictInt | None = None
    default_return_url: StrictStr | None = None
    features: Features
    is_default: StrictBool = False
    livemode: StrictBool | None = None
    login_page: LoginPage = LoginPage()
    metadata: dict[StrictStr, StrictStr] | None = None
    name: StrictStr | None = None
    updated: StrictInt | None = None
