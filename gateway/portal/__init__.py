"""Stripe's portal configuration as a model, and the pure policy engine that applies it.

- `configuration`: the `billing_portal.Configuration` model, in Stripe's JSON shape.
- `loading`, `validation`, `registry`, `catalog`, `config_check`: reading configurations from a
  file or Stripe's JSON, the rules they must follow, the default, checking a file.
- `context`, `flows`, `actions`, `decisions`, `refusals`: the policy's inputs and answers.
- `policy.*`: one module per action; `policy.available` answers "what may I do now".

Nothing here performs I/O except reading a configuration file; Stripe is reached only
through billing/, by the api and by the `check-config` command (`gateway/cli/`). Callers
use the names below; the modules behind them may move.
"""

from .actions import AccountAction, InvoiceAction, SubscriptionAction
from .catalog import Catalog
from .config_check import ConfigCheck, check_configuration_file
from .configuration import AdjustableQuantity, Configuration, Features
from .context import PolicyContext
from .decisions import (
    CancelDecision,
    PauseDecision,
    RenewDecision,
    ResumeDecision,
    RetentionOfferDecision,
    ScheduledUpdateDecision,
    UndoScheduledChangeDecision,
    UpdateDecision,
)
from .flows import FLOW_TYPES, Flow, FlowDataError, FlowType
from .policy.available import SubscriptionOptions, action_availability, subscription_options
from .policy.cancel import MAX_COMMENT, decide_cancel
from .policy.customer import (
    MAX_EMAIL,
    MAX_NAME,
    MAX_PHONE,
    MAX_TAX_ID_VALUE,
    UNSET,
    CustomerUpdate,
    decide_add_tax_id,
    decide_customer_update,
    decide_remove_tax_id,
)
from .policy.invoices import decide_pay_invoice, invoice_history_refusal, invoice_pay_refusal
from .policy.pause import decide_pause, decide_resume
from .policy.payment_methods import (
    decide_add_payment_method,
    decide_detach_payment_method,
    decide_flow_card_default,
    decide_set_default_payment_method,
    is_flow_card_intent,
    new_card_becomes_default,
    payment_method_refusal,
    view_payment_methods_refusal,
)
from .policy.queued_change import decide_undo
from .policy.renew import decide_renew
from .policy.retention import decide_accept_retention_offer
from .policy.session import validate_flow
from .policy.update import UpdateRequest, decide_update, switch_targets
from .policy.update_timing import ChangeTiming, change_timing
from .quotes import (
    CHANGED,
    QUOTE_FIELD,
    RESUME_CHANGE,
    RESUME_CHANGED,
    Quote,
    basis_digest,
    basis_refusal,
    change_digest,
    check_quote,
    resume_basis,
    resume_quote_refusal,
    sign_quote,
)
from .refusals import Refusal, RefusalCode
from .registry import ConfigurationRegistry, InactiveConfigurationError, UnknownConfigurationError

__all__ = [
    "CHANGED",
    "FLOW_TYPES",
    "MAX_COMMENT",
    "MAX_EMAIL",
    "MAX_NAME",
    "MAX_PHONE",
    "MAX_TAX_ID_VALUE",
    "QUOTE_FIELD",
    "RESUME_CHANGE",
    "RESUME_CHANGED",
    "UNSET",
    "AccountAction",
    "AdjustableQuantity",
    "CancelDecision",
    "Catalog",
    "ChangeTiming",
    "ConfigCheck",
    "Configuration",
    "ConfigurationRegistry",
    "CustomerUpdate",
    "Features",
    "Flow",
    "FlowDataError",
    "FlowType",
    "InactiveConfigurationError",
    "InvoiceAction",
    "PauseDecision",
    "PolicyContext",
    "Quote",
    "Refusal",
    "RefusalCode",
    "RenewDecision",
    "ResumeDecision",
    "RetentionOfferDecision",
    "ScheduledUpdateDecision",
    "SubscriptionAction",
    "SubscriptionOptions",
    "UndoScheduledChangeDecision",
    "UnknownConfigurationError",
    "UpdateDecision",
    "UpdateRequest",
    "action_availability",
    "basis_digest",
    "basis_refusal",
    "change_digest",
    "change_timing",
    "check_configuration_file",
    "check_quote",
    "decide_accept_retention_offer",
    "decide_add_payment_method",
    "decide_add_tax_id",
    "decide_cancel",
    "decide_customer_update",
    "decide_detach_payment_method",
    "decide_flow_card_default",
    "decide_pause",
    "decide_pay_invoice",
    "decide_remove_tax_id",
    "decide_renew",
    "decide_resume",
    "decide_set_default_payment_method",
    "decide_undo",
    "decide_update",
    "invoice_history_refusal",
    "invoice_pay_refusal",
    "is_flow_card_intent",
    "new_card_becomes_default",
    "payment_method_refusal",
    "resume_basis",
    "resume_quote_refusal",
    "sign_quote",
    "subscription_options",
    "switch_targets",
    "validate_flow",
    "view_payment_methods_refusal",
]
