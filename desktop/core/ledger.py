"""What a case owes, what was paid and what is late: the ledger's arithmetic.

Payments are applied to the schedule in due-date order (oldest first), which is how staff read a
partly paid installment plan: the first unpaid slice is the one that is late. All amounts are fen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from desktop.core.model import Case, Obligation, ObligationKind


class Performance(StrEnum):
    NONE = "未履行"
    PARTIAL = "部分履行"
    FULL = "已履行"
    NOT_MONEY = "行为履行"


@dataclass(frozen=True)
class ScheduleItem:
    due_date: date | None
    amount_fen: int
    label: str


@dataclass(frozen=True)
class Balance:
    due_fen: int
    paid_fen: int
    next_due_date: date | None
    next_due_fen: int

    @property
    def owed_fen(self) -> int:
        return max(self.due_fen - self.paid_fen, 0)

    @property
    def performance(self) -> Performance:
        if self.due_fen == 0:
            return Performance.NOT_MONEY
        if self.paid_fen <= 0:
            return Performance.NONE
        return Performance.FULL if self.paid_fen >= self.due_fen else Performance.PARTIAL

    def days_overdue(self, today: date) -> int:
        """Days since the first unpaid due date; 0 when nothing is late."""
        if self.next_due_date is None or self.owed_fen == 0:
            return 0
        return max((today - self.next_due_date).days, 0)


def schedule(obligation: Obligation, case_deadline: date | None) -> list[ScheduleItem]:
    """The dated slices an obligation is due in: its installments, or its whole amount once."""
    if obligation.kind is not ObligationKind.MONEY:
        return []
    if obligation.installments:
        return [
            ScheduleItem(i.due_date, i.amount_fen, f"第{i.seq}期")
            for i in sorted(obligation.installments, key=lambda i: (i.due_date, i.seq))
        ]
    return [ScheduleItem(obligation.due_date or case_deadline, obligation.amount_fen, "一次性")]


def balance(case: Case) -> Balance:
    items = [it for ob in case.obligations for it in schedule(ob, case.deadline)]
    items.sort(key=lambda it: (it.due_date is None, it.due_date or date.max))
    due = sum(it.amount_fen for it in case.obligations if it.kind is ObligationKind.MONEY)
    paid = sum(p.amount_fen for p in case.payments)
    remaining = paid
    for it in items:
        if remaining >= it.amount_fen:
            remaining -= it.amount_fen
            continue
        return Balance(due, paid, it.due_date, it.amount_fen - remaining)
    return Balance(due, paid, None, 0)
