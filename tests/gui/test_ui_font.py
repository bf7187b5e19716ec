"""The UI's Chinese font: a preferred system face when there is one, the shipped face always behind it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.gui.app import BUNDLED_UI_FONT, ui_families

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = [BUNDLED_UI_FONT, "AR PL UMing HK", "AR PL UMing TW", "AR PL UMing TW MBE"]


@pytest.mark.parametrize(
    ("available", "expected"),
    [
        ({"Microsoft YaHei UI", "SimSun", "Arial"}, ["Microsoft YaHei UI", BUNDLED_UI_FONT]),  # Windows
        ({"Noto Sans CJK SC", "DejaVu Sans"}, ["Noto Sans CJK SC", BUNDLED_UI_FONT]),  # 统信UOS / 麒麟
        ({"WenQuanYi Micro Hei"}, ["WenQuanYi Micro Hei", BUNDLED_UI_FONT]),
        ({"DejaVu Sans"}, ["Sans Serif", BUNDLED_UI_FONT]),  # no CJK font: Latin in the default, 汉字 bundled
        (set(), ["Sans Serif", BUNDLED_UI_FONT]),
    ],
)
def test_ui_families(available: set[str], expected: list[str]) -> None:
    assert ui_families(available, "Sans Serif", BUNDLED) == expected


def test_a_bundled_font_that_did_not_load_leaves_the_system_choice() -> None:
    assert ui_families({"Noto Sans CJK SC"}, "Sans Serif", []) == ["Noto Sans CJK SC"]


# Two different characters drawn in the application's font: on a PC without any CJK font they come out
# as the same empty box unless the shipped face is registered with Qt.
_DRAW = """
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter
from desktop.gui.app import application
app = application()
def glyph(ch):
    img = QImage(40, 40, QImage.Format.Format_Grayscale8)
    img.fill(255)
    p = QPainter(img)
    p.setFont(app.font())
    p.setPen(QColor(0, 0, 0))
    p.drawText(img.rect(), Qt.AlignmentFlag.AlignCenter, ch)
    p.end()
    return bytes(img.constBits())
print("families", app.font().families())
print("distinct", glyph("法") != glyph("庭"))
"""


def test_chinese_renders_on_a_machine_without_any_system_font(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>{tmp_path / 'empty'}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FONTCONFIG_FILE=str(conf))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", _DRAW], env=env, capture_output=True, text=True, encoding="utf-8", timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert BUNDLED_UI_FONT in done.stdout
    assert "distinct True" in done.stdout, done.stdout
