"""`endPortalSession`: the customer signs out; the token in use stops working."""

import strawberry

from ..context import Info
from ..errors import ErrorCode, UserError, user_error
from ..mutation_kit.spec import MutationSpec

SPEC = MutationSpec(
    name="endPortalSession",
    completes=(),
    announces=None,
)


@strawberry.type
class EndPortalSessionPayload:
    session_id: strawberry.ID | None
    user_errors: list[UserError]


@strawberry.type
class EndPortalSessionMutation:
    @SPEC.field(description="End the current portal session (sign out).")
    async def end_portal_session(self, info: Info) -> EndPortalSessionPayload:
        scope = info.context.scope()
        if scope.session_id is None:
            message = (
                "A sign-in token has no portal session to end: sign out of the app instead."
                if scope.subject is not None
                else "An admin key has no session to end."
            )
            return EndPortalSessionPayload(
                session_id=None, user_errors=[user_error(ErrorCode.INVALID_INPUT, message)]
            )
        await info.context.services.sessions.revoke(scope.session_id)
        return EndPortalSessionPayload(session_id=strawberry.ID(scope.session_id), user_errors=[])
