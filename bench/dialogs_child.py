"""Build and show a 50-field ConfigDialog and a hand-written QDialog, alternating.

Usage: python bench/dialogs_child.py WORKDIR ROUNDS

The form has ``name`` and ``enabled`` plus 48 fields (8 each of str, int,
float, bool, a 4-way choice and a secret), in four titled fieldsets of 12
with a description, every field with a title and a help text. The
hand-written dialog puts the same Qt editors (QLineEdit, QSpinBox,
QDoubleSpinBox, QCheckBox, QComboBox, a password QLineEdit with a reveal
QToolButton) with their labels and help texts into the same group boxes,
form layouts, scroll area and button box. One sample is the time from the
constructor call to the end of the dialog's first paint.
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Literal

from child_result import emit
from pydantic import Field, SecretStr
from PySide6.QtCore import QEvent, QObject, QSettings
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_integrations import Integration, IntegrationConfigForm

CHOICES = ("low", "normal", "high", "urgent")
KINDS: tuple[tuple[str, Any, Any], ...] = (
    ("text", str, "value"),
    ("number", int, 3),
    ("ratio", float, 0.5),
    ("flag", bool, False),
    ("level", Literal["low", "normal", "high", "urgent"], "normal"),
    ("token", SecretStr, ""),
)
FIELDSETS = 4


def field_specs() -> list[tuple[str, Any, Any]]:
    """The 48 extra fields, in declaration order: (name, type, default)."""
    return [
        (f"{prefix}_{n}", annotation, default)
        for n in range(8)
        for prefix, annotation, default in KINDS
    ]


def make_form() -> type[IntegrationConfigForm]:
    specs = field_specs()
    per_set = len(specs) // FIELDSETS
    namespace: dict[str, Any] = {"__module__": __name__, "__annotations__": {}}
    for name, annotation, default in specs:
        namespace["__annotations__"][name] = annotation
        namespace[name] = Field(
            default=default, title=name.replace("_", " ").title(), description=f"Help for {name}."
        )
    namespace["Meta"] = type(
        "Meta",
        (),
        {
            "fieldsets": tuple(
                (
                    f"Section {s + 1}",
                    {
                        "description": f"What section {s + 1} is about.",
                        "fields": tuple(
                            name for name, _, _ in specs[s * per_set : (s + 1) * per_set]
                        ),
                    },
                )
                for s in range(FIELDSETS)
            )
        },
    )
    return type(IntegrationConfigForm)("BenchForm50", (IntegrationConfigForm,), namespace)  # type: ignore[no-any-return]


def bare_dialog() -> QDialog:
    """The same editors, labels and layout, written by hand."""
    dialog = QDialog()
    dialog.setWindowTitle("Add Bench")
    content = QWidget(dialog)
    content_layout = QVBoxLayout(content)
    specs = field_specs()
    per_set = len(specs) // FIELDSETS
    basic = QGroupBox(content)
    basic_form = QFormLayout(basic)
    basic_form.addRow(QLabel("Enter a name and whether it is enabled.", basic))
    name = QLineEdit(basic)
    basic_form.addRow("Name", name)
    basic_form.addRow(QCheckBox("Enable this integration", basic))
    content_layout.addWidget(basic)
    for s in range(FIELDSETS):
        group = QGroupBox(f"Section {s + 1}", content)
        form = QFormLayout(group)
        form.addRow(QLabel(f"What section {s + 1} is about.", group))
        for field_name, annotation, default in specs[s * per_set : (s + 1) * per_set]:
            title = field_name.replace("_", " ").title()
            editor = _bare_editor(annotation, default, title, group)
            column = QWidget(group)
            column_layout = QVBoxLayout(column)
            column_layout.setContentsMargins(0, 0, 0, 0)
            column_layout.addWidget(editor)
            help_label = QLabel(f"Help for {field_name}.", column)
            help_label.setWordWrap(True)
            column_layout.addWidget(help_label)
            if isinstance(editor, QCheckBox):
                form.addRow(column)
            else:
                form.addRow(title, column)
        content_layout.addWidget(group)
    content_layout.addStretch()
    scroll = QScrollArea(dialog)
    scroll.setWidgetResizable(True)
    scroll.setWidget(content)
    buttons = QDialogButtonBox.StandardButton
    box = QDialogButtonBox(
        buttons.Ok | buttons.Cancel | buttons.Apply | buttons.RestoreDefaults, dialog
    )
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(scroll, 1)
    layout.addWidget(box)
    return dialog


def _bare_editor(annotation: Any, default: Any, title: str, parent: QWidget) -> QWidget:
    if annotation is bool:
        box = QCheckBox(title, parent)
        box.setChecked(default)
        return box
    if annotation is int:
        spin = QSpinBox(parent)
        spin.setRange(-(2**31), 2**31 - 1)
        spin.setValue(default)
        return spin
    if annotation is float:
        double = QDoubleSpinBox(parent)
        double.setRange(-1e12, 1e12)
        double.setValue(default)
        return double
    if annotation is SecretStr:
        row = QWidget(parent)
        edit = QLineEdit(row)
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        reveal = QToolButton(row)
        reveal.setCheckable(True)
        row_layout = QVBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(edit)
        row_layout.addWidget(reveal)
        return row
    if annotation is str:
        return QLineEdit(default, parent)
    combo = QComboBox(parent)
    combo.addItems(list(CHOICES))
    combo.setCurrentText(default)
    return combo


class Painted(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.seen = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.seen = True
        return False


def build_and_show(build: Any, app: QApplication) -> float:
    """Return the seconds from building to the end of the first paint."""
    watcher = Painted()
    start = time.perf_counter()
    dialog = build()
    dialog.installEventFilter(watcher)
    dialog.show()
    while not watcher.seen:
        app.processEvents()
    app.processEvents()  # the rest of the paint pass (the children)
    elapsed = time.perf_counter() - start
    dialog.close()
    # Delete the dialog now (processEvents() alone leaves deferred deletions
    # pending), so that no build pays for the widgets of earlier ones.
    dialog.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    del dialog
    gc.collect()
    return elapsed


def main() -> None:
    workdir, rounds = Path(sys.argv[1]), int(sys.argv[2])
    app = QApplication(sys.argv[:1])
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(workdir))
    from desktop_integrations.manager import IntegrationManager
    from desktop_integrations.storage import ConfigStore
    from desktop_integrations.ui import ConfigDialog

    cls = type(
        "BenchIntegration",
        (Integration,),
        {"integration_id": "bench.dialog", "name": "Bench", "config_form_cls": make_form()},
    )
    manager = IntegrationManager(ConfigStore(workdir / "dialogs.sqlite3"))
    integration = manager.register_integration_class(cls)
    sides = {"project": lambda: ConfigDialog(integration), "bare": bare_dialog}
    assert len(integration.config_form_cls.model_fields) == 50
    for build in sides.values():  # warm-up: first-use caches, fonts, styles
        for _ in range(2):
            build_and_show(build, app)
    samples: dict[str, list[float]] = {name: [] for name in sides}
    for number in range(rounds):
        order = list(sides) if number % 2 == 0 else list(reversed(sides))
        for name in order:
            samples[name].append(build_and_show(sides[name], app))
    emit({name: statistics.median(values) for name, values in samples.items()})
    # The numbers are out: skip interpreter teardown, where PySide6 6.12.0 on
    # Python 3.11 can abort (its Signal.emit() drops a reference to True).
    os._exit(0)


if __name__ == "__main__":
    main()
