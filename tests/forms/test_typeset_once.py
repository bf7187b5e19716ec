"""Typeset once: one layout per document printed; the batch's debtor lookup uses an index.

Issue 19 §5: each 2-page notice was laid out five times (the tighter-pitch trials), and the uscc
lookup of the bankruptcy screening scanned the whole debtor index, so a batch of 500 cost twice as
much at 20,000 cases as at 3,000. Timings are in tests/bench/bench_documents.py; these tests check
the causes, which do not depend on the machine.
"""

from __future__ import annotations

import pytest

import desktop.documents.render as render
from desktop.services.documents import DocumentService
from desktop.store.documents import debtor_cases_sql


def test_each_document_is_laid_out_once(demo: DocumentService, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = render._set

    def counting(doc, fonts, template):  # type: ignore[no-untyped-def]
        calls.append(doc.title)
        return real(doc, fonts, template)

    monkeypatch.setattr(render, "_set", counting)
    ids = demo.candidates("performance_demand", limit=5)
    result = demo.issue_batch("performance_demand", ids)
    assert len(result.issued) == len(ids)
    assert len(calls) == len(ids)  # 2-page demands included: no trial layouts
    calls.clear()
    demo.pdf(list(result.issued[:2]))  # printed again: the pages laid out at issue are reused
    demo.reprint([i.doc_id for i in result.issued[:2]])  # and kept in the register
    assert calls == []


@pytest.mark.parametrize("by_uscc", [True, False])
def test_the_debtor_lookup_follows_the_debtors_cases_not_the_courts(
    demo: DocumentService, by_uscc: bool
) -> None:
    """Party rows found through an index, each case reached by its key: no scan of the debtor
    index (the uscc partial index needs "uscc <> ''") and no walk over every case of the year."""
    plan = demo.ws.db.execute("EXPLAIN QUERY PLAN " + debtor_cases_sql(by_uscc), ["x", 2025]).fetchall()
    steps = [str(row[3]) for row in plan]
    on_parties = [s for s in steps if s.split()[:2] in (["SEARCH", "p"], ["SCAN", "p"])]
    on_cases = [s for s in steps if s.split()[:2] in (["SEARCH", "c"], ["SCAN", "c"])]
    assert on_parties and all(s.startswith("SEARCH p USING INDEX") for s in on_parties), steps
    assert on_cases and all("PRIMARY KEY" in s for s in on_cases), steps


def test_the_debtor_counts_are_right(demo: DocumentService) -> None:
    """The rewritten lookup counts what the screening needs: each case once, its amount once."""
    row = demo.ws.db.execute(
        "SELECT p.uscc, c.cn_year FROM parties p JOIN cases c ON c.id = p.case_id"
        " WHERE p.uscc <> '' AND p.role = '被告' AND c.due_fen > 0 ORDER BY p.id LIMIT 1"
    ).fetchone()
    uscc, year = row
    expected = demo.ws.db.execute(
        "SELECT count(*), coalesce(sum(due_fen), 0) FROM cases WHERE cn_year = ? AND due_fen > 0 AND id IN"
        " (SELECT case_id FROM parties WHERE uscc = ? AND role IN ('被告', '被申请人', '被执行人'))",
        [year, uscc],
    ).fetchone()
    assert tuple(demo.ws.db.execute(debtor_cases_sql(True), [uscc, year]).fetchone()) == tuple(expected)
    assert expected[0] >= 1
