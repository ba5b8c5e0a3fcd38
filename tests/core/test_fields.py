from __future__ import annotations

import datetime as dt
import enum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, HttpUrl, SecretStr

from desktop_integrations import IntegrationConfigForm
from desktop_integrations.fields import NO_DEFAULT, Choice, ui_fields


class Size(enum.Enum):
    SMALL = "s"
    EXTRA_LARGE = "xl"


class Form(IntegrationConfigForm):
    title: str = Field(
        default="x", title="Title", description="Shown first.", max_length=5, pattern="^[a-z]+$"
    )
    body: str = Field(default="", json_schema_extra={"widget": "textarea", "rows": 4})
    token: SecretStr | None = None
    count: Annotated[int, Field(ge=1)] = Field(default=2, le=9)
    ratio: float = 0.5
    mode: Literal["a", "b"] = "a"
    size: Size = Size.SMALL
    url: HttpUrl
    path: Path | None = None
    tags: list[str] = Field(default_factory=list)
    sizes: set[Size] = Field(default_factory=set)
    when: dt.datetime | None = None
    day: dt.date = dt.date(2024, 1, 1)
    at: dt.time = dt.time(8, 0)
    mapping: dict[str, int] = Field(default_factory=dict)


def test_each_type_gets_its_kind() -> None:
    kinds = {name: field.kind for name, field in ui_fields(Form).items()}
    assert kinds == {
        "name": "str",
        "enabled": "bool",
        "title": "str",
        "body": "text",
        "token": "secret",
        "count": "int",
        "ratio": "float",
        "mode": "choice",
        "size": "choice",
        "url": "url",
        "path": "path",
        "tags": "str_list",
        "sizes": "multi_choice",
        "when": "datetime",
        "day": "date",
        "at": "time",
        "mapping": "unknown",
    }


def test_labels_help_and_requiredness_come_from_the_declaration() -> None:
    fields = ui_fields(Form)
    assert (fields["title"].title, fields["title"].description) == ("Title", "Shown first.")
    assert fields["ratio"].title == "Ratio"  # derived from the name when not given
    assert fields["url"].required and fields["url"].default is NO_DEFAULT
    assert not fields["title"].required and fields["title"].default == "x"
    assert fields["tags"].default == []


def test_constraints_from_field_and_annotated_metadata() -> None:
    fields = ui_fields(Form)
    assert fields["title"].constraints == {"max_length": 5, "pattern": "^[a-z]+$"}
    assert fields["count"].constraints == {"ge": 1, "le": 9}


def test_optional_fields_are_unwrapped() -> None:
    fields = ui_fields(Form)
    assert fields["token"].optional and fields["token"].annotation is SecretStr
    assert fields["token"].secret
    assert fields["when"].optional and fields["when"].annotation is dt.datetime
    assert not fields["day"].optional


def test_choices_of_literals_and_enums() -> None:
    fields = ui_fields(Form)
    assert fields["mode"].choices == (Choice("a", "a"), Choice("b", "b"))
    assert fields["size"].choices == (Choice("s", "Small"), Choice("xl", "Extra large"))
    assert fields["sizes"].choices == fields["size"].choices


def test_widget_hint_and_extra_options() -> None:
    body = ui_fields(Form)["body"]
    assert body.widget == "textarea"
    assert body.extra == {"rows": 4}
