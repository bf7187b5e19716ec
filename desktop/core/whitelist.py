"""The 诚信履行名单 (white list): who may be published, and what a published list shows.

Sources (seeds/README.md, DOMAIN.md §7):
* 镇海 (seed 003): "对于已经自动履行且在全国范围内没有被执行案件的当事人，我们同时将其纳入诚信履行名单"
  — fully performed, voluntarily, and no enforcement case anywhere (the national check is a manual step
  whose date and checker are recorded); lists are published in numbered batches (5批370个主体) and sent
  to 市场监管, 税务, 金融机构 and the credit platforms (信用宁波, 普惠金融).
* 从化 阶段三: a debtor who transferred or hid assets, otherwise refused to perform, or was referred for
  拒执罪 gets no incentive; performance within a 预纳入失信 notice's 限期 or the one-month 执前督促 period
  is still voluntary performance.
* 七台河 附件4: performance is stated "经原告确认": the creditor confirms each payment.
* DOMAIN.md §7: the list has no statutory basis, so a party is published only with its recorded
  application or consent; published fields are the name, the credit code (organisations) or a masked ID
  number (individuals), the date of full performance and the court — never phones, addresses, accounts
  or the cause of action.

:func:`assess` answers, for one debtor of one case, each :class:`Condition` as passed, failed or needing
a manual check, with the reason in Chinese. A court chooses which conditions it requires
(:class:`WhitelistRules`, kept in the settings); performance, identity and consent are always required.
A manual check recorded by a person (:class:`ManualCheck`: result, date, checker) settles a condition the
ledger cannot decide; the national check is always such a manual check.

The second half describes a published batch: frozen :class:`ListEntry` snapshots, withdrawals, and
the field set each receiving agency gets (:data:`AGENCIES`), as data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Final

from desktop.core.casenumber import CaseNumber, parse_case_number
from desktop.core.chinese_dates import format_date_cn
from desktop.core.errors import ValidationError
from desktop.core.identifiers import mask_id_number, mask_uscc, validate_id_number, validate_uscc
from desktop.core.model import Case, CaseStatus, ObligationKind, Party, PartyKind, PaymentMethod, Stage
from desktop.core.money import format_yuan
from desktop.core.validation import check_text


class Condition(StrEnum):
    """The admission conditions, in the order the review screen shows them."""

    PERFORMED = "履行完毕"
    VOLUNTARY = "自动履行"
    CONFIRMED = "债权人确认"
    NOT_EXCLUDED = "无排除情形"
    NO_OPEN_CASE = "本院无在执案件"
    NATIONAL_CHECK = "全国无被执行案件"
    IDENTIFIED = "身份信息"
    CONSENT = "本人申请或同意"


CONDITIONS: Final = tuple(Condition)
# Always required: what a list entry is made of (performance date, identifier) and its legal basis.
MANDATORY: Final = frozenset({Condition.PERFORMED, Condition.IDENTIFIED, Condition.CONSENT})
# Defaults per the seeds: 镇海's test, 从化's exclusions, 七台河's creditor confirmation, DOMAIN.md §7.
DEFAULT_REQUIRED: Final = frozenset(Condition)


class State(StrEnum):
    PASSED = "符合"
    FAILED = "不符合"
    MANUAL = "待核实"


class ExclusionKind(StrEnum):
    """Why a party gets no incentive (从化 阶段三), recorded with a date and a reason."""

    CONCEALED_ASSETS = "转移、隐藏财产"
    REFUSED_TO_PERFORM = "其他拒不执行行为"
    CRIME_REFERRAL = "移送拒执罪"
    PLEDGE_DEFAULT = "信用承诺违约"


class PeriodKind(StrEnum):
    """Periods within which performance during enforcement still counts as voluntary."""

    PRE_ENFORCEMENT = "执前督促"
    PRE_BLACKLIST = "预纳入失信"


# Payments the court itself saw: no creditor confirmation needed (same rule as the 证明书).
COURT_SEEN_PAYMENTS: Final = frozenset(
    {PaymentMethod.IN_COURT, PaymentMethod.COURT_ACCOUNT, PaymentMethod.PRESERVED_FUNDS}
)


@dataclass(frozen=True)
class ManualCheck:
    """A person's recorded decision on a condition: the national check, or one the ledger cannot tell."""

    condition: Condition
    passed: bool
    checked_on: date
    checker: str
    note: str = ""


@dataclass(frozen=True)
class Exclusion:
    kind: ExclusionKind
    since: date
    reason: str
    source: str = ""  # where it was recorded (a case number), shown in the reason


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date
    end: date  # last day (the store computes a 执前督促 end from the start when none was recorded)


@dataclass(frozen=True)
class PriorWithdrawal:
    """An earlier list entry of this party that was withdrawn (often because the party withdrew its
    consent): the consent on record before that day no longer counts."""

    batch_label: str  # 2025年第1批诚信履行名单
    seq: int
    withdrawn_on: date
    reason: str
    id: int | None = None


@dataclass(frozen=True)
class PartyFacts:
    """What the database knows beside the case about this party."""

    exclusions: tuple[Exclusion, ...] = ()
    checks: tuple[ManualCheck, ...] = ()
    other_open_cases: tuple[str, ...] = ()  # case numbers of open enforcement cases against the party
    more_open_cases: bool = False  # there are more than ``other_open_cases`` lists
    periods: tuple[Period, ...] = ()
    withdrawals: tuple[PriorWithdrawal, ...] = ()

    def check(self, condition: Condition) -> ManualCheck | None:
        return next((c for c in self.checks if c.condition is condition), None)


@dataclass(frozen=True)
class WhitelistRules:
    """A court's choice (settings key ``whitelist``)."""

    required: frozenset[Condition] = DEFAULT_REQUIRED
    pre_enforcement_months: int = 1  # 从化: 执前督促 lasts one month
    national_check_max_age_days: int = 0  # a national check older than this is stale; 0 = never

    def __post_init__(self) -> None:
        object.__setattr__(self, "required", frozenset(self.required) | MANDATORY)

    @classmethod
    def from_settings(cls, value: object) -> WhitelistRules:
        """Read the settings value; unknown or malformed parts fall back to the defaults."""
        if not isinstance(value, Mapping):
            return cls()
        required = DEFAULT_REQUIRED
        names = value.get("required")
        if isinstance(names, list):
            known = {c.value: c for c in Condition}
            required = frozenset(known[n] for n in names if isinstance(n, str) and n in known)
        months = value.get("pre_enforcement_months")
        age = value.get("national_check_max_age_days")
        return cls(
            required=required,
            pre_enforcement_months=months if isinstance(months, int) and 1 <= months <= 12 else 1,
            national_check_max_age_days=age if isinstance(age, int) and 0 <= age <= 3650 else 0,
        )

    def to_settings(self) -> dict[str, object]:
        return {
            "required": [c.value for c in CONDITIONS if c in self.required],
            "pre_enforcement_months": self.pre_enforcement_months,
            "national_check_max_age_days": self.national_check_max_age_days,
        }


@dataclass(frozen=True)
class Finding:
    condition: Condition
    state: State
    reason: str
    required: bool = True


@dataclass(frozen=True)
class Assessment:
    """Every condition's finding for one party of one case."""

    findings: tuple[Finding, ...]
    performed_on: date | None

    @property
    def eligible(self) -> bool:
        return all(f.state is State.PASSED for f in self.findings if f.required)

    @property
    def state(self) -> State:
        """The overall state: failed if a required condition failed, else manual if one needs a check."""
        states = {f.state for f in self.findings if f.required}
        if State.FAILED in states:
            return State.FAILED
        return State.MANUAL if State.MANUAL in states else State.PASSED

    def finding(self, condition: Condition) -> Finding:
        return next(f for f in self.findings if f.condition is condition)

    def blocking(self) -> list[Finding]:
        """The required findings that are not passed, failed ones first."""
        order = {State.FAILED: 0, State.MANUAL: 1}
        return sorted(
            (f for f in self.findings if f.required and f.state is not State.PASSED),
            key=lambda f: order[f.state],
        )

    def summary(self) -> str:
        """One line: what stands in the way, or that everything required is met."""
        blocking = self.blocking()
        if not blocking:
            return "符合全部条件"
        return "；".join(f"{f.condition.value}：{f.reason}" for f in blocking)


# ------------------------------------------------------------------------------------------- helpers


def identity_key(party: Party) -> tuple[str, str]:
    """How the same party is recognised across cases: ID number / credit code, else the exact name."""
    if party.kind is PartyKind.PERSON and party.id_number:
        return ("id", party.id_number.upper())
    if party.kind is PartyKind.ORGANISATION and party.uscc:
        return ("uscc", party.uscc.upper())
    return ("name", party.name.strip())


def public_identifier(party: Party) -> str:
    """What the list shows: the credit code of an organisation, a masked ID number of an individual."""
    if party.kind is PartyKind.ORGANISATION:
        return mask_uscc(party.uscc)
    return mask_id_number(party.id_number)


def identifier_label(kind: PartyKind) -> str:
    return "统一社会信用代码" if kind is PartyKind.ORGANISATION else "身份证号"


def short_date(d: date) -> str:
    """2025年6月3日: the dates of a list's table (the document style 二〇二五年… is for headings)."""
    return f"{d.year}年{d.month}月{d.day}日"


@lru_cache(maxsize=4096)
def _number(text: str) -> CaseNumber | None:
    try:
        return parse_case_number(text)
    except ValidationError:
        return None


def _formal(number: CaseNumber | None) -> bool:
    return number is not None and number.is_enforcement and not number.is_pre_enforcement


def _pre(number: CaseNumber | None) -> bool:
    return number is not None and number.is_pre_enforcement


def _span(p: Period) -> str:
    return f"{format_date_cn(p.start)}至{format_date_cn(p.end)}"


# ---------------------------------------------------------------------------------------- conditions


@dataclass(frozen=True)
class _Performance:
    """The ledger's answer, computed once per assessment: what was due, what is owed, whether the
    case is fully performed and on which day the payments reached the amount due. The rule is the
    one of :func:`desktop.core.eligibility.fully_performed` and ``performed_on`` (the tests hold
    them equal); it is computed here in one pass because a batch assesses thousands of cases."""

    due_fen: int
    owed_fen: int
    complete: bool
    done: date | None


def _performance(case: Case) -> _Performance:
    # The amounts of ledger.balance (due: the money obligations; paid: every payment), without the
    # schedule it also builds: whether and when the amount was reached is all the list needs.
    due = sum(ob.amount_fen for ob in case.obligations if ob.kind is ObligationKind.MONEY)
    paid = sum(p.amount_fen for p in case.payments)
    owed = max(due - paid, 0)
    has_act = any(ob.kind is ObligationKind.ACT for ob in case.obligations)
    acts_done = not has_act or case.status in (CaseStatus.PERFORMED, CaseStatus.CLOSED)
    complete = (has_act and acts_done) if due == 0 else (owed == 0 and acts_done)
    done = None
    if due > 0 and paid >= due:
        total = 0
        for payment in sorted(case.payments, key=lambda p: p.paid_on):
            total += payment.amount_fen
            if total >= due:
                done = payment.paid_on
                break
    return _Performance(due, owed, complete, done)


_Check = Callable[[Case, Party, PartyFacts, date, _Performance, WhitelistRules], tuple[State, str]]


def _performed(
    case: Case, party: Party, facts: PartyFacts, today: date, perf: _Performance, rules: WhitelistRules
) -> tuple[State, str]:
    done = perf.done
    if perf.due_fen == 0:
        if perf.complete:
            return State.FAILED, "只有行为履行义务，台账没有履行完毕的日期，名单须写明履行完毕日期"
        return State.FAILED, "案件没有登记金钱给付义务或尚未履行完毕"
    if done is None or not perf.complete:
        owed = f"尚欠{format_yuan(perf.owed_fen)}" if perf.owed_fen else "行为履行义务尚未登记为履行完毕"
        return State.FAILED, f"义务尚未全部履行（{owed}）"
    if done > today:
        return State.FAILED, f"履行完毕日期{format_date_cn(done)}晚于今天"
    return State.PASSED, f"已于{format_date_cn(done)}全部履行（{format_yuan(perf.due_fen)}）"


def _voluntary(
    case: Case, party: Party, facts: PartyFacts, today: date, perf: _Performance, rules: WhitelistRules
) -> tuple[State, str]:
    done = perf.done
    if done is None:
        return State.MANUAL, "没有履行完毕日期，无法判断是否在强制执行前履行"
    # Only a number with 执 in it can be an enforcement one: the others need no parsing.
    own = _number(case.case_number) if "执" in case.case_number else None
    linked = _number(case.enforcement_case_number) if "执" in case.enforcement_case_number else None
    formal = (
        case.stage is Stage.ENFORCEMENT
        or case.status is CaseStatus.TRANSFERRED
        or _formal(own)
        or _formal(linked)
    )
    for p in facts.periods:
        if p.start <= done <= p.end:
            return State.PASSED, f"在{p.kind.value}期限（{_span(p)}）内履行"
    if not formal:
        if case.stage is Stage.PRE_ENFORCEMENT or _pre(own) or _pre(linked):
            return State.PASSED, "在执前督促阶段履行（执前督促不是强制执行立案）"
        return State.PASSED, "在申请强制执行前履行"
    late = "，且不在预纳入失信或执前督促期限内"
    if _formal(own) and case.filing_date is not None:
        if done < case.filing_date:
            return State.PASSED, f"在强制执行立案（{format_date_cn(case.filing_date)}）前履行"
        return State.FAILED, f"在强制执行立案（{format_date_cn(case.filing_date)}）后履行{late}"
    enforcement = own if _formal(own) else linked if _formal(linked) else None
    if enforcement is not None:
        # Without the filing date, the year of the enforcement number still bounds it.
        if done.year < enforcement.year:
            return (
                State.PASSED,
                f"在执行案号{enforcement.canonical}的立案年度（{enforcement.year}年）之前履行",
            )
        if done.year > enforcement.year:
            return State.FAILED, f"在{enforcement.year}年立案的执行案件{enforcement.canonical}之后履行{late}"
        where = f"（执行案号{enforcement.canonical}）"
    else:
        where = "（案件已移送执行）"
    return (
        State.MANUAL,
        f"案件已进入强制执行{where}，台账没有执行立案日期，无法判断履行时是否已立案执行，请核实",
    )


def _confirmed(
    case: Case, party: Party, facts: PartyFacts, today: date, perf: _Performance, rules: WhitelistRules
) -> tuple[State, str]:
    payments = sorted(case.payments, key=lambda p: p.paid_on)
    if not payments:
        return State.MANUAL, "没有履行记录，请核实债权人是否确认已履行"
    for i, p in enumerate(payments, start=1):
        if not p.creditor_confirmed and p.method not in COURT_SEEN_PAYMENTS:
            return (
                State.FAILED,
                f"第{i}笔履行记录（{format_date_cn(p.paid_on)}，{format_yuan(p.amount_fen)}）尚未经债权人确认",
            )
    return State.PASSED, f"{len(payments)}笔履行记录均经债权人确认或经法院收付"


def _not_excluded(
    case: Case, party: Party, facts: PartyFacts, today: date, perf: _Performance, rules: WhitelistRules
) -> tuple[State, str]:
    if not facts.exclusions:
        return State.PASSED, "没有登记转移隐藏财产、拒不执行、移送拒执罪或信用承诺违约的情形"
    ex = min(facts.exclusions, key=lambda e: e.since)
    where = f"，{ex.source}" if ex.source else ""
    more = f"等{len(facts.exclusions)}项" if len(facts.exclusions) > 1 else ""
    return State.FAILED, f"登记有“{ex.kind.value}”{more}（{format_date_cn(ex.since)}{where}）：{ex.reason}"


def _no_open_case(
    case: Case, party: Party, facts: PartyFacts, today: date, perf: _Performance, rules: WhitelistRules
) -> tuple[State, str]:
    if not facts.other_open_cases:
        kind, _value = identity_key(party)
        how = "按姓名或名称" if kind == "name" else f"按{identifier_label(party.kind)}"
        return State.PASSED, f"本院台账中没有针对该当事人的其他未结执行案件（{how}比对）"
    shown = "、".join(facts.other_open_cases[:3])
    more = "等" if facts.more_open_cases or len(facts.other_open_cases) > 3 else ""
    return State.FAILED, f"本院另有针对该当事人的未结执行案件：{shown}{more}"


def _manual_result(check: ManualCheck, what: str) -> tuple[State, str]:
    note = f"：{check.note}" if check.note else ""
    verdict = "符合" if check.passed else "不符合"
    return (
        State.PASSED if check.passed else State.FAILED,
        f"{check.checker}于{format_date_cn(check.checked_on)}{what}，结果{verdict}{note}",
    )


def _national(
    case: Case, party: Party, facts: PartyFacts, today: date, perf: _Performance, rules: WhitelistRules
) -> tuple[State, str]:
    check = facts.check(Condition.NATIONAL_CHECK)
    if check is None:
        return State.MANUAL, "尚未登记全国范围被执行案件查询（查询日期和查询人）"
    if check.checked_on > today:
        return State.FAILED, f"查询日期{format_date_cn(check.checked_on)}晚于今天"
    if check.passed and perf.done is not None and check.checked_on < perf.done:
        # Like a stale check: the query said nothing about the time since, so it needs doing again.
        return (
            State.MANUAL,
            f"全国查询（{format_date_cn(check.checked_on)}）早于履行完毕日期（{format_date_cn(perf.done)}），"
            "不能证明当事人现在没有被执行案件，请在履行完毕后重新查询",
        )
    limit = rules.national_check_max_age_days
    if check.passed and limit and check.checked_on < today - timedelta(days=limit):
        return (
            State.MANUAL,
            f"全国查询（{format_date_cn(check.checked_on)}）已超过{limit}日，请重新查询",
        )
    return _manual_result(check, "查询全国被执行案件")


def _identified(
    case: Case, party: Party, facts: PartyFacts, today: date, perf: _Performance, rules: WhitelistRules
) -> tuple[State, str]:
    label = identifier_label(party.kind)
    value = party.uscc if party.kind is PartyKind.ORGANISATION else party.id_number
    if not value:
        return State.FAILED, f"缺少{label}，名单须载明{label}（自然人脱敏显示）"
    try:
        if party.kind is PartyKind.ORGANISATION:
            validate_uscc(value)
        else:
            validate_id_number(value, today)
    except ValidationError as exc:
        return State.FAILED, exc.message
    return State.PASSED, f"{label}{public_identifier(party)}"


def _consent(
    case: Case, party: Party, facts: PartyFacts, today: date, perf: _Performance, rules: WhitelistRules
) -> tuple[State, str]:
    if not party.publication_consent:
        return State.FAILED, "没有登记本人的申请或同意：名单没有法定依据，须经本人申请或同意方可公布"
    if party.consent_date is None:
        return State.FAILED, "已登记同意，但缺少申请或同意的日期"
    if party.consent_date > today:
        return State.FAILED, f"同意日期{format_date_cn(party.consent_date)}晚于今天"
    # A withdrawal (the party took its consent back, or the court took it off) ends the consent on
    # record: only an application or consent dated after the withdrawal puts the party on a list again.
    last = max(facts.withdrawals, key=lambda w: w.withdrawn_on, default=None)
    if last is not None and party.consent_date <= last.withdrawn_on:
        return (
            State.FAILED,
            f"曾列入{last.batch_label}（序号{last.seq}），已于{format_date_cn(last.withdrawn_on)}撤回"
            f"（{last.reason}）；撤回前的申请或同意（{format_date_cn(party.consent_date)}）不再有效，"
            "须登记撤回之后的申请或同意",
        )
    return State.PASSED, f"已于{format_date_cn(party.consent_date)}申请或同意公布"


_CHECKS: Final[dict[Condition, _Check]] = {
    Condition.PERFORMED: _performed,
    Condition.VOLUNTARY: _voluntary,
    Condition.CONFIRMED: _confirmed,
    Condition.NOT_EXCLUDED: _not_excluded,
    Condition.NO_OPEN_CASE: _no_open_case,
    Condition.NATIONAL_CHECK: _national,
    Condition.IDENTIFIED: _identified,
    Condition.CONSENT: _consent,
}

# Conditions the ledger may not be able to decide: a recorded manual check settles them.
_SETTLED_BY_CHECK: Final = frozenset({Condition.VOLUNTARY, Condition.CONFIRMED})


def assess(
    case: Case,
    party: Party,
    facts: PartyFacts,
    today: date,
    rules: WhitelistRules | None = None,
) -> Assessment:
    """Every condition for ``party`` (a debtor of ``case``) as passed, failed or needing a check."""
    rules = rules or WhitelistRules()
    perf = _performance(case)
    findings = []
    for condition in CONDITIONS:
        state, reason = _CHECKS[condition](case, party, facts, today, perf, rules)
        if state is State.MANUAL and condition in _SETTLED_BY_CHECK:
            check = facts.check(condition)
            if check is not None:
                state, reason = _manual_result(check, "核实")
        findings.append(Finding(condition, state, reason, condition in rules.required))
    return Assessment(tuple(findings), perf.done)


def is_debtor(party: Party) -> bool:
    """Only the side that performs can be listed."""
    return party.role.owes


# -------------------------------------------------------------------------------------- the batch


def batch_title(number: int) -> str:
    """第N批诚信履行名单: only unique together with the year (numbering restarts every year), so what is
    printed or sent is :attr:`Batch.label` (2025年第N批诚信履行名单)."""
    return f"第{number}批诚信履行名单"


@dataclass(frozen=True)
class Withdrawal:
    withdrawn_on: date
    reason: str
    approved_by: str
    id: int | None = None


@dataclass(frozen=True)
class ListEntry:
    """One published line, frozen when the batch was published (never updated afterwards)."""

    seq: int
    kind: PartyKind
    name: str
    identifier: str  # masked ID number or credit code, as published
    performed_on: date
    court_name: str
    case_number: str
    consent_date: date
    party_id: int | None = None
    case_id: int | None = None
    withdrawal: Withdrawal | None = None
    id: int | None = None


class BatchStatus(StrEnum):
    PUBLISHED = "已发布"
    WITHDRAWN = "已全部撤回"


@dataclass(frozen=True)
class Batch:
    court_code: str
    court_name: str
    year: int
    number: int
    published_on: date
    approved_by: str
    published_by: str
    status: BatchStatus = BatchStatus.PUBLISHED
    period_start: date | None = None
    period_end: date | None = None
    entries: int = 0
    withdrawn: int = 0
    id: int | None = None

    @property
    def title(self) -> str:
        return batch_title(self.number)

    @property
    def label(self) -> str:
        return f"{self.year}年{self.title}"


MAX_BATCH_NUMBER: Final = 999


def check_batch_request(number: int, published_on: date, approved_by: str, today: date) -> str:
    """Refuse an impossible batch header (ValidationError naming the field); return the approver."""
    if not 1 <= number <= MAX_BATCH_NUMBER:
        raise ValidationError("批次", f"批次应为1至{MAX_BATCH_NUMBER}之间的整数，实际为{number}")
    if published_on > today:
        raise ValidationError("发布日期", f"{format_date_cn(published_on)}晚于今天")
    approver = check_text("批准人", approved_by, required=True, max_len=40)
    return approver


def check_withdrawal(
    reason: str, approved_by: str, withdrawn_on: date, published_on: date, today: date
) -> None:
    check_text("撤回原因", reason, required=True, max_len=200)
    check_text("批准人", approved_by, required=True, max_len=40)
    if withdrawn_on > today:
        raise ValidationError("撤回日期", f"{format_date_cn(withdrawn_on)}晚于今天")
    if withdrawn_on < published_on:
        raise ValidationError(
            "撤回日期", f"{format_date_cn(withdrawn_on)}早于名单发布日期{format_date_cn(published_on)}"
        )


def duplicate_identities(items: Iterable[tuple[Party, str]]) -> list[tuple[str, str, str]]:
    """(name, first case number, second case number) for each party selected twice."""
    seen: dict[tuple[str, str], str] = {}
    dups: list[tuple[str, str, str]] = []
    for party, case_number in items:
        key = identity_key(party)
        if key in seen:
            dups.append((party.name, seen[key], case_number))
        else:
            seen[key] = case_number
    return dups


# ------------------------------------------------------------------------ what each agency receives


@dataclass(frozen=True)
class Agency:
    """A receiving agency and the columns (header, entry field) its file carries."""

    name: str
    purpose: str
    columns: tuple[tuple[str, str], ...]


def _kind_text(e: ListEntry, b: Batch) -> str:
    return e.kind.value


FIELDS: Final[dict[str, Callable[[ListEntry, Batch], str]]] = {
    "seq": lambda e, b: str(e.seq),
    "name": lambda e, b: e.name,
    "kind": _kind_text,
    "identifier": lambda e, b: e.identifier,
    "uscc": lambda e, b: e.identifier if e.kind is PartyKind.ORGANISATION else "",
    "id_masked": lambda e, b: e.identifier if e.kind is PartyKind.PERSON else "",
    "performed_on": lambda e, b: e.performed_on.isoformat(),
    "case_number": lambda e, b: e.case_number,
    "court": lambda e, b: e.court_name,
    "batch": lambda e, b: b.label,
    "published_on": lambda e, b: b.published_on.isoformat(),
    "status": lambda e, b: "已撤回" if e.withdrawal else "有效",
    "withdrawn_on": lambda e, b: e.withdrawal.withdrawn_on.isoformat() if e.withdrawal else "",
}

# The field sets follow the 镇海 红利清单 (seed 003): 市场监管 uses the list for 守合同重信用 ratings and
# fewer random inspections, 税务 for 纳税信用评价, 金融机构 for 授信融资 (they asked for the case to
# stop refusing loans over a performed case, so they get the case number: it is what their own records
# of the judgment debt name). The credit platforms (信用宁波, 普惠金融) publish the list to everyone, so
# they get exactly the published fields of DOMAIN.md §7 (name, credit code or masked ID, date of full
# performance, court) and no case number: a 案号 is not needed to show who performed, and published it
# would point everyone to the judgment, its cause of action and the other party.
# Withdrawn entries stay in every file as 序号, 已撤回 and the date, so each recipient knows which line
# to remove; like the printed list, they carry no name, identifier, case or date of performance any more
# (WITHDRAWN_FIELDS), and the reason (free text that may name a fact about the party) is never sent.
AGENCIES: Final[dict[str, Agency]] = {
    a.name: a
    for a in (
        Agency(
            "市场监管",
            "守合同重信用企业评定、降低随机抽查频次、行政审批绿色通道",
            (
                ("序号", "seq"),
                ("主体名称", "name"),
                ("主体类型", "kind"),
                ("统一社会信用代码", "uscc"),
                ("身份证号（脱敏）", "id_masked"),
                ("履行完毕日期", "performed_on"),
                ("发布法院", "court"),
                ("名单批次", "batch"),
                ("发布日期", "published_on"),
                ("状态", "status"),
                ("撤回日期", "withdrawn_on"),
            ),
        ),
        Agency(
            "税务",
            "纳税信用评价加分、办税绿色通道",
            (
                ("序号", "seq"),
                ("纳税人名称", "name"),
                ("纳税人识别号（统一社会信用代码或脱敏身份证号）", "identifier"),
                ("履行完毕日期", "performed_on"),
                ("发布法院", "court"),
                ("名单批次", "batch"),
                ("发布日期", "published_on"),
                ("状态", "status"),
                ("撤回日期", "withdrawn_on"),
            ),
        ),
        Agency(
            "金融机构",
            "授信融资支持（诚信履行贷）、信用信息基础数据库记录",
            (
                ("序号", "seq"),
                ("主体名称", "name"),
                ("主体类型", "kind"),
                ("证件号码（统一社会信用代码或脱敏身份证号）", "identifier"),
                ("案号", "case_number"),
                ("履行完毕日期", "performed_on"),
                ("发布法院", "court"),
                ("名单批次", "batch"),
                ("发布日期", "published_on"),
                ("状态", "status"),
                ("撤回日期", "withdrawn_on"),
            ),
        ),
        Agency(
            "信用信息平台",
            "信用网站诚信履行专栏、普惠金融信用信息服务平台",
            (
                ("序号", "seq"),
                ("主体名称", "name"),
                ("主体类型", "kind"),
                ("统一社会信用代码", "uscc"),
                ("身份证号（脱敏）", "id_masked"),
                ("履行完毕日期", "performed_on"),
                ("认定法院", "court"),
                ("名单批次", "batch"),
                ("发布日期", "published_on"),
                ("状态", "status"),
                ("撤回日期", "withdrawn_on"),
            ),
        ),
    )
}


def agency(name: str) -> Agency:
    try:
        return AGENCIES[name]
    except KeyError:
        known = "、".join(AGENCIES)
        raise ValidationError("报送单位", f"“{name}”不是可选的报送单位（{known}）") from None


# What a withdrawn entry still shows in an agency's file: which line of which batch, and that (and when)
# it was withdrawn. Everything about the party is left empty once its consent or listing is withdrawn.
WITHDRAWN_FIELDS: Final = frozenset({"seq", "court", "batch", "published_on", "status", "withdrawn_on"})


def _cell(key: str, e: ListEntry, batch: Batch) -> str:
    if e.withdrawal is not None and key not in WITHDRAWN_FIELDS:
        return ""
    return FIELDS[key](e, batch)


def export_rows(ag: Agency, batch: Batch, entries: Sequence[ListEntry]) -> list[list[str]]:
    """The header row and one row per entry, with exactly the agency's columns; a withdrawn entry keeps
    only its 序号, the batch, 已撤回 and the date of withdrawal."""
    rows = [[header for header, _key in ag.columns]]
    for e in entries:
        rows.append([_cell(key, e, batch) for _header, key in ag.columns])
    return rows


@dataclass(frozen=True)
class PrintedList:
    """What the posted list shows (the PDF lays it out): withdrawn entries keep their 序号 but not
    their name, so a withdrawal is visible without publishing again whom it concerns."""

    court_name: str
    title: str
    intro: str
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    date_line: str = ""


PRINT_HEADER: Final = ("序号", "姓名或名称", "身份证号／信用代码", "履行完毕日期")
WITHDRAWN_MARK: Final = "（已撤回）"
DEFAULT_INTRO: Final = (
    "下列当事人已自动履行生效法律文书确定的义务，经本人申请或同意，本院将其纳入诚信履行名单，现予公布。"
)


def printed_list(batch: Batch, entries: Sequence[ListEntry], intro: str = DEFAULT_INTRO) -> PrintedList:
    rows = [list(PRINT_HEADER)]
    withdrawn: list[ListEntry] = []
    for e in entries:
        if e.withdrawal is not None:
            withdrawn.append(e)
            rows.append([str(e.seq), WITHDRAWN_MARK, "", ""])
        else:
            rows.append([str(e.seq), e.name, e.identifier, short_date(e.performed_on)])
    notes = []
    if withdrawn:
        by_date: dict[date, list[int]] = {}
        for e in withdrawn:
            assert e.withdrawal is not None
            by_date.setdefault(e.withdrawal.withdrawn_on, []).append(e.seq)
        parts = [
            f"序号{'、'.join(str(s) for s in seqs)}于{format_date_cn(d)}撤回"
            for d, seqs in sorted(by_date.items())
        ]
        notes.append(f"注：{'；'.join(parts)}，不再列入本批名单。")
    return PrintedList(
        court_name=batch.court_name,
        title=batch.label,  # with the year: 第N批 restarts every year
        intro=intro,
        rows=rows,
        notes=notes,
        date_line=format_date_cn(batch.published_on),
    )
