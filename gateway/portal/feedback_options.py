"""Objects the configurations name by id, checked against what Stripe has (pure): custom
feedback options attached to the configurations that name them, and payment method
configurations that must exist and be active.

The configurations name options by id (or Stripe's expanded object); billing/ reads each
from Stripe, and here every reference gets Stripe's object: its text labels the choice and
its status says whether it is still offered. An id Stripe does not know is a problem at
load, with its path, so a customer never meets it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from .configuration import Configuration, FeedbackOption
from .problems import ConfigProblem

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

PATH = "features.subscription_cancel.cancellation_reason.feedback_options"


def feedback_option_ids(configurations: Sequence[Configuration]) -> set[str]:
    return {
        option_id
        for config in configurations
        for option_id in config.features.subscription_cancel.cancellation_reason.feedback_option_ids
    }


def attach_feedback_options(
    configurations: Sequence[Configuration], found: Mapping[str, Mapping[str, Any] | None]
) -> tuple[list[Configuration], list[ConfigProblem]]:
    """Each configuration with Stripe's feedback option objects, and what is missing."""
    attached: list[Configuration] = []
    problems: list[ConfigProblem] = []
    for config in configurations:
        cancel = config.features.subscription_cancel
        reason = cancel.cancellation_reason
        if not reason.feedback_options:
            attached.append(config)
            continue
        options: list[FeedbackOption] = []
        for index, option_id in enumerate(reason.feedback_option_ids):
            data = found.get(option_id)
            where = f"{config.id}: {PATH}[{index}]"
            if data is None:
                problems.append(
                    ConfigProblem(where, f"Stripe has no feedback option {option_id!r}")
                )
                continue
            try:
                options.append(FeedbackOption.model_validate(dict(data)))
            except ValidationError:
                problems.append(ConfigProblem(where, "Stripe's feedback option could not be read"))
        new_reason = reason.model_copy(update={"feedback_options": tuple(options)})
        new_cancel = cancel.model_copy(update={"cancellation_reason": new_reason})
        features = config.features.model_copy(update={"subscription_cancel": new_cancel})
        attached.append(config.model_copy(update={"features": features}))
    return attached, problems


PMC_PATH = "features.payment_method_update.payment_method_configuration"


def payment_method_configuration_ids(configurations: Sequence[Configuration]) -> set[str]:
    return {
        pmc
        for config in configurations
        if (pmc := config.features.payment_method_update.payment_method_configuration)
    }


def payment_method_configuration_problems(
    configurations: Sequence[Configuration], state: Mapping[str, bool | None]
) -> list[ConfigProblem]:
    """An unknown or inactive payment method configuration, with the path naming it."""
    problems = []
    for config in configurations:
        pmc = config.features.payment_method_update.payment_method_configuration
        if not pmc:
            continue
        where = f"{config.id}: {PMC_PATH}"
        if state.get(pmc) is None:
            problems.append(
                ConfigProblem(where, f"Stripe has no payment method configuration {pmc!r}")
            )
        elif state[pmc] is False:
            problems.append(
                ConfigProblem(where, f"the payment method configuration {pmc!r} is not active")
            )
    return problems
