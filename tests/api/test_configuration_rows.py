"""Every row of docs/configuration.md has a test that sets the field and checks what the
gateway does, through the API and in Stripe.

`ROWS` names the test of each row: one in this file for the rows no other test covers, or
the API test elsewhere that exercises it. The table must list every field of the stripe
SDK's `billing_portal.Configuration` and every parameter of `sessions.create`, and each
row's test must exist: a new field, or a row without a test, fails here.
"""

from __future__ import annotations

import copy
import importlib
import logging
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import stripe.params.billing_portal._session_create_params as session_params
from stripe._request_options import RequestOptions
from stripe.billing_portal import Configuration as StripeConfiguration

from gateway.portal.problems import ConfigurationError
from tests.api.mutation_calls import codes, mutate
from tests.portal.test_portal_sdk_shape import _sdk_fields

if TYPE_CHECKING:
    import stripe

    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.world import World

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"
DAY = 24 * 3600
HERE = "tests/api/test_configuration_rows.py"
SUBS = "tests/api/test_mutations_subscriptions.py"
FLOWS = "tests/auth/test_flows.py"
PROFILE = "test_the_business_profile_is_shown_and_checked"

# Each documented row -> the test that exercises it (`path::function`).
ROWS: dict[str, str] = {
    # billing_portal.Configuration
    "id": f"{HERE}::test_sessions_name_their_configuration_or_get_the_default",
    "object": f"{HERE}::test_object_must_be_a_portal_configuration",
    "active": "tests/api/test_sources.py::"
    "test_a_deactivated_configuration_keeps_its_sessions_and_refuses_new_ones",
    "application": f"{HERE}::test_read_only_and_label_fields_load_and_change_nothing",
    "business_profile.headline": f"{HERE}::{PROFILE}",
    "business_profile.privacy_policy_url": f"{HERE}::{PROFILE}",
    "business_profile.terms_of_service_url": f"{HERE}::{PROFILE}",
    "created": f"{HERE}::test_read_only_and_label_fields_load_and_change_nothing",
    "default_return_url": "tests/api/test_queries.py::"
    "test_session_return_url_falls_back_to_the_configuration",
    "features.customer_update.enabled": f"{HERE}::test_customer_updates_follow_the_configuration",
    "features.customer_update.allowed_updates": f"{HERE}::"
    "test_customer_updates_follow_the_configuration",
    "features.invoice_history.enabled": f"{HERE}::test_invoice_history_follows_the_configuration",
    "features.payment_method_update.enabled": f"{HERE}::"
    "test_payment_method_updates_follow_the_configuration",
    "features.payment_method_update.payment_method_configuration": f"{HERE}::"
    "test_payment_method_updates_follow_the_configuration",
    "features.subscription_cancel.enabled": f"{HERE}::test_cancel_feature_and_its_prorations",
    "features.subscription_cancel.mode": f"{SUBS}::test_cancel_immediately_with_prorations",
    "features.subscription_cancel.proration_behavior": f"{HERE}::"
    "test_cancel_feature_and_its_prorations",
    "features.subscription_cancel.cancellation_reason.enabled": f"{HERE}::"
    "test_cancellation_reasons_follow_the_configuration",
    "features.subscription_cancel.cancellation_reason.options": f"{HERE}::"
    "test_cancellation_reasons_follow_the_configuration",
    "features.subscription_cancel.cancellation_reason.feedback_options": "tests/api/"
    "test_feedback_options.py::"
    "test_a_feedback_option_is_offered_by_id_with_its_text_and_recorded_by_stripe",
    "features.subscription_pause.enabled": f"{HERE}::test_pause_durations_follow_the_configuration",
    "features.subscription_pause.duration.type": f"{HERE}::"
    "test_pause_durations_follow_the_configuration",
    "features.subscription_pause.duration.interval_options": f"{HERE}::"
    "test_pause_durations_follow_the_configuration",
    "features.subscription_pause.duration.interval_options.interval": f"{HERE}::"
    "test_pause_durations_follow_the_configuration",
    "features.subscription_pause.duration.interval_options.interval_count": f"{HERE}::"
    "test_pause_durations_follow_the_configuration",
    "features.subscription_update.enabled": f"{HERE}::test_subscription_updates_follow_the_rules",
    "features.subscription_update.default_allowed_updates": f"{HERE}::"
    "test_subscription_updates_follow_the_rules",
    "features.subscription_update.products": f"{HERE}::test_subscription_updates_follow_the_rules",
    "features.subscription_update.products.product": f"{HERE}::"
    "test_subscription_updates_follow_the_rules",
    "features.subscription_update.products.prices": f"{HERE}::"
    "test_subscription_updates_follow_the_rules",
    "features.subscription_update.products.adjustable_quantity.enabled": f"{HERE}::"
    "test_subscription_updates_follow_the_rules",
    "features.subscription_update.products.adjustable_quantity.minimum": f"{HERE}::"
    "test_subscription_updates_follow_the_rules",
    "features.subscription_update.products.adjustable_quantity.maximum": f"{HERE}::"
    "test_subscription_updates_follow_the_rules",
    "features.subscription_update.proration_behavior": f"{SUBS}::"
    "test_quantity_change_applies_now_with_prorations",
    "features.subscription_update.billing_cycle_anchor": "tests/api/test_preview.py::"
    "test_billing_cycle_anchor_now_is_shown_as_charged_now",
    "features.subscription_update.schedule_at_period_end.conditions": f"{SUBS}::"
    "test_downgrade_is_scheduled_at_period_end",
    "features.subscription_update.schedule_at_period_end.conditions.type": f"{SUBS}::"
    "test_downgrade_is_scheduled_at_period_end",
    "features.subscription_update.trial_update_behavior": "tests/api/test_preview.py::"
    "test_continuing_a_trial_charges_nothing_now",
    "is_default": f"{HERE}::test_sessions_name_their_configuration_or_get_the_default",
    "livemode": f"{HERE}::test_read_only_and_label_fields_load_and_change_nothing",
    "login_page.enabled": f"{HERE}::test_an_enabled_login_page_loads_with_a_warning",
    "login_page.url": f"{HERE}::test_read_only_and_label_fields_load_and_change_nothing",
    "metadata": f"{HERE}::test_read_only_and_label_fields_load_and_change_nothing",
    "name": f"{HERE}::test_read_only_and_label_fields_load_and_change_nothing",
    "updated": f"{HERE}::test_read_only_and_label_fields_load_and_change_nothing",
    # billing_portal.sessions.create
    "customer": f"{HERE}::test_sessions_name_their_configuration_or_get_the_default",
    "configuration": f"{HERE}::test_sessions_name_their_configuration_or_get_the_default",
    "return_url": "tests/api/test_queries.py::"
    "test_session_describes_customer_configuration_and_expiry",
    "locale": f"{HERE}::test_locale_is_checked_and_kept",
    "on_behalf_of": f"{HERE}::test_unsupported_session_parameters_are_refused_by_name",
    "customer_account": f"{HERE}::test_unsupported_session_parameters_are_refused_by_name",
    "expand": f"{HERE}::test_unsupported_session_parameters_are_refused_by_name",
    "after_expiration": f"{HERE}::test_unsupported_session_parameters_are_refused_by_name",
    "after_expiration.type": f"{HERE}::test_unsupported_session_parameters_are_refused_by_name",
    "after_expiration.customer_login.expires_at": f"{HERE}::"
    "test_unsupported_session_parameters_are_refused_by_name",
    "flow_data.type": f"{FLOWS}::test_cancel_flow_is_limited_to_its_subscription",
    "flow_data.after_completion.type": "tests/api/test_mutations_flows.py::"
    "test_pause_flow_completes_with_a_pause",
    "flow_data.after_completion.redirect.return_url": "tests/api/test_mutations_flows.py::"
    "test_cancel_flow_allows_only_canceling_its_subscription",
    "flow_data.after_completion.hosted_confirmation.custom_message": "tests/api/"
    "test_mutations_flows.py::test_update_confirm_flow_allows_exactly_its_change",
    "flow_data.subscription_cancel.subscription": "tests/api/test_mutations_flows.py::"
    "test_cancel_flow_allows_only_canceling_its_subscription",
    "flow_data.subscription_cancel.retention.type": "tests/api/test_retention_offer.py::"
    "test_accepting_the_offer_applies_the_coupon_and_keeps_the_subscription",
    "flow_data.subscription_cancel.retention.coupon_offer.coupon": "tests/api/"
    "test_retention_offer.py::"
    "test_a_bogus_or_spent_retention_coupon_is_refused_when_the_session_is_created",
    "flow_data.subscription_pause.subscription": "tests/api/test_mutations_flows.py::"
    "test_pause_flow_completes_with_a_pause",
    "flow_data.subscription_update.subscription": f"{HERE}::"
    "test_an_update_flow_is_its_subscriptions",
    "flow_data.subscription_update_confirm.subscription": "tests/api/test_mutations_flows.py::"
    "test_update_confirm_flow_allows_exactly_its_change",
    "flow_data.subscription_update_confirm.items": "tests/api/test_mutations_flows.py::"
    "test_update_confirm_flow_allows_exactly_its_change",
    "flow_data.subscription_update_confirm.items.id": f"{FLOWS}::"
    "test_update_confirm_flow_carries_its_change",
    "flow_data.subscription_update_confirm.items.price": f"{FLOWS}::"
    "test_update_confirm_flow_carries_its_change",
    "flow_data.subscription_update_confirm.items.quantity": "tests/api/test_mutations_flows.py::"
    "test_update_confirm_flow_allows_exactly_its_change",
    "flow_data.subscription_update_confirm.discounts": "tests/api/test_retention_offer.py::"
    "test_confirm_flow_discounts_are_checked_when_the_session_is_created",
    "flow_data.subscription_update_confirm.discounts.coupon": "tests/api/"
    "test_retention_offer.py::test_confirm_flow_discounts_are_checked_when_the_session_is_created",
    "flow_data.subscription_update_confirm.discounts.promotion_code": "tests/api/"
    "test_retention_offer.py::test_confirm_flow_discounts_are_checked_when_the_session_is_created",
}


def documented_rows() -> list[str]:
    """The first column of every table row in docs/configuration.md."""
    return re.findall(r"^\| `([a-z_.]+)` \|", DOC.read_text(encoding="utf-8"), re.MULTILINE)


def _leaves(paths: list[str]) -> set[str]:
    return {p for p in paths if not any(other.startswith(p + ".") for other in paths)}


def _session_parameters(
    cls: type = session_params.SessionCreateParams, prefix: str = ""
) -> list[str]:
    """Every parameter of `sessions.create` in the stripe SDK, nested ones dotted."""
    found: list[str] = []
    annotations: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        annotations.update(getattr(klass, "__annotations__", {}))
    for name, hint in annotations.items():
        if not prefix and name in RequestOptions.__annotations__:
            continue
        found.append(prefix + name)
        for nested in re.findall(r"SessionCreateParams\w+", str(hint)):
            inner = getattr(session_params, nested, None)
            if isinstance(inner, type) and inner is not cls:
                found += _session_parameters(inner, f"{prefix}{name}.")
    return found


def test_the_table_lists_every_field_and_parameter_once() -> None:
    rows = documented_rows()
    assert len(rows) == len(set(rows)), "a row is listed twice"
    configuration = set(_sdk_fields(StripeConfiguration))
    parameters = set(_session_parameters())
    missing = (_leaves(sorted(configuration)) | _leaves(sorted(parameters))) - set(rows)
    assert missing == set(), f"not documented: {sorted(missing)}"
    unknown = set(rows) - configuration - parameters
    assert unknown == set(), f"documented but not Stripe's: {sorted(unknown)}"


def test_every_row_names_a_test_that_exists() -> None:
    assert set(ROWS) == set(documented_rows())
    for row, node in ROWS.items():
        path, function = node.split("::")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        assert callable(getattr(module, function, None)), f"{row}: no test {node}"


# -- the rows no other test covers -------------------------------------------------------


def full(world: World, **changes: Any) -> list[dict[str, Any]]:
    """The world's configurations, the default (`full`) changed at dotted paths."""
    configurations = world.configurations()
    target = configurations[0]
    for dotted, value in changes.items():
        node = target
        *parents, leaf = dotted.split("__")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = copy.deepcopy(value)
    return configurations


async def refused_at_start(gateway_factory: GatewayFactory, configurations: Any) -> str:
    with pytest.raises(ConfigurationError) as problems:
        await gateway_factory.start(configurations)
    return str(problems.value)


CANCEL = """mutation($i: CancelSubscriptionInput!) { cancelSubscription(input: $i) {
  subscription { id status } userErrors { code field } } }"""


async def test_sessions_name_their_configuration_or_get_the_default(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    query = "{ session { customerId configuration { id } } }"
    default = await gateway.token_for(world.alice.id)
    assert (await gateway.post(query, token=default)).ok()["session"] == {
        "customerId": world.alice.id,
        "configuration": {"id": "full"},
    }
    named = await gateway.token_for(world.alice.id, configuration="minimal")
    assert (await gateway.post(query, token=named)).ok()["session"]["configuration"] == {
        "id": "minimal"
    }
    # Under `minimal` nothing is offered: canceling in Stripe is refused.
    refused = (
        await gateway.post(CANCEL, {"i": {"subscriptionId": world.alice.subscription}}, token=named)
    ).ok()["cancelSubscription"]
    assert codes(refused) == [("FEATURE_DISABLED", None)]
    stored = await stripe_client.v1.subscriptions.retrieve_async(world.alice.subscription)
    assert stored.cancel_at_period_end is False
    for fields, expected in (
        ({"configuration": "bpc_nope"}, ("NOT_FOUND", "configuration")),
        ({"customer": "cus_nope"}, ("NOT_FOUND", "customer")),
    ):
        customer = fields.pop("customer", world.alice.id)
        answer = await gateway.create_session(customer, **fields)
        errors = answer.ok()["createPortalSession"]["userErrors"]
        assert [(e["code"], e["field"]) for e in errors] == [expected]


async def test_object_must_be_a_portal_configuration(
    gateway_factory: GatewayFactory, world: World
) -> None:
    problem = await refused_at_start(gateway_factory, full(world, object="billing_portal.session"))
    assert "object" in problem
    assert await gateway_factory.start(full(world, object="billing_portal.configuration"))


async def test_read_only_and_label_fields_load_and_change_nothing(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    configurations = full(
        world,
        application="ca_platform",
        created=1_700_000_000,
        livemode=False,
        name="Acme portal",
        updated=1_700_000_100,
        login_page={"enabled": False, "url": "https://billing.stripe.com/p/login/test_x"},
        metadata={"team": "billing"},
    )
    gateway = await gateway_factory.start(configurations)
    token = await gateway.token_for(world.bob.id)
    done = (
        await gateway.post(CANCEL, {"i": {"subscriptionId": world.bob.subscription}}, token=token)
    ).ok()["cancelSubscription"]
    assert done["userErrors"] == []
    stored = await stripe_client.v1.subscriptions.retrieve_async(world.bob.subscription)
    assert stored.cancel_at_period_end is True
    # Metadata is held to Stripe's limits.
    too_many = {f"k{i}": "v" for i in range(51)}
    assert "metadata" in await refused_at_start(gateway_factory, full(world, metadata=too_many))


async def test_an_enabled_login_page_loads_with_a_warning(
    gateway_factory: GatewayFactory, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="gateway.sources"):
        gateway = await gateway_factory.start(full(world, login_page={"enabled": True}))
    assert any("login_page.enabled" in r.getMessage() for r in caplog.records)
    assert await gateway.token_for(world.alice.id)


async def test_the_business_profile_is_shown_and_checked(
    gateway: RunningGateway, gateway_factory: GatewayFactory, world: World
) -> None:
    token = await gateway.token_for(world.alice.id)
    query = """{ session { configuration { businessProfile {
      headline privacyPolicyUrl termsOfServiceUrl } } } }"""
    shown = (await gateway.post(query, token=token)).ok()
    assert shown["session"]["configuration"]["businessProfile"] == {
        "headline": "Acme billing",
        "privacyPolicyUrl": "https://acme.example/privacy",
        "termsOfServiceUrl": "https://acme.example/terms",
    }
    for changes, path in (
        ({"headline": "x" * 61}, "business_profile.headline"),
        ({"privacy_policy_url": "acme.example/privacy"}, "business_profile.privacy_policy_url"),
        ({"terms_of_service_url": "ftp://acme.example"}, "business_profile.terms_of_service_url"),
    ):
        profile = {**world.configurations()[0]["business_profile"], **changes}
        assert path in await refused_at_start(
            gateway_factory, full(world, business_profile=profile)
        )


async def test_customer_updates_follow_the_configuration(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    gateway = await gateway_factory.start(
        full(world, features__customer_update={"enabled": True, "allowed_updates": ["email"]})
    )
    token = await gateway.token_for(world.alice.id)
    refused = await mutate(gateway, token, "updateCustomer", name="Mallory")
    assert codes(refused) == [("FIELD_NOT_ALLOWED", "name")]
    tax = await mutate(gateway, token, "addTaxId", type="eu_vat", value="DE555555555")
    assert codes(tax) == [("FIELD_NOT_ALLOWED", "taxId")]
    done = await mutate(gateway, token, "updateCustomer", email="alice@new.example")
    assert done["userErrors"] == []
    stored = await stripe_client.v1.customers.retrieve_async(world.alice.id)
    assert (stored.email, stored.name) == ("alice@new.example", "Alice")
    off = await gateway.token_for(world.alice.id, configuration="minimal")
    assert codes(await mutate(gateway, off, "updateCustomer", email="x@example.com")) == [
        ("FEATURE_DISABLED", None)
    ]
    stored = await stripe_client.v1.customers.retrieve_async(world.alice.id)
    assert stored.email == "alice@new.example"


async def test_invoice_history_follows_the_configuration(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    query = "{ invoices(first: 50) { nodes { id } } }"
    on = await gateway.token_for(world.alice.id)
    listed = (await gateway.post(query, token=on)).ok()["invoices"]["nodes"]
    in_stripe = await stripe_client.v1.invoices.list_async(
        {"customer": world.alice.id, "limit": 50}
    )
    assert {i["id"] for i in listed} == {i.id for i in in_stripe.data}
    off = await gateway.token_for(world.alice.id, configuration="minimal")
    assert (await gateway.post(query, token=off)).error_codes == ["FEATURE_DISABLED"]


async def test_payment_method_updates_follow_the_configuration(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    cards = await stripe_client.v1.payment_method_configurations.create_async(
        {"name": "Cards only"}
    )
    feature = {"enabled": True, "payment_method_configuration": cards.id}
    gateway = await gateway_factory.start(full(world, features__payment_method_update=feature))
    token = await gateway.token_for(world.bob.id)
    created = await mutate(gateway, token, "createSetupIntent")
    assert created["userErrors"] == []
    intent = await stripe_client.v1.setup_intents.retrieve_async(created["setupIntent"]["id"])
    assert intent.payment_method_configuration_details is not None
    assert intent.payment_method_configuration_details.id == cards.id
    off = await gateway.token_for(world.bob.id, configuration="minimal")
    assert codes(await mutate(gateway, off, "createSetupIntent")) == [("FEATURE_DISABLED", None)]
    intents = await stripe_client.v1.setup_intents.list_async({"customer": world.bob.id})
    assert [i.id for i in intents.data] == [intent.id]
    # Checked with Stripe at load: unknown, or no longer active, stops the start.
    path = "full: features.payment_method_update.payment_method_configuration"
    unknown = {"enabled": True, "payment_method_configuration": "pmc_typo"}
    problem = await refused_at_start(
        gateway_factory, full(world, features__payment_method_update=unknown)
    )
    assert f"{path}: Stripe has no payment method configuration 'pmc_typo'" in problem
    await stripe_client.v1.payment_method_configurations.update_async(cards.id, {"active": False})
    problem = await refused_at_start(
        gateway_factory, full(world, features__payment_method_update=feature)
    )
    assert f"{path}: the payment method configuration {cards.id!r} is not active" in problem


async def test_cancel_feature_and_its_prorations(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    cancel = {"enabled": True, "mode": "immediately", "proration_behavior": "create_prorations"}
    gateway = await gateway_factory.start(full(world, features__subscription_cancel=cancel))
    token = await gateway.token_for(world.bob.id)
    done = (
        await gateway.post(CANCEL, {"i": {"subscriptionId": world.bob.subscription}}, token=token)
    ).ok()["cancelSubscription"]
    assert done["userErrors"] == []
    stored = await stripe_client.v1.subscriptions.retrieve_async(world.bob.subscription)
    assert stored.status == "canceled"
    credits = await stripe_client.v1.invoice_items.list_async({"customer": world.bob.id})
    assert any(item.amount < 0 for item in credits.data), "the unused time is credited"
    off = await gateway.token_for(world.alice.id, configuration="minimal")
    refused = (
        await gateway.post(CANCEL, {"i": {"subscriptionId": world.alice.subscription}}, token=off)
    ).ok()["cancelSubscription"]
    assert codes(refused) == [("FEATURE_DISABLED", None)]
    for behavior, mode in (
        ("always_invoice", "immediately"),
        ("create_prorations", "at_period_end"),
    ):
        wrong = {"enabled": True, "mode": mode, "proration_behavior": behavior}
        problem = await refused_at_start(
            gateway_factory, full(world, features__subscription_cancel=wrong)
        )
        assert "features.subscription_cancel.proration_behavior" in problem


async def test_cancellation_reasons_follow_the_configuration(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    reasons = {"enabled": True, "options": ["unused"]}
    cancel = {"enabled": True, "cancellation_reason": reasons}
    gateway = await gateway_factory.start(full(world, features__subscription_cancel=cancel))
    token = await gateway.token_for(world.bob.id)
    sub = world.bob.subscription
    offered = await mutate(gateway, token, "cancelSubscription", subscriptionId=sub, reason="OTHER")
    assert codes(offered) == [("REASON_NOT_ALLOWED", "reason")]
    done = await mutate(gateway, token, "cancelSubscription", subscriptionId=sub, reason="UNUSED")
    assert done["userErrors"] == []
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert stored.cancellation_details is not None
    assert stored.cancellation_details.feedback == "unused"
    silent = {"enabled": True, "cancellation_reason": {"enabled": False, "options": []}}
    quiet = await gateway_factory.start(full(world, features__subscription_cancel=silent))
    alice = await quiet.token_for(world.alice.id)
    refused = await mutate(
        quiet, alice, "cancelSubscription", subscriptionId=world.alice.subscription, reason="UNUSED"
    )
    assert codes(refused) == [("REASON_NOT_ALLOWED", "reason")]
    stored = await stripe_client.v1.subscriptions.retrieve_async(world.alice.subscription)
    assert stored.cancel_at_period_end is False


async def test_pause_durations_follow_the_configuration(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    two_weeks = {
        "enabled": True,
        "duration": {
            "type": "interval_options",
            "interval_options": [{"interval": "week", "interval_count": 2}],
        },
    }
    gateway = await gateway_factory.start(full(world, features__subscription_pause=two_weeks))
    token = await gateway.token_for(world.bob.id)
    sub = world.bob.subscription
    other = await mutate(
        gateway,
        token,
        "pauseSubscription",
        subscriptionId=sub,
        pauseFor={"interval": "MONTH", "intervalCount": 1},
    )
    assert codes(other) == [("PAUSE_DURATION_NOT_OFFERED", "pauseFor")]
    open_ended = await mutate(gateway, token, "pauseSubscription", subscriptionId=sub)
    assert codes(open_ended) == [("PAUSE_DURATION_NOT_OFFERED", "pauseFor")]
    before = int(time.time())
    done = await mutate(
        gateway,
        token,
        "pauseSubscription",
        subscriptionId=sub,
        pauseFor={"interval": "WEEK", "intervalCount": 2},
    )
    assert done["userErrors"] == []
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub, {"expand": ["schedule"]})
    assert stored.status == "paused"
    schedule: Any = stored.schedule
    resumes_at = schedule.pause_schedules[0].resume.resume_at
    assert before + 14 * DAY <= resumes_at <= int(time.time()) + 14 * DAY
    indefinite = {"enabled": True, "duration": {"type": "indefinite"}}
    anytime = await gateway_factory.start(full(world, features__subscription_pause=indefinite))
    alice = await anytime.token_for(world.alice.id)
    paused = await mutate(
        anytime, alice, "pauseSubscription", subscriptionId=world.alice.subscription
    )
    assert paused["userErrors"] == []
    stored = await stripe_client.v1.subscriptions.retrieve_async(world.alice.subscription)
    assert (stored.status, stored.schedule) == ("paused", None)
    off = await anytime.token_for(world.alice.id, configuration="minimal")
    assert codes(
        await mutate(anytime, off, "pauseSubscription", subscriptionId=world.alice.subscription)
    ) == [("FEATURE_DISABLED", None)]
    too_long = {
        "enabled": True,
        "duration": {"interval_options": [{"interval": "year", "interval_count": 4}]},
    }
    problem = await refused_at_start(
        gateway_factory, full(world, features__subscription_pause=too_long)
    )
    assert "features.subscription_pause.duration.interval_options[0]" in problem


async def test_subscription_updates_follow_the_rules(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    update = {
        "enabled": True,
        "default_allowed_updates": ["price", "quantity"],
        "proration_behavior": "none",
        "products": [
            {
                "product": world.basic_product,
                "prices": [world.basic_monthly],
                "adjustable_quantity": {"enabled": True, "minimum": 3, "maximum": 4},
            },
            {
                "product": world.pro_product,
                "prices": [world.pro_monthly],
                "adjustable_quantity": {"enabled": False},
            },
        ],
    }
    gateway = await gateway_factory.start(full(world, features__subscription_update=update))
    alice = await gateway.token_for(world.alice.id)
    sub = world.alice.subscription
    for fields, expected in (
        ({"quantity": 2}, ("QUANTITY_NOT_ALLOWED", "quantity")),
        ({"quantity": 5}, ("QUANTITY_NOT_ALLOWED", "quantity")),
        ({"priceId": world.basic_yearly}, ("PRICE_NOT_ALLOWED", "priceId")),
    ):
        answer = await mutate(gateway, alice, "updateSubscription", subscriptionId=sub, **fields)
        assert codes(answer) == [expected], fields
    done = await mutate(gateway, alice, "updateSubscription", subscriptionId=sub, quantity=4)
    assert done["userErrors"] == []
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert stored["items"].data[0].quantity == 4
    bob = await gateway.token_for(world.bob.id)
    fixed = await mutate(
        gateway, bob, "updateSubscription", subscriptionId=world.bob.subscription, quantity=2
    )
    assert codes(fixed) == [("QUANTITY_NOT_ALLOWED", "quantity")]
    no_quantity = {**update, "default_allowed_updates": ["price"]}
    prices_only = await gateway_factory.start(
        full(world, features__subscription_update=no_quantity)
    )
    token = await prices_only.token_for(world.alice.id)
    answer = await mutate(prices_only, token, "updateSubscription", subscriptionId=sub, quantity=2)
    assert codes(answer) == [("FEATURE_DISABLED", "quantity")]
    off = await gateway.token_for(world.alice.id, configuration="minimal")
    assert codes(
        await mutate(gateway, off, "updateSubscription", subscriptionId=sub, quantity=2)
    ) == [("FEATURE_DISABLED", None)]
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert stored["items"].data[0].quantity == 4
    unknown = {**update, "products": [{"product": "prod_nope", "prices": [world.basic_monthly]}]}
    problem = await refused_at_start(
        gateway_factory, full(world, features__subscription_update=unknown)
    )
    assert "features.subscription_update.products[0]" in problem


async def test_an_update_flow_is_its_subscriptions(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    other = await stripe_client.v1.subscriptions.create_async(
        {"customer": world.alice.id, "items": [{"price": world.pro_monthly}]}
    )
    token = await gateway.token_for(
        world.alice.id,
        flowData={
            "type": "SUBSCRIPTION_UPDATE",
            "subscriptionUpdate": {"subscription": world.alice.subscription},
            "afterCompletion": {"type": "HOSTED_CONFIRMATION"},
        },
    )
    elsewhere = await mutate(
        gateway, token, "updateSubscription", subscriptionId=other.id, quantity=2
    )
    assert codes(elsewhere) == [("FLOW_RESTRICTED", "subscriptionId")]
    done = await mutate(
        gateway, token, "updateSubscription", subscriptionId=world.alice.subscription, quantity=2
    )
    assert done["userErrors"] == []
    assert (await stripe_client.v1.subscriptions.retrieve_async(other.id))["items"].data[
        0
    ].quantity == 1
    mine = await stripe_client.v1.subscriptions.retrieve_async(world.alice.subscription)
    assert mine["items"].data[0].quantity == 2
    someone_elses = await gateway.create_session(
        world.alice.id,
        flowData={
            "type": "SUBSCRIPTION_UPDATE",
            "subscriptionUpdate": {"subscription": world.bob.subscription},
        },
    )
    errors = someone_elses.ok()["createPortalSession"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [
        ("NOT_FOUND", "flowData.subscriptionUpdate.subscription")
    ]


async def test_locale_is_checked_and_kept(gateway: RunningGateway, world: World) -> None:
    token = await gateway.token_for(world.alice.id, locale="ja")
    assert (await gateway.post("{ session { locale } }", token=token)).ok()["session"] == {
        "locale": "ja"
    }
    bad = await gateway.create_session(world.alice.id, locale="klingon")
    errors = bad.ok()["createPortalSession"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID_INPUT", "locale")]


async def test_unsupported_session_parameters_are_refused_by_name(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    for field in ("onBehalfOf", "customerAccount"):
        answer = await gateway.create_session(world.alice.id, **{field: "acct_123"})
        errors = answer.ok()["createPortalSession"]
        assert errors["session"] is None
        assert [(e["code"], e["field"]) for e in errors["userErrors"]] == [("INVALID_INPUT", field)]
    for field, value in (
        ("afterExpiration", {"type": "customer_login", "customerLogin": {"expiresAt": 1}}),
        ("expand", ["flow"]),
    ):
        answer = await gateway.create_session(world.alice.id, **{field: value})
        [error] = answer.errors
        assert field in error["message"]
    # Nothing was created for the customer in Stripe either.
    customer = await stripe_client.v1.customers.retrieve_async(world.alice.id)
    assert customer.id == world.alice.id
