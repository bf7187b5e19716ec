"""Server mode in the window: connecting, an unreachable server at start, who is connected, and a case
another clerk saved first (pytest-qt, offscreen; needs TRIBUNAL_DESK_TEST_PG)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog

from desktop.gui import server_dialogs
from desktop.gui.case_editor import CaseEditor
from desktop.gui.server_dialogs import ConflictDialog, ConnectDialog, ServerBlock, open_at_start
from desktop.services import connection
from desktop.services.connection import ServerAddress
from desktop.services.workspace import Workspace
from tests.conftest import PG_URL, TODAY, make_case

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(not PG_URL, reason="needs a PostgreSQL server (TRIBUNAL_DESK_TEST_PG)"),
]


@pytest.fixture(autouse=True)
def _forget_connection() -> None:
    connection.forget()
    yield
    connection.forget()


def test_the_connect_dialog_tests_and_saves_the_connection(qtbot, pg_url: str) -> None:  # type: ignore[no-untyped-def]
    address = ServerAddress.from_url(pg_url)
    dialog = ConnectDialog(None, address)
    qtbot.addWidget(dialog)
    assert dialog.host.text() == "127.0.0.1" and dialog.database.text() == address.database
    dialog.test()
    qtbot.waitUntil(lambda: "连接成功：PostgreSQL" in dialog.status.text(), timeout=10_000)
    dialog.port.setValue(1)
    dialog.test()
    qtbot.waitUntil(lambda: "无法连接服务器" in dialog.status.text(), timeout=10_000)
    dialog.port.setValue(address.port)
    dialog.host.setText("")
    dialog.connect_button.click()
    assert "服务器地址不能为空" in dialog.status.text() and connection.saved() is None
    dialog.host.setText("127.0.0.1")
    dialog.connect_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.choice == "server"
    saved = connection.saved()
    assert saved is not None and saved.address.url == address.url and saved.password is None
    assert not (Path(connection.paths.user_data_dir()) / connection.PASSWORD).exists()


def test_the_next_start_opens_the_saved_server(pg_url: str) -> None:
    connection.save(ServerAddress.from_url(pg_url), None, remember_password=False)
    ws = open_at_start(None)
    assert ws is not None and ws.is_server and ws.path.endswith(ServerAddress.from_url(pg_url).database)
    ws.close()


def test_an_unreachable_server_at_start_offers_retry_local_and_quit(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    choices = iter(["retry", "quit"])

    def fake_exec(self: server_dialogs.ServerUnavailableDialog) -> int:
        shown.append(self.findChildren(server_dialogs.QLabel)[0].text())
        self.choice = next(choices)
        return 1

    monkeypatch.setattr(server_dialogs.ServerUnavailableDialog, "exec", fake_exec)
    assert open_at_start("postgresql://tribunal@127.0.0.1:1/tribunal_desk") is None
    assert len(shown) == 2 and "服务器 127.0.0.1:1 上的数据库 tribunal_desk：无法连接服务器" in shown[0]


def test_read_only_local_database_when_the_server_is_down(monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop import paths

    Workspace.open(paths.default_database(), actor="测试员").close()
    monkeypatch.setattr(
        server_dialogs.ServerUnavailableDialog, "exec", lambda self: setattr(self, "choice", "local")
    )
    ws = open_at_start("postgresql://tribunal@127.0.0.1:1/tribunal_desk")
    assert ws is not None and not ws.is_server
    from desktop.store.lock import is_read_only

    assert is_read_only(ws.db)
    ws.close()


def test_the_settings_block_lists_who_is_connected(
    qtbot, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    mine, theirs = Workspace.open(pg_url, actor="王书记员"), Workspace.open(pg_url, actor="李法官")
    block = ServerBlock(mine)
    qtbot.addWidget(block)
    seen: list[list[tuple[str, str, str]]] = []
    monkeypatch.setattr(server_dialogs.ClientsDialog, "exec", lambda self: seen.append(self.rows) or 0)
    monkeypatch.setattr(
        server_dialogs.ClientsDialog, "__init__", _record_rows(server_dialogs.ClientsDialog.__init__)
    )
    block.show_clients()
    who = {r[0].split("@")[0] for r in seen[0]}
    assert {"王书记员", "李法官"} <= who
    mine.close()
    theirs.close()


def _record_rows(init):  # type: ignore[no-untyped-def]
    def wrapped(self, rows, parent=None):  # type: ignore[no-untyped-def]
        self.rows = rows
        init(self, rows, parent)

    return wrapped


def test_saving_a_case_another_clerk_saved_first_shows_the_comparison(  # type: ignore[no-untyped-def]
    qtbot, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clerk, judge = Workspace.open(pg_url, actor="王书记员"), Workspace.open(pg_url, actor="李法官")
    for ws in (clerk, judge):
        ws.today = lambda: TODAY
    case_id = clerk.save_case(make_case()).id or 0
    editor = CaseEditor(clerk, case_id)
    qtbot.addWidget(editor)
    editor.cause.setText("买卖合同纠纷")  # the clerk types …
    judge.save_case(replace(judge.load_case(case_id), notes="法官已电话督促"))  # … the judge saves first
    shown: list[ConflictDialog] = []

    def reload_theirs(self: ConflictDialog) -> int:
        shown.append(self)
        self._reload()
        return 1

    monkeypatch.setattr(ConflictDialog, "exec", reload_theirs)
    editor.save()
    (dialog,) = shown
    text = dialog.findChildren(server_dialogs.QLabel)[0].text()
    assert text.startswith("此案件已被李法官（计算机 ")
    table = dialog.findChildren(server_dialogs.QTableWidget)[0]
    rows = {
        table.item(r, 0).text(): (table.item(r, 1).text(), table.item(r, 2).text())
        for r in range(table.rowCount())
    }
    assert rows == {"案由": ("买卖合同纠纷", "民间借贷纠纷"), "备注": ("（空）", "法官已电话督促")}
    assert editor.result() != QDialog.DialogCode.Accepted  # still open, now on the judge's version
    assert editor.cause.text() == "民间借贷纠纷" and editor.case.notes == "法官已电话督促"
    assert clerk.load_case(case_id).cause == "民间借贷纠纷"
    clerk.close()
    judge.close()


def test_keeping_my_edits_after_a_conflict_leaves_the_form_as_typed(  # type: ignore[no-untyped-def]
    qtbot, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clerk, judge = Workspace.open(pg_url, actor="王书记员"), Workspace.open(pg_url, actor="李法官")
    case_id = clerk.save_case(make_case()).id or 0
    editor = CaseEditor(clerk, case_id)
    qtbot.addWidget(editor)
    editor.cause.setText("买卖合同纠纷")
    judge.save_case(replace(judge.load_case(case_id), notes="x"))
    monkeypatch.setattr(ConflictDialog, "exec", lambda self: 0)
    editor.save()
    assert editor.cause.text() == "买卖合同纠纷" and "此案件已被李法官" in editor.banner.text()
    clerk.close()
    judge.close()


def test_the_dashboard_shows_another_pcs_contact_by_itself(qtbot, pg_url: str) -> None:  # type: ignore[no-untyped-def]
    """On a server the other PCs do not notify this program: the page looks for their changes itself
    (every SERVER_POLL_MS, one small statement) and refreshes only when there are some."""
    from desktop.core.model import ContactMethod
    from desktop.gui.dashboard_page import DashboardPage
    from desktop.gui.main_window import Changes
    from desktop.services.reminders import Reminders
    from tests.unit.test_reminders import _overdue_case

    clerk, judge = (Workspace.open(pg_url, actor=who) for who in ("王书记员", "李法官"))
    for ws in (clerk, judge):
        ws.today = lambda: TODAY
    _overdue_case(clerk)
    Reminders(clerk).holiday_table()  # the first look at a new database stores the holiday table
    changes = Changes()
    judge.subscribe(changes.changed.emit)
    page = DashboardPage(judge, changes)
    changes.setParent(page)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    assert page._poll.isActive()
    before = [page.model.item(r) for r in range(page.model.rowCount())]
    urge = [i for i in before if i is not None and i.rule_id == "urge"]
    assert urge
    refreshed: list[int] = []
    real_refresh = page.refresh
    page.refresh = lambda: (refreshed.append(1), real_refresh())  # type: ignore[method-assign]
    page.check_others()
    assert refreshed == []  # nothing new: no refresh
    Reminders(clerk).record_contact(urge, ContactMethod.PHONE, "承诺月底前付清")
    page.check_others()
    assert refreshed == [1]
    after = [page.model.item(r) for r in range(page.model.rowCount())]
    assert not [i for i in after if i is not None and i.rule_id == "urge"]
    page.close()
    clerk.close()
    judge.close()
