"""Banner: a coloured message strip above a window's or dialog's content."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

_STYLES = {
    "error": "background: #fdecea; color: #611a15; border: 1px solid #f5c2c0;",
    "warning": "background: #fff4e5; color: #663c00; border: 1px solid #ffd8a8;",
    "info": "background: #e8f4fd; color: #0d3c61; border: 1px solid #b6dcfb;",
}


class Banner(QFrame):
    """A message strip, hidden until :meth:`show_message` is called.

    Args:
        closable: Whether the user can dismiss it with a close button.

    Attributes:
        action_button: The button of the message's action ("Show"), hidden
            when the message has none.
    """

    def __init__(self, parent: QWidget | None = None, *, closable: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.level = "info"
        self._action: Callable[[], object] | None = None
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label, 1)
        self.action_button = QPushButton(self)
        self.action_button.clicked.connect(self._run_action)
        self.action_button.hide()
        layout.addWidget(self.action_button, 0, Qt.AlignmentFlag.AlignTop)
        if closable:
            close = QToolButton(self)
            close.setText("✕")
            close.setAccessibleName("Dismiss message")
            close.setAutoRaise(True)
            close.clicked.connect(self.hide)
            layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.setAccessibleName("Message")
        self.hide()

    def show_message(
        self,
        lines: str | list[str],
        level: str = "info",
        action: tuple[str, Callable[[], object]] | None = None,
    ) -> None:
        """Show one or more lines of plain text at ``level`` (error, warning, info).

        Args:
            lines: The message.
            level: How serious it is: ``"error"``, ``"warning"`` or ``"info"``.
            action: A button's text and what it does, such as ``("Show", ...)``.
        """
        lines = [lines] if isinstance(lines, str) else lines
        self.level = level
        self._action = action[1] if action is not None else None
        self.action_button.setText(action[0] if action is not None else "")
        self.action_button.setVisible(action is not None)
        import html  # with its entity table, not needed before a message is shown

        self.label.setText("<br>".join(html.escape(line) for line in lines))
        self.setStyleSheet(f"QFrame#banner {{ {_STYLES.get(level, _STYLES['info'])} }}")
        self.setAccessibleDescription(" ".join(lines))
        self.show()

    def _run_action(self) -> None:
        if self._action is not None:
            self._action()

    def text(self) -> str:
        """Return the message shown, as plain text."""
        return "" if self.isHidden() else self.accessibleDescription()
