"""URL formats in the UI: "Copy as <format>" in dialogs, and filling a dialog from a URL."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_integrations.forms import BoundConfigForm
from desktop_integrations.ui.dialog_actions import (
    DialogAction,
    register_dialog_section,
    unregister_dialog_section,
)
from desktop_integrations.url_formats import UrlFormat, UrlFormatError, format_for

if TYPE_CHECKING:
    from desktop_integrations.ui.config_dialog import ConfigDialog


def fill_dialog(dialog: ConfigDialog, data: Mapping[str, Any]) -> None:
    """Show ``data`` (form values by field name) in the dialog, as if typed in."""
    for name, value in data.items():
        try:
            widget = dialog.field_widget(name)
        except KeyError:
            continue
        widget.set_value(value)
        widget.changed.emit()


def confirm_copy(parent: QWidget, url_format: UrlFormat) -> bool:
    """Ask before copying a URL that holds secrets; return whether to copy."""
    answer = QMessageBox.warning(
        parent,
        f"Copy as {url_format.name}",
        f"{url_format.warning}\n\nCopy it to the clipboard?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes


def _copy_handler(url_format: UrlFormat) -> Any:
    def copy(dialog: ConfigDialog, form: BoundConfigForm) -> None:
        try:
            url = url_format.compose(dialog.integration, form.cleaned_data)
        except UrlFormatError as e:
            dialog.banner.show_message(f"No {url_format.name} for these settings: {e}.", "error")
            return
        if not confirm_copy(dialog, url_format):
            return
        QGuiApplication.clipboard().setText(url)
        dialog.banner.show_message(
            f"The {url_format.name} is on the clipboard. It holds this configuration's "
            "secrets: keep it private.",
            "warning",
        )

    return copy


def url_actions_section(dialog: ConfigDialog) -> None:
    """Add "Copy as <format>" to a dialog whose integration a URL format writes."""
    url_format = format_for(dialog.integration)
    if url_format is not None:
        dialog.add_action(
            DialogAction(
                f"Copy as {url_format.name}",
                _copy_handler(url_format),
                tooltip=f"Copy these settings as one {url_format.name}, secrets included.",
            )
        )


def install_url_ui() -> None:
    """Add "Copy as <format>" to configuration dialogs (once)."""
    unregister_dialog_section(url_actions_section)
    register_dialog_section(url_actions_section)
