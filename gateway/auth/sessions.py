"""Portal sessions: a backend creates one, the customer's frontend redeems its code for a token.

Everything lives in the shared cache (memory, or Redis across instances):

- `session:<id>`        the session itself (immutable once created)
- `code:<sha256>`       the single-use code -> session id, until it expires
- `code-used:<sha256>`  marks a redeemed code (with its session id) so a second attempt says
                       so, and where to go back to
- `token:<sha256>`      an access token -> the scope it grants, until it expires
- `session-token:<id>`  which token a session issued (to revoke it)
- `revoked:<id>`        set by revocation; a later redemption is refused
- `flow-done:<id>`      the session's flow is done and it opens the whole portal now
                        (`after_completion: portal_homepage`, as on Stripe)

Codes and tokens are stored hashed, so a cache dump grants nothing. A code is consumed by
an atomic delete: of concurrent redeemers only the one whose delete removed it wins.
Revocation and redemption each write their own key before reading the other's, so
whichever runs second sees the first, and no token outlives a revocation.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from ..errors import ErrorCode
from ..errors import SessionErrorCode as SessionErrorCode
from ..portal.flows import Flow
from .after_completion import AfterCompletion
from .clock import Clock, system_clock
from .principal import CustomerScope

if TYPE_CHECKING:
    from ..store import Cache

# Expired codes are remembered this long, so they answer "expired" rather than "unknown".
CODE_GRACE_SECONDS = 3600
SESSION_PREFIX = "ps_"
# Codes and tokens carry recognizable prefixes so log redaction finds them wherever they are
# quoted (an error echoing a variable, a URL in an access log), whatever surrounds them.
CODE_PREFIX = "psc_"
TOKEN_PREFIX = "pst_"


class SessionError(Exception):
    def __init__(self, code: SessionErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class PortalSession:
    """The gateway's mirror of Stripe's `billing_portal.Session`."""

    id: str
    customer_id: str
    configuration_id: str
    return_url: str | None
    locale: str | None
    # Stripe's `flow_data`, already validated; parsed again where it is used.
    flow_data: dict[str, Any] | None
    created: int
    # The code's expiry; the token's own expiry is set when it is redeemed.
    expires_at: int

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "customer": self.customer_id,
            "configuration": self.configuration_id,
            "return_url": self.return_url,
            "locale": self.locale,
            "flow_data": self.flow_data,
            "created": self.created,
            "expires_at": self.expires_at,
        }

    @property
    def flow(self) -> Flow | None:
        return Flow.from_flow_data(self.flow_data) if self.flow_data else None

    @property
    def after_completion(self) -> AfterCompletion | None:
        if not self.flow_data:
            return None
        return AfterCompletion.from_flow_data(self.flow_data.get("after_completion"))

    def scope(self, expires_at: int) -> CustomerScope:
        """What a token for this session grants, until `expires_at`."""
        return CustomerScope(
            customer_id=self.customer_id,
            configuration_id=self.configuration_id,
            session_id=self.id,
            flow=self.flow,
            after_completion=self.after_completion,
            return_url=self.return_url,
            locale=self.locale,
            expires_at=expires_at,
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PortalSession:
        return cls(
            id=data["id"],
            customer_id=data["customer"],
            configuration_id=data["configuration"],
            return_url=data.get("return_url"),
            locale=data.get("locale"),
            flow_data=data.get("flow_data"),
            created=int(data["created"]),
            expires_at=int(data["expires_at"]),
        )


@dataclass(frozen=True)
class CreatedSession:
    session: PortalSession
    code: str
    url: str


@dataclass(frozen=True)
class AccessToken:
    token: str
    expires_at: int
    scope: CustomerScope


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def with_code(portal_url: str, code: str) -> str:
    """The portal URL with `code=<code>` added to its query string."""
    parts = urlsplit(portal_url)
    query = (
        f"{parts.query}&{urlencode({'code': code})}" if parts.query else urlencode({"code": code})
    )
    return urlunsplit(parts._replace(query=query))


class SessionStore:
    def __init__(
        self,
        cache: Cache,
        *,
        portal_url: str,
        code_ttl: int,
        token_ttl: int,
        clock: Clock = system_clock,
    ) -> None:
        self._cache = cache
        self._portal_url = portal_url
        self.code_ttl = code_ttl
        self.token_ttl = token_ttl
        self._clock = clock

    def _now(self) -> int:
        return int(self._clock())

    async def create(
        self,
        *,
        customer_id: str,
        configuration_id: str,
        return_url: str | None = None,
        locale: str | None = None,
        flow_data: dict[str, Any] | None = None,
    ) -> CreatedSession:
        now = self._now()
        session = PortalSession(
            id=SESSION_PREFIX + secrets.token_urlsafe(18),
            customer_id=customer_id,
            configuration_id=configuration_id,
            return_url=return_url,
            locale=locale,
            flow_data=flow_data,
            created=now,
            expires_at=now + self.code_ttl,
        )
        code = CODE_PREFIX + secrets.token_urlsafe(32)
        code_life = self.code_ttl + CODE_GRACE_SECONDS
        await self._cache.set(
            f"session:{session.id}", session.to_json(), code_life + self.token_ttl
        )
        await self._cache.set(
            f"code:{_hash(code)}",
            {"session": session.id, "expires_at": session.expires_at},
            code_life,
        )
        return CreatedSession(session=session, code=code, url=with_code(self._portal_url, code))

    async def get(self, session_id: str) -> PortalSession | None:
        data = await self._cache.get(f"session:{session_id}")
        return PortalSession.from_json(data) if data else None

    async def redeem(self, code: str) -> AccessToken:
        """Exchange a code for an access token, once."""
        code_key, used_key = f"code:{_hash(code)}", f"code-used:{_hash(code)}"
        record = await self._cache.get(code_key)
        if record is None:
            if await self._cache.get(used_key):
                raise SessionError(
                    ErrorCode.SESSION_ALREADY_USED,
                    "This portal session code was already used.",
                )
            raise SessionError(ErrorCode.NOT_FOUND, "This portal session code is not valid.")
        if int(record["expires_at"]) <= self._now():
            raise SessionError(
                ErrorCode.SESSION_EXPIRED,
                "This portal session code has expired. Ask for a new portal session.",
            )
        # Mark first, then consume: a loser of the race below, and every later attempt,
        # finds the mark and is told the code was used.
        await self._cache.set(used_key, record["session"], self.code_ttl + CODE_GRACE_SECONDS)
        if not await self._cache.delete(code_key):
            raise SessionError(
                ErrorCode.SESSION_ALREADY_USED, "This portal session code was already used."
            )
        session = await self.get(record["session"])
        if session is None or await self._cache.get(f"revoked:{record['session']}"):
            raise SessionError(ErrorCode.SESSION_EXPIRED, "This portal session has ended.")
        return await self._issue(session)

    async def used_code_session(self, code: str) -> PortalSession | None:
        """The session of a code that was already redeemed (None for any other code), so
        the page a used link opens can offer the way back to the site."""
        session_id = await self._cache.get(f"code-used:{_hash(code)}")
        return await self.get(session_id) if isinstance(session_id, str) else None

    async def _issue(self, session: PortalSession) -> AccessToken:
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        expires_at = self._now() + self.token_ttl
        scope = session.scope(expires_at)
        token_hash = _hash(token)
        await self._cache.set(
            f"token:{token_hash}",
            {"session": session.to_json(), "expires_at": expires_at},
            self.token_ttl,
        )
        await self._cache.set(f"session-token:{session.id}", token_hash, self.token_ttl)
        if await self._cache.get(f"revoked:{session.id}"):
            await self._cache.delete(f"token:{token_hash}")
            raise SessionError(ErrorCode.SESSION_EXPIRED, "This portal session has ended.")
        return AccessToken(token=token, expires_at=expires_at, scope=scope)

    async def authenticate(self, token: str) -> CustomerScope:
        """The scope a token grants; `SessionError` when it is unknown, revoked or expired."""
        record = await self._cache.get(f"token:{_hash(token)}")
        if record is None:
            raise SessionError(
                ErrorCode.NOT_FOUND, "The access token is not valid (unknown or revoked)."
            )
        if int(record["expires_at"]) <= self._now():
            raise SessionError(
                ErrorCode.SESSION_EXPIRED,
                "The access token has expired. Start a new portal session.",
            )
        session = PortalSession.from_json(record["session"])
        scope = session.scope(int(record["expires_at"]))
        if scope.flow is not None and await self._cache.get(f"flow-done:{session.id}"):
            return scope.without_flow()
        return scope

    async def complete_flow(self, session_id: str) -> None:
        """The session's flow action is done and its `after_completion` is the portal's home
        page: from now on the session is the whole portal, no longer locked to the flow."""
        await self._cache.set(
            f"flow-done:{session_id}", 1, self.code_ttl + CODE_GRACE_SECONDS + self.token_ttl
        )

    async def revoke(self, session_id: str) -> bool:
        """End a session: its code can no longer be redeemed and its token stops working.

        False when there is no such session (never created, or long expired).
        """
        if await self.get(session_id) is None:
            return False
        await self._cache.set(
            f"revoked:{session_id}", 1, self.code_ttl + CODE_GRACE_SECONDS + self.token_ttl
        )
        token_hash = await self._cache.get(f"session-token:{session_id}")
        if token_hash:
            await self._cache.delete(f"token:{token_hash}")
        return True
