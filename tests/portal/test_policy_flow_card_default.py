"""The default a payment method flow's card gets when Stripe says its setup intent succeeded
(the browser that should have said so may be gone): pure rule, every case."""

from __future__ import annotations

import pytest

from gateway.portal import decide_flow_card_default, is_flow_card_intent
from tests.portal.portal_builders import card, customer, subscription

FLOW = {"portal_gateway_becomes_default": "true", "portal_gateway_replaces_default": "pm_old"}


def test_the_card_replaces_the_default_it_was_added_to_replace() -> None:
    subs = (
        subscription(sub_id="sub_own", default_payment_method_id="pm_old"),
        subscription(sub_id="sub_other", default_payment_method_id="pm_x"),
        subscription(sub_id="sub_none"),
        subscription(sub_id="sub_ended", status="canceled", default_payment_method_id="pm_old"),
    )
    decision = decide_flow_card_default(FLOW, customer("pm_old"), card("pm_new"), subs)
    assert decision is not None
    assert decision.customer_params == {"invoice_settings": {"default_payment_method": "pm_new"}}
    # As setDefaultPaymentMethod: every live subscription carrying its own default follows.
    assert [c.subscription_id for c in decision.subscription_changes] == ["sub_own", "sub_other"]


def test_a_customer_without_a_default_gets_the_card() -> None:
    metadata = {**FLOW, "portal_gateway_replaces_default": "none"}
    decision = decide_flow_card_default(metadata, customer(None), card("pm_new"))
    assert decision is not None
    assert decision.customer_params is not None


def test_a_default_chosen_since_wins() -> None:
    assert decide_flow_card_default(FLOW, customer("pm_chosen"), card("pm_new")) is None
    # No default at all now (removed since): also a change the customer made.
    assert decide_flow_card_default(FLOW, customer(None), card("pm_new")) is None


def test_already_the_default_only_finishes_subscriptions_left_on_the_old_card() -> None:
    subs = (
        subscription(sub_id="sub_left", default_payment_method_id="pm_old"),
        subscription(sub_id="sub_chosen", default_payment_method_id="pm_x"),
        subscription(sub_id="sub_done", default_payment_method_id="pm_new"),
    )
    decision = decide_flow_card_default(FLOW, customer("pm_new"), card("pm_new"), subs)
    assert decision is not None
    assert decision.customer_params is None
    assert [c.subscription_id for c in decision.subscription_changes] == ["sub_left"]
    # Nothing left: nothing to do (a repeated delivery).
    assert decide_flow_card_default(FLOW, customer("pm_new"), card("pm_new"), subs[1:]) is None


@pytest.mark.parametrize(
    "metadata",
    [
        {},
        {"portal_gateway_becomes_default": "true"},
        {"portal_gateway_replaces_default": "pm_old"},
        {**FLOW, "portal_gateway_becomes_default": "false"},
    ],
)
def test_an_intent_not_made_by_the_gateway_in_a_flow_moves_nothing(
    metadata: dict[str, str],
) -> None:
    assert not is_flow_card_intent(metadata)
    assert decide_flow_card_default(metadata, customer("pm_old"), card("pm_new")) is None


def test_a_card_no_longer_the_customers_moves_nothing() -> None:
    detached = card("pm_new", customer_id=None)
    assert decide_flow_card_default(FLOW, customer("pm_old"), detached) is None
    foreign = card("pm_new", customer_id="cus_other")
    assert decide_flow_card_default(FLOW, customer("pm_old"), foreign) is None
