// The GraphQL documents the portal sends. Each asks only for what the page shows.

export const SESSION = `
query Session {
  session {
    id customerId returnUrl locale expiresAt
    flow {
      type subscriptionId retentionCoupon
      item { id priceId quantity }
      afterCompletion { type returnUrl customMessage }
    }
    configuration {
      id defaultReturnUrl
      businessProfile { headline privacyPolicyUrl termsOfServiceUrl }
      features {
        customerUpdate { enabled allowedUpdates }
        invoiceHistory { enabled }
        paymentMethodUpdate { enabled }
        subscriptionCancel {
          enabled mode prorationBehavior
          cancellationReason { enabled options feedbackOptions { id description } }
        }
        subscriptionPause { enabled indefinite intervalOptions { interval intervalCount } }
        subscriptionUpdate { enabled defaultAllowedUpdates prorationBehavior }
      }
    }
  }
}`;

const PRICE = `id nickname currency unitAmount interval intervalCount product { id name description }`;

const INVOICE = `
  id number status currency total amountDue amountPaid amountRemaining created availableActions
  discounts { couponName promotionCode amount }
  hostedInvoiceUrl invoicePdf`;

const SUBSCRIPTION = `
  id status currency created currentPeriodEnd trialEnd
  cancelAtPeriodEnd cancelAt canceledAt endedAt isCanceling isPaused
  pauseCollection { behavior resumesAt }
  items { id quantity price { ${PRICE} } }
  scheduledChange { effectiveAt items { quantity price { ${PRICE} } } }
  latestInvoiceId
  discounts {
    id couponName percentOff amountOff currency duration durationInMonths end promotionCode
  }
  availableActions
  unavailableActions { action code message }
  availablePrices { ${PRICE} }
  upcomingInvoice { currency amountDue total created }`;

export const CUSTOMER = `
  id email name phone
  address { line1 line2 city state postalCode country }
  shipping { name phone address { line1 line2 city state postalCode country } }
  taxIds { id type value verificationStatus }`;

const PAYMENT_METHOD = `id type isDefault card { brand last4 expMonth expYear }`;

/** Everything the home page shows; the sections the session may not see are left out. */
export const OVERVIEW = `
query Overview($paymentMethods: Boolean!, $invoices: Boolean!, $plans: Boolean!) {
  customer { ${CUSTOMER} }
  subscriptions { ${SUBSCRIPTION} }
  paymentMethods @include(if: $paymentMethods) { ${PAYMENT_METHOD} }
  invoices(first: 10) @include(if: $invoices) {
    nodes { ${INVOICE} }
    pageInfo { hasNextPage endCursor }
  }
  plans @include(if: $plans) {
    product { id name }
    prices { id }
    adjustableQuantity { enabled minimum maximum }
  }
}`;

export const MORE_INVOICES = `
query MoreInvoices($after: String!) {
  invoices(first: 10, after: $after) {
    nodes { ${INVOICE} }
    pageInfo { hasNextPage endCursor }
  }
}`;

const ERRORS = `userErrors { code message field }`;

export const PREVIEW_UPDATE = `
query Preview($input: UpdateSubscriptionInput!) {
  previewSubscriptionUpdate(input: $input) {
    preview {
      priceId quantity scheduled effectiveAt currency endsTrial
      invoicedNow amountDueNow nextInvoice { amountDue currency date }
      prorationAmount quote
      prorationLines { id description amount currency }
    }
    ${ERRORS}
  }
}`;

export const UPDATE_SUBSCRIPTION = `
mutation Update($input: UpdateSubscriptionInput!) {
  updateSubscription(input: $input) { subscription { id } ${ERRORS} }
}`;

export const CANCEL_SUBSCRIPTION = `
mutation Cancel($input: CancelSubscriptionInput!) {
  cancelSubscription(input: $input) { subscription { id } ${ERRORS} }
}`;

export const ACCEPT_RETENTION_OFFER = `
mutation AcceptRetentionOffer($input: AcceptRetentionOfferInput!) {
  acceptRetentionOffer(input: $input) { subscription { id } ${ERRORS} }
}`;

export const RENEW_SUBSCRIPTION = `
mutation Renew($input: RenewSubscriptionInput!) {
  renewSubscription(input: $input) { subscription { id } ${ERRORS} }
}`;

export const UNDO_SCHEDULED_CHANGE = `
mutation UndoScheduledChange($input: UndoScheduledChangeInput!) {
  undoScheduledChange(input: $input) { subscription { id } ${ERRORS} }
}`;

export const PAUSE_SUBSCRIPTION = `
mutation Pause($input: PauseSubscriptionInput!) {
  pauseSubscription(input: $input) {
    subscription { id pauseCollection { resumesAt } }
    ${ERRORS}
  }
}`;

export const RESUME_SUBSCRIPTION = `
mutation Resume($input: ResumeSubscriptionInput!) {
  resumeSubscription(input: $input) { subscription { id } ${ERRORS} }
}`;

export const PAY_INVOICE = `
mutation PayInvoice($input: PayInvoiceInput!) {
  payInvoice(input: $input) { invoice { id status } subscription { id status } ${ERRORS} }
}`;

export const CREATE_SETUP_INTENT = `
mutation SetupIntent($input: CreateSetupIntentInput!) {
  createSetupIntent(input: $input) { setupIntent { id clientSecret } ${ERRORS} }
}`;

export const CONFIRM_SETUP_INTENT_FOR_TESTING = `
mutation ConfirmForTesting($input: ConfirmSetupIntentForTestingInput!) {
  confirmSetupIntentForTesting(input: $input) { paymentMethod { id } ${ERRORS} }
}`;

export const COMPLETE_SETUP_INTENT = `
mutation CompleteSetupIntent($input: CompleteSetupIntentInput!) {
  completeSetupIntent(input: $input) { paymentMethod { id } becameDefault ${ERRORS} }
}`;

export const SET_DEFAULT_PAYMENT_METHOD = `
mutation SetDefault($input: SetDefaultPaymentMethodInput!) {
  setDefaultPaymentMethod(input: $input) { ${ERRORS} }
}`;

export const DETACH_PAYMENT_METHOD = `
mutation Detach($input: DetachPaymentMethodInput!) {
  detachPaymentMethod(input: $input) { ${ERRORS} }
}`;

export const UPDATE_CUSTOMER = `
mutation UpdateCustomer($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) { customer { id } ${ERRORS} }
}`;

export const ADD_TAX_ID = `
mutation AddTaxId($input: AddTaxIdInput!) {
  addTaxId(input: $input) { taxId { id } ${ERRORS} }
}`;

export const REMOVE_TAX_ID = `
mutation RemoveTaxId($input: RemoveTaxIdInput!) {
  removeTaxId(input: $input) { ${ERRORS} }
}`;
