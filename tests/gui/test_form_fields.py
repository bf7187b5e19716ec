"""Inputs with error lines: the input keeps its height and the window grows (it was squeezed to a sliver
from the first setup dialog on); sample values in grey do not read like values."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLineEdit

from desktop.gui.court_dialog import CourtDialog
from desktop.gui.fields import DateLine, MoneyLine
from desktop.services.workspace import Workspace


def test_an_error_line_leaves_the_input_whole(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    workspace = Workspace.open(tmp_path / "new.sqlite3", actor="测试员")
    dialog = CourtDialog(workspace, first_run=True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    heights = {w: w.height() for w in dialog.findChildren(QLineEdit)}
    before = dialog.height()
    dialog.court_code.setText("abc")
    dialog.save()  # 法院名称 empty, 代字 wrong: two error lines
    qtbot.wait(50)
    assert {w: w.height() for w in dialog.findChildren(QLineEdit)} == heights
    assert dialog.height() > before
    error = dialog.form._errors["法院代字"]
    assert error.isVisible() and error.text()
    below = error.mapTo(dialog, error.rect().topLeft()).y()
    code = dialog.court_code
    assert below >= code.mapTo(dialog, code.rect().bottomLeft()).y()  # under its input, not on it
    tribunal = dialog.tribunal
    assert (
        error.mapTo(dialog, error.rect().bottomLeft()).y()
        <= tribunal.mapTo(dialog, tribunal.rect().topLeft()).y()
    )
    workspace.close()


def test_grey_samples_do_not_look_like_values() -> None:
    assert DateLine().placeholderText() == "年-月-日"
    assert MoneyLine().placeholderText() == "金额（元）"


def test_save_dialogs_open_in_documents_then_the_last_folder(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desktop.gui import save_dir

    monkeypatch.setattr(save_dir, "_last", None)
    first = Path(save_dir.suggested("统计.pdf"))
    assert first.name == "统计.pdf"
    assert first.parent != Path.cwd() and first.parent.is_dir()  # 文档 (or home), never the program folder
    (tmp_path / "u盘").mkdir()
    save_dir.remember(tmp_path / "u盘" / "名单.pdf")
    assert save_dir.suggested("a/b.pdf") == str(tmp_path / "u盘" / "a_b.pdf")


def test_enter_on_a_form_starts_its_wizard(qtbot, workspace: Workspace, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    from desktop.gui import documents_page
    from desktop.gui.main_window import Changes
    from tests.gui.test_documents_gui import prompt_case

    case = workspace.save_case(prompt_case())
    started: list[tuple[str, int]] = []

    def fake_open(_service, form_id, case_id, _parent):  # type: ignore[no-untyped-def]
        started.append((form_id, case_id))
        return None

    monkeypatch.setattr(documents_page, "open_wizard", fake_open)
    page = documents_page.DocumentsPage(workspace, Changes())
    qtbot.addWidget(page)
    page.show()
    page.set_case(case.id)
    page.forms_list.setFocus()
    current = page.forms_list.currentItem()
    assert current is not None
    qtbot.keyClick(page.forms_list, Qt.Key.Key_Return)
    assert started == [(current.data(documents_page.FORM_ID_ROLE), case.id)]
