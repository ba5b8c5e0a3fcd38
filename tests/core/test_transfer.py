"""Importing configuration files: all or nothing, and a clear error for any file."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import Field

from desktop_integrations import Integration, IntegrationConfigForm, IntegrationManager, StoreError
from desktop_integrations.cli.transfer import FORMAT, ConfigImportError, import_configs


class NoteForm(IntegrationConfigForm):
    text: str = Field(default="", max_length=200_000)
    count: int = 0


class Notes(Integration):
    integration_id = "test.notes"
    name = "Notes"
    config_form_cls = NoteForm


def document(*entries: Any) -> str:
    return json.dumps({"format": FORMAT, "version": 1, "configurations": list(entries)})


def entry(name: str, **settings: Any) -> dict[str, Any]:
    return {"integration_id": "test.notes", "name": name, "settings": settings}


def test_a_full_disk_part_way_through_stores_nothing(manager: IntegrationManager) -> None:
    notes = manager.register_integration_class(Notes)
    notes.create_config(enabled=True, save=True, name="before", settings={"text": "kept"})
    pages = manager.store.query("PRAGMA page_count")[0][0]
    manager.store.query(f"PRAGMA max_page_count = {pages + 30}")
    text = document(*(entry(f"big {n}", text="x" * 20_000) for n in range(20)))
    with pytest.raises(StoreError, match="full"):
        import_configs(manager, text)
    rows = manager.store.query("SELECT name FROM configs")
    assert [row[0] for row in rows] == ["before"]
    assert [c.name for c in manager.get_integration_configs()] == ["before"]
    assert [c.name for c in notes.get_configs()] == ["before"]


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text()),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(), inner)),
    max_leaves=10,
)
entries = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {},
        optional={
            "integration_id": st.sampled_from(["test.notes", "missing", 3]),
            "name": st.one_of(st.text(), json_values),
            "enabled": json_values,
            "settings": st.one_of(
                st.fixed_dictionaries({}, optional={"text": json_values, "count": json_values}),
                json_values,
            ),
            "extra_data": json_values,
            "secrets_omitted": json_values,
        },
    ),
)
files = st.one_of(
    st.text(),
    json_values.map(json.dumps),
    st.lists(entries, max_size=5).map(lambda es: document(*es)),
    st.builds(
        lambda version, es: json.dumps(
            {"format": FORMAT, "version": version, "configurations": es}
        ),
        json_values,
        json_values,
    ),
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=files)
def test_any_file_imports_or_fails_with_every_problem_named(
    text: str, manager: IntegrationManager
) -> None:
    if not manager.is_registered("test.notes"):
        manager.register_integration_class(Notes)
    before = manager.store.query("SELECT count(*) FROM configs")[0][0]
    try:
        saved = import_configs(manager, text)
    except ConfigImportError as e:
        assert str(e)
        assert all(isinstance(problem, str) and problem for problem in e.problems)
        assert manager.store.query("SELECT count(*) FROM configs")[0][0] == before
    else:
        after = manager.store.query("SELECT count(*) FROM configs")[0][0]
        assert after == before + len(saved)
        assert all(config.id is not None for config in saved)


@pytest.mark.parametrize("omitted", [True, "token", [1]])
def test_a_malformed_secrets_omitted_is_named(manager: IntegrationManager, omitted: Any) -> None:
    manager.register_integration_class(Notes)
    text = document({**entry("n", count="x"), "secrets_omitted": omitted})
    with pytest.raises(ConfigImportError) as info:
        import_configs(manager, text)
    assert any("'secrets_omitted' must be a list" in p for p in info.value.problems)


def test_every_configuration_has_a_stable_uid_and_a_copy_gets_its_own(
    manager: IntegrationManager,
) -> None:
    notes = manager.register_integration_class(Notes)
    first = notes.create_config(save=True, name="first")
    copy = first.copy("copy")
    assert copy.uid is None
    copy.save()
    assert first.uid and copy.uid and first.uid != copy.uid
    first.name = "renamed"
    first.save()
    fresh = IntegrationManager(manager.store)
    assert {c.name: c.uid for c in fresh.get_integration_configs()} == {
        "renamed": first.uid,
        "copy": copy.uid,
    }


def test_a_uid_shared_by_two_entries_or_two_integrations_is_refused(
    manager: IntegrationManager,
) -> None:
    notes = manager.register_integration_class(Notes)
    stored = notes.create_config(save=True, name="stored")
    text = document(
        {**entry("a"), "uid": "same"},
        {**entry("b"), "uid": "same"},
        {"integration_id": "other.thing", "name": "c", "uid": stored.uid},
    )
    with pytest.raises(ConfigImportError) as info:
        import_configs(manager, text)
    assert info.value.problems == [
        "entry 2, 'b' (test.notes): its UID is also that of entry 1",
        "entry 3, 'c' (other.thing): its UID belongs to “stored” of another integration "
        "(test.notes); import it as a new copy instead",
    ]
    assert len(import_configs(manager, text.replace('"same"', '"x"'), as_new=True)) == 3
