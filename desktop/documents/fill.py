"""Filling a form: defaults from the case, the clerk's answers checked, the text resolved.

``prefill`` gives every field its value from the case (``source``) or the form (``default``);
``check_answers`` turns what the clerk typed into typed values, one Chinese message per bad field
(including characters no font can print); ``resolve`` substitutes the placeholders and returns a
:class:`Printable`: the court name, title, 案号 line and paragraphs exactly as they print. The
register keeps the Printable in the snapshot, so a reprint never depends on the form file again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop.core.errors import ValidationError
from desktop.core.model import CourtSettings
from desktop.documents.answers import BLANK_DATE, BLANK_LINE, input_text, parse_answer, print_text
from desktop.documents.fonts import FontSet
from desktop.documents.formdef import BUILTINS, PLACEHOLDER, Condition, FieldDef, FormDef, unescape_marks
from desktop.documents.layout import check_printable
from desktop.documents.sources import SourceContext, value

DRAFT_NUMBER = "（登记后生成）"


@dataclass(frozen=True)
class Printable:
    """A filled document, ready to lay out: what the snapshot keeps."""

    title: str
    court_name: str = ""
    number_line: str = ""
    blocks: tuple[tuple[str, str], ...] = ()  # (style, text)
    # Layout the form asks for (forms/README.md): at most this many lines a page to keep a notice on
    # one page (0: always the 22-line grid), and page numbers also on a single page ("always").
    max_lines: int = 0
    page_numbers: str = ""
    draft: bool = False  # not registered: every page carries the 草稿 mark (never in a snapshot)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "title": self.title,
            "court_name": self.court_name,
            "number_line": self.number_line,
            "blocks": [list(b) for b in self.blocks],
        }
        # Written only when set, so snapshots made before these settings existed read back the same.
        if self.max_lines:
            data["max_lines"] = self.max_lines
        if self.page_numbers:
            data["page_numbers"] = self.page_numbers
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Printable:
        return cls(
            title=str(data["title"]),
            court_name=str(data.get("court_name", "")),
            number_line=str(data.get("number_line", "")),
            blocks=tuple((str(s), str(t)) for s, t in data.get("blocks", [])),
            max_lines=int(data.get("max_lines", 0)),
            page_numbers=str(data.get("page_numbers", "")),
        )


def prefill(form: FormDef, ctx: SourceContext) -> dict[str, object]:
    """Each field's starting value: from the case, else the form's default, else None."""
    values: dict[str, object] = {}
    for f in form.fields:
        v: object = None
        if f.source:
            v = value(f.source, ctx)
            if isinstance(v, str):
                v = v.strip() or None
        if v is None and f.default:
            try:
                v = _parse(f, f.default, ctx.today)
            except ValidationError:
                v = None
        if f.type == "choice" and v is not None and str(v) not in f.choices:
            v = f.default or None
        values[f.key] = v
    return values


def _parse(f: FieldDef, text: str, today: date) -> object:
    return parse_answer(
        f.type,
        f.label,
        text,
        required=f.required,
        choices=f.choices,
        max_len=f.max_len,
        validator=f.validator,
        today=today,
    )


def as_input(form: FormDef, values: Mapping[str, object]) -> dict[str, str]:
    """Values as the wizard's input widgets show them."""
    return {f.key: input_text(f.type, values.get(f.key)) for f in form.fields}


def _shown(values: Mapping[str, object], form: FormDef, key: str) -> str:
    f = form.field(key)
    return input_text(f.type, values.get(key))


def conditions_hold(conditions: tuple[Condition, ...], form: FormDef, values: Mapping[str, object]) -> bool:
    return all(c.holds(_shown(values, form, c.key)) for c in conditions)


def visible(form: FormDef, f: FieldDef, values: Mapping[str, object]) -> bool:
    return conditions_hold(f.show_if, form, values)


def check_answers(
    form: FormDef, answers: Mapping[str, str], today: date, fonts: FontSet | None = None
) -> tuple[dict[str, object], dict[str, ValidationError]]:
    """Typed values of the answers (text as typed), and a message per field that is wrong.

    Hidden fields (``show_if`` false) are neither required nor checked; their value is None.
    """
    values: dict[str, object] = {}
    errors: dict[str, ValidationError] = {}
    # Visibility depends on values: parse choices first (they are what conditions test).
    for f in form.fields:
        try:
            values[f.key] = _parse(f, answers.get(f.key, ""), today)
        except ValidationError as exc:
            values[f.key] = None
            errors[f.key] = exc
    for f in form.fields:
        if not visible(form, f, values):
            values[f.key] = None
            errors.pop(f.key, None)
            continue
        if f.key in errors:
            continue
        text = print_text(f.type, values[f.key])
        try:
            check_printable(text, f.label)
            if fonts is not None:
                fonts.check(f.label, text)
        except ValidationError as exc:
            errors[f.key] = exc
    return values, errors


# Sources a blank form printed for a case still fills in: the case's own facts and who the parties
# are. What the party writes by hand (an account, an amount, a date, a signature) stays blank.
CASE_FACT_SOURCES = ("case.",)
PARTY_SOURCES = frozenset(
    f"{who}.{what}" for who in ("creditor", "debtor") for what in ("name", "role", "self", "pronoun")
)


def blank_values(form: FormDef, prefilled: Mapping[str, object] | None = None) -> dict[str, object]:
    """Values for a blank form: all empty, or with ``prefilled`` (from a case) only the case's
    facts and the parties' names kept."""
    out: dict[str, object] = {f.key: None for f in form.fields}
    for f in form.fields:
        if prefilled and (f.source.startswith(CASE_FACT_SOURCES) or f.source in PARTY_SOURCES):
            out[f.key] = prefilled.get(f.key)
    return out


def _blank_text(f: FieldDef, in_table: bool) -> str:
    """An empty field of a blank form: a line to write on (in a table the ruled cell is enough), a
    date as 　　年　　月　　日, a choice as its options to strike out (本人／本单位)."""
    if in_table:
        return ""
    if f.type == "date":
        return BLANK_DATE
    if f.type == "choice" and f.choices:
        return "／".join(f.choices)
    return BLANK_LINE


def resolve(
    form: FormDef,
    values: Mapping[str, object],
    court: CourtSettings,
    issued_on: date,
    doc_number: str = DRAFT_NUMBER,
    blank: bool = False,
) -> Printable:
    """The document's text with every placeholder replaced and hidden paragraphs left out.

    ``blank``: a form for a party to fill by hand — every empty field prints as a line to write on,
    no number, no date of issue."""
    builtins = {
        "court.name": court.court_name,
        "court.code": court.court_code,
        "court.tribunal": court.tribunal_name,
        "doc.number": BLANK_LINE if blank else doc_number,
        "doc.date": BLANK_DATE if blank else print_text("date", issued_on),
    }
    types = {f.key: f.type for f in form.fields}
    defs = {f.key: f for f in form.fields}

    def sub(text: str, in_table: bool = False) -> str:
        def one(match: Any) -> str:
            name, filt = match.group(1).strip(), (match.group(2) or "").strip()
            if name in BUILTINS:
                return builtins[name]
            if blank and values.get(name) in (None, "") and filt != "承诺人签名行":
                return _blank_text(defs[name], in_table)
            return print_text(types[name], values.get(name), filt)

        marked = unescape_marks(text)
        return PLACEHOLDER.sub(one, marked).replace("\x00", "{").replace("\x01", "}")

    blocks: list[tuple[str, str]] = []
    for block in form.body:
        if not conditions_hold(block.show_if, form, values):
            continue
        text = sub(block.text, block.style == "table").strip("\n")
        if not text.strip() and block.style != "blank" and PLACEHOLDER.search(block.text):
            continue  # a paragraph made only of an empty optional value
        blocks.append((block.style, text))
    return Printable(
        title=sub(form.title),
        court_name=court.court_name if form.court_header else "",
        number_line=sub(form.number_line).strip(),
        blocks=tuple(blocks),
        max_lines=form.max_lines_per_page,
        page_numbers=form.page_numbers,
    )
