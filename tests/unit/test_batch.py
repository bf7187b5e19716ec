"""desktop.services.batch: the cases a form applies to with what the list shows, the limits said, and
stopping: before the registration commits nothing is written; the PDF step cannot be stopped."""

from __future__ import annotations

from dataclasses import replace

import pytest

from desktop.services import batch
from desktop.services.documents import DocumentService
from desktop.services.workspace import Workspace
from tests.gui.test_documents_gui import prompt_case

NUMBERS = ("（2025）黑0902民初201号", "（2025）黑0902民初202号", "（2025）黑0902民初203号")


@pytest.fixture
def service(workspace: Workspace) -> DocumentService:
    for number in NUMBERS:
        workspace.save_case(replace(prompt_case(), case_number=number))
    return DocumentService(workspace)


def _count(service: DocumentService, table: str) -> int:
    return int(service.ws.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_find_lists_party_due_date_and_amount(service: DocumentService) -> None:
    steps: list[tuple[str, int, int]] = []
    found = batch.find(service, "performance_prompt", progress=lambda *s: steps.append(s))
    assert [(c.case_number, c.party, c.due_date.isoformat(), c.owed_fen) for c in found.candidates] == [  # type: ignore[union-attr]
        (n, "七台河市宏达商贸有限公司", "2025-06-18", 6_000_000) for n in NUMBERS
    ]
    assert steps == [("检查", 0, 3), ("检查", 1, 3), ("检查", 2, 3)]
    assert (found.checked, found.limit_reached, found.scan_reached, found.notice()) == (3, False, False, "")


@pytest.mark.parametrize(
    ("limit", "scan", "listed", "notice"),
    [
        (2, 100, 2, "已达上限：只列出最先到期的 2 件"),
        (100, 2, 2, "已达上限：只检查了最先到期的 2 件候选案件"),
        (3, 3, 3, "已达上限：只列出最先到期的 3 件"),
    ],
)
def test_a_limit_is_said(service: DocumentService, limit: int, scan: int, listed: int, notice: str) -> None:
    found = batch.find(service, "performance_prompt", limit, scan)
    assert len(found.candidates) == listed
    assert found.notice().startswith(notice)


@pytest.mark.parametrize("phase", ["读取", "检查", "登记"])
def test_stopping_before_the_commit_writes_nothing(service: DocumentService, phase: str) -> None:
    ids = [c.case_id for c in batch.find(service, "performance_prompt").candidates]
    stop = {"now": False}

    def progress(seen: str, done: int, _total: int) -> None:
        if seen == phase and done == 1:
            stop["now"] = True

    with pytest.raises(batch.Cancelled):
        batch.issue(service, "performance_prompt", ids, batch.stoppable(progress, lambda: stop["now"]))
    assert _count(service, "documents") == 0
    assert _count(service, "contacts") == 0


def test_the_pdf_step_is_not_stopped(service: DocumentService) -> None:
    ids = [c.case_id for c in batch.find(service, "performance_prompt").candidates]
    phases: list[str] = []
    result = batch.issue(
        service,
        "performance_prompt",
        ids,
        batch.stoppable(
            lambda phase, *_a: phases.append(phase), lambda: bool(phases) and phases[-1] == "排版"
        ),
    )
    assert len(result.issued) == 3 and result.pdf.startswith(b"%PDF")
    assert phases.count("排版") == 3 and _count(service, "documents") == 3
