"""批量出具 off the GUI thread: a bar shows the progress, 取消 stops, a limit is said, and each case is
listed with its party, due date and amount and a tick to leave it out. (On 200,000 cases the old dialog
froze the window for a minute, then two more while issuing, and stopped silently at 500.)"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from desktop.gui.batch_dialog import BatchDialog
from desktop.services import batch
from desktop.services.documents import DocumentService
from desktop.services.workspace import Workspace
from tests.gui.test_documents_gui import prompt_case

NUMBERS = ("（2025）黑0902民初201号", "（2025）黑0902民初202号", "（2025）黑0902民初203号")


@pytest.fixture
def dialog(qtbot, workspace: Workspace) -> BatchDialog:  # type: ignore[no-untyped-def]
    for number in NUMBERS:  # each with a 提示书 due this week
        workspace.save_case(replace(prompt_case(), case_number=number))
    d = BatchDialog(DocumentService(workspace), None)
    qtbot.addWidget(d)
    d.show()
    return d


def _found(qtbot, dialog: BatchDialog) -> None:  # type: ignore[no-untyped-def]
    job = dialog.find_cases()
    assert dialog.bar.isVisible() and dialog.cancel_button.isVisible()
    assert not dialog.find_button.isEnabled()
    with qtbot.waitSignal(job.finished, timeout=30_000):
        pass
    qtbot.waitUntil(lambda: dialog.job is None, timeout=5000)


def _documents(workspace: Workspace) -> list[str]:
    return [r[0] for r in workspace.db.execute("SELECT case_number FROM documents ORDER BY case_number")]


def test_each_case_is_listed_and_an_unticked_one_is_left_out(
    qtbot, dialog: BatchDialog, workspace: Workspace, tmp_path: Path, monkeypatch, dialogs
) -> None:  # type: ignore[no-untyped-def]
    _found(qtbot, dialog)
    table = dialog.table
    rows = [[table.item(r, c).text() for c in range(1, 5)] for r in range(table.rowCount())]  # type: ignore[union-attr]
    assert rows == [[n, "七台河市宏达商贸有限公司", "2025-06-18", "60,000.00"] for n in NUMBERS]
    assert all(table.item(r, 0).checkState() == Qt.CheckState.Checked for r in range(3))  # type: ignore[union-attr]
    assert not dialog.notice.isVisible()
    assert dialog.ticked_label.text() == "已勾选 3 / 3 件"
    table.item(1, 0).setCheckState(Qt.CheckState.Unchecked)  # type: ignore[union-attr]
    assert dialog.ticked_label.text() == "已勾选 2 / 3 件"

    target = tmp_path / "提示书.pdf"
    seen: list[str] = []

    def save_name(_parent, _title, proposed, _filter):  # type: ignore[no-untyped-def]
        seen.append(proposed)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    job = dialog.issue()
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: dialog.job is None, timeout=5000)
    assert _documents(workspace) == [NUMBERS[0], NUMBERS[2]]
    assert target.read_bytes().startswith(b"%PDF")
    assert not seen[0].startswith(str(Path.cwd()))  # not the program's folder
    title, text = dialogs.shown[-1]
    assert title == "批量出具完成" and text.startswith("已登记 2 份，保存为：")
    by = {r[0] for r in workspace.db.execute("SELECT issued_by FROM documents")}
    assert by == {"测试员"}


def test_a_limit_reached_is_said(qtbot, dialog: BatchDialog, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(batch, "FIND_LIMIT", 2)
    _found(qtbot, dialog)
    assert dialog.table.rowCount() == 2
    assert dialog.notice.isVisible()
    assert dialog.notice.text().startswith("已达上限：只列出最先到期的 2 件")


def test_the_scan_limit_is_said(qtbot, dialog: BatchDialog, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(batch, "SCAN_LIMIT", 3)
    _found(qtbot, dialog)
    assert dialog.table.rowCount() == 3
    assert dialog.notice.text().startswith("已达上限：只检查了最先到期的 3 件候选案件")


def test_cancel_stops_a_long_search_and_the_window_answers_meanwhile(
    qtbot, dialog: BatchDialog, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    def slow_find(_service, _form_id, _limit, _scan, progress):  # type: ignore[no-untyped-def]
        for n in range(100_000):
            progress("检查", n, 100_000)
            time.sleep(0.001)
        raise AssertionError("not stopped")

    monkeypatch.setattr(batch, "find", slow_find)
    job = dialog.find_cases()
    qtbot.waitUntil(lambda: dialog.bar.maximum() == 100_000 and dialog.bar.value() > 3, timeout=10_000)
    assert dialog.stage.text().startswith("正在检查第")
    # listening before 关闭: the worker may stop and say so before this thread would start listening
    with qtbot.waitSignal(job.cancelled, timeout=10_000):
        dialog.reject()  # 关闭 while running stops it; the dialog stays until it has
        assert dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=5000)
    assert dialog.summary.text() == "已取消，没有登记任何文书。"
    assert not dialog.bar.isVisible() and dialog.find_button.isEnabled()
