"""Where the frontend goes after a flow session's action is done (`afterCompletion`).

A session created with a flow is for one action; the mutation that performs it answers
with the session's after-completion behaviour (a redirect URL, a confirmation message or
the portal's home page), the same one the `session` query shows. Which flows a mutation
completes, its declaration says (`MutationSpec.completes`).
"""

from ..context import Context
from ..sessions.types import AfterCompletion
from .spec import MutationSpec

AFTER_COMPLETION_DESCRIPTION = (
    "Set when this completed the session's flow: what the frontend does next."
)


def after_completion(context: Context, mutation: MutationSpec) -> AfterCompletion | None:
    scope = context.scope()
    flow = scope.flow
    if flow is None or not mutation.completes_flow(flow.type):
        return None
    return AfterCompletion.from_model(scope.after_completion)
