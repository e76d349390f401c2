"""The pieces of live updates on their own: who a socket is, what a subscriber is told, what
a write announces, and how an instance notices a catalog change."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import TYPE_CHECKING

import pytest

from gateway.api.customers.add_tax_id import SPEC as ADD_TAX_ID
from gateway.api.live.announce import Announcement, write_event
from gateway.api.live.connection import connection_headers
from gateway.api.live.stream import visible
from gateway.api.live.types import BillingEvent, BillingEventSource
from gateway.api.mutations import SPECS
from gateway.api.payment_methods.create_setup_intent import SPEC as CREATE_SETUP_INTENT
from gateway.api.payment_methods.detach_payment_method import SPEC as DETACH
from gateway.api.subscriptions.cancel_subscription import SPEC as CANCEL
from gateway.auth.principal import CustomerScope
from gateway.billing.cache_scopes import invalidate_catalog, invalidate_configurations
from gateway.live_bus import LiveEvent, LiveEventKind
from gateway.portal.flows import Flow
from gateway.source_changes import SourceChanges
from gateway.store import Cache

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

ALICE = "cus_alice"


def event(kind: LiveEventKind, object_id: str, customer: str = ALICE, **obj: object) -> LiveEvent:
    return LiveEvent(
        customer_id=customer,
        kind=kind,
        type="test.event",
        event_id="evt_1",
        object_id=object_id,
        created=1_700_000_000,
        object=dict(obj),
    )


@pytest.mark.parametrize(
    ("params", "headers"),
    [
        ({"accessToken": "pst_x"}, {"Authorization": "Bearer pst_x"}),
        (
            {"Authorization": "Bearer pst_y", "accessToken": "pst_x"},
            {"Authorization": "Bearer pst_y"},
        ),
        (
            {
                "Authorization": "Bearer key",
                "Portal-Customer": "cus_1",
                "Portal-Configuration": "c",
            },
            {
                "Authorization": "Bearer key",
                "Portal-Customer": "cus_1",
                "Portal-Configuration": "c",
            },
        ),
        ({"accessToken": 42, "Portal-Customer": ["cus_1"]}, {}),
        (None, {}),
    ],
)
def test_connection_init_payloads_become_headers(
    params: dict[str, object] | None, headers: dict[str, str]
) -> None:
    assert connection_headers(params) == headers


def test_a_subscriber_hears_only_its_customer_and_the_kinds_it_asked_for() -> None:
    scope = CustomerScope(customer_id=ALICE)
    assert visible(event(LiveEventKind.INVOICE, "in_1"), scope, frozenset())
    assert not visible(event(LiveEventKind.INVOICE, "in_1", customer="cus_bob"), scope, frozenset())
    only_subs = frozenset({LiveEventKind.SUBSCRIPTION})
    assert not visible(event(LiveEventKind.INVOICE, "in_1"), scope, only_subs)
    assert visible(event(LiveEventKind.SUBSCRIPTION, "sub_1"), scope, only_subs)


def test_a_flow_session_hears_only_about_its_subscription() -> None:
    flow = Flow.from_flow_data(
        {"type": "subscription_cancel", "subscription_cancel": {"subscription": "sub_mine"}}
    )
    scope = CustomerScope(customer_id=ALICE, flow=flow)
    assert scope.flow_subscription_id == "sub_mine"
    assert visible(event(LiveEventKind.SUBSCRIPTION, "sub_mine"), scope, frozenset())
    assert not visible(event(LiveEventKind.SUBSCRIPTION, "sub_other"), scope, frozenset())
    schedule = {"object": "subscription_schedule", "subscription": "sub_other"}
    assert not visible(event(LiveEventKind.SUBSCRIPTION, "sub_sched_1", **schedule), scope, ())
    mine = {"object": "subscription_schedule", "subscription": "sub_mine"}
    assert visible(event(LiveEventKind.SUBSCRIPTION, "sub_sched_2", **mine), scope, frozenset())

    # Invoices: only those billing the flow's subscription.
    def invoice(object_id: str, subscription: str | None) -> LiveEvent:
        details = {"subscription_details": {"subscription": subscription}} if subscription else None
        return dataclasses.replace(
            event(LiveEventKind.INVOICE, object_id),
            object={"object": "invoice", "parent": details},
        )

    assert visible(invoice("in_1", "sub_mine"), scope, frozenset())
    assert not visible(invoice("in_2", "sub_other"), scope, frozenset())
    assert not visible(invoice("in_3", None), scope, frozenset())
    # The rest of the customer's billing is still theirs to see.
    assert visible(event(LiveEventKind.PAYMENT_METHOD, "pm_1"), scope, frozenset())
    # Without a subscription flow every invoice is theirs.
    whole = CustomerScope(customer_id=ALICE)
    assert visible(invoice("in_2", "sub_other"), whole, frozenset())


def test_every_customer_mutation_but_creating_a_setup_intent_announces_a_change() -> None:
    silent = {spec.name for spec in SPECS if spec.announces is None}
    assert silent == {
        "createPortalSession",
        "redeemPortalSession",
        "revokePortalSession",
        "endPortalSession",
        "createSetupIntent",
    }


def test_a_write_event_names_the_changed_object_or_else_the_customer() -> None:
    cancel = write_event(CANCEL.name, CANCEL.announces, ALICE, {"subscription": "sub_1"})
    assert cancel is not None
    assert (cancel.kind, cancel.type, cancel.object_id) == (
        LiveEventKind.SUBSCRIPTION,
        "gateway.cancelSubscription",
        "sub_1",
    )
    tax = write_event(ADD_TAX_ID.name, ADD_TAX_ID.announces, ALICE, {"tax_id": "txi_1"})
    assert tax is not None
    assert (tax.kind, tax.object_id) == (LiveEventKind.CUSTOMER, ALICE)
    detach = write_event(
        DETACH.name, DETACH.announces, ALICE, {"detached": "pm_1", "new_default": None}
    )
    assert detach is not None
    assert detach.object_id == "pm_1"
    assert (
        write_event(
            CREATE_SETUP_INTENT.name,
            CREATE_SETUP_INTENT.announces,
            ALICE,
            {"setup_intent": "seti_1"},
        )
        is None
    )
    assert BillingEvent.from_live(cancel).source is BillingEventSource.GATEWAY
    assert BillingEvent.from_live(event(LiveEventKind.INVOICE, "in_1")).source is (
        BillingEventSource.STRIPE
    )
    # Each write event is new: two identical writes are two events.
    again = write_event(CANCEL.name, CANCEL.announces, ALICE, {"subscription": "sub_1"})
    assert again is not None
    assert again.event_id != cancel.event_id


def test_an_announced_entry_missing_from_the_outcome_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    misspelled = Announcement(LiveEventKind.SUBSCRIPTION, changed="subscripton")
    with caplog.at_level(logging.WARNING, logger="gateway.api.live.announce"):
        event = write_event("cancelSubscription", misspelled, ALICE, {"subscription": "sub_1"})
    assert event is not None
    assert event.object_id == ALICE
    assert "cancelSubscription announces 'subscripton', not in its outcome" in caplog.text


@pytest.fixture
async def cache() -> AsyncIterator[Cache]:
    store = Cache.from_url(None)
    yield store
    await store.close()


async def test_an_instance_notices_a_catalog_or_configuration_change(cache: Cache) -> None:
    changes = SourceChanges(cache, poll_seconds=0.01)
    seen = await changes.read()
    assert seen == (0, 0)
    assert await changes.wait(seen, 0.05) == seen  # nothing changed: back after the wait

    async def bump_soon() -> None:
        await asyncio.sleep(0.05)
        await invalidate_catalog(cache)

    bumper = asyncio.create_task(bump_soon())
    async with asyncio.timeout(2):
        after_catalog = await changes.wait(seen, 60)
    await bumper
    assert after_catalog == (1, 0)
    await invalidate_configurations(cache)
    async with asyncio.timeout(2):
        assert await changes.wait(after_catalog, 60) == (1, 1)


async def test_an_unreadable_cache_counts_as_no_change() -> None:
    unreachable = Cache.from_url("redis://127.0.0.1:1/0")
    try:
        changes = SourceChanges(unreachable, poll_seconds=0.01)
        assert await changes.read() is None
        assert await changes.wait((3, 4), 0.05) == (3, 4)
    finally:
        await unreachable.close()
