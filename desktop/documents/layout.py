"""Setting text on A4 pages the way a court notice is printed (GB/T 9704-2012, DOMAIN.md §6).

The result is a device-independent list of :class:`Page` objects holding positioned text runs and
rules, in points from the top-left corner. The PDF writer (``documents.pdf``) and the Qt preview and
printing (``gui.page_painter``) draw the same pages, so what the wizard shows is what prints.

* :class:`PageTemplate`: A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; a text block of
  22 lines × 28 characters at 16 pt (the character grid is kept by a slight negative tracking);
  page numbers "— 1 —" in 4号 (14 pt) 7 mm below the text block, odd pages right and even pages left
  with one character of space (GB/T 9704 §7.5), only when there is more than one page.
* :class:`Typesetter`: paragraphs (justified Chinese text with 2-character first-line indent, line
  breaking that keeps closing punctuation off a line start and opening punctuation off a line end,
  long Latin or digit strings kept whole unless longer than a line), blank lines, blocks kept together
  (the signature and date never stand alone on a page: they take the last lines of the text with
  them), ruled tables with header rows repeated on each page.

Reused by the 诚信履行名单 printout: build a :class:`Typesetter` with :func:`fonts.default_fonts`, add
paragraphs and a table, and hand ``finish()`` to :func:`documents.pdf.write_pdf`.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from desktop.core.errors import ValidationError
from desktop.documents.fonts import BODY, NUMBER, FontSet, MissingGlyph, Slot

MM = 72 / 25.4

JUSTIFY, LEFT, RIGHT, CENTER = "justify", "left", "right", "center"

# 避头: never at the start of a line; 避尾: never at the end of a line.
NO_LINE_START = frozenset("，。、；：？！）》」』”’〕】〉〗…—％‰,.;:?!)]}%·～℃")
NO_LINE_END = frozenset("（《「『“‘〔【〈〖([{")
# ASCII letters, digits and the punctuation inside numbers, accounts and codes: kept on one line.
_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.,:/-_@#%+*&'()[]")
_PAIRS = ("……", "——")


@dataclass(frozen=True)
class PageTemplate:
    """Paper, margins and the line grid. Units are points."""

    width: float = 210 * MM
    height: float = 297 * MM
    top: float = 37 * MM
    bottom: float = 35 * MM
    left: float = 28 * MM
    right: float = 26 * MM
    lines_per_page: int = 22
    chars_per_line: int = 28
    grid_size: float = 16.0
    page_numbers: str = "gbt9704"  # "gbt9704", "center", "of_total" (第1页 共3页) or "none"
    page_number_size: float = 14.0
    page_number_gap: float = 7 * MM

    @property
    def frame_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def frame_bottom(self) -> float:
        return self.height - self.bottom

    @property
    def pitch(self) -> float:
        """Line pitch of the grid (225 mm / 22 lines)."""
        return (self.height - self.top - self.bottom) / self.lines_per_page

    @property
    def tracking(self) -> float:
        """Space between two grid characters so that ``chars_per_line`` fill a line exactly.

        A line of n characters has n − 1 gaps: 28 characters of 16 pt and 27 gaps of −0.215 pt measure
        the 156 mm (442.20 pt) of the text block, the last character's edge on the right margin.
        """
        n = max(self.chars_per_line, 2)
        return (self.frame_width - n * self.grid_size) / (n - 1)


A4_NOTICE = PageTemplate()


@dataclass(frozen=True)
class TextStyle:
    """How a paragraph is set. Indents are in characters (em of ``size``)."""

    role: str = BODY
    size: float = 16.0
    align: str = JUSTIFY
    first_indent: float = 2.0
    left_indent: float = 0.0
    right_indent: float = 0.0
    grid: bool = True  # keep the template's character grid (body text); False for titles
    leading: float = 0.0  # line pitch; 0 = the template's pitch, or 1.4 × size when that is larger


@dataclass(frozen=True)
class Run:
    """Text in one face on one baseline: ``x`` of the first character, ``y`` of the baseline."""

    x: float
    y: float
    text: str
    slot: Slot
    size: float
    char_space: float

    def advances(self) -> list[float]:
        """Each character's advance (width plus character spacing), as the PDF viewer sets them."""
        face = self.slot.face
        return [face.char_width(ch, self.size) + self.char_space for ch in self.text]


@dataclass(frozen=True)
class Rule:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.75


@dataclass(frozen=True)
class Mark:
    """Text set large, turned and in light grey across the page (the 草稿 mark of a draft):
    ``x``/``y`` is its centre, ``angle`` in degrees counter-clockwise, ``gray`` 0 black to 1 white."""

    x: float
    y: float
    text: str
    slot: Slot
    size: float
    angle: float = 35.0
    gray: float = 0.75

    def width(self) -> float:
        return sum(self.slot.face.char_width(ch, self.size) for ch in self.text)


@dataclass
class Page:
    width: float
    height: float
    items: list[Run | Rule | Mark] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The text of the page line by line, in reading order (for tests and the register)."""
        rows: dict[int, list[Run]] = {}
        for item in self.items:
            if isinstance(item, Run):
                rows.setdefault(round(item.y * 2), []).append(item)
        return ["".join(r.text for r in sorted(rows[y], key=lambda r: r.x)) for y in sorted(rows)]

    def text(self) -> str:
        return "\n".join(self.lines())


@dataclass
class _Line:
    chars: list[tuple[str, Slot]]
    width: float  # natural width with tracking between characters, none after the last
    first: bool
    last: bool


def _tokens(text: str) -> list[str]:
    """Break units: a CJK character, a space, a "……"/"——" pair, or a run of ASCII word characters."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _WORD:
            j = i + 1
            while j < n and text[j] in _WORD:
                j += 1
            out.append(text[i:j])
            i = j
        elif text[i : i + 2] in _PAIRS:
            out.append(text[i : i + 2])
            i += 2
        else:
            out.append(ch)
            i += 1
    return out


MAX_PUSH = 5  # tokens a line may give to the next one to keep the 禁则


def _break_at(current: list[str], following: str) -> int:
    """Where to end a full line (``current`` then ``following``, which does not fit): the last
    position, at most :data:`MAX_PUSH` tokens back, where the next line does not start with closing
    punctuation (避头) and this line does not end with an opening bracket (避尾). The tokens after it
    move to the next line and the line is justified over the room they leave."""
    rest = [*current, following]
    for b in range(len(current), max(len(current) - MAX_PUSH, 0), -1):
        starts = next((t for t in rest[b:] if t != " "), following)
        ends = next((t for t in reversed(current[:b]) if t != " "), "")
        if not ends:
            break
        if starts[0] not in NO_LINE_START and ends[-1] not in NO_LINE_END:
            return b
    return len(current)  # no such place within reach (a run of punctuation): break where it is full


def check_printable(text: str, where: str = "文书内容") -> None:
    """Refuse control characters (other than line breaks) before they reach a page."""
    for ch in text:
        if ch != "\n" and unicodedata.category(ch) in ("Cc", "Cf"):
            raise ValidationError(where, f"含有不可见的控制字符（U+{ord(ch):04X}），请删除后重新输入")


class Typesetter:
    """Sets paragraphs, blank lines, kept-together blocks and tables onto pages."""

    def __init__(self, fonts: FontSet, template: PageTemplate = A4_NOTICE) -> None:
        self.fonts = fonts
        self.template = template
        self.pages: list[Page] = []
        self.y = 0.0
        # Every line of text placed on the current page that may still move to the next one with a
        # block kept together: (page, runs, line top, leading). A table is a barrier.
        self._lines: list[tuple[Page, list[Run], float, float]] = []
        self.new_page()

    # ------------------------------------------------------------------ geometry
    def new_page(self) -> Page:
        page = Page(self.template.width, self.template.height)
        self.pages.append(page)
        self.y = self.template.top
        return page

    @property
    def page(self) -> Page:
        return self.pages[-1]

    @property
    def remaining(self) -> float:
        return self.template.frame_bottom - self.y

    @property
    def at_top(self) -> bool:
        return abs(self.y - self.template.top) < 0.01

    def leading(self, style: TextStyle) -> float:
        """Line pitch: the template's grid, which also holds a 22 pt title line (GB/T 9704 sets the
        title on the grid); only text too large for the grid gets 1.4 × its size."""
        if style.leading:
            return style.leading
        pitch = self.template.pitch
        return pitch if pitch >= style.size * 1.25 else max(pitch, style.size * 1.4)

    def _tracking(self, style: TextStyle) -> float:
        return self.template.tracking * style.size / self.template.grid_size if style.grid else 0.0

    # ------------------------------------------------------------------ line breaking
    def _slot(self, role: str, ch: str) -> Slot:
        slot = self.fonts.slot_for(role, ch)
        if slot is None:
            raise MissingGlyph("文书内容", ch)
        return slot

    def break_lines(self, text: str, style: TextStyle, width: float | None = None) -> list[_Line]:
        """Lines of one paragraph (no hard line breaks inside) for a column ``width`` wide."""
        check_printable(text)
        em = style.size
        track = self._tracking(style)
        full = (width if width is not None else self.template.frame_width) - (
            style.left_indent + style.right_indent
        ) * self._cell(style)

        def adv(token: str) -> float:
            return sum(self._slot(style.role, ch).face.char_width(ch, em) + track for ch in token)

        tokens = _tokens(text)
        lines: list[list[str]] = [[]]
        used = 0.0
        avail = full - style.first_indent * self._cell(style)
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            w = adv(tok)
            current = lines[-1]
            if not current and tok == " ":
                i += 1
                continue
            if used + w - track <= avail + 0.01:
                current.append(tok)
                used += w
                i += 1
                continue
            if len(tok) > 1 and (not current or w - track > full):
                # A token longer than a line (a long account number, a name with no breaks): split it
                # into characters and fill the room that is left.
                tokens[i : i + 1] = list(tok)
                continue
            if not current:  # a single character wider than the line: set it anyway
                current.append(tok)
                used += w
                i += 1
                continue
            b = _break_at(current, tok)
            carry = current[b:]
            del current[b:]
            while current and current[-1] == " ":
                current.pop()
            lines.append(carry)
            used = sum(adv(t) for t in carry)
            avail = full
        out: list[_Line] = []
        for k, toks in enumerate(lines):
            while toks and toks[-1] == " ":
                toks.pop()
            s = "".join(toks)
            chars = [(ch, self._slot(style.role, ch)) for ch in s]
            natural = sum(slot.face.char_width(ch, em) for ch, slot in chars) + track * max(len(chars) - 1, 0)
            out.append(_Line(chars, natural, first=k == 0, last=k == len(lines) - 1))
        return out

    # ------------------------------------------------------------------ placing
    def _cell(self, style: TextStyle) -> float:
        """One character cell of the grid: the em plus tracking (indents are counted in cells)."""
        return style.size + self._tracking(style)

    def _line_runs(self, line: _Line, style: TextStyle, top: float, x0: float, width: float) -> list[Run]:
        cell = self._cell(style)
        left = x0 + style.left_indent * cell + (style.first_indent * cell if line.first else 0.0)
        avail = x0 + width - style.right_indent * cell - left
        track = self._tracking(style)
        chars = line.chars
        # Justified lines stretch the gaps next to Chinese characters, never inside a number or word.
        stretch = [not (a in _WORD and b in _WORD) for (a, _), (b, _) in itertools.pairwise(chars)]
        extra = 0.0
        if style.align == JUSTIFY and not line.last and any(stretch) and line.width < avail:
            extra = (avail - line.width) / sum(stretch)
        if style.align == RIGHT:
            x = left + avail - line.width
        elif style.align == CENTER:
            x = left + (avail - line.width) / 2
        else:
            x = left
        lead = self.leading(style)
        em = style.size
        baseline = top + (lead - em) / 2 + self.fonts.primary(style.role).face.ascent(em)
        gaps = [track + (extra if s else 0.0) for s in stretch] + [track]
        runs: list[Run] = []
        start = 0
        while start < len(chars):
            slot, gap = chars[start][1], gaps[start]
            end = start + 1
            while end < len(chars) and chars[end][1] is slot and (end == len(chars) - 1 or gaps[end] == gap):
                end += 1
            run = Run(x, baseline, "".join(ch for ch, _ in chars[start:end]), slot, em, gap)
            runs.append(run)
            x += sum(run.advances()) - gap + gaps[end - 1]
            start = end
        return runs

    def place(self, lines: Sequence[_Line], style: TextStyle) -> None:
        """Put ``lines`` on the pages, starting a new page when the text block is full."""
        lead = self.leading(style)
        placed: list[tuple[Page, list[Run], float, float]] = []
        for line in lines:
            if self.remaining < lead - 0.01:
                self.new_page()
            runs = self._line_runs(line, style, self.y, self.template.left, self.template.frame_width)
            self.page.items.extend(runs)
            placed.append((self.page, runs, self.y, lead))
            self.y += lead
        self._lines.extend(placed)

    def paragraph(self, text: str, style: TextStyle) -> None:
        """One paragraph per line of ``text``; an empty line is a blank line."""
        for part in text.split("\n"):
            if not part.strip():
                self.skip(1, style)
                continue
            self.place(self.break_lines(part, style), style)

    def block(self, lines: Sequence[tuple[str, TextStyle]], pull: int = 2) -> None:
        """Lines kept together on one page (a signature and its date).

        When they do not fit, they go to a new page and take the last ``pull`` lines of the paragraph
        before them along: a page must never hold a signature without text (GB/T 9704 §7.3.5).
        """
        broken = [(self.break_lines(text, st) if text.strip() else [], st) for text, st in lines]
        total = sum(self.leading(st) * max(len(ls), 1) for ls, st in broken)
        self.keep_room(total, pull)
        for ls, st in broken:
            if ls:
                self.place(ls, st)
            else:
                self.y += self.leading(st)

    def width_of(self, text: str, style: TextStyle) -> float:
        """Natural width of ``text`` set on one line in ``style``."""
        lines = self.break_lines(text, replace(style, first_indent=0, left_indent=0, right_indent=0), 1e9)
        return max((line.width for line in lines), default=0.0)

    def signature(self, names: Sequence[str], date: str, style: TextStyle, right_cells: float = 4.0) -> None:
        """The issuer and the date, kept together (GB/T 9704 §7.3.5.1): the date right-indented by
        ``right_cells`` characters, each name line centred over the date (never past the margin).

        A blank line before them leaves room for the seal, which covers the name and the date."""
        cell = self._cell(style)
        right_edge = self.template.frame_width
        date_w = self.width_of(date, style) if date.strip() else 0.0
        centre = right_edge - right_cells * cell - date_w / 2
        rows: list[tuple[str, TextStyle]] = [("", style)]
        for name in names:
            w = self.width_of(name, style)
            indent = max(right_edge - (centre + w / 2), 0.0) / cell
            rows.append((name, replace(style, align=RIGHT, first_indent=0, right_indent=indent)))
        if date.strip():
            rows.append((date, replace(style, align=RIGHT, first_indent=0, right_indent=right_cells)))
        self.block(rows)

    def keep_room(self, height: float, pull: int = 2) -> None:
        """Make sure ``height`` points of text kept together (the closing line, the issuer and the
        date) fit on this page; if not, start a new page taking the last ``pull`` lines of text
        along, so that the new page never holds the closing block alone (GB/T 9704 §7.3.5)."""
        frame = self.template.frame_bottom - self.template.top
        if height > frame:
            return
        if height > self.remaining + 0.01 and not self.at_top:
            self._new_page_keeping(pull)
        if len(self.pages) > 1:
            on_page = sum(1 for e in self._lines if e[0] is self.page)
            if on_page < pull:
                self._pull_from_previous(pull - on_page)

    def _pull_from_previous(self, count: int) -> None:
        """Move the last ``count`` lines of the previous page to the top of this one, pushing what
        this page holds down (the text ran onto this page by fewer lines than a kept block needs)."""
        prev, page = self.pages[-2], self.page
        on_prev = [e for e in self._lines if e[0] is prev]
        if len(on_prev) <= count:
            return
        cut = on_prev[-count][2]
        moving = [e for e in on_prev if e[2] >= cut - 0.01]
        height = moving[-1][2] + moving[-1][3] - cut
        if height > self.remaining + 0.01:
            return
        ids = {id(run) for e in moving for run in e[1]}
        prev.items = [item for item in prev.items if id(item) not in ids]
        run_of: dict[int, Run] = {}
        pushed: list[Run | Rule | Mark] = []
        for item in page.items:
            new = _shifted(item, height)
            if isinstance(new, Run):
                run_of[id(item)] = new
            pushed.append(new)
        shift = self.template.top - cut
        moved = [
            (page, [replace(r, y=r.y + shift) for r in runs], top + shift, lead)
            for _p, runs, top, lead in moving
        ]
        page.items = [run for e in moved for run in e[1]] + pushed
        gone = {id(e) for e in moving}
        before = [e for e in self._lines if id(e) not in gone and e[0] is not page]
        after = [
            (page, [run_of[id(r)] for r in runs], top + height, lead)
            for pg, runs, top, lead in self._lines
            if pg is page
        ]
        self._lines = before + moved + after
        self.y += height

    def _new_page_keeping(self, pull: int) -> None:
        on_page = [e for e in self._lines if e[0] is self.page]
        if pull <= 0 or len(on_page) <= pull:
            self.new_page()  # moving every line would only move the problem
            return
        cut = on_page[-pull][2]
        moving = [e for e in on_page if e[2] >= cut - 0.01]
        ids = {id(run) for e in moving for run in e[1]}
        old = self.page
        old.items = [item for item in old.items if id(item) not in ids]
        end = self.y
        self.new_page()
        shift = self.y - cut
        moved: list[tuple[Page, list[Run], float, float]] = []
        for _page, runs, top, lead in moving:
            shifted = [replace(run, y=run.y + shift) for run in runs]
            self.page.items.extend(shifted)
            moved.append((self.page, shifted, top + shift, lead))
        gone = {id(e) for e in moving}
        self._lines = [e for e in self._lines if id(e) not in gone] + moved
        self.y = end + shift

    def skip(self, n: int = 1, style: TextStyle | None = None) -> None:
        """Blank lines; none at the top of a page."""
        if self.at_top:
            return
        self.y = min(self.y + n * self.leading(style or TextStyle()), self.template.frame_bottom)

    # ------------------------------------------------------------------ tables
    def table(
        self,
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        style: TextStyle | None = None,
        header_rows: int = 0,
        padding: float = 4.0,
        rule_width: float = 0.75,
        header_style: TextStyle | None = None,
        on_grid: bool = False,
    ) -> None:
        """A ruled table. ``widths`` are fractions of the text block (summing to 1) or points.

        Cells wrap; a row never splits across pages; header rows repeat at the top of each page and
        start a page together with the first row below them.
        ``on_grid``: each line of a cell takes one line of the page grid (``padding`` is then only
        horizontal), so the text after the table stays on the 22-line grid.
        """
        style = style or TextStyle(first_indent=0, align=LEFT, grid=False, leading=0)
        header_style = header_style or style
        total = sum(widths)
        frame = self.template.frame_width
        cols = [w / total * frame for w in widths] if total <= 1.0001 else list(widths)
        xs = [self.template.left]
        for w in cols:
            xs.append(xs[-1] + w)
        cell_lead = self.template.pitch if on_grid else style.size * 1.5
        vpad = 0.0 if on_grid else padding

        def measure(row: Sequence[str], st: TextStyle) -> tuple[list[list[_Line]], float]:
            cells = []
            for text, w in zip(row, cols, strict=True):
                lines: list[_Line] = []
                for part in (text or "").split("\n"):
                    flat = replace(st, left_indent=0, right_indent=0)
                    lines += self.break_lines(part, flat, w - 2 * padding)
                cells.append(lines)
            height = max(len(c) for c in cells) * cell_lead + 2 * vpad
            return cells, height

        measured = [measure(r, header_style if k < header_rows else style) for k, r in enumerate(rows)]
        headers = measured[:header_rows]

        def draw(cells: list[list[_Line]], height: float, st: TextStyle) -> None:
            top = self.y
            page = self.page
            page.items.append(Rule(xs[0], top, xs[-1], top, rule_width))
            page.items.append(Rule(xs[0], top + height, xs[-1], top + height, rule_width))
            for x in xs:
                page.items.append(Rule(x, top, x, top + height, rule_width))
            cell_style = replace(st, leading=cell_lead, left_indent=0, right_indent=0)
            for c, lines in enumerate(cells):
                y = top + vpad
                for line in lines:
                    runs = self._line_runs(line, cell_style, y, xs[c] + padding, cols[c] - 2 * padding)
                    page.items.extend(runs)
                    y += cell_lead
            self.y += height

        if header_rows and len(measured) > header_rows and not self.at_top:
            # the header goes with the first row: never a header alone at the foot of a page
            need = sum(h for _c, h in headers) + measured[header_rows][1]
            if need > self.remaining + 0.01:
                self.new_page()
        for k, (cells, height) in enumerate(measured):
            st = header_style if k < header_rows else style
            if height > self.remaining + 0.01 and not self.at_top:
                self.new_page()
                if k >= header_rows:
                    for hcells, hheight in headers:
                        draw(hcells, hheight, header_style)
            draw(cells, height, st)
        self._lines = []  # lines above a table stay where they are

    # ------------------------------------------------------------------ finishing
    def finish(self, number_pages: bool = True, always_number: bool = False) -> list[Page]:
        """The pages, numbered when there is more than one (or always, when the form says so)."""
        pages = self.pages
        if pages and not pages[-1].items and len(pages) > 1:
            pages.pop()
        several = len(pages) > 1 or (always_number and bool(pages))
        if number_pages and several and self.template.page_numbers != "none":
            add_page_numbers(pages, self.fonts, self.template)
        return pages


DRAFT_MARK = "草稿"
DRAFT_NOTE = "草稿　未登记　不得作为正式文书送达"


def mark_draft(pages: list[Page], fonts: FontSet, template: PageTemplate = A4_NOTICE) -> None:
    """Mark every page as a draft: a large grey 草稿 across the text block and a line in the top
    margin saying it is not registered and may not be served. A draft can then never pass for, nor
    be byte-identical to, an issued document."""
    note_size = 14.0
    for page in pages:
        slots = [fonts.slot_for(BODY, ch) for ch in DRAFT_MARK + DRAFT_NOTE]
        if any(s is None for s in slots):
            raise MissingGlyph(
                "草稿标记",
                next(ch for ch, s in zip(DRAFT_MARK + DRAFT_NOTE, slots, strict=True) if s is None),
            )
        slot = fonts.primary(BODY)
        centre_y = template.top + (template.frame_bottom - template.top) / 2
        page.items.insert(0, Mark(template.width / 2, centre_y, DRAFT_MARK, slot, 150.0))
        width = sum(slot.face.char_width(ch, note_size) for ch in DRAFT_NOTE)
        y = template.top - 12 * MM
        page.items.append(Run(template.width - template.right - width, y, DRAFT_NOTE, slot, note_size, 0.0))


def _shifted(item: Run | Rule | Mark, dy: float) -> Run | Rule | Mark:
    if isinstance(item, Rule):
        return replace(item, y1=item.y1 + dy, y2=item.y2 + dy)
    return replace(item, y=item.y + dy)


def page_number_text(n: int, total: int, kind: str) -> str:
    return f"第{n}页 共{total}页" if kind == "of_total" else f"— {n} —"


def add_page_numbers(
    pages: list[Page],
    fonts: FontSet,
    template: PageTemplate = A4_NOTICE,
    text: Callable[[int, int, str], str] = page_number_text,
) -> None:
    """Page numbers below the text block: GB/T 9704 puts odd pages right, even pages left."""
    size = template.page_number_size
    total = len(pages)
    for n, page in enumerate(pages, start=1):
        label = text(n, total, template.page_numbers)
        slots = [fonts.slot_for(NUMBER, ch) for ch in label]
        if any(s is None for s in slots):
            raise MissingGlyph("页码", next(ch for ch, s in zip(label, slots, strict=True) if s is None))
        width = sum(s.face.char_width(ch, size) for ch, s in zip(label, slots, strict=True) if s)
        if template.page_numbers == "gbt9704":
            x = template.width - template.right - size - width if n % 2 else template.left + size
        else:
            x = (template.width - width) / 2
        primary = fonts.primary(NUMBER).face
        y = template.frame_bottom + template.page_number_gap + primary.ascent(size)
        start = 0
        while start < len(label):
            slot = slots[start]
            assert slot is not None
            end = start
            while end < len(label) and slots[end] is slot:
                end += 1
            run = Run(x, y, label[start:end], slot, size, 0.0)
            page.items.append(run)
            x += sum(run.advances())
            start = end
