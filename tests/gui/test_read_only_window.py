"""A window on a database opened read-only (issue 18, item 10): every action that would write is disabled
from the start, with a tooltip saying why, not refused when it is saved; the title and the status bar
say 只读; a case opens with its fields not editable; the document wizard previews a draft and registers
nothing; keys and shortcuts that would write do nothing, and no write is ever attempted.

On both engines: an SQLite demo opened ``mode=ro`` (another program holds it, or the server is down and
this PC's copy is opened), and the same demo on a server through a read-only connection."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QPlainTextEdit, QWidget, QWizard

from desktop.services.workspace import Workspace
from desktop.store import lock

TODAY = date(2025, 7, 15)
# Words on a button that writes: a button with one of them must be disabled in a read-only window.
WRITE_WORDS = ("新增", "登记", "删除", "导入", "发布", "撤回", "排除", "恢复", "修改", "保存", "完成", "推迟")
WRITE_WORDS += ("本院条件", "撤销", "批量出具", "重印", "打印名单", "导出报送", "登录密码")
# ... except these, which only read or make a draft
READING = {"导出Excel", "导出…", "节假日表…", "节假日表（导入、导出）…", "新建文书…", "出具建议文书（W）"}
READING |= {"出具申请破产审查告知书…", "督促提醒规则（提醒窗口）…", "提醒规则…", "打开", "打开案件（Enter）"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from desktop.services.demo import generate

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    generate(path, cases=300, seed=7, today=TODAY)
    return path


@pytest.fixture
def reader(engine: str, demo: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Workspace:
    """The demo, opened read-only: the SQLite file ``mode=ro``, or the server on a read-only connection."""
    if engine == "postgresql":
        from desktop.services.server import migrate_to_server
        from desktop.store import pg

        url = str(request.getfixturevalue("pg_url"))
        migrate_to_server(demo, url, replace=True)
        ws = Workspace(pg.PgDatabase(pg.connect(url, read_only=True)), actor="测试员")
    else:
        copy = tmp_path / "demo.sqlite3"
        shutil.copy(demo, copy)
        ws = Workspace(lock.open_read_only(copy), actor="测试员")
    ws.today = lambda: TODAY
    yield ws
    ws.close()


@pytest.fixture
def attempts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every write the read-only database refused (none may be attempted at all)."""
    seen: list[str] = []
    original = lock.ReadOnly.__init__

    def record(self: lock.ReadOnly, *args: object) -> None:
        seen.append(str(args))
        original(self, *args)

    monkeypatch.setattr(lock.ReadOnly, "__init__", record)
    return seen


def disabled_for_reading(button: QWidget) -> bool:
    return not button.isEnabled() and "只读" in button.toolTip()


def writing_buttons(root: QWidget) -> list[QAbstractButton]:
    return [
        b
        for b in root.findChildren(QAbstractButton)
        if b.text() not in READING and any(word in b.text() for word in WRITE_WORDS)
    ]


def case_id(ws: Workspace) -> int:
    return int(ws.db.execute("SELECT min(id) FROM cases").fetchone()[0])


def test_every_writing_action_is_disabled_on_every_page(qtbot, reader: Workspace, dialogs, attempts) -> None:  # type: ignore[no-untyped-def]
    from desktop.gui.main_window import MainWindow

    window = MainWindow(reader)
    qtbot.addWidget(window)
    window.show()
    qtbot.wait(20)
    assert "只读" in window.windowTitle() and "只读" in window.status_label.text()

    ledger = window.ledger
    for button in (ledger.add_button, ledger.contact_button, ledger.delete_button, ledger.import_button):
        assert disabled_for_reading(button), button.text()
    assert ledger.edit_button.isEnabled() and ledger.export_button.isEnabled()  # reading stays

    pages = window.area_pages
    board = pages["督促看板"]
    for name in ("contact_button", "postpone_button", "done_button", "event_button"):
        assert disabled_for_reading(getattr(board, name)), name
    documents = pages["文书"]
    documents.set_case(case_id(reader))  # choosing a case enables the case's buttons: not these
    for name in ("flags_button", "batch_button", "reprint_button"):
        assert disabled_for_reading(getattr(documents, name)), name
    assert documents.new_button.isEnabled()  # a draft only (the wizard test below)
    whitelist = pages["诚信履行名单"]
    whitelist._batch_selected()  # a batch chosen (or not) never enables them
    for name in ("check_button", "consent_button", "exclude_button", "publish_button", "rules_button"):
        assert disabled_for_reading(getattr(whitelist, name)), name
    for name in ("print_button", "export_button", "withdraw_button"):
        assert disabled_for_reading(getattr(whitelist, name)), name
    screening = pages["审破衔接"]
    screening.table.selectRow(0)
    for name in ("other_button", "remove_other_button", "termination_button"):
        assert disabled_for_reading(getattr(screening, name)), name
    assert not window.court_button.isEnabled() and not window.password_button.isEnabled()
    assert not window.backup_block.restore_button.isEnabled()

    # and nothing anywhere in the window that says it writes is left enabled
    left = [b.text() for b in writing_buttons(window) if b.isEnabled()]
    assert left == []
    assert attempts == [] and not [t for t, text in dialogs.shown if "只读" in text or "readonly" in text]


def test_keys_and_shortcuts_that_would_write_do_nothing(qtbot, reader: Workspace, dialogs, attempts) -> None:  # type: ignore[no-untyped-def]
    from desktop.gui.main_window import MainWindow

    before = reader.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    window = MainWindow(reader)
    qtbot.addWidget(window)
    window.show()
    ledger = window.ledger
    window.nav.setCurrentRow(window.pages.indexOf(ledger))
    ledger.table.setFocus()
    ledger.table.selectRow(0)
    qtbot.keyClick(ledger.table, Qt.Key.Key_C)  # 登记督促
    qtbot.keyClick(ledger.table, Qt.Key.Key_Delete)  # 删除 (would ask first)
    qtbot.keyClick(ledger, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # 新增案件
    assert ledger.dialog is None and dialogs.shown == []
    ledger.add_case()  # even called directly
    ledger.delete_current()
    assert ledger.contact_current() is None

    board = window.area_pages["督促看板"]
    window.nav.setCurrentRow(window.pages.indexOf(board))
    board.table.setFocus()
    board.table.selectRow(board._first_item_row(0) or 0)
    for key in (Qt.Key.Key_C, Qt.Key.Key_P, Qt.Key.Key_D):
        qtbot.keyClick(board.table, key)
    assert board.dialog is None and dialogs.shown == []
    assert board.add_event() is None

    assert reader.db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before
    assert attempts == []


def test_a_case_opens_read_only(qtbot, reader: Workspace, dialogs, attempts, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from desktop.gui.case_editor import CaseEditor

    editor = CaseEditor(reader, case_id(reader))
    qtbot.addWidget(editor)
    editor.resize(1366, 768)
    editor.show()
    assert "只读" in editor.windowTitle() and "只读" in editor.banner.text()
    for button in (editor.save_button, editor.contact_button, editor.compute_button):
        assert disabled_for_reading(button), button.text()
    assert editor.cancel_button.isEnabled() and editor.cancel_button.text() == "关闭"
    tab = editor.fee_reliefs
    for button in (tab.add_button, tab.edit_button, tab.delete_button):
        assert disabled_for_reading(button), button.text()
    assert writing_buttons(editor) and not [b.text() for b in writing_buttons(editor) if b.isEnabled()]
    for edit in editor.findChildren(QLineEdit):
        assert edit.isReadOnly() or not edit.isEnabled(), edit.objectName()
    assert all(text.isReadOnly() for text in editor.findChildren(QPlainTextEdit))
    assert not any(combo.isEnabled() for combo in editor.findChildren(QComboBox))
    assert editor.parties.editTriggers() == editor.parties.EditTrigger.NoEditTriggers
    assert all(not editor.parties.cellWidget(r, 0).isEnabled() for r in range(editor.parties.rowCount()))

    qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # 保存
    qtbot.keyClick(editor.contacts, Qt.Key.Key_C)  # 登记督促
    editor.save()
    assert editor.contact_dialog is None and editor.saved is None and editor.record_contact() is None
    assert editor.isVisible()  # nothing was saved, nothing closed it
    editor.grab().save(str(tmp_path / "case-editor.png"))
    editor.reject()  # nothing was changed: it closes without asking
    assert not editor.isVisible() and dialogs.shown == [] and attempts == []


def test_the_wizard_previews_a_draft_and_registers_nothing(  # type: ignore[no-untyped-def]
    qtbot, reader: Workspace, dialogs, attempts
) -> None:
    from desktop.gui.wizard import open_wizard
    from desktop.services.documents import DocumentService

    service = DocumentService(reader)
    before = reader.db.execute("SELECT count(*) FROM documents").fetchone()[0]
    ids = [int(r[0]) for r in reader.db.execute("SELECT id FROM cases ORDER BY id LIMIT 40")]
    form_and_case = next(
        (form.id, cid)
        for cid in ids
        for form, verdict in service.available(cid)
        if verdict.allowed and not form.blank
    )
    wizard = open_wizard(service, *form_and_case)
    assert wizard is not None
    qtbot.addWidget(wizard)
    wizard.show()
    assert "只读" in wizard.windowTitle()
    finish, save_pdf, print_ = (
        wizard.button(QWizard.WizardButton.FinishButton),
        wizard.button(QWizard.WizardButton.CustomButton1),
        wizard.button(QWizard.WizardButton.CustomButton2),
    )
    wizard.setCurrentId(wizard.pageIds()[-1])  # the review page: a draft, registered never
    assert wizard.currentPage() is wizard.review
    assert wizard.preview.pages and "草稿" in wizard.preview_text()
    for button in (finish, save_pdf, print_):
        assert disabled_for_reading(button), button.text()
    qtbot.keyClick(wizard, Qt.Key.Key_Return)  # the default button would register and print
    wizard.accept()  # called directly: no print dialog, nothing registered, the wizard stays
    assert wizard.isVisible() and wizard.print_document() is False and wizard.save_pdf() is None
    assert wizard.issue() is None and wizard.issued is None
    assert reader.db.execute("SELECT count(*) FROM documents").fetchone()[0] == before
    wizard.reject()  # nothing could have been registered: no "放弃本文书？"
    assert dialogs.shown == [] and attempts == []


@pytest.mark.sqlite_only
def test_screenshots_of_the_read_only_ledger(qtbot, reader: Workspace, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """1366×768, offscreen: kept for a person to look at (TRIBUNAL_DESK_SHOTS names a folder)."""
    import os

    from desktop.gui.case_editor import CaseEditor
    from desktop.gui.main_window import MainWindow

    folder = Path(os.environ.get("TRIBUNAL_DESK_SHOTS", tmp_path))
    window = MainWindow(reader)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.nav.setCurrentRow(window.pages.indexOf(window.ledger))
    qtbot.wait(50)
    window.grab().save(str(folder / "read-only-ledger.png"))
    window.nav.setCurrentRow(window.pages.indexOf(window.settings_page))
    qtbot.wait(20)
    window.grab().save(str(folder / "read-only-settings.png"))
    editor = CaseEditor(reader, case_id(reader), window)
    qtbot.addWidget(editor)
    editor.resize(1366, 768)
    editor.show()
    qtbot.wait(50)
    editor.grab().save(str(folder / "read-only-case-editor.png"))
    editor.tabs.setCurrentIndex(1)
    qtbot.wait(20)
    editor.grab().save(str(folder / "read-only-case-parties.png"))
    assert (folder / "read-only-ledger.png").stat().st_size > 10_000
