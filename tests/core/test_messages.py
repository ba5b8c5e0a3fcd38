"""Every validation message a user sees is written for people; pydantic's stays for authors."""

from __future__ import annotations

import datetime as dt
import enum
from pathlib import Path
from typing import Literal

import pytest
from pydantic import Field, HttpUrl, field_validator

from desktop_integrations import Integration, IntegrationConfigForm, IntegrationManager


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class EveryConstraintForm(IntegrationConfigForm):
    url: HttpUrl = Field(
        default="https://a.example/", examples=["https://hooks.slack.com/services/…"]
    )
    code: str = Field(default="ab", min_length=2, max_length=4, pattern=r"^[a-z]+$")
    count: int = Field(default=5, ge=1, le=10, multiple_of=1)
    ratio: float = Field(default=0.5, gt=0, lt=1)
    addresses: list[str] = Field(default=["a@example.com"], min_length=1, max_length=2)
    mode: Literal["fast", "slow"] = "fast"
    colour: Colour = Colour.RED
    flag: bool = False
    day: dt.date = dt.date(2024, 1, 1)
    when: dt.datetime = dt.datetime(2024, 1, 1, 12, 0)
    at: dt.time = dt.time(9, 0)
    path: Path = Path("/tmp")
    team: str = "ops"

    @field_validator("team")
    @classmethod
    def _known_team(cls, value: str) -> str:
        if value != "ops":
            raise ValueError("there is no team called " + repr(value))
        return value


class EveryConstraint(Integration):
    integration_id = "tests.every_constraint"
    name = "Every constraint"
    config_form_cls = EveryConstraintForm


CASES = [
    ("url", "not a url", "Enter a full URL, such as https://hooks.slack.com/services/…."),
    ("url", "ftp://a.example/", "Start the URL with 'http' or 'https'."),
    ("code", "a", "Enter at least 2 characters."),
    ("code", "abcde", "Use at most 4 characters."),
    ("code", "AB", "This is not in the form this field expects; see its help text."),
    ("count", 0, "Enter 1 or more."),
    ("count", 11, "Enter 10 or less."),
    ("count", "many", "Enter a whole number, such as 3."),
    ("count", 2.5, "Enter a whole number, such as 3."),
    ("ratio", 0, "Enter a number greater than 0."),
    ("ratio", 1, "Enter a number less than 1."),
    ("ratio", "x", "Enter a number, such as 3 or 2.5."),
    ("addresses", [], "Add at least one entry."),
    ("addresses", ["a", "b", "c"], "Use at most 2 entries."),
    ("addresses", "a@example.com", "Enter a list of entries."),
    ("mode", "medium", "Choose one of 'fast' or 'slow'."),
    ("colour", "green", "Choose one of 'red' or 'blue'."),
    ("flag", "perhaps", "Choose yes or no."),
    ("day", "tomorrow", "Enter a date, such as 2024-01-31."),
    ("when", "soon", "Enter a date and time, such as 2024-01-31 14:30."),
    ("at", "noon", "Enter a time, such as 14:30."),
    ("path", 3, "Enter the path of a file or folder."),
    ("team", "dev", "There is no team called 'dev'."),
]


@pytest.mark.parametrize(("name", "value", "message"), CASES)
def test_each_constraint_gets_a_message_for_people_and_keeps_pydantic_text(
    manager: IntegrationManager, name: str, value: object, message: str
) -> None:
    integration = manager.register_integration_class(EveryConstraint)
    form = integration.build_config_form(data={"name": "n", name: value})
    assert form.errors == {name: [message]}
    [detail] = form.error_details[name]
    assert detail.message == message
    assert detail.raw and detail.raw != message  # pydantic's own words, for authors


def test_an_entry_of_a_list_is_named(manager: IntegrationManager) -> None:
    integration = manager.register_integration_class(EveryConstraint)
    form = integration.build_config_form(data={"name": "n", "addresses": ["a", 3]})
    assert form.errors == {"addresses": ["Entry 2: Enter text."]}
    assert form.error_details["addresses"][0].loc == (1,)
