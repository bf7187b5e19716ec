"""Appellate judgments: the basis sentence names the court that decided, not 本院.

Issue 19 §9: for a 民终 case the 提示书 printed “本院作出的（2025）黑09民终19号”, but the tribunal did
not make that judgment; the 中级人民法院 did.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from desktop.core.model import CourtSettings, Disposition
from desktop.documents.sources import SourceContext, value
from desktop.services.documents import DocumentService
from desktop.services.workspace import Workspace
from tests.conftest import TODAY, make_case
from tests.forms.conftest import POPPLER, pdf_text, squeeze
from tests.forms.test_golden import enforcement_case, prompt_case

COURT = CourtSettings("七台河市新兴区人民法院", "黑0902")


@pytest.mark.parametrize(
    ("case_number", "notes", "court", "expected", "expected_name"),
    [
        ("（2025）黑0902民初123号", "", COURT, "本院", "七台河市新兴区人民法院"),
        ("（2025）黑09民终19号", "", COURT, "七台河市中级人民法院", "七台河市中级人民法院"),
        (
            "（2025）黑0902执45号",
            "执行依据：（2024）黑0902民初888号",
            COURT,
            "本院",
            "七台河市新兴区人民法院",
        ),
        (
            "（2025）黑0902执46号",
            "执行依据：（2024）黑09民终5号",
            COURT,
            "七台河市中级人民法院",
            "七台河市中级人民法院",
        ),
        # A court whose name holds no city (房县 is under 十堰): the clerk types the appellate court.
        ("（2025）鄂03民终7号", "", CourtSettings("房县人民法院", "鄂0325"), None, None),
        # Another court's judgment: not guessed.
        ("（2025）黑0902执47号", "执行依据：（2024）京0105民初1号", COURT, None, None),
        # Without 设置 the case's own first-instance number is still this court's.
        ("（2025）黑0902民初124号", "", None, "本院", None),
    ],
)
def test_the_deciding_court(
    case_number: str, notes: str, court: CourtSettings | None, expected: str | None, expected_name: str | None
) -> None:
    case = make_case(case_number, notes=notes)
    ctx = SourceContext(case, TODAY, court=court)
    assert value("case.basis_court", ctx) == expected
    assert value("case.basis_court_name", ctx) == expected_name


@pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
def test_prompt_for_an_appellate_judgment_names_the_intermediate_court(
    workspace: Workspace, tmp_path: Path
) -> None:
    judged = replace(prompt_case(), case_number="（2025）黑09民终19号", disposition=Disposition.JUDGMENT)
    case = workspace.save_case(judged)
    assert case.id is not None
    service = DocumentService(workspace)
    draft = service.start("performance_prompt", case.id)
    assert draft.answers["basis_court"] == "七台河市中级人民法院"
    issued = service.issue("performance_prompt", case.id, {**draft.answers, "phone": "13945678901"})
    text = squeeze(pdf_text(service.pdf([issued]), tmp_path))
    assert "七台河市中级人民法院作出的（2025）黑09民终19号民事判决书" in text
    assert "本院作出的" not in text


@pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
def test_fine_notice_on_an_appellate_basis(workspace: Workspace, tmp_path: Path) -> None:
    case = workspace.save_case(replace(enforcement_case(), notes="执行依据：（2024）黑09民终5号民事判决书"))
    assert case.id is not None
    service = DocumentService(workspace)
    answers = {**service.start("pre_fine_notice", case.id).answers, "notice_date": "2025-03-10",
               "new_deadline": "2025-06-27"}  # fmt: skip
    issued = service.issue("pre_fine_notice", case.id, answers)
    text = squeeze(pdf_text(service.pdf([issued]), tmp_path))
    assert "根据七台河市中级人民法院作出的（2024）黑09民终5号" in text
