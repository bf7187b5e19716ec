"""The 审破衔接 page (房县方案十): the flagged enterprises with their grounds and figures; a judge enters
another ground (四) with a reason; the notice starts for an open case with the ground prefilled."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desktop.core.screening import Ground
from desktop.gui.main_window import Changes
from desktop.gui.screening_page import OtherGroundDialog, ScreeningPage
from desktop.gui.threads import wait_for_all
from desktop.gui.wizard import DocumentWizard
from desktop.services.screening import Flagged, Screening
from desktop.services.workspace import Workspace
from desktop.store.database import StoreError
from tests.unit.test_screening import ledger  # noqa: F401  (the fixture)


@pytest.fixture
def page(qtbot, workspace: Workspace, ledger: dict[str, int]) -> ScreeningPage:  # type: ignore[no-untyped-def]  # noqa: F811
    changes = Changes()
    workspace.subscribe(changes.changed.emit)
    page = ScreeningPage(workspace, changes)
    changes.setParent(page)
    qtbot.addWidget(page)
    page.resize(1400, 700)
    page.show()
    settle(qtbot, page)
    return page


def settle(qtbot, page: ScreeningPage) -> None:  # type: ignore[no-untyped-def]
    """Until the list read off the GUI thread is shown."""
    qtbot.waitUntil(lambda: page.loading is None, timeout=20_000)


def _row(page: ScreeningPage, name: str) -> int:
    names = [page.table.item(r, 0).text() for r in range(page.table.rowCount())]  # type: ignore[union-attr]
    return names.index(name)


def test_the_list_shows_grounds_and_figures(page: ScreeningPage) -> None:
    assert page.table.rowCount() == 2
    assert page.summary.text() == "2家企业符合所列情形之一，其中2家有在办案件。"
    r = _row(page, "七台河市宏达商贸有限公司")
    cells = [page.table.item(r, c).text() for c in range(page.table.columnCount())]  # type: ignore[union-attr]
    assert cells[1:5] == ["91230902MA1C2D3EXP", "500,000.00元", "未登记", "（一）案件多、标的超注册资本"]
    assert cells[5] == "2025年金钱给付类纠纷10件，标的总额1,000,000.00元，超过注册资本500,000.00元"
    assert (
        "（2025）黑0902民初2号" in cells[6] and "（2025）黑0902民初1号" not in cells[6]
    )  # archived: not offered


def test_a_judge_enters_another_ground_and_the_list_follows(qtbot, page: ScreeningPage) -> None:  # type: ignore[no-untyped-def]
    page.table.selectRow(_row(page, "七台河市旧城煤炭有限公司"))
    dialog = page.enter_other()
    assert isinstance(dialog, OtherGroundDialog)
    assert dialog.name.text() == "七台河市旧城煤炭有限公司"
    dialog.save()  # no reason: refused, says why
    assert dialog.error.isVisible() and "理由" in dialog.error.text()
    dialog.reason.setPlainText("停产停业，明显缺乏清偿能力")
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    settle(qtbot, page)
    r = _row(page, "七台河市旧城煤炭有限公司")  # the page heard the change
    assert page.table.item(r, 4).text() == "（三）执照吊销\n（四）其他情形"  # type: ignore[union-attr]
    page.table.selectRow(r)
    assert page.remove_other_button.isEnabled()
    page.remove_other()
    settle(qtbot, page)
    r = _row(page, "七台河市旧城煤炭有限公司")
    assert page.table.item(r, 4).text() == "（三）执照吊销"  # type: ignore[union-attr]


def test_the_notice_starts_with_the_ground_prefilled(
    page: ScreeningPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.gui import screening_page

    page.table.selectRow(_row(page, "七台河市宏达商贸有限公司"))
    assert page.notice_button.isEnabled()
    asked: list[list[str]] = []

    def pick(_parent, _title, _label, items, *_args):  # type: ignore[no-untyped-def]
        asked.append(items)
        return items[1], True

    monkeypatch.setattr(screening_page.QInputDialog, "getItem", pick)
    page.issue_notice()
    assert asked and "（2025）黑0902民初1号" not in asked[0]
    wizard = page.dialog
    assert isinstance(wizard, DocumentWizard)
    assert wizard.draft.answers["ground"] == Ground.CASES.value
    assert wizard.draft.case.case_number == asked[0][1]
    wizard.close()


def test_capital_and_licence_are_edited_in_the_case_and_screened(
    qtbot,
    page: ScreeningPage,
    workspace: Workspace,
    ledger: dict[str, int],  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    """The ledger carries an enterprise's registered capital and licence status (editable per party)."""
    from desktop.core.model import LicenceStatus
    from desktop.gui.case_editor import CaseEditor

    editor = CaseEditor(workspace, ledger["长青"])
    qtbot.addWidget(editor)
    t = editor.parties
    assert t.item(1, 8).text() == "100,000.00"  # type: ignore[union-attr]
    t.item(1, 8).setText("20万")  # type: ignore[union-attr]
    licence = t.cellWidget(1, 9)
    licence.setCurrentIndex(licence.findData(LicenceStatus.REVOKED))  # type: ignore[union-attr]
    editor.save()
    assert editor.saved is not None, editor.banner.text()
    settle(qtbot, page)
    debtor = workspace.load_case(ledger["长青"]).parties[1]
    assert (debtor.registered_capital_fen, debtor.licence_status) == (20_000_000, LicenceStatus.REVOKED)
    r = _row(page, "七台河市长青食品有限公司")  # the page heard the save
    assert page.table.item(r, 4).text() == "（三）执照吊销"  # type: ignore[union-attr]


def test_a_termination_is_recorded_by_its_number_and_taken_back(qtbot, page: ScreeningPage) -> None:  # type: ignore[no-untyped-def]
    """十（二）: the clerk records the 终本 of an enforcement case by its number (as typed)."""
    from desktop.gui.screening_page import TerminationDialog

    dialog = page.record_termination()
    assert isinstance(dialog, TerminationDialog)
    dialog.number.setText("(2025)黑0902民初21号")  # not an enforcement case: refused, says why
    dialog.save()
    assert dialog.error.isVisible() and "不在执行阶段" in dialog.error.text()
    dialog.number.setText("(2024)黑0902执088号")
    dialog.on.setText("2024-11-05")
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    settle(qtbot, page)
    r = _row(page, "七台河市兴隆建材有限公司")
    assert page.table.item(r, 4).text() == "（二）他案终本"  # type: ignore[union-attr]
    assert "（2024）黑0902执88号（2024-11-05）" in page.table.item(r, 5).text()  # type: ignore[union-attr]
    undo = page.record_termination()
    assert isinstance(undo, TerminationDialog)
    undo.number.setText("（2024）黑0902执88号")
    undo.undo.setChecked(True)
    undo.save()
    settle(qtbot, page)
    names = [page.table.item(i, 0).text() for i in range(page.table.rowCount())]  # type: ignore[union-attr]
    assert "七台河市兴隆建材有限公司" not in names


# ------------------------------------------------------------------ read off the GUI thread


class _Held:
    """Stands in for Screening.flagged on the worker thread: waits until released."""

    def __init__(self, real) -> None:  # type: ignore[no-untyped-def]
        self.real, self.release, self.started = real, threading.Event(), threading.Event()
        self.error: Exception | None = None
        self.threads: list[threading.Thread] = []

    def __call__(self, service: Screening) -> list[Flagged]:
        self.threads.append(threading.current_thread())
        self.started.set()
        assert self.release.wait(10), "never released"
        if self.error is not None:
            raise self.error
        return self.real(service)  # type: ignore[no-any-return]


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Held]:
    held = _Held(Screening.flagged)
    monkeypatch.setattr(Screening, "flagged", lambda service: held(service))
    yield held
    held.release.set()  # never leave a worker waiting
    wait_for_all()


def _shown(qtbot, workspace: Workspace) -> ScreeningPage:  # type: ignore[no-untyped-def]
    changes = Changes()
    workspace.subscribe(changes.changed.emit)
    page = ScreeningPage(workspace, changes)  # returns while the list is read
    changes.setParent(page)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    return page


def test_the_page_shows_at_once_and_fills_in_when_the_list_comes(  # type: ignore[no-untyped-def]
    qtbot,
    workspace: Workspace,
    ledger: dict[str, int],  # noqa: F811
    held: _Held,
) -> None:
    page = _shown(qtbot, workspace)
    assert held.started.wait(5)
    assert page.isVisible() and page.table.rowCount() == 0
    assert page.load_bar.isVisible() and page.load_bar.label.text() == "正在筛查被告企业…"
    assert page.load_bar.cancel_button.text() == "取消" and not page.refresh_button.isEnabled()
    assert held.threads[0] is not threading.main_thread()
    held.release.set()
    settle(qtbot, page)
    assert page.table.rowCount() == 2 and not page.load_bar.isVisible()
    assert page.summary.text() == "2家企业符合所列情形之一，其中2家有在办案件。"


def test_cancel_stops_waiting_and_refresh_reads_again(  # type: ignore[no-untyped-def]
    qtbot,
    workspace: Workspace,
    ledger: dict[str, int],  # noqa: F811
    held: _Held,
) -> None:
    page = _shown(qtbot, workspace)
    assert held.started.wait(5)
    qtbot.mouseClick(page.load_bar.cancel_button, Qt.MouseButton.LeftButton)
    assert page.loading is None and not page.load_bar.isVisible() and page.refresh_button.isEnabled()
    assert page.summary.text().startswith("已取消筛查")
    held.release.set()
    wait_for_all()
    qtbot.wait(50)  # the cancelled load's result, if any, would arrive now
    assert page.table.rowCount() == 0
    qtbot.mouseClick(page.refresh_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert page.table.rowCount() == 2


def test_an_error_in_the_worker_is_shown(  # type: ignore[no-untyped-def]
    qtbot,
    workspace: Workspace,
    ledger: dict[str, int],  # noqa: F811
    held: _Held,
) -> None:
    held.error = StoreError("服务器没有响应")
    held.release.set()
    page = _shown(qtbot, workspace)
    settle(qtbot, page)
    assert page.summary.text() == "筛查失败：服务器没有响应"


def test_a_change_while_loading_reads_again(  # type: ignore[no-untyped-def]
    qtbot,
    workspace: Workspace,
    ledger: dict[str, int],  # noqa: F811
    held: _Held,
) -> None:
    page = _shown(qtbot, workspace)
    assert held.started.wait(5)
    Screening(workspace).enter_other("", "七台河市长青食品有限公司", "停产停业，明显缺乏清偿能力")
    held.release.set()
    settle(qtbot, page)
    assert len(held.threads) == 2
    names = [page.table.item(r, 0).text() for r in range(page.table.rowCount())]  # type: ignore[union-attr]
    assert "七台河市长青食品有限公司" in names


def test_a_hidden_page_reads_after_a_change_only_when_shown_again(  # type: ignore[no-untyped-def]
    qtbot, page: ScreeningPage
) -> None:
    page.hide()
    page.service.enter_other("", "七台河市长青食品有限公司", "停产停业，明显缺乏清偿能力")
    assert page.loading is None  # a save elsewhere does not pay for the screening
    page.show()
    settle(qtbot, page)
    assert "七台河市长青食品有限公司" in [page.table.item(r, 0).text() for r in range(page.table.rowCount())]  # type: ignore[union-attr]
