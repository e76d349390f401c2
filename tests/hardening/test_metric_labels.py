"""Metric labels are route templates, never caller-chosen values: `/metrics` does not grow
with made-up ids, whatever their shape (no digit, no capital, long, odd characters)."""

from __future__ import annotations

import re
import secrets
import string
from typing import TYPE_CHECKING
from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st

from gateway.observability.metrics import _PATH_WORDS, cache_kind, stripe_path

if TYPE_CHECKING:
    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.world import World

TEMPLATES = (
    "/v1/invoices/{}",
    "/v1/subscriptions/{}",
    "/v1/customers/{}",
    "/v1/customers/{}/tax_ids/{}",
    "/v1/setup_intents/{}/confirm",
    "/v1/payment_methods/{}/detach",
)
SERIES = re.compile(r"^gateway_stripe_requests_total\{.*$", re.MULTILINE)


@given(st.sampled_from(TEMPLATES), st.text(min_size=1, max_size=300))
def test_a_stripe_path_label_never_carries_an_id(template: str, made_up: str) -> None:
    ids = [quote(made_up, safe="")] * template.count("{}")
    label = stripe_path(template.format(*ids))
    # A made-up id that happens to be one of Stripe's path words (`attach`) stays that word:
    # labels are drawn from a fixed vocabulary, so the series stay bounded either way.
    assert label == "other" or all(s in _PATH_WORDS or s == "{id}" for s in label[1:].split("/"))
    if ids and ids[0] not in _PATH_WORDS:
        assert label == template.replace("{}", "{id}")


@given(st.text(max_size=200))
def test_a_cache_kind_label_is_a_word(kind: str) -> None:
    label = cache_kind(kind)
    assert re.fullmatch(r"[a-z_]{1,40}", label)


def made_up(shape: str) -> str:
    letters = "".join(secrets.choice(string.ascii_lowercase) for _ in range(12))
    if shape == "letters":
        return letters
    if shape == "long":
        return letters * 130  # about 1,600 characters
    if shape == "digits":
        return letters + "42"
    return letters + "-.~"


async def stripe_series(gateway: RunningGateway) -> tuple[list[str], str]:
    async with gateway.http.get(f"{gateway.url}/metrics") as response:
        text = await response.text()
    return SERIES.findall(text), text


def labels(series: list[str]) -> set[str]:
    """Each series without its value: what names it on the scrape."""
    return {line.rsplit(" ", 1)[0] for line in series}


async def ask_for_made_up_ids(gateway: RunningGateway, token: str, world: World) -> list[str]:
    sent = []
    for shape in ("letters", "long", "digits", "odd"):
        invoice, subscription = f"in_{made_up(shape)}", f"sub_{made_up(shape)}"
        sent += [invoice, subscription]
        await gateway.post(
            """query($i: ID!, $s: ID!) {
                 invoice(id: $i) { id } subscription(id: $s) { id }
                 upcomingInvoice(subscriptionId: $s) { total }
               }""",
            {"i": invoice, "s": subscription},
            token=token,
        )
    return sent


async def test_metrics_do_not_grow_with_made_up_ids(
    gateway_factory: GatewayFactory, world: World
) -> None:
    gateway = await gateway_factory.start(
        world.configurations(),
        customer_cache_ttl_seconds=0,
        stripe_calls_burst=10_000,
        customer_stripe_calls_burst=10_000,
    )
    token = await gateway.token_for(world.alice.id)
    await ask_for_made_up_ids(gateway, token, world)
    before, _ = await stripe_series(gateway)
    sent = []
    for _ in range(5):
        sent += await ask_for_made_up_ids(gateway, token, world)
    after, text = await stripe_series(gateway)
    assert labels(after) == labels(before)
    for value in sent:
        assert value[3:15] not in text
        assert quote(value, safe="")[:20] not in text
