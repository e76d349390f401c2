"""The gateway's own schema extensions and validation rules, one per module."""

from .cost_limit import QueryCostLimiter, operation_cost
from .error_codes import ErrorCodes, coded
from .mask_errors import MaskUnexpectedErrors, mask_unexpected
from .request_accounting import RequestAccounting, account

__all__ = [
    "ErrorCodes",
    "MaskUnexpectedErrors",
    "QueryCostLimiter",
    "RequestAccounting",
    "account",
    "coded",
    "mask_unexpected",
    "operation_cost",
]
