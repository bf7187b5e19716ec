"""One set of windows (房县方案九（三）: 提示书 within the 7 days before the deadline, 催告书 within the 7
days after): the reminder rules a court edits are also the wizard's windows, so the dashboard never
suggests a document the wizard refuses, nor the wizard allows one the dashboard does not show."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from desktop.core.calendar import parse_holiday_json
from desktop.core.eligibility import Windows, check
from desktop.core.model import Installment, Payment
from desktop.core.reminders import (
    apply_settings,
    evaluate_rule,
    facts_from_case,
    parse_rules,
    windows_from_rules,
)
from desktop.services.documents import DocumentService
from desktop.services.reminders import Reminders
from desktop.services.workspace import Workspace
from tests.conftest import TODAY, make_case

ROOT = Path(__file__).resolve().parents[2]
TABLE = parse_holiday_json((ROOT / "resources/holidays/cn-holidays.json").read_text(encoding="utf-8"))
DEFAULTS = parse_rules((ROOT / "resources/rules/default-rules.json").read_text("utf-8"))

BASE = make_case()
CREDITOR, DEBTOR = BASE.parties
REACHABLE = (CREDITOR, replace(DEBTOR, phone="0464-8123456"))


def _whole(due: date):  # type: ignore[no-untyped-def]
    """100,000 due in one sum on ``due``, nothing paid."""
    ob = replace(BASE.obligations[0], installments=())
    return replace(BASE, parties=REACHABLE, obligations=(ob,), payments=(), deadline=due)


def _by_installments(due: date):  # type: ignore[no-untyped-def]
    """The first installment (40,000, 2025-05-31) paid; the second (60,000) due on ``due``."""
    ob = replace(
        BASE.obligations[0],
        installments=(Installment(1, date(2025, 5, 31), 4_000_000), Installment(2, due, 6_000_000)),
    )
    paid = (Payment(date(2025, 5, 30), 4_000_000, creditor_confirmed=True),)
    return replace(BASE, parties=REACHABLE, obligations=(ob,), payments=paid, deadline=due)


def test_the_default_windows_are_the_seeds_seven_days() -> None:
    """房县方案九（三）"届满前七日内 / 届满后七日内", per installment too (docs/reminder-rules.md)."""
    assert windows_from_rules(DEFAULTS) == Windows(7, 7, 7, 7)
    assert windows_from_rules(()) == Windows()


# (clause, the rule a court changes, its new window, the document rule, case builder, board rule)
SETTINGS = [
    ("房县九（三）提示书：届满前7日（默认）", "prompt", [-7, 0], "prompt", _whole, "prompt"),
    ("房县九（三）提示书：法院改为届满前10日", "prompt", [-10, 0], "prompt", _whole, "prompt"),
    ("房县九（三）提示书：法院改为届满前3日", "prompt", [-3, 0], "prompt", _whole, "prompt"),
    ("房县九（三）（四）分期提示：每期届满前7日（默认）", "installment_before", [-7, 0], "prompt",
     _by_installments, "installment_before"),
    ("房县九（三）（四）分期提示：法院改为每期前5日", "installment_before", [-5, 0], "prompt",
     _by_installments, "installment_before"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("clause", "rule_id", "window", "doc_rule", "build", "board_rule"), SETTINGS, ids=[r[0] for r in SETTINGS]
)
def test_the_board_shows_the_prompt_exactly_when_the_wizard_allows_it(
    clause: str,
    rule_id: str,
    window: list[int],
    doc_rule: str,
    build,
    board_rule: str,  # type: ignore[no-untyped-def]
) -> None:
    rules = apply_settings(DEFAULTS, {rule_id: {"window": window}})
    by_id = {r.id: r for r in rules}
    windows = windows_from_rules(rules)
    shown_days = []
    for ahead in range(0, 15):
        case = build(TODAY + timedelta(days=ahead))
        allowed = check(doc_rule, case, TODAY, windows=windows).allowed
        shown = bool(evaluate_rule(by_id[board_rule], facts_from_case(case), TABLE, TODAY))
        assert allowed == shown, (clause, ahead)
        if shown:
            shown_days.append(ahead)
    assert shown_days == list(range(0, -window[0] + 1)), clause


@pytest.mark.parametrize(
    ("clause", "rule_id", "window", "build"),
    [
        ("房县九（三）催告书：届满后7日（默认）", "urge", [1, 7], _whole),
        ("房县九（三）催告书：法院改为届满后10日", "urge", [1, 10], _whole),
        ("房县九（三）（四）分期催告：法院改为每期后5日", "installment_late", [1, 5], _by_installments),
    ],
)
def test_the_demand_is_late_on_the_board_exactly_when_the_wizard_says_so(
    clause: str,
    rule_id: str,
    window: list[int],
    build,  # type: ignore[no-untyped-def]
) -> None:
    rules = apply_settings(DEFAULTS, {rule_id: {"window": window}})
    rule = {r.id: r for r in rules}[rule_id]
    windows = windows_from_rules(rules)
    for late in range(1, 15):
        case = build(TODAY - timedelta(days=late))
        verdict = check("demand", case, TODAY, windows=windows)
        (item,) = evaluate_rule(rule, facts_from_case(case), TABLE, TODAY)
        assert verdict.allowed, (clause, late)
        assert ("已超过届满后" in verdict.reason) == (item.days_overdue > 0), (clause, late)


def test_a_court_that_changes_the_rules_changes_the_wizard(workspace: Workspace) -> None:
    """The 提醒规则 dialog's setting is the only one: the document service reads its windows from it."""
    reminders = Reminders(workspace)
    documents = DocumentService(workspace)
    assert documents.windows() == Windows(7, 7, 7, 7)
    changed = apply_settings(reminders.rules(), {"prompt": {"window": [-10, 0]}, "urge": {"window": [1, 5]}})
    reminders.set_rules(changed)
    assert documents.windows() == Windows(10, 5, 7, 7)
    saved = workspace.save_case(_whole(TODAY + timedelta(days=9)))
    assert saved.id is not None
    form = documents.form("performance_prompt")
    assert documents.eligibility(form, saved).allowed
    assert any(i.case_id == saved.id and i.rule_id == "prompt" for i in reminders.board().items)
