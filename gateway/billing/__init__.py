"""The Stripe side: every Stripe call the gateway makes, and nothing else does.

Reads return the shared models (`gateway.models`), cached per customer in the store;
writes carry idempotency keys and invalidate what they change. Callers (the api, the
`check-config` command) use the names below; the modules behind them may move.
"""

from .catalog_fetch import fetch_catalog
from .change_previews import ChangePreview, preview_change
from .client import Billing, open_stripe
from .customer_changes import update_customer
from .customer_search import customers_with_metadata
from .customers import CustomerRecord, existing_customer, fetch_customer, fetch_record
from .discount_offers import (
    OfferedDiscount,
    fetch_coupon,
    fetch_coupon_terms,
    fetch_promotion_code,
)
from .errors import BillingError, BillingErrorCode, NotFound
from .idempotency import (
    IdempotencyKeys,
    event_keys,
    idempotency_keys,
    recall_outcome,
    remember_outcome,
)
from .invoice_payments import pay_invoice
from .invoices import fetch_invoice, list_invoices
from .payment_method_accounts import PaymentMethodAccount, read_payment_method_account
from .payment_method_changes import PaymentMethodChange, change_payment_methods
from .payment_methods import list_payment_methods
from .portal_configurations import fetch_portal_configurations
from .previews import preview_schedule, upcoming_invoice
from .prices import fetch_prices
from .products import fetch_product
from .promotion_codes import find_promotion_code
from .resume_previews import ResumePreview, preview_resume
from .scheduled_changes import queued_phases, schedule_change, undo_queued_change
from .setup_intents import (
    TEST_PAYMENT_METHOD_PREFIX,
    confirm_setup_intent,
    create_setup_intent,
    fetch_setup_intent,
    talks_to_stripe,
)
from .stripe_budget import StripeBudget, begin_change, budgeted, end_change
from .subscription_changes import SubscriptionCall, write_subscription
from .subscription_ids import recall_subscription_ids
from .subscription_truth import read_subscription
from .subscriptions import fetch_subscription, list_subscriptions
from .tax_id_changes import add_tax_id, fetch_tax_id, remove_tax_id
from .tax_id_types import STRIPE_TAX_ID_TYPES
from .tax_ids import customer_tax_ids, list_tax_ids, tax_ids_of
from .test_clocks import clock_time
from .writes import IDEMPOTENCY_PARAM, REUSED_KEY_MESSAGE

__all__ = [
    "IDEMPOTENCY_PARAM",
    "REUSED_KEY_MESSAGE",
    "STRIPE_TAX_ID_TYPES",
    "TEST_PAYMENT_METHOD_PREFIX",
    "Billing",
    "BillingError",
    "BillingErrorCode",
    "ChangePreview",
    "CustomerRecord",
    "IdempotencyKeys",
    "NotFound",
    "OfferedDiscount",
    "PaymentMethodAccount",
    "PaymentMethodChange",
    "ResumePreview",
    "StripeBudget",
    "SubscriptionCall",
    "add_tax_id",
    "begin_change",
    "budgeted",
    "change_payment_methods",
    "clock_time",
    "confirm_setup_intent",
    "create_setup_intent",
    "customer_tax_ids",
    "customers_with_metadata",
    "end_change",
    "event_keys",
    "existing_customer",
    "fetch_catalog",
    "fetch_coupon",
    "fetch_coupon_terms",
    "fetch_customer",
    "fetch_invoice",
    "fetch_portal_configurations",
    "fetch_prices",
    "fetch_product",
    "fetch_promotion_code",
    "fetch_record",
    "fetch_setup_intent",
    "fetch_subscription",
    "fetch_tax_id",
    "find_promotion_code",
    "idempotency_keys",
    "list_invoices",
    "list_payment_methods",
    "list_subscriptions",
    "list_tax_ids",
    "open_stripe",
    "pay_invoice",
    "preview_change",
    "preview_resume",
    "preview_schedule",
    "queued_phases",
    "read_payment_method_account",
    "read_subscription",
    "recall_outcome",
    "recall_subscription_ids",
    "remember_outcome",
    "remove_tax_id",
    "schedule_change",
    "talks_to_stripe",
    "tax_ids_of",
    "undo_queued_change",
    "upcoming_invoice",
    "update_customer",
    "write_subscription",
]
