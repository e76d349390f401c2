"""Subscription items: list, retrieve, and changes that go through the subscription.

Creating, updating or deleting an item is the same change as the matching
`items[...]` entry on `POST /v1/subscriptions/{id}`, with the same prorations,
so these handlers forward to `subscription_update.update`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stripe.params import (
    SubscriptionItemCreateParams,
    SubscriptionItemDeleteParams,
    SubscriptionItemListParams,
    SubscriptionItemRetrieveParams,
    SubscriptionItemUpdateParams,
)

from .. import subscription_update
from ..errors import StripeError
from ..public_urls import with_origin
from ..router import Call, route
from .common import referenced

if TYPE_CHECKING:
    from ..state import Obj

# Params that describe the change to the subscription rather than the item.
_CHANGE_KEYS = ("proration_behavior", "proration_date", "payment_behavior")
_ITEM_KEYS = (
    "price",
    "plan",
    "quantity",
    "metadata",
    "price_data",
    "billing_thresholds",
    "tax_rates",
    "discounts",
    "current_trial",
)


def _item(call: Call) -> Obj:
    return call.emu.get(call.path["item"], "subscription_item", noun="subscription item")


def _change(call: Call, sub: Obj, item_spec: Obj) -> None:
    params = {key: call.params[key] for key in _CHANGE_KEYS if key in call.params}
    try:
        subscription_update.update(call.emu, sub, {**params, "items": [item_spec]})
    except StripeError as exc:
        # The item's own params are top-level here, not `items[0][...]`.
        if exc.param and exc.param.startswith("items[0]["):
            exc.param = exc.param[len("items[0][") :].replace("]", "", 1)
        raise


@route("GET", "/v1/subscription_items", SubscriptionItemListParams)
@with_origin
def list_items(call: Call) -> Obj:
    sub = referenced(
        call.emu, call.params["subscription"], "subscription", "subscription", "subscription"
    )
    found = [call.emu.objects[item_id] for item_id in sub["_items"]]
    return call.emu.page(found, call.params, f"/v1/subscription_items?subscription={sub['id']}")


@route("POST", "/v1/subscription_items", SubscriptionItemCreateParams)
@with_origin
def create_item(call: Call) -> Obj:
    sub = referenced(
        call.emu, call.params["subscription"], "subscription", "subscription", "subscription"
    )
    before = set(sub["_items"])
    _change(call, sub, {key: call.params[key] for key in _ITEM_KEYS if key in call.params})
    (new_id,) = [item_id for item_id in sub["_items"] if item_id not in before]
    return call.emu.render(call.emu.objects[new_id])


@route("GET", "/v1/subscription_items/{item}", SubscriptionItemRetrieveParams)
@with_origin
def retrieve_item(call: Call) -> Obj:
    return call.emu.render(_item(call))


@route(
    "POST",
    "/v1/subscription_items/{item}",
    SubscriptionItemUpdateParams,
    inert=("off_session",),
)
@with_origin
def update_item(call: Call) -> Obj:
    item = _item(call)
    sub = call.emu.objects[item["subscription"]]
    spec = {key: call.params[key] for key in _ITEM_KEYS if key in call.params}
    _change(call, sub, {"id": item["id"], **spec})
    return call.emu.render(item)


@route(
    "DELETE",
    "/v1/subscription_items/{item}",
    SubscriptionItemDeleteParams,
    inert=("clear_usage",),
)
@with_origin
def delete_item(call: Call) -> Obj:
    item = _item(call)
    sub = call.emu.objects[item["subscription"]]
    _change(call, sub, {"id": item["id"], "deleted": True})
    return {"deleted": True, "id": item["id"], "object": "subscription_item"}
