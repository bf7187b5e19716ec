"""Fixtures for the document tests: a small demo database (generated once) and PDF text tools."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.services.demo import generate
from desktop.services.documents import DocumentService
from desktop.services.workspace import Workspace
from tests.conftest import TODAY

POPPLER = shutil.which("pdftotext") is not None and shutil.which("pdffonts") is not None


# What a clerk types when the case record does not say it (only used where the prefill is empty).
TYPED = {
    "judgment_date": "2024-12-02",
    "apply_date": "2025-03-03",
    "filing_date": "2025-03-10",
    "notice_date": "2025-05-20",
    "new_deadline": "2025-06-30",
    "settlement_date": "2025-06-01",
    "terms": "被执行人于2025年7月31日前分两期给付申请执行人人民币20,000.00元，"
    "首期10,000.00元于2025年6月30日前给付",
    "reason": "生产经营任务紧急，需参与政府采购招标",
    "repair_from": "2025-06-15",
    "repair_to": "2025-08-15",
    "perform_by": "2025-08-31",
    "pre_number": "（2025）黑0902执前调5号",
    "basis_court": "本院",
    "basis_number": "（2024）黑0902民初88号",
    "enforcement_number": "（2025）黑0902执77号",
    "obligations": "（1）被申请人于本判决生效之日起十日内给付申请人借款本金人民币20,000.00元；",
    "performed_date": "2025-06-01",
    "cause": "民间借贷纠纷",
    "ground": "存在其他符合破产申请条件的情形",
}


def typed_answers(service: DocumentService, form_id: str, case_id: int) -> dict[str, str]:
    """The prefilled answers for the case, with what a clerk types where the case says nothing."""
    answers = dict(service.start(form_id, case_id).answers)
    for key, value in TYPED.items():
        if key in answers and not answers[key].strip():
            answers[key] = value
    return answers


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    generate(path, cases=1500, seed=7, today=TODAY)
    return path


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> Iterator[DocumentService]:
    """A private copy of the demo database, today fixed, with its document service."""
    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_template, path)
    ws = Workspace.open(path, actor="测试员")
    ws.today = lambda: TODAY
    yield DocumentService(ws)
    ws.close()


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def pdf_fonts(data: bytes, tmp_path: Path) -> list[dict[str, str]]:
    """pdffonts rows: name, type, emb, sub, uni."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name type [type2] encoding emb sub uni object ID: read the yes/no columns from the right
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def squeeze(text: str) -> str:
    """Text without whitespace (pdftotext breaks lines and pads with spaces where the layout did)."""
    return re.sub(r"\s+", "", text)


PAGE_NUMBER = re.compile(r"—\s*\d+\s*—")
