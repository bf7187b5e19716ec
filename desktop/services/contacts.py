"""登记督促 on one case, from wherever the case is (case window, ledger), not only from the 督促看板.

A contact recorded on a case answers the case's reminders that a contact answers (the ones showing on
the board today, chosen by the person recording it); with none chosen it is logged as a plain entry of
the urging log. Either way it is one transaction, audited, with the workspace's actor as 督促人.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from desktop.core.errors import ValidationError
from desktop.core.model import Case, Contact, ContactMethod
from desktop.core.reminders import ReminderItem, apply_states
from desktop.core.validation import check_text
from desktop.services.reminders import Reminders
from desktop.services.workspace import CaseInvalid, Workspace


def open_reminders(workspace: Workspace, case_id: int) -> list[ReminderItem]:
    """The case's reminders on today's board that a recorded contact answers (done and postponed ones
    left out), by due date."""
    service = Reminders(workspace)
    today = workspace.today()
    rules = [r for r in service.rules() if r.enabled]
    found = service.compute_cases([case_id], rules, service.holiday_table(), today)
    shown = apply_states(found, service.states_of_case(case_id), today)
    return sorted((i for i in shown if i.answerable_by_contact), key=lambda i: (i.due_date, i.rule_id))


def contact_parties(case: Case) -> list[str]:
    """Whom a contact is with: the obligations' debtors first, then the other parties, each once."""
    names = [o.debtor.strip() for o in case.obligations] + [p.name.strip() for p in case.parties]
    return list(dict.fromkeys(n for n in names if n))


def record_case_contact(
    workspace: Workspace,
    case_id: int,
    method: ContactMethod,
    outcome: str = "",
    note: str = "",
    party: str = "",
    answering: Sequence[ReminderItem] = (),
) -> list[Contact]:
    """Log the contact: one entry per answered reminder (its rule noted, as on the board), or one plain
    entry with ``party`` when it answers none."""
    if answering:
        if any(i.case_id != case_id for i in answering):
            raise ValueError("a reminder of another case")
        return Reminders(workspace).record_contact(answering, method, outcome, note)
    try:
        party = check_text("对象", party, max_len=100)
    except ValidationError as exc:
        raise CaseInvalid([exc]) from exc
    at = datetime.combine(workspace.today(), datetime.now().time().replace(microsecond=0))
    contact = Contact(at=at, method=method, by=workspace.actor, outcome=outcome, note=note, party=party)
    return [workspace.add_contact(case_id, contact)]
