"""Plugins' own condition fields, and config.matches() for plugins that pick configurations."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import ValidationError

from desktop_integrations import (
    ConditionField,
    ConditionFieldHook,
    Conditions,
    Event,
    Hook,
    Integration,
    IntegrationManager,
    IntegrationRegistrationError,
    ServiceConfigForm,
)
from desktop_integrations.condition_fields import condition_fields, get_condition_field

REPOSITORY = ConditionField(
    "repository",
    "Repository",
    lambda event: event.fields.get("repository"),
    choices=("backend", "frontend"),
)
FAILURES = ConditionField("failures", "Failed tests", lambda event: event.fields.get("failed"), int)


class Owner:
    id = "test.owner"

    def __init__(self) -> None:
        self.hooks: set[Hook] = set()


@pytest.fixture
def plugin_fields() -> Iterator[ConditionFieldHook]:
    hook = ConditionFieldHook(Owner(), REPOSITORY, FAILURES)
    yield hook
    hook.disable_hook()


def event(**fields: str) -> Event:
    return Event(kind="build.failed", title="Build failed", fields=fields)


def test_the_built_in_fields_come_first_with_labels() -> None:
    assert [(f.name, f.label) for f in condition_fields()][:4] == [
        ("kind", "Kind"),
        ("title", "Title"),
        ("body", "Body"),
        ("level", "Level"),
    ]
    level = get_condition_field("level")
    assert level is not None and level.choices == ("info", "success", "warning", "error")


def test_a_plugins_field_is_testable_while_its_hook_is_active(
    plugin_fields: ConditionFieldHook,
) -> None:
    rule = {"choice": "repository", "operator": "is", "value": "backend"}
    conditions = Conditions.model_validate({"mode": "all", "rules": [rule]})

    assert conditions.matches(event(repository="backend"))
    assert not conditions.matches(event(repository="frontend"))
    assert not conditions.matches(event())
    assert "repository" in [f.name for f in condition_fields()]

    plugin_fields.disable_hook()
    with pytest.raises(ValidationError, match="'repository' is not something a rule can test"):
        Conditions.model_validate({"mode": "all", "rules": [rule]})


def test_a_number_field_compares_numbers_with_its_own_operators(
    plugin_fields: ConditionFieldHook,
) -> None:
    more_than_two = Conditions.model_validate(
        {"mode": "all", "rules": [{"choice": "failures", "operator": "greater than", "value": "2"}]}
    )

    assert more_than_two.matches(event(failed="10"))  # as numbers: 10 > 2
    assert not more_than_two.matches(event(failed="2"))
    assert not more_than_two.matches(event(failed="many"))
    assert not more_than_two.matches(event())
    with pytest.raises(ValidationError, match="'contains' does not apply to Failed tests"):
        Conditions.model_validate(
            {"mode": "all", "rules": [{"choice": "failures", "operator": "contains"}]}
        )
    with pytest.raises(ValidationError, match="Failed tests is a number: 'ten' is not one"):
        Conditions.model_validate(
            {"mode": "all", "rules": [{"choice": "failures", "operator": "is", "value": "ten"}]}
        )
    with pytest.raises(ValidationError, match="'less than' does not apply to Title"):
        Conditions.model_validate(
            {"mode": "all", "rules": [{"choice": "title", "operator": "less than", "value": "1"}]}
        )


def test_two_fields_with_one_name_are_refused_and_nothing_is_left_behind(
    plugin_fields: ConditionFieldHook,
) -> None:
    other = ConditionField("branch", "Branch", lambda event: event.fields.get("branch"))
    owner = Owner()
    with pytest.raises(IntegrationRegistrationError, match="'repository' is already registered"):
        ConditionFieldHook(owner, other, REPOSITORY)
    assert get_condition_field("branch") is None
    assert owner.hooks == set()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": ""}, "the name must be non-empty"),
        ({"value_type": bytes}, "value_type must be str, int or float"),
        ({"operators": ("greater than",)}, "unknown operator(s) greater than for str values"),
    ],
)
def test_a_malformed_field_is_refused_naming_it(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"name": "x", "label": "X", "get_value": lambda e: ""}
    with pytest.raises(IntegrationRegistrationError) as caught:
        ConditionField(**{**arguments, **kwargs})  # type: ignore[arg-type]
    assert message in str(caught.value)


class Picky(Integration):
    integration_id = "test.picky"
    name = "Picky"
    config_form_cls = ServiceConfigForm


def test_config_matches_tests_an_event_against_its_conditions(
    manager: IntegrationManager,
) -> None:
    picky = manager.register_integration_class(Picky)
    failures_only = {
        "mode": "all",
        "rules": [{"choice": "kind", "operator": "starts with", "value": "build."}],
    }
    config = picky.create_config(name="CI", enabled=True, settings={"conditions": failures_only})
    everything = picky.create_config(name="All", enabled=True)

    assert config.matches(Event(kind="build.failed", title="x"))
    assert not config.matches(Event(kind="deploy.done", title="x"))
    assert everything.matches(Event(kind="deploy.done", title="x"))

    config.set("conditions", {"mode": "all", "rules": [{"choice": "nope"}]})
    assert not config.matches(Event(kind="build.failed", title="x"))
