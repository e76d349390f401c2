"""The Mutation root: one file per mutation, merged here.

A mutation file defines `<Name>Input`, `<Name>Payload` (with `userErrors`) and a
`<Name>Mutation` type holding the resolver; add that type to `MUTATIONS`.
"""

from strawberry.tools import merge_types

from .add_tax_id import AddTaxIdMutation
from .cancel_subscription import CancelSubscriptionMutation
from .confirm_setup_intent_for_testing import ConfirmSetupIntentForTestingMutation
from .create_portal_session import CreatePortalSessionMutation
from .create_setup_intent import CreateSetupIntentMutation
from .detach_payment_method import DetachPaymentMethodMutation
from .end_portal_session import EndPortalSessionMutation
from .pause_subscription import PauseSubscriptionMutation
from .pay_invoice import PayInvoiceMutation
from .redeem_portal_session import RedeemPortalSessionMutation
from .remove_tax_id import RemoveTaxIdMutation
from .renew_subscription import RenewSubscriptionMutation
from .resume_subscription import ResumeSubscriptionMutation
from .revoke_portal_session import RevokePortalSessionMutation
from .set_default_payment_method import SetDefaultPaymentMethodMutation
from .undo_scheduled_change import UndoScheduledChangeMutation
from .update_customer import UpdateCustomerMutation
from .update_subscription import UpdateSubscriptionMutation

MUTATIONS: tuple[type, ...] = (
    CreatePortalSessionMutation,
    RedeemPortalSessionMutation,
    RevokePortalSessionMutation,
    EndPortalSessionMutation,
    CancelSubscriptionMutation,
    RenewSubscriptionMutation,
    UpdateSubscriptionMutation,
    UndoScheduledChangeMutation,
    PauseSubscriptionMutation,
    ResumeSubscriptionMutation,
    CreateSetupIntentMutation,
    ConfirmSetupIntentForTestingMutation,
    SetDefaultPaymentMethodMutation,
    DetachPaymentMethodMutation,
    UpdateCustomerMutation,
    AddTaxIdMutation,
    RemoveTaxIdMutation,
    PayInvoiceMutation,
)

Mutation = merge_types("Mutation", MUTATIONS)
