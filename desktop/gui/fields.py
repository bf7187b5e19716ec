"""Small input widgets shared by dialogs: a field with its error message under it, typed line edits.

Typed edits parse with the core functions, so what a person may type is decided in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from enum import Enum
from typing import Any, TypeVar

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core.chinese_dates import parse_date
from desktop.core.errors import ValidationError
from desktop.core.money import format_money, parse_money
from desktop.i18n import _

E = TypeVar("E", bound=Enum)
W = TypeVar("W", bound=QWidget)

ERROR_STYLE = "color: #b3261e;"
INVALID_BG = "#fde2e1"


class DateLine(QLineEdit):
    """A date typed as 2025-06-13, 2025/6/13 or 2025年6月13日; empty means no date."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(_("年-月-日"))  # a sample date in grey read like a value
        self.setMaximumWidth(160)

    def value(self, field: str) -> date | None:
        text = self.text().strip()
        return parse_date(text, field) if text else None

    def set_value(self, value: date | None) -> None:
        self.setText(value.isoformat() if value else "")


class MoneyLine(QLineEdit):
    """An amount in yuan (1,234.50 / 1234.5元 / 1.2万); stored as fen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(_("金额（元）"))

    def value(self, field: str) -> int:
        return parse_money(self.text(), field)

    def set_value(self, fen: int) -> None:
        self.setText(format_money(fen) if fen else "")


def enum_combo(enum: type[E], current: E | None = None, parent: QWidget | None = None) -> QComboBox:
    combo = QComboBox(parent)
    for member in enum:
        combo.addItem(str(member.value), member)
    if current is not None:
        combo.setCurrentIndex(combo.findData(current))
    return combo


def combo_value(combo: QComboBox, enum: type[E]) -> E:
    data = combo.currentData()
    return data if isinstance(data, enum) else enum(combo.currentText())


class Form(QWidget):
    """A QFormLayout whose every row can show an error message under its widget."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_ = QFormLayout(self)
        self._errors: dict[str, QLabel] = {}
        self.widgets: dict[str, QWidget] = {}

    def add(self, label: str, widget: W, required: bool = False) -> W:
        box = QWidget(self)
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        col.addWidget(widget)
        # a one-line input keeps its height when an error line appears under it (the window grows
        # instead; the input was squeezed to a sliver)
        hint = widget.sizeHint().height()
        if widget.sizePolicy().verticalPolicy() == QSizePolicy.Policy.Fixed and hint > 0:
            widget.setMinimumHeight(hint)
        error = QLabel(box)
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        col.addWidget(error)
        title = QLabel(f"{label}{' *' if required else ''}", self)
        title.setBuddy(widget)
        self.layout_.addRow(title, box)
        self._errors[label] = error
        self.widgets[label] = widget
        return widget

    def clear_errors(self) -> None:
        for label in self._errors.values():
            label.hide()
            label.clear()

    def show_error(self, field: str, message: str) -> bool:
        """Show ``message`` under ``field``; False if this form has no such field."""
        label = self._errors.get(field)
        if label is None:
            return False
        label.setText(message)
        label.show()
        self._make_room()
        return True

    def _make_room(self) -> None:
        """Grow the window so that the error lines fit under their inputs (a window whose minimum size
        was set by hand does not grow by itself; never past the screen)."""
        window = self.window()
        if window is self or not window.isVisible():
            return
        layout = window.layout()
        if layout is not None and layout.hasHeightForWidth():  # wrapped text: its height at this width
            want = layout.totalHeightForWidth(window.width())
        else:
            want = window.sizeHint().height()
        screen = window.screen()
        if screen is not None:
            want = min(want, screen.availableGeometry().height() - 40)
        if window.height() < want:
            window.resize(window.width(), want)

    def attempt(self, field: str, parse: Callable[[], Any], errors: list[ValidationError]) -> Any:
        """Run ``parse``; on ValidationError record it (under ``field``) and return None."""
        try:
            return parse()
        except ValidationError as exc:
            errors.append(ValidationError(field, exc.message))
            return None


def table_text(table: QTableWidget, row: int, col: int) -> str:
    item = table.item(row, col)
    return item.text().strip() if item else ""


def set_table_text(table: QTableWidget, row: int, col: int, text: str) -> None:
    table.setItem(row, col, QTableWidgetItem(text))


def mark_cell(table: QTableWidget, row: int, col: int, message: str | None) -> None:
    """Colour a cell that failed validation and put the reason in its tooltip (None clears)."""
    item = table.item(row, col)
    if item is None:
        item = QTableWidgetItem("")
        table.setItem(row, col, item)
    from PySide6.QtGui import QBrush, QColor

    item.setBackground(QBrush(QColor(INVALID_BG)) if message else QBrush())
    item.setToolTip(message or "")


def fill_combo(combo: QComboBox, values: Iterable[str], current: str = "") -> None:
    combo.clear()
    combo.addItems(list(values))
    if current and combo.findText(current) < 0:
        combo.addItem(current)
    combo.setCurrentText(current)
