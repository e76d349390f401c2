"""Where the frontend goes after a flow session's action is done (`afterCompletion`).

A session created with a flow is for one action; the mutation that performs it answers
with the session's after-completion behaviour (a redirect URL, a confirmation message or
the portal's home page), the same one the `session` query shows. With the home page
(Stripe's default) the session then opens the whole portal, as Stripe's does. Which flows a mutation
completes, its declaration says (`MutationSpec.completes`).
"""

from ..context import Context
from ..sessions.types import AfterCompletion
from .spec import MutationSpec

AFTER_COMPLETION_DESCRIPTION = (
    "Set when this completed the session's flow: what the frontend does next."
)


async def open_portal_after_flow(context: Context, mutation: MutationSpec) -> None:
    """After the flow's action succeeded: a `portal_homepage` session (Stripe's default)
    is no longer locked to the flow; its next requests see the whole portal."""
    scope = context.scope()
    flow, after = scope.flow, scope.after_completion
    if scope.session_id is None or flow is None or not mutation.completes_flow(flow.type):
        return
    if after is None or after.type == "portal_homepage":
        await context.services.sessions.complete_flow(scope.session_id)


def after_completion(context: Context, mutation: MutationSpec) -> AfterCompletion | None:
    scope = context.scope()
    flow = scope.flow
    if flow is None or not mutation.completes_flow(flow.type):
        return None
    return AfterCompletion.from_model(scope.after_completion)
