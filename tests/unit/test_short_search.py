"""Searches of one or two characters (issue 21) come from the per-character index of migration 0011 (a
server's of 0014, or its newest cases first for common characters) and find exactly what a scan with LIKE
finds, on both engines, through saves, edits and deletes."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.casenumber import search_variants
from desktop.core.model import Party, PartyKind, PartyRole
from desktop.services.workspace import Workspace
from desktop.store import cases as store
from desktop.store.engine import dialect
from tests.conftest import TODAY, make_case

# Names with rare characters: 𬌗 (CJK extension E, newer than SQLite's Unicode tables), 𠀀 (extension B),
# punctuation and symbols a search may hold, ASCII letters of both cases.
NAMES = ["张三", "张三丰", "李四", "三张", "欧阳𬌗", "𠀀明", "王·小", "ＡＢ公司", "ab公司", "Ab、张", "执恢"]
NUMBERS = ["（2025）黑0902民初1号", "（2024）黑0902执恢7号", "（2023）黑0902民特12号", "（2025）黑0902执33号"]
ALPHABET = sorted(set("".join(NAMES + NUMBERS) + "纠纷借贷民间：；、"))


def _cases(ws: Workspace) -> list[int]:
    ids = []
    for i, number in enumerate(NUMBERS * 3):
        case = make_case(number.replace("号", f"{i}号"), cause=["民间借贷纠纷", "申请执行", ""][i % 3])
        first, second = NAMES[i % len(NAMES)], NAMES[(i * 5 + 3) % len(NAMES)]
        parties = (
            Party(PartyRole.PLAINTIFF, PartyKind.PERSON, first),
            Party(PartyRole.DEFENDANT, PartyKind.PERSON, second),
        )
        ids.append(ws.save_case(replace(case, parties=parties)).id)
    return ids


def _scan(ws: Workspace, text: str) -> set[int]:
    """What the search finds, the slow way: every case's text with LIKE, no index (the text as typed and
    as a 案号 is normalised, as the search looks for it)."""
    found: set[int] = set()
    for variant in search_variants(text):
        like = "%" + variant.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = ws.db.execute(
            "SELECT id FROM cases WHERE case_number LIKE ? ESCAPE '\\' OR parties_text LIKE ? ESCAPE '\\' "
            "OR cause LIKE ? ESCAPE '\\'",
            (like, like, like),
        )
        found |= {int(r[0]) for r in rows}
    return found


def _search(ws: Workspace, text: str) -> set[int]:
    f = store.LedgerFilter(text=text, today=TODAY)
    found = {int(r["id"]) for r in store.ledger_page(ws.db, f, "id", True, 0, 1000)}
    assert store.ledger_count(ws.db, f) == len(found)
    return found


@pytest.fixture
def ledger(workspace: Workspace) -> Workspace:
    _cases(workspace)
    return workspace


def test_short_searches_find_what_like_finds(ledger: Workspace) -> None:
    @given(st.text(st.sampled_from(ALPHABET), min_size=1, max_size=2))
    @settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
    def check(text: str) -> None:
        assert _search(ledger, text) == _scan(ledger, text)

    check()
    for text in ["张", "张三", "𬌗", "欧阳", "·", "恢", "民特", "、张", "（2"]:
        assert _search(ledger, text) == _scan(ledger, text) != set(), text


def test_a_server_finds_the_same_reading_the_newest_cases_first_for_common_characters(
    ledger: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every character counted common (on a server: the newest cases first with LIKE, not its character
    index): the same cases. On SQLite the shares are not asked."""
    monkeypatch.setattr(store, "char_shares", lambda _db: dict.fromkeys(ALPHABET, 0.5))
    for text in ["张", "张三", "𬌗", "欧阳", "·", "恢", "民特", "、张", "（2", "无此"]:
        assert _search(ledger, text) == _scan(ledger, text), text


def test_a_server_reads_its_character_index_for_a_rare_character(ledger: Workspace) -> None:
    if dialect(ledger.db) != "postgresql":
        pytest.skip(
            "the server's character index (SQLite: test_a_short_search_reads_the_index_not_every_case)"
        )
    assert store.char_shares(ledger.db) == {}  # no statistics yet: every character is rare
    sub, params = store._text_subquery(("张",), "postgresql", shares={"张": 0.01})
    assert "@>" in sub
    # a few test cases: the planner would rather scan them, in the table or in id order
    ledger.db.execute("SET enable_seqscan = off")
    ledger.db.execute("SET enable_indexscan = off")
    try:
        plan = " ".join(str(r[0]) for r in ledger.db.execute(f"EXPLAIN {sub}", params))
    finally:
        ledger.db.execute("RESET enable_seqscan")
        ledger.db.execute("RESET enable_indexscan")
    assert "cases_search_chars" in plan, plan
    common, _params = store._text_subquery(("张",), "postgresql", shares={"张": 0.5})
    assert "@>" not in common


def test_both_engines_find_the_same_cases(ledger: Workspace) -> None:
    """The same counts on SQLite and PostgreSQL (ASCII letters of another case aside: SQLite's LIKE folds
    them, PostgreSQL's does not, as for every search length)."""
    assert {t: len(_search(ledger, t)) for t in ("张", "三张", "、张", "b公", "（2", "执")} == {
        "张": 8,
        "三张": 3,
        "、张": 2,
        "b公": 2,
        "（2": 12,
        "执": 9,
    }


def test_the_index_follows_edits_and_deletes(ledger: Workspace) -> None:
    saved = ledger.save_case(make_case("（2025）黑0902民初999号"))
    assert saved.id in _search(ledger, "丰")
    renamed = ledger.save_case(
        replace(saved, parties=(replace(saved.parties[0], name="赵钱"), saved.parties[1]))
    )
    assert saved.id not in _search(ledger, "丰")
    assert saved.id in _search(ledger, "赵钱")
    ledger.save_case(replace(renamed, case_number="（2025）黑0902民特999号", version=renamed.version))
    assert saved.id in _search(ledger, "民特")
    store.delete_case(ledger.db, saved.id, "测试员")
    assert saved.id not in _search(ledger, "赵钱") | _search(ledger, "民特")
    if dialect(ledger.db) == "sqlite":
        ledger.db.execute("INSERT INTO case_chars(case_chars, rank) VALUES ('integrity-check', 1)")


@pytest.mark.sqlite_only  # PostgreSQL reads the newest cases first (see store.cases._text_subquery)
def test_a_short_search_reads_the_index_not_every_case(ledger: Workspace) -> None:
    sub, params = store._text_subquery(("张",), dialect(ledger.db))
    plan = " ".join(str(r[-1]) for r in ledger.db.execute(f"EXPLAIN QUERY PLAN {sub}", params))
    assert "SCAN f VIRTUAL TABLE" in plan and "SCAN c" not in plan


@pytest.mark.parametrize("text", ["张", "民特", "张三丰", "（2", "无此人"])
@pytest.mark.parametrize("stage", ["", "执行"])
def test_one_look_up_serves_the_count_and_every_page(ledger: Workspace, text: str, stage: str) -> None:
    """The ledger looks a search up once (text_matches) and counts and pages over those ids: the same
    rows, count and order as the query that searches again each time."""
    f = store.LedgerFilter(text=text, stage=stage, today=TODAY)
    assert store.text_matches(ledger.db, f) == sorted(store.text_matches(ledger.db, f) or [], reverse=True)
    for sort in store.SORT_KEYS:
        for descending in (True, False):
            found = store.text_matches(ledger.db, f, sort, descending)
            assert found is not None
            assert store.ledger_count(ledger.db, f, found) == store.ledger_count(ledger.db, f)
            for offset in (0, 3):
                assert store.ledger_page(ledger.db, f, sort, descending, offset, 4, found=found) == (
                    store.ledger_page(ledger.db, f, sort, descending, offset, 4)
                ), (sort, descending)
    assert store.text_matches(ledger.db, store.LedgerFilter(today=TODAY)) is None


def test_a_short_text_that_normalises_longer_still_finds(ledger: Workspace) -> None:
    """㈠ is also looked for as （一）: three characters from one (PostgreSQL asks its index for （一)."""
    saved = ledger.save_case(make_case("（2025）黑0902民初777号", cause="合同纠纷（一）"))
    assert _search(ledger, "㈠") == _scan(ledger, "㈠") == {saved.id}
