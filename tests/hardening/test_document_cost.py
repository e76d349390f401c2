"""What a document may cost to parse and validate is bounded before graphql-core's rules run.

The attack: with no credentials, one 9 KB document repeating a field 440 times under one
response name (a fresh operation name each time, to miss the caches) cost over a second of
CPU in the OverlappingFieldsCanBeMerged rule. Such documents, and the variations below, are
refused with `DOCUMENT_TOO_COMPLEX` before any rule runs (no timing is asserted: the
benchmark `bench/document_cost.py` measures the CPU), while every document the reference
portal, the frontend guide and the benchmarks send still passes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from graphql import get_introspection_query, parse, validate

from gateway.api.extensions.document_limits import document_tokens
from gateway.api.extensions.document_size import SizeLimits, count_fields
from gateway.api.schema import DEFAULT_LIMITS, schema
from tests.hardening.documents import OVERVIEW_VARIABLES, portal_documents

if TYPE_CHECKING:
    from tests.conftest import RunningEmulator
    from tests.support.gateway import GatewayFactory, Result, RunningGateway
    from tests.support.world import World

ROOT = Path(__file__).parents[2]
# The limits a gateway has unless its settings say otherwise.
MAX_ALIASES = DEFAULT_LIMITS.max_aliases
MAX_DEPTH = DEFAULT_LIMITS.max_depth
MAX_DOCUMENT_LENGTH = DEFAULT_LIMITS.max_document_length
MAX_FIELD_REPEATS = DEFAULT_LIMITS.max_field_repeats
MAX_FIELDS = DEFAULT_LIMITS.max_fields
MAX_SELECTION_SET_FIELDS = DEFAULT_LIMITS.max_selection_set_fields
MAX_TOKENS = DEFAULT_LIMITS.max_tokens
REPEATED = "configuration { id } "
# The document of the report: 440 repeats under one name, 9 KB, 1,765 tokens.
ATTACK = "query Q{n} { session { " + REPEATED * 440 + "} }"
ALIASED_IDS = " ".join(f"f{i}: id" for i in range(40))
ALIASED_SESSIONS = " ".join(f"a{i}: session {{ id }}" for i in range(20))


def fragments(count: int, body: str) -> str:
    return " ".join(f"fragment F{i} on Session {{ {body} }}" for i in range(count))


# Each is refused, whatever its operation name; `{n}` makes every request's text new.
HOSTILE: dict[str, str] = {
    "the report's document": ATTACK,
    "a short repeat": "query Q{n} { session { " + REPEATED * (MAX_FIELD_REPEATS + 1) + "} }",
    # Twice per selection set, but under three `session`s: six at one place in the answer.
    "repeats under repeated parents": "query Q{n} { "
    + "session { configuration { id } configuration { id } } " * 3
    + "}",
    "one fragment spread into many places": "query Q{n} { session { ...A ...B ...C } } "
    + " ".join(f"fragment {f} on Session {{ ...R ...R }}" for f in "ABC")
    + " fragment R on Session { configuration { id } }",
    "overlapping fragments": "query Q{n} { session { "
    + " ".join(f"...F{i}" for i in range(8))
    + " } } "
    + fragments(8, "configuration { id }"),
    "inline fragments": "query Q{n} { session { " + "... on Session { id } " * 300 + "} }",
    "exponential fragments": "query Q{n} { session { ...E0 } } "
    + " ".join(f"fragment E{i} on Session {{ ...E{i + 1} ...E{i + 1} }}" for i in range(30))
    + " fragment E30 on Session { __typename }",
    "an unused fragment": "query Q{n} { session { id } } fragment U on Session { "
    + REPEATED * 100
    + "}",
    "many fragments in one selection set": "query Q{n} { session { "
    + " ".join(f"...F{i}" for i in range(MAX_SELECTION_SET_FIELDS + 1))
    + " } } "
    + fragments(MAX_SELECTION_SET_FIELDS + 1, "__typename"),
    "many distinct fields": "query Q{n} { "
    + " ".join(f"s{j}: session {{ {ALIASED_IDS} }}" for j in range(MAX_FIELDS // 40 + 1))
    + " }",
    "many operations": " ".join(
        f"query Q{{n}}x{i} {{ session {{ ...F0 }} }}" for i in range(MAX_FIELDS // 40 + 1)
    )
    + f" fragment F0 on Session {{ {ALIASED_IDS} }}",
    "too many tokens": "query Q{n} { session { " + "id " * MAX_TOKENS + "} }",
    "too long": 'query Q{n} { subscription(id: "' + "x" * MAX_DOCUMENT_LENGTH + '") { id } }',
    "nested too deeply": "query Q{n} { " + "session { " * 220 + "id" + " }" * 220 + " }",
}


LIMITS = {
    "maxTokens",
    "maxDocumentLength",
    "nesting",
    "maxFields",
    "maxSelectionSetFields",
    "maxFieldRepeats",
}


def refused(result: Result, limit: str | None = None) -> None:
    assert result.status == 200, result.body
    assert result.data is None, result.body
    assert result.error_codes == ["DOCUMENT_TOO_COMPLEX"], result.body
    if limit is not None:
        assert result.errors[0]["extensions"]["limit"] == limit, result.body


@pytest.mark.parametrize("name", sorted(HOSTILE))
async def test_hostile_documents_are_refused_with_a_code(
    name: str, gateway: RunningGateway, world: World, emulator: RunningEmulator
) -> None:
    token = await gateway.token_for(world.alice.id)
    tag = re.sub(r"\W", "", name)
    before = await emulator.request_count()
    for n, credentials in enumerate((None, token)):  # anonymous and authenticated alike
        result = await gateway.post(HOSTILE[name].replace("{n}", f"{n}{tag}"), token=credentials)
        refused(result)
        assert result.errors[0]["extensions"]["limit"] in LIMITS, result.body
    assert await emulator.request_count() == before


async def test_the_report_document_is_refused_for_its_repeats_before_any_rule(
    gateway_factory: GatewayFactory, world: World
) -> None:
    # With the token limit raised above its 1,765 tokens, the repeats are what refuses it.
    gateway = await gateway_factory.start(
        world.configurations(), max_tokens=5000, max_document_length=20_000
    )
    for n in range(3):
        result = await gateway.post(ATTACK.replace("{n}", str(n)))
        refused(result, "maxFieldRepeats")
        message = result.errors[0]["message"]
        assert f"'session.configuration' is selected more than {MAX_FIELD_REPEATS} times" in (
            message
        )
    # An unknown field beside the repeats is not reported: no validation rule ran.
    unknown = "query Bad { nope session { " + REPEATED * 440 + "} }"
    refused(await gateway.post(unknown), "maxFieldRepeats")


async def test_each_size_limit_is_a_setting(gateway_factory: GatewayFactory, world: World) -> None:
    gateway = await gateway_factory.start(
        world.configurations(), max_fields=12, max_selection_set_fields=6, max_field_repeats=1
    )
    fine = "{ session { id customerId locale configuration { id defaultReturnUrl } } }"
    assert (await gateway.post(fine)).error_codes == ["UNAUTHENTICATED"]
    twice = "{ session { id id } }"
    refused(await gateway.post(twice), "maxFieldRepeats")
    seven = "id customerId locale returnUrl expiresAt flow { type } configuration { id }"
    wide = f"{{ session {{ {seven} }} }}"
    result = await gateway.post(wide)
    refused(result, "maxSelectionSetFields")
    assert result.errors[0]["extensions"]["max"] == 6
    assert "at 'session' holds more than 6" in result.errors[0]["message"]
    many = "{ " + " ".join(f"s{i}: session {{ id customerId locale }}" for i in range(4)) + " }"
    refused(await gateway.post(many), "maxFields")


async def test_a_batch_shares_one_budget(gateway_factory: GatewayFactory, world: World) -> None:
    gateway = await gateway_factory.start(world.configurations(), max_fields=30)
    token = await gateway.token_for(world.alice.id)
    query = (
        "{ session { id customerId locale returnUrl expiresAt configuration { id defaultReturnUrl"
        " businessProfile { headline privacyPolicyUrl termsOfServiceUrl } } } }"
    )

    async def batch(size: int) -> list[dict[str, Any]]:
        async with gateway.http.post(
            f"{gateway.url}/graphql",
            json=[{"query": query}] * size,
            headers={"Authorization": f"Bearer {token}"},
        ) as response:
            assert response.status == 200
            answers: list[dict[str, Any]] = await response.json()
            return answers

    assert all("errors" not in answer for answer in await batch(2))  # 13 + 13 fields
    answers = await batch(3)  # 39 fields: the third is over the request's 30
    assert ["errors" in answer for answer in answers] == [False, False, True]
    assert answers[2]["errors"][0]["extensions"]["code"] == "DOCUMENT_TOO_COMPLEX"
    # The next request has the whole budget again.
    assert all("errors" not in answer for answer in await batch(2))


def legitimate_documents() -> dict[str, str]:
    """The reference portal's, the frontend guide's and the benchmarks' documents."""
    documents = {f"portal {name}": text for name, text in portal_documents().items()}
    guide = (ROOT / "docs" / "frontend-guide.md").read_text(encoding="utf-8")
    for n, text in enumerate(re.findall(r"```graphql\n(.*?)```", guide, re.S)):
        documents[f"guide {n}"] = text
    bench = (ROOT / "bench" / "documents.py").read_text(encoding="utf-8")
    namespace: dict[str, Any] = {}
    exec(compile(bench, "bench/documents.py", "exec"), namespace)  # plain string constants
    for name, value in namespace.items():
        if isinstance(value, str) and value.lstrip().startswith(("query", "mutation")):
            documents[f"bench {name}"] = value
        elif isinstance(value, dict):
            documents.update({f"bench {name}.{k}": v for k, v in value.items() if "{" in str(v)})
    return documents


def test_every_legitimate_document_is_within_the_default_limits() -> None:
    documents = legitimate_documents()
    assert len(documents) > 40
    limits = SizeLimits(
        MAX_FIELDS, MAX_SELECTION_SET_FIELDS, MAX_FIELD_REPEATS, MAX_DEPTH, MAX_ALIASES
    )
    for name, text in documents.items():
        document = parse(text)
        assert len(text) * 2 <= MAX_DOCUMENT_LENGTH, name
        assert document_tokens(document) * 2 <= MAX_TOKENS, name
        # Fields bound validation's CPU most: headroom 1.5 (the overview has 141 of 250).
        assert count_fields(document, limits) * 3 <= MAX_FIELDS * 2, name
        assert validate(schema._schema, document) == [], name
    # GraphiQL's schema query (development, introspection on) fits too.
    introspection = parse(get_introspection_query(descriptions=True, input_value_deprecation=True))
    assert document_tokens(introspection) <= MAX_TOKENS
    assert count_fields(introspection, limits) <= MAX_FIELDS


async def test_the_portal_documents_pass_over_http(gateway: RunningGateway, world: World) -> None:
    token = await gateway.token_for(world.alice.id)
    documents = portal_documents()
    for name in ("SESSION", "OVERVIEW", "MORE_INVOICES"):
        variables = {"after": "in_unknown"} if name == "MORE_INVOICES" else OVERVIEW_VARIABLES
        result = await gateway.post(documents[name], variables, token=token)
        assert "DOCUMENT_TOO_COMPLEX" not in result.error_codes, name
        if name != "MORE_INVOICES":
            assert result.ok(), name


async def test_depth_and_aliases_are_measured_before_validation(
    gateway_factory: GatewayFactory, world: World
) -> None:
    gateway = await gateway_factory.start(world.configurations(), max_query_depth=4)
    token = await gateway.token_for(world.alice.id)
    # Depth counts through fragments; an unknown fragment is a validation error, not a bug.
    deep = (
        "query Deep { subscriptions { ...S } } fragment S on Subscription "
        "{ scheduledChange { items { price { product { id } } } } }"
    )
    for query, phrase in (
        (deep, "'Deep' exceeds maximum operation depth of 4"),
        ("{ " + "session { " * 150 + "id" + " }" * 150 + " }", "'anonymous' exceeds"),
        ("{ session { ...Nope } }", "Unknown fragment 'Nope'."),
        # Aliases too are counted first: the unknown field beside them is not reported.
        ("{ nope " + ALIASED_SESSIONS + " }", "20 aliases found. Allowed: 15"),
    ):
        result = await gateway.post(query, token=token)
        assert result.error_codes == ["GRAPHQL_VALIDATION_FAILED"], result.body
        assert phrase in result.errors[0]["message"], result.body
    shallow = "{ subscriptions { items { price { product { id } } } } }"
    assert (await gateway.post(shallow, token=token)).ok()
    # Introspection fields are not counted (GraphiQL's schema query is deep).
    development = await gateway_factory.start(
        world.configurations(), environment="development", introspection=True, max_query_depth=4
    )
    assert (await development.post(get_introspection_query(descriptions=True))).ok()
