"""File > Import… and File > Export…: the export file round trip, from the app."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from desktop_integrations.errors import IntegrationError

if TYPE_CHECKING:
    from desktop_integrations.ui.import_dialog import ImportDialog
    from desktop_integrations.ui.main_window import MainWindow

_FILTER = "Configuration exports (*.json);;All files (*)"


def export_file(window: MainWindow, path: Path | None = None) -> bool:
    """Export every configuration, secrets left out, to ``path`` (None: ask); return if written."""
    from PySide6.QtWidgets import QFileDialog  # imported when used: its type costs start-up time

    from desktop_integrations.cli.transfer import dump_document, export_configs, write_private

    if path is None:
        chosen, _ = QFileDialog.getSaveFileName(
            window, "Export Configurations", "configurations.json", _FILTER
        )
        if not chosen:
            return False
        path = Path(chosen)
    try:
        document = export_configs(window.manager)
        write_private(path, dump_document(document))
    except (OSError, IntegrationError) as e:
        window.show_error(f"Could not export to {path}: {getattr(e, 'strerror', None) or e}")
        return False
    count = len(document["configurations"])
    window.banner.show_message(
        f"Exported {count} configuration{'' if count == 1 else 's'} to {path}. Secrets "
        "(passwords, tokens, webhook URLs) were left out; the command line's "
        "export --include-secrets keeps them.",
        "info",
    )
    return True


def import_file(window: MainWindow, path: Path | None = None) -> ImportDialog | None:
    """Open the preview of importing ``path`` (None: ask), window-modal; return it."""
    from PySide6.QtWidgets import QFileDialog

    from desktop_integrations.ui.import_dialog import ImportDialog

    if path is None:
        chosen, _ = QFileDialog.getOpenFileName(window, "Import Configurations", "", _FILTER)
        if not chosen:
            return None
        path = Path(chosen)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        window.show_error(f"Could not read {path}: {getattr(e, 'strerror', None) or e}")
        return None
    dialog = ImportDialog(window.manager, path, text, window)
    dialog.imported.connect(lambda lines: _report(window, path, lines))
    dialog.open()
    return dialog


#: The most entries the banner lists after an import; the preview listed every one.
REPORTED_LINES = 10


def _report(window: MainWindow, path: Path, lines: list[str]) -> None:
    # Thousands of lines would make the banner taller than the window, and
    # laying them out froze it for half a second.
    shown = lines if len(lines) <= REPORTED_LINES else lines[: REPORTED_LINES - 1]
    more = len(lines) - len(shown)
    tail = [f"…and {more:,} more."] if more else []
    window.banner.show_message([f"Imported {path.name}:", *shown, *tail], "info")
