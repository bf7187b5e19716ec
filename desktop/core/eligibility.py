"""Which documents a case may receive today, and why not: the seeds' conditions as a table of rules.

Every form names one rule (``eligibility = "prompt"`` in its file). A rule reads the case, today's
date, the facts the ledger records beside the case (:class:`CaseFacts`) and the court's windows
(:class:`Windows`), and answers :class:`Eligibility`: allowed or not, with the reason in Chinese. The
wizard and the CLI check it before anything is filled; the reason is what the clerk sees.

Sources (seeds/README.md):
* 房县 §九(二)(三): every case is urged except those served by public notice (公告送达); a 提示书 goes
  out within the 7 days before the deadline, a 催告书 within the 7 days after it, to debtors whose
  contact details are known.
* 从化 阶段一: the 判后 notice (with the creditor's receiving account) is for money obligations; 阶段二:
  执前督促 needs an effective document that was not served by public notice, and an urgent case
  (transfer of assets) goes straight to enforcement; 阶段三: 预失信, 预罚款, 拘留风险, 信用承诺 and the
  enforcement-stage 证明书 are for cases in enforcement; a 证明书 needs all obligations performed, or
  the main part performed with the creditor's consent, and is refused to a debtor who transferred or
  hid assets, otherwise refused to perform, or was referred for the crime of refusing to perform
  (拒执罪).
* 七台河 §十(二) / 附件4: the trial-stage 证明书 states "经原告确认": every payment must be confirmed.
* 房县 §十 / 佳木斯 §九: the 申请破产审查告知书 is for open cases whose enterprise debtor the screening
  (core/screening.py) flags: 10+ money cases in one year with a total above the registered capital, an 终本
  enforcement, a revoked licence, or other grounds a judge entered.
Windows are per-court settings (DOMAIN.md §2); 7 days is the seeds' default.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from desktop.core.chinese_dates import format_date_cn
from desktop.core.ledger import balance
from desktop.core.model import (
    Case,
    CaseStatus,
    Disposition,
    ObligationKind,
    PartyKind,
    PaymentMethod,
    Stage,
)
from desktop.core.money import format_yuan

if TYPE_CHECKING:
    from desktop.core.screening import Finding


class CaseFlag(StrEnum):
    """Facts recorded beside a case that decide eligibility (kept in the ``case_flags`` table)."""

    MAIN_PART_CONSENT = "主要义务履行经申请执行人同意"
    CONCEALED_ASSETS = "转移、隐藏财产"
    REFUSED_TO_PERFORM = "其他拒不执行行为"
    CRIME_REFERRAL = "移送拒执罪"


EXCLUDING_FLAGS = (CaseFlag.CONCEALED_ASSETS, CaseFlag.REFUSED_TO_PERFORM, CaseFlag.CRIME_REFERRAL)


@dataclass(frozen=True)
class CaseFacts:
    """What the ledger knows beside the case: recorded flags (with their dates) and what the 审破衔接
    screening (core/screening.py) finds for its enterprise debtors."""

    flags: tuple[tuple[CaseFlag, date], ...] = ()
    screening: tuple[Finding, ...] = ()  # 审破衔接: the grounds the case's enterprise debtors meet

    def flag_date(self, flag: CaseFlag) -> date | None:
        return next((d for f, d in self.flags if f is flag), None)


@dataclass(frozen=True)
class Windows:
    """Per-court windows in days (DOMAIN.md §2 seed defaults: 房县方案九（三）'s 七日).

    Not a setting of its own: :func:`desktop.core.reminders.windows_from_rules` reads them from the
    reminder rules' windows, so the wizard and the dashboard always agree."""

    prompt_days: int = 7  # 提示书: within this many days before the deadline
    demand_days: int = 7  # 催告书: the dashboard's window after the deadline (issuing later is allowed)
    installment_prompt_days: int = 7  # the same, before each installment falls due
    installment_demand_days: int = 7  # the same, after an installment was missed

    def prompt(self, case: Case) -> int:
        return self.installment_prompt_days if _by_installments(case) else self.prompt_days

    def demand(self, case: Case) -> int:
        return self.installment_demand_days if _by_installments(case) else self.demand_days


def _by_installments(case: Case) -> bool:
    return any(ob.installments for ob in case.obligations if ob.kind is ObligationKind.MONEY)


@dataclass(frozen=True)
class Eligibility:
    allowed: bool
    reason: str = ""  # why refused; when allowed, a note worth showing (may be empty)


Rule = Callable[[Case, date, CaseFacts, Windows], Eligibility]

_ACTIVE = (CaseStatus.OPEN,)


def _ok(note: str = "") -> Eligibility:
    return Eligibility(True, note)


def _no(reason: str) -> Eligibility:
    return Eligibility(False, reason)


def _has_act(case: Case) -> bool:
    return any(ob.kind is ObligationKind.ACT for ob in case.obligations)


def _has_money(case: Case) -> bool:
    return any(ob.kind is ObligationKind.MONEY and ob.amount_fen > 0 for ob in case.obligations)


def performed_on(case: Case) -> date | None:
    """The day the money due was paid in full (payments in date order), or None."""
    due = balance(case).due_fen
    if due <= 0:
        return None
    total = 0
    for payment in sorted(case.payments, key=lambda p: p.paid_on):
        total += payment.amount_fen
        if total >= due:
            return payment.paid_on
    return None


def fully_performed(case: Case) -> bool:
    """Money paid in full and, when the case has an act to perform, the case marked 履行完毕."""
    bal = balance(case)
    acts_done = not _has_act(case) or case.status in (CaseStatus.PERFORMED, CaseStatus.CLOSED)
    if bal.due_fen == 0:
        return _has_act(case) and acts_done
    return bal.owed_fen == 0 and acts_done


def _unperformed(case: Case) -> str:
    """Empty when fully performed, else what is still owed (for reasons)."""
    if fully_performed(case):
        return ""
    bal = balance(case)
    if bal.owed_fen:
        return f"尚欠{format_yuan(bal.owed_fen)}未履行"
    if _has_act(case):
        return "行为履行义务尚未登记为履行完毕"
    return "案件没有登记履行义务"


def _deadline(case: Case) -> date | None:
    """The date that decides a reminder: the first unpaid due date, else the case's 履行期限."""
    bal = balance(case)
    if bal.due_fen and bal.owed_fen:
        return bal.next_due_date or case.deadline
    return case.deadline


def _stage_in(case: Case, stages: tuple[Stage, ...], doc: str) -> Eligibility | None:
    if case.stage in stages:
        return None
    allowed = "、".join(s.value for s in stages)
    return _no(f"《{doc}》适用于{allowed}阶段的案件，本案处于{case.stage.value}阶段")


def _open(case: Case, doc: str) -> Eligibility | None:
    if case.status in _ACTIVE:
        return None
    return _no(f"案件状态为“{case.status.value}”，不再发送《{doc}》")


def _not_public(case: Case, doc: str) -> Eligibility | None:
    if case.public_notice:
        return _no(f"裁判文书系公告送达，不适用《{doc}》（房县方案第九条、从化机制阶段二）")
    return None


CONTACT_RULES = frozenset({"prompt", "demand"})
"""The eligibility rules (and so the forms naming them) that 房县方案九（三）sends only to debtors whose
contact details are known ("对联系方式明确但未及时履行的债务人")."""

CONTACT_FORMS = frozenset({"performance_prompt", "performance_demand"})
"""The forms (forms/ ids) whose eligibility rule is in :data:`CONTACT_RULES` (a test keeps them in step):
the reminder rules suggesting them suggest :data:`ADD_CONTACT` instead while contact details are missing."""

ADD_CONTACT = "补充联系方式"
"""What the dashboard suggests instead of a document :data:`CONTACT_RULES` would refuse."""


def missing_contact(has_debtor: bool, has_contact: bool) -> str:
    """Why a 提示书 / 催告书 cannot be sent for want of contact details ("" when it can).

    ``has_debtor``: the case records a party who owes (被告, 被申请人, 被执行人); ``has_contact``: one of them
    has a phone number or an address. The one rule behind both the wizard's refusal and the dashboard's
    "补充联系方式" (the store asks the same two questions in SQL)."""
    if not has_debtor:
        return "案件没有登记履行义务人（被告、被申请人或被执行人）"
    if not has_contact:
        return "履行义务人没有登记电话或住址，联系方式不明确，无法送达"
    return ""


def contact_facts(case: Case) -> tuple[bool, bool]:
    """(has_debtor, has_contact) of ``case`` for :func:`missing_contact`."""
    debtors = [p for p in case.parties if p.role.owes]
    return bool(debtors), any(p.phone.strip() or p.address.strip() for p in debtors)


def _contact_known(case: Case) -> Eligibility | None:
    missing = missing_contact(*contact_facts(case))
    return _no(f"{missing}（房县方案九（三）：对联系方式明确的债务人发送）") if missing else None


def _not_done(case: Case, reason: str) -> Eligibility | None:
    """Refused with ``reason`` when the obligations are fully performed."""
    return _no(reason) if fully_performed(case) else None


def _urgeable(case: Case, doc: str) -> Eligibility | None:
    """The urging documents before enforcement: 判后 or 执前督促, case open, not served by public notice."""
    return _first(
        _stage_in(case, (Stage.AFTER_JUDGMENT, Stage.PRE_ENFORCEMENT), doc),
        _open(case, doc),
        _not_public(case, doc),
    )


def _first(*checks: Eligibility | None) -> Eligibility | None:
    return next((c for c in checks if c is not None), None)


# ------------------------------------------------------------------------------------- rules


def _always(case: Case, today: date, facts: CaseFacts, w: Windows) -> Eligibility:
    return _ok()


def _notice_of(doc: str) -> Rule:
    """A notice served after judgment on an open case; refusals name ``doc``."""

    def rule(case: Case, today: date, facts: CaseFacts, w: Windows) -> Eligibility:
        return _first(_stage_in(case, (Stage.AFTER_JUDGMENT,), doc), _open(case, doc)) or _ok()

    return rule


_notice = _notice_of("自动履行告知书")


def _account_notice(case: Case, today: date, facts: CaseFacts, w: Windows) -> Eligibility:
    doc = "自动履行告知书"
    refused = _first(_stage_in(case, (Stage.AFTER_JUDGMENT,), doc), _open(case, doc))
    if refused:
        return refused
    if not _has_money(case):
        return _no("判后督促履行适用于金钱给付义务的案件（从化机制阶段一），本案没有金钱给付义务")
    if not any(ob.account_number and ob.account_name and ob.account_bank for ob in case.obligations):
        return _no(
            "尚未登记债权人的收款账户（户名、账号、开户行）：请先在案件中填写，或让债权人填写《收款账户确认书》"
        )
    return _ok()


def _account_confirmation(case: Case, today: date, facts: CaseFacts, w: Windows) -> Eligibility:
    doc = "收款账户确认书"
    refused = _first(_stage_in(case, (Stage.AFTER_JUDGMENT, Stage.PRE_ENFORCEMENT), doc), _open(case, doc))
    if refused:
        return refused
    if not _has_money(case):
        return _no("收款账户只在有金钱给付义务时需要确认，本案没有金钱给付义务")
    return _ok()


def _pledge(case: Case, today: date, facts: CaseFacts, w: Windows) -> Eligibility:
    doc = "自动履行承诺书"
    refused = _open(case, doc)
    if refused:
        return refused
    if case.disposition not in (Disposition.MEDIATION, Disposition.JUDICIAL_CONFIRMATION) and (
        case.stage is not Stage.ENFORCEMENT
    ):
        return _no("《自动履行承诺书》在达成调解协议（或执行中）时由义务人签署，本案以判决或裁定结案")
    if fully_performed(case):
        return _no("义务已经履行完毕，无需再签署承诺书")
    return _ok()


def _prompt(case: Case, today: date, facts: CaseFacts, w: Windows) -> Eligibility:
    doc = "自动履行提示书"
    refused = _first(_urgeable(case, doc), _not_done(case, "义务已经履行完毕，无需提示"))
    if refused:
        return refused
    due = _deadline(case)
    if due is None:
        return _no("案件没有登记履行期限，无法确定提示的时间")
    if due < today:
        return _no(f"履行期限已于{format_date_cn(due)}届满，应改发《自动履行催告书》")
    days = w.prompt(case)
    first_day = due - timedelta(days=days)
    if today < first_day:
        return _no(
            f"《{doc}》在履行期限届满前{days}日内发送（房县方案第九条第三项）："
            f"履行期限为{format_date_cn(due)}，自{format_date_cn(first_day)}起可以发送"
        )
    return _contact_known(case) or _ok(f"履行期限为{format_date_cn(due)}")


def _demand(case: Case, today: date, facts: CaseFacts, w: Windows) -> Eligibility:
    doc = "自动履行催告书"
    refused = _first(_urgeable(case, doc), _not_done(case, "义务已经履行完毕，无需催告"))
    if refused:
        return refused
    due = _deadline(case)
    if due is None:
        return _no("案件没有登记履行期限，无法确定是否已届满")
    if due >= today:
        return _no(
            f"履行期限{format_date_cn(due)}尚未届满：催告书只在期限届满后发送，届满前请发《自动履行提示书》"
        )
    late = (today - due).days
    note = f"履行期限{format_date_cn(due)}已届满{late}日"
    if late > w.demand(case):
        note += f"（已超过届满后{w.demand(case)}日的催告期，请尽快发送）"
    return _contact_known(case) or _ok(note)


def _pre_enforcement_application(case: Case, today: date, facts: CaseFacts, w: Windows) -> Eligibility:
    doc = "执前督促履行申请书"
    refused = _urgeable(case, doc)
    if refused:
        return refused
    if case.effective_date is None or case.effective_date > today:
        return _no("生效法律文书尚未生效（未登记生效日期），不能申请执前督促")
    if _excluded(facts):
        return _no("被执行人有转移财产、逃避执行等紧急情况，应直接申请强制执行（从化机制阶段二）")
    if fully_performed(case):
        return _no("义务已经履行完毕，无需执前督促")
    due = _deadline(case)
    if due is not None and due >= today:
        return _no(f"履行期限{format_date_cn(due)}尚未届满，还不能申请执行")
    return _ok()


def _pre_enforcement_notice(case: Case, today: date, facts: CaseFacts, w: Windows) -> Eligibility:
    doc = "执前督促履行告知书"
    refused = _first(_stage_in(case, (Stage.PRE_ENFORCEMENT,), doc), _open(case, doc), _not_public(case, doc))
    if refused:
        return refused
    owed = _unperformed(case)
    return _ok() if owed else _no("义务已经履行完毕，无需督促")


def _enforcement_warning(doc: str) -> Rule:
    def rule(case: Case, today: date, facts: CaseFacts, w: Windows) -> Eligibility:
        refused = _first(
            _stage_in(case, (Stage.ENFORCEMENT,), doc),
            _open(case, doc),
            _not_done(case, "被执行人已经履行完毕，不再发送"),
        )
        if refused:
            return refused
        return _ok(_unperformed(case))

    return rule


def _objection_risk(case: Case, today: date, facts: CaseFacts, w: Windows) -> Eligibility:
    doc = "滥用执行异议权利风险告知书"
    return _stage_in(case, (Stage.ENFORCEMENT,), doc) or _ok()


def _settlement_pledge(case: Case, today: date, facts: CaseFacts, w: Windows) -> Eligibility:
    doc = "信用承诺书"
    refused = _first(
        _stage_in(case, (Stage.ENFORCEMENT,), doc),
        _open(case, doc),
        _not_done(case, "被执行人已经履行完毕，无需信用承诺"),
    )
    if refused:
        return refused
    return _ok()


def _excluded(facts: CaseFacts) -> tuple[CaseFlag, date] | None:
    return next(((f, d) for f, d in facts.flags if f in EXCLUDING_FLAGS), None)


def _certificate(stages: tuple[Stage, ...], creditor_word: str) -> Rule:
    doc = "自动履行证明书"

    def rule(case: Case, today: date, facts: CaseFacts, w: Windows) -> Eligibility:
        refused = _stage_in(case, stages, doc)
        if refused:
            return refused
        excluded = _excluded(facts)
        if excluded:
            flag, since = excluded
            return _no(
                f"义务人有“{flag.value}”的情形（登记于{format_date_cn(since)}），"
                "不适用自动履行激励，不能出具证明书（从化机制阶段三）"
            )
        if fully_performed(case):
            unconfirmed = [
                (i, p)
                for i, p in enumerate(sorted(case.payments, key=lambda p: p.paid_on), start=1)
                if not p.creditor_confirmed
                and p.method
                not in (PaymentMethod.IN_COURT, PaymentMethod.COURT_ACCOUNT, PaymentMethod.PRESERVED_FUNDS)
            ]
            if unconfirmed:
                i, p = unconfirmed[0]
                return _no(
                    f"第{i}笔履行记录（{format_date_cn(p.paid_on)}，{format_yuan(p.amount_fen)}）"
                    f"尚未经{creditor_word}确认；证明书须载明经{creditor_word}确认"
                )
            return _ok()
        consent = facts.flag_date(CaseFlag.MAIN_PART_CONSENT)
        bal = balance(case)
        if consent is not None and bal.paid_fen > 0:
            return _ok(
                f"已履行主要义务（尚欠{format_yuan(bal.owed_fen)}），"
                f"{creditor_word}于{format_date_cn(consent)}同意出具证明书"
            )
        return _no(
            f"{_unperformed(case)}：证明书只在义务全部履行完毕，或履行主要义务并经{creditor_word}同意"
            "（须先登记同意）时出具"
        )

    return rule


# The rules that read ``CaseFacts.screening``: only for these (and forms printing the screening's
# findings) does a service need to run the screening, which reads every case of each enterprise debtor.
SCREENING_RULES = frozenset({"bankruptcy_review"})


def _bankruptcy_review(case: Case, today: date, facts: CaseFacts, w: Windows) -> Eligibility:
    doc = "申请破产审查告知书"
    orgs = [p for p in case.parties if p.role.owes and p.kind is PartyKind.ORGANISATION]
    if not orgs:
        return _no("《申请破产审查告知书》只适用于企业法人等单位被告（房县方案第十条）")
    refused = _open(case, doc)
    if refused:
        return refused
    if not facts.screening:
        return _no(
            "审破衔接筛查未发现被告企业有房县方案第十条（一）至（四）的情形：同一年度金钱给付类纠纷10件以上且"
            "标的总额超过注册资本、其他案件终结本次执行程序、营业执照吊销，或法官登记的其他情形"
        )
    from desktop.core.screening import describe  # here: the board does not need the screening (issue 23)

    return _ok(describe(facts.screening))


RULES: dict[str, Rule] = {
    "always": _always,
    "notice": _notice,
    "rights_notice": _notice_of("权利义务告知书"),
    "account_notice": _account_notice,
    "account_confirmation": _account_confirmation,
    "pledge": _pledge,
    "prompt": _prompt,
    "demand": _demand,
    "pre_enforcement_application": _pre_enforcement_application,
    "pre_enforcement_notice": _pre_enforcement_notice,
    "pre_dishonesty": _enforcement_warning("预纳入失信名单提醒通知书"),
    "pre_fine": _enforcement_warning("预罚款通知书"),
    "detention_risk": _enforcement_warning("拘留风险告知书"),
    "objection_risk": _objection_risk,
    "settlement_pledge": _settlement_pledge,
    "certificate_trial": _certificate((Stage.AFTER_JUDGMENT, Stage.PRE_ENFORCEMENT), "债权人"),
    "certificate_enforcement": _certificate((Stage.ENFORCEMENT,), "申请执行人"),
    "bankruptcy_review": _bankruptcy_review,
}


def check(
    rule: str, case: Case, today: date, facts: CaseFacts | None = None, windows: Windows | None = None
) -> Eligibility:
    """Apply the rule named ``rule`` (a key of :data:`RULES`)."""
    try:
        fn = RULES[rule]
    except KeyError:
        raise ValueError(f"unknown eligibility rule {rule!r}") from None
    return fn(case, today, facts or CaseFacts(), windows or Windows())
