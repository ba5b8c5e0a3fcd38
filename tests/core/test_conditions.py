"""Conditions: which events a configuration sends."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from desktop_integrations import Integration, IntegrationManager
from desktop_integrations.conditions import Conditions, Rule
from desktop_integrations.delivery import ServiceConfigForm
from desktop_integrations.events import Event

EVENT = Event(
    kind="build.failed",
    title="Build #42 failed",
    body="3 tests failed",
    level="error",
    fields={"branch": "main"},
)


@pytest.mark.parametrize(
    ("choice", "operator", "value", "expected"),
    [
        ("kind", "is", "build.failed", True),
        ("kind", "is", "build", False),
        ("level", "is not", "info", True),
        ("level", "is not", "error", False),
        ("title", "contains", "#42", True),
        ("title", "contains", "#43", False),
        ("body", "does not contain", "passed", True),
        ("body", "does not contain", "failed", False),
        ("kind", "starts with", "build.", True),
        ("kind", "starts with", "deploy.", False),
        ("title", "matches regex", r"#\d+ failed$", True),
        ("title", "matches regex", r"^failed", False),
        ("field:branch", "is", "main", True),
        ("field:branch", "is", "release", False),
        ("field:missing", "is not", "x", True),
    ],
)
def test_each_rule_matches_or_not(choice: str, operator: str, value: str, expected: bool) -> None:
    rule = Rule(choice=choice, operator=operator, value=value)  # type: ignore[arg-type]
    assert rule.matches(EVENT) is expected


def test_the_default_sends_every_event() -> None:
    assert Conditions().mode == "always"
    assert Conditions().matches(Event(title="anything"))


def test_all_needs_every_rule_and_any_needs_one() -> None:
    rules = [
        {"choice": "level", "operator": "is", "value": "error"},
        {"choice": "field:branch", "operator": "is", "value": "release"},
    ]
    assert not Conditions(mode="all", rules=rules).matches(EVENT)  # type: ignore[arg-type]
    assert Conditions(mode="any", rules=rules).matches(EVENT)  # type: ignore[arg-type]
    assert Conditions(mode="all", rules=rules[:1]).matches(EVENT)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {
                "mode": "all",
                "rules": [{"choice": "title", "operator": "matches regex", "value": "(unclosed"}],
            },
            "'(unclosed' is not a valid regular expression",
        ),
        ({"mode": "any", "rules": [{"choice": "colour", "value": "x"}]}, "'colour' is not"),
        ({"mode": "any", "rules": [{"choice": "field:", "value": "x"}]}, "name of the event field"),
        ({"mode": "all", "rules": []}, "Add at least one rule"),
        ({"mode": "sometimes"}, "mode"),
    ],
)
def test_invalid_conditions_are_a_validation_error(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Conditions.model_validate(data)
    assert message in str(caught.value)


def test_conditions_round_trip_through_their_stored_form() -> None:
    conditions = Conditions(
        mode="any", rules=[Rule(choice="title", operator="matches regex", value="a{2}")]
    )
    stored = conditions.model_dump(mode="json")
    assert stored == {
        "mode": "any",
        "rules": [{"choice": "title", "operator": "matches regex", "value": "a{2}"}],
    }
    assert Conditions.model_validate(stored) == conditions


class WithConditions(Integration):
    integration_id = "test.with_conditions"
    name = "With conditions"
    config_form_cls = ServiceConfigForm


def test_a_form_reports_a_bad_regex_on_the_conditions_field(manager: IntegrationManager) -> None:
    integration = manager.register_integration_class(WithConditions)
    bad = {
        "mode": "all",
        "rules": [{"choice": "body", "operator": "matches regex", "value": "[a-"}],
    }
    form = integration.build_config_form(data={"name": "Ops", "conditions": bad})
    assert not form.is_valid()
    [message] = form.errors["conditions"]
    assert "'[a-' is not a valid regular expression" in message
    saved = integration.build_config_form(data={"name": "Ops"}).save()
    assert saved.settings["conditions"] == {"mode": "always", "rules": []}
