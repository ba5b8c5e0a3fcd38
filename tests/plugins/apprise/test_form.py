"""Forms generated from Apprise's token schema."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest
from pydantic import SecretStr

from desktop_integrations import IntegrationManager
from desktop_integrations.fields import ui_fields
from desktop_integrations.forms import get_fieldsets
from desktop_integrations.lazy_form import LazyConfigForm
from desktop_integrations.plugins.apprise.schema import load_services


def test_one_integration_per_service_named_after_its_first_plain_scheme(
    apprise_manager: IntegrationManager,
) -> None:
    ids = {i.id for i in apprise_manager.get_integrations()}
    services = load_services()
    assert len(ids) == len(services) > 150
    assert {"apprise.json", "apprise.ntfy", "apprise.mmost", "apprise.mailto"} <= ids
    # Pushover has only a secure scheme: its ID is that one.
    assert "apprise.pover" in ids
    mattermost = apprise_manager.get_integration("apprise.mmost")
    assert mattermost.name == "Mattermost"
    assert "mmosts://" in mattermost.description
    assert {"mmost", "mmosts"} <= set(mattermost.keywords)


def test_registering_builds_no_form_until_one_is_needed(
    apprise_manager: IntegrationManager,
) -> None:
    lazy = [type(i).__dict__["config_form_cls"] for i in apprise_manager.get_integrations()]
    assert all(isinstance(f, LazyConfigForm) and not f.built for f in lazy)
    ntfy = apprise_manager.get_integration("apprise.ntfy")
    ntfy.build_config_form()
    assert type(ntfy).__dict__["config_form_cls"].built
    assert sum(f.built for f in lazy) == 1


def test_every_generated_form_builds_and_validates_its_defaults(
    apprise_manager: IntegrationManager,
) -> None:
    for integration in apprise_manager.get_integrations():
        fieldsets = get_fieldsets(integration.config_form_cls)
        titles = [f.title for f in fieldsets]
        assert titles[:3] == ["Basic Information", "What To Post", "Where To Post"], integration
        if "Options" in titles:
            assert fieldsets[titles.index("Options")].collapsible
        assert ui_fields(integration.config_form_cls)
        form = integration.build_config_form(data={"name": "x"})
        messages = {m for messages in form.errors.values() for m in messages}
        assert messages <= {"This field is required.", "Enter at least one entry."}, (
            integration,
            form.errors,
        )


def _field(manager: IntegrationManager, integration_id: str, name: str) -> typing.Any:
    return ui_fields(manager.get_integration(integration_id).config_form_cls)[name]


def test_token_types_become_field_kinds_and_constraints(
    apprise_manager: IntegrationManager,
) -> None:
    port = _field(apprise_manager, "apprise.json", "port")
    assert port.kind == "int" and port.constraints == {"ge": 1, "le": 65535}
    assert not port.required
    assert _field(apprise_manager, "apprise.json", "host").required
    assert _field(apprise_manager, "apprise.json", "password").secret
    assert _field(apprise_manager, "apprise.mmost", "token").required
    method = _field(apprise_manager, "apprise.json", "method")
    assert method.kind == "choice" and method.default == "POST"
    assert "PATCH" in {c.value for c in method.choices}
    verify = _field(apprise_manager, "apprise.json", "verify")
    assert verify.kind == "bool" and verify.default is True
    targets = _field(apprise_manager, "apprise.ntfy", "targets")
    assert targets.kind == "str_list" and targets.required
    assert _field(apprise_manager, "apprise.json", "path").default == "/"
    use_tls = _field(apprise_manager, "apprise.mmost", "use_tls")
    assert use_tls.kind == "bool" and use_tls.title == "Use TLS"
    assert (
        "use_tls"
        not in apprise_manager.get_integration("apprise.pover").config_form_cls.model_fields
    )


def test_a_token_name_that_the_form_uses_gets_a_suffix(apprise_manager: IntegrationManager) -> None:
    fields = apprise_manager.get_integration("apprise.mailto").config_form_cls.model_fields
    assert fields["from_"].title == "From Email"
    assert fields["name_"].title == "From Name"
    assert fields["name"].title == "Name"


def test_bounds_regex_and_required_are_enforced(apprise_manager: IntegrationManager) -> None:
    json_ = apprise_manager.get_integration("apprise.json")
    form = json_.build_config_form(data={"name": "x", "host": "h", "port": 70000})
    assert set(form.errors) == {"port"}
    form = json_.build_config_form(data={"name": "x", "host": ""})
    assert form.errors["host"] == ["This field is required."]
    with_regex = next(
        (i, name)
        for i in apprise_manager.get_integrations()
        for name, field in ui_fields(i.config_form_cls).items()
        if field.kind == "str"
        and i.service.tokens.get(name) is not None  # type: ignore[attr-defined]
        and i.service.tokens[name].regex  # type: ignore[attr-defined]
    )
    integration, name = with_regex
    form = integration.build_config_form(data={"name": "x", name: "not valid!! ~~ ##"})
    assert "does not have the expected form" in " ".join(form.errors[name])


def test_a_private_token_is_not_stored_in_plaintext(apprise_manager: IntegrationManager) -> None:
    mattermost = apprise_manager.get_integration("apprise.mmost")
    assert "token" in mattermost.secret_fields
    form = mattermost.build_config_form(data={"name": "x", "host": "h", "token": "tok-S3CRET-42"})
    config = form.save()
    raw = b"".join(
        p.read_bytes() for p in apprise_manager.store.path.parent.iterdir() if p.is_file()
    )
    assert b"tok-S3CRET-42" not in raw
    assert config.get("token") == "tok-S3CRET-42"
    assert isinstance(mattermost.build_config_form(config).cleaned_data["token"], SecretStr)


def test_the_dialog_links_to_the_service(apprise_manager: IntegrationManager) -> None:
    fieldsets = get_fieldsets(apprise_manager.get_integration("apprise.ntfy").config_form_cls)
    where = next(f for f in fieldsets if f.title == "Where To Post")
    assert '<a href="https://ntfy.sh/">ntfy</a>' in where.description


@pytest.mark.parametrize("integration_id", ["apprise.json", "apprise.mailto"])
def test_options_hold_apprises_arguments(
    apprise_manager: IntegrationManager, integration_id: str
) -> None:
    fieldsets = get_fieldsets(apprise_manager.get_integration(integration_id).config_form_cls)
    options = next(f for f in fieldsets if f.title == "Options")
    assert {"format", "overflow", "verify"} <= set(options.fields)


def test_a_service_gets_a_tile_unless_the_app_ships_its_icon(
    apprise_manager: IntegrationManager, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from desktop_integrations.plugins.apprise import integration as module

    ntfy = apprise_manager.get_integration("apprise.ntfy")
    assert ntfy.icon_static_urls == {}
    assert ntfy.icon_tile.letter == "N"
    assert ntfy.icon_tile != apprise_manager.get_integration("apprise.notica").icon_tile
    (tmp_path / "apprise-ntfy.png").write_bytes(b"png")
    monkeypatch.setattr(module, "static", lambda relpath: str(tmp_path / relpath))
    assert ntfy.icon_static_urls == {
        "1x": str(tmp_path / "apprise-ntfy.png"),
        "2x": str(tmp_path / "apprise-ntfy@2x.png"),
    }


def test_headers_are_a_secret_list_and_a_malformed_entry_is_refused(
    apprise_manager: IntegrationManager,
) -> None:
    json_ = apprise_manager.get_integration("apprise.json")
    assert _field(apprise_manager, "apprise.json", "headers").kind == "secret_list"
    assert _field(apprise_manager, "apprise.json", "params").kind == "str_list"
    assert "headers" in json_.secret_fields
    form = json_.build_config_form(
        data={"name": "x", "host": "h", "headers": ["X-Key: tok-FORM-secret", "no colon"]}
    )
    assert form.errors["headers"] == ["Entry 2: write it as 'Name: value'."]
    assert "tok-FORM-secret" not in str(form.errors)
    form = json_.build_config_form(data={"name": "x", "host": "h", "payload": ["novalue"]})
    assert form.errors["payload"] == ["Entry 1: write it as 'key=value'."]
    fieldsets = get_fieldsets(json_.config_form_cls)
    options = next(f for f in fieldsets if f.title == "Options")
    assert {"headers", "payload", "params"} <= set(options.fields)
