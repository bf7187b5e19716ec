"""The case window edits 执行立案日期 and 执行通知书送达日期 (issue 19 §11): shown, typed, saved, and a
date out of order refused under its field with a Chinese message."""

from __future__ import annotations

from datetime import date

from desktop.gui.case_editor import CaseEditor
from desktop.services.workspace import Workspace
from tests.conftest import make_case


def test_the_case_window_shows_edits_and_checks_the_enforcement_dates(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    saved = workspace.save_case(
        make_case(
            "（2025）黑0902执45号",
            filing_date=date(2025, 5, 20),
            judgment_date=date(2024, 12, 2),
            effective_date=None,
            enforcement_filing_date=date(2025, 5, 20),
        )
    )
    editor = CaseEditor(workspace, saved.id)
    qtbot.addWidget(editor)
    assert editor.enforcement_filing_date.text() == "2025-05-20"
    assert editor.enforcement_notice_date.text() == ""

    editor.enforcement_notice_date.setText("2025-05-19")  # before the enforcement case was filed
    editor.save()
    assert workspace.load_case(saved.id).enforcement_notice_date is None  # type: ignore[arg-type]
    assert "执行通知书送达日期：不能早于执行立案日期" in editor.banner.text()

    editor.enforcement_notice_date.setText("2025-05-26")
    editor.save()
    loaded = workspace.load_case(saved.id)  # type: ignore[arg-type]
    assert (loaded.enforcement_filing_date, loaded.enforcement_notice_date) == (
        date(2025, 5, 20),
        date(2025, 5, 26),
    )
