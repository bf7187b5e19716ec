"""Setting up the court: shown at first run, and from 设置 afterwards."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.core.model import CourtSettings
from desktop.gui.fields import ERROR_STYLE, Form
from desktop.i18n import _
from desktop.services.workspace import CaseInvalid, Workspace


class CourtDialog(QDialog):
    def __init__(self, workspace: Workspace, first_run: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle(_("设置本院信息") if first_run else _("法院信息"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        if first_run:
            intro = QLabel(
                _(
                    "欢迎使用法庭自动履行工作台。请先填写本院信息：它们会印在发出的文书上，案号也按本院代字校验。"
                )
            )
            intro.setWordWrap(True)
            layout.addWidget(intro)
        self.form = Form(self)
        self.court_name = self.form.add(_("法院名称"), QLineEdit(), required=True)
        self.court_name.setPlaceholderText(_("如：七台河市新兴区人民法院"))
        self.court_code = self.form.add(_("法院代字"), QLineEdit(), required=True)
        self.court_code.setPlaceholderText(_("如：黑0902"))
        self.tribunal = self.form.add(_("法庭名称"), QLineEdit())
        self.tribunal.setPlaceholderText(_("如：长兴人民法庭"))
        self.departments = self.form.add(_("部门"), QLineEdit())
        self.departments.setPlaceholderText(_("用顿号或逗号分隔，如：民一庭、执行局"))
        layout.addWidget(self.form)
        self.error = QLabel(self)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        current = workspace.court()
        if current:
            self.court_name.setText(current.court_name)
            self.court_code.setText(current.court_code)
            self.tribunal.setText(current.tribunal_name)
            self.departments.setText("、".join(current.departments))

    def save(self) -> None:
        self.form.clear_errors()
        parts = self.departments.text().replace(",", "、").replace("，", "、").split("、")
        court = CourtSettings(
            self.court_name.text(), self.court_code.text(), self.tribunal.text(), tuple(parts)
        )
        try:
            self.workspace.set_court(court)
        except CaseInvalid as exc:
            for problem in exc.problems:
                self.form.show_error(problem.field, problem.message)
            return
        self.accept()
