"""The emulator's aiohttp application: Stripe's wire format around the resource handlers."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from . import resources
from .errors import StripeError
from .faults import Faults
from .item_changes import unsupported
from .params import validate
from .request_log import RequestLog
from .router import ROUTES, Call, Route, expand_param
from .state import Emulator
from .webhooks import WebhookDeliverer
from .wire import decode_pairs

API_VERSION = "2026-10-28.endive"
logger = logging.getLogger(__name__)


@dataclass
class Idempotent:
    fingerprint: str
    status: int
    body: dict[str, Any]


@dataclass
class Runtime:
    """Everything one running emulator owns, beside the Stripe state itself."""

    emu: Emulator
    faults: Faults = field(default_factory=Faults)
    log: RequestLog = field(default_factory=RequestLog)
    idempotency: dict[tuple[str, str], Idempotent] = field(default_factory=dict)
    deliverer: WebhookDeliverer | None = None


RUNTIME = web.AppKey("runtime", Runtime)
Next = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _error(
    exc: StripeError, request_id: str, headers: dict[str, str] | None = None
) -> web.Response:
    return web.json_response(
        exc.body(request_id),
        status=exc.status,
        headers={"Request-Id": request_id, **(headers or {})},
    )


TEST_KEY_PREFIX = "sk_test_"


def _api_key(request: web.Request) -> str:
    """The secret key from Bearer auth, or from Basic auth as `curl -u sk_test_...:` sends it."""
    header = request.headers.get("Authorization", "")
    key = ""
    if header.startswith("Bearer "):
        key = header[7:].strip()
    elif header.startswith("Basic "):
        try:
            key = base64.b64decode(header[6:].strip()).decode().split(":", 1)[0]
        except (ValueError, UnicodeDecodeError):
            key = ""
    if not key:
        raise StripeError(
            "You did not provide an API key. You need to provide your API key in the "
            "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
            "YOUR_SECRET_KEY').",
            status=401,
        )
    # Any test secret key: `sk_test_` and anything after it (live and restricted keys fail).
    if not key.startswith(TEST_KEY_PREFIX) or len(key) == len(TEST_KEY_PREFIX):
        masked = key[:8] + "*" * max(0, len(key) - 12) + key[-4:]
        raise StripeError(f"Invalid API Key provided: {masked}", status=401)
    return key


@web.middleware
async def stripe_wire(request: web.Request, handler: Next) -> web.StreamResponse:
    if request.path.startswith("/_emulator") or not request.path.startswith("/v1/"):
        return await handler(request)
    runtime = request.app[RUNTIME]
    received = time.time()
    request_id = "req_" + secrets.token_hex(7)
    resource = request.match_info.route.resource
    route_name = resource.canonical if resource is not None else request.path
    outcome = "ok"
    status = 500
    try:
        delay = runtime.faults.delay_seconds(request.method, request.path)
        if delay:
            await asyncio.sleep(delay)
        outcome = runtime.faults.draw(request.method, request.path)
        if outcome == "429":
            status = 429
            return _error(
                StripeError(
                    "Request rate limit exceeded. You can make up to 25 requests per second "
                    "in test mode.",
                    status=429,
                    code="rate_limit",
                ),
                request_id,
            )
        if outcome == "500":
            status = 500
            return _error(
                StripeError("An unknown error occurred", status=500, type="api_error"),
                request_id,
            )
        if outcome == "drop":
            status = 0
            _drop(request)
            return web.Response(status=500)
        key = ""
        try:
            key = _api_key(request)
            response = await _with_idempotency(request, handler, key, request_id)
        except StripeError as exc:
            response = _error(exc, request_id)
        if outcome == "500_after" and "Idempotent-Replayed" not in response.headers:
            response = _failed_after_applying(request, key, request_id)
        status = response.status
        if outcome == "drop_after":
            status = 0
            _drop(request)
        return response
    finally:
        runtime.log.record(request.method, request.path, route_name, status, outcome, received)


def _failed_after_applying(request: web.Request, api_key: str, request_id: str) -> web.Response:
    """A 500 for a request already applied, saved under its key as Stripe saves results."""
    error = StripeError("An unknown error occurred", status=500, type="api_error")
    idem_key = request.headers.get("Idempotency-Key")
    saved = request.app[RUNTIME].idempotency.get((api_key, idem_key or ""))
    if saved is not None:
        saved.status, saved.body = 500, error.body(request_id)
    return _error(error, request_id)


def _drop(request: web.Request) -> None:
    if request.transport is not None:
        request.transport.close()


async def _with_idempotency(
    request: web.Request, handler: Next, api_key: str, request_id: str
) -> web.StreamResponse:
    idem_key = request.headers.get("Idempotency-Key")
    if request.method != "POST" or not idem_key:
        return await handler(request)
    if len(idem_key) > 255:
        raise StripeError(
            "Idempotency-Key must be at most 255 characters.", type="idempotency_error"
        )
    runtime = request.app[RUNTIME]
    body = await request.text()
    pairs = sorted(parse_qsl(body, keep_blank_values=True))
    fingerprint = hashlib.sha256(f"{request.method} {request.path}\n{pairs}".encode()).hexdigest()
    saved = runtime.idempotency.get((api_key, idem_key))
    if saved is not None:
        if saved.fingerprint != fingerprint:
            raise StripeError(
                "Keys for idempotent requests can only be used with the same parameters they "
                f"were first used with. Try using a key other than '{idem_key}' if you meant "
                "to execute a different request.",
                type="idempotency_error",
            )
        return web.json_response(
            saved.body,
            status=saved.status,
            headers={
                "Request-Id": request_id,
                "Idempotent-Replayed": "true",
                "Original-Request": request_id,
            },
        )
    response = await handler(request)
    if isinstance(response, web.Response) and response.body is not None:
        # Stripe keeps the outcome once the endpoint began, errors included, but not
        # failed parameter validation (nothing began).
        payload = json.loads(bytes(response.body))  # type: ignore[arg-type]
        code = payload.get("error", {}).get("code", "") if response.status >= 400 else ""
        if not str(code).startswith("parameter_"):
            runtime.idempotency[(api_key, idem_key)] = Idempotent(
                fingerprint, response.status, payload
            )
    return response


# Accounts v2 is not modelled: no endpoint takes `customer_account`.
_UNMODELLED_EVERYWHERE = ("customer_account",)


def _without_unmodelled(route: Route, params: dict[str, Any]) -> None:
    """Refuse params no endpoint models, by name; drop the route's inert ones."""
    for name in _UNMODELLED_EVERYWHERE:
        if name in params:
            raise unsupported(name)
    for name in route.inert:
        params.pop(name, None)


def _dispatch(route: Route) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        runtime = request.app[RUNTIME]
        request_id = "req_" + secrets.token_hex(7)
        try:
            pairs = list(request.query.items())
            if request.method in ("POST", "DELETE") and request.body_exists:
                pairs += parse_qsl(await request.text(), keep_blank_values=True)
            raw = decode_pairs(pairs)
            cleared = {k: raw.pop(k) for k in route.clearable if raw.get(k) == ""}
            params = validate(raw, route.schema) if route.schema is not None else raw
            params.update(cleared)
            _without_unmodelled(route, params)
            if route.schema is None and raw:
                name = next(iter(raw))
                raise StripeError(
                    f"Received unknown parameter: {name}", code="parameter_unknown", param=name
                )
            call = Call(
                emu=runtime.emu,
                params=params,
                path=dict(request.match_info),
                request=request,
                idempotency_key=request.headers.get("Idempotency-Key"),
            )
            runtime.emu.current_request = {
                "id": request_id,
                "idempotency_key": call.idempotency_key,
            }
            try:
                body = route.handler(call)
            finally:
                runtime.emu.current_request = None
            body = runtime.emu.expand(body, expand_param(params))
        except StripeError as exc:
            return _error(exc, request_id)
        except Exception:
            logger.exception("emulator handler failed: %s %s", request.method, request.path)
            return _error(
                StripeError("An unknown error occurred", status=500, type="api_error"), request_id
            )
        return web.json_response(
            body, headers={"Request-Id": request_id, "Stripe-Version": API_VERSION}
        )

    return handle


async def _unrecognized(request: web.Request) -> web.StreamResponse:
    raise StripeError(
        f"Unrecognized request URL ({request.method}: {request.path}). Please see "
        "https://stripe.com/docs or we can help at https://support.stripe.com/.",
        status=404,
    )


async def _log(request: web.Request) -> web.StreamResponse:
    return web.json_response(request.app[RUNTIME].log.summary())


async def _reset_log(request: web.Request) -> web.StreamResponse:
    request.app[RUNTIME].log.reset()
    return web.json_response({"reset": True})


async def _faults(request: web.Request) -> web.StreamResponse:
    runtime = request.app[RUNTIME]
    if request.method == "POST":
        try:
            runtime.faults.configure(await request.json())
        except (TypeError, ValueError) as exc:
            return web.json_response({"error": str(exc)}, status=400)
    return web.json_response(
        {
            "rules": [vars(rule) for rule in runtime.faults.rules],
            "injected": runtime.faults.injected,
        }
    )


def create_app(
    emu: Emulator | None = None,
    *,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
) -> web.Application:
    """The emulator as an aiohttp app; `webhook_url` registers an endpoint at start."""
    resources.load()
    runtime = Runtime(emu=emu or Emulator())
    app = web.Application(middlewares=[stripe_wire])
    app[RUNTIME] = runtime
    for route in ROUTES:
        app.router.add_route(route.method, route.pattern, _dispatch(route))
    app.router.add_get("/_emulator/requests", _log)
    app.router.add_post("/_emulator/requests/reset", _reset_log)
    app.router.add_route("*", "/_emulator/faults", _faults)
    resources.add_pages(app)
    app.router.add_route("*", "/v1/{tail:.*}", _unrecognized_wrapped)

    async def lifecycle(app: web.Application) -> Any:
        runtime.deliverer = WebhookDeliverer(runtime.emu)
        if webhook_url:
            runtime.deliverer.register(webhook_url, webhook_secret)
        yield
        await runtime.deliverer.close()

    app.cleanup_ctx.append(lifecycle)
    return app


async def _unrecognized_wrapped(request: web.Request) -> web.StreamResponse:
    try:
        return await _unrecognized(request)
    except StripeError as exc:
        return _error(exc, "req_" + secrets.token_hex(7))
