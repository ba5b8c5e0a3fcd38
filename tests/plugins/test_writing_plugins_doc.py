"""Every Python snippet of docs/writing-plugins.md runs, in order, as a reader would."""

from __future__ import annotations

import re
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_integrations import Event, IntegrationManager
from desktop_integrations.condition_fields import get_condition_field
from desktop_integrations.delivery import set_delivery_pool
from desktop_integrations.manager import set_integration_manager
from tests.plugins.test_plugin_example import EXAMPLE, drop_example
from tests.servers import fast_pool

DOC = Path(__file__).resolve().parents[2] / "docs" / "writing-plugins.md"
SNIPPET = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)
EXAMPLE_HEADER = "# ntfy/__init__.py\n"


def snippets() -> list[str]:
    return SNIPPET.findall(DOC.read_text(encoding="utf-8"))


@pytest.fixture
def reader_module() -> Iterator[types.ModuleType]:
    """The module a reader pastes the snippets into, one after the other."""
    module = types.ModuleType("writing_plugins_doc")
    sys.modules[module.__name__] = module
    yield module
    del sys.modules[module.__name__]


@pytest.fixture
def read_through(
    manager: IntegrationManager,
    reader_module: types.ModuleType,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> Iterator[types.ModuleType]:
    """Run every snippet but the complete example's listing, in order."""
    pool = fast_pool()
    set_delivery_pool(pool)
    set_integration_manager(manager)
    drop_example(tmp_path / "plugins")  # the default plugins folder of the tests
    try:
        for number, block in enumerate(snippets(), start=1):
            if block.startswith(EXAMPLE_HEADER):
                continue
            code = compile(block, f"{DOC.name}, snippet {number}", "exec")
            exec(code, reader_module.__dict__)
        reader_module.printed = capsys.readouterr().out
        yield reader_module
    finally:
        set_delivery_pool(None)
        pool.shutdown()


def test_the_complete_example_is_the_shipped_example_plugin() -> None:
    complete = [s for s in snippets() if s.startswith(EXAMPLE_HEADER)]

    assert len(complete) == 1
    assert complete[0].removeprefix(EXAMPLE_HEADER) == (EXAMPLE / "__init__.py").read_text()


def test_every_snippet_runs_in_order(
    read_through: types.ModuleType, manager: IntegrationManager
) -> None:
    assert len(snippets()) >= 18
    # "Registering your integration" registered the reader's integration...
    assert manager.get_integration("writing_plugins_doc.MyIntegration").name == "My Integration"
    # ...and "Loading plugins in your own application" found the example plugin.
    printed = read_through.printed
    assert printed.startswith("[")  # no delivery and no load error was printed before
    assert "'ntfy'" in printed


def test_the_testing_snippet_passes(read_through: types.ModuleType, tmp_path: Path) -> None:
    read_through.Recorder.received.clear()

    read_through.test_my_integration_posts_each_event(tmp_path / "reader")

    assert read_through.Recorder.received == [{"title": "Build failed"}]


def test_the_validator_snippet_shows_its_message_next_to_the_field(
    manager: IntegrationManager, reader_module: types.ModuleType
) -> None:
    validator = next(s for s in snippets() if "field_validator" in s and "_check_client_id" in s)
    header = next(s for s in snippets() if s.startswith("from functools import cached_property"))
    exec(compile(header + validator, DOC.name, "exec"), reader_module.__dict__)
    integration_cls = reader_module.MyIntegration
    integration_cls.config_form_cls = reader_module.MyIntegrationConfigForm
    integration = manager.register_integration_class(integration_cls)

    form = integration.build_config_form(data={"name": "Ops", "client_id": "not valid!"})

    assert form.errors == {"client_id": ["Use only letters and digits."]}


def test_the_dependent_fields_snippet_hides_and_skips_the_login(
    read_through: types.ModuleType, manager: IntegrationManager
) -> None:
    cls = type("Login", (read_through.ServiceIntegration,), {"name": "Login"})
    cls.config_form_cls = read_through.LoginForm
    login = manager.register_integration_class(cls)

    off = login.build_config_form(data={"name": "x", "username": " "})
    on = login.build_config_form(data={"name": "x", "log_in": True, "username": " "})

    assert off.is_valid() and off.inactive_fields == {"username", "password", "template"}
    assert on.errors == {"username": ["This field is required."]}


def test_the_serializer_snippet_stores_text_and_loads_a_list(
    read_through: types.ModuleType, manager: IntegrationManager
) -> None:
    cls = type("Tagged", (read_through.ServiceIntegration,), {"name": "Tagged"})
    cls.config_form_cls = read_through.TaggedForm
    tagged = manager.register_integration_class(cls)

    config = tagged.build_config_form(data={"name": "t", "tags": ["ci", "nightly"]}).save()

    assert config.settings["tags"] == "ci,nightly"
    assert tagged.build_config_form(config).cleaned_data["tags"] == ["ci", "nightly"]


def test_the_condition_fields_snippet_registers_its_fields_while_enabled(
    read_through: types.ModuleType, manager: IntegrationManager
) -> None:
    extension = read_through.RepositoryConditions(manager)
    extension.initialize()
    try:
        conditions = read_through.Conditions.model_validate(
            {
                "mode": "all",
                "rules": [{"choice": "failures", "operator": "greater than", "value": "2"}],
            }
        )
        assert conditions.matches(Event(title="x", fields={"failed": "10"}))
        assert get_condition_field("repository") is not None
    finally:
        extension.shutdown_hooks()
    assert get_condition_field("repository") is None


def test_the_lazy_form_snippet_builds_each_form_on_first_use(
    read_through: types.ModuleType, manager: IntegrationManager
) -> None:
    for integration_cls in read_through.GENERATED:
        manager.register_integration_class(integration_cls)
    alpha, beta = (manager.get_integration(f"myplugin.{key}") for key in ("alpha", "beta"))
    assert (alpha.name, beta.name) == ("Alpha", "Beta")
    lazy = [type(i).__dict__["config_form_cls"] for i in (alpha, beta)]
    assert not any(form.built for form in lazy)
    alpha.build_config_form()  # what opening its dialog does
    assert [form.built for form in lazy] == [True, False]
    assert type(alpha).config_form_cls.__name__ == "AlphaConfigForm"
    assert "name" in type(alpha).config_form_cls.model_fields
