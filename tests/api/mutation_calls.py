"""GraphQL documents and a caller for the customer mutations' tests."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.support.gateway import RunningGateway
    from tests.support.world import World

USER_ERRORS = "userErrors { code message field }"
SUBSCRIPTION = """subscription {
  id status cancelAtPeriodEnd cancelAt canceledAt isCanceling isPaused resumesAt
  pauseCollection { behavior resumesAt }
  items { id quantity price { id } }
  scheduledChange { effectiveAt items { priceId quantity } }
}"""
AFTER = "afterCompletion { type returnUrl customMessage }"
PAYMENT_METHOD = "paymentMethod { id isDefault card { brand last4 } }"
SELECTIONS: dict[str, str] = {
    "cancelSubscription": f"clientMutationId {SUBSCRIPTION} {AFTER}",
    "renewSubscription": f"clientMutationId {SUBSCRIPTION}",
    "undoScheduledChange": f"clientMutationId {SUBSCRIPTION}",
    "updateSubscription": f"clientMutationId {SUBSCRIPTION} {AFTER}",
    "pauseSubscription": f"clientMutationId {SUBSCRIPTION} {AFTER}",
    "resumeSubscription": f"clientMutationId {SUBSCRIPTION}",
    "createSetupIntent": "clientMutationId setupIntent { id clientSecret status }",
    "confirmSetupIntentForTesting": (
        f"clientMutationId setupIntent {{ id status }} {PAYMENT_METHOD}"
    ),
    "setDefaultPaymentMethod": f"clientMutationId {PAYMENT_METHOD} updatedSubscriptionIds {AFTER}",
    "detachPaymentMethod": (
        "clientMutationId detachedPaymentMethodId updatedSubscriptionIds "
        "newDefaultPaymentMethod { id isDefault }"
    ),
    "updateCustomer": (
        "clientMutationId customer { id email name phone "
        "address { line1 line2 city state postalCode country } "
        f"shipping {{ name phone address {{ line1 city postalCode country }} }} }} {AFTER}"
    ),
    "addTaxId": f"clientMutationId taxId {{ id type value }} {AFTER}",
    "removeTaxId": f"clientMutationId removedTaxId {{ id type value }} {AFTER}",
    "payInvoice": (
        "clientMutationId invoice { id status } subscription { id status } "
        "paymentMethod { id card { last4 } }"
    ),
}


def document(name: str, selection: str | None = None) -> str:
    input_type = name[0].upper() + name[1:] + "Input"
    body = selection or SELECTIONS[name]
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {body} {USER_ERRORS} }} }}"


async def mutate(
    gateway: RunningGateway,
    token: str,
    mutation: str,
    /,
    *,
    select: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """The mutation's payload (asserting the request itself raised no top-level error)."""
    result = await gateway.post(document(mutation, select), {"input": fields}, token=token)
    payload: dict[str, Any] = result.ok()[mutation]
    return payload


def codes(payload: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(error["code"], error["field"]) for error in payload["userErrors"]]


def variant(base: dict[str, Any], config_id: str, **features: dict[str, Any]) -> dict[str, Any]:
    """A copy of configuration `base` named `config_id` (not the default) with some features
    replaced wholesale, e.g. `subscription_cancel={"enabled": True, "mode": "immediately"}`."""
    copied = copy.deepcopy(base)
    copied.update(id=config_id, is_default=False)
    copied["features"].update(copy.deepcopy(features))
    return copied


def full_configuration(world: World) -> dict[str, Any]:
    return next(c for c in world.configurations() if c["id"] == "full")
