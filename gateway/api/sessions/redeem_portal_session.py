"""`redeemPortalSession(code)`: the customer's frontend trades the one-time code for a token."""

from datetime import datetime

import strawberry

from ...auth.sessions import SessionError
from ..common.types import required_timestamp
from ..context import Info
from ..errors import UserError, user_error
from ..mutation_kit.spec import MutationSpec

SPEC = MutationSpec(
    name="redeemPortalSession",
    completes=(),
    announces=None,
)


@strawberry.type
class RedeemPortalSessionPayload:
    access_token: str | None = strawberry.field(
        description="Send as 'Authorization: Bearer <accessToken>'."
    )
    expires_at: datetime | None
    user_errors: list[UserError]


@strawberry.type
class RedeemPortalSessionMutation:
    @SPEC.field(description="Exchange a portal session's code (works once, for a few minutes).")
    async def redeem_portal_session(self, info: Info, code: str) -> RedeemPortalSessionPayload:
        try:
            token = await info.context.services.sessions.redeem(code.strip())
        except SessionError as exc:
            return RedeemPortalSessionPayload(
                access_token=None,
                expires_at=None,
                user_errors=[user_error(exc.code, exc.message, "code")],
            )
        return RedeemPortalSessionPayload(
            access_token=token.token,
            expires_at=required_timestamp(token.expires_at),
            user_errors=[],
        )
