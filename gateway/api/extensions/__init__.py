"""The gateway's own schema extensions and validation rules, one per module."""

from .cost_limit import QueryCostLimiter, operation_cost
from .document_limits import DocumentLimiter, DocumentLimits, shared_budget
from .error_codes import DOCUMENT_TOO_COMPLEX, ErrorCodes, coded
from .mask_errors import MaskUnexpectedErrors
from .request_accounting import RequestAccounting, account

__all__ = [
    "DOCUMENT_TOO_COMPLEX",
    "DocumentLimiter",
    "DocumentLimits",
    "ErrorCodes",
    "MaskUnexpectedErrors",
    "QueryCostLimiter",
    "RequestAccounting",
    "account",
    "coded",
    "operation_cost",
    "shared_budget",
]
