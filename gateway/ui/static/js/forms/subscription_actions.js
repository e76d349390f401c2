// What each subscription action is called, and the form that carries it out.

import { openDialog } from "../dialog.js";
import { cancelForm, renewForm } from "./cancel.js";
import { changePlanForm, promotionCodeForm, seatsForm } from "./change_plan.js";
import { pauseForm, resumeForm } from "./pause.js";
import { undoScheduledChangeForm } from "./scheduled_change.js";
import { t } from "../i18n.js";

/** In the order the buttons appear; `action` is the API's SubscriptionAction. */
export const SUBSCRIPTION_ACTIONS = [
  { action: "UNDO_SCHEDULED_CHANGE", build: undoScheduledChangeForm },
  { action: "SWITCH_PRICE", build: changePlanForm },
  { action: "CHANGE_QUANTITY", build: seatsForm },
  { action: "APPLY_PROMOTION_CODE", build: promotionCodeForm },
  { action: "PAUSE", build: pauseForm },
  { action: "RESUME", build: resumeForm },
  { action: "RENEW", build: renewForm },
  { action: "CANCEL", build: cancelForm, danger: true },
].map((entry) => ({
  ...entry,
  // Read when shown, in the page's language (the language loads after this module).
  get label() {
    return t(`action.${entry.action}`);
  },
  get title() {
    return t(`action.${entry.action}.title`);
  },
}));

export function actionFor(name) {
  return SUBSCRIPTION_ACTIONS.find((action) => action.action === name);
}

/** Open the action's form in a dialog; when it succeeds, close it and show the new state. */
export function openSubscriptionAction(portal, action, subscription) {
  openDialog({
    title: action.title,
    build: ({ close, setContent }) =>
      action.build(portal, subscription, {
        setContent,
        dismiss: close,
        done: async (message) => {
          close();
          await portal.refresh({ message, focus: `subscription:${subscription.id}` });
        },
      }),
  });
}
