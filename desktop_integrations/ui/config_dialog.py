"""ConfigDialog: adds or edits a configuration, built from the integration's form."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_integrations.config import IntegrationConfig
from desktop_integrations.field_rules import FieldRule, inactive_fields
from desktop_integrations.fields import UIField, ui_fields
from desktop_integrations.forms import BASIC_FIELDS, NON_FIELD_ERRORS, BoundConfigForm
from desktop_integrations.integration import Integration
from desktop_integrations.messages import FieldError
from desktop_integrations.ui.banner import Banner
from desktop_integrations.ui.conflict_box import ask_save_conflict
from desktop_integrations.ui.deliveries_view import install_delivery_ui
from desktop_integrations.ui.dialog_actions import DialogAction, dialog_actions, dialog_sections
from desktop_integrations.ui.dialog_buttons import (
    action_button,
    ask_unsaved,
    button_box,
    enable_buttons,
)
from desktop_integrations.ui.dialog_saving import save_form, stored_config
from desktop_integrations.ui.fieldset_group import FieldRow, FieldsetGroup, show_row_errors
from desktop_integrations.ui.focus_recheck import FocusRecheck
from desktop_integrations.ui.icons import integration_icon
from desktop_integrations.ui.settings import restore_geometry, save_geometry
from desktop_integrations.ui.url_actions import install_url_ui
from desktop_integrations.ui.widgets import FieldWidget, create_widget

logger = logging.getLogger(__name__)

#: The banner shown when the values do not validate.
CORRECT_ERRORS = "Please correct the errors below."
_GEOMETRY_KEY = "ConfigDialog/geometry"

# Every dialog of an integration that sends events gets Send Test Event and
# Recent Deliveries.
install_delivery_ui()
install_url_ui()


class ConfigDialog(QDialog):
    """The add/edit dialog of a configuration, built from its integration's form.

    One group per fieldset, one widget per field (chosen through
    :func:`~desktop_integrations.ui.widgets.register_widget`'s registry). OK
    and Apply validate through :class:`BoundConfigForm` and save only valid
    values; errors show next to their fields. Extra buttons and sections come
    from :mod:`desktop_integrations.ui.dialog_actions` or :meth:`add_action`
    and :meth:`add_section`.

    Args:
        integration: The integration being configured.
        config: The configuration to edit, or None to add one.
    """

    #: Emitted with the configuration after each successful save.
    configSaved = Signal(object)
    # Emitted when the user edits any field.
    _fieldEdited = Signal()

    def __init__(
        self,
        integration: Integration,
        config: IntegrationConfig | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.integration = integration
        self._config = config
        self._rows: dict[str, FieldRow] = {}
        self._groups: list[FieldsetGroup] = []
        self._focus_recheck = FocusRecheck(self._rows, self.recheck, self)
        self._ruled: dict[str, FieldRule] = {}
        self.setWindowIcon(integration_icon(integration))
        self.banner = Banner(self)
        self._fieldEdited.connect(self._update_buttons)
        form = integration.build_config_form(config)
        self._build_fields(form)
        self._build_buttons()
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self._scroll, 1)
        layout.addLayout(self._button_row)
        for factory in dialog_sections():
            section = factory(self)
            if section is not None:
                self.add_section(section)
        for action in dialog_actions(integration):
            self.add_action(action)
        self._load(form)
        self._restore_geometry()

    # Building ------------------------------------------------------------

    def _build_fields(self, form: BoundConfigForm) -> None:
        descriptions = ui_fields(form.form_cls)
        self._form_cls = form.form_cls
        self._ruled = {name: f.rule for name, f in descriptions.items() if f.rule is not None}
        if self._ruled:
            self._fieldEdited.connect(self.apply_rules)
        content = QWidget(self)
        self._content_layout = QVBoxLayout(content)
        for fieldset in form.fieldsets:
            group = FieldsetGroup(fieldset, content)
            for name in fieldset.fields:
                self._add_field(group, descriptions[name])
            self._groups.append(group)
            self._content_layout.addWidget(group)
        self._content_layout.addStretch()
        self._scroll = QScrollArea(self)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # No Tab stop of its own: the focus goes from field to field, never to
        # the scroll area, where it would show nowhere.
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._scroll.setWidget(content)

    def _add_field(self, group: FieldsetGroup, field: UIField) -> None:
        widget = create_widget(field, group)
        widget.setObjectName(f"field_{field.name}")
        # Signal to signal: connects faster than to a Python method, once per field.
        widget.changed.connect(self._fieldEdited)
        self._rows[field.name] = group.add_field(field, widget)

    def _build_buttons(self) -> None:
        self.button_box = button_box(self)
        self.button_box.accepted.connect(self.accept)
        self.button_box.rejected.connect(self.reject)
        self.button_box.clicked.connect(self._on_clicked)
        self._button_row = QVBoxLayout()
        self._button_row.addWidget(self.button_box)

    def add_action(self, action: DialogAction) -> QPushButton:
        """Add a button that calls ``action.handler(dialog, form)``; return the button."""
        button = action_button(self, action)
        button.clicked.connect(lambda: self._run_action(action))
        # With Restore Defaults, on the left: away from OK and Cancel.
        self.button_box.addButton(button, QDialogButtonBox.ButtonRole.ResetRole)
        return button

    def add_section(self, widget: QWidget) -> None:
        """Show ``widget`` below the fieldsets (for instance a list of recent deliveries)."""
        self._content_layout.insertWidget(self._content_layout.count() - 1, widget)

    # Values --------------------------------------------------------------

    @property
    def config(self) -> IntegrationConfig | None:
        """The configuration: the one being edited, or the one saved; None before saving."""
        return self._config

    def field_widget(self, name: str) -> FieldWidget:
        """Return the widget editing the field ``name``.

        Raises:
            KeyError: The form has no such field.
        """
        return self._rows[name].widget

    def data(self) -> dict[str, Any]:
        """Return the values shown, by field name."""
        return {name: row.widget.value() for name, row in self._rows.items()}

    def has_changes(self) -> bool:
        """Return whether the values shown differ from the last loaded or saved ones."""
        return self.data() != self._baseline

    def current_config(self) -> IntegrationConfig | None:
        """Return an unsaved configuration holding the values shown, or None if invalid.

        For actions such as sending a test event with settings not saved yet.
        """
        form = self.integration.build_config_form(self._config, self.data())
        if not form.is_valid():
            return None
        cleaned = form.cleaned_data
        config = self._config.copy() if self._config else self.integration.create_config()
        config.name, config.enabled = cleaned["name"], cleaned["enabled"]
        for name, value in form.settings_data().items():
            config.set(name, value)
        return config

    def apply_rules(self) -> None:
        """Show or enable each dependent field as the values shown say."""
        if not self._ruled:
            return
        inactive = inactive_fields(self._form_cls, self.data())
        for name, rule in self._ruled.items():
            row = self._rows[name]
            if rule.effect == "show":
                row.set_shown(name not in inactive)
            else:
                row.widget.setEnabled(name not in inactive)

    def _load(self, form: BoundConfigForm) -> None:
        """Show ``form``'s initial values, and the errors of stored values that no longer fit."""
        for name, value in form.widget_values().items():
            if name in self._rows:
                self._rows[name].widget.set_value(value)
        self._baseline = self.data()
        self.apply_rules()
        self.setWindowTitle(
            f"{self._config.name} ({self.integration.name})"
            if self._config is not None
            else f"Add {self.integration.name}"
        )
        problems = list(self._config.problems) if self._config is not None else []
        if self._config is not None and (problems or not form.is_valid()):
            self.show_errors(form.errors, problems, details=form.error_details)
        else:
            self.show_errors({})
        # The values shown are the baseline: only an unsaved copy can be applied.
        enable_buttons(self.button_box, apply=self._is_unsaved_copy(), reset=False)

    def reset(self) -> None:
        """Show the saved values again (a new configuration: the starting values)."""
        self._load(self.integration.build_config_form(self._config))

    def restore_defaults(self) -> None:
        """Put every setting back to its default; the name and enabled flag stay."""
        defaults = self.integration.build_config_form(None).widget_values()
        for name, row in self._rows.items():
            if name not in BASIC_FIELDS and name in defaults:
                row.widget.set_value(defaults[name])
        self.apply_rules()
        self._update_buttons()

    # Validation and saving -------------------------------------------------

    def show_errors(
        self,
        errors: dict[str, list[str]],
        notes: list[str] | None = None,
        *,
        details: dict[str, list[FieldError]] | None = None,
    ) -> None:
        """Show each field's errors next to it, a banner, and focus the first bad field.

        Args:
            errors: Messages by field name (``"__all__"``: the whole form).
            notes: More lines for the banner.
            details: The same errors, located, with pydantic's text (see
                :attr:`BoundConfigForm.error_details`): a rule's error goes
                next to that rule, and pydantic's text into a tooltip.
        """
        first = show_row_errors(self._rows, self._groups, errors, details)
        banner = [CORRECT_ERRORS] if errors else []
        banner += errors.get(NON_FIELD_ERRORS, []) + (notes or [])
        if banner:
            self.banner.show_message(banner, "error")
        else:
            self.banner.hide()
        if first is not None:
            first.widget.setFocus(Qt.FocusReason.OtherFocusReason)
            self._scroll.ensureWidgetVisible(first.widget)

    def validate(self) -> BoundConfigForm | None:
        """Return the form of the values shown if valid; otherwise show the errors."""
        form = self.integration.build_config_form(self._config, self.data())
        if form.is_valid():
            return form
        self.show_errors(form.errors, details=form.error_details)
        return None

    def apply(self) -> bool:
        """Validate and save; return whether the values were saved.

        The dialog keeps everything typed when saving fails (a read-only or
        full disk: :class:`~desktop_integrations.errors.StoreError`). A configuration
        changed elsewhere since it was loaded asks whether to reload or overwrite.
        """
        form = self.validate()
        config = save_form(self, form) if form is not None else None
        return config is not None and self._saved(config)

    def _saved(self, config: IntegrationConfig) -> bool:
        self._config = config
        self._load(self.integration.build_config_form(config))
        self.configSaved.emit(config)
        return True

    def reload(self) -> None:
        """Show the stored values again, reading them from the database."""
        if self._config is not None and self._config.id is not None:
            fresh = stored_config(self.integration, self._config.id)
            if fresh is None:
                self.banner.show_message(
                    "This configuration was deleted elsewhere; OK saves it as a new one.",
                    "warning",
                )
                self._config = None
                return
            self._config = fresh
        self._load(self.integration.build_config_form(self._config))
        self.banner.show_message("The stored values were loaded again.", "info")

    def ask_conflict(self) -> str:
        """Ask what to do about a conflicting edit: "reload", "overwrite" or "cancel"."""
        return ask_save_conflict(self)

    # Buttons -----------------------------------------------------------------

    def _run_action(self, action: DialogAction) -> None:
        form = self.validate() if action.needs_valid else None
        if action.needs_valid and form is None:
            return
        if form is None:
            form = self.integration.build_config_form(self._config, self.data())
        try:
            action.handler(self, form)
        except Exception as e:
            logger.exception("The dialog action %r failed", action.text)
            self.banner.show_message(f"{action.text} failed: {e}", "error")

    def _update_buttons(self) -> None:
        changed = self.has_changes()
        enable_buttons(self.button_box, apply=changed or self._is_unsaved_copy(), reset=changed)

    def _is_unsaved_copy(self) -> bool:
        return self._config is not None and self._config.id is None

    def _on_clicked(self, button: QAbstractButton) -> None:
        role = self.button_box.standardButton(button)
        if role == QDialogButtonBox.StandardButton.Apply:
            self.apply()
        elif role == QDialogButtonBox.StandardButton.RestoreDefaults:
            self.restore_defaults()
        elif role == QDialogButtonBox.StandardButton.Reset:
            self.reset()

    def accept(self) -> None:
        """Save, and close only if saving succeeded; with nothing changed, just close."""
        stored = self._config is not None and self._config.id is not None
        if (stored and not self.has_changes()) or self.apply():
            self._save_geometry()
            super().accept()

    def reject(self) -> None:
        """Close without saving; with unsaved changes, ask: Save, Discard or Cancel."""
        if self.has_changes():
            choice = ask_unsaved(self)
            if choice == "save":
                self.accept()
                return
            if choice != "discard":
                return
        self._save_geometry()
        super().reject()

    # Re-checking a field as the user leaves it ------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        """Start re-checking fields with errors as the focus leaves them."""
        super().showEvent(event)
        self._focus_recheck.start()

    def hideEvent(self, event: QHideEvent) -> None:
        """Stop following the focus."""
        self._focus_recheck.stop()
        super().hideEvent(event)

    def recheck(self, name: str) -> None:
        """Validate again and show the field ``name``'s errors now (none: clear them).

        The banner goes once no field shows an error.
        """
        form = self.integration.build_config_form(self._config, self.data())
        row = self._rows[name]
        row.set_errors(form.errors.get(name, []), form.error_details.get(name, []))
        if not any(r.has_errors() for r in self._rows.values()):
            self.banner.hide()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Treat closing the window like Cancel."""
        if not self.isVisible():
            event.accept()
            return
        event.ignore()
        self.reject()

    def _restore_geometry(self) -> None:
        restore_geometry(self, _GEOMETRY_KEY, 560, 620)

    def _save_geometry(self) -> None:
        save_geometry(self, _GEOMETRY_KEY)
