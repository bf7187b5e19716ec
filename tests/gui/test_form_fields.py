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
