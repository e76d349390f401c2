"""Invariants of the policy over generated configurations, subscriptions and requests.

- no price outside the allowlist (or breaking a price rule) is ever allowed;
- a disabled feature never allows anything;
- an allowed action's Stripe parameters always match the configuration's behaviour settings;
- "what may I do now" agrees with the decisions themselves.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.models import PauseCollection, Price, Subscription, SubscriptionItem
from gateway.portal.actions import SubscriptionAction
from gateway.portal.catalog import Catalog
from gateway.portal.configuration import Configuration
from gateway.portal.context import PolicyContext
from gateway.portal.decisions import (
    CancelDecision,
    PauseDecision,
    ScheduledUpdateDecision,
    UpdateDecision,
)
from gateway.portal.flows import Flow, FlowItem
from gateway.portal.policy.available import (
    account_capabilities,
    action_availability,
    available_actions,
    subscription_options,
)
from gateway.portal.policy.cancel import decide_cancel
from gateway.portal.policy.customer import CustomerUpdate, decide_add_tax_id, decide_customer_update
from gateway.portal.policy.invoices import invoice_history_refusal
from gateway.portal.policy.pause import decide_pause, decide_resume, pause_options
from gateway.portal.policy.payment_methods import (
    decide_add_payment_method,
    decide_detach_payment_method,
    decide_set_default_payment_method,
)
from gateway.portal.policy.renew import decide_renew
from gateway.portal.policy.update import UpdateRequest, decide_update, switch_targets
from gateway.portal.refusals import Refusal
from tests.portal.portal_builders import NOW, PERIOD_END, PERIOD_START, PRICES, card, customer

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def mostly(value: Any, *others: Any) -> st.SearchStrategy[Any]:
    """`value` nine times in ten, else one of `others`: keeps many cases updatable."""
    return st.sampled_from([value] * 9 * len(others) + list(others))


products = ["prod_BASIC", "prod_PRO", "prod_OTHER", "prod_X"]
extra_prices = st.builds(
    Price,
    id=st.sampled_from([f"price_gen_{i}" for i in range(6)]),
    product_id=st.sampled_from(products),
    active=st.booleans(),
    currency=st.sampled_from(["usd", "eur"]),
    unit_amount=st.one_of(st.none(), st.integers(0, 50_000)),
    type=st.sampled_from(["recurring", "recurring", "one_time"]),
    interval=st.sampled_from(["day", "week", "month", "year"]),
    interval_count=st.integers(1, 3),
    usage_type=st.sampled_from([None, "licensed", "metered"]),
)


@st.composite
def universes(draw: st.DrawFn) -> dict[str, Price]:
    """The prices that exist: the fixed ones plus a few generated."""
    prices = dict(PRICES)
    for price in draw(st.lists(extra_prices, max_size=4)):
        prices[price.id] = price
    return prices


@st.composite
def configurations(draw: st.DrawFn, prices: dict[str, Price], healthy: bool) -> Configuration:
    ids = [*sorted(prices), "price_ghost"]
    listed = draw(st.lists(st.sampled_from(ids), unique=True, max_size=8))
    rules: dict[str, list[str]] = {}
    for price_id in listed:
        owner = prices[price_id].product_id if price_id in prices else "prod_X"
        # Sometimes list a price under a product it does not belong to.
        owner = draw(mostly(owner, *products))
        rules.setdefault(owner, []).append(price_id)
    product_rules = []
    for product, product_prices in rules.items():
        minimum = draw(st.integers(0, 3))
        product_rules.append(
            {
                "product": product,
                "prices": product_prices,
                "adjustable_quantity": {
                    "enabled": draw(mostly(True, False)),
                    "minimum": minimum,
                    "maximum": draw(st.one_of(st.none(), st.integers(max(minimum, 1), 60))),
                },
            }
        )
    data = {
        "id": "bpc_gen",
        "features": {
            "customer_update": {
                "enabled": draw(st.booleans()),
                "allowed_updates": draw(
                    st.lists(
                        st.sampled_from(
                            ["address", "email", "name", "phone", "shipping", "tax_id"]
                        ),
                        unique=True,
                    )
                ),
            },
            "invoice_history": {"enabled": draw(st.booleans())},
            "payment_method_update": {"enabled": draw(st.booleans())},
            "subscription_cancel": {
                "enabled": draw(st.booleans()),
                "mode": draw(st.sampled_from(["at_period_end", "immediately"])),
                "proration_behavior": draw(st.sampled_from(["none", "create_prorations"])),
                "cancellation_reason": {
                    "enabled": draw(st.booleans()),
                    "options": draw(
                        st.lists(st.sampled_from(["other", "unused", "too_expensive"]), unique=True)
                    ),
                },
            },
            "subscription_pause": {
                "enabled": draw(st.booleans()),
                "duration": draw(
                    st.sampled_from(
                        [
                            {"type": "indefinite"},
                            {
                                "type": "interval_options",
                                "interval_options": [{"interval": "week"}],
                            },
                            {
                                "type": "interval_options",
                                "interval_options": [
                                    {"interval": "day", "interval_count": 3},
                                    {"interval": "month", "interval_count": 2},
                                ],
                            },
                        ]
                    )
                ),
            },
            "subscription_update": {
                "enabled": healthy or draw(st.booleans()),
                "default_allowed_updates": draw(
                    st.one_of(
                        st.just(["price", "quantity", "promotion_code"]),
                        st.lists(
                            st.sampled_from(["price", "quantity", "promotion_code"]), unique=True
                        ),
                    )
                ),
                "products": product_rules,
                "proration_behavior": draw(
                    st.sampled_from(["none", "create_prorations", "always_invoice"])
                ),
                "schedule_at_period_end": {
                    "conditions": [
                        {"type": t}
                        for t in draw(
                            st.lists(
                                st.sampled_from(["decreasing_item_amount", "shortening_interval"]),
                                unique=True,
                            )
                        )
                    ]
                },
                "trial_update_behavior": draw(st.sampled_from(["end_trial", "continue_trial"])),
                "billing_cycle_anchor": draw(st.sampled_from([None, "now", "unchanged"])),
            },
        },
    }
    return Configuration.model_validate(data)


@st.composite
def subscriptions(
    draw: st.DrawFn, prices: dict[str, Price], configuration: Configuration, healthy: bool
) -> Subscription:
    """Any subscription, or (healthy) one the portal can update: the interesting half."""
    update = configuration.features.subscription_update
    listed = [
        price_id
        for rule in update.products or ()
        for price_id in rule.prices
        if price_id in prices and prices[price_id].product_id == rule.product
    ]
    choices = st.sampled_from(sorted(prices))
    if listed:
        choices = st.one_of(st.sampled_from(listed), choices)
        if healthy:
            choices = st.sampled_from(listed)
    count = 1 if healthy else draw(mostly(1, 2))
    items = tuple(
        SubscriptionItem(
            f"si_{i}", prices[draw(choices)], draw(st.integers(1, 60)), PERIOD_START, PERIOD_END
        )
        for i in range(count)
    )
    if healthy:
        return Subscription(
            id="sub_1",
            customer_id="cus_1",
            status=draw(st.sampled_from(["active", "active", "trialing"])),
            items=items,
            currency=draw(mostly("usd", "eur")),
        )
    return Subscription(
        id="sub_1",
        customer_id="cus_1",
        status=draw(
            st.sampled_from(
                ["active"] * 10
                + ["trialing"] * 4
                + ["past_due", "canceled", "unpaid", "paused", "incomplete", "incomplete_expired"]
            )
        ),
        items=items,
        currency=draw(mostly("usd", "eur")),
        collection_method=draw(mostly("charge_automatically", "send_invoice")),
        cancel_at_period_end=draw(mostly(False, True)),
        cancel_at=draw(mostly(None, PERIOD_END)),
        pause_collection=draw(mostly(None, PauseCollection("void"))),
        schedule_id=draw(mostly(None, "sub_sched_1")),
    )


def flows(sub: Subscription) -> st.SearchStrategy[Flow | None]:
    item_id = sub.items[0].id
    return st.one_of(
        st.none(),
        st.none(),
        st.none(),
        st.none(),
        st.sampled_from(
            [
                Flow("payment_method_update"),
                Flow("customer_update"),
                Flow("subscription_cancel", subscription_id="sub_1"),
                Flow("subscription_update", subscription_id="sub_1"),
                Flow("subscription_update", subscription_id="sub_2"),
                Flow("subscription_pause", subscription_id="sub_1"),
                Flow(
                    "subscription_update_confirm",
                    subscription_id="sub_1",
                    item=FlowItem(item_id, price="price_pro_y", quantity=2),
                ),
            ]
        ),
    )


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[PolicyContext, Subscription, dict[str, Price]]:
    prices = draw(universes())
    healthy = draw(st.booleans())
    configuration = draw(configurations(prices, healthy))
    sub = draw(subscriptions(prices, configuration, healthy))
    flow = None if healthy and draw(st.booleans()) else draw(flows(sub))
    return PolicyContext(configuration, flow, NOW), sub, prices


@st.composite
def requests(draw: st.DrawFn, context: PolicyContext) -> UpdateRequest:
    listed = [
        price_id
        for rule in context.configuration.features.subscription_update.products or ()
        for price_id in rule.prices
    ]
    every = [*sorted(PRICES), *(f"price_gen_{i}" for i in range(6))]
    price_ids = st.sampled_from(every)
    if listed:
        price_ids = st.one_of(st.sampled_from(listed), st.sampled_from(listed), price_ids)
    return UpdateRequest(
        price_id=draw(st.one_of(price_ids, st.none())),
        quantity=draw(st.one_of(st.integers(1, 12), st.none(), st.integers(-2, 80))),
        promotion_code=draw(mostly(None, "promo_1")),
        proration_date=draw(st.sampled_from([None, None, NOW, PERIOD_START - 1])),
    )


@st.composite
def scenarios_with_requests(
    draw: st.DrawFn,
) -> tuple[tuple[PolicyContext, Subscription, dict[str, Price]], UpdateRequest]:
    scenario = draw(scenarios())
    return scenario, draw(requests(scenario[0]))


def listing_of(configuration: Configuration, price_id: str) -> str | None:
    rule = configuration.features.subscription_update.rule_listing_price(price_id)
    return rule.product if rule else None


@SETTINGS
@given(scenarios_with_requests())
def test_no_price_outside_the_allowlist_is_ever_allowed(generated: Any) -> None:
    (context, sub, prices), request = generated
    target = prices.get(request.price_id or "")
    decision = decide_update(context, sub, request, target)
    if isinstance(decision, Refusal):
        return
    feature = context.configuration.features.subscription_update
    current = sub.items[0]
    if decision.price_id != current.price.id:
        assert feature.allows("price") or (context.flow is not None and context.flow.item)
        owner = listing_of(context.configuration, decision.price_id)
        assert owner is not None
        assert target is not None
        assert target.id == decision.price_id
        assert target.product_id == owner
        assert target.active
        assert target.is_recurring
        assert target.usage_type != "metered"
        assert target.currency == sub.currency
    # The subscription itself must have been updatable.
    assert len(sub.items) == 1
    assert sub.status in ("active", "trialing")
    assert listing_of(context.configuration, current.price.id) == current.price.product_id
    if decision.quantity != current.quantity:
        assert decision.quantity >= 1
        owner = listing_of(context.configuration, decision.price_id)
        rule = feature.product_rule(owner or "")
        assert rule is not None
        limits = rule.adjustable_quantity
        assert limits.enabled
        assert limits.minimum <= decision.quantity
        assert limits.maximum is None or decision.quantity <= limits.maximum


@SETTINGS
@given(scenarios_with_requests(), st.sampled_from([None, "other", "unused"]))
def test_a_disabled_feature_never_allows_anything(generated: Any, reason: str | None) -> None:
    (context, sub, prices), request = generated
    features = context.configuration.features
    cus = customer()
    target = prices.get(request.price_id or "")
    outcomes: dict[str, list[object]] = {
        "subscription_update": [decide_update(context, sub, request, target)],
        # Renew and resume undo the customer's own pending cancel or pause: no feature needed.
        "subscription_cancel": [decide_cancel(context, sub, reason=reason)],
        "subscription_pause": [decide_pause(context, sub, resumes_at=NOW + 86_400)],
        "customer_update": [
            decide_customer_update(context, cus, CustomerUpdate(email="a@b.co")),
            decide_add_tax_id(context, cus.id, type="eu_vat", value="DE1"),
        ],
        "payment_method_update": [
            decide_add_payment_method(context, cus),
            decide_set_default_payment_method(context, cus, card("pm_2"), [sub]),
            decide_detach_payment_method(
                context, cus, card("pm_2"), [card("pm_1"), card("pm_2")], [sub]
            ),
        ],
        "invoice_history": [invoice_history_refusal(context) or "allowed"],
    }
    for name, results in outcomes.items():
        if not getattr(features, name).enabled:
            assert all(isinstance(r, Refusal) for r in results), (name, results)
    # Each update type needs its own switch too.
    update = outcomes["subscription_update"][0]
    if isinstance(update, UpdateDecision):
        assert not update.changes_price or features.subscription_update.allows("price")
        assert not update.changes_quantity or features.subscription_update.allows("quantity")
        assert update.promotion_code is None or features.subscription_update.allows(
            "promotion_code"
        )
    available = available_actions(context, sub)
    if not features.subscription_cancel.enabled:
        assert SubscriptionAction.CANCEL not in available
    if not features.subscription_pause.enabled:
        assert SubscriptionAction.PAUSE not in available
    if not features.subscription_update.enabled:
        assert not available & {
            SubscriptionAction.SWITCH_PRICE,
            SubscriptionAction.CHANGE_QUANTITY,
            SubscriptionAction.APPLY_PROMOTION_CODE,
        }
    capabilities = account_capabilities(context)
    if not features.customer_update.enabled:
        assert not capabilities.customer_fields
        assert not capabilities.manage_tax_ids
    if not features.payment_method_update.enabled:
        assert not capabilities.add_payment_method
        assert not capabilities.detach_payment_method
    if not features.invoice_history.enabled:
        assert not capabilities.view_invoices


@SETTINGS
@given(scenarios_with_requests(), st.sampled_from([None, "other", "unused", "too_expensive"]))
def test_allowed_actions_carry_the_configured_behaviour(generated: Any, reason: str | None) -> None:
    (context, sub, prices), request = generated
    features = context.configuration.features
    cancel = decide_cancel(context, sub, reason=reason)
    if isinstance(cancel, CancelDecision):
        mode = features.subscription_cancel.mode
        assert cancel.mode == mode
        if mode == "at_period_end":
            assert cancel.call == "update"
            assert cancel.params["cancel_at_period_end"] is True
            assert "prorate" not in cancel.params
        else:
            assert cancel.call == "cancel"
            assert cancel.params["prorate"] is (
                features.subscription_cancel.proration_behavior == "create_prorations"
            )
        details = cancel.params.get("cancellation_details")
        if reason is None:
            assert details is None
        else:
            assert features.subscription_cancel.cancellation_reason.enabled
            assert details == {"feedback": reason}
            assert reason in features.subscription_cancel.cancellation_reason.options
    update = decide_update(context, sub, request, prices.get(request.price_id or ""))
    feature = features.subscription_update
    configured = {c.type for c in feature.schedule_at_period_end.conditions}
    if isinstance(update, ScheduledUpdateDecision):
        assert update.conditions
        assert set(update.conditions) <= configured
        assert update.next_phase["proration_behavior"] == "none"
        assert update.effective_at == sub.items[0].current_period_end
    elif isinstance(update, UpdateDecision) and "items" in update.params:
        params = update.params
        assert params["proration_behavior"] == feature.proration_behavior
        assert params["items"] == [
            {"id": sub.items[0].id, "price": update.price_id, "quantity": update.quantity}
        ]
        ends_trial = sub.status == "trialing" and feature.trial_update_behavior == "end_trial"
        assert ("trial_end" in params) is ends_trial
        anchors = sub.status != "trialing" and feature.billing_cycle_anchor == "now"
        assert (params.get("billing_cycle_anchor") == {"type": "now"}) is anchors
        assert ("proration_date" in params) is (
            request.proration_date is not None and feature.proration_behavior != "none"
        )
    options = pause_options(context.configuration, NOW)
    chosen = (options[0].interval, options[0].interval_count) if options else None
    pause = decide_pause(context, sub, pause_for=chosen)
    if isinstance(pause, PauseDecision):
        # Stripe's pause: a configured length through a pause schedule Stripe resumes,
        # open-ended (the pause endpoint) only where the configuration is indefinite.
        if options:
            assert (pause.call, pause.resumes_at) == ("schedule", options[0].resumes_at)
            assert pause.params["from_subscription"] == sub.id
        else:
            assert (pause.call, pause.resumes_at) == ("pause", None)


@SETTINGS
@given(scenarios())
def test_available_actions_agree_with_the_decisions(scenario: Any) -> None:
    context, sub, prices = scenario
    catalog = Catalog.build([], prices.values())
    available = available_actions(context, sub, catalog=catalog)
    A = SubscriptionAction

    def allowed(result: Any) -> bool:
        return not isinstance(result, Refusal)

    assert (A.CANCEL in available) is allowed(decide_cancel(context, sub))
    assert (A.RENEW in available) is allowed(decide_renew(context, sub))
    assert (A.RESUME in available) is allowed(decide_resume(context, sub))
    options = pause_options(context.configuration, NOW)
    chosen = (options[0].interval, options[0].interval_count) if options else None
    assert (A.PAUSE in available) is allowed(decide_pause(context, sub, pause_for=chosen))
    assert (A.APPLY_PROMOTION_CODE in available) is allowed(
        decide_update(context, sub, UpdateRequest(promotion_code="promo_1"))
    )
    if context.flow is None or context.flow.item is None:
        targets = switch_targets(context, sub, catalog)
        assert (A.SWITCH_PRICE in available) is bool(targets)
        quantities = [
            q
            for q in range(1, 62)
            if allowed(decide_update(context, sub, UpdateRequest(quantity=q)))
        ]
        assert (A.CHANGE_QUANTITY in available) is bool(quantities)


@SETTINGS
@given(scenarios())
def test_subscription_options_are_the_availability_and_targets_worked_out_apart(
    scenario: Any,
) -> None:
    """One pass for the overview's three fields answers what the separate functions do."""
    context, sub, prices = scenario
    catalog = Catalog.build([], prices.values())
    options = subscription_options(context, sub, catalog)
    assert options.switch_targets == switch_targets(context, sub, catalog)
    assert dict(options.availability) == dict(action_availability(context, sub, catalog=catalog))
