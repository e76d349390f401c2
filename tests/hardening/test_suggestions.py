"""No "Did you mean ...?" in production: not for fields, arguments, enum values, input fields
or types, whether the mistake is in the document or in the variables.

The attack: field suggestions were hidden, but `{ invoices(frist: 1) }` answered "Did you
mean 'first'?", which lets anyone map the schema with introspection off. In development
(`GATEWAY_ENVIRONMENT=development`) the suggestions stay: they help whoever writes queries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.world import World

CANCEL = (
    "mutation($input: CancelSubscriptionInput!) "
    "{ cancelSubscription(input: $input) { userErrors { code } } }"
)
# A mistake, its variables, and the name a suggestion would give away.
MISTAKES: dict[str, tuple[str, dict[str, Any] | None, str]] = {
    "field": ("{ sesion { id } }", None, "session"),
    "argument": ("{ invoices(frist: 1) { nodes { id } } }", None, "first"),
    "enum value in the document": (
        'mutation { cancelSubscription(input: {subscriptionId: "sub_1", reason: TOO_EXPENSIV})'
        " { userErrors { code } } }",
        None,
        "TOO_EXPENSIVE",
    ),
    "input field in the document": (
        'mutation { cancelSubscription(input: {subscriptionId: "sub_1", reasn: OTHER})'
        " { userErrors { code } } }",
        None,
        "reason",
    ),
    "enum value in the variables": (
        CANCEL,
        {"input": {"subscriptionId": "sub_1", "reason": "TOO_EXPENSIV"}},
        "TOO_EXPENSIVE",
    ),
    "input field in the variables": (
        CANCEL,
        {"input": {"subscriptionId": "sub_1", "reasn": "OTHER"}},
        "reason",
    ),
    "type": (
        "query($n: Innt) { invoices(first: $n) { nodes { id } } }",
        {"n": 1},
        "Int",
    ),
    "directive argument": ("{ session { id @include(iff: true) } }", None, "if"),
}


def leaks(result: Any) -> list[str]:
    return [e["message"] for e in result.errors if "Did you mean" in e["message"]]


async def test_no_suggestions_in_production(gateway: RunningGateway, world: World) -> None:
    token = await gateway.token_for(world.alice.id)
    for name, (query, variables, secret) in MISTAKES.items():
        for credentials in (None, token):
            result = await gateway.post(query, variables, token=credentials)
            assert result.errors, name
            assert leaks(result) == [], name
            messages = " ".join(e["message"] for e in result.errors)
            assert f"'{secret}'" not in messages, (name, messages)


async def test_suggestions_help_in_development(
    gateway_factory: GatewayFactory, world: World
) -> None:
    gateway = await gateway_factory.start(world.configurations(), environment="development")
    token = await gateway.token_for(world.alice.id)
    for name in ("argument", "enum value in the document", "input field in the variables"):
        query, variables, secret = MISTAKES[name]
        result = await gateway.post(query, variables, token=token)
        assert any(f"'{secret}'" in message for message in leaks(result)), (name, result.body)
