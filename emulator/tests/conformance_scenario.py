"""A broad scenario through the `stripe` SDK: every route the emulator serves, answered 2xx.

It makes a catalog, customers with cards and tax IDs, portal configurations and sessions,
subscriptions (trials, discounts, updates with prorations, schedules, pauses, cancels),
previews, invoices (paid, declined, voided, uncollectible), and advances a test clock
through renewals; with `expand[]` variants along the way. The conformance test validates
every answer, event and webhook payload it causes against Stripe's schemas.
"""

from __future__ import annotations

import contextlib
from typing import Any

import stripe
from billing_support import APRIL_1, DAY, MAY_1

PRODUCTS = "features.subscription_update.products"


async def drive(client: stripe.StripeClient, hook_url: str) -> str:
    """Run the scenario; returns the webhook endpoint's signing secret."""
    v1 = client.v1
    hook = await v1.webhook_endpoints.create_async(
        {"url": hook_url, "enabled_events": ["*"], "description": "conformance"}
    )
    await v1.webhook_endpoints.list_async()
    await v1.webhook_endpoints.retrieve_async(hook.id)
    spare = await v1.webhook_endpoints.create_async(
        {"url": "https://hooks.example/spare", "enabled_events": ["invoice.paid"]}
    )
    await v1.webhook_endpoints.update_async(spare.id, {"disabled": True})
    await v1.webhook_endpoints.delete_async(spare.id)

    catalog = await _catalog(client)
    customer = await _customer(client)
    await _cards(client, customer.id)
    await _portal(client, customer.id, catalog)
    await _subscriptions(client, customer.id, catalog)
    await _clocked(client, catalog)
    await _invoices(client, catalog)
    await _lists(client, customer.id)
    assert hook.secret is not None
    return hook.secret


async def _catalog(client: stripe.StripeClient) -> dict[str, Any]:
    v1 = client.v1
    pro = await v1.products.create_async(
        {
            "name": "Pro",
            "description": "Everything",
            "default_price_data": {
                "currency": "usd",
                "unit_amount": 2000,
                "recurring": {"interval": "month"},
            },
            "expand": ["default_price"],
        }
    )
    basic = await v1.products.create_async({"name": "Basic", "metadata": {"tier": "basic"}})
    basic_monthly = await v1.prices.create_async(
        {
            "product": basic.id,
            "currency": "usd",
            "unit_amount": 1000,
            "recurring": {"interval": "month"},
            "nickname": "Basic monthly",
        }
    )
    pro_yearly = await v1.prices.create_async(
        {
            "product": pro.id,
            "currency": "usd",
            "unit_amount": 20000,
            "recurring": {"interval": "year"},
            "lookup_key": "pro_yearly",
            "expand": ["product"],
        }
    )
    seat = await v1.prices.create_async(
        {
            "product": pro.id,
            "currency": "usd",
            "unit_amount": 5000,
            "recurring": {"interval": "year"},
        }
    )
    one_off = await v1.prices.create_async(
        {"currency": "usd", "unit_amount": 500, "product_data": {"name": "Setup"}}
    )
    await v1.prices.update_async(one_off.id, {"active": False, "metadata": {"old": "yes"}})
    await v1.prices.retrieve_async(basic_monthly.id, {"expand": ["product"]})
    await v1.prices.list_async({"product": pro.id, "expand": ["data.product"]})
    await v1.prices.list_async({"lookup_keys": ["pro_yearly"], "active": True})
    await v1.products.update_async(basic.id, {"description": "The basics"})
    await v1.products.retrieve_async(pro.id)
    await v1.products.list_async({"active": True, "limit": 5})
    doomed = await v1.products.create_async({"name": "Doomed"})
    await v1.products.delete_async(doomed.id)
    percent = await v1.coupons.create_async(
        {"percent_off": 10, "duration": "forever", "applies_to": {"products": [pro.id]}}
    )
    amount = await v1.coupons.create_async(
        {
            "amount_off": 300,
            "currency": "usd",
            "duration": "repeating",
            "duration_in_months": 3,
            "name": "Three off",
        }
    )
    await v1.coupons.update_async(amount.id, {"name": "Three dollars off"})
    await v1.coupons.retrieve_async(percent.id, {"expand": ["applies_to"]})
    await v1.coupons.list_async()
    gone = await v1.coupons.create_async({"percent_off": 5, "duration": "once"})
    await v1.coupons.delete_async(gone.id)
    code = await v1.promotion_codes.create_async(
        {
            "code": "TENOFF",
            "promotion": {"type": "coupon", "coupon": percent.id},
            "restrictions": {"minimum_amount": 100, "minimum_amount_currency": "usd"},
        }
    )
    await v1.promotion_codes.update_async(code.id, {"metadata": {"campaign": "spring"}})
    await v1.promotion_codes.retrieve_async(code.id, {"expand": ["promotion.coupon"]})
    await v1.promotion_codes.list_async({"expand": ["data.promotion.coupon"], "code": "TENOFF"})
    option = await v1.billing.feedback_options.create_async({"description": "Too busy"})
    await v1.billing.feedback_options.update_async(option.id, {"description": "No time"})
    await v1.billing.feedback_options.retrieve_async(option.id)
    await v1.billing.feedback_options.list_async({"status": "active"})
    retired = await v1.billing.feedback_options.create_async({"description": "Retired"})
    await v1.billing.feedback_options.deactivate_async(retired.id)
    cards = await v1.payment_method_configurations.create_async({"name": "Cards"})
    await v1.payment_method_configurations.update_async(cards.id, {"name": "Cards only"})
    await v1.payment_method_configurations.retrieve_async(cards.id)
    await v1.payment_method_configurations.list_async({"active": True})
    assert isinstance(pro.default_price, stripe.Price)
    return {
        "pro": pro,
        "basic": basic,
        "pro_monthly": pro.default_price.id,
        "basic_monthly": basic_monthly.id,
        "pro_yearly": pro_yearly.id,
        "seat": seat.id,
        "percent": percent.id,
        "amount": amount.id,
        "code": code.id,
    }


async def _customer(client: stripe.StripeClient) -> stripe.Customer:
    v1 = client.v1
    customer = await v1.customers.create_async(
        {
            "email": "all@example.com",
            "name": "Everything Inc",
            "phone": "+4930123456",
            "address": {"country": "DE", "city": "Berlin", "line1": "Unter den Linden 1"},
            "shipping": {"name": "Dock", "address": {"country": "DE", "line1": "Hafen 2"}},
            "preferred_locales": ["de", "en"],
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
            "expand": ["tax_ids", "subscriptions"],
        }
    )
    await v1.customers.update_async(
        customer.id, {"description": "Our best", "metadata": {"segment": "smb"}}
    )
    await v1.customers.retrieve_async(customer.id, {"expand": ["tax_ids", "subscriptions"]})
    await v1.customers.retrieve_async(
        customer.id, {"expand": ["tax", "sources", "invoice_credit_balance"]}
    )
    await v1.customers.retrieve_async(
        customer.id, {"expand": ["invoice_settings.default_payment_method"]}
    )
    vat = await v1.customers.tax_ids.create_async(
        customer.id, {"type": "eu_vat", "value": "DE123456789"}
    )
    ein = await v1.customers.tax_ids.create_async(
        customer.id, {"type": "us_ein", "value": "12-3456789"}
    )
    await v1.customers.tax_ids.retrieve_async(customer.id, vat.id)
    await v1.customers.tax_ids.list_async(customer.id)
    await v1.customers.tax_ids.delete_async(customer.id, ein.id)
    await v1.customers.list_async({"email": "all@example.com", "expand": ["data.tax_ids"]})
    await v1.customers.search_async(
        {"query": "metadata['segment']:'smb'", "expand": ["data.tax_ids"]}
    )
    leaving = await v1.customers.create_async({"name": "Leaving"})
    await v1.customers.delete_async(leaving.id)
    await v1.customers.retrieve_async(leaving.id)
    return customer


async def _cards(client: stripe.StripeClient, customer: str) -> None:
    v1 = client.v1
    intent = await v1.setup_intents.create_async(
        {
            "customer": customer,
            "usage": "off_session",
            "description": "Add a card",
            "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"},
        }
    )
    await v1.setup_intents.update_async(intent.id, {"metadata": {"via": "portal"}})
    await v1.setup_intents.retrieve_async(intent.id, {"expand": ["customer"]})
    await v1.setup_intents.confirm_async(
        intent.id, {"payment_method": "pm_card_mastercard", "expand": ["payment_method"]}
    )
    failing = await v1.setup_intents.create_async(
        {"customer": customer, "allowed_payment_method_types": ["card"]}
    )
    with contextlib.suppress(stripe.CardError):
        await v1.setup_intents.confirm_async(
            failing.id, {"payment_method": "pm_card_chargeDeclined"}
        )
    await v1.setup_intents.cancel_async(failing.id, {"cancellation_reason": "abandoned"})
    await v1.setup_intents.list_async({"customer": customer, "expand": ["data.payment_method"]})
    loose = await v1.payment_methods.create_async({"type": "card", "card": {"token": "tok_amex"}})
    await v1.payment_methods.attach_async(loose.id, {"customer": customer})
    await v1.payment_methods.update_async(
        loose.id,
        {
            "billing_details": {"name": "A", "email": "a@example.com"},
            "card": {"exp_month": 12, "exp_year": 2031},
        },
    )
    await v1.payment_methods.retrieve_async(loose.id, {"expand": ["customer"]})
    await v1.customers.payment_methods.retrieve_async(customer, loose.id)
    await v1.customers.payment_methods.list_async(customer, {"type": "card"})
    await v1.payment_methods.list_async({"customer": customer, "type": "card"})
    await v1.payment_methods.detach_async(loose.id)


async def _portal(client: stripe.StripeClient, customer: str, catalog: dict[str, Any]) -> None:
    v1 = client.v1
    config = await v1.billing_portal.configurations.create_async(
        {
            "business_profile": {"headline": "Everything", "privacy_policy_url": "https://x.test"},
            "default_return_url": "https://example.com/account",
            "features": {
                "customer_update": {"enabled": True, "allowed_updates": ["email", "tax_id"]},
                "invoice_history": {"enabled": True},
                "payment_method_update": {"enabled": True},
                "subscription_cancel": {
                    "enabled": True,
                    "mode": "at_period_end",
                    "cancellation_reason": {"enabled": True, "options": ["too_expensive"]},
                },
                "subscription_update": {
                    "enabled": True,
                    "default_allowed_updates": ["price", "quantity"],
                    "proration_behavior": "create_prorations",
                    "products": [
                        {
                            "product": catalog["pro"].id,
                            "prices": [catalog["pro_monthly"], catalog["pro_yearly"]],
                        },
                        {"product": catalog["basic"].id, "prices": [catalog["basic_monthly"]]},
                    ],
                },
            },
            "expand": [PRODUCTS],
        }
    )
    await v1.billing_portal.configurations.update_async(
        config.id, {"metadata": {"v": "2"}, "login_page": {"enabled": True}}
    )
    await v1.billing_portal.configurations.retrieve_async(config.id)
    await v1.billing_portal.configurations.retrieve_async(config.id, {"expand": [PRODUCTS]})
    await v1.billing_portal.configurations.list_async({"expand": ["data." + PRODUCTS]})
    await v1.billing_portal.configurations.list_async({"is_default": False})
    await v1.billing_portal.sessions.create_async(
        {"customer": customer, "configuration": config.id, "return_url": "https://x.test/back"}
    )
    await v1.billing_portal.sessions.create_async(
        {
            "customer": customer,
            "configuration": config.id,
            "flow_data": {
                "type": "payment_method_update",
                "after_completion": {
                    "type": "hosted_confirmation",
                    "hosted_confirmation": {"custom_message": "Done"},
                },
            },
            "expand": ["configuration"],
        }
    )
    catalog["config"] = config.id


async def _subscriptions(
    client: stripe.StripeClient, customer: str, catalog: dict[str, Any]
) -> None:
    v1 = client.v1
    sub = await v1.subscriptions.create_async(
        {
            "customer": customer,
            "items": [{"price": catalog["pro_monthly"], "quantity": 2}],
            "discounts": [{"coupon": catalog["amount"]}],
            "metadata": {"plan": "pro"},
            "expand": ["latest_invoice", "discounts"],
        }
    )
    item = sub["items"].data[0].id
    await v1.subscriptions.retrieve_async(
        sub.id, {"expand": ["items.data.price.product", "customer", "default_payment_method"]}
    )
    await v1.subscriptions.retrieve_async(
        sub.id, {"expand": ["latest_invoice.payments", "schedule"]}
    )
    await v1.invoices.create_preview_async(
        {
            "customer": customer,
            "subscription": sub.id,
            "subscription_details": {
                "items": [{"id": item, "price": catalog["pro_yearly"]}],
                "proration_behavior": "always_invoice",
            },
        }
    )
    await v1.invoices.create_preview_async(
        {
            "customer": customer,
            "subscription_details": {"items": [{"price": catalog["basic_monthly"]}]},
            "expand": ["customer", "lines.data.discounts"],
        }
    )
    await v1.subscriptions.update_async(
        sub.id,
        {
            "items": [{"id": item, "quantity": 3}],
            "proration_behavior": "create_prorations",
            "expand": ["latest_invoice"],
        },
    )
    await v1.invoice_items.list_async({"customer": customer, "pending": True})
    await v1.subscriptions.update_async(
        sub.id,
        {
            "items": [{"id": item, "price": catalog["pro_yearly"], "quantity": 1}],
            "proration_behavior": "always_invoice",
            "payment_behavior": "error_if_incomplete",
        },
    )
    await v1.subscriptions.update_async(
        sub.id, {"cancel_at_period_end": True, "cancellation_details": {"comment": "pricey"}}
    )
    await v1.subscriptions.update_async(sub.id, {"cancel_at_period_end": False})
    await v1.subscriptions.delete_discount_async(sub.id)
    await v1.subscriptions.update_async(
        sub.id, {"discounts": [{"promotion_code": catalog["code"]}]}
    )
    seat = await v1.subscription_items.create_async(
        {
            "subscription": sub.id,
            "price": catalog["seat"],
            "quantity": 4,
            "proration_behavior": "none",
        }
    )
    await v1.subscription_items.update_async(
        seat.id, {"quantity": 5, "proration_behavior": "none", "metadata": {"k": "v"}}
    )
    await v1.subscription_items.retrieve_async(seat.id, {"expand": ["price.product"]})
    await v1.subscription_items.list_async({"subscription": sub.id})
    await v1.subscription_items.delete_async(seat.id, {"proration_behavior": "none"})
    await v1.subscriptions.list_async({"customer": customer, "expand": ["data.latest_invoice"]})
    await v1.subscriptions.list_async({"status": "all", "price": catalog["pro_yearly"]})

    trial = await v1.subscriptions.create_async(
        {
            "customer": customer,
            "items": [{"price": catalog["basic_monthly"]}],
            "trial_period_days": 14,
            "trial_settings": {"end_behavior": {"missing_payment_method": "cancel"}},
        }
    )
    await v1.subscriptions.update_async(
        trial.id, {"trial_settings": {"end_behavior": {"missing_payment_method": "pause"}}}
    )
    await v1.subscriptions.update_async(
        trial.id, {"trial_end": "now", "proration_behavior": "none"}
    )
    await v1.subscriptions.cancel_async(
        trial.id,
        {"invoice_now": True, "prorate": True, "cancellation_details": {"feedback": "unused"}},
    )
    by_hand = await v1.subscriptions.create_async(
        {
            "customer": customer,
            "items": [{"price": catalog["basic_monthly"]}],
            "collection_method": "send_invoice",
            "days_until_due": 7,
        }
    )
    schedule = await v1.subscription_schedules.create_async({"from_subscription": by_hand.id})
    phase = schedule.phases[0]
    await v1.subscription_schedules.update_async(
        schedule.id,
        {
            "phases": [
                {
                    "items": [{"price": catalog["basic_monthly"], "quantity": 1}],
                    "start_date": phase.start_date,
                    "end_date": phase.end_date,
                },
                {
                    "items": [{"price": catalog["pro_monthly"], "quantity": 1}],
                    "duration": {
                        "interval": "month",
                        "interval_count": 1,
                    },
                },
            ],
            "expand": ["subscription"],
        },
    )
    await v1.subscription_schedules.retrieve_async(schedule.id, {"expand": ["customer"]})
    await v1.subscription_schedules.list_async({"customer": customer})
    await v1.invoices.create_preview_async({"customer": customer, "schedule": schedule.id})
    await v1.subscription_schedules.release_async(schedule.id)
    later = await v1.subscription_schedules.create_async(
        {
            "customer": customer,
            "start_date": MAY_1 + 365 * DAY * 2,
            "phases": [
                {
                    "items": [{"price": catalog["basic_monthly"]}],
                    "duration": {"interval": "month", "interval_count": 2},
                }
            ],
        }
    )
    await v1.subscription_schedules.cancel_async(later.id)
    await v1.subscriptions.cancel_async(by_hand.id)
    await v1.billing_portal.sessions.create_async(
        {
            "customer": customer,
            "configuration": catalog["config"],
            "flow_data": {
                "type": "subscription_update_confirm",
                "subscription_update_confirm": {
                    "subscription": sub.id,
                    "items": [{"id": item, "price": catalog["pro_yearly"], "quantity": 2}],
                },
            },
        }
    )
    await v1.billing_portal.sessions.create_async(
        {
            "customer": customer,
            "flow_data": {
                "type": "subscription_cancel",
                "subscription_cancel": {"subscription": sub.id},
            },
        }
    )


async def _clocked(client: stripe.StripeClient, catalog: dict[str, Any]) -> None:
    """Renewals, a failed payment, pause and resume on a test clock."""
    v1 = client.v1
    clock = await v1.test_helpers.test_clocks.create_async(
        {"frozen_time": APRIL_1, "name": "Conformance"}
    )
    customer = await v1.customers.create_async(
        {
            "name": "On a clock",
            "test_clock": clock.id,
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
            "expand": ["test_clock"],
        }
    )
    sub = await v1.subscriptions.create_async(
        {
            "customer": customer.id,
            "items": [{"price": catalog["pro_monthly"]}],
            "trial_end": APRIL_1 + 5 * DAY,
            "billing_mode": {"type": "flexible"},
        }
    )
    await v1.test_helpers.test_clocks.advance_async(clock.id, {"frozen_time": APRIL_1 + 6 * DAY})
    await v1.test_helpers.test_clocks.retrieve_async(clock.id)
    await v1.test_helpers.test_clocks.list_async()
    # Renewals while collection is paused with `keep_as_draft` stay drafts: finalize one.
    await v1.subscriptions.update_async(sub.id, {"pause_collection": {"behavior": "keep_as_draft"}})
    await v1.test_helpers.test_clocks.advance_async(clock.id, {"frozen_time": MAY_1 + 10 * DAY})
    drafts = await v1.invoices.list_async({"subscription": sub.id, "status": "draft"})
    assert drafts.data, "a renewal kept as draft"
    await v1.invoices.finalize_invoice_async(str(drafts.data[0].id), {"auto_advance": False})
    await v1.subscriptions.update_async(sub.id, {"pause_collection": ""})
    await v1.subscriptions.pause_async(sub.id)
    # What resuming now would issue, previewed before resuming.
    await v1.invoices.create_preview_async(
        {"subscription": sub.id, "subscription_details": {"resume_at": "now"}}
    )
    await v1.subscriptions.resume_async(sub.id, {"expand": ["latest_invoice"]})
    await v1.subscriptions.update_async(
        sub.id,
        {"pause_collection": {"behavior": "mark_uncollectible", "resumes_at": MAY_1 + 90 * DAY}},
    )
    await v1.subscriptions.update_async(sub.id, {"pause_collection": ""})
    # A timed pause: a schedule's pause schedule pauses now and the clock resumes it.
    pausing = await v1.subscription_schedules.create_async(
        {
            "from_subscription": sub.id,
            "pause_schedules": [
                {
                    "pause": {"pause_at": {"type": "now"}},
                    "resume": {
                        "resume_at": {
                            "type": "duration",
                            "duration": {"interval": "week", "interval_count": 2},
                        }
                    },
                }
            ],
            "expand": ["subscription"],
        }
    )
    await v1.subscription_schedules.update_async(
        pausing.id,
        {
            "pause_schedules": [
                {
                    "key": pausing.pause_schedules[0].key,
                    "resume": {
                        "resume_at": {
                            "type": "duration",
                            "duration": {"interval": "week", "interval_count": 1},
                        },
                        "settings": {"proration_behavior": "create_prorations"},
                    },
                }
            ]
        },
    )
    await v1.test_helpers.test_clocks.advance_async(clock.id, {"frozen_time": MAY_1 + 20 * DAY})
    await v1.subscription_schedules.retrieve_async(pausing.id)
    await v1.subscriptions.retrieve_async(sub.id, {"expand": ["schedule"]})
    declining = await v1.payment_methods.attach_async(
        "pm_card_chargeCustomerFail", {"customer": customer.id}
    )
    await v1.subscriptions.update_async(sub.id, {"default_payment_method": declining.id})
    await v1.test_helpers.test_clocks.advance_async(clock.id, {"frozen_time": MAY_1 + 45 * DAY})
    await v1.subscriptions.retrieve_async(sub.id, {"expand": ["latest_invoice"]})
    await v1.test_helpers.test_clocks.delete_async(clock.id)
    gone = await v1.test_helpers.test_clocks.create_async({"frozen_time": APRIL_1})
    await v1.test_helpers.test_clocks.delete_async(gone.id)


async def _invoices(client: stripe.StripeClient, catalog: dict[str, Any]) -> None:
    v1 = client.v1
    customer = await v1.customers.create_async({"email": "bills@example.com"})
    sub = await v1.subscriptions.create_async(
        {
            "customer": customer.id,
            "items": [{"price": catalog["basic_monthly"]}],
            "collection_method": "send_invoice",
            "days_until_due": 14,
        }
    )
    invoice_id = str(sub.latest_invoice)
    await v1.invoices.retrieve_async(
        invoice_id, {"expand": ["customer", "parent.subscription_details.subscription"]}
    )
    await v1.invoices.line_items.list_async(invoice_id)
    await v1.invoices.mark_uncollectible_async(invoice_id)
    await v1.invoices.void_invoice_async(invoice_id)
    card = await v1.payment_methods.attach_async("pm_card_visa", {"customer": customer.id})
    second = await v1.subscriptions.create_async(
        {
            "customer": customer.id,
            "items": [{"price": catalog["pro_monthly"]}],
            "collection_method": "send_invoice",
            "days_until_due": 14,
        }
    )
    await v1.invoices.pay_async(
        str(second.latest_invoice), {"payment_method": card.id, "expand": ["payments"]}
    )
    payments = await v1.invoice_payments.list_async({"invoice": str(second.latest_invoice)})
    await v1.invoice_payments.retrieve_async(str(payments.data[0].id))
    await v1.invoice_payments.list_async({"expand": ["data.invoice"], "status": "paid"})
    await v1.invoices.list_async({"customer": customer.id, "expand": ["data.customer"]})
    await v1.invoices.list_async({"status": "paid", "limit": 3})
    draft = await v1.subscriptions.create_async(
        {
            "customer": customer.id,
            "items": [{"price": catalog["pro_monthly"]}],
            "collection_method": "send_invoice",
            "days_until_due": 14,
            "trial_period_days": 3,
        }
    )
    await v1.invoices.list_async({"subscription": draft.id})
    items = await v1.invoice_items.list_async({"limit": 3})
    for found in items.data[:1]:
        await v1.invoice_items.retrieve_async(str(found.id))


async def _lists(client: stripe.StripeClient, customer: str) -> None:
    v1 = client.v1
    events = await v1.events.list_async({"limit": 100})
    await v1.events.retrieve_async(events.data[-1].id)
    await v1.events.list_async({"type": "customer.subscription.*", "limit": 100})
    await v1.events.list_async({"types": ["invoice.paid", "invoice.payment_failed"]})
    await v1.customers.list_async({"limit": 100, "expand": ["data.subscriptions"]})
    await v1.customers.list_async({"limit": 2, "expand": ["data.default_source"]})
    for page in (await v1.subscriptions.list_async({"status": "all", "limit": 100})).data:
        await v1.subscriptions.retrieve_async(page.id, {"expand": ["items.data.price"]})
        await v1.invoices.list_async({"subscription": page.id, "expand": ["data.payments"]})
    await v1.invoices.list_async({"customer": customer, "limit": 100})
    await v1.subscriptions.list_async({"status": "all", "limit": 100})
    await v1.invoice_items.list_async({"limit": 100})
    # Everything once more, one by one and with expansions: each object's own answer.
    for price in (await v1.prices.list_async({"limit": 100})).data:
        await v1.prices.retrieve_async(price.id, {"expand": ["product"]})
    for invoice in (await v1.invoices.list_async({"limit": 100})).data:
        assert invoice.id is not None
        await v1.invoices.retrieve_async(invoice.id, {"expand": ["payments", "customer"]})
        await v1.invoices.line_items.list_async(invoice.id, {"limit": 2})
    for someone in (await v1.customers.list_async({"limit": 100})).data:
        await v1.customers.retrieve_async(someone.id, {"expand": ["tax_ids", "subscriptions"]})
    for schedule in (await v1.subscription_schedules.list_async({"limit": 100})).data:
        await v1.subscription_schedules.retrieve_async(schedule.id, {"expand": ["subscription"]})
    for item in (await v1.invoice_items.list_async({"limit": 100})).data:
        await v1.invoice_items.retrieve_async(item.id, {"expand": ["customer"]})
