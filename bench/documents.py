"""The GraphQL documents the benchmarks send.

`OVERVIEW` is the reference portal's home page query (`gateway/ui/static/graphql/portal.graphql`),
with every section on: what a real portal asks for when a customer opens it.
"""

from __future__ import annotations

PRICE = "id nickname currency unitAmount interval intervalCount product { id name }"
INVOICE = """id number status currency total amountDue amountPaid created
  hostedInvoiceUrl invoicePdf"""
SUBSCRIPTION = f"""id status currency created currentPeriodEnd trialEnd
  cancelAtPeriodEnd cancelAt canceledAt endedAt isCanceling isPaused
  pauseCollection {{ behavior resumesAt }}
  items {{ id quantity price {{ {PRICE} }} }}
  scheduledChange {{ effectiveAt items {{ quantity price {{ {PRICE} }} }} }}
  availableActions
  unavailableActions {{ action code message }}
  availablePrices {{ {PRICE} }}
  upcomingInvoice {{ currency amountDue total created }}"""
CUSTOMER = """id email name phone
  address { line1 line2 city state postalCode country }
  shipping { name phone address { line1 line2 city state postalCode country } }
  taxIds { id type value verificationStatus }"""
PAYMENT_METHOD = "id type isDefault card { brand last4 expMonth expYear }"

OVERVIEW = f"""query Overview($paymentMethods: Boolean!, $invoices: Boolean!, $plans: Boolean!) {{
  customer {{ {CUSTOMER} }}
  subscriptions {{ {SUBSCRIPTION} }}
  paymentMethods @include(if: $paymentMethods) {{ {PAYMENT_METHOD} }}
  invoices(first: 10) @include(if: $invoices) {{
    nodes {{ {INVOICE} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
  plans @include(if: $plans) {{
    product {{ id name }}
    prices {{ id }}
    adjustableQuantity {{ enabled minimum maximum }}
  }}
}}"""
OVERVIEW_VARIABLES = {"paymentMethods": True, "invoices": True, "plans": True}

SESSION = """query Session {
  session {
    id customerId returnUrl locale expiresAt
    configuration { id businessProfile { headline } features { invoiceHistory { enabled } } }
  }
}"""

# Each query alone, as a page other than the overview would send it.
QUERIES: dict[str, str] = {
    "session": SESSION,
    "customer": f"query {{ customer {{ {CUSTOMER} }} }}",
    "subscriptions": f"query {{ subscriptions {{ {SUBSCRIPTION} }} }}",
    "subscription": f"query($id: ID!) {{ subscription(id: $id) {{ {SUBSCRIPTION} }} }}",
    "invoices": f"""query {{ invoices(first: 10) {{
        nodes {{ {INVOICE} }} pageInfo {{ hasNextPage endCursor }} }} }}""",
    "invoice": f"query($id: ID!) {{ invoice(id: $id) {{ {INVOICE} }} }}",
    "upcomingInvoice": """query($id: ID!) {
        upcomingInvoice(subscriptionId: $id) { currency amountDue total created } }""",
    "paymentMethods": f"query {{ paymentMethods {{ {PAYMENT_METHOD} }} }}",
    "plans": "query { plans { product { id name } prices { id unitAmount interval } } }",
    "previewSubscriptionUpdate": """query($input: UpdateSubscriptionInput!) {
        previewSubscriptionUpdate(input: $input) {
          preview { priceId quantity prorationAmount amountDue invoice { total } }
          userErrors { code message field } } }""",
}

ERRORS = "userErrors { code message field }"


def mutation(name: str, selection: str) -> str:
    """`mutation($input: <Name>Input!) { name(input: $input) { selection userErrors } }`."""
    input_type = name[0].upper() + name[1:] + "Input"
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {selection} {ERRORS} }} }}"


SUBSCRIPTION_RESULT = "subscription { id status cancelAtPeriodEnd isPaused items { quantity } }"
MUTATIONS: dict[str, str] = {
    "cancelSubscription": mutation("cancelSubscription", SUBSCRIPTION_RESULT),
    "renewSubscription": mutation("renewSubscription", SUBSCRIPTION_RESULT),
    "pauseSubscription": mutation("pauseSubscription", SUBSCRIPTION_RESULT),
    "resumeSubscription": mutation("resumeSubscription", SUBSCRIPTION_RESULT),
    "updateSubscription": mutation("updateSubscription", SUBSCRIPTION_RESULT),
    "undoScheduledChange": mutation("undoScheduledChange", SUBSCRIPTION_RESULT),
    "createSetupIntent": mutation("createSetupIntent", "setupIntent { id clientSecret }"),
    "setDefaultPaymentMethod": mutation(
        "setDefaultPaymentMethod", "paymentMethod { id isDefault }"
    ),
    "detachPaymentMethod": mutation("detachPaymentMethod", "detachedPaymentMethodId"),
    "updateCustomer": mutation("updateCustomer", "customer { id name }"),
    "addTaxId": mutation("addTaxId", "taxId { id type value }"),
    "removeTaxId": mutation("removeTaxId", "removedTaxId { id }"),
    "revokePortalSession": mutation("revokePortalSession", "sessionId"),
    "payInvoice": mutation(
        "payInvoice", "invoice { id status } subscription { id status } paymentMethod { id }"
    ),
}

CREATE_SESSION = """mutation($input: CreatePortalSessionInput!) {
  createPortalSession(input: $input) { session { id code } userErrors { code message field } }
}"""
REDEEM_SESSION = """mutation($code: String!) {
  redeemPortalSession(code: $code) { accessToken userErrors { code message field } }
}"""
END_SESSION = "mutation { endPortalSession { sessionId userErrors { code message field } } }"
