"""The Query root, merged from each domain's queries."""

from strawberry.tools import merge_types

from .catalog.queries import CatalogQueries
from .customers.queries import CustomerQueries
from .invoices.queries import InvoiceQueries
from .payment_methods.queries import PaymentMethodQueries
from .sessions.queries import SessionQueries
from .subscriptions.preview import PreviewQueries
from .subscriptions.queries import SubscriptionQueries
from .subscriptions.resume_preview import ResumePreviewQueries

QUERIES: tuple[type, ...] = (
    SessionQueries,
    CustomerQueries,
    SubscriptionQueries,
    InvoiceQueries,
    PaymentMethodQueries,
    CatalogQueries,
    PreviewQueries,
    ResumePreviewQueries,
)

Query = merge_types("Query", QUERIES)
