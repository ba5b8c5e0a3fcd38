"""Extension and IntegrationHook, used directly by a host application."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from desktop_integrations import (
    Extension,
    Hook,
    Integration,
    IntegrationHook,
    IntegrationManager,
)


class Sample(Integration):
    name = "Sample"


class SampleExtension(Extension):
    name = "Sample extension"

    def initialize(self) -> None:
        IntegrationHook(self, Sample)


class BrokenHook(Hook):
    def shutdown(self) -> None:
        raise RuntimeError("cannot let go")


def test_integration_hook_registers_until_the_hooks_are_shut_down(
    manager: IntegrationManager,
) -> None:
    extension = SampleExtension(manager)
    extension.initialize()
    config = manager.get_integration(Sample.integration_id).create_config(name="C", save=True)

    extension.shutdown_hooks()

    assert not manager.is_registered(Sample.integration_id)
    assert extension.hooks == set()
    assert [c.id for c in manager.get_integration_configs(Sample.integration_id)] == [config.id]


def test_a_failing_hook_does_not_keep_the_others_registered(
    manager: IntegrationManager, caplog: pytest.LogCaptureFixture
) -> None:
    extension = SampleExtension(manager)
    extension.initialize()
    BrokenHook(extension)

    with caplog.at_level(logging.ERROR):
        extension.shutdown_hooks()

    assert not manager.is_registered(Sample.integration_id)
    assert extension.hooks == set()
    assert "cannot let go" in caplog.text


def test_integration_hook_needs_an_extension(manager: IntegrationManager) -> None:
    integration = manager.register_integration_class(Sample)

    with pytest.raises(TypeError, match="needs an Extension"):
        IntegrationHook(integration, Sample)  # type: ignore[arg-type]


def test_get_static_url_without_a_plugin_path_uses_the_module_folder() -> None:
    assert SampleExtension.get_static_url("logo.png") == str(Path(__file__).parent / "logo.png")


def test_get_static_url_of_a_single_module_plugin_uses_its_folder(tmp_path: Path) -> None:
    class ModulePluginExtension(Extension):
        plugin_path = tmp_path / "single.py"

    assert ModulePluginExtension.get_static_url("icons/a.png") == str(tmp_path / "icons/a.png")
