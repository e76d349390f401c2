"""The names of what a customer can do, shared by the policy, flows and the API."""

from __future__ import annotations

from enum import StrEnum


class SubscriptionAction(StrEnum):
    """Actions on one subscription; `available_actions` answers which are allowed now."""

    CANCEL = "CANCEL"
    RENEW = "RENEW"
    SWITCH_PRICE = "SWITCH_PRICE"
    CHANGE_QUANTITY = "CHANGE_QUANTITY"
    APPLY_PROMOTION_CODE = "APPLY_PROMOTION_CODE"
    PAUSE = "PAUSE"
    RESUME = "RESUME"
    UNDO_SCHEDULED_CHANGE = "UNDO_SCHEDULED_CHANGE"
    PAY_INVOICE = "PAY_INVOICE"


class AccountAction(StrEnum):
    """Actions on the customer's account rather than on a subscription."""

    UPDATE_CUSTOMER = "UPDATE_CUSTOMER"
    MANAGE_TAX_IDS = "MANAGE_TAX_IDS"
    VIEW_PAYMENT_METHODS = "VIEW_PAYMENT_METHODS"
    ADD_PAYMENT_METHOD = "ADD_PAYMENT_METHOD"
    SET_DEFAULT_PAYMENT_METHOD = "SET_DEFAULT_PAYMENT_METHOD"
    DETACH_PAYMENT_METHOD = "DETACH_PAYMENT_METHOD"
    VIEW_INVOICES = "VIEW_INVOICES"
    PAY_INVOICE = "PAY_INVOICE"


class InvoiceAction(StrEnum):
    """Actions on one invoice; `invoice_availability` answers which are allowed now."""

    PAY = "PAY"


Action = SubscriptionAction | AccountAction
