"""诚信履行名单: the use cases behind the review screen, the batch list and ``tribunal-desk whitelist``.

* :meth:`WhitelistService.candidates`: the debtors who performed in full within a period, each with every
  condition's finding (core.whitelist.assess);
* :meth:`record_check` / :meth:`record_consent` / :meth:`exclude`: the review facts, in bulk, audited;
* :meth:`publish`: 第N批 per court and year, the entries frozen as snapshots (masked identifiers only),
  refused with the reason — and nothing written — when nothing is eligible, the number is taken, or a
  selected party does not meet a required condition (consent above all);
* :meth:`withdraw`: an entry leaves the list by a withdrawal row (reason, date, approver), never by edit;
* :meth:`print_pdf` / :meth:`export`: the A4 list for posting and the file for each receiving agency
  (XLSX or CSV with BOM), each logged with its sha256.

Every write is one transaction; the views are told afterwards with ``Change("whitelist", case_ids)``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from desktop.core.cells import FORMULA_STARTS, csv_guard, xlsx_escape  # noqa: F401  (FORMULA_STARTS: was defined here)
from desktop.core.errors import ValidationError
from desktop.core.model import CourtSettings, Party, PartyKind
from desktop.core.validation import check_text
from desktop.core.whitelist import (
    AGENCIES,
    DEFAULT_INTRO,
    Assessment,
    Batch,
    Condition,
    ExclusionKind,
    ListEntry,
    ManualCheck,
    PrintedList,
    State,
    WhitelistRules,
    Withdrawal,
    agency,
    assess,
    batch_title,
    check_batch_request,
    check_withdrawal,
    duplicate_identities,
    export_rows,
    identity_key,
    printed_list,
    public_identifier,
)
from desktop.documents.fonts import HEADING, TITLE, FontSet, default_fonts
from desktop.documents.layout import A4_NOTICE, CENTER, RIGHT, Page, TextStyle, Typesetter
from desktop.documents.pdf import write_pdf
from desktop.services.workspace import Change, Workspace
from desktop.store import whitelist as store
from desktop.store.database import StoreError, transaction
from desktop.store.engine import Database, serialize
from desktop.store.holidays import load_table

FORMATS = ("xlsx", "csv")
POSTING = "张贴公示"
CHECKABLE = (Condition.NATIONAL_CHECK, Condition.VOLUNTARY, Condition.CONFIRMED)


class WhitelistRefused(StoreError):
    """A request the list cannot take; the message says why. Nothing was written.

    ``field`` names the input at fault when there is one (the dialog shows ``message`` under it)."""

    def __init__(self, text: str, field: str = "", message: str = "") -> None:
        super().__init__(text)
        self.field = field
        self.message = message or text


@dataclass(frozen=True)
class Candidate:
    """One row of the review screen."""

    party_id: int
    case_id: int
    case_number: str
    name: str
    kind: PartyKind
    identifier: str  # masked, as the list would show it
    assessment: Assessment
    consent_date: date | None
    party: Party  # in memory only: the review screen and the files show ``identifier``
    listed_in: str = ""  # "2025年第1批": the same person is on a published list for this period already

    @property
    def performed_on(self) -> date | None:
        return self.assessment.performed_on

    @property
    def eligible(self) -> bool:
        return self.assessment.eligible and not self.listed_in

    @property
    def reasons(self) -> str:
        """Why (not) publishable, in a sentence: the assessment's, or that the person is listed already."""
        if self.listed_in:
            return f"已列入{self.listed_in}名单（同一期间、同一当事人，见其另一案件），不再重复发布"
        return self.assessment.summary()


def _overlaps(listed: store.ListedParty, start: date, end: date) -> bool:
    """Whether a published entry belongs to the period ``start``–``end``: its batch's period overlaps it,
    or (a batch published without a period) the entry's date of full performance falls in it."""
    if listed.period_start is not None and listed.period_end is not None:
        return listed.period_start <= end and start <= listed.period_end
    return start <= listed.performed_on <= end


def listed_for_period(listed: Iterable[store.ListedParty], party: Party, start: date, end: date) -> str:
    """The batch (e.g. 2025年第1批) that lists the same person as ``party`` for the period, or ""."""
    key = identity_key(party)
    for entry in listed:
        if identity_key(entry.party) == key and _overlaps(entry, start, end):
            return entry.label
    return ""


def one_per_party(candidates: Iterable[Candidate]) -> list[Candidate]:
    """The first candidate of each party (by ID number / credit code, else name): a batch lists a party
    once, even when it performed two cases in the period."""
    seen: set[tuple[str, str]] = set()
    out = []
    for c in candidates:
        key = identity_key(c.party)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _not_future(field: str, day: date, today: date) -> None:
    if day > today:
        raise ValidationError(field, f"{day.isoformat()}晚于今天")


def _refuse(exc: ValidationError) -> WhitelistRefused:
    return WhitelistRefused(str(exc), exc.field, exc.message)


def _names(items: Sequence[Candidate], limit: int = 3) -> str:
    shown = "、".join(f"{c.name}（{c.case_number}）" for c in items[:limit])
    return shown + (f"等{len(items)}人" if len(items) > limit else "")


class WhitelistService:
    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace

    @property
    def db(self) -> Database:
        return self.ws.db

    # ------------------------------------------------------------------ settings
    def rules(self) -> WhitelistRules:
        return store.load_rules(self.db)

    def set_rules(self, rules: WhitelistRules) -> None:
        """Save the court's choice; a period or an age the settings could not keep is refused (it would
        otherwise be stored, read back as the default and silently not apply)."""
        if not 1 <= rules.pre_enforcement_months <= 12:
            raise WhitelistRefused(
                f"执前督促期限：应为1至12个月，实际为{rules.pre_enforcement_months}", "执前督促期限"
            )
        if not 0 <= rules.national_check_max_age_days <= 3650:
            raise WhitelistRefused(
                f"全国查询有效期：应为0（不限）至3650日，实际为{rules.national_check_max_age_days}",
                "全国查询有效期",
            )
        store.save_rules(self.db, rules, self.ws.actor)
        self.ws.notify(Change("settings"))

    def _court(self) -> CourtSettings:
        court = self.ws.court()
        if court is None or not court.court_name:
            raise WhitelistRefused("尚未设置法院信息（法院名称和代字），请先在“设置”中填写")
        return court

    # ------------------------------------------------------------------ review
    def _assess(self, party_ids: Iterable[int]) -> list[Candidate]:
        rules = self.rules()
        today = self.ws.today()
        subjects = store.load_subjects(self.db.conn, party_ids, rules, load_table(self.db))
        out = []
        for s in subjects:
            out.append(
                Candidate(
                    party_id=s.party_id,
                    case_id=s.case.id or 0,
                    case_number=s.case.case_number,
                    name=s.party.name,
                    kind=s.party.kind,
                    identifier=public_identifier(s.party),
                    assessment=assess(s.case, s.party, s.facts, today, rules),
                    consent_date=s.party.consent_date if s.party.publication_consent else None,
                    party=s.party,
                )
            )
        return out

    def candidates(self, start: date, end: date) -> list[Candidate]:
        """Debtors who completed performance between ``start`` and ``end`` and are not on a list yet."""
        if end < start:
            raise WhitelistRefused(f"期间的结束日期{end.isoformat()}早于开始日期{start.isoformat()}")
        ids = store.candidate_party_ids(self.db.conn, start, end)
        found = self._assess(ids)
        listed = store.listed_parties(self.db.conn)
        return [
            replace(c, listed_in=listed_for_period(listed, c.party, start, end)) if listed else c
            for c in found
            if c.performed_on is not None and start <= c.performed_on <= end
        ]

    def assess_parties(self, party_ids: Iterable[int]) -> list[Candidate]:
        return self._assess(party_ids)

    def _debtors(self, party_ids: Iterable[int]) -> list[tuple[int, int, str, str]]:
        ids = list(party_ids)
        if not ids:
            raise WhitelistRefused("没有选择任何当事人")
        rows = store.debtor_rows(self.db.conn, ids)
        if len(rows) != len(set(ids)):
            raise WhitelistRefused(
                "所选当事人中有的已不存在或不是履行义务人（被告、被申请人或被执行人），请刷新后重选"
            )
        return rows

    def _notify_cases(self, rows: Sequence[tuple[int, int, str, str]]) -> None:
        self.ws.notify(Change("whitelist", tuple(sorted({r[1] for r in rows}))))

    def record_check(
        self,
        party_ids: Iterable[int],
        checked_on: date,
        checker: str,
        passed: bool = True,
        note: str = "",
        condition: Condition = Condition.NATIONAL_CHECK,
    ) -> int:
        """Record the national check (or a manual check of 自动履行 / 债权人确认) for every party given."""
        if condition not in CHECKABLE:
            raise WhitelistRefused(f"“{condition.value}”由台账数据判断，不能人工登记")
        try:
            checker = check_text("核查人", checker, required=True, max_len=40)
            note = check_text("说明", note, max_len=200)
            _not_future("核查日期", checked_on, self.ws.today())
        except ValidationError as exc:
            raise _refuse(exc) from exc
        check = ManualCheck(condition, passed, checked_on, checker, note)
        with transaction(self.db) as conn:
            rows = self._debtors(party_ids)
            store.write_checks(conn, rows, check, self.ws.actor)
        self._notify_cases(rows)
        return len(rows)

    def record_consent(self, party_ids: Iterable[int], consent_date: date) -> int:
        """Record that each party applied for or consented to publication on ``consent_date``."""
        try:
            _not_future("申请或同意日期", consent_date, self.ws.today())
        except ValidationError as exc:
            raise _refuse(exc) from exc
        with transaction(self.db) as conn:
            rows = self._debtors(party_ids)
            store.write_consent(conn, rows, consent_date, self.ws.actor)
        self._notify_cases(rows)
        return len(rows)

    def exclude(self, party_ids: Iterable[int], kind: ExclusionKind, since: date, reason: str) -> int:
        try:
            reason = check_text("排除原因", reason, required=True, max_len=200)
            _not_future("发现日期", since, self.ws.today())
        except ValidationError as exc:
            raise _refuse(exc) from exc
        with transaction(self.db) as conn:
            rows = self._debtors(party_ids)
            store.write_exclusions(conn, rows, kind, since, reason, self.ws.actor)
        self._notify_cases(rows)
        return len(rows)

    # ------------------------------------------------------------------ batches
    def next_number(self, year: int) -> int:
        return store.next_number(self.db.conn, self._court().court_code, year)

    def batches(self) -> list[Batch]:
        return store.batches(self.db.conn)

    def batch(self, batch_id: int) -> Batch:
        found = store.load_batch(self.db.conn, batch_id)
        if found is None:
            raise WhitelistRefused(f"名单批次不存在（编号 {batch_id}）")
        return found

    def find_batch(self, year: int, number: int) -> Batch:
        """第``number``批 of ``year``: the one of the current court code, else the one published under an
        earlier code (a changed code in the settings must not hide published lists). New batches are
        numbered per current court code, so after a change two may share a number: then the current
        code's is meant, and without one the caller must name the batch by its id."""
        found = store.find_batch_ids(self.db.conn, year, number)
        court = self.ws.court()
        own = [i for i, code in found if court is not None and code == court.court_code]
        if own:
            return self.batch(own[0])
        if not found:
            raise WhitelistRefused(f"{year}年{batch_title(number)}不存在")
        if len(found) > 1:
            shown = "、".join(f"{i}（法院代字{code}）" for i, code in found)
            raise WhitelistRefused(
                f"{year}年{batch_title(number)}有{len(found)}个，是以不同的法院代字发布的（批次编号{shown}），"
                "请按批次编号指定"
            )
        return self.batch(found[0][0])

    def entries(self, batch_id: int) -> list[ListEntry]:
        return store.entries(self.db.conn, batch_id)

    def publish(
        self,
        party_ids: Sequence[int],
        number: int,
        published_on: date,
        approved_by: str,
        period: tuple[date, date] | None = None,
    ) -> Batch:
        """Publish the selected parties as 第``number``批 of ``published_on``'s year, in the order given."""
        court = self._court()
        try:
            approver = check_batch_request(number, published_on, approved_by, self.ws.today())
        except ValidationError as exc:
            raise _refuse(exc) from exc
        year = published_on.year
        wanted = list(dict.fromkeys(party_ids))
        if not wanted:
            raise WhitelistRefused("没有可以发布的名单成员：没有选择任何当事人")
        with transaction(self.db) as conn:
            serialize(conn, f"whitelist/{court.court_code}/{year}")  # PCs publishing at once take turns
            existing = store.find_batch_id(conn, court.court_code, year, number)
            if existing is not None:
                taken = store.load_batch(conn, existing)
                assert taken is not None
                raise WhitelistRefused(
                    f"批次：{year}年{batch_title(number)}已于{taken.published_on.isoformat()}发布，批次不能重复"
                    f"（下一个可用的是第{store.next_number(conn, court.court_code, year)}批）"
                )
            found = {c.party_id: c for c in self._assess(wanted)}
            missing = [p for p in wanted if p not in found]
            if missing:
                raise WhitelistRefused(f"所选当事人中有{len(missing)}人已不存在，请刷新后重选")
            chosen = [found[p] for p in wanted]
            eligible = [c for c in chosen if c.eligible]
            if not eligible:
                first = chosen[0].assessment.blocking()[0]
                raise WhitelistRefused(
                    f"没有符合条件的名单成员可以发布：所选{len(chosen)}人均不符合条件"
                    f"（如{chosen[0].name}：{first.condition.value}：{first.reason}）"
                )
            refused = [c for c in chosen if not c.eligible]
            if refused:
                no_consent = [
                    c for c in refused if c.assessment.finding(Condition.CONSENT).state is not State.PASSED
                ]
                if no_consent:
                    reason = no_consent[0].assessment.finding(Condition.CONSENT).reason
                    raise WhitelistRefused(f"{_names(no_consent)}不能列入名单：{reason}")
                first = refused[0].assessment.blocking()[0]
                raise WhitelistRefused(
                    f"{_names(refused)}不符合条件，不能列入名单（{refused[0].name}：{first.condition.value}："
                    f"{first.reason}）；请先处理或取消选择"
                )
            published = store.published_party_ids(conn, wanted)
            if published:
                again = [c for c in chosen if c.party_id in published]
                raise WhitelistRefused(
                    f"{_names(again)}已列入{published[again[0].party_id]}名单，不能重复发布"
                )
            listed = store.listed_parties(conn)
            for c in chosen:
                assert c.performed_on is not None  # eligible → performed
                since, until = period or (c.performed_on, c.performed_on)
                label = listed_for_period(listed, c.party, since, until)
                if label:
                    raise WhitelistRefused(
                        f"{c.name}（{c.case_number}）已列入{label}名单（同一期间、同一当事人），不能重复发布"
                    )
            dups = duplicate_identities((c.party, c.case_number) for c in chosen)
            if dups:
                name, first_case, second_case = dups[0]
                raise WhitelistRefused(
                    f"同一当事人{name}被选了两次（{first_case}和{second_case}），一批名单中每个主体只列一次"
                )
            header = Batch(
                court_code=court.court_code,
                court_name=court.court_name,
                year=year,
                number=number,
                published_on=published_on,
                approved_by=approver,
                published_by=self.ws.actor,
                period_start=period[0] if period else None,
                period_end=period[1] if period else None,
            )
            items = [
                ListEntry(
                    seq=i,
                    kind=c.kind,
                    name=c.name,
                    identifier=c.identifier,
                    performed_on=c.performed_on,  # type: ignore[arg-type]  # eligible → performed
                    court_name=court.court_name,
                    case_number=c.case_number,
                    consent_date=c.consent_date,  # type: ignore[arg-type]  # eligible → consent dated
                    party_id=c.party_id,
                    case_id=c.case_id,
                )
                for i, c in enumerate(chosen, start=1)
            ]
            batch_id = store.insert_batch(conn, header, items, self.ws.actor)
        self.ws.notify(Change("whitelist", tuple(sorted({c.case_id for c in chosen}))))
        return self.batch(batch_id)

    def withdraw(
        self, batch_id: int, seqs: Iterable[int], withdrawn_on: date, reason: str, approved_by: str
    ) -> int:
        """Withdraw the entries with 序号 ``seqs`` from the batch; the withdrawal is its own record."""
        batch = self.batch(batch_id)
        try:
            check_withdrawal(reason, approved_by, withdrawn_on, batch.published_on, self.ws.today())
        except ValidationError as exc:
            raise _refuse(exc) from exc
        wanted = sorted(set(seqs))
        if not wanted:
            raise WhitelistRefused("没有选择要撤回的条目")
        with transaction(self.db) as conn:
            by_seq = {e.seq: e for e in store.entries(conn, batch_id)}
            unknown = [s for s in wanted if s not in by_seq]
            if unknown:
                raise WhitelistRefused(f"{batch.label}没有序号{'、'.join(map(str, unknown))}")
            already = [by_seq[s] for s in wanted if by_seq[s].withdrawal is not None]
            if already:
                w = already[0].withdrawal
                assert w is not None
                raise WhitelistRefused(
                    f"序号{already[0].seq}（{already[0].name}）已于{w.withdrawn_on.isoformat()}撤回，不能重复撤回"
                )
            items = [by_seq[s] for s in wanted]
            withdrawal = Withdrawal(withdrawn_on, reason.strip(), approved_by.strip())
            store.insert_withdrawals(conn, batch, items, withdrawal, self.ws.actor)
        self.ws.notify(Change("whitelist", tuple(sorted({e.case_id for e in items if e.case_id}))))
        return len(items)

    # ------------------------------------------------------------------ printing and export
    def printed(self, batch_id: int) -> PrintedList:
        batch = self.batch(batch_id)
        return printed_list(batch, self.entries(batch_id), DEFAULT_INTRO)

    def pdf_bytes(self, batch_id: int, fonts: FontSet | None = None) -> bytes:
        batch = self.batch(batch_id)
        pages = layout_list(self.printed(batch_id), fonts or default_fonts())
        return write_pdf_list(batch, pages)

    def print_pdf(self, batch_id: int, path: Path, fonts: FontSet | None = None) -> store.ExportRecord:
        """Write the list for posting to ``path`` and log it (agency 张贴公示)."""
        batch = self.batch(batch_id)
        data = self.pdf_bytes(batch_id, fonts)
        return self._deliver(batch, "pdf", POSTING, path, data, batch.entries)

    def export_bytes(self, batch_id: int, agency_name: str, fmt: str) -> bytes:
        try:
            ag = agency(agency_name)
        except ValidationError as exc:
            raise _refuse(exc) from exc
        if fmt not in FORMATS:
            raise WhitelistRefused(f"格式：只能导出 {'、'.join(FORMATS)}，不支持“{fmt}”")
        batch = self.batch(batch_id)
        rows = export_rows(ag, batch, self.entries(batch_id))
        return xlsx_bytes(batch, rows) if fmt == "xlsx" else csv_bytes(rows)

    def export(self, batch_id: int, agency_name: str, fmt: str, path: Path) -> store.ExportRecord:
        """Write the agency's file to ``path`` and log it."""
        data = self.export_bytes(batch_id, agency_name, fmt)
        batch = self.batch(batch_id)
        return self._deliver(batch, fmt, agency_name, path, data, batch.entries)

    def exports(self, batch_id: int | None = None) -> list[store.ExportRecord]:
        return store.exports(self.db.conn, batch_id)

    def _deliver(
        self, batch: Batch, fmt: str, to: str, path: Path, data: bytes, count: int
    ) -> store.ExportRecord:
        """Write ``data`` to ``path`` and log it in one step: no file without its log line, no log line
        without its file."""
        assert batch.id is not None
        path = Path(path)
        if path.is_dir():
            raise WhitelistRefused(f"文件：{path} 是一个文件夹，请给出文件名")
        if not path.parent.is_dir():
            raise WhitelistRefused(f"文件：文件夹 {path.parent} 不存在")
        rec = store.ExportRecord(
            batch_id=batch.id,
            format=fmt,
            agency=to,
            file_name=path.name,
            entries=count,
            sha256=hashlib.sha256(data).hexdigest(),
            exported_at=datetime.now().astimezone().isoformat(timespec="seconds"),
            exported_by=self.ws.actor,
        )
        try:
            fd, tmp = tempfile.mkstemp(prefix=".whitelist-", suffix=path.suffix, dir=path.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise WhitelistRefused(f"文件：无法写入 {path}（{exc.strerror or exc}）") from exc
        placed = False
        try:
            with transaction(self.db) as conn:
                export_id = store.log_export(conn, rec, batch.label)
                try:
                    os.replace(tmp, path)
                except OSError as exc:
                    raise WhitelistRefused(f"文件：无法写入 {path}（{exc.strerror or exc}）") from exc
                placed = True
        except BaseException:
            if placed:
                path.unlink(missing_ok=True)
            raise
        finally:
            if not placed:
                Path(tmp).unlink(missing_ok=True)
        self.ws.notify(Change("whitelist"))
        return replace(rec, id=export_id)

    def default_file_name(self, batch_id: int, to: str, fmt: str) -> str:
        batch = self.batch(batch_id)
        return f"{batch.label}_{to}.{fmt}"


# ---------------------------------------------------------------------------------------- the PDF

LIST_TEMPLATE = replace(A4_NOTICE, page_numbers="of_total")
LIST_TITLE = TextStyle(role=TITLE, size=22, align=CENTER, first_indent=0, grid=False)
LIST_INTRO = TextStyle()
LIST_CELL = TextStyle(size=12, align=CENTER, first_indent=0, grid=False)
LIST_HEAD = TextStyle(role=HEADING, size=12, align=CENTER, first_indent=0, grid=False)
LIST_NOTE = TextStyle(size=12, first_indent=0, grid=False, align="justify")
LIST_SIGN = TextStyle(align=RIGHT, first_indent=0)
COLUMN_WIDTHS = (0.1, 0.38, 0.3, 0.22)


def layout_list(printed: PrintedList, fonts: FontSet) -> list[Page]:
    """A4 pages: court and title, the intro, the table (header repeated on every page), withdrawal
    notes, then the court's name and the date with room for the seal; 第n页 共m页 below each page."""
    ts = Typesetter(fonts, LIST_TEMPLATE)
    ts.paragraph(printed.court_name, LIST_TITLE)
    ts.paragraph(printed.title, LIST_TITLE)
    ts.paragraph(printed.intro, LIST_INTRO)
    ts.table(printed.rows, COLUMN_WIDTHS, LIST_CELL, header_rows=1, padding=4, header_style=LIST_HEAD)
    for note in printed.notes:
        ts.paragraph(note, LIST_NOTE)
    ts.skip(1)
    ts.signature([printed.court_name], printed.date_line, LIST_INTRO)
    return ts.finish()


def write_pdf_list(batch: Batch, pages: Sequence[Page]) -> bytes:
    from desktop.documents.pdf import PdfPart

    return write_pdf(
        [PdfPart(batch.label, pages)], title=f"{batch.court_name}{batch.label}", author=batch.court_name
    )


# ------------------------------------------------------------------------------------ the agencies' files


# Excel (and LibreOffice) run a CSV cell beginning with one of these as a formula (CSV injection): a
# party named “=HYPERLINK(…)” must reach the agency as text, as it does in the XLSX (text cells).
# The guard lives in desktop.core.cells, shared with the import that reads it back.
csv_text = csv_guard


def csv_bytes(rows: Sequence[Sequence[str]]) -> bytes:
    """UTF-8 with BOM and CRLF, as Excel on a court PC opens it without garbling Chinese; no cell can
    be run as a formula (:func:`csv_text`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([csv_text(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(batch: Batch, rows: Sequence[Sequence[str]]) -> bytes:
    """One sheet, header row bold and frozen, every value a text cell (an ID or code never becomes a
    number, a name starting with “=” never a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=batch.label[:31])
    header = rows[0] if rows else []
    for i, title in enumerate(header, start=1):
        longest = max((len(r[i - 1]) for r in rows[:200]), default=len(title))
        ws.column_dimensions[get_column_letter(i)].width = min(max(longest, len(title)) * 2 + 2, 60)
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    for k, row in enumerate(rows):
        cells = []
        for value in row:
            cell = WriteOnlyCell(ws, value=xlsx_escape(value))
            cell.data_type = "s"
            if k == 0:
                cell.font = bold
            cells.append(cell)
        ws.append(cells)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def agencies() -> list[str]:
    return list(AGENCIES)
