"""Every form is issued from a demo case with only what the wizard asks the clerk to type.

Issue 19 §11: cases in the enforcement stages held no judgment date and no enforcement filing date, so
the enforcement-stage forms could not be prefilled from any case. The ledger now carries 判决/调解日期
(``judgment_date``), 执行立案日期 and 执行通知书送达日期, and the demo fills them. For each form a demo
case its rule allows is taken, the form is prefilled from it, only the form's manual fields (no
``source``: what the clerk types in the wizard) are filled, and the document is issued and printed, on
SQLite and, with TRIBUNAL_DESK_TEST_PG set, on PostgreSQL. The dates taken from the case must be printed
in 〇 form.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from desktop.core.casenumber import parse_case_number
from desktop.core.chinese_dates import format_date_cn
from desktop.documents.formdef import FormDef, load_forms
from desktop.services.documents import DocumentService, form_directories
from desktop.services.workspace import Workspace
from tests.conftest import TODAY
from tests.forms.conftest import POPPLER, pdf_text, squeeze

pytestmark = pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")

FORMS = load_forms(form_directories()).ordered()

# What a clerk types for the fields no case record gives (the forms' fields without a ``source``).
MANUAL = {
    "new_deadline": "2025-06-30",
    "settlement_date": "2025-06-01",
    "terms": "被执行人于2025年7月31日前分两期给付申请执行人人民币20,000.00元，"
    "首期10,000.00元于2025年6月30日前给付",
    "reason": "生产经营任务紧急，需参与政府采购招标",
    "repair_from": "2025-06-15",
    "repair_to": "2025-08-15",
    "perform_by": "2025-08-31",
}

# The sources of the dates and numbers of the judgment and the enforcement case: every case a form
# applies to must give them.
CASE_FACTS = {
    "case.judgment_date",
    "case.enforcement_date",
    "case.enforcement_notice_date",
    "case.enforcement_number",
    "case.basis_number",
}


def manual_fields(form: FormDef) -> list[str]:
    """The fields the wizard leaves to the clerk: no source in the case, no default."""
    return [f.key for f in form.fields if not f.source and not f.default]


@pytest.fixture
def service(
    engine: str, demo_template: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[DocumentService]:
    """The small demo (tests/forms/conftest.py) on the engine under test."""
    if engine == "postgresql":
        from desktop.services.server import migrate_to_server

        target: Path | str = str(request.getfixturevalue("pg_url"))
        migrate_to_server(demo_template, str(target), replace=True)
    else:
        target = tmp_path / "demo.sqlite3"
        target.write_bytes(demo_template.read_bytes())
    ws = Workspace.open(target, actor="测试员")
    ws.today = lambda: TODAY
    yield DocumentService(ws)
    ws.close()


def representatives(service: DocumentService, form: FormDef) -> list[int]:
    """One case the form's rule allows for each kind among the first 60: by stage, and by whether the
    case is registered under its own trial or enforcement number (a 民初 case moved on to enforcement
    keeps its number and records the enforcement case's)."""
    seen: dict[tuple[str, bool], int] = {}
    for case_id in service.candidates(form.id, limit=60):
        case = service.start(form.id, case_id).case
        kind = (case.stage.value, parse_case_number(case.case_number).is_enforcement)
        seen.setdefault(kind, case_id)
    return list(seen.values())


def _issue(service: DocumentService, form: FormDef, case_id: int, tmp_path: Path) -> str:
    """Issue the form for the case with only the manual fields typed; '' or what failed."""
    draft = service.start(form.id, case_id)
    answers = dict(draft.answers)
    for key in manual_fields(form):
        field = form.field(key)
        if field.required and not answers.get(key, "").strip():
            if key not in MANUAL:
                return f"必填的手填字段{key}没有示例值"
            answers[key] = MANUAL[key]
    _values, errors = service.check(form, answers)
    if errors:
        return "；".join(f"{k}：{e}" for k, e in sorted(errors.items()))
    issued = service.issue(form.id, case_id, answers)
    printed = squeeze(pdf_text(service.pdf([issued]), tmp_path))
    body = "".join(block.text for block in form.body)
    for field in form.fields:
        value = draft.answers.get(field.key, "")
        if field.type == "date" and field.source in CASE_FACTS and f"{{{field.key}}}" in body:
            day = date.fromisoformat(value)
            if format_date_cn(day) not in printed:
                return f"{field.label}未以〇形式印出（{format_date_cn(day)}）"
    return ""


def test_every_form_is_issued_with_only_the_fields_a_clerk_types(
    service: DocumentService, tmp_path: Path
) -> None:
    failed: dict[str, str] = {}
    for form in FORMS:
        cases = representatives(service, form)
        if not cases:
            failed[form.id] = "没有适用的演示案件"
        for case_id in cases:
            if why := _issue(service, form, case_id, tmp_path):
                failed.setdefault(form.id, f"案件{case_id}：{why}")
    assert not failed, failed


def test_every_case_a_form_applies_to_gives_the_judgment_and_enforcement_facts(
    demo: DocumentService,
) -> None:
    """Not only the first: each of the first 40 cases each form's rule allows gives the dates and
    numbers of the judgment and of the enforcement case the form prints."""
    missing: dict[str, list[str]] = {}
    for form in FORMS:
        fields = [f for f in form.fields if f.required and f.source in CASE_FACTS]
        if not fields:
            continue
        for case_id in demo.candidates(form.id, limit=40):
            answers = demo.start(form.id, case_id).answers
            for f in fields:
                if not answers.get(f.key, "").strip():
                    missing.setdefault(form.id, []).append(f"{case_id}:{f.label}")
    assert not missing, {k: v[:5] for k, v in missing.items()}


def test_the_screening_is_asked_only_by_the_forms_that_read_it(
    demo: DocumentService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 19 §5: the 审破衔接 screening reads every case of each enterprise debtor, a cost that grows
    with the ledger; finding the cases for a batch and issuing it leave it out unless the form reads it."""
    from desktop.store import documents as register

    asked: list[int] = []
    real = register.case_findings
    monkeypatch.setattr(
        register, "case_findings", lambda conn, case_id: asked.append(case_id) or real(conn, case_id)
    )
    result = demo.issue_batch("rights_notice", demo.candidates("rights_notice", limit=20))
    assert len(result.issued) == 20 and asked == []
    bankruptcy = demo.candidates("bankruptcy_review_notice", limit=2)
    assert asked and demo.issue_batch("bankruptcy_review_notice", bankruptcy).issued
