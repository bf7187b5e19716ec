"""Typed case numbers (DOMAIN.md §1): what the clerk types is accepted in its usual variants and stored in
one canonical form; the field shows that form as soon as the clerk leaves it, so what is seen is what is
stored."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.gui.case_editor import CaseEditor
from desktop.services.workspace import Workspace
from tests.conftest import type_text

# (DOMAIN §1 clause, typed, shown after leaving the field)
TYPED = [
    ("§1 序号无前导零：0123存为123", "（2025）黑0902民初0123号", "（2025）黑0902民初123号"),
    ("§1 半角括号", "(2025)黑0902民初123号", "（2025）黑0902民初123号"),
    ("§1 六角括号〔〕", "〔2025〕黑0902民初123号", "（2025）黑0902民初123号"),
    ("§1 方括号【】与全角数字", "【２０２５】黑０９０２民初１２３号", "（2025）黑0902民初123号"),
    ("§1 多余空格", " （2025） 黑0902 民初 123号 ", "（2025）黑0902民初123号"),
    ("§1 本地代字执前督照收", "(2025)黑08执前督007号", "（2025）黑08执前督7号"),
    ("§1 已是规范形式：不变", "（2025）黑0902民初123号", "（2025）黑0902民初123号"),
    ("§1 无法识别的：保留原样，保存时指出错误", "2025黑0902民初456", "2025黑0902民初456"),
]


@pytest.mark.parametrize(("clause", "typed", "shown"), TYPED, ids=[t[0] for t in TYPED])
def test_the_field_shows_the_stored_form_when_the_clerk_leaves_it(
    qtbot, workspace: Workspace, clause: str, typed: str, shown: str
) -> None:  # type: ignore[no-untyped-def]
    editor = CaseEditor(workspace)
    qtbot.addWidget(editor)
    editor.show()
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow, timeout=2000)
    for field in (editor.case_number, editor.enforcement_number):
        field.setFocus()
        type_text(field, typed)
        assert field.text() == typed  # nothing changes while typing
        qtbot.keyClick(field, Qt.Key.Key_Tab)  # leaving the field
        assert field.text() == shown, clause


def test_saving_shows_the_stored_form_even_without_leaving_the_field(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    editor = CaseEditor(workspace)
    qtbot.addWidget(editor)
    editor.case_number.setText("(2025)黑0902民初0123号")
    editor.save()  # refused for other reasons (no parties): the number is still shown as it will be stored
    assert editor.case_number.text() == "（2025）黑0902民初123号"
