"""The 诚信履行名单 page as a clerk uses it: review, bulk check and consent, exclude, publish, print,
export and withdraw (pytest-qt, offscreen, dialogs opened without blocking)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from desktop.core.whitelist import CONDITIONS, Condition, State
from desktop.gui.main_window import MainWindow
from desktop.gui.threads import wait_for_all
from desktop.gui.whitelist_page import SHOW_ELIGIBLE, SHOW_FAILED, WhitelistPage
from desktop.services.whitelist import Candidate, WhitelistService
from desktop.services.workspace import Workspace
from desktop.store.database import StoreError
from tests.conftest import type_text
from tests.unit.test_whitelist import debtor_id, people, performed_case


@pytest.fixture
def page(qtbot, workspace: Workspace) -> WhitelistPage:  # type: ignore[no-untyped-def]
    for i, p in enumerate(people(4)):
        debtor_id(
            workspace,
            performed_case(f"（2025）黑0902民初{300 + i}号", debtor=p, paid_on=date(2025, 6, 2 + i)),
        )
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    found = window.area_pages["诚信履行名单"]
    assert isinstance(found, WhitelistPage)
    window.nav.setCurrentRow(3)
    window.show()
    settle(qtbot, found)
    yield found  # the window stays referenced until the test ends (qtbot keeps only a weak one)


def settle(qtbot, page: WhitelistPage) -> None:  # type: ignore[no-untyped-def]
    """Until the candidates computed off the GUI thread are shown."""
    qtbot.waitUntil(lambda: page.loading is None, timeout=20_000)


def ok(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    """OK, then the page's reload after the change."""
    qtbot.mouseClick(dialog.ok_button(), Qt.MouseButton.LeftButton)
    settle(qtbot, dialog.parent())


def test_every_condition_of_every_candidate_is_shown(page: WhitelistPage) -> None:
    model = page.model
    assert model.rowCount() == 4
    assert [
        model.headerData(4 + k, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        for k in range(len(CONDITIONS))
    ] == [c.value for c in CONDITIONS]
    national = 4 + CONDITIONS.index(Condition.NATIONAL_CHECK)
    assert model.data(model.index(0, national)) == "待核实"
    assert "尚未登记全国范围被执行案件查询" in model.data(
        model.index(0, national), Qt.ItemDataRole.ToolTipRole
    )
    consent = 4 + CONDITIONS.index(Condition.CONSENT)
    assert model.data(model.index(0, consent)) == "不符合"
    assert model.data(model.index(0, 2)).startswith("230902********")
    page.select_rows([1])
    assert "本人申请或同意" in page.detail.toPlainText() and "全国无被执行案件" in page.detail.toPlainText()
    assert "已选 1 人" in page.count_label.text()


def test_bulk_check_consent_then_publish(qtbot, page: WhitelistPage, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    page.select_rows([0, 1, 2])
    dialog = page.open_check()
    assert dialog is not None and dialog.isVisible()
    dialog.checker.clear()
    type_text(dialog.checker, "赵查询")
    ok(qtbot, dialog)
    assert not dialog.isVisible() and "已为 3 人登记" in page.status.text()
    assert workspace.db.execute("SELECT count(*) FROM whitelist_checks").fetchone()[0] == 3

    page.select_rows([0, 1, 2])
    dialog = page.open_consent()
    assert dialog is not None
    ok(qtbot, dialog)
    assert [c.assessment.state for c in page.model.rows] == [State.PASSED] * 3 + [State.FAILED]

    page.show_combo.setCurrentText(SHOW_ELIGIBLE)
    assert page.model.rowCount() == 3
    page.show_combo.setCurrentText(SHOW_FAILED)
    assert page.model.rowCount() == 1
    page.show_combo.setCurrentText("全部")
    type_text(page.search, "民初301")
    assert page.model.rowCount() == 1
    page.search.clear()

    page.select_eligible()
    assert len(page.selected()) == 3
    dialog = page.open_publish()
    assert dialog is not None and dialog.number.value() == 1
    type_text(dialog.approver, "刘院长")
    ok(qtbot, dialog)
    assert not dialog.isVisible(), dialog.error.text()
    assert page.tabs.currentIndex() == 1
    assert page.batch_table.item(0, 0).text() == "2025年第1批诚信履行名单"
    assert page.entry_table.rowCount() == 3
    assert page.model.rowCount() == 1  # the published ones are no longer candidates


def test_publishing_someone_without_consent_is_refused_in_the_dialog(
    qtbot,
    page: WhitelistPage,
    workspace: Workspace,  # type: ignore[no-untyped-def]
) -> None:
    service = WhitelistService(workspace)
    ids = [c.party_id for c in page.model.rows]
    service.record_check(ids, date(2025, 6, 12), "赵查询")
    service.record_consent(ids[:2], date(2025, 6, 12))
    page.select_rows([0, 1, 2])
    dialog = page.open_publish()
    assert dialog is not None
    type_text(dialog.approver, "刘院长")
    ok(qtbot, dialog)
    assert dialog.isVisible()
    assert "不能列入名单：没有登记本人的申请或同意" in dialog.error.text()
    assert workspace.db.execute("SELECT count(*) FROM whitelist_batches").fetchone()[0] == 0


def test_exclusion_needs_a_reason(qtbot, page: WhitelistPage, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    page.select_rows([3])
    dialog = page.open_exclude()
    assert dialog is not None
    ok(qtbot, dialog)
    assert dialog.isVisible()
    assert "不能为空" in dialog.form._errors["排除原因"].text()
    dialog.reason.setPlainText("执行中发现转移房产")
    ok(qtbot, dialog)
    assert not dialog.isVisible()
    row = next(c for c in page.model.rows if c.case_number.endswith("303号"))
    assert row.assessment.finding(Condition.NOT_EXCLUDED).state is State.FAILED


def test_print_export_and_withdraw_from_the_batch_list(
    qtbot,
    page: WhitelistPage,
    workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    service = WhitelistService(workspace)
    ids = [c.party_id for c in page.model.rows][:3]
    service.record_check(ids, date(2025, 6, 12), "赵查询")
    service.record_consent(ids, date(2025, 6, 12))
    service.publish(ids, 2, date(2025, 6, 13), "刘院长")
    page.tabs.setCurrentIndex(1)
    assert page.batch_table.rowCount() == 1

    target = tmp_path / "list.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    page.print_batch()
    assert target.read_bytes().startswith(b"%PDF") and "sha256" in page.status.text()
    target = tmp_path / "bank.xlsx"
    page.agency_combo.setCurrentText("金融机构")
    page.format_combo.setCurrentText("XLSX")
    page.export_batch()
    assert target.exists()
    assert [page.export_table.item(r, 2).text() for r in range(page.export_table.rowCount())] == [
        "张贴公示",
        "金融机构",
    ]

    page.entry_table.selectRow(1)
    dialog = page.open_withdraw()
    assert dialog is not None
    type_text(dialog.reason, "本人撤回同意")
    type_text(dialog.approver, "刘院长")
    ok(qtbot, dialog)
    assert not dialog.isVisible(), dialog.error.text()
    assert page.entry_table.item(1, 5).text() == "2025-06-13撤回：本人撤回同意"
    assert page.batch_table.item(0, 4).text() == "1"

    # The page still shows whom the withdrawn line was; the file sent afterwards no longer does.
    withdrawn_name = page.entry_table.item(1, 1).text()
    target = tmp_path / "platform.csv"
    page.agency_combo.setCurrentText("信用信息平台")
    page.format_combo.setCurrentText("CSV")
    page.export_batch()
    sent = target.read_bytes().decode("utf-8-sig")
    assert withdrawn_name not in sent and "2,,,,,," in sent and "已撤回,2025-06-13" in sent


def test_candidates_load_when_the_page_is_shown_not_at_start_up(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    debtor_id(workspace, performed_case("（2025）黑0902民初310号"))
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.show()
    page = window.area_pages["诚信履行名单"]
    assert isinstance(page, WhitelistPage)
    assert page.model.rowCount() == 0  # the ledger is shown first: nothing loaded yet
    debtor_id(workspace, performed_case("（2025）黑0902民初311号", debtor=people(2)[1]))
    window.nav.setCurrentRow(3)
    settle(qtbot, page)
    assert page.model.rowCount() == 2


def test_the_court_chooses_its_conditions(qtbot, page: WhitelistPage, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    dialog = page.open_rules()
    assert not dialog.boxes[Condition.CONSENT].isEnabled()  # always required
    dialog.boxes[Condition.NATIONAL_CHECK].setChecked(False)
    ok(qtbot, dialog)
    assert Condition.NATIONAL_CHECK not in WhitelistService(workspace).rules().required
    national = 4 + CONDITIONS.index(Condition.NATIONAL_CHECK)
    assert "本院不要求" in page.model.data(page.model.index(0, national), Qt.ItemDataRole.ToolTipRole)


def test_a_bad_period_is_named(page: WhitelistPage) -> None:
    assert page.model.rowCount() == 4
    page.start.setText("2025-13-01")
    page.refresh()
    assert page.period_error.isVisible() and "开始日期" in page.period_error.text()
    assert page.model.rowCount() == 0


def test_names_are_shown_as_text_and_in_full(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    from desktop.core.model import PartyKind
    from tests.unit.test_whitelist import ORG_USCC, person

    odd = "<b>七台河市</b>宏达商贸有限公司&分公司"
    debtor = replace(person(odd, id_number=""), kind=PartyKind.ORGANISATION, uscc=ORG_USCC)
    debtor_id(workspace, performed_case("（2025）黑0902民初320号", debtor=debtor))
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    page = window.area_pages["诚信履行名单"]
    assert isinstance(page, WhitelistPage)
    window.nav.setCurrentRow(3)
    window.show()
    settle(qtbot, page)
    page.select_rows([0])
    assert odd in page.detail.toPlainText()  # not read as markup
    assert page.model.data(page.model.index(0, 1), Qt.ItemDataRole.ToolTipRole) == odd


# ------------------------------------------------------------------ computed off the GUI thread


class _Held:
    """Stands in for WhitelistService.candidates on the worker thread: waits until released."""

    def __init__(self, real) -> None:  # type: ignore[no-untyped-def]
        self.real, self.release, self.started = real, threading.Event(), threading.Event()
        self.error: Exception | None = None
        self.threads: list[threading.Thread] = []

    def __call__(self, service: WhitelistService, start: date, end: date) -> list[Candidate]:
        self.threads.append(threading.current_thread())
        self.started.set()
        assert self.release.wait(10), "never released"
        if self.error is not None:
            raise self.error
        return self.real(service, start, end)  # type: ignore[no-any-return]


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Held]:
    held = _Held(WhitelistService.candidates)
    monkeypatch.setattr(WhitelistService, "candidates", lambda service, start, end: held(service, start, end))
    yield held
    held.release.set()  # never leave a worker waiting
    wait_for_all()


def _window_on_whitelist(qtbot, workspace: Workspace) -> tuple[MainWindow, WhitelistPage]:  # type: ignore[no-untyped-def]
    for i, p in enumerate(people(2)):
        debtor_id(workspace, performed_case(f"（2025）黑0902民初{330 + i}号", debtor=p))
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.nav.setCurrentRow(3)  # returns while the candidates are computed
    page = window.area_pages["诚信履行名单"]
    assert isinstance(page, WhitelistPage)
    return window, page


def test_the_page_shows_at_once_and_fills_in_when_the_candidates_come(  # type: ignore[no-untyped-def]
    qtbot, workspace: Workspace, held: _Held
) -> None:
    _window, page = _window_on_whitelist(qtbot, workspace)  # kept: qtbot holds a weak reference
    assert held.started.wait(5)
    assert page.isVisible() and page.model.rowCount() == 0
    assert page.load_bar.isVisible() and page.load_bar.label.text().startswith("正在计算候选名单")
    assert page.load_bar.cancel_button.isVisible() and page.load_bar.cancel_button.text() == "取消"
    assert held.threads[0] is not threading.main_thread()  # not on the GUI thread
    held.release.set()
    settle(qtbot, page)
    assert page.model.rowCount() == 2 and not page.load_bar.isVisible()
    assert page.count_label.text().startswith("共 2 人")


def test_cancel_stops_waiting_and_a_new_query_computes_again(  # type: ignore[no-untyped-def]
    qtbot, workspace: Workspace, held: _Held
) -> None:
    _window, page = _window_on_whitelist(qtbot, workspace)  # kept: qtbot holds a weak reference
    assert held.started.wait(5)
    qtbot.mouseClick(page.load_bar.cancel_button, Qt.MouseButton.LeftButton)
    assert page.loading is None and not page.load_bar.isVisible()
    assert "已取消" in page.status.text()
    held.release.set()
    wait_for_all()
    qtbot.wait(50)  # the cancelled load's result, if any, would arrive now
    assert page.model.rowCount() == 0
    qtbot.mouseClick(page.load_button, Qt.MouseButton.LeftButton)  # 查询 again
    settle(qtbot, page)
    assert page.model.rowCount() == 2


def test_an_error_in_the_worker_is_shown(qtbot, workspace: Workspace, held: _Held) -> None:  # type: ignore[no-untyped-def]
    held.error = StoreError("数据库文件已损坏")
    held.release.set()
    _window, page = _window_on_whitelist(qtbot, workspace)  # kept: qtbot holds a weak reference
    settle(qtbot, page)
    assert page.period_error.isVisible()
    assert page.period_error.text() == "计算候选名单失败：数据库文件已损坏"


def test_a_change_while_loading_computes_again(qtbot, workspace: Workspace, held: _Held) -> None:  # type: ignore[no-untyped-def]
    _window, page = _window_on_whitelist(qtbot, workspace)  # kept: qtbot holds a weak reference
    assert held.started.wait(5)
    debtor_id(workspace, performed_case("（2025）黑0902民初339号", debtor=people(3)[2]))  # a change
    assert page.loading is not None
    held.release.set()
    settle(qtbot, page)
    assert len(held.threads) == 2  # the first result was out of date: computed again
    assert page.model.rowCount() == 3


def test_closing_the_window_while_loading_does_not_crash(qtbot, workspace: Workspace, held: _Held) -> None:  # type: ignore[no-untyped-def]
    window, page = _window_on_whitelist(qtbot, workspace)
    assert held.started.wait(5)
    window.close()
    qtbot.wait(20)
    held.release.set()
    wait_for_all()  # as the program does at exit
    qtbot.wait(50)  # the result arrives for a closed window: no crash
    assert page.loading is None


def test_a_query_while_loading_computes_the_new_period_at_once(  # type: ignore[no-untyped-def]
    qtbot, workspace: Workspace, held: _Held
) -> None:
    may = performed_case("（2025）黑0902民初338号", debtor=people(3)[2], paid_on=date(2025, 5, 20))
    debtor_id(workspace, may)
    _window, page = _window_on_whitelist(qtbot, workspace)  # kept: qtbot holds a weak reference
    assert held.started.wait(5)
    first = page.loading
    page.start.setText("2025-05-01")
    page.end.setText("2025-05-31")
    qtbot.mouseClick(page.load_button, Qt.MouseButton.LeftButton)
    assert first is not None and first.cancelled and page.loading is not first
    assert "2025-05-01至2025-05-31" in page.load_bar.label.text()
    held.release.set()
    settle(qtbot, page)
    assert [c.performed_on for c in page.model.rows] == [date(2025, 5, 20)]
