"""Where a form field's default comes from in the case: ``source = "debtor.name"`` in a form file.

Each source is a pure function of the case (with today's date and the recorded facts) returning a
string, a ``date``, an int (fen for money sources) or None when the case does not say. The list below
is the vocabulary of the form files; forms/README.md documents it, and the loader refuses any other
name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from desktop.core.casenumber import parse_case_number
from desktop.core.chinese_dates import format_date_cn
from desktop.core.eligibility import CaseFacts, fully_performed, performed_on
from desktop.core.errors import ValidationError
from desktop.core.ledger import balance, schedule
from desktop.core.model import Case, CourtSettings, Disposition, ObligationKind, Party, PartyKind, Stage

_CASE_NUMBER = re.compile(r"（\d{4}）[^（）；;，,。\s]{2,30}?号(?:之[一二三四五六七八九十]+)?")


@dataclass(frozen=True)
class SourceContext:
    case: Case
    today: date
    facts: CaseFacts = field(default_factory=CaseFacts)
    court: CourtSettings | None = None  # this court (设置): to tell its own judgments from others'


def _type_code(number: str) -> str:
    try:
        return parse_case_number(number).type_code
    except ValidationError:
        return ""


def _is_enforcement(number: str) -> bool:
    return _type_code(number).startswith("执")


def _debtors(case: Case) -> list[Party]:
    return [p for p in case.parties if p.role.owes]


def _creditors(case: Case) -> list[Party]:
    return [p for p in case.parties if not p.role.owes and p.role.value != "第三人"]


def _names(parties: list[Party]) -> str | None:
    return "、".join(p.name for p in parties) or None


def _first(parties: list[Party], attr: str) -> str | None:
    return next((str(getattr(p, attr)) for p in parties if getattr(p, attr)), None)


def basis_number(case: Case) -> str | None:
    """The 案号 of the judgment or mediation being performed (执行依据)."""
    if not _is_enforcement(case.case_number):
        return case.case_number
    for pattern in ("执行依据：", "执行依据:", "依据"):
        at = case.notes.find(pattern)
        if at >= 0:
            match = _CASE_NUMBER.search(case.notes, at)
            if match:
                return match.group(0)
    match = _CASE_NUMBER.search(case.notes)
    if match and not _is_enforcement(match.group(0)):
        return match.group(0)
    return None


def _is_formal_enforcement(number: str) -> bool:
    """执, 执恢, 执异 …: a number of the enforcement case system (not a local 执前调 / 执前督 number)."""
    try:
        parsed = parse_case_number(number)
    except ValidationError:
        return False
    return parsed.is_enforcement and not parsed.is_pre_enforcement


def enforcement_number(case: Case) -> str | None:
    """The 执行案号 printed on an enforcement-stage notice.

    A case registered under its own enforcement number (执, 执恢 …) is that enforcement case: its
    ``enforcement_case_number`` then names an earlier one (for 执恢, the case whose 终本 it resumes),
    which must not be printed as the current 案号. A trial or 执前 case that moved to enforcement
    uses the enforcement number recorded for it; a trial case in 执前督促 the number its notes give as
    “执前督促案号：”."""
    if _is_formal_enforcement(case.case_number):
        return case.case_number
    if case.enforcement_case_number:
        return case.enforcement_case_number
    if _is_enforcement(case.case_number):
        return case.case_number
    if case.stage is Stage.PRE_ENFORCEMENT:  # the 执前督 / 执前调 number, noted as 执前督促案号：……
        at = case.notes.find("执前督促案号")
        match = _CASE_NUMBER.search(case.notes, at) if at >= 0 else None
        if match and _is_enforcement(match.group(0)):
            return match.group(0)
    return None


_CITY = re.compile(r"^(.{2,12}?[市州盟])(?!中级)")


def _parsed(number: str | None) -> tuple[str, str] | None:
    """(court code, type code) of a case number."""
    if not number:
        return None
    try:
        parsed = parse_case_number(number)
    except ValidationError:
        return None
    return parsed.court_code, parsed.type_code


def _own_codes(ctx: SourceContext) -> set[str]:
    """This court's codes: from 设置, and the case's own number's (a case in this court's ledger)
    unless that number is an appeal (民终: the intermediate court's number)."""
    codes = {ctx.court.court_code} if ctx.court is not None and ctx.court.court_code else set()
    own = _parsed(ctx.case.case_number)
    if own and not own[1].endswith("终"):
        codes.add(own[0])
    return codes


def basis_court_name(ctx: SourceContext) -> str | None:
    """The court that made the judgment or mediation being performed, by name.

    This court's own (the basis number carries this court's code): its name. An appellate judgment
    (民终) of the intermediate court above this court (黑09 above 黑0902): that court, named
    某某市中级人民法院 after the city in this court's name when it has one (七台河市新兴区人民法院 →
    七台河市中级人民法院); otherwise, and for any other court, left for the clerk to type (None)."""
    basis = _parsed(basis_number(ctx.case))
    own = _own_codes(ctx)
    if basis is None or not own:
        return None
    own_name = ctx.court.court_name if ctx.court else ""
    code = basis[0]
    if code in own:
        return own_name or None
    if any(c.startswith(code) for c in own) and len(code) == 3 and code[1:].isdigit():
        match = _CITY.match(own_name)
        return f"{match.group(1)}中级人民法院" if match else None
    return None


def basis_court(ctx: SourceContext) -> str | None:
    """How a notice names that court: 本院 for this court's own judgment, else its name."""
    basis = _parsed(basis_number(ctx.case))
    if basis is not None and basis[0] in _own_codes(ctx):
        return "本院"
    return basis_court_name(ctx)


def _basis_kind(case: Case) -> str:
    """What the case number of the basis names: 判决, 调解 or 裁定."""
    if case.disposition is Disposition.MEDIATION:
        return "调解"
    if case.disposition in (Disposition.RULING, Disposition.JUDICIAL_CONFIRMATION):
        return "裁定"
    return "判决"


def _basis_word(case: Case) -> str:
    return {"判决": "判决", "调解": "调解书", "裁定": "裁定"}[_basis_kind(case)]


def _document_name(case: Case) -> str:
    return {"判决": "民事判决书", "调解": "民事调解书", "裁定": "民事裁定书"}[_basis_kind(case)]


def _own_document(case: Case) -> str:
    """The document made under the case's own number: an enforcement case (执, 执恢 …) rules by
    执行裁定书 (七台河 附件3 “民初（执）…民事调解书（执行裁定书）”); a trial case as it was decided."""
    if _is_formal_enforcement(case.case_number):
        return "执行裁定书"
    return _document_name(case)


def _pronoun(case: Case) -> str:
    debtors = _debtors(case)
    if len(debtors) > 1:
        return "你们"
    if debtors and debtors[0].kind is PartyKind.ORGANISATION:
        return "你单位"
    return "你"


def _account(case: Case, attr: str) -> str | None:
    for ob in case.obligations:
        if ob.account_number:
            return str(getattr(ob, attr)) or None
    return None


def _obligations_text(case: Case) -> str | None:
    items = [ob.description.strip() for ob in case.obligations if ob.description.strip()]
    if not items:
        return None
    return "\n".join(f"（{i}）{text.rstrip('；;。')}；" for i, text in enumerate(items, start=1))


def _enforcement_date(case: Case) -> date | None:
    """执行立案日期: as recorded; a case registered under its own enforcement number was filed then."""
    if case.enforcement_filing_date is not None:
        return case.enforcement_filing_date
    return case.filing_date if _is_enforcement(case.case_number) else None


def _last_payment(case: Case) -> date | None:
    return max((p.paid_on for p in case.payments), default=None)


def _performance_date(case: Case) -> date | None:
    """The date the obligations were performed: fully, or (主要义务) the last payment so far."""
    return performed_on(case) or _last_payment(case)


def overdue(case: Case, today: date) -> list[tuple[date, int]]:
    """The installments whose date has passed (before ``today``) and that are not paid in full,
    with the part still unpaid: payments settle the earliest installments first."""
    items = [it for ob in case.obligations for it in schedule(ob, case.deadline)]
    items.sort(key=lambda it: (it.due_date is None, it.due_date or date.max))
    remaining = sum(p.amount_fen for p in case.payments)
    out: list[tuple[date, int]] = []
    for it in items:
        settled = min(remaining, it.amount_fen)
        remaining -= settled
        if it.due_date is not None and it.due_date < today and it.amount_fen > settled:
            out.append((it.due_date, it.amount_fen - settled))
    return out


def _overdue_dates(ctx: SourceContext) -> str | None:
    """The dates of the overdue installments; without any (no money to pay) the case's deadline
    once it has passed."""
    days = sorted({d for d, _fen in overdue(ctx.case, ctx.today)})
    if not days and ctx.case.deadline is not None and ctx.case.deadline < ctx.today:
        days = [ctx.case.deadline]
    return "、".join(format_date_cn(d) for d in days) or None


def _overdue_fen(ctx: SourceContext) -> int | None:
    return sum(fen for _d, fen in overdue(ctx.case, ctx.today)) or None


def _ground(ctx: SourceContext) -> str | None:
    """The first 房县 §十 ground the screening found for the case's enterprise debtor, worded as the
    form's choice."""
    return ctx.facts.screening[0].ground.value if ctx.facts.screening else None


def _ground_detail(ctx: SourceContext) -> str | None:
    """The figures behind that ground, as the notice's 情况说明."""
    return f"经筛查，{ctx.facts.screening[0].detail}。" if ctx.facts.screening else None


def _self_word(parties: list[Party]) -> str:
    """本人 (a person), 本单位 (an organisation), 我方 (several parties, persons among them or not)."""
    if len(parties) > 1:
        return "我方"
    return "本单位" if parties and parties[0].kind is PartyKind.ORGANISATION else "本人"


def _creditor_pronoun(case: Case) -> str:
    creditors = _creditors(case)
    if len(creditors) > 1:
        return "你们"
    return "你单位" if creditors and creditors[0].kind is PartyKind.ORGANISATION else "你"


def _duty(case: Case) -> str:
    money = has_money(case)
    act = any(ob.kind is ObligationKind.ACT for ob in case.obligations)
    if money and act:
        return "给付金钱及法律文书确定的其他"
    return "给付金钱" if money else "法律文书确定的"


def _next_due(case: Case) -> date | None:
    return balance(case).next_due_date or case.deadline


def _performance_kind(case: Case) -> str:
    return "全部义务" if fully_performed(case) else "主要义务"


SOURCES: dict[str, tuple[str, Callable[[SourceContext], object]]] = {
    "case.number": ("案号", lambda c: c.case.case_number),
    "case.basis_number": ("执行依据的案号（执行案件读备注中的“执行依据：”）", lambda c: basis_number(c.case)),
    "case.enforcement_number": ("执行案号", lambda c: enforcement_number(c.case)),
    "case.basis_court": ("作出执行依据的法院：本院，或二审的中级人民法院名称", basis_court),
    "case.basis_court_name": ("作出执行依据的法院全称（本院亦写全称）", basis_court_name),
    "case.cause": ("案由", lambda c: c.case.cause or None),
    "case.basis_kind": ("判决、调解或裁定", lambda c: _basis_kind(c.case)),
    "case.document": ("民事判决书、民事调解书或民事裁定书", lambda c: _document_name(c.case)),
    "case.basis_word": ("判决、调解书或裁定（“……号判决”）", lambda c: _basis_word(c.case)),
    "case.own_document": (
        "本案案号下制作的法律文书：执行案号为执行裁定书，其余同 case.document",
        lambda c: _own_document(c.case),
    ),
    "case.filing_date": ("立案日期", lambda c: c.case.filing_date),
    "case.judgment_date": ("裁判日期", lambda c: c.case.judgment_date),
    "case.effective_date": ("生效日期", lambda c: c.case.effective_date),
    "case.deadline": ("履行期限", lambda c: c.case.deadline),
    "case.enforcement_date": ("执行立案日期（执行案号的立案日期）", lambda c: _enforcement_date(c.case)),
    "case.enforcement_notice_date": ("执行通知书送达日期", lambda c: c.case.enforcement_notice_date),
    "case.handler": ("承办人", lambda c: c.case.handler or None),
    "case.obligations": ("各项履行义务，分行编号", lambda c: _obligations_text(c.case)),
    "case.duty": ("义务的种类：给付金钱、法律文书确定的……", lambda c: _duty(c.case)),
    "creditor.name": ("债权人（原告、申请人、申请执行人）姓名或名称", lambda c: _names(_creditors(c.case))),
    "creditor.role": ("债权人的诉讼地位", lambda c: _first(_creditors(c.case), "role")),
    "creditor.address": ("债权人住址", lambda c: _first(_creditors(c.case), "address")),
    "creditor.phone": ("债权人电话", lambda c: _first(_creditors(c.case), "phone")),
    "creditor.pronoun": ("对债权人的称呼：你、你单位或你们", lambda c: _creditor_pronoun(c.case)),
    "creditor.self": ("债权人自称：本人或本单位", lambda c: _self_word(_creditors(c.case))),
    "debtor.name": ("履行义务人（被告、被申请人、被执行人）姓名或名称", lambda c: _names(_debtors(c.case))),
    "debtor.role": ("履行义务人的诉讼地位", lambda c: _first(_debtors(c.case), "role")),
    "debtor.address": ("履行义务人住址", lambda c: _first(_debtors(c.case), "address")),
    "debtor.phone": ("履行义务人电话", lambda c: _first(_debtors(c.case), "phone")),
    "debtor.pronoun": ("对义务人的称呼：你、你单位或你们", lambda c: _pronoun(c.case)),
    "debtor.self": ("义务人自称：本人或本单位", lambda c: _self_word(_debtors(c.case))),
    "debtor.legal_representative": (
        "单位义务人的法定代表人",
        lambda c: _first(_debtors(c.case), "legal_representative"),
    ),
    "debtor.bankruptcy_ground": ("自动筛查到的破产线索（申请破产审查告知书的情形）", _ground),
    "debtor.bankruptcy_detail": ("筛查所见：该情形的案件数、标的总额、终本案号等", _ground_detail),
    "money.due": ("金钱给付总额（分）", lambda c: balance(c.case).due_fen or None),
    "money.paid": ("已履行金额（分）", lambda c: balance(c.case).paid_fen or None),
    "money.owed": ("未履行金额（分）", lambda c: balance(c.case).owed_fen or None),
    "money.next_due_date": ("最早未履行一期的履行日期", lambda c: _next_due(c.case)),
    "money.next_due_amount": (
        "最早未履行一期尚欠的金额（分）",
        lambda c: balance(c.case).next_due_fen or None,
    ),
    "money.performed_date": ("全部履行完毕的日期", lambda c: performed_on(c.case)),
    "money.performance_kind": ("全部义务或主要义务（证明书）", lambda c: _performance_kind(c.case)),
    "money.last_payment_date": ("最后一笔履行的日期", lambda c: _last_payment(c.case)),
    "money.performance_date": (
        "履行日期：全部履行完毕之日，未履行完毕的（主要义务）为最后一笔履行之日",
        lambda c: _performance_date(c.case),
    ),
    "money.overdue": ("已到履行日期（今天以前）而尚未履行的金额（分），未到期的分期不计", _overdue_fen),
    "money.overdue_dates": ("已到期而未履行完毕的各期履行日期，以“、”分隔", _overdue_dates),
    "account.name": ("收款账户户名", lambda c: _account(c.case, "account_name")),
    "account.number": ("收款账号", lambda c: _account(c.case, "account_number")),
    "account.bank": ("开户行", lambda c: _account(c.case, "account_bank")),
    "today": ("今天", lambda c: c.today),
}


def has_money(case: Case) -> bool:
    return any(ob.kind is ObligationKind.MONEY and ob.amount_fen for ob in case.obligations)


def value(name: str, ctx: SourceContext) -> object:
    return SOURCES[name][1](ctx)
