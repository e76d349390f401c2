"""A sign-in token in, the one customer it acts for out (the same `CustomerScope` a portal
session grants, without a session: no flow, the default or the claimed configuration)."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from ...billing import ids
from ...billing.ids import is_stripe_id
from ..principal import CustomerScope
from .claims import claim_at
from .config import JwtConfig
from .customer_lookup import customer_for_user, require_customer
from .key_set import KeySet
from .refusal import JwtRefusal, RefusalReason
from .verifier import TokenVerifier, VerifiedToken

if TYPE_CHECKING:
    import aiohttp

    from ...billing.client import Billing
    from ...settings import Settings

logger = logging.getLogger(__name__)

# Longer user ids are not ids (Stripe metadata values hold at most 500 characters).
MAX_USER_ID_CHARS = 500
# A configuration's id as the configurations file or Stripe spells it (bpc_...).
_CONFIGURATION_ID = re.compile(r"[A-Za-z0-9_]{1,255}")


def looks_like_jwt(token: str) -> bool:
    """A compact JWS: three base64url parts, the first a JSON object (`eyJ` is `{"`)."""
    return token.startswith("eyJ") and token.count(".") == 2


class JwtAuthenticator:
    def __init__(self, config: JwtConfig, billing: Billing, keys: KeySet | None) -> None:
        self.config = config
        self._billing = billing
        self.keys = keys
        self.verifier = TokenVerifier(config, keys)

    @classmethod
    def from_settings(
        cls, settings: Settings, billing: Billing, session: aiohttp.ClientSession
    ) -> JwtAuthenticator | None:
        """None when the JWT mode is off; `session` fetches the provider's keys."""
        config = JwtConfig.from_settings(settings)
        if config is None:
            return None
        keys = None
        if config.uses_keys:
            keys = KeySet(
                session,
                issuer=config.issuer,
                jwks_urls=config.jwks_urls,
                max_age=config.keys_max_age_seconds,
                refetch=config.keys_refetch_seconds,
            )
        return cls(config, billing, keys)

    async def close(self) -> None:
        if self.keys is not None:
            await self.keys.close()

    async def scope(self, token: str) -> CustomerScope:
        """The scope the token grants; `JwtRefusal` says why not (logged with its detail).
        Stripe failures while finding the customer raise `BillingError`."""
        try:
            verified = await self.verifier.verify(token)
            return await self._scope_of(verified)
        except JwtRefusal as exc:
            logger.info("sign-in token refused (%s): %s", exc.reason.value, exc.detail)
            raise

    async def _scope_of(self, token: VerifiedToken) -> CustomerScope:
        config = self.config
        if config.customer_claim is not None:
            customer_id = _text_claim(token, config.customer_claim)
            if not is_stripe_id(customer_id, ids.CUSTOMER):
                raise JwtRefusal(
                    RefusalReason.INVALID_CLAIM,
                    f"claim {config.customer_claim!r} is not a Stripe customer id (cus_...)",
                )
            await require_customer(self._billing, customer_id)
        else:
            assert config.user_id_claim is not None
            assert config.customer_metadata_key is not None
            user_id = _text_claim(token, config.user_id_claim)
            if len(user_id) > MAX_USER_ID_CHARS:
                raise JwtRefusal(
                    RefusalReason.INVALID_CLAIM,
                    f"claim {config.user_id_claim!r} is over {MAX_USER_ID_CHARS} characters",
                )
            customer_id = await customer_for_user(
                self._billing,
                config.customer_metadata_key,
                user_id,
                config.customer_lookup_ttl_seconds,
            )
        configuration_id = None
        if config.configuration_claim is not None:
            found = claim_at(token.claims, config.configuration_claim)
            if found is not None:
                if not isinstance(found, str) or not _CONFIGURATION_ID.fullmatch(found):
                    raise JwtRefusal(
                        RefusalReason.INVALID_CLAIM,
                        f"claim {config.configuration_claim!r} is not a configuration id",
                    )
                configuration_id = found
        issuer = token.claims.get("iss")
        return CustomerScope(
            customer_id=customer_id,
            configuration_id=configuration_id,
            expires_at=token.expires_at,
            subject=f"jwt:{issuer if isinstance(issuer, str) else ''}:{token.subject}",
        )


def _text_claim(token: VerifiedToken, path: str) -> str:
    value = claim_at(token.claims, path)
    if value is None:
        raise JwtRefusal(RefusalReason.MISSING_CLAIM, f"the token has no claim {path!r}")
    if not isinstance(value, str) or not value.strip():
        raise JwtRefusal(RefusalReason.INVALID_CLAIM, f"claim {path!r} is not a non-empty string")
    return value


__all__ = ["JwtAuthenticator", "looks_like_jwt"]
