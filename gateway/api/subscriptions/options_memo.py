"""A subscription's options (`portal.subscription_options`) worked out once per request.

`availableActions`, `unavailableActions` and `availablePrices` all read them. They are a
pure function of the request's policy context, the subscription model and the catalog, so
an entry is used only when all three are the very same objects (held here, so their ids are
not reused): the policy context is built per request, hence nothing computed for one
request, customer or moment is ever served to another. Bounded: the oldest entry goes first.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from ...portal import SubscriptionOptions, subscription_options

if TYPE_CHECKING:
    from ... import models
    from ...portal import Catalog, PolicyContext

# Entries are used within one request: enough for the requests in flight.
KEPT = 256

_kept: OrderedDict[int, tuple[models.Subscription, PolicyContext, Catalog, SubscriptionOptions]] = (
    OrderedDict()
)


def options_of(
    ctx: PolicyContext, subscription: models.Subscription, catalog: Catalog
) -> SubscriptionOptions:
    entry = _kept.get(id(subscription))
    if entry is not None and entry[0] is subscription and entry[1] is ctx and entry[2] is catalog:
        return entry[3]
    options = subscription_options(ctx, subscription, catalog)
    _kept[id(subscription)] = (subscription, ctx, catalog, options)
    _kept.move_to_end(id(subscription))
    while len(_kept) > KEPT:
        _kept.popitem(last=False)
    return options


__all__ = ["options_of"]
