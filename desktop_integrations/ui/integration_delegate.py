"""IntegrationDelegate: paints an integration as icon, bold name and description."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QIcon, QPainter
from PySide6.QtWidgets import QAbstractItemView, QStyledItemDelegate, QStyleOptionViewItem

from desktop_integrations.ui.integrations_model import DescriptionRole

ICON_SIZE = 48
_MARGIN = 8


class IntegrationDelegate(QStyledItemDelegate):
    """Draws a 48 px icon, the name in bold and the description below it."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        """Return room for the icon and two lines of text."""
        # The bold name and up to two lines of description.
        lines = option.fontMetrics.lineSpacing() * 3 + 2
        return QSize(240, max(ICON_SIZE, lines) + 2 * _MARGIN)

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """Leave out the text and icon from what the style draws: :meth:`paint` draws them."""
        super().initStyleOption(option, index)
        option.text = ""
        option.icon = QIcon()

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Paint the selection background, the icon and the two texts."""
        # The style draws the background, selection and focus (the base class
        # draws them from initStyleOption() above). Reading the selection from
        # the view, not the option's state, leaves QStyle's many enums, which
        # cost start-up time, out of the first paint.
        super().paint(painter, option, index)
        rect: QRect = option.rect
        view = option.widget
        selected = isinstance(view, QAbstractItemView) and view.selectionModel().isSelected(index)
        painter.save()
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        icon_rect = QRect(rect.left() + _MARGIN, rect.top() + _MARGIN, ICON_SIZE, ICON_SIZE)
        if isinstance(icon, QIcon):
            icon.paint(painter, icon_rect)
        palette = option.palette
        painter.setPen(palette.highlightedText().color() if selected else palette.text().color())
        text_left = icon_rect.right() + _MARGIN
        text_rect = QRect(text_left, rect.top() + _MARGIN, rect.right() - text_left - _MARGIN, 0)
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        line = painter.fontMetrics().lineSpacing()
        name = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        painter.drawText(text_rect.adjusted(0, 0, 0, line), Qt.AlignmentFlag.AlignLeft, name)
        painter.setFont(option.font)
        description = str(index.data(DescriptionRole) or "")
        body = QRect(text_left, text_rect.top() + line + 2, text_rect.width(), 2 * line)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
        painter.drawText(body, int(flags), description)
        painter.restore()
