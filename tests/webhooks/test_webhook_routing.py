"""Which customer (or shared data) each kind of Stripe event touches."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.live_bus.events import LiveEventKind
from gateway.webhooks.routing import Impact, impact_of

CUS = "cus_rt00000000000000000001"
SUB = LiveEventKind.SUBSCRIPTION
INV = LiveEventKind.INVOICE
PM = LiveEventKind.PAYMENT_METHOD
CUST = LiveEventKind.CUSTOMER


def owned(object_type: str, object_id: str) -> dict[str, Any]:
    return {"id": object_id, "object": object_type, "customer": CUS}


@pytest.mark.parametrize(
    ("event_type", "obj", "kind"),
    [
        ("customer.created", {"id": CUS, "object": "customer"}, CUST),
        ("customer.updated", {"id": CUS, "object": "customer"}, CUST),
        ("customer.deleted", {"id": CUS, "object": "customer", "deleted": True}, CUST),
        ("customer.subscription.created", owned("subscription", "sub_1"), SUB),
        ("customer.subscription.updated", owned("subscription", "sub_1"), SUB),
        ("customer.subscription.deleted", owned("subscription", "sub_1"), SUB),
        ("customer.subscription.paused", owned("subscription", "sub_1"), SUB),
        ("customer.subscription.trial_will_end", owned("subscription", "sub_1"), SUB),
        ("subscription_schedule.created", owned("subscription_schedule", "sub_sched_1"), SUB),
        ("subscription_schedule.released", owned("subscription_schedule", "sub_sched_1"), SUB),
        ("customer.tax_id.created", owned("tax_id", "txi_1"), CUST),
        ("customer.tax_id.deleted", owned("tax_id", "txi_1"), CUST),
        ("customer.discount.created", owned("discount", "di_1"), CUST),
        ("customer.source.expiring", owned("card", "card_1"), PM),
        ("invoice.created", owned("invoice", "in_1"), INV),
        ("invoice.payment_failed", owned("invoice", "in_1"), INV),
        ("invoiceitem.created", owned("invoiceitem", "ii_1"), INV),
        ("payment_method.attached", owned("payment_method", "pm_1"), PM),
        ("payment_method.updated", owned("payment_method", "pm_1"), PM),
        ("setup_intent.succeeded", owned("setup_intent", "seti_1"), PM),
    ],
)
def test_customer_events_touch_their_customer(
    event_type: str, obj: dict[str, Any], kind: LiveEventKind
) -> None:
    assert impact_of(event_type, obj, {}) == Impact(customer_id=CUS, kind=kind)


def test_an_expanded_customer_is_read_by_its_id() -> None:
    obj = {"id": "sub_1", "object": "subscription", "customer": {"id": CUS, "object": "customer"}}
    assert impact_of("customer.subscription.updated", obj, {}).customer_id == CUS


def test_a_detached_payment_method_touches_the_customer_it_left() -> None:
    obj = {"id": "pm_1", "object": "payment_method", "customer": None}
    assert impact_of("payment_method.detached", obj, {"customer": CUS}) == Impact(
        customer_id=CUS, kind=PM
    )


def test_an_object_without_a_customer_touches_nothing() -> None:
    obj = {"id": "seti_1", "object": "setup_intent", "customer": None}
    assert impact_of("setup_intent.created", obj, {}).touches_nothing


@pytest.mark.parametrize(
    ("event_type", "obj", "keys"),
    [
        ("product.updated", {"id": "prod_1", "object": "product"}, ()),
        ("product.deleted", {"id": "prod_1", "object": "product"}, ()),
        ("price.created", {"id": "price_1", "object": "price"}, ("price:price_1",)),
        ("price.updated", {"id": "price_1", "object": "price"}, ("price:price_1",)),
        ("plan.deleted", {"id": "plan_1", "object": "plan"}, ("price:plan_1",)),
    ],
)
def test_catalog_events_touch_the_catalog(
    event_type: str, obj: dict[str, Any], keys: tuple[str, ...]
) -> None:
    assert impact_of(event_type, obj, {}) == Impact(catalog=True, keys=keys)


def test_portal_configuration_events_touch_configurations() -> None:
    obj = {"id": "bpc_1", "object": "billing_portal.configuration"}
    assert impact_of("billing_portal.configuration.updated", obj, {}) == Impact(configurations=True)


@pytest.mark.parametrize(
    "event_type",
    ["charge.succeeded", "payment_intent.created", "billing_portal.session.created", "x"],
)
def test_other_events_touch_nothing(event_type: str) -> None:
    assert impact_of(event_type, {"id": "x_1", "object": "x", "customer": CUS}, {}).touches_nothing
