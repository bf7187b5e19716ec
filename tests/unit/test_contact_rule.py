"""房县方案九（三）: 提示书 and 催告书 go to debtors "联系方式明确". One rule in core decides both the
wizard's refusal and the dashboard's suggestion (补充联系方式 instead of a document that would be refused)."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from desktop.core.calendar import parse_holiday_json
from desktop.core.eligibility import (
    ADD_CONTACT,
    CONTACT_FORMS,
    CONTACT_RULES,
    check,
    contact_facts,
    missing_contact,
)
from desktop.core.model import Party, PartyKind, PartyRole
from desktop.core.reminders import evaluate_rule, facts_from_case, parse_rules, suggestion_text
from desktop.services.reminders import Reminders
from desktop.services.workspace import Workspace
from tests.conftest import TODAY, make_case

ROOT = Path(__file__).resolve().parents[2]
TABLE = parse_holiday_json((ROOT / "resources/holidays/cn-holidays.json").read_text(encoding="utf-8"))
RULES = {r.id: r for r in parse_rules((ROOT / "resources/rules/default-rules.json").read_text("utf-8"))}

BASE = make_case()
CREDITOR, DEBTOR = BASE.parties
OTHER_DEBTOR = Party(PartyRole.DEFENDANT, PartyKind.PERSON, "李四")

# (clause, the owing parties, contact known) — each row read by the wizard's rule and the board alike
CONTACT_CASES = [
    ("房县九（三）联系方式明确：登记了电话", (replace(DEBTOR, phone="0464-8123456"),), True),
    ("房县九（三）联系方式明确：登记了住址", (replace(DEBTOR, address="七台河市新兴区山湖路12号"),), True),
    ("房县九（三）两名义务人，一人有电话即可", (DEBTOR, replace(OTHER_DEBTOR, phone="13800138000")), True),
    ("房县九（三）电话、住址都没有：联系方式不明确", (DEBTOR,), False),
    ("房县九（三）只填了空格不算登记", (replace(DEBTOR, phone="  ", address=" "),), False),
    ("房县九（三）债权人的电话不是债务人的联系方式", (), False),
]  # fmt: skip


def _due_in(days: int, owing: tuple[Party, ...]):  # type: ignore[no-untyped-def]
    ob = replace(BASE.obligations[0], installments=())
    return replace(
        BASE,
        parties=(replace(CREDITOR, phone="13900001111"), *owing),
        obligations=(ob,),
        payments=(),
        deadline=TODAY + timedelta(days=days),
    )


@pytest.mark.parametrize(("clause", "owing", "known"), CONTACT_CASES, ids=[r[0] for r in CONTACT_CASES])
@pytest.mark.parametrize(
    ("eligibility", "rule_id", "days"),
    [("prompt", "prompt", 3), ("demand", "urge", -3)],
)
def test_one_rule_decides_the_wizard_and_the_board(
    clause: str, owing: tuple[Party, ...], known: bool, eligibility: str, rule_id: str, days: int
) -> None:
    case = _due_in(days, owing)
    verdict = check(eligibility, case, TODAY)
    assert verdict.allowed is known, clause
    (item,) = evaluate_rule(RULES[rule_id], facts_from_case(case), TABLE, TODAY)
    if known:
        assert item.suggested_form == RULES[rule_id].form_id, clause
        assert suggestion_text(item) == f"《{RULES[rule_id].form_title}》"
    else:
        assert "房县方案九（三）" in verdict.reason and "联系方式" in verdict.reason + "登记履行义务人", (
            clause
        )
        assert item.suggested_form == "", clause
        assert suggestion_text(item) == ADD_CONTACT, clause
        assert missing_contact(*contact_facts(case)) in item.reason, clause
        assert "请先补充联系方式" in item.reason, clause


def test_rules_without_a_contact_form_keep_their_suggestion() -> None:
    """房县九（三）binds only the 提示书 and 催告书: a 首期告诫 or a 期满 reminder is not changed."""
    assert {r.id for r in RULES.values() if r.needs_contact} == {
        "prompt",
        "urge",
        "installment_before",
        "installment_late",
        "installment_accelerated",
    }
    assert not RULES["pre_blacklist"].needs_contact


def test_the_contact_forms_are_the_forms_of_the_contact_rules() -> None:
    """CONTACT_FORMS (read by the reminder rules) and CONTACT_RULES (read by the wizard) name the same
    forms: a form added with eligibility "prompt" or "demand" must be added to both."""
    named = set()
    for path in sorted((ROOT / "forms").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if data.get("eligibility") in CONTACT_RULES:
            named.add(data["id"])
    assert named == CONTACT_FORMS


def test_the_board_in_the_database_says_what_is_missing(workspace: Workspace) -> None:
    """The store asks the rule's two questions in SQL; adding a phone number brings the document back."""
    case = _due_in(-3, (DEBTOR,))
    saved = workspace.save_case(replace(case, deadline=date(2025, 6, 10)))
    assert saved.id is not None
    service = Reminders(workspace)
    (item,) = [i for i in service.board().items if i.case_id == saved.id and i.rule_id == "urge"]
    assert suggestion_text(item) == ADD_CONTACT
    assert "履行义务人没有登记电话或住址" in item.reason
    loaded = workspace.load_case(saved.id)
    parties = tuple(replace(p, phone="13800138000") if p.role.owes else p for p in loaded.parties)
    workspace.save_case(replace(loaded, parties=parties))
    (item,) = [i for i in service.board().items if i.case_id == saved.id and i.rule_id == "urge"]
    assert item.suggested_form == "performance_demand"
    assert suggestion_text(item) == "《自动履行催告书》"
