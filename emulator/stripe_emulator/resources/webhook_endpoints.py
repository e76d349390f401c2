"""Webhook endpoints: where events are delivered, signed with the endpoint's secret.

The `whsec_...` secret is shown once, in the create response, as on Stripe;
`stripe_emulator.webhooks` reads the stored endpoints to deliver events.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from stripe.params import (
    WebhookEndpointCreateParams,
    WebhookEndpointDeleteParams,
    WebhookEndpointListParams,
    WebhookEndpointRetrieveParams,
    WebhookEndpointUpdateParams,
)

from ..errors import invalid
from ..router import Call, route
from ..state import Emulator, renderer
from .common import apply_metadata, optional

if TYPE_CHECKING:
    from ..state import Obj


@renderer("webhook_endpoint")
def render_endpoint(emu: Emulator, endpoint: Obj) -> Obj:
    return {key: value for key, value in endpoint.items() if key != "secret"}


def _url(value: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise invalid(f"Invalid URL: {value}", param="url", code="url_invalid")
    return value


def _events(value: list[str]) -> list[str]:
    return sorted(set(value), key=value.index)


@route("POST", "/v1/webhook_endpoints", WebhookEndpointCreateParams)
def create_endpoint(call: Call) -> Obj:
    params = call.params
    if params.get("connect"):
        raise invalid(
            "Connect webhook endpoints are not modelled by this emulator.", param="connect"
        )
    endpoint = call.emu.create(
        "we",
        "webhook_endpoint",
        {
            "api_version": params.get("api_version"),
            "application": None,
            "description": optional(params.get("description")),
            "enabled_events": _events(params["enabled_events"]),
            "metadata": apply_metadata({}, params.get("metadata", {})),
            "secret": "whsec_" + secrets.token_hex(16),
            "status": "enabled",
            "url": _url(params["url"]),
        },
    )
    return {**call.emu.render(endpoint), "secret": endpoint["secret"]}


@route("GET", "/v1/webhook_endpoints", WebhookEndpointListParams)
def list_endpoints(call: Call) -> Obj:
    return call.emu.page(call.emu.find("webhook_endpoint"), call.params, "/v1/webhook_endpoints")


def _endpoint(call: Call) -> Obj:
    return call.emu.get(call.path["id"], "webhook_endpoint", noun="webhook endpoint")


@route("GET", "/v1/webhook_endpoints/{id}", WebhookEndpointRetrieveParams)
def retrieve_endpoint(call: Call) -> Obj:
    return call.emu.render(_endpoint(call))


@route("POST", "/v1/webhook_endpoints/{id}", WebhookEndpointUpdateParams)
def update_endpoint(call: Call) -> Obj:
    endpoint = _endpoint(call)
    params = call.params
    url = _url(params["url"]) if "url" in params else endpoint["url"]
    endpoint["url"] = url
    if "enabled_events" in params:
        endpoint["enabled_events"] = _events(params["enabled_events"])
    if "description" in params:
        endpoint["description"] = optional(params["description"])
    if "disabled" in params:
        endpoint["status"] = "disabled" if params["disabled"] else "enabled"
    if "metadata" in params:
        endpoint["metadata"] = apply_metadata(endpoint["metadata"], params["metadata"])
    return call.emu.render(endpoint)


@route("DELETE", "/v1/webhook_endpoints/{id}", WebhookEndpointDeleteParams)
def delete_endpoint(call: Call) -> Obj:
    endpoint = _endpoint(call)
    call.emu.delete(endpoint["id"])
    return {"id": endpoint["id"], "object": "webhook_endpoint", "deleted": True}
