"""Filled documents for hand-made cases, checked word for word against reviewed expected text.

The expected files (tests/forms/expected/*.txt) were read against the seed templates: names, 案号,
amounts with 大写, 〇-dates and the 2023 article numbers. pdftotext of the PDF must equal them
(whitespace aside, since pdftotext breaks lines where the layout did).
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from desktop.core.eligibility import CaseFlag
from desktop.core.model import (
    CaseStatus,
    Installment,
    Obligation,
    ObligationKind,
    Party,
    PartyKind,
    PartyRole,
    Payment,
    PaymentMethod,
    Stage,
)
from desktop.services.documents import DocumentService
from desktop.services.workspace import Workspace
from tests.conftest import make_case
from tests.forms.conftest import PAGE_NUMBER, POPPLER, pdf_text, squeeze

pytestmark = pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")

EXPECTED = Path(__file__).parent / "expected"


def with_address(case):  # type: ignore[no-untyped-def]
    """The debtor's address is known (房县: notices go to debtors whose contact details are known)."""
    creditor, debtor = case.parties
    return replace(case, parties=(creditor, replace(debtor, address="七台河市新兴区山湖路12号")))


def prompt_case():  # type: ignore[no-untyped-def]
    """Second installment of 60,000 due in five days (2025-06-18); the first was paid."""
    case = with_address(make_case())
    ob = case.obligations[0]
    ob = replace(
        ob,
        installments=(
            Installment(1, date(2025, 5, 31), 4_000_000),
            Installment(2, date(2025, 6, 18), 6_000_000),
        ),
    )
    return replace(case, obligations=(ob,), deadline=date(2025, 6, 18))


def demand_case():  # type: ignore[no-untyped-def]
    case = with_address(make_case("（2025）黑0902民初124号"))
    ob = case.obligations[0]
    ob = replace(
        ob,
        installments=(
            Installment(1, date(2025, 5, 31), 4_000_000),
            Installment(2, date(2025, 6, 10), 6_000_000),
        ),
    )
    return replace(case, obligations=(ob,), deadline=date(2025, 6, 10))


def performed_case():  # type: ignore[no-untyped-def]
    case = make_case("（2025）黑0902民初125号")
    return replace(
        case, payments=(*case.payments, Payment(date(2025, 6, 10), 6000000, creditor_confirmed=True))
    )


def enforcement_case(number: str = "（2025）黑0902执45号", paid: bool = False):  # type: ignore[no-untyped-def]
    payments = (
        (Payment(date(2025, 6, 9), 3_580_050, PaymentMethod.TRANSFER, creditor_confirmed=True),)
        if paid
        else ()
    )
    return make_case(
        number,
        cause="买卖合同纠纷",
        stage=Stage.ENFORCEMENT,
        disposition=make_case().disposition.JUDGMENT,
        filing_date=date(2025, 3, 3),
        judgment_date=None,
        effective_date=None,
        deadline=date(2025, 3, 20),
        notes="执行依据：（2024）黑0902民初888号民事判决书",
        status=CaseStatus.PERFORMED if paid else CaseStatus.OPEN,
        parties=(
            Party(
                PartyRole.CREDITOR,
                PartyKind.ORGANISATION,
                "七台河市鑫源建材有限公司",
                uscc="91230902MA1C2D3EXP",
            ),
            Party(
                PartyRole.DEBTOR,
                PartyKind.PERSON,
                "逄仉亓",
                id_number="11010519491231002X",
                phone="13800138000",
            ),
        ),
        obligations=(
            Obligation(
                ObligationKind.MONEY,
                "被执行人给付申请执行人货款35,800.50元",
                3_580_050,
                debtor="逄仉亓",
                creditor="七台河市鑫源建材有限公司",
            ),
        ),
        payments=payments,
    )


# form id, case, answers typed on top of the prefill, expected file
CASES = {
    "performance_prompt": (prompt_case, {"phone": "13945678901"}),
    "performance_demand": (demand_case, {}),
    "certificate_trial": (performed_case, {}),
    "performance_notice_ch": (make_case, {}),
    "pre_dishonesty_notice": (
        enforcement_case,
        {"notice_date": "2025-03-10", "new_deadline": "2025-06-27", "conduct": "违反财产报告制度"},
    ),
    "certificate_enforcement": (
        lambda: enforcement_case("（2025）黑0902执46号", paid=True),
        {"judgment_date": "2024-12-02"},
    ),
}


@pytest.mark.parametrize("form_id", sorted(CASES))
def test_filled_text_is_exactly_as_expected(workspace: Workspace, form_id: str, tmp_path: Path) -> None:
    make, typed = CASES[form_id]
    case = workspace.save_case(make())
    assert case.id is not None
    service = DocumentService(workspace)
    draft = service.start(form_id, case.id)
    issued = service.issue(form_id, case.id, {**draft.answers, **typed})
    text = pdf_text(service.pdf([issued]), tmp_path)
    path = EXPECTED / f"{form_id}.txt"
    if os.environ.get("TRIBUNAL_DESK_WRITE_EXPECTED"):
        path.write_text(PAGE_NUMBER.sub("", text).replace("\f", ""), encoding="utf-8")
    assert squeeze(PAGE_NUMBER.sub("", text)) == squeeze(path.read_text(encoding="utf-8"))


def test_golden_values(workspace: Workspace, tmp_path: Path) -> None:
    """The values the issue names, checked literally: names, 案号, amount, 大写, 〇-dates."""
    case = workspace.save_case(prompt_case())
    assert case.id is not None
    service = DocumentService(workspace)
    issued = service.issue(
        "performance_prompt", case.id, service.start("performance_prompt", case.id).answers
    )
    text = squeeze(pdf_text(service.pdf([issued]), tmp_path))
    for piece in (
        "七台河市新兴区人民法院",
        "自动履行提示书",
        "（2025）黑0902民初123号",
        "七台河市宏达商贸有限公司：",
        "张三丰与七台河市宏达商贸有限公司民间借贷纠纷一案",
        "你单位应于二〇二五年六月十八日前向张三丰给付人民币60,000.00元（大写：人民币陆万元整）",
        "户名：张三丰；账号：6222020200012345678；开户行：中国工商银行七台河分行",
        "第二百四十七条",
        "第二百六十四条",
        "二〇二五年六月十三日",
    ):
        assert piece in text, piece
    assert "二零" not in text and "二O" not in text  # dates use 〇 (U+3007), never 零 or the letter O


def test_rare_surname_and_decimal_amount(workspace: Workspace, tmp_path: Path) -> None:
    case = workspace.save_case(enforcement_case())
    assert case.id is not None
    service = DocumentService(workspace)
    service.set_flag(case.id, CaseFlag.MAIN_PART_CONSENT, date(2025, 6, 1))  # irrelevant to the notice
    answers = {**service.start("pre_fine_notice", case.id).answers, "notice_date": "2025-03-10",
               "new_deadline": "2025-06-27"}  # fmt: skip
    text = squeeze(pdf_text(service.pdf([service.issue("pre_fine_notice", case.id, answers)]), tmp_path))
    assert "逄仉亓：" in text
    assert "（2024）黑0902民初888号判决于二〇二五年三月三日" in text
