"""Zip bombs and oversized parts are refused before and while inflating, with bounded memory (issue 18,
item 3). The limits are lowered here so that small files stand in for gigabyte ones;
tests/bench/bench_import_fuzz.py previews the real 540 MB and 1 GiB bombs and prints the peak memory."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from desktop.services import excel, import_files
from desktop.services.workspace import Workspace
from tests.bench.bench_excel import case_list_rows, write_excel_like


def _with_part(source: Path, target: Path, name: str, content: bytes) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, content if info.filename == name else src.read(info))
    target.write_bytes(buffer.getvalue())
    return target


@pytest.fixture
def case_list(tmp_path: Path) -> Path:
    path = tmp_path / "清单.xlsx"
    write_excel_like(path, case_list_rows(50))
    return path


def test_a_legitimate_case_list_is_read(workspace: Workspace, case_list: Path) -> None:
    preview = excel.preview_import(workspace, case_list)
    assert preview.new == 50


def test_a_part_that_inflates_too_many_times_is_refused_before_reading(
    workspace: Workspace, case_list: Path, tmp_path: Path
) -> None:
    sheet = zipfile.ZipFile(case_list).read("xl/worksheets/sheet1.xml")
    head, _, tail = sheet.partition(b"<sheetData>")
    bomb = _with_part(case_list, tmp_path / "炸弹.xlsx", "xl/worksheets/sheet1.xml",
                      head + b"<sheetData>" + b" " * (8 << 20) + tail)  # fmt: skip
    with pytest.raises(import_files.TooLarge, match="压缩比异常") as caught:
        excel.preview_import(workspace, bomb)
    assert caught.value.exit_code == 9 and "炸弹.xlsx" in str(caught.value)


def test_a_declared_size_over_the_limit_is_refused(
    workspace: Workspace, case_list: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_files, "MAX_MEMBER_BYTES", 10_000)
    with pytest.raises(import_files.TooLarge, match="解压后有"):
        excel.preview_import(workspace, case_list)
    monkeypatch.setattr(import_files, "MAX_MEMBER_BYTES", 1 << 30)
    monkeypatch.setattr(import_files, "MAX_TOTAL_BYTES", 20_000)
    with pytest.raises(import_files.TooLarge, match="解压后共有"):
        excel.preview_import(workspace, case_list)


def test_a_long_run_of_text_is_stopped_while_inflating(
    workspace: Workspace, case_list: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_files, "MAX_TEXT_RUN", 5_000)
    monkeypatch.setattr(import_files, "_GAP", import_files.re.compile(rb"[^<]{5001}"))
    sheet = zipfile.ZipFile(case_list).read("xl/worksheets/sheet1.xml")
    head, _, tail = sheet.partition(b"</sheetData>")
    cell = b'<row r="999"><c r="A999" t="inlineStr"><is><t>' + b"\xe6\xa1\x88" * 3000 + b"</t></is></c></row>"
    long_cell = _with_part(case_list, tmp_path / "长.xlsx", "xl/worksheets/sheet1.xml",
                           head + cell + b"</sheetData>" + tail)  # fmt: skip
    with pytest.raises(import_files.TooLarge, match="连续文字或空白"):
        excel.preview_import(workspace, long_cell)


def test_the_shared_strings_have_a_memory_budget(
    workspace: Workspace, case_list: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_files, "STRINGS_BUDGET", 20_000)
    with pytest.raises(import_files.TooLarge, match="共享字符串表"):
        excel.preview_import(workspace, case_list)


def test_a_part_that_inflates_beyond_its_declared_size_is_stopped(tmp_path: Path) -> None:
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"<a>" + b"x" * 50_000 + b"</a>")
    with import_files.GuardedZip(path, "a.xlsx") as archive:
        archive.getinfo("xl/worksheets/sheet1.xml").file_size = 1_000  # the directory lies
        with pytest.raises((import_files.TooLarge, zipfile.BadZipFile)):
            archive.read("xl/worksheets/sheet1.xml")


def test_too_many_parts_are_refused(workspace: Workspace, case_list: Path, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(case_list) as src, zipfile.ZipFile(buffer, "w") as out:
        for info in src.infolist():
            out.writestr(info.filename, src.read(info))
        for i in range(import_files.MAX_MEMBERS + 1):
            out.writestr(f"x/{i}", b"")
    many = tmp_path / "多.xlsx"
    many.write_bytes(buffer.getvalue())
    with pytest.raises(import_files.TooLarge, match="个部件"):
        excel.preview_import(workspace, many)


def test_an_escaped_underscore_in_shared_strings_is_decoded_once(
    workspace: Workspace, tmp_path: Path
) -> None:
    rows = case_list_rows(2)
    header = rows[0]
    cause = header.index("案由")
    rows[1][cause] = "_x005F_x0041_借款"  # how Excel stores the text "_x0041_借款"
    rows[2][cause] = "借款_x000A_合同"  # and a line break
    path = tmp_path / "转义.xlsx"
    write_excel_like(path, rows)
    table = excel.TableFile(path)
    try:
        values = [cells[cause] for _, cells in table.rows(table.sheet_names[0])]
    finally:
        table.close()
    assert values[1:3] == ["_x0041_借款", "借款\n合同"]
