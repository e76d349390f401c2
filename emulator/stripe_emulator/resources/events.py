"""Events: the account's activity feed, listed and retrieved as Stripe serves them.

`type` accepts `*` as a wildcard (`customer.*`); `types` lists exact names.
`delivery_success` tells events every endpoint took apart from those still
pending or whose delivery failed for good.
"""

from __future__ import annotations

import fnmatch
from typing import TYPE_CHECKING

from stripe.params import EventListParams, EventRetrieveParams

from ..errors import invalid
from ..router import Call, route
from .common import created_filter, exclusive

if TYPE_CHECKING:
    from ..state import Obj

_MAX_TYPES = 20


def delivered(event: Obj) -> bool:
    """Whether every webhook endpoint has acknowledged the event."""
    return event["pending_webhooks"] == 0 and not event.get("_delivery_failed")


@route("GET", "/v1/events", EventListParams)
def list_events(call: Call) -> Obj:
    params = call.params
    exclusive(params, "type", "types")
    types = params.get("types")
    if types is not None and len(types) > _MAX_TYPES:
        raise invalid(f"You may pass at most {_MAX_TYPES} types.", param="types")
    pattern = params.get("type")
    created = created_filter(params.get("created"))
    success = params.get("delivery_success")

    def wanted(event: Obj) -> bool:
        return (
            created(event["created"])
            and (pattern is None or fnmatch.fnmatchcase(event["type"], pattern))
            and (types is None or event["type"] in types)
            and (success is None or delivered(event) == success)
        )

    return call.emu.page(call.emu.find("event", wanted), params, "/v1/events")


@route("GET", "/v1/events/{id}", EventRetrieveParams)
def retrieve_event(call: Call) -> Obj:
    return call.emu.render(call.emu.get(call.path["id"], "event"))
