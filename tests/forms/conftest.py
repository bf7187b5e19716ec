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
