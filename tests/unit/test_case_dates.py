"""Effective date and deadline from service dates, the kind of document and the judgment's terms."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from desktop.core.calendar import DocumentKind, parse_holiday_json
from desktop.core.case_dates import document_kind, override_problems, parse_term, propose_dates
from desktop.core.errors import ValidationError
from desktop.core.model import Disposition, Installment, Obligation, ObligationKind, Procedure
from desktop.services.reminders import Reminders
from desktop.services.workspace import CaseInvalid, Workspace
from tests.conftest import make_case

ROOT = Path(__file__).resolve().parents[2]
TABLE = parse_holiday_json((ROOT / "resources/holidays/cn-holidays.json").read_text(encoding="utf-8"))
D = date.fromisoformat


def _judgment(served: list[str], term: str = "于本判决生效之日起十日内", **changes: object):  # type: ignore[no-untyped-def]
    case = make_case(
        disposition=Disposition.JUDGMENT, procedure=Procedure.SIMPLIFIED, judgment_date=D("2025-01-10")
    )
    parties = tuple(replace(p, service_date=D(s)) for p, s in zip(case.parties, served, strict=True))
    ob = Obligation(ObligationKind.MONEY, f"被告{term}给付原告借款100000元", 10_000_000)
    return replace(case, parties=parties, obligations=(ob,), payments=(), **changes)


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("于本判决生效之日起十日内给付", (10, "日")),
        ("于本判决生效之日起十五日内", (15, "日")),
        ("于判决生效后三十日内", (30, "日")),
        ("于本判决生效之日起15日内", (15, "日")),
        ("于调解书生效之日起一个月内", (1, "个月")),
        ("生效之日起一百二十日内", (120, "日")),
        ("于本判决发生法律效力之日起十日内给付", (10, "日")),
        ("于本判决发生法律效力后十五日内", (15, "日")),
        ("本调解书发生法律效力之日起两个月内", (2, "个月")),
        ("于2025年6月30日前给付", None),
        ("当庭给付", None),
    ],
)
def test_parse_term(text: str, term: tuple[int, str] | None) -> None:
    assert parse_term(text) == term


def test_the_worked_chain_of_domain_md() -> None:
    proposal = propose_dates(_judgment(["2025-01-17", "2025-01-17"]), TABLE)
    assert proposal.kind is DocumentKind.JUDGMENT
    assert proposal.effective.effective == D("2025-02-06")
    assert proposal.deadline == D("2025-02-17")
    assert "原届满日2025-02-01为春节假期，顺延至2025-02-05" in proposal.explanation
    assert "原届满日2025-02-16为星期日，顺延至2025-02-17" in proposal.explanation
    assert not proposal.provisional


def test_each_party_counts_from_its_own_service() -> None:
    proposal = propose_dates(_judgment(["2025-09-10", "2025-09-16"]), TABLE)
    # 09-16 + 15 = 10-01 (国庆) → 10-09; effective 10-10; + 10 days = 10-20
    assert proposal.effective.effective == D("2025-10-10")
    assert proposal.deadline == D("2025-10-20")


def test_kinds_of_document() -> None:
    assert document_kind(_judgment(["2025-01-17", "2025-01-17"], procedure=Procedure.SECOND_INSTANCE)) is (
        DocumentKind.SECOND_INSTANCE
    )
    assert document_kind(_judgment(["2025-01-17", "2025-01-17"], procedure=Procedure.SMALL_CLAIMS)) is (
        DocumentKind.SMALL_CLAIMS
    )
    assert document_kind(make_case(disposition=Disposition.RULING)) is DocumentKind.FINAL_RULING
    assert document_kind(make_case(disposition=Disposition.RULING, cause="驳回起诉")) is DocumentKind.RULING
    assert document_kind(make_case(disposition=Disposition.JUDICIAL_CONFIRMATION)) is (
        DocumentKind.JUDICIAL_CONFIRMATION
    )
    mediation = propose_dates(
        _judgment(
            ["2025-05-06", "2025-05-08"], disposition=Disposition.MEDIATION, judgment_date=D("2025-05-06")
        ),
        TABLE,
    )
    assert mediation.effective.effective == D("2025-05-08")  # the last signature
    second = propose_dates(
        _judgment(["2025-03-03", "2025-03-05"], procedure=Procedure.SECOND_INSTANCE), TABLE
    )
    assert second.effective.effective == D("2025-03-05")


def test_installments_fixed_dates_and_the_latest_term_wins() -> None:
    case = _judgment(["2025-01-17", "2025-01-17"])
    plan = Obligation(
        ObligationKind.MONEY,
        "分两期给付",
        300_000,
        installments=(Installment(1, D("2025-03-10"), 100_000), Installment(2, D("2025-04-10"), 200_000)),
    )
    fixed = Obligation(ObligationKind.ACT, "于2025年3月31日前腾退房屋", due_date=D("2025-03-31"))
    proposal = propose_dates(replace(case, obligations=(*case.obligations, plan, fixed)), TABLE)
    assert proposal.deadline == D("2025-04-10")
    assert "最后一期2025-04-10" in proposal.deadline_explanation
    assert "取最晚者2025-04-10" in proposal.deadline_explanation


def test_no_term_leaves_the_deadline_to_staff() -> None:
    proposal = propose_dates(_judgment(["2025-01-17", "2025-01-17"], term="自愿"), TABLE)
    assert proposal.deadline is None
    assert "请手工填写履行期限" in proposal.deadline_explanation


def test_a_term_ending_in_an_uncovered_year_is_provisional() -> None:
    proposal = propose_dates(_judgment(["2026-12-10", "2026-12-10"], judgment_date=D("2026-12-01")), TABLE)
    assert proposal.provisional
    assert "2027年节假日安排未录入" in proposal.explanation


@pytest.mark.parametrize(
    ("case", "field", "fragment"),
    [
        (_judgment(["2025-01-17", "2025-01-17"], judgment_date=D("2025-01-20")), "送达日期", "早于裁判日期"),
        (
            replace(
                _judgment(["2025-01-17", "2025-01-17"]),
                obligations=(Obligation(ObligationKind.MONEY, "给付", 100, due_date=D("2025-01-05")),),
            ),
            "履行期限",
            "早于裁判日期",
        ),
    ],
)
def test_impossible_dates_are_refused(case: object, field: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as err:
        propose_dates(case, TABLE)  # type: ignore[arg-type]
    assert err.value.field == field and fragment in err.value.message


def test_a_party_not_yet_served_is_named() -> None:
    case = _judgment(["2025-01-17", "2025-01-17"])
    case = replace(case, parties=(case.parties[0], replace(case.parties[1], service_date=None)))
    with pytest.raises(ValidationError) as err:
        propose_dates(case, TABLE)
    assert err.value.field == "当事人2送达日期"
    assert "七台河市宏达商贸有限公司尚未填写送达日期" in err.value.message


def test_an_override_needs_its_reason() -> None:
    case = _judgment(["2025-01-17", "2025-01-17"])
    proposal = propose_dates(case, TABLE)
    computed = replace(case, effective_date=D("2025-02-06"), deadline=D("2025-02-17"))
    assert override_problems(computed, proposal) == []
    overridden = replace(computed, deadline=D("2025-02-28"))
    (problem,) = override_problems(overridden, proposal)
    assert problem.field == "履行期限说明" and "2025-02-17" in problem.message
    assert override_problems(replace(overridden, deadline_override_reason="双方协商延期"), proposal) == []


def test_a_service_date_after_the_stored_effective_date_is_refused() -> None:
    case = _judgment(["2025-01-17", "2025-02-10"], effective_date=D("2025-02-06"), deadline=D("2025-02-17"))
    problems = override_problems(case, propose_dates(case, TABLE))
    assert any(p.field == "送达日期" and "晚于生效日期2025-02-06" in p.message for p in problems)


def test_saving_refuses_a_service_date_after_the_effective_date_or_a_deadline_before_the_judgment(
    workspace: Workspace,
) -> None:
    late_service = _judgment(["2025-01-17", "2025-02-10"], effective_date=D("2025-02-06"))
    with pytest.raises(CaseInvalid) as err:
        workspace.save_case(late_service)
    assert "当事人2送达日期：不能晚于生效日期" in str(err.value)
    early_deadline = _judgment(["2025-01-17", "2025-01-17"], effective_date=None, deadline=D("2025-01-05"))
    with pytest.raises(CaseInvalid) as err:
        workspace.save_case(early_deadline)
    assert "履行期限：不能早于裁判日期" in str(err.value)
    assert Reminders(workspace).date_problems(late_service)[0].field == "送达日期"


def test_the_service_computes_with_the_database_table(workspace: Workspace) -> None:
    proposal = Reminders(workspace).propose_dates(_judgment(["2025-01-17", "2025-01-17"]))
    assert (proposal.effective.effective, proposal.deadline) == (D("2025-02-06"), D("2025-02-17"))


# Who may appeal, and so when the document takes effect. Each row names the article that decides it.
# Served on 2025-09-16 (both parties): appealable judgments → 10-01 + … → 10-09 (国庆) → effective 10-10;
# appealable rulings → 09-26 → effective 09-27; everything final → effective on service, 09-16; a
# "生效之日起十日内" term then ends 09-26 (final) instead of 10-20 (judgment) or 10-07 → 10-09 (ruling).
FINALITY_CASES = [
    # (clause, number, disposition, procedure, cause, kind, effective, deadline)
    ("民诉法§171 一审判决，上诉期15日", "（2025）黑0902民初123号", Disposition.JUDGMENT,
     Procedure.SIMPLIFIED, "民间借贷纠纷", DocumentKind.JUDGMENT, "2025-10-10", "2025-10-20"),
    ("民诉法§157 驳回起诉裁定可上诉，上诉期10日", "（2025）黑0902民初123号", Disposition.RULING,
     Procedure.SIMPLIFIED, "驳回起诉", DocumentKind.RULING, "2025-09-27", "2025-10-09"),
    ("民诉法§157 对管辖权有异议的裁定可上诉", "（2025）黑0902民初123号", Disposition.RULING,
     Procedure.ORDINARY, "对管辖权有异议", DocumentKind.RULING, "2025-09-27", "2025-10-09"),
    ("民诉法§157 不予受理裁定可上诉", "（2025）黑0902民初123号", Disposition.RULING,
     Procedure.ORDINARY, "不予受理", DocumentKind.RULING, "2025-09-27", "2025-10-09"),
    ("民诉法§157 其他裁定（先予执行）不可上诉，送达生效", "（2025）黑0902民初123号", Disposition.RULING,
     Procedure.SIMPLIFIED, "民间借贷纠纷", DocumentKind.FINAL_RULING, "2025-09-16", "2025-09-26"),
    ("民诉法§165 小额诉讼判决一审终审", "（2025）黑0902民初123号", Disposition.JUDGMENT,
     Procedure.SMALL_CLAIMS, "民间借贷纠纷", DocumentKind.SMALL_CLAIMS, "2025-09-16", "2025-09-26"),
    ("民诉法§165 小额诉讼裁定一审终审（即使是驳回起诉）", "（2025）黑0902民初123号", Disposition.RULING,
     Procedure.SMALL_CLAIMS, "驳回起诉", DocumentKind.SMALL_CLAIMS_RULING, "2025-09-16", "2025-09-26"),
    ("民诉法§185 特别程序（实现担保物权）一审终审", "（2025）黑0902民特45号", Disposition.RULING,
     Procedure.SPECIAL, "实现担保物权", DocumentKind.SPECIAL_PROCEDURE, "2025-09-16", "2025-09-26"),
    ("民诉法§185 民特案号即特别程序，程序栏未选也一审终审", "（2025）黑0902民特46号", Disposition.RULING,
     Procedure.SIMPLIFIED, "实现担保物权", DocumentKind.SPECIAL_PROCEDURE, "2025-09-16", "2025-09-26"),
    ("民诉法§185/§206 确认调解协议（司法确认）", "（2025）黑0902民特47号", Disposition.JUDICIAL_CONFIRMATION,
     Procedure.SPECIAL, "确认调解协议", DocumentKind.JUDICIAL_CONFIRMATION, "2025-09-16", "2025-09-26"),
    ("民诉法§182 二审判决为终审判决（民终）", "（2025）黑09民终88号", Disposition.JUDGMENT,
     Procedure.SECOND_INSTANCE, "民间借贷纠纷", DocumentKind.SECOND_INSTANCE, "2025-09-16", "2025-09-26"),
    ("民诉法§182 民终案号即二审，程序栏未选也送达生效", "（2025）黑09民终89号", Disposition.JUDGMENT,
     Procedure.ORDINARY, "民间借贷纠纷", DocumentKind.SECOND_INSTANCE, "2025-09-16", "2025-09-26"),
    ("民诉法§182 二审裁定为终审裁定", "（2025）黑09民终90号", Disposition.RULING,
     Procedure.SECOND_INSTANCE, "驳回起诉", DocumentKind.SECOND_INSTANCE_RULING, "2025-09-16", "2025-09-26"),
    ("民诉法§100 调解书双方签收后生效（二审调解亦同）", "（2025）黑09民终91号", Disposition.MEDIATION,
     Procedure.SECOND_INSTANCE, "民间借贷纠纷", DocumentKind.MEDIATION, "2025-09-16", "2025-09-26"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("clause", "number", "disposition", "procedure", "cause", "kind", "effective", "deadline"),
    FINALITY_CASES,
    ids=[row[0] for row in FINALITY_CASES],
)
def test_who_may_appeal_decides_the_effective_date(
    clause: str,
    number: str,
    disposition: Disposition,
    procedure: Procedure,
    cause: str,
    kind: DocumentKind,
    effective: str,
    deadline: str,
) -> None:
    case = _judgment(
        ["2025-09-16", "2025-09-16"],
        case_number=number,
        disposition=disposition,
        procedure=procedure,
        cause=cause,
        judgment_date=D("2025-09-10"),
    )
    proposal = propose_dates(case, TABLE)
    assert proposal.kind is kind, clause
    assert proposal.effective.effective == D(effective), clause
    assert proposal.deadline == D(deadline), clause
    if kind.appeal_days is None:
        assert "后生效，送达日期为2025-09-16" in proposal.explanation, clause
    else:
        assert f"上诉期{kind.appeal_days}日" in proposal.explanation, clause
