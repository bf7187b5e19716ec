"""Typeset once: one layout per document printed.

Issue 19 §5: each 2-page notice was laid out five times (the tighter-pitch trials), and the uscc
lookup of the bankruptcy screening scanned the whole debtor index, so a batch of 500 cost twice as
much at 20,000 cases as at 3,000. The lookup is now the 审破衔接 screening's (desktop/store/screening.py,
issue 20; its bench is tests/bench/bench_screening.py). Timings are in tests/bench/bench_documents.py;
this test checks the cause, which does not depend on the machine.
"""

from __future__ import annotations

import pytest

import desktop.documents.render as render
from desktop.services.documents import DocumentService


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
