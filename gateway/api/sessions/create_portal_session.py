"""`createPortalSession` (admin): a session for one customer, optionally limited to one flow.

Checked like Stripe checks `billing_portal.sessions.create`: the configuration exists and
is active, the customer exists, and a flow is well formed, its feature is on and its
subscription (the customer's own) allows the flow's action now.
"""

import time
from enum import Enum
from typing import TYPE_CHECKING, Any

import strawberry

from ...auth.after_completion import AfterCompletion
from ...auth.locales import LOCALES
from ...billing import (
    BillingError,
    NotFound,
    begin_change,
    fetch_customer,
    fetch_prices,
    fetch_subscription,
)
from ...portal import (
    Configuration,
    Flow,
    FlowDataError,
    InactiveConfigurationError,
    UnknownConfigurationError,
    validate_flow,
)
from ..context import Context, Info
from ..errors import ErrorCode, UserError, from_billing, input_path, user_error
from ..input_limits import too_long
from ..mutation_kit.spec import MutationSpec
from .flow_discounts import check_flow_discounts
from .types import AfterCompletionType, FlowType, PortalSession

if TYPE_CHECKING:
    from ...models import Price, Subscription

SPEC = MutationSpec(
    name="createPortalSession",
    completes=(),
    announces=None,
)


@strawberry.enum
class RetentionType(Enum):
    COUPON_OFFER = "coupon_offer"


@strawberry.input
class RetentionInput:
    type: RetentionType
    coupon: str = strawberry.field(description="The coupon offered before canceling.")


@strawberry.input
class SubscriptionCancelFlowInput:
    subscription: strawberry.ID
    retention: RetentionInput | None = None


@strawberry.input
class SubscriptionFlowInput:
    subscription: strawberry.ID


@strawberry.input
class FlowItemInput:
    id: strawberry.ID = strawberry.field(description="The subscription item (si_...).")
    price: strawberry.ID | None = None
    quantity: int | None = None


@strawberry.input
class FlowDiscountInput:
    coupon: str | None = None
    promotion_code: str | None = None


@strawberry.input
class SubscriptionUpdateConfirmFlowInput:
    subscription: strawberry.ID
    items: list[FlowItemInput] = strawberry.field(description="Exactly one item.")
    discounts: list[FlowDiscountInput] | None = None


@strawberry.input
class AfterCompletionInput:
    type: AfterCompletionType
    return_url: str | None = strawberry.field(default=None, description="Required for REDIRECT.")
    custom_message: str | None = strawberry.field(
        default=None, description="For HOSTED_CONFIRMATION."
    )


@strawberry.input(description="Stripe's `flow_data`: limit the session to one flow.")
class FlowDataInput:
    type: FlowType
    after_completion: AfterCompletionInput | None = None
    subscription_cancel: SubscriptionCancelFlowInput | None = None
    subscription_pause: SubscriptionFlowInput | None = None
    subscription_update: SubscriptionFlowInput | None = None
    subscription_update_confirm: SubscriptionUpdateConfirmFlowInput | None = None


@strawberry.input
class CreatePortalSessionInput:
    customer: strawberry.ID = strawberry.field(description="The Stripe customer (cus_...).")
    return_url: str | None = strawberry.field(
        default=None, description="Where 'back to the site' goes (default: the configuration's)."
    )
    configuration: strawberry.ID | None = strawberry.field(
        default=None, description="A portal configuration id; the default when omitted."
    )
    locale: str | None = strawberry.field(default=None, description="auto, en, de, fr-CA, ...")
    flow_data: FlowDataInput | None = None
    on_behalf_of: strawberry.ID | None = strawberry.field(
        default=None,
        description="Stripe's Connect parameter; not supported: any value is refused "
        "(INVALID_INPUT on onBehalfOf).",
    )
    customer_account: strawberry.ID | None = strawberry.field(
        default=None,
        description="Stripe's Accounts v2 customer; not supported: any value is refused "
        "(INVALID_INPUT on customerAccount); give `customer`.",
    )


# Stripe parameters the gateway does not support, refused by name rather than ignored.
UNSUPPORTED = (
    (
        "on_behalf_of",
        "onBehalfOf",
        "Portals on behalf of a connected account (Stripe Connect) are not supported.",
    ),
    (
        "customer_account",
        "customerAccount",
        "Accounts v2 customers are not supported; give the customer (cus_...).",
    ),
)


@strawberry.type
class CreatePortalSessionPayload:
    session: PortalSession | None
    user_errors: list[UserError]


def stripe_flow_data(data: FlowDataInput) -> dict[str, Any]:
    """The input in Stripe's `flow_data` shape, which the portal's flow parser checks."""
    flow: dict[str, Any] = {"type": data.type.value}
    after = data.after_completion
    if after is not None:
        kind = after.type.value
        flow["after_completion"] = {"type": kind}
        if kind == "redirect":
            flow["after_completion"]["redirect"] = {"return_url": after.return_url}
        elif kind == "hosted_confirmation" and after.custom_message is not None:
            flow["after_completion"]["hosted_confirmation"] = {
                "custom_message": after.custom_message
            }
    if data.subscription_cancel is not None:
        cancel: dict[str, Any] = {"subscription": str(data.subscription_cancel.subscription)}
        retention = data.subscription_cancel.retention
        if retention is not None:
            cancel["retention"] = {
                "type": retention.type.value,
                "coupon_offer": {"coupon": retention.coupon},
            }
        flow["subscription_cancel"] = cancel
    for name in ("subscription_pause", "subscription_update"):
        body = getattr(data, name)
        if body is not None:
            flow[name] = {"subscription": str(body.subscription)}
    confirm = data.subscription_update_confirm
    if confirm is not None:
        body_: dict[str, Any] = {
            "subscription": str(confirm.subscription),
            "items": [
                {
                    key: value
                    for key, value in (
                        ("id", str(item.id)),
                        ("price", str(item.price) if item.price else None),
                        ("quantity", item.quantity),
                    )
                    if value is not None
                }
                for item in confirm.items
            ],
        }
        if confirm.discounts is not None:
            body_["discounts"] = [
                {k: v for k, v in (("coupon", d.coupon), ("promotion_code", d.promotion_code)) if v}
                for d in confirm.discounts
            ]
        flow["subscription_update_confirm"] = body_
    return flow


# Where the input's shape is flatter than Stripe's `flow_data`.
_FLATTER = (
    (".afterCompletion.redirect.returnUrl", ".afterCompletion.returnUrl"),
    (".afterCompletion.hostedConfirmation.customMessage", ".afterCompletion.customMessage"),
    (".retention.couponOffer.coupon", ".retention.coupon"),
)


def _input_field(stripe_path: str) -> str:
    """The input field a `flow_data` parameter path corresponds to."""
    path = input_path(stripe_path)
    for stripe_shape, input_shape in _FLATTER:
        path = path.replace(stripe_shape, input_shape)
    return path


def _is_url(value: str) -> bool:
    return value.startswith(("https://", "http://")) and len(value) > len("https://")


def _flow_field(flow: Flow, policy_field: str | None) -> str:
    """Where in `flowData` a policy refusal about the flow points."""
    base = f"flowData.{input_path(flow.type)}"
    return {
        "subscriptionId": f"{base}.subscription",
        "priceId": f"{base}.items[0].price",
        "quantity": f"{base}.items[0].quantity",
    }.get(policy_field or "", "flowData")


async def _check_flow(
    context: Context, configuration: Configuration, flow: Flow, customer_id: str, now: int
) -> UserError | None:
    billing = context.billing
    subscription: Subscription | None = None
    target: Price | None = None
    if flow.subscription_id is not None:
        try:
            subscription = await fetch_subscription(billing, customer_id, flow.subscription_id)
        except NotFound:
            return user_error(
                ErrorCode.NOT_FOUND, "Subscription not found.", _flow_field(flow, "subscriptionId")
            )
    if flow.item is not None and flow.item.price is not None:
        target = context.services.catalog.price(flow.item.price)
        if target is None:
            found = await fetch_prices(billing, [flow.item.price])
            target = found.get(flow.item.price)
    refusal = validate_flow(
        configuration, flow, subscription=subscription, target_price=target, now=now
    )
    if refusal is None:
        return None
    return user_error(refusal.code, refusal.message, _flow_field(flow, refusal.field))


async def create_portal_session(
    context: Context, data: CreatePortalSessionInput
) -> CreatePortalSessionPayload:
    begin_change()
    context.require_admin()

    def failed(code: ErrorCode, message: str, field: str | None) -> CreatePortalSessionPayload:
        return CreatePortalSessionPayload(
            session=None, user_errors=[user_error(code, message, field)]
        )

    overlong = too_long(data)
    if overlong is not None:
        return CreatePortalSessionPayload(session=None, user_errors=[overlong])
    for attribute, field_name, why in UNSUPPORTED:
        if getattr(data, attribute) is not None:
            return failed(ErrorCode.INVALID_INPUT, why, field_name)

    try:
        configuration = context.services.configurations().resolve(
            str(data.configuration) if data.configuration else None
        )
    except UnknownConfigurationError as exc:
        return failed(
            ErrorCode.NOT_FOUND,
            f"No portal configuration {exc.configuration_id!r}.",
            "configuration",
        )
    except InactiveConfigurationError as exc:
        return failed(
            ErrorCode.CONFIGURATION_INACTIVE,
            f"The portal configuration {exc.configuration_id!r} is not active.",
            "configuration",
        )
    if data.return_url is not None and not _is_url(data.return_url):
        return failed(ErrorCode.INVALID_INPUT, "Give an http(s) URL.", "returnUrl")
    if data.locale is not None and data.locale not in LOCALES:
        return failed(ErrorCode.INVALID_INPUT, f"Unknown locale {data.locale!r}.", "locale")
    flow_data = stripe_flow_data(data.flow_data) if data.flow_data is not None else None
    flow: Flow | None = None
    try:
        if flow_data is not None:
            flow = Flow.from_flow_data(flow_data)
            AfterCompletion.from_flow_data(flow_data.get("after_completion"))
    except FlowDataError as exc:
        return failed(ErrorCode.INVALID_INPUT, exc.message, _input_field(exc.path))
    customer_id = str(data.customer)
    try:
        customer = await fetch_customer(context.billing, customer_id)
        if flow is not None:
            now = customer.test_clock_time or int(time.time())
            problem = await _check_flow(
                context, configuration, flow, customer_id, now
            ) or await check_flow_discounts(context, flow, customer_id)
            if problem is not None:
                return CreatePortalSessionPayload(session=None, user_errors=[problem])
    except NotFound:
        return failed(ErrorCode.NOT_FOUND, "Customer not found.", "customer")
    except BillingError as exc:
        return CreatePortalSessionPayload(session=None, user_errors=[from_billing(exc)])
    created = await context.services.sessions.create(
        customer_id=customer_id,
        configuration_id=configuration.id,
        return_url=data.return_url,
        locale=data.locale,
        flow_data=flow_data,
    )
    return CreatePortalSessionPayload(session=PortalSession.from_created(created), user_errors=[])


@strawberry.type
class CreatePortalSessionMutation:
    @SPEC.field(description="Admin: start a portal session for a customer; give them `url`.")
    async def create_portal_session(
        self, info: Info, input: CreatePortalSessionInput
    ) -> CreatePortalSessionPayload:
        return await create_portal_session(info.context, input)
