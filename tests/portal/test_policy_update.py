"""Switch price, change quantity, promotion codes: eligibility, allowlists, Stripe parameters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from gateway.errors import ErrorCode, RefusalCode
from gateway.models import PauseCollection, Price
from gateway.portal.catalog import Catalog
from gateway.portal.decisions import ScheduledUpdateDecision, UpdateDecision
from gateway.portal.flows import Flow, FlowDiscount, FlowItem
from gateway.portal.policy.update import (
    UpdateRequest,
    decide_update,
    quantity_limits,
    switch_targets,
)
from gateway.portal.refusals import Refusal
from tests.portal.portal_builders import (
    NOW,
    PERIOD_END,
    PERIOD_START,
    PRICES,
    config,
    config_data,
    ctx,
    item,
    subscription,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from gateway.portal.configuration import Configuration, ScheduleConditionType

UPDATE = "features.subscription_update"
PRODUCTS = f"{UPDATE}.products"


def decide(
    request: UpdateRequest,
    sub: Any = None,
    configuration: Configuration | None = None,
    flow: Flow | None = None,
    price: Price | None = None,
) -> Any:
    target = price if price is not None else PRICES.get(request.price_id or "")
    return decide_update(ctx(configuration, flow), sub or subscription(), request, target)


def listing(*products: dict[str, Any]) -> Configuration:
    return config(**{PRODUCTS: list(products)})


PRO_ALL = {
    "product": "prod_PRO",
    "prices": ["price_pro_m", "price_pro_y", "price_pro_eur", "price_pro_old", "price_setup"],
}


def items_params(price: str, quantity: int, **extra: Any) -> dict[str, Any]:
    return {
        "items": [{"id": "si_1", "price": price, "quantity": quantity}],
        "proration_behavior": "create_prorations",
        **extra,
    }


def update(price: str, quantity: int, params: dict[str, Any], **flags: Any) -> UpdateDecision:
    return UpdateDecision(
        subscription_id="sub_1",
        item_id="si_1",
        price_id=price,
        quantity=quantity,
        changes_price=flags.get("changes_price", False),
        changes_quantity=flags.get("changes_quantity", False),
        promotion_code=flags.get("promotion_code"),
        params=params,
    )


DECISIONS: list[tuple[str, Callable[[], Any], Any]] = [
    (
        "switch to the yearly price",
        lambda: decide(UpdateRequest(price_id="price_pro_y")),
        update("price_pro_y", 1, items_params("price_pro_y", 1), changes_price=True),
    ),
    (
        "switch to another product keeps the quantity",
        lambda: decide(UpdateRequest(price_id="price_basic_m"), subscription(quantity=3)),
        update("price_basic_m", 3, items_params("price_basic_m", 3), changes_price=True),
    ),
    (
        "change quantity",
        lambda: decide(UpdateRequest(quantity=5)),
        update("price_pro_m", 5, items_params("price_pro_m", 5), changes_quantity=True),
    ),
    (
        "price and quantity together",
        lambda: decide(UpdateRequest(price_id="price_pro_y", quantity=2)),
        update(
            "price_pro_y",
            2,
            items_params("price_pro_y", 2),
            changes_price=True,
            changes_quantity=True,
        ),
    ),
    (
        "current price with a new quantity is a quantity change",
        lambda: decide(UpdateRequest(price_id="price_pro_m", quantity=4)),
        update("price_pro_m", 4, items_params("price_pro_m", 4), changes_quantity=True),
    ),
    (
        "promotion code alone",
        lambda: decide(UpdateRequest(promotion_code=" promo_1 ")),
        update(
            "price_pro_m",
            1,
            {"discounts": [{"promotion_code": "promo_1"}]},
            promotion_code=" promo_1 ",
        ),
    ),
    (
        "price with a promotion code",
        lambda: decide(UpdateRequest(price_id="price_pro_y", promotion_code="promo_1")),
        update(
            "price_pro_y",
            1,
            items_params("price_pro_y", 1, discounts=[{"promotion_code": "promo_1"}]),
            changes_price=True,
            promotion_code="promo_1",
        ),
    ),
    (
        "proration date from a preview",
        lambda: decide(UpdateRequest(price_id="price_pro_y", proration_date=NOW - 5)),
        update(
            "price_pro_y",
            1,
            items_params("price_pro_y", 1, proration_date=NOW - 5),
            changes_price=True,
        ),
    ),
    (
        "no proration date when nothing is prorated",
        lambda: decide(
            UpdateRequest(price_id="price_pro_y", proration_date=NOW),
            configuration=config(**{f"{UPDATE}.proration_behavior": "none"}),
        ),
        update(
            "price_pro_y",
            1,
            {**items_params("price_pro_y", 1), "proration_behavior": "none"},
            changes_price=True,
        ),
    ),
    (
        "always_invoice",
        lambda: decide(
            UpdateRequest(quantity=2),
            configuration=config(**{f"{UPDATE}.proration_behavior": "always_invoice"}),
        ),
        update(
            "price_pro_m",
            2,
            {**items_params("price_pro_m", 2), "proration_behavior": "always_invoice"},
            changes_quantity=True,
        ),
    ),
    (
        "trial ends when the configuration says end_trial",
        lambda: decide(UpdateRequest(price_id="price_pro_y"), subscription(status="trialing")),
        update(
            "price_pro_y", 1, items_params("price_pro_y", 1, trial_end="now"), changes_price=True
        ),
    ),
    (
        "trial continues with continue_trial, and the anchor is left alone",
        lambda: decide(
            UpdateRequest(price_id="price_pro_y"),
            subscription(status="trialing"),
            config(
                **{
                    f"{UPDATE}.trial_update_behavior": "continue_trial",
                    f"{UPDATE}.billing_cycle_anchor": "now",
                }
            ),
        ),
        update("price_pro_y", 1, items_params("price_pro_y", 1), changes_price=True),
    ),
    (
        "a promotion code does not end a trial",
        lambda: decide(UpdateRequest(promotion_code="promo_1"), subscription(status="trialing")),
        update(
            "price_pro_m",
            1,
            {"discounts": [{"promotion_code": "promo_1"}]},
            promotion_code="promo_1",
        ),
    ),
    (
        "billing cycle anchor now",
        lambda: decide(
            UpdateRequest(price_id="price_pro_y"),
            configuration=config(**{f"{UPDATE}.billing_cycle_anchor": "now"}),
        ),
        update(
            "price_pro_y",
            1,
            items_params("price_pro_y", 1, billing_cycle_anchor={"type": "now"}),
            changes_price=True,
        ),
    ),
    (
        "a product without quantity bounds accepts large quantities",
        lambda: decide(UpdateRequest(quantity=500)),
        update("price_pro_m", 500, items_params("price_pro_m", 500), changes_quantity=True),
    ),
    (
        "a kept quantity is not checked when the new product's quantity is fixed",
        lambda: decide(
            UpdateRequest(price_id="price_basic_m"),
            subscription(quantity=80),
            listing(
                {"product": "prod_PRO", "prices": ["price_pro_m"]},
                {
                    "product": "prod_BASIC",
                    "prices": ["price_basic_m"],
                    "adjustable_quantity": {"enabled": False, "minimum": 0, "maximum": 1},
                },
            ),
        ),
        update("price_basic_m", 80, items_params("price_basic_m", 80), changes_price=True),
    ),
]

SCHEDULE = f"{UPDATE}.schedule_at_period_end.conditions"


def scheduled(
    price: str,
    quantity: int,
    conditions: tuple[ScheduleConditionType, ...],
    current_quantity: int = 1,
    **phase: Any,
) -> ScheduledUpdateDecision:
    return ScheduledUpdateDecision(
        subscription_id="sub_1",
        item_id="si_1",
        current_price_id="price_pro_m",
        current_quantity=current_quantity,
        price_id=price,
        quantity=quantity,
        effective_at=PERIOD_END,
        conditions=conditions,
        next_phase={
            "items": [{"price": price, "quantity": quantity}],
            "proration_behavior": "none",
            **phase,
        },
    )


BOTH = config(**{SCHEDULE: [{"type": "decreasing_item_amount"}, {"type": "shortening_interval"}]})
DECREASING = config(**{SCHEDULE: [{"type": "decreasing_item_amount"}]})
SHORTENING = config(**{SCHEDULE: [{"type": "shortening_interval"}]})

SCHEDULING: list[tuple[str, Callable[[], Any], Any]] = [
    (
        "cheaper product is scheduled",
        lambda: decide(UpdateRequest(price_id="price_basic_m"), configuration=DECREASING),
        scheduled("price_basic_m", 1, ("decreasing_item_amount",)),
    ),
    (
        "fewer seats are scheduled",
        lambda: decide(UpdateRequest(quantity=3), subscription(quantity=5), DECREASING),
        scheduled("price_pro_m", 3, ("decreasing_item_amount",), current_quantity=5),
    ),
    (
        "more seats apply now",
        lambda: decide(UpdateRequest(quantity=6), subscription(quantity=5), DECREASING),
        update("price_pro_m", 6, items_params("price_pro_m", 6), changes_quantity=True),
    ),
    (
        "dearer product applies now",
        lambda: decide(
            UpdateRequest(price_id="price_pro_m"),
            subscription("price_basic_m"),
            BOTH,
        ),
        update("price_pro_m", 1, items_params("price_pro_m", 1), changes_price=True),
    ),
    (
        "amounts compare per day: a discounted yearly price is a decrease",
        lambda: decide(UpdateRequest(price_id="price_pro_y"), configuration=DECREASING),
        scheduled("price_pro_y", 1, ("decreasing_item_amount",)),
    ),
    (
        "a longer interval is not shortening",
        lambda: decide(UpdateRequest(price_id="price_pro_y"), configuration=SHORTENING),
        update("price_pro_y", 1, items_params("price_pro_y", 1), changes_price=True),
    ),
    (
        "yearly to monthly is shortening, though dearer per day",
        lambda: decide(
            UpdateRequest(price_id="price_pro_m"),
            subscription("price_pro_y"),
            BOTH,
        ),
        ScheduledUpdateDecision(
            subscription_id="sub_1",
            item_id="si_1",
            current_price_id="price_pro_y",
            current_quantity=1,
            price_id="price_pro_m",
            quantity=1,
            effective_at=PERIOD_END,
            conditions=("shortening_interval",),
            next_phase={
                "items": [{"price": "price_pro_m", "quantity": 1}],
                "proration_behavior": "none",
            },
        ),
    ),
    (
        "a scheduled change carries its promotion code into the next phase",
        lambda: decide(
            UpdateRequest(price_id="price_basic_m", promotion_code="promo_1"),
            configuration=DECREASING,
        ),
        scheduled(
            "price_basic_m",
            1,
            ("decreasing_item_amount",),
            discounts=[{"promotion_code": "promo_1"}],
        ),
    ),
    (
        "without conditions a downgrade applies now",
        lambda: decide(UpdateRequest(price_id="price_basic_m")),
        update("price_basic_m", 1, items_params("price_basic_m", 1), changes_price=True),
    ),
    (
        "an unknown amount never counts as decreasing",
        lambda: decide(
            UpdateRequest(price_id="price_basic_m"),
            configuration=DECREASING,
            price=Price("price_basic_m", "prod_BASIC", True, "usd", None, "recurring", "month"),
        ),
        update("price_basic_m", 1, items_params("price_basic_m", 1), changes_price=True),
    ),
]


@pytest.mark.parametrize(
    ("run", "expected"),
    [c[1:] for c in DECISIONS + SCHEDULING],
    ids=[c[0] for c in DECISIONS + SCHEDULING],
)
def test_update_decisions(run: Callable[[], Any], expected: Any) -> None:
    assert run() == expected


def _two_items() -> Any:
    return subscription(items=(item("price_pro_m"), item("price_basic_m", item_id="si_2")))


REFUSALS: list[tuple[str, Callable[[], Any], RefusalCode, str | None]] = [
    (
        "feature disabled",
        lambda: decide(
            UpdateRequest(price_id="price_pro_y"),
            configuration=config(**{f"{UPDATE}.enabled": False}),
        ),
        ErrorCode.FEATURE_DISABLED,
        None,
    ),
    (
        "price updates not allowed",
        lambda: decide(
            UpdateRequest(price_id="price_pro_y"),
            configuration=config(**{f"{UPDATE}.default_allowed_updates": ["quantity"]}),
        ),
        ErrorCode.FEATURE_DISABLED,
        "priceId",
    ),
    (
        "quantity updates not allowed",
        lambda: decide(
            UpdateRequest(quantity=2),
            configuration=config(**{f"{UPDATE}.default_allowed_updates": ["price"]}),
        ),
        ErrorCode.FEATURE_DISABLED,
        "quantity",
    ),
    (
        "promotion codes not allowed",
        lambda: decide(
            UpdateRequest(promotion_code="promo_1"),
            configuration=config(**{f"{UPDATE}.default_allowed_updates": ["price"]}),
        ),
        ErrorCode.FEATURE_DISABLED,
        "promotionCode",
    ),
    ("nothing asked", lambda: decide(UpdateRequest()), ErrorCode.INVALID_INPUT, None),
    (
        "the current price",
        lambda: decide(UpdateRequest(price_id="price_pro_m")),
        ErrorCode.INVALID_INPUT,
        "priceId",
    ),
    (
        "the current quantity",
        lambda: decide(UpdateRequest(quantity=2), subscription(quantity=2)),
        ErrorCode.INVALID_INPUT,
        "quantity",
    ),
    (
        "zero quantity",
        lambda: decide(UpdateRequest(quantity=0)),
        ErrorCode.INVALID_INPUT,
        "quantity",
    ),
    (
        "negative quantity",
        lambda: decide(UpdateRequest(quantity=-3)),
        ErrorCode.INVALID_INPUT,
        "quantity",
    ),
    (
        "blank promotion code",
        lambda: decide(UpdateRequest(promotion_code=" ")),
        ErrorCode.INVALID_INPUT,
        "promotionCode",
    ),
    (
        "price outside the allowlist",
        lambda: decide(UpdateRequest(price_id="price_other")),
        ErrorCode.PRICE_NOT_ALLOWED,
        "priceId",
    ),
    (
        "allowlisted id but no Price given",
        lambda: decide_update(ctx(), subscription(), UpdateRequest(price_id="price_pro_y"), None),
        ErrorCode.PRICE_NOT_ALLOWED,
        "priceId",
    ),
    (
        "Price of another product than it is listed under",
        lambda: decide(
            UpdateRequest(price_id="price_pro_y"),
            price=Price("price_pro_y", "prod_OTHER", True, "usd", 30000, "recurring", "year"),
        ),
        ErrorCode.PRICE_NOT_ALLOWED,
        "priceId",
    ),
    (
        "another currency",
        lambda: decide(UpdateRequest(price_id="price_pro_eur")),
        ErrorCode.PRICE_NOT_ALLOWED,
        "priceId",
    ),
    (
        "inactive price",
        lambda: decide(UpdateRequest(price_id="price_pro_old"), configuration=listing(PRO_ALL)),
        ErrorCode.PRICE_NOT_ALLOWED,
        "priceId",
    ),
    (
        "one-time price",
        lambda: decide(UpdateRequest(price_id="price_setup"), configuration=listing(PRO_ALL)),
        ErrorCode.PRICE_NOT_ALLOWED,
        "priceId",
    ),
    (
        "metered price",
        lambda: decide(
            UpdateRequest(price_id="price_metered"),
            configuration=listing({**PRO_ALL, "prices": ["price_pro_m", "price_metered"]}),
        ),
        ErrorCode.PRICE_NOT_ALLOWED,
        "priceId",
    ),
    (
        "quantity above the maximum",
        lambda: decide(UpdateRequest(quantity=51), subscription("price_basic_m")),
        ErrorCode.QUANTITY_NOT_ALLOWED,
        "quantity",
    ),
    (
        "quantity below the minimum",
        lambda: decide(
            UpdateRequest(quantity=2),
            subscription(quantity=5),
            listing(
                {
                    "product": "prod_PRO",
                    "prices": ["price_pro_m"],
                    "adjustable_quantity": {"enabled": True, "minimum": 3},
                }
            ),
        ),
        ErrorCode.QUANTITY_NOT_ALLOWED,
        "quantity",
    ),
    (
        "quantity of a fixed-quantity product",
        lambda: decide(
            UpdateRequest(quantity=2),
            configuration=listing(
                {
                    "product": "prod_PRO",
                    "prices": ["price_pro_m"],
                    "adjustable_quantity": {"enabled": False, "minimum": 0},
                }
            ),
        ),
        ErrorCode.QUANTITY_NOT_ALLOWED,
        "quantity",
    ),
    (
        "kept quantity outside the new product's bounds",
        lambda: decide(UpdateRequest(price_id="price_basic_m"), subscription(quantity=60)),
        ErrorCode.QUANTITY_NOT_ALLOWED,
        "quantity",
    ),
    (
        "a quote's proration date outside the period",
        lambda: decide(UpdateRequest(price_id="price_pro_y", proration_date=PERIOD_START - 1)),
        ErrorCode.QUOTE_EXPIRED,
        "quote",
    ),
    *[
        (
            f"{status} subscription",
            lambda status=status: decide(
                UpdateRequest(price_id="price_pro_y"), subscription(status=status)
            ),
            ErrorCode.SUBSCRIPTION_NOT_ELIGIBLE,
            "subscriptionId",
        )
        for status in (
            "past_due",
            "unpaid",
            "canceled",
            "incomplete",
            "incomplete_expired",
            "paused",
        )
    ],
    (
        "scheduled to cancel",
        lambda: decide(UpdateRequest(quantity=2), subscription(cancel_at=PERIOD_END)),
        ErrorCode.SUBSCRIPTION_NOT_ELIGIBLE,
        "subscriptionId",
    ),
    (
        "payment collection paused",
        lambda: decide(UpdateRequest(quantity=2), subscription(pause=PauseCollection("void"))),
        ErrorCode.SUBSCRIPTION_NOT_ELIGIBLE,
        "subscriptionId",
    ),
    (
        "several items",
        lambda: decide(UpdateRequest(quantity=2), _two_items()),
        ErrorCode.SUBSCRIPTION_NOT_ELIGIBLE,
        "subscriptionId",
    ),
    (
        "paid by invoice",
        lambda: decide(UpdateRequest(quantity=2), subscription(collection_method="send_invoice")),
        ErrorCode.SUBSCRIPTION_NOT_ELIGIBLE,
        "subscriptionId",
    ),
    (
        "attached to a schedule",
        lambda: decide(UpdateRequest(quantity=2), subscription(schedule_id="sub_sched_1")),
        ErrorCode.SUBSCRIPTION_NOT_ELIGIBLE,
        "subscriptionId",
    ),
    (
        "metered current price",
        lambda: decide(
            UpdateRequest(quantity=2),
            subscription("price_metered"),
            listing({**PRO_ALL, "prices": ["price_pro_m", "price_metered"]}),
        ),
        ErrorCode.SUBSCRIPTION_NOT_ELIGIBLE,
        "subscriptionId",
    ),
    (
        "current product not in the configuration",
        lambda: decide(UpdateRequest(price_id="price_pro_m"), subscription("price_other")),
        ErrorCode.SUBSCRIPTION_NOT_ELIGIBLE,
        "subscriptionId",
    ),
    (
        "current price not listed under its product",
        lambda: decide(UpdateRequest(price_id="price_pro_m"), subscription("price_pro_old")),
        ErrorCode.SUBSCRIPTION_NOT_ELIGIBLE,
        "subscriptionId",
    ),
    (
        "products not expanded",
        lambda: decide(
            UpdateRequest(quantity=2),
            configuration=config(**{PRODUCTS: None}),
        ),
        ErrorCode.SUBSCRIPTION_NOT_ELIGIBLE,
        "subscriptionId",
    ),
    (
        "another subscription than the flow's",
        lambda: decide(
            UpdateRequest(quantity=2), flow=Flow("subscription_update", subscription_id="sub_9")
        ),
        ErrorCode.FLOW_RESTRICTED,
        "subscriptionId",
    ),
    (
        "inside a cancel flow",
        lambda: decide(
            UpdateRequest(quantity=2), flow=Flow("subscription_cancel", subscription_id="sub_1")
        ),
        ErrorCode.FLOW_RESTRICTED,
        None,
    ),
]


@pytest.mark.parametrize(
    ("run", "code", "field"), [c[1:] for c in REFUSALS], ids=[c[0] for c in REFUSALS]
)
def test_update_refusals(run: Callable[[], Any], code: RefusalCode, field: str | None) -> None:
    refusal = run()
    assert isinstance(refusal, Refusal), refusal
    assert (refusal.code, refusal.field) == (code, field)
    assert refusal.message


def test_currency_refusal_says_why() -> None:
    refusal = decide(UpdateRequest(price_id="price_pro_eur"))
    assert refusal == Refusal(
        ErrorCode.PRICE_NOT_ALLOWED,
        "price_pro_eur is in EUR, but this subscription is billed in USD.",
        "priceId",
    )


CONFIRM = Flow(
    "subscription_update_confirm",
    subscription_id="sub_1",
    item=FlowItem("si_1", price="price_pro_y", quantity=2),
    discounts=(FlowDiscount(coupon="co_welcome"),),
)


def test_confirm_flow_allows_exactly_its_change_with_its_discounts() -> None:
    decision = decide(UpdateRequest(price_id="price_pro_y", quantity=2), flow=CONFIRM)
    assert decision == update(
        "price_pro_y",
        2,
        items_params("price_pro_y", 2, discounts=[{"coupon": "co_welcome"}]),
        changes_price=True,
        changes_quantity=True,
    )


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (UpdateRequest(price_id="price_basic_m", quantity=2), "priceId"),
        (UpdateRequest(price_id="price_pro_y", quantity=3), "quantity"),
        (UpdateRequest(price_id="price_pro_y"), "quantity"),
        (UpdateRequest(quantity=2), "priceId"),
        (UpdateRequest(price_id="price_pro_y", quantity=2, promotion_code="promo_1"), None),
    ],
    ids=["other price", "other quantity", "part of it", "other part", "plus a code"],
)
def test_confirm_flow_refuses_any_other_change(request_: UpdateRequest, field: str | None) -> None:
    refusal = decide(request_, flow=CONFIRM)
    assert isinstance(refusal, Refusal)
    assert (refusal.code, refusal.field) == (ErrorCode.FLOW_RESTRICTED, field)


def test_confirm_flow_for_another_item_is_refused() -> None:
    flow = Flow(
        "subscription_update_confirm",
        subscription_id="sub_1",
        item=FlowItem("si_other", "price_pro_y"),
    )
    refusal = decide(UpdateRequest(price_id="price_pro_y"), flow=flow)
    assert isinstance(refusal, Refusal)
    assert refusal.code == ErrorCode.FLOW_RESTRICTED


def test_switch_targets_apply_every_price_rule() -> None:
    catalog = Catalog.build([], PRICES.values())
    configuration = listing(
        PRO_ALL, {"product": "prod_BASIC", "prices": ["price_basic_m", "price_basic_y"]}
    )
    targets = switch_targets(ctx(configuration), subscription(), catalog)
    assert [p.id for p in targets] == ["price_pro_y", "price_basic_m", "price_basic_y"]
    assert switch_targets(ctx(configuration), subscription(status="canceled"), catalog) == ()


def test_configuration_data_is_not_shared_between_builders() -> None:
    assert (
        config_data()["features"]["subscription_update"]["products"][0]["product"] == "prod_BASIC"
    )


def test_quantity_limits_for_a_quantity_picker() -> None:
    limits = quantity_limits(ctx(), subscription("price_basic_m"))
    assert limits is not None
    assert (limits.minimum, limits.maximum) == (1, 50)
    fixed = listing(
        {
            "product": "prod_PRO",
            "prices": ["price_pro_m"],
            "adjustable_quantity": {"enabled": False, "minimum": 0},
        }
    )
    assert quantity_limits(ctx(fixed), subscription()) is None
    assert quantity_limits(ctx(), subscription(status="canceled")) is None
