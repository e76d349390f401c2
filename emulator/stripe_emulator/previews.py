"""`POST /v1/invoices/create_preview`: the invoice a change (or the next renewal) would make.

The preview runs the real operation on a scratch copy of the customer's state
(`sandbox.scratch`), so its lines are exactly what the same update, with the
same `proration_date`, creates afterwards: the invoice issued at once
(`always_invoice`, a new billing cycle), otherwise the next renewal invoice
with the pending prorations swept into it.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from . import (
    discounts,
    lifecycle,
    pause_schedules,
    renewals,
    schedules,
    subscription_cancel,
    subscription_create,
    subscription_pause,
    subscription_update,
)
from .clone import clone
from .errors import StripeError, invalid, missing_param
from .item_changes import period_of, unsupported
from .sandbox import Scratch, scratch

if TYPE_CHECKING:
    from collections.abc import Callable

    from .state import Emulator, Obj

_UNMODELLED = (
    "customer_account",
    "customer_details",
    "invoice_items",
    "issuer",
    "on_behalf_of",
)
_DETAILS_UNMODELLED = (
    "billing_mode",
    "billing_schedules",
    "default_tax_rates",
    "pause",
    "start_date",
)
# subscription_details keys that mean "as if this update were made".
_UPDATE_KEYS = (
    "items",
    "proration_behavior",
    "proration_date",
    "cancel_at",
    "cancel_at_period_end",
    "trial_end",
    "metadata",
)


def no_upcoming(customer: str) -> StripeError:
    return StripeError(
        f"No upcoming invoices for customer: {customer}",
        status=404,
        code="invoice_upcoming_none",
    )


def _check(params: Obj) -> None:
    for key in _UNMODELLED:
        if params.get(key):
            raise unsupported(key, "invoice previews")
    if (params.get("automatic_tax") or {}).get("enabled"):
        raise unsupported("automatic_tax[enabled]", "invoice previews")
    details = params.get("subscription_details") or {}
    for key in _DETAILS_UNMODELLED:
        if details.get(key):
            raise unsupported(f"subscription_details[{key}]", "invoice previews")
    if (params.get("schedule_details") or {}).get("pause_schedules"):
        raise unsupported("schedule_details[pause_schedules]", "invoice previews")


def _same_currency(params: Obj, body: Obj) -> Obj:
    """`currency` picks the preview's currency; one currency per customer is modelled."""
    wanted = params.get("currency")
    if wanted is not None and wanted.lower() != body["currency"]:
        raise invalid(
            f"The preview's currency is {body['currency']}; the emulator bills one currency "
            "per customer.",
            param="currency",
        )
    return body


def preview(emu: Emulator, params: Obj) -> Obj:
    """The preview invoice, rendered (id `upcoming_in_...`, status draft)."""
    _check(params)
    return _same_currency(params, _preview(emu, params))


def _preview(emu: Emulator, params: Obj) -> Obj:
    if params.get("schedule") is not None or params.get("schedule_details") is not None:
        return _for_schedule(emu, params)
    details: Obj = params.get("subscription_details") or {}
    sub_id = params.get("subscription")
    customer = params.get("customer")
    if sub_id is not None:
        sub = emu.get(sub_id, "subscription", param="subscription")
        if customer is not None and customer != sub["customer"]:
            raise invalid(
                f"The subscription {sub_id} does not belong to customer {customer}.",
                param="subscription",
            )
        customer = sub["customer"]
    elif customer is None:
        raise invalid(
            "Must provide one of customer, customer_account, subscription.", param="customer"
        )
    else:
        emu.get(customer, "customer", param="customer")
    copy_of = scratch(emu, customer)
    if sub_id is not None:
        sub = copy_of.objects[sub_id]
        if "discounts" in params:
            # "The coupons to redeem into discounts for the preview": as if set on the subscription.
            at = lifecycle.now_for(copy_of, sub)
            found = discounts.resolve(
                copy_of, params["discounts"], customer, sub["currency"], "discounts", sub["id"]
            )
            discounts.replace(copy_of, sub, params["discounts"], found, at)
        invoice = _for_subscription(copy_of, sub, details)
    else:
        invoice = _for_new_subscription(copy_of, customer, details, params.get("discounts"))
    if invoice is None:
        raise no_upcoming(customer)
    return render_preview(copy_of, invoice, params.get("preview_mode", "next"))


def _for_schedule(emu: Emulator, params: Obj) -> Obj:
    """A schedule's next invoice, as if `schedule_details` (phases, end_behavior) were set
    on it. Stripe takes these instead of the subscription ones, never with them."""
    for key in ("subscription", "subscription_details"):
        if params.get(key) is not None:
            raise invalid(
                f"You cannot pass `{key}` with `schedule` or `schedule_details`.", param=key
            )
    if params.get("schedule") is None:
        raise unsupported("schedule_details without schedule", "invoice previews")
    stored = emu.get(params["schedule"], "subscription_schedule", param="schedule")
    customer = stored["customer"]
    if params.get("customer") not in (None, customer):
        raise invalid(
            f"The schedule {stored['id']} does not belong to customer {params['customer']}.",
            param="schedule",
        )
    copy_of = scratch(emu, customer)
    schedule = copy_of.objects[stored["id"]]
    details = params.get("schedule_details") or {}
    if details:
        try:
            schedules.update(copy_of, schedule, details)
        except StripeError as exc:
            if exc.param:
                head, bracket, rest = exc.param.partition("[")
                exc.param = f"schedule_details[{head}]{bracket}{rest}"
            raise
    sub = copy_of.objects.get(schedule.get("subscription") or "")
    invoice = next_renewal(copy_of, sub) if sub is not None else None
    if invoice is None:
        raise no_upcoming(customer)
    return render_preview(copy_of, invoice, params.get("preview_mode", "next"))


def _for_subscription(emu: Emulator, sub: Obj, details: Obj) -> Obj | None:
    if sub["status"] in lifecycle.ENDED:
        return None
    now = lifecycle.now_for(emu, sub)
    behavior = details.get("proration_behavior", "create_prorations")
    if details.get("cancel_now"):
        at = int(details.get("proration_date", now))
        result = subscription_cancel.cancel(
            emu, sub, at, prorate_unused=behavior != "none", invoice_now=True
        )
        return result.invoice
    if details.get("resume_at") == "now":
        # The invoice `POST /v1/subscriptions/{id}/resume` would issue now (its defaults: a
        # new period from now, less the credit the pause left as pending items).
        if sub["status"] != "paused":
            raise invalid(
                "subscription_details[resume_at] can only be used to preview the resumption "
                f"of a paused subscription; this one is `{sub['status']}`.",
                param="subscription_details[resume_at]",
            )
        return subscription_pause.resume(emu, sub, {}).invoice
    update: Obj = {key: details[key] for key in _UPDATE_KEYS if key in details}
    anchor = details.get("billing_cycle_anchor")
    if anchor is not None:
        if anchor["type"] != "timestamp" and anchor.get("timestamp") is not None:
            raise invalid(
                "subscription_details[billing_cycle_anchor][timestamp] goes with "
                "type=timestamp only.",
                param="subscription_details[billing_cycle_anchor][timestamp]",
            )
        if anchor["type"] == "timestamp":
            raise invalid(
                "For existing subscriptions, subscription_details[billing_cycle_anchor] can "
                "only be now or unchanged.",
                param="subscription_details[billing_cycle_anchor][type]",
            )
        update["billing_cycle_anchor"] = {"type": anchor["type"]}
    if update:
        result = _as_preview(lambda: subscription_update.update(emu, sub, update))
        if result.invoice is not None:
            return result.invoice
    return next_renewal(emu, sub)


def _as_preview(run: Callable[[], lifecycle.Result]) -> lifecycle.Result:
    """Run an update for a preview; its errors are reported on `subscription_details`."""
    try:
        result: lifecycle.Result = run()
    except StripeError as exc:
        if exc.param and not exc.param.startswith("subscription_details"):
            head, bracket, rest = exc.param.partition("[")
            exc.param = f"subscription_details[{head}]{bracket}{rest}"
        raise
    return result


def next_renewal(emu: Emulator, sub: Obj) -> Obj | None:
    """The invoice the subscription's next period end would create (schedules included); for
    a paused subscription, the one its pause schedule's resume would create then."""
    if sub["status"] == "paused":
        return _scheduled_resumption(emu, sub)
    if sub["status"] not in lifecycle.BILLABLE:
        return None
    end = period_of(emu, sub)[1]
    schedule = emu.objects.get(sub["schedule"] or "")
    if schedule is not None:
        schedules.step(emu, schedule, end)
    result = renewals.step_subscription(emu, sub, end)
    return result.invoice if result is not None else None


def _scheduled_resumption(emu: Emulator, sub: Obj) -> Obj | None:
    schedule = emu.objects.get(sub["schedule"] or "")
    resume_at = pause_schedules.due(schedule) if schedule is not None else None
    if schedule is None or resume_at is None or not isinstance(emu, Scratch):
        return None
    emu.moment = resume_at
    before = sub["latest_invoice"]
    schedules.step(emu, schedule, resume_at)
    latest = sub["latest_invoice"]
    return emu.objects.get(latest) if latest and latest != before else None


def _for_new_subscription(
    emu: Emulator, customer: str, details: Obj, coupons: object
) -> Obj | None:
    if not details.get("items"):
        raise missing_param("subscription_details[items]")
    params: Obj = {"customer": customer, "items": details["items"]}
    if coupons is not None:
        params["discounts"] = coupons
    for key in ("trial_end", "proration_behavior", "metadata"):
        if key in details:
            params[key] = details[key]
    anchor = details.get("billing_cycle_anchor")
    if anchor is not None and anchor["type"] == "timestamp":
        params["billing_cycle_anchor"] = anchor.get("timestamp")
    return _as_preview(lambda: subscription_create.create(emu, params)).invoice


def render_preview(emu: Emulator, invoice: Obj, mode: str) -> Obj:
    """A draft invoice shown as Stripe shows previews: no number, no links, balance applied."""
    lines = invoice["_lines"]
    if mode == "recurring":
        lines = [
            line for line in lines if not line["parent"]["subscription_item_details"]["proration"]
        ]
    preview_id = "upcoming_in_" + secrets.token_hex(12)
    body = emu.render(invoice)
    subtotal = sum(line["amount"] for line in lines)
    total = subtotal - sum(d["amount"] for line in lines for d in line["discount_amounts"])
    balance = int(emu.objects[invoice["customer"]].get("balance") or 0)
    due = max(total + balance, 0)
    data = clone(lines)
    for line in data:
        line["invoice"] = preview_id
    body.update(
        id=preview_id,
        number=None,
        status="draft",
        hosted_invoice_url=None,
        invoice_pdf=None,
        attempted=False,
        attempt_count=0,
        amount_paid=0,
        amount_due=due,
        amount_remaining=due,
        starting_balance=balance,
        ending_balance=None,
        subtotal=subtotal,
        subtotal_excluding_tax=subtotal,
        total=total,
        total_excluding_tax=total,
        effective_at=None,
        automatically_finalizes_at=None,
        webhooks_delivered_at=None,
        status_transitions={
            "finalized_at": None,
            "marked_uncollectible_at": None,
            "paid_at": None,
            "voided_at": None,
        },
        lines={
            "object": "list",
            "data": data,
            "has_more": False,
            "url": f"/v1/invoices/{preview_id}/lines",
        },
    )
    return body
