"""Citations must quote the sources: every reminder rule's basis (``source`` in
resources/rules/default-rules.json) is made of citations ``<文件><条款>：“原文”“原文”`` whose quotes are found
word for word in the seed document cited, under the clause cited, or of a plain ``本院做法：…`` (the court's
own reading). docs/reminder-rules.md cites the same clauses.

The seeds are the five source documents in ``shared/seeds/`` beside the repository (``../shared/seeds``,
where CI lays a copy of shared/ too); the test is skipped only where that folder is absent.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
RULES_FILE = ROOT / "resources" / "rules" / "default-rules.json"
DOCS_FILE = ROOT / "docs" / "reminder-rules.md"

# the name a citation gives each source document, and its file in seeds/ (seeds/README.md)
DOCUMENTS = {
    "房县方案": "000_ddca0408f6345e2e.txt",
    "七台河方案": "001_356aa3db2481bee6.txt",
    "七台河实施细则": "001_356aa3db2481bee6.txt",
    "从化机制": "002_834551a064befe3c.txt",
    "镇海报道": "003_7517fb8b3a4f2494.txt",
    "佳木斯意见": "004_3cee39503641451e.txt",
}
# where each document's own text starts and ends inside its file (七台河's file holds the 方案 and its 细则)
SPAN = {
    "七台河方案": ("关于推行生效裁判自动履行激励机制的实施方案", "附件1"),
    "七台河实施细则": ("工作机制实施细则", "附件2"),
}
# Statutes are not among the seeds: their quotes are checked against the article's text recorded here.
STATUTES = {
    "民事诉讼法（2023）第二百五十条": (
        "申请执行的期间为二年。申请执行时效的中止、中断，适用法律有关诉讼时效中止、中断的规定。"
        "前款规定的期间，从法律文书规定履行期间的最后一日起计算"
    ),
}
_NAMES = "|".join(
    sorted((*DOCUMENTS, *(re.escape(k) for k in ("民事诉讼法（2023）",))), key=len, reverse=True)
)
_CITATION = re.compile(rf"(?P<doc>{_NAMES})(?P<clause>[^：“”；]+)：(?P<quotes>(?:“[^“”]+”)+)")
_OWN = re.compile(r"本院做法：[^；“”]+")
_QUOTE = re.compile(r"“([^“”]+)”")
_NUMERAL = "一二三四五六七八九十"
# heading kinds, as they start a line (after NFKC and removing spaces): 九、 / (三) / 阶段二 / 8.
_KINDS = {
    "cn": rf"^([{_NUMERAL}]+)、",
    "paren": rf"^\(([{_NUMERAL}]+)\)",
    "stage": rf"^阶段([{_NUMERAL}]+)",
    "num": r"^(\d+)\.",
}


class Citation(NamedTuple):
    doc: str
    clause: str
    quotes: tuple[str, ...]


def parse_source(source: str) -> tuple[list[Citation], list[str]]:
    """The citations and the court's own readings of a rule's basis; AssertionError on anything else
    (a paraphrase outside quotes is exactly what this test is for)."""
    citations: list[Citation] = []
    own: list[str] = []
    pos = 0
    while pos < len(source):
        if citations or own:
            assert source[pos] == "；", f"expected “；” at {pos} in {source!r}"
            pos += 1
        match = _CITATION.match(source, pos)
        if match:
            quotes = tuple(_QUOTE.findall(match["quotes"]))
            citations.append(Citation(match["doc"], match["clause"], quotes))
        else:
            match = _OWN.match(source, pos)
            assert match, f"not a quoted citation nor 本院做法 at {pos}: {source[pos:]!r}"
            own.append(match.group())
        pos = match.end()
    return citations, own


def _norm(text: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text))


def clause_tokens(doc: str, clause: str) -> list[tuple[str, str]]:
    """ "九（三）" → [("cn", "九"), ("paren", "三")]; "阶段三（二）" → [("stage", "三"), ("paren", "二")];
    "8" → [("num", "8")]."""
    text = _norm(clause)
    out: list[tuple[str, str]] = []
    for part in re.findall(rf"阶段[{_NUMERAL}]+|\([{_NUMERAL}]+\)|[{_NUMERAL}]+|\d+", text):
        if part.startswith("阶段"):
            out.append(("stage", part[2:]))
        elif part.startswith("("):
            out.append(("paren", part[1:-1]))
        elif part.isdigit():
            out.append(("num", part))
        else:
            out.append(("cn", part))
    rebuilt = "".join({"stage": f"阶段{v}", "paren": f"({v})", "cn": v, "num": v}[k] for k, v in out)
    assert rebuilt == text, f"{doc}{clause}: clause not understood"
    return out


def _lines(doc: str) -> list[str]:
    lines = [_norm(line) for line in (SEEDS / DOCUMENTS[doc]).read_text(encoding="utf-8").split("\n")]
    if doc in SPAN:
        start_mark, end_mark = SPAN[doc]
        start = next(i for i, line in enumerate(lines) if start_mark in line)
        end = next(i for i, line in enumerate(lines) if i > start and line.startswith(end_mark))
        lines = lines[start:end]
    return lines


def _enclosing(lines: list[str], before: int, kind: str) -> tuple[int, str] | None:
    """The nearest heading of ``kind`` at or above line ``before``: (line, its numeral)."""
    for i in range(before, -1, -1):
        match = re.match(_KINDS[kind], lines[i])
        if match:
            return i, match.group(1)
    return None


def quote_under_clause(doc: str, clause: str, quote: str) -> bool:
    """Whether ``quote`` occurs word for word (spaces and full/half-width forms aside) in a line of the
    document whose enclosing headings are the clause's (九（三）: the nearest (…) heading above is (三) and
    the nearest …、 heading above that is 九、)."""
    lines = _lines(doc)
    wanted = _norm(quote)
    tokens = clause_tokens(doc, clause)
    for match in re.finditer(re.escape(wanted), "".join(lines)):
        # the line the match starts on
        offset = match.start()
        at = 0
        for at, line in enumerate(lines):  # noqa: B007
            if offset < len(line):
                break
            offset -= len(line)
        ok = True
        for kind, numeral in reversed(tokens):
            found = _enclosing(lines, at, kind)
            if found is None or found[1] != numeral:
                ok = False
                break
            at = found[0]
        if ok:
            return True
    return False


def _rules() -> list[dict[str, object]]:
    return list(json.loads(RULES_FILE.read_text(encoding="utf-8"))["rules"])


needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seed documents are not at {SEEDS}")


@needs_seeds
@pytest.mark.parametrize("rule", _rules(), ids=lambda r: str(r["id"]))
def test_every_rule_quotes_the_seed_it_cites(rule: dict[str, object]) -> None:
    source = str(rule["source"])
    citations, own = parse_source(source)
    assert citations, f"{rule['id']}: no quoted source at all"
    for c in citations:
        assert c.quotes, c
        for quote in c.quotes:
            if c.doc in DOCUMENTS:
                assert quote_under_clause(c.doc, c.clause, quote), (
                    f"{rule['id']}: “{quote}” is not in {c.doc}{c.clause}"
                )
            else:
                statute = STATUTES[c.doc + c.clause]
                assert _norm(quote) in _norm(statute), f"{rule['id']}: “{quote}” is not in {c.doc}{c.clause}"
    for reading in own:
        assert len(reading) > len("本院做法：")


@needs_seeds
@pytest.mark.parametrize(
    ("doc", "clause", "quote", "found"),
    [
        ("房县方案", "九（三）", "在履行期限届满前七日内，应发送《自动履行提示书》", True),
        ("房县方案", "九（四）", "在履行期限届满前七日内，应发送《自动履行提示书》", False),  # wrong clause
        ("房县方案", "九（三）", "分期履行的每一期届满后七日内催告", False),  # the old paraphrase (issue 20)
        ("房县方案", "九（三）（四）", "分期履行的每一期届满后七日内催告", False),
        ("佳木斯意见", "四（一）", "在履行期限届满后七日内，应发送《自动履行催告书》", False),
        ("佳木斯意见", "四（一）", "除生效裁判文书系公告送达的外", True),
        ("七台河实施细则", "8", "一并立即申请强制执行", True),
        ("七台河方案", "九（二）", "每案必提醒、每案必督促", True),
        ("七台河方案", "九（三）", "每案必提醒、每案必督促", False),
        ("从化机制", "阶段三（二）", "若被执行人仍拒不履行案件义务的，正式出具《罚款决定书》", True),
        ("从化机制", "阶段三（三）", "若被执行人仍拒不履行案件义务的，正式出具《罚款决定书》", False),
        ("从化机制", "阶段二（二）", "督促期限原则上为一个月", True),
    ],
)
def test_the_checker_finds_quotes_only_under_their_clause(
    doc: str, clause: str, quote: str, found: bool
) -> None:
    """The checker itself: a quote under another clause, or a paraphrase, is not found."""
    assert quote_under_clause(doc, clause, quote) is found


@pytest.mark.parametrize(
    "source",
    [
        "房县方案九（三）：分期履行的每一期届满后七日内催告",  # a paraphrase, not a quote
        "房县方案九（三）：“在履行期限届满后七日内”；佳木斯意见四（一）",  # a clause with nothing quoted
        "按惯例",
    ],
)
def test_a_basis_without_quotes_is_refused(source: str) -> None:
    with pytest.raises(AssertionError):
        parse_source(source)


def test_the_docs_cite_the_same_clauses_as_the_rules() -> None:
    """docs/reminder-rules.md's 依据 column names, for each rule, the clauses its basis quotes."""
    docs = DOCS_FILE.read_text(encoding="utf-8")
    docs = docs[docs.index("## 默认规则") : docs.index("### 起算事件")]  # the table of default rules
    for rule in _rules():
        (row,) = [line for line in docs.splitlines() if line.startswith(f"| `{rule['id']}` |")]
        basis = row.rstrip(" |").rsplit("|", 1)[1]
        citations, own = parse_source(str(rule["source"]))
        cited = {f"{c.doc}{c.clause}" for c in citations}
        named = set(re.findall(rf"(?:{_NAMES})[^；、，“”\s|]+", basis))
        assert named == cited, (rule["id"], named, cited)
        assert bool(own) == ("本院做法" in basis), rule["id"]
