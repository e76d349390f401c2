"""Schemathesis, a fuzzer nobody here wrote, against a served gateway.

Schemathesis reads the published `schema.graphql` and generates documents for every root
field (selections, arguments, nested inputs) on its own terms; `ID` arguments are drawn from
both customers' real ids as well as noise. Each document goes over real
HTTP to a gateway on the loopback, backed by the emulator, as three callers: anonymous, a
customer with a portal access token (so resolvers really run), and an admin acting for that
customer, accepting `application/json` or `application/graphql-response+json`. Every answer
must:

- never be a 5xx, and be JSON shaped as GraphQL-over-HTTP says (`data` and/or `errors`,
  each error with a message), in the accepted media type, a 400 only for a document that
  never ran and only under `application/graphql-response+json`;
- carry only the gateway's own error codes (never a masked internal error);
- show nothing of the other customer (an error may only quote back an id the caller sent),
  except the backend's own session fields called with the admin key;
and the gateway must log no traceback while serving them.

Schemathesis's own `not_a_server_error` check counts every GraphQL error as a server fault;
here refusals (`UNAUTHENTICATED`, `NOT_FOUND`, ...) are the expected answer to random ids,
so the checks above stand in for it. The run is derandomized with a fixed example budget.
"""

from __future__ import annotations

import asyncio
import json
import logging
import string
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.core.result import Ok
from schemathesis.graphql import nodes
from schemathesis.specs.graphql.scalars import CUSTOM_SCALARS

from gateway.api.errors import ErrorCode
from gateway.api.extensions import error_codes
from tests.support.gateway import ADMIN_KEY

if TYPE_CHECKING:
    from schemathesis.core.transport import Response
    from schemathesis.generation.case import Case

    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.world import World

SCHEMA = Path(__file__).resolve().parents[2] / "schema.graphql"
EXAMPLES_PER_OPERATION = 12
IDENTITIES = ("anonymous", "customer", "admin")
GRAPHQL_RESPONSE = "application/graphql-response+json"
# What clients send: nothing (requests' `*/*`), plain JSON, or GraphQL-over-HTTP's own type.
ACCEPTS = (None, "application/json", GRAPHQL_RESPONSE)
# The backend's own root fields: with the admin key they may name any customer.
ADMIN_OPERATIONS = {"Mutation.createPortalSession", "Mutation.revokePortalSession"}
# Root fields that end the caller's own session: each example gets a fresh token.
SESSION_ENDERS = {"Mutation.endPortalSession"}
# Codes the GraphQL layer itself gives to documents it refuses before any resolver runs:
# every code `error_codes` exports but the masked one.
REQUEST_CODES = {
    getattr(error_codes, name)
    for name in error_codes.__all__
    if name.isupper() and name != "INTERNAL_ERROR"
}
KNOWN_CODES = {code.value for code in ErrorCode} | REQUEST_CODES
RESPONSE_KEYS = {"data", "errors", "extensions"}
TRACE_MARKERS = ("Traceback (most recent call last)", 'File "', "Exception:", "Error(")


class _Gathered(logging.Handler):
    """Keeps every record logged at ERROR or with an exception attached."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.exc_info:
            self.records.append(record)


def _conforms(
    case: Case[Any], identity: str, accept: str | None, response: Response, world: World
) -> bool:
    """One answer against GraphQL-over-HTTP and the gateway's own contract; whether the
    document ran without any error."""
    sent = f"{identity} (Accept: {accept}): {case.body!r}"
    assert response.status_code < 500, (sent, response.status_code, response.text)
    assert response.status_code in (200, 400), (sent, response.status_code, response.text)
    media = ",".join(response.headers.get("content-type", []))
    expected = GRAPHQL_RESPONSE if accept == GRAPHQL_RESPONSE else "application/json"
    assert media.split(";")[0] == expected, (sent, media)
    body = response.json()
    assert isinstance(body, dict), (sent, body)
    assert set(body) <= RESPONSE_KEYS, (sent, body)
    assert "data" in body or "errors" in body, (sent, body)
    # application/json: always 200; graphql-response+json: 400 exactly when nothing ran.
    ran = "data" in body
    status = 200 if ran or expected == "application/json" else 400
    assert response.status_code == status, (sent, response.status_code, body)
    errors = body.get("errors")
    if errors is not None:
        assert isinstance(errors, list), (sent, body)
        assert errors, (sent, body)
    for error in errors or []:
        assert isinstance(error.get("message"), str), (sent, error)
        assert error["message"], (sent, error)
        code = (error.get("extensions") or {}).get("code")
        assert code in KNOWN_CODES, (sent, error)
    text = response.text
    for marker in TRACE_MARKERS:
        assert marker not in text, (sent, text)
    if identity == "admin" and case.operation.label in ADMIN_OPERATIONS:
        return not errors and body.get("data") is not None
    data = json.dumps(body.get("data"))
    for theirs in (*_theirs(world), "bob@example.com"):
        assert theirs not in data, (sent, text)
        # An error may quote an id back to the caller who sent it, never reveal one.
        assert theirs not in text or theirs in str(case.body), (sent, text)
    return not errors and body.get("data") is not None


def _theirs(world: World) -> tuple[str, ...]:
    bob = world.bob
    return (bob.id, bob.card, bob.subscription, bob.item, bob.tax_id, *bob.invoices)


def _ids(world: World) -> st.SearchStrategy[Any]:
    """`ID` arguments: the customer's own ids, the other customer's, catalog ids, or noise,
    so resolvers get past "not found" and the isolation checks have something to catch."""
    alice = world.alice
    known = [
        alice.id,
        alice.subscription,
        alice.item,
        alice.card,
        alice.tax_id,
        *alice.invoices,
        *_theirs(world),
        world.basic_monthly,
        world.basic_yearly,
        world.pro_monthly,
        world.legacy_monthly,
        "full",
        "minimal",
    ]
    noise = st.text(alphabet=string.ascii_letters + string.digits + "_", max_size=30)
    return st.one_of(st.sampled_from(known), noise).map(nodes.String)


def _fuzz(
    loop: asyncio.AbstractEventLoop, gateway: RunningGateway, world: World, token: str
) -> tuple[Counter[str], Counter[str]]:
    """Schemathesis drives from this thread; the gateway serves on the test's loop."""
    schemathesis.graphql.scalar("ID", _ids(world))
    try:
        return _fuzz_operations(loop, gateway, world, token)
    finally:
        CUSTOM_SCALARS.pop("ID", None)


def _fuzz_operations(
    loop: asyncio.AbstractEventLoop, gateway: RunningGateway, world: World, token: str
) -> tuple[Counter[str], Counter[str]]:
    schema = schemathesis.graphql.from_path(SCHEMA)
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()
        operations.append(result.ok())
    assert len(operations) >= 20, [operation.label for operation in operations]
    tried: Counter[str] = Counter()
    answered: Counter[str] = Counter()
    http = requests.Session()

    def headers_for(identity: str, label: str) -> dict[str, str]:
        if identity == "anonymous":
            return {}
        if identity == "admin":
            return {"Authorization": f"Bearer {ADMIN_KEY}", "Portal-Customer": world.alice.id}
        fresh = token
        if label in SESSION_ENDERS:
            minted = asyncio.run_coroutine_threadsafe(gateway.token_for(world.alice.id), loop)
            fresh = minted.result(timeout=30)
        return {"Authorization": f"Bearer {fresh}"}

    def with_accept(headers: dict[str, str], accept: str | None) -> dict[str, str]:
        return headers if accept is None else {**headers, "Accept": accept}

    for operation in operations:

        def holds(case: Case[Any], identity: str, accept: str | None) -> None:
            label = case.operation.label
            tried[label] += 1
            response = case.call(
                base_url=f"{gateway.url}/graphql",
                session=http,
                headers=with_accept(headers_for(identity, label), accept),
                timeout=30,
            )
            if _conforms(case, identity, accept, response, world):
                answered[label] += 1

        check = settings(
            max_examples=EXAMPLES_PER_OPERATION,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )(
            given(
                case=operation.as_strategy(),
                identity=st.sampled_from(IDENTITIES),
                accept=st.sampled_from(ACCEPTS),
            )(holds)
        )
        check()
    http.close()
    return tried, answered


@pytest.fixture
def gathered() -> Any:
    handler = _Gathered()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


async def test_schemathesis_finds_no_server_error(
    gateway_factory: GatewayFactory, world: World, gathered: _Gathered
) -> None:
    gateway = await gateway_factory.start(
        world.configurations(),
        rate_limit_per_second=0,
        admin_rate_limit_per_second=0,
        anonymous_rate_limit_per_second=0,
    )
    token = await gateway.token_for(world.alice.id)
    loop = asyncio.get_running_loop()
    tried, answered = await asyncio.to_thread(_fuzz, loop, gateway, world, token)
    print(
        f"schemathesis: {len(tried)} root fields, {sum(tried.values())} documents sent, "
        f"{sum(answered.values())} answered without error"
    )
    print(json.dumps(dict(sorted(answered.items()))))
    # Real ids and a real session: resolvers ran, not only the refusals in front of them.
    assert len(answered) >= 10, answered
    assert len(tried) >= 20
    assert all(count >= 2 for count in tried.values()), tried
    logged = [f"{r.name} {r.levelname}: {r.getMessage()}" for r in gathered.records]
    assert logged == [], logged
