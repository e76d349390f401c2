"""A flow's coupons and promotion codes checked when its session is created: a retention
offer's coupon and a confirm flow's discounts must exist and be usable now, and a promotion
code restricted to one customer must be this customer's. Each refusal names its field."""

from ...billing import NotFound, OfferedDiscount, fetch_coupon, fetch_promotion_code
from ...portal import Flow
from ..context import Context
from ..errors import ErrorCode, UserError, user_error

RETENTION_FIELD = "flowData.subscriptionCancel.retention.coupon"
DISCOUNTS_FIELD = "flowData.subscriptionUpdateConfirm.discounts"


async def _coupon(context: Context, coupon_id: str, field: str) -> UserError | None:
    try:
        found = await fetch_coupon(context.billing, coupon_id)
    except NotFound:
        return user_error(ErrorCode.NOT_FOUND, f"No coupon {coupon_id!r}.", field)
    return _unusable(found, f"The coupon {coupon_id!r} can no longer be redeemed.", field)


async def _promotion_code(
    context: Context, code_id: str, customer_id: str, field: str
) -> UserError | None:
    try:
        found = await fetch_promotion_code(context.billing, code_id)
    except NotFound:
        return user_error(ErrorCode.NOT_FOUND, f"No promotion code {code_id!r}.", field)
    if found.customer_id not in (None, customer_id):
        return user_error(
            ErrorCode.INVALID_INPUT,
            f"The promotion code {code_id!r} is restricted to another customer.",
            field,
        )
    return _unusable(found, f"The promotion code {code_id!r} is not active.", field)


def _unusable(found: OfferedDiscount, message: str, field: str) -> UserError | None:
    return None if found.usable else user_error(ErrorCode.INVALID_INPUT, message, field)


async def check_flow_discounts(context: Context, flow: Flow, customer_id: str) -> UserError | None:
    """The first problem with the flow's coupons and promotion codes, or None.

    Stripe errors other than a missing object (unavailable, rate limited) propagate as
    `BillingError`, like the other reads of session creation."""
    if flow.retention_coupon is not None:
        problem = await _coupon(context, flow.retention_coupon, RETENTION_FIELD)
        if problem is not None:
            return problem
    for index, discount in enumerate(flow.discounts):
        where = f"{DISCOUNTS_FIELD}[{index}]"
        if discount.coupon is not None:
            problem = await _coupon(context, discount.coupon, f"{where}.coupon")
        else:
            problem = await _promotion_code(
                context, discount.promotion_code or "", customer_id, f"{where}.promotionCode"
            )
        if problem is not None:
            return problem
    return None
