"""Paying an invoice and applying a promotion code once: the rules, as pure decisions."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.errors import ErrorCode, RefusalCode
from gateway.models import Discount, Invoice
from gateway.portal.actions import SubscriptionAction
from gateway.portal.decisions import PayInvoiceDecision
from gateway.portal.flows import Flow
from gateway.portal.policy.available import action_availability
from gateway.portal.policy.invoices import decide_pay_invoice, invoice_pay_refusal
from gateway.portal.policy.update import UpdateRequest, decide_update
from gateway.portal.refusals import Refusal
from tests.portal.portal_builders import NOW, card, config, ctx, customer, subscription

NO_CARDS = "features.payment_method_update.enabled"
NO_HISTORY = "features.invoice_history.enabled"


def invoice(status: str = "open", remaining: int = 1000, **fields: Any) -> Invoice:
    values: dict[str, Any] = {
        "id": "in_1",
        "customer_id": "cus_1",
        "number": "A-0001",
        "status": status,
        "currency": "usd",
        "amount_due": 1000,
        "amount_paid": 1000 - remaining,
        "amount_remaining": remaining,
        "subtotal": 1000,
        "total": 1000,
        "created": NOW,
        "period_start": NOW,
        "period_end": NOW,
        "lines": (),
        "subscription_id": "sub_1",
    }
    values.update(fields)
    return Invoice(**values)


def pay(
    *,
    context: Any = None,
    bill: Invoice | None = None,
    default: str | None = "pm_1",
    sub_default: str | None = None,
    chosen: str | None = None,
) -> PayInvoiceDecision | Refusal:
    return decide_pay_invoice(
        context or ctx(),
        bill or invoice(),
        customer(default),
        [card("pm_1"), card("pm_2"), card("pm_3")],
        [subscription(status="past_due", default_payment_method_id=sub_default)],
        chosen,
    )


def test_the_card_charged_is_the_chosen_one_else_the_one_stripe_would_pick() -> None:
    assert pay() == PayInvoiceDecision("in_1", "pm_1", {"payment_method": "pm_1"})
    assert pay(sub_default="pm_2") == PayInvoiceDecision("in_1", "pm_2", {"payment_method": "pm_2"})
    own_default = invoice(default_payment_method_id="pm_3")
    assert pay(bill=own_default, sub_default="pm_2") == PayInvoiceDecision(
        "in_1", "pm_3", {"payment_method": "pm_3"}
    )
    assert pay(chosen="pm_2") == PayInvoiceDecision("in_1", "pm_2", {"payment_method": "pm_2"})
    # Uncollectible invoices can still be paid (Stripe takes the payment).
    assert isinstance(pay(bill=invoice("uncollectible")), PayInvoiceDecision)


@pytest.mark.parametrize(
    ("case", "kwargs", "code", "field"),
    [
        ("paid", {"bill": invoice("paid", 0)}, ErrorCode.INVOICE_NOT_PAYABLE, "invoiceId"),
        ("void", {"bill": invoice("void", 0)}, ErrorCode.INVOICE_NOT_PAYABLE, "invoiceId"),
        ("draft", {"bill": invoice("draft")}, ErrorCode.INVOICE_NOT_PAYABLE, "invoiceId"),
        (
            "nothing left",
            {"bill": invoice("open", 0)},
            ErrorCode.INVOICE_NOT_PAYABLE,
            "invoiceId",
        ),
        ("no card", {"default": None}, ErrorCode.PAYMENT_METHOD_REQUIRED, "paymentMethodId"),
        (
            "a detached default",
            {"default": "pm_gone"},
            ErrorCode.PAYMENT_METHOD_REQUIRED,
            "paymentMethodId",
        ),
        ("someone else's card", {"chosen": "pm_theirs"}, ErrorCode.NOT_FOUND, "paymentMethodId"),
        (
            "both features off",
            {
                "context": ctx(
                    config(
                        **{
                            NO_CARDS: False,
                            NO_HISTORY: False,
                            "features.subscription_update.enabled": False,
                        }
                    )
                )
            },
            ErrorCode.FEATURE_DISABLED,
            None,
        ),
        (
            "choosing a card without payment method management",
            {
                "context": ctx(
                    config(**{NO_CARDS: False, "features.subscription_update.enabled": False})
                ),
                "chosen": "pm_2",
            },
            ErrorCode.FEATURE_DISABLED,
            "paymentMethodId",
        ),
        (
            "a cancel flow",
            {"context": ctx(flow=Flow("subscription_cancel", subscription_id="sub_1"))},
            ErrorCode.FLOW_RESTRICTED,
            None,
        ),
    ],
)
def test_refusals(case: str, kwargs: dict[str, Any], code: RefusalCode, field: str | None) -> None:
    refused = pay(**kwargs)
    assert isinstance(refused, Refusal), case
    assert (refused.code, refused.field) == (code, field), case


def test_either_feature_lets_a_customer_pay_and_the_card_flow_does_too() -> None:
    only_history = ctx(config(**{NO_CARDS: False, "features.subscription_update.enabled": False}))
    only_cards = ctx(config(**{NO_HISTORY: False}))
    card_flow = ctx(flow=Flow("payment_method_update"))
    for context in (only_history, only_cards, card_flow):
        assert invoice_pay_refusal(context, invoice()) is None


def test_pay_invoice_is_available_exactly_on_owing_subscriptions() -> None:
    for status in ("past_due", "unpaid", "incomplete"):
        owing = subscription(status=status, latest_invoice_id="in_1")
        assert action_availability(ctx(), owing)[SubscriptionAction.PAY_INVOICE] is None
    for status in ("active", "trialing", "canceled", "paused"):
        settled = subscription(status=status, latest_invoice_id="in_1")
        refusal = action_availability(ctx(), settled)[SubscriptionAction.PAY_INVOICE]
        assert refusal is not None
        assert refusal.code is ErrorCode.INVOICE_NOT_PAYABLE
    other_flow = ctx(flow=Flow("subscription_cancel", subscription_id="sub_2"))
    owing = subscription(status="past_due", latest_invoice_id="in_1")
    refusal = action_availability(other_flow, owing)[SubscriptionAction.PAY_INVOICE]
    assert refusal is not None
    assert refusal.code is ErrorCode.FLOW_RESTRICTED


WELCOME = Discount(
    id="di_1",
    coupon_id="co_welcome",
    promotion_code_id="promo_1",
    promotion_code="WELCOME20",
    duration="repeating",
    duration_in_months=3,
    percent_off=20.0,
    end=NOW + 60 * 86_400,
)


@pytest.mark.parametrize(
    ("request_", "refused"),
    [
        (UpdateRequest(promotion_code="welcome20"), True),
        (UpdateRequest(promotion_code=" WELCOME20 "), True),
        (UpdateRequest(promotion_code="promo_1"), True),
        (UpdateRequest(promotion_code="promo_9", promotion_code_coupon="co_welcome"), True),
        (UpdateRequest(promotion_code="promo_9", promotion_code_coupon="co_other"), False),
        (UpdateRequest(promotion_code="OTHER10"), False),
    ],
)
def test_a_promotion_code_already_applied_is_refused(
    request_: UpdateRequest, refused: bool
) -> None:
    sub = subscription(discounts=(WELCOME,))
    decision = decide_update(ctx(), sub, request_)
    if refused:
        assert isinstance(decision, Refusal)
        assert (decision.code, decision.field) == (
            ErrorCode.PROMOTION_CODE_ALREADY_APPLIED,
            "promotionCode",
        )
    else:
        assert not isinstance(decision, Refusal)
    # A discount that has ended no longer counts.
    ended = subscription(discounts=(Discount(**{**WELCOME.__dict__, "end": NOW - 1}),))
    assert not isinstance(decide_update(ctx(), ended, request_), Refusal)
