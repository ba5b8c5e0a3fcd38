"""Every Python snippet of docs/writing-plugins.md runs, in order, as a reader would."""

from __future__ import annotations

import re
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_integrations import IntegrationManager
from desktop_integrations.manager import set_integration_manager
from tests.plugins.test_plugin_example import EXAMPLE, drop_example

DOC = Path(__file__).resolve().parents[2] / "docs" / "writing-plugins.md"
SNIPPET = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)
EXAMPLE_HEADER = "# myplugin/__init__.py\n"


def snippets() -> list[str]:
    return SNIPPET.findall(DOC.read_text(encoding="utf-8"))


@pytest.fixture
def reader_module() -> Iterator[types.ModuleType]:
    """The module a reader pastes the snippets into, one after the other."""
    module = types.ModuleType("writing_plugins_doc")
    sys.modules[module.__name__] = module
    yield module
    del sys.modules[module.__name__]


def test_the_complete_example_is_the_shipped_example_plugin() -> None:
    complete = [s for s in snippets() if s.startswith(EXAMPLE_HEADER)]

    assert len(complete) == 1
    assert complete[0].removeprefix(EXAMPLE_HEADER) == (EXAMPLE / "__init__.py").read_text()


def test_every_snippet_runs_in_order(
    manager: IntegrationManager,
    reader_module: types.ModuleType,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    blocks = snippets()
    assert len(blocks) >= 10
    set_integration_manager(manager)
    drop_example(tmp_path / "plugins")  # the default plugins folder of the tests

    for number, block in enumerate(blocks, start=1):
        code = compile(block, f"{DOC.name}, snippet {number}", "exec")
        exec(code, reader_module.__dict__)

    # "Registering your integration" registered the reader's integration...
    assert manager.get_integration("writing_plugins_doc.MyIntegration").name == "My Integration"
    # ...and "Loading plugins in your own application" found the example plugin.
    printed = capsys.readouterr().out
    assert printed.startswith("[")  # no load error was printed before the names
    assert "'My Integration'" in printed


def test_the_validator_snippet_shows_its_message_next_to_the_field(
    manager: IntegrationManager, reader_module: types.ModuleType
) -> None:
    validator = next(s for s in snippets() if "field_validator" in s and "class Meta" not in s)
    header = next(s for s in snippets() if s.startswith("from functools import cached_property"))
    exec(compile(header + validator, DOC.name, "exec"), reader_module.__dict__)
    integration_cls = reader_module.MyIntegration
    integration_cls.config_form_cls = reader_module.MyIntegrationConfigForm
    integration = manager.register_integration_class(integration_cls)

    form = integration.build_config_form(data={"name": "Ops", "client_id": "not valid!"})

    assert form.errors == {"client_id": ["Use only letters and digits."]}
