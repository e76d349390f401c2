"""`revokePortalSession` (admin): end a session; its code and token stop working at once."""

import strawberry

from ..context import Info
from ..errors import ErrorCode, UserError, user_error
from ..mutation_kit.spec import MutationSpec

SPEC = MutationSpec(
    name="revokePortalSession",
    completes=(),
    announces=None,
)


@strawberry.input
class RevokePortalSessionInput:
    session_id: strawberry.ID


@strawberry.type
class RevokePortalSessionPayload:
    session_id: strawberry.ID | None
    user_errors: list[UserError]


@strawberry.type
class RevokePortalSessionMutation:
    @SPEC.field(description="Admin: end a portal session (for example when the customer logs out).")
    async def revoke_portal_session(
        self, info: Info, input: RevokePortalSessionInput
    ) -> RevokePortalSessionPayload:
        info.context.require_admin()
        session_id = str(input.session_id)
        if not await info.context.services.sessions.revoke(session_id):
            return RevokePortalSessionPayload(
                session_id=None,
                user_errors=[user_error(ErrorCode.NOT_FOUND, "Session not found.", "sessionId")],
            )
        return RevokePortalSessionPayload(session_id=input.session_id, user_errors=[])
