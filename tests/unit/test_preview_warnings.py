"""The preview's warnings and messages (issue 18, item 9): 标的额 0, paid more than owed and a money cell
holding a formula that was never calculated are warned of; a 16-character credit code is a credit-code
problem; control characters in what a message quotes are shown as escapes, never raw."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from openpyxl import Workbook

from desktop import cli
from desktop.core.tabular import Action
from desktop.services import excel
from desktop.services.workspace import Workspace

HEADER = "案号,案由,原告,被告,标的额,已履行金额,履行日期,裁判日期,生效日期,履行期限,被告身份证号\n"
ROW = (
    "（2025）黑0902民初{n}号,{cause},张三丰,{defendant},{amount},{paid},"
    "2025-06-01,2025-05-06,2025-05-06,2025-06-30,{id}\n"
)


def case_list(tmp_path: Path, *rows: dict[str, object]) -> Path:
    path = tmp_path / "清单.csv"
    base = {"cause": "民间借贷纠纷", "defendant": "李四", "amount": "1000", "paid": "", "id": ""}
    text = HEADER + "".join(ROW.format(n=i + 1, **{**base, **r}) for i, r in enumerate(rows))
    path.write_text(text, encoding="utf-8-sig")
    return path


def test_zero_amount_and_overpayment_are_warned_of_but_imported(workspace: Workspace, tmp_path: Path) -> None:
    path = case_list(tmp_path, {"amount": "0"}, {"amount": "1000", "paid": "1500"})
    preview = excel.preview_import(workspace, path)
    assert preview.rejections == []
    assert (preview.new, preview.count(Action.REJECTED)) == (2, 0)
    reasons = {(w.row, w.column): w.reason for w in preview.warnings}
    assert "标的额为0" in reasons[(2, "标的额")]
    assert "大于应履行金额" in reasons[(3, "已履行金额")]
    assert "提醒 2 条" in preview.summary()


def test_an_uncalculated_formula_in_a_money_cell_is_warned_of(workspace: Workspace, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["案号", "案由", "原告", "被告", "标的额", "裁判日期", "生效日期", "履行期限"])
    ws.append(
        [
            "（2025）黑0902民初1号",
            "借款",
            "张三丰",
            "李四",
            "=1000*2",
            "2025-05-06",
            "2025-05-06",
            "2025-06-30",
        ]
    )
    ws.append(
        ["（2025）黑0902民初2号", "借款", "张三丰", "王五", 3000, "2025-05-06", "2025-05-06", "2025-06-30"]
    )
    path = tmp_path / "公式.xlsx"
    wb.save(path)  # openpyxl writes the formula without a cached value, as a script would
    preview = excel.preview_import(workspace, path)
    assert [(w.row, w.column) for w in preview.warnings] == [(2, "标的额")]
    assert "没有计算结果" in preview.warnings[0].reason


def test_a_short_credit_code_is_reported_as_a_credit_code(workspace: Workspace, tmp_path: Path) -> None:
    path = case_list(tmp_path, {"defendant": "七台河市宏达商贸有限公司", "id": "91230902MA1C2D3E"})
    preview = excel.preview_import(workspace, path)
    [rejection] = preview.rejections
    assert "统一社会信用代码" in rejection.reason and "16位" in rejection.reason
    assert "身份证号" not in rejection.reason


@pytest.mark.parametrize("sneaky", ["\u202e", "\x00", "\u200b", "\x1b"])
def test_control_characters_in_messages_are_escaped(
    workspace: Workspace, tmp_path: Path, sneaky: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = case_list(tmp_path, {"cause": f"借款{sneaky}纠纷"}, {"amount": f"1{sneaky}000"})
    preview = excel.preview_import(workspace, path)
    assert len(preview.rejections) == 2
    for r in preview.rejections:
        assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in r.reason + r.column), r
    assert any(f"U+{ord(sneaky):04X}" in r.reason for r in preview.rejections)
    assert cli.main(["import", str(path), "--db", workspace.path, "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert sneaky not in out and f"〈U+{ord(sneaky):04X}〉" in out
