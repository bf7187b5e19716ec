"""诉讼费减免 in the case editor: an application recorded, then its decision, with the problems shown under
their fields; the tab lists them, a new case cannot have one yet, and a deletion asks first."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QMessageBox

from desktop.core.fee_relief import ReliefOutcome
from desktop.gui.case_editor import CaseEditor
from desktop.gui.fee_relief import FeeReliefDialog, FeeReliefTab
from desktop.services.workspace import Workspace
from tests.conftest import TODAY, make_case, type_text


def _error(dialog: FeeReliefDialog, field: str) -> str:
    label = dialog.form._errors[field]
    return label.text() if label.isVisibleTo(dialog.form) else ""


def test_an_application_then_its_decision(qtbot, workspace: Workspace, dialogs) -> None:  # type: ignore[no-untyped-def]
    case = workspace.save_case(make_case())
    dialog = FeeReliefDialog(workspace, case)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.applicant.currentText() == "七台河市宏达商贸有限公司"  # the debtor
    assert dialog.applied_on.text() == TODAY.isoformat()
    assert not dialog.decided_on.isEnabled() and not dialog.relieved.isEnabled()
    dialog.save()
    assert "请填写案件受理费" in _error(dialog, "案件受理费") and dialog.saved is None
    type_text(dialog.fee, "1250")
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.saved is not None
    (applied,) = workspace.fee_reliefs(case.id)  # type: ignore[arg-type]
    assert (applied.fee_fen, applied.outcome) == (125_000, ReliefOutcome.PENDING)

    decision = FeeReliefDialog(workspace, case, applied)
    qtbot.addWidget(decision)
    decision.show()
    decision.outcome.setCurrentIndex(decision.outcome.findData(ReliefOutcome.GRANTED))
    assert decision.decided_on.text() == TODAY.isoformat() and decision.relieved.text() == "1,250.00"
    decision.relieved.setText("1300")
    decision.save()
    assert "超过案件受理费1,250.00元" in _error(decision, "减免金额")
    assert "请填写作出决定的审判人员或院长" in _error(decision, "决定人")
    assert "请写明减免的依据" in _error(decision, "依据")
    decision.relieved.setText("625")
    type_text(decision.decided_by, "刘院长")
    type_text(decision.basis, "《诉讼费用交纳办法》第四十四条")
    decision.save()
    assert decision.result() == QDialog.DialogCode.Accepted
    (granted,) = workspace.fee_reliefs(case.id)  # type: ignore[arg-type]
    assert (granted.id, granted.relieved_fen, granted.decided_on) == (applied.id, 62_500, TODAY)

    tab = FeeReliefTab(workspace, case)
    qtbot.addWidget(tab)
    assert tab.table.rowCount() == 1 and tab.table.item(0, 3).text() == "准予减免"
    assert tab.table.item(0, 5).text() == "625.00"
    tab.table.selectRow(0)
    dialogs.answer = QMessageBox.StandardButton.No
    tab.delete()
    assert tab.table.rowCount() == 1
    dialogs.answer = QMessageBox.StandardButton.Yes
    tab.delete()
    assert tab.table.rowCount() == 0 and workspace.fee_reliefs(case.id) == []  # type: ignore[arg-type]


def test_the_case_editor_has_the_tab_and_a_new_case_must_be_saved_first(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    editor = CaseEditor(workspace)
    qtbot.addWidget(editor)
    titles = [editor.tabs.tabText(i) for i in range(editor.tabs.count())]
    assert titles[-1] == "诉讼费减免"
    assert not editor.fee_reliefs.add_button.isEnabled()
    assert "保存后" in editor.fee_reliefs.hint.text()
    case = workspace.save_case(make_case())
    existing = CaseEditor(workspace, case.id)
    qtbot.addWidget(existing)
    assert existing.fee_reliefs.add_button.isEnabled()
