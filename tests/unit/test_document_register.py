"""The register: numbering per court/series/year, immutable snapshots, reprints, the urging log,
batches, and one transaction per issue (a refusal leaves the database unchanged)."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from desktop.core.model import CourtSettings, Installment, Payment, Stage
from desktop.documents.render import layout_document
from desktop.services.documents import DocumentService, NotEligible
from desktop.services.workspace import CaseInvalid, Change, Workspace
from desktop.store.documents import SnapshotTampered
from tests.conftest import TODAY, make_case


def prompt_case(number: str):  # type: ignore[no-untyped-def]
    case = make_case(number)
    creditor, debtor = case.parties
    ob = replace(
        case.obligations[0],
        installments=(
            Installment(1, date(2025, 5, 31), 4_000_000),
            Installment(2, date(2025, 6, 18), 6_000_000),
        ),
    )
    return replace(case, obligations=(ob,), deadline=date(2025, 6, 18),
                   parties=(creditor, replace(debtor, phone="13800138000")))  # fmt: skip


def performed(number: str, stage: Stage = Stage.AFTER_JUDGMENT):  # type: ignore[no-untyped-def]
    case = make_case(number, stage=stage)
    return replace(
        case, payments=(*case.payments, Payment(date(2025, 6, 10), 6000000, creditor_confirmed=True))
    )


@pytest.fixture
def service(workspace: Workspace) -> DocumentService:
    return DocumentService(workspace)


def issue(service: DocumentService, form_id: str, case_id: int, **typed: str):  # type: ignore[no-untyped-def]
    return service.issue(form_id, case_id, {**service.start(form_id, case_id).answers, **typed})


def count(ws: Workspace, table: str) -> int:
    return int(ws.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_numbers_run_per_court_series_and_year(workspace: Workspace, service: DocumentService) -> None:
    a = workspace.save_case(prompt_case("（2025）黑0902民初201号"))
    b = workspace.save_case(prompt_case("（2025）黑0902民初202号"))
    c = workspace.save_case(performed("（2025）黑0902民初203号"))
    d = workspace.save_case(performed("（2025）黑0902执204号", Stage.ENFORCEMENT))
    assert issue(service, "performance_prompt", a.id).number == "黑0902履提〔2025〕1号"
    assert issue(service, "performance_prompt", b.id).number == "黑0902履提〔2025〕2号"
    # The two certificates (七台河 trial stage, 从化 enforcement stage) share one series.
    assert issue(service, "certificate_trial", c.id).number == "黑0902履证〔2025〕1号"
    typed = {"judgment_date": "2024-12-02", "basis_number": "（2024）黑0902民初9号", "basis_court": "本院"}
    assert issue(service, "certificate_enforcement", d.id, **typed).number == ("黑0902履证〔2025〕2号")
    # Another court code (settings changed) numbers from 1 again.
    workspace.set_court(CourtSettings("七台河市桃山区人民法院", "黑0903", ""))
    assert issue(service, "performance_prompt", a.id).number == "黑0903履提〔2025〕1号"


def test_issuing_a_prompt_records_the_reminder_and_notifies(
    workspace: Workspace, service: DocumentService
) -> None:
    case = workspace.save_case(prompt_case("（2025）黑0902民初205号"))
    seen: list[Change] = []
    workspace.subscribe(seen.append)
    issued = issue(service, "performance_prompt", case.id, delivery="上门")
    contacts = workspace.load_case(case.id).contacts
    assert len(contacts) == 1
    contact = contacts[0]
    assert contact.rule_id == "prompt" and contact.method.value == "上门"
    assert contact.at.date() == TODAY and issued.number in contact.outcome
    assert contact.party == "七台河市宏达商贸有限公司"
    assert [c.what for c in seen] == ["document", "contact"]
    actions = [r[0] for r in workspace.db.execute("SELECT action FROM audit_log ORDER BY id")]
    assert "document.issue" in actions and "contact.create" in actions


def test_a_demand_counts_as_the_urge_reminder(workspace: Workspace, service: DocumentService) -> None:
    case = replace(prompt_case("（2025）黑0902民初206号"), deadline=date(2025, 6, 10))
    plan = (Installment(1, date(2025, 5, 31), 4_000_000), Installment(2, date(2025, 6, 10), 6_000_000))
    ob = replace(case.obligations[0], installments=plan)
    saved = workspace.save_case(replace(case, obligations=(ob,)))
    issue(service, "performance_demand", saved.id)
    assert [c.rule_id for c in workspace.load_case(saved.id).contacts] == ["urge"]


def test_refusals_leave_the_database_unchanged(workspace: Workspace, service: DocumentService) -> None:
    case = workspace.save_case(prompt_case("（2025）黑0902民初207号"))
    before = (count(workspace, "documents"), count(workspace, "contacts"), count(workspace, "audit_log"))
    answers = service.start("performance_prompt", case.id).answers
    with pytest.raises(CaseInvalid) as exc:
        service.issue("performance_prompt", case.id, {**answers, "due_date": "2025-02-30"})
    assert "履行期限：2025年2月没有30日" in str(exc.value)
    with pytest.raises(NotEligible) as refused:
        service.issue("performance_demand", case.id, answers)
    assert "尚未届满" in refused.value.reason
    assert (
        count(workspace, "documents"),
        count(workspace, "contacts"),
        count(workspace, "audit_log"),
    ) == before


def test_the_register_is_append_only(workspace: Workspace, service: DocumentService) -> None:
    case = workspace.save_case(prompt_case("（2025）黑0902民初208号"))
    issued = issue(service, "performance_prompt", case.id)
    with pytest.raises(sqlite3.IntegrityError, match="已登记的文书不能修改"):
        workspace.db.execute("UPDATE documents SET snapshot = '{}' WHERE id = ?", [issued.doc_id])
    with pytest.raises(sqlite3.IntegrityError, match="已登记的文书不能删除"):
        workspace.db.execute("DELETE FROM documents WHERE id = ?", [issued.doc_id])
    # Deleting the case keeps the document, with its case number.
    workspace.delete_case(case.id)
    row = workspace.db.execute("SELECT case_id, case_number FROM documents").fetchone()
    assert row == (None, "（2025）黑0902民初208号")
    assert service.reprint([issued.doc_id]) == service.pdf([issued])


def test_reprint_is_the_issued_text_even_after_the_form_changes(workspace: Workspace, tmp_path: Path) -> None:
    from desktop.services.documents import form_directories

    case = workspace.save_case(prompt_case("（2025）黑0902民初209号"))
    bundled = form_directories()[0]
    court = tmp_path / "court"
    court.mkdir()
    service = DocumentService(workspace, form_dirs=[bundled, court])
    issued = issue(service, "performance_prompt", case.id)
    original = service.reprint([issued.doc_id])
    text = (bundled / "050_performance_prompt.toml").read_text(encoding="utf-8")
    (court / "prompt.toml").write_text(text.replace("特此提示。", "特此再次提示。"), encoding="utf-8")
    edited = DocumentService(workspace, form_dirs=[bundled, court])
    assert edited.form("performance_prompt").override
    assert edited.reprint([issued.doc_id]) == original
    # The case changing afterwards does not change the reprint either.
    loaded = workspace.load_case(case.id)
    workspace.save_case(replace(loaded, cause="借款合同纠纷"))
    assert edited.reprint([issued.doc_id]) == original


def test_a_tampered_snapshot_is_refused(workspace: Workspace, service: DocumentService) -> None:
    case = workspace.save_case(prompt_case("（2025）黑0902民初210号"))
    issued = issue(service, "performance_prompt", case.id)
    conn = workspace.db.conn
    # someone edits the database with another tool
    if workspace.is_server:
        conn.execute("ALTER TABLE documents DISABLE TRIGGER documents_immutable")
    else:
        conn.execute("DROP TRIGGER documents_immutable")
    conn.execute("UPDATE documents SET snapshot = replace(snapshot, '60,000.00', '6,000.00')")
    with pytest.raises(SnapshotTampered, match="校验值不符"):
        service.reprint([issued.doc_id])


def test_batch_registers_each_and_prints_one_pdf(workspace: Workspace, service: DocumentService) -> None:
    ids = [workspace.save_case(prompt_case(f"（2025）黑0902民初{n}号")).id for n in (211, 212)]
    late = workspace.save_case(replace(prompt_case("（2025）黑0902民初213号"), deadline=date(2025, 6, 30)))
    plan = (Installment(1, date(2025, 5, 31), 4_000_000), Installment(2, date(2025, 6, 30), 6_000_000))
    ob = replace(late.obligations[0], installments=plan)
    late = workspace.save_case(replace(late, obligations=(ob,)))
    assert service.candidates("performance_prompt") == ids
    result = service.issue_batch("performance_prompt", [*ids, late.id], {"phone": "13945678901"})
    assert [i.number for i in result.issued] == ["黑0902履提〔2025〕1号", "黑0902履提〔2025〕2号"]
    assert result.refused == (("（2025）黑0902民初213号", result.refused[0][1]),)
    assert "自二〇二五年六月二十三日起可以发送" in result.refused[0][1]
    batches = {r[0] for r in workspace.db.execute("SELECT batch FROM documents")}
    assert len(batches) == 1 and batches != {""}
    pages = sum(len(layout_document(i.printable, service.fonts)) for i in result.issued)
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", result.pdf)) == pages >= 2
    assert count(workspace, "contacts") == 2
