"""Opening an import file safely: every way a file can be bad ends in a Chinese message, never a traceback.

The failures of a file as a whole are :class:`ExcelError` subclasses, each with its own exit code for
``tribunal-desk import`` (documented in README.md and docs/excel-layout.md):

====  =====================  ==========================================================================
code  class                  when
====  =====================  ==========================================================================
4     :class:`CannotOpen`    the file does not exist, is a folder, or may not be read
5     :class:`WrongFormat`   not a workbook or CSV: old .xls/.et, a web page saved as .xls, unknown text
6     :class:`Damaged`       a damaged workbook: bad zip, CRC or deflate data, malformed XML, missing part
7     :class:`BadCsv`        a CSV file whose quotes are not closed
8     :class:`CellTooLong`   a CSV cell over :data:`CSV_CELL_LIMIT` characters
9     :class:`TooLarge`      too big to read safely: a zip bomb, an oversized part or file, out of memory
====  =====================  ==========================================================================

**Zip bombs.** An .xlsx is a zip archive. Before anything is inflated the central directory is checked:
no more than :data:`MAX_MEMBERS` parts, each declared no larger than :data:`MAX_MEMBER_BYTES`, together no
larger than :data:`MAX_TOTAL_BYTES`, and no part over 1 MiB that inflates more than :data:`MAX_RATIO`
times. While reading, :class:`GuardedZip` counts what each part actually inflates to (a part that lies
about its size is stopped at the limit), and a run of more than :data:`MAX_TEXT_RUN` bytes without a
``<`` (one enormous text or whitespace node, which the XML parser would hold in memory) is refused. The
shared-string table, which openpyxl keeps in memory whole, is read with a budget of
:data:`STRINGS_BUDGET` bytes of Python objects. Together these keep a preview's memory bounded whatever
the file holds; legitimate workbooks (100,000 rows: about 50 MB inflated, ratio 7) are far inside.
"""

from __future__ import annotations

import csv
import errno
import logging
import re
import sys
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from desktop.store.database import StoreError

log = logging.getLogger(__name__)

MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 512 << 20  # one part inflated
MAX_TOTAL_BYTES = 1 << 30  # all parts inflated
MAX_RATIO = 100  # inflated / compressed, for parts over RATIO_FROM bytes
RATIO_FROM = 1 << 20
MAX_TEXT_RUN = 1 << 20  # bytes between two tags (a cell holds at most 32,767 characters)
STRINGS_BUDGET = 160 << 20  # Python memory the shared strings may take
MAX_CSV_BYTES = 128 << 20
CSV_CELL_LIMIT = 131_072  # the csv module's field size limit


class ExcelError(StoreError):
    """A problem with the file as a whole (unreadable, wrong format, no header); shown as is."""

    exit_code = 2


class CannotOpen(ExcelError):
    exit_code = 4


class WrongFormat(ExcelError):
    exit_code = 5


class Damaged(ExcelError):
    exit_code = 6


class BadCsv(ExcelError):
    exit_code = 7


class CellTooLong(ExcelError):
    exit_code = 8


class TooLarge(ExcelError):
    exit_code = 9


def _mib(n: int) -> str:
    return f"{n / (1 << 20):,.0f} MB"


def damaged(name: str, what: str) -> Damaged:
    return Damaged(
        f"文件已损坏：{name} {what}。请用Excel或WPS打开该文件，确认内容完整后“另存为”.xlsx再导入。"
    )


def too_large(name: str, what: str) -> TooLarge:
    return TooLarge(
        f"文件过大，无法安全读取：{name} {what}。请把清单拆成几个较小的文件，或删去无关的工作表后再导入。"
    )


# ------------------------------------------------------------------------------------ what kind of file


_HTML = re.compile(rb"<\s*(?:!doctype\s+html|html|table|head|body|meta)\b", re.IGNORECASE)
_XML_SPREADSHEET = b"urn:schemas-microsoft-com:office:spreadsheet"


def refuse_non_table(path: Path, head: bytes) -> None:
    """Refuse files that are not a workbook or CSV although they may be named so (web pages saved as
    .xls by court systems, Excel 2003 XML)."""
    text = head.lstrip(b"\xef\xbb\xbf\xff\xfe\xfe\xff \t\r\n\x00")
    if _XML_SPREADSHEET in head:
        raise WrongFormat(
            f"{path.name} 是Excel 2003 XML表格，不是.xlsx工作簿：请在 Excel 中打开后另存为 .xlsx 再导入。"
        )
    if text.startswith(b"<") and _HTML.search(head.replace(b"\x00", b"")):
        raise WrongFormat(
            f"{path.name} 是网页格式（HTML），不是Excel工作簿：请在 Excel 中另存为 .xlsx 再导入。"
        )


# ------------------------------------------------------------------------------------ zip archives


def check_archive(name: str, archive: zipfile.ZipFile) -> None:
    """Refuse a zip bomb by what its central directory declares, before anything is inflated."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise too_large(name, f"含有 {len(members):,} 个部件（最多 {MAX_MEMBERS:,} 个）")
    total = 0
    for info in members:
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES:
            raise too_large(name, f"中的“{info.filename}”解压后有 {_mib(info.file_size)}")
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise too_large(
                name,
                f"中的“{info.filename}”压缩比异常（{info.compress_size:,} 字节解压为"
                f" {_mib(info.file_size)}），疑似“压缩炸弹”",
            )
    if total > MAX_TOTAL_BYTES:
        raise too_large(name, f"解压后共有 {_mib(total)}（最多 {_mib(MAX_TOTAL_BYTES)}）")


class _Counted:
    """A part of the archive being inflated, stopped when it exceeds its limits (see the module note)."""

    def __init__(self, owner: GuardedZip, raw: IO[bytes], info: zipfile.ZipInfo) -> None:
        self.owner = owner
        self.raw = raw
        self.info = info
        self.read_bytes = 0
        self.run = 0  # bytes since the last "<"

    def _account(self, data: bytes) -> bytes:
        n = len(data)
        self.read_bytes += n
        self.owner.total += n
        limit = min(MAX_MEMBER_BYTES, max(self.info.file_size, 0))
        if self.read_bytes > limit or self.owner.total > MAX_TOTAL_BYTES:
            raise too_large(self.owner.display, f"中的“{self.info.filename}”解压后超过所声明或允许的大小")
        if n and self.info.filename.endswith((".xml", ".rels")):
            first = data.find(b"<")
            if first < 0:
                self.run += n
            else:
                if self.run + first > MAX_TEXT_RUN or _longest_gap(data, first):
                    self.run = MAX_TEXT_RUN + 1
                else:
                    self.run = n - data.rfind(b"<") - 1
            if self.run > MAX_TEXT_RUN:
                raise too_large(
                    self.owner.display,
                    f"中的“{self.info.filename}”有一段超过 {_mib(MAX_TEXT_RUN)} 的连续文字或空白",
                )
        return data

    def read(self, n: int = -1) -> bytes:
        return self._account(self.raw.read(n))

    def read1(self, n: int = -1) -> bytes:
        return self._account(self.raw.read1(n))  # type: ignore[attr-defined]

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> _Counted:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


_GAP = re.compile(rb"[^<]{%d}" % (MAX_TEXT_RUN + 1))


def _longest_gap(data: bytes, first: int) -> bool:
    """Whether ``data`` holds a gap over the limit after its first "<" (only a large read can)."""
    return len(data) - first > MAX_TEXT_RUN and _GAP.search(data, first) is not None


class GuardedZip(zipfile.ZipFile):
    """A ZipFile whose parts are checked while they inflate (see the module note)."""

    def __init__(self, file: str | Path, display: str) -> None:
        super().__init__(file, "r")
        self.display = display
        self.total = 0
        try:
            check_archive(display, self)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Close the file even while a part is still open (a sheet left half-read after an error, or by a
        generator not yet collected): on Windows an open handle would keep the user's file locked."""
        fp = self.fp
        super().close()
        if fp is not None and not getattr(self, "_filePassed", 0):
            fp.close()

    def open(self, name: Any, mode: Any = "r", pwd: bytes | None = None, **kwargs: Any) -> Any:
        raw = super().open(name, mode, pwd, **kwargs)
        if mode != "r":
            return raw
        info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
        return _Counted(self, raw, info)

    def read(self, name: Any, pwd: bytes | None = None) -> bytes:
        with self.open(name, "r", pwd) as part:
            return bytes(part.read())


def open_workbook(path: Path) -> Any:
    """The workbook at ``path`` in openpyxl's read-only mode (cached values), read through
    :class:`GuardedZip`; failures become :class:`ExcelError`."""
    from openpyxl.reader.excel import ExcelReader

    class _Reader(ExcelReader):  # type: ignore[misc]
        def __init__(self, archive: GuardedZip) -> None:  # not ExcelReader's: our archive, not a path
            self.archive = archive
            self.valid_files = archive.namelist()
            self.read_only = True
            self.keep_vba = False
            self.data_only = True
            self.keep_links = False
            self.rich_text = False
            self.shared_strings: list[str] = []

        def read_strings(self) -> None:
            from openpyxl.xml.constants import SHARED_STRINGS

            part = self.package.find(SHARED_STRINGS)
            if part is not None:
                with self.archive.open(part.PartName[1:]) as source:
                    self.shared_strings = read_shared_strings(source, self.archive.display)

    def work() -> Any:
        archive = GuardedZip(path, path.name)
        try:
            reader = _Reader(archive)
            with warnings.catch_warnings():  # "no stylesheet" and the like: openpyxl copes, say nothing
                warnings.simplefilter("ignore")
                reader.read()
        except BaseException:
            archive.close()
            raise
        return reader.wb

    return guarded(path.name, work)


def read_shared_strings(source: IO[bytes], name: str) -> list[str]:
    """openpyxl's shared-string table, within :data:`STRINGS_BUDGET`. Unlike openpyxl it leaves the
    ``_x005F_`` escape alone: :func:`desktop.core.cells.xlsx_unescape` decodes every escape once."""
    from openpyxl.cell.text import Text
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    tag = f"{{{SHEET_MAIN_NS}}}si"
    strings: list[str] = []
    used = 0
    for _event, node in iterparse(source):
        if node.tag == tag:
            text = Text.from_tree(node).content
            node.clear()
            used += sys.getsizeof(text) + 8
            if used > STRINGS_BUDGET:
                raise too_large(name, f"的共享字符串表超过 {_mib(STRINGS_BUDGET)}")
            strings.append(text)
    return strings


# ------------------------------------------------------------------------------------ every failure


def explain(name: str, exc: BaseException) -> ExcelError:
    """The Chinese message for a low-level failure while reading the file ``name``."""
    if isinstance(exc, ExcelError):
        return exc
    if isinstance(exc, MemoryError):
        return too_large(name, "读取时内存不足")
    if isinstance(exc, zipfile.BadZipFile):
        text = str(exc)
        if "CRC" in text:
            return damaged(name, "中有部件校验失败（CRC错误），文件在复制或下载时可能已损坏")
        return damaged(name, "不是完整的.xlsx压缩包（可能下载不完整或被截断）")
    if isinstance(exc, zlib.error):
        return damaged(name, "中有部件的压缩数据损坏，无法解压")
    if isinstance(exc, EOFError):
        return damaged(name, "被截断，内容不完整")
    if isinstance(exc, ParseError):
        return damaged(name, f"中的XML格式错误（{exc}）")
    if isinstance(exc, csv.Error):
        text = str(exc)
        if "field larger than field limit" in text:
            return CellTooLong(
                f"单元格过长：{name} 中有单元格超过 {CSV_CELL_LIMIT:,} 个字符，"
                "通常是某处引号没有闭合，或文件不是案件清单。"
            )
        if "unexpected end of data" in text or "EOF" in text:
            return BadCsv(f"CSV格式错误：{name} 中有引号没有闭合（到文件末尾仍未结束）。")
        return BadCsv(f"CSV格式错误：{name}：{text}")
    if isinstance(exc, UnicodeError):
        return WrongFormat(f"{name} 的文字编码无法识别（应为UTF-8或GBK）。")
    if isinstance(exc, PermissionError):
        return CannotOpen(f"无权读取文件 {name}：{exc.strerror or exc}")
    if isinstance(exc, FileNotFoundError):
        return CannotOpen(f"文件不存在：{name}")
    if isinstance(exc, IsADirectoryError):
        return CannotOpen(f"{name} 是文件夹，不是文件")
    if isinstance(exc, OSError) and exc.errno is not None and exc.errno != errno.EINVAL:
        return CannotOpen(f"无法读取文件 {name}：{exc.strerror or exc}")
    if isinstance(exc, OSError):  # a seek to a position the damaged zip directory named, openpyxl's IOError
        return damaged(name, "不是完整的.xlsx压缩包（可能下载不完整或被截断）")
    # openpyxl reports damaged parts as KeyError (missing part), ValueError, TypeError and the like
    log.info("import file %s unreadable", name, exc_info=exc)
    return damaged(name, f"的内容不符合.xlsx格式（{type(exc).__name__}）")


def guarded(name: str, work: Callable[[], Any]) -> Any:
    try:
        return work()
    except ExcelError:
        raise
    except (Exception, MemoryError) as exc:
        raise explain(name, exc) from exc


def guarded_rows(name: str, rows: Iterator[Any]) -> Iterator[Any]:
    """``rows`` with every failure while reading the file turned into an :class:`ExcelError`."""
    try:
        yield from rows
    except ExcelError:
        raise
    except (Exception, MemoryError) as exc:
        raise explain(name, exc) from exc
