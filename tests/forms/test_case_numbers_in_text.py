"""Which 案号 a document prints where: the enforcement case's own number on enforcement notices, the
judgment's (or mediation's) number wherever the text names the 判决书 or 调解书.

A 执恢 case records the earlier enforcement case it resumes in ``enforcement_case_number``; a 执前调 or
执前督 case is registered under a local pre-enforcement number that is not the number of any 判决书.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from desktop.core.model import CaseStatus, Payment, Stage
from desktop.documents.sources import SourceContext, value
from desktop.services.documents import DocumentService
from desktop.services.workspace import Workspace
from tests.conftest import TODAY, make_case
from tests.forms.conftest import POPPLER, pdf_text, squeeze
from tests.forms.test_golden import enforcement_case, with_address


def source(name: str, case) -> object:  # type: ignore[no-untyped-def]
    return value(name, SourceContext(case, TODAY))


def test_resumed_enforcement_prints_its_own_number() -> None:
    case = replace(
        enforcement_case("（2025）黑0902执恢4号"),
        enforcement_case_number="（2023）黑0902执1号",
        notes="执行依据：（2022）黑0902民初2号民事调解书；原执行案件（2023）黑0902执1号终结本次执行程序后恢复执行",
    )
    assert source("case.enforcement_number", case) == "（2025）黑0902执恢4号"
    assert source("case.basis_number", case) == "（2022）黑0902民初2号"
    assert source("case.own_document", case) == "执行裁定书"


def test_trial_case_moved_to_enforcement_prints_the_enforcement_number() -> None:
    case = make_case(stage=Stage.ENFORCEMENT, enforcement_case_number="（2025）黑0902执77号")
    assert source("case.enforcement_number", case) == "（2025）黑0902执77号"
    assert source("case.basis_number", case) == "（2025）黑0902民初123号"
    assert source("case.own_document", case) == "民事调解书"


def test_pre_enforcement_number_is_kept_for_the_pre_enforcement_notice() -> None:
    case = make_case("（2025）黑0902执前调5号", stage=Stage.PRE_ENFORCEMENT,
                     notes="执行依据：（2024）黑0902民初88号民事判决书")  # fmt: skip
    assert source("case.enforcement_number", case) == "（2025）黑0902执前调5号"
    assert source("case.basis_number", case) == "（2024）黑0902民初88号"


def pre_enforcement_case(paid: bool):  # type: ignore[no-untyped-def]
    case = with_address(
        make_case(
            "（2025）黑0902执前调5号",
            stage=Stage.PRE_ENFORCEMENT,
            filing_date=date(2025, 5, 20),
            judgment_date=None,  # the 执前 case records the judgment only by its number in the notes
            effective_date=None,
            deadline=date(2025, 6, 10),
            notes="执行依据：（2024）黑0902民初88号民事调解书",
        )
    )
    if paid:
        case = replace(
            case,
            status=CaseStatus.PERFORMED,
            payments=(*case.payments, Payment(date(2025, 6, 10), 6_000_000, creditor_confirmed=True)),
        )
    else:
        ob = replace(case.obligations[0], installments=())
        case = replace(case, obligations=(ob,), payments=())
    return case


@pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
@pytest.mark.parametrize(("form_id", "paid"), [("performance_demand", False), ("certificate_trial", True)])
def test_pre_enforcement_case_cites_the_judgment_number(
    workspace: Workspace, tmp_path: Path, form_id: str, paid: bool
) -> None:
    case = workspace.save_case(pre_enforcement_case(paid))
    assert case.id is not None
    service = DocumentService(workspace)
    draft = service.start(form_id, case.id)
    assert draft.answers["basis_number"] == "（2024）黑0902民初88号"
    issued = service.issue(form_id, case.id, {**draft.answers, "judgment_date": "2024-12-02"})
    text = squeeze(pdf_text(service.pdf([issued]), tmp_path))
    assert "（2025）黑0902执前调5号" in text  # the 案号 line under the title
    assert "（2024）黑0902民初88号民事调解书" in text
    assert "执前调5号民事" not in text


@pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
def test_pledge_in_enforcement_names_the_enforcement_ruling(workspace: Workspace, tmp_path: Path) -> None:
    case = workspace.save_case(enforcement_case())
    assert case.id is not None
    service = DocumentService(workspace)
    draft = service.start("performance_pledge", case.id)
    assert draft.answers["document"] == "执行裁定书"
    text = squeeze(
        pdf_text(service.pdf([service.issue("performance_pledge", case.id, draft.answers)]), tmp_path)
    )
    assert "（2025）黑0902执45号执行裁定书" in text
    assert "执45号民事调解书" not in text
