"""Reminder rules as data, and the pure engine that turns case facts into the day's reminders (督促看板).

Pure domain code: stdlib only, no Qt, no SQL, no files. The default rules live in
``resources/rules/default-rules.json`` (parsed here by :func:`parse_rules`); a court edits windows in
settings (:func:`apply_settings`). ``docs/reminder-rules.md`` documents every rule id.

A rule says *when* something must be done for a case and *what*:

- the **event** it counts from (the performance deadline, each installment's due date, the end of the
  执前督促 month, the end of a 预纳入失信 notice period …) and the **stages** it applies to;
- a **window** of days relative to the event: the reminder shows from ``event + window[0]`` and is due on
  ``event + window[1]`` (提示书: from 7 days before the deadline to the deadline; 催告书: the 7 days after);
- how long an unhandled reminder **stays** on the board after its due date (``keep_days``; ``None`` =
  until it is handled or its cause is gone);
- the **document** it suggests, the **exclusions** (公告送达, fully performed, a 承诺 already broken …),
  and what **answers** it: any contact in the window, any contact since the event, or only a contact
  recorded for this rule (or marking it done).

A reminder is identified by (case, rule, due date): handling or postponing it is stored under that key,
so a reminder disappears when it is handled or its cause is gone, and a new cause (a later installment,
a changed deadline, a new notice) brings a new reminder.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, Final, NamedTuple

from desktop.core.calendar import (
    HolidayTable,
    PeriodEnd,
    add_days,
    add_months,
    add_years,
    changed_days,
    longest_rest,
    merged_runs,
)
from desktop.core.casenumber import parse_case_number
from desktop.core.eligibility import ADD_CONTACT, CONTACT_FORMS, Windows, contact_facts, missing_contact
from desktop.core.errors import ValidationError
from desktop.core.holiday_windows import window_days
from desktop.core.model import Case, CaseStatus, DefaultClause, ObligationKind, PartyRole, Stage
from desktop.core.money import format_yuan

__all__ = [
    "ENGINE_VERSION",
    "RULES_FORMAT",
    "AnsweredBy",
    "CaseEvent",
    "CaseEventKind",
    "CaseFacts",
    "ContactMark",
    "EventKind",
    "Exclusion",
    "Group",
    "Period",
    "ReminderItem",
    "ReminderState",
    "Rule",
    "Slice",
    "StateKind",
    "apply_settings",
    "apply_states",
    "check_event",
    "evaluate",
    "evaluate_rule",
    "facts_from_case",
    "giving_way",
    "group_of",
    "holiday_change",
    "parse_rules",
    "reminders",
    "rule_settings",
    "sort_key",
    "suggestion_text",
    "suppress_covered",
    "windows_from_rules",
]

RULES_FORMAT: Final = "tribunal-desk-rules/1"
ENGINE_VERSION: Final = 6
"""Bump when the engine's results change for the same facts: stored boards are then rebuilt."""
_RULES_FIELD: Final = "提醒规则"
_ONE_DAY: Final = timedelta(days=1)
_MAX_OFFSET: Final = 3660  # ten years of days: a window further out is a typing error


class EventKind(StrEnum):
    """What a rule counts from."""

    DEADLINE = "deadline"  # 履行期限 (cases.deadline)
    INSTALLMENT_DUE = "installment_due"  # each unpaid installment's due date
    INSTALLMENT_LATE = (
        "installment_late"  # the first unpaid slice (下次应履行) of a case paying by installments
    )
    INSTALLMENT_DEFAULT = "installment_default"  # that slice, when it is an installment under an acceleration
    # clause (一并申请强制执行 / 恢复原诉讼请求): the rest of that obligation falls due
    FIRST_INSTALLMENT_PAID = "first_installment_paid"  # the day payments first covered the first installment;
    # shown until the next unpaid slice falls due (its own installment rules take over then)
    PRE_ENFORCEMENT_END = "pre_enforcement_end"  # 执前督促 start + period (§85)
    NOTICE_END = "notice_end"  # the 限期 of a 预纳入失信 / 预罚款 / 拘留风险 notice
    CREDIT_REPAIR_END = "credit_repair_end"  # end of a 信用承诺 temporary credit-repair period
    ENFORCEMENT_PERIOD_END = "enforcement_period_end"  # deadline (else effective date) + 2 years (§250)
    PERFORMANCE_START = "performance_start"  # effective date (or the filing date of 执 / 执前 cases)


class Exclusion(StrEnum):
    """Cases a rule leaves out."""

    CLOSED = "closed"  # status is not 在办
    PERFORMED = "performed"  # 履行完毕, or every money obligation paid
    PUBLIC_NOTICE = "public_notice"  # 公告送达 (房县 九(二): every case except those served by notice)
    INSTALLMENT_PLAN = "installment_plan"  # paid in installments: the installment rules apply instead
    COMMITMENT_OVERDUE = "commitment_overdue"  # a 履行承诺 whose promised date has passed
    ACCELERATED = "accelerated"  # the late installment is under an acceleration clause (its own rule applies)
    URGING_DUE = "urging_due"  # another reminder that a contact answers is already due for the case
    NO_OBLIGATION = "no_obligation"  # the case records no obligation (e.g. claims dismissed): nothing to urge


class AnsweredBy(StrEnum):
    """What handles a reminder (besides marking it done, which always does)."""

    RULE = "rule"  # only a contact recorded for this rule, on or after the window start
    WINDOW = "window"  # any contact on or after the window start
    EVENT = "event"  # any contact on or after the event date


class CaseEventKind(StrEnum):
    """Dated facts about a case that the reminders count from and the case record does not carry."""

    PRE_ENFORCEMENT = "执前督促"  # start: the applicant agreed to 执前督促; end: optional explicit end
    PRE_BLACKLIST = "预纳入失信"  # start: notice served; end: 限期履行日
    PRE_FINE = "预罚款"
    DETENTION_RISK = "拘留风险"
    CREDIT_PROMISE = "信用承诺"  # start … end: the temporary credit-repair period
    COMMITMENT = "履行承诺"  # start: 承诺书 signed; end: the date promised


_END_REQUIRED: Final = frozenset(set(CaseEventKind) - {CaseEventKind.PRE_ENFORCEMENT})


class StateKind(StrEnum):
    POSTPONED = "postponed"
    DONE = "done"


class Group(StrEnum):
    """The dashboard's groups, in display order."""

    OVERDUE = "逾期"
    TODAY = "今日"
    WEEK = "7日内"
    LATER = "以后"


_GROUP_ORDER: Final = {g: i for i, g in enumerate(Group)}
_ACCELERATING: Final = frozenset({DefaultClause.ACCELERATE, DefaultClause.RESTORE_CLAIM})
_DEBTOR_ROLES: Final = tuple(r.value for r in PartyRole if r.owes)


# ---------------------------------------------------------------------------------------------------
# Case facts
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseEvent:
    kind: CaseEventKind
    start: date
    end: date | None = None
    note: str = ""
    id: int | None = None


def check_event(event: CaseEvent) -> None:
    """Refuse an impossible event (ValidationError naming the field)."""
    if event.kind in _END_REQUIRED and event.end is None:
        raise ValidationError(
            "届满日期", f"{event.kind.value}须填写届满日期（限期履行日、承诺日或修复期末日）"
        )
    if event.end is not None and event.end < event.start:
        raise ValidationError(
            "届满日期", f"届满日期{event.end.isoformat()}早于开始日期{event.start.isoformat()}"
        )
    if len(event.note) > 200:
        raise ValidationError("备注", f"过长（{len(event.note)}字），最多200字")


class Slice(NamedTuple):
    """One dated part of what a case owes: an installment (``seq`` ≥ 1) or a whole obligation (``seq`` 0)."""

    due_date: date | None
    amount_fen: int
    obligation: int  # position of the obligation in the case
    seq: int = 0
    clause: DefaultClause = DefaultClause.NONE


class ContactMark(NamedTuple):
    """A contact in the urging log, as the rules see it: its day and the rule it answered ("" if none)."""

    day: date
    rule_id: str = ""


class CaseFacts(NamedTuple):
    """What the rules read about one case (a named tuple: a million-case board builds tens of thousands).

    ``schedule`` holds every money slice in the order :func:`desktop.core.ledger.balance` applies payments,
    and ``payments`` each payment's (date, fen) in date order (both only needed when the case has
    installments; the store loads them for those). ``pre_enforcement_number`` is true for a local 执前督 /
    执前调 number, whose filing date starts the 执前督促 month.
    """

    case_id: int
    case_number: str
    stage: Stage
    status: CaseStatus
    handler: str = ""
    party: str = ""
    public_notice: bool = False
    filing_date: date | None = None
    effective_date: date | None = None
    deadline: date | None = None
    pre_enforcement_number: bool = False
    due_fen: int = 0
    paid_fen: int = 0
    has_installments: bool = False
    schedule: tuple[Slice, ...] = ()
    events: tuple[CaseEvent, ...] = ()
    contacts: tuple[ContactMark, ...] = ()
    has_obligation: bool = True
    payments: tuple[tuple[date, int], ...] = ()
    contact_missing: str = ""  # eligibility.missing_contact: why a 提示书 / 催告书 cannot be sent ("" = can)

    @property
    def owed_fen(self) -> int:
        return max(self.due_fen - self.paid_fen, 0)

    @property
    def performed(self) -> bool:
        return self.status is CaseStatus.PERFORMED or (self.due_fen > 0 and self.paid_fen >= self.due_fen)


def debtor_names(parties_text: str) -> str:
    """The owing side's names from ``cases.parties_text`` ("原告：甲；被告：乙、丙" → "乙、丙")."""
    names = []
    for part in parties_text.split("；"):
        role, _sep, who = part.partition("：")
        if role in _DEBTOR_ROLES and who:
            names.append(who)
    return "、".join(names)


def ordered_schedule(slices: Iterable[Slice]) -> tuple[Slice, ...]:
    """Slices in the order payments are applied: by due date (undated last), stable otherwise."""
    return tuple(sorted(slices, key=lambda s: (s.due_date is None, s.due_date or date.max)))


def facts_from_case(case: Case, events: Sequence[CaseEvent] = ()) -> CaseFacts:
    """The facts of a full :class:`Case` (the store builds the same from rows without loading cases).

    The schedule mirrors :func:`desktop.core.ledger.schedule`: a money obligation's installments, or its
    whole amount due on its own date or the case's deadline.
    """
    slices: list[Slice] = []
    for position, ob in enumerate(case.obligations):
        if ob.kind is not ObligationKind.MONEY:
            continue
        if ob.installments:
            for inst in sorted(ob.installments, key=lambda i: (i.due_date, i.seq)):
                slices.append(Slice(inst.due_date, inst.amount_fen, position, inst.seq, ob.default_clause))
        else:
            slices.append(Slice(ob.due_date or case.deadline, ob.amount_fen, position, 0, ob.default_clause))
    try:
        pre_enforcement_number = parse_case_number(case.case_number).is_pre_enforcement
    except ValidationError:
        pre_enforcement_number = False
    return CaseFacts(
        case_id=case.id or 0,
        case_number=case.case_number,
        stage=case.stage,
        status=case.status,
        handler=case.handler,
        party="、".join(p.name for p in case.parties if p.role.owes),
        public_notice=case.public_notice,
        filing_date=case.filing_date,
        effective_date=case.effective_date,
        deadline=case.deadline,
        pre_enforcement_number=pre_enforcement_number,
        due_fen=sum(s.amount_fen for s in slices),
        paid_fen=sum(p.amount_fen for p in case.payments),
        has_installments=any(s.seq for s in slices),
        schedule=ordered_schedule(slices),
        events=tuple(events),
        contacts=tuple(ContactMark(c.at.date(), c.rule_id) for c in case.contacts),
        has_obligation=bool(case.obligations),
        payments=tuple(sorted((p.paid_on, p.amount_fen) for p in case.payments)),
        contact_missing=missing_contact(*contact_facts(case)),
    )


def first_installment_paid(facts: CaseFacts) -> tuple[Slice, date] | None:
    """The first installment (in the order payments apply) and the day the payments first covered it, with
    everything due before it; None when the case has no installment or it is not paid yet."""
    needed = 0
    for s in facts.schedule:
        needed += s.amount_fen
        if s.seq:
            break
    else:
        return None
    paid = 0
    for day, fen in facts.payments:
        paid += fen
        if paid >= needed:
            return s, day
    return None


def unpaid_slices(facts: CaseFacts) -> list[tuple[Slice, int]]:
    """Each slice not yet covered by payments, with what remains of it (payments go oldest first)."""
    remaining = facts.paid_fen
    out = []
    for s in facts.schedule:
        if remaining >= s.amount_fen:
            remaining -= s.amount_fen
            continue
        out.append((s, s.amount_fen - remaining))
        remaining = 0
    return out


# ---------------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------------


class PeriodUnit(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


_UNIT_TEXT: Final = {PeriodUnit.DAY: "日", PeriodUnit.MONTH: "个月", PeriodUnit.YEAR: "年"}


@dataclass(frozen=True)
class Period:
    """A legal period (民诉法 §85): ``count`` days, months or years, moved past a closing rest day."""

    count: int
    unit: PeriodUnit

    def end(self, start: date, table: HolidayTable) -> PeriodEnd:
        if self.unit is PeriodUnit.DAY:
            return add_days(start, self.count, table)
        if self.unit is PeriodUnit.MONTH:
            return add_months(start, self.count, table)
        return add_years(start, self.count, table)

    @property
    def text(self) -> str:
        return f"{self.count}{_UNIT_TEXT[self.unit]}"


@dataclass(frozen=True)
class Rule:
    """One reminder rule (see the module docstring and docs/reminder-rules.md)."""

    id: str
    title: str
    stages: frozenset[Stage]
    event: EventKind
    window_start: int
    window_end: int
    keep_days: int | None = 0
    form_id: str = ""  # the form in forms/ (the documents feature), "" when the product has none
    form_title: str = ""  # the document's name, shown and printed in reasons
    exclusions: frozenset[Exclusion] = frozenset()
    answered_by: AnsweredBy = AnsweredBy.WINDOW
    notice: CaseEventKind | None = None
    period: Period | None = None
    advisory: bool = False
    enabled: bool = True
    source: str = ""

    @property
    def needs_contact(self) -> bool:
        """Its document goes only to debtors whose contact details are known (房县方案九（三））."""
        return self.form_id in CONTACT_FORMS

    def visible_from(self, event: date) -> date:
        return event + timedelta(days=self.window_start)

    def due(self, event: date) -> date:
        return event + timedelta(days=self.window_end)

    def shows(self, event: date, today: date) -> bool:
        """Whether a reminder counted from ``event`` is on the board ``today`` (before handling)."""
        start = event + timedelta(days=self.window_start)
        if today < start:
            return False
        if self.keep_days is None:
            return True
        return today <= event + timedelta(days=self.window_end + self.keep_days)


# Fields a court may change in settings, with their JSON names.
_SETTING_KEYS: Final = ("enabled", "window", "keep_days", "period")


def _fail(rule: str, message: str) -> ValidationError:
    where = f"规则“{rule}”：" if rule else ""
    return ValidationError(_RULES_FIELD, where + message)


def _int(rule: str, key: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(
            rule, f"“{key}”应为{low}至{high}之间的整数，实际为{json.dumps(value, ensure_ascii=False)}"
        )
    return value


def _window(rule: str, value: Any) -> tuple[int, int]:
    if not isinstance(value, list) or len(value) != 2:
        raise _fail(rule, "“window”应为两个整数[开始, 到期]，例如[-7, 0]")
    start = _int(rule, "window", value[0], -_MAX_OFFSET, _MAX_OFFSET)
    end = _int(rule, "window", value[1], -_MAX_OFFSET, _MAX_OFFSET)
    if start > end:
        raise _fail(rule, f"窗口开始（{start}）不能晚于到期（{end}）")
    return start, end


def _keep(rule: str, value: Any) -> int | None:
    return None if value is None else _int(rule, "keep_days", value, 0, _MAX_OFFSET)


def _period(rule: str, value: Any) -> Period | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 2 or value[1] not in set(PeriodUnit):
        raise _fail(rule, '“period”应为[数量, 单位]，单位为day、month或year，例如[1, "month"]')
    return Period(_int(rule, "period", value[0], 1, 120), PeriodUnit(value[1]))


def _text(rule: str, key: str, value: Any, max_len: int = 60) -> str:
    if not isinstance(value, str) or len(value) > max_len:
        raise _fail(rule, f"“{key}”应为不超过{max_len}字的文字")
    return value.strip()


def _enum_list(rule: str, key: str, value: Any, enum: type[StrEnum]) -> frozenset[Any]:
    if not isinstance(value, list):
        raise _fail(rule, f"“{key}”应为列表")
    out = set()
    for item in value:
        if item not in {e.value for e in enum}:
            allowed = "、".join(e.value for e in enum)
            raise _fail(rule, f"“{key}”中有未知的值“{item}”（可用：{allowed}）")
        out.add(enum(item))
    return frozenset(out)


_RULE_KEYS: Final = frozenset(
    {
        "id",
        "title",
        "stages",
        "event",
        "window",
        "keep_days",
        "form",
        "form_title",
        "exclusions",
        "answered_by",
        "notice",
        "period",
        "advisory",
        "enabled",
        "source",
    }
)


def _rule(raw: Any) -> Rule:
    if not isinstance(raw, dict):
        raise _fail("", "每条规则应为对象{…}")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not rule_id.replace("_", "").isalnum() or not rule_id.isascii():
        raise _fail(
            "", f"规则编号应为英文字母、数字和下划线，实际为{json.dumps(rule_id, ensure_ascii=False)}"
        )
    for key in raw:
        if key not in _RULE_KEYS:
            raise _fail(rule_id, f"未知字段“{key}”")
    for key in ("title", "stages", "event", "window"):
        if key not in raw:
            raise _fail(rule_id, f"缺少字段“{key}”")
    if raw["event"] not in {e.value for e in EventKind}:
        raise _fail(rule_id, f"未知的起算事件“{raw['event']}”")
    event = EventKind(raw["event"])
    start, end = _window(rule_id, raw["window"])
    notice = raw.get("notice")
    if event is EventKind.NOTICE_END:
        if notice not in {
            CaseEventKind.PRE_BLACKLIST.value,
            CaseEventKind.PRE_FINE.value,
            CaseEventKind.DETENTION_RISK.value,
        }:
            raise _fail(rule_id, "notice_end规则须指定“notice”：预纳入失信、预罚款或拘留风险")
    elif notice is not None:
        raise _fail(rule_id, "只有notice_end规则才能指定“notice”")
    period = _period(rule_id, raw.get("period"))
    needs_period = event in (EventKind.PRE_ENFORCEMENT_END, EventKind.ENFORCEMENT_PERIOD_END)
    if needs_period != (period is not None):
        raise _fail(rule_id, "执前督促期满与申请执行期间规则须有“period”，其他规则不能有")
    answered = raw.get("answered_by", AnsweredBy.WINDOW.value)
    if answered not in {a.value for a in AnsweredBy}:
        raise _fail(rule_id, f"未知的“answered_by”值“{answered}”（可用：rule、window、event）")
    for key in ("advisory", "enabled"):
        if key in raw and not isinstance(raw[key], bool):
            raise _fail(rule_id, f"“{key}”应为true或false")
    stages = _enum_list(rule_id, "stages", raw["stages"], Stage)
    if not stages:
        raise _fail(rule_id, "“stages”至少要有一个阶段")
    return Rule(
        id=rule_id,
        title=_text(rule_id, "title", raw["title"], 30),
        stages=stages,
        event=event,
        window_start=start,
        window_end=end,
        keep_days=_keep(rule_id, raw.get("keep_days", 0)),
        form_id=_text(rule_id, "form", raw.get("form", "")),
        form_title=_text(rule_id, "form_title", raw.get("form_title", "")),
        exclusions=_enum_list(rule_id, "exclusions", raw.get("exclusions", []), Exclusion),
        answered_by=AnsweredBy(answered),
        notice=CaseEventKind(notice) if notice is not None else None,
        period=period,
        advisory=bool(raw.get("advisory", False)),
        enabled=bool(raw.get("enabled", True)),
        source=_text(rule_id, "source", raw.get("source", ""), 200),
    )


def parse_rules(text: str) -> tuple[Rule, ...]:
    """The rules of a ``tribunal-desk-rules/1`` file; a bad file is refused whole (ValidationError)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail("", f"第{exc.lineno}行不是有效的JSON（{exc.msg}）") from None
    if not isinstance(data, dict) or data.get("format") != RULES_FORMAT:
        raise _fail("", f"文件应为对象且“format”为“{RULES_FORMAT}”")
    if set(data) - {"format", "rules"}:
        raise _fail("", f"文件顶层有未知字段：{'、'.join(sorted(set(data) - {'format', 'rules'}))}")
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise _fail("", "“rules”应为非空列表")
    rules = [_rule(r) for r in raw_rules]
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise _fail(rule.id, "规则编号重复")
        seen.add(rule.id)
    return tuple(rules)


def rule_settings(rule: Rule) -> dict[str, Any]:
    """The editable settings of a rule, as stored in the settings table."""
    return {
        "enabled": rule.enabled,
        "window": [rule.window_start, rule.window_end],
        "keep_days": rule.keep_days,
        "period": [rule.period.count, rule.period.unit.value] if rule.period else None,
    }


def apply_settings(rules: Sequence[Rule], settings: Mapping[str, Any]) -> tuple[Rule, ...]:
    """``rules`` with a court's changes ``{rule id: {enabled, window, keep_days, period}}``.

    Unknown rule ids are ignored (a rule dropped from a later default file); a bad value is refused with
    a ValidationError naming the rule and the field.
    """
    out = []
    for rule in rules:
        change = settings.get(rule.id)
        if change is None:
            out.append(rule)
            continue
        if not isinstance(change, Mapping):
            raise _fail(rule.id, "设置应为对象")
        for key in change:
            if key not in _SETTING_KEYS:
                raise _fail(rule.id, f"不能修改的字段“{key}”")
        new = rule
        if "enabled" in change:
            if not isinstance(change["enabled"], bool):
                raise _fail(rule.id, "“enabled”应为true或false")
            new = replace(new, enabled=change["enabled"])
        if "window" in change:
            start, end = _window(rule.id, change["window"])
            new = replace(new, window_start=start, window_end=end)
        if "keep_days" in change:
            new = replace(new, keep_days=_keep(rule.id, change["keep_days"]))
        if "period" in change:
            period = _period(rule.id, change["period"])
            if (period is None) != (rule.period is None):
                raise _fail(rule.id, "该规则不能增加或去掉“period”")
            new = replace(new, period=period)
        out.append(new)
    return tuple(out)


# The rules whose windows are the documents' windows (eligibility.Windows), one setting for both.
WINDOW_RULES: Final = {
    "prompt_days": ("prompt", "start"),
    "demand_days": ("urge", "end"),
    "installment_prompt_days": ("installment_before", "start"),
    "installment_demand_days": ("installment_late", "end"),
}


def windows_from_rules(rules: Sequence[Rule]) -> Windows:
    """The wizard's windows, read from the reminder rules a court edits (one setting drives both):
    提示书 from the start of ``prompt`` (−7 → 7 days before), 催告书 to the end of ``urge`` (7 → 7 days
    after), and the same for installments from ``installment_before`` and ``installment_late``. A rule
    missing from ``rules`` leaves the seed's 7 days."""
    by_id = {r.id: r for r in rules}
    values: dict[str, int] = {}
    for name, (rule_id, edge) in WINDOW_RULES.items():
        rule = by_id.get(rule_id)
        if rule is not None:
            values[name] = max(-rule.window_start, 0) if edge == "start" else max(rule.window_end, 0)
    return Windows(**values)


# ---------------------------------------------------------------------------------------------------
# Reminders
# ---------------------------------------------------------------------------------------------------


class ReminderItem(NamedTuple):
    """One line of the dashboard. ``due_date`` is the window's last day; ``days_overdue`` counts past it."""

    case_id: int
    case_number: str
    rule_id: str
    title: str
    event_date: date
    window_start: date
    due_date: date
    days_overdue: int
    reason: str
    suggested_form: str  # form id in forms/, "" when none
    suggested_form_title: str
    provisional: bool
    advisory: bool
    handler: str
    party: str
    owed_fen: int
    stage: str
    answerable_by_contact: bool = True
    postponed_until: date | None = None  # set when a postponement ran out and the reminder came back

    @property
    def window_end(self) -> date:
        return self.due_date

    @property
    def key(self) -> tuple[int, str, date]:
        return (self.case_id, self.rule_id, self.due_date)

    def as_json(self, today: date) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "case_number": self.case_number,
            "rule": self.rule_id,
            "rule_title": self.title,
            "group": group_of(self, today).value,
            "event_date": self.event_date.isoformat(),
            "due_date": self.due_date.isoformat(),
            "window_start": self.window_start.isoformat(),
            "window_end": self.due_date.isoformat(),
            "days_overdue": self.days_overdue,
            "handler": self.handler,
            "party": self.party,
            "owed_fen": self.owed_fen,
            "stage": self.stage,
            "suggested_form": self.suggested_form,
            "suggested_form_title": self.suggested_form_title,
            "reason": self.reason,
            "provisional": self.provisional,
            "advisory": self.advisory,
        }


@dataclass(frozen=True, slots=True)
class ReminderState:
    """What staff did with a reminder: postponed until a day (with a reason), or done."""

    case_id: int
    rule_id: str
    due_date: date
    state: StateKind
    until: date | None = None
    reason: str = ""

    @property
    def key(self) -> tuple[int, str, date]:
        return (self.case_id, self.rule_id, self.due_date)


def suggestion_text(item: ReminderItem) -> str:
    """What the board suggests doing: 《the document》, 补充联系方式, or "" for nothing in particular."""
    if not item.suggested_form_title:
        return ""
    if item.suggested_form_title == ADD_CONTACT and not item.suggested_form:
        return ADD_CONTACT
    return f"《{item.suggested_form_title}》"


WEEK_AHEAD = timedelta(days=7)  # due within this after today: the 7日内 group


def group_of(item: ReminderItem, today: date) -> Group:
    if item.due_date < today:
        return Group.OVERDUE
    if item.due_date == today:
        return Group.TODAY
    if item.due_date <= today + WEEK_AHEAD:
        return Group.WEEK
    return Group.LATER


def sort_key(item: ReminderItem, today: date) -> tuple[int, date, str, str]:
    """Overdue first (most overdue on top), then by due date."""
    return (_GROUP_ORDER[group_of(item, today)], item.due_date, item.case_number, item.rule_id)


def _excluded(rule: Rule, f: CaseFacts, today: date) -> bool:
    ex = rule.exclusions
    if Exclusion.CLOSED in ex and f.status is not CaseStatus.OPEN:
        return True
    if Exclusion.PERFORMED in ex and f.performed:
        return True
    if Exclusion.PUBLIC_NOTICE in ex and f.public_notice:
        return True
    if Exclusion.INSTALLMENT_PLAN in ex and f.has_installments:
        return True
    if Exclusion.NO_OBLIGATION in ex and not f.has_obligation:
        return True
    return Exclusion.COMMITMENT_OVERDUE in ex and any(
        e.kind is CaseEventKind.COMMITMENT and e.end is not None and e.end < today for e in f.events
    )


def _answered(rule: Rule, f: CaseFacts, event: date) -> bool:
    since = event if rule.answered_by is AnsweredBy.EVENT else rule.visible_from(event)
    if rule.answered_by is AnsweredBy.RULE:
        return any(c.day >= since and c.rule_id == rule.id for c in f.contacts)
    return any(c.day >= since for c in f.contacts)


def _uncovered(d: date, table: HolidayTable) -> str:
    years = table.pending_years(d)
    return f"（{'、'.join(f'{y}年' for y in years)}节假日安排未录入，日期为暂定）" if years else ""


def _owed_text(f: CaseFacts) -> str:
    return f"尚欠{format_yuan(f.owed_fen)}" if f.owed_fen else "尚未履行完毕"


class _Found(NamedTuple):
    event: date
    reason: str
    provisional: bool = False


class _Window:
    """The event dates a rule shows a reminder for today, and the test whether one was answered."""

    __slots__ = ("high", "low", "rule", "today")

    def __init__(self, rule: Rule, today: date) -> None:
        self.rule = rule
        self.today = today
        self.high = today - timedelta(days=rule.window_start)
        self.low = (
            None if rule.keep_days is None else today - timedelta(days=rule.window_end + rule.keep_days)
        )

    def __call__(self, event: date, f: CaseFacts) -> bool:
        """Whether the reminder counted from ``event`` is due for display and not yet answered."""
        if event > self.high or (self.low is not None and event < self.low):
            return False
        return not (f.contacts and _answered(self.rule, f, event))


def _events(rule: Rule, f: CaseFacts, table: HolidayTable, shows: _Window) -> list[_Found]:
    """The occurrences of ``rule``'s event in the case that are on the board today, with reasons.

    Each occurrence's date is found first and its reason is written only when it shows. A reason never
    depends on today (the days overdue are a field of their own): a kept board stays true from one day
    to the next, only the reminders entering or leaving their windows change.
    """
    kind = rule.event
    form = f"《{rule.form_title}》" if rule.form_title else ""
    if kind is EventKind.DEADLINE:
        d = f.deadline
        if d is None or not shows(d, f):
            return []
        due = rule.due(d)
        text = f"履行期限{d.isoformat()}{'届满' if due <= d else '已届满'}，{_owed_text(f)}"
        if form:
            text += f"，应于{due.isoformat()}前发送{form}"
        return [_Found(d, text + _uncovered(d, table), bool(table.pending_years(d)))]

    if kind in (EventKind.INSTALLMENT_DUE, EventKind.INSTALLMENT_LATE, EventKind.INSTALLMENT_DEFAULT):
        return _installment_events(rule, f, form, shows)

    if kind is EventKind.FIRST_INSTALLMENT_PAID:
        return _first_paid_events(f, shows)

    if kind is EventKind.PERFORMANCE_START:
        start = f.effective_date or f.filing_date
        if start is None or not shows(start, f):
            return []
        what = "生效" if f.effective_date else "立案"
        text = f"{what}于{start.isoformat()}，本案尚无督促记录"
        return [_Found(start, text + _uncovered(start, table), bool(table.pending_years(start)))]

    if kind is EventKind.PRE_ENFORCEMENT_END:
        return _pre_enforcement_events(rule, f, table, shows)

    if kind is EventKind.NOTICE_END:
        out = []
        for e in f.events:
            if e.kind is rule.notice and e.end is not None and shows(e.end, f):
                text = (
                    f"{e.kind.value}通知{e.start.isoformat()}送达，限期至{e.end.isoformat()}，"
                    f"{_owed_text(f)}；逾期仍不履行的，依法作出{form or '决定'}"
                )
                out.append(_Found(e.end, text))
        return out

    if kind is EventKind.CREDIT_REPAIR_END:
        out = []
        for e in f.events:
            if e.kind is CaseEventKind.CREDIT_PROMISE and e.end is not None and shows(e.end, f):
                text = (
                    f"临时信用修复期{e.start.isoformat()}至{e.end.isoformat()}届满，{_owed_text(f)}："
                    "提醒被执行人按《信用承诺书》履行，届满未履行的恢复信用惩戒措施"
                )
                out.append(_Found(e.end, text))
        return out

    # ENFORCEMENT_PERIOD_END: counted from the deadline, or, where the document sets no performance period
    # (none recorded for an obligation), from its effective date (§250 second paragraph)
    assert rule.period is not None
    if f.deadline is not None:
        start, counted = f.deadline, "从履行期限最后一日起算"
    elif f.effective_date is not None and f.has_obligation:
        start, counted = f.effective_date, "法律文书未规定履行期间的，从生效之日起算"
    else:
        return []
    end = rule.period.end(start, table)
    if not shows(end.end, f):
        return []
    text = (
        f"申请执行期间{rule.period.text}（民事诉讼法第二百五十条）{counted}：{end.explanation}；"
        f"{_owed_text(f)}，提示申请执行人及时申请执行（参考）"
    )
    return [_Found(end.end, text, end.provisional)]


def _slice_label(s: Slice) -> str:
    return f"第{s.seq}期" if s.seq else f"第{s.obligation + 1}项履行义务"


def _installment_events(rule: Rule, f: CaseFacts, form: str, shows: _Window) -> list[_Found]:
    if not f.has_installments:
        return []
    unpaid = unpaid_slices(f)
    if rule.event is EventKind.INSTALLMENT_DUE:
        out = []
        for s, left in unpaid:
            if not s.seq or s.due_date is None or not shows(s.due_date, f):
                continue
            text = f"第{s.seq}期应于{s.due_date.isoformat()}前履行{format_yuan(left)}"
            out.append(_Found(s.due_date, text + (f"，提醒按期履行并发送{form}" if form else "")))
        return out
    # installment_late / installment_default count from the first unpaid slice: the one the ledger
    # shows as 下次应履行 (payments go oldest first), when it is overdue.
    if not unpaid or unpaid[0][0].due_date is None:
        return []
    first, left = unpaid[0]
    due = first.due_date
    assert due is not None
    accelerating = bool(first.seq) and first.clause in _ACCELERATING
    if rule.event is EventKind.INSTALLMENT_LATE:
        if (Exclusion.ACCELERATED in rule.exclusions and accelerating) or not shows(due, f):
            return []
        text = f"{_slice_label(first)}（{due.isoformat()}到期）尚欠{format_yuan(left)}未履行"
        if len(unpaid) > 1:
            text += f"，此后尚有{len(unpaid) - 1}笔未履行"
        if first.clause is DefaultClause.PENALTY:
            text += "；调解书约定逾期应支付违约金或变更利息"
        return [_Found(due, text + (f"，应发送{form}" if form else ""))]
    # INSTALLMENT_DEFAULT: that slice is an installment under an acceleration clause
    if not accelerating:
        return []
    rest = [(s, x) for s, x in unpaid[1:] if s.obligation == first.obligation]
    if not rest or not shows(due, f):
        return []  # nothing left to fall due early, or not today
    consequence = (
        "权利人可就剩余全部款项一并申请强制执行"
        if first.clause is DefaultClause.ACCELERATE
        else "权利人有权恢复原诉讼请求"
    )
    text = (
        f"第{first.seq}期（{due.isoformat()}到期）未足额履行，触发违约条款“{first.clause.value}”："
        f"其余{len(rest)}期共{format_yuan(sum(x for _, x in rest))}视为全部到期，{consequence}"
    )
    return [_Found(due, text)]


def _first_paid_events(f: CaseFacts, shows: _Window) -> list[_Found]:
    """房县方案九（四）: when the first installment is paid, warn the debtor to go on paying, and ask the
    creditor to report how the installments are paid.

    The warning is about what is still to come: once the next unpaid slice falls due, its own reminders
    (分期履行提醒 before, 分期逾期催告 after) urge the debtor, and this one is gone."""
    found = first_installment_paid(f) if f.has_installments else None
    if found is None:
        return []
    unpaid = unpaid_slices(f)
    upcoming = unpaid[0][0].due_date if unpaid else None
    if upcoming is None or upcoming <= shows.today or not shows(found[1], f):
        return []
    first, day = found
    text = (
        f"{_slice_label(first)}已于{day.isoformat()}履行，尚有{len(unpaid)}笔共"
        f"{format_yuan(sum(x for _, x in unpaid))}未履行、下一笔于{upcoming.isoformat()}到期："
        "告诫债务人按期自动履行后续义务，并告知债权人主动向法院报告分期履行情况"
    )
    return [_Found(day, text)]


def _pre_enforcement_events(rule: Rule, f: CaseFacts, table: HolidayTable, shows: _Window) -> list[_Found]:
    assert rule.period is not None
    recorded = [e for e in f.events if e.kind is CaseEventKind.PRE_ENFORCEMENT]
    if recorded:
        e = max(recorded, key=lambda e: e.start)
        start, explicit_end = e.start, e.end
    elif f.pre_enforcement_number and f.filing_date is not None:
        start, explicit_end = f.filing_date, None
    else:
        return []
    if explicit_end is not None:
        end, explanation, provisional = (
            explicit_end,
            f"自{start.isoformat()}起至{explicit_end.isoformat()}",
            False,
        )
    else:
        period_end = rule.period.end(start, table)
        end, explanation, provisional = period_end.end, period_end.explanation, period_end.provisional
    if not shows(end, f):
        return []
    if f.performed:
        outcome = "已履行完毕，经申请执行人确认后以执前调案号归档"
    else:
        outcome = f"{_owed_text(f)}，督促不成、申请执行人要求强制执行的，转执行立案"
    text = f"执前督促期限{rule.period.text}：{explanation}；{outcome}"
    return [_Found(end, text, provisional)]


class HolidayChange(NamedTuple):
    """What a holiday change can change in the engine's results (:func:`holiday_change`)."""

    days: list[tuple[date, date]]  # the runs of changed days (:func:`~desktop.core.calendar.changed_days`)
    reach: int  # the most rest days in a row in either table

    def near(self) -> list[tuple[date, date]]:
        """The runs widened by ``reach`` + 1 days on each side (merged where they meet): a reminder whose
        event … due dates (window included) meet none of them read no changed day (:func:`table_looks`)."""
        wide = timedelta(days=self.reach + 1)
        return merged_runs((first - wide, last + wide) for first, last in self.days)

    def meets(self, looks: tuple[date, date] | None) -> bool:
        """Whether the days ``looks`` (first, last) take in a changed day."""
        if looks is None:
            return False
        first, last = looks
        at = bisect.bisect_left(self.days, (first, first))
        if at and self.days[at - 1][1] >= first:
            return True
        return at < len(self.days) and self.days[at][0] <= last

    def period_ends(self, table: HolidayTable) -> list[tuple[date, date]]:
        """The days a period computed with ``table`` may end on when it read a changed day: a changed day
        … the first working day from the run's last day on (a period's end is the first working day
        from its nominal end on, and it reads the days between)."""
        return [
            (first, last if table.is_working_day(last) else table.next_working_day(last))
            for first, last in self.days
        ]


def holiday_change(before: HolidayTable, after: HolidayTable) -> HolidayChange:
    """What changes between the holiday tables ``before`` and ``after`` (see :func:`table_looks`)."""
    return HolidayChange(changed_days(before, after), max(longest_rest(before), longest_rest(after)))


def table_looks(rule: Rule, event: date, due: date, table: HolidayTable) -> tuple[date, date] | None:
    """The first and last day on which :func:`evaluate` read the holiday table ``table`` for a reminder
    of ``rule`` counted from ``event``, due on ``due``; None when it read none. Nowhere else
    (:data:`ENGINE_VERSION` is bumped if that changes):

    - a period's end (rules with a period): its nominal end … its end (the event), the nominal end being
      a working day, or a day of the rest days just before the end; and the years of those days
      (``pending_years``);
    - a 履行期限 or a start of performance: the year of the event (``pending_years``);
    - a window serving a document: its first day … the first working day after its due date
      (``window_days``).

    A rule with a period reads a period's end also for the cases it does not remind about: after a
    holiday change the cases whose period may now end on :meth:`HolidayChange.period_ends` are looked at
    again. A computation that reads no changed day (:func:`~desktop.core.calendar.changed_days`) goes
    the same way with either table, so its result is the same.
    """
    looks: list[date] = []
    if rule.period is not None:
        nominal = event
        while table.is_rest_day(nominal - _ONE_DAY):
            nominal -= _ONE_DAY
        looks += [nominal, event]
    elif rule.event in (EventKind.DEADLINE, EventKind.PERFORMANCE_START):
        looks.append(event)
    if rule.form_id or rule.form_title:
        looks += [rule.visible_from(event), table.next_working_day(due)]
    return (min(looks), max(looks)) if looks else None


def evaluate(rule: Rule, facts: Iterable[CaseFacts], table: HolidayTable, today: date) -> list[ReminderItem]:
    """The reminders ``rule`` gives for each of ``facts`` today (before stored states and cross-rule
    exclusions), in the order of ``facts``."""
    if not rule.enabled:
        return []
    shows = _Window(rule, today)
    stages = rule.stages
    answerable = rule.answered_by is not AnsweredBy.RULE
    start_offset = timedelta(days=rule.window_start)
    end_offset = timedelta(days=rule.window_end)
    serves = bool(rule.form_id or rule.form_title)  # a document to serve in the window
    holiday_notes: dict[date, str] = {}
    items = []
    for f in facts:
        if f.stage not in stages or _excluded(rule, f, today):
            continue
        for found in _events(rule, f, table, shows):
            due = found.event + end_offset
            form_id, form_title, reason = rule.form_id, rule.form_title, found.reason
            if serves:  # a window on a holiday: its working days and the first working day after it
                note = holiday_notes.get(found.event)
                if note is None:
                    days = window_days(found.event + start_offset, due, table)
                    note = holiday_notes[found.event] = days.note()
                if note:
                    reason += f"；{note}"
            if rule.needs_contact and f.contact_missing:
                # 房县方案九（三）: the document goes only to debtors whose contact details are known
                form_id, form_title = "", ADD_CONTACT
                reason += f"；{f.contact_missing}：请先补充联系方式（房县方案九（三））"
            items.append(
                ReminderItem(
                    f.case_id,
                    f.case_number,
                    rule.id,
                    rule.title,
                    found.event,
                    found.event + start_offset,
                    due,
                    max((today - due).days, 0),
                    reason,
                    form_id,
                    form_title,
                    found.provisional,
                    rule.advisory,
                    f.handler,
                    f.party,
                    f.owed_fen,
                    f.stage.value,
                    answerable,
                )
            )
    return items


def evaluate_rule(rule: Rule, f: CaseFacts, table: HolidayTable, today: date) -> list[ReminderItem]:
    """The reminders ``rule`` gives for one case today (see :func:`evaluate`)."""
    return evaluate(rule, (f,), table, today)


def giving_way(rules: Iterable[Rule]) -> set[str]:
    """The ids of the rules whose reminders give way to another rule's on the same case (excluding
    ``urging_due``: see :func:`suppress_covered`)."""
    return {r.id for r in rules if Exclusion.URGING_DUE in r.exclusions}


def suppress_covered(
    items: Iterable[ReminderItem], rules: Sequence[Rule], answered: Iterable[int] = ()
) -> list[ReminderItem]:
    """Drop reminders of rules excluding ``urging_due`` when the same case has another reminder that a
    contact answers (one call answers both, so the board shows the more specific one). ``answered``:
    cases known to have such a reminder besides ``items``."""
    items = list(items)
    suppressing = giving_way(rules)
    if not suppressing:
        return items
    answerable_cases = {i.case_id for i in items if i.rule_id not in suppressing and i.answerable_by_contact}
    answerable_cases.update(answered)
    return [i for i in items if not (i.rule_id in suppressing and i.case_id in answerable_cases)]


def apply_states(
    items: Iterable[ReminderItem], states: Mapping[tuple[int, str, date], ReminderState], today: date
) -> list[ReminderItem]:
    """Hide reminders marked done, and postponed ones until their day (then they come back, marked)."""
    out = []
    for item in items:
        state = states.get(item.key)
        if state is None:
            out.append(item)
        elif state.state is StateKind.POSTPONED and state.until is not None and today >= state.until:
            out.append(item._replace(postponed_until=state.until))
    return out


def reminders(
    facts: Iterable[CaseFacts],
    rules: Sequence[Rule],
    table: HolidayTable,
    today: date,
    states: Mapping[tuple[int, str, date], ReminderState] | None = None,
) -> list[ReminderItem]:
    """Every reminder for ``facts`` today: all enabled rules, cross-rule exclusions, stored states,
    sorted overdue first."""
    facts = list(facts)
    found: list[ReminderItem] = []
    for rule in rules:
        found.extend(evaluate(rule, facts, table, today))
    shown = apply_states(suppress_covered(found, rules), states or {}, today)
    shown.sort(key=lambda i: sort_key(i, today))
    return shown
