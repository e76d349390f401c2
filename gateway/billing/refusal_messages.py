"""What a customer reads when Stripe refuses a request: written by the gateway, never Stripe's
own text. Stripe's messages are for developers: they name internal states ("a subscription
schedule in the `released` status"), list every accepted value (all tax ID types), or
quote parameters. The customer gets a short sentence chosen by Stripe's error code, or by
the parameter Stripe names; Stripe's text is kept for the log only.
"""

from __future__ import annotations

# By Stripe's error `code` (https://docs.stripe.com/error-codes).
BY_CODE: dict[str, str] = {
    "tax_id_invalid": "This tax ID is not valid for the type chosen.",
    "coupon_expired": "This discount can no longer be redeemed.",
    "promotion_code_expired": "This promotion code has expired.",
    "promotion_code_inactive": "This promotion code is not active.",
    "promotion_code_customer_not_eligible": "This promotion code cannot be used here.",
    "email_invalid": "This email address is not valid.",
    "postal_code_invalid": "This postal code is not valid.",
    "url_invalid": "This URL is not valid.",
    "parameter_invalid_empty": "A required value is empty.",
    "parameter_invalid_enum": "This value is not one of the accepted choices.",
    "parameter_invalid_integer": "This value must be a whole number.",
    "string_length_exceeds_maximum": "This value is too long.",
    "resource_already_exists": "This already exists.",
    "customer_tax_location_invalid": "The address is not complete enough to calculate tax.",
    "payment_method_unactivated": "This payment method cannot be used yet.",
    "setup_intent_unexpected_state": "This payment method setup is already finished.",
    "invoice_not_editable": "This invoice can no longer be changed.",
    "invoice_no_customer_line_items": "There is nothing to bill on this invoice.",
}
# By the parameter Stripe names, when its code says nothing more specific.
BY_PARAM: dict[str, str] = {
    "type": "This type is not one of the accepted choices.",
    "value": "This value was not accepted.",
    "email": "This email address is not valid.",
    "phone": "This phone number is not valid.",
}
# Stripe's refusals that name no parameter are mostly about an object's state (a schedule
# already released, an invoice already finalized): something changed since the page loaded.
GENERIC = "The billing service did not accept this request. Reload and try again."


def customer_message(code: str | None, param: str | None) -> str:
    """A gateway-written message for one of Stripe's invalid-request refusals."""
    if code and code in BY_CODE:
        return BY_CODE[code]
    leaf = (param or "").rsplit("[", 1)[-1].rstrip("]")
    if leaf in BY_PARAM:
        return BY_PARAM[leaf]
    if param:
        return f"The value given for {leaf or param} was not accepted."
    return GENERIC
