"""Property-based fuzz of every query and mutation input: whatever a client sends, the
answer is never a 500 and never an unmasked error; every error carries a known code, and
nothing of the other customer's shows up.

Inputs are drawn from the schema itself (every root field, every argument, nested input
objects, enums, scalars), mixed with hostile values: other customers' ids, ids of the
wrong kind, huge numbers, odd text, wrong types. Hypothesis runs derandomized with a
fixed example budget, so CI sees the same inputs every run.
"""

from __future__ import annotations

import asyncio
import string
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.api.schema import schema
from gateway.emulator.app import create_app as create_emulator
from gateway.emulator.state import Emulator
from tests.conftest import API_KEY
from tests.support.gateway import GatewayFactory, RunningGateway
from tests.support.world import build_world

if TYPE_CHECKING:
    from pathlib import Path

    from graphql import GraphQLInputType

    from tests.support.world import World

EXAMPLES_PER_FIELD = 60
# Codes a fuzzed request may legitimately get: refusals, not failures.
ALLOWED_CODES = {
    "BAD_USER_INPUT",
    "GRAPHQL_VALIDATION_FAILED",
    "GRAPHQL_PARSE_FAILED",
    "DOCUMENT_TOO_COMPLEX",
    "FORBIDDEN",
    "UNAUTHENTICATED",
    "INVALID_INPUT",
    "NOT_FOUND",
    "FEATURE_DISABLED",
    "FLOW_RESTRICTED",
    "STRIPE_ERROR",
    "CARD_DECLINED",
}
GRAPHQL = schema._schema
# `endPortalSession` ends the session the other fields are fuzzed with: it goes last.
ROOT_FIELDS = sorted(
    (
        (kind, name)
        for kind, root in (("query", GRAPHQL.query_type), ("mutation", GRAPHQL.mutation_type))
        if root is not None
        for name in root.fields
    ),
    key=lambda field: (field[1] == "endPortalSession", field),
)


def _text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=40),
        st.text(alphabet=string.printable, max_size=300),
        st.sampled_from(["", " ", "null", "' OR 1=1 --", "<script>", "\u0000", "💳" * 30]),
    )


def _ids(world: World) -> st.SearchStrategy[str]:
    theirs = [world.bob.id, world.bob.subscription, world.bob.card, world.bob.tax_id]
    theirs += list(world.bob.invoices[:2])
    mine = [world.alice.subscription, world.alice.card, world.alice.tax_id, world.alice.item]
    prefixes = ["sub_", "pm_", "txi_", "in_", "seti_", "cus_", "price_", "si_", "bpc_", "ps_"]
    forged = st.builds(lambda p, t: p + t, st.sampled_from(prefixes), st.text(max_size=30))
    return st.one_of(st.sampled_from(theirs + mine), forged, _text())


def _value(kind: GraphQLInputType, world: World, depth: int = 0) -> st.SearchStrategy[Any]:
    """Mostly well-typed values for `kind`, sometimes null or a wrong type."""
    if isinstance(kind, GraphQLNonNull):
        return _value(kind.of_type, world, depth)
    wrong = st.one_of(st.none(), st.integers(), st.text(max_size=5), st.booleans())
    if isinstance(kind, GraphQLList):
        return st.one_of(st.lists(_value(kind.of_type, world, depth + 1), max_size=3), wrong)
    if isinstance(kind, GraphQLEnumType):
        return st.one_of(st.sampled_from(sorted(kind.values)), st.text(max_size=12), wrong)
    if isinstance(kind, GraphQLInputObjectType):
        if depth > 3:
            return st.none()
        fields = {name: _value(field.type, world, depth + 1) for name, field in kind.fields.items()}
        required = {n for n, f in kind.fields.items() if isinstance(f.type, GraphQLNonNull)}
        return st.one_of(
            st.fixed_dictionaries({}, optional=fields),
            st.fixed_dictionaries(
                {n: fields[n] for n in required},
                optional={n: f for n, f in fields.items() if n not in required},
            ),
            wrong,
        )
    assert isinstance(kind, GraphQLScalarType)
    name = kind.name
    if name == "ID":
        return st.one_of(_ids(world), st.integers(), wrong)
    if name == "Int":
        return st.one_of(st.integers(-5, 200), st.integers(), wrong)
    if name == "Boolean":
        return st.one_of(st.booleans(), wrong)
    if name == "DateTime":
        return st.one_of(
            st.datetimes().map(lambda d: d.isoformat()),
            st.sampled_from(["2020-02-30", "now"]),
            wrong,
        )
    return st.one_of(_text(), wrong)


def _document(kind: str, name: str) -> str:
    root = GRAPHQL.query_type if kind == "query" else GRAPHQL.mutation_type
    assert root is not None
    field = root.fields[name]
    declared = ", ".join(f"${arg}: {spec.type}" for arg, spec in field.args.items())
    passed = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    head = f"{kind}({declared})" if declared else kind
    call = f"{name}({passed})" if passed else name
    return f"{head} {{ {call} {{ __typename }} }}"


def _check(status: int, body: Any, world: World, sent: str = "") -> None:
    assert status != 500, body
    assert status in (200, 400, 429), (status, body)
    assert isinstance(body, dict), body
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert code in ALLOWED_CODES, error
        assert "Unexpected" not in error["message"], error
        assert "Traceback" not in error["message"], error
    # graphql-core quotes a variable it cannot coerce: the caller's own input, not a leak.
    errors = body.get("errors") or []
    echoes = [
        error.get("message", "")
        for error in errors
        if (error.get("extensions") or {}).get("code") == "BAD_USER_INPUT"
    ]
    unechoed = [
        {**error, "message": ""} if error.get("message", "") in echoes else error
        for error in errors
    ]
    text = str({**body, "errors": unechoed})
    for secret in (world.bob.id, world.bob.card, "bob@example.com"):
        assert secret not in text, body
        assert all(secret in sent for echo in echoes if secret in echo), body


def test_fuzz_every_query_and_mutation_input(tmp_path: Path) -> None:
    asyncio.run(_fuzz(tmp_path))


async def _fuzz(tmp_path: Path) -> None:
    runner = web.AppRunner(create_emulator(Emulator(seed=1)), handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    factory = GatewayFactory(f"http://127.0.0.1:{port}", tmp_path)
    try:
        import stripe

        http = stripe.AIOHTTPClient()
        client = stripe.StripeClient(
            API_KEY, base_addresses={"api": factory.emulator_url}, http_client=http
        )
        try:
            world = await build_world(client)
        finally:
            await http.close_async()
        gateway = await factory.start(
            world.configurations(),
            rate_limit_per_second=0,
            admin_rate_limit_per_second=0,
            anonymous_rate_limit_per_second=0,
        )
        token = await gateway.token_for(world.alice.id)
        await asyncio.to_thread(_run_properties, asyncio.get_running_loop(), gateway, token, world)
    finally:
        await factory.close()
        await runner.cleanup()


def _property(
    loop: asyncio.AbstractEventLoop,
    gateway: RunningGateway,
    token: str,
    world: World,
    document: str,
    tried: list[int],
) -> Any:
    """One root field's property: any variables, as the customer or an admin for them."""

    def holds(variables: dict[str, Any], as_admin: bool) -> None:
        tried[0] += 1
        future = asyncio.run_coroutine_threadsafe(
            _send(gateway, document, variables, token, as_admin, world), loop
        )
        status, body = future.result(timeout=60)
        _check(status, body, world, str(variables))

    return holds


def _run_properties(
    loop: asyncio.AbstractEventLoop, gateway: RunningGateway, token: str, world: World
) -> None:
    """Hypothesis drives from this thread; each example runs on the test's event loop."""
    tried = [0]
    for kind, name in ROOT_FIELDS:
        root = GRAPHQL.query_type if kind == "query" else GRAPHQL.mutation_type
        assert root is not None
        arguments = root.fields[name].args
        variables = st.fixed_dictionaries(
            {arg: _value(spec.type, world) for arg, spec in arguments.items()}
        )
        holds = _property(loop, gateway, token, world, _document(kind, name), tried)
        check = settings(
            max_examples=EXAMPLES_PER_FIELD if arguments else 2,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )(given(variables=variables, as_admin=st.booleans())(holds))
        check()
    print(f"fuzz: {len(ROOT_FIELDS)} root fields, {tried[0]} inputs tried")
    assert tried[0] >= len(ROOT_FIELDS) * 2


async def _send(
    gateway: RunningGateway,
    document: str,
    variables: dict[str, Any],
    token: str,
    as_admin: bool,
    world: World,
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    if as_admin:
        headers = {"Authorization": "Bearer gwadmin_test_0123456789abcdef"}
        headers["Portal-Customer"] = world.alice.id
    async with gateway.http.post(
        f"{gateway.url}/graphql",
        json={"query": document, "variables": variables},
        headers=headers,
        timeout=aiohttp.ClientTimeout(total=60),
    ) as response:
        return response.status, await response.json()
