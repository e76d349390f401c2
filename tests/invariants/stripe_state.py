"""What Stripe holds for one customer, read through the SDK: the judge of every invariant.

A snapshot keeps what a portal action can change (subscriptions with their items, cancel,
pause and schedule; invoices; pending invoice items; schedules; tax IDs; payment methods
and the default one), so two snapshots compare equal exactly when nothing changed.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import stripe

ENDED = frozenset({"canceled", "incomplete_expired"})
LIVE_SCHEDULES = frozenset({"not_started", "active"})


@dataclass(frozen=True)
class SubscriptionState:
    id: str
    status: str
    items: tuple[tuple[str, int], ...]
    period_end: int
    trial_end: int | None
    cancel_at_period_end: bool
    cancel_at: int | None
    pause: tuple[str, int | None] | None
    schedule: str | None
    default_payment_method: str | None
    latest_invoice: str | None

    @property
    def ended(self) -> bool:
        return self.status in ENDED

    @property
    def price(self) -> str:
        return self.items[0][0]

    @property
    def quantity(self) -> int:
        return self.items[0][1]


@dataclass(frozen=True)
class InvoiceState:
    id: str
    subscription: str | None
    status: str
    amount_due: int
    amount_paid: int
    created: int
    billing_reason: str | None

    @property
    def charged(self) -> bool:
        """Finalized and asked of the customer (paid, or open: a payment was attempted)."""
        return self.status in ("open", "paid", "uncollectible")


@dataclass(frozen=True)
class ScheduleState:
    id: str
    status: str
    subscription: str | None
    # Each phase: start, end, and its items (price, quantity).
    phases: tuple[tuple[int, int | None, tuple[tuple[str, int], ...]], ...]
    # When its pause schedule resumes the subscription, while that is still to come.
    resumes_at: int | None = None


@dataclass(frozen=True)
class StripeState:
    subscriptions: dict[str, SubscriptionState]
    invoices: tuple[InvoiceState, ...]
    pending_items: tuple[tuple[str, str | None, int], ...]
    schedules: tuple[ScheduleState, ...]
    tax_ids: tuple[tuple[str, str], ...]
    payment_methods: tuple[str, ...]
    default_payment_method: str | None
    # The customer's test clock time when read: Stripe's "now" for them.
    now: int = field(compare=False)

    def new_invoices(self, before: StripeState) -> list[InvoiceState]:
        seen = {invoice.id for invoice in before.invoices}
        return [invoice for invoice in self.invoices if invoice.id not in seen]

    def new_pending(self, before: StripeState) -> list[tuple[str, str | None, int]]:
        seen = {item[0] for item in before.pending_items}
        return [item for item in self.pending_items if item[0] not in seen]

    def live(self) -> list[SubscriptionState]:
        return [s for s in self.subscriptions.values() if not s.ended]

    def active_schedules(self, subscription: str) -> list[ScheduleState]:
        return [
            s
            for s in self.schedules
            if s.subscription == subscription and s.status in LIVE_SCHEDULES
        ]

    def describe(self) -> str:
        """A short account for failure messages."""
        subs = "; ".join(
            f"{s.id} {s.status} {s.items} end={s.period_end} cape={s.cancel_at_period_end} "
            f"pause={s.pause} schedule={s.schedule}"
            for s in self.subscriptions.values()
        )
        invoices = ", ".join(
            f"{i.id}:{i.status}:{i.amount_due}@{i.created}({i.billing_reason})"
            for i in self.invoices
        )
        return (
            f"subscriptions[{subs}] invoices[{invoices}] pending{self.pending_items} "
            f"schedules{[(s.id, s.status, s.phases, s.resumes_at) for s in self.schedules]} "
            f"tax_ids{self.tax_ids} default_payment_method={self.default_payment_method}"
        )


def _items(data: Any) -> tuple[tuple[str, int], ...]:
    return tuple((str(item["price"]["id"]), int(item.get("quantity") or 0)) for item in data)


def _subscription(sub: Any) -> SubscriptionState:
    items = sub["items"]["data"]
    pause = sub.get("pause_collection")
    schedule = sub.get("schedule")
    if isinstance(schedule, dict):
        schedule = schedule.get("id")
    latest = sub.get("latest_invoice")
    if isinstance(latest, dict):
        latest = latest.get("id")
    default = sub.get("default_payment_method")
    if isinstance(default, dict):
        default = default.get("id")
    return SubscriptionState(
        id=sub["id"],
        status=sub["status"],
        items=_items(items),
        period_end=min(int(item["current_period_end"]) for item in items) if items else 0,
        trial_end=sub.get("trial_end"),
        cancel_at_period_end=bool(sub.get("cancel_at_period_end")),
        cancel_at=sub.get("cancel_at"),
        pause=(pause["behavior"], pause.get("resumes_at")) if pause else None,
        schedule=schedule,
        default_payment_method=default,
        latest_invoice=latest,
    )


def _invoice(invoice: Any) -> InvoiceState:
    parent = invoice.get("parent") or {}
    details = parent.get("subscription_details") or {}
    subscription = details.get("subscription")
    return InvoiceState(
        id=invoice["id"],
        subscription=subscription,
        status=invoice["status"],
        amount_due=int(invoice["amount_due"]),
        amount_paid=int(invoice["amount_paid"]),
        created=int(invoice["created"]),
        billing_reason=invoice.get("billing_reason"),
    )


def _schedule(schedule: Any) -> ScheduleState:
    subscription = schedule.get("subscription")
    if isinstance(subscription, dict):
        subscription = subscription.get("id")
    return ScheduleState(
        id=schedule["id"],
        status=schedule["status"],
        subscription=subscription,
        phases=tuple(
            (
                int(phase["start_date"]),
                phase.get("end_date"),
                tuple(
                    (
                        item["price"] if isinstance(item["price"], str) else item["price"]["id"],
                        int(item.get("quantity") or 0),
                    )
                    for item in phase["items"]
                ),
            )
            for phase in schedule["phases"]
        ),
        resumes_at=next(
            (
                int(entry["resume"]["resume_at"])
                for entry in schedule.get("pause_schedules") or []
                if (entry.get("resume") or {}).get("status", {}).get("type") == "scheduled"
            ),
            None,
        ),
    )


async def _get(client: stripe.StripeClient, path: str, **params: Any) -> dict[str, Any]:
    """A GET through the SDK, as JSON (no object tree: the snapshot is taken every step)."""
    response = await client.raw_request_async("get", path, **params)
    data: dict[str, Any] = response.data
    return data


async def read_stripe(client: stripe.StripeClient, customer: str) -> StripeState:
    """Everything the portal can change for `customer`, as Stripe holds it now."""
    listed = {"customer": customer, "limit": 100}
    subs, invoices, pending, schedules, tax_ids, methods, stored = await asyncio.gather(
        _get(client, "/v1/subscriptions", status="all", **listed),
        _get(client, "/v1/invoices", **listed),
        _get(client, "/v1/invoiceitems", pending=True, **listed),
        _get(client, "/v1/subscription_schedules", **listed),
        _get(client, f"/v1/customers/{customer}/tax_ids", limit=100),
        _get(client, f"/v1/customers/{customer}/payment_methods", limit=100),
        _get(client, f"/v1/customers/{customer}", expand=["test_clock"]),
    )
    default = (stored.get("invoice_settings") or {}).get("default_payment_method")
    clock = stored.get("test_clock")
    return StripeState(
        subscriptions={s["id"]: _subscription(s) for s in subs["data"]},
        invoices=tuple(sorted((_invoice(i) for i in invoices["data"]), key=lambda i: i.created)),
        pending_items=tuple(
            sorted(
                (
                    item["id"],
                    ((item.get("parent") or {}).get("subscription_details") or {}).get(
                        "subscription"
                    ),
                    int(item["amount"]),
                )
                for item in pending["data"]
            )
        ),
        # Released and canceled schedules are history, like events: they govern nothing.
        schedules=tuple(
            sorted(
                (_schedule(s) for s in schedules["data"] if s["status"] in LIVE_SCHEDULES),
                key=str,
            )
        ),
        tax_ids=tuple(sorted((t["id"], str(t["value"])) for t in tax_ids["data"])),
        payment_methods=tuple(sorted(m["id"] for m in methods["data"])),
        default_payment_method=default if isinstance(default, str) else None,
        now=int(clock["frozen_time"]) if isinstance(clock, dict) else int(time.time()),
    )
