// The GraphQL documents the portal sends, from ../graphql/portal.graphql: one file that
// GraphQL Code Generator and editors read as it is. Each export is one operation together
// with the fragments it uses (fragments may use fragments).

const SOURCE_URL = new URL("../graphql/portal.graphql", import.meta.url);
const DEFINITION = /^(?:query|mutation|subscription|fragment)\s+(\w+)/gm;
const SPREAD = /\.\.\.\s*(\w+)/g;

async function loadDefinitions() {
  const response = await fetch(SOURCE_URL, { credentials: "omit" });
  if (!response.ok) throw new Error(`Cannot load the portal's GraphQL documents (${response.status}).`);
  const source = await response.text();
  const starts = [...source.matchAll(DEFINITION)];
  const definitions = new Map();
  starts.forEach((match, index) => {
    const end = index + 1 < starts.length ? starts[index + 1].index : source.length;
    // Drop the comment lines that introduce the next definition.
    const text = source.slice(match.index, end).replace(/(\n\s*#[^\n]*)+\s*$/, "");
    definitions.set(match[1], text.trim());
  });
  return definitions;
}

const DEFINITIONS = await loadDefinitions();

/** The operation `name` followed by every fragment it needs. */
function operation(name) {
  const text = DEFINITIONS.get(name);
  if (!text) throw new Error(`portal.graphql has no operation ${name}`);
  const needed = [];
  const visit = (body) => {
    for (const [, fragment] of body.matchAll(SPREAD)) {
      if (fragment === "on" || needed.includes(fragment)) continue;
      needed.push(fragment);
      visit(DEFINITIONS.get(fragment) ?? "");
    }
  };
  visit(text);
  return [text, ...needed.map((fragment) => DEFINITIONS.get(fragment))].join("\n\n");
}

export const SESSION = operation("PortalSession");
export const OVERVIEW = operation("PortalOverview");
export const MORE_INVOICES = operation("PortalMoreInvoices");
export const PREVIEW_UPDATE = operation("PortalPreviewUpdate");
export const UPDATE_SUBSCRIPTION = operation("PortalUpdateSubscription");
export const CANCEL_SUBSCRIPTION = operation("PortalCancelSubscription");
export const ACCEPT_RETENTION_OFFER = operation("PortalAcceptRetentionOffer");
export const RENEW_SUBSCRIPTION = operation("PortalRenewSubscription");
export const UNDO_SCHEDULED_CHANGE = operation("PortalUndoScheduledChange");
export const PAUSE_SUBSCRIPTION = operation("PortalPauseSubscription");
export const PREVIEW_RESUME = operation("PortalPreviewResume");
export const RESUME_SUBSCRIPTION = operation("PortalResumeSubscription");
export const PAY_INVOICE = operation("PortalPayInvoice");
export const CREATE_SETUP_INTENT = operation("PortalCreateSetupIntent");
export const CONFIRM_SETUP_INTENT_FOR_TESTING = operation("PortalConfirmSetupIntentForTesting");
export const COMPLETE_SETUP_INTENT = operation("PortalCompleteSetupIntent");
export const SET_DEFAULT_PAYMENT_METHOD = operation("PortalSetDefaultPaymentMethod");
export const DETACH_PAYMENT_METHOD = operation("PortalDetachPaymentMethod");
export const UPDATE_CUSTOMER = operation("PortalUpdateCustomer");
export const ADD_TAX_ID = operation("PortalAddTaxId");
export const REMOVE_TAX_ID = operation("PortalRemoveTaxId");
export const LIVE = operation("PortalLive");
export const REDEEM_SESSION = operation("PortalRedeemSession");
export const WHO_IS_SIGNED_IN = operation("PortalWhoIsSignedIn");
export const END_SESSION = operation("PortalEndSession");
