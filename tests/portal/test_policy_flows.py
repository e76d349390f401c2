"""Flows (flow_data), validating them at session creation, and "what may I do now"."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.errors import ErrorCode, RefusalCode
from gateway.models import PauseCollection
from gateway.portal.actions import SubscriptionAction
from gateway.portal.catalog import Catalog
from gateway.portal.flows import (
    Flow,
    FlowDataError,
    FlowDiscount,
    FlowItem,
    subscription_scope_refusal,
)
from gateway.portal.policy.available import (
    AccountCapabilities,
    account_capabilities,
    action_availability,
    available_actions,
)
from gateway.portal.policy.session import validate_flow
from tests.portal.portal_builders import NOW, PERIOD_END, PRICES, config, ctx, item, subscription

A = SubscriptionAction


@pytest.mark.parametrize(
    ("data", "flow"),
    [
        ({"type": "payment_method_update"}, Flow("payment_method_update")),
        (
            {"type": "customer_update", "after_completion": {"type": "portal_homepage"}},
            Flow("customer_update"),
        ),
        (
            {"type": "subscription_cancel", "subscription_cancel": {"subscription": "sub_1"}},
            Flow("subscription_cancel", subscription_id="sub_1"),
        ),
        (
            {
                "type": "subscription_cancel",
                "subscription_cancel": {
                    "subscription": "sub_1",
                    "retention": {"type": "coupon_offer", "coupon_offer": {"coupon": "co_1"}},
                },
            },
            Flow("subscription_cancel", subscription_id="sub_1", retention_coupon="co_1"),
        ),
        (
            {"type": "subscription_pause", "subscription_pause": {"subscription": "sub_1"}},
            Flow("subscription_pause", subscription_id="sub_1"),
        ),
        (
            {"type": "subscription_update", "subscription_update": {"subscription": "sub_1"}},
            Flow("subscription_update", subscription_id="sub_1"),
        ),
        (
            {
                "type": "subscription_update_confirm",
                "subscription_update_confirm": {
                    "subscription": "sub_1",
                    "items": [{"id": "si_1", "price": "price_pro_y", "quantity": 2}],
                    "discounts": [{"promotion_code": "promo_1"}],
                },
            },
            Flow(
                "subscription_update_confirm",
                subscription_id="sub_1",
                item=FlowItem("si_1", "price_pro_y", 2),
                discounts=(FlowDiscount(promotion_code="promo_1"),),
            ),
        ),
    ],
    ids=lambda value: value.get("type") if isinstance(value, dict) else "",
)
def test_flow_data_parses_into_a_flow(data: dict[str, Any], flow: Flow) -> None:
    assert Flow.from_flow_data(data) == flow


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"type": "teleport"}, "flow_data.type"),
        ({"type": "subscription_cancel"}, "flow_data.subscription_cancel.subscription"),
        (
            {"type": "subscription_update", "subscription_update": {"subscription": 5}},
            "flow_data.subscription_update.subscription",
        ),
        (
            {"type": "subscription_update", "subscription_cancel": {"subscription": "sub_1"}},
            "flow_data.subscription_cancel",
        ),
        (
            {
                "type": "subscription_update_confirm",
                "subscription_update_confirm": {"subscription": "sub_1", "items": []},
            },
            "flow_data.subscription_update_confirm.items",
        ),
        (
            {
                "type": "subscription_update_confirm",
                "subscription_update_confirm": {
                    "subscription": "sub_1",
                    "items": [{"id": "si_1", "quantity": True}],
                },
            },
            "flow_data.subscription_update_confirm.items[0].quantity",
        ),
        (
            {
                "type": "subscription_update_confirm",
                "subscription_update_confirm": {
                    "subscription": "sub_1",
                    "items": [{"id": "si_1"}],
                    "discounts": [{"coupon": "a", "promotion_code": "b"}],
                },
            },
            "flow_data.subscription_update_confirm.discounts[0]",
        ),
        (
            {
                "type": "subscription_cancel",
                "subscription_cancel": {"subscription": "sub_1", "retention": {"type": "survey"}},
            },
            "flow_data.subscription_cancel.retention.type",
        ),
    ],
)
def test_malformed_flow_data_names_the_parameter(data: dict[str, Any], path: str) -> None:
    with pytest.raises(FlowDataError) as error:
        Flow.from_flow_data(data)
    assert error.value.path == path


def test_a_flow_must_be_consistent() -> None:
    with pytest.raises(FlowDataError):
        Flow("subscription_cancel")
    with pytest.raises(FlowDataError):
        Flow("payment_method_update", subscription_id="sub_1")
    with pytest.raises(FlowDataError):
        Flow("subscription_update_confirm", subscription_id="sub_1")


def test_a_subscription_flow_scopes_reads_to_its_subscription() -> None:
    flow = Flow("subscription_cancel", subscription_id="sub_1")
    assert subscription_scope_refusal(flow, "sub_1") is None
    refusal = subscription_scope_refusal(flow, "sub_2")
    assert refusal is not None
    assert (refusal.code, refusal.field) == (ErrorCode.FLOW_RESTRICTED, "subscriptionId")
    assert subscription_scope_refusal(Flow("payment_method_update"), "sub_2") is None
    assert subscription_scope_refusal(None, "sub_2") is None


CATALOG = Catalog.build([], PRICES.values())


@pytest.mark.parametrize(
    ("sub", "configuration", "flow", "expected"),
    [
        (
            subscription(),
            None,
            None,
            {A.CANCEL, A.SWITCH_PRICE, A.CHANGE_QUANTITY, A.APPLY_PROMOTION_CODE, A.PAUSE},
        ),
        (subscription(cancel_at_period_end=True), None, None, {A.RENEW}),
        (subscription(pause=PauseCollection("void")), None, None, {A.CANCEL, A.RESUME}),
        (subscription(status="paused"), None, None, {A.CANCEL, A.RESUME}),
        (subscription(status="past_due"), None, None, {A.CANCEL}),
        (subscription(status="canceled"), None, None, set()),
        (
            subscription(items=(item("price_pro_m"), item("price_basic_m", item_id="si_2"))),
            None,
            None,
            {A.CANCEL, A.PAUSE},
        ),
        (
            subscription(),
            config(**{"features.subscription_update.default_allowed_updates": ["quantity"]}),
            None,
            {A.CANCEL, A.CHANGE_QUANTITY, A.PAUSE},
        ),
        (
            subscription("price_basic_m", quantity=50),
            config(
                **{
                    "features.subscription_update.products": [
                        {
                            "product": "prod_BASIC",
                            "prices": ["price_basic_m"],
                            "adjustable_quantity": {"enabled": True, "minimum": 50, "maximum": 50},
                        }
                    ]
                }
            ),
            None,
            {A.CANCEL, A.APPLY_PROMOTION_CODE, A.PAUSE},
        ),
        (
            subscription(),
            None,
            Flow("subscription_cancel", subscription_id="sub_1"),
            {A.CANCEL},
        ),
        (subscription(), None, Flow("subscription_cancel", subscription_id="sub_2"), set()),
        (
            subscription(),
            None,
            Flow(
                "subscription_update_confirm",
                subscription_id="sub_1",
                item=FlowItem("si_1", price="price_pro_y"),
            ),
            {A.SWITCH_PRICE},
        ),
    ],
    ids=[
        "active",
        "canceling",
        "collection paused",
        "paused status",
        "past due",
        "canceled",
        "two items",
        "quantity only",
        "quantity pinned",
        "cancel flow",
        "other subscription's flow",
        "confirm flow",
    ],
)
def test_available_actions(sub: Any, configuration: Any, flow: Any, expected: set[A]) -> None:
    context = ctx(configuration, flow)
    assert available_actions(context, sub) == expected
    assert available_actions(context, sub, catalog=CATALOG) == expected


def test_switch_price_availability_with_a_catalog_applies_price_rules() -> None:
    only_eur = config(
        **{
            "features.subscription_update.products": [
                {"product": "prod_PRO", "prices": ["price_pro_m", "price_pro_eur"]}
            ]
        }
    )
    context = ctx(only_eur)
    assert A.SWITCH_PRICE in available_actions(context, subscription())
    availability = action_availability(context, subscription(), catalog=CATALOG)
    refusal = availability[A.SWITCH_PRICE]
    assert refusal is not None
    assert refusal.code == ErrorCode.PRICE_NOT_ALLOWED


def test_availability_explains_refusals() -> None:
    availability = action_availability(ctx(), subscription(cancel_at=PERIOD_END))
    cancel = availability[A.CANCEL]
    assert cancel is not None
    assert cancel.code == ErrorCode.ALREADY_CANCELING
    assert availability[A.RENEW] is None


def test_account_capabilities() -> None:
    assert account_capabilities(ctx()) == AccountCapabilities(
        customer_fields=frozenset({"email", "name", "phone", "address", "shipping"}),
        manage_tax_ids=True,
        view_payment_methods=True,
        add_payment_method=True,
        set_default_payment_method=True,
        detach_payment_method=True,
        view_invoices=True,
    )
    limited = config(
        **{
            "features.customer_update.allowed_updates": ["email"],
            "features.invoice_history.enabled": False,
        }
    )
    assert account_capabilities(ctx(limited, Flow("payment_method_update"))) == AccountCapabilities(
        customer_fields=frozenset(),
        manage_tax_ids=False,
        view_payment_methods=True,
        add_payment_method=True,
        set_default_payment_method=True,
        detach_payment_method=False,
        view_invoices=False,
    )
    assert account_capabilities(ctx(limited)).customer_fields == {"email"}


@pytest.mark.parametrize(
    ("flow", "sub", "changes", "code"),
    [
        (Flow("payment_method_update"), None, {}, None),
        (
            Flow("payment_method_update"),
            None,
            {
                "features.payment_method_update.enabled": False,
                "features.subscription_update.enabled": False,
            },
            ErrorCode.FEATURE_DISABLED,
        ),
        (Flow("customer_update"), None, {}, None),
        (
            Flow("customer_update"),
            None,
            {"features.customer_update.allowed_updates": []},
            ErrorCode.FEATURE_DISABLED,
        ),
        (Flow("subscription_cancel", subscription_id="sub_1"), subscription(), {}, None),
        (
            Flow("subscription_cancel", subscription_id="sub_1"),
            subscription(),
            {"features.subscription_cancel.enabled": False},
            ErrorCode.FEATURE_DISABLED,
        ),
        (
            Flow("subscription_cancel", subscription_id="sub_1"),
            subscription(cancel_at_period_end=True),
            {},
            ErrorCode.ALREADY_CANCELING,
        ),
        (
            Flow("subscription_cancel", subscription_id="sub_1"),
            None,
            {},
            ErrorCode.INVALID_INPUT,
        ),
        (Flow("subscription_pause", subscription_id="sub_1"), subscription(), {}, None),
        (
            Flow("subscription_pause", subscription_id="sub_1"),
            subscription(),
            {"features.subscription_pause.enabled": False},
            ErrorCode.FEATURE_DISABLED,
        ),
        (Flow("subscription_update", subscription_id="sub_1"), subscription(), {}, None),
        (
            Flow("subscription_update", subscription_id="sub_1"),
            subscription(status="past_due"),
            {},
            ErrorCode.SUBSCRIPTION_NOT_ELIGIBLE,
        ),
        (
            Flow(
                "subscription_update_confirm",
                subscription_id="sub_1",
                item=FlowItem("si_1", price="price_pro_y"),
            ),
            subscription(),
            {},
            None,
        ),
        (
            Flow(
                "subscription_update_confirm",
                subscription_id="sub_1",
                item=FlowItem("si_1", price="price_other"),
            ),
            subscription(),
            {},
            ErrorCode.PRICE_NOT_ALLOWED,
        ),
        (
            Flow(
                "subscription_update_confirm",
                subscription_id="sub_1",
                item=FlowItem("si_1", quantity=99),
            ),
            subscription("price_basic_m"),
            {},
            ErrorCode.QUANTITY_NOT_ALLOWED,
        ),
    ],
)
def test_validate_flow_at_session_creation(
    flow: Flow, sub: Any, changes: dict[str, Any], code: RefusalCode | None
) -> None:
    price = PRICES.get(flow.item.price or "") if flow.item else None
    refusal = validate_flow(config(**changes), flow, subscription=sub, target_price=price, now=NOW)
    assert (refusal.code if refusal else None) == code
