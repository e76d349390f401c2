"""Customer details, tax IDs, payment methods and invoice history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from gateway.errors import ErrorCode, RefusalCode
from gateway.models import Address, Shipping, TaxId
from gateway.portal.decisions import (
    AddTaxIdDecision,
    CustomerUpdateDecision,
    DetachPaymentMethodDecision,
    RemoveTaxIdDecision,
    SetDefaultPaymentMethodDecision,
    SetupIntentDecision,
    SubscriptionPaymentMethodChange,
)
from gateway.portal.flows import Flow
from gateway.portal.policy.customer import (
    CustomerUpdate,
    decide_add_tax_id,
    decide_customer_update,
    decide_remove_tax_id,
)
from gateway.portal.policy.invoices import invoice_history_refusal
from gateway.portal.policy.payment_methods import (
    decide_add_payment_method,
    decide_detach_payment_method,
    decide_set_default_payment_method,
)
from gateway.portal.refusals import Refusal
from tests.portal.portal_builders import card, config, ctx, customer, subscription

if TYPE_CHECKING:
    from collections.abc import Callable

CUSTOMER = "features.customer_update"
PM = "features.payment_method_update"
HOME = Address(line1="1 Main St", city="Springfield", state="IL", postal_code="62701", country="US")
ONLY_EMAIL = config(**{f"{CUSTOMER}.allowed_updates": ["email"]})

DECISIONS: list[tuple[str, Callable[[], Any], Any]] = [
    (
        "update email and name",
        lambda: decide_customer_update(
            ctx(), customer(), CustomerUpdate(email=" ada@example.org ", name="Ada L.")
        ),
        CustomerUpdateDecision(
            "cus_1", frozenset({"email", "name"}), {"email": "ada@example.org", "name": "Ada L."}
        ),
    ),
    (
        "clear the phone",
        lambda: decide_customer_update(ctx(), customer(), CustomerUpdate(phone=None)),
        CustomerUpdateDecision("cus_1", frozenset({"phone"}), {"phone": ""}),
    ),
    (
        "billing address",
        lambda: decide_customer_update(ctx(), customer(), CustomerUpdate(address=HOME)),
        CustomerUpdateDecision(
            "cus_1",
            frozenset({"address"}),
            {
                "address": {
                    "line1": "1 Main St",
                    "city": "Springfield",
                    "state": "IL",
                    "postal_code": "62701",
                    "country": "US",
                }
            },
        ),
    ),
    (
        "shipping",
        lambda: decide_customer_update(
            ctx(), customer(), CustomerUpdate(shipping=Shipping("Ada", HOME, "(650) 253-0000"))
        ),
        CustomerUpdateDecision(
            "cus_1",
            frozenset({"shipping"}),
            {
                "shipping": {
                    "name": "Ada",
                    "address": {
                        "line1": "1 Main St",
                        "city": "Springfield",
                        "state": "IL",
                        "postal_code": "62701",
                        "country": "US",
                    },
                    "phone": "+16502530000",
                }
            },
        ),
    ),
    (
        "only the allowed field",
        lambda: decide_customer_update(ctx(ONLY_EMAIL), customer(), CustomerUpdate(email="a@b.co")),
        CustomerUpdateDecision("cus_1", frozenset({"email"}), {"email": "a@b.co"}),
    ),
    (
        "add a tax ID",
        lambda: decide_add_tax_id(ctx(), "cus_1", type="eu_vat", value=" DE811907980 "),
        AddTaxIdDecision("cus_1", {"type": "eu_vat", "value": "DE811907980"}),
    ),
    (
        "remove a tax ID",
        lambda: decide_remove_tax_id(ctx(), "cus_1", TaxId("txi_1", "cus_1", "eu_vat", "DE1")),
        RemoveTaxIdDecision("cus_1", "txi_1"),
    ),
    (
        "tax IDs inside a customer_update flow",
        lambda: decide_add_tax_id(
            ctx(flow=Flow("customer_update")), "cus_1", type="us_ein", value="12-3456789"
        ),
        AddTaxIdDecision("cus_1", {"type": "us_ein", "value": "12-3456789"}),
    ),
    (
        "add a payment method",
        lambda: decide_add_payment_method(ctx(), customer()),
        SetupIntentDecision(
            "cus_1",
            {
                "customer": "cus_1",
                "usage": "off_session",
                "automatic_payment_methods": {"enabled": True},
            },
        ),
    ),
    (
        "add a payment method with the configured payment method configuration",
        lambda: decide_add_payment_method(
            ctx(
                config(**{f"{PM}.payment_method_configuration": "pmc_1"}),
                Flow("payment_method_update"),
            ),
            customer(),
        ),
        SetupIntentDecision(
            "cus_1",
            {
                "customer": "cus_1",
                "usage": "off_session",
                "automatic_payment_methods": {"enabled": True},
                "payment_method_configuration": "pmc_1",
                # In a payment method flow the new card becomes the default once saved,
                # in place of the default the customer has now.
                "metadata": {
                    "portal_gateway_becomes_default": "true",
                    "portal_gateway_replaces_default": "pm_1",
                },
            },
        ),
    ),
    (
        "set the default, and repoint subscriptions that have their own",
        lambda: decide_set_default_payment_method(
            ctx(),
            customer(),
            card("pm_2"),
            [
                subscription(sub_id="sub_own", default_payment_method_id="pm_1"),
                subscription(sub_id="sub_same", default_payment_method_id="pm_2"),
                subscription(sub_id="sub_none"),
                subscription(
                    sub_id="sub_done", status="canceled", default_payment_method_id="pm_1"
                ),
            ],
        ),
        SetDefaultPaymentMethodDecision(
            "cus_1",
            "pm_2",
            {"invoice_settings": {"default_payment_method": "pm_2"}},
            (SubscriptionPaymentMethodChange("sub_own", {"default_payment_method": "pm_2"}),),
        ),
    ),
    (
        "remove a card that is not the default",
        lambda: decide_detach_payment_method(
            ctx(), customer("pm_1"), card("pm_2"), [card("pm_1"), card("pm_2")], [subscription()]
        ),
        DetachPaymentMethodDecision("cus_1", "pm_2", None, None, ()),
    ),
    (
        "remove the default: the newest other card becomes the default",
        lambda: decide_detach_payment_method(
            ctx(),
            customer("pm_1"),
            card("pm_1"),
            [card("pm_1", 1), card("pm_2", 5), card("pm_3", 3)],
            [subscription(default_payment_method_id="pm_1")],
        ),
        DetachPaymentMethodDecision(
            "cus_1",
            "pm_1",
            "pm_2",
            {"invoice_settings": {"default_payment_method": "pm_2"}},
            (SubscriptionPaymentMethodChange("sub_1", {"default_payment_method": "pm_2"}),),
        ),
    ),
    (
        "remove a subscription's own card: it falls back to the customer's default",
        lambda: decide_detach_payment_method(
            ctx(),
            customer("pm_1"),
            card("pm_2"),
            [card("pm_1"), card("pm_2")],
            [subscription(default_payment_method_id="pm_2")],
        ),
        DetachPaymentMethodDecision(
            "cus_1",
            "pm_2",
            None,
            None,
            (SubscriptionPaymentMethodChange("sub_1", {"default_payment_method": "pm_1"}),),
        ),
    ),
    (
        "remove the last card when no subscription charges it",
        lambda: decide_detach_payment_method(
            ctx(),
            customer("pm_1"),
            card("pm_1"),
            [card("pm_1")],
            [subscription(status="canceled"), subscription(sub_id="sub_2", status="unpaid")],
        ),
        DetachPaymentMethodDecision("cus_1", "pm_1", None, None, ()),
    ),
]


@pytest.mark.parametrize(
    ("run", "expected"), [c[1:] for c in DECISIONS], ids=[c[0] for c in DECISIONS]
)
def test_account_decisions(run: Callable[[], Any], expected: Any) -> None:
    assert run() == expected


CUSTOMER_OFF = config(**{f"{CUSTOMER}.enabled": False})
PM_OFF = config(**{f"{PM}.enabled": False, "features.subscription_update.enabled": False})

REFUSALS: list[tuple[str, Callable[[], Any], RefusalCode, str | None]] = [
    (
        "customer updates disabled",
        lambda: decide_customer_update(ctx(CUSTOMER_OFF), customer(), CustomerUpdate(name="X")),
        ErrorCode.FEATURE_DISABLED,
        None,
    ),
    (
        "no field allowed",
        lambda: decide_customer_update(
            ctx(config(**{f"{CUSTOMER}.allowed_updates": []})), customer(), CustomerUpdate(name="X")
        ),
        ErrorCode.FEATURE_DISABLED,
        None,
    ),
    *[
        (
            f"{field} not allowed",
            lambda field=field, value=value: decide_customer_update(
                ctx(ONLY_EMAIL), customer(), CustomerUpdate(**{field: value})
            ),
            ErrorCode.FIELD_NOT_ALLOWED,
            field,
        )
        for field, value in (
            ("name", "X"),
            ("phone", "+1"),
            ("address", HOME),
            ("shipping", Shipping("Ada", HOME)),
        )
    ],
    (
        "one allowed and one not",
        lambda: decide_customer_update(
            ctx(ONLY_EMAIL), customer(), CustomerUpdate(email="a@b.co", name="X")
        ),
        ErrorCode.FIELD_NOT_ALLOWED,
        "name",
    ),
    (
        "nothing to change",
        lambda: decide_customer_update(ctx(), customer(), CustomerUpdate()),
        ErrorCode.INVALID_INPUT,
        None,
    ),
    (
        "bad email",
        lambda: decide_customer_update(ctx(), customer(), CustomerUpdate(email="not-an-email")),
        ErrorCode.INVALID_INPUT,
        "email",
    ),
    (
        "remove the email",
        lambda: decide_customer_update(ctx(), customer(), CustomerUpdate(email=None)),
        ErrorCode.INVALID_INPUT,
        "email",
    ),
    (
        "long name",
        lambda: decide_customer_update(ctx(), customer(), CustomerUpdate(name="n" * 257)),
        ErrorCode.INVALID_INPUT,
        "name",
    ),
    (
        "long phone",
        lambda: decide_customer_update(ctx(), customer(), CustomerUpdate(phone="1" * 21)),
        ErrorCode.INVALID_INPUT,
        "phone",
    ),
    (
        "bad country",
        lambda: decide_customer_update(
            ctx(), customer(), CustomerUpdate(address=Address(country="USA"))
        ),
        ErrorCode.INVALID_INPUT,
        "address.country",
    ),
    (
        "empty address",
        lambda: decide_customer_update(ctx(), customer(), CustomerUpdate(address=Address())),
        ErrorCode.INVALID_INPUT,
        "address",
    ),
    (
        "shipping without a name",
        lambda: decide_customer_update(
            ctx(), customer(), CustomerUpdate(shipping=Shipping(" ", HOME))
        ),
        ErrorCode.INVALID_INPUT,
        "shipping.name",
    ),
    (
        "shipping without an address",
        lambda: decide_customer_update(
            ctx(), customer(), CustomerUpdate(shipping=Shipping("Ada", None))
        ),
        ErrorCode.INVALID_INPUT,
        "shipping.address",
    ),
    (
        "customer update inside a payment method flow",
        lambda: decide_customer_update(
            ctx(flow=Flow("payment_method_update")), customer(), CustomerUpdate(name="X")
        ),
        ErrorCode.FLOW_RESTRICTED,
        None,
    ),
    (
        "tax IDs not allowed",
        lambda: decide_add_tax_id(ctx(ONLY_EMAIL), "cus_1", type="eu_vat", value="DE1"),
        ErrorCode.FIELD_NOT_ALLOWED,
        "taxId",
    ),
    (
        "remove a tax ID when not allowed",
        lambda: decide_remove_tax_id(
            ctx(ONLY_EMAIL), "cus_1", TaxId("txi_1", "cus_1", "eu_vat", "DE1")
        ),
        ErrorCode.FIELD_NOT_ALLOWED,
        "taxId",
    ),
    (
        "tax IDs with customer updates disabled",
        lambda: decide_add_tax_id(ctx(CUSTOMER_OFF), "cus_1", type="eu_vat", value="DE1"),
        ErrorCode.FEATURE_DISABLED,
        None,
    ),
    (
        "bad tax ID type",
        lambda: decide_add_tax_id(ctx(), "cus_1", type="VAT", value="DE1"),
        ErrorCode.INVALID_INPUT,
        "type",
    ),
    (
        "empty tax ID value",
        lambda: decide_add_tax_id(ctx(), "cus_1", type="eu_vat", value="  "),
        ErrorCode.INVALID_INPUT,
        "value",
    ),
    (
        "payment methods disabled: add",
        lambda: decide_add_payment_method(ctx(PM_OFF), customer()),
        ErrorCode.FEATURE_DISABLED,
        None,
    ),
    (
        "payment methods disabled: set default",
        lambda: decide_set_default_payment_method(ctx(PM_OFF), customer(), card("pm_2")),
        ErrorCode.FEATURE_DISABLED,
        None,
    ),
    (
        "payment methods disabled: detach",
        lambda: decide_detach_payment_method(
            ctx(PM_OFF), customer(), card("pm_2"), [card("pm_1"), card("pm_2")], []
        ),
        ErrorCode.FEATURE_DISABLED,
        None,
    ),
    *[
        (
            f"the last card of a {status} subscription",
            lambda status=status: decide_detach_payment_method(
                ctx(), customer("pm_1"), card("pm_1"), [card("pm_1")], [subscription(status=status)]
            ),
            ErrorCode.LAST_PAYMENT_METHOD,
            "paymentMethodId",
        )
        for status in ("active", "trialing", "past_due")
    ],
    (
        "someone else's card",
        lambda: decide_set_default_payment_method(
            ctx(), customer(), card("pm_9", customer_id="cus_2")
        ),
        ErrorCode.INVALID_INPUT,
        "paymentMethodId",
    ),
    (
        "detach inside a payment method flow",
        lambda: decide_detach_payment_method(
            ctx(flow=Flow("payment_method_update")),
            customer(),
            card("pm_2"),
            [card("pm_1"), card("pm_2")],
            [],
        ),
        ErrorCode.FLOW_RESTRICTED,
        None,
    ),
    (
        "add a payment method inside a cancel flow",
        lambda: decide_add_payment_method(
            ctx(flow=Flow("subscription_cancel", subscription_id="sub_1")), customer()
        ),
        ErrorCode.FLOW_RESTRICTED,
        None,
    ),
]


@pytest.mark.parametrize(
    ("run", "code", "field"), [c[1:] for c in REFUSALS], ids=[c[0] for c in REFUSALS]
)
def test_account_refusals(run: Callable[[], Any], code: RefusalCode, field: str | None) -> None:
    refusal = run()
    assert isinstance(refusal, Refusal), refusal
    assert (refusal.code, refusal.field) == (code, field)
    assert refusal.message


@pytest.mark.parametrize(
    ("features", "flow", "code"),
    [
        ({"features.invoice_history.enabled": True}, None, None),
        ({"features.invoice_history.enabled": False}, None, ErrorCode.FEATURE_DISABLED),
        (
            {"features.invoice_history.enabled": True},
            Flow("payment_method_update"),
            ErrorCode.FLOW_RESTRICTED,
        ),
    ],
    ids=["enabled", "disabled", "inside a flow"],
)
def test_invoice_history(features: dict[str, Any], flow: Flow | None, code: Any) -> None:
    refusal = invoice_history_refusal(ctx(config(**features), flow))
    assert (refusal.code if refusal else None) == code
