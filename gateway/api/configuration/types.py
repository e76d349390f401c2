"""Business profile and features of the session's portal configuration (Stripe's shape)."""

from enum import Enum
from typing import Self

import strawberry

from ...portal import Configuration, Features


@strawberry.enum
class CancelMode(Enum):
    AT_PERIOD_END = "at_period_end"
    IMMEDIATELY = "immediately"


@strawberry.enum
class ProrationBehavior(Enum):
    ALWAYS_INVOICE = "always_invoice"
    CREATE_PRORATIONS = "create_prorations"
    NONE = "none"


@strawberry.enum(description="Why a customer cancels (Stripe's `cancellation_details.feedback`).")
class CancellationReason(Enum):
    CUSTOMER_SERVICE = "customer_service"
    LOW_QUALITY = "low_quality"
    MISSING_FEATURES = "missing_features"
    OTHER = "other"
    SWITCHED_SERVICE = "switched_service"
    TOO_COMPLEX = "too_complex"
    TOO_EXPENSIVE = "too_expensive"
    UNUSED = "unused"


@strawberry.enum
class CustomerField(Enum):
    ADDRESS = "address"
    EMAIL = "email"
    NAME = "name"
    PHONE = "phone"
    SHIPPING = "shipping"
    TAX_ID = "tax_id"


@strawberry.enum
class SubscriptionUpdateType(Enum):
    PRICE = "price"
    PROMOTION_CODE = "promotion_code"
    QUANTITY = "quantity"


@strawberry.enum
class PauseInterval(Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


@strawberry.type
class BusinessProfile:
    headline: str | None
    privacy_policy_url: str | None
    terms_of_service_url: str | None


@strawberry.type
class CustomerUpdateFeature:
    enabled: bool
    allowed_updates: list[CustomerField]


@strawberry.type
class InvoiceHistoryFeature:
    enabled: bool


@strawberry.type
class PaymentMethodUpdateFeature:
    enabled: bool


@strawberry.type(
    description="A custom cancellation reason (Stripe's `billing.feedback_option`), "
    "offered beside the built-in ones."
)
class FeedbackOption:
    id: strawberry.ID
    description: str = strawberry.field(description="What the customer reads and chooses.")


@strawberry.type
class CancellationReasonFeature:
    enabled: bool
    options: list[CancellationReason] = strawberry.field(
        description="Stripe's built-in reasons on offer (`cancelSubscription(reason:)`)."
    )
    feedback_options: list[FeedbackOption] = strawberry.field(
        description="The configuration's own reasons on offer, each chosen by id "
        "(`cancelSubscription(feedbackOption:)`) and shown by its description."
    )


@strawberry.type
class SubscriptionCancelFeature:
    enabled: bool
    mode: CancelMode
    proration_behavior: ProrationBehavior
    cancellation_reason: CancellationReasonFeature


@strawberry.type
class PauseIntervalOption:
    interval: PauseInterval
    interval_count: int


@strawberry.type
class SubscriptionPauseFeature:
    enabled: bool
    indefinite: bool = strawberry.field(description="True: a pause may be left open-ended.")
    interval_options: list[PauseIntervalOption]


@strawberry.type
class SubscriptionUpdateFeature:
    enabled: bool
    default_allowed_updates: list[SubscriptionUpdateType]
    proration_behavior: ProrationBehavior


@strawberry.type
class PortalFeatures:
    customer_update: CustomerUpdateFeature
    invoice_history: InvoiceHistoryFeature
    payment_method_update: PaymentMethodUpdateFeature
    subscription_cancel: SubscriptionCancelFeature
    subscription_pause: SubscriptionPauseFeature
    subscription_update: SubscriptionUpdateFeature

    @classmethod
    def from_config(cls, features: Features) -> Self:
        cancel = features.subscription_cancel
        pause = features.subscription_pause
        update = features.subscription_update
        return cls(
            customer_update=CustomerUpdateFeature(
                enabled=features.customer_update.enabled,
                allowed_updates=[
                    CustomerField(f) for f in features.customer_update.allowed_updates
                ],
            ),
            invoice_history=InvoiceHistoryFeature(enabled=features.invoice_history.enabled),
            payment_method_update=PaymentMethodUpdateFeature(
                enabled=features.payment_method_update.enabled
            ),
            subscription_cancel=SubscriptionCancelFeature(
                enabled=cancel.enabled,
                mode=CancelMode(cancel.mode),
                proration_behavior=ProrationBehavior(cancel.proration_behavior),
                cancellation_reason=CancellationReasonFeature(
                    enabled=cancel.cancellation_reason.enabled,
                    options=[CancellationReason(o) for o in cancel.cancellation_reason.options],
                    feedback_options=[
                        FeedbackOption(id=strawberry.ID(o.id), description=o.description or o.id)
                        for o in cancel.cancellation_reason.feedback_options or ()
                        if o.offered
                    ],
                ),
            ),
            subscription_pause=SubscriptionPauseFeature(
                enabled=pause.enabled,
                indefinite=pause.duration.type == "indefinite",
                interval_options=[
                    PauseIntervalOption(
                        interval=PauseInterval(o.interval), interval_count=o.interval_count
                    )
                    for o in pause.duration.interval_options
                ],
            ),
            subscription_update=SubscriptionUpdateFeature(
                enabled=update.enabled,
                default_allowed_updates=[
                    SubscriptionUpdateType(u) for u in update.default_allowed_updates
                ],
                proration_behavior=ProrationBehavior(update.proration_behavior),
            ),
        )


@strawberry.type
class PortalConfiguration:
    id: strawberry.ID
    business_profile: BusinessProfile
    default_return_url: str | None
    features: PortalFeatures

    @classmethod
    def from_config(cls, configuration: Configuration) -> Self:
        profile = configuration.business_profile
        return cls(
            id=strawberry.ID(configuration.id),
            business_profile=BusinessProfile(
                headline=profile.headline,
                privacy_policy_url=profile.privacy_policy_url,
                terms_of_service_url=profile.terms_of_service_url,
            ),
            default_return_url=configuration.default_return_url,
            features=PortalFeatures.from_config(configuration.features),
        )
