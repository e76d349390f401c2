"""The throughput baseline: the portal overview, same shape and same data, served from memory.

    python bench/baseline_server.py SNAPSHOT.json --port 8099

SNAPSHOT.json is the `data` of an overview the gateway answered; this server answers the
same `OVERVIEW` document (bench/documents.py) with exactly that JSON, through the same
stack as the gateway: aiohttp, Strawberry's aiohttp view, the same scalar and enum types,
and the stock Strawberry extensions the gateway uses (parser and validation caches, depth,
alias and token limits, introspection off, masked errors). The root fields, `taxIds` and
`upcomingInvoice` are async, as in the gateway, where they wait on Stripe or the cache;
they return prebuilt objects. No auth, no cache lookups, no policy: the gap to this server
is the gateway's own cost.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

import strawberry
from aiohttp import web
from graphql import GraphQLError
from strawberry.aiohttp.views import GraphQLView
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as alias_limit_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_limit_rule
from strawberry.schema.config import StrawberryConfig

# The gateway's limits and cache size (gateway/api/schema.py).
MAX_DEPTH = 10
MAX_ALIASES = 15
MAX_TOKENS = 2000
CACHE_SIZE = 256


@strawberry.enum
class SubscriptionStatus(Enum):
    INCOMPLETE = "incomplete"
    INCOMPLETE_EXPIRED = "incomplete_expired"
    TRIALING = "trialing"
    ACTIVE = "active"
    PAST_DUE = "past_due"
    CANCELED = "canceled"
    UNPAID = "unpaid"
    PAUSED = "paused"


@strawberry.enum
class PauseBehavior(Enum):
    KEEP_AS_DRAFT = "keep_as_draft"
    MARK_UNCOLLECTIBLE = "mark_uncollectible"
    VOID = "void"


@strawberry.enum
class SubscriptionAction(Enum):
    CANCEL = "cancel"
    RENEW = "renew"
    SWITCH_PRICE = "switch_price"
    CHANGE_QUANTITY = "change_quantity"
    APPLY_PROMOTION_CODE = "apply_promotion_code"
    PAUSE = "pause"
    RESUME = "resume"
    UNDO_SCHEDULED_CHANGE = "undo_scheduled_change"
    PAY_INVOICE = "pay_invoice"


@strawberry.enum
class ErrorCode(Enum):
    FEATURE_DISABLED = "FEATURE_DISABLED"
    PRICE_NOT_ALLOWED = "PRICE_NOT_ALLOWED"
    QUANTITY_NOT_ALLOWED = "QUANTITY_NOT_ALLOWED"
    REASON_NOT_ALLOWED = "REASON_NOT_ALLOWED"
    SUBSCRIPTION_NOT_ELIGIBLE = "SUBSCRIPTION_NOT_ELIGIBLE"
    ALREADY_CANCELING = "ALREADY_CANCELING"
    NOT_CANCELING = "NOT_CANCELING"
    ALREADY_PAUSED = "ALREADY_PAUSED"
    NOT_PAUSED = "NOT_PAUSED"
    NO_SCHEDULED_CHANGE = "NO_SCHEDULED_CHANGE"
    FIELD_NOT_ALLOWED = "FIELD_NOT_ALLOWED"
    LAST_PAYMENT_METHOD = "LAST_PAYMENT_METHOD"
    INVOICE_NOT_PAYABLE = "INVOICE_NOT_PAYABLE"
    PAYMENT_METHOD_REQUIRED = "PAYMENT_METHOD_REQUIRED"
    PROMOTION_CODE_ALREADY_APPLIED = "PROMOTION_CODE_ALREADY_APPLIED"
    FLOW_RESTRICTED = "FLOW_RESTRICTED"
    NOT_FOUND = "NOT_FOUND"
    INVALID_INPUT = "INVALID_INPUT"
    CARD_DECLINED = "CARD_DECLINED"
    SESSION_EXPIRED = "SESSION_EXPIRED"
    SESSION_ALREADY_USED = "SESSION_ALREADY_USED"
    CONFIGURATION_INACTIVE = "CONFIGURATION_INACTIVE"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    RATE_LIMITED = "RATE_LIMITED"
    TOO_MANY_STRIPE_CALLS = "TOO_MANY_STRIPE_CALLS"
    TOO_LONG = "TOO_LONG"
    STRIPE_UNAVAILABLE = "STRIPE_UNAVAILABLE"
    STRIPE_ERROR = "STRIPE_ERROR"
    OUTCOME_UNKNOWN = "OUTCOME_UNKNOWN"
    QUOTE_INVALID = "QUOTE_INVALID"
    QUOTE_EXPIRED = "QUOTE_EXPIRED"
    QUOTE_MISMATCH = "QUOTE_MISMATCH"
    PRORATION_DATE_NOT_ACCEPTED = "PRORATION_DATE_NOT_ACCEPTED"


@strawberry.enum
class Interval(Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


@strawberry.enum
class InvoiceStatus(Enum):
    DRAFT = "draft"
    OPEN = "open"
    PAID = "paid"
    UNCOLLECTIBLE = "uncollectible"
    VOID = "void"


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def _enum(kind: type[Enum], name: str | None) -> Any:
    return kind[name] if name is not None else None


@strawberry.type
class Product:
    id: strawberry.ID
    name: str


@strawberry.type
class Price:
    id: strawberry.ID
    nickname: str | None
    currency: str
    unit_amount: int | None
    interval: Interval | None
    interval_count: int
    product: Product

    @classmethod
    def load(cls, raw: dict[str, Any]) -> Price:
        return cls(
            id=strawberry.ID(raw["id"]),
            nickname=raw.get("nickname"),
            currency=raw.get("currency", "usd"),
            unit_amount=raw.get("unitAmount"),
            interval=_enum(Interval, raw.get("interval")),
            interval_count=raw.get("intervalCount", 1),
            product=Product(id=raw["product"]["id"], name=raw["product"]["name"]),
        )


@strawberry.type
class Address:
    line1: str | None
    line2: str | None
    city: str | None
    state: str | None
    postal_code: str | None
    country: str | None

    @classmethod
    def load(cls, raw: dict[str, Any] | None) -> Address | None:
        if raw is None:
            return None
        return cls(
            line1=raw["line1"],
            line2=raw["line2"],
            city=raw["city"],
            state=raw["state"],
            postal_code=raw["postalCode"],
            country=raw["country"],
        )


@strawberry.type
class Shipping:
    name: str
    phone: str | None
    address: Address | None


@strawberry.type
class TaxId:
    id: strawberry.ID
    type: str
    value: str
    verification_status: str | None


@strawberry.type
class Customer:
    id: strawberry.ID
    email: str | None
    name: str | None
    phone: str | None
    address: Address | None
    shipping: Shipping | None
    tax_id_list: strawberry.Private[list[TaxId]]

    @strawberry.field
    async def tax_ids(self) -> list[TaxId] | None:
        return self.tax_id_list

    @classmethod
    def load(cls, raw: dict[str, Any]) -> Customer:
        shipping = raw["shipping"]
        return cls(
            id=strawberry.ID(raw["id"]),
            email=raw["email"],
            name=raw["name"],
            phone=raw["phone"],
            address=Address.load(raw["address"]),
            shipping=(
                Shipping(
                    name=shipping["name"],
                    phone=shipping["phone"],
                    address=Address.load(shipping["address"]),
                )
                if shipping
                else None
            ),
            tax_id_list=[
                TaxId(
                    id=strawberry.ID(t["id"]),
                    type=t["type"],
                    value=t["value"],
                    verification_status=t["verificationStatus"],
                )
                for t in raw["taxIds"]
            ],
        )


@strawberry.type
class PauseCollection:
    behavior: PauseBehavior
    resumes_at: datetime | None


@strawberry.type
class ScheduledItem:
    quantity: int
    price: Price | None


@strawberry.type
class ScheduledChange:
    effective_at: datetime
    items: list[ScheduledItem]


@strawberry.type
class SubscriptionItem:
    id: strawberry.ID
    quantity: int
    price: Price


@strawberry.type
class UnavailableAction:
    action: SubscriptionAction
    code: ErrorCode
    message: str


@strawberry.type
class UpcomingInvoice:
    currency: str
    amount_due: int
    total: int
    created: datetime


@strawberry.type(name="Subscription")
class Subscription:
    id: strawberry.ID
    status: SubscriptionStatus
    currency: str
    created: datetime
    current_period_end: datetime | None
    trial_end: datetime | None
    cancel_at_period_end: bool
    cancel_at: datetime | None
    canceled_at: datetime | None
    ended_at: datetime | None
    is_canceling: bool
    is_paused: bool
    pause_collection: PauseCollection | None
    items: list[SubscriptionItem]
    scheduled_change: ScheduledChange | None
    available_actions: list[SubscriptionAction]
    unavailable_actions: list[UnavailableAction]
    available_prices: list[Price]
    upcoming: strawberry.Private[UpcomingInvoice | None]

    @strawberry.field
    async def upcoming_invoice(self) -> UpcomingInvoice | None:
        return self.upcoming

    @classmethod
    def load(cls, raw: dict[str, Any]) -> Subscription:
        pause = raw["pauseCollection"]
        change = raw["scheduledChange"]
        upcoming = raw["upcomingInvoice"]
        return cls(
            id=strawberry.ID(raw["id"]),
            status=SubscriptionStatus[raw["status"]],
            currency=raw["currency"],
            created=datetime.fromisoformat(raw["created"]),
            current_period_end=_when(raw["currentPeriodEnd"]),
            trial_end=_when(raw["trialEnd"]),
            cancel_at_period_end=raw["cancelAtPeriodEnd"],
            cancel_at=_when(raw["cancelAt"]),
            canceled_at=_when(raw["canceledAt"]),
            ended_at=_when(raw["endedAt"]),
            is_canceling=raw["isCanceling"],
            is_paused=raw["isPaused"],
            pause_collection=(
                PauseCollection(
                    behavior=PauseBehavior[pause["behavior"]],
                    resumes_at=_when(pause["resumesAt"]),
                )
                if pause
                else None
            ),
            items=[
                SubscriptionItem(
                    id=strawberry.ID(i["id"]), quantity=i["quantity"], price=Price.load(i["price"])
                )
                for i in raw["items"]
            ],
            scheduled_change=(
                ScheduledChange(
                    effective_at=datetime.fromisoformat(change["effectiveAt"]),
                    items=[
                        ScheduledItem(
                            quantity=i["quantity"],
                            price=Price.load(i["price"]) if i["price"] else None,
                        )
                        for i in change["items"]
                    ],
                )
                if change
                else None
            ),
            available_actions=[SubscriptionAction[a] for a in raw["availableActions"]],
            unavailable_actions=[
                UnavailableAction(
                    action=SubscriptionAction[u["action"]],
                    code=ErrorCode[u["code"]],
                    message=u["message"],
                )
                for u in raw["unavailableActions"]
            ],
            available_prices=[Price.load(p) for p in raw["availablePrices"]],
            upcoming=(
                UpcomingInvoice(
                    currency=upcoming["currency"],
                    amount_due=upcoming["amountDue"],
                    total=upcoming["total"],
                    created=datetime.fromisoformat(upcoming["created"]),
                )
                if upcoming
                else None
            ),
        )


@strawberry.type
class Card:
    brand: str
    last4: str
    exp_month: int
    exp_year: int


@strawberry.type
class PaymentMethod:
    id: strawberry.ID
    type: str
    is_default: bool
    card: Card | None


@strawberry.type
class Invoice:
    id: strawberry.ID | None
    number: str | None
    status: InvoiceStatus | None
    currency: str
    total: int
    amount_due: int
    amount_paid: int
    created: datetime
    hosted_invoice_url: str | None
    invoice_pdf: str | None


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class InvoiceConnection:
    nodes: list[Invoice]
    page_info: PageInfo


@strawberry.type
class AdjustableQuantity:
    enabled: bool
    minimum: int
    maximum: int | None


@strawberry.type
class PlanPrice:
    id: strawberry.ID


@strawberry.type
class Plan:
    product: Product
    prices: list[PlanPrice]
    adjustable_quantity: AdjustableQuantity


class Snapshot:
    """The overview's data as the objects the resolvers return."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.customer = Customer.load(data["customer"])
        self.subscriptions = [Subscription.load(s) for s in data["subscriptions"]]
        self.payment_methods = [
            PaymentMethod(
                id=strawberry.ID(p["id"]),
                type=p["type"],
                is_default=p["isDefault"],
                card=Card(
                    brand=p["card"]["brand"],
                    last4=p["card"]["last4"],
                    exp_month=p["card"]["expMonth"],
                    exp_year=p["card"]["expYear"],
                )
                if p["card"]
                else None,
            )
            for p in data["paymentMethods"]
        ]
        invoices = data["invoices"]
        self.invoices = InvoiceConnection(
            nodes=[
                Invoice(
                    id=i["id"],
                    number=i["number"],
                    status=_enum(InvoiceStatus, i["status"]),
                    currency=i["currency"],
                    total=i["total"],
                    amount_due=i["amountDue"],
                    amount_paid=i["amountPaid"],
                    created=datetime.fromisoformat(i["created"]),
                    hosted_invoice_url=i["hostedInvoiceUrl"],
                    invoice_pdf=i["invoicePdf"],
                )
                for i in invoices["nodes"]
            ],
            page_info=PageInfo(
                has_next_page=invoices["pageInfo"]["hasNextPage"],
                end_cursor=invoices["pageInfo"]["endCursor"],
            ),
        )
        self.plans = [
            Plan(
                product=Product(id=p["product"]["id"], name=p["product"]["name"]),
                prices=[PlanPrice(id=x["id"]) for x in p["prices"]],
                adjustable_quantity=AdjustableQuantity(**_snake(p["adjustableQuantity"])),
            )
            for p in data["plans"]
        ]


def _snake(raw: dict[str, Any]) -> dict[str, Any]:
    return {"".join("_" + c.lower() if c.isupper() else c for c in k): v for k, v in raw.items()}


SNAPSHOT: Snapshot | None = None


def _snapshot() -> Snapshot:
    assert SNAPSHOT is not None
    return SNAPSHOT


@strawberry.type
class Query:
    @strawberry.field
    async def customer(self) -> Customer | None:
        return _snapshot().customer

    @strawberry.field
    async def subscriptions(self) -> list[Subscription] | None:
        return _snapshot().subscriptions

    @strawberry.field
    async def payment_methods(self) -> list[PaymentMethod] | None:
        return _snapshot().payment_methods

    @strawberry.field
    async def invoices(self, first: int = 10, after: str | None = None) -> InvoiceConnection | None:
        return _snapshot().invoices

    @strawberry.field
    def plans(self) -> list[Plan]:
        return _snapshot().plans


def is_unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


def build_schema() -> strawberry.Schema:
    rules = [depth_limit_rule(MAX_DEPTH, None, None), alias_limit_rule(MAX_ALIASES)]
    return strawberry.Schema(
        query=Query,
        extensions=[
            lambda: MaskErrors(should_mask_error=is_unexpected),
            lambda: ParserCache(maxsize=CACHE_SIZE),
            lambda: ValidationCache(maxsize=CACHE_SIZE),
            lambda: AddValidationRules(list(rules)),
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            DisableIntrospection,
        ],
        config=StrawberryConfig(disable_field_suggestions=True),
    )


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def create_app(snapshot: Path) -> web.Application:
    global SNAPSHOT
    SNAPSHOT = Snapshot(json.loads(snapshot.read_text(encoding="utf-8")))
    view = GraphQLView(
        schema=build_schema(),
        graphql_ide=None,
        allow_queries_via_get=False,
        multipart_uploads_enabled=False,
        subscription_protocols=(),
    )
    app = web.Application(client_max_size=128 * 1024)
    app.router.add_get("/graphql", view)
    app.router.add_post("/graphql", view)
    app.router.add_get("/healthz", healthz)
    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Serve the overview snapshot from memory.")
    parser.add_argument("snapshot", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    args = parser.parse_args()
    web.run_app(create_app(args.snapshot), host=args.host, port=args.port, print=None)
