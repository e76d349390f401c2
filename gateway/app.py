"""The aiohttp application: wires settings, Stripe, the cache, auth and the schema together.

Routes: `/graphql` (GET and POST; GraphiQL in a browser when enabled; subscriptions over
WebSocket with `graphql-transport-ws`), `/webhooks/stripe` (Stripe's signed events),
`/healthz` (the process is up) and `/readyz` (Stripe answers, the configurations loaded,
the cache works).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import aiohttp
from aiohttp import web
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from .api.context import Services
from .api.http_limits import RATE_LIMITER
from .api.live.limits import LIVE_REGISTRY, LiveLimits, LiveRegistry
from .api.live.websocket import LiveSockets
from .api.schema import SchemaLimits, build_schema
from .api.view import LIVE_SOCKETS, SERVICES, GatewayView
from .auth.admin_keys import AdminKeys
from .auth.clock import Clock, system_clock
from .auth.jwt import JwtAuthenticator
from .auth.rate_limit import RateLimiter
from .auth.sessions import SessionStore
from .billing.account_budget import AccountBudget
from .billing.breaker import Breaker
from .billing.client import Billing, open_stripe
from .billing.errors import BillingError
from .billing.health import stripe_answers
from .edge.body_limit import body_limit
from .edge.cors import cors
from .edge.request_log import request_log
from .live_bus import create_bus
from .observability.json_logs import configure_logging
from .observability.metrics import metrics_handler
from .observability.tracing import TRACING, provider_from_environment, use_provider
from .portal.problems import ConfigurationError
from .source_changes import Generations, SourceChanges
from .sources import load_sources
from .startup import (
    announce_listening,
    announce_stopping,
    configuration_file_problems,
    report_configuration_error,
)
from .store import Cache
from .ui.graphiql_page import add_graphiql_routes, graphiql_page
from .ui.routes import add_portal_routes
from .webhooks import WEBHOOK_PATH, WEBHOOKS, StripeWebhooks, stripe_webhook

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from .settings import Settings

logger = logging.getLogger(__name__)

# How long a readiness answer is reused, so probes do not become Stripe traffic.
READY_CACHE_SECONDS = 5.0
# Configurations and catalog are re-read this often (and retried this often until loaded).
REFRESH_SECONDS = 300.0
RETRY_SECONDS = 5.0
# A socket must send connection_init (with its credentials) this soon after opening.
CONNECTION_INIT_TIMEOUT = timedelta(seconds=10)


async def _keep_fresh(
    services: Services, settings: Settings, changes: SourceChanges, seen: Generations
) -> None:
    """Re-read configurations and catalog when a webhook said they changed (on any instance),
    else soon while they have not loaded, then rarely.

    A failed or invalid re-read keeps the last good set (and is logged).
    """
    while True:
        seen = await changes.wait(
            seen, REFRESH_SECONDS if services.registry is not None else RETRY_SECONDS
        )
        try:
            sources = await load_sources(settings, services.billing.stripe)
        except BillingError as exc:
            logger.warning("cannot read configurations from Stripe: %s", exc.message)
        except ConfigurationError as exc:
            logger.error("ignoring invalid portal configurations: %s", exc)
        else:
            services.registry, services.catalog = sources.registry, sources.catalog


def _lifecycle(
    settings: Settings, clock: Clock
) -> Callable[[web.Application], AsyncIterator[None]]:
    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        cache = Cache.from_url(settings.redis_url)
        bus = create_bus(settings.redis_url)
        changes = SourceChanges(cache)
        breaker = Breaker(settings.stripe_breaker_threshold, settings.stripe_breaker_seconds)
        app[STRIPE_BREAKER] = breaker
        app[RATE_LIMITER] = RateLimiter(cache)
        account = AccountBudget.from_settings(settings, cache)
        async with (
            open_stripe(settings, breaker, account) as client,
            aiohttp.ClientSession() as identity_http,
        ):
            billing = Billing(
                client,
                cache,
                customer_ttl=settings.customer_cache_seconds,
                kept_by_webhooks=settings.webhooks_configured,
            )
            services = Services(
                settings=settings,
                billing=billing,
                sessions=SessionStore(
                    cache,
                    portal_url=settings.portal_url,
                    code_ttl=settings.session_code_ttl_seconds,
                    token_ttl=settings.access_token_ttl_seconds,
                    clock=clock,
                ),
                admin_keys=AdminKeys(settings.admin_keys),
                clock=clock,
                bus=bus,
                jwt=JwtAuthenticator.from_settings(settings, billing, identity_http),
            )
            app[SERVICES] = services
            app[READINESS] = Readiness()
            app[WEBHOOKS] = StripeWebhooks(
                secret=settings.webhook_secret, cache=cache, bus=bus, billing=billing
            )
            # Read before loading, so a change announced during the load is not missed.
            seen = await changes.read()
            try:
                # Invalid configurations stop the server here (ConfigurationError).
                sources = await load_sources(settings, client)
            except BillingError as exc:
                logger.warning("Stripe did not answer at start (%s); retrying", exc.message)
            except ConfigurationError:
                # Not starting: release the shared connections opened so far.
                await bus.close()
                await cache.close()
                raise
            else:
                services.registry, services.catalog = sources.registry, sources.catalog
            refresher = asyncio.create_task(_keep_fresh(services, settings, changes, seen))
            try:
                yield
            finally:
                refresher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await refresher
                if services.jwt is not None:
                    await services.jwt.close()
                await bus.close()
                await cache.close()

    return lifecycle


@dataclass
class Readiness:
    """The last readiness check, reused briefly so probes do not become Stripe traffic."""

    at: float = -READY_CACHE_SECONDS
    stripe: bool = False
    cache: bool = False


READINESS = web.AppKey("readiness", Readiness)
STRIPE_BREAKER = web.AppKey("stripe_breaker", Breaker)
# The GraphQL endpoint: where the body limit, CORS and the request log apply.
GRAPHQL_PATHS = frozenset({"/graphql"})


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    memo = request.app[READINESS]
    breaker = request.app[STRIPE_BREAKER].describe()
    now = time.monotonic()
    if breaker is not None:
        # Stripe calls fail fast now: say why, without asking Stripe.
        memo.stripe = False
    elif memo.at + READY_CACHE_SECONDS <= now:
        memo.stripe, memo.cache = await asyncio.gather(
            stripe_answers(services.billing), services.billing.cache.ping()
        )
        memo.at = now
    checks = {
        "stripe": memo.stripe,
        "configurations": services.registry is not None,
        "cache": memo.cache,
    }
    ready = all(checks.values())
    body: dict[str, object] = {"status": "ready" if ready else "not ready", "checks": checks}
    budget = request.app[STRIPE_BREAKER].budget_note()
    if budget is not None:
        body["notes"] = [budget]  # every instance shares the budget: not a reason to leave
    if not ready:
        body["reasons"] = _not_ready_reasons(checks, breaker)
    return web.json_response(body, status=200 if ready else 503)


def _not_ready_reasons(checks: dict[str, bool], breaker: str | None) -> list[str]:
    reasons = []
    if not checks["stripe"]:
        reasons.append(breaker or "Stripe does not answer (or refuses the API key).")
    if not checks["configurations"]:
        reasons.append("The portal configurations have not loaded yet.")
    if not checks["cache"]:
        reasons.append("The cache (Redis) does not answer.")
    return reasons


async def _close_sockets(app: web.Application) -> None:
    """Close live sockets at shutdown (clients reconnect elsewhere) instead of waiting on them."""
    await app[LIVE_SOCKETS].close_all()


def create_app(settings: Settings, *, clock: Clock = system_clock) -> web.Application:
    """The gateway as an aiohttp app (started and stopped by an AppRunner or `run_app`).

    Traced when tracing is on (`observability.tracing`: `serve` turns it on from OTEL_*)."""
    limits = SchemaLimits.from_settings(settings)
    app = web.Application(
        client_max_size=settings.max_request_bytes,
        middlewares=[
            cors(settings.cors_origins, GRAPHQL_PATHS),
            request_log(GRAPHQL_PATHS),
            body_limit(settings.max_request_bytes, GRAPHQL_PATHS),
        ],
    )
    app.cleanup_ctx.append(_lifecycle(settings, clock))
    app[LIVE_SOCKETS] = LiveSockets()
    app[LIVE_REGISTRY] = LiveRegistry(LiveLimits.from_settings(settings))
    app.on_shutdown.append(_close_sockets)
    view = GatewayView(
        schema=build_schema(
            introspection=settings.introspection or settings.graphiql,
            mask_errors=settings.environment == "production",
            field_suggestions=settings.environment == "development",
            limits=limits,
            tracer_provider=TRACING.provider,
        ),
        graphql_ide="graphiql" if settings.graphiql else None,
        ide_page=graphiql_page,
        allow_queries_via_get=False,
        multipart_uploads_enabled=False,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        max_subscriptions_per_connection=settings.live_max_streams_per_socket,
        connection_init_wait_timeout=CONNECTION_INIT_TIMEOUT,
        # Browsers skip CORS for WebSockets; the same origins may open one (else same-origin only).
        allowed_origins=settings.cors_origins,
    )
    app.router.add_get("/graphql", view)
    app.router.add_post("/graphql", view)
    app.router.add_post(WEBHOOK_PATH, stripe_webhook)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    if settings.metrics:
        token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
        app.router.add_get("/metrics", metrics_handler(token))
    if settings.graphiql:
        add_graphiql_routes(app)
    if settings.portal_ui:
        add_portal_routes(app, settings)
    return app


def serve(settings: Settings) -> int:
    """Run until SIGINT or SIGTERM (`python -m gateway serve`): then stop listening, close
    live sockets (1001, going away), give requests in flight `shutdown_grace_seconds` to
    finish, and close the connections to Stripe and Redis. Problems are one log line each."""
    configure_logging(settings.log_format)
    if not settings.stripe_api_key.get_secret_value():
        logger.error("GATEWAY_STRIPE_API_KEY is not set")
        return 2
    problems = configuration_file_problems(settings)
    for problem in problems:
        logger.error("invalid portal configuration: %s", problem)
    if problems:
        return 2
    try:
        use_provider(provider_from_environment())
    except ValueError as exc:
        logger.error("%s", exc)
        return 2
    app = create_app(settings)
    app.on_startup.append(_freeze_startup_objects)
    app.on_shutdown.insert(0, announce_stopping(settings.shutdown_grace_seconds))
    try:
        web.run_app(
            app,
            host=settings.host,
            port=settings.port,
            shutdown_timeout=settings.shutdown_grace_seconds,
            print=announce_listening,
        )
    except ConfigurationError as exc:
        report_configuration_error(exc)
        return 2
    except OSError as exc:
        logger.error("cannot listen on %s:%s: %s", settings.host, settings.port, exc.strerror)
        return 2
    return 0


async def _freeze_startup_objects(app: web.Application) -> None:
    """What is alive once the app has started (modules, schema, configurations, catalog) lives
    as long as the process: keep the cyclic collector from walking it on every full
    collection, a noticeable share of a warm request's CPU. Only here, in the server's own
    process (never in a process that builds apps and drops them, like the tests)."""
    gc.collect()
    gc.freeze()


__all__ = ["SERVICES", "create_app", "serve"]
