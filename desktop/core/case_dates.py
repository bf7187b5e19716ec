"""A case's effective date and performance deadline, computed from service dates and the judgment's terms.

Pure domain code. The effective date follows the kind of document (DOMAIN.md §2): a first-instance
judgment or appealable ruling takes effect the day after the last party's appeal period (15 / 10 days
from that party's own service) ends; a 调解书 when the last party signs for it; second-instance (民终),
small-claims (§165) and special-procedure (§185: 民特, 司法确认) documents, and the rulings §157 does not
make appealable, on service. Each obligation's due date then follows its terms: installments (the last
installment), a fixed date, or "生效之日起N日内 / N个月内" counted from the effective date under §85.
The case's deadline is the latest of them.

Staff may always override either date; :func:`override_problems` asks for the recorded reason when the
stored date differs from the computed one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final

from desktop.core.calendar import (
    DocumentKind,
    EffectiveDate,
    HolidayTable,
    add_months,
    effective_date,
    performance_deadline,
    validate_dates,
)
from desktop.core.casenumber import parse_case_number
from desktop.core.errors import ValidationError
from desktop.core.model import Case, Disposition, Obligation, Procedure

__all__ = [
    "APPEALABLE_RULINGS",
    "DateProposal",
    "document_kind",
    "override_problems",
    "parse_term",
    "propose_dates",
    "ruling_is_appealable",
]

_DIGITS: Final = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
# "生效之日起十日内", "生效后十日内", and the equally common "发生法律效力之日起十日内 / 后十日内"
_TERM: Final = re.compile(
    r"(?:生效|发生法律效力)(?:之日起|之日后|后)([0-9〇零一二两三四五六七八九十百]+)(日|天|个月)内"
)


def _chinese_number(text: str) -> int | None:
    """十 → 10, 十五 → 15, 三十 → 30, 一百二十 → 120, 15 → 15; None for anything else."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current or None


def parse_term(text: str) -> tuple[int, str] | None:
    """The "生效之日起十日内" / "发生法律效力之日起十日内" term of an obligation's text as
    (count, "日" | "个月"), or None."""
    match = _TERM.search(text)
    if match is None:
        return None
    count = _chinese_number(match.group(1))
    if count is None:
        return None
    return count, "个月" if match.group(2) == "个月" else "日"


APPEALABLE_RULINGS: Final = ("不予受理", "管辖权异议", "驳回起诉")
"""The only rulings a party may appeal (民事诉讼法第一百五十七条第二款: 第一项至第三项)."""


def _type_code(case: Case) -> str:
    try:
        return parse_case_number(case.case_number).type_code
    except ValidationError:
        return ""


def ruling_is_appealable(case: Case) -> bool:
    """Whether the case's ruling is one of §157's three appealable kinds, as its 案由 or notes name it.

    A ruling the ledger holds orders something to be performed (实现担保物权, 先予执行 …); the three
    appealable kinds (不予受理, 管辖权异议, 驳回起诉) order nothing but costs, so a ruling is taken as final
    unless the case says otherwise ("对管辖权有异议" is matched too).
    """
    text = f"{case.cause} {case.notes}".replace("对管辖权有异议", "管辖权异议")
    return any(word in text for word in APPEALABLE_RULINGS)


def document_kind(case: Case) -> DocumentKind:
    """How the case's document takes effect, from its disposition, procedure and case number.

    - 调解书: when the last party signs (also at second instance).
    - 司法确认 and any 特别程序 case (民特): 一审终审 (§185), on service.
    - Second instance (二审, 民终): judgments and rulings are final, on service.
    - 小额诉讼: judgments and rulings are final at first instance (§165), on service.
    - Other rulings: appealable (10 days) only if of §157's three kinds, otherwise on service.
    - Other judgments: 15-day appeal period.
    """
    code = _type_code(case)
    ruling = case.disposition is Disposition.RULING
    if case.disposition is Disposition.MEDIATION:
        return DocumentKind.MEDIATION
    if case.disposition is Disposition.JUDICIAL_CONFIRMATION:
        return DocumentKind.JUDICIAL_CONFIRMATION
    if case.procedure is Procedure.SPECIAL or code == "民特":
        return DocumentKind.SPECIAL_PROCEDURE
    if case.procedure is Procedure.SECOND_INSTANCE or code == "民终":
        return DocumentKind.SECOND_INSTANCE_RULING if ruling else DocumentKind.SECOND_INSTANCE
    if case.procedure is Procedure.SMALL_CLAIMS:
        return DocumentKind.SMALL_CLAIMS_RULING if ruling else DocumentKind.SMALL_CLAIMS
    if ruling:
        return DocumentKind.RULING if ruling_is_appealable(case) else DocumentKind.FINAL_RULING
    return DocumentKind.JUDGMENT


@dataclass(frozen=True)
class DateProposal:
    """The computed dates with their explanations. ``deadline`` is None when no obligation states a term."""

    kind: DocumentKind
    effective: EffectiveDate
    deadline: date | None
    deadline_explanation: str
    provisional: bool

    @property
    def explanation(self) -> str:
        text = self.effective.explanation
        deadlines = self.effective.appeal_deadlines
        if len(deadlines) > 1:  # the several parties' periods: explain the one that decides
            latest = max(deadlines, key=lambda d: d.end)
            text += f"（最后届满的：{latest.explanation}）"
        return f"{text}。{self.deadline_explanation}"


def _obligation_due(
    index: int, ob: Obligation, effective: date, table: HolidayTable
) -> tuple[date, str, bool] | None:
    label = f"履行义务{index}"
    if ob.installments:
        last = max(ob.installments, key=lambda i: (i.due_date, i.seq))
        return last.due_date, f"{label}分{len(ob.installments)}期，最后一期{last.due_date.isoformat()}", False
    if ob.due_date is not None:
        return ob.due_date, f"{label}于{ob.due_date.isoformat()}前履行", False
    if "当庭" in ob.description:
        return effective, f"{label}当庭履行", False
    term = parse_term(ob.description)
    if term is None:
        return None
    count, unit = term
    end = (
        performance_deadline(effective, count, table) if unit == "日" else add_months(effective, count, table)
    )
    return end.end, f"{label}生效之日起{count}{unit}内：{end.explanation}", end.provisional


def propose_dates(case: Case, table: HolidayTable) -> DateProposal:
    """The effective date and deadline the law gives ``case`` (ValidationError naming the field if the
    case's dates do not allow it: a party not yet served, service before the judgment, a fixed date
    before the judgment or the effective date)."""
    if not case.parties:
        raise ValidationError("当事人", "请先填写当事人及各自的送达日期")
    served: list[date] = []
    for i, party in enumerate(case.parties, start=1):
        if party.service_date is None:
            raise ValidationError(
                f"当事人{i}送达日期",
                f"{party.name or '该当事人'}尚未填写送达日期，全部当事人送达后才能计算生效日期",
            )
        served.append(party.service_date)
    validate_dates(served, None, None, case.judgment_date)
    kind = document_kind(case)
    # parties served on the same day have the same period: explain it once
    effective = effective_date(kind, sorted(set(served)), table)
    dues = []
    for i, ob in enumerate(case.obligations, start=1):
        found = _obligation_due(i, ob, effective.effective, table)
        if found is not None:
            dues.append(found)
    if dues:
        deadline, _text, _prov = max(dues, key=lambda d: d[0])
        parts = "；".join(text for _d, text, _p in dues)
        explanation = f"{parts}。履行期限取最晚者{deadline.isoformat()}" if len(dues) > 1 else parts
        provisional = any(p for _d, _t, p in dues)
    else:
        deadline, provisional = None, False
        explanation = "履行内容中没有写明履行期限（分期、具体日期或“生效之日起N日内”），请手工填写履行期限"
    validate_dates(served, effective.effective, deadline, case.judgment_date)
    return DateProposal(kind, effective, deadline, explanation, effective.provisional or provisional)


def override_problems(case: Case, proposal: DateProposal) -> list[ValidationError]:
    """A stored date that differs from the computed one needs its reason recorded; stored dates must be
    consistent with the service dates and the judgment."""
    problems: list[ValidationError] = []
    served = [p.service_date for p in case.parties if p.service_date is not None]
    try:
        validate_dates(served, case.effective_date, case.deadline, case.judgment_date)
    except ValidationError as exc:
        problems.append(exc)
    checks = (
        ("生效日期", case.effective_date, proposal.effective.effective, case.effective_override_reason),
        ("履行期限", case.deadline, proposal.deadline, case.deadline_override_reason),
    )
    for label, stored, computed, reason in checks:
        if stored is not None and computed is not None and stored != computed and not reason.strip():
            problems.append(
                ValidationError(
                    f"{label}说明",
                    f"{label}{stored.isoformat()}与按送达日期和判项计算的{computed.isoformat()}不同，"
                    "手工确定的须填写理由",
                )
            )
    return problems
