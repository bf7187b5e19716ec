"""Export → import gives back every text unchanged: XLSX text cells are never formulas, CSV keeps its
formula guard and the import removes exactly that guard (issue 18, item 1)."""

from __future__ import annotations

import csv
import io
import tempfile
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from desktop.core import cells
from desktop.core.tabular import without_ids
from desktop.services import excel
from desktop.services.whitelist import csv_bytes
from desktop.services.workspace import Workspace
from desktop.store import tabular_io
from tests.conftest import TODAY, make_case

# Any character a str can hold in a file (lone surrogates cannot be encoded at all).
ANY_CHAR = st.characters(exclude_categories=("Cs",))
FORMULA_LIKE = st.sampled_from(["=", "+", "-", "@", "'", "\t", "\r", "\n", "_x0041_", "#N/A", "=1+1"])
ANY_TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=40),
    st.builds(lambda a, b: a + b, FORMULA_LIKE, st.text(ANY_CHAR, max_size=20)),
    st.lists(st.one_of(FORMULA_LIKE, st.text(ANY_CHAR, max_size=3)), max_size=8).map("".join),
)


def _xlsx_round_trip(rows: list[list[str]], folder: Path) -> list[list[object]]:
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("表")
    for values in rows:
        excel._append(sheet, [None] * len(values), list(values))
    path = folder / "cells.xlsx"
    wb.save(path)
    table = excel.TableFile(path)
    try:
        return [cells_ for _, cells_ in table.rows("表")]
    finally:
        table.close()


@given(st.lists(st.lists(ANY_TEXT, min_size=1, max_size=4), min_size=1, max_size=4))
def test_any_text_survives_an_xlsx_cell(rows: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        back = _xlsx_round_trip(rows, Path(folder))
    expected = [[v if v != "" else None for v in row] for row in rows]
    width = max(len(r) for r in rows)
    assert [r + [None] * (width - len(r)) for r in back] == [r + [None] * (width - len(r)) for r in expected]


@given(st.lists(st.lists(ANY_TEXT, min_size=1, max_size=4), min_size=1, max_size=4))
def test_any_text_survives_the_guarded_csv(rows: list[list[str]]) -> None:
    # the header row keeps the file's shape; a lone empty cell would make an empty line, which is no row
    rows = [["列1", "列2", "列3", "列4"]] + [[*r, "x"] for r in rows]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "名单.csv"
        path.write_bytes(csv_bytes(rows))
        table = excel.TableFile(path)
        back = [cells_ for _, cells_ in table.rows(table.sheet_names[0])]
    assert back == rows


def test_the_csv_never_holds_a_live_formula() -> None:
    data = csv_bytes([['=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "\tx", "'=quoted", "平常"]])
    cells_ = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert all(not c.startswith(cells.FORMULA_STARTS) for c in cells_)
    assert cells_[-1] == "平常"
    assert [cells.csv_unguard(c) for c in cells_][:6] == [
        '=HYPERLINK("http://x")',
        "+1",
        "-1",
        "@SUM(A1)",
        "\tx",
        "'=quoted",
    ]


def test_a_formula_like_text_is_a_text_cell_in_the_export(workspace: Workspace, tmp_path: Path) -> None:
    case = make_case(cause="=1+1", notes='=A1&"x"')
    case = replace(case, parties=(replace(case.parties[0], name="=HYPERLINK(1)"), *case.parties[1:]))
    workspace.save_case(case)
    out = tmp_path / "台账.xlsx"
    excel.export_ledger(workspace, out)
    sheet = load_workbook(out)["案件"]
    header = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert (row["案由"].value, row["案由"].data_type) == ("=1+1", "s")
    assert (row["备注"].value, row["备注"].data_type) == ('=A1&"x"', "s")


# Texts the ledger accepts (validation.check_text): no control characters but tab and newline, stripped.
def _storable(text: str) -> bool:
    return text == text.strip() and all(
        unicodedata.category(ch) not in ("Cc", "Cf") or ch in "\n\t" for ch in text
    )


STORABLE = (
    st.one_of(
        st.builds(lambda a, b: a + b, FORMULA_LIKE, st.text(ANY_CHAR, max_size=15)),
        st.text(ANY_CHAR, min_size=1, max_size=20),
    )
    .map(lambda t: t.strip())
    .filter(lambda t: t != "" and _storable(t))
)


@pytest.fixture(scope="module")
def two_ledgers(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, Workspace, Path]:
    folder = tmp_path_factory.mktemp("round")
    source = Workspace.open(folder / "source.sqlite3", actor="测试员")
    target = Workspace.open(folder / "target.sqlite3", actor="测试员")
    for ws in (source, target):
        ws.today = lambda: TODAY
    yield source, target, folder
    source.close()
    target.close()


@given(cause=STORABLE, notes=STORABLE, name=STORABLE, address=STORABLE, note=STORABLE)
def test_any_storable_text_survives_export_and_import(
    two_ledgers: tuple[Workspace, Workspace, Path], cause: str, notes: str, name: str, address: str, note: str
) -> None:
    source, target, folder = two_ledgers
    case = make_case(cause=cause[:60], notes=notes)
    party = replace(case.parties[1], name=name[:100], address=address)
    case = replace(case, parties=(case.parties[0], party), payments=(replace(case.payments[0], note=note),))
    existing = tabular_io.find_cases(source.db, [case.case_number]).get(case.case_number)
    if existing is not None:
        case = replace(case, id=existing.id, version=existing.version)
    saved = source.save_case(case)
    out = folder / "台账.xlsx"
    excel.export_ledger(source, out)
    preview = excel.preview_import(target, out)
    assert preview.rejections == []
    excel.apply_import(target, preview)
    back = tabular_io.find_cases(target.db, [saved.case_number])[saved.case_number]
    assert without_ids(back) == without_ids(
        tabular_io.find_cases(source.db, [saved.case_number])[saved.case_number]
    )
    assert (back.cause, back.notes, back.parties[1].name, back.parties[1].address, back.payments[0].note) == (
        cause[:60],
        notes,
        name[:100],
        address,
        note,
    )
