"""Session flows (Stripe's `flow_data` deep links): one action, on one subscription.

A session created with a flow may do only what that flow is for; anything else, or the
same thing on another subscription, is refused with FLOW_RESTRICTED. A
`subscription_update_confirm` flow allows exactly the change it names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args

from ..errors import ErrorCode
from .actions import AccountAction, Action, SubscriptionAction
from .refusals import Refusal

if TYPE_CHECKING:
    from collections.abc import Mapping

FlowType = Literal[
    "customer_update",
    "payment_method_update",
    "subscription_cancel",
    "subscription_pause",
    "subscription_update",
    "subscription_update_confirm",
]
FLOW_TYPES: tuple[FlowType, ...] = get_args(FlowType)
SUBSCRIPTION_FLOWS: frozenset[FlowType] = frozenset(
    {
        "subscription_cancel",
        "subscription_pause",
        "subscription_update",
        "subscription_update_confirm",
    }
)

FLOW_ACTIONS: Mapping[FlowType, frozenset[Action]] = {
    "customer_update": frozenset({AccountAction.UPDATE_CUSTOMER, AccountAction.MANAGE_TAX_IDS}),
    "payment_method_update": frozenset(
        {
            AccountAction.VIEW_PAYMENT_METHODS,
            AccountAction.ADD_PAYMENT_METHOD,
            AccountAction.SET_DEFAULT_PAYMENT_METHOD,
            # The deep link a failed-payment email opens: fix the card, then pay what is due.
            AccountAction.PAY_INVOICE,
        }
    ),
    "subscription_cancel": frozenset({SubscriptionAction.CANCEL}),
    "subscription_pause": frozenset({SubscriptionAction.PAUSE}),
    "subscription_update": frozenset(
        {
            SubscriptionAction.SWITCH_PRICE,
            SubscriptionAction.CHANGE_QUANTITY,
            SubscriptionAction.APPLY_PROMOTION_CODE,
            SubscriptionAction.UNDO_SCHEDULED_CHANGE,
        }
    ),
    "subscription_update_confirm": frozenset(
        {SubscriptionAction.SWITCH_PRICE, SubscriptionAction.CHANGE_QUANTITY}
    ),
}

_PURPOSE: Mapping[FlowType, str] = {
    "customer_update": "updating the customer's details",
    "payment_method_update": "updating the payment method",
    "subscription_cancel": "canceling subscription {sub}",
    "subscription_pause": "pausing subscription {sub}",
    "subscription_update": "updating subscription {sub}",
    "subscription_update_confirm": "confirming one change to subscription {sub}",
}


class FlowDataError(ValueError):
    """`flow_data` is malformed; `path` is the offending parameter (`flow_data.type`)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass(frozen=True)
class FlowItem:
    """The one subscription item a confirm flow changes, and what it becomes."""

    id: str
    price: str | None = None
    quantity: int | None = None


@dataclass(frozen=True)
class FlowDiscount:
    coupon: str | None = None
    promotion_code: str | None = None

    def as_param(self) -> dict[str, str]:
        if self.coupon is not None:
            return {"coupon": self.coupon}
        return {"promotion_code": self.promotion_code or ""}


@dataclass(frozen=True)
class Flow:
    """The restriction a session carries; `subscription_id` is set for subscription flows."""

    type: FlowType
    subscription_id: str | None = None
    item: FlowItem | None = None
    discounts: tuple[FlowDiscount, ...] = ()
    # `subscription_cancel.retention.coupon_offer.coupon`, kept for the API to offer.
    retention_coupon: str | None = None

    def __post_init__(self) -> None:
        if self.type not in FLOW_TYPES:
            raise FlowDataError("flow_data.type", f"{self.type!r} is not a flow type")
        if (self.type in SUBSCRIPTION_FLOWS) != (self.subscription_id is not None):
            raise FlowDataError(
                f"flow_data.{self.type}.subscription",
                "required for this flow" if self.subscription_id is None else "not allowed",
            )
        if (self.type == "subscription_update_confirm") != (self.item is not None):
            raise FlowDataError(
                "flow_data.subscription_update_confirm.items", "exactly one item is required"
            )

    @property
    def purpose(self) -> str:
        return _PURPOSE[self.type].format(sub=self.subscription_id)

    @classmethod
    def from_flow_data(cls, data: Mapping[str, Any]) -> Flow:
        """Parse Stripe's `flow_data` session parameter (`after_completion` is not policy)."""
        return _parse_flow_data(data)


def _require(value: Any, path: str, kind: type, what: str) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool) != (kind is bool):
        raise FlowDataError(path, f"expected {what}")
    return value


def _check_keys(data: Mapping[str, Any], allowed: set[str], path: str) -> None:
    for key in data:
        if key not in allowed:
            raise FlowDataError(f"{path}.{key}", "unknown parameter")


def _parse_flow_data(data: Mapping[str, Any]) -> Flow:
    flow_type = data.get("type")
    if flow_type not in FLOW_TYPES:
        raise FlowDataError(
            "flow_data.type", f"expected one of {', '.join(FLOW_TYPES)}, got {flow_type!r}"
        )
    _check_keys(data, {"type", "after_completion", flow_type}, "flow_data")
    body = data.get(flow_type) or {}
    path = f"flow_data.{flow_type}"
    _require(body, path, dict, "an object")
    if flow_type not in SUBSCRIPTION_FLOWS:
        _check_keys(body, set(), path)
        return Flow(type=flow_type)
    subscription = _require(body.get("subscription"), f"{path}.subscription", str, "an id")
    if flow_type == "subscription_cancel":
        _check_keys(body, {"subscription", "retention"}, path)
        return Flow(type=flow_type, subscription_id=subscription, retention_coupon=_retention(body))
    if flow_type != "subscription_update_confirm":
        _check_keys(body, {"subscription"}, path)
        return Flow(type=flow_type, subscription_id=subscription)
    _check_keys(body, {"subscription", "items", "discounts"}, path)
    items = _require(body.get("items"), f"{path}.items", list, "a list of one item")
    if len(items) != 1:
        raise FlowDataError(
            f"{path}.items",
            "exactly one item is required (multi-item subscriptions cannot be updated)",
        )
    item = _require(items[0], f"{path}.items[0]", dict, "an object")
    _check_keys(item, {"id", "price", "quantity"}, f"{path}.items[0]")
    item_id = _require(item.get("id"), f"{path}.items[0].id", str, "a subscription item id")
    price = item.get("price")
    if price is not None:
        _require(price, f"{path}.items[0].price", str, "a price id")
    quantity = item.get("quantity")
    if quantity is not None:
        _require(quantity, f"{path}.items[0].quantity", int, "an integer")
    discounts = []
    for index, raw in enumerate(
        _require(body.get("discounts", []), f"{path}.discounts", list, "a list")
    ):
        where = f"{path}.discounts[{index}]"
        _require(raw, where, dict, "an object")
        _check_keys(raw, {"coupon", "promotion_code"}, where)
        if len(raw) != 1:
            raise FlowDataError(where, "give exactly one of coupon or promotion_code")
        discounts.append(
            FlowDiscount(coupon=raw.get("coupon"), promotion_code=raw.get("promotion_code"))
        )
    return Flow(
        type=flow_type,
        subscription_id=subscription,
        item=FlowItem(id=item_id, price=price, quantity=quantity),
        discounts=tuple(discounts),
    )


def _retention(body: Mapping[str, Any]) -> str | None:
    retention = body.get("retention")
    if retention is None:
        return None
    path = "flow_data.subscription_cancel.retention"
    _require(retention, path, dict, "an object")
    if retention.get("type") != "coupon_offer":
        raise FlowDataError(f"{path}.type", "expected 'coupon_offer'")
    offer = _require(retention.get("coupon_offer"), f"{path}.coupon_offer", dict, "an object")
    coupon: str = _require(offer.get("coupon"), f"{path}.coupon_offer.coupon", str, "a coupon id")
    return coupon


def flow_refusal(
    flow: Flow | None, action: Action, subscription_id: str | None = None
) -> Refusal | None:
    """FLOW_RESTRICTED when the session's flow does not cover this action on this subscription."""
    if flow is None:
        return None
    if action not in FLOW_ACTIONS[flow.type]:
        return Refusal(ErrorCode.FLOW_RESTRICTED, f"This session is limited to {flow.purpose}.")
    return subscription_scope_refusal(flow, subscription_id)


def subscription_scope_refusal(flow: Flow | None, subscription_id: str | None) -> Refusal | None:
    """A subscription flow's session may see and act on its own subscription only."""
    if flow is None or flow.subscription_id is None or subscription_id is None:
        return None
    if subscription_id != flow.subscription_id:
        return Refusal(
            ErrorCode.FLOW_RESTRICTED,
            f"This session is limited to {flow.purpose}.",
            "subscriptionId",
        )
    return None
