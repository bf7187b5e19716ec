"""The ledger's table model: a window over the query, never the whole table in memory.

``rowCount`` comes from one ``count(*)`` (when the ledger opens, taken once its first rows are painted:
see ``LedgerModel.refresh``); rows are fetched a page at a time when the view asks for them
and a few pages are kept (an LRU), so a million-case ledger costs a few hundred rows of memory. Sorting
and filtering are done by SQLite over indexed columns.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop.core.money import format_money
from desktop.i18n import _
from desktop.services.workspace import Workspace
from desktop.store import cases as case_store
from desktop.store.cases import LedgerFilter, ledger_count, ledger_page, text_matches

PAGE = 100  # rows a fetch reads: a first screen shows ~30
KEEP_PAGES = 16
CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 1

# (header, row key or None for computed, sort key or None when not sortable)
COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    (_("案号"), "case_number", "case_number"),
    (_("当事人"), "parties_text", None),
    (_("案由"), "cause", None),
    (_("阶段"), "stage", "stage"),
    (_("状态"), "status", "status"),
    (_("承办人"), "handler", "handler"),
    (_("履行期限"), "deadline", "deadline"),
    (_("应履行（元）"), "due_fen", None),
    (_("已履行（元）"), "paid_fen", None),
    (_("未履行（元）"), "owed", "owed"),
    (_("下次应履行"), "next_due_date", "next_due_date"),
    (_("逾期天数"), "overdue", "next_due_date"),
)
COL = {key: i for i, (_h, key, _s) in enumerate(COLUMNS)}
_MONEY = {"due_fen", "paid_fen", "owed"}
_OVERDUE_BG = (QColor("#fde2e1"), QColor("#f9c0bd"), QColor("#f19b96"))  # >0, >30, >90 days
_OVERDUE_BRUSH = tuple(QBrush(c) for c in _OVERDUE_BG)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_CASE_ID = int(CASE_ID_ROLE)
_HORIZONTAL = Qt.Orientation.Horizontal
# The roles the model answers: the view asks a cell for seven on every paint, four of them answered None
# before anything else is looked at (a first screen is ~2,400 calls of data(), each a Python call).
_ROLES = frozenset({_DISPLAY, _CASE_ID, _ALIGN, _BACKGROUND, _TOOLTIP})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_RIGHT_KEYS = _MONEY | {"overdue"}
_ALIGN_OF = tuple(_RIGHT if key in _RIGHT_KEYS else None for _h, key, _s in COLUMNS)  # by column
_NOTICE_COLUMN = COL["case_number"]


def overdue_days(row: dict[str, Any], today: date) -> int:
    if row["status"] != "在办" or row["due_fen"] <= row["paid_fen"] or not row["next_due_date"]:
        return 0
    return max((today - date.fromisoformat(row["next_due_date"])).days, 0)


class LedgerModel(QAbstractTableModel):
    def __init__(
        self,
        workspace: Workspace,
        parent: Any = None,
        sort_key: str = "id",
        descending: bool = True,
        count_later: bool = False,
    ) -> None:
        """``count_later``: see :meth:`refresh`."""
        super().__init__(parent)
        self.workspace = workspace
        self.filter = LedgerFilter()
        self.sort_key = sort_key  # a key of desktop.store.cases.SORT_KEYS
        self.descending = descending
        self._count = 0
        self._counting = False  # the rows of a full first page stand for the count until count_rest()
        self._found: list[int] | None = None  # the search text's matches, looked up once a refresh
        self._pages: OrderedDict[int, list[dict[str, Any]]] = OrderedDict()
        self._today = workspace.today()
        self.refresh(count_later)

    # ------------------------------------------------------------ query control
    def set_filter(self, f: LedgerFilter) -> None:
        self.filter = f
        self.refresh()

    def refresh(self, count_later: bool = False) -> None:
        """Re-run the query (after a filter or data change).

        ``count_later``: the first page is read now and the count taken by :meth:`count_rest`, when the
        caller has shown the first rows (the ledger opening: on a million cases the count is the dearest
        query, and a clerk looks at the rows first). Until then the model has the first page's rows; a
        first page that is not full is all there is, and no count follows."""
        self.beginResetModel()
        self._today = self.workspace.today()
        self.filter = replace(self.filter, today=self._today)
        self._pages.clear()
        self._found = text_matches(self.workspace.db, self.filter, self.sort_key, self.descending)
        if count_later:
            self._count = len(self._page(0))
            self._counting = self._count == PAGE
        else:
            self._count = ledger_count(self.workspace.db, self.filter, self._found)
            self._counting = False
        self.endResetModel()

    @property
    def counting(self) -> bool:
        """True while the rows are the first page's and :meth:`count_rest` has the count to take."""
        return self._counting

    def count_rest(self) -> None:
        """Take the count a ``refresh(count_later=True)`` left to take: the rows after the first page
        are added (or, if cases were deleted meanwhile, the query is run again)."""
        if not self._counting:
            return
        self._counting = False
        total = ledger_count(self.workspace.db, self.filter, self._found)
        if total < self._count:
            self.refresh()
        elif total > self._count:
            self.beginInsertRows(QModelIndex(), self._count, total - 1)
            self._count = total
            self.endInsertRows()

    @property
    def capped(self) -> bool:
        """True when the search text matched more cases than a search shows (``SEARCH_LIMIT``)."""
        return self._found is not None and len(self._found) >= case_store.SEARCH_LIMIT

    def _reorder(self) -> None:
        """The same rows in another order: the pages go, the count stays (a million-case count is the
        dearest query of opening the ledger); a search's matches are put in the new order."""
        self.beginResetModel()
        self._pages.clear()
        if self._found is not None:
            self._found = text_matches(self.workspace.db, self.filter, self.sort_key, self.descending)
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][2]
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if column == COL["overdue"]:  # most overdue = earliest next due date
            descending = not descending
        if (key, descending) == (self.sort_key, self.descending):
            return  # the order shown (the view asks again when sorting is turned on): the rows stay
        self.sort_key = key
        self.descending = descending
        self._reorder()

    # ------------------------------------------------------------ rows
    def row(self, index: int) -> dict[str, Any]:
        page_no = index // PAGE
        if self._pages and next(reversed(self._pages)) == page_no:  # the page of the last call
            last = self._pages[page_no]
            return last[index - page_no * PAGE] if index - page_no * PAGE < len(last) else {}
        page = self._page(page_no)
        return page[index - page_no * PAGE] if index - page_no * PAGE < len(page) else {}

    def _page(self, page_no: int) -> list[dict[str, Any]]:
        """The rows of page ``page_no``, fetched if not kept."""
        page = self._pages.get(page_no)
        if page is None:
            page = ledger_page(
                self.workspace.db,
                self.filter,
                self.sort_key,
                self.descending,
                offset=page_no * PAGE,
                limit=PAGE,
                found=self._found,
            )
            self._pages[page_no] = page
            while len(self._pages) > KEEP_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page

    def case_id(self, index: int) -> int | None:
        row = self.row(index)
        return int(row["id"]) if row else None

    def row_of_case(self, case_id: int) -> int | None:
        """The row showing ``case_id`` among the pages already fetched, if any."""
        for page_no, page in self._pages.items():
            for i, r in enumerate(page):
                if r["id"] == case_id:
                    return page_no * PAGE + i
        return None

    # ------------------------------------------------------------ Qt model API
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role != _DISPLAY:  # asked hundreds of times while the view is built: the cheap test first
            return None
        return COLUMNS[section][0] if orientation == _HORIZONTAL else str(section + 1)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if role not in _ROLES or not index.isValid():
            return None
        if role == _ALIGN:  # by column: no row needed
            return _ALIGN_OF[index.column()]
        row = self.row(index.row())
        if not row:
            return None
        if role == _DISPLAY:
            return self._line(row)[0][index.column()]
        if role == _BACKGROUND:
            return self._line(row)[1]
        if role == _CASE_ID:
            return row["id"]
        if COLUMNS[index.column()][1] == "parties_text":  # the tooltip
            return row["parties_text"]
        if row["public_notice"]:
            return _("公告送达案件")
        return None

    def _line(self, row: dict[str, Any]) -> tuple[tuple[str, ...], QBrush | None]:
        """The row's cells as shown and its background, worked out once per fetched row (a paint asks
        every cell of a shown row for both, and a repaint asks again)."""
        line = row.get("_line")
        if line is None:
            days = overdue_days(row, self._today)
            cells: list[str] = []
            for _h, key, _s in COLUMNS:
                if key == "owed":
                    cells.append(format_money(max(row["due_fen"] - row["paid_fen"], 0)))
                elif key in _MONEY:
                    cells.append(format_money(row[key]))
                elif key == "overdue":
                    cells.append(str(days) if days else "")
                else:
                    value = row[key]
                    cells.append("" if value is None else str(value))
            if row["public_notice"]:
                cells[_NOTICE_COLUMN] = f"{row['case_number']} {_('（公告）')}"
            brush = _OVERDUE_BRUSH[0 if days <= 30 else 1 if days <= 90 else 2] if days > 0 else None
            line = row["_line"] = (tuple(cells), brush)
        return line
