"""Chinese everywhere: Qt's own standard buttons (Yes/No, Discard/Cancel were English), and no English
word or internal key left in what the program itself shows."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from desktop.gui.app import application
from desktop.gui.dashboard_page import RulesDialog
from desktop.services.reminders import Reminders
from desktop.services.workspace import Workspace

GUI = Path(__file__).resolve().parents[2] / "desktop" / "gui"
# Latin words a Chinese court clerk reads as they are: key names, file kinds, a checksum's name, the
# holiday-cn data format.
ALLOWED = {
    "Ctrl",
    "Enter",
    "Shift",
    "PDF",
    "Excel",
    "Word",
    "JSON",
    "GB",
    "holiday",
    "cn",
    "tdbak",
    "json",
    "pdf",
    "sha",
    "PostgreSQL",  # the server's product name, as the court's IT person knows it (server mode)
    "docs",  # docs/server-mode.md, the setup guide the connect dialog points to
    "server",
    "mode",
    "md",
}


def test_the_standard_buttons_are_chinese(qapp) -> None:  # type: ignore[no-untyped-def]
    application()  # what the program does at start
    box = QMessageBox()
    box.setStandardButtons(
        QMessageBox.StandardButton.Yes
        | QMessageBox.StandardButton.No
        | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel
    )
    texts = {b: box.button(b).text().replace("&", "") for b in QMessageBox.StandardButton if box.button(b)}
    assert texts == {
        QMessageBox.StandardButton.Yes: "是(Y)",
        QMessageBox.StandardButton.No: "否(N)",
        QMessageBox.StandardButton.Discard: "丢弃",
        QMessageBox.StandardButton.Cancel: "取消",
    }
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close | QDialogButtonBox.StandardButton.Save)
    assert {b.text() for b in buttons.buttons()} == {"关闭", "保存"}


def test_loading_twice_keeps_one_translator(qapp) -> None:  # type: ignore[no-untyped-def]
    from desktop.gui.qt_translations import install_qt_translations

    first = install_qt_translations(qapp)
    assert len(first) == 1 and first[0].endswith("qtbase_zh_CN.qm")
    assert install_qt_translations(qapp) == first


def _shown_strings() -> list[tuple[str, str]]:
    """Every string the GUI marks for display (``_("…")``), with its file."""
    found = []
    for path in sorted(GUI.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        for literals in re.findall(r'_\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\)', source):  # "a" "b" joined
            found.append((path.name, "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', literals))))
    return found


def test_no_english_word_in_what_the_gui_shows() -> None:
    strings = _shown_strings()
    assert len(strings) > 300  # the scan sees the GUI's strings
    english = [
        (name, text)
        for name, text in strings
        for word in re.findall(r"[A-Za-z]{2,}", text)
        if word not in ALLOWED
    ]
    assert english == []


def test_the_rules_dialog_shows_no_keys_or_paths(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    dialog = RulesDialog(Reminders(workspace), None)
    qtbot.addWidget(dialog)
    titles = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]  # type: ignore[union-attr]
    assert "自动履行催告书" in titles
    assert not [t for t in titles if re.search(r"[A-Za-z]", t)]
    from PySide6.QtWidgets import QLabel

    notes = [label.text() for label in dialog.findChildren(QLabel)]
    assert not [n for n in notes if "docs/" in n or ".md" in n]
