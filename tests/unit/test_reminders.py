"""Reminder rules: every default rule at the edges of its window, its exclusions, handling and states;
the SQL candidate selection agreeing with the pure engine over a demo ledger; the CLI."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.core.calendar import HolidayDay, HolidayTable, merge, parse_holiday_json, to_json
from desktop.core.errors import ValidationError
from desktop.core.model import CaseStatus, ContactMethod, DefaultClause, Stage
from desktop.core.reminders import (
    CaseEvent,
    CaseEventKind,
    CaseFacts,
    ContactMark,
    EventKind,
    Group,
    ReminderItem,
    ReminderState,
    Rule,
    Slice,
    StateKind,
    apply_settings,
    evaluate_rule,
    facts_from_case,
    group_of,
    parse_rules,
    reminders,
    rule_settings,
)
from desktop.services.reminders import Reminders, board_json, changed_rules, default_rules, fingerprint
from desktop.services.workspace import CaseInvalid, Workspace
from desktop.store import reminders as store
from desktop.store.database import transaction
from tests.conftest import TODAY, make_case

ROOT = Path(__file__).resolve().parents[2]
TABLE = parse_holiday_json((ROOT / "resources/holidays/cn-holidays.json").read_text(encoding="utf-8"))
RULES = {r.id: r for r in parse_rules((ROOT / "resources/rules/default-rules.json").read_text("utf-8"))}
D = date.fromisoformat
E = D("2025-06-10")  # a Tuesday, an ordinary working day: every rule's event falls on it below


def _facts(**changes: object) -> CaseFacts:
    base = CaseFacts(
        case_id=1,
        case_number="（2025）黑0902民初123号",
        stage=Stage.AFTER_JUDGMENT,
        status=CaseStatus.OPEN,
        handler="王建国",
        party="七台河市宏达商贸有限公司",
        effective_date=D("2025-04-01"),
        deadline=D("2025-12-01"),
        due_fen=10_000_000,
        paid_fen=0,
    )
    return base._replace(**changes)


def _plan(clause: DefaultClause = DefaultClause.NONE, first: date = E) -> dict[str, object]:
    """Two installments of one obligation, the first due on ``first``, nothing paid."""
    return {
        "has_installments": True,
        "schedule": (
            Slice(first, 4_000_000, 0, 1, clause),
            Slice(first + timedelta(days=30), 6_000_000, 0, 2, clause),
        ),
        "deadline": first + timedelta(days=30),
    }


# For each rule: facts whose event for that rule falls on E (and that trigger no other behaviour).
EVENT_ON_E: dict[str, CaseFacts] = {
    "prompt": _facts(deadline=E),
    "urge": _facts(deadline=E),
    "installment_before": _facts(**_plan()),
    "installment_first_paid": _facts(  # the first installment paid on E in two payments; the second due
        has_installments=True,  # long after
        schedule=(
            Slice(E + timedelta(days=2), 4_000_000, 0, 1),
            Slice(E + timedelta(days=600), 6_000_000, 0, 2),
        ),
        deadline=E + timedelta(days=600),
        paid_fen=4_000_000,
        payments=((E - timedelta(days=20), 1_500_000), (E, 2_500_000)),
    ),
    "installment_late": _facts(**_plan()),
    "installment_accelerated": _facts(**_plan(DefaultClause.ACCELERATE)),
    "pre_enforcement_expiry": _facts(
        stage=Stage.PRE_ENFORCEMENT, events=(CaseEvent(CaseEventKind.PRE_ENFORCEMENT, D("2025-05-10")),)
    ),
    "pre_blacklist": _facts(
        stage=Stage.ENFORCEMENT, events=(CaseEvent(CaseEventKind.PRE_BLACKLIST, D("2025-05-30"), E),)
    ),
    "pre_fine": _facts(
        stage=Stage.ENFORCEMENT, events=(CaseEvent(CaseEventKind.PRE_FINE, D("2025-05-30"), E),)
    ),
    "detention_risk": _facts(
        stage=Stage.ENFORCEMENT, events=(CaseEvent(CaseEventKind.DETENTION_RISK, D("2025-05-30"), E),)
    ),
    "credit_repair_end": _facts(
        stage=Stage.ENFORCEMENT, events=(CaseEvent(CaseEventKind.CREDIT_PROMISE, D("2025-03-10"), E),)
    ),
    "enforcement_period": _facts(deadline=D("2023-06-10")),  # + 2 years = 2025-06-10 (§250)
    "never_urged": _facts(effective_date=E, deadline=E + timedelta(days=90)),
}


def test_every_default_rule_has_a_window_case() -> None:
    assert set(EVENT_ON_E) == set(RULES)
    assert len(RULES) == 13


def _edges(rule: Rule) -> list[tuple[str, int, bool]]:
    """(label, day relative to the event, shown?) around both ends of the rule's window."""
    start = rule.window_start
    cases = [
        ("just outside, before", start - 1, False),
        ("on the first day", start, True),
        ("just inside", start + 1, True),
        ("on the due date", rule.window_end, True),
    ]
    if rule.keep_days is None:
        cases.append(("long after, until handled", rule.window_end + 400, True))
    else:
        last = rule.window_end + rule.keep_days
        cases += [("on the last day kept", last, True), ("just outside, after", last + 1, False)]
    return cases


@pytest.mark.parametrize(
    ("rule_id", "label", "offset", "shown"),
    [(rid, label, offset, shown) for rid, rule in RULES.items() for label, offset, shown in _edges(rule)],
)
def test_each_rule_at_the_edges_of_its_window(rule_id: str, label: str, offset: int, shown: bool) -> None:
    rule = RULES[rule_id]
    today = E + timedelta(days=offset)
    items = evaluate_rule(rule, EVENT_ON_E[rule_id], TABLE, today)
    assert bool(items) is shown, label
    if shown:
        (item,) = items
        assert item.rule_id == rule_id
        assert item.event_date == E
        assert item.window_start == E + timedelta(days=rule.window_start)
        assert item.due_date == item.window_end == E + timedelta(days=rule.window_end)
        assert item.days_overdue == max((today - item.due_date).days, 0)
        assert item.suggested_form == rule.form_id
        assert item.reason
        assert item.provisional is False


def test_the_first_installment_warning_lasts_until_the_next_slice_falls_due() -> None:
    """房县方案九（四）: warned when the first installment is paid; once the next one falls due, its own
    reminders take over."""
    rule = RULES["installment_first_paid"]
    f = _facts(**_plan(first=E - timedelta(days=3)), paid_fen=4_000_000, payments=((E, 4_000_000),))
    second = E + timedelta(days=27)  # the second installment's due date
    (item,) = evaluate_rule(rule, f, TABLE, E)
    assert item.event_date == E and item.due_date == E + timedelta(days=3)
    assert "第1期已于2025-06-10履行" in item.reason and "下一笔于2025-07-07到期" in item.reason
    assert "告知债权人主动向法院报告分期履行情况" in item.reason
    assert evaluate_rule(rule, f, TABLE, second - timedelta(days=1))
    assert evaluate_rule(rule, f, TABLE, second) == []
    # not paid in full yet: no warning; paid by instalments of the payments, the day the sum got there
    assert evaluate_rule(rule, f._replace(paid_fen=3_999_999, payments=((E, 3_999_999),)), TABLE, E) == []
    late = f._replace(paid_fen=4_500_000, payments=((E, 3_000_000), (E + timedelta(days=5), 1_500_000)))
    (item,) = evaluate_rule(rule, late, TABLE, E + timedelta(days=5))
    assert item.event_date == E + timedelta(days=5)
    # a contact on the day of the payment answers it; one before does not
    assert evaluate_rule(rule, f._replace(contacts=(ContactMark(E),)), TABLE, E) == []
    assert evaluate_rule(rule, f._replace(contacts=(ContactMark(E - timedelta(days=1)),)), TABLE, E)
    # a sum payable at once before the first installment is covered first
    lump = f._replace(schedule=(Slice(E - timedelta(days=30), 1_000_000, 1), *f.schedule), due_fen=11_000_000)
    assert evaluate_rule(rule, lump, TABLE, E) == []
    paid = lump._replace(paid_fen=5_000_000, payments=((E, 4_000_000), (E + timedelta(days=1), 1_000_000)))
    (item,) = evaluate_rule(rule, paid, TABLE, E + timedelta(days=1))
    assert item.event_date == E + timedelta(days=1)


def test_the_default_windows_follow_the_seeds() -> None:
    assert (RULES["prompt"].window_start, RULES["prompt"].window_end) == (-7, 0)  # 房县: 届满前七日内
    assert (RULES["urge"].window_start, RULES["urge"].window_end) == (1, 7)  # 房县: 届满后七日内
    # 房县九（三）applied to each installment (docs/reminder-rules.md: the reading used)
    installment = RULES["installment_before"]
    assert (installment.window_start, installment.window_end) == (-7, 0)  # 每一期届满前七日内
    late = RULES["installment_late"]
    assert (late.window_start, late.window_end) == (1, 7)  # 每一期届满后七日内
    assert RULES["pre_enforcement_expiry"].period is not None
    assert RULES["pre_enforcement_expiry"].period.text == "1个月"  # 从化: 督促期限原则上为一个月
    assert RULES["enforcement_period"].period is not None
    assert RULES["enforcement_period"].period.text == "2年"  # 民诉法 §250
    assert RULES["enforcement_period"].advisory
    assert RULES["prompt"].form_id == "performance_prompt"
    assert RULES["urge"].form_id == "performance_demand"


# ---------------------------------------------------------------------------------------------------
# Exclusions
# ---------------------------------------------------------------------------------------------------

IN_WINDOW = {rid: E + timedelta(days=rule.window_end) for rid, rule in RULES.items()}


def _variant(rule_id: str, exclusion: str) -> CaseFacts:
    f = EVENT_ON_E[rule_id]
    today = IN_WINDOW[rule_id]
    if exclusion == "closed":
        return f._replace(status=CaseStatus.TRANSFERRED)
    if exclusion == "performed":
        return f._replace(paid_fen=f.due_fen)
    if exclusion == "public_notice":
        return f._replace(public_notice=True)
    if exclusion == "installment_plan":
        return f._replace(has_installments=True, schedule=(Slice(f.deadline, f.due_fen, 0, 1),))
    if exclusion == "commitment_overdue":
        promise = CaseEvent(CaseEventKind.COMMITMENT, D("2025-01-05"), today - timedelta(days=1))
        return f._replace(events=(*f.events, promise))
    if exclusion == "accelerated":
        return f._replace(**_plan(DefaultClause.RESTORE_CLAIM))
    if exclusion == "no_obligation":
        return f._replace(has_obligation=False, due_fen=0)
    raise AssertionError(exclusion)


@pytest.mark.parametrize(
    ("rule_id", "exclusion"),
    [
        (rid, ex.value)
        for rid, rule in RULES.items()
        for ex in sorted(rule.exclusions)
        if ex.value != "urging_due"  # a cross-rule exclusion: tested below
    ],
)
def test_each_exclusion_removes_the_reminder(rule_id: str, exclusion: str) -> None:
    today = IN_WINDOW[rule_id]
    assert evaluate_rule(RULES[rule_id], EVENT_ON_E[rule_id], TABLE, today)
    assert evaluate_rule(RULES[rule_id], _variant(rule_id, exclusion), TABLE, today) == []


def test_a_commitment_not_yet_due_does_not_exclude() -> None:
    today = IN_WINDOW["prompt"]
    promise = CaseEvent(CaseEventKind.COMMITMENT, D("2025-01-05"), today)
    assert evaluate_rule(RULES["prompt"], _facts(deadline=E, events=(promise,)), TABLE, today)


def test_never_urged_gives_way_to_another_urging_reminder() -> None:
    rules = list(RULES.values())
    f = _facts(effective_date=E, deadline=E + timedelta(days=20))  # prompt window E+13 … E+20
    assert [i.rule_id for i in reminders([f], rules, TABLE, E + timedelta(days=10))] == ["never_urged"]
    assert [i.rule_id for i in reminders([f], rules, TABLE, E + timedelta(days=14))] == ["prompt"]


def test_stages_outside_the_rule_give_nothing() -> None:
    for rule_id, f in EVENT_ON_E.items():
        rule = RULES[rule_id]
        for stage in set(Stage) - rule.stages:
            assert evaluate_rule(rule, f._replace(stage=stage), TABLE, IN_WINDOW[rule_id]) == []


def test_a_performed_pre_enforcement_case_is_reminded_to_be_archived() -> None:
    f = EVENT_ON_E["pre_enforcement_expiry"]
    (item,) = evaluate_rule(RULES["pre_enforcement_expiry"], f._replace(paid_fen=f.due_fen), TABLE, E)
    assert "归档" in item.reason
    (item,) = evaluate_rule(RULES["pre_enforcement_expiry"], f, TABLE, E)
    assert "转执行立案" in item.reason


# ---------------------------------------------------------------------------------------------------
# What answers a reminder, states, and causes that come back
# ---------------------------------------------------------------------------------------------------


def test_a_contact_in_the_window_answers_prompt_and_urge() -> None:
    today = E
    before_window = _facts(deadline=E, contacts=(ContactMark(E - timedelta(days=8)),))
    in_window = _facts(deadline=E, contacts=(ContactMark(E - timedelta(days=7)),))
    assert evaluate_rule(RULES["prompt"], before_window, TABLE, today)
    assert evaluate_rule(RULES["prompt"], in_window, TABLE, today) == []
    # the prompt given before the deadline does not answer the 催告书 after it
    assert evaluate_rule(RULES["urge"], in_window, TABLE, E + timedelta(days=3))
    after = _facts(deadline=E, contacts=(ContactMark(E + timedelta(days=1)),))
    assert evaluate_rule(RULES["urge"], after, TABLE, E + timedelta(days=3)) == []


def test_never_urged_is_answered_by_any_contact_since_the_case_took_effect() -> None:
    today = E + timedelta(days=15)
    early = _facts(effective_date=E, deadline=E + timedelta(days=90), contacts=(ContactMark(E),))
    assert evaluate_rule(RULES["never_urged"], early, TABLE, today) == []
    before = early._replace(contacts=(ContactMark(E - timedelta(days=1)),))
    assert evaluate_rule(RULES["never_urged"], before, TABLE, today)


def test_rules_answered_only_by_their_own_contact() -> None:
    f = EVENT_ON_E["pre_blacklist"]
    today = E + timedelta(days=2)
    other = f._replace(contacts=(ContactMark(today, "urge"), ContactMark(today, "")))
    assert evaluate_rule(RULES["pre_blacklist"], other, TABLE, today)
    own = f._replace(contacts=(ContactMark(today, "pre_blacklist"),))
    assert evaluate_rule(RULES["pre_blacklist"], own, TABLE, today) == []


def test_done_hides_postponed_returns_and_a_new_cause_comes_back() -> None:
    rules = [RULES["urge"]]
    f = _facts(deadline=E)
    today = E + timedelta(days=3)
    (item,) = reminders([f], rules, TABLE, today)
    done = {item.key: ReminderState(1, "urge", item.due_date, StateKind.DONE)}
    assert reminders([f], rules, TABLE, today, done) == []
    later = {
        item.key: ReminderState(1, "urge", item.due_date, StateKind.POSTPONED, today + timedelta(days=2))
    }
    assert reminders([f], rules, TABLE, today, later) == []
    (back,) = reminders([f], rules, TABLE, today + timedelta(days=2), later)
    assert back.postponed_until == today + timedelta(days=2)
    # the deadline is changed (a new cause): a new due date, a new reminder despite the old "done"
    moved = f._replace(deadline=E + timedelta(days=1))
    assert [i.due_date for i in reminders([moved], rules, TABLE, today, done)] == [E + timedelta(days=8)]


def test_paying_removes_the_cause_and_a_reversed_payment_brings_it_back() -> None:
    f = EVENT_ON_E["installment_late"]
    today = E + timedelta(days=2)
    assert evaluate_rule(RULES["installment_late"], f, TABLE, today)
    assert evaluate_rule(RULES["installment_late"], f._replace(paid_fen=4_000_000), TABLE, today) == []
    assert evaluate_rule(RULES["installment_late"], f._replace(paid_fen=3_999_999), TABLE, today)


def test_installments_are_reminded_one_by_one_and_partly_paid_ones_still_count() -> None:
    f = EVENT_ON_E["installment_before"]._replace(paid_fen=4_000_000)  # first installment paid
    second = E + timedelta(days=30)
    assert evaluate_rule(RULES["installment_before"], f, TABLE, E) == []
    (item,) = evaluate_rule(RULES["installment_before"], f, TABLE, second)
    assert item.due_date == second and "第2期" in item.reason and "60,000.00元" in item.reason
    (item,) = evaluate_rule(
        RULES["installment_before"], f._replace(paid_fen=5_000_000), TABLE, second - timedelta(days=1)
    )
    assert "50,000.00元" in item.reason


def test_acceleration_only_under_an_acceleration_clause_and_with_something_left() -> None:
    today = E + timedelta(days=1)
    (item,) = evaluate_rule(
        RULES["installment_accelerated"], EVENT_ON_E["installment_accelerated"], TABLE, today
    )
    assert "一并申请强制执行" in item.reason and "其余1期共60,000.00元" in item.reason
    restore = _facts(**_plan(DefaultClause.RESTORE_CLAIM))
    (item,) = evaluate_rule(RULES["installment_accelerated"], restore, TABLE, today)
    assert "恢复原诉讼请求" in item.reason
    penalty = _facts(**_plan(DefaultClause.PENALTY))
    assert evaluate_rule(RULES["installment_accelerated"], penalty, TABLE, today) == []
    (late,) = evaluate_rule(RULES["installment_late"], penalty, TABLE, today)
    assert "违约金" in late.reason
    last_only = EVENT_ON_E["installment_accelerated"]._replace(paid_fen=4_000_000)
    assert evaluate_rule(RULES["installment_accelerated"], last_only, TABLE, E + timedelta(days=31)) == []


# ---------------------------------------------------------------------------------------------------
# The legal calendar inside reminders
# ---------------------------------------------------------------------------------------------------


def test_pre_enforcement_month_moves_past_national_day_and_explains() -> None:
    f = _facts(
        stage=Stage.PRE_ENFORCEMENT, events=(CaseEvent(CaseEventKind.PRE_ENFORCEMENT, D("2025-09-08")),)
    )
    (item,) = evaluate_rule(RULES["pre_enforcement_expiry"], f, TABLE, D("2025-10-09"))
    assert item.event_date == D("2025-10-09")
    assert "原届满日2025-10-08为国庆节假期，顺延至2025-10-09" in item.reason


def test_a_local_pre_enforcement_number_starts_the_month_on_its_filing_date() -> None:
    f = _facts(
        stage=Stage.PRE_ENFORCEMENT,
        case_number="（2025）黑0902执前督15号",
        pre_enforcement_number=True,
        filing_date=D("2025-05-10"),
    )
    (item,) = evaluate_rule(RULES["pre_enforcement_expiry"], f, TABLE, E)
    assert item.event_date == E


def test_dates_beyond_the_holiday_table_are_provisional_until_imported() -> None:
    # 2-year period from 2025-02-17 ends in 2027, which the seed table does not cover
    f = _facts(deadline=D("2025-02-17"))
    today = D("2027-02-10")
    (item,) = evaluate_rule(RULES["enforcement_period"], f, TABLE, today)
    assert item.provisional and "2027年节假日安排未录入" in item.reason
    assert item.event_date == D("2027-02-17")
    spring_2027 = HolidayTable.from_days(
        [HolidayDay(D("2027-02-06") + timedelta(days=i), "rest", "春节") for i in range(12)], [2027], "test"
    )
    (after,) = evaluate_rule(RULES["enforcement_period"], f, merge(TABLE, spring_2027), today)
    assert not after.provisional
    assert after.event_date == D("2027-02-18")
    assert "原届满日2027-02-17为春节假期，顺延至2027-02-18" in after.reason


def test_a_deadline_in_an_uncovered_year_is_marked_provisional() -> None:
    (item,) = evaluate_rule(RULES["prompt"], _facts(deadline=D("2027-01-08")), TABLE, D("2027-01-05"))
    assert item.provisional


# ---------------------------------------------------------------------------------------------------
# Rules as data
# ---------------------------------------------------------------------------------------------------


def test_settings_change_windows_and_are_validated() -> None:
    rules = default_rules()
    changed = apply_settings(
        rules, {"urge": {"window": [1, 10], "keep_days": None}, "prompt": {"enabled": False}}
    )
    by_id = {r.id: r for r in changed}
    assert (by_id["urge"].window_start, by_id["urge"].window_end, by_id["urge"].keep_days) == (1, 10, None)
    assert not by_id["prompt"].enabled
    assert rule_settings(by_id["urge"])["window"] == [1, 10]
    for bad, fragment in (
        ({"urge": {"window": [7, 1]}}, "不能晚于"),
        ({"urge": {"window": [1]}}, "两个整数"),
        ({"urge": {"keep_days": -1}}, "keep_days"),
        ({"urge": {"colour": "red"}}, "不能修改"),
        ({"urge": {"period": [1, "month"]}}, "period"),
        ({"pre_enforcement_expiry": {"period": [0, "month"]}}, "period"),
    ):
        with pytest.raises(ValidationError, match=fragment):
            apply_settings(rules, bad)


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda r: r.update(event="birthday"), "未知的起算事件"),
        (lambda r: r.update(window=[3, -3]), "不能晚于"),
        (lambda r: r.update(stages=["审判"]), "未知的值"),
        (lambda r: r.update(colour="red"), "未知字段"),
        (lambda r: r.pop("title"), "缺少字段"),
        (lambda r: r.update(id="提示"), "规则编号"),
        (lambda r: r.update(exclusions=["weekend"]), "未知的值"),
        (lambda r: r.update(answered_by="email"), "answered_by"),
    ],
)
def test_a_bad_rules_file_is_refused(change: object, fragment: str) -> None:
    data = json.loads((ROOT / "resources/rules/default-rules.json").read_text("utf-8"))
    change(data["rules"][0])  # type: ignore[operator]
    with pytest.raises(ValidationError, match=fragment):
        parse_rules(json.dumps(data, ensure_ascii=False))


def test_duplicate_rule_ids_are_refused() -> None:
    data = json.loads((ROOT / "resources/rules/default-rules.json").read_text("utf-8"))
    data["rules"].append(data["rules"][0])
    with pytest.raises(ValidationError, match="重复"):
        parse_rules(json.dumps(data, ensure_ascii=False))


def test_every_rule_id_is_documented() -> None:
    doc = (ROOT / "docs/reminder-rules.md").read_text(encoding="utf-8")
    for rule_id in RULES:
        assert f"`{rule_id}`" in doc
    for kind in EventKind:
        assert f"`{kind.value}`" in doc


@pytest.mark.parametrize(
    ("changes", "shown"),
    [
        ({"deadline": D("2023-06-10")}, "从履行期限最后一日起算"),
        ({"deadline": None, "effective_date": D("2023-06-10")}, "法律文书未规定履行期间的，从生效之日起算"),
        ({"deadline": None, "effective_date": D("2023-06-10"), "has_obligation": False}, None),
        ({"deadline": None, "effective_date": None}, None),
    ],
)
def test_the_enforcement_period_counts_from_the_effective_date_when_no_period_is_set(
    changes: dict[str, object], shown: str | None
) -> None:
    """§250: from the last day of the performance period; where the document sets none, from the day it
    took effect (2023-06-10 + 2 years = 2025-06-10)."""
    found = evaluate_rule(RULES["enforcement_period"], _facts(**changes), TABLE, E)
    if shown is None:
        assert found == []
    else:
        (item,) = found
        assert item.event_date == D("2025-06-10") and shown in item.reason


def test_groups() -> None:
    (item,) = evaluate_rule(RULES["urge"], _facts(deadline=E), TABLE, E + timedelta(days=1))
    assert group_of(item, E + timedelta(days=1)) is Group.WEEK
    assert group_of(item, E + timedelta(days=7)) is Group.TODAY
    assert group_of(item, E + timedelta(days=8)) is Group.OVERDUE
    (later,) = evaluate_rule(
        RULES["enforcement_period"], EVENT_ON_E["enforcement_period"], TABLE, E - timedelta(days=20)
    )
    assert group_of(later, E - timedelta(days=20)) is Group.LATER


def test_check_event() -> None:
    from desktop.core.reminders import check_event

    with pytest.raises(ValidationError, match="届满日期"):
        check_event(CaseEvent(CaseEventKind.PRE_FINE, E))
    with pytest.raises(ValidationError, match="早于开始日期"):
        check_event(CaseEvent(CaseEventKind.PRE_FINE, E, E - timedelta(days=1)))
    check_event(CaseEvent(CaseEventKind.PRE_ENFORCEMENT, E))


# ---------------------------------------------------------------------------------------------------
# The database: SQL candidates agree with the engine over every case
# ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from desktop.services.demo import generate

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    generate(path, cases=2000, seed=3, today=D("2026-03-20"), parallel=False)
    return path


def _all_facts(ws: Workspace, service: Reminders) -> list[CaseFacts]:
    ids = [r[0] for r in ws.db.execute("SELECT id FROM cases ORDER BY id")]
    return [facts_from_case(ws.load_case(i), service.events(i)) for i in ids]


def test_sql_candidates_miss_no_reminder(demo_db: Path) -> None:
    """On several days, the board computed from each rule's SQL candidates is exactly what the engine
    gives over every case of the ledger."""
    ws = Workspace.open(demo_db, actor="测试员")
    try:
        service = Reminders(ws)
        rules = [r for r in service.rules() if r.enabled]
        table = service.holiday_table()
        every_case = _all_facts(ws, service)
        seen: set[str] = set()
        for today in ("2026-03-20", "2026-04-06", "2025-10-09", "2025-06-30", "2024-02-19"):
            expected = reminders(every_case, rules, table, D(today))
            got = service.compute(rules, table, D(today))
            assert sorted(got) == sorted(expected), today
            assert expected, today
            seen |= {i.rule_id for i in expected}
        assert len(seen) >= 10, seen
    finally:
        ws.close()


def _counts_agree(service: Reminders, day: date) -> None:
    """The group counts a view reads (the kept board's counts per due date, less the lines a stored state
    hides) are those of the lines themselves, for the whole court and for each handler."""
    whole = service.board(day)
    assert service.board(day, lazy=True).counts == whole.counts
    for handler in sorted({i.handler for i in whole.items}):
        assert service.board(day, handler, lazy=True).counts == service.board(day, handler).counts, handler


def test_the_kept_board_follows_days_and_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The board kept in the database, rolled from day to day and updated case by case, is at every step
    what the engine gives over every case with every stored state."""
    from desktop.services.demo import generate

    path = tmp_path / "kept.sqlite3"
    generate(path, cases=700, seed=5, today=D("2026-03-20"), parallel=False, board=False)
    ws = Workspace.open(path, actor="测试员")
    service = Reminders(ws)
    rules = [r for r in service.rules() if r.enabled]
    table = service.holiday_table()
    rebuilds: list[date] = []
    real_chunks = service._chunks

    def counting(rules_: object, table_: object, day: date) -> object:
        rebuilds.append(day)
        return real_chunks(rules, table, day)

    monkeypatch.setattr(service, "_chunks", counting)

    def check(day: date) -> list[object]:
        ws.today = lambda: day
        states = store.states_of(ws.db, [r[0] for r in ws.db.execute("SELECT id FROM cases")])
        expected = reminders(_all_facts(ws, service), rules, table, day, states)
        got = list(service.board(day).items)
        _counts_agree(service, day)
        assert sorted(got) == sorted(expected), day  # type: ignore[type-var]
        return got

    try:
        day = D("2026-03-20")
        items = check(day)
        assert rebuilds == [day]
        for step in (1, 1, 5, -3, 12, -14):
            day += timedelta(days=step)
            items = check(day)
        assert rebuilds == [D("2026-03-20")]  # rolled, never rebuilt
        by_rule: dict[str, object] = {}
        for item in items:
            by_rule.setdefault(item.rule_id, item)  # type: ignore[attr-defined]
        contact, postponed, done = list(by_rule.values())[:3]
        service.record_contact([contact], ContactMethod.SMS, "已发送短信")  # type: ignore[list-item]
        service.postpone([postponed], day + timedelta(days=2), "义务人出差")  # type: ignore[list-item]
        service.mark_done([done], "已处理")  # type: ignore[list-item]
        check(day)
        case = ws.load_case(contact.case_id)  # type: ignore[attr-defined]
        if case.obligations and case.obligations[0].amount_fen:
            from desktop.core.model import Payment

            ws.save_case(replace(case, payments=(*case.payments, Payment(day, 1_00))))
        enforcement = ws.db.execute(
            "SELECT id FROM cases WHERE stage = '执行' AND status = '在办'"
        ).fetchone()[0]
        service.add_event(
            enforcement, CaseEvent(CaseEventKind.PRE_FINE, day - timedelta(days=10), day - timedelta(days=1))
        )
        check(day)
        day += timedelta(days=2)  # the postponement runs out
        assert any(i.postponed_until for i in check(day))  # type: ignore[attr-defined]
        assert rebuilds == [D("2026-03-20")]
        day += timedelta(days=40)  # too far to roll: rebuilt
        check(day)
        assert rebuilds == [D("2026-03-20"), day]
    finally:
        ws.close()


def test_the_next_working_days_lines_prepared_ahead_roll_the_board(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lines prepared the day before (prepare_ahead) make the first look of the next working day a copy,
    not a computation; cases changed after they were prepared, and a board kept for another day, still
    come out exactly as the engine gives them over every case."""
    from desktop.services.demo import generate

    path = tmp_path / "ahead.sqlite3"
    generate(path, cases=700, seed=7, today=D("2026-03-20"), parallel=False, board=False)
    ws = Workspace.open(path, actor="测试员")
    service = Reminders(ws)
    rules = [r for r in service.rules() if r.enabled]
    table = service.holiday_table()

    def expected(day: date) -> list[object]:
        states = store.states_of(ws.db, [r[0] for r in ws.db.execute("SELECT id FROM cases")])
        return sorted(reminders(_all_facts(ws, service), rules, table, day, states))

    try:
        friday = D("2026-03-20")
        ws.today = lambda: friday
        board = list(service.board(friday).items)
        assert service.prepare_ahead(D("2026-03-19")) is None  # not the kept board's day
        monday = service.prepare_ahead(friday)
        assert monday == D("2026-03-23")  # the next working day, over the weekend
        prepared = store.ahead_meta(ws.db)
        assert prepared is not None and prepared.cases
        # after preparing: a contact, and a case whose reminders change
        service.record_contact([board[0]], ContactMethod.PHONE, "承诺下周付清")
        changed = next(i for i in board if i.case_id in prepared.cases)
        case = ws.load_case(changed.case_id)
        ws.save_case(replace(case, public_notice=not case.public_notice))

        def no_edges(*_args: object) -> set[int]:
            raise AssertionError("the prepared lines were not used")

        monkeypatch.setattr(store, "edge_cases", no_edges)
        ws.today = lambda: monday
        assert sorted(service.board(monday).items) == expected(monday)
        # lines prepared for another base day are not used: the board is rolled as always
        monkeypatch.undo()
        _counts_agree(service, monday)
        tuesday = D("2026-03-24")
        assert sorted(service.board(tuesday).items) == expected(tuesday)
        assert service.prepare_ahead(tuesday) == D("2026-03-25")
        assert sorted(service.board(D("2026-03-27")).items) == expected(D("2026-03-27"))
    finally:
        ws.close()


def test_a_rules_change_recomputes_only_the_cases_of_the_changed_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a rule is enabled, disabled or given another window, the kept board is brought to the new
    rules by computing again only the cases of the changed rules (their lines kept, and the cases they may
    now remind about), on the same day or rolled to another; at every step it is what the engine gives
    over every case. A holiday table change computes again only the cases near the changed day."""
    from desktop.services.demo import generate

    path = tmp_path / "rules.sqlite3"
    generate(path, cases=700, seed=11, today=D("2026-03-20"), parallel=False, board=False)
    ws = Workspace.open(path, actor="测试员")
    service = Reminders(ws)
    rebuilds: list[date] = []
    recomputed: list[int] = []
    real_chunks, real_cases = service._chunks, service.compute_cases

    def counting(rules_: list[Rule], table_: HolidayTable, day: date) -> object:
        rebuilds.append(day)
        return real_chunks(rules_, table_, day)

    def counting_cases(ids: set[int], *args: object) -> object:
        recomputed.append(len(ids))
        return real_cases(ids, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(service, "_chunks", counting)
    monkeypatch.setattr(service, "compute_cases", counting_cases)

    def check(day: date) -> list[ReminderItem]:
        ws.today = lambda: day
        rules = [r for r in service.rules() if r.enabled]
        states = store.states_of(ws.db, [r[0] for r in ws.db.execute("SELECT id FROM cases")])
        expected = reminders(_all_facts(ws, service), rules, service.holiday_table(), day, states)
        got = list(service.board(day).items)
        _counts_agree(service, day)
        assert sorted(got) == sorted(expected), day
        return got

    def change(rule_id: str, **settings: object) -> None:
        service.set_rules([replace(r, **settings) if r.id == rule_id else r for r in service.rules()])

    try:
        day = D("2026-03-20")
        before = check(day)
        assert rebuilds == [day]
        rule_ids = {i.rule_id for i in before}
        assert {"urge", "never_urged", "prompt"} <= rule_ids, rule_ids
        change("urge", enabled=False)  # never_urged's lines it covered come back
        got = check(day)
        assert not any(i.rule_id == "urge" for i in got)
        change("urge", enabled=True)
        assert sorted(check(day)) == sorted(before)
        prompt = next(r for r in service.rules() if r.id == "prompt")
        change("prompt", window_start=prompt.window_start - 5)  # a wider window: more cases
        wider = check(day)
        assert len([i for i in wider if i.rule_id == "prompt"]) > len(
            [i for i in before if i.rule_id == "prompt"]
        )
        # a rule with lines on cases another rule's reminder is on (分期提醒 beside 分期违约)
        installments = next(r for r in service.rules() if r.id == "installment_before")
        change("installment_before", window_start=installments.window_start - 3)
        check(day)
        change("installment_before", window_start=installments.window_start)
        day += timedelta(days=3)
        change("never_urged", enabled=False)  # and a day later at once
        check(day)
        assert rebuilds == [D("2026-03-20")]  # never from every case
        assert recomputed and max(recomputed) < 700, recomputed
        table = service.holiday_table()
        rest = next(
            d
            for d in (day + timedelta(days=n) for n in range(1, 30))
            if d.weekday() < 5 and table.entry(d) is None
        )
        service.import_holidays(
            to_json(
                HolidayTable.from_days([*table.entries, HolidayDay(rest, "rest", "测试放假")], table.years)
            ),
            "test.json",
        )
        recomputed.clear()
        check(day)
        assert rebuilds == [D("2026-03-20")]
        assert recomputed and max(recomputed) < 200, recomputed
    finally:
        ws.close()


def _rebuilds(service: Reminders, monkeypatch: pytest.MonkeyPatch) -> list[date]:
    """The days for which ``service`` builds its board from every case, from now on."""
    rebuilds: list[date] = []
    real_chunks = service._chunks

    def counting(rules_: list[Rule], table_: HolidayTable, day: date) -> object:
        rebuilds.append(day)
        return real_chunks(rules_, table_, day)

    monkeypatch.setattr(service, "_chunks", counting)
    return rebuilds


def _holiday_change(table: HolidayTable, day: date, rng: random.Random) -> str:
    """A holiday file a court could import near ``day`` (one year, replacing that year's days): a weekday
    made a rest day, a weekend day a working day, an entry dropped or renamed, or the next year's notice
    (new, or corrected)."""
    entries = {e.day: e for e in table.entries}
    what = rng.choice(["rest", "work", "drop", "rename", "next year"])
    near = [day + timedelta(days=n) for n in range(-40, 60)]
    listed = [d for d in near if d in entries and d.year in table.years and d.year <= day.year]
    if what == "rest":
        d = rng.choice([d for d in near if d.weekday() < 5 and d not in entries])
        entries[d] = HolidayDay(d, "rest", "测试放假")
    elif what == "work":
        d = rng.choice([d for d in near if d.weekday() >= 5 and d not in entries])
        entries[d] = HolidayDay(d, "work", "测试调休上班")
    elif what in ("drop", "rename") and listed:
        d = rng.choice(listed)
        if what == "drop":
            del entries[d]
        else:
            entries[d] = replace(entries[d], name=entries[d].name + "（改）")
    else:
        year = day.year + 1
        d = date(year, 1, 1)
        for e in [e for e in entries.values() if e.day.year == year]:
            del entries[e.day]
        for n in range(rng.choice([1, 3, 8])):
            entries[d + timedelta(days=n)] = HolidayDay(d + timedelta(days=n), "rest", "元旦")
    year = d.year
    days = [e for e in entries.values() if e.day.year == year]
    return to_json(HolidayTable.from_days(days, {year}, "测试"))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_holiday_change_recomputes_only_the_cases_near_the_changed_days(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """After each of a run of holiday changes (days made rest or working days, entries dropped or renamed,
    a year's notice added or taken away), on the same day or with the board rolled to another, the kept
    board is what the engine gives over every case with the new table, and it is never built from every
    case: only the cases whose reminders may read a changed day are computed again."""
    from desktop.services.demo import generate

    path = tmp_path / "holidays.sqlite3"
    generate(path, cases=600, seed=seed, today=D("2026-12-21"), parallel=False, board=False)
    ws = Workspace.open(path, actor="测试员")
    service = Reminders(ws)
    rng = random.Random(seed)
    rebuilds = _rebuilds(service, monkeypatch)
    try:
        day = D("2026-12-21")
        ws.today = lambda: day
        service.board(day)
        assert rebuilds == [day]
        table = first = service.holiday_table()
        for step in range(8):
            table = service.import_holidays(_holiday_change(table, day, rng), "test.json")
            if step % 3 == 2:
                day += timedelta(days=rng.choice([1, 3, 9]))
                ws.today = lambda day=day: day  # type: ignore[misc]
            rules = [r for r in service.rules() if r.enabled]
            states = store.states_of(ws.db, [r[0] for r in ws.db.execute("SELECT id FROM cases")])
            expected = reminders(_all_facts(ws, service), rules, table, day, states)
            assert sorted(service.board(day).items) == sorted(expected), (step, day)
            _counts_agree(service, day)
        assert table.entries != first.entries and table.years != first.years
        assert rebuilds == [D("2026-12-21")]
    finally:
        ws.close()


def test_a_holiday_change_brings_in_a_period_ending_earlier(workspace: Workspace) -> None:
    """A 执前督促 month whose nominal end, a Saturday, is made a working day ends two days earlier, and so
    enters its window: a case with no line before the change gets one (found by the rule's candidates near
    the changed day, not by the kept lines); made a rest day again, the line goes."""
    service = Reminders(workspace)
    saturday = D("2026-06-13")
    today = saturday - timedelta(days=4)  # the window opens 5 days before the end: Monday 06-15 - 5
    workspace.today = lambda: today
    saved = workspace.save_case(
        make_case(
            "（2026）黑0902执前督15号",
            stage=Stage.PRE_ENFORCEMENT,
            filing_date=D("2026-05-13"),
        )
    )

    def lines() -> list[ReminderItem]:
        return [i for i in service.board(today).items if i.rule_id == "pre_enforcement_expiry"]

    assert lines() == []
    table = service.holiday_table()
    year = [e for e in table.entries if e.day.year == 2026]
    service.import_holidays(
        to_json(HolidayTable.from_days([*year, HolidayDay(saturday, "work", "测试调休上班")], {2026})),
        "t.json",
    )
    (line,) = lines()
    assert (line.case_id, line.event_date) == (saved.id, saturday)
    service.import_holidays(to_json(HolidayTable.from_days(year, {2026})), "t.json")
    assert lines() == []


def test_a_next_years_notice_makes_its_reminders_final(workspace: Workspace) -> None:
    """A reminder counted from a day of a year the holiday table does not cover is provisional; once that
    year's notice is imported the kept board's line is computed again and is final (its case changed in
    nothing else, and the rule serves no document: only the year of its event was read)."""
    service = Reminders(workspace)
    today = D("2027-01-20")
    workspace.today = lambda: today
    case_id = _overdue_case(
        workspace, filing_date=D("2026-11-02"), judgment_date=D("2027-01-05"), effective_date=D("2027-01-05"),
        deadline=None,
    )  # fmt: skip

    def line() -> ReminderItem:
        (item,) = [i for i in service.board(today).items if i.case_id == case_id]
        return item

    before = line()
    assert before.rule_id == "never_urged" and before.provisional, before
    spring = [HolidayDay(D("2027-01-01"), "rest", "元旦")]
    spring += [HolidayDay(D("2027-02-06") + timedelta(days=n), "rest", "春节") for n in range(8)]
    service.import_holidays(to_json(HolidayTable.from_days(spring, {2027}, "测试")), "2027.json")
    after = line()
    assert not after.provisional and "未录入" not in after.reason


def test_after_a_rules_change_a_debtor_without_contact_details_is_still_asked_for_them(
    workspace: Workspace,
) -> None:
    """The facts read again for a changed rule that serves a document to debtors include whether their
    contact details are known: without them the reminder still suggests adding them, not the document."""
    from desktop.core.eligibility import ADD_CONTACT

    service = Reminders(workspace)
    case = make_case(deadline=D("2025-06-05"), payments=())
    case = replace(case, obligations=(replace(case.obligations[0], installments=()),))
    unreachable = tuple(replace(p, phone="", address="") if p.role.owes else p for p in case.parties)
    case_id = workspace.save_case(replace(case, parties=unreachable)).id

    def urge() -> ReminderItem:
        (item,) = [i for i in service.board().items if i.case_id == case_id and i.rule_id == "urge"]
        return item

    assert urge().suggested_form_title == ADD_CONTACT
    rule = next(r for r in service.rules() if r.id == "urge")
    service.set_rules(
        [replace(r, window_end=r.window_end + 2) if r.id == "urge" else r for r in service.rules()]
    )
    assert urge().due_date == D("2025-06-05") + timedelta(days=rule.window_end + 2)
    assert urge().suggested_form_title == ADD_CONTACT


def test_a_promise_falling_due_between_two_days_ends_the_prompt(workspace: Workspace) -> None:
    """A 提示书 reminder is not shown once the debtor's 履行承诺 has passed its date: rolled to a day after
    that date, the kept board drops it although the deadline's window has not moved."""
    service = Reminders(workspace)
    case_id = _overdue_case(workspace, deadline=TODAY + timedelta(days=5))
    service.add_event(
        case_id, CaseEvent(CaseEventKind.COMMITMENT, TODAY - timedelta(days=3), TODAY + timedelta(days=1))
    )

    def prompts(day: date) -> list[ReminderItem]:
        return [i for i in service.board(day).items if i.case_id == case_id and i.rule_id == "prompt"]

    assert len(prompts(TODAY)) == 1
    assert prompts(TODAY + timedelta(days=3)) == []
    assert len(prompts(TODAY)) == 1  # and back


def test_a_board_kept_without_its_holiday_table_is_built_whole_after_a_holiday_change(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A board kept by an earlier version (no holiday table kept with it) cannot tell which days changed:
    after a holiday change it is built from every case, and is then right."""
    service = Reminders(workspace)
    case_id = _overdue_case(workspace)
    service.board()
    with transaction(workspace.db) as conn:  # as a board kept by an earlier version
        conn.execute("UPDATE reminder_board_meta SET holidays = NULL")
    rebuilds = _rebuilds(service, monkeypatch)
    table = service.holiday_table()
    year = [e for e in table.entries if e.day.year == TODAY.year]
    service.import_holidays(
        to_json(HolidayTable.from_days([*year, HolidayDay(D("2025-06-09"), "rest", "测试")], {TODAY.year})),
        "t",
    )
    (item,) = [i for i in service.board().items if i.case_id == case_id]
    assert rebuilds == [TODAY]
    assert "测试" in item.reason  # the urge window 06-06 … 06-12 now touches the new rest day
    service.board()
    assert rebuilds == [TODAY]  # kept with its table since


def test_a_view_builds_aside_what_takes_seconds(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a large ledger a view brings the board up to date off its thread when it is built from every
    case, when rules changed, or when many cases changed since it was kept; else at once."""
    from desktop.services import reminders as service

    monkeypatch.setattr(service, "BACKGROUND_FROM", 1)
    monkeypatch.setattr(service, "SLOW_CASES", 1)
    reminders_ = Reminders(workspace)
    _overdue_case(workspace)
    today = workspace.today()
    assert reminders_.slow_build_ahead(today)  # no board kept
    reminders_.board(today)
    assert not reminders_.slow_build_ahead(today)
    reminders_.set_rules([replace(r, enabled=False) if r.id == "prompt" else r for r in reminders_.rules()])
    assert reminders_.slow_build_ahead(today)
    reminders_.board(today)
    assert not reminders_.slow_build_ahead(today)
    _overdue_case(workspace, "（2025）黑0902民初124号")
    assert not reminders_.slow_build_ahead(today)  # one case changed
    _overdue_case(workspace, "（2025）黑0902民初125号")
    assert reminders_.slow_build_ahead(today)  # more than SLOW_CASES


@pytest.mark.parametrize(
    ("before", "after", "changed"),
    [
        ("e1.t1;a=1,b=2,c=3", "e1.t1;a=1,b=2,c=3", set()),
        ("e1.t1;a=1,b=2,c=3", "e1.t1;a=1,b=9,c=3", {"b"}),
        ("e1.t1;a=1,b=2,c=3", "e1.t1;a=1,c=3", {"b"}),  # disabled
        ("e1.t1;a=1,c=3", "e1.t1;a=1,b=2,c=3", {"b"}),  # enabled
        ("e1.t1;", "e1.t1;a=1", {"a"}),
        ("e1.t1;a=1,b=2", "e1.t2;a=1,b=2", set()),  # another holiday table (compared on its own)
        ("e1.t1;a=1,b=2", "e1.t2;a=1,b=9", {"b"}),
        ("e1.t1;a=1,b=2", "e2.t1;a=1,b=2", None),  # another engine
        ("e1.t1;a=1,b=2", "e1.t1;b=2,a=1", None),  # another order
        ("t1;a=1,b=2", "e1.t1;a=1,b=2", None),  # a board kept before the table had a part of its own
        ("0123abcdef", "e1.t1;a=1", None),  # a board kept before rules were fingerprinted one by one
    ],
)
def test_which_rules_changed_between_two_fingerprints(
    before: str, after: str, changed: set[str] | None
) -> None:
    assert changed_rules(before, after) == (None if changed is None else frozenset(changed))


def test_fingerprints_tell_one_rules_change(workspace: Workspace) -> None:
    service = Reminders(workspace)
    rules = [r for r in service.rules() if r.enabled]
    table = service.holiday_table()
    wider = [replace(r, window_end=r.window_end + 1) if r.id == "urge" else r for r in rules]
    assert changed_rules(fingerprint(rules, table), fingerprint(wider, table)) == {"urge"}
    assert changed_rules(fingerprint(rules, table), fingerprint(rules[1:], table)) == {rules[0].id}
    other = merge(table, HolidayTable.from_days([HolidayDay(D("2026-05-06"), "rest", "测试")], [], "测试"))
    assert changed_rules(fingerprint(rules, table), fingerprint(rules, other)) == set()
    assert fingerprint(rules, table) != fingerprint(rules, other)


def test_candidate_queries_use_indexes(demo_db: Path) -> None:
    ws = Workspace.open(demo_db, actor="测试员")
    try:
        service = Reminders(ws)
        plans = store.explain_candidates(ws.db, service.rules(), D("2026-03-20"), service.holiday_table())
    finally:
        ws.close()
    assert plans
    for plan in plans:
        assert "SCAN c" not in plan and "SCAN i" not in plan and "SCAN e" not in plan, plan


# ---------------------------------------------------------------------------------------------------
# The service on a workspace
# ---------------------------------------------------------------------------------------------------


def _overdue_case(workspace: Workspace, number: str = "（2025）黑0902民初123号", **changes: object) -> int:
    case = make_case(number, **{"deadline": D("2025-06-05"), "obligations": (), "payments": (), **changes})
    reachable = tuple(replace(p, phone="0464-8123456") if p.role.owes else p for p in case.parties)
    case = replace(
        case, parties=reachable, obligations=(replace(make_case().obligations[0], installments=()),)
    )
    saved = workspace.save_case(case)
    assert saved.id is not None
    return saved.id


def test_the_board_is_built_whole_only_when_more_cases_changed_than_it_has_lines(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.services import reminders as service

    monkeypatch.setattr(service, "REBUILD_FROM", 1)
    reminders_ = Reminders(workspace)
    for n in range(4):
        _overdue_case(workspace, f"（2025）黑0902民初{300 + n}号")
    whole: list[int] = []
    real_chunks = reminders_._chunks

    def counting(*args: object) -> object:
        whole.append(1)
        return real_chunks(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(reminders_, "_chunks", counting)
    today = workspace.today()
    lines = len(reminders_.board(today).items)
    assert whole == [1] and lines >= 4
    for n in range(2):  # two changed cases, fewer than the lines: case by case
        _overdue_case(workspace, f"（2025）黑0902民初{400 + n}号")
    reminders_.board(today)
    assert whole == [1]
    lines = store.board_size(workspace.db)
    for n in range(lines + 1):  # more than the lines
        _overdue_case(workspace, f"（2025）黑0902民初{500 + n}号")
    assert len(reminders_.board(today).items) == lines + lines + 1
    assert whole == [1, 1]


def test_a_board_that_cannot_be_kept_now_is_its_kept_lines_with_the_changed_cases_computed(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read-only, or another PC writing the board at this moment: the day's board is the kept lines with
    the cases changed since computed now, not every case computed again."""
    service = Reminders(workspace)
    for n in range(3):
        _overdue_case(workspace, f"（2025）黑0902民初{600 + n}号")
    today = workspace.today()
    items = list(service.board(today).items)
    service.record_contact([items[0]], ContactMethod.PHONE, "承诺付款")
    _overdue_case(workspace, "（2025）黑0902民初700号")

    def every_case(*_args: object) -> object:
        raise AssertionError("computed from every case")

    monkeypatch.setattr(store, "write_board", lambda *_args, **_kwargs: False)
    monkeypatch.setattr(service, "_chunks", every_case)
    rules = [r for r in service.rules() if r.enabled]
    states = store.states_of(workspace.db, [r[0] for r in workspace.db.execute("SELECT id FROM cases")])
    expected = reminders(_all_facts(workspace, service), rules, service.holiday_table(), today, states)
    got = list(service.board(today).items)
    assert sorted(got) == sorted(expected)
    assert "（2025）黑0902民初700号" in {i.case_number for i in got}
    assert items[0].key not in {i.key for i in got}


def test_board_acts_and_keeps_the_cached_board_current(workspace: Workspace) -> None:
    service = Reminders(workspace)
    case_id = _overdue_case(workspace)
    other = _overdue_case(workspace, "（2025）黑0902民初124号", handler="李春雨")
    board = service.board()
    urge = [i for i in board.items if i.rule_id == "urge"]
    assert {i.case_id for i in urge} == {case_id, other}
    assert board.counts[Group.OVERDUE] == 2  # deadline 06-05: 催告书 due 06-12, today 06-13
    mine = service.board(handler="李春雨")
    assert {i.case_id for i in mine.items} == {other}

    (item,) = [i for i in urge if i.case_id == case_id]
    (contact,) = service.record_contact([item], ContactMethod.PHONE, "已接通，承诺本周履行")
    assert contact.rule_id == "urge" and contact.id is not None
    after = service.board()
    assert item.key not in {i.key for i in after.items}
    assert sorted(after.items) == sorted(
        service.compute([r for r in service.rules() if r.enabled], service.holiday_table(), workspace.today())
    )
    assert workspace.load_case(case_id).contacts[-1].outcome == "已接通，承诺本周履行"


def test_a_case_without_a_deadline_is_found_for_its_enforcement_period(workspace: Workspace) -> None:
    """The candidate query finds a case whose judgment sets no performance period (no deadline) two years
    after it took effect; today is 2025-06-13."""
    obligation = replace(make_case().obligations[0], installments=())
    saved = workspace.save_case(
        make_case(
            "（2023）黑0902民初88号",
            filing_date=D("2023-03-01"),
            judgment_date=D("2023-06-13"),
            effective_date=D("2023-06-13"),
            deadline=None,
            obligations=(obligation,),
            payments=(),
        )
    )
    service = Reminders(workspace)
    rules = [r for r in service.rules() if r.enabled]
    assert store.candidates(workspace.db, rules, workspace.today(), service.holiday_table())[
        "enforcement_period"
    ] == [saved.id]
    (item,) = [i for i in service.board().items if i.rule_id == "enforcement_period"]
    assert item.case_id == saved.id and item.due_date == D("2025-06-13")


def test_a_kept_board_drops_the_first_installment_warning_when_the_next_falls_due(
    workspace: Workspace,
) -> None:
    """make_case pays its first installment on 2025-05-30; the second is due 2025-06-30. Rolled from day
    to day, the kept board shows the warning until then, and is always what computing it gives."""
    service = Reminders(workspace)
    case_id = workspace.save_case(make_case()).id
    rules = [r for r in service.rules() if r.enabled]

    def first_paid(day: date) -> set[int]:
        board = service.board(day)
        assert sorted(board.items) == sorted(service.compute(rules, service.holiday_table(), day)), day
        return {i.case_id for i in board.items if i.rule_id == "installment_first_paid"}

    assert first_paid(D("2025-06-13")) == {case_id}
    assert first_paid(D("2025-06-29")) == {case_id}
    assert store.board_meta(workspace.db).day == D("2025-06-29")  # type: ignore[union-attr]
    assert first_paid(D("2025-06-30")) == set()
    assert first_paid(D("2025-06-29")) == {case_id}  # and back


def test_a_lazy_board_reads_the_same_lines_page_by_page(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = Reminders(workspace)
    for n in range(301, 308):
        _overdue_case(workspace, f"（2025）黑0902民初{n}号")
    eager = service.board()
    monkeypatch.setattr(store.BoardRows, "PAGE", 2)
    lazy = service.board(lazy=True)
    assert len(lazy.items) == len(eager.items) >= 7
    assert list(lazy.items) == list(eager.items)
    assert lazy.items[-1] == eager.items[-1] and lazy.items[1:4] == list(eager.items)[1:4]
    key = eager.items[3].key
    assert lazy.index_of(key) == eager.index_of(key) == 3
    with pytest.raises(IndexError):
        lazy.items[len(lazy.items)]
    service.postpone([eager.items[2]], workspace.today() + timedelta(days=2), "当事人外出")
    for handler, text in ((None, ""), ("王建国", ""), (None, "30"), (None, "民初305")):
        eager = service.board(handler=handler, text=text)
        lazy = service.board(handler=handler, lazy=True, text=text)
        assert list(lazy.items) == list(eager.items) and lazy.counts == eager.counts, (handler, text)
        assert [lazy.index_of(i.key) for i in eager.items] == list(range(len(eager.items)))
    assert lazy.index_of((10**9, "urge", D("2025-06-12"))) is None


def test_postpone_many_and_mark_done(workspace: Workspace) -> None:
    service = Reminders(workspace)
    ids = [_overdue_case(workspace, f"（2025）黑0902民初{n}号") for n in (201, 202, 203)]
    items = [i for i in service.board().items if i.rule_id == "urge"]
    assert {i.case_id for i in items} == set(ids)
    with pytest.raises(CaseInvalid, match="推迟理由"):
        service.postpone(items[:2], workspace.today() + timedelta(days=3), "  ")
    with pytest.raises(CaseInvalid, match="推迟至"):
        service.postpone(items[:2], workspace.today(), "义务人出差")
    service.postpone(items[:2], workspace.today() + timedelta(days=3), "义务人出差，下周回来")
    service.mark_done(items[2:], "已当面送达催告书")
    assert [i for i in service.board().items if i.rule_id == "urge"] == []
    back = [
        i for i in service.board(today=workspace.today() + timedelta(days=3)).items if i.rule_id == "urge"
    ]
    assert {i.case_id for i in back} == set(ids[:2])
    actions = [r["action"] for r in workspace.db.query("SELECT action FROM audit_log ORDER BY id")]
    assert actions.count("reminder.postponed") == 2 and actions.count("reminder.done") == 1


def test_events_recorded_for_a_case_bring_their_reminders(workspace: Workspace) -> None:
    service = Reminders(workspace)
    case_id = _overdue_case(
        workspace, stage=Stage.ENFORCEMENT, enforcement_case_number="（2025）黑0902执88号"
    )
    notice = CaseEvent(CaseEventKind.PRE_BLACKLIST, D("2025-06-01"), D("2025-06-11"), "当面送达")
    with pytest.raises(CaseInvalid, match="届满日期"):
        service.add_event(case_id, replace(notice, end=None))
    saved = service.add_event(case_id, notice)
    (item,) = [i for i in service.board().items if i.rule_id == "pre_blacklist"]
    assert item.case_id == case_id and item.suggested_form_title == "纳入失信决定书"
    assert saved.id is not None
    service.delete_event(saved.id)
    assert not [i for i in service.board().items if i.rule_id == "pre_blacklist"]


def test_rule_settings_are_stored_and_change_the_board(workspace: Workspace) -> None:
    service = Reminders(workspace)
    _overdue_case(workspace)
    assert [i for i in service.board().items if i.rule_id == "urge"]
    rules = [replace(r, enabled=False) if r.id == "urge" else r for r in service.rules()]
    service.set_rules(rules)
    assert not [i for i in service.board().items if i.rule_id == "urge"]
    with pytest.raises(CaseInvalid, match="不能晚于"):
        service.set_rules(
            [replace(r, window_start=9, window_end=1) if r.id == "prompt" else r for r in rules]
        )


# ---------------------------------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------------------------------


@pytest.fixture
def quiet_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """main() sets up file logging on every call; tests calling it twice would leak a log handler."""
    monkeypatch.setattr("desktop.cli._setup_logging", lambda: None)


@pytest.mark.usefixtures("quiet_cli")
def test_cli_json_lists_the_board(
    workspace: Workspace, db_target: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _overdue_case(workspace)
    workspace.close()
    assert main(["reminders", "--db", str(db_target), "--date", "2025-06-13", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    (row,) = [r for r in rows if r["rule"] == "urge"]
    for field in (
        "case_number",
        "rule",
        "due_date",
        "window_start",
        "window_end",
        "days_overdue",
        "handler",
        "suggested_form",
        "reason",
        "provisional",
    ):
        assert field in row
    assert row["case_number"] == "（2025）黑0902民初123号"
    assert (row["due_date"], row["window_start"], row["days_overdue"]) == ("2025-06-12", "2025-06-06", 1)
    assert row["handler"] == "王建国" and row["suggested_form"] == "performance_demand"
    assert main(["reminders", "--db", str(db_target), "--date", "2025-06-13"]) == 0
    text = capsys.readouterr().out
    assert "【逾期】" in text and "（2025）黑0902民初123号" in text
    assert "→《自动履行催告书》" in text and "performance_demand" not in text  # the title, not the form id


@pytest.mark.usefixtures("quiet_cli")
def test_cli_marks_an_advisory_rule_once(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = Workspace.open(db_path, actor="测试员")
    ws.today = lambda: D("2025-06-13")
    case = make_case(
        deadline=D("2023-06-20"), effective_date=D("2023-06-01"), judgment_date=D("2023-05-06"),
        filing_date=D("2023-03-03"),
    )  # fmt: skip
    ws.save_case(replace(case, obligations=(replace(case.obligations[0], installments=()),), payments=()))
    ws.close()
    assert main(["reminders", "--db", str(db_path), "--date", "2025-06-13"]) == 0
    text = capsys.readouterr().out
    assert "申请执行期间届满（参考）\t" in text and "（参考）（参考）" not in text


@pytest.mark.usefixtures("quiet_cli")
def test_cli_refuses_a_bad_date(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["reminders", "--db", str(db_path), "--date", "2025-02-30"])
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_never_urged_only_for_cases_with_an_obligation(workspace: Workspace) -> None:
    """A case without any obligation (claims dismissed, or not yet entered) has nothing to urge; the board
    built from SQL candidates and the engine over the full case agree."""
    effective = workspace.today() - timedelta(days=10)  # inside never_urged's window [8, 15]
    bare = make_case(
        "（2025）黑0902民初401号", effective_date=effective, judgment_date=effective, deadline=None,
        obligations=(), payments=(),
    )  # fmt: skip
    owing = replace(bare, case_number="（2025）黑0902民初402号", obligations=make_case().obligations[:1])
    owing = replace(owing, obligations=(replace(owing.obligations[0], installments=()),))
    ids = {}
    for case in (bare, owing):
        saved = workspace.save_case(case)
        assert saved.id is not None
        ids[case.case_number] = saved.id
    assert not facts_from_case(workspace.load_case(ids["（2025）黑0902民初401号"])).has_obligation
    service = Reminders(workspace)
    shown = {i.case_id for i in service.board().items if i.rule_id == "never_urged"}
    assert shown == {ids["（2025）黑0902民初402号"]}
    rules = [r for r in service.rules() if r.enabled]
    every = [facts_from_case(workspace.load_case(i)) for i in ids.values()]
    expected = reminders(every, rules, service.holiday_table(), workspace.today())
    assert sorted(service.compute(rules, service.holiday_table(), workspace.today())) == sorted(expected)


def test_the_json_the_database_writes_is_the_boards_json(workspace: Workspace) -> None:
    """``reminders --json`` has the engine write the JSON from the kept board: it must be, field for
    field, what :func:`board_json` makes of the board's items, in every group, with states and a
    handler filter, on both engines."""
    service = Reminders(workspace)
    handlers = ("王建国", "李春雨")
    for n, deadline in enumerate(
        ("2025-05-20", "2025-06-05", "2025-06-06", "2025-06-09", "2025-06-13", "2025-06-19")
    ):
        _overdue_case(
            workspace, f"（2025）黑0902民初{200 + n}号", handler=handlers[n % 2], deadline=D(deadline)
        )
    dates = {
        "effective_date": D("2023-06-01"),
        "judgment_date": D("2023-05-06"),
        "filing_date": D("2023-03-03"),
    }
    _overdue_case(workspace, "（2023）黑0902民初9号", deadline=D("2023-06-25"), **dates)  # 申请执行期间 ends
    board = service.board()
    assert len(board.items) >= 6
    service.postpone([board.items[0]], D("2025-06-14"), "当事人住院")
    service.mark_done([board.items[1]], "已当面督促")
    seen_groups: set[str] = set()
    for day in ("2025-06-13", "2025-06-14", "2025-06-20"):
        for handler in (None, "李春雨"):
            expected = board_json(service.board(D(day), handler))
            lines = [json.loads(line) for line in service.board_json_lines(D(day), handler)]
            assert lines == expected
            seen_groups |= {row["group"] for row in expected}
    assert seen_groups == {g.value for g in Group}
