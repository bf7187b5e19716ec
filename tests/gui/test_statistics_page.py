"""统计 page: the figures of the chosen period, a case change reflected, a custom period checked, copy."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication

from desktop.core.model import CaseStatus, Payment
from desktop.gui.main_window import Changes
from desktop.gui.statistics_page import CUSTOM, StatisticsPage
from desktop.services.workspace import Workspace
from tests.conftest import make_case


def _page(qtbot, workspace: Workspace) -> StatisticsPage:  # type: ignore[no-untyped-def]
    changes = Changes()
    workspace.subscribe(changes.changed.emit)
    page = StatisticsPage(workspace, changes)
    changes.setParent(page)  # as in MainWindow: the signal lives as long as the page
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    _settle(qtbot, page)
    return page


def _settle(qtbot, page: StatisticsPage) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: page.loading is None and page.tallies is not None, timeout=10_000)
    qtbot.wait(20)


def _figures(page: StatisticsPage) -> dict[str, str]:
    return {
        page.figures.item(r, 0).text(): page.figures.item(r, 1).text() for r in range(page.figures.rowCount())
    }


def test_the_page_counts_the_ledger_and_follows_a_change(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    paid = (Payment(date(2025, 5, 30), 4_000_000), Payment(date(2025, 6, 10), 6_000_000))
    workspace.save_case(make_case("（2025）黑0902民初1号", payments=paid, status=CaseStatus.PERFORMED))
    open_case = workspace.save_case(make_case("（2025）黑0902民初2号"))
    page = _page(qtbot, workspace)
    assert page.period.currentText() == "2025年上半年（截至6月13日）"
    figures = _figures(page)
    assert figures["自动履行案件（件）"] == "1" and figures["自动履行金额（元）"] == "100,000.00"
    assert figures["履行期限届满案件（件）"] == "0"  # both deadlines are 2025-06-30, after today
    assert page.handlers.rowCount() == 1 and page.handlers.item(0, 0).text() == "王建国"

    workspace.save_case(replace(open_case, payments=paid))  # the second case is paid in full
    _settle(qtbot, page)
    assert _figures(page)["自动履行案件（件）"] == "2"

    page.choose(CUSTOM)
    assert page.start.isVisible() and page.end.isVisible()
    page.end.setDate(QDate(2025, 6, 30))
    assert page.caption.text().startswith("本期：2025年上半年（2025-01-01至2025-06-30）")
    assert _figures(page)["履行期限届满案件（件）"] == "2" and _figures(page)["自动履行率"] == "100.0%"
    page.start.setDate(QDate(2025, 7, 1))  # after the end
    assert "早于开始日期" in page.caption.text()

    page.choose("2024年")
    assert _figures(page)["自动履行案件（件）"] == "0"
    page.copy()
    copied = QApplication.clipboard().text()
    assert copied.startswith("2024年统计") and "自动履行率" in copied


def test_the_page_prints_its_report_to_a_pdf(qtbot, workspace: Workspace, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QFileDialog

    paid = (Payment(date(2025, 5, 30), 4_000_000), Payment(date(2025, 6, 10), 6_000_000))
    workspace.save_case(make_case("（2025）黑0902民初1号", payments=paid, status=CaseStatus.PERFORMED))
    page = _page(qtbot, workspace)
    out = tmp_path / "统计.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(out), ""))
    page.print_pdf()
    assert out.read_bytes().startswith(b"%PDF") and str(out) in page.caption.text()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tdwrite-")]  # no temporary left


def test_a_new_day_brings_the_periods_up_to_it(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, workspace)
    page.choose("2024年")
    page.hide()
    workspace.today = lambda: date(2025, 7, 1)  # the app left open into the second half-year
    page.show()
    _settle(qtbot, page)
    assert page.period.itemText(0) == "2025年下半年（截至7月1日）"
    assert page.period.currentText() == "2024年"  # the choice is kept
