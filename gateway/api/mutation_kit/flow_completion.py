"""Where the frontend goes after a flow session's action is done (`afterCompletion`).

A session created with a flow is for one action; the mutation that performs it answers
with the session's after-completion behaviour (a redirect URL, a confirmation message or
the portal's home page), the same one the `session` query shows.
"""

from collections.abc import Mapping

from ...portal.flows import FlowType
from ..context import Context
from ..sessions.types import AfterCompletion

# The flows each mutation completes.
COMPLETES: Mapping[str, frozenset[FlowType]] = {
    "cancelSubscription": frozenset({"subscription_cancel"}),
    "pauseSubscription": frozenset({"subscription_pause"}),
    "updateSubscription": frozenset({"subscription_update", "subscription_update_confirm"}),
    "setDefaultPaymentMethod": frozenset({"payment_method_update"}),
    "updateCustomer": frozenset({"customer_update"}),
    "addTaxId": frozenset({"customer_update"}),
    "removeTaxId": frozenset({"customer_update"}),
}

AFTER_COMPLETION_DESCRIPTION = (
    "Set when this completed the session's flow: what the frontend does next."
)


def after_completion(context: Context, mutation: str) -> AfterCompletion | None:
    scope = context.scope()
    flow = scope.flow
    if flow is None or flow.type not in COMPLETES.get(mutation, frozenset()):
        return None
    return AfterCompletion.from_model(scope.after_completion)
