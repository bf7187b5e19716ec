"""禁则 (line-start and line-end rules) over generated text.

Hypothesis writes several hundred paragraphs the way the forms' text runs: Chinese phrases joined by
punctuation, bracketed names and titles, case numbers and amounts in figures, closing punctuation in
pairs such as "）。" and "》，". Whatever the breaks, no printed line may start with a closing bracket
or punctuation, nor end with an opening bracket.
"""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.documents.fill import Printable
from desktop.documents.fonts import FontSet, default_fonts
from desktop.documents.layout import Page, TextStyle, Typesetter
from desktop.documents.render import layout_document

FORBIDDEN_START = set("）】》」』、，。；：？！")
FORBIDDEN_END = set("（【《「『")

HAN = "人民法院执行申请判决书义务履行期限债权被告原告金额本案依照规定送达通知期间利息确认账户自动催告"
PUNCT = "，。、；：？！"


@cache
def fonts() -> FontSet:
    return default_fonts()


phrase = st.text(alphabet=HAN, min_size=1, max_size=16)
figures = st.sampled_from(["76,277.68元", "2025", "（2023）黑0902民初27号", "6222020200012345678", "7日"])


@st.composite
def piece(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 5))
    if kind <= 2:
        return draw(phrase)
    if kind == 3:
        return draw(figures)
    opening, closing = draw(
        st.sampled_from([("（", "）"), ("《", "》"), ("【", "】"), ("「", "」"), ("『", "』")])
    )
    inner = draw(st.one_of(phrase, figures))
    return opening + inner + closing


@st.composite
def paragraph(draw: st.DrawFn) -> str:
    out = draw(phrase)
    for _ in range(draw(st.integers(3, 40))):
        out += draw(st.sampled_from(["", "", *PUNCT])) + draw(piece())
        if draw(st.booleans()):
            out += draw(st.sampled_from(PUNCT))
    return out


def check_lines(lines: list[str], text: str) -> None:
    for line in lines:
        if not line:
            continue
        assert line[0] not in FORBIDDEN_START, f"line starts with {line[0]}: {line!r} in {text!r}"
        assert line[-1] not in FORBIDDEN_END, f"line ends with {line[-1]}: {line!r} in {text!r}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paragraph(), st.sampled_from([0.0, 2.0]))
def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(text: str, indent: float) -> None:
    ts = Typesetter(fonts())
    style = TextStyle(first_indent=indent)
    lines = ts.break_lines(text, style)
    printed = ["".join(ch for ch, _slot in line.chars) for line in lines]
    assert "".join(printed).replace(" ", "") == text.replace(" ", "")  # nothing lost or doubled
    check_lines(printed, text)
    for line in lines[:-1]:  # every line but the last is within the text block
        assert line.width <= ts.template.frame_width + 0.01


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(paragraph(), min_size=1, max_size=4))
def test_laid_out_pages_keep_the_rules(paragraphs: list[str]) -> None:
    doc = Printable(
        title="自动履行催告书",
        court_name="七台河市新兴区人民法院",
        number_line="（2025）黑0902民初123号",
        blocks=(
            ("addressee", "康博："),
            *(("paragraph", p) for p in paragraphs),
            ("paragraph", "特此催告。"),
            ("signature", "七台河市新兴区人民法院\n二〇二五年六月十三日"),
        ),
    )
    pages = layout_document(doc, fonts())
    for page in pages:
        lines = page.lines()
        check_lines([ln for ln in lines if "—" not in ln], " / ".join(paragraphs))
    check_closing_not_alone(pages)


CLOSING = {"特此催告。", "七台河市新兴区人民法院", "二〇二五年六月十三日"}


def check_closing_not_alone(pages: list[Page]) -> None:
    """The page with the signature holds at least two lines of the text besides the closing lines
    (unless it is the first page)."""
    (last,) = [k for k, page in enumerate(pages) if "二〇二五年六月十三日" in page.text()]
    if last == 0:
        return
    body = [ln for ln in pages[last].lines() if ln not in CLOSING and not ln.startswith("—")]
    assert len(body) >= 2, pages[last].lines()


@pytest.mark.parametrize("paragraphs", range(1, 16))
def test_no_page_holds_only_the_closing_block(paragraphs: int) -> None:
    """Documents of one to four pages, each length of the last page: the closing (特此催告, the
    court, the date) always comes with at least two lines of text."""
    body = "逾期仍不履行的，权利人可以依法申请强制执行，人民法院可以依法采取限制消费等措施。" * 2
    for extra in range(0, 28, 3):
        doc = Printable(
            title="自动履行催告书",
            court_name="七台河市新兴区人民法院",
            blocks=(
                ("addressee", "康博："),
                *(("paragraph", body) for _ in range(paragraphs)),
                ("paragraph", "人民法院" * extra) if extra else ("blank", ""),
                ("paragraph", "特此催告。"),
                ("signature", "七台河市新兴区人民法院\n二〇二五年六月十三日"),
            ),
        )
        check_closing_not_alone(layout_document(doc, fonts()))


def test_the_reported_line_of_only_a_bracket_and_a_full_stop() -> None:
    """Issue 19: a demand ended "……陆角捌分" then a line "）。" of its own."""
    ts = Typesetter(fonts())
    text = (
        "截至本催告书发出之日，你尚未履行的金额为人民币76,277.68元"
        "（大写：人民币柒万陆仟贰佰柒拾柒元陆角捌分）。"
    )
    printed = ["".join(ch for ch, _ in line.chars) for line in ts.break_lines(text, TextStyle())]
    assert printed[-1] != "）。" and printed[-1].endswith("分）。") and len(printed[-1]) >= 3
    check_lines(printed, text)
