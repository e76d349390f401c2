"""One typed settings object, read from GATEWAY_* environment variables and CLI flags."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ASYMMETRIC_JWT_ALGORITHMS = (
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
)  # fmt: skip
# A shared secret shorter than the hash (RFC 7518, 3.2) is refused.
MIN_HS256_SECRET_BYTES = 32


class Settings(BaseSettings):
    """Everything an operator can set; every field is also `GATEWAY_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    environment: Literal["production", "development"] = "production"
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    # On SIGTERM (or SIGINT): stop accepting, then give requests in flight this long to finish.
    shutdown_grace_seconds: float = Field(default=30.0, ge=0, le=3600)

    stripe_api_key: SecretStr = SecretStr("")
    # Point the real SDK somewhere else (the emulator); None means Stripe itself.
    stripe_api_base: str | None = None
    stripe_timeout_seconds: float = Field(default=10.0, gt=0)
    stripe_max_retries: int = Field(default=2, ge=0, le=5)
    # After this many Stripe failures in a row (5xx, 429, no connection) calls fail fast
    # for `stripe_breaker_seconds`; 0 turns the breaker off.
    stripe_breaker_threshold: int = Field(default=5, ge=0)
    stripe_breaker_seconds: float = Field(default=5.0, gt=0)

    # Stored hashed at start-up; the plain values never leave this object.
    admin_keys: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)
    portal_url: str = "http://127.0.0.1:8080/portal"
    # A JSON or YAML file of billing_portal.Configuration objects.
    portal_config: Path | None = None
    # Configurations read from Stripe by id (comma-separated bpc_... ids).
    portal_configuration_ids: Annotated[list[str], NoDecode] = Field(default_factory=list)

    session_code_ttl_seconds: int = Field(default=300, gt=0, le=3600)
    access_token_ttl_seconds: int = Field(default=3600, gt=0, le=7 * 24 * 3600)
    customer_cache_ttl_seconds: float = Field(default=30.0, ge=0)
    # With webhooks configured (`webhook_secret`), events keep the cached customer data up
    # to date in place, so it lives this long instead (the bound on a missed webhook).
    customer_cache_max_staleness_seconds: float = Field(default=3600.0, ge=0)
    # How long a preview's quote holds its figures for `updateSubscription`.
    quote_ttl_seconds: int = Field(default=300, ge=10, le=3600)
    # Signs quotes (HMAC-SHA256). Unset: a key derived from the Stripe API key, which every
    # instance of one deployment shares.
    quote_secret: SecretStr | None = None

    graphiql: bool = False
    introspection: bool = False

    # GraphQL abuse limits (SECURITY.md explains each and its default).
    max_query_depth: int = Field(default=10, ge=1, le=100)
    max_aliases: int = Field(default=15, ge=0, le=1000)
    max_tokens: int = Field(default=1000, ge=50, le=100_000)
    # Characters in a document (lexing a long string or comment costs CPU, not tokens).
    max_document_length: int = Field(default=8192, ge=256, le=1_000_000)
    # Validation's cost, bounded before graphql-core's rules run: fields in the document
    # (every fragment spread counting its fragment's fields again), fields in one selection
    # set, and how often one response path may be selected
    # (gateway/api/extensions/document_size.py).
    max_fields: int = Field(default=250, ge=10, le=100_000)
    max_selection_set_fields: int = Field(default=50, ge=5, le=10_000)
    max_field_repeats: int = Field(default=4, ge=1, le=1000)
    # Cost of one operation: list fields multiply by their page size, Stripe-backed fields
    # weigh more (gateway/api/extensions/cost_limit.py).
    max_query_cost: int = Field(default=2000, ge=1)
    # Operations in one batched (JSON array) request; 0 turns batching off.
    max_batch_operations: int = Field(default=5, ge=0, le=100)
    max_request_bytes: int = Field(default=128 * 1024, ge=1024, le=16 * 1024 * 1024)
    # Browser origins allowed to call /graphql cross-origin (exact `scheme://host[:port]`).
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # Token buckets: requests per second (refill) and burst (capacity); 0 per second = off.
    # Per access token, per admin key, and per client address for everything else.
    rate_limit_per_second: float = Field(default=10.0, ge=0)
    rate_limit_burst: int = Field(default=60, ge=1)
    admin_rate_limit_per_second: float = Field(default=50.0, ge=0)
    admin_rate_limit_burst: int = Field(default=200, ge=1)
    anonymous_rate_limit_per_second: float = Field(default=20.0, ge=0)
    anonymous_rate_limit_burst: int = Field(default=100, ge=1)
    # Stripe calls, which Stripe limits for the whole account (about 100/s live, 25/s in test
    # mode): at most this many per request (0 = no cap; cached reads make none), and token
    # buckets charged one token per call: per access token (and anonymous caller), per admin
    # key, and per customer whoever acts for it. 0 per second turns a bucket off.
    max_stripe_calls_per_request: int = Field(default=20, ge=0)
    stripe_calls_per_second: float = Field(default=5.0, ge=0)
    stripe_calls_burst: int = Field(default=100, ge=1)
    admin_stripe_calls_per_second: float = Field(default=25.0, ge=0)
    admin_stripe_calls_burst: int = Field(default=200, ge=1)
    customer_stripe_calls_per_second: float = Field(default=10.0, ge=0)
    customer_stripe_calls_burst: int = Field(default=200, ge=1)
    # The whole account's budget: Stripe requests per second all instances together send
    # (shared through Redis), well under Stripe's limit so the merchant's own backend keeps
    # its share; 0 turns it off. Writes go first; a read waiting longer than
    # `stripe_account_read_wait_seconds` for a slot fails with RATE_LIMITED.
    stripe_account_requests_per_second: float = Field(default=40.0, ge=0)
    stripe_account_burst: int = Field(default=80, ge=1)
    stripe_account_read_wait_seconds: float = Field(default=0.5, ge=0, le=30)

    # Live updates over WebSocket (SECURITY.md): open sockets per credential and per client
    # address, and billingEvents streams per socket and per credential (all sockets).
    live_max_sockets_per_token: int = Field(default=5, ge=1, le=1000)
    live_max_sockets_per_address: int = Field(default=50, ge=1, le=100_000)
    live_max_streams_per_socket: int = Field(default=10, ge=1, le=100)
    live_max_streams_per_token: int = Field(default=10, ge=1, le=1000)

    # One JSON object per log line (`json`), or plain text for a terminal.
    log_format: Literal["json", "text"] = "json"
    # Prometheus metrics at /metrics; with a token, scrapers send it as a bearer token.
    metrics: bool = True
    metrics_token: SecretStr | None = None
    redis_url: str | None = None
    webhook_secret: SecretStr | None = None

    # Serve the reference customer portal (HTML, CSS, JS modules) at /portal.
    portal_ui: bool = False
    # With a publishable key the portal adds cards with Stripe.js (loaded from Stripe);
    # without one it can only use test cards against the emulator.
    stripe_publishable_key: str | None = None

    # The team's own sign-in tokens (JWTs) act for one customer (SECURITY.md, "Use your own
    # sign-in" in docs/frontend-guide.md). On when an issuer, a JWKS URL or an HS256 secret is
    # set. The issuer is discovered (`/.well-known/openid-configuration`) and required as `iss`.
    jwt_issuer: str | None = None
    jwt_jwks_urls: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Required `aud` (any one of these); a token for another app of the same provider is refused.
    jwt_audience: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Asymmetric only; HS256 is added when (and only when) a shared secret is set.
    jwt_algorithms: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(ASYMMETRIC_JWT_ALGORITHMS)
    )
    jwt_hs256_secret: SecretStr | None = None
    jwt_leeway_seconds: int = Field(default=30, ge=0, le=300)
    # The claim (a path: `app_metadata.stripe_customer_id`, or a whole namespaced name such as
    # `https://example.com/stripe_customer_id`) holding the Stripe customer id; or, instead,
    # a user id claim looked up as `metadata[<jwt_customer_metadata_key>]` by customer search.
    jwt_customer_claim: str | None = None
    jwt_user_id_claim: str | None = None
    jwt_customer_metadata_key: str | None = None
    # Optional claim naming the portal configuration (bpc_...); absent means the default.
    jwt_configuration_claim: str | None = None
    # How long fetched keys are used before they are read again, and the least time between
    # two reads when a token names an unknown `kid` (a provider that cannot be reached keeps
    # the last good keys in use).
    jwt_keys_max_age_seconds: float = Field(default=300.0, gt=0)
    jwt_keys_refetch_seconds: float = Field(default=30.0, ge=0)
    # How long a user id -> customer lookup is remembered (a miss: a tenth of it, at least 1 s).
    jwt_customer_lookup_ttl_seconds: float = Field(default=300.0, ge=0)

    @property
    def stripe_test_mode(self) -> bool:
        """A test-mode key (`sk_test_`, `rk_test_`): Stripe's documented test values apply."""
        return self.stripe_api_key.get_secret_value().startswith(("sk_test_", "rk_test_"))

    @property
    def customer_cache_seconds(self) -> float:
        """How long customer data is cached: the staleness bound when webhooks keep it up to
        date, else the short TTL (0 turns the cache off either way)."""
        if self.customer_cache_ttl_seconds <= 0:
            return 0.0
        if self.webhooks_configured:
            return self.customer_cache_max_staleness_seconds
        return self.customer_cache_ttl_seconds

    @property
    def webhooks_configured(self) -> bool:
        return self.webhook_secret is not None and bool(
            self.webhook_secret.get_secret_value().strip()
        )

    @field_validator("admin_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [SecretStr(part.strip()) for part in value.split(",") if part.strip()]
        return value

    @field_validator(
        "portal_configuration_ids",
        "cors_origins",
        "jwt_jwks_urls",
        "jwt_audience",
        "jwt_algorithms",
        mode="before",
    )
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @model_validator(mode="after")
    def _jwt_consistent(self) -> Settings:
        problem = jwt_settings_problem(self)
        if problem is not None:
            raise ValueError(problem)
        return self

    @property
    def jwt_enabled(self) -> bool:
        return bool(self.jwt_issuer or self.jwt_jwks_urls or self.jwt_hs256_secret)


def jwt_settings_problem(settings: Settings) -> str | None:
    """Why the JWT settings cannot work together, or None."""
    if not settings.jwt_enabled:
        return None
    unknown = set(settings.jwt_algorithms) - set(ASYMMETRIC_JWT_ALGORITHMS)
    if unknown:
        return (
            f"GATEWAY_JWT_ALGORITHMS may list only {', '.join(ASYMMETRIC_JWT_ALGORITHMS)}; "
            f"not {', '.join(sorted(unknown))} (HS256 comes with GATEWAY_JWT_HS256_SECRET)."
        )
    secret = settings.jwt_hs256_secret
    if secret is not None and len(secret.get_secret_value().encode()) < MIN_HS256_SECRET_BYTES:
        return f"GATEWAY_JWT_HS256_SECRET needs at least {MIN_HS256_SECRET_BYTES} bytes."
    if (settings.jwt_issuer or settings.jwt_jwks_urls) and not settings.jwt_algorithms:
        return "GATEWAY_JWT_ALGORITHMS is empty: no token could be verified with the keys."
    if not settings.jwt_audience:
        return "GATEWAY_JWT_AUDIENCE is required: the audience your tokens are issued for."
    by_claim = settings.jwt_customer_claim is not None
    by_lookup = (
        settings.jwt_user_id_claim is not None or settings.jwt_customer_metadata_key is not None
    )
    if by_claim == by_lookup:
        return (
            "Set either GATEWAY_JWT_CUSTOMER_CLAIM, or both GATEWAY_JWT_USER_ID_CLAIM and "
            "GATEWAY_JWT_CUSTOMER_METADATA_KEY."
        )
    if by_lookup and not (settings.jwt_user_id_claim and settings.jwt_customer_metadata_key):
        return "GATEWAY_JWT_USER_ID_CLAIM and GATEWAY_JWT_CUSTOMER_METADATA_KEY go together."
    key = settings.jwt_customer_metadata_key
    if key is not None and not _METADATA_KEY.fullmatch(key):
        return (
            "GATEWAY_JWT_CUSTOMER_METADATA_KEY is a Stripe metadata key: 1 to 40 characters, "
            "letters, digits, '_', '-' or '.'."
        )
    return None


_METADATA_KEY = re.compile(r"[A-Za-z0-9_.\-]{1,40}")
