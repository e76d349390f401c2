"""Turn a request's headers into a `Principal`.

`Authorization: Bearer <admin key>` is an admin; with `Portal-Customer: cus_...` (and
optionally `Portal-Configuration: bpc_...`) the admin acts for that customer.
`Authorization: Bearer <access token>` acts for the token's session customer only, and
`Authorization: Bearer <JWT>` (the team's own sign-in, when configured) for the customer
its claims name.
Refused credentials do not fail the request here: the principal carries the problem and
customer-scoped fields report it, so public fields (redeeming a code) keep working.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..billing import ids
from ..billing.errors import BillingError
from ..billing.ids import is_stripe_id
from ..errors import CredentialCode, ErrorCode
from .jwt import JwtRefusal, looks_like_jwt
from .principal import ANONYMOUS, CustomerScope, Principal
from .sessions import SessionError, SessionStore

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .admin_keys import AdminKeys
    from .jwt import JwtAuthenticator

CUSTOMER_HEADER = "Portal-Customer"
CONFIGURATION_HEADER = "Portal-Configuration"


def _refused(code: CredentialCode, message: str) -> Principal:
    return Principal(problem=message, problem_code=code)


def bearer_token(headers: Mapping[str, str]) -> str | None:
    value = headers.get("Authorization", "").strip()
    scheme, _, credentials = value.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    return credentials.strip()


async def authenticate(
    headers: Mapping[str, str],
    keys: AdminKeys,
    sessions: SessionStore,
    jwt: JwtAuthenticator | None = None,
) -> Principal:
    customer = headers.get(CUSTOMER_HEADER, "").strip() or None
    configuration = headers.get(CONFIGURATION_HEADER, "").strip() or None
    if "Authorization" not in headers:
        if customer or configuration:
            return _refused(ErrorCode.UNAUTHENTICATED, f"{CUSTOMER_HEADER} needs an admin API key.")
        return ANONYMOUS
    token = bearer_token(headers)
    if token is None:
        return _refused(
            ErrorCode.UNAUTHENTICATED, "Use 'Authorization: Bearer <token or admin key>'."
        )
    if keys.matches(token):
        if customer is None:
            if configuration is not None:
                return _refused(
                    ErrorCode.INVALID_INPUT, f"{CONFIGURATION_HEADER} needs {CUSTOMER_HEADER}."
                )
            return Principal(is_admin=True)
        if not is_stripe_id(customer, ids.CUSTOMER):
            return _refused(
                ErrorCode.INVALID_INPUT,
                f"{CUSTOMER_HEADER} must be a Stripe customer id (cus_...).",
            )
        return Principal(
            is_admin=True, scope=CustomerScope(customer_id=customer, configuration_id=configuration)
        )
    if customer or configuration:
        return _refused(
            ErrorCode.FORBIDDEN,
            f"Only admin API keys may send {CUSTOMER_HEADER} or {CONFIGURATION_HEADER}.",
        )
    if jwt is not None and looks_like_jwt(token):
        return await _signed_in(token, jwt)
    try:
        scope = await sessions.authenticate(token)
    except SessionError as exc:
        code: CredentialCode = (
            ErrorCode.SESSION_EXPIRED
            if exc.code is ErrorCode.SESSION_EXPIRED
            else ErrorCode.UNAUTHENTICATED
        )
        return _refused(code, exc.message)
    return Principal(scope=scope)


async def _signed_in(token: str, jwt: JwtAuthenticator) -> Principal:
    """A sign-in token's principal; every refusal is UNAUTHENTICATED with its reason."""
    try:
        scope = await jwt.scope(token)
    except JwtRefusal as exc:
        return Principal(
            problem=exc.message,
            problem_code=ErrorCode.UNAUTHENTICATED,
            problem_reason=exc.reason.value,
        )
    except BillingError:
        # Finding the customer by user id needs Stripe; its failure is not the caller's.
        return _refused(
            ErrorCode.STRIPE_UNAVAILABLE,
            "Your billing account cannot be looked up right now. Try again in a moment.",
        )
    return Principal(scope=scope)
