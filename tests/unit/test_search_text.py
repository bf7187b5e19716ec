"""The ledger search (issue 18, item 8): a 案号 typed with half-width or other brackets finds the case, and
no text — NUL and other control characters, quotes, FTS syntax — makes the search raise."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.casenumber import search_variants
from desktop.services.workspace import Workspace
from desktop.store.cases import LedgerFilter, ledger_count, ledger_page, search_is_capped
from tests.conftest import TODAY, make_case


@pytest.fixture
def ledger(workspace: Workspace) -> Workspace:
    workspace.save_case(make_case("（2023）黑0902民特1号", cause="申请司法确认调解协议"))
    workspace.save_case(make_case("（2025）黑0902民初123号"))
    return workspace


@pytest.mark.parametrize(
    "text",
    [
        "(2023)黑0902民特1号",
        "（2023）黑0902民特1号",
        "〔2023〕黑0902民特1号",
        "[2023]黑0902民特1号",
        "（２０２３）黑０９０２民特１号",
        " (2023) 黑0902 民特1号 ",
        "(2023)黑0902",
        "(2023",
        "2023)黑",
        "民特1号\x00",
        "\x00(2023)黑0902民特1号",
    ],
)
def test_a_case_number_in_any_brackets_finds_the_case(ledger: Workspace, text: str) -> None:
    f = LedgerFilter(text=text, today=TODAY)
    assert ledger_count(ledger.db, f) == 1
    assert [r["case_number"] for r in ledger_page(ledger.db, f, "id", False, 0, 10)] == [
        "（2023）黑0902民特1号"
    ]


@pytest.mark.parametrize("text", ["\x00", "\x00\x00\x00", "\u202e", " \t\n", "\x00特"])
def test_control_characters_alone_are_no_search(ledger: Workspace, text: str) -> None:
    f = LedgerFilter(text=text, today=TODAY)
    expected = 2 if text.strip("\x00\u202e \t\n") == "" else 1
    assert ledger_count(ledger.db, f) == expected


@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=12))
def test_no_search_text_raises(text: str) -> None:
    variants = search_variants(text)
    assert all(v and not any(ch.isspace() or ord(ch) < 32 for ch in v) for v in variants)


def test_no_search_text_raises_in_the_database(ledger: Workspace) -> None:
    @given(st.text(st.characters(exclude_categories=("Cs",)), max_size=12))
    @settings(max_examples=300)
    def search(text: str) -> None:
        f = LedgerFilter(text=text, today=TODAY)
        assert ledger_count(ledger.db, f) <= 2
        search_is_capped(ledger.db, f)

    search()
    for text in [
        '"',
        '""',
        "'",
        "AND",
        "OR (",
        "NEAR(",
        "*",
        "^",
        "a\x00b\x00c",
        '民"初',
        "\\",
        "%_",
        "x" * 500,
    ]:
        f = LedgerFilter(text=text, today=TODAY)
        ledger_count(ledger.db, f)
        search_is_capped(ledger.db, f)
