"""Whole-case checks: each problem names the field and what is wrong."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.errors import ValidationError
from desktop.core.model import (
    Installment,
    Obligation,
    ObligationKind,
    Party,
    PartyKind,
    PartyRole,
    Payment,
    Stage,
)
from desktop.core.validation import case_problems, check_text
from tests.conftest import TODAY, make_case

BASE = make_case()
OB = BASE.obligations[0]
P0, P1 = BASE.parties


def fields(case) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.field for p in case_problems(case, TODAY)]


def test_the_sample_case_is_valid() -> None:
    assert case_problems(BASE, TODAY) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"case_number": "黑0902民初123号"}, "案号"),
        ({"enforcement_case_number": "执123"}, "执行案号"),
        ({"cause": "x" * 61}, "案由"),
        ({"handler": "王\x00五"}, "承办人"),
        ({"parties": ()}, "当事人"),
        ({"parties": (replace(P0, name=" "), P1)}, "当事人1姓名或名称"),
        ({"parties": (replace(P0, name="张" * 101), P1)}, "当事人1姓名或名称"),
        ({"parties": (replace(P0, name="张\u200b三"), P1)}, "当事人1姓名或名称"),
        ({"parties": (replace(P0, id_number="110105194912310021"), P1)}, "当事人1身份证号"),
        ({"parties": (P0, replace(P1, id_number="11010519491231002X"))}, "当事人2身份证号"),
        ({"parties": (replace(P0, uscc="91230902MA1C2D3EXP"), P1)}, "当事人1统一社会信用代码"),
        ({"parties": (P0, replace(P1, uscc="91230902MA1C2D3EX0"))}, "当事人2统一社会信用代码"),
        ({"parties": (replace(P0, phone="12345"), P1)}, "当事人1电话"),
        ({"parties": (replace(P0, service_date=date(2025, 7, 1)), P1)}, "当事人1送达日期"),
        (
            {"parties": (replace(P0, service_date=date(2025, 5, 10)), P1)},
            "当事人1送达日期",
        ),  # after effective
        ({"parties": (P0, replace(P1, registered_capital_fen=-1))}, "当事人2注册资本"),
        ({"filing_date": date(2025, 7, 1), "judgment_date": None}, "立案日期"),
        ({"judgment_date": date(2025, 3, 1)}, "裁判日期"),
        ({"effective_date": date(2025, 5, 1)}, "生效日期"),
        ({"deadline": date(2025, 5, 1)}, "履行期限"),
        ({"obligations": (replace(OB, installments=(), amount_fen=0),)}, "履行义务1金额"),
        ({"obligations": (Obligation(ObligationKind.ACT),)}, "履行义务1内容"),
        ({"obligations": (replace(OB, amount_fen=10_000_001),)}, "履行义务1分期"),
        (
            {
                "obligations": (
                    replace(
                        OB,
                        installments=(
                            Installment(1, date(2025, 6, 30), 4_000_000),
                            Installment(2, date(2025, 5, 31), 6_000_000),
                        ),
                    ),
                )
            },
            "履行义务1分期",
        ),
        (
            {
                "obligations": (
                    replace(
                        OB,
                        installments=(
                            Installment(1, date(2025, 5, 31), 4_000_000),
                            Installment(1, date(2025, 6, 30), 6_000_000),
                        ),
                    ),
                )
            },
            "履行义务1分期",
        ),
        ({"payments": (Payment(date(2025, 6, 14), 100),)}, "履行记录1日期"),
        ({"payments": (Payment(date(2025, 6, 1), 0),)}, "履行记录1金额"),
        ({"enforcement_filing_date": date(2025, 6, 14)}, "执行立案日期"),
        ({"enforcement_filing_date": date(2025, 5, 5)}, "执行立案日期"),  # before the judgment
        ({"enforcement_notice_date": date(2025, 6, 14)}, "执行通知书送达日期"),
        (
            {"enforcement_filing_date": date(2025, 6, 2), "enforcement_notice_date": date(2025, 6, 1)},
            "执行通知书送达日期",
        ),
        ({"enforcement_notice_date": date(2025, 5, 1)}, "执行通知书送达日期"),  # before the judgment
    ],
)
def test_each_problem_names_its_field(changes: dict[str, object], field: str) -> None:
    problems = case_problems(replace(BASE, **changes), TODAY)  # type: ignore[arg-type]
    assert field in [p.field for p in problems], problems
    assert all(p.message for p in problems)


def test_messages_are_specific() -> None:
    [problem] = case_problems(replace(BASE, obligations=(replace(OB, amount_fen=10_000_001),)), TODAY)
    assert problem.message == "各期金额合计100,000.00元，与总额100,000.01元不符"


def test_organisation_and_person_identifiers() -> None:
    person = Party(PartyRole.DEFENDANT, PartyKind.PERSON, "李四", id_number="11010519491231002X")
    org = Party(PartyRole.DEFENDANT, PartyKind.ORGANISATION, "某公司", uscc="912309021234567880")
    assert fields(replace(BASE, parties=(person, org))) == []


@given(st.text(max_size=80))
def test_check_text_accepts_or_refuses_with_a_field(text: str) -> None:
    try:
        cleaned = check_text("备注", text, max_len=60)
    except ValidationError as exc:
        assert exc.field == "备注" and exc.message
    else:
        assert cleaned == text.strip() and len(cleaned) <= 60


ENFORCEMENT = make_case(
    "（2025）黑0902执45号",
    stage=Stage.ENFORCEMENT,
    filing_date=date(2025, 5, 20),
    judgment_date=date(2024, 12, 2),
    effective_date=None,
    deadline=date(2025, 6, 30),
    enforcement_filing_date=date(2025, 5, 20),
    enforcement_notice_date=date(2025, 5, 26),
)


def test_an_enforcement_case_enforces_an_earlier_judgment() -> None:
    """Registered under its own 执 number, the case was filed after the judgment it enforces: its
    裁判日期 (判决/调解日期) is earlier than its 立案日期, which a trial case may not be."""
    assert case_problems(ENFORCEMENT, TODAY) == []
    trial = replace(ENFORCEMENT, case_number="（2025）黑0902民初45号")
    assert [p.field for p in case_problems(trial, TODAY)] == ["裁判日期"]


def test_enforcement_date_messages() -> None:
    early = replace(ENFORCEMENT, enforcement_filing_date=date(2024, 11, 1), enforcement_notice_date=None)
    assert [str(p) for p in case_problems(early, TODAY)] == ["执行立案日期：不能早于判决/调解日期"]
    notice = replace(ENFORCEMENT, enforcement_notice_date=date(2025, 5, 19))
    assert [str(p) for p in case_problems(notice, TODAY)] == ["执行通知书送达日期：不能早于执行立案日期"]


@given(
    judgment=st.dates(date(2020, 1, 1), TODAY),
    to_filing=st.integers(-400, 400),
    to_notice=st.integers(-60, 60),
)
def test_the_three_dates_are_accepted_exactly_in_order(
    judgment: date, to_filing: int, to_notice: int
) -> None:
    """判决/调解日期 ≤ 执行立案日期 ≤ 执行通知书送达日期 ≤ today, or a problem naming the later date."""
    from datetime import timedelta

    filed = judgment + timedelta(days=to_filing)
    served = filed + timedelta(days=to_notice)
    case = replace(
        ENFORCEMENT,
        judgment_date=judgment,
        filing_date=min(filed, TODAY),
        enforcement_filing_date=filed,
        enforcement_notice_date=served,
        deadline=None,
    )
    got = set(fields(case))
    assert got <= {"执行立案日期", "执行通知书送达日期"}
    in_order = judgment <= filed <= served <= TODAY
    assert (not got) == in_order
    if filed < judgment or filed > TODAY:
        assert "执行立案日期" in got
    if served < filed or served > TODAY:
        assert "执行通知书送达日期" in got
