"""诚信履行名单: review the candidates of a period, record the national check and consent in bulk, exclude
with a reason, publish a numbered batch; then print, export to the receiving agencies, or withdraw.

Tab 审核: the debtors who performed in full within the period, one row each, every admission condition
as 符合 / 不符合 / 待核实 (coloured; the reason in the tooltip and in the panel under the table; a
condition the court does not require is greyed). Rows can be filtered and multi-selected; the buttons
act on the selection. Tab 已发布批次: the batches, the entries of the selected one (withdrawn entries
marked), the print and export log, and the actions on them.

No rule lives here: the findings come from core.whitelist through services.whitelist.

The candidates take seconds on a large ledger: they are computed off the GUI thread (desktop.gui.page_load)
while the page says so, with 取消; a change meanwhile computes them again when that load ends.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.core.errors import ValidationError
from desktop.core.whitelist import CONDITIONS, MANDATORY, Condition, ExclusionKind, State, WhitelistRules
from desktop.gui import save_dir
from desktop.gui.fields import ERROR_STYLE, DateLine, Form
from desktop.gui.page_load import LoadBar, PageLoad
from desktop.gui.read_only import lock_writes
from desktop.i18n import _
from desktop.services.whitelist import (
    FORMATS,
    Candidate,
    WhitelistRefused,
    WhitelistService,
    agencies,
    one_per_party,
)
from desktop.services.workspace import Change, Workspace
from desktop.store.database import StoreError

STATE_COLOURS = {State.PASSED: "#dff3e4", State.FAILED: "#fde2e1", State.MANUAL: "#fff4d6"}
NOT_REQUIRED = "#9e9e9e"

FIXED_COLUMNS = (_("案号"), _("姓名或名称"), _("证件（脱敏）"), _("履行完毕日期"))
# Column headings of the conditions (the tooltip and the panel below give the full name).
SHORT: dict[Condition, str] = {
    Condition.PERFORMED: _("履行完毕"),
    Condition.VOLUNTARY: _("自动履行"),
    Condition.CONFIRMED: _("债权人确认"),
    Condition.NOT_EXCLUDED: _("无排除情形"),
    Condition.NO_OPEN_CASE: _("本院无在执"),
    Condition.NATIONAL_CHECK: _("全国查询"),
    Condition.IDENTIFIED: _("身份信息"),
    Condition.CONSENT: _("申请或同意"),
}
SHOW_ALL, SHOW_ELIGIBLE, SHOW_MANUAL, SHOW_FAILED = (
    _("全部"),
    _("符合全部条件"),
    _("待核实"),
    _("不符合"),
)


class CandidateModel(QAbstractTableModel):
    """The candidates of a period after the filter; one column per condition, then the verdict."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.all: list[Candidate] = []
        self.rows: list[Candidate] = []
        self.show = SHOW_ALL
        self.text = ""

    def set_candidates(self, candidates: list[Candidate]) -> None:
        self.all = candidates
        self._apply()

    def set_filter(self, show: str, text: str) -> None:
        self.show, self.text = show, "".join(text.split())
        self._apply()

    def _keep(self, c: Candidate) -> bool:
        if self.text and self.text not in c.name and self.text not in c.case_number:
            return False
        state = c.assessment.state
        return (
            self.show == SHOW_ALL
            or (self.show == SHOW_ELIGIBLE and state is State.PASSED)
            or (self.show == SHOW_MANUAL and state is State.MANUAL)
            or (self.show == SHOW_FAILED and state is State.FAILED)
        )

    def _apply(self) -> None:
        self.beginResetModel()
        self.rows = [c for c in self.all if self._keep(c)]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(FIXED_COLUMNS) + len(CONDITIONS) + 1

    def condition_at(self, column: int) -> Condition | None:
        k = column - len(FIXED_COLUMNS)
        return CONDITIONS[k] if 0 <= k < len(CONDITIONS) else None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        c = self.rows[index.row()]
        col = index.column()
        condition = self.condition_at(col)
        if condition is not None:
            f = c.assessment.finding(condition)
            if role == Qt.ItemDataRole.DisplayRole:
                return f.state.value
            if role == Qt.ItemDataRole.ToolTipRole:
                return f.reason + ("" if f.required else _("（本院不要求此项）"))
            if role == Qt.ItemDataRole.BackgroundRole and f.required:
                return QBrush(QColor(STATE_COLOURS[f.state]))
            if role == Qt.ItemDataRole.ForegroundRole and not f.required:
                return QBrush(QColor(NOT_REQUIRED))
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignCenter)
            return None
        if col == self.columnCount() - 1:
            state = c.assessment.state
            if role == Qt.ItemDataRole.DisplayRole:
                if c.listed_in:
                    return _("已在名单中")
                return _("符合全部条件") if state is State.PASSED else state.value
            if role == Qt.ItemDataRole.ToolTipRole:
                return c.reasons
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(STATE_COLOURS[state]))
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            # The tooltip carries the whole text when a long name is elided in its column.
            done = c.performed_on.isoformat() if c.performed_on else ""
            return (c.case_number, c.name, c.identifier, done)[col]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        condition = self.condition_at(section)
        if role == Qt.ItemDataRole.ToolTipRole and condition is not None:
            return condition.value
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if section < len(FIXED_COLUMNS):
            return FIXED_COLUMNS[section]
        return SHORT[condition] if condition is not None else _("结论")


# --------------------------------------------------------------------------------------------- dialogs


class _ActionDialog(QDialog):
    """A small form whose OK runs ``apply``; a refusal is shown in the dialog, which stays open."""

    def __init__(self, title: str, intro: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            layout.addWidget(label)
        self.form = Form(self)
        layout.addWidget(self.form)
        self.error = QLabel(self)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("取消"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.result_text = ""

    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def apply(self) -> str:  # pragma: no cover - every dialog overrides it
        raise NotImplementedError

    def submit(self) -> None:
        self.form.clear_errors()
        self.error.hide()
        try:
            self.result_text = self.apply()
        except ValidationError as exc:
            if not self.form.show_error(exc.field, exc.message):
                self._show(str(exc))
            return
        except WhitelistRefused as exc:
            if not (exc.field and self.form.show_error(exc.field, exc.message)):
                self._show(str(exc))
            return
        except StoreError as exc:
            self._show(str(exc))
            return
        self.accept()

    def _show(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def date_of(self, line: DateLine, label: str) -> date:
        value = line.value(label)
        if value is None:
            raise ValidationError(label, _("请填写{0}").format(label))
        return value


class CheckDialog(_ActionDialog):
    """The national check (or a manual check of 自动履行 / 债权人确认) for the selected parties."""

    def __init__(self, service: WhitelistService, party_ids: list[int], parent: QWidget | None) -> None:
        super().__init__(
            _("登记核查结果"),
            _("为所选 {0} 人登记核查：全国范围被执行案件查询，或台账无法判断的条件的人工核实。").format(
                len(party_ids)
            ),
            parent,
        )
        self.service, self.party_ids = service, party_ids
        self.condition = QComboBox()
        for c in (Condition.NATIONAL_CHECK, Condition.VOLUNTARY, Condition.CONFIRMED):
            self.condition.addItem(c.value)
        self.form.add(_("核查项目"), self.condition)
        self.outcome = QComboBox()
        self.outcome.addItem(_("符合（未查到被执行案件 / 核实无误）"), True)
        self.outcome.addItem(_("不符合"), False)
        self.form.add(_("结果"), self.outcome)
        self.checked_on = DateLine()
        self.form.add(_("核查日期"), self.checked_on, required=True)
        self.checked_on.set_value(service.ws.today())
        self.checker = QLineEdit()
        self.form.add(_("核查人"), self.checker, required=True)
        self.checker.setText(service.ws.actor)
        self.note = QLineEdit()
        self.form.add(_("说明"), self.note)
        self.ok_button().setText(_("登记"))

    def apply(self) -> str:
        n = self.service.record_check(
            self.party_ids,
            self.date_of(self.checked_on, _("核查日期")),
            self.checker.text(),
            bool(self.outcome.currentData()),
            self.note.text(),
            Condition(self.condition.currentText()),
        )
        return _("已为 {0} 人登记{1}").format(n, self.condition.currentText())


class ConsentDialog(_ActionDialog):
    def __init__(self, service: WhitelistService, party_ids: list[int], parent: QWidget | None) -> None:
        super().__init__(
            _("登记申请或同意"),
            _(
                "诚信履行名单没有法定依据，只公布本人申请或书面同意的当事人。"
                "请确认所选 {0} 人的申请书或同意书已入卷。"
            ).format(len(party_ids)),
            parent,
        )
        self.service, self.party_ids = service, party_ids
        self.consent_date = DateLine()
        self.form.add(_("申请或同意日期"), self.consent_date, required=True)
        self.consent_date.set_value(service.ws.today())
        self.ok_button().setText(_("登记"))

    def apply(self) -> str:
        n = self.service.record_consent(self.party_ids, self.date_of(self.consent_date, _("申请或同意日期")))
        return _("已为 {0} 人登记申请或同意").format(n)


class ExcludeDialog(_ActionDialog):
    def __init__(self, service: WhitelistService, party_ids: list[int], parent: QWidget | None) -> None:
        super().__init__(
            _("排除"),
            _(
                "登记所选 {0} 人的排除情形：同一当事人（按身份证号或统一社会信用代码）的其他案件也一并排除。"
            ).format(len(party_ids)),
            parent,
        )
        self.service, self.party_ids = service, party_ids
        self.kind = QComboBox()
        for k in ExclusionKind:
            self.kind.addItem(k.value)
        self.form.add(_("排除情形"), self.kind)
        self.since = DateLine()
        self.form.add(_("发现日期"), self.since, required=True)
        self.since.set_value(service.ws.today())
        self.reason = QPlainTextEdit()
        self.form.add(_("排除原因"), self.reason, required=True)
        self.reason.setMaximumHeight(80)
        self.ok_button().setText(_("排除"))

    def apply(self) -> str:
        n = self.service.exclude(
            self.party_ids, ExclusionKind(self.kind.currentText()), self.date_of(self.since, _("发现日期")),
            self.reason.toPlainText(),
        )  # fmt: skip
        return _("已排除 {0} 人").format(n)


class RulesDialog(_ActionDialog):
    """Which conditions this court requires (settings); performance, identity and consent always are."""

    def __init__(self, service: WhitelistService, parent: QWidget | None) -> None:
        super().__init__(
            _("本院的纳入条件"),
            _("选择本院要求的条件。不要求的条件仍在审核表中显示（灰色），但不影响发布。"
              "履行完毕、身份信息和本人申请或同意是名单的基础，始终要求。"),
            parent,
        )  # fmt: skip
        self.service = service
        rules = service.rules()
        self.boxes: dict[Condition, QCheckBox] = {}
        for k, c in enumerate(CONDITIONS):
            box = QCheckBox(c.value + (_("（始终要求）") if c in MANDATORY else ""))
            box.setChecked(c in rules.required)
            box.setEnabled(c not in MANDATORY)
            self.boxes[c] = box
            self.form.add(_("要求的条件") if k == 0 else "", box)
        self.months = QSpinBox()
        self.months.setRange(1, 12)
        self.months.setSuffix(_("个月"))
        self.months.setValue(rules.pre_enforcement_months)
        self.form.add(_("执前督促期限"), self.months)
        self.max_age = QSpinBox()
        self.max_age.setRange(0, 3650)
        self.max_age.setSpecialValueText(_("不限"))
        self.max_age.setSuffix(_("日"))
        self.max_age.setValue(rules.national_check_max_age_days)
        self.form.add(_("全国查询有效期"), self.max_age)
        self.ok_button().setText(_("保存"))

    def apply(self) -> str:
        required = frozenset(c for c, box in self.boxes.items() if box.isChecked())
        self.service.set_rules(WhitelistRules(required, self.months.value(), self.max_age.value()))
        return _("已保存本院的纳入条件")


class PublishDialog(_ActionDialog):
    def __init__(
        self,
        service: WhitelistService,
        party_ids: list[int],
        period: tuple[date, date] | None,
        parent: QWidget | None,
    ) -> None:
        super().__init__(
            _("发布名单"),
            _("将所选 {0} 人作为一批诚信履行名单发布。发布后条目不能修改或删除，只能撤回。").format(
                len(party_ids)
            ),
            parent,
        )
        self.service, self.party_ids, self.period = service, party_ids, period
        today = service.ws.today()
        self.published_on = DateLine()
        self.form.add(_("发布日期"), self.published_on, required=True)
        self.published_on.set_value(today)
        self.number = QSpinBox()
        self.form.add(_("批次"), self.number, required=True)
        self.number.setRange(1, 999)
        self.number.setPrefix(_("第"))
        self.number.setSuffix(_("批"))
        try:
            self.number.setValue(service.next_number(today.year))
        except StoreError:
            self.number.setValue(1)
        self.approver = QLineEdit()
        self.form.add(_("批准人"), self.approver, required=True)
        self.ok_button().setText(_("发布"))
        self.batch_id: int | None = None

    def apply(self) -> str:
        batch = self.service.publish(
            self.party_ids,
            self.number.value(),
            self.date_of(self.published_on, _("发布日期")),
            self.approver.text(),
            self.period,
        )
        self.batch_id = batch.id
        return _("已发布{0}，共 {1} 条").format(batch.label, batch.entries)


class WithdrawDialog(_ActionDialog):
    def __init__(
        self, service: WhitelistService, batch_id: int, seqs: list[int], parent: QWidget | None
    ) -> None:
        super().__init__(
            _("撤回条目"),
            _("撤回序号 {0}。撤回单独登记，原条目不变；再次打印时该序号显示为“已撤回”。").format(
                "、".join(map(str, seqs))
            ),
            parent,
        )
        self.service, self.batch_id, self.seqs = service, batch_id, seqs
        self.withdrawn_on = DateLine()
        self.form.add(_("撤回日期"), self.withdrawn_on, required=True)
        self.withdrawn_on.set_value(service.ws.today())
        self.reason = QLineEdit()
        self.form.add(_("撤回原因"), self.reason, required=True)
        self.approver = QLineEdit()
        self.form.add(_("批准人"), self.approver, required=True)
        self.ok_button().setText(_("撤回"))

    def apply(self) -> str:
        n = self.service.withdraw(
            self.batch_id, self.seqs, self.date_of(self.withdrawn_on, _("撤回日期")), self.reason.text(),
            self.approver.text(),
        )  # fmt: skip
        return _("已撤回 {0} 条").format(n)


# ----------------------------------------------------------------------------------------------- page

ENTRY_COLUMNS = (_("序号"), _("姓名或名称"), _("证件（脱敏）"), _("履行完毕日期"), _("案号"), _("状态"))
BATCH_COLUMNS = (_("批次"), _("发布日期"), _("批准人"), _("条目"), _("已撤回"), _("状态"))
EXPORT_COLUMNS = (_("时间"), _("格式"), _("报送单位"), _("文件"), _("条目"), _("操作人"), _("sha256"))


def _item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class WhitelistPage(QWidget):
    def __init__(self, workspace: Workspace, changes: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.service = WhitelistService(workspace)
        self.last_dialog: _ActionDialog | None = None
        self.loading: PageLoad | None = None
        self._again = False  # asked for again while loading: computed anew when this load ends
        self._reselect: set[int] = set()  # the parties selected before a reload, selected again after
        col = QVBoxLayout(self)
        heading = QLabel(_("诚信履行名单"))
        heading.setStyleSheet("font-size: 18pt; font-weight: bold;")
        col.addWidget(heading)
        self.status = QLabel()
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._review_tab(), _("审核"))
        self.tabs.addTab(self._batches_tab(), _("已发布批次"))
        col.addWidget(self.tabs, 1)
        col.addWidget(self.status)
        changes.changed.connect(self._on_change)
        # The candidates are loaded when the page is first shown and again after a change while it
        # is shown: a large ledger must not pay for them at start-up or on every case saved elsewhere.
        self._stale = True
        # a read-only window: the candidates and the published lists are shown; nothing is registered,
        # published, withdrawn, printed or exported (a print or an export is logged in the database)
        self.locked = lock_writes(
            workspace,
            self.check_button,
            self.consent_button,
            self.exclude_button,
            self.publish_button,
            self.rules_button,
            self.print_button,
            self.export_button,
            self.withdraw_button,
        )
        self.refresh_batches()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    # ------------------------------------------------------------------ review tab
    def _review_tab(self) -> QWidget:
        tab = QWidget()
        col = QVBoxLayout(tab)
        bar = QHBoxLayout()
        today = self.workspace.today()
        bar.addWidget(QLabel(_("履行完毕期间")))
        self.start = DateLine()
        first = today.replace(day=1)  # this month; early in a month, the previous one too
        self.start.set_value((first - timedelta(days=1)).replace(day=1) if today.day < 8 else first)
        self.end = DateLine()
        self.end.set_value(today)
        bar.addWidget(self.start)
        bar.addWidget(QLabel("—"))
        bar.addWidget(self.end)
        self.load_button = QPushButton(_("查询"))
        self.load_button.clicked.connect(self.query)
        bar.addWidget(self.load_button)
        bar.addSpacing(16)
        bar.addWidget(QLabel(_("显示")))
        self.show_combo = QComboBox()
        self.show_combo.addItems([SHOW_ALL, SHOW_ELIGIBLE, SHOW_MANUAL, SHOW_FAILED])
        self.show_combo.currentTextChanged.connect(self._filter)
        bar.addWidget(self.show_combo)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("姓名、名称或案号"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        bar.addWidget(self.search, 1)
        col.addLayout(bar)
        self.period_error = QLabel()
        self.period_error.setStyleSheet(ERROR_STYLE)
        self.period_error.setWordWrap(True)
        self.period_error.hide()
        col.addWidget(self.period_error)
        self.load_bar = LoadBar(tab)
        self.load_bar.cancel_button.clicked.connect(self.cancel_load)
        col.addWidget(self.load_bar)

        split = QSplitter(Qt.Orientation.Vertical)
        self.model = CandidateModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # The widths from the first rows (the cells are short, alike texts): measuring every one of
        # twenty thousand candidates held the GUI thread for seconds when they came.
        header.setResizeContentsPrecision(200)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        split.addWidget(self.table)
        self.detail = QTextBrowser()
        self.detail.setPlaceholderText(_("选中一行，查看每项条件的结果和理由。"))
        # Room for the name line and all eight conditions without scrolling on a 1366×768 screen.
        self.detail.setMinimumHeight(self.detail.fontMetrics().lineSpacing() * (len(CONDITIONS) + 3))
        split.addWidget(self.detail)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        col.addWidget(split, 1)

        buttons = QHBoxLayout()
        self.select_eligible_button = QPushButton(_("选中全部符合条件的"))
        self.select_eligible_button.clicked.connect(self.select_eligible)
        self.check_button = QPushButton(_("登记全国查询/核实…"))
        self.check_button.clicked.connect(self.open_check)
        self.consent_button = QPushButton(_("登记申请或同意…"))
        self.consent_button.clicked.connect(self.open_consent)
        self.exclude_button = QPushButton(_("排除…"))
        self.exclude_button.clicked.connect(self.open_exclude)
        self.publish_button = QPushButton(_("发布名单…"))
        self.publish_button.setStyleSheet("font-weight: bold;")
        self.publish_button.clicked.connect(self.open_publish)
        self.rules_button = QPushButton(_("本院条件…"))
        self.rules_button.clicked.connect(self.open_rules)
        for b in (
            self.select_eligible_button,
            self.check_button,
            self.consent_button,
            self.exclude_button,
            self.rules_button,
        ):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.count_label = QLabel()
        buttons.addWidget(self.count_label)
        buttons.addWidget(self.publish_button)
        col.addLayout(buttons)
        return tab

    def period(self) -> tuple[date, date] | None:
        """The period typed; None (and the reason shown) when it is not a valid one."""
        self.period_error.hide()
        try:
            start = self.start.value(_("开始日期"))
            end = self.end.value(_("结束日期"))
        except ValidationError as exc:
            self.period_error.setText(str(exc))
            self.period_error.show()
            return None
        if start is None or end is None:
            self.period_error.setText(_("请填写履行完毕期间的开始和结束日期"))
            self.period_error.show()
            return None
        return start, end

    def refresh(self) -> None:
        """Compute the candidates of the period typed, off the GUI thread (seconds on a large ledger)."""
        self._stale = False
        if self.loading is not None:
            self._again = True  # the period or the ledger changed: computed anew when this load ends
            return
        period = self.period()
        if period is None:
            self.model.set_candidates([])
            self._update_count()
            return
        start, end = period
        self.loading = PageLoad(self.workspace, lambda ws: WhitelistService(ws).candidates(start, end))
        self.loading.loaded.connect(self._loaded)
        self.loading.failed.connect(self._failed)
        self.load_bar.start(_("正在计算候选名单（{0}至{1}）…").format(start.isoformat(), end.isoformat()))
        self.loading.start()

    def query(self) -> None:
        """查询: the period typed now, at once (a load of another period still running is dropped)."""
        if self.loading is not None:
            self.loading.cancel()
            self.loading = None
            self._again = False
        self.refresh()

    def cancel_load(self) -> None:
        """取消: stop computing; the rows shown stay as they were."""
        if self.loading is None:
            return
        self.loading.cancel()
        self.loading = None
        self._again = False
        self.load_bar.stop()
        self.status.setText(_("已取消计算候选名单。点“查询”重新计算。"))

    def _load_ended(self, load: PageLoad) -> bool:
        """Whether ``load`` is the one waited for (else it was cancelled and is ignored); starts the
        load asked for meanwhile."""
        if load is not self.loading:
            return False
        self.loading = None
        self.load_bar.stop()
        if self._again:
            self._again = False
            self.refresh()  # what was loaded is already out of date
            return False
        return True

    def _loaded(self, load: PageLoad, found: list[Candidate]) -> None:
        if not self._load_ended(load):
            return
        self.model.set_candidates(found)
        self._update_count()
        if self._reselect:
            keep = self._reselect
            self._reselect = set()
            self.select_rows([r for r, c in enumerate(self.model.rows) if c.party_id in keep])

    def _failed(self, load: PageLoad, message: str) -> None:
        if not self._load_ended(load):
            return
        self.period_error.setText(_("计算候选名单失败：{0}").format(message))
        self.period_error.show()
        self.model.set_candidates([])
        self._update_count()

    def _filter(self) -> None:
        self.model.set_filter(self.show_combo.currentText(), self.search.text())
        self._update_count()

    def selected(self) -> list[Candidate]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.rows[r] for r in rows]

    def select_rows(self, rows: list[int]) -> None:
        from PySide6.QtCore import QItemSelection, QItemSelectionModel

        selection = QItemSelection()
        last = self.model.columnCount() - 1
        for r in rows:
            selection.select(self.model.index(r, 0), self.model.index(r, last))
        self.table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def select_eligible(self) -> None:
        """Every eligible row shown, one per party (a batch lists a party once)."""
        keep = {c.party_id for c in one_per_party(c for c in self.model.rows if c.eligible)}
        self.select_rows([r for r, c in enumerate(self.model.rows) if c.party_id in keep])

    def _selection_changed(self) -> None:
        self._update_count()
        chosen = self.selected()
        if len(chosen) != 1:
            self.detail.setPlainText(_("已选 {0} 人").format(len(chosen)) if chosen else "")
            return
        c = chosen[0]
        # Names, reasons and notes are typed by people: shown as text, never read as markup.
        lines = [f"<b>{escape(c.name)}</b>　{escape(c.identifier)}　{escape(c.case_number)}", "<ul>"]
        for f in c.assessment.findings:
            colour = {"符合": "#1b5e20", "不符合": "#b3261e", "待核实": "#8a6d00"}[f.state.value]
            extra = "" if f.required else _("（本院不要求）")
            lines.append(
                f"<li><b>{f.condition.value}</b>{extra}：<span style='color:{colour}'>{f.state.value}</span>"
                f"　{escape(f.reason)}</li>"
            )
        lines.append("</ul>")
        self.detail.setHtml("".join(lines))

    def _update_count(self) -> None:
        total = len(self.model.all)
        eligible = sum(1 for c in self.model.all if c.eligible)
        chosen = len(self.selected()) if self.table.selectionModel() else 0
        self.count_label.setText(
            _("共 {0} 人，符合全部条件 {1} 人，显示 {2} 人，已选 {3} 人").format(
                total, eligible, len(self.model.rows), chosen
            )
        )

    def _need_selection(self) -> list[int] | None:
        ids = [c.party_id for c in self.selected()]
        if not ids:
            QMessageBox.information(
                self, _("诚信履行名单"), _("请先在表中选择当事人（可按住Ctrl或Shift多选）。")
            )
            return None
        return ids

    def _open(self, dialog: _ActionDialog) -> _ActionDialog:
        """Show ``dialog`` without blocking; after OK the status line says what was done."""
        lock_writes(self.workspace, dialog.ok_button())  # never reached from a read-only window
        self.last_dialog = dialog
        dialog.accepted.connect(lambda: self.status.setText(dialog.result_text))
        dialog.open()
        return dialog

    def open_check(self) -> _ActionDialog | None:
        ids = self._need_selection()
        return self._open(CheckDialog(self.service, ids, self)) if ids else None

    def open_consent(self) -> _ActionDialog | None:
        ids = self._need_selection()
        return self._open(ConsentDialog(self.service, ids, self)) if ids else None

    def open_exclude(self) -> _ActionDialog | None:
        ids = self._need_selection()
        return self._open(ExcludeDialog(self.service, ids, self)) if ids else None

    def open_rules(self) -> _ActionDialog:
        return self._open(RulesDialog(self.service, self))

    def open_publish(self) -> _ActionDialog | None:
        ids = self._need_selection()
        if not ids:
            return None
        dialog = PublishDialog(self.service, ids, self.period(), self)
        dialog.accepted.connect(lambda: self._show_batch(dialog.batch_id))
        return self._open(dialog)

    # ------------------------------------------------------------------ batches tab
    def _batches_tab(self) -> QWidget:
        tab = QWidget()
        col = QVBoxLayout(tab)
        self.batch_table = QTableWidget(0, len(BATCH_COLUMNS))
        self.batch_table.setHorizontalHeaderLabels(list(BATCH_COLUMNS))
        self.batch_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.batch_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.batch_table.verticalHeader().setVisible(False)
        self.batch_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.batch_table.horizontalHeader().setStretchLastSection(True)
        self.batch_table.setMaximumHeight(180)
        self.batch_table.itemSelectionChanged.connect(self._batch_selected)
        col.addWidget(QLabel(_("已发布的批次")))
        col.addWidget(self.batch_table)

        self.entry_table = QTableWidget(0, len(ENTRY_COLUMNS))
        self.entry_table.setHorizontalHeaderLabels(list(ENTRY_COLUMNS))
        self.entry_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.entry_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.entry_table.verticalHeader().setVisible(False)
        self.entry_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.entry_table.horizontalHeader().setStretchLastSection(True)
        self.entries_label = QLabel(_("条目"))
        col.addWidget(self.entries_label)
        col.addWidget(self.entry_table, 1)

        buttons = QHBoxLayout()
        self.print_button = QPushButton(_("打印名单（PDF）…"))
        self.print_button.clicked.connect(self.print_batch)
        self.agency_combo = QComboBox()
        self.agency_combo.addItems(agencies())
        self.format_combo = QComboBox()
        self.format_combo.addItems([f.upper() for f in FORMATS])
        self.export_button = QPushButton(_("导出报送文件…"))
        self.export_button.clicked.connect(self.export_batch)
        self.withdraw_button = QPushButton(_("撤回所选条目…"))
        self.withdraw_button.clicked.connect(self.open_withdraw)
        buttons.addWidget(self.print_button)
        buttons.addSpacing(16)
        buttons.addWidget(QLabel(_("报送单位")))
        buttons.addWidget(self.agency_combo)
        buttons.addWidget(self.format_combo)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(self.withdraw_button)
        col.addLayout(buttons)

        self.export_table = QTableWidget(0, len(EXPORT_COLUMNS))
        self.export_table.setHorizontalHeaderLabels(list(EXPORT_COLUMNS))
        self.export_table.verticalHeader().setVisible(False)
        self.export_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.export_table.horizontalHeader().setStretchLastSection(True)
        self.export_table.setMaximumHeight(150)
        col.addWidget(QLabel(_("打印与报送记录")))
        col.addWidget(self.export_table)
        return tab

    def refresh_batches(self) -> None:
        current = self.current_batch_id()
        self.batches = self.service.batches()
        self.batch_table.setRowCount(len(self.batches))
        for r, b in enumerate(self.batches):
            values = (b.label, b.published_on.isoformat(), b.approved_by, str(b.entries), str(b.withdrawn),
                      b.status.value)  # fmt: skip
            for c, text in enumerate(values):
                self.batch_table.setItem(r, c, _item(text))
        if self.batches:
            row = next((r for r, b in enumerate(self.batches) if b.id == current), 0)
            self.batch_table.selectRow(row)
        self._batch_selected()

    def current_batch_id(self) -> int | None:
        rows = (
            {i.row() for i in self.batch_table.selectedIndexes()} if hasattr(self, "batch_table") else set()
        )
        if not rows or not getattr(self, "batches", None):
            return None
        return self.batches[min(rows)].id

    def _batch_selected(self) -> None:
        batch_id = self.current_batch_id()
        entries = self.service.entries(batch_id) if batch_id is not None else []
        self.entry_table.setRowCount(len(entries))
        withdrawn_bg = QBrush(QColor("#eeeeee"))
        for r, e in enumerate(entries):
            state = (
                _("{0}撤回：{1}").format(e.withdrawal.withdrawn_on.isoformat(), e.withdrawal.reason)
                if e.withdrawal
                else _("有效")
            )
            cells = (str(e.seq), e.name, e.identifier, e.performed_on.isoformat(), e.case_number, state)
            for c, text in enumerate(cells):
                item = _item(text)
                if e.withdrawal:
                    item.setBackground(withdrawn_bg)
                self.entry_table.setItem(r, c, item)
        label = next((b.label for b in self.batches if b.id == batch_id), "") if batch_id else ""
        self.entries_label.setText(_("条目：{0}").format(label) if label else _("条目"))
        log = self.service.exports(batch_id) if batch_id is not None else []
        self.export_table.setRowCount(len(log))
        for r, rec in enumerate(log):
            values = (rec.exported_at, rec.format.upper(), rec.agency, rec.file_name, str(rec.entries),
                      rec.exported_by, rec.sha256)  # fmt: skip
            for c, text in enumerate(values):
                self.export_table.setItem(r, c, _item(text))
        for b in (self.print_button, self.export_button, self.withdraw_button):
            b.setEnabled(batch_id is not None)

    def _show_batch(self, batch_id: int | None) -> None:
        self.refresh_batches()
        for r, b in enumerate(self.batches):
            if b.id == batch_id:
                self.batch_table.selectRow(r)
        self.tabs.setCurrentIndex(1)

    def selected_seqs(self) -> list[int]:
        rows = sorted({i.row() for i in self.entry_table.selectedIndexes()})
        items = [self.entry_table.item(r, 0) for r in rows]
        return [int(item.text()) for item in items if item is not None]

    def _save_path(self, title: str, name: str, pattern: str) -> Path | None:
        path, _filter = QFileDialog.getSaveFileName(self, title, save_dir.suggested(name), pattern)
        if path:
            save_dir.remember(path)
        return Path(path) if path else None

    def _report(self, action: Any) -> bool:
        try:
            text = action()
        except StoreError as exc:
            QMessageBox.warning(self, _("诚信履行名单"), str(exc))
            return False
        self.status.setText(text)
        return True

    def print_batch(self) -> None:
        batch_id = self.current_batch_id()
        if batch_id is None or self.locked:
            return
        path = self._save_path(
            _("保存名单 PDF"), self.service.default_file_name(batch_id, "张贴公示", "pdf"), "PDF (*.pdf)"
        )
        if path is None:
            return
        self._report(
            lambda: _("已写入 {0}（sha256 {1}）").format(path, self.service.print_pdf(batch_id, path).sha256)
        )

    def export_batch(self) -> None:
        batch_id = self.current_batch_id()
        if batch_id is None or self.locked:
            return
        agency = self.agency_combo.currentText()
        fmt = self.format_combo.currentText().lower()
        pattern = "Excel (*.xlsx)" if fmt == "xlsx" else "CSV (*.csv)"
        path = self._save_path(
            _("导出报送{0}的文件").format(agency),
            self.service.default_file_name(batch_id, agency, fmt),
            pattern,
        )
        if path is None:
            return
        self._report(
            lambda: _("已导出 {0}（报送{1}，sha256 {2}）").format(
                path, agency, self.service.export(batch_id, agency, fmt, path).sha256
            )
        )

    def open_withdraw(self) -> _ActionDialog | None:
        batch_id = self.current_batch_id()
        seqs = self.selected_seqs()
        if batch_id is None or not seqs:
            QMessageBox.information(self, _("诚信履行名单"), _("请先选择要撤回的条目。"))
            return None
        return self._open(WithdrawDialog(self.service, batch_id, seqs, self))

    # ------------------------------------------------------------------ changes
    def _on_change(self, change: Change) -> None:
        if change.what in ("whitelist", "case", "settings"):
            if not self.isVisible():
                self._stale = True
            else:
                self._reselect |= {c.party_id for c in self.selected()}
                self.refresh()
        if change.what in ("whitelist", "settings"):
            self.refresh_batches()
