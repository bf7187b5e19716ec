"""审破衔接 screening (房县方案十, 佳木斯意见九（一）): the four grounds as a table of cases (core), the same
over a ledger (store queries, service), the notice offered only for open cases of a flagged enterprise with
its ground prefilled, ``tribunal-desk screening --json``, and the demo's examples of every ground."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.core.errors import ValidationError
from desktop.core.model import (
    CaseStatus,
    Installment,
    LicenceStatus,
    Party,
    PartyKind,
    PartyRole,
    Stage,
)
from desktop.core.screening import (
    Enterprise,
    Ground,
    OtherGround,
    Termination,
    YearCount,
    check_reason,
    notice_findings,
    screen,
)
from desktop.services.documents import DocumentService, NotEligible
from desktop.services.screening import Screening
from desktop.services.workspace import CaseInvalid, Workspace
from tests.conftest import TODAY, make_case

D = date.fromisoformat
CAPITAL = 50_000_000  # 50万元
A = Enterprise("uscc:91230902MA1C2D3EXP", "七台河市宏达商贸有限公司", "91230902MA1C2D3EXP", CAPITAL)
T = Termination(7, "（2024）黑0902执88号", D("2024-11-05"))
OTHER = OtherGround("停产停业，明显缺乏清偿能力", "孙建华", D("2025-06-01"))

# (clause, the enterprise's facts, the grounds met, words in the first finding's figures)
CASES = [
    ("十（一）同一年度10件，总额超过注册资本", replace(A, years=(YearCount(2025, 10, CAPITAL + 1),)),
     [Ground.CASES], "2025年金钱给付类纠纷10件，标的总额500,000.01元，超过注册资本500,000.00元"),
    ("十（一）“10件以上”含10件本数；12件亦然", replace(A, years=(YearCount(2025, 12, 80_000_000),)),
     [Ground.CASES], "12件"),
    ("十（一）9件不够", replace(A, years=(YearCount(2025, 9, 90_000_000),)), [], ""),
    ("十（一）总额等于注册资本不算“已超过”", replace(A, years=(YearCount(2025, 11, CAPITAL),)), [], ""),
    ("十（一）须同一年度：两年合计10件不算",
     replace(A, years=(YearCount(2024, 6, 40_000_000), YearCount(2025, 4, 40_000_000))), [], ""),
    ("十（一）多个年度符合的，写最近一年", replace(A, years=(YearCount(2023, 10, 60_000_000),
     YearCount(2025, 11, 70_000_000))), [Ground.CASES], "2025年"),
    ("十（一）注册资本未登记：无从比较", replace(A, registered_capital_fen=None,
     years=(YearCount(2025, 30, 900_000_000),)), [], ""),
    ("十（二）其他案件终结本次执行程序", replace(A, terminations=(T,)), [Ground.TERMINATED],
     "（2024）黑0902执88号（2024-11-05）"),
    ("十（三）营业执照吊销", replace(A, licence_status=LicenceStatus.REVOKED), [Ground.REVOKED], "吊销"),
    ("十（三）注销不是吊销", replace(A, licence_status=LicenceStatus.CANCELLED), [], ""),
    ("十（三）存续", replace(A, licence_status=LicenceStatus.ACTIVE), [], ""),
    ("十（四）法官登记的其他情形及理由", replace(A, other=OTHER), [Ground.OTHER],
     "停产停业，明显缺乏清偿能力（孙建华于2025-06-01登记）"),
    ("十（一）至（四）同时符合，按条文顺序", replace(A, years=(YearCount(2025, 10, 60_000_000),),
     terminations=(T,), licence_status=LicenceStatus.REVOKED, other=OTHER),
     [Ground.CASES, Ground.TERMINATED, Ground.REVOKED, Ground.OTHER], "2025年"),
    ("十 无任何情形", A, [], ""),
]  # fmt: skip


@pytest.mark.parametrize(("clause", "enterprise", "grounds", "words"), CASES, ids=[c[0] for c in CASES])
def test_the_four_grounds(clause: str, enterprise: Enterprise, grounds: list[Ground], words: str) -> None:
    findings = screen(enterprise)
    assert [f.ground for f in findings] == grounds, clause
    if words:
        assert words in findings[0].detail, clause


def test_the_grounds_are_the_forms_choices() -> None:
    import tomllib

    root = Path(__file__).resolve().parents[2]
    form = tomllib.loads((root / "forms/170_bankruptcy_review_notice.toml").read_text(encoding="utf-8"))
    (field,) = [f for f in form["fields"] if f["key"] == "ground"]
    assert field["choices"] == [g.value for g in Ground]
    assert [g.clause for g in Ground] == [f"房县方案十（{n}）" for n in "一二三四"]


def test_a_termination_supports_a_notice_only_in_another_case() -> None:
    """十（二）“被告已列为其他案件被执行人”: the 终本 case itself is not “another case”."""
    findings = screen(replace(A, terminations=(T,)))
    assert notice_findings(findings, T.case_id) == ()
    assert [f.ground for f in notice_findings(findings, 99)] == [Ground.TERMINATED]


@pytest.mark.parametrize(("reason", "ok"), [("停产停业", True), ("   ", False), ("理" * 201, False)])
def test_a_judges_reason_is_required(reason: str, ok: bool) -> None:
    if ok:
        assert check_reason(f" {reason} ") == reason
    else:
        with pytest.raises(ValidationError):
            check_reason(reason)


# ---------------------------------------------------------------------------------------------------
# Over a ledger
# ---------------------------------------------------------------------------------------------------

BASE = make_case()
CREDITOR = replace(BASE.parties[0])


def _company(name: str, uscc: str, **changes: object) -> Party:
    return Party(
        PartyRole.DEFENDANT, PartyKind.ORGANISATION, name, uscc=uscc, phone="0464-8123456", **changes
    )  # type: ignore[arg-type]


def _case(ws: Workspace, number: str, debtor: Party, amount: int = 10_000_000, **changes: object) -> int:
    ob = replace(BASE.obligations[0], amount_fen=amount, debtor=debtor.name, installments=(
        Installment(1, D("2025-06-30"), amount),))  # fmt: skip
    case = replace(
        BASE, case_number=number, parties=(CREDITOR, debtor), obligations=(ob,), payments=(), **changes
    )
    saved = ws.save_case(case)
    assert saved.id is not None
    return saved.id


HONGDA = _company("七台河市宏达商贸有限公司", "91230902MA1C2D3EXP", registered_capital_fen=50_000_000)
XINGLONG = _company("七台河市兴隆建材有限公司", "912309021234567880", registered_capital_fen=100_000_000)
ZOMBIE = _company("七台河市旧城煤炭有限公司", "", licence_status=LicenceStatus.REVOKED)
SOUND = _company(
    "七台河市长青食品有限公司", "", registered_capital_fen=10_000_000, licence_status=LicenceStatus.ACTIVE
)


@pytest.fixture
def ledger(workspace: Workspace) -> dict[str, int]:
    ids: dict[str, int] = {}
    # 宏达: ten 2025 money cases of 100,000 each (total 1,000,000 > 500,000), one of them archived, plus an
    # appeal (民终) and an enforcement (执) number of the same debts, which do not count again
    for seq in range(1, 11):
        ids[f"宏达{seq}"] = _case(workspace, f"（2025）黑0902民初{seq}号", HONGDA,
                                 status=CaseStatus.CLOSED if seq == 1 else CaseStatus.OPEN)  # fmt: skip
    _case(workspace, "（2025）黑09民终5号", HONGDA)
    # 兴隆: nine cases only; an enforcement case against it ended by 终本
    for seq in range(21, 30):
        ids[f"兴隆{seq}"] = _case(workspace, f"（2025）黑0902民初{seq}号", XINGLONG)
    ids["兴隆执"] = _case(workspace, "（2024）黑0902执88号", replace(XINGLONG, role=PartyRole.DEBTOR),
                         stage=Stage.ENFORCEMENT, status=CaseStatus.CLOSED)  # fmt: skip
    ids["旧城"] = _case(workspace, "（2025）黑0902民初40号", ZOMBIE)
    ids["长青"] = _case(workspace, "（2025）黑0902民初41号", SOUND)
    return ids


def test_the_ledger_is_screened(workspace: Workspace, ledger: dict[str, int]) -> None:
    service = Screening(workspace)
    assert {f.enterprise.name for f in service.flagged()} == {
        "七台河市宏达商贸有限公司",
        "七台河市旧城煤炭有限公司",
    }
    service.record_termination(ledger["兴隆执"], D("2024-11-05"), "无财产可供执行")
    service.enter_other("", "七台河市长青食品有限公司", "停产停业，明显缺乏清偿能力")
    flagged = {f.enterprise.name: f for f in service.flagged()}
    hongda = flagged["七台河市宏达商贸有限公司"]
    assert [f.ground for f in hongda.findings] == [Ground.CASES]
    assert (
        "2025年金钱给付类纠纷10件，标的总额1,000,000.00元，超过注册资本500,000.00元"
        in hongda.findings[0].detail
    )
    assert len(hongda.open_cases) == 10  # nine 民初 and the 民终 are open; the archived one is not
    assert [f.ground for f in flagged["七台河市兴隆建材有限公司"].findings] == [Ground.TERMINATED]
    assert [f.ground for f in flagged["七台河市旧城煤炭有限公司"].findings] == [Ground.REVOKED]
    assert [f.ground for f in flagged["七台河市长青食品有限公司"].findings] == [Ground.OTHER]
    # the 终本 case itself is not "another case"
    assert service.for_case(ledger["兴隆执"]) == ()
    assert [f.ground for f in service.for_case(ledger["兴隆21"])] == [Ground.TERMINATED]
    service.remove_other("", "七台河市长青食品有限公司")
    service.remove_termination(ledger["兴隆执"])
    assert {f.enterprise.name for f in service.flagged()} == {
        "七台河市宏达商贸有限公司",
        "七台河市旧城煤炭有限公司",
    }


def test_what_staff_record_is_checked(workspace: Workspace, ledger: dict[str, int]) -> None:
    service = Screening(workspace)
    with pytest.raises(CaseInvalid, match="不在执行阶段"):
        service.record_termination(ledger["兴隆21"], D("2025-01-01"))
    with pytest.raises(CaseInvalid, match="不能晚于今天"):
        service.record_termination(ledger["兴隆执"], TODAY.replace(year=TODAY.year + 1))
    with pytest.raises(CaseInvalid, match="理由"):
        service.enter_other("", "七台河市长青食品有限公司", " ")


def test_the_notice_only_for_open_cases_of_a_flagged_enterprise_with_the_ground_prefilled(
    workspace: Workspace, ledger: dict[str, int]
) -> None:
    documents = DocumentService(workspace)
    draft = documents.start("bankruptcy_review_notice", ledger["宏达2"])
    assert draft.answers["ground"] == Ground.CASES.value
    assert "标的总额1,000,000.00元，超过注册资本500,000.00元" in draft.answers["detail"]
    with pytest.raises(NotEligible, match="已归档"):
        documents.start("bankruptcy_review_notice", ledger["宏达1"])  # archived
    with pytest.raises(NotEligible, match="审破衔接筛查未发现"):
        documents.start("bankruptcy_review_notice", ledger["长青"])
    draft = documents.start("bankruptcy_review_notice", ledger["旧城"])
    assert draft.answers["ground"] == Ground.REVOKED.value


def test_cli_lists_flagged_enterprises_with_grounds(
    workspace: Workspace, ledger: dict[str, int], db_target: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace.close()
    assert main(["screening", "--db", str(db_target), "--json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    hongda = rows["七台河市宏达商贸有限公司"]
    assert hongda["uscc"] == "91230902MA1C2D3EXP" and hongda["registered_capital_fen"] == 50_000_000
    assert hongda["grounds"] == [
        {
            "clause": "房县方案十（一）",
            "ground": Ground.CASES.value,
            "detail": "2025年金钱给付类纠纷10件，标的总额1,000,000.00元，超过注册资本500,000.00元",
        }
    ]
    assert len(hongda["open_cases"]) == 10
    assert rows["七台河市旧城煤炭有限公司"]["licence_status"] == "吊销"
    assert main(["screening", "--db", str(db_target)]) == 0
    text = capsys.readouterr().out
    assert "2家企业" in text and "房县方案十（三）" in text


def test_the_demo_has_an_enterprise_for_every_ground(tmp_path: Path) -> None:
    from desktop.services.demo import generate

    path = tmp_path / "demo.sqlite3"
    generate(path, cases=2000, seed=1, today=D("2026-03-20"), parallel=False, board=False)
    ws = Workspace.open(path, actor="测试员")
    try:
        flagged = Screening(ws).flagged()
        met = {f.ground for e in flagged for f in e.findings}
        assert met == set(Ground)
        assert all(e.open_cases for e in flagged if any(f.ground is Ground.CASES for f in e.findings))
    finally:
        ws.close()
