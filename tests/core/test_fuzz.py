"""Arbitrary input never raises an unexplained exception."""

from __future__ import annotations

from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any, Literal

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import AnyUrl, Field, SecretStr

from desktop_integrations import (
    ConfigStore,
    Integration,
    IntegrationConfigForm,
    IntegrationManager,
    IntegrationRegistrationError,
)


class Level(Enum):
    LOW = "low"
    HIGH = "high"


class EverythingForm(IntegrationConfigForm):
    url: AnyUrl = Field(title="URL")
    label: str = Field(default="", max_length=50)
    count: int = Field(default=1, ge=0, le=100)
    ratio: float = 0.5
    flag: bool = False
    level: Level = Level.LOW
    mode: Literal["a", "b"] = "a"
    tags: list[str] = []
    token: SecretStr | None = None
    path: Path | None = None
    day: date | None = None


class Everything(Integration):
    integration_id = "fuzz.everything"
    name = "Everything"
    config_form_cls = EverythingForm


FIELDS = [*EverythingForm.model_fields, "unknown", ""]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=st.characters(codec=None), max_size=200),
    st.text(max_size=20).map(lambda s: s * 5000),
    st.binary(max_size=50),
    st.sampled_from(["https://example.com/x", "low", "high", "a", "2026-01-01", "\x00\x1b[31m"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(), inner)),
    max_leaves=8,
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.dictionaries(st.sampled_from(FIELDS), values, max_size=len(FIELDS)))
def test_form_data_validates_or_reports_per_field(
    data: dict[str, Any], manager: IntegrationManager
) -> None:
    if not manager.is_registered("fuzz.everything"):
        manager.register_integration_class(Everything)
    integration = manager.get_integration("fuzz.everything")
    form = integration.build_config_form(data=data)
    event("valid" if form.is_valid() else "invalid")
    if form.is_valid():
        config = form.save()
        assert config.id is not None
        manager.clear_all_configs_cache()
        (reloaded,) = [c for c in manager.get_integration_configs() if c.id == config.id]
        assert reloaded.settings == config.settings
        assert reloaded.name == config.name
        config.delete()
    else:
        assert form.errors
        known = set(EverythingForm.model_fields) | {"__all__"}
        assert set(form.errors) <= known
        assert all(form.errors[key] for key in form.errors)
        assert all(isinstance(m, str) and m for msgs in form.errors.values() for m in msgs)


declarations = st.recursive(
    st.one_of(
        st.none(),
        st.text(max_size=10),
        st.sampled_from(["a", "b", "name", "fields", "description", "classes", "collapse"]),
        st.integers(),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(tuple),
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["fields", "description", "classes", "other"]), inner, max_size=3
        ),
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(fieldsets=declarations)
def test_fieldset_declarations_register_or_fail_clearly(
    fieldsets: Any, tmp_path_factory: Any
) -> None:
    meta = type("Meta", (), {"fieldsets": fieldsets})
    namespace = {"__module__": __name__, "__annotations__": {"a": str, "b": int}, "Meta": meta}
    form = type("FuzzForm", (IntegrationConfigForm,), namespace)
    cls = type("Fuzz", (Integration,), {"name": "Fuzz", "config_form_cls": form})
    store = ConfigStore(tmp_path_factory.mktemp("fuzz") / "db.sqlite3")
    manager = IntegrationManager(store)
    try:
        integration = manager.register_integration_class(cls)
    except IntegrationRegistrationError as e:
        assert "FuzzForm" in str(e)
        assert manager.get_integrations() == []
    else:
        listed = [
            name
            for fieldset in integration.build_config_form().fieldsets
            for name in fieldset.fields
        ]
        assert sorted(listed) == sorted(["name", "enabled", "a", "b"])
    finally:
        store.close()
