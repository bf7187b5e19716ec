"""Start-up (issue 23): the first window loads only what it shows; every other page is made when first
shown and still builds; what the first screen does not need is prefetched after the first paint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QWidget

from desktop.gui.main_window import AREAS, MainWindow
from desktop.services.workspace import Workspace
from tests.conftest import make_case

ROOT = Path(__file__).resolve().parents[2]
# Loaded only when first used: none of them may be imported when the main window first paints.
NOT_BEFORE_THE_WINDOW = (
    "reportlab",
    "openpyxl",
    "cryptography",
    "sqlite_utils",
    "desktop.documents",
    "desktop.services.documents",
    "desktop.gui.backup_dialog",
    "desktop.services.backup",
    "desktop.store.backup",
    "desktop.gui.documents_page",
    "desktop.gui.whitelist_page",
    "desktop.gui.screening_page",
    "desktop.gui.statistics_page",
    "desktop.gui.import_dialog",
    "desktop.gui.case_editor",
    "desktop.gui.wizard",
    "desktop.gui.server_dialogs",  # a local database: no server, no dialog
    "desktop.core.screening",  # 审破衔接: its page, not the board
    "desktop.core.fee_relief",  # 诉讼费减免: the case editor
    "desktop.store.fee_relief",
    "ctypes",  # the doctor's library check, only on an X display
    "platform",  # crash.log's versions (after the first paint); uuid imports it
    "uuid",
)
# Pure-Python parts of the program: imported before PySide6 when the window needs them at start (it reads
# the source of every module imported after it, looking for ``from __feature__ import``).
BEFORE_QT = ("desktop.core.", "desktop.store.", "desktop.services.")


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TRIBUNAL_DESK_STARTUP_PROBE"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["TRIBUNAL_DESK_HOME"] = str(home)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def test_nothing_heavy_is_imported_before_the_main_window_paints(tmp_path: Path) -> None:
    """The real program, started as a clerk starts it (``python -m desktop --db …``) on a small demo:
    the modules in sys.modules at its first paint."""
    env = _env(tmp_path / "home")
    db = tmp_path / "demo.sqlite3"
    subprocess.run(
        [sys.executable, "-m", "desktop", "demo", str(db), "--cases", "60", "--seed", "3"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    probe = tmp_path / "probe.json"
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--db", str(db)],
        env={**env, "TRIBUNAL_DESK_STARTUP_PROBE": str(probe)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    modules = set(json.loads(probe.read_text("utf-8"))["modules"])
    assert "desktop.gui.dashboard_page" in modules  # the window it opens on is there, with its board
    loaded = sorted(
        m for m in modules if any(m == heavy or m.startswith(heavy + ".") for heavy in NOT_BEFORE_THE_WINDOW)
    )
    assert loaded == []
    order = json.loads(probe.read_text("utf-8"))["order"]
    after_qt = order[order.index("PySide6") :]
    assert "desktop.services.reminders" in order  # the board's service is there …
    assert [m for m in after_qt if m.startswith(BEFORE_QT)] == []  # … and no domain module came after Qt


def test_after_the_first_paint_actions_are_remembered_the_bundled_face_added_and_the_person_asked(  # type: ignore[no-untyped-def]
    qtbot, qapp, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before its first paint the window has no application-wide event filter (each event would make
    PySide create every Qt class for the first private object it sees), the UI font only the preferred
    face and no question who uses this PC; on the turn after the paint all three are there."""
    from PySide6.QtGui import QFont

    from desktop.gui import app as app_module
    from desktop.gui import crash
    from desktop.gui.operator_dialog import OperatorDialog
    from tests.gui.test_dashboard import _overdue

    monkeypatch.setenv("TRIBUNAL_DESK_HOME", str(tmp_path / "home"))  # nobody chosen on this PC yet
    _overdue(workspace, "（2025）黑0902民初123号")  # a handler to choose
    monkeypatch.setattr(crash, "_filter", None)
    monkeypatch.setattr(crash, "_fault_file", None)
    monkeypatch.setattr(crash, "_LAST", crash.deque(maxlen=30))
    before = QFont(qapp.font())
    try:
        preferred = QFont(before)
        preferred.setFamilies(before.families()[:1])
        qapp.setFont(preferred)
        window = MainWindow(workspace)
        qtbot.addWidget(window)
        app_module.after_first_paint(qapp, window)
        assert crash._filter is None
        window.show()
        assert not window.findChildren(OperatorDialog)
        qtbot.waitUntil(lambda: crash._filter is not None, timeout=10_000)
        assert window._painted
        (asked,) = window.findChildren(OperatorDialog)
        assert asked.isVisible()  # over the window, not blocking it
        assert "打开 MainWindow" in " | ".join(crash.last_actions())  # shown before the recording began
        assert app_module.BUNDLED_UI_FONT in qapp.font().families()
    finally:
        if crash._filter is not None:
            qapp.removeEventFilter(crash._filter)
        qapp.setFont(before)


def _real_pages(window: MainWindow) -> list[QWidget]:
    return [window.pages.widget(i) for i in range(window.pages.count())]  # type: ignore[misc]


def test_every_page_is_made_when_first_shown_and_builds(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    workspace.save_case(make_case())
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    made_at_start = {type(p).__name__ for p in _real_pages(window)}
    assert "DashboardPage" in made_at_start
    assert not made_at_start & {
        "LedgerPage",
        "DocumentsPage",
        "WhitelistPage",
        "StatisticsPage",
        "SettingsPage",
    }
    expected = [
        "LedgerPage",
        "DashboardPage",
        "DocumentsPage",
        "WhitelistPage",
        "ScreeningPage",
        "StatisticsPage",
        "SettingsPage",
    ]
    assert len(expected) == 2 + len(AREAS)
    window.show()
    qtbot.waitExposed(window)
    for row, name in enumerate(expected):
        window.nav.setCurrentRow(row)  # as a click on the navigation does
        page = window.pages.currentWidget()
        assert type(page).__name__ == name
        assert window.pages.indexOf(page) == row and page.isVisible()
        qtbot.wait(5)
    assert window.nav.count() == window.pages.count() == len(expected)
    # what callers knew on the window is the made page
    assert window.ledger is window.pages.widget(0) and window.ledger.model.rowCount() == 1
    assert window.area_pages["统计"] is window.pages.widget(5)
    assert window.backup_block.restore_button.isEnabled()
    assert "七台河市新兴区人民法院" in window.court_label.text()
    assert window.operator_label.text().startswith("本机使用人")


def test_a_page_asked_for_by_title_is_made_in_its_place(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    assert set(window.area_pages) == {"督促看板", "文书", "诚信履行名单", "审破衔接", "统计"}
    assert "设置" not in window.area_pages and "文书" in window.area_pages
    page = window.area_pages["文书"]
    assert window.pages.widget(2) is page and window.area_pages["文书"] is page  # made once
    assert window.nav.currentRow() == 1 and window.pages.currentIndex() == 1  # still on the dashboard
    # a change before the ledger is made refreshes nothing; the ledger made later reads it
    workspace.save_case(make_case())
    assert window.ledger.model.rowCount() == 1


def test_after_the_first_paint_the_rest_is_prefetched_and_the_settings_page_made(  # type: ignore[no-untyped-def]
    qtbot, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.gui import main_window

    monkeypatch.setattr(main_window, "PREFETCH_MS", 0)
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window._settings is not None, timeout=30_000)
    assert all(name in sys.modules for name in main_window.PREFETCH_MODULES)
    assert window.pages.widget(window.pages.count() - 1) is window.settings_page
    assert window.settings_page.backup_block.timer.isActive()  # the daily automatic backup is on
    assert window.nav.currentRow() == 1 and window.pages.currentIndex() == 1  # the person's page stays


def test_a_read_only_window_says_so_at_once(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from desktop.gui import opening

    workspace = Workspace.open(tmp_path / "ro.sqlite3")
    monkeypatch.setitem(opening._READ_ONLY, workspace, "张三@书记员电脑")
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    labels = [label.text() for label in window.statusBar().findChildren(QLabel)]
    assert "只读：数据库正由 张三@书记员电脑 使用" in labels
    assert window._settings is None  # said without making the settings page
    window.close()
    workspace.close()


def test_the_bundled_font_file_is_the_documents_one() -> None:
    from desktop.documents.fonts import BUNDLED_FILE
    from desktop.gui.app import BUNDLED_FONT_FILE

    assert BUNDLED_FONT_FILE == BUNDLED_FILE
