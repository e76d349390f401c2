"""What a resolver gets: the app's services, the caller, and per-request loaders."""

import time
from dataclasses import dataclass, field
from typing import Any

import strawberry
from aiohttp import web

from .. import models
from ..auth.admin_keys import AdminKeys
from ..auth.clock import Clock
from ..auth.jwt import JwtAuthenticator
from ..auth.principal import CustomerScope, Principal
from ..auth.sessions import SessionStore
from ..billing import Billing, BillingError, clock_time
from ..live_bus import EventBus, InMemoryBus
from ..portal import (
    Catalog,
    Configuration,
    ConfigurationRegistry,
    InactiveConfigurationError,
    PolicyContext,
    UnknownConfigurationError,
)
from ..settings import Settings
from .errors import ErrorCode, GatewayError, forbidden, unauthenticated
from .loaders import Loaders


@dataclass
class Services:
    """Built once per app. `registry` is None until the configurations have loaded."""

    settings: Settings
    billing: Billing
    sessions: SessionStore
    admin_keys: AdminKeys
    clock: Clock
    registry: ConfigurationRegistry | None = None
    # Products and prices the configurations list (loaded with them, refreshed in the background).
    catalog: Catalog = field(default_factory=Catalog)
    # Live events: published by webhooks and writes, streamed to subscribers (Redis when shared).
    bus: EventBus = field(default_factory=InMemoryBus)
    # The team's own sign-in tokens, when configured.
    jwt: JwtAuthenticator | None = None

    def configurations(self) -> ConfigurationRegistry:
        if self.registry is None:
            raise GatewayError(
                ErrorCode.STRIPE_UNAVAILABLE, "The portal configurations have not loaded yet."
            )
        return self.registry


@dataclass
class Context:
    request: web.Request
    response: web.StreamResponse | None
    services: Services
    principal: Principal
    # Strawberry writes a WebSocket's connection_init payload here.
    connection_params: dict[str, Any] | None = None
    _loaders: Loaders | None = field(default=None, repr=False)
    _policy: PolicyContext | None = field(default=None, repr=False)
    _stripe_policy: PolicyContext | None = field(default=None, repr=False)

    @property
    def billing(self) -> Billing:
        return self.services.billing

    def scope(self) -> CustomerScope:
        """The customer this request acts for; a top-level error when there is none."""
        principal = self.principal
        if principal.problem is not None:
            code = principal.problem_code or ErrorCode.UNAUTHENTICATED
            if principal.problem_reason is not None:
                raise GatewayError(code, principal.problem, reason=principal.problem_reason)
            raise GatewayError(code, principal.problem)
        if principal.scope is None:
            if principal.is_admin:
                raise forbidden(
                    "Admin keys act for a customer only with the 'Portal-Customer: cus_...' header."
                )
            raise unauthenticated()
        return principal.scope

    def require_admin(self) -> Principal:
        principal = self.principal
        if principal.problem is not None:
            raise GatewayError(
                principal.problem_code or ErrorCode.UNAUTHENTICATED, principal.problem
            )
        if not principal.is_admin:
            if principal.scope is None:
                raise unauthenticated("This needs an admin API key.")
            raise forbidden("This needs an admin API key.")
        return principal

    @property
    def loaders(self) -> Loaders:
        """DataLoaders bound to this request's customer (built on first use)."""
        if self._loaders is None:
            self._loaders = Loaders(self.billing, self.scope().customer_id, self.services.catalog)
        return self._loaders

    def configuration(self) -> Configuration:
        """The portal configuration the scope is under (a top-level error if it is unusable)."""
        scope = self.scope()
        registry = self.services.configurations()
        if scope.session_id is not None and scope.configuration_id is not None:
            # A session keeps the configuration it was created under, even if deactivated since.
            found = registry.get(scope.configuration_id)
            if found is not None:
                return found
        try:
            return registry.resolve(scope.configuration_id)
        except UnknownConfigurationError as exc:
            raise GatewayError(
                ErrorCode.NOT_FOUND, f"No portal configuration {exc.configuration_id!r}."
            ) from None
        except InactiveConfigurationError as exc:
            raise GatewayError(
                ErrorCode.CONFIGURATION_INACTIVE,
                f"The portal configuration {exc.configuration_id!r} is not active.",
            ) from None

    async def policy(
        self,
        *,
        stripe_clock: bool = False,
        subscription: models.Subscription | None = None,
        customer: models.Customer | None = None,
    ) -> PolicyContext:
        """The policy's view of this request: configuration, flow, and "now".

        Reads use the wall clock. Decisions that date something (a cancel's end, a pause's
        resume) pass `stripe_clock=True` for Stripe's time for this customer: their test
        clock's frozen time when they have one. A `subscription` or `customer` at hand names
        the clock; else the customer is loaded.
        """
        if not stripe_clock:
            return self.read_policy()
        if self._stripe_policy is None:
            self._stripe_policy = self._policy_at(await self._stripe_now(subscription or customer))
        return self._stripe_policy

    async def _stripe_now(self, known: models.Subscription | models.Customer | None) -> int:
        """Stripe's time for this customer: their test clock's, read fresh (it moves without
        touching the cached objects that name it), else the wall clock."""
        if known is None:
            try:
                known = await self.loaders.customer()
            except BillingError:
                return int(time.time())
        if known.test_clock_id is None:
            return int(time.time())
        try:
            return await clock_time(self.billing, known.test_clock_id)
        except BillingError:
            return known.test_clock_time or int(time.time())

    def read_policy(self) -> PolicyContext:
        """`policy()` for reads (the wall clock): needs no Stripe read, so fields stay sync."""
        if self._policy is None:
            self._policy = self._policy_at(int(time.time()))
        return self._policy

    def _policy_at(self, now: int) -> PolicyContext:
        return PolicyContext(configuration=self.configuration(), flow=self.scope().flow, now=now)


Info = strawberry.Info[Context, None]
