"""诉讼费减免: an application to reduce or waive the acceptance fee, and the court's decision (no Qt, no SQL).

The seeds promise it to a party who performed (七台河 方案 (三)1, 镇海 "依法减免案件受理费");
《诉讼费用交纳办法》 §44–48 grant no reduction for voluntary performance as such, so the court decides
under them and the product only records (DOMAIN.md §4): who applied and when, the fee at stake, the
outcome, the amount relieved and its basis. It never computes a reduction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from desktop.core.errors import ValidationError
from desktop.core.model import Case, ObligationKind
from desktop.core.money import format_yuan
from desktop.core.validation import check_text

BASIS_EXAMPLE = "《诉讼费用交纳办法》第四十四条"
MAX_TEXT = 200


class ReliefOutcome(StrEnum):
    PENDING = "待决定"
    GRANTED = "准予减免"
    REFUSED = "不予减免"


@dataclass(frozen=True)
class FeeRelief:
    applicant: str
    applied_on: date
    fee_fen: int  # the acceptance fee the application is about
    outcome: ReliefOutcome = ReliefOutcome.PENDING
    decided_on: date | None = None
    relieved_fen: int = 0  # reduced or waived, when granted
    basis: str = ""  # the article the decision relies on, or why it was refused
    decided_by: str = ""
    note: str = ""
    case_id: int | None = None
    id: int | None = None

    @property
    def summary(self) -> str:
        if self.outcome is ReliefOutcome.GRANTED:
            waived = "免交" if self.relieved_fen == self.fee_fen else f"减免{format_yuan(self.relieved_fen)}"
            return f"准予{waived}（受理费{format_yuan(self.fee_fen)}）"
        return f"{self.outcome.value}（受理费{format_yuan(self.fee_fen)}）"


def fee_ordered(case: Case) -> int:
    """The acceptance fee the judgment ordered the debtor to pay (an obligation 案件受理费…), else 0."""
    for ob in case.obligations:
        if ob.kind is ObligationKind.MONEY and "受理费" in ob.description:
            return ob.amount_fen
    return 0


def relief_problems(relief: FeeRelief, today: date) -> list[ValidationError]:
    """Everything wrong with ``relief`` as entered, each naming its field; empty when it can be recorded."""
    problems: list[ValidationError] = []

    def problem(field: str, message: str) -> None:
        problems.append(ValidationError(field, message))

    if not relief.applicant.strip():
        problem("申请人", "请填写申请减免的当事人")
    for field, text in (("申请人", relief.applicant), ("依据", relief.basis), ("决定人", relief.decided_by),
                        ("备注", relief.note)):  # fmt: skip
        if len(text) > MAX_TEXT:
            problem(field, f"不能超过{MAX_TEXT}字，实际{len(text)}字")
        else:
            try:
                check_text(field, text, max_len=MAX_TEXT)  # the ledger's rule: no control characters
            except ValidationError as exc:
                problems.append(exc)
    if relief.applied_on > today:
        problem("申请日期", f"{relief.applied_on.isoformat()}晚于今天{today.isoformat()}")
    if relief.fee_fen <= 0:
        problem("案件受理费", "应大于0")
    if relief.outcome is ReliefOutcome.PENDING:
        if relief.decided_on is not None or relief.relieved_fen or relief.decided_by.strip():
            problem("决定", "尚未决定的申请不能填写决定日期、减免金额或决定人")
        return problems
    if relief.decided_on is None:
        problem("决定日期", f"“{relief.outcome.value}”须填写决定日期")
    elif relief.decided_on < relief.applied_on:
        problem(
            "决定日期",
            f"{relief.decided_on.isoformat()}早于申请日期{relief.applied_on.isoformat()}",
        )
    elif relief.decided_on > today:
        problem("决定日期", f"{relief.decided_on.isoformat()}晚于今天{today.isoformat()}")
    if not relief.decided_by.strip():
        problem("决定人", "请填写作出决定的审判人员或院长")
    if relief.outcome is ReliefOutcome.GRANTED:
        if relief.relieved_fen <= 0:
            problem("减免金额", "准予减免时应大于0")
        elif relief.relieved_fen > relief.fee_fen > 0:
            problem(
                "减免金额",
                f"{format_yuan(relief.relieved_fen)}超过案件受理费{format_yuan(relief.fee_fen)}",
            )
        if not relief.basis.strip():
            problem("依据", f"请写明减免的依据，例如{BASIS_EXAMPLE}")
    else:
        if relief.relieved_fen:
            problem("减免金额", "不予减免时减免金额应为0")
        if not relief.basis.strip():
            problem("依据", "请写明不予减免的理由")
    return problems
