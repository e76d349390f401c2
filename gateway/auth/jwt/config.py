"""The JWT mode's settings as one frozen value (the defaults live in `gateway.settings`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...settings import Settings

HS256 = "HS256"


@dataclass(frozen=True)
class JwtConfig:
    issuer: str | None
    jwks_urls: tuple[str, ...]
    audience: tuple[str, ...]
    # Verified with the provider's keys (never HS*).
    key_algorithms: frozenset[str]
    hs256_secret: bytes | None
    leeway_seconds: int
    customer_claim: str | None
    user_id_claim: str | None
    customer_metadata_key: str | None
    configuration_claim: str | None
    keys_max_age_seconds: float
    keys_refetch_seconds: float
    customer_lookup_ttl_seconds: float

    @property
    def algorithms(self) -> frozenset[str]:
        """Every `alg` a token may name: the key algorithms, and HS256 with a shared secret."""
        return self.key_algorithms | ({HS256} if self.hs256_secret is not None else set())

    @property
    def uses_keys(self) -> bool:
        return self.issuer is not None or bool(self.jwks_urls)

    @classmethod
    def from_settings(cls, settings: Settings) -> JwtConfig | None:
        """None when the JWT mode is off (no issuer, JWKS URL or secret)."""
        if not settings.jwt_enabled:
            return None
        secret = settings.jwt_hs256_secret
        return cls(
            issuer=settings.jwt_issuer,
            jwks_urls=tuple(settings.jwt_jwks_urls),
            audience=tuple(settings.jwt_audience),
            key_algorithms=(
                frozenset(settings.jwt_algorithms)
                if settings.jwt_issuer or settings.jwt_jwks_urls
                else frozenset()
            ),
            hs256_secret=secret.get_secret_value().encode() if secret is not None else None,
            leeway_seconds=settings.jwt_leeway_seconds,
            customer_claim=settings.jwt_customer_claim,
            user_id_claim=settings.jwt_user_id_claim,
            customer_metadata_key=settings.jwt_customer_metadata_key,
            configuration_claim=settings.jwt_configuration_claim,
            keys_max_age_seconds=settings.jwt_keys_max_age_seconds,
            keys_refetch_seconds=settings.jwt_keys_refetch_seconds,
            customer_lookup_ttl_seconds=settings.jwt_customer_lookup_ttl_seconds,
        )


__all__ = ["HS256", "JwtConfig"]
