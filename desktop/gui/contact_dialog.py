"""登记督促 for one case, opened from the case window and the ledger (key C, as on the 督促看板).

The dialog opens on 电话 with the cursor in 结果 (Enter saves: C, Enter records a call). The case's
reminders a contact answers are listed, ticked: the contact answers them as it would on the board.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QVBoxLayout, QWidget

from desktop.core.model import ContactMethod
from desktop.core.reminders import ReminderItem
from desktop.gui.dashboard_page import _ContactDialog
from desktop.gui.fields import combo_value
from desktop.i18n import _
from desktop.services.contacts import contact_parties, open_reminders, record_case_contact
from desktop.services.workspace import Workspace


def _reminder_text(item: ReminderItem) -> str:
    overdue = _("，逾期{0}日").format(item.days_overdue) if item.days_overdue else ""
    return _("{0}（到期 {1}{2}）").format(item.title, item.due_date.isoformat(), overdue)


class CaseContactDialog(_ContactDialog):
    def __init__(self, workspace: Workspace, case_id: int, parent: QWidget | None) -> None:
        super().__init__(_("登记督促"), parent)
        self.workspace = workspace
        self.case_id = case_id
        case = workspace.load_case(case_id)
        self.form.addRow(_("案号"), QLabel(case.case_number, self))
        self.party = QComboBox(self)
        self.party.setEditable(True)
        self.party.addItems(contact_parties(case))
        self.form.addRow(_("对象"), self.party)
        self.add_contact_fields()
        self.reminders = open_reminders(workspace, case_id)
        self.answers: list[tuple[QCheckBox, ReminderItem]] = []
        box = QWidget(self)
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        for item in self.reminders:
            check = QCheckBox(_reminder_text(item), box)
            check.setChecked(True)
            col.addWidget(check)
            self.answers.append((check, item))
        if not self.reminders:
            col.addWidget(QLabel(_("本案今日没有待督促的提醒，登记为一般督促记录。"), box))
        self.form.addRow(_("回应提醒"), box)
        self.finish_layout()
        self.outcome.setFocus()

    def answering(self) -> list[ReminderItem]:
        return [item for check, item in self.answers if check.isChecked()]

    def apply(self) -> None:
        record_case_contact(
            self.workspace,
            self.case_id,
            combo_value(self.method, ContactMethod),
            self.outcome.text(),
            self.note.text(),
            self.party.currentText(),
            self.answering(),
        )
