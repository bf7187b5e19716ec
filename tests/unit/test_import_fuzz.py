"""A damaged file never ends in a traceback and never writes (issue 18, item 2): 2,000 mutated XLSX and
CSV files (truncated, bits flipped, zip members swapped, dropped or garbled, stray quotes and NULs) are
previewed; each is read or refused with the app's own error. tests/bench/bench_import_fuzz.py runs more."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from desktop.services.workspace import Workspace
from tests.conftest import make_case
from tests.import_fuzz import run, seed_files

pytestmark = pytest.mark.sqlite_only  # file parsing, the same on both engines; counts SQLite total_changes

CASES = 2000


def test_mutated_files_are_read_or_refused_never_a_traceback(workspace: Workspace, tmp_path: Path) -> None:
    workspace.save_case(make_case())
    workspace.save_case(make_case("（2025）黑0902民初124号", cause="=1+1"))
    seeds = seed_files(workspace, tmp_path)
    # thousands of small files: in memory where the system offers it (a disk costs ms per file here)
    shm = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() and os.access(shm, os.W_OK) else tmp_path) as d:
        outcome = run(workspace, seeds, Path(d), CASES, seed=18)
    assert outcome.tracebacks == [], outcome.tracebacks[0]
    assert outcome.writes == 0
    assert outcome.cases == CASES
    # the damage was real: most files were refused, and for several reasons
    assert sum(outcome.refused.values()) > CASES // 3
    assert {"Damaged", "BadCsv"} <= set(outcome.refused), outcome.refused
