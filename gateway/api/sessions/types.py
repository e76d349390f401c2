"""Session (what the current token grants) and PortalSession (what createPortalSession made)."""

from datetime import datetime
from enum import Enum
from typing import Self

import strawberry

from ...auth.after_completion import AfterCompletion as AfterCompletionModel
from ...auth.principal import CustomerScope
from ...auth.sessions import CreatedSession
from ...billing import BillingError, NotFound, fetch_coupon_terms
from ...portal import Flow
from ..common.types import required_timestamp, timestamp
from ..configuration.types import PortalConfiguration
from ..context import Info
from ..customers.types import Customer
from ..discounts.types import Coupon
from ..errors import billing_failure


@strawberry.enum
class FlowType(Enum):
    CUSTOMER_UPDATE = "customer_update"
    PAYMENT_METHOD_UPDATE = "payment_method_update"
    SUBSCRIPTION_CANCEL = "subscription_cancel"
    SUBSCRIPTION_PAUSE = "subscription_pause"
    SUBSCRIPTION_UPDATE = "subscription_update"
    SUBSCRIPTION_UPDATE_CONFIRM = "subscription_update_confirm"


@strawberry.enum
class AfterCompletionType(Enum):
    HOSTED_CONFIRMATION = "hosted_confirmation"
    PORTAL_HOMEPAGE = "portal_homepage"
    REDIRECT = "redirect"


@strawberry.type(description="Where the frontend goes once the flow is done.")
class AfterCompletion:
    type: AfterCompletionType
    return_url: str | None = strawberry.field(description="Set for REDIRECT.")
    custom_message: str | None = strawberry.field(
        description="Optional text to show for HOSTED_CONFIRMATION."
    )

    @classmethod
    def from_model(cls, model: AfterCompletionModel | None) -> Self:
        model = model or AfterCompletionModel()
        return cls(
            type=AfterCompletionType(model.type),
            return_url=model.return_url,
            custom_message=model.custom_message,
        )


@strawberry.type(description="The one subscription item a confirm flow changes.")
class FlowItem:
    id: strawberry.ID
    price_id: strawberry.ID | None
    quantity: int | None


@strawberry.type(description="The one thing a flow session is for.")
class SessionFlow:
    type: FlowType
    subscription_id: strawberry.ID | None
    item: FlowItem | None
    retention_coupon: str | None = strawberry.field(
        description="A coupon to offer before a cancel is confirmed, when the session has one."
    )
    after_completion: AfterCompletion

    @strawberry.field(
        description="The terms of `retentionCoupon`, read from Stripe, to word the offer "
        "('20% off for 3 months'); null without one, or once it is gone from Stripe."
    )
    async def retention_offer(self, info: Info) -> Coupon | None:
        if self.retention_coupon is None:
            return None
        try:
            coupon = await fetch_coupon_terms(info.context.billing, self.retention_coupon)
        except NotFound:
            return None
        except BillingError as exc:
            raise billing_failure(exc) from None
        return Coupon.from_model(coupon)

    @classmethod
    def from_model(cls, flow: Flow | None, after: AfterCompletionModel | None) -> Self | None:
        if flow is None:
            return None
        item = flow.item
        return cls(
            type=FlowType(flow.type),
            subscription_id=strawberry.ID(flow.subscription_id) if flow.subscription_id else None,
            item=(
                FlowItem(
                    id=strawberry.ID(item.id),
                    price_id=strawberry.ID(item.price) if item.price else None,
                    quantity=item.quantity,
                )
                if item is not None
                else None
            ),
            retention_coupon=flow.retention_coupon,
            after_completion=AfterCompletion.from_model(after),
        )


@strawberry.type(description="What the caller may see and do, for which customer, until when.")
class Session:
    id: strawberry.ID | None = strawberry.field(
        description="The portal session; null when an admin key acts for the customer."
    )
    customer_id: strawberry.ID
    configuration: PortalConfiguration
    flow: SessionFlow | None = strawberry.field(
        description="Set for flow sessions: only this flow is allowed."
    )
    return_url: str | None = strawberry.field(
        description="Where 'back to the site' goes: the session's, else the configuration's."
    )
    locale: str | None
    expires_at: datetime | None = strawberry.field(description="When the access token expires.")

    @classmethod
    def from_scope(cls, scope: CustomerScope, configuration: PortalConfiguration) -> Self:
        return cls(
            id=strawberry.ID(scope.session_id) if scope.session_id else None,
            customer_id=strawberry.ID(scope.customer_id),
            configuration=configuration,
            flow=SessionFlow.from_model(scope.flow, scope.after_completion),
            return_url=scope.return_url or configuration.default_return_url,
            locale=scope.locale,
            expires_at=timestamp(scope.expires_at),
        )

    @strawberry.field
    async def customer(self, info: Info) -> Customer | None:
        try:
            return Customer.from_model(await info.context.loaders.customer())
        except NotFound:
            return None
        except BillingError as exc:
            raise billing_failure(exc) from None


@strawberry.type(description="A new portal session: hand `url` (or `code`) to the customer.")
class PortalSession:
    id: strawberry.ID
    url: str = strawberry.field(description="The portal URL with the code attached.")
    code: str = strawberry.field(description="Single use; redeem it for an access token.")
    expires_at: datetime = strawberry.field(description="The code must be redeemed before this.")
    customer_id: strawberry.ID
    configuration_id: strawberry.ID
    return_url: str | None
    locale: str | None
    flow: SessionFlow | None

    @classmethod
    def from_created(cls, created: CreatedSession) -> Self:
        session = created.session
        return cls(
            id=strawberry.ID(session.id),
            url=created.url,
            code=created.code,
            expires_at=required_timestamp(session.expires_at),
            customer_id=strawberry.ID(session.customer_id),
            configuration_id=strawberry.ID(session.configuration_id),
            return_url=session.return_url,
            locale=session.locale,
            flow=SessionFlow.from_model(session.flow, session.after_completion),
        )
