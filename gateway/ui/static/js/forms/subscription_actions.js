// What each subscription action is called, and the form that carries it out.

import { openDialog } from "../dialog.js";
import { cancelForm, renewForm } from "./cancel.js";
import { changePlanForm, promotionCodeForm, seatsForm } from "./change_plan.js";
import { pauseForm, resumeForm } from "./pause.js";
import { undoScheduledChangeForm } from "./scheduled_change.js";

/** In the order the buttons appear; `action` is the API's SubscriptionAction. */
export const SUBSCRIPTION_ACTIONS = [
  {
    action: "UNDO_SCHEDULED_CHANGE",
    label: "Undo scheduled change",
    title: "Keep your current plan",
    build: undoScheduledChangeForm,
  },
  { action: "SWITCH_PRICE", label: "Change plan", title: "Change plan", build: changePlanForm },
  { action: "CHANGE_QUANTITY", label: "Change seats", title: "Change seats", build: seatsForm },
  {
    action: "APPLY_PROMOTION_CODE",
    label: "Apply promotion code",
    title: "Apply a promotion code",
    build: promotionCodeForm,
  },
  { action: "PAUSE", label: "Pause payments", title: "Pause payments", build: pauseForm },
  { action: "RESUME", label: "Resume payments", title: "Resume payments", build: resumeForm },
  { action: "RENEW", label: "Don't cancel", title: "Keep your subscription", build: renewForm },
  {
    action: "CANCEL",
    label: "Cancel subscription",
    title: "Cancel subscription",
    build: cancelForm,
    danger: true,
  },
];

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
