"""Who is calling, and for which customer: what every customer-scoped field is checked against."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..errors import CredentialCode
    from ..portal.flows import Flow
    from .after_completion import AfterCompletion


@dataclass(frozen=True)
class CustomerScope:
    """Acting for exactly one Stripe customer, under one portal configuration.

    From a redeemed portal session (with its flow, return URL and expiry), from an admin
    key plus the `Portal-Customer` header (no session, no flow), or from the team's own
    sign-in token (no session, no flow; `subject` names the signed-in user).
    """

    customer_id: str
    # None means the default configuration.
    configuration_id: str | None = None
    session_id: str | None = None
    flow: Flow | None = None
    after_completion: AfterCompletion | None = None
    return_url: str | None = None
    locale: str | None = None
    expires_at: int | None = None
    # `jwt:<iss>:<sub>` for a sign-in token: rate limits and retries are counted per user.
    subject: str | None = None

    def without_flow(self) -> CustomerScope:
        """The same session once its flow is done and it opens the whole portal."""
        return replace(self, flow=None, after_completion=None)

    @property
    def via_admin(self) -> bool:
        return self.session_id is None and self.subject is None

    @property
    def flow_subscription_id(self) -> str | None:
        return self.flow.subscription_id if self.flow is not None else None

    def may_see_subscription(self, subscription_id: str) -> bool:
        """A flow about one subscription shows only that subscription."""
        limit = self.flow_subscription_id
        return limit is None or limit == subscription_id


@dataclass(frozen=True)
class Principal:
    """The authenticated caller. `scope` is set when the request acts for a customer.

    `problem` holds why presented credentials were refused (expired, revoked, unknown);
    it is reported only when a field needs them, so `redeemPortalSession` still works.
    """

    is_admin: bool = False
    scope: CustomerScope | None = None
    problem: str | None = None
    problem_code: CredentialCode | None = None
    # Why a sign-in token was refused (`TOKEN_EXPIRED`...), for clients that refresh tokens.
    problem_reason: str | None = None


ANONYMOUS = Principal()
