"""导入Excel / 导出Excel: case lists in (XLSX, CSV) and the ledger out (XLSX), as use cases.

Import is two steps. :func:`preview_import` reads the file and says what importing it would do: how many
cases are new, updated (matched by canonical 案号), unchanged, and which rows are rejected (sheet, row,
column, reason in Chinese). Nothing is written. :func:`apply_import` then writes the preview's new and
changed cases in ONE transaction, audited with the file's name and SHA-256: all or nothing, unless the
user chose to skip the rejected rows. A progress callback can cancel either step; a cancelled import
leaves the database unchanged.

Files: XLSX/XLSM through openpyxl in read-only mode (cached formula values; cells of a merged range all
take the range's value, so a 案号 merged over three party rows belongs to all three); CSV in UTF-8 (with
or without BOM) or GBK/GB18030, comma, tab or semicolon separated. Old .xls/.et files are refused with
a hint to save them as .xlsx.

Which file is which: a workbook with the sheets 案件 and 当事人 is Tribunal Desk's own layout (see
docs/excel-layout.md and :data:`desktop.core.tabular.LAYOUT`) and replaces the cases it holds as wholes;
anything else is a case list whose headers are matched by name and synonym, the user's remembered
choices first (settings key ``excel.import.mapping``).

Export (:func:`export_ledger`) writes the ledger or any filtered view in the own layout: one sheet per
kind of record, Chinese headers, column widths, dates as dates, amounts as numbers with two decimals,
identifiers as text, and a 说明 sheet. The export is audited (it carries personal data, DOMAIN.md §7).
"""

from __future__ import annotations

import contextlib
import csv
import gc
import hashlib
import io
import json
import logging
import os
import re
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

from desktop.core.cells import csv_unguard, xlsx_escape, xlsx_needs_text_cell, xlsx_unescape
from desktop.core.errors import ValidationError
from desktop.core.tabular import (
    CASES,
    IGNORE,
    INSTALLMENTS,
    LAYOUT,
    LAYOUT_BY_NAME,
    LAYOUT_VERSION,
    LIST_FIELD_BY_KEY,
    LIST_FIELDS,
    OBLIGATIONS,
    PARTIES,
    PAYMENTS,
    README_SHEET,
    Action,
    Draft,
    HeaderMatch,
    LayoutRow,
    ListRow,
    Planned,
    Rejection,
    assemble_layout,
    cell_text,
    group_list_rows,
    is_blank_row,
    is_layout,
    is_totals_row,
    layout_header,
    layout_rows,
    mapping_key,
    match_header,
    parse_layout_row,
    parse_list_row,
    plan,
)
from desktop.services import import_files
from desktop.services.import_files import ExcelError, guarded
from desktop.services.workspace import Change, Workspace
from desktop.store import private_files, tabular_io
from desktop.store import settings as settings_store
from desktop.store.audit import record
from desktop.store.cases import SEARCH_LIMIT, LedgerFilter, parties_text, search_is_capped
from desktop.store.database import transaction
from desktop.store.lock import is_read_only
from desktop.store.tabular_io import Cancelled

__all__ = [
    "MAPPING_KEY",
    "Cancelled",
    "ExcelError",
    "ExportResult",
    "ImportPreview",
    "ImportResult",
    "MappingNeeded",
    "apply_import",
    "export_ledger",
    "parse_mapping",
    "preview_import",
    "remember_mapping",
    "remembered_mapping",
]

log = logging.getLogger(__name__)

MAPPING_KEY = "excel.import.mapping"
EXCEL_MAX_ROWS = 1_048_576
HEADER_SEARCH = 30
EVERY = 1000  # rows between progress reports

Progress = Callable[[str, int, int], bool]
"""``progress(what, done, total)``: ``what`` is a Chinese phrase for the step, ``total`` 0 when unknown.
Returning False cancels."""


class MappingNeeded(ExcelError):
    """The case list has no recognisable 案号 column: the user must say which column holds it."""

    def __init__(self, message: str, preview: ImportPreview) -> None:
        super().__init__(message)
        self.preview = preview


# ------------------------------------------------------------------------------------ reading files

_XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)([0-9]+)(?::([A-Z]+)([0-9]+))?"')


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


_FORMULA_CELL = re.compile(
    rb"<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?f\b[^>]*?(?:/>|>[^<]*</(?:\w+:)?f>)\s*"
    rb"(?:<(?:\w+:)?v\b[^>]*?(?:/>|>([^<]*)</(?:\w+:)?v>))?"
)
_CELL_REF = re.compile(rb'\br="([A-Z]+)([0-9]+)"')


@dataclass
class SheetScan:
    """What openpyxl's read-only mode does not report, scanned from the sheet's XML: merged ranges
    ((first row, first col, last row, last col), 1-based rows, 0-based cols) and the cells holding a
    formula with no calculated value ((row, col): read as empty; the file was never calculated)."""

    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    uncalculated: set[tuple[int, int]] = field(default_factory=set)


def _scan_sheet(archive: zipfile.ZipFile, member: str) -> SheetScan:
    merged: set[tuple[int, int, int, int]] = set()
    uncalculated: set[tuple[int, int]] = set()
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            for m in _MERGE.finditer(data):
                c1, r1, c2, r2 = (
                    m.group(1),
                    int(m.group(2)),
                    m.group(3) or m.group(1),
                    int(m.group(4) or m.group(2)),
                )
                merged.add((r1, _column_index(c1), r2, _column_index(c2)))
            if b"<f" in data or b":f" in data:
                for m in _FORMULA_CELL.finditer(data):
                    ref = _CELL_REF.search(m.group(1))
                    if not (m.group(2) or b"").strip() and ref is not None:  # no value, or <v/>
                        uncalculated.add((int(ref.group(2)), _column_index(ref.group(1))))
            tail = data[-4096:]
            # a match lying across the chunk boundary is found again in the next round: sets dedupe
    return SheetScan(sorted(merged), uncalculated)


def _fill_merged(
    rows: Iterator[tuple[int, list[object]]], ranges: list[tuple[int, int, int, int]]
) -> Iterator[tuple[int, list[object]]]:
    """Give every cell of a merged range the value of its top-left cell, as the sheet shows it."""
    if not ranges:
        yield from rows
        return
    starting: dict[int, list[tuple[int, int, int, int]]] = {}
    for rng in ranges:
        starting.setdefault(rng[0], []).append(rng)
    active: list[tuple[int, int, int, object]] = []  # (last row, first col, last col, value)
    for number, cells in rows:
        active = [a for a in active if a[0] >= number]
        for _first, c1, r2, c2 in starting.get(number, ()):
            active.append((r2, c1, c2, cells[c1] if c1 < len(cells) else None))
        for _last, c1, c2, value in active:
            if len(cells) <= c2:
                cells.extend([None] * (c2 + 1 - len(cells)))
            for j in range(c1, c2 + 1):
                cells[j] = value
        yield number, cells


def _unescaped(values: tuple[object, ...]) -> list[object]:
    """A row's cells with the text of string cells as written (OOXML ``_xHHHH_`` escapes decoded)."""
    return [xlsx_unescape(v) if type(v) is str else v for v in values]


class TableFile:
    """An XLSX workbook or a CSV file as sheets of rows of cell values."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._workbook: Any = None
        self._csv: str | None = None
        self._scans: dict[str, SheetScan] = {}
        guarded(path.name, self._open)

    def _open(self) -> None:
        path = self.path
        if path.is_dir():
            raise import_files.CannotOpen(f"{path.name} 是文件夹，不是文件")
        with path.open("rb") as fh:
            head = fh.read(4096)
        suffix = path.suffix.lower()
        if head[:8] == _CFB_MAGIC:
            raise import_files.WrongFormat(
                f"{path.name} 是旧版Excel（.xls）或WPS（.et）格式，或文件已加密：请用Excel或WPS打开后"
                "“另存为”Excel工作簿（.xlsx）再导入。"
            )
        if not head.startswith(b"PK"):
            import_files.refuse_non_table(path, head)
        if suffix in _XLSX_SUFFIXES or head.startswith(b"PK"):
            self._open_xlsx()
        elif suffix in (".csv", ".txt", ".tsv"):
            self._open_csv()
        else:
            raise import_files.WrongFormat(f"{path.name} 不是Excel工作簿（.xlsx）或CSV文件。")

    def _open_xlsx(self) -> None:
        if not zipfile.is_zipfile(self.path):
            raise import_files.damaged(self.path.name, "不是完整的.xlsx压缩包（可能下载不完整或被截断）")
        self._workbook = import_files.open_workbook(self.path)
        self.sheet_names = [ws.title for ws in self._workbook.worksheets]
        if not self.sheet_names:
            self.close()
            raise import_files.damaged(self.path.name, "中没有工作表")
        self._sizes = {ws.title: int(ws.max_row or 0) for ws in self._workbook.worksheets}

    def _open_csv(self) -> None:
        size = self.path.stat().st_size
        if size > import_files.MAX_CSV_BYTES:
            raise import_files.too_large(
                self.path.name,
                f"有 {size / (1 << 20):,.0f} MB（CSV最多 {import_files.MAX_CSV_BYTES >> 20} MB）",
            )
        raw = self.path.read_bytes()
        # Excel's "Unicode 文本" is UTF-16 with a byte-order mark; otherwise UTF-8 or GBK.
        utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
        for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:  # a broken UTF-16 file (gb18030 decodes nearly any byte string)
            raise import_files.WrongFormat(f"{self.path.name} 的文字编码无法识别（应为UTF-8或GBK）。")
        self.encoding = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16"}.get(encoding, "GBK/GB18030")
        self._csv = text
        self.sheet_names = [self.path.stem]

    def close(self) -> None:
        if self._workbook is not None:
            with contextlib.suppress(Exception):
                self._workbook.close()

    def size_hint(self, sheet: str) -> int:
        """The number of rows, as far as the file says (0 when unknown)."""
        if self._csv is not None:
            return self._csv.count("\n") + 1
        return self._sizes.get(sheet, 0)

    def rows(self, sheet: str) -> Iterator[tuple[int, list[object]]]:
        """(1-based row number, cell values) of every row, merged ranges filled in. A damaged file
        raises :class:`ExcelError` (its subclass says what is wrong) while being read."""
        return import_files.guarded_rows(self.path.name, self._rows(sheet))

    def _rows(self, sheet: str) -> Iterator[tuple[int, list[object]]]:
        if self._csv is not None:
            yield from self._csv_rows()
            return
        ws = self._workbook[sheet]
        ranges = self.scan(sheet).merged
        ws.reset_dimensions()  # a wrong <dimension> must not cut rows off
        plain = ((i, _unescaped(values)) for i, values in enumerate(ws.iter_rows(values_only=True), start=1))
        yield from _fill_merged(plain, ranges)

    def scan(self, sheet: str) -> SheetScan:
        """Merged ranges and uncalculated formulas of ``sheet`` (none in a CSV)."""
        if self._csv is not None:
            return SheetScan()
        if sheet not in self._scans:
            self._scans[sheet] = SheetScan()
            member = getattr(self._workbook[sheet], "_worksheet_path", None)
            if isinstance(member, str):
                with contextlib.suppress(KeyError):
                    self._scans[sheet] = _scan_sheet(self._workbook._archive, member)
        return self._scans[sheet]

    def _csv_rows(self) -> Iterator[tuple[int, list[object]]]:
        assert self._csv is not None
        delimiter = _delimiter(self._csv[:20_000])
        lines = _Lines(self._csv)
        reader = csv.reader(lines, delimiter=delimiter)
        started = ended = i = 0  # where the last record started and ended in the text
        for i, cells in enumerate(reader, start=1):
            started, ended = ended, lines.offset
            yield i, [csv_unguard(c) for c in cells]
        # The csv module ends a quoted cell left open at the end of the file without a word: check the
        # last record strictly, so that a missing closing quote is reported, not imported.
        tail = self._csv[started:]
        if '"' in tail:
            try:
                for _ in csv.reader(io.StringIO(tail, newline=""), delimiter=delimiter, strict=True):
                    pass
            except csv.Error as exc:
                if "unexpected end of data" in str(exc):
                    raise import_files.BadCsv(
                        f"CSV格式错误：{self.path.name} 第{i}行起有引号没有闭合（到文件末尾仍未结束）。"
                    ) from exc


class _Lines:
    """The lines of a text as the csv module reads them, counting how far it has read."""

    def __init__(self, text: str) -> None:
        self._lines = iter(io.StringIO(text, newline=""))
        self.offset = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.offset += len(line)
        return line


def _delimiter(sample: str) -> str:
    """Comma, tab or semicolon: whichever separates most cells in the first lines, counting only
    outside quoted cells (a quoted cell may hold tabs, semicolons and line breaks of its own)."""
    counts = dict.fromkeys(",\t;", 0)
    quoted = False
    lines = 0
    for ch in sample:
        if ch == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif ch in counts:
            counts[ch] += 1
        elif ch == "\n":
            lines += 1
            if lines >= 20:
                break
    return max(",\t;", key=lambda d: counts[d])


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# ------------------------------------------------------------------------------------ mapping memory


def remembered_mapping(ws: Workspace) -> dict[str, str]:
    value = settings_store.get_value(ws.db, MAPPING_KEY, {})
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def remember_mapping(ws: Workspace, mapping: Mapping[str, str]) -> None:
    """Keep the user's header → field choices for the next import (one settings write, audited)."""
    merged = {**remembered_mapping(ws), **{mapping_key(k): v for k, v in mapping.items()}}
    if merged != remembered_mapping(ws):
        settings_store.set_value(ws.db, MAPPING_KEY, merged, ws.actor)


def parse_mapping(data: object) -> dict[str, str]:
    """A mapping file's JSON object {"表头": "字段"}: the field as its key (case_number), its Chinese label
    (案号) or "" / "不导入" to skip the column."""
    if not isinstance(data, dict):
        raise ExcelError('对应关系文件应为JSON对象，例如 {"收案号": "案号", "备用列": "不导入"}')
    by_label = {f.label: f.key for f in LIST_FIELDS} | {f.key: f.key for f in LIST_FIELDS}
    out: dict[str, str] = {}
    for header, target in data.items():
        target = str(target).strip()
        if target in ("", "不导入", "忽略"):
            out[mapping_key(header)] = IGNORE
        elif target in by_label:
            out[mapping_key(header)] = by_label[target]
        else:
            raise ExcelError(f"对应关系文件中“{header}”对应的字段“{target}”不存在")
    return out


def load_mapping_file(path: Path) -> dict[str, str]:
    try:
        return parse_mapping(json.loads(path.read_text(encoding="utf-8-sig")))
    except (OSError, ValueError) as exc:
        raise ExcelError(f"无法读取对应关系文件 {path}：{exc}") from exc


# ------------------------------------------------------------------------------------ preview


@dataclass
class ImportPreview:
    """What importing ``path`` would do. Nothing has been written."""

    path: Path
    sha256: str
    layout: bool
    sheet: str = ""
    header: HeaderMatch | None = None
    header_row: int = 0  # 1-based row of the (last) header row of a case list
    samples: dict[int, list[str]] = field(default_factory=dict)  # column → first values (mapping step)
    mapping: dict[str, str] = field(default_factory=dict)
    plans: list[Planned] = field(default_factory=list)
    orphans: list[Rejection] = field(default_factory=list)
    rows_of: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # 案号 → its rows
    skipped_totals: int = 0
    data_rows: int = 0
    encoding: str = ""
    seconds: float = 0.0
    file_warnings: list[Rejection] = field(default_factory=list)  # e.g. an uncalculated formula

    def count(self, action: Action) -> int:
        return sum(1 for p in self.plans if p.action is action)

    @property
    def new(self) -> int:
        return self.count(Action.NEW)

    @property
    def updated(self) -> int:
        return self.count(Action.UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(Action.UNCHANGED)

    @property
    def rejected(self) -> int:
        """Cases that cannot be imported."""
        return self.count(Action.REJECTED)

    @property
    def rejections(self) -> list[Rejection]:
        order = {s.name: i for i, s in enumerate(LAYOUT)}
        found = [r for p in self.plans for r in p.rejections] + self.orphans
        return sorted(dict.fromkeys(found), key=lambda r: (order.get(r.sheet, -1), r.row, r.column))

    @property
    def warnings(self) -> list[Rejection]:
        """What will be imported all the same but deserves a look: 标的额 0, paid more than owed, a money
        cell holding a formula that was never calculated (read as empty)."""
        order = {s.name: i for i, s in enumerate(LAYOUT)}
        found = [w for p in self.plans for w in p.warnings] + self.file_warnings
        return sorted(dict.fromkeys(found), key=lambda r: (order.get(r.sheet, -1), r.row, r.column))

    @property
    def rejected_rows(self) -> int:
        """Rows that will not be imported: every row of a rejected case, and rows belonging to no case."""
        rows = {(r.sheet, r.row) for r in self.orphans}
        for p in self.plans:
            if p.action is Action.REJECTED:
                rows |= set(self.rows_of.get(p.case_number, [])) or {(r.sheet, r.row) for r in p.rejections}
        return len(rows)

    def summary(self) -> str:
        text = (
            f"新增 {self.new:,} 件，更新 {self.updated:,} 件，无变化 {self.unchanged:,} 件，"
            f"拒绝 {self.rejected_rows:,} 行"
        )
        if self.rejected:
            text += f"（涉及 {self.rejected:,} 件）"
        if self.skipped_totals:
            text += f"；已跳过合计行 {self.skipped_totals} 行"
        warnings = len(self.warnings)
        if warnings:
            text += f"；提醒 {warnings:,} 条（请核对）"
        return text


@contextlib.contextmanager
def _bulk() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while hundreds of thousands of objects are made: its full
    passes over them cost about a fifth of an import's time, and an import makes almost no cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _tick(progress: Progress | None, what: str, done: int, total: int) -> None:
    if progress is not None and not progress(what, done, total):
        raise Cancelled("已取消，数据库未作任何修改。")


def _best_sheet(
    tf: TableFile, mapping: Mapping[str, str]
) -> tuple[str, list[tuple[int, list[object]]], HeaderMatch | None]:
    best: tuple[int, str, list[tuple[int, list[object]]], HeaderMatch | None] | None = None
    for name in tf.sheet_names:
        head = list(islice(tf.rows(name), HEADER_SEARCH))
        match = match_header([cells for _, cells in head], mapping)
        score = len(match.columns) + (10 if match and "case_number" in match.fields else 0) if match else 0
        if best is None or score > best[0]:
            best = (score, name, head, match)
    assert best is not None
    return best[1], best[2], best[3]


def _preview_list(tf: TableFile, preview: ImportPreview, progress: Progress | None) -> list[Draft]:
    sheet, head, match = _best_sheet(tf, preview.mapping)
    preview.sheet = sheet
    if match is None:
        raise ExcelError(
            f"在“{sheet}”表的前{HEADER_SEARCH}行中找不到表头（如案号、当事人、标的额）：请确认文件是案件清单。"
        )
    preview.header = match
    preview.header_row = head[match.row][0]
    for j, _header in match.unknown:
        values = [cell_text(cells[j]) for _, cells in head[match.row + 1 :] if j < len(cells)]
        preview.samples[j] = [v for v in values if v][:3]
    if "case_number" not in match.fields:
        raise MappingNeeded(f"“{sheet}”表中没有可识别的“案号”列，请指定哪一列是案号。", preview)
    total = tf.size_hint(sheet)
    parsed: list[ListRow] = []
    number_index = next(c.index for c in match.columns if c.field == "case_number")
    imported = [c.index for c in match.columns]
    for number, cells in tf.rows(sheet):
        if number % EVERY == 0:
            _tick(progress, "读取", number, total)
        if number <= preview.header_row:
            continue
        # Blank as far as the import goes: a template row with only its 序号 (or only columns that are
        # not imported) filled in holds nothing to import.
        if is_blank_row([cells[j] for j in imported if j < len(cells)]):
            continue
        if is_totals_row(cells, number_index):
            preview.skipped_totals += 1
            continue
        parsed.append(parse_list_row(number, cells, match.columns))
    preview.data_rows = len(parsed)
    money = {c.index: c.header for c in match.columns if c.field in ("amount", "paid")}
    _warn_uncalculated(tf, sheet, preview, money, {r.row for r in parsed})
    return list(group_list_rows(sheet, parsed, match))


UNCALCULATED = (
    "是公式，但文件中没有计算结果（文件未经Excel计算保存），按空白处理；请在Excel中打开并保存后再导入"
)


def _warn_uncalculated(
    tf: TableFile, sheet: str, preview: ImportPreview, columns: Mapping[int, str], rows: set[int]
) -> None:
    """Warn of money cells of the data ``rows`` (not a skipped 合计 row) holding a formula with no
    calculated value."""
    for row, col in sorted(guarded(tf.path.name, lambda: tf.scan(sheet)).uncalculated):
        if col in columns and row in rows:
            preview.file_warnings.append(Rejection(sheet, row, columns[col], UNCALCULATED))


def _preview_layout(tf: TableFile, preview: ImportPreview, progress: Progress | None) -> list[Draft]:
    rows_by_sheet: dict[str, list[LayoutRow]] = {}
    present = [s.name for s in LAYOUT if s.name in tf.sheet_names]
    total = sum(tf.size_hint(s) for s in present)
    done = 0
    for sheet in present:
        columns = None
        out: list[LayoutRow] = []
        for number, cells in tf.rows(sheet):
            done += 1
            if done % EVERY == 0:
                _tick(progress, "读取", done, total)
            if is_blank_row(cells):
                continue
            if columns is None:
                try:
                    columns = layout_header(sheet, cells)
                except ValidationError as exc:
                    raise ExcelError(f"{exc}（第{number}行应为表头）。这不是完整的本程序导出文件。") from exc
                continue
            if is_totals_row(cells, 0):
                preview.skipped_totals += 1
                continue
            out.append(parse_layout_row(sheet, number, cells, columns))
        money = {j: c.header for j, c in (columns or {}).items() if c.kind == "money"}
        _warn_uncalculated(tf, sheet, preview, money, {r.row for r in out})
        rows_by_sheet[sheet] = out
        preview.data_rows += len(out)
    drafts, preview.orphans = assemble_layout(rows_by_sheet)
    return list(drafts)


def preview_import(
    ws: Workspace,
    path: Path | str,
    mapping: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> ImportPreview:
    """Read ``path`` and plan the import. ``mapping`` ({header: field key or IGNORE}) adds to and overrides
    the remembered choices. Raises ExcelError (MappingNeeded when no 案号 column is known) or Cancelled."""
    with _bulk():
        return _preview(ws, Path(path), mapping, progress)


def _preview(
    ws: Workspace, path: Path, mapping: Mapping[str, str] | None, progress: Progress | None
) -> ImportPreview:
    started = time.perf_counter()
    tf = TableFile(path)
    try:
        combined = {**remembered_mapping(ws), **{mapping_key(k): v for k, v in (mapping or {}).items()}}
        preview = ImportPreview(
            path, guarded(path.name, lambda: file_sha256(path)), is_layout(tf.sheet_names), mapping=combined
        )
        preview.encoding = getattr(tf, "encoding", "")
        _tick(progress, "读取", 0, 0)
        drafts = (
            _preview_layout(tf, preview, progress) if preview.layout else _preview_list(tf, preview, progress)
        )
    finally:
        tf.close()
    preview.rows_of = {d.case_number: d.rows for d in drafts if d.case_number}
    existing = tabular_io.find_cases(ws.db, preview.rows_of)
    today = ws.today()
    for i, draft in enumerate(drafts):
        if i % EVERY == 0:
            _tick(progress, "检查", i, len(drafts))
        preview.plans.append(plan(draft, existing.get(draft.case_number), today))
    _tick(progress, "检查", len(drafts), len(drafts))
    preview.seconds = time.perf_counter() - started
    return preview


# ------------------------------------------------------------------------------------ import


@dataclass(frozen=True)
class ImportResult:
    created: tuple[int, ...]
    updated: tuple[int, ...]
    unchanged: int
    skipped_rows: int
    seconds: float

    def summary(self) -> str:
        text = (
            f"已导入：新增 {len(self.created):,} 件，更新 {len(self.updated):,} 件，"
            f"无变化 {self.unchanged:,} 件"
        )
        if self.skipped_rows:
            text += f"；跳过被拒绝的 {self.skipped_rows:,} 行"
        return text


def apply_import(
    ws: Workspace,
    preview: ImportPreview,
    skip_rejected: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Write what ``preview`` planned, in one transaction. With rejected rows nothing is written unless
    ``skip_rejected``. Raises ExcelError, Cancelled, or the store's ConcurrentEdit / DuplicateCaseNumber
    (the database changed since the preview); in all those cases the database is unchanged."""
    started = time.perf_counter()
    if preview.rejected_rows and not skip_rejected:
        raise ExcelError(
            f"有 {preview.rejected_rows:,} 行被拒绝，按“全部或全不”的规则未导入任何内容。"
            "请修改文件后重新导入，或选择跳过被拒绝的行。"
        )
    try:
        current = file_sha256(preview.path)
    except OSError as exc:
        raise ExcelError(f"无法再次读取 {preview.path}：{exc}") from exc
    if current != preview.sha256:
        raise ExcelError(f"{preview.path.name} 在预览之后被修改过，请重新预览后再导入。")
    creates = [p.case for p in preview.plans if p.action is Action.NEW and p.case is not None]
    updates = [
        (p.before, p.case)
        for p in preview.plans
        if p.action is Action.UPDATE and p.case is not None and p.before is not None
    ]
    summary = {
        "file": preview.path.name,
        "sha256": preview.sha256,
        "format": "本程序导出格式" if preview.layout else "案件清单",
        "sheet": preview.sheet,
        "new": len(creates),
        "updated": len(updates),
        "unchanged": preview.unchanged,
        "rejected_rows": preview.rejected_rows,
        "skip_rejected": bool(skip_rejected and preview.rejected_rows),
    }

    def step(done: int, total: int) -> bool:
        return progress is None or progress("写入", done, total)

    with _bulk():
        created, updated = tabular_io.write_import(ws.db, ws.actor, creates, updates, summary, step)
    if created or updated:
        ws.notify(Change("case", tuple(created + updated)))
    return ImportResult(
        tuple(created),
        tuple(updated),
        preview.unchanged,
        preview.rejected_rows if skip_rejected else 0,
        time.perf_counter() - started,
    )


# ------------------------------------------------------------------------------------ export

DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "#,##0.00"
TEXT_FORMAT = "@"


@dataclass(frozen=True)
class ExportResult:
    path: Path
    cases: int
    rows: dict[str, int]
    seconds: float
    capped: bool = False  # the search matched more cases than a search shows: only the newest went out
    unaudited: bool = False  # read-only database: recorded in the log file, not the audit log

    def summary(self) -> str:
        counts = "，".join(f"{k} {v:,} 行" for k, v in self.rows.items())
        text = f"已导出 {self.cases:,} 件案件到 {self.path}（{counts}）"
        if self.capped:
            text += f"\n注意：{CAPPED_NOTE}"
        if self.unaudited:
            text += "\n注意：数据库以只读方式打开，本次导出记入了日志文件，未记入数据库的操作日志。"
        return text


CAPPED_NOTE = (
    f"搜索匹配的案件超过 {SEARCH_LIMIT:,} 件，只导出了最新的 {SEARCH_LIMIT:,} 件；请把搜索词写得更具体。"
)


def describe_filter(f: LedgerFilter, capped: bool = False) -> str:
    parts = []
    if f.text.strip():
        parts.append(f"搜索“{f.text.strip()}”")
    for label, value in (("阶段", f.stage), ("状态", f.status), ("承办人", f.handler)):
        if value:
            parts.append(f"{label}：{value}")
    if f.overdue_only:
        parts.append(f"只看逾期（截至{(f.today.isoformat() if f.today else '今天')}）")
    return ("，".join(parts) or "全部案件") + (f"（{CAPPED_NOTE}）" if capped else "")


def _sheet_cells(ws: Any, sheet: str) -> list[Any]:
    """One reusable styled cell per column that needs a format (write-only rows are written as they are
    appended, so one cell object can carry every row's value): amounts #,##0.00, identifiers as text.
    Dates need none: openpyxl gives a ``date`` the format yyyy-mm-dd (DATE_FORMAT) by itself."""
    from openpyxl.cell import WriteOnlyCell

    cells: list[Any] = []
    for column in LAYOUT_BY_NAME[sheet].columns:
        money = column.kind == "money" or column.key in ("due_fen", "paid_fen", "owed_fen")
        fmt = MONEY_FORMAT if money else TEXT_FORMAT if column.kind in ("id", "code") else None
        if fmt is None:
            cells.append(None)
        else:
            cell = WriteOnlyCell(ws)
            cell.number_format = fmt
            cells.append(cell)
    return cells


def _setup_sheet(wb: Any, sheet: str) -> tuple[Any, list[Any]]:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(sheet)
    columns = LAYOUT_BY_NAME[sheet].columns
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width + 2
    ws.freeze_panes = "B2"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE7F0")
    centre = Alignment(horizontal="center", vertical="center")
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.header)
        cell.font, cell.fill, cell.alignment = bold, fill, centre
        header.append(cell)
    ws.append(header)
    return ws, _sheet_cells(ws, sheet)


def _append(ws: Any, styled: list[Any], values: list[object]) -> None:
    """Append one row. Text is always written as a text cell (:mod:`desktop.core.cells`): a 案由
    “=1+1” stays text, never a formula that would read back empty."""
    from openpyxl.cell import WriteOnlyCell

    row: list[object] = []
    for cell, value in zip(styled, values, strict=True):
        if isinstance(value, str) and xlsx_needs_text_cell(value):
            text = WriteOnlyCell(ws, value=xlsx_escape(value))
            text.data_type = "s"
            if cell is not None:
                text.number_format = cell.number_format
            row.append(text)
        elif cell is None or value is None:
            row.append(value)
        else:
            cell.value = value
            row.append(cell)
    ws.append(row)


def _fill_workbook(
    wb: Any,
    ws: Workspace,
    ids: list[int],
    sizes: dict[str, int],
    f: LedgerFilter,
    progress: Progress | None,
    capped: bool = False,
) -> dict[str, int]:
    sheets = {s.name: _setup_sheet(wb, s.name) for s in LAYOUT}
    written = dict.fromkeys(sizes, 0)
    _tick(progress, "导出", 0, len(ids))
    done = 0
    for start in range(0, len(ids), tabular_io.BATCH):
        for case in tabular_io.load_cases(ws.db, ids[start : start + tabular_io.BATCH]):
            for sheet, rows in layout_rows(case, parties_text(case.parties)).items():
                target, styled = sheets[sheet]
                for values in rows:
                    _append(target, styled, values)
                written[sheet] += len(rows)
            done += 1
        _tick(progress, "导出", done, len(ids))
    readme = wb.create_sheet(README_SHEET)
    readme.column_dimensions["A"].width = 16
    readme.column_dimensions["B"].width = 90
    for row in (
        ["法庭自动履行工作台 案件台账导出"],
        ["格式版本", LAYOUT_VERSION],
        ["导出时间", datetime.now().astimezone().isoformat(timespec="seconds")],
        ["导出范围", describe_filter(f, capped)],
        *([k, f"{v:,} 行"] for k, v in written.items()),
        ["导入", "本文件可用“导入Excel”原样导回：按案号匹配，已有案件整体替换为本文件中的内容。"],
        ["", "带“（导出时计算）”的列只供查看，导入时不读取；空单元格表示没有该项内容。"],
        ["", "身份证号、电话、账号以文本保存，请勿改为数字格式（Excel只保留15位有效数字）。"],
        ["个人信息", "本文件含当事人身份证号、电话、住址、账号等个人信息，请妥善保管，用后删除。"],
    ):
        readme.append(row)
    return written


def _save_beside(wb: Any, path: Path) -> None:
    """Save to a temporary file in the target's folder, then rename: no half-written file, ever."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".tribunal-export-", suffix=".xlsx", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise ExcelError(f"无法写入 {path}：{exc.strerror or exc}") from exc
    tmp = Path(tmp_name)
    try:
        wb.save(tmp)
        private_files.make_private(tmp)  # mkstemp made it 0600: it holds personal data, so it stays so
        os.replace(tmp, path)
    except OSError as exc:
        raise ExcelError(f"无法写入 {path}：{exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _abandon(wb: Any) -> None:
    """Close and delete the temporary sheet files of a write-only workbook that will not be saved."""
    for sheet in wb.worksheets:
        with contextlib.suppress(Exception):
            sheet.close()
            sheet._writer.cleanup()


def export_ledger(
    ws: Workspace,
    path: Path | str,
    f: LedgerFilter | None = None,
    sort: str = "case_number",
    descending: bool = False,
    progress: Progress | None = None,
) -> ExportResult:
    """Write the cases of the ledger view ``f`` (default: all) to ``path`` as XLSX in the own layout.
    The file appears only when complete (written beside it, then renamed). Raises ExcelError (too many
    rows for Excel, cannot write) or Cancelled (no file is left)."""
    from openpyxl import Workbook

    started = time.perf_counter()
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        path = path.with_suffix(path.suffix + ".xlsx") if path.suffix else path.with_suffix(".xlsx")
    f = f or LedgerFilter(today=ws.today())
    ids = tabular_io.case_ids(ws.db, f, sort, descending)
    capped = search_is_capped(ws.db, f)
    counts = tabular_io.row_counts(ws.db, ids)
    sizes = {
        CASES: len(ids),
        PARTIES: counts["parties"],
        OBLIGATIONS: counts["obligations"],
        INSTALLMENTS: counts["installments"],
        PAYMENTS: counts["payments"],
    }
    too_big = {k: v for k, v in sizes.items() if v + 1 > EXCEL_MAX_ROWS}
    if too_big:
        what = "、".join(f"{k} {v:,} 行" for k, v in too_big.items())
        raise ExcelError(
            f"要导出的数据超过Excel每张表最多{EXCEL_MAX_ROWS:,}行的限制（{what}），请先筛选（如按阶段、状态或承办人）再分批导出。"
        )
    wb = Workbook(write_only=True)
    try:
        with _bulk():
            written = _fill_workbook(wb, ws, ids, sizes, f, progress, capped)
            _save_beside(wb, path)
    except BaseException:
        _abandon(wb)
        raise
    detail = {"file": os.path.abspath(path), "filter": describe_filter(f, capped), "rows": written}
    if is_read_only(ws.db):  # another program holds the database: the export is recorded in the log
        log.warning("excel.export by %s from a read-only database (not in its audit log): %s",
                    ws.actor, json.dumps(detail, ensure_ascii=False))  # fmt: skip
    else:
        with transaction(ws.db) as conn:
            record(conn, ws.actor, "excel.export", "export", None, "", detail)
    return ExportResult(
        path, len(ids), written, time.perf_counter() - started, capped, unaudited=is_read_only(ws.db)
    )


def field_choices() -> Sequence[tuple[str, str]]:
    """(key, label) of every field a case list column can be mapped to, for the mapping step."""
    return [(f.key, f.label) for f in LIST_FIELDS]


def field_label(key: str) -> str:
    return "不导入" if key == IGNORE else LIST_FIELD_BY_KEY[key].label
