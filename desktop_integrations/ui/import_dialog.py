"""ImportDialog: shows what importing a file will change, then imports it."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_integrations.cli.transfer import (
    ConfigImportError,
    ImportChoice,
    ImportPlan,
    apply_import,
    plan_import,
)
from desktop_integrations.errors import IntegrationError
from desktop_integrations.manager import IntegrationManager
from desktop_integrations.ui.banner import Banner
from desktop_integrations.ui.icons import app_icon

#: The icon of each kind of change in the preview.
_ICONS = {"add": "action-add", "copy": "action-duplicate", "update": "action-edit"}


class ImportDialog(QDialog):
    """A preview of an import: one line per entry saying what will be done.

    Nothing is stored until Import is clicked; an invalid entry is listed with
    its problems and Import stays disabled. "Add every entry as a new copy"
    plans the import again as ``import --as-new`` would.

    Args:
        manager: The manager to import into.
        path: The export file (for the title and messages).
        text: The file's text.
    """

    #: Emitted with one sentence per entry once the import is stored.
    imported = Signal(list)
    # From the worker thread: the lines to show, and whether it was stored.
    _done = Signal(list, bool)

    def __init__(
        self,
        manager: IntegrationManager,
        path: Path,
        text: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.manager = manager
        self.path = path
        self._text = text
        self.setWindowTitle(f"Import {path.name}")
        self.banner = Banner(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.entries = QListWidget(self)
        self.entries.setAccessibleName("What will be imported")
        self.entries.setWordWrap(True)
        self.as_new = QCheckBox("Add every entry as a &new copy (keep the stored ones)", self)
        self.as_new.toggled.connect(self._plan)
        buttons = QDialogButtonBox.StandardButton
        self.button_box = QDialogButtonBox(buttons.Ok | buttons.Cancel, self)
        self.import_button = self.button_box.button(buttons.Ok)
        self.import_button.setText("&Import")
        self.button_box.button(buttons.Cancel).setText("&Cancel")
        self.button_box.accepted.connect(self.accept)
        self.button_box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(QLabel(f"Importing <b>{path}</b> will:", self))
        layout.addWidget(self.entries, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.as_new)
        layout.addWidget(self.button_box)
        self.resize(640, 420)
        self.plan: ImportPlan | None = None
        self._done.connect(self._finished)
        self._plan()

    def _plan(self) -> None:
        self.entries.clear()
        self.banner.hide()
        try:
            self.plan = plan_import(self.manager, self._text, as_new=self.as_new.isChecked())
        except IntegrationError as e:
            self.plan = None
            self.banner.show_message(f"{self.path.name} cannot be imported. {e}", "error")
            self.summary.clear()
            self.import_button.setEnabled(False)
            return
        for choice in self.plan.choices:
            self.entries.addItem(self._item(choice))
        problems = self.plan.problems
        if problems:
            self.banner.show_message(
                "Nothing can be imported until these entries are corrected in the file.", "error"
            )
        self.summary.setText(f"In all: {self.plan.summary()}.")
        importable = not problems and any(c.store is not None for c in self.plan.choices)
        self.import_button.setEnabled(importable)

    @staticmethod
    def _item(choice: ImportChoice) -> QListWidgetItem:
        if choice.problems:
            text = f"Entry {choice.number}, {choice.label}: " + "; ".join(choice.problems)
            item = QListWidgetItem(text)
            item.setIcon(app_icon("action-delete"))
            item.setForeground(Qt.GlobalColor.darkRed)
        else:
            item = QListWidgetItem(choice.describe())
            icon = _ICONS.get(choice.action)
            if icon:
                item.setIcon(app_icon(icon))
        item.setToolTip(item.text())
        return item

    def run_import(self) -> None:
        """Store the planned import in a worker thread; :attr:`finished` follows.

        The window stays responsive however many entries there are: the list
        shows the saves in batches as they arrive.
        """
        if self.plan is None:
            return
        plan = self.plan
        self.import_button.setEnabled(False)
        self.as_new.setEnabled(False)
        self.summary.setText(f"Importing {len(plan.choices)} entries…")

        def work() -> None:
            try:
                results = apply_import(self.manager, plan)
            except ConfigImportError as e:
                self._done.emit([str(e), *e.problems], False)
                return
            except IntegrationError as e:
                self._done.emit([f"Nothing was imported: {e}"], False)
                return
            self._done.emit([choice.describe(config) for choice, config in results], True)

        threading.Thread(target=work, name="import", daemon=True).start()

    def _finished(self, lines: list[str], ok: bool) -> None:
        if not ok:
            self.banner.show_message(lines, "error")
            self._plan()
            self.as_new.setEnabled(True)
            return
        self.imported.emit(lines)
        super().accept()

    def accept(self) -> None:
        """Import; the dialog closes once the import is stored."""
        self.run_import()
