"""Issuing documents: the use cases behind the wizard, the register, reprints, batches and the CLI.

* :meth:`DocumentService.start` checks the form's eligibility rule (core) and prefills the answers;
* :meth:`DocumentService.check` turns typed answers into values, one Chinese message per bad field;
* :meth:`DocumentService.issue` numbers the document per court/series/year, stores the immutable
  snapshot (values and printed text) with its sha256, records a contact in the urging log for a
  提示书/催告书 (the form's ``reminder_rule``: the dashboard then sees the reminder as given), audits,
  all in one transaction, and notifies the views;
* :meth:`DocumentService.reprint` renders the snapshot again: the same text, the same PDF bytes;
* :meth:`DocumentService.issue_batch` registers one document per case and prints them into one PDF.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from desktop import paths
from desktop.core.eligibility import SCREENING_RULES, CaseFacts, CaseFlag, Eligibility, Windows, check
from desktop.core.errors import ValidationError
from desktop.core.model import Case, ContactMethod, CourtSettings
from desktop.core.reminders import windows_from_rules
from desktop.core.validation import check_text
from desktop.documents.answers import from_json, to_json
from desktop.documents.fill import Printable, as_input, blank_values, check_answers, prefill, resolve
from desktop.documents.fonts import FontSet, default_fonts
from desktop.documents.formdef import FormDef, FormSet, load_forms
from desktop.documents.keep import FaceFinder, FontUnavailable, pages_from_json, pages_to_json
from desktop.documents.layout import Page
from desktop.documents.render import layout_document, pages_pdf, pdf_for
from desktop.documents.sources import SourceContext
from desktop.services.reminders import Reminders
from desktop.services.workspace import CaseInvalid, Change, Workspace
from desktop.store import documents as register
from desktop.store.cases import load_case
from desktop.store.database import StoreError, transaction

SNAPSHOT_FORMAT = 1
PARTY_KEYS = ("addressee", "debtor", "objector", "applicant", "creditor")
DRAFT_ONLY_NUMBER = "（草稿，无编号）"


class NotEligible(StoreError):
    """The form may not be issued for this case now; ``reason`` says why (from core.eligibility)."""

    def __init__(self, form: FormDef, case_number: str, reason: str) -> None:
        super().__init__(f"《{form.title}》不能为 {case_number} 出具：{reason}")
        self.reason = reason


class NoCourt(StoreError):
    pass


def form_directories() -> list[Path]:
    """The bundled forms, then the court's own (``forms`` in the data directory) which override them."""
    dirs = [paths.forms_dir()]
    extra = os.environ.get("TRIBUNAL_DESK_FORMS")
    dirs.append(Path(extra) if extra else paths.user_data_dir() / "forms")
    return dirs


@dataclass
class Draft:
    """A form being filled for a case: what the wizard edits."""

    form: FormDef
    case: Case
    eligibility: Eligibility
    answers: dict[str, str]  # as typed (prefilled from the case)
    facts: CaseFacts = field(default_factory=CaseFacts)


@dataclass(frozen=True)
class Issued:
    doc_id: int
    number: str
    case_id: int
    case_number: str
    form: FormDef
    printable: Printable
    pages: tuple[Page, ...] = ()  # as laid out at issue (and kept in the register)
    court_name: str = ""  # the PDF's author: the court that issued it


@dataclass(frozen=True)
class BatchResult:
    issued: tuple[Issued, ...]
    refused: tuple[tuple[str, str], ...]  # (case number, reason)
    pdf: bytes


# Long batches report (phase, done, total); phases: "读取" (each case prefilled), "检查" (each checked by
# the form's rule), "登记" (each document
# registered, inside the transaction), "排版" (each document laid out for the PDF, after the commit). A
# callback may raise to stop: before the commit nothing is written.
Progress = Callable[[str, int, int], None]


def _now_on(day: date) -> datetime:
    return datetime.combine(day, datetime.now().time().replace(microsecond=0))


SCREENING_SOURCES = frozenset({"debtor.bankruptcy_ground", "debtor.bankruptcy_detail"})


def reads_screening(form: FormDef) -> bool:
    """Whether the form's rule or any of its fields reads the 审破衔接 screening's findings."""
    return form.eligibility in SCREENING_RULES or any(f.source in SCREENING_SOURCES for f in form.fields)


class DocumentService:
    def __init__(
        self,
        workspace: Workspace,
        fonts: FontSet | None = None,
        form_dirs: Sequence[Path] | None = None,
    ) -> None:
        self.ws = workspace
        self._fonts = fonts
        self._dirs = list(form_dirs) if form_dirs is not None else None
        self._forms: FormSet | None = None

    # ------------------------------------------------------------------ configuration
    @property
    def fonts(self) -> FontSet:
        if self._fonts is None:
            self._fonts = default_fonts()
        return self._fonts

    def forms(self, reload: bool = False) -> FormSet:
        if self._forms is None or reload:
            self._forms = load_forms(self._dirs if self._dirs is not None else form_directories())
        return self._forms

    def form(self, form_id: str) -> FormDef:
        try:
            return self.forms().get(form_id)
        except KeyError as exc:
            raise StoreError(str(exc.args[0])) from None

    def form_by_title(self, title: str, case: Case | None = None) -> FormDef | None:
        """The form a dashboard rule names by title (e.g. "自动履行提示书"); the first one whose stages
        include the case's stage when a case is given."""
        matches = [f for f in self.forms().ordered() if f.title == title]
        if case is not None:
            for f in matches:
                if not f.stages or case.stage.value in f.stages:
                    return f
        return matches[0] if matches else None

    def windows(self) -> Windows:
        """The 提示书 / 催告书 windows: those of the reminder rules, the one setting a court edits (the
        dashboard's 提醒规则), so the wizard never refuses what the board suggests."""
        return windows_from_rules(Reminders(self.ws).rules())

    def court(self) -> CourtSettings:
        court = self.ws.court()
        if court is None or not court.court_name:
            raise NoCourt("尚未设置法院名称和代字：请先在“设置”中填写法院信息。")
        return court

    # ------------------------------------------------------------------ eligibility and drafts
    def facts(self, case_id: int, form: FormDef | None = None) -> CaseFacts:
        """What the ledger knows beside the case; for ``form``, only what that form reads: the 审破衔接
        screening (whose cost grows with the ledger: it reads every case of each enterprise debtor) only
        for a form whose rule or fields use it, so a batch costs the same on a small or a large ledger."""
        return register.case_facts(self.ws.db, case_id, screening=form is None or reads_screening(form))

    def eligibility(self, form: FormDef, case: Case, facts: CaseFacts | None = None) -> Eligibility:
        if case.id is not None and facts is None:
            facts = self.facts(case.id, form)
        return check(form.eligibility, case, self.ws.today(), facts, self.windows())

    def available(self, case_id: int) -> list[tuple[FormDef, Eligibility]]:
        """Every form with its verdict for the case, in the forms' order."""
        case = load_case(self.ws.db, case_id)
        facts = self.facts(case_id)
        return [(f, self.eligibility(f, case, facts)) for f in self.forms().ordered()]

    def start(self, form_id: str, case_id: int) -> Draft:
        """A prefilled draft; :class:`NotEligible` with the reason when the rule refuses."""
        form = self.form(form_id)
        case = load_case(self.ws.db, case_id)
        facts = self.facts(case_id, form)
        verdict = self.eligibility(form, case, facts)
        if not verdict.allowed:
            raise NotEligible(form, case.case_number, verdict.reason)
        values = prefill(form, SourceContext(case, self.ws.today(), facts, self.ws.court()))
        return Draft(form, case, verdict, as_input(form, values), facts)

    def check(
        self, form: FormDef, answers: Mapping[str, str]
    ) -> tuple[dict[str, object], dict[str, ValidationError]]:
        return check_answers(form, answers, self.ws.today(), self.fonts)

    def preview(
        self, form: FormDef, values: Mapping[str, object], number: str | None = None, draft: bool = False
    ) -> Printable:
        """The document as it will print (the number shows as “登记后生成” until issued). A ``draft``
        has no register number and the 草稿 mark on every page."""
        court = self.ws.court() or CourtSettings("（未设置法院名称）", "")
        if draft:
            return replace(resolve(form, values, court, self.ws.today(), DRAFT_ONLY_NUMBER), draft=True)
        if number is None:
            return resolve(form, values, court, self.ws.today())
        return resolve(form, values, court, self.ws.today(), number)

    def blank(self, form_id: str, case_id: int | None = None) -> Printable:
        """The form printed blank for a party to fill by hand (forms with ``blank = true``): not
        registered, no number. For a case, the case's facts and the parties' names are filled in
        (the eligibility rule is not asked: handing out a form to fill is always allowed)."""
        form = self.form(form_id)
        if not form.blank:
            raise StoreError(
                f"《{form.display_name}》由法院填写出具，没有空白表（可打印空白表的文书：{self.blank_titles()}）"
            )
        prefilled: dict[str, object] | None = None
        if case_id is not None:
            case = load_case(self.ws.db, case_id)
            prefilled = prefill(
                form, SourceContext(case, self.ws.today(), self.facts(case_id, form), self.ws.court())
            )
        court = self.ws.court() or CourtSettings("＿＿＿＿＿＿＿＿人民法院", "")
        return resolve(form, blank_values(form, prefilled), court, self.ws.today(), blank=True)

    def blank_titles(self) -> str:
        return "、".join(f.display_name for f in self.forms().ordered() if f.blank) or "无"

    def draft_pdf(self, form: FormDef, values: Mapping[str, object]) -> bytes:
        """A draft to read over or hand round internally: not registered, not in the urging log,
        no number, 草稿 on every page."""
        return self.pdf([self.preview(form, values, draft=True)])

    # ------------------------------------------------------------------ issuing
    def issue(self, form_id: str, case_id: int, answers: Mapping[str, str]) -> Issued:
        """Register the document (one transaction) and return it; refuses bad answers as CaseInvalid."""
        issued = self._issue_many(form_id, [(case_id, answers)], batch="")
        self.ws.notify(Change("document", (case_id,)))
        if issued[0].form.reminder_rule:
            self.ws.notify(Change("contact", (case_id,)))
        return issued[0]

    def _prepared(
        self,
        form: FormDef,
        case_id: int,
        answers: Mapping[str, str] | None,
        loaded: tuple[Case, CaseFacts] | None = None,
    ) -> tuple[Case, dict[str, object]]:
        case, facts = (
            loaded if loaded is not None else (load_case(self.ws.db, case_id), self.facts(case_id, form))
        )
        verdict = self.eligibility(form, case, facts)
        if not verdict.allowed:
            raise NotEligible(form, case.case_number, verdict.reason)
        if answers is None:
            answers = as_input(
                form, prefill(form, SourceContext(case, self.ws.today(), facts, self.ws.court()))
            )
        values, errors = self.check(form, answers)
        if errors:
            raise CaseInvalid(list(errors.values()))
        return case, values

    def _issue_many(
        self,
        form_id: str,
        items: Sequence[tuple[int, Mapping[str, str] | None]],
        batch: str,
        refused: list[tuple[str, str]] | None = None,
        loaded: Mapping[int, tuple[Case, CaseFacts]] | None = None,
        progress: Progress | None = None,
    ) -> list[Issued]:
        form = self.form(form_id)
        court = self.court()
        today = self.ws.today()
        prepared: list[tuple[Case, dict[str, object]]] = []
        for n, (case_id, answers) in enumerate(items):
            if progress is not None:
                progress("检查", n, len(items))
            try:
                prepared.append(self._prepared(form, case_id, answers, (loaded or {}).get(case_id)))
            except (NotEligible, CaseInvalid) as exc:
                if refused is None:
                    raise
                number = register.case_number_of(self.ws.db, case_id)
                reason = exc.reason if isinstance(exc, NotEligible) else str(exc)
                refused.append((number or str(case_id), reason))
        out: list[Issued] = []
        with transaction(self.ws.db) as conn:
            for n, (case, values) in enumerate(prepared):
                if progress is not None:
                    progress("登记", n, len(prepared))
                assert case.id is not None
                party = next((str(values[k]) for k in PARTY_KEYS if values.get(k)), "")
                new = register.NewDocument(
                    case_id=case.id,
                    form_id=form.id,
                    series=form.series,
                    abbr=form.abbr or "文",
                    court_code=court.court_code,
                    title=form.title,
                    case_number=case.case_number,
                    party=party[:200],
                    issued_on=today,
                    issued_by=self.ws.actor,
                    form_sha256=form.sha256,
                    batch=batch,
                )
                seq, number = register.allocate(conn, court.court_code, form.series, new.abbr, today.year)
                doc = resolve(form, values, court, today, number)
                pages = tuple(layout_document(doc, self.fonts))  # typeset once: kept and printed
                snapshot = self._snapshot(form, court, case, values, number, doc)
                snapshot["layout"] = pages_to_json(pages)
                doc_id = register.insert_document(conn, new, seq, number, snapshot)
                if form.reminder_rule:
                    method = str(values.get("delivery") or "")
                    if method not in {m.value for m in ContactMethod}:
                        method = ContactMethod.OTHER.value
                    register.add_contact(
                        conn,
                        case.id,
                        _now_on(today),
                        method,
                        self.ws.actor,
                        party,
                        f"发送《{form.title}》（{number}）",
                        form.reminder_rule,
                        case.case_number,
                    )
                out.append(
                    Issued(doc_id, number, case.id, case.case_number, form, doc, pages, court.court_name)
                )
        return out

    def _snapshot(
        self,
        form: FormDef,
        court: CourtSettings,
        case: Case,
        values: Mapping[str, object],
        number: str,
        doc: Printable,
    ) -> dict[str, Any]:
        """Everything needed to show and reprint the document without the form file or the case."""
        return {
            "format": SNAPSHOT_FORMAT,
            "form": {
                "id": form.id,
                "title": form.title,
                "series": form.series,
                "sha256": form.sha256,
                "file": form.path.name,
                "override": form.override,
            },
            "case": {"id": case.id, "number": case.case_number},
            "court": {"name": court.court_name, "code": court.court_code, "tribunal": court.tribunal_name},
            "number": number,
            "issued_on": self.ws.today().isoformat(),
            "issued_by": self.ws.actor,
            "values": {f.key: to_json(f.type, values.get(f.key)) for f in form.fields},
            "printable": doc.to_json(),
        }

    def pdf(
        self,
        issued: Sequence[Issued] | Sequence[Printable],
        duplex: bool = True,
        progress: Progress | None = None,
    ) -> bytes:
        """Issued documents as laid out at issue (the court that issued them as the PDF's author);
        drafts and other printables laid out now. ``progress`` hears the PDF being written."""
        if progress is not None:  # the pages were laid out at issue: each document is written as it was
            for n in range(len(issued)):
                progress("排版", n, len(issued))
        if issued and all(isinstance(i, Issued) and i.pages for i in issued):
            docs = [i for i in issued if isinstance(i, Issued)]
            parts = [(f"{i.case_number} {i.form.title}（{i.number}）", i.pages) for i in docs]
            title = docs[0].printable.title if len(docs) == 1 else f"文书{len(docs)}份"
            return pages_pdf(parts, title, docs[0].court_name, duplex)
        printables: list[tuple[str, Printable]] = []
        for item in issued:
            if isinstance(item, Issued):
                printables.append((f"{item.case_number} {item.form.title}（{item.number}）", item.printable))
            else:
                printables.append((item.title, item))
        court = self.ws.court()
        return pdf_for(printables, self.fonts, author=court.court_name if court else "", duplex=duplex)

    # ------------------------------------------------------------------ the register
    def record(self, doc_id: int) -> register.DocumentRecord:
        return register.load_document(self.ws.db, doc_id)

    def reprint(self, doc_ids: Iterable[int], duplex: bool = True) -> bytes:
        """The registered documents again, from their snapshots (hash checked), in one PDF.

        A document kept with its layout is drawn from it, each face found by its font file's hash
        (refused, naming the font, when that exact file is not on this machine), with the issuing
        court as the author: the same pages on any PC. Older documents are set again from their text.
        """
        doc_ids = list(doc_ids)
        finder = FaceFinder(self.fonts)
        parts: list[tuple[str, Sequence[Page]]] = []
        title, author = "", ""
        for doc_id in doc_ids:
            rec = register.load_document(self.ws.db, doc_id)
            printable = Printable.from_json(rec.snapshot["printable"])
            kept = rec.snapshot.get("layout")
            try:
                pages = pages_from_json(kept, finder) if kept else layout_document(printable, self.fonts)
            except FontUnavailable as exc:
                raise StoreError(f"{rec.doc_number}：{exc.message}") from exc
            parts.append((f"{rec.case_number} {rec.title}（{rec.doc_number}）", pages))
            title = title or printable.title
            author = author or str(rec.snapshot.get("court", {}).get("name", ""))
        with transaction(self.ws.db) as conn:
            from desktop.store.audit import record

            for doc_id in doc_ids:
                record(conn, self.ws.actor, "document.reprint", "document", doc_id)
        if len(parts) > 1:
            title = f"文书{len(parts)}份"
        return pages_pdf(parts, title, author, duplex)

    def snapshot_values(self, doc_id: int) -> dict[str, object]:
        """The typed values a document was issued with."""
        rec = register.load_document(self.ws.db, doc_id)
        form_id = rec.form_id
        kinds: dict[str, str] = {}
        if form_id in self.forms().forms:
            kinds = {f.key: f.type for f in self.forms().forms[form_id].fields}
        return {k: from_json(kinds.get(k, "text"), v) for k, v in rec.snapshot.get("values", {}).items()}

    def register_count(self, f: register.RegisterFilter) -> int:
        return register.register_count(self.ws.db, f)

    def register_page(
        self, f: register.RegisterFilter, offset: int = 0, limit: int = 200
    ) -> list[dict[str, Any]]:
        return register.register_page(self.ws.db, f, offset, limit)

    # ------------------------------------------------------------------ batches
    def candidates(self, form_id: str, limit: int = 2000, scan: int = 20000) -> list[int]:
        """Cases the form's rule allows today: a SQL preselection, then the rule in core.

        For 提示书 the deadline falls within the prompt window, for 催告书 it passed within the demand
        window ("every 提示书 due this week"); certificates look at performed cases; other forms at open
        cases in the form's stages. At most ``scan`` preselected cases are checked.
        """
        out: list[int] = []
        form = self.form(form_id)
        for case_id in self.preselected(form_id, scan):
            case = load_case(self.ws.db, case_id)
            if self.eligibility(form, case).allowed:
                out.append(case_id)
                if len(out) >= limit:
                    break
        return out

    def preselected(self, form_id: str, scan: int = 20000) -> list[int]:
        """The cases :meth:`candidates` checks with the form's rule: at most ``scan``, soonest due first."""
        form = self.form(form_id)
        today = self.ws.today()
        w = self.windows()
        due: tuple[date, date] | None = None
        if form.eligibility == "prompt":
            due = today, today + timedelta(days=max(w.prompt_days, w.installment_prompt_days))
        elif form.eligibility == "demand":
            late = max(w.demand_days, w.installment_demand_days)
            due = today - timedelta(days=late), today - timedelta(days=1)
        return register.batch_preselection(
            self.ws.db, form.stages, form.eligibility.startswith("certificate"), due, scan
        )

    def issue_batch(
        self,
        form_id: str,
        case_ids: Sequence[int],
        common: Mapping[str, str] | None = None,
        duplex: bool = True,
        progress: Progress | None = None,
    ) -> BatchResult:
        """Register one document per case (prefilled from each case, ``common`` answers on top) and
        print them all into one PDF. Cases the rule refuses, or whose form cannot be completed from the
        case alone, are listed in ``refused`` with the reason; the others are registered together.
        ``duplex``: each document padded to an even page count (double-sided printing); ``progress``
        hears each step (and may stop the batch before the registration commits)."""
        form = self.form(form_id)
        items: list[tuple[int, Mapping[str, str] | None]] = []
        refused: list[tuple[str, str]] = []
        loaded: dict[int, tuple[Case, CaseFacts]] = {}  # each case read once for the whole batch
        court = self.ws.court()
        for n, case_id in enumerate(case_ids):
            if progress is not None:
                progress("读取", n, len(case_ids))
            try:
                case = load_case(self.ws.db, case_id)
            except StoreError as exc:
                refused.append((str(case_id), str(exc)))
                continue
            facts = self.facts(case_id, form)
            loaded[case_id] = (case, facts)
            answers = as_input(form, prefill(form, SourceContext(case, self.ws.today(), facts, court)))
            answers.update(common or {})
            items.append((case_id, answers))
        batch = uuid.uuid4().hex[:12] if len(items) > 1 else ""
        issued = self._issue_many(form_id, items, batch, refused, loaded, progress) if items else []
        if issued:
            self.ws.notify(Change("document", tuple(i.case_id for i in issued)))
            if form.reminder_rule:
                self.ws.notify(Change("contact", tuple(i.case_id for i in issued)))
        return BatchResult(
            tuple(issued), tuple(refused), self.pdf(issued, duplex, progress) if issued else b""
        )

    # ------------------------------------------------------------------ case facts (flags)
    def set_flag(self, case_id: int, flag: CaseFlag, since: date, note: str = "") -> None:
        try:
            note = check_text("说明", note, max_len=200)
        except ValidationError as exc:
            raise CaseInvalid([exc]) from exc
        if since > self.ws.today():
            raise CaseInvalid([ValidationError("日期", "不能晚于今天")])
        with transaction(self.ws.db) as conn:
            row = conn.execute("SELECT case_number FROM cases WHERE id = ?", (case_id,)).fetchone()
            if row is None:
                raise StoreError(f"案件不存在（编号 {case_id}）")
            register.set_flag(conn, case_id, flag, since, note, self.ws.actor, str(row[0]))
        self.ws.notify(Change("case", (case_id,)))

    def clear_flag(self, case_id: int, flag: CaseFlag) -> None:
        with transaction(self.ws.db) as conn:
            row = conn.execute("SELECT case_number FROM cases WHERE id = ?", (case_id,)).fetchone()
            register.clear_flag(conn, case_id, flag, self.ws.actor, str(row[0]) if row else "")
        self.ws.notify(Change("case", (case_id,)))

    def flags(self, case_id: int) -> list[dict[str, Any]]:
        return register.flags_of(self.ws.db, case_id)
