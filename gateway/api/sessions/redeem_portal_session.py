"""`redeemPortalSession(code)`: the customer's frontend trades the one-time code for a token."""

from datetime import datetime

import strawberry

from ...auth.sessions import PortalSession, SessionError
from ..common.types import required_timestamp
from ..context import Info
from ..errors import ErrorCode, UserError, user_error
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
    return_url: str | None = strawberry.field(
        default=None,
        description=(
            "Set when the code was already used: where to send the customer back to (the "
            "session's return URL, else its configuration's default), for a 'link already "
            "used' page that is no dead end."
        ),
    )
    user_errors: list[UserError]


async def _way_back(info: Info, session: PortalSession | None) -> str | None:
    if session is None:
        return None
    if session.return_url:
        return session.return_url
    configuration = info.context.services.configurations().get(session.configuration_id)
    return configuration.default_return_url if configuration is not None else None


@strawberry.type
class RedeemPortalSessionMutation:
    @SPEC.field(description="Exchange a portal session's code (works once, for a few minutes).")
    async def redeem_portal_session(self, info: Info, code: str) -> RedeemPortalSessionPayload:
        sessions = info.context.services.sessions
        try:
            token = await sessions.redeem(code.strip())
        except SessionError as exc:
            return_url = None
            if exc.code == ErrorCode.SESSION_ALREADY_USED:
                return_url = await _way_back(info, await sessions.used_code_session(code.strip()))
            return RedeemPortalSessionPayload(
                access_token=None,
                expires_at=None,
                return_url=return_url,
                user_errors=[user_error(exc.code, exc.message, "code")],
            )
        return RedeemPortalSessionPayload(
            access_token=token.token,
            expires_at=required_timestamp(token.expires_at),
            user_errors=[],
        )
