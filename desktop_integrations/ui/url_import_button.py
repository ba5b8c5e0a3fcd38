"""UrlImportButton: "Add from <format>…", which reads a pasted URL into a configuration."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from desktop_integrations.url_formats import UrlFormat, UrlFormatError, url_formats


def ask_url(parent: QWidget, url_format: UrlFormat) -> str | None:
    """Ask for a URL of ``url_format``; None if the user cancels."""
    # Imported here, as the message box below: setting up their types costs
    # start-up time, and they are needed only once the button is clicked.
    from PySide6.QtWidgets import QInputDialog

    text, ok = QInputDialog.getText(
        parent,
        f"Add from {url_format.name}",
        f"Paste an {url_format.name} (from an existing configuration, for instance):",
    )
    return text.strip() if ok and text.strip() else None


class UrlImportButton(QWidget):
    """One "Add from <format>…" button per registered URL format (none: hidden).

    A URL the format reads emits :attr:`urlParsed`; one it does not is
    explained in a message box.
    """

    #: Emitted with the :class:`~desktop_integrations.url_formats.ParsedUrl`.
    urlParsed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.buttons: list[QPushButton] = []
        self._formats: list[UrlFormat] | None = None
        self.refresh()

    def refresh(self) -> None:
        """Show a button per format registered now."""
        formats = url_formats()
        if formats == self._formats:
            return
        self._formats = formats
        for button in self.buttons:
            self._layout.removeWidget(button)
            button.hide()
            button.deleteLater()
        self.buttons = []
        for url_format in formats:
            button = QPushButton(f"Add from {url_format.name}…", self)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, f=url_format: self.add_from(f))
            self._layout.addWidget(button)
            self.buttons.append(button)
        self.setVisible(bool(self.buttons))

    def add_from(self, url_format: UrlFormat) -> None:
        """Ask for a URL and emit what it holds, or say why it cannot be read."""
        url = ask_url(self, url_format)
        if url is None:
            return
        try:
            parsed = url_format.parse(url)
        except UrlFormatError as e:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(self, f"Add from {url_format.name}", f"{e}.")
            return
        self.urlParsed.emit(parsed)
